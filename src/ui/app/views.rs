//! Opening views: the conversations table (its endings computed by a job),
//! and the stream views (ladder, follow, HTTP) of the selected packet's or
//! conversation's TCP stream, which show "building…" until their job is done.

use super::*;
use crate::flow::Protocol;
use crate::ui::jobs::{JobKind, Output};

impl App {
    pub(super) fn show_conversations(&mut self) {
        self.view = View::Conversations;
        if !self.cx.jobs.running(JobKind::Endings) {
            self.start_endings();
        }
    }

    /// How every conversation ended, worked out in the background.
    pub(super) fn start_endings(&mut self) {
        let Some(trace) = self.cx.trace.clone() else {
            return;
        };
        if trace.endings_if_ready().is_some() {
            return;
        }
        self.cx.jobs.start(JobKind::Endings, move |_| {
            let _ = trace.endings();
            Some(Output::Endings)
        });
    }

    /// The conversation (index in `Conversations::all`) the stream views
    /// open: the selected conversation in the conversations list, otherwise
    /// the selected packet's, if it is TCP.
    pub(super) fn target_conversation(&mut self) -> Option<u32> {
        self.target_of(false)
    }

    /// [`App::target_conversation`], a UDP conversation too when `udp`
    /// (follow shows UDP streams, as Wireshark's Follow UDP Stream).
    fn target_of(&mut self, udp: bool) -> Option<u32> {
        let wanted = |p: Protocol| p == Protocol::Tcp || udp && p == Protocol::Udp;
        let Some(trace) = self.cx.trace.clone() else {
            self.status = "still loading: no packets yet".into();
            return None;
        };
        if self.view == View::Conversations {
            let Some(index) = self.conversations.target(&self.cx) else {
                self.status = "not a TCP or UDP conversation".into();
                return None;
            };
            let c = trace.conversations.get(index)?;
            self.packets.select(&self.cx, c.first_packet as usize);
            if !wanted(c.protocol) {
                self.status = "not a TCP conversation".into();
                return None;
            }
            return Some(index);
        }
        let selected = self.packets.selected;
        let found = trace
            .store
            .entry(selected)
            .and_then(|e| Some((e.conversation, trace.conversations.get(e.conversation)?)))
            .filter(|(_, c)| wanted(c.protocol))
            .map(|(i, _)| i);
        if found.is_none() {
            let what = if udp { "a TCP or UDP" } else { "a TCP" };
            self.status = format!("frame {} is not part of {what} stream", selected + 1);
        }
        found
    }

    /// The whole file replaced the preview: the stream view shown is built
    /// again from the whole file (and shown from the preview meanwhile); the
    /// others are dropped, to be built when opened. Conversation numbers
    /// stay: both traces come from one pass in file order.
    pub(super) fn reopen_stream_views(&mut self) {
        let packet = self.packets.selected as u32;
        let cx = &self.cx;
        match self.view {
            View::Ladder => self.ladder.refresh(cx, packet),
            View::Follow => self.follow.refresh(cx),
            View::Http => self.http.refresh(cx, packet),
            View::Network => self.network.refresh(cx),
            View::Stats => self.stats.refresh(cx),
            _ => {}
        }
        if self.view != View::Stats {
            self.stats = super::StatsPane::default();
        }
        if self.view != View::Ladder {
            self.ladder = LadderPane::default();
        }
        if self.view != View::Follow {
            self.follow = FollowPane::default();
        }
        if self.view != View::Http {
            self.http = HttpPane::default();
        }
    }

    pub(super) fn open_ladder(&mut self) {
        if let Some(conv) = self.target_conversation() {
            self.ladder
                .open(&self.cx, conv, self.packets.selected as u32);
            self.view = View::Ladder;
        }
    }

    pub(super) fn open_follow(&mut self) {
        if let Some(conv) = self.target_of(true) {
            self.follow.open(&self.cx, conv);
            self.view = View::Follow;
        }
    }

    pub(super) fn open_http(&mut self) {
        if let Some(conv) = self.target_conversation() {
            self.http.open(&self.cx, conv, self.packets.selected as u32);
            self.view = View::Http;
        }
    }
}
