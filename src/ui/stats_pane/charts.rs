//! The statistics charts as [`Plot`]s: the I/O graph (frames per interval),
//! the TCP stream graph (Stevens: sequence number against time, with the
//! receive-window line), throughput and round-trip time. A plot carries
//! its series to draw and its [`Pick`]s, the points that select a packet
//! (an interval's first frame, a segment, the ACK of an RTT sample), so the
//! chart cursor and a mouse click land on what is drawn. Drawing returns
//! the [`Geometry`] of the plotting area, which maps a click back to data.

use super::data::StatsData;
use super::tcp_plots;
use super::StatsTab;
use crate::stats::io::IoStat;
use crate::stats::scale;
use crate::ui::render::block;
use crate::ui::stats_charts::{axis_labels, draw_sparkline, Zoom};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};
use ratatui::Frame;

/// A point of a chart that stands for a packet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pick {
    pub x: f64,
    pub y: f64,
    /// 0-based packet index.
    pub packet: u32,
}

/// One line or scatter of a plot.
pub struct Series {
    pub name: &'static str,
    pub graph: GraphType,
    pub points: Vec<(f64, f64)>,
    /// Drawn in this colour (else the terminal's).
    pub color: Option<Color>,
}

/// A chart ready to draw.
pub struct Plot {
    pub title: String,
    pub series: Vec<Series>,
    pub picks: Vec<Pick>,
    /// The x range of the whole chart (what the zoom is a window of).
    pub whole_x: [f64; 2],
    /// The y axis starts at 0 (counts and rates).
    pub from_zero: bool,
    pub y_unit: &'static str,
    /// A click picks by time only (lines); else by distance on screen.
    pub by_x: bool,
    /// The y value's name in the cursor line.
    pub y_name: &'static str,
}

/// Where a chart's points were drawn: the plotting area and its bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub graph: Rect,
    pub xs: [f64; 2],
    pub ys: [f64; 2],
    pub by_x: bool,
}

impl Geometry {
    /// The screen cell of a data point (None: outside the window), as
    /// ratatui's braille grid places it (2x4 dots a cell, the dot rounded).
    pub fn cell(&self, x: f64, y: f64) -> Option<Position> {
        let inside =
            (self.xs[0]..=self.xs[1]).contains(&x) && (self.ys[0]..=self.ys[1]).contains(&y);
        let dot = |f: f64, dots: u16| (f * (f64::from(dots) - 1.0)).round().max(0.0) as u16;
        inside.then(|| {
            let fx = scale::fraction_of(x, self.xs);
            let fy = 1.0 - scale::fraction_of(y, self.ys);
            let col = dot(fx, self.graph.width.saturating_mul(2)) / 2;
            let row = dot(fy, self.graph.height.saturating_mul(4)) / 4;
            Position::new(
                self.graph.x + col.min(self.graph.width - 1),
                self.graph.y + row.min(self.graph.height - 1),
            )
        })
    }

    /// The pick drawn nearest to a click at `at`, counted in cells (only
    /// columns for a line: by time); the first of those in the same cell.
    /// None: the click is outside the plotting area, or nothing is shown.
    pub fn nearest(&self, picks: &[Pick], at: Position) -> Option<usize> {
        if !self.graph.contains(at) {
            return None;
        }
        picks
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let c = self.cell(p.x, p.y)?;
                let dx = u32::from(c.x.abs_diff(at.x));
                let dy = if self.by_x {
                    0
                } else {
                    u32::from(c.y.abs_diff(at.y))
                };
                Some((dx * dx + dy * dy, i))
            })
            .min()
            .map(|(_, i)| i)
    }
}

/// The plotting area ratatui's Chart leaves inside `inner` for these axis
/// labels (its `layout`: the x labels and the x axis take the bottom two
/// rows, the y labels and the y axis the left columns, at most a third of
/// the width).
fn graph_area(inner: Rect, x_labels: &[Line<'_>], y_labels: &[Line<'_>]) -> Option<Rect> {
    if inner.width == 0 || inner.height == 0 {
        return None;
    }
    let mut x = inner.left();
    let mut y = inner.bottom() - 1;
    if !x_labels.is_empty() && y > inner.top() {
        y -= 1;
    }
    let y_w = y_labels.iter().map(Line::width).max().unwrap_or(0) as u16;
    let first_x = x_labels
        .first()
        .map(|l| (l.width() as u16).saturating_sub(u16::from(!y_labels.is_empty())))
        .unwrap_or(0);
    x += y_w.max(first_x).min(inner.width / 3);
    if !x_labels.is_empty() && y > inner.top() {
        y -= 1;
    }
    if !y_labels.is_empty() && x + 1 < inner.right() {
        x += 1;
    }
    let width = inner.right().saturating_sub(x);
    let height = y.saturating_sub(inner.top()) + 1;
    (width > 0).then(|| Rect::new(x, inner.top(), width, height))
}

/// The x range of all of `points`.
pub(super) fn whole(points: impl IntoIterator<Item = f64>) -> [f64; 2] {
    scale::bounds_of(points)
}

/// The I/O graph's plot: frames per interval; an interval picks its first
/// frame, or the first of a later interval when it has none.
pub fn io_plot(io: &IoStat, zoom: &Zoom) -> Option<Plot> {
    if io.rows.is_empty() {
        return None;
    }
    let points: Vec<(f64, f64)> = (0..io.rows.len())
        .map(|r| {
            let start = io.row_span(r).0 as f64 / 1e6;
            (start, io.rows[r].first().map_or(0.0, |c| c.frames as f64))
        })
        .collect();
    let mut picks = Vec::with_capacity(points.len());
    let mut next: Option<u32> = None;
    for (r, p) in points.iter().enumerate().rev() {
        next = io.rows[r].first().and_then(|c| c.first).or(next);
        if let Some(packet) = next {
            picks.push(Pick {
                x: p.0,
                y: p.1,
                packet,
            });
        }
    }
    picks.reverse();
    Some(Plot {
        title: format!(
            "I/O Graph: frames per {} s{}",
            io.interval_us as f64 / 1e6,
            zoom.note()
        ),
        whole_x: whole(points.iter().map(|p| p.0)),
        series: vec![Series {
            name: "frames",
            graph: GraphType::Line,
            points,
            color: None,
        }],
        picks,
        from_zero: true,
        y_unit: "",
        by_x: true,
        y_name: "frames",
    })
}

/// The plot of a chart tab (None: nothing to draw, or not computed yet).
pub fn plot_of(tab: StatsTab, data: &StatsData, zoom: &Zoom) -> Option<Plot> {
    match tab {
        StatsTab::IoGraph => io_plot(data.io.as_ref()?, zoom),
        StatsTab::TcpGraph => tcp_plots::stevens(data.tcp.as_ref()?, zoom),
        StatsTab::Tcptrace => tcp_plots::tcptrace(data.tcp.as_ref()?, zoom),
        StatsTab::Throughput => tcp_plots::throughput(data.tcp.as_ref()?, zoom),
        StatsTab::Rtt => tcp_plots::rtt(data.tcp.as_ref()?, zoom),
        StatsTab::WindowScaling => tcp_plots::window_scaling(data.tcp.as_ref()?, zoom),
        _ => None,
    }
}

/// What a chart tab says when there is nothing to draw: its title and why.
pub fn empty_note(tab: StatsTab) -> (&'static str, &'static str) {
    match tab {
        StatsTab::IoGraph => (
            "I/O Graph",
            "no interval to draw: the capture has no duration",
        ),
        StatsTab::Rtt => ("Round Trip Time", "no acknowledged segment to draw"),
        StatsTab::Throughput => ("Throughput", "no TCP data segments to draw"),
        StatsTab::Tcptrace => (
            "TCP Stream Graph (tcptrace)",
            "no TCP data segments to draw",
        ),
        StatsTab::WindowScaling => ("Window Scaling", "no TCP data segments to draw"),
        _ => ("TCP Stream Graph", "no TCP data segments to draw"),
    }
}

/// Draws `plot` inside `zoom`'s window with the cursor's pick marked, and
/// a line under it naming the cursor's packet (or the keys); returns where
/// the points went.
pub fn draw_plot(
    frame: &mut Frame<'_>,
    area: Rect,
    plot: &Plot,
    zoom: &Zoom,
    cursor: Option<&Pick>,
) -> Option<Geometry> {
    let (area, foot) = if area.height >= 8 {
        let [a, f] = Layout::vertical([Constraint::Min(6), Constraint::Length(1)]).areas(area);
        (a, Some(f))
    } else {
        (area, None)
    };
    let xs = zoom.window(plot.whole_x);
    let inside = |p: &(f64, f64)| p.0 >= xs[0] && p.0 <= xs[1];
    let shown: Vec<Vec<(f64, f64)>> = plot
        .series
        .iter()
        .map(|s| s.points.iter().filter(|p| inside(p)).copied().collect())
        .collect();
    let ys_of = shown.iter().flatten().map(|p| p.1);
    let ys = if plot.from_zero {
        scale::axis_bounds(0.0, ys_of.fold(0.0, f64::max))
    } else {
        scale::bounds_of(ys_of)
    };
    let marker = cursor
        .filter(|c| inside(&(c.x, c.y)))
        .map(|c| [(c.x, ys[0]), (c.x, ys[1])]);
    let mut datasets: Vec<Dataset<'_>> = plot
        .series
        .iter()
        .zip(&shown)
        .map(|(s, points)| {
            let d = Dataset::default()
                .name(s.name)
                .marker(Marker::Braille)
                .graph_type(s.graph)
                .data(points);
            match s.color {
                Some(c) => d.style(Style::default().fg(c)),
                None => d,
            }
        })
        .collect();
    if let Some(line) = &marker {
        datasets.push(
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::default().fg(Color::Yellow))
                .data(line),
        );
    }
    let x_labels = axis_labels(xs, "s");
    let y_labels = axis_labels(ys, plot.y_unit);
    let block = block(&plot.title, true);
    let graph = graph_area(block.inner(area), &x_labels, &y_labels);
    let chart = Chart::new(datasets)
        .block(block)
        .x_axis(Axis::default().bounds(xs).labels(x_labels))
        .y_axis(Axis::default().bounds(ys).labels(y_labels));
    frame.render_widget(chart, area);
    if let Some(foot) = foot {
        let text = match cursor {
            Some(c) => format!(
                " frame {}: {:.6} s, {} {} (Enter: show it; ←→ next point)",
                c.packet + 1,
                c.x,
                fmt_value(c.y),
                plot.y_name
            ),
            None => " ←→: cursor on the points; click: select; PgUp/PgDn: pan".to_string(),
        };
        frame.render_widget(
            Paragraph::new(text).style(Style::default().add_modifier(Modifier::DIM)),
            foot,
        );
    }
    graph.map(|graph| Geometry {
        graph,
        xs,
        ys,
        by_x: plot.by_x,
    })
}

fn fmt_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}

/// The I/O graph: the whole capture's packets per second as a sparkline
/// above the zoomable chart.
pub fn draw_io(
    frame: &mut Frame<'_>,
    area: Rect,
    io: &IoStat,
    plot: &Plot,
    zoom: &Zoom,
    cursor: Option<&Pick>,
) -> Option<Geometry> {
    let area = if area.height >= 14 {
        let [top, rest] = Layout::vertical([Constraint::Length(3), Constraint::Min(8)]).areas(area);
        let counts: Vec<u64> = io
            .rows
            .iter()
            .map(|cells| cells.first().map_or(0, |c| c.frames))
            .collect();
        draw_sparkline(frame, top, &counts, io.interval_us, zoom);
        rest
    } else {
        area
    };
    draw_plot(frame, area, plot, zoom, cursor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    fn plot(points: Vec<(f64, f64)>, by_x: bool) -> Plot {
        Plot {
            title: "t".into(),
            whole_x: whole(points.iter().map(|p| p.0)),
            picks: points
                .iter()
                .enumerate()
                .map(|(i, p)| Pick {
                    x: p.0,
                    y: p.1,
                    packet: i as u32,
                })
                .collect(),
            series: vec![Series {
                name: "s",
                graph: GraphType::Scatter,
                points,
                color: None,
            }],
            from_zero: false,
            y_unit: "",
            by_x,
            y_name: "y",
        }
    }

    /// The plotting area is the one ratatui drew into: every point's cell
    /// (through [`Geometry::cell`]) holds a braille dot, and a click there
    /// picks that point.
    #[test]
    fn geometry_matches_what_ratatui_draws() {
        // Falling to the right: the legend (top right) hides none of them.
        let points: Vec<(f64, f64)> = (0..7)
            .map(|i| (f64::from(i) * 1.5, f64::from((6 - i) * (6 - i))))
            .collect();
        let p = plot(points.clone(), false);
        for (w, h) in [(80, 24), (200, 50), (30, 9), (12, 5)] {
            let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
            let mut geo = None;
            t.draw(|f| geo = draw_plot(f, f.area(), &p, &Zoom::default(), None))
                .expect("draw");
            let Some(geo) = geo else {
                assert!(w < 20, "{w}x{h}");
                continue;
            };
            let buf = t.backend().buffer().clone();
            for (i, &(x, y)) in points.iter().enumerate() {
                let at = geo.cell(x, y).expect("inside");
                let sym = buf[(at.x, at.y)].symbol().chars().next().unwrap_or(' ');
                assert!(
                    ('\u{2801}'..='\u{28ff}').contains(&sym),
                    "{w}x{h} point {i} at {at:?}: {sym:?}"
                );
                // That point, or one drawn in the same cell (tiny screens).
                let got = geo.nearest(&p.picks, at).expect("picked");
                let (gx, gy) = points[got];
                assert_eq!(geo.cell(gx, gy), Some(at), "{w}x{h} point {i}");
                if w >= 80 {
                    assert_eq!(got, i, "{w}x{h}");
                }
            }
            assert_eq!(geo.nearest(&p.picks, Position::new(0, 0)), None);
        }
    }

    #[test]
    fn a_line_picks_by_time_and_an_empty_interval_picks_the_next_frame() {
        let p = plot(vec![(0.0, 0.0), (1.0, 100.0), (2.0, 0.0)], true);
        let geo = Geometry {
            graph: Rect::new(10, 0, 30, 10),
            xs: [0.0, 2.0],
            ys: [0.0, 100.0],
            by_x: true,
        };
        // Far below the peak, but at its time.
        assert_eq!(geo.nearest(&p.picks, Position::new(25, 9)), Some(1));
        let io = IoStat {
            interval_us: 1_000_000,
            duration_us: 3_000_000,
            series: vec![crate::stats::io::Series::parse("").expect("series")],
            rows: vec![vec![Default::default()]; 3],
        };
        let mut io = io;
        io.rows[1][0].frames = 2;
        io.rows[1][0].first = Some(7);
        let plot = io_plot(&io, &Zoom::default()).expect("plot");
        let packets: Vec<u32> = plot.picks.iter().map(|p| p.packet).collect();
        assert_eq!(
            packets,
            [7, 7],
            "row 0 jumps to row 1's frame; row 2 has none after it"
        );
    }
}
