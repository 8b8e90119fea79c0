//! Screen tests of every view: a `TestBackend` terminal driven by key and
//! mouse events, asserting on the text of the buffer (80x24 included), the
//! export prompt writing into a temporary directory, and packets carrying
//! terminal escape sequences rendering escaped everywhere.

use super::app::{App, View, KEYMAP};
use super::render::draw;
use crate::flow::life::tests::trace as synthetic_trace;
use crate::trace::Trace;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::Path;

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn screen(app: &mut App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| draw(f, app)).expect("draw");
    let buf = terminal.backend().buffer().clone();
    let mut s = String::new();
    for y in 0..h {
        for x in 0..w {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

fn sample() -> App {
    let path = manifest().join("sample-captures/textbook-visit.pcap");
    let trace = Trace::open(&path).expect("sample capture");
    App::with_trace("textbook-visit.pcap".into(), trace)
}

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn click(app: &mut App, column: u16, row: u16) {
    app.on_mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    });
}

/// The sample app with frame `n` (1-based) selected.
fn at_frame(n: usize) -> App {
    let mut app = sample();
    key(&mut app, KeyCode::Char('g'));
    for _ in 1..n {
        key(&mut app, KeyCode::Down);
    }
    assert_eq!(app.selected, n - 1);
    app
}

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
        assert!(s.contains("8 segments, 11352 bytes"), "{s}");
        // The teardown may be below the window at 80x24: go to the end.
        key(&mut app, KeyCode::Char('G'));
        let s = screen(&mut app, w, h);
        assert!(s.contains("Four-way teardown"), "{s}");
        assert!(s.contains("[FIN, ACK] Seq=82 Ack=11353"), "{s}");
        assert!(s.contains("[FIN, ACK] Seq=11353 Ack=83"), "{s}");
        assert_eq!(app.selected, 26, "the ladder selects packets in the list");
        assert!(s.contains("──>│") && s.contains("│<──"), "{s}");
    }
}

#[test]
fn ladder_folds_unfold_and_select_packets() {
    let mut app = at_frame(22);
    key(&mut app, KeyCode::Char('l'));
    let folded = app.ladder.as_ref().map(|l| l.rows.len()).unwrap_or(0);
    // Enter on the selected fold opens it: 15 segments replace one row.
    key(&mut app, KeyCode::Enter);
    let open = app.ladder.as_ref().map(|l| l.rows.len()).unwrap_or(0);
    assert_eq!(open, folded + 14);
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("Len=1448"), "{s}");
    assert!(!s.contains("8 segments"), "{s}");
    // Space on a segment of the opened run folds it back.
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.ladder.as_ref().map(|l| l.rows.len()), Some(folded));
    // `a` unfolds everything, and again folds everything.
    key(&mut app, KeyCode::Char('a'));
    assert_eq!(app.ladder.as_ref().map(|l| l.rows.len()), Some(open));
    key(&mut app, KeyCode::Char('a'));
    assert_eq!(app.ladder.as_ref().map(|l| l.rows.len()), Some(folded));
    // Moving in the ladder moves the packet list's selection.
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Down);
    assert_eq!(app.selected, 2, "first segment is frame 3");
    key(&mut app, KeyCode::Down);
    assert_eq!(app.selected, 3);
    // A click on a row selects it: row 0 of the pane is its header.
    screen(&mut app, 120, 40);
    let area = app.areas.ladder;
    click(&mut app, area.x + 20, area.y + 2 + 3);
    assert_eq!(app.selected, 4, "the fourth row is the ACK of frame 5");
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
    let total = app.follow.as_ref().map(|f| f.matches.len()).unwrap_or(0);
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
fn http_view_lists_transactions_and_shows_the_body() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = at_frame(22);
        key(&mut app, KeyCode::Char('h'));
        assert_eq!(app.view, View::Http);
        let s = screen(&mut app, w, h);
        assert!(s.contains("GET"), "{s}");
        assert!(s.contains("200"), "{s}");
        assert!(s.contains("text/html"), "{s}");
        assert!(s.contains("11088"), "{s}");
        // Request head, then the response head and body further down.
        assert!(s.contains("Host: www.wirelens.test"), "{s}");
        key(&mut app, KeyCode::Tab);
        for _ in 0..12 {
            key(&mut app, KeyCode::Down);
        }
        let s = screen(&mut app, w, h);
        let first_line =
            std::fs::read_to_string(manifest().join("sample-captures/content/index.html"))
                .expect("index.html")
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
        assert!(s.contains(first_line.trim()), "{first_line:?} in\n{s}");
        assert!(s.contains("Body: 11088 bytes"), "{s}");
    }
}

#[test]
fn http_export_prompt_writes_the_body_and_never_overwrites() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut app = at_frame(22);
    app.export_dir = tmp.path().to_path_buf();
    key(&mut app, KeyCode::Char('h'));
    key(&mut app, KeyCode::Char('e'));
    let input = app.prompt.as_ref().map(|p| p.input.clone());
    assert_eq!(input.as_deref(), Some("stream0-0.html"));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Export as"), "{s}");
    assert!(s.contains("stream0-0.html"), "{s}");
    key(&mut app, KeyCode::Enter);
    assert!(app.prompt.is_none());
    let expected =
        std::fs::read(manifest().join("sample-captures/content/index.html")).expect("index.html");
    let written = std::fs::read(tmp.path().join("stream0-0.html")).expect("written");
    assert_eq!(written, expected);
    assert!(
        app.status.starts_with("wrote 11088 bytes to "),
        "{}",
        app.status
    );
    // Again: the file exists, the prompt stays open and says so.
    key(&mut app, KeyCode::Char('e'));
    key(&mut app, KeyCode::Enter);
    let error = app.prompt.as_ref().and_then(|p| p.error.clone());
    assert!(
        error.as_deref().is_some_and(|e| e.contains("exists")),
        "{error:?}"
    );
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("exists: not overwritten"), "{s}");
    // Edit the name: a path is reduced to its last component.
    for _ in 0.."stream0-0.html".len() {
        key(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "../../escape.html");
    key(&mut app, KeyCode::Enter);
    assert!(app.prompt.is_none(), "{:?}", app.prompt);
    assert!(tmp.path().join("escape.html").exists());
    assert!(!tmp.path().join("../escape.html").exists());
    // Esc cancels.
    key(&mut app, KeyCode::Char('e'));
    key(&mut app, KeyCode::Esc);
    assert!(app.prompt.is_none());
    assert_eq!(app.status, "export cancelled");
}

#[test]
fn follow_export_writes_raw_stream_bytes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut app = at_frame(6);
    app.export_dir = tmp.path().to_path_buf();
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
fn help_lists_every_key_of_the_keymap() {
    let mut app = sample();
    key(&mut app, KeyCode::Char('?'));
    let s = screen(&mut app, 80, 24);
    for (k, what) in KEYMAP {
        assert!(s.contains(k), "{k} missing in\n{s}");
        assert!(s.contains(what), "{what} missing in\n{s}");
    }
}

#[test]
fn tab_cycles_panes_and_clicks_select() {
    let mut app = sample();
    screen(&mut app, 80, 24);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, super::app::Pane::Details);
    key(&mut app, KeyCode::BackTab);
    assert_eq!(app.focus, super::app::Pane::List);
    // Click the fourth packet row (border and header above).
    let list = app.areas.list;
    click(&mut app, list.x + 3, list.y + 2 + 3);
    assert_eq!(app.selected, 3);
    // Click in the details pane focuses it and selects the line.
    let details = app.areas.details;
    click(&mut app, details.x + 3, details.y + 2);
    assert_eq!(app.focus, super::app::Pane::Details);
    assert_eq!(app.detail_selected, 1);
    // The wheel over the list scrolls it.
    app.on_mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: list.x + 3,
        row: list.y + 3,
        modifiers: KeyModifiers::NONE,
    });
    assert_eq!(app.focus, super::app::Pane::List);
    assert_eq!(app.selected, 6);
    // Resizing keeps the selection.
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("Frame 7:"), "{s}");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Frame 7:"), "{s}");
    assert_eq!(app.selected, 6);
    // HTTP view: Tab moves between list and message, clicks select.
    key(&mut app, KeyCode::Char('h'));
    screen(&mut app, 80, 24);
    let msg = app.areas.http_message;
    click(&mut app, msg.x + 2, msg.y + 2);
    assert_eq!(
        app.http.as_ref().map(|h| h.focus),
        Some(super::http_pane::HttpFocus::Message)
    );
    key(&mut app, KeyCode::Tab);
    assert_eq!(
        app.http.as_ref().map(|h| h.focus),
        Some(super::http_pane::HttpFocus::List)
    );
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

/// A connection carrying `req` and `resp`, closed with FINs.
fn connection(req: &[u8], resp: &[u8]) -> Trace {
    const SYN: u8 = 0x02;
    const ACK: u8 = 0x10;
    const FIN: u8 = 0x01;
    let (rl, pl) = (req.len() as u32, resp.len() as u32);
    synthetic_trace(&[
        (true, SYN, 100, 0, b""),
        (false, SYN | ACK, 500, 101, b""),
        (true, ACK, 101, 501, b""),
        (true, ACK, 101, 501, req),
        (false, ACK, 501, 101 + rl, resp),
        (true, FIN | ACK, 101 + rl, 501 + pl, b""),
        (false, FIN | ACK, 501 + pl, 102 + rl, b""),
        (true, ACK, 102 + rl, 502 + pl, b""),
    ])
}

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
fn filter_bar_shows_errors_applies_and_remembers() {
    let mut app = sample();
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "tcp.prot == 80");
    let s = screen(&mut app, 80, 24);
    let lines: Vec<&str> = s.lines().collect();
    let input = lines
        .iter()
        .position(|l| l.contains("Filter: tcp.prot == 80"))
        .expect("input line");
    let column = lines[input].find("tcp.prot").unwrap_or(0);
    assert_eq!(lines[input + 1].find('^'), Some(column), "{s}");
    assert!(lines[input + 1].contains("^~~~~~~"), "{s}");
    assert!(lines[input + 2].contains("unknown field"), "{s}");
    assert!(
        lines[input + 1].contains("did you mean \"tcp.port\""),
        "{s}"
    );
    // Enter on an error keeps the prompt open.
    key(&mut app, KeyCode::Enter);
    assert!(app.prompt.is_some());
    for _ in 0.."tcp.prot == 80".len() {
        key(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "http");
    assert!(app
        .prompt
        .as_ref()
        .is_some_and(|p| p.filter_error.is_none()));
    key(&mut app, KeyCode::Enter);
    assert!(app.prompt.is_none());
    assert_eq!(app.status, "2 of 27 packets match");
    assert_eq!(app.selected, 5, "the nearest match is selected");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("2 of 27 match \"http\""), "{s}");
    assert!(s.contains("GET / HTTP/1.1"), "{s}");
    assert!(s.contains("HTTP/1.1 200 OK"), "{s}");
    assert!(!s.contains("DNS"), "{s}");
    key(&mut app, KeyCode::Down);
    assert_eq!(app.selected, 21);
    key(&mut app, KeyCode::Down);
    assert_eq!(app.selected, 21);
    // A click on the first row selects frame 6.
    let list = app.areas.list;
    click(&mut app, list.x + 3, list.y + 2);
    assert_eq!(app.selected, 5);
    // Another filter, then the history brings both back.
    key(&mut app, KeyCode::Char('/'));
    for _ in 0..4 {
        key(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "tcp.flags.syn == 1");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.status, "2 of 27 packets match");
    assert_eq!(app.selected, 3, "frame 4 is the match nearest frame 6");
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Up);
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("tcp.flags.syn == 1")
    );
    key(&mut app, KeyCode::Up);
    assert_eq!(app.prompt.as_ref().map(|p| p.input.as_str()), Some("http"));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    assert_eq!(app.prompt.as_ref().map(|p| p.input.as_str()), Some(""));
    // An empty filter clears.
    key(&mut app, KeyCode::Enter);
    assert!(app.filter.is_none());
    assert_eq!(app.status, "filter cleared");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("DNS"), "{s}");
}

fn open_http_at(file: &str, frame: usize) -> App {
    let trace = Trace::open(&manifest().join("sample-captures").join(file)).expect("capture");
    let mut app = App::with_trace(file.into(), trace);
    for _ in 1..frame {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Char('h'));
    app
}

/// Every line of the HTTP message pane, scrolled through.
fn message_text(app: &App) -> String {
    app.http
        .as_ref()
        .map(|h| {
            h.message
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

#[test]
fn http_view_pretty_prints_json_and_shows_encodings() {
    let mut app = open_http_at("keepalive-3-requests.pcap", 31);
    // Moving in the list selects the transaction's first packet.
    key(&mut app, KeyCode::Up);
    assert_eq!(app.selected, 23, "the request of /style.css is frame 24");
    key(&mut app, KeyCode::Down);
    assert_eq!(app.selected, 28);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("/data.json"), "{s}");
    assert!(s.contains("application/json"), "{s}");
    let text = message_text(&app);
    assert!(
        text.contains("Response (frames 31-31): HTTP/1.1 200 OK"),
        "{text}"
    );
    assert!(text.contains("  \"name\": \"wirelens\","), "{text}");

    let mut app = open_http_at("chunked-gzip.pcap", 14);
    let text = message_text(&app);
    assert!(
        text.contains("(chunked)") && text.contains("Content-Encoding gzip → 31315 bytes decoded"),
        "{text}"
    );
    let report = std::fs::read_to_string(manifest().join("sample-captures/content/report.txt"))
        .expect("report");
    let first = report.lines().next().unwrap_or("").trim_end();
    assert!(text.contains(first), "{first:?} in {text}");
    // The export writes the decoded body.
    let tmp = tempfile::tempdir().expect("tempdir");
    app.export_dir = tmp.path().to_path_buf();
    key(&mut app, KeyCode::Char('e'));
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("report.txt")
    );
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        std::fs::read(tmp.path().join("report.txt")).expect("written"),
        report.as_bytes()
    );
}

#[test]
fn http_view_flags_partial_bodies_and_dumps_binary() {
    let body: Vec<u8> = (0u8..40).collect();
    let mut resp = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        body.len() + 100
    )
    .into_bytes();
    resp.extend_from_slice(&body);
    let t = connection(b"GET /blob HTTP/1.1\r\nHost: x\r\n\r\n", &resp);
    let mut app = App::with_trace("partial.pcap".into(), t);
    for _ in 0..4 {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Char('h'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("40*"), "partial size flagged in the list:\n{s}");
    let text = message_text(&app);
    assert!(text.contains("PARTIAL body: 100 bytes missing"), "{text}");
    assert!(
        text.contains(
            "00000000  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f  ................"
        ),
        "{text}"
    );
}

#[test]
fn details_show_tcp_options_and_the_http_layer_once_indexed() {
    let path = manifest().join("sample-captures/textbook-visit.pcap");
    let trace = Trace::open(&path).expect("sample capture");
    let text = |index: usize| -> String {
        let view = crate::fields::PacketView::new(&trace, index);
        super::details::lines(&view)
            .iter()
            .map(|l| l.text.clone())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let syn = text(2);
    assert!(
        syn.contains("Option: Maximum segment size: 1460 bytes"),
        "{syn}"
    );
    assert!(syn.contains("Option: SACK permitted"), "{syn}");
    // Before the background index is built, no HTTP layer (and no waiting).
    assert!(!text(21).contains("Hypertext Transfer Protocol"));
    let _ = trace.http();
    let response = text(21);
    assert!(
        response.contains("Hypertext Transfer Protocol"),
        "{response}"
    );
    assert!(response.contains("HTTP/1.1 200 OK"), "{response}");
    assert!(
        response.contains("[Reassembled from frame 8 to 22]"),
        "{response}"
    );
    assert!(response.contains("Body: 11088 bytes"), "{response}");
    let segment = text(9);
    assert!(
        segment
            .contains("[TCP segment of a reassembled PDU: HTTP/1.1 200 OK, completed in frame 22]"),
        "{segment}"
    );
}

#[test]
fn packet_list_details_and_bytes_at_80x24() {
    let mut app = sample();
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("No."), "{s}");
    assert!(s.contains("DNS"), "{s}");
    assert!(s.contains("Frame 1:"), "{s}");
    assert!(s.contains("0000  "), "{s}");
    assert!(s.contains("27 packets"), "{s}");
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("[SYN]"), "{s}");
    assert!(s.contains("Frame 3:"), "{s}");
}

#[test]
fn conversations_then_open_and_help() {
    let mut app = sample();
    key(&mut app, KeyCode::Char('c'));
    let s = screen(&mut app, 100, 24);
    assert!(s.contains("TCP 0"), "{s}");
    assert!(s.contains("10.77.0.2:80"), "{s}");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Packets);
    key(&mut app, KeyCode::Char('?'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("quit"), "{s}");
    key(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit);
}

#[test]
fn escape_sequences_from_the_wire_render_escaped() {
    let info = crate::text::sanitize("GET /\x1b]0;title\x07\x1b[2J HTTP/1.1");
    assert!(!info.contains('\x1b'));
    let mut app = App::new("evil\x1b[2J.pcap".into());
    let s = screen(&mut app, 80, 24);
    assert!(!s.contains('\x1b'), "{s}");
    assert!(s.contains("evil\\e[2J.pcap"), "{s}");
}

#[test]
fn big_captures_are_filtered_in_the_background() {
    let mut app = sample();
    app.foreground_filter_packets = 0;
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "tcp.flags.fin == 1");
    key(&mut app, KeyCode::Enter);
    assert!(app.status.contains("filtering"), "{}", app.status);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.filter.is_none() && std::time::Instant::now() < deadline {
        app.poll_jobs();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let matches = app.filter.as_ref().map(|f| f.matches.clone());
    assert_eq!(matches, Some(vec![23, 25]));
    assert!(
        app.status.contains("2 of 27 packets match"),
        "{}",
        app.status
    );
}

#[test]
fn a_preview_shows_while_the_whole_file_loads() {
    let path = manifest().join("sample-captures/textbook-visit.pcap");
    let preview = Trace::load(crate::capture::Capture::open(&path).expect("open"), |p| {
        p.packets < 1
    })
    .expect("preview");
    let mut app = App::new("big.pcap".into());
    app.on_load(super::LoadEvent::Progress(crate::trace::Progress {
        bytes_read: 500,
        bytes_total: 1000,
        packets: 9,
    }));
    app.on_load(super::LoadEvent::Preview(std::sync::Arc::new(preview)));
    let s = screen(&mut app, 120, 30);
    assert!(s.contains("loading 50% (9 packets so far)"), "{s}");
    assert!(s.contains("Standard query 0x29ef"), "{s}");
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "tcp");
    key(&mut app, KeyCode::Enter);
    let full = Trace::open(&path).expect("full");
    app.on_load(super::LoadEvent::Done(Ok(std::sync::Arc::new(full))));
    assert!(!app.loading);
    assert_eq!(app.list_len(), 25, "the filter now covers the whole file");
    let s = screen(&mut app, 120, 30);
    assert!(!s.contains("loading"), "{s}");
}

#[test]
fn a_loader_failure_is_shown_not_waited_for() {
    let mut app = App::new("x.pcap".into());
    app.on_load(super::LoadEvent::Failed(
        "internal error while loading: boom".into(),
    ));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("internal error while loading: boom"), "{s}");
    key(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit);
}

#[test]
fn details_layers_fold_and_stay_folded_from_packet_to_packet() {
    let mut app = at_frame(3);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, super::app::Pane::Details);
    let s = screen(&mut app, 120, 60);
    assert!(
        s.contains("▾ Link: Ethernet") && s.contains("Source: 02:77:00:00:00:01"),
        "{s}"
    );
    // Frame, then Link: fold it.
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 120, 60);
    assert!(s.contains("▸ Link: Ethernet"), "{s}");
    assert!(!s.contains("Source: 02:77:00:00:00:01"), "{s}");
    // The next packet keeps it folded; Right unfolds it.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Tab);
    let s = screen(&mut app, 120, 60);
    assert!(
        s.contains("Frame 4:") && s.contains("▸ Link: Ethernet"),
        "{s}"
    );
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Right);
    let s = screen(&mut app, 120, 60);
    assert!(s.contains("Source: 02:77:00:00:00:02"), "{s}");
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
    terminal.draw(|f| draw(f, &mut app)).expect("draw");
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

#[test]
fn conversations_sort_and_show_how_they_ended() {
    let mut app = sample();
    key(&mut app, KeyCode::Char('c'));
    let s = screen(&mut app, 140, 24);
    assert!(s.contains("four-way close (client first)"), "{s}");
    // By first packet the DNS exchange (UDP 0) comes first; by bytes, TCP 0.
    assert_eq!(
        app.conversation_at(0).map(|i| app
            .trace
            .as_ref()
            .map(|t| t.conversations.all()[i as usize].protocol)),
        Some(Some(crate::flow::Protocol::Udp))
    );
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.conversation_sort, super::app::ConversationSort::Bytes);
    let s = screen(&mut app, 140, 24);
    assert!(s.contains("Conversations by bytes"), "{s}");
    let first_row = s.lines().nth(2).unwrap_or_default();
    assert!(first_row.contains("TCP 0"), "{s}");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Packets);
}
