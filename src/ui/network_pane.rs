//! The network tab: every HTTP transaction of the capture (all connections),
//! as a browser's developer tools list them: method, host and URI, status,
//! type, size, time, and a waterfall bar per row on one time axis shared by
//! all rows, each phase of the journey in its own colour
//! ([`crate::journey`]). The journeys come from a job; `s` sorts (start,
//! duration, size, status), `/` applies a display filter (the packet list's
//! too, as Wireshark's statistics follow it: a row stays when its connection
//! has a matching packet within it), Enter opens the transaction in the HTTP
//! view.

use super::app::{movement, row_in, scroll_into_view, step, Ctx, Handled, Input, Msg};
use super::filter_bar::ActiveFilter;
use super::jobs::{JobKind, Output};
use super::keymap::Action;
use super::prompt::{Prompt, PromptKind};
use super::render::{block, building};
use crate::journey::{format_duration, Axis, Journey, PhaseKind};
use crate::session::Session;
use crate::text::sanitize;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use std::sync::Arc;

/// One row: a journey and what the response's head says.
#[derive(Debug, Clone)]
pub struct NetworkRow {
    pub journey: Journey,
    /// The response's media type, e.g. `text/html`.
    pub content_type: String,
    /// The response body's bytes on the wire.
    pub size: u64,
}

/// The rows of a session, in capture order (the job's work).
pub fn rows(session: &Session) -> Vec<NetworkRow> {
    let http = session.http();
    session
        .journeys()
        .into_iter()
        .map(|journey| {
            let response = journey
                .transaction
                .and_then(|t| http.transactions.get(t as usize))
                .and_then(|t| t.response.as_ref());
            let content_type = response
                .and_then(|m| m.head(&session.store))
                .and_then(|h| h.header("content-type").map(crate::http::media::essence))
                .unwrap_or_default();
            NetworkRow {
                size: response.map_or(0, |m| m.body().len()),
                content_type,
                journey,
            }
        })
        .collect()
}

/// The order of the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NetworkSort {
    #[default]
    Start,
    Duration,
    Size,
    Status,
}

impl NetworkSort {
    pub fn next(self) -> NetworkSort {
        match self {
            NetworkSort::Start => NetworkSort::Duration,
            NetworkSort::Duration => NetworkSort::Size,
            NetworkSort::Size => NetworkSort::Status,
            NetworkSort::Status => NetworkSort::Start,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            NetworkSort::Start => "start",
            NetworkSort::Duration => "duration",
            NetworkSort::Size => "size",
            NetworkSort::Status => "status",
        }
    }
}

/// The colour of a phase, in the waterfall and the journey pane.
pub fn phase_color(kind: PhaseKind) -> Color {
    match kind {
        PhaseKind::Dns => Color::Cyan,
        PhaseKind::Connect => Color::Yellow,
        PhaseKind::Tls => Color::Magenta,
        PhaseKind::Request => Color::Green,
        PhaseKind::Wait => Color::Gray,
        PhaseKind::Receive => Color::Blue,
        PhaseKind::Close => Color::Red,
    }
}

/// A journey's phases as coloured cells of `width` on `axis`.
pub fn bar(j: &Journey, axis: Axis, width: usize) -> Vec<Span<'static>> {
    let mut cells: Vec<Option<PhaseKind>> = vec![None; width];
    for (kind, s) in j.phases() {
        let (from, to) = axis.cells(s.start_ns, s.end_ns, width);
        for c in cells.iter_mut().take(to).skip(from) {
            *c = Some(kind);
        }
    }
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run: (Option<PhaseKind>, usize) = (None, 0);
    let flush = |spans: &mut Vec<Span<'static>>, (kind, n): (Option<PhaseKind>, usize)| {
        if n == 0 {
            return;
        }
        spans.push(match kind {
            Some(k) => Span::styled("█".repeat(n), Style::default().fg(phase_color(k))),
            None => Span::raw(" ".repeat(n)),
        });
    };
    for c in cells {
        if c == run.0 {
            run.1 += 1;
        } else {
            flush(&mut spans, run);
            run = (c, 1);
        }
    }
    flush(&mut spans, run);
    spans
}

/// The network tab's state.
#[derive(Default)]
pub struct NetworkPane {
    pub rows: Option<Vec<NetworkRow>>,
    /// The session the rows were built from (its HTTP index numbers them).
    session: Option<Arc<Session>>,
    /// Positions in `rows`, in the shown order.
    order: Vec<usize>,
    pub sort: NetworkSort,
    /// The display filter shown (the packet list's), and per row whether
    /// it spans a matching packet of its connection.
    filter: Option<(String, Vec<bool>)>,
    pub selected: usize,
    first: usize,
    area: Rect,
}

impl NetworkPane {
    /// Shows the network tab, building the rows in a job the first time.
    pub fn open(&mut self, cx: &Ctx) {
        let Some(session) = cx.trace.clone() else {
            return;
        };
        if self
            .session
            .as_ref()
            .is_some_and(|s| Arc::ptr_eq(s, &session))
        {
            return;
        }
        self.rows = None;
        self.session = None;
        cx.jobs.start(JobKind::Journeys, move |_| {
            let rows = rows(&session);
            Some(Output::Journeys(rows, session))
        });
    }

    /// The trace changed: the rows are built again when next opened.
    pub fn refresh(&mut self, cx: &Ctx) {
        self.session = None;
        self.open(cx);
    }

    pub fn install(&mut self, rows: Vec<NetworkRow>, session: Arc<Session>) {
        self.rows = Some(rows);
        self.session = Some(session);
        self.apply_sort();
    }

    pub fn failed(&mut self) {
        self.rows = Some(Vec::new());
    }

    fn apply_sort(&mut self) {
        let Some(rows) = &self.rows else { return };
        let kept = self.filter.as_ref().map(|(_, k)| k);
        let mut order: Vec<usize> = (0..rows.len())
            .filter(|&i| kept.is_none_or(|k| k.get(i).copied().unwrap_or(false)))
            .collect();
        let extent = |i: usize| rows[i].journey.extent();
        match self.sort {
            NetworkSort::Start => {
                order.sort_by_key(|&i| extent(i).map_or(i64::MAX, |e| e.start_ns))
            }
            NetworkSort::Duration => {
                order.sort_by_key(|&i| std::cmp::Reverse(extent(i).map_or(0, |e| e.duration_ns())))
            }
            NetworkSort::Size => order.sort_by_key(|&i| std::cmp::Reverse(rows[i].size)),
            NetworkSort::Status => order.sort_by_key(|&i| rows[i].journey.status.unwrap_or(0)),
        }
        self.order = order;
        self.selected = 0;
    }

    /// Shows only the rows with a packet that `active` (the packet list's
    /// display filter) selects, on the row's connection between its first
    /// and last TCP phase; `None` shows every row.
    pub fn filter_by(&mut self, cx: &Ctx, active: Option<&ActiveFilter>) {
        let (Some(rows), Some(active), Some(trace)) = (&self.rows, active, cx.trace()) else {
            self.filter = None;
            self.apply_sort();
            return;
        };
        let m = &active.matches;
        let kept = rows
            .iter()
            .map(|r| {
                let j = &r.journey;
                let tcp: Vec<_> = j
                    .phases()
                    .into_iter()
                    .filter(|(k, _)| *k != PhaseKind::Dns)
                    .map(|(_, s)| s)
                    .collect();
                let (Some(first), Some(last)) = (
                    tcp.iter().map(|s| s.first).min(),
                    tcp.iter().map(|s| s.last).max(),
                ) else {
                    return false;
                };
                let from = m.partition_point(|&p| p < first);
                m[from..].iter().take_while(|&&p| p <= last).any(|&p| {
                    trace
                        .store
                        .entry(p as usize)
                        .is_some_and(|e| e.conversation == j.conversation)
                })
            })
            .collect();
        self.filter = Some((active.text().to_string(), kept));
        self.apply_sort();
    }

    fn len(&self) -> usize {
        self.order.len()
    }

    fn page(&self) -> usize {
        usize::from(self.area.height.saturating_sub(3))
    }

    /// The selected row.
    pub fn current(&self) -> Option<&NetworkRow> {
        let i = *self.order.get(self.selected)?;
        self.rows.as_ref()?.get(i)
    }

    fn open_selected(&self, cx: &Ctx) {
        let Some(row) = self.current() else { return };
        let j = &row.journey;
        let packet = j
            .request
            .map(|r| r.span.first)
            .or(j.extent().map(|e| e.first))
            .unwrap_or(0);
        cx.post(Msg::OpenHttp {
            conversation: j.conversation,
            packet,
        });
    }

    /// `e`: the selected transaction's body, to a file named in a prompt
    /// (decoded in a job, as in the HTTP view).
    fn export(&self, cx: &Ctx) {
        let (Some(session), Some(t)) = (
            self.session.clone(),
            self.current().and_then(|r| r.journey.transaction),
        ) else {
            cx.post(Msg::Status("the selected row has no body to export".into()));
            return;
        };
        cx.jobs.start(JobKind::ExportPrepare, move |_| {
            Some(Output::ExportPrepare(
                super::prompt::http_item(&session, Some(t as usize))
                    .map(|item| item.into_owned())
                    .ok_or_else(|| "the selected transaction has no body to export".to_string()),
            ))
        });
    }

    /// `E`: every listed transaction's body, into a directory named in a
    /// prompt.
    fn export_all(&self, cx: &Ctx) {
        let Some(rows) = &self.rows else { return };
        let listed: Vec<u32> = self
            .order
            .iter()
            .filter_map(|&i| rows.get(i)?.journey.transaction)
            .collect();
        if listed.is_empty() {
            cx.post(Msg::Status("no HTTP transaction listed".into()));
            return;
        }
        cx.post(Msg::OpenPrompt(Box::new(Prompt::new(
            PromptKind::ExportAll(Arc::new(listed)),
            super::export_all::DEFAULT_DIR.into(),
        ))));
    }

    pub fn handle(&mut self, input: Input, cx: &Ctx) -> Handled {
        match input {
            Input::Action(action) => {
                if let Some(delta) = movement(action, self.page()) {
                    self.selected = step(self.selected, delta, self.len());
                    return Handled::Consumed;
                }
                match action {
                    Action::Sort => {
                        self.sort = self.sort.next();
                        self.apply_sort();
                        cx.post(Msg::Status(format!(
                            "HTTP transactions by {}",
                            self.sort.name()
                        )));
                    }
                    Action::Activate => self.open_selected(cx),
                    Action::Export => self.export(cx),
                    Action::ExportAll => self.export_all(cx),
                    Action::Find => {
                        let input = self
                            .filter
                            .as_ref()
                            .map(|f| f.0.clone())
                            .unwrap_or_default();
                        cx.post(Msg::OpenPrompt(Box::new(Prompt::new(
                            PromptKind::Filter,
                            input,
                        ))));
                    }
                    _ => return Handled::Ignored,
                }
                Handled::Consumed
            }
            Input::Scroll(_, delta) => {
                self.selected = step(self.selected, delta, self.len());
                Handled::Consumed
            }
            Input::Click(at) => {
                if let Some(r) = row_in(self.area, 1, at) {
                    let target = self.first + r;
                    if target < self.len() {
                        self.selected = target;
                    }
                }
                Handled::Consumed
            }
        }
    }

    pub fn draw(&mut self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        self.area = area;
        let filtered = match &self.filter {
            Some((text, _)) => format!(" matching {}", sanitize(text)),
            None => String::new(),
        };
        let title = format!(
            "Network: {} HTTP transactions{filtered} by {} (s: sort, /: filter, Enter: open, e/E: export, Esc: back)",
            self.order.len(),
            self.sort.name()
        );
        let Some(rows) = &self.rows else {
            building(frame, area, cx, "Network", JobKind::Journeys, None);
            return;
        };
        let inner = usize::from(area.width.saturating_sub(2));
        let height = usize::from(area.height.saturating_sub(3)).max(1);
        scroll_into_view(&mut self.first, self.selected, height);
        // Column widths: the name takes what the fixed columns and the bar leave.
        let wide = inner >= 120;
        let (method_w, status_w, type_w, size_w, time_w) = (7, 5, if wide { 20 } else { 0 }, 8, 9);
        let bar_w = (inner / 3).max(10);
        let name_w = inner
            .saturating_sub(method_w + status_w + type_w + size_w + time_w + bar_w + 1)
            .max(8);
        let axis = rows
            .iter()
            .filter_map(|r| r.journey.extent())
            .fold(None::<Axis>, |a, e| {
                Some(match a {
                    None => Axis {
                        start_ns: e.start_ns,
                        end_ns: e.end_ns,
                    },
                    Some(a) => Axis {
                        start_ns: a.start_ns.min(e.start_ns),
                        end_ns: a.end_ns.max(e.end_ns),
                    },
                })
            })
            .unwrap_or(Axis {
                start_ns: 0,
                end_ns: 0,
            });
        let cell = |s: &str, w: usize| -> String {
            let s: String = s.chars().take(w.saturating_sub(1)).collect();
            format!("{s:<w$}")
        };
        let bold = Style::default().add_modifier(Modifier::BOLD);
        let mut lines = vec![Line::from(vec![
            Span::styled(cell("Method", method_w), bold),
            Span::styled(cell(if wide { "Host / URI" } else { "URI" }, name_w), bold),
            Span::styled(cell("Code", status_w), bold),
            Span::styled(cell("Type", type_w), bold),
            Span::styled(format!("{:>w$} ", "Size", w = size_w - 1), bold),
            Span::styled(format!("{:>w$} ", "Time", w = time_w - 1), bold),
            Span::styled(
                cell(
                    &format!(
                        "Waterfall ({})",
                        format_duration(axis.end_ns - axis.start_ns)
                    ),
                    bar_w,
                ),
                bold,
            ),
        ])];
        for pos in self.first..self.len().min(self.first + height) {
            let Some(r) = self.order.get(pos).and_then(|&i| rows.get(i)) else {
                continue;
            };
            let j = &r.journey;
            // Narrow screens show the URI alone (as a browser's Name column).
            let host = j.host.as_deref().map(sanitize).unwrap_or_default();
            let uri = j.uri.as_deref().map(sanitize).unwrap_or_default();
            let name = if wide || uri.is_empty() {
                format!("{host}{uri}")
            } else {
                uri.into_owned()
            };
            let style = if pos == self.selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            let method = j.method.as_deref().map(sanitize).unwrap_or("TLS".into());
            let mut spans = vec![
                Span::styled(cell(&method, method_w), style),
                Span::styled(cell(&name, name_w), style),
                Span::styled(
                    cell(
                        &j.status.map(|c| c.to_string()).unwrap_or_default(),
                        status_w,
                    ),
                    style,
                ),
                Span::styled(cell(&sanitize(&r.content_type), type_w), style),
                Span::styled(format!("{:>w$} ", r.size, w = size_w - 1), style),
                Span::styled(
                    format!(
                        "{:>w$} ",
                        j.extent()
                            .map(|e| format_duration(e.duration_ns()))
                            .unwrap_or_default(),
                        w = time_w - 1
                    ),
                    style,
                ),
            ];
            spans.extend(bar(j, axis, bar_w));
            lines.push(Line::from(spans));
        }
        if rows.is_empty() {
            lines.push(Line::from("no HTTP transactions in this capture"));
        }
        frame.render_widget(Paragraph::new(lines).block(block(&title, true)), area);
    }
}
