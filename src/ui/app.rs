//! The TUI's state and how events change it. Knows nothing about drawing: the
//! renderer reads this state, and tests drive it with key events.

use super::LoadEvent;
use crate::trace::{Progress, Trace};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

/// The screen being shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Packets,
    Conversations,
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
    ("↑/k ↓/j", "previous / next row"),
    ("PgUp PgDn", "page up / down"),
    ("g G", "first / last row"),
    ("Tab Shift-Tab", "next / previous pane"),
    ("c", "conversations"),
    ("Enter", "open the selected conversation's packets"),
    ("Esc", "back to the packet list"),
    ("?", "this help"),
    ("q", "quit"),
    ("mouse", "click selects a row, wheel scrolls"),
];

/// The whole state of the TUI.
pub struct App {
    pub name: String,
    pub trace: Option<Box<Trace>>,
    pub progress: Progress,
    pub load_error: Option<String>,
    pub view: View,
    pub focus: Pane,
    /// Selected packet (0-based) and the first row shown.
    pub selected: usize,
    pub offset: usize,
    pub detail_selected: usize,
    pub conversation_selected: usize,
    pub status: String,
    pub should_quit: bool,
    /// Where the packet list was last drawn (for mouse clicks and paging).
    pub list_area: Rect,
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
            conversation_selected: 0,
            status: String::new(),
            should_quit: false,
            list_area: Rect::default(),
        }
    }

    /// An app with a trace already loaded (tests, small files).
    pub fn with_trace(name: String, trace: Trace) -> App {
        let mut app = App::new(name);
        app.on_load(LoadEvent::Done(Ok(Box::new(trace))));
        app
    }

    pub fn packet_count(&self) -> usize {
        self.trace.as_ref().map(|t| t.store.len()).unwrap_or(0)
    }

    pub fn on_load(&mut self, ev: LoadEvent) {
        match ev {
            LoadEvent::Progress(p) => self.progress = p,
            LoadEvent::Done(Ok(trace)) => {
                self.status = match (&trace.error, &trace.warning) {
                    (Some(e), _) => format!("capture damaged: {e}"),
                    (None, Some(w)) => format!("warning: {w}"),
                    _ => String::new(),
                };
                self.trace = Some(trace);
            }
            LoadEvent::Done(Err(e)) => self.load_error = Some(e.to_string()),
        }
    }

    fn page(&self) -> usize {
        usize::from(self.list_area.height.saturating_sub(2)).max(1)
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
                self.selected = step(self.selected, delta, self.packet_count());
                self.detail_selected = 0;
            }
            (View::Help, _) => {}
        }
    }

    pub fn on_key(&mut self, key: KeyEvent) {
        let page = self.page() as isize;
        match key.code {
            KeyCode::Char('q') => self.should_quit = true,
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.should_quit = true
            }
            KeyCode::Char('?') => self.view = View::Help,
            KeyCode::Esc => self.view = View::Packets,
            KeyCode::Char('c') => self.view = View::Conversations,
            KeyCode::Down | KeyCode::Char('j') => self.move_selection(1),
            KeyCode::Up | KeyCode::Char('k') => self.move_selection(-1),
            KeyCode::PageDown => self.move_selection(page),
            KeyCode::PageUp => self.move_selection(-page),
            KeyCode::Char('g') | KeyCode::Home => self.move_selection(isize::MIN / 2),
            KeyCode::Char('G') | KeyCode::End => self.move_selection(isize::MAX / 2),
            KeyCode::Tab => {
                self.focus = match self.focus {
                    Pane::List => Pane::Details,
                    Pane::Details => Pane::Bytes,
                    Pane::Bytes => Pane::List,
                }
            }
            KeyCode::BackTab => {
                self.focus = match self.focus {
                    Pane::List => Pane::Bytes,
                    Pane::Details => Pane::List,
                    Pane::Bytes => Pane::Details,
                }
            }
            KeyCode::Enter if self.view == View::Conversations => self.open_conversation(),
            _ => {}
        }
    }

    fn open_conversation(&mut self) {
        let Some(trace) = &self.trace else { return };
        if let Some(c) = trace.conversations.all().get(self.conversation_selected) {
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

    pub fn on_mouse(&mut self, m: MouseEvent) {
        match m.kind {
            MouseEventKind::ScrollDown => self.move_selection(3),
            MouseEventKind::ScrollUp => self.move_selection(-3),
            MouseEventKind::Down(_) => {
                let a = self.list_area;
                let inside = m.column >= a.x
                    && m.column < a.x + a.width
                    && m.row > a.y + 1
                    && m.row < a.y + a.height.saturating_sub(1);
                if inside && self.view == View::Packets {
                    let row = usize::from(m.row - a.y - 2);
                    let target = self.offset + row;
                    if target < self.packet_count() {
                        self.selected = target;
                        self.focus = Pane::List;
                    }
                }
            }
            _ => {}
        }
    }

    /// Keeps the selection visible in a list of `height` rows.
    pub fn scroll_to_selection(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
    }
}

fn step(current: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    current.saturating_add_signed(delta).min(len - 1)
}
