//! Opening the stream views (ladder, follow, HTTP) and the conversations
//! table's order, and starting exports, all from library calls.

use super::*;

impl App {
    /// The conversation (index in `Conversations::all`) the stream views
    /// open: the selected conversation in the conversations list, otherwise
    /// the selected packet's, if it is TCP.
    pub(super) fn target_conversation(&mut self) -> Option<u32> {
        let trace = self.trace.as_deref()?;
        if self.view == View::Conversations {
            let index = self.conversation_at(self.conversation_selected)?;
            let c = trace.conversations.get(index)?;
            let first = c.first_packet as usize;
            let tcp = c.protocol == Protocol::Tcp;
            self.select_packet(first);
            if !tcp {
                self.status = "not a TCP conversation".into();
                return None;
            }
            return Some(index);
        }
        let found = trace
            .store
            .entry(self.selected)
            .and_then(|e| Some((e.conversation, trace.conversations.get(e.conversation)?)))
            .filter(|(_, c)| c.protocol == Protocol::Tcp)
            .map(|(i, _)| i);
        if found.is_none() {
            self.status = format!("frame {} is not part of a TCP stream", self.selected + 1);
        }
        found
    }

    pub(super) fn open_ladder(&mut self) {
        let Some(conv) = self.target_conversation() else {
            return;
        };
        let Some(trace) = self.trace.as_deref() else {
            return;
        };
        match self.ladder.as_mut() {
            Some(l) if l.conversation == conv => l.select_packet(self.selected as u32),
            _ => {
                self.ladder = LadderState::new(trace, conv, self.selected as u32);
            }
        }
        if self.ladder.is_some() {
            self.view = View::Ladder;
        }
    }

    pub(super) fn open_follow(&mut self) {
        let Some(conv) = self.target_conversation() else {
            return;
        };
        let Some(trace) = self.trace.as_deref() else {
            return;
        };
        if self.follow.as_ref().map(|f| f.conversation) != Some(conv) {
            self.follow = FollowState::new(trace, conv, false);
        }
        if self.follow.is_some() {
            self.view = View::Follow;
        }
    }

    pub(super) fn open_http(&mut self) {
        let Some(conv) = self.target_conversation() else {
            return;
        };
        let Some(trace) = self.trace.as_deref() else {
            return;
        };
        match self.http.as_mut() {
            Some(h) if h.conversation == conv => h.select_packet(trace, self.selected as u32),
            _ => self.http = HttpState::new(trace, conv, self.selected as u32),
        }
        if let Some(h) = &self.http {
            if h.transactions.is_empty() {
                self.status = format!("no HTTP in TCP stream {}", h.stream);
            }
            self.view = View::Http;
        }
    }

    pub(super) fn open_conversation(&mut self) {
        let Some(trace) = &self.trace else { return };
        let picked = self.conversation_at(self.conversation_selected);
        if let Some(c) = picked.and_then(|i| trace.conversations.get(i)) {
            self.selected = c.first_packet as usize;
            self.status = format!(
                "{} stream {}: {} → {}",
                c.protocol.name(),
                c.stream,
                c.client(),
                c.server()
            );
            self.view = View::Packets;
            self.focus = Pane::List;
        }
    }

    pub(super) fn start_http_export(&mut self) {
        let Some(trace) = self.trace.as_deref() else {
            return;
        };
        let Some(h) = self.http.as_ref() else { return };
        match crate::ui::prompt::http_item(trace, h.current()) {
            Some(item) => {
                let name = item.name.clone();
                self.prompt = Some(Prompt::new(
                    PromptKind::Export(Box::new(item.into_owned())),
                    name,
                ));
            }
            None => self.status = "the selected transaction has no body to export".into(),
        }
    }

    pub(super) fn start_stream_export(&mut self) {
        let Some(trace) = self.trace.as_deref() else {
            return;
        };
        let Some(f) = self.follow.as_ref() else {
            return;
        };
        if let Some(item) = crate::ui::prompt::stream_item(trace, f.conversation) {
            let name = item.name.clone();
            self.prompt = Some(Prompt::new(
                PromptKind::Export(Box::new(item.into_owned())),
                name,
            ));
        }
    }

    /// The conversation (index) on row `pos` of the conversations table.
    pub fn conversation_at(&self, pos: usize) -> Option<u32> {
        if self.conversation_sort == ConversationSort::Start || self.conversation_order.is_empty() {
            let n = self
                .trace
                .as_ref()
                .map_or(0, |t| t.conversations.all().len());
            return (pos < n).then_some(pos as u32);
        }
        self.conversation_order.get(pos).copied()
    }

    /// Orders the conversations table by `sort`, keeping the selected row's
    /// conversation selected.
    pub fn sort_conversations(&mut self, sort: ConversationSort) {
        let current = self.conversation_at(self.conversation_selected);
        self.conversation_sort = sort;
        self.conversation_order.clear();
        let Some(trace) = self.trace.as_deref() else {
            return;
        };
        let all = trace.conversations.all();
        if sort != ConversationSort::Start {
            self.conversation_order = crate::flow::table::order(all, sort);
        }
        self.conversation_selected = current
            .and_then(|id| (0..all.len()).find(|&p| self.conversation_at(p) == Some(id)))
            .unwrap_or(0);
        self.status = format!("conversations by {}", sort.name());
    }
}
