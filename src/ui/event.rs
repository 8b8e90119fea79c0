//! The one event type of the TUI and where events come from. Terminal input
//! (read by a thread of its own), the loader's progress and the jobs' reports
//! all arrive on one channel; a tick comes when nothing else does. The loop
//! ([`super::app::run_loop`]) takes them from an [`EventSource`]: the terminal
//! in the binary, a script in tests.

use super::jobs::JobEvent;
use super::loader::LoadEvent;
use crossterm::event::{KeyEvent, MouseEvent};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::Duration;

/// Everything the app reacts to.
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    /// The terminal's new size (columns, rows).
    Resize(u16, u16),
    /// Nothing happened for a while (animates progress).
    Tick,
    Load(LoadEvent),
    Job(JobEvent),
    /// The terminal's input cannot be read any more (the app ends).
    InputLost(String),
}

/// How often a tick comes when nothing else happens.
pub const TICK: Duration = Duration::from_millis(250);

/// How long a scripted source waits for a job before giving up.
const SCRIPT_WAIT: Duration = Duration::from_secs(60);

/// Where the loop takes its events from.
pub trait EventSource {
    /// The next event, or `None` to end the loop. `busy` says whether jobs or
    /// the load are still running (a script waits for them).
    fn next(&mut self, busy: bool) -> Option<Event>;
}

/// The terminal's events and the workers' reports, with a tick.
pub struct Channel {
    rx: Receiver<Event>,
    tick: Duration,
}

impl Channel {
    pub fn new(rx: Receiver<Event>) -> Channel {
        Channel { rx, tick: TICK }
    }
}

impl EventSource for Channel {
    fn next(&mut self, _busy: bool) -> Option<Event> {
        match self.rx.recv_timeout(self.tick) {
            Ok(e) => Some(e),
            Err(RecvTimeoutError::Timeout) => Some(Event::Tick),
            Err(RecvTimeoutError::Disconnected) => None,
        }
    }
}

/// Reads terminal input on a thread of its own and sends it to `tx` until
/// `stop` is set or the receiver is gone. If the input cannot be read, says
/// so ([`Event::InputLost`]) and stops: the app ends rather than wait for
/// keys that cannot come.
pub fn spawn_input(tx: Sender<Event>, stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        use crossterm::event::{self, Event as Term, KeyEventKind};
        while !stop.load(Ordering::Relaxed) {
            let ev = match event::poll(Duration::from_millis(50))
                .and_then(|ready| ready.then(event::read).transpose())
            {
                Ok(None) => continue,
                Ok(Some(Term::Key(k))) if k.kind == KeyEventKind::Press => Event::Key(k),
                Ok(Some(Term::Mouse(m))) => Event::Mouse(m),
                Ok(Some(Term::Paste(text))) => Event::Paste(text),
                Ok(Some(Term::Resize(w, h))) => Event::Resize(w, h),
                Ok(Some(_)) => continue,
                Err(e) => {
                    let _ = tx.send(Event::InputLost(e.to_string()));
                    return;
                }
            };
            if tx.send(ev).is_err() {
                return;
            }
        }
    });
}

/// Scripted events for tests: each scripted event is delivered once the
/// workers' reports for the one before have all arrived (while the app is
/// busy the script waits), so a test sees a settled screen after every key.
pub struct Scripted {
    script: VecDeque<Event>,
    rx: Receiver<Event>,
}

impl Scripted {
    pub fn new(script: impl IntoIterator<Item = Event>, rx: Receiver<Event>) -> Scripted {
        Scripted {
            script: script.into_iter().collect(),
            rx,
        }
    }
}

impl EventSource for Scripted {
    fn next(&mut self, busy: bool) -> Option<Event> {
        if let Ok(e) = self.rx.try_recv() {
            return Some(e);
        }
        if busy {
            return self.rx.recv_timeout(SCRIPT_WAIT).ok();
        }
        self.script.pop_front()
    }
}
