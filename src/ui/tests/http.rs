//! Screen tests of the HTTP view: transactions, bodies (JSON, encodings,
//! partial, binary) and the export prompt.

use super::*;

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
    app.cx.export_dir = tmp.path().to_path_buf();
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
        .state
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
    assert_eq!(
        app.packets.selected, 23,
        "the request of /style.css is frame 24"
    );
    key(&mut app, KeyCode::Down);
    assert_eq!(app.packets.selected, 28);
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
    app.cx.export_dir = tmp.path().to_path_buf();
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
fn the_http_view_of_the_preview_is_rebuilt_from_the_whole_file() {
    const SYN: u8 = 0x02;
    const ACK: u8 = 0x10;
    let req: &[u8] = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
    // The preview ends after the request.
    let preview = synthetic_trace(&[
        (true, SYN, 100, 0, b""),
        (false, SYN | ACK, 500, 101, b""),
        (true, ACK, 101, 501, b""),
        (true, ACK, 101, 501, req),
    ]);
    let mut app = App::headless("big.pcap".into());
    load(
        &mut app,
        crate::ui::loader::LoadEvent::Preview(std::sync::Arc::new(preview.into())),
    );
    for _ in 0..3 {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Char('h'));
    let text = message_text(&app);
    assert!(text.contains("Response: not in the capture"), "{text}");
    let full = connection(req, b"HTTP/1.1 204 No Content\r\n\r\n");
    app.handle(Event::Load(crate::ui::loader::LoadEvent::Done(Ok(
        std::sync::Arc::new(full.into()),
    ))));
    let s = screen(&mut app, 100, 30);
    assert!(s.contains("rebuilding…") && s.contains("GET"), "{s}");
    app.settle();
    let s = screen(&mut app, 100, 30);
    assert!(s.contains("204"), "{s}");
    assert!(message_text(&app).contains("HTTP/1.1 204 No Content"));
}
