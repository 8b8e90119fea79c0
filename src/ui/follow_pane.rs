//! The follow pane: a TCP stream's reassembled bytes, both directions in the
//! order they were delivered (from `flow::follow`), client and server in two
//! colours, as ASCII (non-printables as `.`) or a hex dump, with gaps marked,
//! and a search (`/`, `n`, `N`).
//!
//! The lines are built by a job per open / mode change in [`FollowState`],
//! made of printable ASCII only, so drawing just slices the visible window;
//! [`FollowPane`] shows "building…" meanwhile.

use super::app::{movement, Ctx, Handled, Input, Msg};
use super::jobs::{JobKind, Output};
use super::keymap::Action;
use super::ladder_pane::side_color;
use super::packets_pane::PacketsPane;
use super::prompt::{Prompt, PromptKind};
use super::render::{block, building};
use super::time_format;
use crate::flow::follow::{follow, Chunk, Side};
use crate::flow::follow_text::{for_each_line, TextFormat};
use crate::flow::reassembly::Piece;
use crate::session::Session;
use crate::text::sanitize;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::Frame;
use std::ops::ControlFlow;

/// Bound on the lines kept for one stream (export writes everything).
pub const MAX_LINES: usize = 200_000;

pub use crate::flow::follow_text::FollowLine;

/// The follow view's state.
#[derive(Debug, Clone)]
pub struct FollowState {
    /// Index of the conversation in `Conversations::all`.
    pub conversation: u32,
    pub stream: u32,
    pub client: String,
    pub server: String,
    pub hex: bool,
    pub lines: Vec<FollowLine>,
    /// First line shown.
    pub offset: usize,
    /// The last search, lower case.
    pub query: Option<String>,
    /// Lines holding a match, and the current one (index into `matches`).
    pub matches: Vec<usize>,
    pub current: usize,
    /// Bytes per side.
    pub bytes: [u64; 2],
    /// Gaps in both directions.
    pub gaps: u32,
    /// Showing the decrypted TLS application data (`t`), not the TCP bytes.
    pub tls: bool,
    /// The stream has decrypted TLS data (the title offers `t`).
    pub tls_available: bool,
    /// A UDP stream (Follow UDP Stream): datagrams in order.
    pub udp: bool,
    /// Which directions show (`d`), as Wireshark's follow dialog offers.
    pub direction: FollowDirection,
    /// With one direction: the lines (indices) that show; `offset` counts in it.
    pub shown: Option<Vec<u32>>,
}

/// The directions the follow view shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FollowDirection {
    #[default]
    Both,
    ClientToServer,
    ServerToClient,
}

impl FollowDirection {
    pub fn next(self) -> FollowDirection {
        match self {
            FollowDirection::Both => FollowDirection::ClientToServer,
            FollowDirection::ClientToServer => FollowDirection::ServerToClient,
            FollowDirection::ServerToClient => FollowDirection::Both,
        }
    }

    /// Whether a line of `side` shows (gap notes always do).
    fn shows(self, side: Option<Side>) -> bool {
        match (self, side) {
            (FollowDirection::Both, _) | (_, None) => true,
            (FollowDirection::ClientToServer, Some(s)) => s == Side::Client,
            (FollowDirection::ServerToClient, Some(s)) => s == Side::Server,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            FollowDirection::Both => "entire conversation",
            FollowDirection::ClientToServer => "client → server only",
            FollowDirection::ServerToClient => "server → client only",
        }
    }
}

impl FollowState {
    /// Follows conversation `conversation`.
    pub fn new(trace: &Session, conversation: u32, hex: bool) -> Option<FollowState> {
        FollowState::with_mode(trace, conversation, hex, false)
    }

    /// Whether conversation `conversation` has decrypted TLS data to follow.
    pub fn has_tls(trace: &Session, conversation: u32) -> bool {
        trace
            .http_if_ready()
            .and_then(|h| h.tls.of_conversation(conversation))
            .is_some_and(|c| c.keys_found)
    }

    /// Follows conversation `conversation`: its TCP bytes, or with `tls` the
    /// decrypted TLS application data (as tshark's follow,tls), one chunk
    /// per record; `tls` without a decrypted session falls back to TCP.
    pub fn with_mode(
        trace: &Session,
        conversation: u32,
        hex: bool,
        tls: bool,
    ) -> Option<FollowState> {
        let conv = trace.conversations.get(conversation)?;
        let followed = follow(&trace.store, conv);
        let format = if hex {
            TextFormat::Hex
        } else {
            TextFormat::Ascii
        };
        let decrypted = tls
            .then(|| trace.http_if_ready())
            .flatten()
            .and_then(|h| h.tls.of_conversation(conversation))
            .filter(|c| c.keys_found);
        let c = followed.totals(Side::Client);
        let s = followed.totals(Side::Server);
        let (lines, bytes, gaps) = match decrypted {
            Some(conn) => {
                let mut offsets = [0u64; 2];
                let chunks: Vec<Chunk<'_>> = conn
                    .app_data()
                    .into_iter()
                    .map(|(dir, b)| {
                        let side = if dir == conn.client {
                            Side::Client
                        } else {
                            Side::Server
                        };
                        let o = &mut offsets[usize::from(side == Side::Server)];
                        let piece = Piece::Data {
                            packet: 0,
                            offset: *o,
                            bytes: b,
                        };
                        *o += b.len() as u64;
                        Chunk { side, piece }
                    })
                    .collect();
                // Decrypted bytes are not one packet's: no times.
                let mut lines = render_lines(&chunks, format);
                for l in &mut lines {
                    l.packet = None;
                }
                (lines, offsets, 0)
            }
            None => (
                render_lines(&followed.chunks, format),
                [c.bytes, s.bytes],
                c.gaps + s.gaps,
            ),
        };
        Some(FollowState {
            conversation,
            stream: conv.stream,
            client: sanitize(&followed.client.to_string()).into_owned(),
            server: sanitize(&followed.server.to_string()).into_owned(),
            hex,
            lines,
            offset: 0,
            query: None,
            matches: Vec::new(),
            current: 0,
            bytes,
            gaps,
            tls: decrypted.is_some(),
            tls_available: FollowState::has_tls(trace, conversation),
            direction: FollowDirection::Both,
            shown: None,
            udp: conv.protocol == crate::flow::Protocol::Udp,
        })
    }

    /// Shows only the lines of `direction` (the search keeps to them too).
    pub fn set_direction(&mut self, direction: FollowDirection) {
        let first = self.line_at(self.offset);
        self.direction = direction;
        self.shown = (direction != FollowDirection::Both).then(|| {
            self.lines
                .iter()
                .enumerate()
                .filter(|(_, l)| direction.shows(l.side))
                .map(|(i, _)| i as u32)
                .collect()
        });
        if let Some(q) = self.query.clone() {
            self.search(&q);
        }
        self.offset = self.pos_of(first);
    }

    /// How many lines show.
    pub fn shown_len(&self) -> usize {
        self.shown.as_ref().map_or(self.lines.len(), Vec::len)
    }

    /// The line shown at position `pos`.
    fn line_at(&self, pos: usize) -> usize {
        match &self.shown {
            Some(s) => s.get(pos).map_or(self.lines.len(), |&l| l as usize),
            None => pos,
        }
    }

    /// The position of line `line` among those shown (or of the next shown one).
    fn pos_of(&self, line: usize) -> usize {
        match &self.shown {
            Some(s) => s.partition_point(|&l| (l as usize) < line),
            None => line,
        }
    }

    /// The same stream with the TCP bytes and the decrypted TLS data
    /// swapped, keeping the search.
    pub fn tls_toggled(&self, trace: &Session) -> Option<FollowState> {
        let mut next = FollowState::with_mode(trace, self.conversation, self.hex, !self.tls)?;
        if let Some(q) = &self.query {
            next.search(q);
            next.offset = 0;
        }
        Some(next)
    }

    /// The same stream in the other mode (ASCII / hex), keeping the search.
    pub fn toggled(&self, trace: &Session) -> Option<FollowState> {
        let mut next = FollowState::with_mode(trace, self.conversation, !self.hex, self.tls)?;
        if let Some(q) = &self.query {
            next.search(q);
            next.offset = 0;
        }
        Some(next)
    }

    pub fn scroll_by(&mut self, delta: isize) {
        self.offset = self
            .offset
            .saturating_add_signed(delta)
            .min(self.shown_len().saturating_sub(1));
    }

    /// Finds `query` (case-insensitive); returns a status message.
    pub fn search(&mut self, query: &str) -> String {
        if query.is_empty() {
            self.query = None;
            self.matches.clear();
            return String::new();
        }
        let q = query.to_ascii_lowercase();
        self.matches = self
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                self.direction.shows(l.side) && l.text.to_ascii_lowercase().contains(&q)
            })
            .map(|(i, _)| i)
            .collect();
        self.query = Some(q);
        self.current = self
            .matches
            .iter()
            .position(|&m| m >= self.line_at(self.offset))
            .unwrap_or(0);
        self.show_current(query)
    }

    /// Moves to the next (or previous) match; returns a status message.
    pub fn next_match(&mut self, forward: bool) -> String {
        let Some(q) = self.query.clone() else {
            return "no search: / to search".into();
        };
        let n = self.matches.len();
        if n > 0 {
            self.current = if forward {
                (self.current + 1) % n
            } else {
                (self.current + n - 1) % n
            };
        }
        self.show_current(&q)
    }

    fn show_current(&mut self, query: &str) -> String {
        match self.matches.get(self.current) {
            Some(&line) => {
                self.offset = self.pos_of(line).saturating_sub(2);
                format!(
                    "match {} of {} for \"{}\"",
                    self.current + 1,
                    self.matches.len(),
                    sanitize(query)
                )
            }
            None => format!("\"{}\" not found", sanitize(query)),
        }
    }
}

/// The stream's lines (the library's follow renderer), at most [`MAX_LINES`].
fn render_lines(chunks: &[crate::flow::follow::Chunk<'_>], format: TextFormat) -> Vec<FollowLine> {
    let mut lines = Vec::new();
    for_each_line(chunks, format, |line| {
        lines.push(line);
        if lines.len() >= MAX_LINES {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    truncated(lines)
}

fn truncated(mut lines: Vec<FollowLine>) -> Vec<FollowLine> {
    if lines.len() >= MAX_LINES {
        lines.truncate(MAX_LINES);
        lines.push(FollowLine {
            side: None,
            text: format!("[only the first {MAX_LINES} lines are shown; e exports everything]"),
            packet: None,
        });
    }
    lines
}

/// `text` with every occurrence of `query` (lower case) highlighted.
fn highlighted(text: &str, query: Option<&str>, style: Style, current: bool) -> Line<'static> {
    let Some(q) = query.filter(|q| !q.is_empty()) else {
        return Line::from(Span::styled(text.to_string(), style));
    };
    let lower = text.to_ascii_lowercase();
    let mark = if current {
        Style::default().fg(Color::Black).bg(Color::LightYellow)
    } else {
        Style::default().fg(Color::Black).bg(Color::Yellow)
    };
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some(found) = lower.get(at..).and_then(|rest| rest.find(q)) {
        let start = at + found;
        let end = start + q.len();
        if let (Some(before), Some(hit)) = (text.get(at..start), text.get(start..end)) {
            spans.push(Span::styled(before.to_string(), style));
            spans.push(Span::styled(hit.to_string(), mark));
        }
        at = end;
    }
    spans.push(Span::styled(
        text.get(at..).unwrap_or("").to_string(),
        style,
    ));
    Line::from(spans)
}

/// The follow view: the state once built, and what is being built.
#[derive(Default)]
pub struct FollowPane {
    pub state: Option<FollowState>,
    /// The conversation a job is following.
    pub building: Option<u32>,
    pub area: Rect,
    /// Long lines wrapped or cut (kept from stream to stream).
    pub long: super::long_lines::LongLines,
    /// Each packet's time before its first line, in the packet list's time
    /// format (`T`), since the list showed that format; `None`: no times.
    pub times_from: Option<crate::config::TimeFormat>,
}

impl FollowPane {
    /// Follows conversation `conversation` (in a job, unless it is shown).
    pub fn open(&mut self, cx: &Ctx, conversation: u32) {
        if self.state.as_ref().map(|f| f.conversation) == Some(conversation) {
            // Another stream's job is of no use; a rebuild of this one is.
            if self.building != Some(conversation) {
                self.building = None;
                cx.jobs.cancel(JobKind::Follow);
            }
            return;
        }
        self.state = None;
        self.build(cx, conversation, false, None, 0);
    }

    /// The trace changed (the whole file after its preview): the stream is
    /// followed again in it (same mode, search and place), the old lines
    /// shown meanwhile.
    pub fn refresh(&mut self, cx: &Ctx) {
        match (&self.state, self.building) {
            (Some(s), _) => {
                let (c, hex, query, offset) = (s.conversation, s.hex, s.query.clone(), s.offset);
                self.build(cx, c, hex, query, offset);
            }
            (None, Some(c)) => self.build(cx, c, false, None, 0),
            (None, None) => {}
        }
    }

    fn build(
        &mut self,
        cx: &Ctx,
        conversation: u32,
        hex: bool,
        query: Option<String>,
        offset: usize,
    ) {
        let Some(trace) = cx.trace.clone() else {
            return;
        };
        self.building = Some(conversation);
        cx.jobs.start(JobKind::Follow, move |token| {
            if token.cancelled() {
                return None;
            }
            let mut state = FollowState::new(&trace, conversation, hex)?;
            if let Some(q) = query {
                state.search(&q);
            }
            state.offset = offset;
            Some(Output::Follow(state))
        });
    }

    pub fn install(&mut self, mut state: FollowState) {
        self.building = None;
        // The direction chosen stays when the stream is built again.
        if let Some(old) = &self.state {
            if old.conversation == state.conversation && old.direction != state.direction {
                let offset = state.offset;
                state.set_direction(old.direction);
                state.offset = offset;
            }
        }
        self.state = Some(state);
    }

    pub fn failed(&mut self) {
        self.building = None;
    }

    /// Runs a search over the lines shown; returns the status message.
    pub fn search(&mut self, query: &str) -> String {
        self.state
            .as_mut()
            .map(|f| f.search(query))
            .unwrap_or_default()
    }

    pub fn handle(&mut self, input: Input, cx: &Ctx) -> Handled {
        let page = usize::from(self.area.height.saturating_sub(3));
        let Some(state) = self.state.as_mut() else {
            return Handled::Ignored;
        };
        let action = match input {
            Input::Scroll(_, delta) => {
                state.scroll_by(delta);
                return Handled::Consumed;
            }
            Input::Click(_) => return Handled::Ignored,
            Input::Action(a) => a,
        };
        if let Some(delta) = movement(action, page) {
            state.scroll_by(delta);
            return Handled::Consumed;
        }
        if self.long.handle(action) {
            return Handled::Consumed;
        }
        match action {
            Action::Direction => {
                state.set_direction(state.direction.next());
                cx.post(Msg::Status(format!(
                    "following {}",
                    state.direction.describe()
                )));
            }
            Action::Hex => {
                let (Some(trace), current) = (cx.trace.clone(), state.clone()) else {
                    return Handled::Consumed;
                };
                self.building = Some(current.conversation);
                cx.jobs.start(JobKind::Follow, move |_| {
                    current.toggled(&trace).map(Output::Follow)
                });
            }
            Action::Tls => {
                let (Some(trace), current) = (cx.trace.clone(), state.clone()) else {
                    return Handled::Consumed;
                };
                if !FollowState::has_tls(&trace, current.conversation) {
                    cx.post(Msg::Status(
                        "no decrypted TLS in this stream (keys: --keylog)".into(),
                    ));
                    return Handled::Consumed;
                }
                self.building = Some(current.conversation);
                cx.jobs.start(JobKind::Follow, move |_| {
                    current.tls_toggled(&trace).map(Output::Follow)
                });
            }
            Action::Find => {
                let input = state.query.clone().unwrap_or_default();
                cx.post(Msg::OpenPrompt(Box::new(Prompt::new(
                    PromptKind::Search,
                    input,
                ))));
            }
            Action::NextMatch | Action::PrevMatch => {
                cx.post(Msg::Status(state.next_match(action == Action::NextMatch)));
            }
            Action::Export => {
                let (Some(trace), conversation) = (cx.trace.clone(), state.conversation) else {
                    return Handled::Consumed;
                };
                cx.jobs.start(JobKind::ExportPrepare, move |_| {
                    Some(Output::ExportPrepare(
                        super::prompt::stream_item(&trace, conversation)
                            .ok_or_else(|| "no such stream".to_string()),
                    ))
                });
            }
            _ => return Handled::Ignored,
        }
        Handled::Consumed
    }

    /// Draws the follow view into `area`: a legend line, then the stream.
    pub fn draw(&mut self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx, packets: &PacketsPane) {
        self.area = area;
        let times = match (self.times_from, &cx.trace) {
            (Some(_), Some(trace)) => Some(Times {
                packets,
                store: &trace.store,
            }),
            _ => None,
        };
        match self.state.as_mut() {
            Some(state) => draw_state(
                frame,
                area,
                state,
                self.building.is_some(),
                self.long,
                times,
            ),
            None => building(frame, area, cx, "Follow", JobKind::Follow, self.building),
        }
    }
}

/// What the follow view needs to write each packet's time.
#[derive(Clone, Copy)]
struct Times<'a> {
    packets: &'a PacketsPane,
    store: &'a crate::store::PacketStore,
}

impl Times<'_> {
    /// The time column of line `i`: the time of its packet on the first line
    /// that packet carries, blank under it, in the list's format (the
    /// previous displayed packet being the previous line's).
    fn cell(&self, lines: &[FollowLine], i: usize) -> String {
        let width = usize::from(time_format::width(self.packets.time_format));
        let packet = lines.get(i).and_then(|l| l.packet);
        let before = |i: usize| {
            lines[..i]
                .iter()
                .rev()
                .take(MAX_LOOK_BACK)
                .find_map(|l| l.packet)
        };
        match packet {
            Some(p) if before(i) != Some(p) => {
                let cell =
                    self.packets
                        .time_cell(self.store, p as usize, before(i).map(|b| b as usize));
                format!("{cell:>width$} ")
            }
            _ => " ".repeat(width + 1),
        }
    }
}

/// How far back a line's time looks for the packet before it.
const MAX_LOOK_BACK: usize = 4096;

fn draw_state(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &mut FollowState,
    switching: bool,
    long: super::long_lines::LongLines,
    times: Option<Times<'_>>,
) {
    let height = usize::from(area.height.saturating_sub(3)).max(1);
    state.offset = state.offset.min(state.shown_len().saturating_sub(height));
    let state = &*state;
    let current_line = state.matches.get(state.current).copied();
    let mut legend = vec![
        Span::styled(
            format!("client {} ({} bytes)", state.client, state.bytes[0]),
            Style::default().fg(side_color(Side::Client)),
        ),
        Span::raw(" → "),
        Span::styled(
            format!("server {} ({} bytes)", state.server, state.bytes[1]),
            Style::default().fg(side_color(Side::Server)),
        ),
    ];
    if state.gaps > 0 {
        legend.push(Span::styled(
            format!(", {} gaps", state.gaps),
            Style::default().fg(Color::Yellow),
        ));
    }
    if state.direction != FollowDirection::Both {
        legend.push(Span::styled(
            format!(" [{}; d: next]", state.direction.describe()),
            Style::default().add_modifier(Modifier::BOLD),
        ));
    }
    let mut lines = vec![Line::from(legend)];
    let width = usize::from(area.width.saturating_sub(2));
    let shown = (state.offset..state.shown_len().min(state.offset + height))
        .map(|pos| state.line_at(pos))
        .filter_map(|i| Some((i, state.lines.get(i)?)));
    lines.extend(
        long.fit(
            shown
                .map(|(i, l)| {
                    let style = match l.side {
                        Some(side) => Style::default().fg(side_color(side)),
                        None => Style::default()
                            .fg(Color::Yellow)
                            .add_modifier(Modifier::BOLD),
                    };
                    // Lines are printable ASCII already; sanitised anyway.
                    let text = sanitize(&l.text);
                    let mut line = highlighted(
                        &text,
                        state.query.as_deref(),
                        style,
                        Some(i) == current_line,
                    );
                    if let Some(t) = times {
                        line.spans.insert(
                            0,
                            Span::styled(
                                t.cell(&state.lines, i),
                                Style::default().fg(Color::DarkGray),
                            ),
                        );
                    }
                    line
                })
                .collect(),
            width,
        ),
    );
    let title = format!(
        "Follow {} stream {} ({}{}) x: {},{} /: search, e: export, {}",
        match (state.tls, state.udp) {
            (true, _) => "TLS",
            (false, true) => "UDP",
            (false, false) => "TCP",
        },
        state.stream,
        if state.hex { "hex" } else { "ASCII" },
        if switching { ", building…" } else { "" },
        if state.hex { "ASCII" } else { "hex" },
        match (state.tls_available, state.tls) {
            (false, _) => "",
            (true, false) => " t: TLS,",
            (true, true) => " t: TCP,",
        },
        long.describe(),
    );
    frame.render_widget(long.paragraph(lines).block(block(&title, true)), area);
}
