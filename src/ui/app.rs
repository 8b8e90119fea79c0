//! The app: the panes, what they share ([`Ctx`]), and the routing of events.
//!
//! A key is looked up in the [`keymap`] and goes as an action
//! to an open prompt first, then to the pane being shown, which says whether
//! it used it ([`Handled`]); the app handles what is left (quit, help,
//! switching views). Panes ask for what they cannot do themselves (select a
//! packet in the list, open a prompt, set the status) by posting a [`Msg`],
//! and start jobs through [`Ctx::jobs`]; a job's result comes back as an
//! event that the app hands to the pane that asked for it.
//!
//! What changes the state lives beside this file: `app/loading.rs` (the
//! loader's events), `app/views.rs` (opening views), `app/results.rs` (job
//! results), `app/prompting.rs` (prompt keys, filters, exports),
//! `app/keylog.rs` (a key log loaded after opening).

mod keylog;
pub mod live;
mod loading;
mod navigation;
mod prompting;
mod results;
mod views;

use super::conversations_pane::ConversationsPane;
use super::event::{Event, EventSource};
use super::follow_pane::FollowPane;
use super::help_pane::HelpPane;
use super::http_pane::HttpPane;
use super::jobs::Jobs;
use super::keymap::{self, Action};
use super::ladder_pane::LadderPane;
use super::network_pane::NetworkPane;
use super::packets_pane::PacketsPane;
use super::prompt::Prompt;
use super::render;
use super::stats_pane::StatsPane;
use crate::http::HttpIndex;
use crate::session::Session;
use crate::trace::{Progress, Trace};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::backend::Backend;
use ratatui::layout::{Position, Rect};
use ratatui::{Frame, Terminal};
use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;

/// The screen being shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Packets,
    Conversations,
    Ladder,
    Follow,
    Http,
    Network,
    Stats,
    Help,
}

/// What a pane is given to handle: an action from the keymap, or the mouse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Action(Action),
    /// A left click at a screen position.
    Click(Position),
    /// The wheel over a position: rows to move (negative: up).
    Scroll(Position, isize),
}

/// Whether a pane used an input (then the screen is redrawn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    Consumed,
    Ignored,
}

/// What a pane asks the app to do.
pub enum Msg {
    /// Select packet `index` (0-based) in the packet list.
    SelectPacket(usize),
    Status(String),
    OpenPrompt(Box<Prompt>),
    Show(View),
    /// Open the HTTP view on a connection, with the transaction at
    /// `packet` (0-based) selected.
    OpenHttp {
        conversation: u32,
        packet: u32,
    },
    /// Apply this display filter to the packet list, and show it.
    ApplyFilter(String),
}

/// What every pane may read: the trace and how its load goes, the jobs, and
/// the queue of messages to the app.
pub struct Ctx {
    pub name: String,
    pub trace: Option<Arc<Session>>,
    pub progress: Progress,
    /// A preview is shown while the whole file is still loading.
    pub loading: bool,
    pub load_error: Option<String>,
    /// A capture that grows (a pipe, an interface): rates, tail following.
    pub live: Option<live::LiveState>,
    pub jobs: Jobs,
    /// Where exports are written (the current directory unless a test says otherwise).
    pub export_dir: PathBuf,
    /// The user's settings (colouring rules, time format; see [`App::configure`]).
    pub config: Arc<crate::config::Config>,
    /// The theme drawn with (`none` when `NO_COLOR` is set).
    pub theme: crate::config::Theme,
    queue: RefCell<Vec<Msg>>,
}

impl Ctx {
    pub fn trace(&self) -> Option<&Session> {
        self.trace.as_deref()
    }

    /// The HTTP index if its job has built it (never blocks).
    pub fn http(&self) -> Option<&HttpIndex> {
        self.trace()?.http_if_ready()
    }

    /// Asks the app for something (handled after the current event).
    pub fn post(&self, msg: Msg) {
        self.queue.borrow_mut().push(msg);
    }
}

/// The whole TUI.
pub struct App {
    pub cx: Ctx,
    pub view: View,
    pub packets: PacketsPane,
    pub conversations: ConversationsPane,
    pub ladder: LadderPane,
    pub follow: FollowPane,
    pub http: HttpPane,
    pub network: NetworkPane,
    pub help: HelpPane,
    pub stats: StatsPane,
    pub prompt: Option<Prompt>,
    pub status: String,
    /// Packets per slice of the capture's time span, for the status bar.
    pub sparkline: Vec<u64>,
    /// Find, marks, go to: what the packet list's navigation remembers.
    pub nav: navigation::Navigation,
    /// Filters applied before, oldest first.
    pub filter_history: Vec<String>,
    pub should_quit: bool,
    /// Why the terminal's input stopped, if it did (the app then ends).
    pub input_error: Option<String>,
    /// The terminal's size.
    size: Rect,
    /// A loader thread is running (its `Done` has not come).
    loader_running: bool,
    /// The events of a headless app (tests, benchmarks): its jobs report here.
    inbox: Option<Receiver<Event>>,
}

impl App {
    /// An app whose jobs report to `tx` (the loop's channel).
    pub fn new(name: String, tx: Sender<Event>) -> App {
        App {
            cx: Ctx {
                name,
                trace: None,
                progress: Progress::default(),
                loading: false,
                load_error: None,
                live: None,
                jobs: Jobs::new(tx),
                export_dir: PathBuf::from("."),
                config: Arc::new(crate::config::Config::default()),
                theme: crate::config::Theme::default(),
                queue: RefCell::new(Vec::new()),
            },
            view: View::Packets,
            packets: PacketsPane::default(),
            conversations: ConversationsPane::default(),
            stats: StatsPane::default(),
            ladder: LadderPane::default(),
            follow: FollowPane::default(),
            http: HttpPane::default(),
            network: NetworkPane::default(),
            help: HelpPane::default(),
            prompt: None,
            status: String::new(),
            sparkline: Vec::new(),
            nav: navigation::Navigation::default(),
            filter_history: Vec::new(),
            should_quit: false,
            input_error: None,
            size: Rect::new(0, 0, 80, 24),
            loader_running: false,
            inbox: None,
        }
    }

    /// An app that keeps its own event channel: [`App::settle`] delivers
    /// the jobs' reports (tests, benchmarks).
    pub fn headless(name: String) -> App {
        let (tx, rx) = mpsc::channel();
        let mut app = App::new(name, tx);
        app.inbox = Some(rx);
        app
    }

    /// A headless app with `trace` loaded and its background jobs done.
    pub fn with_trace(name: String, trace: Trace) -> App {
        let mut app = App::headless(name);
        app.handle(Event::Load(super::loader::LoadEvent::Done(Ok(Arc::new(
            Session::from(trace),
        )))));
        app.settle();
        app
    }

    /// Uses `config`, drawn with `theme` (the binary passes
    /// [`crate::config::Config::effective_theme`]; tests a fixed one).
    pub fn configure(&mut self, config: crate::config::Config, theme: crate::config::Theme) {
        self.packets.time_format = config.time_format;
        self.packets.columns = super::packets_pane::Columns::from_config(&config.columns);
        self.packets.columns_generation += 1;
        self.cx.theme = theme;
        self.cx.config = Arc::new(config);
    }

    /// Says a loader thread will report to this app.
    pub fn loader_started(&mut self) {
        self.loader_running = true;
    }

    /// Whether jobs or the load are still running.
    pub fn busy(&self) -> bool {
        self.loader_running || self.cx.jobs.busy()
    }

    /// A headless app: handles the jobs' reports until none is running.
    pub fn settle(&mut self) {
        while self.cx.jobs.busy() {
            let Some(ev) = self
                .inbox
                .as_ref()
                .and_then(|rx| rx.recv_timeout(std::time::Duration::from_secs(60)).ok())
            else {
                return;
            };
            self.handle(ev);
        }
    }

    pub fn packet_count(&self) -> usize {
        self.cx.trace().map_or(0, |t| t.store.len())
    }

    /// Handles one event; returns whether the screen must be redrawn.
    pub fn handle(&mut self, event: Event) -> bool {
        // A message says what the last key did: the next key or click that
        // says nothing new makes it stale, so it goes (a resize changes no fact).
        let user = matches!(event, Event::Key(_) | Event::Mouse(_));
        let before = self.status.clone();
        let mut changed = match event {
            Event::Key(key) => self.on_key(key),
            Event::Mouse(m) => self.on_mouse(m),
            Event::Paste(text) => self.on_paste(&text),
            Event::Resize(w, h) => {
                self.size = Rect::new(0, 0, w, h);
                true
            }
            // Progress shown on screen moves with the ticks.
            Event::Tick => self.cx.jobs.busy() || self.cx.loading,
            Event::Load(ev) => self.on_load(ev),
            Event::Job(ev) => self.on_job(ev),
            Event::InputLost(e) => {
                self.input_error = Some(e);
                self.should_quit = true;
                false
            }
        };
        changed |= self.run_queue();
        if user && self.status == before && !self.status.is_empty() {
            self.status.clear();
            changed = true;
        }
        self.prepare();
        changed
    }

    /// Does what the panes asked for.
    fn run_queue(&mut self) -> bool {
        let mut any = false;
        loop {
            let msgs = std::mem::take(&mut *self.cx.queue.borrow_mut());
            if msgs.is_empty() {
                return any;
            }
            any = true;
            for m in msgs {
                match m {
                    Msg::SelectPacket(i) => self.packets.select(&self.cx, i),
                    Msg::Status(s) => self.status = s,
                    Msg::OpenPrompt(p) => self.prompt = Some(*p),
                    Msg::Show(v) => self.view = v,
                    Msg::ApplyFilter(text) => {
                        if let Err(e) = self.apply_filter(&text) {
                            self.status = format!("filter {text}: {e}");
                        }
                        self.view = View::Packets;
                    }
                    Msg::OpenHttp {
                        conversation,
                        packet,
                    } => {
                        self.packets.select(&self.cx, packet as usize);
                        self.http.open(&self.cx, conversation, packet);
                        self.view = View::Http;
                    }
                }
            }
        }
    }

    /// Builds what the next draw shows (the packet list's visible rows, the
    /// selected packet's tree) for the current layout, so drawing only reads.
    fn prepare(&mut self) {
        if self.view == View::Packets {
            let (main, _) = render::split(self.size, self.prompt.as_ref());
            self.packets.prepare(&self.cx, main);
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> bool {
        // No key is bound with Alt: an Alt+key is an Esc that arrived in one
        // read with the key after it (a terminal cannot tell them apart),
        // so it is handled as both, in order.
        // In a prompt, Alt+b/f/d and Alt+arrows are readline's word keys.
        let word_key = matches!(
            key.code,
            KeyCode::Char('b' | 'f' | 'd') | KeyCode::Backspace | KeyCode::Left | KeyCode::Right
        );
        if key.modifiers.contains(KeyModifiers::ALT) && self.prompt.is_some() && word_key {
            return self.on_prompt_key(key);
        }
        if key.modifiers.contains(KeyModifiers::ALT) {
            let esc = self.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
            let rest = KeyEvent::new(key.code, key.modifiers - KeyModifiers::ALT);
            return self.on_key(rest) | esc;
        }
        if self.prompt.is_some() {
            return self.on_prompt_key(key);
        }
        let Some(action) = keymap::lookup(keymap::BINDINGS, &key) else {
            return false;
        };
        self.live_input(Some(action));
        if self.route(Input::Action(action)) == Handled::Consumed {
            return true;
        }
        self.global(action)
    }

    /// Gives `input` to the pane being shown.
    fn route(&mut self, input: Input) -> Handled {
        let cx = &self.cx;
        match self.view {
            View::Packets => self.packets.handle(input, cx),
            View::Conversations => self.conversations.handle(input, cx),
            View::Ladder => self.ladder.handle(input, cx),
            View::Follow => self.follow.handle(input, cx),
            View::Http => self.http.handle(input, cx),
            View::Network => self.network.handle(input, cx),
            View::Help => self.help.handle(input, cx),
            View::Stats => self.stats.handle(input, cx),
        }
    }

    /// The actions no pane used.
    fn global(&mut self, action: Action) -> bool {
        match action {
            Action::Quit => self.should_quit = true,
            Action::Help => {
                self.view = View::Help;
                self.help.offset = 0;
            }
            Action::Back => self.view = View::Packets,
            Action::Conversations => self.show_conversations(),
            Action::Ladder => self.open_ladder(),
            Action::Follow => self.open_follow(),
            Action::Http => self.open_http(),
            Action::Network => {
                self.network.open(&self.cx);
                self.view = View::Network;
            }
            Action::Stats => {
                let scope = super::stats_pane::Scope::of(&self.packets);
                self.stats.open(&self.cx, scope);
                self.view = View::Stats;
            }
            Action::KeyLog => self.open_key_log_prompt(),
            _ => return self.navigate(action),
        }
        true
    }

    fn on_mouse(&mut self, m: MouseEvent) -> bool {
        let at = Position::new(m.column, m.row);
        let input = match m.kind {
            MouseEventKind::ScrollDown => Input::Scroll(at, 3),
            MouseEventKind::ScrollUp => Input::Scroll(at, -3),
            MouseEventKind::Down(MouseButton::Left) => Input::Click(at),
            _ => return false,
        };
        self.live_input(None);
        self.route(input) == Handled::Consumed
    }

    /// Draws the whole screen from the state (no decoding, no walking).
    pub fn draw(&mut self, frame: &mut Frame<'_>) {
        render::draw(frame, self);
    }
}

/// The event loop: takes events from `events` until the app quits or the
/// source ends, drawing after those that changed something.
pub fn run_loop<B: Backend>(
    app: &mut App,
    terminal: &mut Terminal<B>,
    events: &mut impl EventSource,
) -> Result<(), B::Error> {
    let size = terminal.size()?;
    app.handle(Event::Resize(size.width, size.height));
    let mut dirty = true;
    while !app.should_quit {
        if dirty {
            terminal.draw(|frame| app.draw(frame))?;
        }
        let Some(event) = events.next(app.busy()) else {
            break;
        };
        dirty = app.handle(event);
    }
    Ok(())
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

/// Rows a list moves by for `action` in a pane of `page` rows (`None`: not a move).
pub fn movement(action: Action, page: usize) -> Option<isize> {
    let page = page.max(1) as isize;
    Some(match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -page,
        Action::PageDown => page,
        Action::Top => isize::MIN / 2,
        Action::Bottom => isize::MAX / 2,
        _ => return None,
    })
}

/// The row of a bordered pane under `at`, with `header` lines above the rows.
pub fn row_in(area: Rect, header: u16, at: Position) -> Option<usize> {
    let top = area.y + 1 + header;
    (area.contains(at) && at.y >= top && at.y + 1 < area.y + area.height)
        .then(|| usize::from(at.y - top))
}
