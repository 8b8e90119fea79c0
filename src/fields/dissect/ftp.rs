//! FTP and FTP-DATA as tshark 4.0's details tree shows them.
//!
//! A control segment (port 21): `File Transfer Protocol (FTP)` with its
//! first line split into `ftp.request.command` and `ftp.request.arg` (or
//! `ftp.response.code` and `ftp.response.arg`), the address and port a
//! PORT, EPRT, 227 or 229 line announces, the segment's further lines as
//! text, then at the top level the generated
//! `[Current working directory: ...]`.
//!
//! A data segment: `FTP Data (N bytes data)`, then at the top level the
//! generated items linking it to its control connection (setup frame and
//! method, command and its frame, working directory) and, for text,
//! `Line-based text data`. What a segment is comes from the rows the
//! stream parsers gave it (`decode::app::text_lines`, `ftp_data`).

mod address;

use super::body::format_text;
use super::Node;
use crate::decode::app::ftp_data::{self, FtpDataChannel};
use crate::decode::app::{DirBytes, StreamRow, Summary};
use crate::decode::Transport;
use crate::fields::{PacketView, Value};
use address::{eprt, epsv, port_pasv};
use std::borrow::Cow;
use std::net::IpAddr;
use std::ops::Range;

fn s(v: &[u8]) -> Value<'static> {
    Value::Str(Cow::Owned(String::from_utf8_lossy(v).into_owned()))
}

/// tshark's text for a reply code (`ftp.response.code`'s value string).
fn code_text(code: u32) -> &'static str {
    match code {
        110 => "Restart marker reply",
        120 => "Service ready in nnn minutes",
        125 => "Data connection already open; transfer starting",
        150 => "File status okay; about to open data connection",
        200 => "Command okay",
        202 => "Command not implemented, superfluous at this site",
        211 => "System status, or system help reply",
        212 => "Directory status",
        213 => "File status",
        214 => "Help message",
        215 => "NAME system type",
        220 => "Service ready for new user",
        221 => "Service closing control connection",
        225 => "Data connection open; no transfer in progress",
        226 => "Closing data connection",
        227 => "Entering Passive Mode",
        229 => "Entering Extended Passive Mode",
        230 => "User logged in, proceed",
        232 => "User logged in, authorized by security data exchange",
        234 => "Security data exchange complete",
        235 => "Security data exchange completed successfully",
        250 => "Requested file action okay, completed",
        257 => "PATHNAME created",
        331 => "User name okay, need password",
        332 => "Need account for login",
        334 => "Requested security mechanism is ok",
        335 => "Security data is acceptable, more is required",
        336 => "Username okay, need password. Challenge is ...",
        350 => "Requested file action pending further information",
        421 => "Service not available, closing control connection",
        425 => "Can't open data connection",
        426 => "Connection closed; transfer aborted",
        431 => "Need some unavailable resource to process security",
        450 => "Requested file action not taken",
        451 => "Requested action aborted: local error in processing",
        452 => "Requested action not taken. Insufficient storage space in system",
        500 => "Syntax error, command unrecognized",
        501 => "Syntax error in parameters or arguments",
        502 => "Command not implemented",
        503 => "Bad sequence of commands",
        504 => "Command not implemented for that parameter",
        522 => "Network protocol not supported",
        530 => "Not logged in",
        532 => "Need account for storing files",
        533 => "Command protection level denied for policy reasons",
        534 => "Request denied for policy reasons",
        535 => "Failed security check (hash, sequence, etc)",
        536 => "Requested PROT level not supported by mechanism",
        537 => "Command protection level not supported by security mechanism",
        550 => "Requested action not taken: File unavailable",
        551 => "Requested action aborted: page type unknown",
        552 => "Requested file action aborted: Exceeded storage allocation",
        553 => "Requested action not taken: File name not allowed",
        631 => "Integrity protected reply",
        632 => "Confidentiality and integrity protected reply",
        633 => "Confidentiality protected reply",
        _ => "Unknown",
    }
}

/// Wireshark's `tvb_find_line_end`: the length of the line at `from` (less
/// its end: CR LF, LF or a lone CR) and where the next one starts.
pub(super) fn line_at(b: &[u8], from: usize) -> (usize, usize) {
    let rest = b.get(from..).unwrap_or_default();
    match rest.iter().position(|&c| c == b'\n' || c == b'\r') {
        None => (rest.len(), b.len()),
        Some(i) => {
            let crlf = rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n');
            (i, from + i + 1 + usize::from(crlf))
        }
    }
}

/// Whether `token` is what `strncmp(line, verb, tokenlen) == 0` accepts,
/// as tshark compares the command (a prefix of the verb matches).
fn is_verb(token: &[u8], verb: &str) -> bool {
    !token.is_empty() && verb.as_bytes().starts_with(token)
}

/// A request's first line (`line` at `at` in the packet) into `n`.
fn request(line: &[u8], at: usize, src: Option<IpAddr>, n: &mut Node) {
    let token_len = line.iter().position(|&c| c == b' ').unwrap_or(line.len());
    let token = &line[..token_len];
    if token_len > 0 {
        n.add(Node::field(
            "ftp.request.command",
            format!("Request command: {}", format_text(token)),
            at..at + token_len,
            s(token),
        ));
    }
    let mut off = token_len;
    while line.get(off) == Some(&b' ') {
        off += 1;
    }
    let arg = &line[off..];
    if !arg.is_empty() {
        n.add(Node::field(
            "ftp.request.arg",
            format!("Request arg: {}", format_text(arg)),
            at + off..at + line.len(),
            s(arg),
        ));
    }
    let base = at + token_len + 1;
    if is_verb(token, "PORT") {
        if let Some((ip, port, p, ip_len, port_len)) = port_pasv(arg) {
            n.add(Node::field(
                "ftp.active.cip",
                format!("Active IP address: {ip}"),
                base + p..base + p + ip_len,
                Value::Ip(IpAddr::V4(ip)),
            ));
            let ps = base + p + ip_len + 1;
            n.add(Node::field(
                "ftp.active.port",
                format!("Active port: {port}"),
                ps..ps + port_len,
                Value::UInt(u64::from(port)),
            ));
            if src != Some(IpAddr::V4(ip)) {
                n.add(Node::field(
                    "ftp.active.nat",
                    "Active IP NAT: True",
                    at..at,
                    Value::Bool(true),
                ));
            }
        }
    } else if is_verb(token, "EPRT") {
        match eprt(arg) {
            Some((af, ip, port, ip_len, port_len)) => {
                let af_at = base + 1;
                let family = if af == 1 { "IPv4" } else { "IPv6" };
                n.add(Node::field(
                    "ftp.eprt.af",
                    format!("Extended active address family: {family} ({af})"),
                    af_at..af_at + 1,
                    Value::UInt(u64::from(af)),
                ));
                let ip_at = af_at + 2;
                let (abbrev, name) = match ip {
                    IpAddr::V4(_) => ("ftp.eprt.ip", "Extended active IP address"),
                    IpAddr::V6(_) => ("ftp.eprt.ipv6", "Extended active IPv6 address"),
                };
                n.add(Node::field(
                    abbrev,
                    format!("{name}: {ip}"),
                    ip_at..ip_at + ip_len,
                    Value::Ip(ip),
                ));
                let port_at = ip_at + ip_len + 1;
                n.add(Node::field(
                    "ftp.eprt.port",
                    format!("Extended active port: {port}"),
                    port_at..port_at + port_len,
                    Value::UInt(u64::from(port)),
                ));
            }
            None => n.expert(
                "Warning",
                "Malformed",
                "EPRT arguments must have the form: |<family>|<addr>|<port>|",
            ),
        }
    }
}

/// A reply's first line into `n`.
fn response(line: &[u8], at: usize, src: Option<IpAddr>, n: &mut Node) {
    let code = line
        .get(..3)
        .filter(|d| d.iter().all(u8::is_ascii_digit))
        .map(|d| d.iter().fold(0u32, |a, &b| a * 10 + u32::from(b - b'0')));
    let off = match code {
        Some(code) => {
            n.add(Node::field(
                "ftp.response.code",
                format!("Response code: {} ({code})", code_text(code)),
                at..at + 3,
                Value::UInt(u64::from(code)),
            ));
            line.len().min(4)
        }
        None => 0,
    };
    let arg = &line[off..];
    if arg.is_empty() {
        return;
    }
    n.add(Node::field(
        "ftp.response.arg",
        format!("Response arg: {}", format_text(arg)),
        at + off..at + line.len(),
        s(arg),
    ));
    let base = at + off;
    match code {
        Some(227) => {
            if let Some((ip, port, p, ip_len, port_len)) = port_pasv(arg) {
                n.add(Node::field(
                    "ftp.passive.ip",
                    format!("Passive IP address: {ip}"),
                    base + p..base + p + ip_len,
                    Value::Ip(IpAddr::V4(ip)),
                ));
                let ps = base + p + ip_len + 1;
                n.add(Node::field(
                    "ftp.passive.port",
                    format!("Passive port: {port}"),
                    ps..ps + port_len,
                    Value::UInt(u64::from(port)),
                ));
                if src != Some(IpAddr::V4(ip)) {
                    n.add(Node::field(
                        "ftp.passive.nat",
                        "Passive IP NAT: True",
                        at..at,
                        Value::Bool(true),
                    ));
                }
            }
        }
        Some(229) => match epsv(arg) {
            Some((port, p, port_len)) => {
                match src {
                    Some(IpAddr::V4(a)) => {
                        n.add(Node::field(
                            "ftp.epsv.ip",
                            format!("[Extended passive IPv4 address: {a}]"),
                            at..at,
                            Value::Ip(IpAddr::V4(a)),
                        ));
                    }
                    Some(IpAddr::V6(a)) => {
                        n.add(Node::field(
                            "ftp.epsv.ipv6",
                            format!("[Extended passive IPv6 address: {a}]"),
                            at..at,
                            Value::Ip(IpAddr::V6(a)),
                        ));
                    }
                    None => {}
                }
                let ps = base + p;
                n.add(Node::field(
                    "ftp.epsv.port",
                    format!("Extended passive port: {port}"),
                    ps..ps + port_len,
                    Value::UInt(u64::from(port)),
                ));
            }
            None => n.expert(
                "Warning",
                "Malformed",
                "EPSV arguments must have the form (|||<port>|)",
            ),
        },
        _ => {}
    }
}

/// The control connection of the conversation `view`'s packet is on, as
/// (client, server) directions, each up to its first hole.
fn control_directions(
    view: &PacketView<'_>,
    http: &crate::http::HttpIndex,
    conv: u32,
) -> Vec<(u32, String)> {
    let trace = view.trace;
    let Some(c) = trace.conversations.get(conv) else {
        return Vec::new();
    };
    let streams = http.streams(&trace.store, &trace.conversations, conv);
    let dir = |i: usize| {
        let st = &streams[i];
        let end = st.gaps.first().map_or(st.bytes.len(), |&(o, _)| o as usize);
        DirBytes {
            bytes: &st.bytes[..end.min(st.bytes.len())],
            segments: &st.packets,
        }
    };
    // The server is the side on port 21 (b first, as the rows take it).
    let (client, server) = if c.b.port() == 21 { (0, 1) } else { (1, 0) };
    ftp_data::working_directories(dir(client), dir(server))
}

/// The control segment's layer and its working-directory item.
fn control(view: &PacketView<'_>, row: &Summary, payload: &[u8], at: usize, out: &mut Vec<Node>) {
    let is_request = row.info.starts_with("Request: ");
    let r = at..at + payload.len();
    let mut n = Node::field(
        "ftp",
        "File Transfer Protocol (FTP)",
        r.clone(),
        Value::Present,
    );
    n.add(Node::field("ftp.request", "", at..at, Value::Bool(is_request)).hide());
    n.add(Node::field("ftp.response", "", at..at, Value::Bool(!is_request)).hide());
    let (len, next) = line_at(payload, 0);
    let src = view.decoded.ip_src();
    let line = n.add(Node::text(format_text(&payload[..next]), at..at + next));
    if is_request {
        request(&payload[..len], at, src, line);
    } else {
        response(&payload[..len], at, src, line);
    }
    let mut off = next;
    while off < payload.len() {
        let (_, next) = line_at(payload, off);
        n.add(Node::text(
            format_text(&payload[off..next]),
            at + off..at + next,
        ));
        off = next;
    }
    out.push(n);
    let cwd = match (view.http, view.trace.store.entry(view.index)) {
        (Some(http), Some(e)) => {
            let dirs = control_directions(view, http, e.conversation);
            ftp_data::cwd_at(&dirs, view.index as u32).to_string()
        }
        _ => String::new(),
    };
    out.push(Node::field(
        "ftp.current-working-directory",
        format!(
            "[Current working directory: {}]",
            format_text(cwd.as_bytes())
        ),
        at..at,
        Value::Str(Cow::Owned(cwd)),
    ));
}

/// A data segment's layer and the items after it; `first` is the data
/// connection's first packet.
fn data(ch: &FtpDataChannel, first: u32, payload: &[u8], r: Range<usize>, out: &mut Vec<Node>) {
    let at = r.start;
    // After EPRT tshark finds the connection by port 20, not by the
    // command: its setup frame is the connection's first packet
    // (ftp-active-eprt-epsv.pcap frame 26 names the SYN, frame 23).
    let setup = if ch.mode == "EPRT" {
        first
    } else {
        ch.setup_packet
    };
    out.push(Node::field(
        "ftp-data",
        format!("FTP Data ({} bytes data)", payload.len()),
        r.clone(),
        Value::Present,
    ));
    out.push(Node::field(
        "ftp-data.setup-frame",
        format!("[Setup frame: {}]", setup + 1),
        at..at,
        Value::UInt(u64::from(setup + 1)),
    ));
    if ch.mode != "EPRT" {
        out.push(Node::field(
            "ftp-data.setup-method",
            format!("[Setup method: {}]", ch.mode),
            at..at,
            Value::Str(Cow::Borrowed(ch.mode)),
        ));
        out.push(Node::field(
            "ftp-data.command",
            format!("[Command: {}]", format_text(ch.command.as_bytes())),
            at..at,
            Value::Str(Cow::Owned(ch.command.clone())),
        ));
        // tshark 4.0 marks the command item generated a second time and
        // leaves this one plain: no brackets.
        out.push(Node::field(
            "ftp-data.command-frame",
            format!("Command frame: {}", ch.command_packet + 1),
            at..at,
            Value::UInt(u64::from(ch.command_packet + 1)),
        ));
        out.push(Node::field(
            "ftp-data.current-working-directory",
            format!(
                "[Current working directory: {}]",
                format_text(ch.cwd.as_bytes())
            ),
            at..at,
            Value::Str(Cow::Owned(ch.cwd.clone())),
        ));
    }
    if ftp_data::is_text(payload) {
        let mut lines = super::body::text_lines("", payload, r);
        lines.text = format!("Line-based text data ({} lines)", lines.children.len());
        out.push(lines);
    }
}

/// The FTP or FTP-DATA layers of a TCP segment the stream parsers worded;
/// `false` when the packet is neither.
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
    let r = at..at + payload.len();
    match row.protocol {
        "FTP" => control(view, row, payload, at, out),
        "FTP-DATA" => {
            let Some((conv, _)) = view
                .trace
                .conversations
                .of_packet(&view.trace.store, view.index)
            else {
                return false;
            };
            let Some(ch) = http.ftp_data_channel(conv) else {
                return false;
            };
            data(ch, conv.first_packet, payload, r, out);
        }
        _ => return false,
    }
    protocols.extend(
        row.layers
            .iter()
            .filter(|l| l.in_protocols())
            .map(|l| l.name),
    );
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn texts(n: &Node) -> Vec<String> {
        let t = super::super::Tree {
            layers: vec![n.clone()],
        };
        t.walk().iter().map(|(_, n)| n.text.clone()).collect()
    }

    #[test]
    fn lines_end_as_tvb_find_line_end() {
        assert_eq!(line_at(b"ab\r\ncd", 0), (2, 4));
        assert_eq!(line_at(b"ab\ncd", 0), (2, 3));
        assert_eq!(line_at(b"ab\rcd", 0), (2, 3));
        assert_eq!(line_at(b"ab\r\ncd", 4), (2, 6));
        assert_eq!(line_at(b"", 0), (0, 0));
        assert_eq!(line_at(b"x", 5), (0, 1));
    }

    #[test]
    fn requests_as_tshark() {
        let src = Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)));
        let mut n = Node::text("l", 0..0);
        request(b"PORT 10,0,0,1,156,65", 0, src, &mut n);
        assert_eq!(
            texts(&n)[1..],
            [
                "Request command: PORT",
                "Request arg: 10,0,0,1,156,65",
                "Active IP address: 10.0.0.1",
                "Active port: 40001",
            ]
        );
        assert_eq!(n.children[2].bytes, 5..13);
        assert_eq!(n.children[3].bytes, 14..20);
        let mut n = Node::text("l", 0..0);
        request(b"EPRT |1|10.0.0.1|40002|", 0, src, &mut n);
        assert_eq!(
            texts(&n)[3..],
            [
                "Extended active address family: IPv4 (1)",
                "Extended active IP address: 10.0.0.1",
                "Extended active port: 40002",
            ]
        );
        let mut n = Node::text("l", 0..0);
        request(b"EPRT |1|10.0.0.1|", 0, src, &mut n);
        assert!(texts(&n)[3].starts_with("[Expert Info (Warning/Malformed): EPRT arguments"));
        let mut n = Node::text("l", 0..0);
        request(b"PORT 10,0,0,9,1,2", 0, src, &mut n);
        assert_eq!(
            texts(&n).last().map(String::as_str),
            Some("Active IP NAT: True")
        );
        let mut n = Node::text("l", 0..0);
        request(b"", 0, src, &mut n);
        request(b"   ", 0, src, &mut n);
        assert_eq!(texts(&n).len(), 1);
    }

    #[test]
    fn responses_as_tshark() {
        let src = Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)));
        let mut n = Node::text("l", 0..0);
        response(
            b"227 Entering Passive Mode (10,0,0,2,117,48).",
            0,
            src,
            &mut n,
        );
        assert_eq!(
            texts(&n)[1..],
            [
                "Response code: Entering Passive Mode (227)",
                "Response arg: Entering Passive Mode (10,0,0,2,117,48).",
                "Passive IP address: 10.0.0.2",
                "Passive port: 30000",
            ]
        );
        let mut n = Node::text("l", 0..0);
        response(
            b"229 Entering Extended Passive Mode (|||40003|)",
            0,
            src,
            &mut n,
        );
        assert_eq!(
            texts(&n)[3..],
            [
                "[Extended passive IPv4 address: 10.0.0.2]",
                "Extended passive port: 40003",
            ]
        );
        let mut n = Node::text("l", 0..0);
        response(b"229 nothing", 0, src, &mut n);
        assert!(texts(&n)[3].starts_with("[Expert Info (Warning/Malformed): EPSV"));
        let mut n = Node::text("l", 0..0);
        response(b"continued", 0, src, &mut n);
        response(b"999", 0, src, &mut n);
        assert_eq!(
            texts(&n)[1..],
            ["Response arg: continued", "Response code: Unknown (999)"]
        );
    }

    #[test]
    fn hostile_arguments_do_not_panic() {
        for l in [
            &b"-1,-2,-3,-4,-5,-6"[..],
            b"99999999999999999999,1,1,1,1,1",
            b"1,2,3",
            b"(|||",
            b"(|||9999999|)",
            b"(",
            b"|2|::1|1|",
            b"|2|zz|1|",
            b"|\x00|",
        ] {
            let _ = (port_pasv(l), eprt(l), epsv(l));
        }
    }
}
