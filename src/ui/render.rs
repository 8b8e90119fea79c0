//! Drawing the whole screen: the view's pane above, the status line (or an
//! open prompt) below. Each pane draws itself from its own state (one file
//! per pane); this file lays the screen out and draws the bottom lines. Every
//! string from the wire goes through `text::sanitize` first.

use super::app::{App, Ctx, View};
use super::capture_sparkline;
use super::filter_bar;
use super::jobs::JobKind;
use super::prompt::Prompt;
use crate::text::sanitize;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// The screen split into the view's area and the bottom lines (one for the
/// status; more for a prompt with an error).
pub fn split(area: Rect, prompt: Option<&Prompt>) -> (Rect, Rect) {
    let bottom = match prompt {
        Some(p) if p.filter_error.is_some() => 3,
        Some(p) if p.error.is_some() || p.filter_warning.is_some() => 2,
        _ => 1,
    };
    let [main, status] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(bottom)]).areas(area);
    (main, status)
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, app: &mut App) {
    let (main, status) = split(frame.area(), app.prompt.as_ref());
    let cx = &app.cx;
    match app.view {
        View::Packets => app.packets.draw(frame, main, cx),
        View::Conversations => app.conversations.draw(frame, main, cx, app.packets.names),
        View::Ladder => app.ladder.draw(frame, main, cx, &app.packets),
        View::Follow => app.follow.draw(frame, main, cx, &app.packets),
        View::Http => app.http.draw(frame, main, cx),
        View::Network => app.network.draw(frame, main, cx),
        View::Help => app.help.draw(frame, main, cx),
        View::Stats => {
            let names = app.packets.names.then(|| cx.trace()?.names_if_ready());
            app.stats.draw_named(frame, main, names.flatten())
        }
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

/// A pane whose job is still running: what it waits for, with progress.
pub fn building(
    frame: &mut Frame<'_>,
    area: Rect,
    cx: &Ctx,
    title: &str,
    kind: JobKind,
    conversation: Option<u32>,
) {
    let stream = conversation
        .and_then(|c| cx.trace()?.conversations.get(c))
        .map(|c| format!(" of TCP stream {}", c.stream))
        .unwrap_or_default();
    let text = match (
        cx.jobs.running(kind),
        cx.jobs.percent(kind),
        cx.jobs.elapsed(kind),
    ) {
        (true, Some(p), _) => format!("building… {}{stream}: {p}%", kind.describe()),
        (true, None, Some(e)) => {
            format!("building… {}{stream} ({} s)", kind.describe(), e.as_secs())
        }
        (true, None, None) => format!("building… {}{stream}", kind.describe()),
        (false, ..) => "nothing to show (Esc: back)".to_string(),
    };
    frame.render_widget(Paragraph::new(text).block(block(title, true)), area);
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
    let label = prompt.label();
    let room = usize::from(area.width)
        .saturating_sub(label.chars().count() + 3)
        .max(1);
    let input: Vec<char> = sanitize(&prompt.input).chars().collect();
    let cursor = prompt.cursor.min(input.len());
    // Scrolled so the cursor shows.
    let skip = (cursor + 1).saturating_sub(room);
    let text = |r: std::ops::Range<usize>| -> String {
        input
            .get(r.start.min(input.len())..r.end.min(input.len()))
            .map(|c| c.iter().collect())
            .unwrap_or_default()
    };
    let end = (skip + room).min(input.len());
    let style = input_style(prompt, app.cx.theme);
    let cursor_style = style.add_modifier(Modifier::REVERSED);
    let mut spans = vec![Span::styled(
        format!(" {label}"),
        Style::default().add_modifier(Modifier::BOLD),
    )];
    if prompt.selected {
        spans.push(Span::styled(text(skip..end), cursor_style));
        spans.push(Span::styled(" ", style));
    } else {
        spans.push(Span::styled(text(skip..cursor), style));
        let at = input.get(cursor).map_or(" ".to_string(), char::to_string);
        spans.push(Span::styled(at, cursor_style));
        spans.push(Span::styled(text(cursor + 1..end), style));
    }
    lines.push(Line::from(spans));
    if let Some(e) = &prompt.filter_error {
        lines.extend(filter_bar::error_lines(e, label.chars().count() + 1, skip));
    }
    if let Some(w) = prompt.filter_warning {
        lines.push(Line::from(Span::styled(
            format!(" {w}"),
            super::theme::palette(app.cx.theme).warning,
        )));
    }
    let input_row = Rect::new(
        area.x,
        area.y + u16::from(prompt.error.is_some()),
        area.width,
        1,
    );
    frame.render_widget(Paragraph::new(lines), area);
    // The terminal's own cursor too, where the next character goes.
    let at = (1 + label.chars().count() + cursor.saturating_sub(skip))
        .min(usize::from(input_row.width.saturating_sub(1)));
    frame.set_cursor_position((input_row.x + at as u16, input_row.y));
    if let Some(c) = &prompt.completion {
        let column =
            area.x + 1 + label.chars().count() as u16 + c.start.saturating_sub(skip) as u16;
        super::completion::draw(frame, frame.area(), input_row, column, c);
    }
}

/// The input's colours: a display filter's background says, as termshark's
/// does, whether it compiles (green), compiles with a deprecation (yellow)
/// or not (red) while it is typed.
fn input_style(prompt: &Prompt, theme: crate::config::Theme) -> Style {
    if !prompt.is_filter() || prompt.input.trim().is_empty() || theme == crate::config::Theme::None
    {
        return Style::default();
    }
    let p = super::theme::palette(theme);
    match (&prompt.filter_error, prompt.filter_warning) {
        (None, None) => p.valid,
        (None, Some(_)) => p.deprecated,
        (Some(_), _) => p.invalid,
    }
}

fn draw_status(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let cx = &app.cx;
    let jobs: String = cx
        .jobs
        .describe()
        .into_iter()
        .map(|j| format!(" {j} │"))
        .collect();
    let text = match (&cx.trace, &cx.load_error) {
        (_, Some(e)) => format!(" error: {}", sanitize(e)),
        (Some(t), None) => {
            // The message first: on a narrow screen the end is cut off.
            // The capture's damage stays said once the message is gone.
            let damage = match (&t.error, &t.warning) {
                (Some(e), _) => Some(format!("capture damaged: {e}")),
                (None, Some(w)) => Some(format!("warning: {w}")),
                _ => None,
            };
            let message = if app.status.is_empty() {
                damage
                    .map(|d| format!(" {} │", sanitize(&d)))
                    .unwrap_or_default()
            } else {
                format!(" {} │", sanitize(&app.status))
            };
            let name = std::path::Path::new(&cx.name)
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_else(|| cx.name.as_str().into());
            let live = cx.live.as_ref().map(|l| l.status()).unwrap_or_default();
            let loading = if cx.loading {
                let p = cx.progress;
                let pct = (p.bytes_read * 100).checked_div(p.bytes_total).unwrap_or(0);
                format!(" loading {pct}% ({} packets so far) │", p.packets)
            } else {
                String::new()
            };
            let sparkline =
                if area.width >= capture_sparkline::MIN_WIDTH && !app.sparkline.is_empty() {
                    format!(
                        " │ {}",
                        capture_sparkline::cells(&app.sparkline, capture_sparkline::CELLS)
                    )
                } else {
                    String::new()
                };
            format!(
                "{message}{jobs}{loading}{live} {} │ {} packets │ {} TCP / {} UDP streams{sparkline} │ ? help  q quit",
                sanitize(&name),
                t.store.len(),
                t.conversations.tcp_count(),
                t.conversations.udp_count(),
            )
        }
        (None, None) => {
            let p = cx.progress;
            let pct = (p.bytes_read * 100).checked_div(p.bytes_total).unwrap_or(0);
            format!(
                " loading {}: {pct}% │ {} packets │ {:.1} MB read",
                sanitize(&cx.name),
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
