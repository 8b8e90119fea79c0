//! The packets screen: the virtual packet list, the selected packet's details
//! tree and its bytes. The rows of the visible window and the selected
//! packet's tree are built in [`PacketsPane::prepare`], when the selection,
//! the window, the filter or the trace changed, never while drawing: a row
//! is decoded (and its checksums verified, for the colour) once per window.
//! Every string from the wire goes through `text::sanitize` first.

use super::app::{movement, row_in, scroll_into_view, step, Ctx, Handled, Input, Msg};
use super::filter_bar::ActiveFilter;
use super::jobs::{JobKind, Output};
use super::keymap::Action;
use super::prompt::{Prompt, PromptKind};
use super::render::block;
use crate::columns;
use crate::decode::tcp_flags::TcpFlags;
use crate::dissect as details;
use crate::fields::PacketView;
use crate::journey::NameMap;
use crate::session::Session;
use crate::store::PacketKind;
use crate::text::{ascii_or_dot, sanitize};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;
use std::collections::{BTreeSet, HashSet};

mod column_layout;
mod found;
pub use column_layout::{Col, Columns, BUILTIN, MAX_CUSTOM};
pub use found::{found_style, marked_style, MARK, MAX_TIME_REFS};

/// The focused pane of the packets screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    List,
    Details,
    Bytes,
}

/// Where the three panes were laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Areas {
    pub list: Rect,
    pub details: Rect,
    pub bytes: Rect,
}

/// The screen split into list, details and bytes.
pub fn layout(area: Rect) -> Areas {
    let [list, details, bytes] = Layout::vertical([
        Constraint::Percentage(50),
        Constraint::Percentage(30),
        Constraint::Percentage(20),
    ])
    .areas(area);
    Areas {
        list,
        details,
        bytes,
    }
}

/// One row of the list, ready to draw.
#[derive(Debug, Clone)]
struct ListRow {
    index: usize,
    conversation: u32,
    /// No., Time, Source, Destination, Protocol, Length, Info.
    cells: [String; 7],
    /// The custom columns' values.
    extra: Vec<String>,
    style: Style,
}

/// What the cached rows were built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RowsKey {
    trace: usize,
    filter: u64,
    offset: usize,
    height: usize,
    http: bool,
    times: u64,
    columns: u64,
    /// The settings the colours came from.
    config: (usize, crate::config::Theme),
    /// Names from the captured DNS shown.
    names: bool,
}

/// The selected packet's tree and bytes.
struct Selected {
    key: (usize, usize, bool),
    lines: Vec<details::Line>,
    data: Vec<u8>,
}

/// The packets screen's state.
#[derive(Default)]
pub struct PacketsPane {
    pub focus: Pane,
    /// `R`: names from the captured DNS in Source and Destination.
    pub names: bool,
    /// Selected packet (0-based) and the first row shown.
    pub selected: usize,
    pub offset: usize,
    /// Selected line of the details (among the visible ones), and the first shown.
    pub detail_selected: usize,
    pub detail_first: usize,
    /// Layers folded in the details pane (kept from packet to packet).
    pub collapsed: HashSet<String>,
    /// The display filter applied to the list.
    pub filter: Option<ActiveFilter>,
    /// The filter asked for last (applied, or still running).
    pub filter_text: Option<String>,
    /// Bumped whenever the filter changes.
    filter_generation: u64,
    pub areas: Areas,
    rows: Vec<ListRow>,
    rows_key: Option<RowsKey>,
    details: Option<Selected>,
    /// The Frame layer starts folded, as Wireshark's subtrees do; set once
    /// that was done (after that the user's folds rule).
    frame_folded: bool,
    /// First row (16 bytes) the bytes pane shows.
    pub bytes_first: usize,
    /// The byte under the bytes pane's cursor (when it is focused).
    pub byte_cursor: usize,
    /// The frames set as time references (Ctrl-T).
    pub time_refs: BTreeSet<usize>,
    /// How the Time column shows times (`T` cycles).
    pub time_format: crate::ui::time_format::TimeFormat,
    /// The columns shown (`+` adds, `-` hides).
    pub columns: Columns,
    /// Bumped whenever the custom columns change.
    pub columns_generation: u64,
    /// Bumped whenever the time references change.
    time_generation: u64,
    /// The last find's match, highlighted while its packet is selected.
    pub found: Option<crate::ui::find::Found>,
    /// The match's details line is still to be unfolded and selected.
    found_pending: bool,
}

/// Wireshark-like colouring: SYN/FIN grey, RST red, analysis problems bold red, HTTP green.
fn row_style(
    kind: PacketKind,
    tcp_flags: TcpFlags,
    analysis: u16,
    protocol: &str,
    bad_checksum: bool,
) -> Style {
    // Wireshark's "Checksum Errors": red on black; here black on red, which
    // reads on dark and light terminals alike.
    if bad_checksum {
        return Style::default().fg(Color::Black).bg(Color::Red);
    }
    if analysis & !(crate::flow::analysis::flags::WINDOW_UPDATE) != 0 {
        return Style::default().fg(Color::Red).add_modifier(Modifier::BOLD);
    }
    match kind {
        PacketKind::Tcp if tcp_flags.rst() => Style::default().fg(Color::Red),
        PacketKind::Tcp if tcp_flags.intersects(TcpFlags::SYN | TcpFlags::FIN) => Style::default()
            .fg(Color::DarkGray)
            .add_modifier(Modifier::BOLD),
        _ if protocol == "HTTP" => Style::default().fg(Color::Green),
        PacketKind::Udp => Style::default().fg(Color::Cyan),
        PacketKind::Arp | PacketKind::Icmp | PacketKind::Icmpv6 => {
            Style::default().fg(Color::Yellow)
        }
        _ => Style::default(),
    }
}

/// The colours of the first colouring rule (Wireshark's `colorfilters`,
/// from the config) that packet `index` matches; `None` when none does or
/// colouring is off.
fn row_colour(cx: &Ctx, trace: &Session, index: usize) -> Option<Style> {
    let config = &cx.config;
    if !config.colors_enabled || cx.theme == crate::config::Theme::None {
        return None;
    }
    let rule = config
        .colors
        .matching(trace, trace.http_if_ready(), index)?;
    let rgb = |c: crate::config::colors::Rgb| {
        let (r, g, b) = c.to_rgb8();
        Color::Rgb(r, g, b)
    };
    Some(
        Style::default()
            .fg(rgb(rule.foreground))
            .bg(rgb(rule.background)),
    )
}

/// An IPv4 header or TCP/UDP checksum that is verifiably wrong.
fn bad_checksum(view: &PacketView<'_>) -> bool {
    use crate::decode::checksum::{self, ChecksumStatus};
    let bad = |s: Option<ChecksumStatus>| matches!(s, Some(ChecksumStatus::Incorrect { .. }));
    bad(checksum::ipv4_header(&view.decoded)) || bad(checksum::transport(&view.decoded))
}

/// Decodes packet `index` into a row of the list.
fn list_row(
    pane: &PacketsPane,
    cx: &Ctx,
    trace: &Session,
    index: usize,
    previous: Option<usize>,
    names: Option<&NameMap>,
) -> ListRow {
    let view = trace.packet(index);
    let mut r = columns::row(&view);
    r.time = pane.time_cell(&trace.store, index, previous);
    if names.is_some() {
        // As Wireshark's name resolution: the address's name as of this packet.
        let at = index as u32;
        r.source = crate::journey::named::named_text(&r.source, names, at);
        r.destination = crate::journey::named::named_text(&r.destination, names, at);
    }
    let mut values = Vec::new();
    let extra = pane
        .columns
        .custom
        .iter()
        .map(|&(_, field)| {
            values.clear();
            view.values(field, &mut values);
            let text: Vec<String> = values.iter().map(|v| v.tshark()).collect();
            sanitize(&text.join(",")).into_owned()
        })
        .collect();
    let e = trace.store.entry(index).copied();
    // A verifiably wrong checksum outranks every rule (Wireshark would need
    // checksum validation on to colour it); then the rules; then wirelens's own.
    let bad = bad_checksum(&view);
    let by_rule = if bad {
        None
    } else {
        row_colour(cx, trace, index)
    };
    let style = by_rule.unwrap_or_else(|| {
        e.map(|e| row_style(e.kind, e.tcp_flags(), e.analysis, &r.protocol, bad))
            .unwrap_or_default()
    });
    let style = if cx.theme == crate::config::Theme::None {
        Style::default()
    } else {
        style
    };
    ListRow {
        index,
        conversation: e.map_or(crate::store::NONE, |e| e.conversation),
        cells: [
            r.number.to_string(),
            r.time,
            sanitize(&r.source).into_owned(),
            sanitize(&r.destination).into_owned(),
            r.protocol,
            r.length.to_string(),
            sanitize(&r.info).into_owned(),
        ],
        extra,
        style,
    }
}

fn trace_id(cx: &Ctx) -> usize {
    cx.trace
        .as_ref()
        .map_or(0, |t| std::sync::Arc::as_ptr(t) as usize)
}

impl PacketsPane {
    /// `R`: names from the capture's DNS answers in Source and Destination,
    /// or the addresses again; the names are read in a job the first time.
    fn toggle_names(&mut self, cx: &Ctx) {
        self.names = !self.names;
        let Some(session) = cx.trace.clone() else {
            return;
        };
        if !self.names {
            cx.post(Msg::Status("addresses in Source and Destination".into()));
            return;
        }
        cx.post(Msg::Status(
            "names from the captured DNS in Source and Destination (R: addresses)".into(),
        ));
        if session.names_if_ready().is_none() {
            cx.jobs.start(JobKind::Names, move |_| {
                let _ = session.names();
                Some(Output::Names)
            });
        }
    }

    /// Rows of the list (the filter's matches, or every packet).
    pub fn list_len(&self, cx: &Ctx) -> usize {
        match &self.filter {
            Some(f) => f.matches.len(),
            None => cx.trace().map_or(0, |t| t.store.len()),
        }
    }

    /// The packet shown on row `pos` of the list.
    pub fn list_packet(&self, cx: &Ctx, pos: usize) -> Option<usize> {
        match &self.filter {
            Some(f) => f.matches.get(pos).map(|&i| i as usize),
            None => (pos < self.list_len(cx)).then_some(pos),
        }
    }

    /// The row of the selected packet (or of the next packet shown, when
    /// the filter hides it).
    pub fn selected_pos(&self) -> usize {
        match &self.filter {
            Some(f) => f
                .matches
                .partition_point(|&i| (i as usize) < self.selected)
                .min(f.matches.len().saturating_sub(1)),
            None => self.selected,
        }
    }

    /// Selects packet `index`.
    pub fn select(&mut self, cx: &Ctx, index: usize) {
        if cx.trace().is_some_and(|t| index < t.store.len()) {
            self.selected = index;
            self.detail_selected = 0;
        }
    }

    /// Shows only the packets of `active`, keeping the selection when it
    /// still shows, else selecting the nearest match. Returns the status.
    pub fn install_filter(&mut self, cx: &Ctx, active: ActiveFilter) -> String {
        let status = format!(
            "{} of {} packets match",
            active.matches.len(),
            cx.trace().map_or(0, |t| t.store.len())
        );
        self.filter = Some(active);
        self.filter_generation += 1;
        let pos = self.selected_pos();
        if let Some(packet) = self.list_packet(cx, pos) {
            self.select(cx, packet);
        }
        self.offset = 0;
        status
    }

    pub fn clear_filter(&mut self) {
        self.filter = None;
        self.filter_text = None;
        self.filter_generation += 1;
        self.offset = 0;
    }

    fn list_height(&self) -> usize {
        usize::from(self.areas.list.height.saturating_sub(3))
    }

    /// Lays out `area` and builds what the next draw shows: the visible rows
    /// and the selected packet's tree, each only when what it depends on changed.
    pub fn prepare(&mut self, cx: &Ctx, area: Rect) {
        self.areas = layout(area);
        let height = self.list_height();
        let pos = self.selected_pos();
        scroll_into_view(&mut self.offset, pos, height);
        let Some(trace) = cx.trace() else {
            self.rows.clear();
            self.rows_key = None;
            self.details = None;
            return;
        };
        let http = trace.http_if_ready().is_some();
        let names = if self.names {
            trace.names_if_ready()
        } else {
            None
        };
        let key = RowsKey {
            trace: trace_id(cx),
            filter: self.filter_generation,
            offset: self.offset,
            height,
            http,
            times: self.time_generation,
            columns: self.columns.custom.len() as u64 * 1_000_003 + self.columns_generation,
            config: (std::sync::Arc::as_ptr(&cx.config) as usize, cx.theme),
            names: names.is_some(),
        };
        if self.rows_key != Some(key) {
            self.rows = (self.offset..(self.offset + height).min(self.list_len(cx)))
                .filter_map(|pos| {
                    let previous = pos.checked_sub(1).and_then(|p| self.list_packet(cx, p));
                    Some((self.list_packet(cx, pos)?, previous))
                })
                .map(|(i, previous)| list_row(self, cx, trace, i, previous, names))
                .collect();
            self.rows_key = Some(key);
        }
        let key = (trace_id(cx), self.selected, http);
        if self.selected < trace.store.len() && self.details.as_ref().map(|d| d.key) != Some(key) {
            let view = trace.packet(self.selected);
            self.details = Some(Selected {
                key,
                lines: details::lines(&view),
                data: view.decoded.data.to_vec(),
            });
            if !self.frame_folded {
                self.collapsed.insert("Frame".to_string());
                self.frame_folded = true;
            }
            self.byte_cursor = self
                .byte_cursor
                .min(view.decoded.data.len().saturating_sub(1));
        }
        self.reveal_found();
        let shown = self.visible_details().len();
        self.detail_selected = self.detail_selected.min(shown.saturating_sub(1));
    }

    /// The selected packet's tree lines that show (folded layers hidden).
    fn visible_details(&self) -> Vec<(&details::Line, bool)> {
        match &self.details {
            Some(d) if d.key.1 == self.selected => details::visible(&d.lines, &self.collapsed),
            _ => Vec::new(),
        }
    }

    /// Folds or unfolds the layer at the details selection: Enter/Space
    /// toggle, Left folds (from a field, its layer), Right unfolds.
    fn toggle_detail(&mut self, action: Action) {
        let shown = self.visible_details();
        // The heading of the selected line's layer, and its position.
        let Some(heading_at) = (0..=self.detail_selected.min(shown.len().saturating_sub(1)))
            .rev()
            .find(|&i| shown.get(i).is_some_and(|(l, _)| l.depth == 0))
        else {
            return;
        };
        let Some((heading, folded)) = shown.get(heading_at) else {
            return;
        };
        let layer = details::layer_of(&heading.text).to_string();
        let fold = match action {
            Action::Fold => true,
            Action::Unfold => false,
            _ => !folded,
        };
        if fold {
            self.collapsed.insert(layer);
            self.detail_selected = heading_at;
        } else {
            self.collapsed.remove(&layer);
        }
    }

    /// Puts the bytes cursor on `offset` and selects the narrowest shown
    /// field holding it, as a click in Wireshark's bytes pane does.
    fn select_byte(&mut self, offset: usize) {
        let len = self.details.as_ref().map_or(0, |d| d.data.len());
        if len == 0 {
            return;
        }
        self.byte_cursor = offset.min(len - 1);
        let at = self.byte_cursor;
        let best = self
            .visible_details()
            .iter()
            .enumerate()
            .filter(|(_, (l, _))| l.bytes.contains(&at))
            .min_by_key(|(i, (l, _))| (l.bytes.len(), usize::MAX - i))
            .map(|(i, _)| i);
        if let Some(i) = best {
            self.detail_selected = i;
        }
    }

    /// Moves the details selection (details focused), the bytes cursor by
    /// rows (bytes focused) or the list's selection.
    fn move_by(&mut self, cx: &Ctx, delta: isize) {
        if self.focus == Pane::Bytes {
            let to = self
                .byte_cursor
                .saturating_add_signed(delta.saturating_mul(16));
            self.select_byte(to);
            return;
        }
        if self.focus == Pane::Details {
            self.detail_selected = self.detail_selected.saturating_add_signed(delta);
        } else {
            self.move_list(cx, delta);
        }
    }

    /// Selects the last row (a live capture's tail).
    pub fn select_last(&mut self, cx: &Ctx) {
        self.move_list(cx, isize::MAX / 2);
    }

    fn move_list(&mut self, cx: &Ctx, delta: isize) {
        let pos = step(self.selected_pos(), delta, self.list_len(cx));
        if let Some(packet) = self.list_packet(cx, pos) {
            self.select(cx, packet);
        }
    }

    fn page(&self) -> usize {
        let area = match self.focus {
            Pane::List => self.areas.list,
            Pane::Details => self.areas.details,
            Pane::Bytes => self.areas.bytes,
        };
        usize::from(area.height.saturating_sub(3))
    }

    /// Focuses the pane under `at`.
    fn focus_at(&mut self, at: ratatui::layout::Position) {
        let a = self.areas;
        if a.list.contains(at) {
            self.focus = Pane::List;
        } else if a.details.contains(at) {
            self.focus = Pane::Details;
        } else if a.bytes.contains(at) {
            self.focus = Pane::Bytes;
        }
    }

    pub fn handle(&mut self, input: Input, cx: &Ctx) -> Handled {
        match input {
            Input::Action(action) => {
                if let Some(delta) = movement(action, self.page()) {
                    self.move_by(cx, delta);
                    return Handled::Consumed;
                }
                match action {
                    Action::NextPane | Action::PrevPane => {
                        let forward = action == Action::NextPane;
                        self.focus = match (self.focus, forward) {
                            (Pane::List, true) | (Pane::Bytes, false) => Pane::Details,
                            (Pane::Details, true) | (Pane::List, false) => Pane::Bytes,
                            (Pane::Bytes, true) | (Pane::Details, false) => Pane::List,
                        };
                    }
                    Action::Fold if self.focus == Pane::Bytes => {
                        self.select_byte(self.byte_cursor.saturating_sub(1));
                    }
                    Action::Unfold if self.focus == Pane::Bytes => {
                        self.select_byte(self.byte_cursor.saturating_add(1));
                    }
                    Action::Activate | Action::Toggle | Action::Fold | Action::Unfold
                        if self.focus == Pane::Details =>
                    {
                        self.toggle_detail(action)
                    }
                    Action::Find => {
                        // The current filter selected: typing replaces it.
                        let input = self.filter_text.clone().unwrap_or_default();
                        let mut prompt = Prompt::selected(PromptKind::Filter, input);
                        prompt.recheck();
                        cx.post(Msg::OpenPrompt(Box::new(prompt)));
                    }
                    Action::Names => self.toggle_names(cx),
                    _ => return Handled::Ignored,
                }
                Handled::Consumed
            }
            Input::Scroll(at, delta) => {
                self.focus_at(at);
                self.move_by(cx, delta);
                Handled::Consumed
            }
            Input::Click(at) => {
                self.focus_at(at);
                if let Some(r) = row_in(self.areas.list, 1, at) {
                    if let Some(packet) = self.list_packet(cx, self.offset + r) {
                        self.select(cx, packet);
                    }
                } else if let Some(r) = row_in(self.areas.details, 0, at) {
                    self.detail_selected = self.detail_first + r;
                } else if let Some(r) = row_in(self.areas.bytes, 0, at) {
                    let col = usize::from(at.x.saturating_sub(self.areas.bytes.x + 1));
                    let in_row = match col {
                        6..=53 => Some((col - 6) / 3),
                        55..=70 => Some(col - 55),
                        _ => None,
                    };
                    if let Some(i) = in_row {
                        self.select_byte((self.bytes_first + r) * 16 + i);
                    }
                }
                Handled::Consumed
            }
        }
    }

    /// Draws the packets screen (list, details, bytes) into `area` from
    /// what [`PacketsPane::prepare`] built.
    pub fn draw(&mut self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        self.areas = layout(area);
        let Areas {
            list: list_area,
            details: details_area,
            bytes: bytes_area,
        } = self.areas;
        let Some(trace) = cx.trace() else {
            let msg = match &cx.load_error {
                Some(e) => format!("cannot open {}: {}", sanitize(&cx.name), sanitize(e)),
                None => format!("loading {} …", sanitize(&cx.name)),
            };
            frame.render_widget(Paragraph::new(msg).block(block("Packets", true)), list_area);
            return;
        };
        let selected_conv = trace.store.entry(self.selected).map(|e| e.conversation);
        let marks = trace.marks().snapshot();
        let narrow = list_area.width < 110;
        let text_of = |r: &'_ ListRow, c: Col| -> String {
            match c {
                Col::Builtin(0) if marks.contains(r.index) => format!("{MARK}{}", r.cells[0]),
                Col::Builtin(i) => r.cells[i].clone(),
                Col::Custom(i) => r.extra.get(i).cloned().unwrap_or_default(),
            }
        };
        let widest = |c: Col| -> u16 {
            self.rows
                .iter()
                .map(|r| text_of(r, c).chars().count())
                .max()
                .unwrap_or(0)
                .min(usize::from(u16::MAX)) as u16
        };
        let (cols, col_widths) = column_layout::layout(
            self.columns.shown(narrow),
            widest,
            |c| self.columns.header(c, narrow),
            list_area.width,
            narrow,
            crate::ui::time_format::width(self.time_format),
        );
        let header: Vec<&str> = cols
            .iter()
            .map(|&c| self.columns.header(c, narrow))
            .collect();
        let rows: Vec<Row<'_>> = self
            .rows
            .iter()
            .map(|r| {
                let marked = marks.contains(r.index);
                let mut style = if marked { marked_style() } else { r.style };
                if r.index == self.selected {
                    style = style.add_modifier(Modifier::REVERSED);
                } else if Some(r.conversation) == selected_conv
                    && r.conversation != crate::store::NONE
                {
                    style = style.add_modifier(Modifier::UNDERLINED);
                }
                Row::new(
                    cols.iter()
                        .zip(&col_widths)
                        .map(|(&c, &w)| Cell::from(column_layout::fit(&text_of(r, c), w))),
                )
                .style(style)
            })
            .collect();
        let widths: Vec<Constraint> = col_widths.iter().map(|&w| Constraint::Length(w)).collect();
        let mut title = match &self.filter {
            Some(f) => format!(
                "Packets: {} of {} match \"{}\" (/: edit filter)",
                f.matches.len(),
                trace.store.len(),
                sanitize(f.text())
            ),
            None => "Packets (/: filter)".to_string(),
        };
        if !marks.is_empty() {
            title.push_str(&format!(" · {} marked", marks.len()));
        }
        let table = Table::new(rows, widths)
            .header(Row::new(header).style(Style::default().add_modifier(Modifier::BOLD)))
            .block(block(&title, self.focus == Pane::List));
        frame.render_widget(table, list_area);
        self.draw_details(frame, details_area, bytes_area);
    }

    fn draw_details(&mut self, frame: &mut Frame<'_>, details_area: Rect, bytes_area: Rect) {
        let focus = self.focus;
        let detail_height = usize::from(details_area.height.saturating_sub(2)).max(1);
        let first = self
            .detail_selected
            .saturating_sub(detail_height.saturating_sub(1));
        self.detail_first = first;
        let found_line = self
            .found_line()
            .and_then(|i| self.details.as_ref()?.lines.get(i))
            .map(|l| l as *const details::Line);
        let found_bytes = self.found_bytes();
        let lines = self.visible_details();
        if lines.is_empty() {
            return;
        }
        let highlight = lines
            .get(self.detail_selected)
            .map(|(l, _)| l.bytes.clone())
            .unwrap_or(0..0);
        let text: Vec<Line<'_>> = lines
            .iter()
            .enumerate()
            .skip(first)
            .take(detail_height)
            .map(|(i, (l, folded))| {
                let indent = match (l.depth, folded) {
                    (0, true) => "▸ ".to_string(),
                    (0, false) => "▾ ".to_string(),
                    (d, _) => "  ".repeat(usize::from(d) + 1),
                };
                let mut style = if l.depth == 0 {
                    Style::default().add_modifier(Modifier::BOLD)
                } else {
                    Style::default()
                };
                if Some(*l as *const details::Line) == found_line {
                    style = style.patch(found_style());
                }
                if i == self.detail_selected && focus == Pane::Details {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                Line::from(Span::styled(format!("{indent}{}", l.text), style))
            })
            .collect();
        frame.render_widget(
            Paragraph::new(text).block(block("Details", focus == Pane::Details)),
            details_area,
        );
        let data = self.details.as_ref().map_or(&[][..], |d| &d.data[..]);
        let bytes_height = usize::from(bytes_area.height.saturating_sub(2));
        let hl = if focus == Pane::List { 0..0 } else { highlight };
        // Scroll so that the highlighted bytes (or the cursor) show.
        let height = bytes_height.max(1);
        let rows = data.len().div_ceil(16);
        let (want_start, want_end) = if focus == Pane::Bytes {
            (self.byte_cursor / 16, self.byte_cursor / 16)
        } else if hl.is_empty() {
            (self.bytes_first, self.bytes_first)
        } else {
            (hl.start / 16, (hl.end - 1) / 16)
        };
        if want_start < self.bytes_first {
            self.bytes_first = want_start;
        } else if want_end >= self.bytes_first + height {
            self.bytes_first = want_start.max((want_end + 1).saturating_sub(height));
        }
        self.bytes_first = self.bytes_first.min(rows.saturating_sub(height));
        let cursor = (focus == Pane::Bytes).then_some(self.byte_cursor);
        let style_of = |at: usize| {
            let mut st = Style::default();
            if found_bytes.contains(&at) {
                st = found_style();
            }
            if hl.contains(&at) {
                st = st.add_modifier(Modifier::REVERSED);
            }
            if cursor == Some(at) {
                st = st.add_modifier(Modifier::UNDERLINED | Modifier::BOLD);
            }
            st
        };
        let hex_lines: Vec<Line<'_>> = data
            .chunks(16)
            .enumerate()
            .skip(self.bytes_first)
            .take(height)
            .map(|(row, chunk)| {
                let mut spans = vec![Span::raw(format!("{:04x}  ", row * 16))];
                for (i, b) in chunk.iter().enumerate() {
                    let at = row * 16 + i;
                    spans.push(Span::styled(format!("{b:02x}"), style_of(at)));
                    // The gap is highlighted too inside a run of bytes.
                    let gap = if i + 1 < chunk.len() && hl.contains(&at) && hl.contains(&(at + 1)) {
                        Style::default().add_modifier(Modifier::REVERSED)
                    } else {
                        Style::default()
                    };
                    spans.push(Span::styled(" ", gap));
                }
                spans.push(Span::raw("   ".repeat(16 - chunk.len())));
                spans.push(Span::raw(" "));
                for (i, &b) in chunk.iter().enumerate() {
                    spans.push(Span::styled(
                        ascii_or_dot(b).to_string(),
                        style_of(row * 16 + i),
                    ));
                }
                Line::from(spans)
            })
            .collect();
        frame.render_widget(
            Paragraph::new(hex_lines).block(block("Bytes", focus == Pane::Bytes)),
            bytes_area,
        );
    }
}
