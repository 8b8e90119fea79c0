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
use crate::flow::follow::Side;
use crate::text::sanitize;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::Frame;
mod state;

pub use state::{FollowDirection, FollowLine, FollowState, MAX_LINES};

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
