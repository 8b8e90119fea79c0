//! Screen tests of every view: a `TestBackend` terminal driven by key and
//! mouse events, asserting on the text of the buffer (80x24 included), and
//! insta snapshots of whole screens. Each event is followed by the jobs it
//! started, so a test sees the settled screen. This file holds the shared
//! helpers; the tests are grouped by view below.

use super::app::{App, View};
use super::event::Event;
use super::keymap::help_rows;
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
    app.handle(Event::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| app.draw(f)).expect("draw");
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

/// Presses a key and waits for the jobs it started.
fn key(app: &mut App, code: KeyCode) {
    app.handle(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    app.settle();
}

fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn click(app: &mut App, column: u16, row: u16) {
    mouse(app, MouseEventKind::Down(MouseButton::Left), column, row);
}

fn mouse(app: &mut App, kind: MouseEventKind, column: u16, row: u16) {
    app.handle(Event::Mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }));
    app.settle();
}

/// Hands a loader event to the app and waits for the jobs it started.
fn load(app: &mut App, ev: super::loader::LoadEvent) {
    app.handle(Event::Load(ev));
    app.settle();
}

/// The sample app with frame `n` (1-based) selected.
fn at_frame(n: usize) -> App {
    let mut app = sample();
    key(&mut app, KeyCode::Char('g'));
    for _ in 1..n {
        key(&mut app, KeyCode::Down);
    }
    assert_eq!(app.packets.selected, n - 1);
    app
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

mod columns;
mod conversations;
mod escapes;
mod event_loop;
mod http;
mod live;
mod navigation;
mod network;
mod packets;
mod prompts;
mod saving;
mod screens;
mod streams;
