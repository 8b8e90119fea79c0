//! PostgreSQL's wire protocol (port 5432) as tshark's PGSQL summarises each
//! segment: `>` for the frontend, `<` for the backend, then the type letters
//! of the messages that end in the segment (`<R/S/S/K/Z`). A message begun
//! in an earlier segment and ended in this one comes first, on its own
//! (`<D<D/D/D`): tshark dissects the reassembled message, then the rest.
//! Startup messages (SSLRequest, StartupMessage) and the one-byte SSL answer
//! have no letter. After an `S` answer the connection is TLS: not ours.
//!
//! The protocol path follows tshark's TCP reassembly: a `pgsql` dissector
//! call (in `frame.protocols`) for the reassembled message and one for the
//! rest of the segment, and in the tree one `pgsql` item per message with
//! `tcp.segments` after the reassembled one. A message whose header was
//! split is reassembled with the whole segment, so its segments' item
//! comes after all the messages that segment completes.

use super::{DirBytes, Layer, StreamRow, Summary};

/// SSLRequest and GSSENCRequest codes: the backend answers with one byte.
const SSL_REQUEST: u32 = 80_877_103;
const GSSENC_REQUEST: u32 = 80_877_104;
/// A typed message's header: its letter and its length.
const HEADER_LEN: usize = 5;
/// The longest startup message accepted (the server's own limit is 10000).
const MAX_STARTUP_LEN: u32 = 10_000;

/// One message: its offsets (`end` may lie past the captured bytes) and
/// its type letter, if it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Message {
    start: usize,
    end: usize,
    letter: Option<u8>,
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
}

/// The frontend's messages, and how many one-byte answers it asked for.
fn frontend(bytes: &[u8]) -> (Vec<Message>, usize) {
    let mut out = Vec::new();
    let (mut pos, mut startup, mut answers) = (0usize, true, 0usize);
    while pos < bytes.len() {
        if startup {
            let (Some(len), code) = (be32(bytes, pos), be32(bytes, pos + 4)) else {
                out.push(Message {
                    start: pos,
                    end: usize::MAX,
                    letter: None,
                });
                break;
            };
            if !(8..=MAX_STARTUP_LEN).contains(&len) {
                break;
            }
            match code {
                Some(SSL_REQUEST | GSSENC_REQUEST) => answers += 1,
                _ => startup = false,
            }
            out.push(Message {
                start: pos,
                end: pos + len as usize,
                letter: None,
            });
            pos += len as usize;
        } else {
            let letter = bytes[pos];
            if !letter.is_ascii_alphabetic() {
                break;
            }
            let Some(len) = be32(bytes, pos + 1) else {
                out.push(Message {
                    start: pos,
                    end: usize::MAX,
                    letter: Some(letter),
                });
                break;
            };
            if len < 4 {
                break;
            }
            let end = pos.saturating_add(1).saturating_add(len as usize);
            out.push(Message {
                start: pos,
                end,
                letter: Some(letter),
            });
            pos = end;
        }
    }
    (out, answers)
}

/// The backend's messages, after `answers` one-byte SSL/GSS answers.
fn backend(bytes: &[u8], answers: usize) -> Vec<Message> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    for _ in 0..answers {
        let Some(&b) = bytes.get(pos) else {
            return out;
        };
        out.push(Message {
            start: pos,
            end: pos + 1,
            letter: None,
        });
        pos += 1;
        if b == b'S' {
            // TLS from here on.
            return out;
        }
    }
    while pos < bytes.len() {
        let letter = bytes[pos];
        if !letter.is_ascii_alphabetic() {
            break;
        }
        let Some(len) = be32(bytes, pos + 1) else {
            out.push(Message {
                start: pos,
                end: usize::MAX,
                letter: Some(letter),
            });
            break;
        };
        if len < 4 {
            break;
        }
        let end = pos.saturating_add(1).saturating_add(len as usize);
        out.push(Message {
            start: pos,
            end,
            letter: Some(letter),
        });
        pos = end;
    }
    out
}

/// Words each segment of one direction from its messages.
fn direction_rows(dir: DirBytes<'_>, messages: &[Message], arrow: char) -> Vec<(u32, StreamRow)> {
    let mut out = Vec::new();
    let mut k = 0usize;
    for (packet, s, e) in dir.spans() {
        let mut info = String::new();
        let mut middle = false;
        let mut opened = false;
        let mut letters: Vec<u8> = Vec::new();
        let mut layers = Vec::new();
        // Messages completed after the reassembled one, and whether the
        // first of those was reassembled with this whole segment.
        let (mut completed, mut split, mut answer) = (0usize, false, false);
        while let Some(m) = messages.get(k) {
            // A message whose 5-byte header the earlier segment did not hold
            // whole is reassembled with all of this segment (tshark's "one
            // more segment"): it joins this segment's list.
            let header_split = m.start < s && s - m.start < HEADER_LEN && m.letter.is_some();
            if m.start < s && !header_split {
                if m.end <= e {
                    info.push(arrow);
                    info.extend(m.letter.map(char::from));
                    layers.push(Layer::both("pgsql"));
                    layers.push(Layer::hierarchy("tcp.segments"));
                    k += 1;
                } else {
                    middle = true;
                    break;
                }
            } else if m.start < e {
                split |= !opened && header_split;
                opened = true;
                if m.end <= e && m.letter.is_none() && arrow == '<' {
                    // The backend's one-byte SSL answer: shorter than the
                    // 5-byte header tshark's PDU reader wants, so the call
                    // leaves Info ("<") and no layer.
                    answer = true;
                    k += 1;
                } else if m.end <= e {
                    letters.extend(m.letter);
                    layers.push(if completed == 0 {
                        Layer::both("pgsql")
                    } else {
                        Layer::hierarchy("pgsql")
                    });
                    completed += 1;
                    k += 1;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        if split && completed > 0 {
            layers.push(Layer::hierarchy("tcp.segments"));
        }
        if opened && completed == 0 && info.is_empty() && !answer {
            // The dissector ran but asked for more bytes: no item. After a
            // reassembled message tshark's TCP drops even the call's name,
            // as the one call that read nothing of its bytes
            // (malformed-pgsql-file-cut-short frames 34 and 728: `<D<`,
            // frame.protocols `...:tcp:pgsql`).
            layers.push(Layer::protocols("pgsql"));
        }
        if opened {
            info.push(arrow);
            let l: Vec<String> = letters.iter().map(|&b| char::from(b).to_string()).collect();
            info.push_str(&l.join("/"));
        }
        if middle && info.is_empty() {
            out.push((packet, StreamRow::Segment { tcp_info: true }));
        } else if !info.is_empty() {
            let summary = Summary::new("PGSQL", info).with_layers(layers);
            out.push((packet, StreamRow::App(summary)));
        }
    }
    out
}

/// The rows of a PostgreSQL connection's data segments.
pub fn rows(client: DirBytes<'_>, server: DirBytes<'_>) -> Vec<(u32, StreamRow)> {
    let (front, answers) = frontend(client.bytes);
    let back = backend(server.bytes, answers);
    let mut out = direction_rows(client, &front, '>');
    out.extend(direction_rows(server, &back, '<'));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(letter: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![letter];
        v.extend_from_slice(&(body.len() as u32 + 4).to_be_bytes());
        v.extend_from_slice(body);
        v
    }

    fn info(rows: &[(u32, StreamRow)], packet: u32) -> String {
        match rows.iter().find(|(p, _)| *p == packet) {
            Some((_, StreamRow::App(s))) => s.info.clone(),
            Some((_, StreamRow::Segment { .. })) => "segment".into(),
            None => "none".into(),
        }
    }

    #[test]
    fn startup_then_messages_across_segments() {
        let mut c = Vec::new();
        c.extend_from_slice(&8u32.to_be_bytes());
        c.extend_from_slice(&SSL_REQUEST.to_be_bytes());
        let startup_at = c.len() as u64;
        c.extend_from_slice(&12u32.to_be_bytes());
        c.extend_from_slice(&196_608u32.to_be_bytes());
        c.extend_from_slice(b"u\0\0\0");
        let q_at = c.len() as u64;
        c.extend(msg(b'Q', b"select 1\0"));
        let mut s = b"N".to_vec();
        s.extend(msg(b'R', &[0, 0, 0, 0]));
        let d1 = s.len() as u64;
        s.extend(msg(b'D', &[7; 20]));
        let cut = d1 + 10;
        s.extend(msg(b'D', &[7; 3]));
        s.extend(msg(b'Z', b"I"));
        let tail = s.len() as u64 - 3;
        let cseg = [(0, 1), (startup_at, 3), (q_at, 5)];
        let sseg = [(0, 2), (1, 4), (cut, 6), (tail, 8)];
        let r = rows(
            DirBytes {
                bytes: &c,
                segments: &cseg,
            },
            DirBytes {
                bytes: &s,
                segments: &sseg,
            },
        );
        assert_eq!(info(&r, 1), ">");
        assert_eq!(info(&r, 3), ">");
        assert_eq!(info(&r, 5), ">Q");
        assert_eq!(info(&r, 2), "<");
        let layers = |p: u32| match r.iter().find(|(q, _)| *q == p) {
            Some((_, StreamRow::App(s))) => s.layers.clone(),
            _ => Vec::new(),
        };
        // The one-byte SSL answer: Info only, no layer.
        assert!(layers(2).is_empty());
        assert_eq!(layers(5), [Layer::both("pgsql")]);
        // R complete, then D begun: only what ended is listed.
        assert_eq!(info(&r, 4), "<R");
        // The first D ends here, the second starts and ends, Z starts.
        assert_eq!(info(&r, 6), "<D<D");
        assert_eq!(info(&r, 8), "<Z");
        // The first D reassembled, then one begun: no second call listed.
        assert_eq!(
            layers(6),
            [
                Layer::both("pgsql"),
                Layer::hierarchy("tcp.segments"),
                Layer::both("pgsql")
            ]
        );
    }

    #[test]
    fn a_header_split_across_segments_joins_the_next_list() {
        let mut s = b"N".to_vec();
        s.extend(msg(b'D', &[1; 4]));
        let cut = s.len() as u64 + 2;
        s.extend(msg(b'D', &[2; 4]));
        s.extend(msg(b'D', &[3; 4]));
        let (mut c, ssl) = (Vec::new(), SSL_REQUEST.to_be_bytes());
        c.extend_from_slice(&8u32.to_be_bytes());
        c.extend_from_slice(&ssl);
        let r = rows(
            DirBytes {
                bytes: &c,
                segments: &[(0, 1)],
            },
            DirBytes {
                bytes: &s,
                segments: &[(0, 2), (cut, 4)],
            },
        );
        assert_eq!(info(&r, 2), "<D");
        assert_eq!(info(&r, 4), "<D/D");
    }

    #[test]
    fn garbage_ends_cleanly() {
        for n in 0..64u8 {
            let b: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            let seg = [(0, 0)];
            let _ = rows(
                DirBytes {
                    bytes: &b,
                    segments: &seg,
                },
                DirBytes {
                    bytes: &b,
                    segments: &seg,
                },
            );
        }
    }
}
