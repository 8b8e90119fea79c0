//! The event loop end to end: scripted events through [`run_loop`] into a
//! `TestBackend`, stale jobs dropped, and nothing redrawn when nothing changed.

use super::*;
use crate::ui::app::run_loop;
use crate::ui::event::Scripted;

fn press(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

#[test]
fn a_scripted_session_runs_through_the_loop() {
    let path = manifest().join("sample-captures/textbook-visit.pcap");
    let (tx, rx) = std::sync::mpsc::channel();
    let mut app = App::new(path.display().to_string(), tx.clone());
    app.loader_started();
    crate::ui::loader::spawn_loader(path, tx);
    let mut script = vec![press(KeyCode::Char('G'))];
    script.extend((0..5).map(|_| press(KeyCode::Char('k'))));
    script.extend([press(KeyCode::Char('l')), press(KeyCode::Char('G'))]);
    let mut events = Scripted::new(script, rx);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    run_loop(&mut app, &mut terminal, &mut events).expect("loop");
    let buf = terminal.backend().buffer().clone();
    let s: String = (0..40u16)
        .map(|y| {
            (0..120u16)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                + "\n"
        })
        .collect();
    assert_eq!(app.view, View::Ladder);
    assert!(s.contains("Four-way teardown"), "{s}");
    assert!(s.contains("[FIN, ACK] Seq=11353 Ack=83"), "{s}");
    assert!(s.contains("27 packets"), "{s}");
    assert_eq!(app.packets.selected, 26);
}

#[test]
fn a_superseded_filter_never_reaches_the_list() {
    let mut app = sample();
    // Typed without waiting for jobs: the second filter cancels the first,
    // whose result (if it came first) is dropped.
    for text in ["tcp.flags.fin == 1", "dns"] {
        app.handle(press(KeyCode::Char('/')));
        // The prompt holds the filter asked for last.
        for _ in 0..30 {
            app.handle(press(KeyCode::Backspace));
        }
        for c in text.chars() {
            app.handle(press(KeyCode::Char(c)));
        }
        app.handle(press(KeyCode::Enter));
    }
    assert!(app.packets.filter.is_none());
    app.settle();
    let f = app.packets.filter.as_ref();
    assert_eq!(f.map(|f| f.text()), Some("dns"));
    assert_eq!(f.map(|f| f.matches.clone()), Some(vec![0, 1]));
    assert_eq!(app.status, "2 of 27 packets match");
}

#[test]
fn nothing_is_redrawn_when_nothing_changed() {
    let mut app = sample();
    assert!(!app.handle(Event::Tick), "an idle tick changes nothing");
    assert!(
        !app.handle(press(KeyCode::Char('y'))),
        "an unbound key changes nothing"
    );
    assert!(app.handle(press(KeyCode::Down)));
    assert!(app.handle(Event::Resize(100, 30)));
}

#[test]
fn sorting_runs_in_a_job_and_a_second_s_goes_on_from_the_first() {
    use crate::ui::conversations_pane::ConversationSort;
    let mut app = sample();
    key(&mut app, KeyCode::Char('c'));
    app.handle(press(KeyCode::Char('s')));
    app.handle(press(KeyCode::Char('s')));
    // The table keeps its order until the job's arrives; the title says so.
    assert_eq!(app.conversations.sort, ConversationSort::Start);
    let s = screen(&mut app, 140, 24);
    assert!(s.contains("sorting by bytes…"), "{s}");
    app.settle();
    assert_eq!(app.conversations.sort, ConversationSort::Bytes);
    assert_eq!(app.status, "conversations by bytes");
}

#[test]
fn a_damaged_capture_says_so_in_the_status_line() {
    let path = manifest().join("sample-captures/textbook-visit.pcap");
    let mut bytes = std::fs::read(&path).expect("sample");
    // Cut in the middle of the last record: everything before it loads.
    bytes.truncate(bytes.len() - 10);
    let capture = crate::capture::Capture::from_bytes(
        crate::capture::CaptureBytes::Owned(bytes),
        "cut".into(),
    )
    .expect("capture");
    let trace = Trace::load(capture, |_| true).expect("trace");
    let mut app = App::with_trace("cut.pcap".into(), trace);
    assert!(app.status.starts_with("warning: "), "{}", app.status);
    let s = screen(&mut app, 120, 30);
    assert!(s.contains("cut short in the middle of a packet"), "{s}");
}

#[test]
fn lost_terminal_input_ends_the_app() {
    let mut app = sample();
    app.handle(Event::InputLost("stdin closed".into()));
    assert!(app.should_quit);
    assert_eq!(app.input_error.as_deref(), Some("stdin closed"));
}

#[test]
fn an_esc_read_together_with_the_next_key_is_both() {
    let mut app = at_frame(22);
    key(&mut app, KeyCode::Char('h'));
    assert_eq!(app.view, View::Http);
    // ESC then `/` in one read reaches the app as Alt+/.
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::Char('/'),
        KeyModifiers::ALT,
    )));
    assert_eq!(app.view, View::Packets);
    assert!(app.prompt.is_some(), "the filter prompt opened");
}
