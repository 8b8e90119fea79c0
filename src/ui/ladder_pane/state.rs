//! The ladder's model as the pane shows it: the folded rows built when the
//! view opens, the unfolded rows built on the first unfold, which folds are
//! open, the selection and scroll, and the HTTP notes and journeys drawn
//! beside the arrows.

use super::annotations::{http_notes, idle_threshold};
use super::journey_strip::strip_axis;
use crate::flow::ladder::{ladder_with_tls, Fold, Row};
use crate::session::Session;
use crate::text::sanitize;
use crate::ui::app::step;
use crate::ui::keymap::Action;
use std::collections::{BTreeMap, BTreeSet};

/// The ladder view's state.
#[derive(Debug, Clone)]
pub struct LadderState {
    /// Index of the conversation in `Conversations::all`.
    pub conversation: u32,
    pub stream: u32,
    pub client: String,
    pub server: String,
    /// Client and server addresses and the first packet, to name the heads
    /// (`name (10.0.0.2:80)`) when the names toggle is on.
    pub(super) heads: (std::net::SocketAddr, std::net::SocketAddr, u32),
    folded: Vec<Row>,
    /// One row per segment, built on the first unfold.
    every: Option<Vec<Row>>,
    /// First packets of the folds shown unfolded.
    open: BTreeSet<u32>,
    /// Every fold unfolded.
    pub all: bool,
    /// The rows shown.
    pub rows: Vec<Row>,
    pub selected: usize,
    pub offset: usize,
    /// The connection's journeys (one per transaction), when the HTTP index
    /// was ready as the ladder was built: drawn as a strip above it.
    pub journeys: Vec<crate::journey::Journey>,
    /// Packets that start an HTTP message, and what the arrow says of it
    /// (`GET /js/x.js`, `200 OK, 8,894 B, 75 ms`), when the HTTP index was
    /// ready.
    pub notes: BTreeMap<u32, String>,
    /// A pause between two rows at least this long is marked idle.
    pub(super) idle_ns: i64,
}

/// The TLS handshake's packets, once the index that knows them is built.
fn tls_span(trace: &Session, conversation: u32) -> Option<(u32, u32)> {
    trace
        .http_if_ready()?
        .tls
        .of_conversation(conversation)?
        .handshake_packets()
}

impl LadderState {
    /// The ladder of conversation `conversation`, with the row of `packet`
    /// selected.
    pub fn new(trace: &Session, conversation: u32, packet: u32) -> Option<LadderState> {
        let conv = trace.conversations.get(conversation)?;
        let tls = tls_span(trace, conversation);
        let folded = ladder_with_tls(&trace.store, &trace.conversations, conv, false, tls);
        let mut state = LadderState {
            conversation,
            stream: folded.stream,
            client: sanitize(&folded.client.to_string()).into_owned(),
            server: sanitize(&folded.server.to_string()).into_owned(),
            heads: (folded.client, folded.server, conv.first_packet),
            folded: folded.rows,
            every: None,
            open: BTreeSet::new(),
            all: false,
            rows: Vec::new(),
            selected: 0,
            offset: 0,
            journeys: trace
                .http_if_ready()
                .map(|http| {
                    crate::journey::journeys_of(trace.trace(), http, trace.names(), conversation)
                })
                .unwrap_or_default(),
            notes: http_notes(trace, conversation),
            idle_ns: i64::MAX,
        };
        state.rebuild();
        state.select_packet(packet);
        Some(state)
    }

    /// The rows with every run unfolded (a job builds them: see
    /// [`LadderState::has_every`]).
    pub fn every(trace: &Session, conversation: u32) -> Option<Vec<Row>> {
        let conv = trace.conversations.get(conversation)?;
        let tls = tls_span(trace, conversation);
        Some(ladder_with_tls(&trace.store, &trace.conversations, conv, true, tls).rows)
    }

    /// Whether the unfolded rows are here (unfolding needs them).
    pub fn has_every(&self) -> bool {
        self.every.is_some()
    }

    /// Whether `action` would unfold something (then it needs the unfolded rows).
    pub fn unfolds(&self, action: Action) -> bool {
        match action {
            Action::ToggleAll => !self.all,
            _ => matches!(self.rows.get(self.selected), Some(Row::Fold(_))),
        }
    }

    /// Takes the unfolded rows a job built.
    pub fn set_every(&mut self, rows: Vec<Row>) {
        self.every = Some(rows);
    }

    fn rebuild(&mut self) {
        self.rebuild_rows();
        self.idle_ns = idle_threshold(&self.rows);
    }

    /// The journey phases of the connection by their first packet: (first
    /// packet, name, duration).
    fn phase_starts(&self) -> Vec<(u32, &'static str, i64)> {
        let mut v: Vec<_> = self
            .journeys
            .iter()
            .flat_map(|j| j.phases())
            .map(|(k, s)| (s.first, k.name(), s.duration_ns()))
            .collect();
        v.sort_by_key(|p| p.0);
        v.dedup_by_key(|p| p.0);
        v
    }

    /// Selects the first packet of the next (`forward`) or previous journey
    /// phase from the selected row; the packet and what it starts, if any.
    pub fn jump_phase(&mut self, forward: bool) -> Option<(u32, String)> {
        let here = self.packet_of(self.selected).unwrap_or(0);
        let phases = self.phase_starts();
        let target = if forward {
            phases.into_iter().find(|p| p.0 > here)
        } else {
            phases.into_iter().rev().find(|p| p.0 < here)
        }?;
        self.select_packet(target.0);
        Some((
            target.0,
            format!(
                "{} phase: frame {}, {}",
                target.1,
                target.0 + 1,
                crate::journey::format_duration(target.2)
            ),
        ))
    }

    /// The phase drawn in column `x` of a strip bar `width` cells wide: its
    /// first packet (the latest-starting phase wins where bars overlap).
    pub(super) fn phase_at(&self, x: usize, width: usize) -> Option<(u32, String)> {
        let axis = strip_axis(&self.journeys);
        let mut hit = None;
        for j in &self.journeys {
            for (kind, s) in j.phases() {
                let (from, to) = axis.cells(s.start_ns, s.end_ns, width);
                if (from..to.max(from + 1)).contains(&x) {
                    hit = Some((s.first, kind.name(), s.duration_ns()));
                }
            }
        }
        let (first, name, ns) = hit?;
        Some((
            first,
            format!(
                "{name} phase: frame {}, {}",
                first + 1,
                crate::journey::format_duration(ns)
            ),
        ))
    }

    /// The note of a row: the first HTTP message starting in it.
    pub(super) fn note_of(&self, row: &Row) -> Option<&str> {
        let (first, last) = match row {
            Row::Segment(s) => (s.packet, s.packet),
            Row::Fold(f) => (f.first_packet, f.last_packet),
            Row::Phase(_) => return None,
        };
        self.notes
            .range(first..=last)
            .next()
            .map(|(_, n)| n.as_str())
    }

    fn rebuild_rows(&mut self) {
        let every = match &self.every {
            Some(every) => every,
            None => {
                self.rows = self.folded.clone();
                return;
            }
        };
        if self.all {
            self.rows = every.clone();
            return;
        }
        let mut rows = Vec::with_capacity(self.folded.len());
        for row in &self.folded {
            match row {
                Row::Fold(f) if self.open.contains(&f.first_packet) => {
                    rows.extend(every.iter().filter(|r| in_fold(r, f)).cloned());
                }
                r => rows.push(r.clone()),
            }
        }
        self.rows = rows;
    }

    /// Selects the row showing `packet` (a segment, or the fold holding it).
    pub fn select_packet(&mut self, packet: u32) {
        if let Some(i) = self.rows.iter().position(|r| match r {
            Row::Segment(s) => s.packet == packet,
            Row::Fold(f) => (f.first_packet..=f.last_packet).contains(&packet),
            Row::Phase(_) => false,
        }) {
            self.selected = i;
        }
    }

    /// The packet a row stands for.
    pub(super) fn packet_of(&self, row: usize) -> Option<u32> {
        match self.rows.get(row)? {
            Row::Segment(s) => Some(s.packet),
            Row::Fold(f) => Some(f.first_packet),
            Row::Phase(_) => None,
        }
    }

    /// Moves the selection; returns the packet now selected, if any.
    pub fn move_by(&mut self, delta: isize) -> Option<u32> {
        self.selected = step(self.selected, delta, self.rows.len());
        self.packet_of(self.selected)
    }

    /// Selects the `row`-th visible row (a click).
    pub fn click(&mut self, row: usize) -> Option<u32> {
        let target = self.offset + row;
        if target >= self.rows.len() {
            return None;
        }
        self.selected = target;
        self.packet_of(target)
    }

    /// Unfolds the selected fold, or folds the run the selected segment
    /// belongs to.
    pub fn toggle_selected(&mut self) {
        let key = match self.rows.get(self.selected) {
            Some(Row::Fold(f)) => Some(f.first_packet),
            Some(Row::Segment(s)) => self.folded.iter().find_map(|r| match r {
                Row::Fold(f)
                    if (f.first_packet..=f.last_packet).contains(&s.packet)
                        && self.open.contains(&f.first_packet) =>
                {
                    Some(f.first_packet)
                }
                _ => None,
            }),
            _ => None,
        };
        let Some(key) = key else { return };
        let packet = self.packet_of(self.selected);
        if self.all {
            // Leaving "all": keep every other fold open.
            self.all = false;
            self.open = self.fold_keys().collect();
        }
        if !self.open.remove(&key) {
            self.open.insert(key);
        }
        self.rebuild();
        if let Some(p) = packet {
            self.select_packet(p);
        }
    }

    /// Unfolds every fold, or folds them all back.
    pub fn toggle_all(&mut self) {
        let packet = self.packet_of(self.selected);
        self.all = !self.all;
        self.open.clear();
        self.rebuild();
        if let Some(p) = packet {
            self.select_packet(p);
        }
    }

    fn fold_keys(&self) -> impl Iterator<Item = u32> + '_ {
        self.folded.iter().filter_map(|r| match r {
            Row::Fold(f) => Some(f.first_packet),
            _ => None,
        })
    }
}

/// Whether an unfolded row belongs to fold `f` (same range of packets).
fn in_fold(row: &Row, f: &Fold) -> bool {
    match row {
        Row::Segment(s) => (f.first_packet..=f.last_packet).contains(&s.packet),
        _ => false,
    }
}
