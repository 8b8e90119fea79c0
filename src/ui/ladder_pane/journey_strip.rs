//! The journey strip above the ladder: the connection's phases (DNS,
//! connect, TLS, request, wait, receive, close) as bars on one time axis.

use super::LadderState;
use crate::text::sanitize;
use crate::ui::render::block;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// The time axis of the journey strip: from the first phase to the last.
pub(super) fn strip_axis(journeys: &[crate::journey::Journey]) -> crate::journey::Axis {
    let extents: Vec<_> = journeys.iter().filter_map(|j| j.extent()).collect();
    crate::journey::Axis {
        start_ns: extents.iter().map(|e| e.start_ns).min().unwrap_or(0),
        end_ns: extents.iter().map(|e| e.end_ns).max().unwrap_or(0),
    }
}

/// Rows of the journey strip above the ladder: none without journeys or
/// room (the ladder keeps at least 8 rows).
pub(super) fn journey_strip_height(state: &LadderState, area: Rect) -> u16 {
    if state.journeys.is_empty() || area.height < 16 {
        0
    } else {
        4
    }
}

/// The journey strip: the connection's phases as one waterfall bar on the
/// connection's time axis, then the phases of the selected row's
/// transaction with their durations, coloured alike.
pub(super) fn draw_journey(frame: &mut Frame<'_>, area: Rect, state: &LadderState) {
    use crate::journey::format_duration;
    use crate::ui::network_pane::{bar, phase_color};
    let width = usize::from(area.width.saturating_sub(2));
    let axis = strip_axis(&state.journeys);
    // Every transaction's phases on one line.
    let mut cells: Vec<Span<'static>> = vec![Span::raw(" ".repeat(width))];
    for j in &state.journeys {
        let spans = bar(j, axis, width);
        if cells.len() == 1 {
            cells = spans;
        } else {
            cells = overlay(&cells, &spans);
        }
    }
    // The transaction of the selected row's packet (or the first).
    let packet = state.packet_of(state.selected);
    let current = state
        .journeys
        .iter()
        .rev()
        .find(|j| {
            let first = j
                .request
                .map(|r| r.span.first)
                .or(j.extent().map(|e| e.first));
            packet.zip(first).is_some_and(|(p, f)| p >= f)
        })
        .or(state.journeys.first());
    let mut legend: Vec<Span<'static>> = Vec::new();
    if let Some(j) = current {
        let what = match (&j.method, &j.uri) {
            (Some(m), Some(u)) => format!("{} {}: ", sanitize(m), sanitize(u)),
            _ => "TLS: ".to_string(),
        };
        legend.push(Span::styled(
            what,
            Style::default().add_modifier(Modifier::BOLD),
        ));
        for (i, (kind, s)) in j.phases().into_iter().enumerate() {
            if i > 0 {
                legend.push(Span::raw(" · "));
            }
            legend.push(Span::styled(
                format!("{} {}", kind.name(), format_duration(s.duration_ns())),
                Style::default().fg(phase_color(kind)),
            ));
        }
        if j.connect.is_some_and(|c| c.reused) {
            legend.push(Span::raw(" · connect reused"));
        }
    }
    let title = format!(
        "Journey: {} transaction{} ({})",
        state.journeys.len(),
        if state.journeys.len() == 1 { "" } else { "s" },
        format_duration(axis.end_ns - axis.start_ns)
    );
    frame.render_widget(
        Paragraph::new(vec![Line::from(cells), Line::from(legend)]).block(block(&title, false)),
        area,
    );
}

/// `top` drawn over `base` where `top` is not blank (both one cell per char).
fn overlay(base: &[Span<'static>], top: &[Span<'static>]) -> Vec<Span<'static>> {
    let cells = |spans: &[Span<'static>]| -> Vec<(char, Style)> {
        spans
            .iter()
            .flat_map(|s| s.content.chars().map(move |c| (c, s.style)))
            .collect()
    };
    let (b, t) = (cells(base), cells(top));
    let merged: Vec<(char, Style)> = b
        .iter()
        .enumerate()
        .map(|(i, &bc)| match t.get(i) {
            Some(&tc) if tc.0 != ' ' => tc,
            _ => bc,
        })
        .collect();
    merged
        .into_iter()
        .map(|(c, style)| Span::styled(c.to_string(), style))
        .collect()
}
