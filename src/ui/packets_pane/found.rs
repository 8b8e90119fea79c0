//! What the packet list shows of the navigation: the time references
//! (Wireshark's Ctrl-T: a reference frame's Time reads `*REF*` and the
//! frames after it count from it), marked frames (a dot before the number,
//! black on white as Wireshark's marked rows) and a find's match (its bytes
//! or its details line highlighted).

use super::PacketsPane;
use crate::store::PacketStore;
use crate::ui::find::Found;
use ratatui::style::{Color, Modifier, Style};

/// Bound on the time references (Wireshark has none; a list this long is a mistake).
pub const MAX_TIME_REFS: usize = 10_000;

/// How a matched byte or details line is highlighted.
pub fn found_style() -> Style {
    Style::default()
        .fg(Color::Black)
        .bg(Color::Yellow)
        .add_modifier(Modifier::BOLD)
}

/// How a marked row looks (Wireshark's default: white on black); as a
/// terminal's default background may be black, reversed and bold here.
pub fn marked_style() -> Style {
    Style::default()
        .fg(Color::White)
        .bg(Color::Black)
        .add_modifier(Modifier::BOLD)
}

/// The prefix of a marked row's number.
pub const MARK: &str = "●";

impl PacketsPane {
    /// Makes `index` a time reference, or no longer one; returns whether it now is.
    pub fn toggle_time_ref(&mut self, index: usize) -> bool {
        self.time_generation += 1;
        if self.time_refs.remove(&index) {
            return false;
        }
        if self.time_refs.len() >= MAX_TIME_REFS {
            return false;
        }
        self.time_refs.insert(index);
        true
    }

    /// Shows a find's match: its packet is selected by the app; here the
    /// match is kept for drawing and, for a details line, its layer unfolded
    /// at the next prepare.
    pub fn show_found(&mut self, found: Found) {
        self.found = Some(found);
        self.found_pending = true;
    }

    /// The Time cell of `index` (`previous`: the packet displayed before
    /// it): `*REF*` on a time reference, else as the time format says,
    /// counting from the last reference before it.
    pub fn time_cell(&self, store: &PacketStore, index: usize, previous: Option<usize>) -> String {
        if self.time_refs.contains(&index) {
            return "*REF*".into();
        }
        let reference = self.time_refs.range(..index).next_back().copied();
        crate::ui::time_format::cell(self.time_format, store, index, previous, reference)
    }

    /// Shows times in the next format (`T`); returns its name.
    pub fn next_time_format(&mut self) -> &'static str {
        self.time_format = self.time_format.next();
        self.time_generation += 1;
        crate::ui::time_format::describe(self.time_format)
    }

    /// After the selected packet's details were built: a details match is
    /// unfolded and selected.
    pub(super) fn reveal_found(&mut self) {
        if !self.found_pending {
            return;
        }
        let Some(found) = &self.found else { return };
        let Some(d) = &self.details else { return };
        if found.packet != self.selected || d.key.1 != self.selected {
            return;
        }
        self.found_pending = false;
        let Some(line) = found.detail_line else {
            return;
        };
        // The layer heading above the line.
        if let Some(h) = d.lines[..=line.min(d.lines.len().saturating_sub(1))]
            .iter()
            .rev()
            .find(|l| l.depth == 0)
        {
            self.collapsed.remove(crate::dissect::layer_of(&h.text));
        }
        let target = d.lines.get(line).map(|l| l as *const _);
        if let Some(pos) = self
            .visible_details()
            .iter()
            .position(|(l, _)| Some(*l as *const _) == target)
        {
            self.detail_selected = pos;
        }
    }

    /// The matched details line (among every line) of the packet shown, if any.
    pub(super) fn found_line(&self) -> Option<usize> {
        self.found
            .as_ref()
            .filter(|f| f.packet == self.selected)
            .and_then(|f| f.detail_line)
    }

    /// The matched bytes of the packet shown.
    pub(super) fn found_bytes(&self) -> std::ops::Range<usize> {
        self.found
            .as_ref()
            .filter(|f| f.packet == self.selected)
            .and_then(|f| f.bytes.clone())
            .unwrap_or(0..0)
    }
}
