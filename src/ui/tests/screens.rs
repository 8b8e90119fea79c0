//! Whole screens as insta snapshots, every view at 80x24 and 200x50: the
//! packet list with details and bytes (each pane focused in turn), the
//! conversations, ladder, follow, HTTP and help views, and the filter and
//! export prompts. Review changes with `cargo insta review` (or
//! `INSTA_UPDATE=always` and a look at the `.snap` files).

use super::*;

/// The screen of `app` at both sizes, snapshotted as `name_WxH`.
fn snap(app: &mut App, name: &str) {
    for (w, h) in [(80, 24), (200, 50)] {
        let s = screen(app, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), s);
    }
}

#[test]
fn every_view_as_a_whole_screen() {
    // The HTTP response, frame 22, selected.
    let mut app = at_frame(22);
    snap(&mut app, "packets");
    // Details: the Link layer folded, the IPv4 fields below it.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    for _ in 0..3 {
        key(&mut app, KeyCode::Down);
    }
    snap(&mut app, "details");
    key(&mut app, KeyCode::Tab);
    snap(&mut app, "bytes");
    key(&mut app, KeyCode::Tab);

    key(&mut app, KeyCode::Char('c'));
    snap(&mut app, "conversations");
    key(&mut app, KeyCode::Esc);

    key(&mut app, KeyCode::Char('l'));
    snap(&mut app, "ladder");
    key(&mut app, KeyCode::Esc);

    key(&mut app, KeyCode::Char('f'));
    snap(&mut app, "follow");
    key(&mut app, KeyCode::Char('e'));
    snap(&mut app, "export_prompt");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);

    key(&mut app, KeyCode::Char('h'));
    snap(&mut app, "http");
    key(&mut app, KeyCode::Esc);

    key(&mut app, KeyCode::Char('?'));
    snap(&mut app, "help");
    key(&mut app, KeyCode::Esc);

    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "tcp.prot == 80");
    snap(&mut app, "filter_prompt");
    for _ in 0.."prot == 80".len() {
        key(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "flags.fin == 1");
    key(&mut app, KeyCode::Enter);
    snap(&mut app, "filtered");
}

#[test]
fn a_stream_view_shows_building_until_its_job_is_done() {
    let mut app = at_frame(22);
    // The key is handled, the job not yet delivered.
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::Char('l'),
        KeyModifiers::NONE,
    )));
    assert_eq!(app.view, View::Ladder);
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("building… building the ladder of TCP stream 0"),
        "{s}"
    );
    assert!(s.contains("building the ladder …"), "status: {s}");
    app.settle();
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Three-way handshake"), "{s}");
}

/// The status bar's sparkline of the whole capture: drawn from 120 columns,
/// from the counts a job made of every packet.
#[test]
fn the_status_bar_shows_the_capture_as_a_sparkline_on_wide_screens() {
    let mut app = sample();
    assert_eq!(
        app.sparkline.iter().sum::<u64>(),
        27,
        "textbook-visit: 27 packets"
    );
    let status = |s: &str| s.lines().last().unwrap_or_default().to_string();
    let narrow = status(&screen(&mut app, 80, 24));
    assert!(!narrow.contains('█'), "{narrow}");
    let wide = status(&screen(&mut app, 200, 50));
    let cells = crate::ui::capture_sparkline::cells(&app.sparkline, 24);
    assert!(
        wide.contains(&format!("streams │ {cells} │ ? help")),
        "{wide}"
    );
    // The busiest slice is full.
    assert!(cells.contains('█'), "{cells}");
}
