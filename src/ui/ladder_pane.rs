//! The ladder pane: one TCP connection as a sequence diagram, client lifeline
//! on the left, server on the right, one arrow per segment with its flags,
//! relative Seq/Ack, Len, Win and analysis labels, phase labels across, and
//! runs of data folded into one row that Enter/Space unfolds.
//!
//! The model is the library's [`crate::flow::ladder::Ladder`], built folded
//! by a job when the view opens and unfolded by another job on the first
//! unfold; [`LadderState`] merges the two according to which folds are open.
//! [`LadderPane`] shows "building…" meanwhile. Drawing formats the visible rows only.
//! Times are written in the packet list's time display format (`T`) and
//! count from its time references, as Wireshark's Flow Graph does.
//! Beside this file: `ladder_pane/annotations.rs` (HTTP labels and idle
//! pauses) and `ladder_pane/journey_strip.rs` (the phases above the ladder).

mod annotations;
mod journey_strip;

use super::app::{movement, row_in, scroll_into_view, step, Ctx, Handled, Input, Msg};
use super::jobs::{JobKind, Output};
use super::keymap::Action;
use super::packets_pane::PacketsPane;
use super::render::{self, block};
use super::time_format;
use crate::flow::follow::Side;
use crate::flow::ladder::{ladder_with_tls, Fold, Row};
use crate::session::Session;
use crate::text::sanitize;
use annotations::{http_notes, idle_threshold, pauses};
use journey_strip::{draw_journey, journey_strip_height, strip_axis};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use std::collections::{BTreeMap, BTreeSet};

/// Colour of what the client sends (also in Follow).
pub const CLIENT: Color = Color::LightRed;
/// Colour of what the server sends (also in Follow).
pub const SERVER: Color = Color::LightBlue;

/// The colour of a side.
pub fn side_color(side: Side) -> Color {
    match side {
        Side::Client => CLIENT,
        Side::Server => SERVER,
    }
}

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
    heads: (std::net::SocketAddr, std::net::SocketAddr, u32),
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
    idle_ns: i64,
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
    fn phase_at(&self, x: usize, width: usize) -> Option<(u32, String)> {
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
    fn note_of(&self, row: &Row) -> Option<&str> {
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
    fn packet_of(&self, row: usize) -> Option<u32> {
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

/// An arrow `gap` columns wide with `label` in its middle.
fn arrow(label: &str, gap: usize, from: Side, fill: char) -> String {
    let inner = gap.saturating_sub(1);
    let label = crate::text::truncate_chars(label, inner.saturating_sub(4));
    let used = label.chars().count() + 2;
    let left = inner.saturating_sub(used) / 2;
    let right = inner.saturating_sub(used + left);
    let body = format!(
        "{} {label} {}",
        fill.to_string().repeat(left),
        fill.to_string().repeat(right)
    );
    match from {
        Side::Client => format!("{body}>"),
        Side::Server => format!("<{body}"),
    }
}

/// The narrowest time column (the relative formats' `123.456789`).
const TIME_WIDTH: usize = 9;

/// The time column's width for the list's time format.
fn time_width(packets: &PacketsPane) -> usize {
    TIME_WIDTH.max(usize::from(time_format::width(packets.time_format)))
}

/// Columns left of the client's lifeline: time, frame number, padding.
fn margin(time_width: usize) -> usize {
    time_width + 7
}

/// The first and last packet a row shows (none for a phase label).
fn row_packets(row: &Row) -> Option<(u32, u32)> {
    match row {
        Row::Segment(s) => Some((s.packet, s.packet)),
        Row::Fold(f) => Some((f.first_packet, f.last_packet)),
        Row::Phase(_) => None,
    }
}

/// The time cell of every row from `from` on (`count` of them), as the
/// packet list writes its first packet: "previous displayed" is the last
/// packet of the row above.
fn time_cells(
    rows: &[Row],
    from: usize,
    count: usize,
    packets: &PacketsPane,
    trace: Option<&Session>,
) -> Vec<String> {
    let Some(trace) = trace else {
        return vec![String::new(); count.min(rows.len().saturating_sub(from))];
    };
    let mut previous = rows[..from.min(rows.len())]
        .iter()
        .rev()
        .find_map(row_packets)
        .map(|(_, last)| last as usize);
    rows.iter()
        .skip(from)
        .take(count)
        .map(|r| match row_packets(r) {
            Some((first, last)) => {
                let cell = packets.time_cell(&trace.store, first as usize, previous);
                previous = Some(last as usize);
                cell
            }
            None => String::new(),
        })
        .collect()
}

/// One row of the diagram as a line `width` columns wide, with its time
/// cell (`time`, `time_width` wide), the HTTP message it starts (`note`)
/// and the idle pause before it (`idle`).
fn row_line(
    row: &Row,
    width: usize,
    (time, time_width): (&str, usize),
    selected: bool,
    note: Option<&str>,
    idle: Option<i64>,
) -> Line<'static> {
    let margin = margin(time_width);
    let gap = width.saturating_sub(margin + 3).max(8);
    let mut prefix = String::new();
    if let Some(ns) = idle {
        prefix.push_str(&format!(
            "⋯ {} idle · ",
            crate::journey::format_duration(ns)
        ));
    }
    if let Some(n) = note {
        prefix.push_str(&sanitize(n));
        prefix.push_str(" · ");
    }
    let (left, mid, style) = match row {
        Row::Phase(p) => {
            let label = format!(" {} ", p.label());
            let mid = format!("{label:┄^gap$}");
            let style = Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD);
            (String::new(), mid, style)
        }
        Row::Segment(s) => {
            let left = format!("{time:>time_width$} {:>5}", s.packet + 1);
            let label = format!("{prefix}{}", sanitize(&s.label()));
            let mut style = Style::default().fg(side_color(s.from));
            if !s.analysis.is_empty() {
                style = style.add_modifier(Modifier::BOLD);
            }
            (left, arrow(&label, gap, s.from, '─'), style)
        }
        Row::Fold(f) => {
            let left = format!("{time:>time_width$} {:>5}", f.first_packet + 1);
            let label = format!("▸ {prefix}{}", f.label());
            let style = Style::default()
                .fg(side_color(f.from))
                .add_modifier(Modifier::BOLD);
            (left, arrow(&label, gap, f.from, '═'), style)
        }
    };
    let mut style = style;
    if selected {
        style = style.add_modifier(Modifier::REVERSED);
    }
    // An idle pause also shows on the time axis: a dotted rail.
    let rail = if idle.is_some() { "┊" } else { "│" };
    Line::from(vec![
        Span::raw(format!("{left:<margin$}{rail}")),
        Span::styled(mid, style),
        Span::raw("│"),
    ])
}

/// The ladder view: the state once built, and what is being built.
#[derive(Default)]
pub struct LadderPane {
    pub state: Option<LadderState>,
    /// The conversation whose ladder a job is building.
    pub building: Option<u32>,
    /// An unfold waiting for the unfolded rows.
    waiting: Option<Action>,
    pub area: Rect,
    /// Where the journey strip was drawn (a click on its bar selects the
    /// phase under it); empty without a strip.
    strip: Rect,
    /// Where the ladder itself was drawn (below the strip).
    rows_area: Rect,
}

impl LadderPane {
    /// Shows conversation `conversation`'s ladder with `packet` selected,
    /// building it in a job unless it is the one shown.
    pub fn open(&mut self, cx: &Ctx, conversation: u32, packet: u32) {
        if let Some(s) = self
            .state
            .as_mut()
            .filter(|s| s.conversation == conversation)
        {
            s.select_packet(packet);
            // Another stream's job is of no use; a rebuild of this one is.
            if self.building != Some(conversation) {
                self.building = None;
                cx.jobs.cancel(JobKind::Ladder);
            }
            return;
        }
        self.state = None;
        self.build(cx, conversation, packet);
    }

    /// The trace changed (the whole file after its preview): the ladder is
    /// built again from it, the old one shown meanwhile.
    pub fn refresh(&mut self, cx: &Ctx, packet: u32) {
        let shown = self.state.as_ref().map(|s| s.conversation);
        if let Some(conversation) = self.building.or(shown) {
            self.build(cx, conversation, packet);
        }
    }

    fn build(&mut self, cx: &Ctx, conversation: u32, packet: u32) {
        let Some(trace) = cx.trace.clone() else {
            return;
        };
        self.waiting = None;
        self.building = Some(conversation);
        cx.jobs.cancel(JobKind::LadderUnfold);
        cx.jobs.start(JobKind::Ladder, move |token| {
            // Superseded before it could start (keys faster than the CPU).
            if token.cancelled() {
                return None;
            }
            LadderState::new(&trace, conversation, packet).map(Output::Ladder)
        });
    }

    pub fn install(&mut self, state: LadderState) {
        self.building = None;
        self.state = Some(state);
    }

    /// The unfolded rows of `conversation` arrived: the waiting unfold happens.
    pub fn unfolded(&mut self, cx: &Ctx, conversation: u32, rows: Vec<Row>) {
        let Some(state) = self
            .state
            .as_mut()
            .filter(|s| s.conversation == conversation)
        else {
            return;
        };
        state.set_every(rows);
        if let Some(action) = self.waiting.take() {
            self.apply(cx, action);
        }
    }

    pub fn failed(&mut self) {
        self.building = None;
        self.waiting = None;
    }

    fn apply(&mut self, cx: &Ctx, action: Action) {
        let Some(state) = self.state.as_mut() else {
            return;
        };
        if !state.has_every() && state.unfolds(action) {
            let Some(trace) = cx.trace.clone() else {
                return;
            };
            let conversation = state.conversation;
            self.waiting = Some(action);
            cx.jobs.start(JobKind::LadderUnfold, move |_| {
                LadderState::every(&trace, conversation)
                    .map(|rows| Output::LadderUnfold(conversation, rows))
            });
            return;
        }
        match action {
            Action::ToggleAll => state.toggle_all(),
            _ => state.toggle_selected(),
        }
    }

    pub fn handle(&mut self, input: Input, cx: &Ctx) -> Handled {
        let page = usize::from(self.area.height.saturating_sub(3));
        let rows_area = self.ladder_area();
        let Some(state) = self.state.as_mut() else {
            return Handled::Ignored;
        };
        let packet = match input {
            Input::Action(action) => {
                if let Some(delta) = movement(action, page) {
                    state.move_by(delta)
                } else {
                    match action {
                        Action::Activate | Action::Toggle | Action::ToggleAll => {
                            self.apply(cx, action);
                            return Handled::Consumed;
                        }
                        Action::NextMatch | Action::PrevMatch => {
                            let jumped = state.jump_phase(action == Action::NextMatch);
                            let Some((p, what)) = jumped else {
                                cx.post(Msg::Status("no further journey phase".into()));
                                return Handled::Consumed;
                            };
                            cx.post(Msg::Status(what));
                            Some(p)
                        }
                        _ => return Handled::Ignored,
                    }
                }
            }
            Input::Scroll(_, delta) => state.move_by(delta),
            Input::Click(at) if self.strip.contains(at) => {
                // The bar is the strip's first line inside its border.
                let width = usize::from(self.strip.width.saturating_sub(2));
                let x = usize::from(at.x.saturating_sub(self.strip.x + 1));
                if at.y != self.strip.y + 1 {
                    return Handled::Consumed;
                }
                let Some((p, what)) = state.phase_at(x, width) else {
                    return Handled::Consumed;
                };
                state.select_packet(p);
                cx.post(Msg::Status(what));
                Some(p)
            }
            Input::Click(at) => match row_in(rows_area, 1, at) {
                Some(r) => state.click(r),
                None => return Handled::Ignored,
            },
        };
        if let Some(p) = packet {
            cx.post(Msg::SelectPacket(p as usize));
        }
        Handled::Consumed
    }

    /// Draws the ladder view into `area`.
    /// Times are written as the packet list (`packets`) writes them.
    pub fn draw(&mut self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx, packets: &PacketsPane) {
        self.area = area;
        let Some(state) = self.state.as_mut() else {
            render::building(frame, area, cx, "Ladder", JobKind::Ladder, self.building);
            return;
        };
        let note = if self.waiting.is_some() {
            ", unfolding…"
        } else if self.building.is_some() {
            ", rebuilding…"
        } else {
            ""
        };
        self.strip = Rect::default();
        let area = match journey_strip_height(state, area) {
            0 => area,
            h => {
                let [top, rest] =
                    Layout::vertical([Constraint::Length(h), Constraint::Min(3)]).areas(area);
                draw_journey(frame, top, state);
                self.strip = top;
                rest
            }
        };
        self.rows_area = area;
        draw_state(frame, area, state, note, (packets, cx.trace()));
    }

    /// Where the ladder's rows are (the pane without the journey strip).
    pub fn ladder_area(&self) -> Rect {
        if self.rows_area.is_empty() {
            self.area
        } else {
            self.rows_area
        }
    }
}

fn draw_state(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &mut LadderState,
    note: &str,
    (packets, trace): (&PacketsPane, Option<&Session>),
) {
    let height = usize::from(area.height.saturating_sub(3)).max(1);
    scroll_into_view(&mut state.offset, state.selected, height);
    let state = &*state;
    let width = usize::from(area.width.saturating_sub(2));
    let tw = time_width(packets);
    let gap = width.saturating_sub(margin(tw) + 3).max(8);
    let named = packets.names.then(|| trace?.names_if_ready()).flatten();
    let (client, server) = match named {
        Some(names) => {
            let (c, s, at) = state.heads;
            (
                crate::journey::named::named_endpoint(c, Some(names), at),
                crate::journey::named::named_endpoint(s, Some(names), at),
            )
        }
        None => (state.client.clone(), state.server.clone()),
    };
    let names = format!(
        "{:<w$}{}",
        client,
        server,
        w = (gap + 2).saturating_sub(server.chars().count())
    );
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!("{:>tw$} {:>5} ", "time", "frame"),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::styled(names, Style::default().add_modifier(Modifier::BOLD)),
    ])];
    let pauses = pauses(&state.rows);
    let times = time_cells(&state.rows, state.offset, height, packets, trace);
    lines.extend(
        state
            .rows
            .iter()
            .enumerate()
            .skip(state.offset)
            .take(height)
            .zip(&times)
            .map(|((i, r), time)| {
                let idle = pauses.get(i).copied().filter(|&p| p >= state.idle_ns);
                let selected = i == state.selected;
                row_line(r, width, (time, tw), selected, state.note_of(r), idle)
            }),
    );
    let title = format!(
        "Ladder: TCP stream {}{} (Enter/Space: fold, a: all, Esc: back)",
        state.stream,
        if !note.is_empty() {
            note
        } else if state.all {
            ", unfolded"
        } else {
            ""
        }
    );
    frame.render_widget(Paragraph::new(lines).block(block(&title, true)), area);
}
