//! Screen tests of the packet list's navigation: find packet (each kind,
//! forward, back, wrapping, the match highlighted), go to packet, marks and
//! `frame.marked`, time references, a conversation's first and last packet,
//! and every key of the analyst's tools on tiny screens. Snapshots at 80x24
//! and 200x50. The helpers here (`ctrl`, `snap`, `styled_bottom`) serve the
//! other tool tests too (prompts, saving, columns, conversations).

use super::*;
use ratatui::style::Color;

pub(super) fn ctrl(app: &mut App, c: char) {
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )));
    app.settle();
}

pub(super) fn snap(app: &mut App, name: &str) {
    for (w, h) in [(80, 24), (200, 50)] {
        let s = screen(app, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), s);
    }
}

/// The bottom `rows` lines of the screen with their background colours
/// spelt out (`[Green]text[-]`), for snapshots of colours.
pub(super) fn styled_bottom(app: &mut App, w: u16, h: u16, rows: u16) -> String {
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
fn every_new_key_on_tiny_screens_and_a_one_packet_capture_never_panics() {
    let mut apps = vec![
        sample(),
        App::with_trace("v6".into(), super::columns::ipv6_trace()),
    ];
    for app in &mut apps {
        for (w, h) in [(12, 5), (30, 8), (80, 24)] {
            screen(app, w, h);
            for c in ['m', ']', '[', 'M', '<', '>', 'T', 'r', 'd', 'S'] {
                key(app, KeyCode::Char(c));
                screen(app, w, h);
            }
            for c in ['f', 'g', 't'] {
                ctrl(app, c);
                keys(app, "tcp.flags.s");
                key(app, KeyCode::Tab);
                key(app, KeyCode::Tab);
                screen(app, w, h);
                for _ in 0..30 {
                    key(app, KeyCode::Left);
                }
                ctrl(app, 'k');
                ctrl(app, 'w');
                key(app, KeyCode::Delete);
                app.handle(Event::Paste("\u{1b}[31m\n".into()));
                screen(app, w, h);
                key(app, KeyCode::Enter);
                key(app, KeyCode::Esc);
            }
            for c in ['w', '+', '-'] {
                key(app, KeyCode::Char(c));
                key(app, KeyCode::Tab);
                screen(app, w, h);
                key(app, KeyCode::Esc);
            }
            key(app, KeyCode::Char('n'));
            key(app, KeyCode::Char('N'));
            key(app, KeyCode::Char('f'));
            key(app, KeyCode::Char('r'));
            key(app, KeyCode::Right);
            screen(app, w, h);
            key(app, KeyCode::Esc);
        }
    }
}
