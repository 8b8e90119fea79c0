//! The follow pane: a TCP stream's reassembled bytes, both directions in the
//! order they were delivered (from `flow::follow`), client and server in two
//! colours, as ASCII (non-printables as `.`) or a hex dump, with gaps marked,
//! and a search (`/`, `n`, `N`).
//!
//! The lines are built once per open / mode change in [`FollowState`], made
//! of printable ASCII only, so drawing just slices the visible window.

use super::app::App;
use super::ladder_pane::side_color;
use super::render::block;
use crate::flow::follow::{follow, Chunk, Side};
use crate::flow::follow_text::{for_each_line, TextFormat};
use crate::flow::reassembly::Piece;
use crate::session::Session;
use crate::text::sanitize;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use std::ops::ControlFlow;

/// Bound on the lines kept for one stream (export writes everything).
pub const MAX_LINES: usize = 200_000;

pub use crate::flow::follow_text::FollowLine;

/// The follow view's state.
#[derive(Debug, Clone)]
pub struct FollowState {
    /// Index of the conversation in `Conversations::all`.
    pub conversation: u32,
    pub stream: u32,
    pub client: String,
    pub server: String,
    pub hex: bool,
    pub lines: Vec<FollowLine>,
    /// First line shown.
    pub offset: usize,
    /// The last search, lower case.
    pub query: Option<String>,
    /// Lines holding a match, and the current one (index into `matches`).
    pub matches: Vec<usize>,
    pub current: usize,
    /// Bytes per side.
    pub bytes: [u64; 2],
    /// Gaps in both directions.
    pub gaps: u32,
    /// Showing the decrypted TLS application data (`t`), not the TCP bytes.
    pub tls: bool,
}

impl FollowState {
    /// Follows conversation `conversation`.
    pub fn new(trace: &Session, conversation: u32, hex: bool) -> Option<FollowState> {
        FollowState::with_mode(trace, conversation, hex, false)
    }

    /// Follows conversation `conversation`: its TCP bytes, or with `tls` the
    /// decrypted TLS application data (as tshark's follow,tls), one chunk
    /// per record; `tls` without a decrypted session falls back to TCP.
    pub fn with_mode(
        trace: &Session,
        conversation: u32,
        hex: bool,
        tls: bool,
    ) -> Option<FollowState> {
        let conv = trace.conversations.get(conversation)?;
        let followed = follow(&trace.store, conv);
        let format = if hex {
            TextFormat::Hex
        } else {
            TextFormat::Ascii
        };
        let decrypted = tls
            .then(|| trace.http_if_ready())
            .flatten()
            .and_then(|h| h.tls.of_conversation(conversation))
            .filter(|c| c.keys_found);
        let (lines, bytes) = match decrypted {
            Some(c) => {
                let mut offsets = [0u64; 2];
                let chunks: Vec<Chunk<'_>> = c
                    .app_data()
                    .into_iter()
                    .map(|(dir, b)| {
                        let side = if dir == c.client {
                            Side::Client
                        } else {
                            Side::Server
                        };
                        let o = &mut offsets[usize::from(side == Side::Server)];
                        let piece = Piece::Data {
                            packet: 0,
                            offset: *o,
                            bytes: b,
                        };
                        *o += b.len() as u64;
                        Chunk { side, piece }
                    })
                    .collect();
                (render_lines(&chunks, format), offsets)
            }
            None => {
                let c = followed.totals(Side::Client).bytes;
                let s = followed.totals(Side::Server).bytes;
                (render_lines(&followed.chunks, format), [c, s])
            }
        };
        let c = followed.totals(Side::Client);
        let s = followed.totals(Side::Server);
        Some(FollowState {
            conversation,
            stream: conv.stream,
            client: sanitize(&followed.client.to_string()).into_owned(),
            server: sanitize(&followed.server.to_string()).into_owned(),
            hex,
            lines,
            offset: 0,
            query: None,
            matches: Vec::new(),
            current: 0,
            bytes,
            gaps: if decrypted.is_some() {
                0
            } else {
                c.gaps + s.gaps
            },
            tls: decrypted.is_some(),
        })
    }

    /// Switches between the TCP bytes and the decrypted TLS data; returns a
    /// status message when there is nothing decrypted to show.
    pub fn toggle_tls(&mut self, trace: &Session) -> Option<String> {
        let next = FollowState::with_mode(trace, self.conversation, self.hex, !self.tls)?;
        if next.tls == self.tls {
            return Some("no decrypted TLS in this stream (keys: --keylog)".into());
        }
        *self = next;
        None
    }

    /// Switches between ASCII and hex, keeping the search.
    pub fn toggle_hex(&mut self, trace: &Session) {
        if let Some(mut next) =
            FollowState::with_mode(trace, self.conversation, !self.hex, self.tls)
        {
            if let Some(q) = self.query.take() {
                next.search(&q);
                next.offset = 0;
            }
            *self = next;
        }
    }

    pub fn scroll_by(&mut self, delta: isize) {
        self.offset = self
            .offset
            .saturating_add_signed(delta)
            .min(self.lines.len().saturating_sub(1));
    }

    /// Finds `query` (case-insensitive); returns a status message.
    pub fn search(&mut self, query: &str) -> String {
        if query.is_empty() {
            self.query = None;
            self.matches.clear();
            return String::new();
        }
        let q = query.to_ascii_lowercase();
        self.matches = self
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.text.to_ascii_lowercase().contains(&q))
            .map(|(i, _)| i)
            .collect();
        self.query = Some(q);
        self.current = self
            .matches
            .iter()
            .position(|&m| m >= self.offset)
            .unwrap_or(0);
        self.show_current(query)
    }

    /// Moves to the next (or previous) match; returns a status message.
    pub fn next_match(&mut self, forward: bool) -> String {
        let Some(q) = self.query.clone() else {
            return "no search: / to search".into();
        };
        let n = self.matches.len();
        if n > 0 {
            self.current = if forward {
                (self.current + 1) % n
            } else {
                (self.current + n - 1) % n
            };
        }
        self.show_current(&q)
    }

    fn show_current(&mut self, query: &str) -> String {
        match self.matches.get(self.current) {
            Some(&line) => {
                self.offset = line.saturating_sub(2);
                format!(
                    "match {} of {} for \"{}\"",
                    self.current + 1,
                    self.matches.len(),
                    sanitize(query)
                )
            }
            None => format!("\"{}\" not found", sanitize(query)),
        }
    }
}

/// The stream's lines (the library's follow renderer), at most [`MAX_LINES`].
fn render_lines(chunks: &[crate::flow::follow::Chunk<'_>], format: TextFormat) -> Vec<FollowLine> {
    let mut lines = Vec::new();
    for_each_line(chunks, format, |line| {
        lines.push(line);
        if lines.len() >= MAX_LINES {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    truncated(lines)
}

fn truncated(mut lines: Vec<FollowLine>) -> Vec<FollowLine> {
    if lines.len() >= MAX_LINES {
        lines.truncate(MAX_LINES);
        lines.push(FollowLine {
            side: None,
            text: format!("[only the first {MAX_LINES} lines are shown; e exports everything]"),
        });
    }
    lines
}

/// `text` with every occurrence of `query` (lower case) highlighted.
fn highlighted(text: &str, query: Option<&str>, style: Style, current: bool) -> Line<'static> {
    let Some(q) = query.filter(|q| !q.is_empty()) else {
        return Line::from(Span::styled(text.to_string(), style));
    };
    let lower = text.to_ascii_lowercase();
    let mark = if current {
        Style::default().fg(Color::Black).bg(Color::LightYellow)
    } else {
        Style::default().fg(Color::Black).bg(Color::Yellow)
    };
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some(found) = lower.get(at..).and_then(|rest| rest.find(q)) {
        let start = at + found;
        let end = start + q.len();
        if let (Some(before), Some(hit)) = (text.get(at..start), text.get(start..end)) {
            spans.push(Span::styled(before.to_string(), style));
            spans.push(Span::styled(hit.to_string(), mark));
        }
        at = end;
    }
    spans.push(Span::styled(
        text.get(at..).unwrap_or("").to_string(),
        style,
    ));
    Line::from(spans)
}

/// Draws the follow view into `area`: a legend line, then the stream.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &mut App) {
    app.areas.follow = area;
    let Some(state) = app.follow.as_mut() else {
        return;
    };
    let height = usize::from(area.height.saturating_sub(3)).max(1);
    state.offset = state.offset.min(state.lines.len().saturating_sub(height));
    let state = &*state;
    let current_line = state.matches.get(state.current).copied();
    let mut legend = vec![
        Span::styled(
            format!("client {} ({} bytes)", state.client, state.bytes[0]),
            Style::default().fg(side_color(Side::Client)),
        ),
        Span::raw(" → "),
        Span::styled(
            format!("server {} ({} bytes)", state.server, state.bytes[1]),
            Style::default().fg(side_color(Side::Server)),
        ),
    ];
    if state.gaps > 0 {
        legend.push(Span::styled(
            format!(", {} gaps", state.gaps),
            Style::default().fg(Color::Yellow),
        ));
    }
    let mut lines = vec![Line::from(legend)];
    lines.extend(
        state
            .lines
            .iter()
            .enumerate()
            .skip(state.offset)
            .take(height)
            .map(|(i, l)| {
                let style = match l.side {
                    Some(side) => Style::default().fg(side_color(side)),
                    None => Style::default()
                        .fg(Color::Yellow)
                        .add_modifier(Modifier::BOLD),
                };
                // Lines are printable ASCII already; sanitised anyway.
                let text = sanitize(&l.text);
                highlighted(
                    &text,
                    state.query.as_deref(),
                    style,
                    Some(i) == current_line,
                )
            }),
    );
    let title = format!(
        "Follow {} stream {} ({}) x: {}, t: TLS/TCP, /: search, e: export",
        if state.tls { "TLS" } else { "TCP" },
        state.stream,
        if state.hex { "hex" } else { "ASCII" },
        if state.hex { "ASCII" } else { "hex" },
    );
    frame.render_widget(Paragraph::new(lines).block(block(&title, true)), area);
}
