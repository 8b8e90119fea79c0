//! Loading the capture on a thread of its own: a preview of a big file's
//! first packets at once, progress while the whole file loads, then the
//! whole trace. Everything arrives as [`Event::Load`] on the loop's channel.

use super::event::Event;
use super::jobs::panic_text;
use crate::capture::{Capture, CaptureError};
use crate::session::Session;
use crate::trace::{Progress, Trace};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::Arc;

/// What the loader thread reports.
pub enum LoadEvent {
    Progress(Progress),
    /// The first packets of a big file, shown while the whole file loads.
    Preview(Arc<Session>),
    /// The loader stopped on an internal error (a bug, not a bad file).
    Failed(String),
    Done(Result<Arc<Session>, CaptureError>),
    /// A capture that grows: the trace so far, or the capture's counters.
    Live(crate::ui::app::live::LiveEvent),
}

/// Packets in the preview of a big file (a few milliseconds of work).
const PREVIEW_PACKETS: u64 = 65_536;

/// Starts loading `path` in a background thread that reports to `tx`.
/// `keys` (from `--keylog`) join the keys the capture itself carries.
pub fn spawn_loader(path: PathBuf, keys: crate::tls::KeyLog, tx: Sender<Event>) {
    std::thread::spawn(move || {
        // A bug must not leave the screen waiting forever: a panic here is
        // reported to the app as a failed load.
        let failed = tx.clone();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            load(&path, &keys, &tx)
        }));
        if let Err(panic) = outcome {
            let what = panic_text(panic.as_ref());
            let _ = failed.send(Event::Load(LoadEvent::Failed(format!(
                "internal error while loading: {what}"
            ))));
        }
    });
}

/// Starts capturing on an interface in a background thread that reports
/// each snapshot and the capture's counters to `tx`.
#[cfg(feature = "live")]
pub fn spawn_capture(
    started: crate::live::iface::Started,
    keys: crate::tls::KeyLog,
    tx: Sender<Event>,
) {
    use crate::ui::app::live::LiveEvent;
    std::thread::spawn(move || {
        let send = |e: LoadEvent| tx.send(Event::Load(e)).is_ok();
        let products = Arc::new(crate::live::LiveProducts::new());
        let result = crate::live::iface::capture(started, |update, stats| {
            let session = match update {
                crate::live::Update::Snapshot(mut trace) => {
                    trace.keys.merge(keys.clone());
                    Some(Arc::new(
                        Session::from(*trace).with_live(Arc::clone(&products)),
                    ))
                }
                crate::live::Update::Idle => None,
            };
            send(LoadEvent::Live(LiveEvent {
                session,
                stats: Some(stats),
            }))
        });
        match result {
            Ok((mut trace, stats)) => {
                trace.keys.merge(keys);
                send(LoadEvent::Live(LiveEvent {
                    session: None,
                    stats: Some(stats),
                }));
                send(LoadEvent::Done(Ok(Arc::new(
                    Session::from(trace).with_live(products),
                ))));
            }
            Err(e) => {
                send(LoadEvent::Failed(e.to_string()));
            }
        }
    });
}

/// The loader thread's work: preview, then the whole file.
fn load(path: &Path, keys: &crate::tls::KeyLog, tx: &Sender<Event>) {
    let send = |e: LoadEvent| tx.send(Event::Load(e)).is_ok();
    if crate::live::is_stream(path) {
        // The snapshots share what was computed of the ones before.
        let products = Arc::new(crate::live::LiveProducts::new());
        let result = crate::live::read_stream(path, |update| {
            let session = match update {
                crate::live::Update::Snapshot(mut trace) => {
                    trace.keys.merge(keys.clone());
                    Some(Arc::new(
                        Session::from(*trace).with_live(Arc::clone(&products)),
                    ))
                }
                crate::live::Update::Idle => None,
            };
            send(LoadEvent::Live(crate::ui::app::live::LiveEvent {
                session,
                stats: None,
            }))
        })
        .map(|mut trace| {
            trace.keys.merge(keys.clone());
            Arc::new(Session::from(trace).with_live(products))
        });
        send(LoadEvent::Done(result));
        return;
    }
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
        if let (Ok(mut trace), true) = (preview, more) {
            trace.keys.merge(keys.clone());
            send(LoadEvent::Preview(Arc::new(Session::from(trace))));
        }
    }
    let result = Capture::open(path)
        .and_then(|capture| Trace::load(capture, |p| send(LoadEvent::Progress(p))))
        .map(|mut trace| {
            trace.keys.merge(keys.clone());
            Arc::new(Session::from(trace))
        });
    send(LoadEvent::Done(result));
}
