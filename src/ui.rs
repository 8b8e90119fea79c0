//! The interactive view: a ratatui front end over the same library calls as the
//! headless commands. State lives in [`app::App`] (no drawing), drawing in
//! [`render`] and one `*_pane` file per view (pure functions of the state), and the loop here turns terminal
//! input, ticks and background progress into events for the app.
//!
//! The capture loads in a background thread; the status bar shows its progress
//! and keys work throughout. ratatui's `init` installs a panic hook, so the
//! terminal is restored even after a panic.

pub mod app;
pub mod filter_bar;
pub mod follow_pane;
pub mod http_pane;
pub mod ladder_pane;
pub mod packets_pane;
pub mod prompt;
pub mod render;
#[cfg(test)]
mod tests;

use crate::capture::{Capture, CaptureError};
use crate::session::Session;
use crate::trace::{Progress, Trace};
use app::App;
use crossterm::event::{self, Event as TermEvent};
use std::path::PathBuf;
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// What the loader thread reports.
pub enum LoadEvent {
    Progress(Progress),
    /// The first packets of a big file, shown while the whole file loads.
    Preview(Arc<Session>),
    /// The loader stopped on an internal error (a bug, not a bad file).
    Failed(String),
    Done(Result<Arc<Session>, CaptureError>),
}

/// Packets in the preview of a big file (a few milliseconds of work).
const PREVIEW_PACKETS: u64 = 65_536;

/// Starts loading `path` in a background thread.
pub fn spawn_loader(path: PathBuf, keys: crate::tls::KeyLog) -> mpsc::Receiver<LoadEvent> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        // A bug must not leave the screen waiting forever: a panic here is
        // reported to the app as a failed load.
        let failed = tx.clone();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            load(&path, &keys, &tx)
        }));
        if let Err(panic) = outcome {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown error".into());
            let _ = failed.send(LoadEvent::Failed(format!(
                "internal error while loading: {what}"
            )));
        }
    });
    rx
}

/// The loader thread's work: preview, whole file, then the HTTP index.
fn load(path: &std::path::Path, keys: &crate::tls::KeyLog, tx: &mpsc::Sender<LoadEvent>) {
    // A regular file can be mapped twice: first its beginning, so the
    // list shows at once, then all of it.
    if path.as_os_str() != "-" {
        let mut more = false;
        let preview = Capture::open(path).and_then(|c| {
            Trace::load(c, |p| {
                more = p.bytes_read < p.bytes_total;
                p.packets < PREVIEW_PACKETS
            })
        });
        if let (Ok(trace), true) = (preview, more) {
            let _ = tx.send(LoadEvent::Preview(Arc::new(Session::from(trace))));
        }
    }
    let result = Capture::open(path)
        .and_then(|capture| Trace::load(capture, |p| tx.send(LoadEvent::Progress(p)).is_ok()))
        .map(|mut trace| {
            trace.keys.merge(keys.clone());
            Arc::new(Session::from(trace))
        });
    let shared = result.as_ref().ok().map(Arc::clone);
    let _ = tx.send(LoadEvent::Done(result));
    // The list shows at once; the HTTP index (for HTTP rows, the HTTP
    // view and export) is built here meanwhile, and the rows gain their
    // HTTP Info as soon as it is ready.
    if let Some(trace) = shared {
        let _ = trace.http();
    }
}

/// Runs the TUI on `path` until the user quits.
pub fn run(path: PathBuf) -> std::io::Result<()> {
    run_with_keys(path, crate::tls::KeyLog::new())
}

/// Runs the TUI on `path`, decrypting TLS with `keys` (and with the keys the
/// capture itself carries).
pub fn run_with_keys(path: PathBuf, keys: crate::tls::KeyLog) -> std::io::Result<()> {
    let loader = spawn_loader(path.clone(), keys);
    let mut app = App::new(path.display().to_string());
    let mut terminal = ratatui::try_init()?;
    // ratatui's hook restores the terminal on a panic. Only a panic of this
    // thread ends the TUI; a worker's panic is caught and reported by the
    // worker, so it must neither restore the terminal nor print over it.
    let restore_and_report = std::panic::take_hook();
    let ui_thread = std::thread::current().id();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == ui_thread {
            restore_and_report(info);
        }
    }));
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture);
    let result = (|| -> std::io::Result<()> {
        while !app.should_quit {
            while let Ok(ev) = loader.try_recv() {
                app.on_load(ev);
            }
            app.poll_jobs();
            terminal.draw(|frame| render::draw(frame, &mut app))?;
            if event::poll(Duration::from_millis(100))? {
                match event::read()? {
                    TermEvent::Key(key) if key.kind == event::KeyEventKind::Press => {
                        app.on_key(key)
                    }
                    TermEvent::Mouse(m) => app.on_mouse(m),
                    _ => {}
                }
            }
        }
        Ok(())
    })();
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
    ratatui::restore();
    result
}
