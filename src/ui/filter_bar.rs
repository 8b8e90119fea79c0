//! The display-filter bar of the packet list: `/` opens it, the expression
//! compiles as it is typed (the error shown under the input with a caret at
//! its column), Enter applies it, Up/Down walk the history, an empty filter
//! clears. Filtering itself is [`crate::session::Session::select`], run by a
//! job; the matching packet indices are computed once per applied filter and kept.

use crate::filter::{Filter, FilterError};
use crate::text::sanitize;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

/// Bound on the remembered filters.
pub const HISTORY: usize = 100;

/// A filter applied to the packet list.
#[derive(Debug, Clone)]
pub struct ActiveFilter {
    pub filter: Filter,
    /// Indices (0-based, ascending) of the packets that match.
    pub matches: Vec<u32>,
}

impl ActiveFilter {
    pub fn text(&self) -> &str {
        self.filter.text()
    }
}

/// Compiles `text`: `Ok(None)` for an empty (clearing) filter.
pub fn compile(text: &str) -> Result<Option<Filter>, FilterError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    Filter::compile(text).map(Some)
}

/// Adds `text` to the end of `history` (once, bounded).
pub fn remember(history: &mut Vec<String>, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    history.retain(|h| h != text);
    history.push(text.to_string());
    if history.len() > HISTORY {
        history.remove(0);
    }
}

/// The lines under the input that show `error`: a caret under its column
/// (`indent` is where the input starts on screen, `skip` the characters of
/// the input scrolled out on the left) with the suggestion, then the message.
pub fn error_lines(error: &FilterError, indent: usize, skip: usize) -> Vec<Line<'static>> {
    let style = Style::default().fg(Color::Red).add_modifier(Modifier::BOLD);
    let column = indent + error.column.saturating_sub(skip);
    let mut caret = format!(
        "{}^{}",
        " ".repeat(column),
        "~".repeat(error.width.saturating_sub(1))
    );
    // The suggestion beside the caret: the message line may be cut off.
    if let Some(s) = &error.suggestion {
        caret.push_str(&format!(" did you mean \"{}\"?", sanitize(s)));
    }
    let message = format!(" {}", sanitize(&error.message));
    vec![
        Line::from(Span::styled(caret, style)),
        Line::from(Span::styled(message, style)),
    ]
}
