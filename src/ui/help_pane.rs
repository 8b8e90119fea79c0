//! The help screen: the rows of the keymap table, the very table that
//! dispatches keys, so it cannot drift from what the keys do.

use super::app::{movement, Ctx, Handled, Input};
use super::keymap::help_rows;
use super::render::block;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// The help screen's state.
#[derive(Debug, Default)]
pub struct HelpPane {
    /// First row shown.
    pub offset: usize,
    pub area: Rect,
}

impl HelpPane {
    pub fn handle(&mut self, input: Input, _cx: &Ctx) -> Handled {
        let delta = match input {
            Input::Action(a) => movement(a, usize::from(self.area.height.saturating_sub(3))),
            Input::Scroll(_, d) => Some(d),
            Input::Click(_) => None,
        };
        match delta {
            Some(d) => {
                self.offset = self
                    .offset
                    .saturating_add_signed(d)
                    .min(help_rows().len().saturating_sub(1));
                Handled::Consumed
            }
            None => Handled::Ignored,
        }
    }

    pub fn draw(&mut self, frame: &mut Frame<'_>, area: Rect, _cx: &Ctx) {
        self.area = area;
        let rows = help_rows();
        let height = usize::from(area.height.saturating_sub(2)).max(1);
        self.offset = self.offset.min(rows.len().saturating_sub(height));
        let lines: Vec<Line<'_>> = rows
            .into_iter()
            .skip(self.offset)
            .map(|(k, what)| {
                Line::from(vec![
                    Span::styled(
                        format!("{k:<16}"),
                        Style::default().add_modifier(Modifier::BOLD),
                    ),
                    Span::raw(what),
                ])
            })
            .collect();
        frame.render_widget(
            Paragraph::new(lines).block(block("Help (Esc: back)", true)),
            area,
        );
    }
}
