//! The packets screen's lower panes: the selected packet's details tree
//! (folding layers, the find's match highlighted) and its bytes (the field
//! under the cursor highlighted, a click on a byte selecting its field).

use super::*;

impl PacketsPane {
    /// The selected packet's tree lines that show (folded layers hidden).
    pub(super) fn visible_details(&self) -> Vec<(&details::Line, bool)> {
        match &self.details {
            Some(d) if d.key.1 == self.selected => details::visible(&d.lines, &self.collapsed),
            _ => Vec::new(),
        }
    }

    /// Folds or unfolds the layer at the details selection: Enter/Space
    /// toggle, Left folds (from a field, its layer), Right unfolds.
    pub(super) fn toggle_detail(&mut self, action: Action) {
        let shown = self.visible_details();
        // The heading of the selected line's layer, and its position.
        let Some(heading_at) = (0..=self.detail_selected.min(shown.len().saturating_sub(1)))
            .rev()
            .find(|&i| shown.get(i).is_some_and(|(l, _)| l.depth == 0))
        else {
            return;
        };
        let Some((heading, folded)) = shown.get(heading_at) else {
            return;
        };
        let layer = details::layer_of(&heading.text).to_string();
        let fold = match action {
            Action::Fold => true,
            Action::Unfold => false,
            _ => !folded,
        };
        if fold {
            self.collapsed.insert(layer);
            self.detail_selected = heading_at;
        } else {
            self.collapsed.remove(&layer);
        }
    }

    /// Puts the bytes cursor on `offset` and selects the narrowest shown
    /// field holding it, as a click in Wireshark's bytes pane does.
    pub(super) fn select_byte(&mut self, offset: usize) {
        let len = self.details.as_ref().map_or(0, |d| d.data.len());
        if len == 0 {
            return;
        }
        self.byte_cursor = offset.min(len - 1);
        let at = self.byte_cursor;
        let best = self
            .visible_details()
            .iter()
            .enumerate()
            .filter(|(_, (l, _))| l.bytes.contains(&at))
            .min_by_key(|(i, (l, _))| (l.bytes.len(), usize::MAX - i))
            .map(|(i, _)| i);
        if let Some(i) = best {
            self.detail_selected = i;
        }
    }

    pub(super) fn draw_details(
        &mut self,
        frame: &mut Frame<'_>,
        details_area: Rect,
        bytes_area: Rect,
    ) {
        let focus = self.focus;
        let detail_height = usize::from(details_area.height.saturating_sub(2)).max(1);
        let first = self
            .detail_selected
            .saturating_sub(detail_height.saturating_sub(1));
        self.detail_first = first;
        let found_line = self
            .found_line()
            .and_then(|i| self.details.as_ref()?.lines.get(i))
            .map(|l| l as *const details::Line);
        let found_bytes = self.found_bytes();
        let lines = self.visible_details();
        if lines.is_empty() {
            return;
        }
        let highlight = lines
            .get(self.detail_selected)
            .map(|(l, _)| l.bytes.clone())
            .unwrap_or(0..0);
        let text: Vec<Line<'_>> = lines
            .iter()
            .enumerate()
            .skip(first)
            .take(detail_height)
            .map(|(i, (l, folded))| {
                let indent = match (l.depth, folded) {
                    (0, true) => "▸ ".to_string(),
                    (0, false) => "▾ ".to_string(),
                    (d, _) => "  ".repeat(usize::from(d) + 1),
                };
                let mut style = if l.depth == 0 {
                    Style::default().add_modifier(Modifier::BOLD)
                } else {
                    Style::default()
                };
                if Some(*l as *const details::Line) == found_line {
                    style = style.patch(found_style());
                }
                if i == self.detail_selected && focus == Pane::Details {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                Line::from(Span::styled(format!("{indent}{}", l.text), style))
            })
            .collect();
        frame.render_widget(
            Paragraph::new(text).block(block("Details", focus == Pane::Details)),
            details_area,
        );
        let data = self.details.as_ref().map_or(&[][..], |d| &d.data[..]);
        let bytes_height = usize::from(bytes_area.height.saturating_sub(2));
        let hl = if focus == Pane::List { 0..0 } else { highlight };
        // Scroll so that the highlighted bytes (or the cursor) show.
        let height = bytes_height.max(1);
        let rows = data.len().div_ceil(16);
        let (want_start, want_end) = if focus == Pane::Bytes {
            (self.byte_cursor / 16, self.byte_cursor / 16)
        } else if hl.is_empty() {
            (self.bytes_first, self.bytes_first)
        } else {
            (hl.start / 16, (hl.end - 1) / 16)
        };
        if want_start < self.bytes_first {
            self.bytes_first = want_start;
        } else if want_end >= self.bytes_first + height {
            self.bytes_first = want_start.max((want_end + 1).saturating_sub(height));
        }
        self.bytes_first = self.bytes_first.min(rows.saturating_sub(height));
        let cursor = (focus == Pane::Bytes).then_some(self.byte_cursor);
        let style_of = |at: usize| {
            let mut st = Style::default();
            if found_bytes.contains(&at) {
                st = found_style();
            }
            if hl.contains(&at) {
                st = st.add_modifier(Modifier::REVERSED);
            }
            if cursor == Some(at) {
                st = st.add_modifier(Modifier::UNDERLINED | Modifier::BOLD);
            }
            st
        };
        let hex_lines: Vec<Line<'_>> = data
            .chunks(16)
            .enumerate()
            .skip(self.bytes_first)
            .take(height)
            .map(|(row, chunk)| {
                let mut spans = vec![Span::raw(format!("{:04x}  ", row * 16))];
                for (i, b) in chunk.iter().enumerate() {
                    let at = row * 16 + i;
                    spans.push(Span::styled(format!("{b:02x}"), style_of(at)));
                    // The gap is highlighted too inside a run of bytes.
                    let gap = if i + 1 < chunk.len() && hl.contains(&at) && hl.contains(&(at + 1)) {
                        Style::default().add_modifier(Modifier::REVERSED)
                    } else {
                        Style::default()
                    };
                    spans.push(Span::styled(" ", gap));
                }
                spans.push(Span::raw("   ".repeat(16 - chunk.len())));
                spans.push(Span::raw(" "));
                for (i, &b) in chunk.iter().enumerate() {
                    spans.push(Span::styled(
                        ascii_or_dot(b).to_string(),
                        style_of(row * 16 + i),
                    ));
                }
                Line::from(spans)
            })
            .collect();
        frame.render_widget(
            Paragraph::new(hex_lines).block(block("Bytes", focus == Pane::Bytes)),
            bytes_area,
        );
    }
}
