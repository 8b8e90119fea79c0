//! The statistics screens: the protocol hierarchy and the endpoints table
//! (`stats_pane/tables.rs`), the I/O graph (`stats_pane/charts.rs`), the
//! TCP stream graphs: Stevens, tcptrace, throughput, round-trip time and
//! window scaling (`stats_pane/tcp_plots.rs`), and the flow graph
//! (`stats_pane/flow_view.rs`), and the HTTP and DNS trees
//! (`stats_pane/trees.rs`). Each screen's results are computed
//! by a background job when it is first shown (`stats_pane/data.rs`);
//! drawing only reads them, and every axis goes through
//! [`crate::stats::scale`], so a one-packet or zero-duration capture still
//! draws.
//!
//! `z` opens them (as tshark's `-z`), Space goes to the next screen. In a
//! chart, ←→ move a cursor from point to point and the packet list selects
//! the point's packet (Enter shows it there), a click does the same for the
//! point under the mouse, ↑↓ (or the wheel) zoom around the cursor, PgUp and
//! PgDn pan, `g` shows the whole and `d` graphs the other direction of the
//! connection.

mod charts;
pub mod data;
mod flow_view;
mod tables;
mod tcp_plots;
mod trees;

pub use charts::{Geometry, Pick};
pub use data::{Need, Part, Scope, StatsData, IO_BUCKETS};
pub use flow_view::FlowCursor;
pub use tables::{draw_endpoints, draw_hierarchy, EndpointSort};

use super::app::{movement, Ctx, Handled, Input, Msg, View};
use super::jobs::{JobKind, Output};
use super::packets_pane::PacketsPane;
use super::render::block;
use crate::flow::Direction;
use crate::journey::NameMap;
use crate::ui::keymap::Action;
use crate::ui::stats_charts::Zoom;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Which statistics screen is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatsTab {
    #[default]
    Hierarchy,
    Endpoints,
    IoGraph,
    TcpGraph,
    Tcptrace,
    Throughput,
    Rtt,
    WindowScaling,
    Flow,
    /// HTTP statistics: tshark's http,tree and http_req,tree, and the
    /// response time distribution.
    Http,
    /// DNS statistics: tshark's dns,tree.
    Dns,
}

impl StatsTab {
    /// A chart (a cursor, zoom and pan) rather than a list.
    pub fn is_chart(self) -> bool {
        matches!(
            self,
            StatsTab::IoGraph
                | StatsTab::TcpGraph
                | StatsTab::Tcptrace
                | StatsTab::Throughput
                | StatsTab::Rtt
                | StatsTab::WindowScaling
        )
    }

    fn next(self) -> StatsTab {
        match self {
            StatsTab::Hierarchy => StatsTab::Endpoints,
            StatsTab::Endpoints => StatsTab::IoGraph,
            StatsTab::IoGraph => StatsTab::TcpGraph,
            StatsTab::TcpGraph => StatsTab::Tcptrace,
            StatsTab::Tcptrace => StatsTab::Throughput,
            StatsTab::Throughput => StatsTab::Rtt,
            StatsTab::Rtt => StatsTab::WindowScaling,
            StatsTab::WindowScaling => StatsTab::Flow,
            StatsTab::Flow => StatsTab::Http,
            StatsTab::Http => StatsTab::Dns,
            StatsTab::Dns => StatsTab::Hierarchy,
        }
    }

    /// The part of the results this screen draws.
    pub fn need(self) -> Need {
        match self {
            StatsTab::Hierarchy => Need::Hierarchy,
            StatsTab::Endpoints => Need::Endpoints,
            StatsTab::IoGraph => Need::Io,
            StatsTab::TcpGraph
            | StatsTab::Tcptrace
            | StatsTab::Throughput
            | StatsTab::Rtt
            | StatsTab::WindowScaling => Need::Tcp,
            StatsTab::Flow => Need::Flow,
            StatsTab::Http => Need::Http,
            StatsTab::Dns => Need::Dns,
        }
    }
}

impl Scope {
    /// What the packet list shows: its filter's matches and its selection.
    pub fn of(list: &PacketsPane) -> Scope {
        Scope {
            filter: list
                .filter
                .as_ref()
                .map(|f| (f.text().to_string(), f.matches.clone())),
            packet: list.selected,
            direction: None,
        }
    }
}

/// The statistics screen's state.
#[derive(Default)]
pub struct StatsPane {
    pub tab: StatsTab,
    pub data: StatsData,
    pub scope: Scope,
    /// The part a job is computing.
    pub building: Option<Need>,
    /// First row shown in the tree.
    pub offset: usize,
    /// The charts' window on their x axis.
    pub zoom: Zoom,
    /// The chart cursor: an index in the chart's picks.
    pub cursor: Option<usize>,
    /// Where the chart's points were drawn last (for clicks).
    pub geometry: Option<Geometry>,
    /// The endpoints table's order, and its selected row.
    pub endpoint_sort: EndpointSort,
    pub endpoint: usize,
    pub flow: FlowCursor,
}

impl StatsPane {
    /// Shows the screens for what the packet list shows now: the parts that
    /// depend on it (the flow graph on its filter, the TCP graphs on the
    /// selected packet's connection) are computed again if it changed.
    pub fn open(&mut self, cx: &Ctx, scope: Scope) {
        if scope.filter_text() != self.scope.filter_text() {
            self.drop_part(Need::Flow);
            self.flow = FlowCursor::default();
        }
        let stream = |packet| {
            cx.trace()
                .and_then(|s| data::graphed_connection(s, packet).map(|c| c.stream))
        };
        let mut scope = scope;
        if stream(scope.packet) == stream(self.scope.packet) {
            scope.direction = self.scope.direction;
        } else {
            self.drop_part(Need::Tcp);
        }
        self.scope = scope;
        self.ensure(cx);
    }

    fn drop_part(&mut self, need: Need) {
        match need {
            Need::Flow => self.data.flow = None,
            Need::Tcp => self.data.tcp = None,
            _ => return,
        }
        if self.building == Some(need) {
            self.building = None;
        }
        if self.tab.need() == need {
            self.cursor = None;
            self.zoom = Zoom::default();
        }
    }

    /// Starts the job computing the shown screen's part if it is missing.
    fn ensure(&mut self, cx: &Ctx) {
        let need = self.tab.need();
        if self.data.has(need) || self.building == Some(need) {
            return;
        }
        let Some(session) = cx.trace.clone() else {
            return;
        };
        self.building = Some(need);
        let scope = self.scope.clone();
        cx.jobs.start(JobKind::Stats, move |_| {
            Some(Output::Stats(Box::new(need.compute(&session, &scope))))
        });
    }

    /// Computes the results again (the whole file replaced its preview).
    pub fn refresh(&mut self, cx: &Ctx) {
        self.data = StatsData::default();
        self.building = None;
        self.cursor = None;
        self.ensure(cx);
    }

    pub fn install(&mut self, part: Part) {
        self.building = None;
        self.data.install(part);
    }

    pub fn handle(&mut self, input: Input, cx: &Ctx) -> Handled {
        match input {
            Input::Action(Action::Toggle) => {
                self.tab = self.tab.next();
                self.offset = 0;
                self.zoom = Zoom::default();
                self.cursor = None;
                self.geometry = None;
                self.ensure(cx);
                Handled::Consumed
            }
            _ if self.tab == StatsTab::Flow => match &self.data.flow {
                Some(flow) => self.flow.handle(input, flow, cx),
                None => Handled::Ignored,
            },
            Input::Action(a) if self.tab == StatsTab::Endpoints => self.endpoints_key(a, cx),
            _ if self.tab.is_chart() => self.chart_input(input, cx),
            Input::Action(a) => match movement(a, 10) {
                Some(d) => {
                    self.scroll(d);
                    Handled::Consumed
                }
                None => Handled::Ignored,
            },
            Input::Scroll(_, d) => {
                self.scroll(d);
                Handled::Consumed
            }
            Input::Click(_) => Handled::Ignored,
        }
    }

    /// The points of the chart shown that select a packet (none: not a
    /// chart, or nothing to draw).
    pub fn picks(&self) -> Vec<Pick> {
        charts::plot_of(self.tab, &self.data, &self.zoom).map_or_else(Vec::new, |p| p.picks)
    }

    fn scroll(&mut self, d: isize) {
        let data = &self.data;
        let rows = match self.tab {
            StatsTab::Http => data.http.as_deref().map_or(0, |t| trees::rows(t).len()),
            StatsTab::Dns => data
                .dns
                .as_ref()
                .map_or(0, |t| trees::rows(std::slice::from_ref(t)).len()),
            _ => data.hierarchy.as_ref().map_or(0, |h| {
                let mut v = Vec::new();
                tables::flatten(&h.roots, 0, &mut v);
                v.len()
            }),
        };
        self.offset = self
            .offset
            .saturating_add_signed(d)
            .min(rows.saturating_sub(1));
    }

    /// A chart's keys and mouse: the cursor, zoom, pan, direction.
    fn chart_input(&mut self, input: Input, cx: &Ctx) -> Handled {
        let Some(plot) = charts::plot_of(self.tab, &self.data, &self.zoom) else {
            return Handled::Ignored;
        };
        let n = plot.picks.len();
        let fraction = |p: &Pick| crate::stats::scale::fraction_of(p.x, plot.whole_x);
        let mut moved = None;
        match input {
            Input::Action(Action::Up) | Input::Scroll(_, ..0) => {
                if let Some(c) = self.cursor.and_then(|c| plot.picks.get(c)) {
                    self.zoom.center = fraction(c);
                }
                self.zoom.zoom(true)
            }
            Input::Action(Action::Down) | Input::Scroll(..) => self.zoom.zoom(false),
            Input::Action(Action::PageUp) => self.zoom.pan(false),
            Input::Action(Action::PageDown) => self.zoom.pan(true),
            Input::Action(Action::Top) => self.zoom = Zoom::default(),
            Input::Action(a @ (Action::Fold | Action::Unfold)) if n > 0 => {
                let right = a == Action::Unfold;
                let window = self.zoom.window(plot.whole_x);
                let shown = |p: &Pick| p.x >= window[0] && p.x <= window[1];
                let next = match self.cursor.filter(|&c| c < n) {
                    Some(c) if right => (c + 1).min(n - 1),
                    Some(c) => c.saturating_sub(1),
                    // No cursor yet: the first (or last) point shown.
                    None if right => plot.picks.iter().position(shown).unwrap_or(0),
                    None => plot.picks.iter().rposition(shown).unwrap_or(n - 1),
                };
                self.zoom.follow(fraction(&plot.picks[next]));
                moved = Some(next);
            }
            Input::Action(Action::Activate) => {
                let c = self.cursor.and_then(|c| plot.picks.get(c));
                let Some(c) = c else {
                    return Handled::Ignored;
                };
                cx.post(Msg::SelectPacket(c.packet as usize));
                cx.post(Msg::Show(View::Packets));
            }
            Input::Action(Action::Direction) if self.tab.need() == Need::Tcp => {
                let now = self.data.tcp.as_ref().and_then(|g| g.direction);
                self.scope.direction = Some(match now {
                    Some(Direction::AtoB) => Direction::BtoA,
                    _ => Direction::AtoB,
                });
                self.drop_part(Need::Tcp);
                self.ensure(cx);
            }
            Input::Click(at) => {
                let Some(i) = self.geometry.and_then(|g| g.nearest(&plot.picks, at)) else {
                    return Handled::Ignored;
                };
                moved = Some(i);
            }
            Input::Action(_) => return Handled::Ignored,
        }
        if let Some(i) = moved {
            self.cursor = Some(i);
            let packet = plot.picks[i].packet as usize;
            cx.post(Msg::SelectPacket(packet));
            cx.post(Msg::Status(format!(
                "frame {} selected in the packet list (Enter: show it)",
                packet + 1
            )));
        }
        Handled::Consumed
    }

    pub fn draw(&mut self, frame: &mut Frame<'_>, area: Rect) {
        self.draw_named(frame, area, None)
    }

    /// Draws the screen; `names`: the names toggle (`R`) is on and the
    /// capture's names are read (the endpoints table shows them).
    pub fn draw_named(&mut self, frame: &mut Frame<'_>, area: Rect, names: Option<&NameMap>) {
        let d = &self.data;
        if !d.has(self.tab.need()) {
            self.geometry = None;
            let p = Paragraph::new("computing statistics…").block(block("Statistics", true));
            frame.render_widget(p, area);
            return;
        }
        match self.tab {
            StatsTab::Hierarchy => {
                if let Some(h) = &d.hierarchy {
                    draw_hierarchy(frame, area, h, self.offset)
                }
            }
            StatsTab::Endpoints => {
                if let Some(e) = &d.endpoints {
                    let title = format!(
                        " by {} (s: sort, Enter: apply as filter)",
                        self.endpoint_sort.name()
                    );
                    draw_endpoints(frame, area, e, self.endpoint, &title, names)
                }
            }
            StatsTab::Flow => {
                if let Some(flow) = &d.flow {
                    self.flow.draw(frame, area, flow)
                }
            }
            StatsTab::Http => {
                if let Some(t) = &d.http {
                    let title = "HTTP Statistics (http,tree, http_req,tree, http_time,tree)";
                    trees::draw_trees(frame, area, title, t, self.offset)
                }
            }
            StatsTab::Dns => {
                if let Some(t) = &d.dns {
                    let title = "DNS Statistics (dns,tree)";
                    trees::draw_trees(frame, area, title, std::slice::from_ref(t), self.offset)
                }
            }
            tab => {
                let plot = charts::plot_of(tab, d, &self.zoom);
                let cursor = self
                    .cursor
                    .and_then(|c| plot.as_ref().and_then(|p| p.picks.get(c)));
                self.geometry = match (&plot, &d.io) {
                    (Some(plot), Some(io)) if tab == StatsTab::IoGraph => {
                        charts::draw_io(frame, area, io, plot, &self.zoom, cursor)
                    }
                    (Some(plot), _) => charts::draw_plot(frame, area, plot, &self.zoom, cursor),
                    (None, _) => {
                        let (title, why) = charts::empty_note(tab);
                        frame.render_widget(Paragraph::new(why).block(block(title, true)), area);
                        None
                    }
                };
            }
        }
    }
}

#[cfg(test)]
mod tests;
