//! Screen tests of the stream views: ladder (phases, folding, selection), follow
//! (ASCII, hex, search, gaps, export) and their refusal outside TCP.

use super::navigation::{ctrl, snap};
use super::*;
use crate::ui::time_format::TimeFormat;

#[test]
fn ladder_shows_handshake_data_and_teardown() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = at_frame(22);
        key(&mut app, KeyCode::Char('l'));
        assert_eq!(app.view, View::Ladder);
        let s = screen(&mut app, w, h);
        assert!(s.contains("Three-way handshake"), "{s}");
        assert!(s.contains("[SYN] Seq=0"), "{s}");
        assert!(s.contains("[SYN, ACK] Seq=0 Ack=1"), "{s}");
        assert!(s.contains("[ACK] Seq=1 Ack=1"), "{s}");
        assert!(
            s.contains("10.77.0.1:60918") && s.contains("10.77.0.2:80"),
            "{s}"
        );
        // Frame 22 is inside the folded run: the fold row is selected.
        assert!(s.contains("8 segments, 11352 byte"), "{s}");
        // The teardown may be below the window at 80x24: go to the end.
        key(&mut app, KeyCode::Char('G'));
        let s = screen(&mut app, w, h);
        assert!(s.contains("Four-way teardown"), "{s}");
        assert!(s.contains("[FIN, ACK] Seq=82 Ack=11353"), "{s}");
        assert!(s.contains("[FIN, ACK] Seq=11353 Ack=83"), "{s}");
        assert_eq!(
            app.packets.selected, 26,
            "the ladder selects packets in the list"
        );
        assert!(s.contains("──>│") && s.contains("│<──"), "{s}");
    }
}

#[test]
fn ladder_folds_unfold_and_select_packets() {
    let mut app = at_frame(22);
    key(&mut app, KeyCode::Char('l'));
    let folded = app.ladder.state.as_ref().map(|l| l.rows.len()).unwrap_or(0);
    // Enter on the selected fold opens it: 15 segments replace one row.
    key(&mut app, KeyCode::Enter);
    let open = app.ladder.state.as_ref().map(|l| l.rows.len()).unwrap_or(0);
    assert_eq!(open, folded + 14);
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("Len=1448"), "{s}");
    assert!(!s.contains("8 segments"), "{s}");
    // Space on a segment of the opened run folds it back.
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(
        app.ladder.state.as_ref().map(|l| l.rows.len()),
        Some(folded)
    );
    // `a` unfolds everything, and again folds everything.
    key(&mut app, KeyCode::Char('a'));
    assert_eq!(app.ladder.state.as_ref().map(|l| l.rows.len()), Some(open));
    key(&mut app, KeyCode::Char('a'));
    assert_eq!(
        app.ladder.state.as_ref().map(|l| l.rows.len()),
        Some(folded)
    );
    // Moving in the ladder moves the packet list's selection.
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Down);
    assert_eq!(app.packets.selected, 2, "first segment is frame 3");
    key(&mut app, KeyCode::Down);
    assert_eq!(app.packets.selected, 3);
    // A click on a row selects it: row 0 of the ladder is its header (the
    // journey strip, when drawn, sits above it).
    screen(&mut app, 120, 40);
    let area = app.ladder.ladder_area();
    click(&mut app, area.x + 20, area.y + 2 + 3);
    assert_eq!(
        app.packets.selected, 4,
        "the fourth row is the ACK of frame 5"
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.view, View::Packets);
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("Frame 5:"), "{s}");
}

#[test]
fn follow_shows_both_sides_ascii_hex_and_search() {
    let mut app = at_frame(22);
    key(&mut app, KeyCode::Char('f'));
    assert_eq!(app.view, View::Follow);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("GET / HTTP/1.1"), "{s}");
    assert!(s.contains("HTTP/1.1 200 OK"), "{s}");
    assert!(s.contains("Follow TCP stream 0"), "{s}");
    key(&mut app, KeyCode::Char('x'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("00000000  47 45 54 20"), "{s}");
    key(&mut app, KeyCode::Char('x'));
    // Search: `/`, a query, Enter, then n / N.
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "</html");
    key(&mut app, KeyCode::Enter);
    assert!(app.prompt.is_none());
    assert!(app.status.starts_with("match 1 of"), "{}", app.status);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("</html>"), "{s}");
    key(&mut app, KeyCode::Char('/'));
    for _ in 0..6 {
        key(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "no such text");
    key(&mut app, KeyCode::Enter);
    assert!(app.status.contains("not found"), "{}", app.status);
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Esc);
    assert!(app.prompt.is_none());
    key(&mut app, KeyCode::Char('/'));
    for _ in 0..20 {
        key(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "http/1.1");
    key(&mut app, KeyCode::Enter);
    let total = app
        .follow
        .state
        .as_ref()
        .map(|f| f.matches.len())
        .unwrap_or(0);
    assert!(total >= 2, "{total}");
    assert_eq!(app.status, format!("match 1 of {total} for \"http/1.1\""));
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(app.status, format!("match 2 of {total} for \"http/1.1\""));
    key(&mut app, KeyCode::Char('N'));
    key(&mut app, KeyCode::Char('N'));
    assert_eq!(
        app.status,
        format!("match {total} of {total} for \"http/1.1\"")
    );
    // Scrolling works and stays in bounds.
    key(&mut app, KeyCode::Char('G'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("</html>"), "{s}");
}

#[test]
fn follow_marks_gaps() {
    const SYN: u8 = 0x02;
    const ACK: u8 = 0x10;
    let t = synthetic_trace(&[
        (true, SYN, 100, 0, b""),
        (false, SYN | ACK, 500, 101, b""),
        (true, ACK, 101, 501, b""),
        (true, ACK, 101, 501, b"hello\n"),
        (false, ACK, 501, 107, b"ok\n"),
        // Server bytes 3..5 never captured.
        (false, ACK, 506, 107, b"!\n"),
    ]);
    let mut app = App::with_trace("gap.pcap".into(), t);
    key(&mut app, KeyCode::Char('f'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("hello"), "{s}");
    assert!(s.contains("[2 bytes missing in capture file]"), "{s}");
}

#[test]
fn follow_export_writes_raw_stream_bytes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut app = at_frame(6);
    app.cx.export_dir = tmp.path().to_path_buf();
    key(&mut app, KeyCode::Char('f'));
    key(&mut app, KeyCode::Char('e'));
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("stream-0.bin")
    );
    key(&mut app, KeyCode::Enter);
    let data = std::fs::read(tmp.path().join("stream-0.bin")).expect("written");
    assert!(data.starts_with(b"GET / HTTP/1.1\r\n"));
    let body =
        std::fs::read(manifest().join("sample-captures/content/index.html")).expect("index.html");
    assert!(data.ends_with(&body));
    assert_eq!(data.len(), 81 + 11352);
}

#[test]
fn stream_views_refuse_packets_outside_tcp() {
    let mut app = sample();
    key(&mut app, KeyCode::Char('l'));
    assert_eq!(app.view, View::Packets);
    assert!(
        app.status.contains("not part of a TCP stream"),
        "{}",
        app.status
    );
    // From the conversations list, the selected conversation opens.
    key(&mut app, KeyCode::Char('c'));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char('l'));
    assert_eq!(app.view, View::Ladder);
}

#[test]
fn a_stream_view_opened_on_the_preview_is_rebuilt_from_the_whole_file() {
    const SYN: u8 = 0x02;
    const ACK: u8 = 0x10;
    // The preview holds the handshake only.
    let preview = synthetic_trace(&[
        (true, SYN, 100, 0, b""),
        (false, SYN | ACK, 500, 101, b""),
        (true, ACK, 101, 501, b""),
    ]);
    let mut app = App::headless("big.pcap".into());
    load(
        &mut app,
        crate::ui::loader::LoadEvent::Preview(std::sync::Arc::new(preview.into())),
    );
    key(&mut app, KeyCode::Char('l'));
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("[SYN] Seq=0"), "{s}");
    assert!(!s.contains("teardown"), "{s}");
    let full = connection(
        b"GET / HTTP/1.1\r\n\r\n",
        b"HTTP/1.1 204 No Content\r\n\r\n",
    );
    app.handle(Event::Load(crate::ui::loader::LoadEvent::Done(Ok(
        std::sync::Arc::new(full.into()),
    ))));
    // The preview's ladder stays until the whole file's is built.
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("rebuilding…") && s.contains("[SYN] Seq=0"),
        "{s}"
    );
    app.settle();
    assert_eq!(app.view, View::Ladder);
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("Three-way teardown"), "{s}");
    assert!(s.contains("[FIN, ACK] Seq=28 Ack=20"), "{s}");
}

#[test]
fn follow_toggles_to_the_decrypted_tls_data() {
    // The pcapng carries its keys in a Decryption Secrets Block.
    let path = manifest().join("sample-captures/tls13-h2-dsb.pcapng");
    let trace = Trace::open(&path).expect("sample capture");
    let mut app = App::with_trace("tls13-h2-dsb.pcapng".into(), trace);
    if let Some(s) = app.cx.trace.as_deref() {
        let _ = s.http();
    }
    key(&mut app, KeyCode::Char('g'));
    for _ in 1..6 {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Char('f'));
    let s = screen(&mut app, 100, 24);
    assert!(s.contains("Follow TCP stream 0"), "{s}");
    assert!(!s.contains("PRI * HTTP/2.0"), "{s}");
    key(&mut app, KeyCode::Char('t'));
    let s = screen(&mut app, 100, 24);
    assert!(s.contains("Follow TLS stream 0"), "{s}");
    assert!(s.contains("PRI * HTTP/2.0"), "{s}");
    key(&mut app, KeyCode::Char('t'));
    let s = screen(&mut app, 100, 24);
    assert!(s.contains("Follow TCP stream 0"), "{s}");
}

#[test]
fn a_key_log_loaded_after_opening_decrypts_the_views() {
    let path = manifest().join("sample-captures/tls12-gcm-h1.pcap");
    let trace = Trace::open(&path).expect("sample capture");
    let mut app = App::with_trace("tls12-gcm-h1.pcap".into(), trace);
    if let Some(s) = app.cx.trace.as_deref() {
        let _ = s.http();
    }
    let s = screen(&mut app, 160, 70);
    assert!(!s.contains("GET /style.css"), "{s}");
    assert!(s.contains("Application Data"), "{s}");
    // A file that cannot be read keeps the prompt open with the error.
    key(&mut app, KeyCode::Char('K'));
    keys(&mut app, "/nonexistent/keys.log");
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 160, 70);
    assert!(s.contains("TLS key log file: /nonexistent/keys.log"), "{s}");
    assert!(s.contains("No such file"), "{s}");
    for _ in 0.."/nonexistent/keys.log".len() {
        key(&mut app, KeyCode::Backspace);
    }
    let keys_path = manifest().join("sample-captures/tls12-gcm-h1.keys");
    keys(&mut app, keys_path.to_str().expect("utf-8 path"));
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 160, 70);
    assert!(s.contains("GET /style.css HTTP/1.1"), "{s}");
    assert!(
        s.contains("1 new secrets, 1 of 1 TLS connections decrypted"),
        "{s}"
    );
    // The HTTP view of the stream now lists both requests.
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('h'));
    let s = screen(&mut app, 160, 70);
    assert!(s.contains("/submit"), "{s}");
}

/// The ladder's arrows name the HTTP messages they start, and a pause of
/// the connection shows on its time axis: the keep-alive sample with three
/// seconds added before frame 24 (the second request).
#[test]
fn ladder_annotates_http_messages_and_marks_idle_pauses() {
    let mut bytes = std::fs::read(manifest().join("sample-captures/keepalive-3-requests.pcap"))
        .expect("sample");
    assert_eq!(&bytes[..4], &[0xd4, 0xc3, 0xb2, 0xa1], "little-endian pcap");
    let (mut at, mut frame) = (24usize, 1u32);
    while at + 16 <= bytes.len() {
        let len = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().expect("4 bytes")) as usize;
        if frame >= 24 {
            let sec = u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) + 3;
            bytes[at..at + 4].copy_from_slice(&sec.to_le_bytes());
        }
        at += 16 + len;
        frame += 1;
    }
    let capture = crate::capture::Capture::from_bytes(
        crate::capture::CaptureBytes::Owned(bytes),
        "paused.pcap".into(),
    )
    .expect("capture");
    let trace = Trace::load(capture, |_| true).expect("trace");
    let mut app = App::with_trace("paused.pcap".into(), trace);
    if let Some(s) = app.cx.trace.as_deref() {
        let _ = s.http();
    }
    key(&mut app, KeyCode::Char('g'));
    for _ in 1..6 {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Char('l'));
    let s = screen(&mut app, 200, 50);
    let line = |needle: &str| {
        s.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} in\n{s}"))
            .to_string()
    };
    assert!(line("GET /index.html · [PSH, ACK]").contains("│─"), "{s}");
    assert!(line("200 OK, 11,088 B").contains("8 segments"), "{s}");
    let paused = line("GET /style.css");
    assert!(
        paused.contains("⋯ 3.00 s idle · GET /style.css"),
        "{paused}"
    );
    assert!(paused.contains("┊"), "{paused}");
    // Only the one pause is idle.
    assert_eq!(s.matches(" idle · ").count(), 1, "{s}");
}

/// The ladder writes its times as the packet list does: `T` cycles the
/// format in the ladder too, and a time reference shows `*REF*` there and
/// restarts the count.
#[test]
fn ladder_times_follow_the_time_display_format() {
    for (w, h) in [(80, 24), (200, 50)] {
        // Frame 5 is a time reference (Ctrl-T).
        let mut app = at_frame(5);
        app.handle(Event::Key(KeyEvent::new(
            KeyCode::Char('t'),
            KeyModifiers::CONTROL,
        )));
        app.settle();
        assert!(app.packets.time_refs.contains(&4));
        key(&mut app, KeyCode::Char('l'));
        assert_eq!(app.view, View::Ladder);
        // Seconds since the previous displayed packet: the row above.
        key(&mut app, KeyCode::Char('T'));
        key(&mut app, KeyCode::Char('T'));
        assert_eq!(app.packets.time_format, TimeFormat::DeltaDisplayed);
        assert_eq!(app.view, View::Ladder);
        let s = screen(&mut app, w, h);
        // tshark -t dd -Y tcp.stream==0 -r textbook-visit.pcap: frame 4
        // 0.000012, frame 6 0.000132 (from the reference, which is frame 5).
        assert!(s.contains("   0.000000     3 │"), "{s}");
        assert!(s.contains("   0.000012     4 │"), "{s}");
        assert!(s.contains("      *REF*     5 │"), "{s}");
        assert!(s.contains("   0.000132     6 │"), "{s}");
        insta::assert_snapshot!(format!("ladder_delta_displayed_{w}x{h}"), s);
        // UTC date and time: a wider time column.
        for _ in 0..4 {
            key(&mut app, KeyCode::Char('T'));
        }
        assert_eq!(app.packets.time_format, TimeFormat::UtcDate);
        let s = screen(&mut app, w, h);
        // tshark -t ud -r textbook-visit.pcap, frame 3.
        assert!(s.contains("2026-11-25 21:08:29.487256     3 │"), "{s}");
        insta::assert_snapshot!(format!("ladder_utc_date_{w}x{h}"), s);
    }
}

#[test]
fn follow_wraps_scrolls_sideways_and_picks_a_direction() {
    let long = "a".repeat(150) + "-the-end";
    let req = format!("GET /{long} HTTP/1.1\r\nHost: example.test\r\n\r\n");
    let resp = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    let mut app = App::with_trace(
        "long.pcap".into(),
        connection(req.as_bytes(), resp.as_bytes()),
    );
    key(&mut app, KeyCode::Char('f'));
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("GET /aaaa") && s.contains('…'),
        "cut with an ellipsis: {s}"
    );
    assert!(!s.contains("the-end"), "{s}");
    snap(&mut app, "follow_cut");
    for _ in 0..12 {
        key(&mut app, KeyCode::Right);
    }
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("the-end HTTP/1.1"), "scrolled: {s}");
    key(&mut app, KeyCode::Char('r'));
    snap(&mut app, "wrap");
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("│GET /aaaa") && s.contains("the-end HTTP/1.1"),
        "wrapped: {s}"
    );
    // Directions: the server's only, then the client's only, then both.
    key(&mut app, KeyCode::Char('d'));
    assert_eq!(app.status, "following client → server only");
    let s = screen(&mut app, 200, 50);
    assert!(
        s.contains("Host: example.test") && !s.contains("200 OK"),
        "{s}"
    );
    key(&mut app, KeyCode::Char('d'));
    let s = screen(&mut app, 200, 50);
    assert!(
        !s.contains("Host: example.test") && s.contains("200 OK"),
        "{s}"
    );
    key(&mut app, KeyCode::Char('d'));
    let s = screen(&mut app, 200, 50);
    assert!(
        s.contains("Host: example.test") && s.contains("200 OK"),
        "{s}"
    );
    // The HTTP message wraps too.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('h'));
    key(&mut app, KeyCode::Tab);
    let s = screen(&mut app, 80, 24);
    assert!(!s.contains("the-end"), "{s}");
    key(&mut app, KeyCode::Char('r'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("the-end"), "{s}");
}

/// Two UDP datagrams between two IPv6 hosts whose addresses differ only
/// at the end (so a cut at 16 characters would make them look alike).

#[test]
fn a_url_encoded_form_is_listed_as_its_items() {
    let path = manifest().join("sample-captures/post-form.pcap");
    let mut app = App::with_trace("post-form.pcap".into(), Trace::open(&path).expect("sample"));
    ctrl(&mut app, 'g');
    keys(&mut app, "6");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('h'));
    let s = screen(&mut app, 200, 50);
    // tshark -V -Y urlencoded-form: the HTML Form URL Encoded items.
    for item in [
        "HTML Form URL Encoded: application/x-www-form-urlencoded",
        "Form item: \"name\" = \"Ada Lovelace\"",
        "Form item: \"email\" = \"ada@example.test\"",
        "Form item: \"subject\" = \"Capture does not decode\"",
        "Form item: \"component\" = \"tcp-reassembly\"",
        "Form item: \"version\" = \"0.3.0\"",
        "Form item: \"os\" = \"Debian 12\"",
        "Form item: \"severity\" = \"normal\"",
    ] {
        assert!(s.contains(item), "{item} missing:\n{s}");
    }
}

#[test]
fn follow_opens_udp_streams() {
    let mut app = sample();
    // Frame 1: the DNS query, UDP stream 0.
    key(&mut app, KeyCode::Char('f'));
    assert_eq!(app.view, View::Follow);
    let s = screen(&mut app, 120, 30);
    assert!(s.contains("Follow UDP stream 0"), "{s}");
    // tshark -z follow,udp,ascii,0: 35 bytes from the client, 51 back.
    assert!(s.contains("(35 bytes)") && s.contains("(51 bytes)"), "{s}");
    assert!(s.contains("wirelens"), "{s}");
}

/// `T` in follow puts each packet's time before the first line it carries,
/// in the packet list's format, then cycles the format; a full turn hides
/// the times again.
#[test]
fn follow_shows_packet_times_in_the_time_display_format() {
    let mut app = at_frame(22);
    key(&mut app, KeyCode::Char('f'));
    assert_eq!(app.view, View::Follow);
    let before = screen(&mut app, 80, 24);
    assert!(!before.contains("0.000419"), "{before}");
    key(&mut app, KeyCode::Char('T'));
    assert_eq!(
        app.status,
        "follow: packet times shown, seconds since beginning of capture"
    );
    let s = screen(&mut app, 80, 24);
    // tshark -r textbook-visit.pcap -Y 'tcp.stream==0 && tcp.len>0'
    // -e frame.time_relative: the GET in frame 6 at 0.000419, the response
    // from frame 8 at 0.000506.
    assert!(s.contains("   0.000419 GET / HTTP/1.1"), "{s}");
    assert!(s.contains("   0.000506 HTTP/1.1 200 OK"), "{s}");
    // The GET's other lines came in the same packet: no time repeated.
    assert!(s.contains("            Host: "), "{s}");
    insta::assert_snapshot!("follow_times_80x24", s);
    // The next format: since the previous displayed line's packet.
    key(&mut app, KeyCode::Char('T'));
    assert_eq!(app.packets.time_format, TimeFormat::Delta);
    key(&mut app, KeyCode::Char('T'));
    assert_eq!(app.packets.time_format, TimeFormat::DeltaDisplayed);
    let s = screen(&mut app, 80, 24);
    // 0.000506 - 0.000419.
    assert!(s.contains("   0.000087 HTTP/1.1 200 OK"), "{s}");
    while app.follow.times_from.is_some() {
        key(&mut app, KeyCode::Char('T'));
    }
    assert_eq!(app.packets.time_format, TimeFormat::Relative);
    assert_eq!(app.status, "follow: packet times hidden");
    // The same view as before, but for the status line.
    let body = |s: &str| s.lines().take(23).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&screen(&mut app, 80, 24)), body(&before));
}
