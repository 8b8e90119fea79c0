//! The ladder pane: one TCP connection as a sequence diagram, client lifeline
//! on the left, server on the right, one arrow per segment with its flags,
//! relative Seq/Ack, Len, Win and analysis labels, phase labels across, and
//! runs of data folded into one row that Enter/Space unfolds.
//!
//! The model is the library's [`crate::flow::ladder::Ladder`], built folded
//! by a job when the view opens and unfolded by another job on the first
//! unfold; [`LadderState`] merges the two according to which folds are open.
//! [`LadderPane`] shows "building…" meanwhile. Drawing formats the visible rows only.
//! Times are written in the packet list's time display format (`T`) and
//! count from its time references, as Wireshark's Flow Graph does.
//! Beside this file: `ladder_pane/annotations.rs` (HTTP labels and idle
//! pauses), `ladder_pane/journey_strip.rs` (the phases above the ladder),
//! `ladder_pane/state.rs` (the model: folds, selection, notes) and
//! `ladder_pane/rows.rs` (one row as a line).

mod annotations;
mod journey_strip;
mod rows;
mod state;

use rows::{margin, row_line, time_cells, time_width};
pub use state::LadderState;

use super::app::{movement, row_in, scroll_into_view, Ctx, Handled, Input, Msg};
use super::jobs::{JobKind, Output};
use super::keymap::Action;
use super::packets_pane::PacketsPane;
use super::render::{self, block};
use crate::flow::follow::Side;
use crate::flow::ladder::Row;
use crate::session::Session;
use annotations::pauses;
use journey_strip::{draw_journey, journey_strip_height};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Colour of what the client sends (also in Follow).
pub const CLIENT: Color = Color::LightRed;
/// Colour of what the server sends (also in Follow).
pub const SERVER: Color = Color::LightBlue;

/// The colour of a side.
pub fn side_color(side: Side) -> Color {
    match side {
        Side::Client => CLIENT,
        Side::Server => SERVER,
    }
}

/// The ladder view: the state once built, and what is being built.
#[derive(Default)]
pub struct LadderPane {
    pub state: Option<LadderState>,
    /// The conversation whose ladder a job is building.
    pub building: Option<u32>,
    /// An unfold waiting for the unfolded rows.
    waiting: Option<Action>,
    pub area: Rect,
    /// Where the journey strip was drawn (a click on its bar selects the
    /// phase under it); empty without a strip.
    strip: Rect,
    /// Where the ladder itself was drawn (below the strip).
    rows_area: Rect,
}

impl LadderPane {
    /// Shows conversation `conversation`'s ladder with `packet` selected,
    /// building it in a job unless it is the one shown.
    pub fn open(&mut self, cx: &Ctx, conversation: u32, packet: u32) {
        if let Some(s) = self
            .state
            .as_mut()
            .filter(|s| s.conversation == conversation)
        {
            s.select_packet(packet);
            // Another stream's job is of no use; a rebuild of this one is.
            if self.building != Some(conversation) {
                self.building = None;
                cx.jobs.cancel(JobKind::Ladder);
            }
            return;
        }
        self.state = None;
        self.build(cx, conversation, packet);
    }

    /// The trace changed (the whole file after its preview): the ladder is
    /// built again from it, the old one shown meanwhile.
    pub fn refresh(&mut self, cx: &Ctx, packet: u32) {
        let shown = self.state.as_ref().map(|s| s.conversation);
        if let Some(conversation) = self.building.or(shown) {
            self.build(cx, conversation, packet);
        }
    }

    fn build(&mut self, cx: &Ctx, conversation: u32, packet: u32) {
        let Some(trace) = cx.trace.clone() else {
            return;
        };
        self.waiting = None;
        self.building = Some(conversation);
        cx.jobs.cancel(JobKind::LadderUnfold);
        cx.jobs.start(JobKind::Ladder, move |token| {
            // Superseded before it could start (keys faster than the CPU).
            if token.cancelled() {
                return None;
            }
            LadderState::new(&trace, conversation, packet).map(Output::Ladder)
        });
    }

    pub fn install(&mut self, state: LadderState) {
        self.building = None;
        self.state = Some(state);
    }

    /// The unfolded rows of `conversation` arrived: the waiting unfold happens.
    pub fn unfolded(&mut self, cx: &Ctx, conversation: u32, rows: Vec<Row>) {
        let Some(state) = self
            .state
            .as_mut()
            .filter(|s| s.conversation == conversation)
        else {
            return;
        };
        state.set_every(rows);
        if let Some(action) = self.waiting.take() {
            self.apply(cx, action);
        }
    }

    pub fn failed(&mut self) {
        self.building = None;
        self.waiting = None;
    }

    fn apply(&mut self, cx: &Ctx, action: Action) {
        let Some(state) = self.state.as_mut() else {
            return;
        };
        if !state.has_every() && state.unfolds(action) {
            let Some(trace) = cx.trace.clone() else {
                return;
            };
            let conversation = state.conversation;
            self.waiting = Some(action);
            cx.jobs.start(JobKind::LadderUnfold, move |_| {
                LadderState::every(&trace, conversation)
                    .map(|rows| Output::LadderUnfold(conversation, rows))
            });
            return;
        }
        match action {
            Action::ToggleAll => state.toggle_all(),
            _ => state.toggle_selected(),
        }
    }

    pub fn handle(&mut self, input: Input, cx: &Ctx) -> Handled {
        let page = usize::from(self.area.height.saturating_sub(3));
        let rows_area = self.ladder_area();
        let Some(state) = self.state.as_mut() else {
            return Handled::Ignored;
        };
        let packet = match input {
            Input::Action(action) => {
                if let Some(delta) = movement(action, page) {
                    state.move_by(delta)
                } else {
                    match action {
                        Action::Activate | Action::Toggle | Action::ToggleAll => {
                            self.apply(cx, action);
                            return Handled::Consumed;
                        }
                        Action::NextMatch | Action::PrevMatch => {
                            let jumped = state.jump_phase(action == Action::NextMatch);
                            let Some((p, what)) = jumped else {
                                cx.post(Msg::Status("no further journey phase".into()));
                                return Handled::Consumed;
                            };
                            cx.post(Msg::Status(what));
                            Some(p)
                        }
                        _ => return Handled::Ignored,
                    }
                }
            }
            Input::Scroll(_, delta) => state.move_by(delta),
            Input::Click(at) if self.strip.contains(at) => {
                // The bar is the strip's first line inside its border.
                let width = usize::from(self.strip.width.saturating_sub(2));
                let x = usize::from(at.x.saturating_sub(self.strip.x + 1));
                if at.y != self.strip.y + 1 {
                    return Handled::Consumed;
                }
                let Some((p, what)) = state.phase_at(x, width) else {
                    return Handled::Consumed;
                };
                state.select_packet(p);
                cx.post(Msg::Status(what));
                Some(p)
            }
            Input::Click(at) => match row_in(rows_area, 1, at) {
                Some(r) => state.click(r),
                None => return Handled::Ignored,
            },
        };
        if let Some(p) = packet {
            cx.post(Msg::SelectPacket(p as usize));
        }
        Handled::Consumed
    }

    /// Draws the ladder view into `area`.
    /// Times are written as the packet list (`packets`) writes them.
    pub fn draw(&mut self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx, packets: &PacketsPane) {
        self.area = area;
        let Some(state) = self.state.as_mut() else {
            render::building(frame, area, cx, "Ladder", JobKind::Ladder, self.building);
            return;
        };
        let note = if self.waiting.is_some() {
            ", unfolding…"
        } else if self.building.is_some() {
            ", rebuilding…"
        } else {
            ""
        };
        self.strip = Rect::default();
        let area = match journey_strip_height(state, area) {
            0 => area,
            h => {
                let [top, rest] =
                    Layout::vertical([Constraint::Length(h), Constraint::Min(3)]).areas(area);
                draw_journey(frame, top, state);
                self.strip = top;
                rest
            }
        };
        self.rows_area = area;
        draw_state(frame, area, state, note, (packets, cx.trace()));
    }

    /// Where the ladder's rows are (the pane without the journey strip).
    pub fn ladder_area(&self) -> Rect {
        if self.rows_area.is_empty() {
            self.area
        } else {
            self.rows_area
        }
    }
}

fn draw_state(
    frame: &mut Frame<'_>,
    area: Rect,
    state: &mut LadderState,
    note: &str,
    (packets, trace): (&PacketsPane, Option<&Session>),
) {
    let height = usize::from(area.height.saturating_sub(3)).max(1);
    scroll_into_view(&mut state.offset, state.selected, height);
    let state = &*state;
    let width = usize::from(area.width.saturating_sub(2));
    let tw = time_width(packets);
    let gap = width.saturating_sub(margin(tw) + 3).max(8);
    let named = packets.names.then(|| trace?.names_if_ready()).flatten();
    let (client, server) = match named {
        Some(names) => {
            let (c, s, at) = state.heads;
            (
                crate::journey::named::named_endpoint(c, Some(names), at),
                crate::journey::named::named_endpoint(s, Some(names), at),
            )
        }
        None => (state.client.clone(), state.server.clone()),
    };
    let names = format!(
        "{:<w$}{}",
        client,
        server,
        w = (gap + 2).saturating_sub(server.chars().count())
    );
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!("{:>tw$} {:>5} ", "time", "frame"),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::styled(names, Style::default().add_modifier(Modifier::BOLD)),
    ])];
    let pauses = pauses(&state.rows);
    let times = time_cells(&state.rows, state.offset, height, packets, trace);
    lines.extend(
        state
            .rows
            .iter()
            .enumerate()
            .skip(state.offset)
            .take(height)
            .zip(&times)
            .map(|((i, r), time)| {
                let idle = pauses.get(i).copied().filter(|&p| p >= state.idle_ns);
                let selected = i == state.selected;
                row_line(r, width, (time, tw), selected, state.note_of(r), idle)
            }),
    );
    let title = format!(
        "Ladder: TCP stream {}{} (Enter/Space: fold, a: all, Esc: back)",
        state.stream,
        if !note.is_empty() {
            note
        } else if state.all {
            ", unfolded"
        } else {
            ""
        }
    );
    frame.render_widget(Paragraph::new(lines).block(block(&title, true)), area);
}
