//! The interactive view: a ratatui front end over the same library calls as the
//! headless commands.
//!
//! One loop ([`app::run_loop`]) takes [`event::Event`]s (keys, mouse, resize,
//! tick, the loader's progress, the jobs' reports) from an
//! [`event::EventSource`], lets the [`app::App`] route them to the pane being
//! shown, and draws only when something changed. Everything expensive runs
//! in [`jobs`] on worker threads and comes back as an event, so no key ever
//! waits: the capture loads in the background ([`loader`]) with a preview
//! shown at once. Keys are looked up in one table ([`keymap`]) that the help
//! screen also shows. The terminal is restored on every way out ([`terminal`]).

pub mod app;
pub mod capture_sparkline;
pub mod completion;
pub mod conversations_pane;
pub mod event;
pub mod export_all;
pub mod filter_bar;
pub mod find;
pub mod follow_pane;
pub mod help_pane;
pub mod http_pane;
pub mod jobs;
pub mod keymap;
pub mod ladder_pane;
pub mod line_edit;
pub mod loader;
pub mod long_lines;
pub mod network_pane;
pub mod packets_pane;
pub mod prompt;
pub mod render;
pub mod save;
pub mod stats_charts;
pub mod stats_pane;
pub mod terminal;
#[cfg(test)]
mod tests;
pub mod theme;
pub mod time_format;

use std::path::PathBuf;

/// How the TUI ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// The user quit after the capture loaded.
    Quit,
    /// The capture could not be read (the message was shown on screen).
    LoadFailed(String),
}

/// Runs the TUI on `path` until the user quits.
pub fn run(path: PathBuf) -> std::io::Result<Exit> {
    run_with_keys(path, crate::tls::KeyLog::new())
}

/// Runs the TUI on `path`, decrypting TLS with `keys` (from `--keylog`) and
/// with the keys the capture itself carries.
pub fn run_with_keys(path: PathBuf, keys: crate::tls::KeyLog) -> std::io::Result<Exit> {
    // The user's config.toml, or the defaults when there is none; a broken
    // one is said on the status line and the defaults are used.
    let (config, problem) = user_config();
    run_with_config(path, keys, config, problem)
}

/// Runs the TUI on `path` with the settings of `config` (`problem`: why the
/// user's file could not be used, shown on the status line).
pub fn run_with_config(
    path: PathBuf,
    keys: crate::tls::KeyLog,
    config: crate::config::Config,
    problem: Option<String>,
) -> std::io::Result<Exit> {
    let name = path.display().to_string();
    run_app(name, config, problem, move |tx| {
        loader::spawn_loader(path, keys, tx)
    })
}

/// Runs the TUI on a capture from a network interface, until the user quits.
#[cfg(feature = "live")]
pub fn run_capture(
    started: crate::live::iface::Started,
    keys: crate::tls::KeyLog,
) -> std::io::Result<Exit> {
    let name = started.interface().to_string();
    let (config, problem) = user_config();
    run_app(name, config, problem, move |tx| {
        loader::spawn_capture(started, keys, tx)
    })
}

/// The user's config.toml, or the defaults with why the file was not used.
fn user_config() -> (crate::config::Config, Option<String>) {
    match crate::config::Config::load(None) {
        Ok(c) => (c, None),
        Err(e) => (crate::config::Config::default(), Some(e.to_string())),
    }
}

/// The TUI over what `spawn_loader` starts loading.
fn run_app(
    name: String,
    config: crate::config::Config,
    problem: Option<String>,
    spawn_loader: impl FnOnce(std::sync::mpsc::Sender<event::Event>),
) -> std::io::Result<Exit> {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut app = app::App::new(name, tx.clone());
    let theme = config.effective_theme();
    app.configure(config, theme);
    if let Some(p) = problem {
        app.status = format!("config: {p} (using the defaults)");
    }
    app.loader_started();
    spawn_loader(tx.clone());
    let mut guard = terminal::Guard::enter()?;
    event::spawn_input(tx, guard.stop_flag());
    let mut events = event::Channel::new(rx);
    app::run_loop(&mut app, guard.terminal(), &mut events)?;
    drop(guard);
    if let Some(e) = app.input_error.take() {
        return Err(std::io::Error::other(format!(
            "cannot read the terminal's input: {e}"
        )));
    }
    Ok(match app.cx.load_error.take() {
        Some(e) => Exit::LoadFailed(e),
        None => Exit::Quit,
    })
}
