//! Screen tests of the packet list's navigation: find packet (each kind,
//! forward, back, wrapping, the match highlighted), go to packet, marks and
//! `frame.marked`, time references, a conversation's first and last packet,
//! and the prompts' editing, filter colours and completion. Snapshots at
//! 80x24 and 200x50.

use super::*;
use ratatui::style::Color;

fn ctrl(app: &mut App, c: char) {
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )));
    app.settle();
}

fn snap(app: &mut App, name: &str) {
    for (w, h) in [(80, 24), (200, 50)] {
        let s = screen(app, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), s);
    }
}

/// The bottom `rows` lines of the screen with their background colours
/// spelt out (`[Green]text[-]`), for snapshots of colours.
fn styled_bottom(app: &mut App, w: u16, h: u16, rows: u16) -> String {
    app.handle(Event::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| app.draw(f)).expect("draw");
    let buf = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in h.saturating_sub(rows)..h {
        let mut bg = Color::Reset;
        for x in 0..w {
            let cell = &buf[(x, y)];
            if cell.bg != bg {
                bg = cell.bg;
                out.push_str(&if bg == Color::Reset {
                    "[-]".to_string()
                } else {
                    format!("[{bg:?}]")
                });
            }
            out.push_str(cell.symbol());
        }
        out.push('\n');
    }
    out
}

#[test]
fn find_a_string_forward_back_and_wrapping() {
    let mut app = sample();
    ctrl(&mut app, 'f');
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Find [display filter] (Tab: type):"), "{s}");
    // Tab: hex, then string in packet bytes.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    snap_prompt(&mut app, "GET / HTTP");
    key(&mut app, KeyCode::Enter);
    // tshark -Y 'frame contains "GET / HTTP"': frames 6 and 10.
    assert_eq!(app.packets.selected, 5);
    assert_eq!(
        app.status,
        "found string in packet bytes \"GET / HTTP\" in frame 6"
    );
    snap(&mut app, "find_bytes");
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(app.packets.selected, 9);
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(app.packets.selected, 5);
    assert!(
        app.status.ends_with("(search wrapped around the list)"),
        "{}",
        app.status
    );
    key(&mut app, KeyCode::Char('N'));
    assert_eq!(app.packets.selected, 9);
    // The last find comes back selected: typing replaces it.
    ctrl(&mut app, 'f');
    key(&mut app, KeyCode::BackTab);
    keys(&mut app, "de ad be ef 99");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.status, "no packet matches hex value \"de ad be ef 99\"");
    assert_eq!(app.packets.selected, 9);
    // A bad hex value keeps the prompt open with why.
    ctrl(&mut app, 'f');
    keys(&mut app, "abc");
    key(&mut app, KeyCode::Enter);
    let p = app.prompt.as_ref().expect("kept open");
    assert!(p
        .error
        .as_deref()
        .is_some_and(|e| e.contains("pairs of hex digits")));
    key(&mut app, KeyCode::Esc);
}

/// Types `text` into the open prompt and snapshots it.
fn snap_prompt(app: &mut App, text: &str) {
    keys(app, text);
    let s = screen(app, 80, 24);
    assert!(s.contains(text), "{s}");
}

#[test]
fn find_in_details_unfolds_and_highlights_the_line() {
    let mut app = sample();
    ctrl(&mut app, 'f');
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    keys(&mut app, "Window size scaling factor");
    key(&mut app, KeyCode::Enter);
    assert!(
        app.status.starts_with("found string in packet details"),
        "{}",
        app.status
    );
    let s = screen(&mut app, 200, 50);
    assert!(s.contains("scaling factor"), "{s}");
    snap(&mut app, "find_details");
    // A display filter, and the list's text.
    ctrl(&mut app, 'f');
    key(&mut app, KeyCode::Tab);
    keys(&mut app, "Standard query response");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.packets.selected, 1);
    // From the list's text, Tab goes round to the display filter.
    ctrl(&mut app, 'f');
    key(&mut app, KeyCode::Tab);
    keys(&mut app, "tcp.flags.fin == 1");
    key(&mut app, KeyCode::Enter);
    let fin = app.packets.selected;
    let trace = app.cx.trace().expect("trace");
    assert!(trace
        .store
        .entry(fin)
        .expect("entry")
        .tcp_flags()
        .intersects(crate::decode::tcp_flags::TcpFlags::FIN));
}

#[test]
fn go_to_packet_and_the_conversation_s_ends() {
    let mut app = sample();
    ctrl(&mut app, 'g');
    keys(&mut app, "22");
    snap(&mut app, "goto_prompt");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.packets.selected, 21);
    assert_eq!(app.status, "frame 22");
    snap(&mut app, "goto");
    ctrl(&mut app, 'g');
    keys(&mut app, "99");
    key(&mut app, KeyCode::Enter);
    let p = app.prompt.as_ref().expect("kept open");
    assert_eq!(
        p.error.as_deref(),
        Some("no frame 99: the capture has frames 1 to 27")
    );
    key(&mut app, KeyCode::Esc);
    // First and last packet of TCP stream 0 (tshark: frames 3 and 27).
    key(&mut app, KeyCode::Char('<'));
    assert_eq!(app.packets.selected, 2);
    assert_eq!(app.status, "first packet of TCP stream 0: frame 3");
    key(&mut app, KeyCode::Char('>'));
    assert_eq!(app.packets.selected, 26);
    // Hidden by the filter: the nearest displayed frame.
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "dns");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'g');
    keys(&mut app, "1");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.packets.selected, 0);
    ctrl(&mut app, 'g');
    keys(&mut app, "2");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.packets.selected, 1);
}

#[test]
fn marks_are_shown_walked_filtered_and_cleared() {
    let mut app = sample();
    for frame in ["3", "6", "22"] {
        ctrl(&mut app, 'g');
        keys(&mut app, frame);
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char('m'));
    }
    assert_eq!(app.status, "frame 22 marked (3 marked)");
    snap(&mut app, "marks");
    key(&mut app, KeyCode::Char(']'));
    assert_eq!(app.packets.selected, 2, "wraps to the first mark");
    key(&mut app, KeyCode::Char(']'));
    assert_eq!(app.packets.selected, 5);
    key(&mut app, KeyCode::Char('['));
    key(&mut app, KeyCode::Char('['));
    assert_eq!(app.packets.selected, 21);
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "frame.marked == 1");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.status, "3 of 27 packets match");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("3 of 27 match \"frame.marked == 1\""), "{s}");
    // Unmarking one; the filter applied again sees it.
    key(&mut app, KeyCode::Char('m'));
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.status, "2 of 27 packets match");
    key(&mut app, KeyCode::Char('M'));
    assert_eq!(app.status, "2 marks cleared");
    key(&mut app, KeyCode::Char(']'));
    assert_eq!(app.status, "no packet is marked (m marks one)");
}

#[test]
fn a_time_reference_restarts_the_time_column() {
    let mut app = at_frame(6);
    ctrl(&mut app, 't');
    assert_eq!(app.status, "frame 6 set as time reference");
    let s = screen(&mut app, 200, 50);
    let row = |n: &str| {
        s.lines()
            .find(|l| l.trim_start_matches('│').trim_start().starts_with(n))
            .unwrap_or_default()
            .to_string()
    };
    assert!(row("6 ").contains("*REF*"), "{s}");
    // tshark: frame 6 at 0.000419, frame 7 at 0.000428: 9 µs after the reference.
    assert!(row("7 ").contains("0.000009"), "{s}");
    assert!(row("5 ").contains("0.000287"), "before it unchanged: {s}");
    ctrl(&mut app, 't');
    let s = screen(&mut app, 200, 50);
    assert!(!s.contains("*REF*"), "{s}");
}

#[test]
fn the_filter_prompt_colours_edits_and_completes() {
    let mut app = sample();
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "tcp.por");
    let invalid = styled_bottom(&mut app, 80, 24, 3);
    assert!(invalid.contains("[Red]tcp.por"), "{invalid}");
    key(&mut app, KeyCode::Char('t'));
    let valid = styled_bottom(&mut app, 80, 24, 1);
    assert!(valid.contains("[Green]tcp.port"), "{valid}");
    insta::assert_snapshot!("filter_colours_80x24", format!("{invalid}{valid}"));
    // Readline: to the start, a word in front, the end.
    ctrl(&mut app, 'a');
    keys(&mut app, "udp or ");
    ctrl(&mut app, 'e');
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("udp or tcp.port")
    );
    ctrl(&mut app, 'w');
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("udp or ")
    );
    // Completion: the common part at once, a dropdown for the rest.
    keys(&mut app, "tcp.flags.s");
    key(&mut app, KeyCode::Tab);
    snap(&mut app, "completion");
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("tcp.flags.syn") && s.contains("tcp.flags.str"),
        "{s}"
    );
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("udp or tcp.flags.syn ")
    );
    keys(&mut app, "== ");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("udp or tcp.flags.syn == 1 ")
    );
    let colours = styled_bottom(&mut app, 200, 50, 1);
    assert!(
        colours.contains("[Green]udp or tcp.flags.syn == 1"),
        "{colours}"
    );
    insta::assert_snapshot!("filter_colours_200x50", colours);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.status, "4 of 27 packets match");
    // `/` again: the filter selected, a key replaces it.
    key(&mut app, KeyCode::Char('/'));
    assert!(app.prompt.as_ref().is_some_and(|p| p.selected));
    keys(&mut app, "dns");
    assert_eq!(app.prompt.as_ref().map(|p| p.input.as_str()), Some("dns"));
    // A paste goes in at the cursor.
    app.handle(Event::Paste(" or arp\n".into()));
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("dns or arp ")
    );
    // Alt-B moves a word back instead of closing the prompt.
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::Char('b'),
        KeyModifiers::ALT,
    )));
    assert!(app.prompt.is_some());
    assert_eq!(app.prompt.as_ref().map(|p| p.cursor), Some(7));
}

#[test]
fn saving_marked_packets_asks_before_replacing() {
    let mut app = sample();
    let dir = tempfile::tempdir().expect("tempdir");
    app.cx.export_dir = dir.path().to_path_buf();
    key(&mut app, KeyCode::Char('w'));
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("textbook-visit-displayed.pcap")
    );
    key(&mut app, KeyCode::Esc);
    for frame in ["3", "6", "22"] {
        ctrl(&mut app, 'g');
        keys(&mut app, frame);
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char('m'));
    }
    key(&mut app, KeyCode::Char('w'));
    snap(&mut app, "save_prompt");
    key(&mut app, KeyCode::Enter);
    assert!(
        app.status.starts_with("wrote 3 marked packets"),
        "{}",
        app.status
    );
    let path = dir.path().join("textbook-visit-marked.pcap");
    let saved = crate::session::Session::open(&path).expect("saved capture");
    let trace = app.cx.trace().expect("trace");
    for (i, orig) in [2usize, 5, 21].into_iter().enumerate() {
        assert_eq!(
            saved.packet(i).decoded.data,
            trace.packet(orig).decoded.data
        );
    }
    // Again: refused, then replaced on a second Enter (the stream this time).
    key(&mut app, KeyCode::Char('w'));
    key(&mut app, KeyCode::Tab);
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("textbook-visit-stream.pcap")
    );
    keys(&mut app, "");
    ctrl(&mut app, 'u');
    keys(&mut app, "textbook-visit-marked.pcap");
    key(&mut app, KeyCode::Enter);
    let p = app.prompt.as_ref().expect("kept open");
    assert!(
        p.error
            .as_deref()
            .is_some_and(|e| e.contains("exists: Enter again replaces it")),
        "{:?}",
        p.error
    );
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Enter again replaces it"), "{s}");
    key(&mut app, KeyCode::Enter);
    assert!(
        app.status.starts_with("wrote 25 stream packets"),
        "{}",
        app.status
    );
    assert_eq!(
        crate::session::Session::open(&path)
            .expect("replaced")
            .store
            .len(),
        25
    );
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
fn ipv6_trace() -> Trace {
    let mut file = Vec::new();
    for v in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 65535, 1] {
        file.extend_from_slice(&v.to_le_bytes());
    }
    // Version and minor above are one u32: fix them as pcap wants u16s.
    file[4..8].copy_from_slice(&[2, 0, 4, 0]);
    let a: [u8; 16] = [
        0x20, 0x01, 0x0d, 0xb8, 0x85, 0xa3, 0x11, 0x11, 0x22, 0x22, 0x8a, 0x2e, 0x03, 0x70, 0x73,
        0x34,
    ];
    let mut b = a;
    b[15] = 0x35;
    for (n, (src, dst)) in [(a, b), (b, a)].into_iter().enumerate() {
        let payload = b"hi";
        let mut frame = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x86, 0xdd];
        frame.extend_from_slice(&[0x60, 0, 0, 0]);
        frame.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
        frame.extend_from_slice(&[17, 64]);
        frame.extend_from_slice(&src);
        frame.extend_from_slice(&dst);
        frame.extend_from_slice(&[0x13, 0x88, 0x17, 0x70, 0, 10, 0, 0]);
        frame.extend_from_slice(payload);
        for v in [
            1_700_000_000 + n as u32,
            0,
            frame.len() as u32,
            frame.len() as u32,
        ] {
            file.extend_from_slice(&v.to_le_bytes());
        }
        file.extend_from_slice(&frame);
    }
    let capture =
        crate::capture::Capture::from_bytes(crate::capture::CaptureBytes::Owned(file), "v6".into())
            .expect("capture");
    Trace::load(capture, |_| true).expect("trace")
}

#[test]
fn columns_fit_ipv6_and_are_added_hidden_and_timed() {
    let mut app = App::with_trace("v6.pcap".into(), ipv6_trace());
    let full_a = "2001:db8:85a3:1111:2222:8a2e:370:7334";
    let full_b = "2001:db8:85a3:1111:2222:8a2e:370:7335";
    let s = screen(&mut app, 120, 30);
    assert!(
        s.contains(full_a) && s.contains(full_b),
        "both in full at 120 columns:\n{s}"
    );
    snap(&mut app, "ipv6_columns");
    let s = screen(&mut app, 80, 24);
    assert!(!s.contains(full_a), "{s}");
    assert!(
        s.contains("2001:db8:85a3:1111:2222:8a2…"),
        "cut with an ellipsis:\n{s}"
    );
    // A custom column, then Time hidden and shown again.
    key(&mut app, KeyCode::Char('+'));
    keys(&mut app, "udp.src");
    key(&mut app, KeyCode::Tab);
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("udp.srcport ")
    );
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.status, "column udp.srcport added");
    let s = screen(&mut app, 200, 50);
    let header = s
        .lines()
        .find(|l| l.contains("No."))
        .unwrap_or_default()
        .to_string();
    assert!(header.contains("udp.srcport"), "{header}");
    assert!(s.contains("5000") && s.contains("6000"), "{s}");
    key(&mut app, KeyCode::Char('-'));
    keys(&mut app, "time");
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 200, 50);
    let header = s
        .lines()
        .find(|l| l.contains("No."))
        .unwrap_or_default()
        .to_string();
    assert!(!header.contains("Time"), "{header}");
    key(&mut app, KeyCode::Char('+'));
    keys(&mut app, "Time");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.status, "column Time shown");
    // Time formats, as tshark's -t: d, dd, a, ad, u, ud, e, back to r.
    key(&mut app, KeyCode::Char('T'));
    assert_eq!(
        app.status,
        "time display format: seconds since previous captured packet"
    );
    key(&mut app, KeyCode::Char('T'));
    assert_eq!(
        app.status,
        "time display format: seconds since previous displayed packet"
    );
    for _ in 0..4 {
        key(&mut app, KeyCode::Char('T'));
    }
    assert_eq!(app.status, "time display format: UTC date and time of day");
    let s = screen(&mut app, 200, 50);
    assert!(s.contains("2023-11-14 22:13:21.000000"), "{s}");
    key(&mut app, KeyCode::Char('T'));
    let s = screen(&mut app, 200, 50);
    assert!(s.contains("1700000001.000000"), "{s}");
    key(&mut app, KeyCode::Char('T'));
    let s = screen(&mut app, 200, 50);
    assert!(s.contains("1.000000"), "{s}");
}

#[test]
fn conversations_reverse_and_apply_as_filter() {
    let mut app = sample();
    key(&mut app, KeyCode::Char('c'));
    let s = screen(&mut app, 200, 50);
    assert!(s.contains("Pkts A→B") && s.contains("Bytes B→A"), "{s}");
    snap(&mut app, "conversations_directions");
    // In order of first packet: the DNS exchange, then the TCP connection.
    assert_eq!(app.conversations.current(&app.cx), Some(0));
    key(&mut app, KeyCode::Char('S'));
    assert_eq!(app.status, "conversations by first packet, reversed");
    let first_reversed = app.conversations.current(&app.cx);
    key(&mut app, KeyCode::Char('g'));
    assert_ne!(app.conversations.current(&app.cx), first_reversed);
    let trace = app.cx.trace.clone().expect("trace");
    let tcp = (0..2u32)
        .find(|&i| {
            trace
                .conversations
                .get(i)
                .is_some_and(|c| c.protocol == crate::flow::Protocol::Tcp)
        })
        .expect("a TCP conversation");
    while app.conversations.current(&app.cx) != Some(tcp) {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Char('/'));
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("ip.addr==10.77.0.1 && tcp.port==60918 && ip.addr==10.77.0.2 && tcp.port==80")
    );
    key(&mut app, KeyCode::Enter);
    // tshark -Y with the same filter: 25 frames (3 to 27).
    assert_eq!(app.status, "25 of 27 packets match");
    assert_eq!(app.view, View::Packets);
}

#[test]
fn rows_take_the_colouring_rules_of_the_config_and_no_color_has_none() {
    let mut app = at_frame(5);
    let bg_of_row = |app: &mut App, row: u16| {
        app.handle(Event::Resize(200, 50));
        let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
        terminal.draw(|f| app.draw(f)).expect("draw");
        let buf = terminal.backend().buffer().clone();
        // Border, header, then the rows from frame 1.
        buf[(3, 1 + row)].bg
    };
    // Wireshark 4.0's default rules: frame 1 (DNS) is "UDP", [56026,61166,65535]
    // as background; frame 3 (a SYN to port 80) is "HTTP" (tcp.port == 80 comes first).
    assert_eq!(bg_of_row(&mut app, 1), Color::Rgb(0xda, 0xee, 0xff));
    assert_eq!(bg_of_row(&mut app, 3), Color::Rgb(0xe4, 0xff, 0xc7));
    // A user's colorfilters: one rule for DNS.
    let mut config = crate::config::Config::default();
    config.colors = crate::config::colors::ColorRules::parse("@DNS@dns@[65535,0,0][0,0,0]\n");
    app.configure(config.clone(), crate::config::Theme::Dark);
    assert_eq!(bg_of_row(&mut app, 1), Color::Rgb(0xff, 0, 0));
    app.configure(config, crate::config::Theme::None);
    assert_eq!(bg_of_row(&mut app, 1), Color::Reset);
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "tcp");
    let prompt = styled_bottom(&mut app, 80, 24, 1);
    assert!(
        !prompt.contains("[Green]"),
        "no colour with NO_COLOR: {prompt}"
    );
}

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
