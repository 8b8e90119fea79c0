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
use crate::dissect as details;
use crate::text::{ascii_or_dot, sanitize};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;
use std::collections::{BTreeSet, HashSet};

mod column_layout;
mod details_view;
mod found;
mod rows;
pub use column_layout::{Col, Columns, BUILTIN, MAX_CUSTOM};
pub use found::{found_style, marked_style, MARK, MAX_TIME_REFS};
use rows::{list_row, ListRow};

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
    /// The column `{` `}` picked for `(` `)` to resize (a position among
    /// those shown).
    pub column_picked: usize,
    /// The columns and widths of the last draw.
    laid_out: Vec<(Col, u16)>,
    /// The picked column's header is highlighted (the last key resized).
    column_picking: bool,
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
        use Action::{ColumnNarrow, ColumnNext, ColumnPrev, ColumnWiden};
        self.column_picking = matches!(
            input,
            Input::Action(ColumnPrev | ColumnNext | ColumnNarrow | ColumnWiden)
        );
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
                    Action::ColumnPrev | Action::ColumnNext => {
                        let n = self.laid_out.len().max(1);
                        self.column_picked = if action == Action::ColumnNext {
                            (self.column_picked + 1) % n
                        } else {
                            (self.column_picked + n - 1) % n
                        };
                        if let Some(&(c, w)) = self.laid_out.get(self.column_picked) {
                            cx.post(Msg::Status(format!(
                                "column {} picked ({w} wide): ( ) narrow / widen it",
                                self.columns.name(c)
                            )));
                        }
                    }
                    Action::ColumnNarrow | Action::ColumnWiden => {
                        if let Some(&(c, w)) = self.laid_out.get(self.column_picked) {
                            let delta = if action == Action::ColumnWiden { 1 } else { -1 };
                            cx.post(Msg::Status(self.columns.resize(c, w, delta)));
                        }
                    }
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
            |c| self.columns.fixed(c),
        );
        self.column_picked = self.column_picked.min(cols.len().saturating_sub(1));
        self.laid_out = cols
            .iter()
            .copied()
            .zip(col_widths.iter().copied())
            .collect();
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
            .header(
                Row::new(header.iter().enumerate().map(|(i, h)| {
                    // The column `{` `}` picked, while resizing.
                    let picked = self.column_picking && i == self.column_picked;
                    let style = if picked {
                        Style::default().add_modifier(Modifier::REVERSED)
                    } else {
                        Style::default()
                    };
                    Cell::from(*h).style(style)
                }))
                .style(Style::default().add_modifier(Modifier::BOLD)),
            )
            .block(block(&title, self.focus == Pane::List));
        frame.render_widget(table, list_area);
        self.draw_details(frame, details_area, bytes_area);
    }
}
