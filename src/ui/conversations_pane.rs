//! The conversations table: one row per TCP or UDP conversation (stream,
//! client, server, packets, bytes, duration, how it ended), sorted by first
//! packet, packets, bytes or duration (`s`), as the library's
//! [`crate::flow::table`] builds and orders them for `wirelens flows` too. How
//! each ended comes from a job (it walks every conversation); until then the
//! column says so. Tab / Shift-Tab switch to the per-layer tabs
//! ([`layers`]: Ethernet, IPv4, IPv6, TCP, UDP, as Wireshark's window).

pub mod layers;

use super::app::{movement, row_in, step, Ctx, Handled, Input, Msg, View};
use super::jobs::{JobKind, Output};
use super::keymap::Action;
use super::render::block;
pub use crate::flow::table::ConversationSort;
use crate::flow::table::{order, ConversationRow};
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Paragraph, Row, Table};
use ratatui::Frame;

/// The conversations table's state.
pub struct ConversationsPane {
    /// Selected row (a position in the table's order).
    pub selected: usize,
    pub sort: ConversationSort,
    /// The rows' order (empty: by stream).
    order: Vec<u32>,
    /// The order a job is working out.
    pub sorting: Option<ConversationSort>,
    /// First row shown (set when drawn).
    pub first: usize,
    pub area: Rect,
    /// The order reversed (`S`).
    pub reversed: bool,
    /// The layer tabs.
    pub layers: layers::Layers,
    /// First row shown in a layer tab (set when drawn).
    layer_first: usize,
}

impl Default for ConversationsPane {
    fn default() -> ConversationsPane {
        ConversationsPane {
            selected: 0,
            sort: ConversationSort::Start,
            order: Vec::new(),
            sorting: None,
            first: 0,
            area: Rect::default(),
            reversed: false,
            layers: layers::Layers::default(),
            layer_first: 0,
        }
    }
}

fn count(cx: &Ctx) -> usize {
    cx.trace().map_or(0, |t| t.conversations.all().len())
}

impl ConversationsPane {
    /// The conversation (index) on row `pos`.
    pub fn conversation_at(&self, cx: &Ctx, pos: usize) -> Option<u32> {
        let pos = if self.reversed {
            count(cx).checked_sub(pos + 1)?
        } else {
            pos
        };
        if self.sort == ConversationSort::Start || self.order.is_empty() {
            return (pos < count(cx)).then_some(pos as u32);
        }
        self.order.get(pos).copied()
    }

    /// The selected conversation (index).
    pub fn current(&self, cx: &Ctx) -> Option<u32> {
        self.conversation_at(cx, self.selected)
    }

    /// The conversation (index) the stream views open: the selected row of
    /// the streams table, or of the TCP and UDP tabs.
    pub fn target(&self, cx: &Ctx) -> Option<u32> {
        match self.layers.shown() {
            None => self.current(cx),
            Some(t) => t
                .current()
                .map(|c| c.stream)
                .filter(|&s| s != crate::store::NONE),
        }
    }

    /// Switches to the next (or previous) tab, counting its table in a job
    /// the first time.
    fn switch_tab(&mut self, cx: &Ctx, forward: bool) {
        let n = layers::KINDS.len() + 1;
        self.layers.tab = (self.layers.tab + if forward { 1 } else { n - 1 }) % n;
        self.layer_first = 0;
        let Some(kind) = self.layers.kind() else {
            cx.post(Msg::Status("conversations: streams".into()));
            return;
        };
        cx.post(Msg::Status(format!("conversations: {}", kind.title())));
        self.count_shown_layer(cx);
    }

    /// Counts the shown layer tab's table in a job, unless it is there.
    fn count_shown_layer(&mut self, cx: &Ctx) {
        let Some(kind) = self.layers.kind() else {
            return;
        };
        let counted = self.layers.shown().is_some_and(|t| t.table.is_some());
        if counted || self.layers.counting == Some(kind) {
            return;
        }
        let Some(trace) = cx.trace.clone() else {
            return;
        };
        self.layers.counting = Some(kind);
        cx.jobs.start(JobKind::Layers, move |_| {
            // A live snapshot's counts only its new packets.
            Some(Output::Layers(Box::new(trace.layer_conversations(kind))))
        });
    }

    /// Keys in a layer tab.
    fn handle_layer(&mut self, input: Input, cx: &Ctx) -> Handled {
        let page = self.page().saturating_sub(1);
        let Some(kind) = self.layers.kind() else {
            return Handled::Ignored;
        };
        let (first, area) = (self.layer_first, self.area);
        let Some(t) = self.layers.shown_mut() else {
            return Handled::Ignored;
        };
        match input {
            Input::Action(action) => {
                if let Some(delta) = movement(action, page) {
                    t.selected = step(t.selected, delta, t.len());
                    return Handled::Consumed;
                }
                match action {
                    Action::Sort | Action::ReverseSort => {
                        if action == Action::Sort {
                            t.sort = t.sort.next();
                        } else {
                            t.reversed = !t.reversed;
                        }
                        t.reorder();
                        cx.post(Msg::Status(format!(
                            "{} conversations by {}{}",
                            kind.title(),
                            t.sort.name(),
                            if t.reversed { ", reversed" } else { "" }
                        )));
                    }
                    // Wireshark's Prepare / Apply as Filter: Enter applies it.
                    Action::Find => {
                        if let Some(c) = t.current() {
                            let mut p = super::prompt::Prompt::new(
                                super::prompt::PromptKind::Filter,
                                c.filter(kind),
                            );
                            p.recheck();
                            cx.post(Msg::OpenPrompt(Box::new(p)));
                        }
                    }
                    Action::Activate => {
                        if let Some(c) = t.current() {
                            cx.post(Msg::SelectPacket(c.first_packet as usize));
                            cx.post(Msg::Status(format!("{} conversation {c}", kind.title())));
                            cx.post(Msg::Show(View::Packets));
                        }
                    }
                    _ => return Handled::Ignored,
                }
                Handled::Consumed
            }
            Input::Scroll(_, delta) => {
                t.selected = step(t.selected, delta, t.len());
                Handled::Consumed
            }
            Input::Click(at) => {
                if let Some(r) = row_in(area, 1, at) {
                    if first + r < t.len() {
                        t.selected = first + r;
                    }
                }
                Handled::Consumed
            }
        }
    }

    /// A new trace: its order, no endings yet.
    pub fn reset(&mut self, cx: &Ctx) {
        self.layers.reset();
        // A layer tab shown (a live capture grew) is counted again.
        self.count_shown_layer(cx);
        let _ = self.sort(cx, self.sorting.unwrap_or(self.sort));
    }

    /// Orders the table by `sort`: at once by first packet (then returns the
    /// status message), else in a job (the table keeps its order until the
    /// job's is installed).
    pub fn sort(&mut self, cx: &Ctx, sort: ConversationSort) -> Option<String> {
        cx.jobs.cancel(JobKind::Sort);
        self.sorting = None;
        if sort == ConversationSort::Start {
            return Some(self.install(cx, sort, Vec::new()));
        }
        let trace = cx.trace.clone()?;
        self.sorting = Some(sort);
        cx.jobs.start(JobKind::Sort, move |_| {
            Some(Output::Order(sort, order(trace.conversations.all(), sort)))
        });
        None
    }

    /// Shows the table in `order` (by `sort`), keeping the selected row's
    /// conversation selected. Returns the status message.
    pub fn install(&mut self, cx: &Ctx, sort: ConversationSort, order: Vec<u32>) -> String {
        let current = self.current(cx);
        self.sort = sort;
        self.sorting = None;
        self.order = order;
        self.selected = match (current, sort) {
            (Some(id), ConversationSort::Start) => id as usize,
            (Some(id), _) => self.order.iter().position(|&c| c == id).unwrap_or(0),
            (None, _) => 0,
        };
        if self.reversed {
            self.selected = count(cx).saturating_sub(self.selected + 1);
        }
        format!("conversations by {}", sort.name())
    }

    fn page(&self) -> usize {
        usize::from(self.area.height.saturating_sub(3))
    }

    /// Opens the selected conversation in the packet list.
    fn open(&self, cx: &Ctx) {
        let Some(trace) = cx.trace() else { return };
        if let Some(c) = self.current(cx).and_then(|i| trace.conversations.get(i)) {
            cx.post(Msg::SelectPacket(c.first_packet as usize));
            cx.post(Msg::Status(format!(
                "{} stream {}: {} → {}",
                c.protocol.name(),
                c.stream,
                c.client(),
                c.server()
            )));
            cx.post(Msg::Show(View::Packets));
        }
    }

    pub fn handle(&mut self, input: Input, cx: &Ctx) -> Handled {
        if let Input::Action(a @ (Action::NextPane | Action::PrevPane)) = input {
            self.switch_tab(cx, a == Action::NextPane);
            return Handled::Consumed;
        }
        if self.layers.tab > 0 {
            return self.handle_layer(input, cx);
        }
        match input {
            Input::Action(action) => {
                if let Some(delta) = movement(action, self.page()) {
                    self.selected = step(self.selected, delta, count(cx));
                    return Handled::Consumed;
                }
                match action {
                    Action::Sort => {
                        let next = self.sorting.unwrap_or(self.sort).next();
                        if let Some(status) = self.sort(cx, next) {
                            cx.post(Msg::Status(status));
                        }
                    }
                    Action::Activate => self.open(cx),
                    Action::ReverseSort => {
                        self.reversed = !self.reversed;
                        self.selected = count(cx).saturating_sub(self.selected + 1);
                        cx.post(Msg::Status(format!(
                            "conversations by {}{}",
                            self.sort.name(),
                            if self.reversed { ", reversed" } else { "" }
                        )));
                    }
                    // Wireshark's Prepare / Apply as Filter: Enter applies it.
                    Action::Find => {
                        let filter = cx
                            .trace()
                            .and_then(|t| t.conversations.get(self.current(cx)?))
                            .map(conversation_filter);
                        if let Some(f) = filter {
                            let mut p =
                                super::prompt::Prompt::new(super::prompt::PromptKind::Filter, f);
                            p.recheck();
                            cx.post(Msg::OpenPrompt(Box::new(p)));
                        }
                    }
                    _ => return Handled::Ignored,
                }
                Handled::Consumed
            }
            Input::Scroll(_, delta) => {
                self.selected = step(self.selected, delta, count(cx));
                Handled::Consumed
            }
            Input::Click(at) => {
                if let Some(r) = row_in(self.area, 1, at) {
                    let target = self.first + r;
                    if target < count(cx) {
                        self.selected = target;
                    }
                }
                Handled::Consumed
            }
        }
    }

    /// Draws the table; `names`: the names toggle (`R`) is on.
    pub fn draw(&mut self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx, names: bool) {
        let bar = Rect { height: 1, ..area };
        frame.render_widget(
            Paragraph::new(self.layers.bar(cx))
                .style(Style::default().add_modifier(Modifier::BOLD)),
            bar,
        );
        let area = Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        };
        self.area = area;
        if let (Some(kind), Some(t)) = (self.layers.kind(), self.layers.shown()) {
            let height = usize::from(area.height.saturating_sub(3)).max(1);
            let first = t.selected.saturating_sub(height - 1);
            self.layer_first = first;
            t.draw(frame, area, kind, first);
            return;
        }
        let Some(trace) = cx.trace() else {
            frame.render_widget(
                Paragraph::new("loading …").block(block("Conversations", true)),
                area,
            );
            return;
        };
        let count = trace.conversations.all().len();
        let names = names.then(|| trace.names_if_ready()).flatten();
        // A → B and B → A (client to server, server to client) when there is room.
        let wide = area.width >= 150;
        let height = usize::from(area.height.saturating_sub(3)).max(1);
        let first = self.selected.saturating_sub(height - 1);
        self.first = first;
        let capture_start = trace.store.first_timestamp();
        let pending = if cx.jobs.running(super::jobs::JobKind::Endings) {
            "…"
        } else {
            ""
        };
        let rows: Vec<Row<'_>> = (first..count.min(first + height))
            .filter_map(|pos| {
                let id = self.conversation_at(cx, pos)?;
                Some((pos, id, trace.conversations.get(id)?))
            })
            .map(|(pos, id, c)| {
                let style = if pos == self.selected {
                    Style::default().add_modifier(Modifier::REVERSED)
                } else {
                    Style::default()
                };
                let ending = match trace.endings_if_ready() {
                    Some(e) => e.get(id as usize).cloned().unwrap_or_default(),
                    None => pending.to_string(),
                };
                let r = ConversationRow::of(c, capture_start);
                let mut cells = vec![
                    format!("{} {}", r.protocol.name(), r.stream),
                    crate::journey::named::endpoint(r.client, names, c.first_packet),
                    crate::journey::named::endpoint(r.server, names, c.first_packet),
                    r.total_packets().to_string(),
                    r.total_bytes().to_string(),
                ];
                if wide {
                    cells.extend([
                        r.packets[0].to_string(),
                        r.bytes[0].to_string(),
                        r.packets[1].to_string(),
                        r.bytes[1].to_string(),
                    ]);
                }
                cells.extend([crate::text::seconds(r.duration_ns), ending]);
                Row::new(cells).style(style)
            })
            .collect();
        let sorting = match self.sorting {
            Some(s) => format!(", sorting by {}…", s.name()),
            None => String::new(),
        };
        let title = format!(
            "Conversations by {}{}{sorting} (s: sort, S: reverse, /: filter, Enter: packets, l: ladder, f: follow, h: HTTP, Esc: back)",
            self.sort.name(),
            if self.reversed { ", reversed" } else { "" }
        );
        let mut widths = vec![
            Constraint::Length(9),
            Constraint::Min(16),
            Constraint::Min(16),
            Constraint::Length(8),
            Constraint::Length(10),
        ];
        let mut header = vec!["Stream", "Client (A)", "Server (B)", "Packets", "Bytes"];
        if wide {
            widths.extend([
                Constraint::Length(10),
                Constraint::Length(11),
                Constraint::Length(10),
                Constraint::Length(11),
            ]);
            header.extend(["Pkts A→B", "Bytes A→B", "Pkts B→A", "Bytes B→A"]);
        }
        widths.extend([Constraint::Length(12), Constraint::Min(12)]);
        header.extend(["Duration", "Ended"]);
        let table = Table::new(rows, widths)
            .header(Row::new(header).style(Style::default().add_modifier(Modifier::BOLD)))
            .block(block(&title, true));
        frame.render_widget(table, area);
    }
}

/// The display filter selecting conversation `c`, as Wireshark's
/// Conversations window prepares it (`ip.addr==A && tcp.port==P && ...`).
pub fn conversation_filter(c: &crate::flow::Conversation) -> String {
    let (a, b) = (c.client(), c.server());
    let l3 = if a.is_ipv6() { "ipv6" } else { "ip" };
    let l4 = match c.protocol {
        crate::flow::Protocol::Tcp => "tcp",
        crate::flow::Protocol::Udp => "udp",
    };
    format!(
        "{l3}.addr=={} && {l4}.port=={} && {l3}.addr=={} && {l4}.port=={}",
        a.ip(),
        a.port(),
        b.ip(),
        b.port()
    )
}
