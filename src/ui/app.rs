//! The TUI's state and how events change it. Knows nothing about drawing: the
//! renderer reads this state, and tests drive it with key events.
//!
//! Keys go first to an open prompt (export name, search), then to the global
//! keys (quit, help, views), then to the view being shown. The stream views
//! (ladder, follow, HTTP) keep their own state structs, built from library
//! calls when the view opens, so drawing only reads them.

use super::filter_bar::{self, ActiveFilter};
use super::follow_pane::FollowState;
use super::http_pane::{HttpFocus, HttpState};
use super::ladder_pane::LadderState;
use super::prompt::{Prompt, PromptKind};
use super::LoadEvent;
use crate::flow::Protocol;
use crate::trace::{Progress, Trace};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};
use std::path::PathBuf;

/// By default, captures with more packets than this are filtered in a
/// worker thread.
const FOREGROUND_FILTER_PACKETS: usize = 200_000;

/// How the conversations table is ordered (`s` cycles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConversationSort {
    /// In order of first packet (`tcp.stream` / `udp.stream` order).
    Stream,
    /// Most packets first.
    Packets,
    /// Most bytes first.
    Bytes,
    /// Longest first.
    Duration,
}

impl ConversationSort {
    pub fn name(self) -> &'static str {
        match self {
            ConversationSort::Stream => "first packet",
            ConversationSort::Packets => "packets",
            ConversationSort::Bytes => "bytes",
            ConversationSort::Duration => "duration",
        }
    }

    fn next(self) -> ConversationSort {
        match self {
            ConversationSort::Stream => ConversationSort::Packets,
            ConversationSort::Packets => ConversationSort::Bytes,
            ConversationSort::Bytes => ConversationSort::Duration,
            ConversationSort::Duration => ConversationSort::Stream,
        }
    }
}

/// The screen being shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Packets,
    Conversations,
    Ladder,
    Follow,
    Http,
    Help,
}

/// The focused pane of the packets screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    List,
    Details,
    Bytes,
}

/// Every key the app knows, for the help screen (and nothing else reads it).
pub const KEYMAP: &[(&str, &str)] = &[
    ("↑/k ↓/j", "previous / next row (Follow: scroll)"),
    ("PgUp PgDn", "page up / down"),
    ("g/Home G/End", "first / last row"),
    ("Tab Shift-Tab", "next / previous pane"),
    (
        "c s",
        "conversations; s sorts them (packets, bytes, duration)",
    ),
    (
        "Enter",
        "open a conversation; fold/unfold a ladder run or a layer",
    ),
    ("← →", "details: fold / unfold the selected layer"),
    ("l", "ladder diagram of the packet's TCP stream"),
    (
        "Space a",
        "ladder: fold / unfold the selected run, every run",
    ),
    ("f", "follow the packet's TCP stream"),
    ("x", "follow: ASCII / hex"),
    ("/", "display filter (packet list) / search (Follow)"),
    ("n N", "follow: next / previous match"),
    ("h", "HTTP transactions of the packet's TCP stream"),
    ("e", "export the HTTP body (HTTP) or stream bytes (Follow)"),
    (
        "Enter Esc ⌫ ↑↓",
        "prompt: confirm / cancel / delete; filter history",
    ),
    ("Esc", "back to the packet list"),
    ("?", "this help"),
    ("q Ctrl-C", "quit"),
    ("mouse", "click selects a row or pane, wheel scrolls"),
];

/// Where each pane was last drawn (for mouse clicks and paging).
#[derive(Debug, Clone, Copy, Default)]
pub struct Areas {
    pub list: Rect,
    pub details: Rect,
    pub bytes: Rect,
    pub conversations: Rect,
    pub ladder: Rect,
    pub follow: Rect,
    pub http_list: Rect,
    pub http_message: Rect,
    pub help: Rect,
}

/// The whole state of the TUI.
pub struct App {
    pub name: String,
    pub trace: Option<std::sync::Arc<Trace>>,
    pub progress: Progress,
    pub load_error: Option<String>,
    pub view: View,
    pub focus: Pane,
    /// Selected packet (0-based) and the first row shown.
    pub selected: usize,
    pub offset: usize,
    pub detail_selected: usize,
    /// Layers folded in the details pane (kept from packet to packet).
    pub details_collapsed: std::collections::HashSet<String>,
    /// First details line shown (set by the renderer).
    pub detail_first: usize,
    /// Row selected in the conversations table (a position in its order).
    pub conversation_selected: usize,
    /// The conversations table's order, and its rows' order (empty: by stream).
    pub conversation_sort: ConversationSort,
    conversation_order: Vec<u32>,
    /// How each conversation ended, worked out once for the rows shown.
    pub conversation_endings: std::collections::HashMap<u32, String>,
    /// First conversation shown (set by the renderer).
    pub conversation_first: usize,
    pub help_offset: usize,
    pub status: String,
    pub should_quit: bool,
    pub areas: Areas,
    pub ladder: Option<LadderState>,
    pub follow: Option<FollowState>,
    pub http: Option<HttpState>,
    pub prompt: Option<Prompt>,
    /// Where exports are written (the current directory unless a test says otherwise).
    pub export_dir: PathBuf,
    /// The display filter applied to the packet list.
    pub filter: Option<ActiveFilter>,
    /// A preview is shown while the whole file is still loading.
    pub loading: bool,
    /// A filter being applied in the background (big captures), if any.
    filter_job: Option<std::sync::mpsc::Receiver<ActiveFilter>>,
    /// Captures with more packets than this are filtered in the background.
    pub foreground_filter_packets: usize,
    /// Filters applied before, oldest first.
    pub filter_history: Vec<String>,
}

impl App {
    pub fn new(name: String) -> App {
        App {
            name,
            trace: None,
            progress: Progress::default(),
            load_error: None,
            view: View::Packets,
            focus: Pane::List,
            selected: 0,
            offset: 0,
            detail_selected: 0,
            details_collapsed: std::collections::HashSet::new(),
            detail_first: 0,
            conversation_selected: 0,
            conversation_sort: ConversationSort::Stream,
            conversation_order: Vec::new(),
            conversation_endings: std::collections::HashMap::new(),
            conversation_first: 0,
            help_offset: 0,
            status: String::new(),
            should_quit: false,
            areas: Areas::default(),
            ladder: None,
            follow: None,
            http: None,
            prompt: None,
            export_dir: PathBuf::from("."),
            filter: None,
            loading: false,
            filter_job: None,
            foreground_filter_packets: FOREGROUND_FILTER_PACKETS,
            filter_history: Vec::new(),
        }
    }

    /// An app with a trace already loaded (tests, small files).
    pub fn with_trace(name: String, trace: Trace) -> App {
        let mut app = App::new(name);
        app.on_load(LoadEvent::Done(Ok(std::sync::Arc::new(trace))));
        app
    }

    pub fn packet_count(&self) -> usize {
        self.trace.as_ref().map(|t| t.store.len()).unwrap_or(0)
    }

    pub fn on_load(&mut self, ev: LoadEvent) {
        match ev {
            LoadEvent::Progress(p) => self.progress = p,
            LoadEvent::Failed(message) => {
                self.loading = false;
                self.load_error = Some(message);
            }
            LoadEvent::Preview(trace) => {
                self.loading = true;
                self.trace = Some(trace);
                self.conversation_endings.clear();
                self.sort_conversations(self.conversation_sort);
            }
            LoadEvent::Done(Ok(trace)) => {
                self.loading = false;
                self.status = match (&trace.error, &trace.warning) {
                    (Some(e), _) => format!("capture damaged: {e}"),
                    (None, Some(w)) => format!("warning: {w}"),
                    _ => String::new(),
                };
                self.trace = Some(trace);
                self.conversation_endings.clear();
                let sort = self.conversation_sort;
                self.sort_conversations(sort);
                // A filter applied to the preview now covers the whole file.
                if let Some(active) = self.filter.take() {
                    let text = active.text().to_string();
                    let _ = self.apply_filter(&text);
                }
            }
            LoadEvent::Done(Err(e)) => {
                self.loading = false;
                self.load_error = Some(e.to_string());
            }
        }
    }

    /// Rows of the packet list (the filter's matches, or every packet).
    pub fn list_len(&self) -> usize {
        match &self.filter {
            Some(f) => f.matches.len(),
            None => self.packet_count(),
        }
    }

    /// The packet shown on row `pos` of the packet list.
    pub fn list_packet(&self, pos: usize) -> Option<usize> {
        match &self.filter {
            Some(f) => f.matches.get(pos).map(|&i| i as usize),
            None => (pos < self.packet_count()).then_some(pos),
        }
    }

    /// The row of the selected packet in the packet list (or of the next
    /// packet shown, when the filter hides it).
    pub fn selected_pos(&self) -> usize {
        match &self.filter {
            Some(f) => f
                .matches
                .partition_point(|&i| (i as usize) < self.selected)
                .min(f.matches.len().saturating_sub(1)),
            None => self.selected,
        }
    }

    /// Rows inside the pane that paging moves by.
    fn page(&self) -> usize {
        let area = match self.view {
            View::Packets => match self.focus {
                Pane::List => self.areas.list,
                Pane::Details => self.areas.details,
                Pane::Bytes => self.areas.bytes,
            },
            View::Conversations => self.areas.conversations,
            View::Ladder => self.areas.ladder,
            View::Follow => self.areas.follow,
            View::Http => match self.http.as_ref().map(|h| h.focus) {
                Some(HttpFocus::Message) => self.areas.http_message,
                _ => self.areas.http_list,
            },
            View::Help => self.areas.help,
        };
        usize::from(area.height.saturating_sub(3)).max(1)
    }

    fn move_selection(&mut self, delta: isize) {
        match (self.view, self.focus) {
            (View::Conversations, _) => {
                let n = self
                    .trace
                    .as_ref()
                    .map(|t| t.conversations.all().len())
                    .unwrap_or(0);
                self.conversation_selected = step(self.conversation_selected, delta, n);
            }
            (View::Packets, Pane::Details) => {
                self.detail_selected = self.detail_selected.saturating_add_signed(delta);
            }
            (View::Packets, _) => {
                let pos = step(self.selected_pos(), delta, self.list_len());
                if let Some(packet) = self.list_packet(pos) {
                    self.selected = packet;
                    self.detail_selected = 0;
                }
            }
            (View::Ladder, _) => {
                if let Some(packet) = self.ladder.as_mut().and_then(|l| l.move_by(delta)) {
                    self.select_packet(packet as usize);
                }
            }
            (View::Follow, _) => {
                if let Some(f) = self.follow.as_mut() {
                    f.scroll_by(delta);
                }
            }
            (View::Http, _) => {
                if let (Some(trace), Some(h)) = (self.trace.as_deref(), self.http.as_mut()) {
                    h.move_by(trace, delta);
                    if let Some(packet) = h.first_packet(trace) {
                        self.select_packet(packet as usize);
                    }
                }
            }
            (View::Help, _) => {
                self.help_offset = self
                    .help_offset
                    .saturating_add_signed(delta)
                    .min(KEYMAP.len().saturating_sub(1));
            }
        }
    }

    /// Selects packet `index` in the packet list.
    fn select_packet(&mut self, index: usize) {
        if index < self.packet_count() {
            self.selected = index;
            self.detail_selected = 0;
        }
    }

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

    fn cycle_pane(&mut self, forward: bool) {
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
    fn toggle_detail(&mut self, code: KeyCode) {
        let Some(trace) = self.trace.as_deref() else {
            return;
        };
        if self.selected >= trace.store.len() {
            return;
        }
        let view = crate::fields::PacketView::new(trace, self.selected);
        let all = super::details::lines(&view);
        let shown = super::details::visible(&all, &self.details_collapsed);
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
        let layer = super::details::layer_of(&heading.text).to_string();
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

    /// The conversation (index) on row `pos` of the conversations table.
    pub fn conversation_at(&self, pos: usize) -> Option<u32> {
        if self.conversation_sort == ConversationSort::Stream || self.conversation_order.is_empty()
        {
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
        if sort != ConversationSort::Stream {
            let mut order: Vec<u32> = (0..all.len() as u32).collect();
            let key = |i: &u32| {
                let c = &all[*i as usize];
                std::cmp::Reverse(match sort {
                    ConversationSort::Packets => u64::from(c.packets[0]) + u64::from(c.packets[1]),
                    ConversationSort::Bytes => c.bytes[0] + c.bytes[1],
                    ConversationSort::Duration => c.duration_ns().max(0) as u64,
                    ConversationSort::Stream => 0,
                })
            };
            order.sort_by_key(key);
            self.conversation_order = order;
        }
        self.conversation_selected = current
            .and_then(|id| (0..all.len()).find(|&p| self.conversation_at(p) == Some(id)))
            .unwrap_or(0);
        self.status = format!("conversations by {}", sort.name());
    }

    /// Keys that mean something in one view only.
    fn on_view_key(&mut self, key: KeyEvent) {
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

    fn next_match(&mut self, forward: bool) {
        if let Some(f) = self.follow.as_mut() {
            self.status = f.next_match(forward);
        }
    }

    /// The conversation (index in `Conversations::all`) the stream views
    /// open: the selected conversation in the conversations list, otherwise
    /// the selected packet's, if it is TCP.
    fn target_conversation(&mut self) -> Option<u32> {
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

    fn open_ladder(&mut self) {
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

    fn open_follow(&mut self) {
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

    fn open_http(&mut self) {
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

    fn open_conversation(&mut self) {
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

    fn start_http_export(&mut self) {
        let Some(trace) = self.trace.as_deref() else {
            return;
        };
        let Some(h) = self.http.as_ref() else { return };
        match super::prompt::http_item(trace, h.current()) {
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

    fn start_stream_export(&mut self) {
        let Some(trace) = self.trace.as_deref() else {
            return;
        };
        let Some(f) = self.follow.as_ref() else {
            return;
        };
        if let Some(item) = super::prompt::stream_item(trace, f.conversation) {
            let name = item.name.clone();
            self.prompt = Some(Prompt::new(
                PromptKind::Export(Box::new(item.into_owned())),
                name,
            ));
        }
    }

    fn on_prompt_key(&mut self, key: KeyEvent) {
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

    /// Applies the display filter `text` (empty clears it); keeps the
    /// selection when it still shows, else selects the nearest match.
    fn apply_filter(&mut self, text: &str) -> Result<(), crate::filter::FilterError> {
        let compiled = filter_bar::compile(text)?;
        filter_bar::remember(&mut self.filter_history, text);
        // A newer filter wins over one still running in the background.
        self.filter_job = None;
        let Some(trace) = self.trace.as_deref() else {
            return Ok(());
        };
        match compiled {
            None => {
                self.filter = None;
                self.status = "filter cleared".into();
            }
            Some(f) if trace.store.len() <= self.foreground_filter_packets => {
                let active = ActiveFilter::new(trace, f);
                self.install_filter(active);
            }
            Some(f) => {
                // Big captures are filtered by a worker thread; keys keep
                // working and the list switches when the result arrives.
                let (tx, rx) = std::sync::mpsc::channel();
                let shared = self.trace.clone();
                std::thread::spawn(move || {
                    if let Some(trace) = shared {
                        let _ = tx.send(ActiveFilter::new(&trace, f));
                    }
                });
                self.filter_job = Some(rx);
                self.status = format!("filtering {} packets …", trace.store.len());
            }
        }
        self.offset = 0;
        Ok(())
    }

    /// Takes the result of a background filter when it is ready; the event
    /// loop calls this before every draw.
    pub fn poll_jobs(&mut self) {
        let Some(job) = &self.filter_job else {
            return;
        };
        match job.try_recv() {
            Ok(active) => {
                self.filter_job = None;
                self.install_filter(active);
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.filter_job = None;
                self.status = "filtering stopped".into();
            }
        }
    }

    /// Shows only the packets of `active`, keeping the selection when it
    /// still shows, else selecting the nearest match.
    fn install_filter(&mut self, active: ActiveFilter) {
        self.status = format!(
            "{} of {} packets match",
            active.matches.len(),
            self.packet_count()
        );
        self.filter = Some(active);
        let pos = self.selected_pos();
        if let Some(packet) = self.list_packet(pos) {
            self.select_packet(packet);
        }
        self.offset = 0;
    }

    fn submit_prompt(&mut self) {
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
                match super::prompt::write(&self.export_dir, &prompt.input, item) {
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
    fn focus_at(&mut self, at: Position) {
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
    fn click(&mut self, at: Position) {
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

    /// Keeps the selection visible in a list of `height` rows.
    pub fn scroll_to_selection(&mut self, height: usize) {
        let pos = self.selected_pos();
        scroll_into_view(&mut self.offset, pos, height);
    }
}

/// Compiles a filter prompt's input as it is typed, to show the error.
fn check_filter(prompt: &mut Prompt) {
    if matches!(prompt.kind, PromptKind::Filter) {
        prompt.filter_error = filter_bar::compile(&prompt.input).err();
    }
}

/// Moves `offset` so that `selected` is inside `offset..offset + height`.
pub fn scroll_into_view(offset: &mut usize, selected: usize, height: usize) {
    let height = height.max(1);
    if selected < *offset {
        *offset = selected;
    } else if selected >= *offset + height {
        *offset = selected + 1 - height;
    }
}

/// `current` moved by `delta` inside `0..len`.
pub fn step(current: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    current.saturating_add_signed(delta).min(len - 1)
}
