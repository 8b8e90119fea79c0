//! Keys of an open prompt (export name, follow search, display filter), and
//! what confirming does: a search runs at once over the follow lines, a
//! filter and an export run as jobs.

use super::*;
use crate::ui::filter_bar::{self, ActiveFilter};
use crate::ui::jobs::{JobKind, Output};
use crate::ui::keymap::PromptAction;
use crate::ui::prompt::PromptKind;
use crossterm::event::{KeyCode, KeyModifiers};

impl App {
    pub(super) fn on_prompt_key(&mut self, key: KeyEvent) -> bool {
        let Some(prompt) = self.prompt.as_mut() else {
            return false;
        };
        match keymap::lookup(keymap::PROMPT_BINDINGS, &key) {
            Some(PromptAction::Cancel) => {
                self.status = match prompt.kind {
                    PromptKind::Export(_) | PromptKind::ExportAll(_) => "export cancelled".into(),
                    PromptKind::Search | PromptKind::Filter | PromptKind::KeyLog => String::new(),
                };
                self.prompt = None;
            }
            Some(PromptAction::Delete) => {
                prompt.input.pop();
                prompt.error = None;
                check_filter(prompt);
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
                prompt.input = next
                    .and_then(|i| self.filter_history.get(i).cloned())
                    .unwrap_or_default();
                check_filter(prompt);
            }
            Some(PromptAction::Confirm) => self.submit_prompt(),
            None => match key.code {
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    prompt.input.push(c);
                    prompt.error = None;
                    check_filter(prompt);
                }
                _ => return false,
            },
        }
        true
    }

    fn submit_prompt(&mut self) {
        let Some(prompt) = self.prompt.take() else {
            return;
        };
        match prompt.kind {
            PromptKind::Search => self.status = self.follow.search(&prompt.input),
            PromptKind::Filter => {
                if let Err(e) = self.apply_filter(&prompt.input) {
                    self.prompt = Some(Prompt {
                        filter_error: Some(e),
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

/// Compiles a filter prompt's input as it is typed, to show the error.
fn check_filter(prompt: &mut Prompt) {
    if matches!(prompt.kind, PromptKind::Filter) {
        prompt.filter_error = filter_bar::compile(&prompt.input).err();
    }
}
