//! One row of the ladder as a terminal line: the time cell in the packet
//! list's format, the frame number, and the arrow between the lifelines with
//! its label, colour and fill (`─` for a segment, `═` for a folded run, `┄`
//! for a phase label).

use super::side_color;
use crate::flow::follow::Side;
use crate::flow::ladder::Row;
use crate::session::Session;
use crate::text::sanitize;
use crate::ui::packets_pane::PacketsPane;
use crate::ui::time_format;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

/// An arrow `gap` columns wide with `label` in its middle.
pub(super) fn arrow(label: &str, gap: usize, from: Side, fill: char) -> String {
    let inner = gap.saturating_sub(1);
    let label = crate::text::truncate_chars(label, inner.saturating_sub(4));
    let used = label.chars().count() + 2;
    let left = inner.saturating_sub(used) / 2;
    let right = inner.saturating_sub(used + left);
    let body = format!(
        "{} {label} {}",
        fill.to_string().repeat(left),
        fill.to_string().repeat(right)
    );
    match from {
        Side::Client => format!("{body}>"),
        Side::Server => format!("<{body}"),
    }
}

/// The narrowest time column (the relative formats' `123.456789`).
const TIME_WIDTH: usize = 9;

/// The time column's width for the list's time format.
pub(super) fn time_width(packets: &PacketsPane) -> usize {
    TIME_WIDTH.max(usize::from(time_format::width(packets.time_format)))
}

/// Columns left of the client's lifeline: time, frame number, padding.
pub(super) fn margin(time_width: usize) -> usize {
    time_width + 7
}

/// The first and last packet a row shows (none for a phase label).
fn row_packets(row: &Row) -> Option<(u32, u32)> {
    match row {
        Row::Segment(s) => Some((s.packet, s.packet)),
        Row::Fold(f) => Some((f.first_packet, f.last_packet)),
        Row::Phase(_) => None,
    }
}

/// The time cell of every row from `from` on (`count` of them), as the
/// packet list writes its first packet: "previous displayed" is the last
/// packet of the row above.
pub(super) fn time_cells(
    rows: &[Row],
    from: usize,
    count: usize,
    packets: &PacketsPane,
    trace: Option<&Session>,
) -> Vec<String> {
    let Some(trace) = trace else {
        return vec![String::new(); count.min(rows.len().saturating_sub(from))];
    };
    let mut previous = rows[..from.min(rows.len())]
        .iter()
        .rev()
        .find_map(row_packets)
        .map(|(_, last)| last as usize);
    rows.iter()
        .skip(from)
        .take(count)
        .map(|r| match row_packets(r) {
            Some((first, last)) => {
                let cell = packets.time_cell(&trace.store, first as usize, previous);
                previous = Some(last as usize);
                cell
            }
            None => String::new(),
        })
        .collect()
}

/// One row of the diagram as a line `width` columns wide, with its time
/// cell (`time`, `time_width` wide), the HTTP message it starts (`note`)
/// and the idle pause before it (`idle`).
pub(super) fn row_line(
    row: &Row,
    width: usize,
    (time, time_width): (&str, usize),
    selected: bool,
    note: Option<&str>,
    idle: Option<i64>,
) -> Line<'static> {
    let margin = margin(time_width);
    let gap = width.saturating_sub(margin + 3).max(8);
    let mut prefix = String::new();
    if let Some(ns) = idle {
        prefix.push_str(&format!(
            "⋯ {} idle · ",
            crate::journey::format_duration(ns)
        ));
    }
    if let Some(n) = note {
        prefix.push_str(&sanitize(n));
        prefix.push_str(" · ");
    }
    let (left, mid, style) = match row {
        Row::Phase(p) => {
            let label = format!(" {} ", p.label());
            let mid = format!("{label:┄^gap$}");
            let style = Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD);
            (String::new(), mid, style)
        }
        Row::Segment(s) => {
            let left = format!("{time:>time_width$} {:>5}", s.packet + 1);
            let label = format!("{prefix}{}", sanitize(&s.label()));
            let mut style = Style::default().fg(side_color(s.from));
            if !s.analysis.is_empty() {
                style = style.add_modifier(Modifier::BOLD);
            }
            (left, arrow(&label, gap, s.from, '─'), style)
        }
        Row::Fold(f) => {
            let left = format!("{time:>time_width$} {:>5}", f.first_packet + 1);
            let label = format!("▸ {prefix}{}", f.label());
            let style = Style::default()
                .fg(side_color(f.from))
                .add_modifier(Modifier::BOLD);
            (left, arrow(&label, gap, f.from, '═'), style)
        }
    };
    let mut style = style;
    if selected {
        style = style.add_modifier(Modifier::REVERSED);
    }
    // An idle pause also shows on the time axis: a dotted rail.
    let rail = if idle.is_some() { "┊" } else { "│" };
    Line::from(vec![
        Span::raw(format!("{left:<margin$}{rail}")),
        Span::styled(mid, style),
        Span::raw("│"),
    ])
}
