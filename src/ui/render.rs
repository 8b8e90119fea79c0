//! Drawing: pure functions from the [`App`] state to ratatui widgets. Only the
//! rows on screen are built (the packet list is virtual), and every string from
//! the wire goes through `text::sanitize` first.

use super::app::{App, Pane, View, KEYMAP};
use super::details;
use crate::columns;
use crate::fields::PacketView;
use crate::store::PacketKind;
use crate::text::{ascii_or_dot, sanitize};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, app: &mut App) {
    let [main, status] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(frame.area());
    match app.view {
        View::Packets => draw_packets(frame, main, app),
        View::Conversations => draw_conversations(frame, main, app),
        View::Help => draw_help(frame, main),
    }
    draw_status(frame, status, app);
}

fn block(title: &str, focused: bool) -> Block<'_> {
    let style = if focused {
        Style::default().add_modifier(Modifier::BOLD)
    } else {
        Style::default().add_modifier(Modifier::DIM)
    };
    Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(style)
}

/// Wireshark-like colouring: SYN/FIN grey, RST red, analysis problems black on red, HTTP green.
fn row_style(kind: PacketKind, tcp_flags: u8, analysis: u16, protocol: &str) -> Style {
    if analysis & !(crate::flow::analysis::flags::WINDOW_UPDATE) != 0 {
        return Style::default().fg(Color::Red).add_modifier(Modifier::BOLD);
    }
    match kind {
        PacketKind::Tcp if tcp_flags & 0x04 != 0 => Style::default().fg(Color::Red),
        PacketKind::Tcp if tcp_flags & 0x03 != 0 => Style::default()
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

fn draw_packets(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
    let [list_area, details_area, bytes_area] = Layout::vertical([
        Constraint::Percentage(50),
        Constraint::Percentage(30),
        Constraint::Percentage(20),
    ])
    .areas(area);
    app.list_area = list_area;
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
    let rows: Vec<Row<'_>> = (app.offset..(app.offset + height).min(trace.store.len()))
        .map(|i| {
            let view = PacketView::new(trace, i);
            let r = columns::row(&view);
            let e = trace.store.entry(i).copied();
            let mut style = e
                .map(|e| row_style(e.kind, e.tcp_flags, e.analysis, &r.protocol))
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
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(Style::default().add_modifier(Modifier::BOLD)))
        .block(block("Packets", app.focus == Pane::List));
    frame.render_widget(table, list_area);

    if app.selected >= trace.store.len() {
        return;
    }
    let view = PacketView::new(trace, app.selected);
    let lines = details::lines(&view);
    app.detail_selected = app.detail_selected.min(lines.len().saturating_sub(1));
    let highlight = lines
        .get(app.detail_selected)
        .map(|l| l.bytes.clone())
        .unwrap_or(0..0);
    let detail_height = usize::from(details_area.height.saturating_sub(2)).max(1);
    let first = app
        .detail_selected
        .saturating_sub(detail_height.saturating_sub(1));
    let text: Vec<Line<'_>> = lines
        .iter()
        .enumerate()
        .skip(first)
        .take(detail_height)
        .map(|(i, l)| {
            let indent = if l.depth == 0 { "▸ " } else { "    " };
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

fn draw_conversations(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
    let Some(trace) = app.trace.as_deref() else {
        frame.render_widget(
            Paragraph::new("loading …").block(block("Conversations", true)),
            area,
        );
        return;
    };
    let all = trace.conversations.all();
    let height = usize::from(area.height.saturating_sub(3)).max(1);
    let first = app.conversation_selected.saturating_sub(height - 1);
    let rows: Vec<Row<'_>> = all
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, c)| {
            let style = if i == app.conversation_selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            Row::new(vec![
                format!("{} {}", c.protocol.name(), c.stream),
                c.client().to_string(),
                c.server().to_string(),
                (c.packets[0] + c.packets[1]).to_string(),
                (c.bytes[0] + c.bytes[1]).to_string(),
                format!("{:.6}", c.duration_ns() as f64 / 1e9),
            ])
            .style(style)
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(9),
            Constraint::Min(16),
            Constraint::Min(16),
            Constraint::Length(8),
            Constraint::Length(10),
            Constraint::Length(12),
        ],
    )
    .header(
        Row::new(vec![
            "Stream", "Client", "Server", "Packets", "Bytes", "Duration",
        ])
        .style(Style::default().add_modifier(Modifier::BOLD)),
    )
    .block(block("Conversations (Enter: open, Esc: back)", true));
    frame.render_widget(table, area);
}

fn draw_help(frame: &mut Frame<'_>, area: Rect) {
    let lines: Vec<Line<'_>> = KEYMAP
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(
                    format!("{k:<16}"),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(*what),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(block("Help (Esc: back)", true)),
        area,
    );
}

fn draw_status(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let text = match (&app.trace, &app.load_error) {
        (_, Some(e)) => format!(" error: {}", sanitize(e)),
        (Some(t), None) => format!(
            " {} │ {} packets │ {} TCP / {} UDP streams │ {} │ ? help  q quit",
            sanitize(&app.name),
            t.store.len(),
            t.conversations.tcp_count(),
            t.conversations.udp_count(),
            sanitize(&app.status)
        ),
        (None, None) => {
            let p = app.progress;
            let pct = (p.bytes_read * 100).checked_div(p.bytes_total).unwrap_or(0);
            format!(
                " loading {}: {pct}% │ {} packets │ {:.1} MB read",
                sanitize(&app.name),
                p.packets,
                p.bytes_read as f64 / 1e6
            )
        }
    };
    frame.render_widget(
        Paragraph::new(text).style(Style::default().add_modifier(Modifier::REVERSED)),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::Trace;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    fn screen(app: &mut App, w: u16, h: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        terminal.draw(|f| draw(f, app)).expect("draw");
        let buf = terminal.backend().buffer().clone();
        let mut s = String::new();
        for y in 0..h {
            for x in 0..w {
                s.push_str(buf[(x, y)].symbol());
            }
            s.push('\n');
        }
        s
    }

    fn sample() -> App {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample-captures/textbook-visit.pcap");
        let trace = Trace::open(&path).expect("sample capture");
        App::with_trace("textbook-visit.pcap".into(), trace)
    }

    fn key(app: &mut App, code: KeyCode) {
        app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
    }

    #[test]
    fn packet_list_details_and_bytes_at_80x24() {
        let mut app = sample();
        let s = screen(&mut app, 80, 24);
        assert!(s.contains("No."), "{s}");
        assert!(s.contains("DNS"), "{s}");
        assert!(s.contains("Frame 1:"), "{s}");
        assert!(s.contains("0000  "), "{s}");
        assert!(s.contains("27 packets"), "{s}");
        key(&mut app, KeyCode::Char('j'));
        key(&mut app, KeyCode::Char('j'));
        let s = screen(&mut app, 80, 24);
        assert!(s.contains("[SYN]"), "{s}");
        assert!(s.contains("Frame 3:"), "{s}");
    }

    #[test]
    fn conversations_then_open_and_help() {
        let mut app = sample();
        key(&mut app, KeyCode::Char('c'));
        let s = screen(&mut app, 100, 24);
        assert!(s.contains("TCP 0"), "{s}");
        assert!(s.contains("10.77.0.2:80"), "{s}");
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.view, View::Packets);
        key(&mut app, KeyCode::Char('?'));
        let s = screen(&mut app, 80, 24);
        assert!(s.contains("quit"), "{s}");
        key(&mut app, KeyCode::Char('q'));
        assert!(app.should_quit);
    }

    #[test]
    fn escape_sequences_from_the_wire_render_escaped() {
        let info = sanitize("GET /\x1b]0;title\x07\x1b[2J HTTP/1.1");
        assert!(!info.contains('\x1b'));
        let mut app = App::new("evil\x1b[2J.pcap".into());
        let s = screen(&mut app, 80, 24);
        assert!(!s.contains('\x1b'), "{s}");
        assert!(s.contains("evil\\e[2J.pcap"), "{s}");
    }
}
