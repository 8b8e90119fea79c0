//! Lines wider than their pane (follow, HTTP messages): wrapped (`r`
//! toggles), or cut at the pane's edge with an ellipsis where text goes on
//! (never a silent cut) and scrolled sideways with ← →.

use super::keymap::Action;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Columns ← and → scroll by.
pub const HSCROLL_STEP: usize = 8;

/// How a pane shows long lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LongLines {
    pub wrap: bool,
    /// Columns scrolled out on the left (when not wrapping).
    pub hscroll: usize,
}

impl LongLines {
    /// `r` toggles wrapping, ← → scroll sideways; whether the action was used.
    pub fn handle(&mut self, action: Action) -> bool {
        match action {
            Action::Wrap => {
                self.wrap = !self.wrap;
                self.hscroll = 0;
            }
            Action::Fold if !self.wrap => self.hscroll = self.hscroll.saturating_sub(HSCROLL_STEP),
            Action::Unfold if !self.wrap => {
                self.hscroll = self.hscroll.saturating_add(HSCROLL_STEP)
            }
            _ => return false,
        }
        true
    }

    /// What the title says of it.
    pub fn describe(&self) -> String {
        match (self.wrap, self.hscroll) {
            (true, _) => "r: no wrap".into(),
            (false, 0) => "r: wrap, ←→: scroll".into(),
            (false, n) => format!("r: wrap, ←→: scroll (col {})", n + 1),
        }
    }

    /// `lines` for a pane `width` columns wide: as they are when wrapping,
    /// else cut to the window, an ellipsis where text goes on either side.
    pub fn fit(&self, lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
        if self.wrap {
            // At the column, as Wireshark's follow wraps (bytes have no words).
            return lines.iter().flat_map(|l| wrap(l, width)).collect();
        }
        lines
            .into_iter()
            .map(|l| clip(&l, self.hscroll, width))
            .collect()
    }

    /// A paragraph of `lines` (made by [`LongLines::fit`]).
    pub fn paragraph(&self, lines: Vec<Line<'static>>) -> Paragraph<'static> {
        Paragraph::new(lines)
    }
}

/// `line` cut into rows of `width` characters, styles kept.
pub fn wrap(line: &Line<'_>, width: usize) -> Vec<Line<'static>> {
    let total: usize = line.spans.iter().map(|s| s.content.chars().count()).sum();
    if width == 0 || total <= width {
        return vec![slice(line, 0, total)];
    }
    (0..total)
        .step_by(width)
        .map(|from| slice(line, from, (from + width).min(total)))
        .collect()
}

/// Characters `from..to` of `line`, styles kept.
fn slice(line: &Line<'_>, from: usize, to: usize) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut at = 0;
    for s in &line.spans {
        let n = s.content.chars().count();
        let (a, b) = (from.max(at), to.min(at + n));
        if a < b {
            let text: String = s.content.chars().skip(a - at).take(b - a).collect();
            spans.push(Span::styled(text, s.style));
        }
        at += n;
    }
    Line::from(spans).style(line.style)
}

/// Characters `from..from + width` of `line`, styles kept; `…` replaces the
/// first (last) character shown when text is hidden before (after) it.
pub fn clip(line: &Line<'_>, from: usize, width: usize) -> Line<'static> {
    let total: usize = line.spans.iter().map(|s| s.content.chars().count()).sum();
    if width == 0 || (from == 0 && total <= width) {
        let spans: Vec<Span<'static>> = line
            .spans
            .iter()
            .map(|s| Span::styled(s.content.to_string(), s.style))
            .collect();
        return Line::from(spans).style(line.style);
    }
    let end = (from + width).min(total);
    let mut spans = slice(line, from, end).spans;
    let marker = |span: &mut Span<'static>, first: bool| {
        let mut chars: Vec<char> = span.content.chars().collect();
        if first {
            if let Some(c) = chars.first_mut() {
                *c = '…';
            }
        } else if let Some(c) = chars.last_mut() {
            *c = '…';
        }
        span.content = chars.into_iter().collect::<String>().into();
        span.style = span
            .style
            .patch(Style::default().add_modifier(Modifier::DIM));
    };
    if from > 0 && from < total {
        if let Some(first) = spans.first_mut() {
            marker(first, true);
        }
    }
    if end < total {
        if let Some(last) = spans.last_mut() {
            marker(last, false);
        }
    }
    Line::from(spans).style(line.style)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(l: &Line<'_>) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn cuts_show_an_ellipsis_and_scroll() {
        let line = Line::from(vec![
            Span::raw("GET /a-very-"),
            Span::raw("long-path HTTP/1.1"),
        ]);
        assert_eq!(text(&clip(&line, 0, 40)), "GET /a-very-long-path HTTP/1.1");
        assert_eq!(text(&clip(&line, 0, 10)), "GET /a-ve…");
        assert_eq!(text(&clip(&line, 8, 10)), "…ry-long-…");
        assert_eq!(text(&clip(&line, 25, 10)), "…/1.1");
        assert_eq!(text(&clip(&line, 40, 10)), "");
        let mut l = LongLines::default();
        assert!(l.handle(Action::Unfold));
        assert_eq!(l.hscroll, HSCROLL_STEP);
        assert!(l.handle(Action::Wrap));
        assert_eq!((l.wrap, l.hscroll), (true, 0));
        assert!(!l.handle(Action::Unfold));
        assert_eq!(l.fit(vec![line.clone()], 5).len(), 6);
        let rows: Vec<String> = wrap(&line, 12).iter().map(text).collect();
        assert_eq!(rows, ["GET /a-very-", "long-path HT", "TP/1.1"]);
    }
}
