//! A followed stream as lines of text, the one renderer that `wirelens follow`
//! and the TUI's follow view both print: ASCII (lines split at `\n`, the `\r`
//! of a CRLF dropped, other bytes that are not printable ASCII shown as `.`)
//! or a hex dump per chunk (the server's indented), with one line per gap
//! saying how many bytes are missing and why.

use super::follow::{Chunk, Side};
use super::reassembly::{GapReason, Piece};
use crate::text::{ascii_or_dot, hex_dump_row};
use std::ops::ControlFlow;

/// How stream bytes are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFormat {
    Ascii,
    Hex,
}

/// One line of a followed stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowLine {
    /// Who sent it; `None` for a gap line.
    pub side: Option<Side>,
    /// Printable ASCII only.
    pub text: String,
    /// The 0-based index of the packet that carried the line's first byte;
    /// `None` for a gap line and for bytes with no packet of their own
    /// (decrypted TLS).
    pub packet: Option<u32>,
}

impl GapReason {
    /// Why the bytes are missing, as the follow views say it.
    pub fn description(self) -> &'static str {
        match self {
            GapReason::NotCaptured => "missing in capture file",
            GapReason::CutBySnaplen => "cut by the snaplen",
            GapReason::BufferLimit => "dropped (too much out-of-order data)",
        }
    }
}

/// `[N bytes missing in capture file]` and the like.
pub fn gap_text(len: u64, reason: GapReason) -> String {
    format!("[{len} bytes {}]", reason.description())
}

/// Calls `emit` with each line of `chunks` in `format`, until it breaks.
pub fn for_each_line<'c, 'a: 'c>(
    chunks: impl IntoIterator<Item = &'c Chunk<'a>>,
    format: TextFormat,
    emit: impl FnMut(FollowLine) -> ControlFlow<()>,
) {
    match format {
        TextFormat::Ascii => ascii_lines(chunks, emit),
        TextFormat::Hex => hex_lines(chunks, emit),
    }
}

fn ascii_lines<'c, 'a: 'c>(
    chunks: impl IntoIterator<Item = &'c Chunk<'a>>,
    mut emit: impl FnMut(FollowLine) -> ControlFlow<()>,
) {
    let mut current = String::new();
    let mut side = None;
    let mut packet = None;
    let take = |current: &mut String, side: Option<Side>, packet: &mut Option<u32>| FollowLine {
        side,
        text: std::mem::take(current),
        packet: packet.take(),
    };
    for c in chunks {
        if side != Some(c.side) {
            if !current.is_empty() && emit(take(&mut current, side, &mut packet)).is_break() {
                return;
            }
            packet = None;
            side = Some(c.side);
        }
        match c.piece {
            Piece::Data {
                bytes,
                packet: carrier,
                ..
            } => {
                let mut iter = bytes.iter().peekable();
                while let Some(&b) = iter.next() {
                    packet.get_or_insert(carrier);
                    match b {
                        b'\n' => {
                            if emit(take(&mut current, side, &mut packet)).is_break() {
                                return;
                            }
                        }
                        b'\r' if iter.peek() == Some(&&b'\n') => {}
                        b => current.push(ascii_or_dot(b)),
                    }
                }
            }
            Piece::Gap { len, reason, .. } => {
                if !current.is_empty() && emit(take(&mut current, side, &mut packet)).is_break() {
                    return;
                }
                packet = None;
                let gap = FollowLine {
                    side: None,
                    text: gap_text(len, reason),
                    packet: None,
                };
                if emit(gap).is_break() {
                    return;
                }
            }
        }
    }
    if !current.is_empty() {
        let _ = emit(take(&mut current, side, &mut packet));
    }
}

fn hex_lines<'c, 'a: 'c>(
    chunks: impl IntoIterator<Item = &'c Chunk<'a>>,
    mut emit: impl FnMut(FollowLine) -> ControlFlow<()>,
) {
    for c in chunks {
        let indent = if c.side == Side::Server { "    " } else { "" };
        match c.piece {
            Piece::Data {
                bytes,
                offset,
                packet,
            } => {
                for (i, row) in bytes.chunks(16).enumerate() {
                    let row = hex_dump_row(offset + 16 * i as u64, row);
                    let line = FollowLine {
                        side: Some(c.side),
                        text: format!("{indent}{row}"),
                        packet: Some(packet),
                    };
                    if emit(line).is_break() {
                        return;
                    }
                }
            }
            Piece::Gap {
                offset,
                len,
                reason,
            } => {
                let line = FollowLine {
                    side: None,
                    text: format!("{indent}{offset:08X}  {}", gap_text(len, reason)),
                    packet: None,
                };
                if emit(line).is_break() {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(chunks: &[Chunk<'_>], format: TextFormat) -> Vec<(Option<Side>, String)> {
        let mut out = Vec::new();
        for_each_line(chunks, format, |l| {
            out.push((l.side, l.text));
            ControlFlow::Continue(())
        });
        out
    }

    fn data(side: Side, offset: u64, bytes: &[u8]) -> Chunk<'_> {
        Chunk {
            side,
            piece: Piece::Data {
                packet: 0,
                offset,
                bytes,
            },
        }
    }

    #[test]
    fn ascii_joins_a_sides_chunks_drops_crlf_cr_and_marks_gaps() {
        let chunks = [
            data(Side::Client, 0, b"GET / HT"),
            data(Side::Client, 8, b"TP/1.1\r\nHost: a\rb\r\n\r\n"),
            Chunk {
                side: Side::Server,
                piece: Piece::Gap {
                    offset: 0,
                    len: 5,
                    reason: GapReason::NotCaptured,
                },
            },
            data(Side::Server, 5, b"\x1b[2Jok"),
        ];
        let c = Some(Side::Client);
        assert_eq!(
            lines(&chunks, TextFormat::Ascii),
            vec![
                (c, "GET / HTTP/1.1".to_string()),
                (c, "Host: a.b".to_string()),
                (c, String::new()),
                (None, "[5 bytes missing in capture file]".to_string()),
                (Some(Side::Server), ".[2Jok".to_string()),
            ]
        );
    }

    #[test]
    fn each_line_names_the_packet_of_its_first_byte() {
        let mut chunks = vec![
            data(Side::Client, 0, b"GET / HT"),
            data(Side::Client, 8, b"TP/1.1\r\nHost: a\r\n"),
            data(Side::Server, 0, b"HTTP/1.1 200 OK\r\n"),
        ];
        for (i, c) in chunks.iter_mut().enumerate() {
            if let Piece::Data { packet, .. } = &mut c.piece {
                *packet = i as u32 + 10;
            }
        }
        let mut packets = Vec::new();
        for_each_line(&chunks, TextFormat::Ascii, |l| {
            packets.push((l.text, l.packet));
            ControlFlow::Continue(())
        });
        assert_eq!(
            packets,
            vec![
                ("GET / HTTP/1.1".to_string(), Some(10)),
                ("Host: a".to_string(), Some(11)),
                ("HTTP/1.1 200 OK".to_string(), Some(12)),
            ]
        );
        let mut hex = Vec::new();
        for_each_line(&chunks, TextFormat::Hex, |l| {
            hex.push(l.packet);
            ControlFlow::Continue(())
        });
        assert_eq!(hex, vec![Some(10), Some(11), Some(11), Some(12), Some(12)]);
    }

    #[test]
    fn hex_indents_the_server_and_stops_when_asked() {
        let chunks = [
            data(Side::Client, 0, &[0x41; 20]),
            data(Side::Server, 0, b"hi"),
        ];
        let all = lines(&chunks, TextFormat::Hex);
        assert_eq!(all.len(), 3);
        assert!(all[2].1.starts_with("    00000000  68 69"), "{:?}", all[2]);
        let mut n = 0;
        for_each_line(&chunks, TextFormat::Hex, |_| {
            n += 1;
            ControlFlow::Break(())
        });
        assert_eq!(n, 1);
    }
}
