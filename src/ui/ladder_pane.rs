//! The ladder pane: one TCP connection as a sequence diagram, client lifeline
//! on the left, server on the right, one arrow per segment with its flags,
//! relative Seq/Ack, Len, Win and analysis labels, phase labels across, and
//! runs of data folded into one row that Enter/Space unfolds.
//!
//! The model is the library's [`crate::flow::ladder::Ladder`], built folded
//! when the view opens and unfolded on the first unfold; [`LadderState`]
//! merges the two according to which folds are open. Drawing formats the visible rows only.

use super::app::{scroll_into_view, step, App};
use super::render::block;
use crate::flow::follow::Side;
use crate::flow::ladder::{ladder_with_tls, Fold, Row};
use crate::session::Session;
use crate::text::sanitize;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use std::collections::BTreeSet;

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
        let folded = ladder_with_tls(
            &trace.store,
            &trace.conversations,
            conv,
            false,
            tls_span(trace, conversation),
        );
        let mut state = LadderState {
            conversation,
            stream: folded.stream,
            client: sanitize(&folded.client.to_string()).into_owned(),
            server: sanitize(&folded.server.to_string()).into_owned(),
            folded: folded.rows,
            every: None,
            open: BTreeSet::new(),
            all: false,
            rows: Vec::new(),
            selected: 0,
            offset: 0,
        };
        state.rebuild(trace);
        state.select_packet(packet);
        Some(state)
    }

    fn rebuild(&mut self, trace: &Session) {
        let every = match &self.every {
            Some(every) => every,
            None if !self.all && self.open.is_empty() => {
                self.rows = self.folded.clone();
                return;
            }
            None => {
                let Some(conv) = trace.conversations.get(self.conversation) else {
                    return;
                };
                let tls = tls_span(trace, self.conversation);
                self.every.insert(
                    ladder_with_tls(&trace.store, &trace.conversations, conv, true, tls).rows,
                )
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
    pub fn toggle_selected(&mut self, trace: &Session) {
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
        self.rebuild(trace);
        if let Some(p) = packet {
            self.select_packet(p);
        }
    }

    /// Unfolds every fold, or folds them all back.
    pub fn toggle_all(&mut self, trace: &Session) {
        let packet = self.packet_of(self.selected);
        self.all = !self.all;
        self.open.clear();
        self.rebuild(trace);
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

fn secs(ns: i64) -> String {
    crate::text::seconds(ns)
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

const MARGIN: usize = 16;

/// One row of the diagram as a line `width` columns wide.
fn row_line(row: &Row, width: usize, selected: bool) -> Line<'static> {
    let gap = width.saturating_sub(MARGIN + 3).max(8);
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
            let left = format!("{:>9} {:>5}", secs(s.time_ns), s.packet + 1);
            let label = sanitize(&s.label()).into_owned();
            let mut style = Style::default().fg(side_color(s.from));
            if !s.analysis.is_empty() {
                style = style.add_modifier(Modifier::BOLD);
            }
            (left, arrow(&label, gap, s.from, '─'), style)
        }
        Row::Fold(f) => {
            let left = format!("{:>9} {:>5}", secs(f.start_ns), f.first_packet + 1);
            let label = format!("▸ {}", f.label());
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
    Line::from(vec![
        Span::raw(format!("{left:<MARGIN$}│")),
        Span::styled(mid, style),
        Span::raw("│"),
    ])
}

/// Draws the ladder view into `area`.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
    app.areas.ladder = area;
    let Some(state) = app.ladder.as_mut() else {
        return;
    };
    let height = usize::from(area.height.saturating_sub(3)).max(1);
    scroll_into_view(&mut state.offset, state.selected, height);
    let state = &*state;
    let width = usize::from(area.width.saturating_sub(2));
    let gap = width.saturating_sub(MARGIN + 3).max(8);
    let names = format!(
        "{:<w$}{}",
        state.client,
        state.server,
        w = (gap + 2).saturating_sub(state.server.chars().count())
    );
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!("{:>9} {:>5} ", "time", "frame"),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::styled(names, Style::default().add_modifier(Modifier::BOLD)),
    ])];
    lines.extend(
        state
            .rows
            .iter()
            .enumerate()
            .skip(state.offset)
            .take(height)
            .map(|(i, r)| row_line(r, width, i == state.selected)),
    );
    let title = format!(
        "Ladder: TCP stream {}{} (Enter/Space: fold, a: all, Esc: back)",
        state.stream,
        if state.all { ", unfolded" } else { "" }
    );
    frame.render_widget(Paragraph::new(lines).block(block(&title, true)), area);
}
