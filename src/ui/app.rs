//! The TUI's state and how events change it. Knows nothing about drawing: the
//! renderer reads this state, and tests drive it with key events.
//!
//! Keys go first to an open prompt (export name, search), then to the global
//! keys (quit, help, views), then to the view being shown. The stream views
//! (ladder, follow, HTTP) keep their own state structs, built from library
//! calls when the view opens, so drawing only reads them.
//!
//! This file holds the state; what changes it lives beside it: `keys`,
//! `mouse`, `views` (opening views and exports) and `filtering`.

mod filtering;
mod keys;
mod mouse;
mod views;

use super::filter_bar::{self, ActiveFilter};
use super::follow_pane::FollowState;
use super::http_pane::{HttpFocus, HttpState};
use super::ladder_pane::LadderState;
use super::prompt::{Prompt, PromptKind};
use super::LoadEvent;
use crate::flow::Protocol;
use crate::session::Session;
use crate::trace::{Progress, Trace};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};
use std::path::PathBuf;

/// By default, captures with more packets than this are filtered in a
/// worker thread.
const FOREGROUND_FILTER_PACKETS: usize = 200_000;

/// How the conversations table is ordered (`s` cycles).
pub use crate::flow::table::ConversationSort;

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
    ("x t", "follow: ASCII / hex; TCP / decrypted TLS"),
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
    pub trace: Option<std::sync::Arc<Session>>,
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
            conversation_sort: ConversationSort::Start,
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
        app.on_load(LoadEvent::Done(Ok(std::sync::Arc::new(Session::from(
            trace,
        )))));
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

    /// Keeps the selection visible in a list of `height` rows.
    pub fn scroll_to_selection(&mut self, height: usize) {
        let pos = self.selected_pos();
        scroll_into_view(&mut self.offset, pos, height);
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
