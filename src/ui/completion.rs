//! Tab completion in the display-filter prompt, from the field registry
//! ([`crate::fields::FIELDS`]): the word under the cursor completes to the
//! field names it starts (the longest common part at once, the rest in a
//! dropdown that Tab / Shift-Tab / ↑ ↓ walk and Enter picks); after a field
//! and a space, the comparison operators; after a comparison, the values the
//! field's type allows (Booleans, HTTP methods) or, for any other field,
//! the values seen in the capture ([`values`]).

pub mod values;

use super::prompt::Prompt;
use crate::fields::{FieldType, FIELDS};
use crate::http::HttpIndex;
use crate::trace::Trace;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

/// Rows the dropdown shows at most (the rest scroll).
pub const DROPDOWN_ROWS: usize = 8;

/// An open dropdown: the candidates for the word starting at `start`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub items: Vec<String>,
    pub selected: usize,
    /// Where the word being completed starts (characters).
    pub start: usize,
    /// Why the items may be incomplete (a limit of [`values`]).
    pub note: Option<String>,
}

/// Where values seen in the capture come from: the trace and, once built,
/// its HTTP index.
pub type Source<'a> = Option<(&'a Trace, Option<&'a HttpIndex>)>;

const OPERATORS: &[&str] = &[
    "==", "!=", ">", "<", ">=", "<=", "contains", "matches", "in",
];
const HTTP_METHODS: &[&str] = &[
    "\"GET\"",
    "\"POST\"",
    "\"HEAD\"",
    "\"PUT\"",
    "\"DELETE\"",
    "\"OPTIONS\"",
    "\"PATCH\"",
    "\"CONNECT\"",
    "\"TRACE\"",
];

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '"')
}

/// The candidates for the word before `cursor` in `input`: where it starts and the words.
pub fn candidates(input: &str, cursor: usize) -> (usize, Vec<String>) {
    let (start, items, _) = candidates_in(input, cursor, None);
    (start, items)
}

/// [`candidates`], with the values of `source` after a comparison, and the
/// note of a limit reached.
pub fn candidates_in(
    input: &str,
    cursor: usize,
    source: Source<'_>,
) -> (usize, Vec<String>, Option<String>) {
    let mut note = None;
    let chars: Vec<char> = input.chars().take(cursor).collect();
    let start = chars
        .iter()
        .rposition(|&c| !is_word(c))
        .map_or(0, |i| i + 1);
    let word: String = chars[start..].iter().collect();
    // The words before this one: "field op" or "field".
    let before: String = chars[..start].iter().collect();
    let mut prev = before.split_whitespace().rev();
    let (last, second) = (prev.next(), prev.next());
    let field_named = |name: Option<&str>| name.and_then(crate::fields::lookup);
    let out: Vec<String> = match (last, second) {
        (Some(op), Some(f)) if OPERATORS.contains(&op) && field_named(Some(f)).is_some() => {
            let def = field_named(Some(f)).copied();
            let values: Vec<&str> = match def {
                Some(d) if d.ty == FieldType::Bool => vec!["1", "0"],
                Some(d) if d.name == "http.request.method" => HTTP_METHODS.to_vec(),
                _ => Vec::new(),
            };
            match (def, source) {
                (Some(d), Some((trace, http))) if values.is_empty() => {
                    let seen = values::seen(trace, http, &d, &word);
                    note = seen.cut;
                    seen.values
                }
                _ => values
                    .into_iter()
                    .filter(|v| v.starts_with(&word))
                    .map(str::to_string)
                    .collect(),
            }
        }
        (Some(f), _) if word.is_empty() && field_named(Some(f)).is_some() => {
            OPERATORS.iter().map(|o| o.to_string()).collect()
        }
        _ if word.is_empty() => Vec::new(),
        _ => FIELDS
            .iter()
            .map(|d| d.name)
            .filter(|n| n.starts_with(&word))
            .map(str::to_string)
            .collect(),
    };
    (start, out, note)
}

/// The longest start all `items` share.
fn common_prefix(items: &[String]) -> String {
    let Some(first) = items.first() else {
        return String::new();
    };
    let mut len = first.len();
    for it in items {
        len = len.min(
            first
                .bytes()
                .zip(it.bytes())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    first[..len].to_string()
}

/// Replaces the characters `start..cursor` of the prompt's input with `with`.
fn replace_word(prompt: &mut Prompt, start: usize, with: &str) {
    let cursor = prompt.cursor.min(prompt.input.chars().count());
    let byte = |i: usize| {
        prompt
            .input
            .char_indices()
            .nth(i)
            .map_or(prompt.input.len(), |(b, _)| b)
    };
    let (a, b) = (byte(start), byte(cursor));
    prompt.input.replace_range(a..b, with);
    prompt.cursor = start + with.chars().count();
    prompt.selected = false;
}

/// Tab (`forward`) or Shift-Tab: walks an open dropdown, or completes the
/// word under the cursor (values from `source`). Returns whether anything
/// changed.
pub fn complete(prompt: &mut Prompt, forward: bool, source: Source<'_>) -> bool {
    if let Some(c) = prompt.completion.as_mut() {
        let n = c.items.len().max(1);
        c.selected = if forward {
            (c.selected + 1) % n
        } else {
            (c.selected + n - 1) % n
        };
        return true;
    }
    if prompt.selected {
        // Completing a selected filter continues it rather than replacing it.
        prompt.selected = false;
        prompt.cursor = prompt.input.chars().count();
    }
    let (start, items, note) = candidates_in(&prompt.input, prompt.cursor, source);
    match items.len() {
        0 => false,
        1 => {
            let word = with_space(prompt, &items[0]);
            replace_word(prompt, start, &word);
            recheck(prompt);
            true
        }
        _ => {
            let common = common_prefix(&items);
            let typed: String = prompt
                .input
                .chars()
                .skip(start)
                .take(prompt.cursor.saturating_sub(start))
                .collect();
            if common.len() > typed.len() {
                replace_word(prompt, start, &common);
                recheck(prompt);
            }
            prompt.completion = Some(Completion {
                items,
                selected: 0,
                start,
                note,
            });
            true
        }
    }
}

/// Enter in an open dropdown: the selected item replaces the word.
pub fn accept(prompt: &mut Prompt) -> bool {
    let Some(c) = prompt.completion.take() else {
        return false;
    };
    if let Some(item) = c.items.get(c.selected) {
        let word = with_space(prompt, item);
        replace_word(prompt, c.start, &word);
        recheck(prompt);
    }
    true
}

/// `item` and a space after it, unless one follows the cursor already.
fn with_space(prompt: &Prompt, item: &str) -> String {
    let next = prompt.input.chars().nth(prompt.cursor);
    if next.is_some_and(char::is_whitespace) {
        item.to_string()
    } else {
        format!("{item} ")
    }
}

fn recheck(prompt: &mut Prompt) {
    prompt.recheck();
}

/// Draws the dropdown above `prompt_line`, its left edge at the word's column.
pub fn draw(frame: &mut Frame<'_>, screen: Rect, prompt_line: Rect, column: u16, c: &Completion) {
    let shown = c.items.len().min(DROPDOWN_ROWS);
    let width = c
        .items
        .iter()
        .map(|i| i.chars().count())
        .max()
        .unwrap_or(0)
        .min(usize::from(screen.width.saturating_sub(2))) as u16
        + 2;
    let height = shown as u16 + 2;
    let y = prompt_line.y.saturating_sub(height).max(screen.y);
    let x = column.min(screen.right().saturating_sub(width));
    let area = Rect::new(
        x,
        y,
        width,
        height.min(prompt_line.y.saturating_sub(screen.y)),
    );
    let first = c.selected.saturating_sub(shown.saturating_sub(1));
    let lines: Vec<Line<'_>> = c
        .items
        .iter()
        .enumerate()
        .skip(first)
        .take(shown)
        .map(|(i, item)| {
            let style = if i == c.selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            Line::styled(item.clone(), style)
        })
        .collect();
    let title = match &c.note {
        Some(n) => format!("{}/{}, {n}", c.selected + 1, c.items.len()),
        None => format!("{}/{}", c.selected + 1, c.items.len()),
    };
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(title)
                .border_style(Style::default().fg(Color::Cyan)),
        ),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::prompt::PromptKind;

    #[test]
    fn fields_operators_and_values_complete() {
        let (start, items) = candidates("ip.sr", 5);
        assert_eq!((start, items), (0, vec!["ip.src".to_string()]));
        let (_, items) = candidates("tcp.flags.s", 11);
        assert_eq!(items, vec!["tcp.flags.str", "tcp.flags.syn"]);
        let (_, items) = candidates("tcp.port ", 9);
        assert!(items.contains(&"==".to_string()));
        let (start, items) = candidates("tcp and tcp.flags.syn == ", 25);
        assert_eq!((start, items), (25, vec!["1".to_string(), "0".to_string()]));
        let (_, items) = candidates("http.request.method == \"P", 26);
        assert_eq!(items, vec!["\"POST\"", "\"PUT\"", "\"PATCH\""]);
        assert!(candidates("", 0).1.is_empty());
        assert!(candidates("zzz", 3).1.is_empty());
    }

    #[test]
    fn tab_completes_the_common_part_then_walks_the_dropdown() {
        let mut p = Prompt::new(PromptKind::Filter, "tcp.flags.s".into());
        assert!(complete(&mut p, true, None));
        assert_eq!(p.input, "tcp.flags.s");
        assert_eq!(p.completion.as_ref().map(|c| c.items.len()), Some(2));
        complete(&mut p, true, None);
        assert!(accept(&mut p));
        assert_eq!(p.input, "tcp.flags.syn ");
        assert_eq!(p.cursor, 14);
        let mut p = Prompt::new(PromptKind::Filter, "udp.src".into());
        complete(&mut p, true, None);
        assert_eq!(p.input, "udp.srcport ");
        assert!(p.completion.is_none());
        // In the middle of the input, only the word before the cursor changes.
        let mut p = Prompt::new(PromptKind::Filter, "ip.sr == 1.2.3.4".into());
        p.cursor = 5;
        complete(&mut p, true, None);
        assert_eq!(p.input, "ip.src == 1.2.3.4");
    }
}
