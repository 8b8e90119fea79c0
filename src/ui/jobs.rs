//! The job runner: everything expensive the TUI needs (the HTTP index, how
//! each conversation ended, filters, follow, the ladder, the HTTP view and
//! its bodies, exports) runs on a worker thread and posts its progress and
//! result to the event loop as [`Event::Job`].
//!
//! At most one job of each [`JobKind`] is current: starting another cancels
//! the one before (its [`Token`] says so; the worker checks it where it can:
//! a filter between packets, the others before they start), and a result whose generation is no longer current is dropped on arrival,
//! so a stale filter or another stream's ladder never reaches the screen.
//! Gitui's `asyncjob` works the same way (`gitui-org/gitui:asyncgit/src/asyncjob/mod.rs`).

use super::event::Event;
use super::filter_bar::ActiveFilter;
use super::follow_pane::FollowState;
use super::http_pane::HttpState;
use super::ladder_pane::LadderState;
use super::prompt::Prompt;
use crate::flow::ladder::Row;
use crate::flow::table::ConversationSort;
use crate::http::export::ExportItem;
use crate::session::Session;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a job computes; one current job per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// The HTTP index of the whole capture (HTTP Info in the list, the HTTP view, exports).
    HttpIndex,
    /// How every conversation ended (the conversations table's last column).
    Endings,
    /// The conversations table in another order.
    Sort,
    /// A layer tab's conversations (Ethernet, IPv4, IPv6, TCP, UDP).
    Layers,
    /// A display filter over every packet.
    Filter,
    /// The reassembled bytes of a TCP stream, as lines.
    Follow,
    /// The folded ladder of a TCP stream.
    Ladder,
    /// The ladder's rows with every run unfolded.
    LadderUnfold,
    /// The HTTP transactions of a stream.
    Http,
    /// One transaction's messages with their bodies decoded.
    Body,
    /// The item an export prompt offers (a decoded body, a stream's bytes).
    ExportPrepare,
    /// Writing an export.
    Export,
    /// Every transaction's journey (the network tab).
    Journeys,
    /// The statistics screens' results.
    Stats,
    /// A key log loaded after opening, and the HTTP index rebuilt with it.
    KeyLog,
    /// Find packet (Ctrl-F, n, N).
    Find,
    /// Saving packets as a capture file (`w`).
    Save,
    /// The names from the capture's DNS answers (the names toggle).
    Names,
    /// The status bar's sparkline of the whole capture.
    Sparkline,
}

impl JobKind {
    /// What the status bar says while it runs.
    pub fn describe(self) -> &'static str {
        match self {
            JobKind::HttpIndex => "indexing HTTP",
            JobKind::Endings => "summarising conversations",
            JobKind::Sort => "sorting conversations",
            JobKind::Layers => "counting conversations",
            JobKind::Filter => "filtering",
            JobKind::Follow => "following the stream",
            JobKind::Ladder | JobKind::LadderUnfold => "building the ladder",
            JobKind::Http => "finding HTTP transactions",
            JobKind::Body => "decoding the body",
            JobKind::ExportPrepare => "preparing the export",
            JobKind::Export => "writing the export",
            JobKind::Journeys => "tracing the journeys",
            JobKind::Stats => "computing statistics",
            JobKind::KeyLog => "decrypting with the key log",
            JobKind::Find => "finding",
            JobKind::Save => "saving packets",
            JobKind::Names => "reading names from the captured DNS",
            JobKind::Sparkline => "counting packets over time",
        }
    }
}

/// A finished job's product.
pub enum Output {
    /// The HTTP index is built (the trace keeps it).
    HttpIndex,
    /// The name map is read (the session keeps it).
    Names,
    /// How every conversation ended is worked out (the session keeps it).
    Endings,
    /// The conversations (indices) in this order.
    Order(ConversationSort, Vec<u32>),
    /// A layer tab's conversations.
    Layers(Box<crate::stats::conversations::Conversations>),
    Filter(ActiveFilter),
    Follow(FollowState),
    Ladder(LadderState),
    /// Conversation, and its ladder rows with every run unfolded.
    LadderUnfold(u32, Vec<Row>),
    /// A stream's transactions, and the session whose HTTP index numbers them.
    Http(HttpState, Arc<Session>),
    /// Transaction index, and its messages as display lines.
    Body(usize, Vec<ratatui::text::Line<'static>>),
    /// The item to export, or why there is none.
    ExportPrepare(Result<ExportItem<'static>, String>),
    /// The status message, or the prompt back with its error.
    Export(Result<String, Prompt>),
    /// The network tab's rows, and the session they come from.
    Journeys(Vec<super::network_pane::NetworkRow>, Arc<Session>),
    /// One statistics screen's results.
    Stats(Box<super::stats_pane::Part>),
    /// The session decrypting with a key log, and the status line; or why
    /// the file could not be read (the prompt back with its error).
    KeyLog(Result<(Arc<Session>, String), Prompt>),
    /// A find's match (none: nothing matched), and what was looked for.
    Find(Option<super::find::Found>, String),
    /// The status message, or the save prompt back with why not.
    Save(Result<String, Prompt>),
    /// Packets per slice of the capture's time span.
    Sparkline(Vec<u64>),
}

/// What a worker reports.
pub enum Update {
    /// `done` of `total` units of work.
    Progress(u64, u64),
    Done(Box<Output>),
    /// Stopped because a newer job of the same kind superseded it.
    Cancelled,
    /// The worker panicked (a bug): the message.
    Failed(String),
}

/// A report from a worker, with the job it is about.
pub struct JobEvent {
    pub kind: JobKind,
    pub generation: u64,
    pub update: Update,
}

/// Handed to a worker: whether to stop, and where to report progress.
pub struct Token {
    kind: JobKind,
    generation: u64,
    cancel: Arc<AtomicBool>,
    tx: Sender<Event>,
}

impl Token {
    /// Whether a newer job superseded this one (the worker should stop).
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// The flag itself, for library calls that take one.
    pub fn flag(&self) -> &AtomicBool {
        &self.cancel
    }

    /// Reports `done` of `total`.
    pub fn progress(&self, done: u64, total: u64) {
        let _ = self.tx.send(Event::Job(JobEvent {
            kind: self.kind,
            generation: self.generation,
            update: Update::Progress(done, total),
        }));
    }
}

struct Running {
    generation: u64,
    cancel: Arc<AtomicBool>,
    progress: Option<(u64, u64)>,
    started: Instant,
}

/// A job running longer than this shows its time in the status bar (the
/// ticks then move it on; library calls without progress reports say
/// nothing else).
const SHOW_ELAPSED_AFTER: Duration = Duration::from_secs(1);

/// The jobs in flight. Used from the UI thread only (a `RefCell` inside, so
/// components can start jobs through a shared `Ctx`).
pub struct Jobs {
    tx: Sender<Event>,
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    next: u64,
    running: HashMap<JobKind, Running>,
}

impl Jobs {
    pub fn new(tx: Sender<Event>) -> Jobs {
        Jobs {
            tx,
            state: RefCell::new(State::default()),
        }
    }

    /// Starts `work` on a worker thread as the current job of `kind`,
    /// cancelling the one before. `work` returns `None` when it stopped on
    /// its token. Returns the job's generation.
    pub fn start<F>(&self, kind: JobKind, work: F) -> u64
    where
        F: FnOnce(&Token) -> Option<Output> + Send + 'static,
    {
        let mut state = self.state.borrow_mut();
        state.next += 1;
        let generation = state.next;
        let cancel = Arc::new(AtomicBool::new(false));
        if let Some(old) = state.running.insert(
            kind,
            Running {
                generation,
                cancel: Arc::clone(&cancel),
                progress: None,
                started: Instant::now(),
            },
        ) {
            old.cancel.store(true, Ordering::Relaxed);
        }
        let token = Token {
            kind,
            generation,
            cancel,
            tx: self.tx.clone(),
        };
        let spawned = std::thread::Builder::new()
            .name(format!("wirelens-{kind:?}"))
            .spawn(move || {
                let outcome =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&token)));
                let update = match outcome {
                    Ok(Some(output)) => Update::Done(Box::new(output)),
                    Ok(None) => Update::Cancelled,
                    Err(panic) => Update::Failed(panic_text(panic.as_ref())),
                };
                let _ = token.tx.send(Event::Job(JobEvent {
                    kind,
                    generation,
                    update,
                }));
            });
        if let Err(e) = spawned {
            state.running.remove(&kind);
            let _ = self.tx.send(Event::Job(JobEvent {
                kind,
                generation,
                update: Update::Failed(format!("cannot start a worker thread: {e}")),
            }));
        }
        generation
    }

    /// Cancels the current job of `kind`, if any (its result will be dropped).
    pub fn cancel(&self, kind: JobKind) {
        if let Some(old) = self.state.borrow_mut().running.remove(&kind) {
            old.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Whether `event` is about the current job of its kind; a final report
    /// (done, cancelled, failed) ends it, a progress report is kept.
    pub fn accept(&self, event: &JobEvent) -> bool {
        let mut state = self.state.borrow_mut();
        let Some(running) = state.running.get_mut(&event.kind) else {
            return false;
        };
        if running.generation != event.generation {
            return false;
        }
        match event.update {
            Update::Progress(done, total) => running.progress = Some((done, total)),
            _ => {
                state.running.remove(&event.kind);
            }
        }
        true
    }

    /// Whether a job of `kind` is running.
    pub fn running(&self, kind: JobKind) -> bool {
        self.state.borrow().running.contains_key(&kind)
    }

    /// The last progress of the running job of `kind` (percent), if it reported any.
    pub fn percent(&self, kind: JobKind) -> Option<u64> {
        percent_of(&self.state.borrow(), kind)
    }

    /// How long the job of `kind` has been running, once it is worth saying.
    pub fn elapsed(&self, kind: JobKind) -> Option<Duration> {
        let e = self.state.borrow().running.get(&kind)?.started.elapsed();
        (e >= SHOW_ELAPSED_AFTER).then_some(e)
    }

    /// Whether any job is running.
    pub fn busy(&self) -> bool {
        !self.state.borrow().running.is_empty()
    }

    /// The running jobs, described for the status bar ("filtering 40%",
    /// "indexing HTTP … 3 s").
    pub fn describe(&self) -> Vec<String> {
        let state = self.state.borrow();
        let mut kinds: Vec<JobKind> = state.running.keys().copied().collect();
        kinds.sort_by_key(|k| *k as u8);
        kinds
            .into_iter()
            .map(|k| {
                let elapsed = state
                    .running
                    .get(&k)
                    .map(|r| r.started.elapsed())
                    .filter(|e| *e >= SHOW_ELAPSED_AFTER);
                match (percent_of(&state, k), elapsed) {
                    (Some(p), _) => format!("{} {p}%", k.describe()),
                    (None, Some(e)) => format!("{} … {} s", k.describe(), e.as_secs()),
                    (None, None) => format!("{} …", k.describe()),
                }
            })
            .collect()
    }
}

fn percent_of(state: &State, kind: JobKind) -> Option<u64> {
    let (done, total) = state.running.get(&kind)?.progress?;
    (done * 100).checked_div(total)
}

impl Drop for Jobs {
    /// Leaving the TUI stops every worker at its next check.
    fn drop(&mut self) {
        for r in self.state.get_mut().running.values() {
            r.cancel.store(true, Ordering::Relaxed);
        }
    }
}

/// A panic's message.
pub fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown error".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    fn next(rx: &mpsc::Receiver<Event>) -> JobEvent {
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Event::Job(j)) => j,
            _ => panic!("no job event"),
        }
    }

    #[test]
    fn a_newer_job_cancels_the_older_and_its_result_is_dropped() {
        let (tx, rx) = mpsc::channel();
        let jobs = Jobs::new(tx);
        let (started_tx, started_rx) = mpsc::channel();
        let first = jobs.start(JobKind::Filter, move |token| {
            let _ = started_tx.send(());
            while !token.cancelled() {
                std::thread::sleep(Duration::from_millis(1));
            }
            None
        });
        started_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("started");
        let second = jobs.start(JobKind::Filter, |_| Some(Output::HttpIndex));
        assert!(second > first);
        let mut seen = Vec::new();
        for _ in 0..2 {
            let e = next(&rx);
            seen.push((e.generation, jobs.accept(&e)));
        }
        seen.sort();
        assert_eq!(seen, vec![(first, false), (second, true)]);
        assert!(!jobs.busy());
    }

    #[test]
    fn a_panicking_worker_is_reported() {
        let (tx, rx) = mpsc::channel();
        let jobs = Jobs::new(tx);
        jobs.start(JobKind::Body, |_| panic!("boom"));
        let e = next(&rx);
        assert!(jobs.accept(&e));
        assert!(matches!(e.update, Update::Failed(ref m) if m == "boom"));
    }

    #[test]
    fn progress_is_kept_and_described() {
        let (tx, rx) = mpsc::channel();
        let jobs = Jobs::new(tx);
        let (go_tx, go_rx) = mpsc::channel::<()>();
        jobs.start(JobKind::Filter, move |token| {
            token.progress(25, 100);
            let _ = go_rx.recv_timeout(Duration::from_secs(10));
            Some(Output::HttpIndex)
        });
        let e = next(&rx);
        assert!(jobs.accept(&e));
        assert_eq!(jobs.percent(JobKind::Filter), Some(25));
        assert_eq!(jobs.describe(), vec!["filtering 25%".to_string()]);
        let _ = go_tx.send(());
        let e = next(&rx);
        assert!(jobs.accept(&e));
        assert!(!jobs.running(JobKind::Filter));
    }
}
