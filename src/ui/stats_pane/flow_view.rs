//! The flow graph screen (Wireshark's Statistics ▸ Flow Graph) for the
//! packets the list displays: a column per endpoint in order of appearance,
//! and per packet two lines, its Info over the arrow with the time and
//! `Protocol: Info` beside them, then the arrow between the endpoints'
//! lifelines with both ports at its ends. The graph's skeleton comes from
//! [`crate::stats::flow_graph::index`]; only the rows shown are formatted.
//!
//! ↑↓ (PgUp/PgDn, g/G) move the selected packet, which the packet list
//! selects too; ←→ scroll the columns; Enter shows the packet in the list;
//! a click selects the row under it.

use super::data::FlowData;
use crate::fields::{columns, PacketView};
use crate::stats::flow_graph::{Arrow, NODE_WIDTH};
use crate::text::sanitize;
use crate::ui::app::{movement, scroll_into_view, step, Ctx, Handled, Input, Msg, View};
use crate::ui::keymap::Action;
use crate::ui::render::block;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Width of the time column.
const TIME_WIDTH: usize = 11;
/// The comment column keeps at least this many characters.
const COMMENT_MIN: usize = 24;
/// Lines above the rows inside the border: the node names.
const HEADER: u16 = 1;

/// Where the flow graph screen is.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FlowCursor {
    /// The selected arrow and the first shown.
    pub selected: usize,
    pub offset: usize,
    /// The first node column shown.
    pub first_node: usize,
    /// Where the screen was drawn last (for clicks).
    pub area: Rect,
}

impl FlowCursor {
    fn rows(&self) -> usize {
        usize::from(self.area.height.saturating_sub(2 + HEADER) / 2).max(1)
    }

    pub fn handle(&mut self, input: Input, flow: &FlowData, cx: &Ctx) -> Handled {
        let n = flow.index.arrows.len();
        let before = self.selected;
        match input {
            Input::Action(Action::Fold) => self.first_node = self.first_node.saturating_sub(1),
            Input::Action(Action::Unfold) => {
                self.first_node =
                    (self.first_node + 1).min(flow.index.nodes.len().saturating_sub(1))
            }
            Input::Action(Action::Activate) => {
                if let Some(a) = flow.index.arrows.get(self.selected) {
                    cx.post(Msg::SelectPacket(a.packet as usize));
                    cx.post(Msg::Show(View::Packets));
                }
                return Handled::Consumed;
            }
            Input::Action(a) => match movement(a, self.rows()) {
                Some(d) => self.selected = step(self.selected, d, n),
                None => return Handled::Ignored,
            },
            Input::Scroll(_, d) => self.selected = step(self.selected, d, n),
            Input::Click(at) => {
                let top = self.area.y + 1 + HEADER;
                let inside = self.area.contains(at) && at.y >= top && at.y + 1 < self.area.bottom();
                if !inside {
                    return Handled::Ignored;
                }
                let row = self.offset + usize::from((at.y - top) / 2);
                if row >= n {
                    return Handled::Ignored;
                }
                self.selected = row;
            }
        }
        if self.selected != before || matches!(input, Input::Click(_)) {
            if let Some(a) = flow.index.arrows.get(self.selected) {
                cx.post(Msg::SelectPacket(a.packet as usize));
            }
        }
        Handled::Consumed
    }

    /// Draws the graph, the selected packet's rows highlighted.
    pub fn draw(&mut self, frame: &mut Frame<'_>, area: Rect, flow: &FlowData) {
        self.area = area;
        let g = &flow.index;
        let width = usize::from(area.width.saturating_sub(2));
        self.first_node = self.first_node.min(g.nodes.len().saturating_sub(1));
        // As many columns as fit, widened (up to twice) when few are left.
        let room = width.saturating_sub(TIME_WIDTH + COMMENT_MIN);
        let lanes = (room / NODE_WIDTH)
            .min(g.nodes.len() - self.first_node.min(g.nodes.len()))
            .max(1);
        let lane = (room / lanes).clamp(NODE_WIDTH, 2 * NODE_WIDTH);
        self.selected = self.selected.min(g.arrows.len().saturating_sub(1));
        let rows = self.rows();
        scroll_into_view(&mut self.offset, self.selected, rows);
        let shown = self.first_node..(self.first_node + lanes).min(g.nodes.len());
        let filter = flow
            .filter
            .as_deref()
            .map(|f| format!(", filter {}", sanitize(f)))
            .unwrap_or_default();
        let title = format!(
            "Flow Graph: {} packets, {} nodes{filter} (←→ columns, Enter: show packet)",
            g.arrows.len(),
            g.nodes.len(),
        );
        if g.arrows.is_empty() {
            let p = Paragraph::new("no packet with a source and a destination address")
                .block(block(&title, true));
            frame.render_widget(p, area);
            return;
        }
        let mut lines: Vec<Line<'_>> = Vec::new();
        let mut head = vec![' '; TIME_WIDTH + shown.len() * lane];
        for (k, n) in g.nodes[shown.clone()].iter().enumerate() {
            let name: String = sanitize(n).chars().take(lane - 1).collect();
            let start = TIME_WIDTH + k * lane + (lane - name.chars().count()) / 2;
            put(&mut head, start as i64, &name);
        }
        lines.push(Line::styled(
            head.iter().collect::<String>(),
            Style::default().add_modifier(Modifier::BOLD),
        ));
        let trace = flow.session.trace();
        let http = flow.session.http_if_ready();
        for (i, a) in g.arrows.iter().enumerate().skip(self.offset).take(rows) {
            let row = columns::row(&PacketView::with_http(trace, http, a.packet as usize));
            let (sp, dp) = PacketView::with_http(trace, http, a.packet as usize)
                .decoded
                .ports()
                .unwrap_or((0, 0));
            let [top, bottom] = arrow_lines(
                a,
                (self.first_node, shown.len(), lane),
                &sanitize(&row.info),
                (sp, dp),
            );
            let comment = sanitize(&format!("{}: {}", row.protocol, row.info)).into_owned();
            let style = if i == self.selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            lines.push(Line::styled(
                format!("{:<TIME_WIDTH$}{top} {comment}", row.time),
                style,
            ));
            lines.push(Line::styled(format!("{:TIME_WIDTH$}{bottom}", ""), style));
        }
        frame.render_widget(Paragraph::new(lines).block(block(&title, true)), area);
    }
}

/// Writes `text` into `line` from `at` (characters outside are dropped).
fn put(line: &mut [char], at: i64, text: &str) {
    for (k, c) in text.chars().enumerate() {
        if let Some(slot) = usize::try_from(at + k as i64)
            .ok()
            .and_then(|p| line.get_mut(p))
        {
            *slot = c;
        }
    }
}

/// The two lines of one packet over `lanes` node columns of `lane`
/// characters from node `first`: the label centred between the lifelines,
/// then the arrow with the ports.
fn arrow_lines(
    a: &Arrow,
    (first, lanes, lane): (usize, usize, usize),
    label: &str,
    ports: (u16, u16),
) -> [String; 2] {
    let w = lane as i64;
    let center = |node: u32| (i64::from(node) - first as i64) * w + w / 2;
    let mut top = vec![' '; lanes * lane];
    let mut bottom = top.clone();
    for k in 0..lanes as i64 {
        put(&mut top, k * w + w / 2, "│");
        put(&mut bottom, k * w + w / 2, "│");
    }
    let (s, d) = (center(a.src), center(a.dst));
    // An address to itself: a short arrow back into its own lifeline.
    let (lo, hi) = if s == d {
        (s, s + w / 2)
    } else {
        (s.min(d), s.max(d))
    };
    let span = (hi - lo - 1).max(0) as usize;
    let label: String = label.chars().take(span).collect();
    let pad = (span - label.chars().count()) / 2;
    put(&mut top, lo + 1 + pad as i64, &label);
    let mut arrow: Vec<char> = vec!['─'; span];
    if let Some(end) = if s < d {
        arrow.last_mut()
    } else {
        arrow.first_mut()
    } {
        *end = if s < d { '>' } else { '<' };
    }
    put(&mut bottom, lo + 1, &arrow.iter().collect::<String>());
    let (sp, dp) = (format!("{}", ports.0), format!("{}", ports.1));
    if s < d {
        put(&mut bottom, s - sp.len() as i64, &sp);
        put(&mut bottom, d + 1, &dp);
    } else if s > d {
        put(&mut bottom, s + 1, &sp);
        put(&mut bottom, d - dp.len() as i64, &dp);
    }
    [top.iter().collect(), bottom.iter().collect()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_point_the_right_way_and_clip() {
        let a = Arrow {
            packet: 0,
            src: 0,
            dst: 1,
        };
        let [top, bottom] = arrow_lines(&a, (0, 2, NODE_WIDTH), "GET /", (52000, 80));
        assert_eq!(top.chars().count(), 40);
        assert!(top.contains("GET /"), "{top}");
        assert!(
            bottom.contains("│──") && bottom.contains("─>│80"),
            "{bottom}"
        );
        assert!(bottom.starts_with("     52000│"), "{bottom}");
        let back = Arrow {
            src: 1,
            dst: 0,
            ..a
        };
        let [_, bottom] = arrow_lines(&back, (0, 2, NODE_WIDTH), "200 OK", (80, 52000));
        assert!(
            bottom.contains("52000│<─") && bottom.contains("─│80"),
            "{bottom}"
        );
        // The destination scrolled off: the arrow runs to the edge.
        let [top, bottom] = arrow_lines(&a, (1, 1, NODE_WIDTH), "a very long label indeed", (1, 2));
        assert_eq!(top.chars().count(), 20);
        assert_eq!(bottom.chars().count(), 20);
        let self_arrow = Arrow { dst: 0, ..a };
        let [_, bottom] = arrow_lines(&self_arrow, (0, 1, NODE_WIDTH), "x", (1, 1));
        assert_eq!(bottom.chars().count(), 20);
    }
}
