//! Moving around the packet list as Wireshark does: find packet (Ctrl-F,
//! then n / N), go to packet (Ctrl-G), marks (m, ] [, M) that the filter
//! reads as `frame.marked`, time references (Ctrl-T) and the first / last
//! packet of the selected packet's conversation (< >). A find runs as a job
//! ([`crate::ui::find::search`]); its result selects and highlights the match.

use super::*;
use crate::ui::find::{self, FindMode, Found};
use crate::ui::jobs::{JobKind, Output};
use crate::ui::prompt::PromptKind;
use crate::ui::save::{self, SaveScope, SaveTarget};

/// What the navigation remembers between keys.
#[derive(Debug, Clone, Default)]
pub struct Navigation {
    /// The kind of the last find (the next Ctrl-F opens with it).
    pub find_mode: FindMode,
    /// The last find asked for, repeated by n / N.
    pub last_find: Option<(FindMode, String)>,
}

impl App {
    /// The packet list's navigation keys; `false` for other actions or
    /// views (the time format also cycles in the ladder and follow, which
    /// show it).
    pub(super) fn navigate(&mut self, action: Action) -> bool {
        let ladder_time =
            matches!(self.view, View::Ladder | View::Follow) && action == Action::TimeFormat;
        // `w` in follow and the conversations saves that stream's packets.
        if action == Action::Save && matches!(self.view, View::Follow | View::Conversations) {
            let Some(trace) = self.cx.trace.clone() else {
                return false;
            };
            match self.view_frames(&trace) {
                Some(frames) => self.open_save(&trace, Some(frames)),
                None => self.status = "no stream or conversation selected".into(),
            }
            return true;
        }
        if self.view != View::Packets && !ladder_time {
            return false;
        }
        let Some(trace) = self.cx.trace.clone() else {
            return false;
        };
        let selected = self.packets.selected;
        match action {
            Action::FindPacket => {
                let (mode, text) = self
                    .nav
                    .last_find
                    .clone()
                    .unwrap_or((self.nav.find_mode, String::new()));
                let mut prompt = Prompt::selected(PromptKind::Find(mode), text);
                check_find(&mut prompt);
                self.prompt = Some(prompt);
            }
            Action::GoTo => self.prompt = Some(Prompt::new(PromptKind::GoTo, String::new())),
            Action::NextMatch | Action::PrevMatch => match self.nav.last_find.clone() {
                Some((mode, text)) => {
                    if let Err(e) = self.start_find(mode, &text, action == Action::NextMatch) {
                        self.status = e;
                    }
                }
                None => self.status = "nothing to find again: Ctrl-F finds a packet".into(),
            },
            Action::Mark => {
                let now = trace.marks().toggle(selected);
                let count = trace.marks().snapshot().len();
                self.status = format!(
                    "frame {} {} ({count} marked)",
                    selected + 1,
                    if now { "marked" } else { "unmarked" }
                );
            }
            Action::NextMark | Action::PrevMark => {
                let marks = trace.marks().snapshot();
                let forward = action == Action::NextMark;
                let len = self.packets.list_len(&self.cx);
                let from = self.packets.selected_pos();
                let hit = (1..=len).find_map(|step| {
                    let pos = if forward {
                        (from + step) % len
                    } else {
                        (from + len - step % len) % len
                    };
                    self.packets
                        .list_packet(&self.cx, pos)
                        .filter(|&p| marks.contains(p))
                });
                self.status = match hit {
                    Some(p) => {
                        self.packets.select(&self.cx, p);
                        format!("frame {} (marked; {} marked)", p + 1, marks.len())
                    }
                    None if marks.is_empty() => "no packet is marked (m marks one)".into(),
                    None => "no marked packet is displayed".into(),
                };
            }
            Action::ClearMarks => {
                let n = trace.marks().snapshot().len();
                trace.marks().clear();
                self.status = format!("{n} marks cleared");
            }
            Action::TimeRef => {
                let on = self.packets.toggle_time_ref(selected);
                self.status = format!(
                    "frame {} {} time reference",
                    selected + 1,
                    if on { "set as" } else { "no longer a" }
                );
            }
            Action::ConversationFirst | Action::ConversationLast => {
                let conv = trace
                    .store
                    .entry(selected)
                    .and_then(|e| trace.conversations.get(e.conversation));
                let Some(c) = conv else {
                    self.status = format!("frame {} is not part of a conversation", selected + 1);
                    return true;
                };
                let first = action == Action::ConversationFirst;
                let target = if first { c.first_packet } else { c.last_packet } as usize;
                self.packets.select(&self.cx, target);
                let shown = self
                    .packets
                    .list_packet(&self.cx, self.packets.selected_pos());
                self.status = format!(
                    "{} packet of {} stream {}: frame {}{}",
                    if first { "first" } else { "last" },
                    c.protocol.name(),
                    c.stream,
                    target + 1,
                    if shown == Some(target) {
                        ""
                    } else {
                        " (hidden by the filter)"
                    }
                );
            }
            Action::Save => self.open_save(&trace, None),
            // In follow, T first shows each packet's time before its
            // lines, then cycles the format; back at the format it started
            // from, the times are hidden again.
            Action::TimeFormat if self.view == View::Follow && self.follow.times_from.is_none() => {
                self.follow.times_from = Some(self.packets.time_format);
                let name = crate::ui::time_format::describe(self.packets.time_format);
                self.status = format!("follow: packet times shown, {name}");
            }
            Action::TimeFormat => {
                let name = self.packets.next_time_format();
                self.status = format!("time display format: {name}");
                if self.view == View::Follow
                    && self.follow.times_from == Some(self.packets.time_format)
                {
                    self.follow.times_from = None;
                    self.status = "follow: packet times hidden".into();
                }
            }
            Action::AddColumn => {
                self.prompt = Some(Prompt::new(PromptKind::AddColumn, String::new()));
            }
            Action::HideColumn => {
                self.prompt = Some(Prompt::new(PromptKind::HideColumn, String::new()));
            }
            _ => return false,
        }
        true
    }

    /// The packets of the stream shown in follow, or of the selected row of
    /// the conversations view (a stream, or a layer tab's conversation).
    fn view_frames(&self, trace: &Arc<crate::session::Session>) -> Option<Vec<u32>> {
        if self.view == View::Follow {
            let c = self.follow.state.as_ref()?.conversation;
            return Some(save::stream_frames(trace, c));
        }
        let layers = &self.conversations.layers;
        match (layers.kind(), layers.shown().and_then(|t| t.current())) {
            (Some(kind), Some(c)) => Some(crate::stats::conversations::frames(trace, kind, c)),
            (Some(_), None) => None,
            (None, _) => Some(save::stream_frames(
                trace,
                self.conversations.current(&self.cx)?,
            )),
        }
    }

    /// The save prompt, with the packets of each scope worked out now;
    /// `stream`: the packets of the view's stream, selected.
    fn open_save(&mut self, trace: &Arc<crate::session::Session>, stream: Option<Vec<u32>>) {
        let displayed = match &self.packets.filter {
            Some(f) => f.matches.clone(),
            None => (0..trace.store.len() as u32).collect(),
        };
        let marked: Vec<u32> = trace.marks().snapshot().iter().map(|i| i as u32).collect();
        let from_view = stream.is_some();
        let stream = stream.unwrap_or_else(|| {
            trace
                .store
                .entry(self.packets.selected)
                .map(|e| save::stream_frames(trace, e.conversation))
                .unwrap_or_default()
        });
        // Marked packets first when there are some: that is why one marks.
        let scope = if from_view {
            SaveScope::Stream
        } else if marked.is_empty() {
            SaveScope::Displayed
        } else {
            SaveScope::Marked
        };
        let name = save::suggest_name(&self.cx.name, scope, trace.store.capture().format());
        let target = SaveTarget {
            scope,
            displayed,
            marked,
            stream,
            replace: None,
        };
        self.prompt = Some(Prompt::new(PromptKind::Save(Box::new(target)), name));
    }

    /// Writes the save prompt's packets in a job; the prompt comes back
    /// with why when it cannot (an existing file: Enter again replaces it).
    pub(super) fn start_save(&mut self, prompt: Prompt) {
        let Some(trace) = self.cx.trace.clone() else {
            return;
        };
        let dir = self.cx.export_dir.clone();
        self.status = "saving packets …".into();
        self.cx.jobs.start(JobKind::Save, move |_| {
            let PromptKind::Save(target) = &prompt.kind else {
                return None;
            };
            Some(Output::Save(
                match save::save(&trace, &dir, &prompt.input, target) {
                    Ok(message) => Ok(message),
                    Err(refused) => {
                        let mut target = target.clone();
                        target.replace = refused.exists;
                        Err(Prompt {
                            kind: PromptKind::Save(target),
                            error: Some(refused.message),
                            ..prompt
                        })
                    }
                },
            ))
        });
    }

    /// Starts a find for `text` from the selection, forward or back.
    pub(super) fn start_find(
        &mut self,
        mode: FindMode,
        text: &str,
        forward: bool,
    ) -> Result<(), String> {
        let query = find::compile(mode, text)?;
        self.nav.find_mode = mode;
        self.nav.last_find = Some((mode, text.to_string()));
        let Some(trace) = self.cx.trace.clone() else {
            return Err("still loading: no packets yet".into());
        };
        let shown = self.packets.filter.as_ref().map(|f| f.matches.clone());
        let from = self.packets.selected_pos();
        let what = format!("{} \"{}\"", mode.describe(), crate::text::sanitize(text));
        self.status = format!("finding {what} …");
        self.cx.jobs.start(JobKind::Find, move |token| {
            let found = find::search(
                &trace,
                shown.as_deref(),
                from,
                forward,
                &query,
                token.flag(),
                |done, total| token.progress(done, total),
            );
            if token.cancelled() {
                return None;
            }
            Some(Output::Find(found, what))
        });
        Ok(())
    }

    /// A find's result: the match selected and highlighted, or why not.
    pub(super) fn found(&mut self, found: Option<Found>, what: String) {
        self.status = match found {
            Some(f) => {
                let wrapped = if f.wrapped {
                    " (search wrapped around the list)"
                } else {
                    ""
                };
                let packet = f.packet;
                self.packets.select(&self.cx, packet);
                self.packets.show_found(f);
                format!("found {what} in frame {}{wrapped}", packet + 1)
            }
            None => {
                self.packets.found = None;
                format!("no packet matches {what}")
            }
        };
    }

    /// Goes to the frame numbered `text`; when the filter hides it, to the
    /// nearest displayed frame after it (or before, at the end).
    pub(super) fn go_to(&mut self, text: &str) -> Result<(), String> {
        let n = self.packet_count();
        let number: usize = text
            .trim()
            .parse()
            .map_err(|_| format!("\"{}\" is not a packet number", crate::text::sanitize(text)))?;
        if number == 0 || number > n {
            return Err(format!(
                "no frame {number}: the capture has frames 1 to {n}"
            ));
        }
        self.packets.select(&self.cx, number - 1);
        let pos = self.packets.selected_pos();
        let shown = self.packets.list_packet(&self.cx, pos);
        self.status = match shown {
            Some(p) if p == number - 1 => format!("frame {number}"),
            Some(p) => {
                self.packets.select(&self.cx, p);
                format!(
                    "frame {number} is hidden by the filter: nearest displayed is frame {}",
                    p + 1
                )
            }
            None => format!("frame {number} is hidden by the filter"),
        };
        Ok(())
    }
}

/// A find prompt for a display filter shows whether it compiles, as the filter bar does.
pub(super) fn check_find(prompt: &mut Prompt) {
    prompt.filter_error = match prompt.kind {
        PromptKind::Find(FindMode::DisplayFilter) if !prompt.input.trim().is_empty() => {
            crate::filter::Filter::compile(&prompt.input).err()
        }
        _ => None,
    };
}
