//! Drawing: pure functions from the [`App`] state to ratatui widgets. This
//! file lays out the screen and draws the small screens (conversations, help,
//! status and prompt lines); each bigger pane has its own file. Only the rows
//! on screen are built, and every string from the wire goes through
//! `text::sanitize` first.

use super::app::{App, View, KEYMAP};
use super::{filter_bar, follow_pane, http_pane, ladder_pane, packets_pane};
use crate::text::sanitize;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};
use ratatui::Frame;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, app: &mut App) {
    let bottom = match &app.prompt {
        Some(p) if p.filter_error.is_some() => 3,
        Some(p) if p.error.is_some() => 2,
        _ => 1,
    };
    let [main, status] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(bottom)]).areas(frame.area());
    match app.view {
        View::Packets => packets_pane::draw(frame, main, app),
        View::Conversations => draw_conversations(frame, main, app),
        View::Ladder => ladder_pane::draw(frame, main, app),
        View::Follow => follow_pane::draw(frame, main, app),
        View::Http => http_pane::draw(frame, main, app),
        View::Help => draw_help(frame, main, app),
    }
    if app.prompt.is_some() {
        draw_prompt(frame, status, app);
    } else {
        draw_status(frame, status, app);
    }
}

/// A bordered pane, bold when focused.
pub fn block(title: &str, focused: bool) -> Block<'_> {
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

fn draw_conversations(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
    app.areas.conversations = area;
    let Some(trace) = app.trace.as_deref() else {
        frame.render_widget(
            Paragraph::new("loading …").block(block("Conversations", true)),
            area,
        );
        return;
    };
    let count = trace.conversations.all().len();
    let height = usize::from(area.height.saturating_sub(3)).max(1);
    let first = app.conversation_selected.saturating_sub(height - 1);
    app.conversation_first = first;
    let shown: Vec<(usize, u32)> = (first..count.min(first + height))
        .filter_map(|pos| app.conversation_at(pos).map(|id| (pos, id)))
        .collect();
    // How each shown conversation ended: worked out once, then kept.
    for &(_, id) in &shown {
        if let std::collections::hash_map::Entry::Vacant(slot) = app.conversation_endings.entry(id)
        {
            let ending = trace
                .conversations
                .get(id)
                .and_then(|c| crate::flow::life::life(&trace.store, c))
                .map(|l| l.ending())
                .unwrap_or_default();
            slot.insert(ending);
        }
    }
    let rows: Vec<Row<'_>> = shown
        .iter()
        .filter_map(|&(pos, id)| trace.conversations.get(id).map(|c| (pos, id, c)))
        .map(|(pos, id, c)| {
            let style = if pos == app.conversation_selected {
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
                app.conversation_endings
                    .get(&id)
                    .cloned()
                    .unwrap_or_default(),
            ])
            .style(style)
        })
        .collect();
    let title = format!(
        "Conversations by {} (s: sort, Enter: packets, l: ladder, f: follow, h: HTTP, Esc: back)",
        app.conversation_sort.name()
    );
    let table = Table::new(
        rows,
        [
            Constraint::Length(9),
            Constraint::Min(16),
            Constraint::Min(16),
            Constraint::Length(8),
            Constraint::Length(10),
            Constraint::Length(12),
            Constraint::Min(12),
        ],
    )
    .header(
        Row::new(vec![
            "Stream", "Client", "Server", "Packets", "Bytes", "Duration", "Ended",
        ])
        .style(Style::default().add_modifier(Modifier::BOLD)),
    )
    .block(block(&title, true));
    frame.render_widget(table, area);
}

fn draw_help(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
    app.areas.help = area;
    let height = usize::from(area.height.saturating_sub(2)).max(1);
    app.help_offset = app.help_offset.min(KEYMAP.len().saturating_sub(height));
    let lines: Vec<Line<'_>> = KEYMAP
        .iter()
        .skip(app.help_offset)
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

/// The prompt line, with the last error above it.
fn draw_prompt(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let Some(prompt) = &app.prompt else { return };
    let mut lines = Vec::new();
    if let Some(e) = &prompt.error {
        lines.push(Line::from(Span::styled(
            format!(" {}", sanitize(e)),
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        )));
    }
    // Show the end of a long input.
    let label = prompt.label();
    let room = usize::from(area.width)
        .saturating_sub(label.chars().count() + 3)
        .max(1);
    let input = sanitize(&prompt.input);
    let skip = input.chars().count().saturating_sub(room);
    let shown: String = input.chars().skip(skip).collect();
    lines.push(Line::from(vec![
        Span::styled(
            format!(" {label}"),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::raw(shown),
        Span::styled("█", Style::default().add_modifier(Modifier::SLOW_BLINK)),
    ]));
    if let Some(e) = &prompt.filter_error {
        lines.extend(filter_bar::error_lines(e, label.chars().count() + 1, skip));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn draw_status(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let text = match (&app.trace, &app.load_error) {
        (_, Some(e)) => format!(" error: {}", sanitize(e)),
        (Some(t), None) => {
            // The message first: on a narrow screen the end is cut off.
            let message = if app.status.is_empty() {
                String::new()
            } else {
                format!(" {} │", sanitize(&app.status))
            };
            let name = std::path::Path::new(&app.name)
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_else(|| app.name.as_str().into());
            let loading = if app.loading {
                let p = app.progress;
                let pct = (p.bytes_read * 100).checked_div(p.bytes_total).unwrap_or(0);
                format!(" loading {pct}% ({} packets so far) │", p.packets)
            } else {
                String::new()
            };
            format!(
                "{message}{loading} {} │ {} packets │ {} TCP / {} UDP streams │ ? help  q quit",
                sanitize(&name),
                t.store.len(),
                t.conversations.tcp_count(),
                t.conversations.udp_count(),
            )
        }
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
