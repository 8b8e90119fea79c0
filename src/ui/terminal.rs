//! The terminal while the TUI runs: raw mode, the alternate screen and mouse
//! capture, entered once and left on every way out. [`Guard`]'s `Drop`
//! restores the terminal on a normal exit, an error or an unwinding panic;
//! the panic hook restores it before the message is printed, so the message
//! lands on the normal screen. Panics of worker threads are caught and
//! reported by the workers themselves; the hook keeps them off the screen.

use ratatui::DefaultTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The terminal in TUI mode; dropping it restores the terminal.
pub struct Guard {
    terminal: DefaultTerminal,
    /// Tells the input thread to stop.
    stop: Arc<AtomicBool>,
}

fn leave() {
    let _ = crossterm::execute!(
        std::io::stdout(),
        crossterm::event::DisableMouseCapture,
        crossterm::event::DisableBracketedPaste
    );
    ratatui::restore();
}

impl Guard {
    /// Enters raw mode, the alternate screen and mouse capture, and installs
    /// the panic hook.
    pub fn enter() -> std::io::Result<Guard> {
        let terminal = ratatui::try_init()?;
        // ratatui's hook restores and then reports; ours restores mouse
        // capture too, and only for this thread: a worker's panic is caught
        // and shown by the app, so it must neither restore the terminal nor
        // print over the screen.
        let report = std::panic::take_hook();
        let ui_thread = std::thread::current().id();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().id() == ui_thread {
                leave();
                report(info);
            }
        }));
        // Bracketed paste: a pasted filter arrives as one event, its
        // newlines not taken for Enter.
        let _ = crossterm::execute!(
            std::io::stdout(),
            crossterm::event::EnableMouseCapture,
            crossterm::event::EnableBracketedPaste
        );
        Ok(Guard {
            terminal,
            stop: Arc::new(AtomicBool::new(false)),
        })
    }

    pub fn terminal(&mut self) -> &mut DefaultTerminal {
        &mut self.terminal
    }

    /// The flag that stops the input thread when the guard goes.
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stop)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        leave();
    }
}
