//! The HTTP pane: a TCP stream's transactions (method, URI, status, type,
//! sizes) from the session's `HttpIndex`, and for the selected one the request
//! and response heads and decoded bodies: text (JSON pretty-printed), a hex
//! dump for binary, sizes and encodings shown, partial bodies flagged.
//! JSON is re-indented keeping its key order (serde_json only validates it).
//!
//! The transactions are found, and the message lines built (bodies decoded,
//! bounded), by jobs: when the view opens and when the selection moves, so
//! drawing only slices them; [`HttpPane`] shows "building…" meanwhile.

use super::app::{movement, row_in, scroll_into_view, step, Ctx, Handled, Input, Msg};
use super::jobs::{JobKind, Output};
use super::keymap::Action;
use super::render::{block, building};
use crate::http::media::{self, MediaKind};
use crate::http::parse::{Framing, Head, StartLine};
use crate::http::{HttpIndex, Message, Transaction};
use crate::session::Session;
use crate::text::{ascii_or_dot, sanitize};
use ratatui::layout::Position;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Row, Table};
use ratatui::Frame;
use std::sync::Arc;

mod message_text;
pub use message_text::{message, pretty_json, DISPLAY_DECODE_LIMIT, MAX_BODY_LINES};
use message_text::{size, uri};

/// Which half of the HTTP view has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpFocus {
    List,
    Message,
}

/// The HTTP view's state.
#[derive(Debug, Clone)]
pub struct HttpState {
    /// Index of the conversation in `Conversations::all`.
    pub conversation: u32,
    pub stream: u32,
    /// Indices into `HttpIndex::transactions` of this stream's transactions.
    pub transactions: Vec<usize>,
    pub selected: usize,
    pub list_offset: usize,
    /// The messages of a transaction, ready to draw.
    pub message: Vec<Line<'static>>,
    /// The transaction `message` shows (the selected one, once its job is done).
    pub message_of: Option<usize>,
    pub message_offset: usize,
    pub focus: HttpFocus,
}

impl HttpState {
    /// The transactions of conversation `conversation`, with the one holding
    /// `packet` selected and its messages built (a job's work: the trace's
    /// HTTP index is built first if it is not yet).
    pub fn new(trace: &Session, conversation: u32, packet: u32) -> Option<HttpState> {
        let conv = trace.conversations.get(conversation)?;
        let http = trace.http();
        let transactions = http
            .transactions
            .iter()
            .enumerate()
            .filter(|(_, t)| t.conversation == conversation)
            .map(|(i, _)| i)
            .collect();
        let mut state = HttpState {
            conversation,
            stream: conv.stream,
            transactions,
            selected: 0,
            list_offset: 0,
            message: Vec::new(),
            message_of: None,
            message_offset: 0,
            focus: HttpFocus::List,
        };
        state.select_packet(http, packet);
        state.message = message(trace, state.current());
        state.message_of = state.current();
        Some(state)
    }

    /// Index in `HttpIndex::transactions` of the selected transaction.
    pub fn current(&self) -> Option<usize> {
        self.transactions.get(self.selected).copied()
    }

    /// Whether the messages shown are the selected transaction's.
    pub fn message_ready(&self) -> bool {
        self.message_of == self.current()
    }

    /// The first packet of the selected transaction (of its request, else
    /// its response), which the packet list then selects.
    pub fn first_packet(&self, http: &HttpIndex) -> Option<u32> {
        let t = http.transactions.get(self.current()?)?;
        t.request
            .as_ref()
            .or(t.response.as_ref())
            .map(|m| m.first_packet)
    }

    /// Selects the transaction one of whose messages `packet` carries.
    pub fn select_packet(&mut self, http: &HttpIndex, packet: u32) {
        let all = &http.transactions;
        if let Some(i) = self.transactions.iter().position(|&t| {
            all.get(t).is_some_and(|t| {
                [t.request.as_ref(), t.response.as_ref()]
                    .into_iter()
                    .flatten()
                    .any(|m| (m.first_packet..=m.last_packet).contains(&packet))
            })
        }) {
            self.selected = i;
        }
    }

    /// Moves the selection (list focused) or scrolls the messages.
    pub fn move_by(&mut self, delta: isize) {
        match self.focus {
            HttpFocus::List => self.selected = step(self.selected, delta, self.transactions.len()),
            HttpFocus::Message => {
                self.message_offset = self
                    .message_offset
                    .saturating_add_signed(delta)
                    .min(self.message.len().saturating_sub(1));
            }
        }
    }

    /// Selects the `row`-th visible transaction (a click).
    pub fn click(&mut self, row: usize) {
        let target = self.list_offset + row;
        if target < self.transactions.len() {
            self.selected = target;
        }
    }
}

/// Where the two halves were laid out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Areas {
    pub list: Rect,
    pub message: Rect,
}

/// The HTTP view: the state once built, and what is being built.
#[derive(Default)]
pub struct HttpPane {
    pub state: Option<HttpState>,
    /// The session `state` was built from: its HTTP index numbers the
    /// transactions (a preview's differs from the whole file's).
    session: Option<Arc<Session>>,
    /// The conversation a job is looking at.
    pub building: Option<u32>,
    pub areas: Areas,
    /// The message's long lines wrapped or cut.
    pub long: super::long_lines::LongLines,
}

impl HttpPane {
    /// Shows conversation `conversation`'s transactions with `packet`'s
    /// selected (the transactions found by a job, unless they are shown).
    pub fn open(&mut self, cx: &Ctx, conversation: u32, packet: u32) {
        let http = self.session.clone();
        if let (Some(s), Some(http)) = (
            self.state
                .as_mut()
                .filter(|s| s.conversation == conversation),
            http.as_deref().and_then(|s| s.http_if_ready()),
        ) {
            s.select_packet(http, packet);
            // Another stream's job is of no use; a rebuild of this one is.
            if self.building != Some(conversation) {
                self.building = None;
                cx.jobs.cancel(JobKind::Http);
            }
            self.load_body(cx);
            return;
        }
        self.state = None;
        self.session = None;
        cx.jobs.cancel(JobKind::Body);
        self.build(cx, conversation, packet);
    }

    /// The trace changed (the whole file after its preview): the
    /// transactions are found again in it, the old ones shown meanwhile.
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
        self.building = Some(conversation);
        cx.jobs.start(JobKind::Http, move |token| {
            if token.cancelled() {
                return None;
            }
            let state = HttpState::new(&trace, conversation, packet)?;
            Some(Output::Http(state, trace))
        });
    }

    pub fn install(&mut self, cx: &Ctx, state: HttpState, session: Arc<Session>) {
        self.building = None;
        self.state = Some(state);
        self.session = Some(session);
        self.load_body(cx);
    }

    /// The HTTP index the transactions shown come from.
    fn index(&self) -> Option<&HttpIndex> {
        self.session.as_deref()?.http_if_ready()
    }

    /// The messages of `transaction` arrived.
    pub fn body(&mut self, transaction: usize, lines: Vec<Line<'static>>) {
        if let Some(s) = self
            .state
            .as_mut()
            .filter(|s| s.current() == Some(transaction))
        {
            s.message = lines;
            s.message_of = Some(transaction);
            s.message_offset = 0;
        }
    }

    pub fn failed(&mut self) {
        self.building = None;
    }

    /// Builds the selected transaction's messages in a job unless shown.
    fn load_body(&mut self, cx: &Ctx) {
        let Some(s) = self.state.as_ref().filter(|s| !s.message_ready()) else {
            cx.jobs.cancel(JobKind::Body);
            return;
        };
        let (Some(trace), Some(index)) = (self.session.clone(), s.current()) else {
            return;
        };
        cx.jobs.start(JobKind::Body, move |token| {
            // Superseded before it could start (the selection moved on).
            if token.cancelled() {
                return None;
            }
            let lines = message(&trace, Some(index));
            Some(Output::Body(index, lines))
        });
    }

    /// After the selection moved: the packet list follows, the body loads.
    fn selection_moved(&mut self, cx: &Ctx) {
        if let (Some(s), Some(http)) = (self.state.as_ref(), self.index()) {
            if let Some(p) = s.first_packet(http) {
                cx.post(Msg::SelectPacket(p as usize));
            }
        }
        self.load_body(cx);
    }

    fn focus_at(&mut self, at: Position) {
        if let Some(s) = self.state.as_mut() {
            if self.areas.list.contains(at) {
                s.focus = HttpFocus::List;
            } else if self.areas.message.contains(at) {
                s.focus = HttpFocus::Message;
            }
        }
    }

    pub fn handle(&mut self, input: Input, cx: &Ctx) -> Handled {
        let Some(state) = self.state.as_mut() else {
            return Handled::Ignored;
        };
        let page = match state.focus {
            HttpFocus::List => self.areas.list,
            HttpFocus::Message => self.areas.message,
        };
        let page = usize::from(page.height.saturating_sub(3));
        match input {
            Input::Action(action) => {
                if let Some(delta) = movement(action, page) {
                    state.move_by(delta);
                    self.selection_moved(cx);
                    return Handled::Consumed;
                }
                match action {
                    Action::NextPane | Action::PrevPane => {
                        state.focus = match state.focus {
                            HttpFocus::List => HttpFocus::Message,
                            HttpFocus::Message => HttpFocus::List,
                        }
                    }
                    Action::Export => self.export(cx),
                    _ if self.long.handle(action) => {}
                    _ => return Handled::Ignored,
                }
            }
            Input::Scroll(at, delta) => {
                self.focus_at(at);
                if let Some(s) = self.state.as_mut() {
                    s.move_by(delta);
                }
                self.selection_moved(cx);
            }
            Input::Click(at) => {
                self.focus_at(at);
                if let (Some(r), Some(s)) = (row_in(self.areas.list, 1, at), self.state.as_mut()) {
                    s.click(r);
                    self.selection_moved(cx);
                }
            }
        }
        Handled::Consumed
    }

    /// Prepares the export of the selected transaction's body (decoded in a job).
    fn export(&self, cx: &Ctx) {
        let (Some(trace), Some(index)) = (
            self.session.clone(),
            self.state.as_ref().and_then(|s| s.current()),
        ) else {
            cx.post(Msg::Status(
                "the selected transaction has no body to export".into(),
            ));
            return;
        };
        cx.jobs.start(JobKind::ExportPrepare, move |_| {
            Some(Output::ExportPrepare(
                super::prompt::http_item(&trace, Some(index))
                    .map(|item| item.into_owned())
                    .ok_or_else(|| "the selected transaction has no body to export".to_string()),
            ))
        });
    }

    /// Draws the HTTP view into `area`.
    pub fn draw(&mut self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        let http = self.session.as_deref().and_then(|s| s.http_if_ready());
        let (Some(state), Some(http)) = (self.state.as_mut(), http) else {
            self.areas = Areas {
                list: area,
                message: area,
            };
            building(frame, area, cx, "HTTP", JobKind::Http, self.building);
            return;
        };
        let wanted = u16::try_from(state.transactions.len() + 3).unwrap_or(u16::MAX);
        let list_height = wanted.clamp(4, (area.height / 3).max(4));
        let [list_area, message_area] =
            Layout::vertical([Constraint::Length(list_height), Constraint::Min(3)]).areas(area);
        self.areas = Areas {
            list: list_area,
            message: message_area,
        };
        let rebuilding = self.building.is_some();
        draw_state(frame, self.areas, (state, rebuilding, self.long), http, cx);
    }
}

fn draw_state(
    frame: &mut Frame<'_>,
    areas: Areas,
    (state, rebuilding, long): (&mut HttpState, bool, super::long_lines::LongLines),
    http: &HttpIndex,
    cx: &Ctx,
) {
    let (list_area, message_area) = (areas.list, areas.message);
    let rows_height = usize::from(list_area.height.saturating_sub(3)).max(1);
    scroll_into_view(&mut state.list_offset, state.selected, rows_height);
    let message_height = usize::from(message_area.height.saturating_sub(2)).max(1);
    state.message_offset = state
        .message_offset
        .min(state.message.len().saturating_sub(message_height));
    let state = &*state;
    let all = &http.transactions;
    // Heads are read from the capture (a few rows' worth, parsed again).
    let capture: &[u8] = cx
        .trace
        .as_deref()
        .map_or(&[], |t| t.store.capture().bytes());
    let rows: Vec<Row<'static>> = state
        .transactions
        .iter()
        .enumerate()
        .skip(state.list_offset)
        .take(rows_height)
        .filter_map(|(i, &t)| Some((i, all.get(t)?)))
        .map(|(i, t)| {
            let req = t.request.as_ref();
            let resp = t.response.as_ref();
            let req_head = req.and_then(|m| m.head_in(capture));
            let resp_head = resp.and_then(|m| m.head_in(capture));
            let mut style = Style::default();
            if i == state.selected {
                style = style.add_modifier(Modifier::REVERSED);
                if state.focus == HttpFocus::List {
                    style = style.add_modifier(Modifier::BOLD);
                }
            }
            Row::new(vec![
                t.number.to_string(),
                sanitize(req_head.as_ref().and_then(Head::method).unwrap_or("-")).into_owned(),
                resp.and_then(|m| m.code())
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "-".into()),
                sanitize(
                    &resp_head
                        .as_ref()
                        .and_then(|h| h.header("content-type"))
                        .map(media::essence)
                        .unwrap_or_else(|| "-".into()),
                )
                .into_owned(),
                size(req),
                size(resp),
                sanitize(uri(req_head.as_ref()).unwrap_or("-")).into_owned(),
            ])
            .style(style)
        })
        .collect();
    let title = format!(
        "HTTP in TCP stream {}{} (Tab: pane, e: export, Esc: back)",
        state.stream,
        if rebuilding { ", rebuilding…" } else { "" }
    );
    let table = Table::new(
        rows,
        [
            Constraint::Length(3),
            Constraint::Length(7),
            Constraint::Length(6),
            Constraint::Length(18),
            Constraint::Length(8),
            Constraint::Length(9),
            Constraint::Min(8),
        ],
    )
    .header(
        Row::new(vec!["#", "Method", "Status", "Type", "Req", "Resp", "URI"])
            .style(Style::default().add_modifier(Modifier::BOLD)),
    )
    .block(block(&title, state.focus == HttpFocus::List));
    frame.render_widget(table, list_area);
    let lines: Vec<Line<'static>> = if state.message_ready() {
        long.fit(
            state
                .message
                .iter()
                .skip(state.message_offset)
                .take(message_height)
                .cloned()
                .collect(),
            usize::from(message_area.width.saturating_sub(2)),
        )
    } else {
        let p = cx
            .jobs
            .percent(JobKind::Body)
            .map(|p| format!(" {p}%"))
            .unwrap_or_default();
        vec![Line::from(format!(
            "building… {}{p}",
            JobKind::Body.describe()
        ))]
    };
    let title = format!("Request / response ({})", long.describe());
    frame.render_widget(
        long.paragraph(lines)
            .block(block(&title, state.focus == HttpFocus::Message)),
        message_area,
    );
}
