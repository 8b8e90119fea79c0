//! What the follow pane shows of one stream, built in a job: the lines of
//! both directions (ASCII or hex, from `flow::follow_text`), bounded by
//! [`MAX_LINES`], with the search position and the direction shown.

use crate::flow::follow::{follow, Chunk, Side};
use crate::flow::follow_text::{for_each_line, TextFormat};
use crate::flow::reassembly::Piece;
use crate::session::Session;
use crate::text::sanitize;
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
    /// The stream has decrypted TLS data (the title offers `t`).
    pub tls_available: bool,
    /// A UDP stream (Follow UDP Stream): datagrams in order.
    pub udp: bool,
    /// Which directions show (`d`), as Wireshark's follow dialog offers.
    pub direction: FollowDirection,
    /// With one direction: the lines (indices) that show; `offset` counts in it.
    pub shown: Option<Vec<u32>>,
}

/// The directions the follow view shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FollowDirection {
    #[default]
    Both,
    ClientToServer,
    ServerToClient,
}

impl FollowDirection {
    pub fn next(self) -> FollowDirection {
        match self {
            FollowDirection::Both => FollowDirection::ClientToServer,
            FollowDirection::ClientToServer => FollowDirection::ServerToClient,
            FollowDirection::ServerToClient => FollowDirection::Both,
        }
    }

    /// Whether a line of `side` shows (gap notes always do).
    fn shows(self, side: Option<Side>) -> bool {
        match (self, side) {
            (FollowDirection::Both, _) | (_, None) => true,
            (FollowDirection::ClientToServer, Some(s)) => s == Side::Client,
            (FollowDirection::ServerToClient, Some(s)) => s == Side::Server,
        }
    }

    pub(super) fn describe(self) -> &'static str {
        match self {
            FollowDirection::Both => "entire conversation",
            FollowDirection::ClientToServer => "client → server only",
            FollowDirection::ServerToClient => "server → client only",
        }
    }
}

impl FollowState {
    /// Follows conversation `conversation`.
    pub fn new(trace: &Session, conversation: u32, hex: bool) -> Option<FollowState> {
        FollowState::with_mode(trace, conversation, hex, false)
    }

    /// Whether conversation `conversation` has decrypted TLS data to follow.
    pub fn has_tls(trace: &Session, conversation: u32) -> bool {
        trace
            .http_if_ready()
            .and_then(|h| h.tls.of_conversation(conversation))
            .is_some_and(|c| c.keys_found)
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
        let c = followed.totals(Side::Client);
        let s = followed.totals(Side::Server);
        let (lines, bytes, gaps) = match decrypted {
            Some(conn) => {
                let mut offsets = [0u64; 2];
                let chunks: Vec<Chunk<'_>> = conn
                    .app_data()
                    .into_iter()
                    .map(|(dir, b)| {
                        let side = if dir == conn.client {
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
                // Decrypted bytes are not one packet's: no times.
                let mut lines = render_lines(&chunks, format);
                for l in &mut lines {
                    l.packet = None;
                }
                (lines, offsets, 0)
            }
            None => (
                render_lines(&followed.chunks, format),
                [c.bytes, s.bytes],
                c.gaps + s.gaps,
            ),
        };
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
            gaps,
            tls: decrypted.is_some(),
            tls_available: FollowState::has_tls(trace, conversation),
            direction: FollowDirection::Both,
            shown: None,
            udp: conv.protocol == crate::flow::Protocol::Udp,
        })
    }

    /// Shows only the lines of `direction` (the search keeps to them too).
    pub fn set_direction(&mut self, direction: FollowDirection) {
        let first = self.line_at(self.offset);
        self.direction = direction;
        self.shown = (direction != FollowDirection::Both).then(|| {
            self.lines
                .iter()
                .enumerate()
                .filter(|(_, l)| direction.shows(l.side))
                .map(|(i, _)| i as u32)
                .collect()
        });
        if let Some(q) = self.query.clone() {
            self.search(&q);
        }
        self.offset = self.pos_of(first);
    }

    /// How many lines show.
    pub fn shown_len(&self) -> usize {
        self.shown.as_ref().map_or(self.lines.len(), Vec::len)
    }

    /// The line shown at position `pos`.
    pub(super) fn line_at(&self, pos: usize) -> usize {
        match &self.shown {
            Some(s) => s.get(pos).map_or(self.lines.len(), |&l| l as usize),
            None => pos,
        }
    }

    /// The position of line `line` among those shown (or of the next shown one).
    fn pos_of(&self, line: usize) -> usize {
        match &self.shown {
            Some(s) => s.partition_point(|&l| (l as usize) < line),
            None => line,
        }
    }

    /// The same stream with the TCP bytes and the decrypted TLS data
    /// swapped, keeping the search.
    pub fn tls_toggled(&self, trace: &Session) -> Option<FollowState> {
        let mut next = FollowState::with_mode(trace, self.conversation, self.hex, !self.tls)?;
        if let Some(q) = &self.query {
            next.search(q);
            next.offset = 0;
        }
        Some(next)
    }

    /// The same stream in the other mode (ASCII / hex), keeping the search.
    pub fn toggled(&self, trace: &Session) -> Option<FollowState> {
        let mut next = FollowState::with_mode(trace, self.conversation, !self.hex, self.tls)?;
        if let Some(q) = &self.query {
            next.search(q);
            next.offset = 0;
        }
        Some(next)
    }

    pub fn scroll_by(&mut self, delta: isize) {
        self.offset = self
            .offset
            .saturating_add_signed(delta)
            .min(self.shown_len().saturating_sub(1));
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
            .filter(|(_, l)| {
                self.direction.shows(l.side) && l.text.to_ascii_lowercase().contains(&q)
            })
            .map(|(i, _)| i)
            .collect();
        self.query = Some(q);
        self.current = self
            .matches
            .iter()
            .position(|&m| m >= self.line_at(self.offset))
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
                self.offset = self.pos_of(line).saturating_sub(2);
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
            packet: None,
        });
    }
    lines
}
