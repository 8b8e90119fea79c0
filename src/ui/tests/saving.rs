//! Screen tests of saving packets (`w`): displayed, marked, a stream's or a
//! conversation's packets, never replacing a file without asking.

use super::navigation::{ctrl, snap};
use super::*;

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
fn w_in_follow_and_the_conversations_saves_that_stream() {
    let mut app = at_frame(5);
    let dir = tempfile::tempdir().expect("tempdir");
    app.cx.export_dir = dir.path().to_path_buf();
    key(&mut app, KeyCode::Char('f'));
    assert_eq!(app.view, View::Follow);
    key(&mut app, KeyCode::Char('w'));
    let p = app.prompt.as_ref().expect("save prompt");
    assert_eq!(p.input, "textbook-visit-stream.pcap");
    snap(&mut app, "save_from_follow");
    key(&mut app, KeyCode::Enter);
    assert!(
        app.status.starts_with("wrote 25 stream packets"),
        "{}",
        app.status
    );
    // The conversations view: the IPv4 tab's one conversation, 27 frames.
    key(&mut app, KeyCode::Char('c'));
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('w'));
    ctrl(&mut app, 'u');
    keys(&mut app, "ipv4.pcap");
    key(&mut app, KeyCode::Enter);
    assert!(
        app.status.starts_with("wrote 27 stream packets"),
        "{}",
        app.status
    );
    let saved = crate::session::Session::open(&dir.path().join("ipv4.pcap")).expect("saved");
    assert_eq!(saved.store.len(), 27);
    // The streams tab: the DNS exchange (first row), 2 frames.
    key(&mut app, KeyCode::Char('g'));
    for _ in 0..4 {
        key(&mut app, KeyCode::Tab);
    }
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('w'));
    ctrl(&mut app, 'u');
    keys(&mut app, "dns.pcap");
    key(&mut app, KeyCode::Enter);
    assert!(
        app.status.starts_with("wrote 2 stream packets"),
        "{}",
        app.status
    );
}
