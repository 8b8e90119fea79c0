//! A capture that grows on screen: each snapshot replaces the trace at
//! once (the packet list shows the new rows), the list follows the tail
//! until the user moves in it (G/End follows again), and the background
//! products (HTTP index, filter, the open stream view) are worked out again
//! for the grown trace, at most every [`LIVE_JOBS_EVERY`] and never while
//! the previous round still runs. The status bar shows packets/s, bytes/s
//! and the capture's statistics.

use super::*;
use crate::live::CaptureStats;
use crate::session::Session;
use crate::ui::capture_sparkline::Growing;
use crate::ui::jobs::{JobKind, Output};
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The shortest time between two rounds of background jobs on a live trace.
pub const LIVE_JOBS_EVERY: Duration = Duration::from_millis(300);

/// The window packets/s and bytes/s are averaged over.
const RATE_WINDOW: Duration = Duration::from_secs(2);

/// What the loader sends while a capture grows.
pub struct LiveEvent {
    /// The trace so far, when it grew.
    pub session: Option<Arc<Session>>,
    /// The interface's counters, for an interface capture.
    pub stats: Option<CaptureStats>,
}

/// The state of a live capture on screen.
pub struct LiveState {
    /// The packet list selects the last packet as packets arrive.
    pub following: bool,
    /// (when, packets, bytes) samples for the rates.
    samples: VecDeque<(Instant, u64, u64)>,
    /// Bytes of the packets counted so far (original lengths).
    bytes: u64,
    counted: usize,
    pub stats: Option<CaptureStats>,
    last_jobs: Option<Instant>,
    /// The trace grew since the jobs last ran.
    stale: bool,
    /// The capture ended (the stream closed or the capture stopped).
    pub ended: bool,
    /// The status bar's sparkline, counted a snapshot's new packets at a time.
    pub sparkline: Arc<Mutex<Growing>>,
}

impl LiveState {
    fn new() -> LiveState {
        LiveState {
            following: true,
            samples: VecDeque::new(),
            bytes: 0,
            counted: 0,
            stats: None,
            last_jobs: None,
            stale: false,
            ended: false,
            sparkline: Arc::default(),
        }
    }

    /// Counts the new packets of `session` and samples the totals.
    fn sample(&mut self, session: Option<&Session>) {
        if let Some(s) = session {
            let entries = s.store.entries();
            self.bytes += entries
                .get(self.counted..)
                .unwrap_or(&[])
                .iter()
                .map(|e| u64::from(e.orig_len))
                .sum::<u64>();
            self.counted = entries.len();
        }
        let now = Instant::now();
        self.samples
            .push_back((now, self.counted as u64, self.bytes));
        while self
            .samples
            .front()
            .is_some_and(|&(t, _, _)| now.duration_since(t) > RATE_WINDOW)
        {
            self.samples.pop_front();
        }
    }

    /// Packets per second and bytes per second over the last seconds.
    pub fn rates(&self) -> (f64, f64) {
        let (Some(first), Some(last)) = (self.samples.front(), self.samples.back()) else {
            return (0.0, 0.0);
        };
        let secs = last.0.duration_since(first.0).as_secs_f64();
        if secs < 0.2 {
            return (0.0, 0.0);
        }
        (
            (last.1 - first.1) as f64 / secs,
            (last.2 - first.2) as f64 / secs,
        )
    }

    /// The status bar's part: rates, following, the capture's counters.
    pub fn status(&self) -> String {
        let (pps, bps) = self.rates();
        let state = if self.ended {
            "ended"
        } else if self.following {
            "LIVE, following"
        } else {
            "LIVE, paused (G/End follows)"
        };
        let stats = self
            .stats
            .as_ref()
            .map(|s| format!(" │ {s}"))
            .unwrap_or_default();
        format!(
            " {state} │ {pps:.0} packets/s │ {}/s{stats} │",
            bytes_si(bps)
        )
    }
}

/// `1.5 MB`, `320 kB`, `12 B` (SI units, as Wireshark's statistics).
fn bytes_si(n: f64) -> String {
    if n >= 1e9 {
        format!("{:.1} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.1} kB", n / 1e3)
    } else {
        format!("{n:.0} B")
    }
}

impl App {
    /// Handles a snapshot (or the counters) of a live capture.
    pub(super) fn on_live(&mut self, ev: LiveEvent) -> bool {
        let live = self.cx.live.get_or_insert_with(LiveState::new);
        if ev.stats.is_some() {
            live.stats = ev.stats;
        }
        live.sample(ev.session.as_deref());
        if let Some(session) = ev.session {
            live.stale = true;
            self.cx.loading = false;
            // Frame numbers are stable in a capture that only grows: the
            // marks and a key log loaded meanwhile stay.
            let session = match &self.cx.trace {
                Some(old) => old.hand_over(session),
                None => session,
            };
            self.start_sparkline(&session);
            self.cx.trace = Some(session);
            if self.view == View::Conversations {
                self.conversations.reset(&self.cx);
            }
        }
        self.live_jobs();
        if self.cx.live.as_ref().is_some_and(|l| l.following) {
            self.packets.select_last(&self.cx);
        }
        true
    }

    /// The background products of the grown trace, when due.
    fn live_jobs(&mut self) {
        let Some(live) = self.cx.live.as_mut() else {
            return;
        };
        let due = live.stale
            && live
                .last_jobs
                .is_none_or(|t| t.elapsed() >= LIVE_JOBS_EVERY)
            && ![JobKind::HttpIndex, JobKind::Filter]
                .iter()
                .any(|&k| self.cx.jobs.running(k));
        if !due {
            return;
        }
        live.stale = false;
        live.last_jobs = Some(Instant::now());
        let Some(trace) = self.cx.trace.clone() else {
            return;
        };
        self.cx.jobs.cancel(JobKind::Endings);
        self.conversations.reset(&self.cx);
        self.reopen_stream_views();
        self.cx.jobs.start(JobKind::HttpIndex, move |_| {
            let _ = trace.http();
            Some(Output::HttpIndex)
        });
        if let Some(text) = self.packets.filter_text.clone() {
            let _ = self.apply_filter(&text);
        }
    }

    /// A live capture ended: its last trace is the whole one.
    pub(super) fn live_ended(&mut self) {
        if let Some(live) = self.cx.live.as_mut() {
            live.ended = true;
            live.sample(None);
        }
    }

    /// Keys and the mouse in the packet list stop following the tail;
    /// G/End follows again.
    pub(super) fn live_input(&mut self, action: Option<Action>) {
        if self.view != View::Packets {
            return;
        }
        let Some(live) = self.cx.live.as_mut() else {
            return;
        };
        match action {
            Some(Action::Bottom) => live.following = true,
            Some(Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top)
            | None => live.following = false,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_come_from_the_samples_of_the_last_seconds() {
        let mut live = LiveState::new();
        let t0 = Instant::now();
        live.samples.push_back((t0, 0, 0));
        live.samples
            .push_back((t0 + Duration::from_secs(1), 100, 150_000));
        let (pps, bps) = live.rates();
        assert!((pps - 100.0).abs() < 1e-6 && (bps - 150_000.0).abs() < 1e-6);
        assert!(live.status().contains("100 packets/s"));
        assert!(live.status().contains("following"));
        live.following = false;
        assert!(live.status().contains("G/End follows"));
    }
}
