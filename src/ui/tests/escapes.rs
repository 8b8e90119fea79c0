//! Wire text that tries to drive the terminal (escape sequences, control
//! bytes) renders escaped in every view; bad checksums are coloured.

use super::*;

/// A request whose URI and headers hold a title change (ESC ] 0 ; … BEL) and
/// a screen clear (ESC [ 2 J): not valid HTTP, so it stays TCP data.
fn hostile_head() -> Trace {
    connection(
        b"GET /\x1b]0;pwned\x07\x1b[2J HTTP/1.1\r\nHost: evil\x1b[2J.test\r\nX-T: \x1b]0;t\x07\r\n\r\n",
        b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
    )
}

/// Valid HTTP whose bodies hold the same sequences, and whose URI
/// percent-encodes them (the export name decodes it).
fn hostile_bodies() -> Trace {
    let body = b"body\x1b]0;pwned\x07\x1b[2J";
    let mut req = format!(
        "POST /a%1b]0;t%07b.txt HTTP/1.1\r\nHost: evil.test\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    let body = b"hi\x1b]0;title\x07\x1b[2J!!";
    let mut resp = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    resp.extend_from_slice(body);
    connection(&req, &resp)
}

fn assert_clean(s: &str, what: &str) {
    assert!(!s.contains('\x1b'), "ESC in {what}:\n{s}");
    assert!(!s.contains('\x07'), "BEL in {what}:\n{s}");
    assert!(
        !s.chars().any(|c| c.is_control() && c != '\n'),
        "control in {what}:\n{s}"
    );
}

/// Every view of `app` (request packet selected), at two sizes; returns the
/// screens joined.
fn every_view(app: &mut App) -> String {
    let mut all = String::new();
    for _ in 0..3 {
        key(app, KeyCode::Down);
    }
    for (w, h) in [(80, 24), (160, 50)] {
        key(app, KeyCode::Esc);
        let s = screen(app, w, h);
        assert_clean(&s, "packet list, details and bytes");
        all.push_str(&s);
        key(app, KeyCode::Tab);
        for _ in 0..30 {
            key(app, KeyCode::Down);
            let s = screen(app, w, h);
            assert_clean(&s, "details");
            all.push_str(&s);
        }
        key(app, KeyCode::BackTab);
        for view in ['f', 'x', 'h', 'l', 'c'] {
            key(app, KeyCode::Char(view));
            let s = screen(app, w, h);
            assert_clean(&s, &format!("view {view}"));
            all.push_str(&s);
        }
        key(app, KeyCode::Esc);
        key(app, KeyCode::Char('h'));
        key(app, KeyCode::Tab);
        for _ in 0..20 {
            key(app, KeyCode::Down);
            let s = screen(app, w, h);
            assert_clean(&s, "HTTP messages");
            all.push_str(&s);
        }
        key(app, KeyCode::Tab);
        key(app, KeyCode::Esc);
        key(app, KeyCode::Char('x'));
    }
    all
}

#[test]
fn escape_sequences_render_escaped_in_every_view() {
    let mut app = App::with_trace("hostile\x1b[2J.pcap".into(), hostile_head());
    let s = every_view(&mut app);
    assert!(s.contains("hostile\\e[2J.pcap"), "{s}");
    // Follow shows them as dots, the bytes pane too.
    assert!(s.contains("GET /.]0;pwned..[2J HTTP/1.1"), "{s}");
    assert!(s.contains("Host: evil.[2J.test"), "{s}");

    let mut app = App::with_trace("bodies.pcap".into(), hostile_bodies());
    let s = every_view(&mut app);
    assert!(s.contains("POST /a%1b]0;t%07b.txt HTTP/1.1"), "{s}");
    assert!(s.contains("body\\e]0;pwned\\x07\\e[2J"), "{s}");
    assert!(s.contains("hi\\e]0;title\\x07\\e[2J!!"), "{s}");
    // The export name suggested from the decoded URI is harmless.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('h'));
    key(&mut app, KeyCode::Char('e'));
    let name = app
        .prompt
        .as_ref()
        .map(|p| p.input.clone())
        .unwrap_or_default();
    assert_eq!(name, "a]0;tb.txt");
    assert_clean(&screen(&mut app, 80, 24), "export prompt");
}

#[test]
fn escape_sequences_from_the_wire_render_escaped() {
    let info = crate::text::sanitize("GET /\x1b]0;title\x07\x1b[2J HTTP/1.1");
    assert!(!info.contains('\x1b'));
    let mut app = App::headless("evil\x1b[2J.pcap".into());
    let s = screen(&mut app, 80, 24);
    assert!(!s.contains('\x1b'), "{s}");
    assert!(s.contains("evil\\e[2J.pcap"), "{s}");
}

#[test]
fn a_bad_checksum_colours_its_row() {
    let path = manifest().join("sample-captures/textbook-visit.pcap");
    let mut bytes = std::fs::read(&path).expect("sample");
    // The last byte of the file is inside frame 27's TCP header; flipping it
    // breaks that segment's checksum.
    if let Some(last) = bytes.last_mut() {
        *last ^= 0x40;
    }
    let capture = crate::capture::Capture::from_bytes(
        crate::capture::CaptureBytes::Owned(bytes),
        "bad".into(),
    )
    .expect("capture");
    let trace = Trace::load(capture, |_| true).expect("trace");
    let mut app = App::with_trace("bad".into(), trace);
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Up);
    let mut terminal = Terminal::new(TestBackend::new(120, 60)).expect("terminal");
    app.handle(Event::Resize(120, 60));
    terminal.draw(|f| app.draw(f)).expect("draw");
    let buf = terminal.backend().buffer().clone();
    let row_of = |frame: &str| {
        (0..60u16).find(|&y| {
            let line: String = (0..120u16)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            line.starts_with(&format!("│{frame} "))
        })
    };
    let bad = row_of("27").expect("frame 27 on screen");
    let good = row_of("25").expect("frame 25 on screen");
    assert_eq!(buf[(3, bad)].bg, ratatui::style::Color::Red);
    assert_ne!(buf[(3, good)].bg, ratatui::style::Color::Red);
}
