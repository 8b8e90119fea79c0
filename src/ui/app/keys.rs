//! Keys: an open prompt first (export name, search, filter), then the
//! global keys (quit, help, views, moving), then the view being shown.

use super::*;

impl App {
    pub fn on_key(&mut self, key: KeyEvent) {
        if self.prompt.is_some() {
            self.on_prompt_key(key);
            return;
        }
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.should_quit = true;
            return;
        }
        let page = self.page() as isize;
        match key.code {
            KeyCode::Char('q') => self.should_quit = true,
            KeyCode::Char('?') => {
                self.view = View::Help;
                self.help_offset = 0;
            }
            KeyCode::Esc => self.view = View::Packets,
            KeyCode::Char('c') => self.view = View::Conversations,
            KeyCode::Char('l') => self.open_ladder(),
            KeyCode::Char('f') => self.open_follow(),
            KeyCode::Char('h') => self.open_http(),
            KeyCode::Down | KeyCode::Char('j') => self.move_selection(1),
            KeyCode::Up | KeyCode::Char('k') => self.move_selection(-1),
            KeyCode::PageDown => self.move_selection(page),
            KeyCode::PageUp => self.move_selection(-page),
            KeyCode::Char('g') | KeyCode::Home => self.move_selection(isize::MIN / 2),
            KeyCode::Char('G') | KeyCode::End => self.move_selection(isize::MAX / 2),
            KeyCode::Tab => self.cycle_pane(true),
            KeyCode::BackTab => self.cycle_pane(false),
            _ => self.on_view_key(key),
        }
    }

    pub(super) fn cycle_pane(&mut self, forward: bool) {
        match self.view {
            View::Packets => {
                self.focus = match (self.focus, forward) {
                    (Pane::List, true) | (Pane::Bytes, false) => Pane::Details,
                    (Pane::Details, true) | (Pane::List, false) => Pane::Bytes,
                    (Pane::Bytes, true) | (Pane::Details, false) => Pane::List,
                }
            }
            View::Http => {
                if let Some(h) = self.http.as_mut() {
                    h.focus = match h.focus {
                        HttpFocus::List => HttpFocus::Message,
                        HttpFocus::Message => HttpFocus::List,
                    }
                }
            }
            _ => {}
        }
    }

    /// Folds or unfolds the layer at the details selection: Enter/Space
    /// toggle, Left folds (from a field, its layer), Right unfolds.
    pub(super) fn toggle_detail(&mut self, code: KeyCode) {
        let Some(trace) = self.trace.as_deref() else {
            return;
        };
        if self.selected >= trace.store.len() {
            return;
        }
        let view = trace.packet(self.selected);
        let all = crate::dissect::lines(&view);
        let shown = crate::dissect::visible(&all, &self.details_collapsed);
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
        let layer = crate::dissect::layer_of(&heading.text).to_string();
        let fold = match code {
            KeyCode::Left => true,
            KeyCode::Right => false,
            _ => !folded,
        };
        if fold {
            self.details_collapsed.insert(layer);
            self.detail_selected = heading_at;
        } else {
            self.details_collapsed.remove(&layer);
        }
    }

    /// Keys that mean something in one view only.
    pub(super) fn on_view_key(&mut self, key: KeyEvent) {
        match (self.view, key.code) {
            (View::Conversations, KeyCode::Char('s')) => {
                self.sort_conversations(self.conversation_sort.next())
            }
            (
                View::Packets,
                KeyCode::Enter | KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right,
            ) if self.focus == Pane::Details => self.toggle_detail(key.code),
            (View::Conversations, KeyCode::Enter) => self.open_conversation(),
            (View::Ladder, KeyCode::Enter | KeyCode::Char(' ')) => {
                if let (Some(trace), Some(l)) = (self.trace.as_deref(), self.ladder.as_mut()) {
                    l.toggle_selected(trace);
                }
            }
            (View::Ladder, KeyCode::Char('a')) => {
                if let (Some(trace), Some(l)) = (self.trace.as_deref(), self.ladder.as_mut()) {
                    l.toggle_all(trace);
                }
            }
            (View::Follow, KeyCode::Char('x')) => {
                if let (Some(trace), Some(f)) = (self.trace.as_deref(), self.follow.as_mut()) {
                    f.toggle_hex(trace);
                }
            }
            (View::Follow, KeyCode::Char('t')) => {
                if let (Some(trace), Some(f)) = (self.trace.as_deref(), self.follow.as_mut()) {
                    if let Some(msg) = f.toggle_tls(trace) {
                        self.status = msg;
                    }
                }
            }
            (View::Follow, KeyCode::Char('/')) => {
                let input = self
                    .follow
                    .as_ref()
                    .and_then(|f| f.query.clone())
                    .unwrap_or_default();
                self.prompt = Some(Prompt::new(PromptKind::Search, input));
            }
            (View::Packets, KeyCode::Char('/')) => {
                let input = self
                    .filter
                    .as_ref()
                    .map(|f| f.text().to_string())
                    .unwrap_or_default();
                self.prompt = Some(Prompt::new(PromptKind::Filter, input));
            }
            (View::Follow, KeyCode::Char('n')) => self.next_match(true),
            (View::Follow, KeyCode::Char('N')) => self.next_match(false),
            (View::Follow, KeyCode::Char('e')) => self.start_stream_export(),
            (View::Http, KeyCode::Char('e')) => self.start_http_export(),
            _ => {}
        }
    }

    pub(super) fn next_match(&mut self, forward: bool) {
        if let Some(f) = self.follow.as_mut() {
            self.status = f.next_match(forward);
        }
    }

    pub(super) fn on_prompt_key(&mut self, key: KeyEvent) {
        let Some(prompt) = self.prompt.as_mut() else {
            return;
        };
        match key.code {
            KeyCode::Esc => {
                self.status = match prompt.kind {
                    PromptKind::Export(_) => "export cancelled".into(),
                    PromptKind::Search | PromptKind::Filter => String::new(),
                };
                self.prompt = None;
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.prompt = None;
            }
            KeyCode::Backspace => {
                prompt.input.pop();
                prompt.error = None;
                check_filter(prompt);
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                prompt.input.push(c);
                prompt.error = None;
                check_filter(prompt);
            }
            KeyCode::Up | KeyCode::Down if matches!(prompt.kind, PromptKind::Filter) => {
                let n = self.filter_history.len();
                let next = match (prompt.history, key.code) {
                    (None, KeyCode::Up) => n.checked_sub(1),
                    (Some(i), KeyCode::Up) => Some(i.saturating_sub(1)),
                    (Some(i), _) if i + 1 < n => Some(i + 1),
                    _ => None,
                };
                prompt.history = next;
                prompt.input = next
                    .and_then(|i| self.filter_history.get(i).cloned())
                    .unwrap_or_default();
                check_filter(prompt);
            }
            KeyCode::Enter => self.submit_prompt(),
            _ => {}
        }
    }

    pub(super) fn submit_prompt(&mut self) {
        let Some(prompt) = self.prompt.take() else {
            return;
        };
        match prompt.kind {
            PromptKind::Search => {
                if let Some(f) = self.follow.as_mut() {
                    self.status = f.search(&prompt.input);
                }
            }
            PromptKind::Filter => {
                if let Err(e) = self.apply_filter(&prompt.input) {
                    self.prompt = Some(Prompt {
                        filter_error: Some(e),
                        ..prompt
                    });
                }
            }
            PromptKind::Export(ref item) => {
                match crate::ui::prompt::write(&self.export_dir, &prompt.input, item) {
                    Ok(message) => self.status = message,
                    Err(error) => {
                        // Keep the prompt so the name can be changed.
                        self.prompt = Some(Prompt {
                            error: Some(error),
                            ..prompt
                        });
                    }
                }
            }
        }
    }
}

/// Compiles a filter prompt's input as it is typed, to show the error.
fn check_filter(prompt: &mut Prompt) {
    if matches!(prompt.kind, PromptKind::Filter) {
        prompt.filter_error = filter_bar::compile(&prompt.input).err();
    }
}
