//! Keys of an open prompt (export name, follow search, display filter), and
//! what confirming does: a search runs at once over the follow lines, a
//! filter and an export run as jobs.

use super::*;
use crate::ui::filter_bar::{self, ActiveFilter};
use crate::ui::jobs::{JobKind, Output};
use crate::ui::keymap::PromptAction;
use crate::ui::line_edit::Edit;
use crate::ui::prompt::PromptKind;
use crate::ui::save;
use crossterm::event::KeyCode;

impl App {
    pub(super) fn on_prompt_key(&mut self, key: KeyEvent) -> bool {
        let Some(prompt) = self.prompt.as_mut() else {
            return false;
        };
        // Tab: the find prompt's kind; the filter's completion.
        if matches!(key.code, KeyCode::Tab | KeyCode::BackTab) {
            let forward = key.code == KeyCode::Tab;
            return match prompt.kind {
                PromptKind::Find(mode) => {
                    prompt.kind = PromptKind::Find(mode.cycle(forward));
                    prompt.error = None;
                    super::navigation::check_find(prompt);
                    true
                }
                PromptKind::Filter => {
                    let source = self.cx.trace().map(|t| (&**t, t.http_if_ready()));
                    crate::ui::completion::complete(prompt, forward, source)
                }
                PromptKind::AddColumn => crate::ui::completion::complete(prompt, forward, None),
                PromptKind::Save(ref mut target) => {
                    let input = self.cx.trace().map(|t| t.store.capture().format());
                    let old = input.map(|f| save::suggest_name(&self.cx.name, target.scope, f));
                    target.scope = target.scope.cycle(forward);
                    target.replace = None;
                    prompt.error = None;
                    // A suggested name follows the scope; a typed one stays.
                    if let (Some(old), Some(f)) = (old, input) {
                        if prompt.input == old {
                            let new = save::suggest_name(&self.cx.name, target.scope, f);
                            prompt.set_input(new);
                        }
                    }
                    true
                }
                _ => false,
            };
        }
        let action = keymap::lookup(keymap::PROMPT_BINDINGS, &key);
        // A completion dropdown takes Enter (pick), Esc (close), Up/Down (choose).
        if prompt.completion.is_some() {
            match action {
                Some(PromptAction::Confirm) => return crate::ui::completion::accept(prompt),
                Some(PromptAction::Cancel) if key.code == KeyCode::Esc => {
                    prompt.completion = None;
                    return true;
                }
                Some(PromptAction::HistoryBack) => {
                    return crate::ui::completion::complete(prompt, false, None)
                }
                Some(PromptAction::HistoryForward) => {
                    return crate::ui::completion::complete(prompt, true, None)
                }
                _ => {}
            }
        }
        match action {
            Some(PromptAction::Cancel) => {
                self.status = match prompt.kind {
                    PromptKind::Export(_) | PromptKind::ExportAll(_) => "export cancelled".into(),
                    _ => String::new(),
                };
                self.prompt = None;
            }
            Some(PromptAction::Delete) => {
                prompt.edit(&key);
                edited(prompt);
            }
            Some(action @ (PromptAction::HistoryBack | PromptAction::HistoryForward)) => {
                if !matches!(prompt.kind, PromptKind::Filter) {
                    return false;
                }
                let n = self.filter_history.len();
                let next = match (prompt.history, action) {
                    (None, PromptAction::HistoryBack) => n.checked_sub(1),
                    (Some(i), PromptAction::HistoryBack) => Some(i.saturating_sub(1)),
                    (Some(i), _) if i + 1 < n => Some(i + 1),
                    _ => None,
                };
                prompt.history = next;
                prompt.set_input(
                    next.and_then(|i| self.filter_history.get(i).cloned())
                        .unwrap_or_default(),
                );
                edited(prompt);
            }
            Some(PromptAction::Confirm) => self.submit_prompt(),
            None => match prompt.edit(&key) {
                Edit::Changed => edited(prompt),
                Edit::Moved => prompt.completion = None,
                Edit::Ignored => return false,
            },
        }
        true
    }

    /// Pasted text goes into an open prompt at its cursor.
    pub(super) fn on_paste(&mut self, text: &str) -> bool {
        let Some(prompt) = self.prompt.as_mut() else {
            return false;
        };
        prompt.paste(text);
        edited(prompt);
        true
    }

    fn submit_prompt(&mut self) {
        let Some(prompt) = self.prompt.take() else {
            return;
        };
        match prompt.kind {
            PromptKind::Search => self.status = self.follow.search(&prompt.input),
            PromptKind::Find(mode) => {
                if let Err(e) = self.start_find(mode, &prompt.input, true) {
                    self.prompt = Some(Prompt {
                        error: Some(e),
                        ..prompt
                    });
                }
            }
            PromptKind::KeyLog => self.load_key_log(prompt),
            PromptKind::ExportAll(ref transactions) => {
                let (Some(session), dir) = (self.cx.trace.clone(), self.cx.export_dir.clone())
                else {
                    return;
                };
                let transactions = std::sync::Arc::clone(transactions);
                self.status = format!("writing {} bodies …", transactions.len());
                self.cx.jobs.start(JobKind::Export, move |_| {
                    let written = crate::ui::export_all::write_all(
                        &dir,
                        &prompt.input,
                        &session,
                        &transactions,
                    );
                    Some(Output::Export(written.map_err(|error| Prompt {
                        error: Some(error),
                        ..prompt
                    })))
                });
            }
            PromptKind::Save(_) => self.start_save(prompt),
            PromptKind::AddColumn | PromptKind::HideColumn => {
                let columns = &mut self.packets.columns;
                let done = if matches!(prompt.kind, PromptKind::AddColumn) {
                    columns.add(&prompt.input)
                } else {
                    columns.hide(&prompt.input)
                };
                match done {
                    Ok(message) => {
                        self.packets.columns_generation += 1;
                        self.status = message;
                    }
                    Err(e) => {
                        self.prompt = Some(Prompt {
                            error: Some(e),
                            ..prompt
                        })
                    }
                }
            }
            PromptKind::GoTo => {
                if let Err(e) = self.go_to(&prompt.input) {
                    self.prompt = Some(Prompt {
                        error: Some(e),
                        ..prompt
                    });
                }
            }
            PromptKind::Filter => match self.apply_filter(&prompt.input) {
                // Applied from the conversations: the packets it selects show.
                Ok(()) => {
                    if self.view == View::Conversations {
                        self.view = View::Packets;
                    }
                }
                Err(e) => {
                    self.prompt = Some(Prompt {
                        filter_error: Some(e),
                        ..prompt
                    })
                }
            },
            PromptKind::Export(_) => {
                let dir = self.cx.export_dir.clone();
                self.status = "writing the export …".into();
                self.cx.jobs.start(JobKind::Export, move |_| {
                    let PromptKind::Export(item) = &prompt.kind else {
                        return None;
                    };
                    Some(Output::Export(
                        match crate::ui::prompt::write(&dir, &prompt.input, item) {
                            Ok(message) => Ok(message),
                            Err(error) => Err(Prompt {
                                error: Some(error),
                                ..prompt
                            }),
                        },
                    ))
                });
            }
        }
    }

    /// Applies the display filter `text` (empty clears it) in a job; the
    /// list switches when its result comes, keeping the selection when it
    /// still shows, else selecting the nearest match. A newer filter cancels
    /// the one still running.
    pub(super) fn apply_filter(&mut self, text: &str) -> Result<(), crate::filter::FilterError> {
        let compiled = filter_bar::compile(text)?;
        filter_bar::remember(&mut self.filter_history, text);
        self.cx.jobs.cancel(JobKind::Filter);
        let Some(filter) = compiled else {
            self.packets.clear_filter();
            self.network.filter_by(&self.cx, None);
            self.status = "filter cleared".into();
            return Ok(());
        };
        self.packets.filter_text = Some(text.to_string());
        let Some(trace) = self.cx.trace.clone() else {
            self.status = "the filter applies when the first packets arrive".into();
            return Ok(());
        };
        self.status = format!("filtering {} packets …", trace.store.len());
        self.cx.jobs.start(JobKind::Filter, move |token| {
            let matches = trace.select(&filter, token.flag())?;
            Some(Output::Filter(ActiveFilter { filter, matches }))
        });
        Ok(())
    }
}

/// After the input changed: the last error and the dropdown go, and the
/// filter is compiled again to show whether it is valid.
fn edited(prompt: &mut Prompt) {
    prompt.error = None;
    prompt.completion = None;
    match prompt.kind {
        PromptKind::Filter => prompt.recheck(),
        PromptKind::Find(_) => super::navigation::check_find(prompt),
        _ => {}
    }
}
