//! POP and IMAP as tshark 4.0's details tree shows them.
//!
//! POP (`Post Office Protocol`): the segment's first line split into
//! `pop.request.command` and `pop.request.parameter` (or the response
//! indicator and description), its further lines as data. A server segment
//! that starts with neither `+OK` nor `-ERR` is message data tshark
//! reassembles: not drawn here yet.
//!
//! IMAP (`Internet Message Access Protocol`): one `Line` item per line; a
//! line not starting with `*` is split into tag, command or status and the
//! command's folder or login, and a tagged response links to its request
//! (`[Request In]`, `[Response Time]`).

use super::ftp::line_at;
use super::Node;
use crate::decode::app::{DirBytes, StreamRow};
use crate::decode::Transport;
use crate::fields::{PacketView, Value};
use std::borrow::Cow;

fn s(v: &[u8]) -> Value<'static> {
    Value::Str(Cow::Owned(String::from_utf8_lossy(v).into_owned()))
}

fn text(v: &[u8]) -> String {
    super::body::format_text(v)
}

/// Wireshark's `get_token_len`: the token at the start of `line` (up to a
/// space) and where the next one starts (spaces skipped).
fn token(line: &[u8]) -> (usize, usize) {
    let len = line.iter().position(|&c| c == b' ').unwrap_or(line.len());
    let mut next = len;
    while line.get(next) == Some(&b' ') {
        next += 1;
    }
    (len, next)
}

/// A POP segment's layer; `None` for message data (see the module doc).
fn pop(payload: &[u8], at: usize, is_request: bool) -> Option<Node> {
    let (len, next) = line_at(payload, 0);
    let line = &payload[..len];
    let status = line.starts_with(b"+OK") || line.starts_with(b"-ERR");
    if !(is_request || status) {
        return None;
    }
    let mut n = Node::field(
        "pop",
        "Post Office Protocol",
        at..at + payload.len(),
        Value::Present,
    );
    let (abbrev, cmd, param) = if is_request {
        (
            "pop.request",
            "pop.request.command",
            "pop.request.parameter",
        )
    } else {
        (
            "pop.response",
            "pop.response.indicator",
            "pop.response.description",
        )
    };
    let l = n.add(Node::field(
        abbrev,
        text(&payload[..next]),
        at..at + next,
        s(&payload[..next]),
    ));
    let (tlen, tnext) = token(line);
    let mut off = 0;
    if tlen > 0 {
        let name = if is_request {
            "Request command"
        } else {
            "Response indicator"
        };
        l.add(Node::field(
            cmd,
            format!("{name}: {}", text(&line[..tlen])),
            at..at + tlen,
            s(&line[..tlen]),
        ));
        off = tnext;
    }
    if off < line.len() {
        let name = if is_request {
            "Request parameter"
        } else {
            "Response description"
        };
        l.add(Node::field(
            param,
            format!("{name}: {}", text(&line[off..])),
            at + off..at + len,
            s(&line[off..]),
        ));
    }
    let data = if is_request {
        "pop.request.data"
    } else {
        "pop.response.data"
    };
    let mut o = next;
    while o < payload.len() {
        let (_, nx) = line_at(payload, o);
        n.add(Node::field(
            data,
            text(&payload[o..nx]),
            at + o..at + nx,
            s(&payload[o..nx]),
        ));
        o = nx;
    }
    Some(n)
}

/// The commands whose first argument tshark shows as the folder.
const FOLDER_COMMANDS: [&str; 10] = [
    "select",
    "examine",
    "create",
    "delete",
    "rename",
    "subscribe",
    "unsubscribe",
    "status",
    "append",
    "search",
];

/// One tagged IMAP line (without its end, at `at`) into `l`; returns its
/// tag (lower case) for response tracking.
fn imap_line(line: &[u8], at: usize, is_request: bool, l: &mut Node) -> Option<String> {
    if line.is_empty() {
        return None;
    }
    let (abbrev, name) = if is_request {
        ("imap.request", "Request")
    } else {
        ("imap.response", "Response")
    };
    l.add(Node::field(
        abbrev,
        format!("{name}: {}", text(line)),
        at..at + line.len(),
        s(line),
    ));
    let (tlen, tnext) = token(line);
    if tlen == 0 {
        return None;
    }
    let tag = &line[..tlen];
    let (tag_abbrev, tag_name) = if is_request {
        ("imap.request_tag", "Request Tag")
    } else {
        ("imap.response_tag", "Response Tag")
    };
    l.add(Node::field(
        tag_abbrev,
        format!("{tag_name}: {}", text(tag)),
        at..at + tlen,
        s(tag),
    ));
    l.add(Node::field("imap.tag", "", at..at + tlen, s(tag)).hide());
    let mut off = tnext;
    let rest = |o: usize| line.get(o..).unwrap_or_default();
    let (clen, cnext) = token(rest(off));
    if clen == 0 {
        return Some(String::from_utf8_lossy(tag).to_ascii_lowercase());
    }
    let cmd = &line[off..off + clen];
    if is_request {
        l.add(Node::field(
            "imap.request.command",
            format!("Request Command: {}", text(cmd)),
            at + off..at + off + clen,
            s(cmd),
        ));
        l.add(Node::field("imap.command", "", at + off..at + off + clen, s(cmd)).hide());
        let lower = String::from_utf8_lossy(cmd).to_ascii_lowercase();
        off += cnext;
        let (alen, anext) = token(rest(off));
        let arg = |o: usize, n: usize| &line[o..o + n];
        if FOLDER_COMMANDS.contains(&lower.as_str()) && alen > 0 {
            l.add(Node::field(
                "imap.request.folder",
                format!("Request Folder: {}", text(arg(off, alen))),
                at + off..at + off + alen,
                s(arg(off, alen)),
            ));
        } else if lower == "copy" && alen > 0 {
            let o2 = off + anext;
            let (flen, _) = token(rest(o2));
            if flen > 0 {
                l.add(Node::field(
                    "imap.request.folder",
                    format!("Request Folder: {}", text(arg(o2, flen))),
                    at + o2..at + o2 + flen,
                    s(arg(o2, flen)),
                ));
            }
        } else if lower == "login" && alen > 0 {
            l.add(Node::field(
                "imap.request.username",
                format!("Request Username: {}", text(arg(off, alen))),
                at + off..at + off + alen,
                s(arg(off, alen)),
            ));
            let o2 = off + anext;
            let (plen, _) = token(rest(o2));
            // tshark 4.0 takes the password for a quoted string and drops
            // its first and last bytes (imap-session.pcap frame 5:
            // `secret` shows as `ecre`).
            if plen >= 2 {
                let p = arg(o2 + 1, plen - 2);
                l.add(Node::field(
                    "imap.request.password",
                    format!("Request Password: {}", text(p)),
                    at + o2 + 1..at + o2 + plen - 1,
                    s(p),
                ));
            }
        }
    } else {
        l.add(Node::field(
            "imap.response.status",
            format!("Response Status: {}", text(cmd)),
            at + off..at + off + clen,
            s(cmd),
        ));
        off += cnext;
        let (rlen, _) = token(rest(off));
        if rlen > 0 {
            let c = &line[off..off + rlen];
            l.add(Node::field(
                "imap.response.command",
                format!("Response Command: {}", text(c)),
                at + off..at + off + rlen,
                s(c),
            ));
            l.add(Node::field("imap.command", "", at + off..at + off + rlen, s(c)).hide());
        }
    }
    Some(String::from_utf8_lossy(tag).to_ascii_lowercase())
}

/// The latest request of the connection before `packet` whose tag is
/// `tag`: its packet.
fn request_of(client: DirBytes<'_>, tag: &str, packet: u32) -> Option<u32> {
    client
        .spans()
        .filter(|&(p, _, _)| p < packet)
        .filter(|&(_, s, e)| {
            let seg = &client.bytes[s..e];
            let (len, _) = line_at(seg, 0);
            let (tlen, _) = token(&seg[..len]);
            tlen > 0 && seg[..tlen].eq_ignore_ascii_case(tag.as_bytes())
        })
        .map(|(p, _, _)| p)
        .last()
}

/// An IMAP segment's layer.
fn imap(view: &PacketView<'_>, payload: &[u8], at: usize, is_request: bool) -> Node {
    let mut n = Node::field(
        "imap",
        "Internet Message Access Protocol",
        at..at + payload.len(),
        Value::Present,
    );
    n.add(Node::field("imap.isrequest", "", at..at, Value::Bool(is_request)).hide());
    let mut off = 0;
    while off < payload.len() {
        let (len, next) = line_at(payload, off);
        let line = &payload[off..off + len];
        let l = n.add(Node::field(
            "imap.line",
            format!("Line: {}", text(&payload[off..next])),
            at + off..at + next,
            s(&payload[off..next]),
        ));
        if line.first() != Some(&b'*') {
            let tag = imap_line(line, at + off, is_request, l);
            if let (Some(tag), false) = (tag, is_request) {
                link(view, l, &tag);
            }
        }
        off = next;
    }
    n
}

/// `[Request In]` and `[Response Time]` of a tagged response.
fn link(view: &PacketView<'_>, l: &mut Node, tag: &str) {
    let (Some(http), Some(e)) = (view.http, view.trace.store.entry(view.index)) else {
        return;
    };
    let Some(c) = view.trace.conversations.get(e.conversation) else {
        return;
    };
    let streams = http.streams(&view.trace.store, &view.trace.conversations, e.conversation);
    let client = if c.b.port() == 143 { 0 } else { 1 };
    let st = &streams[client];
    let end = st.gaps.first().map_or(st.bytes.len(), |&(o, _)| o as usize);
    let dir = DirBytes {
        bytes: &st.bytes[..end.min(st.bytes.len())],
        segments: &st.packets,
    };
    let Some(req) = request_of(dir, tag, view.index as u32) else {
        return;
    };
    super::bits::request_link(
        view,
        l,
        req as usize,
        ("imap.response_to", "Request In"),
        ("imap.time", "Response Time"),
    );
}

/// The POP or IMAP layer of a TCP segment the line parser worded; `false`
/// when the packet is neither.
pub fn layers(
    view: &PacketView<'_>,
    out: &mut Vec<Node>,
    protocols: &mut Vec<&'static str>,
) -> bool {
    let d = &view.decoded;
    let Transport::Tcp(t) = &d.transport else {
        return false;
    };
    let Some(http) = view.http else { return false };
    let Some(StreamRow::App(row)) = http.app_row(view.index) else {
        return false;
    };
    let payload = t.payload();
    let at = d.payload_offset().unwrap_or(0);
    match row.protocol {
        "POP" => {
            let is_request = t.destination_port() == 110;
            let Some(n) = pop(payload, at, is_request) else {
                return false;
            };
            out.push(n);
            protocols.push("pop");
        }
        "IMAP" => {
            let is_request = t.destination_port() == 143;
            out.push(imap(view, payload, at, is_request));
            protocols.push("imap");
        }
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(n: &Node) -> Vec<String> {
        let t = super::super::Tree {
            layers: vec![n.clone()],
        };
        t.walk().iter().map(|(_, n)| n.text.clone()).collect()
    }

    #[test]
    fn pop_as_tshark() {
        let n = pop(b"+OK 1 messages:\r\n1 120\r\n.\r\n", 0, false).expect("pop");
        assert_eq!(
            texts(&n),
            [
                "Post Office Protocol",
                "+OK 1 messages:\\r\\n",
                "Response indicator: +OK",
                "Response description: 1 messages:",
                "1 120\\r\\n",
                ".\\r\\n",
            ]
        );
        let n = pop(b"USER bob\r\n", 0, true).expect("pop");
        assert_eq!(
            texts(&n)[2..],
            ["Request command: USER", "Request parameter: bob"]
        );
        assert!(pop(b"Subject: x\r\n", 0, false).is_none());
        assert!(pop(b"", 0, true).is_some());
    }

    #[test]
    fn imap_lines_as_tshark() {
        let mut l = Node::text("l", 0..0);
        imap_line(b"a001 LOGIN bob secret", 0, true, &mut l);
        assert_eq!(
            texts(&l)[1..],
            [
                "Request: a001 LOGIN bob secret",
                "Request Tag: a001",
                "Request Command: LOGIN",
                "Request Username: bob",
                "Request Password: ecre",
            ]
        );
        let mut l = Node::text("l", 0..0);
        let tag = imap_line(b"A002 OK [READ-WRITE] Select completed.", 0, false, &mut l);
        assert_eq!(tag.as_deref(), Some("a002"));
        assert_eq!(
            texts(&l)[1..],
            [
                "Response: A002 OK [READ-WRITE] Select completed.",
                "Response Tag: A002",
                "Response Status: OK",
                "Response Command: [READ-WRITE]",
            ]
        );
        let mut l = Node::text("l", 0..0);
        imap_line(b"a3 COPY 1:2 Trash", 0, true, &mut l);
        assert_eq!(
            texts(&l).last().map(String::as_str),
            Some("Request Folder: Trash")
        );
        let mut l = Node::text("l", 0..0);
        imap_line(b"a4 LOGIN u x", 0, true, &mut l);
        imap_line(b"a5", 0, true, &mut l);
        imap_line(b"", 0, true, &mut l);
        assert!(!texts(&l).iter().any(|t| t.contains("Password")));
    }
}
