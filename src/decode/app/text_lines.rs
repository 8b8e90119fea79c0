//! The line-based mail and file-transfer protocols, one row per segment as
//! tshark 4.0 words them:
//!
//! - SMTP (25, 587): `C: EHLO host`, `S: 250-host | PIPELINING | 8BITMIME`
//!   (continuation lines without their code), `C: DATA fragment, N bytes`
//!   while a message is sent, and on its last segment tshark's IMF row
//!   (`SMTP/IMF`, see [`super::imf`]);
//! - FTP (21): `Request: USER anonymous`, `Response: 220 (vsFTPd 3.0.3)`;
//! - POP (110): `C: USER bob`, `S: +OK` (first line of the segment);
//! - IMAP (143): `Request: a001 LOGIN ...`, `Response: ...` (last line).
//!
//! Text is kept as sent; the column code escapes it for a terminal.

use super::{DirBytes, StreamRow, Summary};
use crate::decode::layer::Layer;

/// The longest line shown (a hostile peer may send megabytes without a
/// line end).
const MAX_LINE: usize = 4096;

/// The most bytes of one SMTP message read for its IMF row (its headers and
/// the first lines of its body; tshark's Info stops at 4095 bytes anyway).
pub const MAX_MESSAGE: usize = 64 * 1024;

/// Which line protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineProtocol {
    Smtp,
    Ftp,
    Pop,
    Imap,
}

impl LineProtocol {
    /// Wireshark's port for each.
    pub fn of_port(port: u16) -> Option<LineProtocol> {
        match port {
            25 | 587 => Some(LineProtocol::Smtp),
            21 => Some(LineProtocol::Ftp),
            110 => Some(LineProtocol::Pop),
            143 => Some(LineProtocol::Imap),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            LineProtocol::Smtp => "SMTP",
            LineProtocol::Ftp => "FTP",
            LineProtocol::Pop => "POP",
            LineProtocol::Imap => "IMAP",
        }
    }

    /// The protocol path tshark gives a row of this protocol (`frame.protocols`
    /// and `-z io,phs`): FTP's hierarchy item for the working directory sits
    /// under every FTP frame; POP and IMAP are not named (not checked).
    fn layers(self) -> Vec<Layer> {
        match self {
            LineProtocol::Smtp => vec![Layer::both("smtp")],
            LineProtocol::Ftp => vec![
                Layer::both("ftp"),
                Layer::hierarchy("ftp.current-working-directory"),
            ],
            LineProtocol::Pop | LineProtocol::Imap => Vec::new(),
        }
    }

    fn prefix(self, from_server: bool) -> &'static str {
        match (self, from_server) {
            (LineProtocol::Smtp | LineProtocol::Pop, false) => "C: ",
            (LineProtocol::Smtp | LineProtocol::Pop, true) => "S: ",
            (_, false) => "Request: ",
            (_, true) => "Response: ",
        }
    }
}

/// The lines of `seg` without their line ends (a last line without one too).
pub(super) fn lines(seg: &[u8]) -> Vec<String> {
    seg.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .enumerate()
        .filter(|(i, l)| !(l.is_empty() && *i > 0))
        .map(|(_, l)| String::from_utf8_lossy(&l[..l.len().min(MAX_LINE)]).into_owned())
        .collect()
}

fn smtp_reply(lines: &[String]) -> String {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        if i == 0 {
            out.push_str(l);
        } else {
            out.push_str(" | ");
            // "250-PIPELINING" and "250 8BITMIME" show without their code.
            let rest = l
                .get(4..)
                .filter(|_| l.len() >= 4 && l.as_bytes()[..3].iter().all(u8::is_ascii_digit));
            out.push_str(rest.unwrap_or(l));
        }
    }
    out
}

fn direction_rows(p: LineProtocol, dir: DirBytes<'_>, from_server: bool) -> Vec<(u32, StreamRow)> {
    let mut out = Vec::new();
    let mut in_data = false;
    // The message sent so far (DATA fragments), up to MAX_MESSAGE bytes.
    let mut message: Vec<u8> = Vec::new();
    for (packet, s, e) in dir.spans() {
        let seg = &dir.bytes[s..e];
        let ls = lines(seg);
        let Some(first) = ls.first() else { continue };
        let text = match p {
            LineProtocol::Smtp if !from_server && in_data => {
                let ends = seg.ends_with(b"\r\n.\r\n") || seg == b".\r\n";
                let room = MAX_MESSAGE.saturating_sub(message.len());
                if ends {
                    // The message's last segment: tshark's IMF row, over
                    // the whole message less the closing ".\r\n".
                    in_data = false;
                    let last = &seg[..seg.len() - 3];
                    message.extend_from_slice(&last[..last.len().min(room)]);
                    if message.is_empty() {
                        // A bare "." ends an empty message: no IMF.
                        first.clone()
                    } else {
                        let info = super::imf::info(&message);
                        message.clear();
                        out.push((
                            packet,
                            StreamRow::App(
                                Summary::new("SMTP/IMF", info)
                                    .with_layers(vec![Layer::both("smtp"), Layer::both("imf")]),
                            ),
                        ));
                        continue;
                    }
                } else {
                    message.extend_from_slice(&seg[..seg.len().min(room)]);
                    format!("DATA fragment, {} bytes", seg.len())
                }
            }
            LineProtocol::Smtp if !from_server => {
                in_data = first.eq_ignore_ascii_case("DATA");
                first.clone()
            }
            LineProtocol::Smtp => smtp_reply(&ls),
            LineProtocol::Imap => ls.last().cloned().unwrap_or_default(),
            LineProtocol::Ftp | LineProtocol::Pop => first.clone(),
        };
        let info = format!("{}{text}", p.prefix(from_server));
        out.push((
            packet,
            StreamRow::App(Summary::new(p.name(), info).with_layers(p.layers())),
        ));
    }
    out
}

/// The rows of a connection of line protocol `p`.
pub fn rows(p: LineProtocol, client: DirBytes<'_>, server: DirBytes<'_>) -> Vec<(u32, StreamRow)> {
    let mut out = direction_rows(p, client, false);
    out.extend(direction_rows(p, server, true));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infos(p: LineProtocol, c: &[&[u8]], s: &[&[u8]]) -> Vec<String> {
        let join = |parts: &[&[u8]], first: u32| {
            let mut bytes = Vec::new();
            let mut segs = Vec::new();
            for (i, part) in parts.iter().enumerate() {
                segs.push((bytes.len() as u64, first + 2 * i as u32));
                bytes.extend_from_slice(part);
            }
            (bytes, segs)
        };
        let (cb, cs) = join(c, 1);
        let (sb, ss) = join(s, 0);
        let mut r = rows(
            p,
            DirBytes {
                bytes: &cb,
                segments: &cs,
            },
            DirBytes {
                bytes: &sb,
                segments: &ss,
            },
        );
        r.sort_by_key(|x| x.0);
        r.into_iter()
            .map(|(_, row)| match row {
                StreamRow::App(s) => s.info,
                StreamRow::Segment { .. } => "segment".into(),
            })
            .collect()
    }

    #[test]
    fn smtp_as_tshark() {
        let got = infos(
            LineProtocol::Smtp,
            &[
                b"EHLO c\r\n",
                b"DATA\r\n",
                b"Subject: hi\r\n\r\nx\r\n",
                b".\r\n",
            ],
            &[
                b"220 m ESMTP\r\n",
                b"250-m\r\n250-PIPELINING\r\n250 8BITMIME\r\n",
                b"354 go\r\n",
            ],
        );
        assert_eq!(
            got,
            vec![
                "S: 220 m ESMTP",
                "C: EHLO c",
                "S: 250-m | PIPELINING | 8BITMIME",
                "C: DATA",
                "S: 354 go",
                "C: DATA fragment, 18 bytes",
                "subject: hi, , x  ",
            ]
        );
    }

    #[test]
    fn ftp_pop_imap_as_tshark() {
        let got = infos(
            LineProtocol::Ftp,
            &[b"USER a\r\n"],
            &[b"150 x\r\n226 y\r\n"],
        );
        assert_eq!(got, vec!["Response: 150 x", "Request: USER a"]);
        let got = infos(
            LineProtocol::Imap,
            &[b"a1 LOGIN b c\r\n"],
            &[b"* 1 EXISTS\r\na1 OK done\r\n"],
        );
        assert_eq!(got, vec!["Response: a1 OK done", "Request: a1 LOGIN b c"]);
        let got = infos(
            LineProtocol::Pop,
            &[b"LIST\r\n"],
            &[b"+OK 1\r\n1 120\r\n.\r\n"],
        );
        assert_eq!(got, vec!["S: +OK 1", "C: LIST"]);
    }
}
