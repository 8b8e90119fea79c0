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
