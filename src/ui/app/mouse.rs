//! The mouse: a click focuses the pane under it and selects the row, the
//! wheel scrolls the pane under the pointer.

use super::*;

impl App {
    pub fn on_mouse(&mut self, m: MouseEvent) {
        let at = Position::new(m.column, m.row);
        match m.kind {
            MouseEventKind::ScrollDown => {
                self.focus_at(at);
                self.move_selection(3);
            }
            MouseEventKind::ScrollUp => {
                self.focus_at(at);
                self.move_selection(-3);
            }
            MouseEventKind::Down(MouseButton::Left) => self.click(at),
            _ => {}
        }
    }

    /// Focuses the pane under the pointer, if the view has several.
    pub(super) fn focus_at(&mut self, at: Position) {
        let a = self.areas;
        match self.view {
            View::Packets => {
                if a.list.contains(at) {
                    self.focus = Pane::List;
                } else if a.details.contains(at) {
                    self.focus = Pane::Details;
                } else if a.bytes.contains(at) {
                    self.focus = Pane::Bytes;
                }
            }
            View::Http => {
                if let Some(h) = self.http.as_mut() {
                    if a.http_list.contains(at) {
                        h.focus = HttpFocus::List;
                    } else if a.http_message.contains(at) {
                        h.focus = HttpFocus::Message;
                    }
                }
            }
            _ => {}
        }
    }

    /// A click: focuses the pane and selects the row under the pointer.
    pub(super) fn click(&mut self, at: Position) {
        self.focus_at(at);
        let a = self.areas;
        // Row inside a bordered pane with `header` lines above the rows.
        let row_in = |area: Rect, header: u16| -> Option<usize> {
            let top = area.y + 1 + header;
            (area.contains(at) && at.y >= top && at.y + 1 < area.y + area.height)
                .then(|| usize::from(at.y - top))
        };
        match self.view {
            View::Packets => {
                if let Some(r) = row_in(a.list, 1) {
                    if let Some(packet) = self.list_packet(self.offset + r) {
                        self.select_packet(packet);
                    }
                } else if let Some(r) = row_in(a.details, 0) {
                    self.detail_selected = self.detail_first + r;
                }
            }
            View::Conversations => {
                if let Some(r) = row_in(a.conversations, 1) {
                    let n = self
                        .trace
                        .as_ref()
                        .map(|t| t.conversations.all().len())
                        .unwrap_or(0);
                    let target = self.conversation_first + r;
                    if target < n {
                        self.conversation_selected = target;
                    }
                }
            }
            View::Ladder => {
                if let Some(r) = row_in(a.ladder, 1) {
                    if let Some(packet) = self.ladder.as_mut().and_then(|l| l.click(r)) {
                        self.select_packet(packet as usize);
                    }
                }
            }
            View::Http => {
                if let Some(r) = row_in(a.http_list, 1) {
                    if let (Some(trace), Some(h)) = (self.trace.as_deref(), self.http.as_mut()) {
                        h.click(trace, r);
                        if let Some(packet) = h.first_packet(trace) {
                            self.select_packet(packet as usize);
                        }
                    }
                }
            }
            View::Follow | View::Help => {}
        }
    }
}
