//! The packets screen: the virtual packet list (only visible rows are built),
//! the selected packet's details tree and its bytes. Every string from the
//! wire goes through `text::sanitize` first.

use super::app::{App, Pane};
use super::render::block;
use crate::columns;
use crate::decode::tcp_flags::TcpFlags;
use crate::dissect as details;
use crate::fields::PacketView;
use crate::store::PacketKind;
use crate::text::{ascii_or_dot, sanitize};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

/// Wireshark-like colouring: SYN/FIN grey, RST red, analysis problems black on red, HTTP green.
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

/// An IPv4 header or TCP/UDP checksum that is verifiably wrong.
fn bad_checksum(view: &PacketView<'_>) -> bool {
    use crate::decode::checksum::{self, ChecksumStatus};
    let bad = |s: Option<ChecksumStatus>| matches!(s, Some(ChecksumStatus::Incorrect { .. }));
    bad(checksum::ipv4_header(&view.decoded)) || bad(checksum::transport(&view.decoded))
}

/// Draws the packets screen (list, details, bytes) into `area`.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
    let [list_area, details_area, bytes_area] = Layout::vertical([
        Constraint::Percentage(50),
        Constraint::Percentage(30),
        Constraint::Percentage(20),
    ])
    .areas(area);
    app.areas.list = list_area;
    app.areas.details = details_area;
    app.areas.bytes = bytes_area;
    let height = usize::from(list_area.height.saturating_sub(3));
    app.scroll_to_selection(height);
    let Some(trace) = app.trace.as_deref() else {
        let msg = match &app.load_error {
            Some(e) => format!("cannot open {}: {}", app.name, sanitize(e)),
            None => format!("loading {} …", app.name),
        };
        frame.render_widget(Paragraph::new(msg).block(block("Packets", true)), list_area);
        return;
    };
    let selected_conv = trace.store.entry(app.selected).map(|e| e.conversation);
    let narrow = list_area.width < 110;
    let rows: Vec<Row<'_>> = (app.offset..(app.offset + height).min(app.list_len()))
        .filter_map(|pos| app.list_packet(pos))
        .map(|i| {
            let view = trace.packet(i);
            let r = columns::row(&view);
            let e = trace.store.entry(i).copied();
            let mut style = e
                .map(|e| {
                    row_style(
                        e.kind,
                        e.tcp_flags(),
                        e.analysis,
                        &r.protocol,
                        bad_checksum(&view),
                    )
                })
                .unwrap_or_default();
            if i == app.selected {
                style = style.add_modifier(Modifier::REVERSED);
            } else if e.is_some_and(|e| {
                Some(e.conversation) == selected_conv && e.conversation != crate::store::NONE
            }) {
                style = style.add_modifier(Modifier::UNDERLINED);
            }
            let cells = if narrow {
                vec![
                    Cell::from(r.number.to_string()),
                    Cell::from(sanitize(&r.source).into_owned()),
                    Cell::from(sanitize(&r.destination).into_owned()),
                    Cell::from(r.protocol),
                    Cell::from(sanitize(&r.info).into_owned()),
                ]
            } else {
                vec![
                    Cell::from(r.number.to_string()),
                    Cell::from(r.time),
                    Cell::from(sanitize(&r.source).into_owned()),
                    Cell::from(sanitize(&r.destination).into_owned()),
                    Cell::from(r.protocol),
                    Cell::from(r.length.to_string()),
                    Cell::from(sanitize(&r.info).into_owned()),
                ]
            };
            Row::new(cells).style(style)
        })
        .collect();
    // Narrow terminals (under 110 columns) drop Time and Length to keep Info readable.
    let (widths, header): (Vec<Constraint>, Vec<&str>) = if narrow {
        (
            vec![
                Constraint::Length(5),
                Constraint::Length(15),
                Constraint::Length(15),
                Constraint::Length(6),
                Constraint::Min(10),
            ],
            vec!["No.", "Source", "Destination", "Proto", "Info"],
        )
    } else {
        (
            vec![
                Constraint::Length(7),
                Constraint::Length(11),
                Constraint::Length(16),
                Constraint::Length(16),
                Constraint::Length(8),
                Constraint::Length(6),
                Constraint::Min(10),
            ],
            vec![
                "No.",
                "Time",
                "Source",
                "Destination",
                "Protocol",
                "Length",
                "Info",
            ],
        )
    };
    let title = match &app.filter {
        Some(f) => format!(
            "Packets: {} of {} match \"{}\" (/: edit filter)",
            f.matches.len(),
            trace.store.len(),
            sanitize(f.text())
        ),
        None => "Packets (/: filter)".to_string(),
    };
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(Style::default().add_modifier(Modifier::BOLD)))
        .block(block(&title, app.focus == Pane::List));
    frame.render_widget(table, list_area);

    if app.selected >= trace.store.len() {
        return;
    }
    let view = trace.packet(app.selected);
    let all_lines = details::lines(&view);
    let lines = details::visible(&all_lines, &app.details_collapsed);
    app.detail_selected = app.detail_selected.min(lines.len().saturating_sub(1));
    let highlight = lines
        .get(app.detail_selected)
        .map(|(l, _)| l.bytes.clone())
        .unwrap_or(0..0);
    let detail_height = usize::from(details_area.height.saturating_sub(2)).max(1);
    let first = app
        .detail_selected
        .saturating_sub(detail_height.saturating_sub(1));
    app.detail_first = first;
    let text: Vec<Line<'_>> = lines
        .iter()
        .enumerate()
        .skip(first)
        .take(detail_height)
        .map(|(i, (l, folded))| {
            let indent = match (l.depth, folded) {
                (0, true) => "▸ ",
                (0, false) => "▾ ",
                _ => "    ",
            };
            let mut style = if l.depth == 0 {
                Style::default().add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            };
            if i == app.detail_selected && app.focus == Pane::Details {
                style = style.add_modifier(Modifier::REVERSED);
            }
            Line::from(Span::styled(format!("{indent}{}", l.text), style))
        })
        .collect();
    frame.render_widget(
        Paragraph::new(text).block(block("Details", app.focus == Pane::Details)),
        details_area,
    );

    let data = view.decoded.data;
    let bytes_height = usize::from(bytes_area.height.saturating_sub(2));
    let hl = if app.focus == Pane::Details {
        highlight
    } else {
        0..0
    };
    let hex_lines: Vec<Line<'_>> = data
        .chunks(16)
        .enumerate()
        .take(bytes_height.max(1))
        .map(|(row, chunk)| {
            let mut spans = vec![Span::raw(format!("{:04x}  ", row * 16))];
            for (i, b) in chunk.iter().enumerate() {
                let at = row * 16 + i;
                let style = if hl.contains(&at) {
                    Style::default().add_modifier(Modifier::REVERSED)
                } else {
                    Style::default()
                };
                spans.push(Span::styled(format!("{b:02x} "), style));
            }
            spans.push(Span::raw("   ".repeat(16 - chunk.len())));
            spans.push(Span::raw(" "));
            spans.push(Span::raw(
                chunk.iter().map(|&b| ascii_or_dot(b)).collect::<String>(),
            ));
            Line::from(spans)
        })
        .collect();
    frame.render_widget(
        Paragraph::new(hex_lines).block(block("Bytes", app.focus == Pane::Bytes)),
        bytes_area,
    );
}
