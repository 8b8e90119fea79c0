//! Screen tests of the network tab: every transaction with its waterfall on
//! one time axis, sorting, and Enter opening the transaction.

use super::*;

fn keepalive() -> App {
    let path = manifest().join("sample-captures/keepalive-3-requests.pcap");
    let trace = Trace::open(&path).expect("sample capture");
    App::with_trace("keepalive-3-requests.pcap".into(), trace)
}

#[test]
fn network_tab_lists_every_transaction_with_a_waterfall() {
    for (w, h) in [(80, 24), (200, 50)] {
        let mut app = keepalive();
        key(&mut app, KeyCode::Char('W'));
        assert_eq!(app.view, View::Network);
        let s = screen(&mut app, w, h);
        for uri in ["/index.html", "/style.css", "/data.json"] {
            assert!(s.contains(uri), "{uri} in\n{s}");
        }
        assert!(s.contains("3 HTTP transactions"), "{s}");
        assert!(s.contains('█'), "{s}");
        if w >= 120 {
            assert!(s.contains("application/json"), "{s}");
        }
        insta::assert_snapshot!(format!("network_{w}x{h}"), s);
    }
}

#[test]
fn the_waterfall_shares_one_time_axis() {
    let mut app = keepalive();
    key(&mut app, KeyCode::Char('W'));
    let s = screen(&mut app, 200, 50);
    // The first request's bar starts at the left edge (its DNS lookup opens
    // the capture); the last one's starts to the right of the first's start.
    let col = |needle: &str| {
        let line = s.lines().find(|l| l.contains(needle)).expect("row");
        line.chars().position(|c| c == '█').expect("a bar")
    };
    assert!(col("/index.html") < col("/style.css"));
    assert!(col("/style.css") < col("/data.json"));
}

#[test]
fn sorting_and_enter_open_the_transaction() {
    let mut app = keepalive();
    key(&mut app, KeyCode::Char('W'));
    // By size, largest first: index.html (11088 bytes) stays on top, then
    // style.css (1528), data.json (933).
    keys(&mut app, "ss");
    assert_eq!(app.network.sort, crate::ui::network_pane::NetworkSort::Size);
    key(&mut app, KeyCode::Down);
    let uri = app
        .network
        .current()
        .and_then(|r| r.journey.uri.clone())
        .unwrap_or_default();
    assert_eq!(uri, "/style.css");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Http);
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("GET /style.css"), "{s}");
    assert!(s.contains("text/css"), "{s}");
}

#[test]
fn a_display_filter_keeps_the_transactions_it_touches() {
    let mut app = keepalive();
    key(&mut app, KeyCode::Char('W'));
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "http.request.uri == \"/style.css\"");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Network);
    let s = screen(&mut app, 120, 30);
    assert!(s.contains("1 HTTP transactions matching"), "{s}");
    assert!(s.contains("/style.css") && !s.contains("/data.json"), "{s}");
    key(&mut app, KeyCode::Char('/'));
    for _ in 0..40 {
        key(&mut app, KeyCode::Backspace);
    }
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 120, 30);
    assert!(s.contains("3 HTTP transactions by"), "{s}");
}

#[test]
fn the_journey_strip_sits_above_the_ladder() {
    for (w, h) in [(80, 24), (200, 50)] {
        let mut app = keepalive();
        key(&mut app, KeyCode::Char('g'));
        for _ in 0..23 {
            key(&mut app, KeyCode::Down);
        }
        // Frame 24: GET /style.css, on the reused connection.
        key(&mut app, KeyCode::Char('l'));
        assert_eq!(app.view, View::Ladder);
        let s = screen(&mut app, w, h);
        assert!(s.contains("Journey: 3 transactions"), "{s}");
        assert!(s.contains("GET /style.css: request"), "{s}");
        assert!(s.contains("connect reused"), "{s}");
        assert!(s.contains("Ladder: TCP stream 0"), "{s}");
        insta::assert_snapshot!(format!("journey_ladder_{w}x{h}"), s);
    }
}

#[test]
fn e_exports_the_selected_body_and_capital_e_every_listed_one() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut app = keepalive();
    app.cx.export_dir = tmp.path().to_path_buf();
    key(&mut app, KeyCode::Char('W'));
    // e: the first row's body, under the name the prompt suggests.
    key(&mut app, KeyCode::Char('e'));
    let s = screen(&mut app, 120, 30);
    assert!(s.contains("Export as"), "{s}");
    assert!(s.contains("index.html"), "{s}");
    key(&mut app, KeyCode::Enter);
    let content = manifest().join("sample-captures/content");
    let want = |f: &str| std::fs::read(content.join(f)).expect("content");
    assert_eq!(
        std::fs::read(tmp.path().join("index.html")).expect("written"),
        want("index.html")
    );
    // E: every listed body into a directory.
    key(&mut app, KeyCode::Char('E'));
    let s = screen(&mut app, 120, 30);
    assert!(
        s.contains("Export every listed body into the directory: http-objects"),
        "{s}"
    );
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 120, 30);
    assert!(s.contains("wrote 3 bodies"), "{s}");
    let dir = tmp.path().join("http-objects");
    for f in ["index.html", "style.css", "data.json"] {
        assert_eq!(std::fs::read(dir.join(f)).expect("written"), want(f), "{f}");
    }
    // Again: nothing is overwritten, and the status says so.
    key(&mut app, KeyCode::Char('E'));
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 120, 30);
    assert!(s.contains("wrote 0 bodies"), "{s}");
    assert!(s.contains("3 not written"), "{s}");
}

#[test]
fn n_and_a_click_on_the_journey_strip_jump_to_a_phase() {
    let mut app = keepalive();
    key(&mut app, KeyCode::Char('g'));
    for _ in 0..5 {
        key(&mut app, KeyCode::Down);
    }
    // Frame 6: GET /index.html.
    key(&mut app, KeyCode::Char('l'));
    key(&mut app, KeyCode::Char('n'));
    let s = screen(&mut app, 200, 50);
    assert!(s.contains("receive phase: frame 8"), "{s}");
    assert_eq!(app.packets.selected, 7);
    key(&mut app, KeyCode::Char('N'));
    let s = screen(&mut app, 200, 50);
    assert!(s.contains("phase: frame 6"), "{s}");
    assert_eq!(app.packets.selected, 5);
    // The strip's bar starts with the DNS lookup, which opens the capture.
    let y = s
        .lines()
        .position(|l| l.contains("Journey: 3 transactions"))
        .expect("the strip") as u16;
    click(&mut app, 1, y + 1);
    let s = screen(&mut app, 200, 50);
    assert!(s.contains("dns phase: frame 1"), "{s}");
    assert_eq!(app.packets.selected, 0);
}
