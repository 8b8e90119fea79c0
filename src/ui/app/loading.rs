//! The loader's events: progress, the preview, the whole trace (after which
//! the HTTP index is built by a job and a filter applied to the preview runs
//! again over the whole file), failures.

use super::*;
use crate::session::Session;
use crate::ui::jobs::{JobKind, Output};
use crate::ui::loader::LoadEvent;

fn percent(p: Progress) -> u64 {
    (p.bytes_read * 100).checked_div(p.bytes_total).unwrap_or(0)
}

impl App {
    /// Handles a loader event; returns whether the screen changed.
    pub fn on_load(&mut self, ev: LoadEvent) -> bool {
        match ev {
            LoadEvent::Progress(p) => {
                // Redrawn when the percentage shown moves, not per report.
                let moved = percent(p) != percent(self.cx.progress);
                self.cx.progress = p;
                moved
            }
            LoadEvent::Failed(message) => {
                self.load_finished();
                self.cx.load_error = Some(message);
                true
            }
            LoadEvent::Preview(trace) => {
                self.cx.loading = true;
                self.install_trace(trace);
                // A filter typed before any packet arrived.
                if let Some(text) = self.packets.filter_text.clone() {
                    let _ = self.apply_filter(&text);
                }
                true
            }
            LoadEvent::Done(Ok(trace)) => {
                self.load_finished();
                self.status = match (&trace.error, &trace.warning) {
                    (Some(e), _) => format!("capture damaged: {e}"),
                    (None, Some(w)) => format!("warning: {w}"),
                    _ => String::new(),
                };
                self.install_trace(Arc::clone(&trace));
                // The list shows at once; the HTTP index (HTTP Info in the
                // rows, the HTTP view, exports) is built meanwhile.
                self.cx.jobs.start(JobKind::HttpIndex, move |_| {
                    let _ = trace.http();
                    Some(Output::HttpIndex)
                });
                // A filter applied to the preview now covers the whole file.
                if let Some(text) = self.packets.filter_text.clone() {
                    let _ = self.apply_filter(&text);
                }
                true
            }
            LoadEvent::Live(ev) => self.on_live(ev),
            LoadEvent::Done(Err(e)) => {
                self.load_finished();
                self.cx.load_error = Some(e.to_string());
                true
            }
        }
    }

    fn load_finished(&mut self) {
        self.live_ended();
        self.cx.loading = false;
        self.loader_running = false;
    }

    /// Counts the status bar's sparkline of `trace` in a job (the old one
    /// stays until then); a live capture's counts only its new packets.
    pub(super) fn start_sparkline(&self, trace: &Arc<Session>) {
        let counted = Arc::clone(trace);
        let growing = self.cx.live.as_ref().map(|l| Arc::clone(&l.sparkline));
        self.cx.jobs.start(JobKind::Sparkline, move |_| {
            let bins = match growing {
                Some(g) => match g.lock() {
                    Ok(mut g) => g.count(&counted.store),
                    Err(poisoned) => poisoned.into_inner().count(&counted.store),
                },
                None => crate::ui::capture_sparkline::count(&counted.store),
            };
            Some(Output::Sparkline(bins))
        });
    }

    /// Shows `trace` (a preview, then the whole file).
    pub(super) fn install_trace(&mut self, trace: Arc<Session>) {
        // Marks made on the preview (or the snapshots of a live capture)
        // stay, and so do the secrets of a key log loaded meanwhile: both
        // number packets alike.
        let trace = match &self.cx.trace {
            Some(old) if !Arc::ptr_eq(old, &trace) => old.hand_over(trace),
            _ => trace,
        };
        let old = self.cx.trace.replace(Arc::clone(&trace));
        let replaced = old.is_some();
        self.start_sparkline(&trace);
        // The endings of the trace before are of no use.
        self.cx.jobs.cancel(JobKind::Endings);
        self.conversations.reset(&self.cx);
        if self.view == View::Conversations {
            self.start_endings();
        }
        if replaced {
            self.reopen_stream_views();
        }
    }
}
