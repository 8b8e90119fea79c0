//! Protocol hierarchy (tshark `-z io,phs`, Wireshark's Statistics ▸ Protocol
//! Hierarchy): frames and frame bytes per protocol path, as a tree whose
//! children keep the order in which they were first seen.
//!
//! A frame's path is the chain of protocols tshark puts at the top of its
//! tree: link layer, VLAN tags, network, transport, then what the payload
//! is — the application protocol by port (`dns`, `mdns`, `tls`, `ssh`, …), an
//! `http` message completed in the frame followed by its body's media
//! dissector (`data-text-lines`, `png`, `json`, …) and `tcp.segments` when the
//! message was reassembled from several segments, or `data` for an unknown
//! payload. `_ws.short` ends the path of a frame cut short where a dissector
//! wanted more bytes.

use super::{for_blocks, frame_len, Selection};
use crate::capture::LinkType;
use crate::decode::{Decoded, Network, NextLayer, Transport};
use crate::flow::Conversations;
use crate::http::parse::Head;
use crate::http::HttpIndex;
use crate::http::Message;
use crate::store::PacketKind;
use crate::store::PacketStore;
use crate::trace::Trace;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// The deepest path kept; protocols past it are not counted (a frame with
/// dozens of pipelined messages would otherwise nest without bound).
pub const MAX_DEPTH: usize = 16;

/// One protocol in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// tshark's filter name (`eth`, `ip`, `tcp.segments`, …).
    pub name: &'static str,
    pub frames: u64,
    pub bytes: u64,
    pub children: Vec<Node>,
}

/// The whole hierarchy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hierarchy {
    pub roots: Vec<Node>,
    /// Frames counted (the selection).
    pub frames: u64,
    pub bytes: u64,
    /// Frames whose path was longer than [`MAX_DEPTH`].
    pub too_deep: u64,
}

impl Hierarchy {
    fn add_path(&mut self, path: &[&'static str], frames: u64, bytes: u64) {
        let mut level = &mut self.roots;
        for &name in path {
            let i = match level.iter().position(|n| n.name == name) {
                Some(i) => i,
                None => {
                    level.push(Node {
                        name,
                        frames: 0,
                        bytes: 0,
                        children: Vec::new(),
                    });
                    level.len() - 1
                }
            };
            let node = &mut level[i];
            node.frames += frames;
            node.bytes += bytes;
            level = &mut node.children;
        }
    }

    fn merge(&mut self, other: Hierarchy) {
        // Counts are per node: add node to node, appending unseen ones in
        // order (blocks come in packet order, so first-seen order holds).
        fn merge_level(into: &mut Vec<Node>, from: Vec<Node>) {
            for n in from {
                match into.iter_mut().find(|m| m.name == n.name) {
                    Some(m) => {
                        m.frames += n.frames;
                        m.bytes += n.bytes;
                        merge_level(&mut m.children, n.children);
                    }
                    None => into.push(n),
                }
            }
        }
        merge_level(&mut self.roots, other.roots);
        self.frames += other.frames;
        self.bytes += other.bytes;
        self.too_deep += other.too_deep;
    }
}

/// A frame's protocol path, at most [`MAX_DEPTH`] long.
struct Path {
    names: [&'static str; MAX_DEPTH],
    len: usize,
    overflow: bool,
}

impl Path {
    fn new() -> Path {
        Path {
            names: [""; MAX_DEPTH],
            len: 0,
            overflow: false,
        }
    }
    fn push(&mut self, name: &'static str) {
        match self.names.get_mut(self.len) {
            Some(slot) => {
                *slot = name;
                self.len += 1;
            }
            None => self.overflow = true,
        }
    }
    fn as_slice(&self) -> &[&'static str] {
        &self.names[..self.len]
    }
}

/// The dissector tshark hands an HTTP body of `content_type` to.
pub fn media_dissector(content_type: &str, body: &[u8]) -> &'static str {
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match media.as_str() {
        "text/xml" | "application/xml" => "xml",
        "application/json" => "json",
        "application/x-javascript" => "data-text-lines",
        "application/octet-stream" => "data",
        "application/x-www-form-urlencoded" => "urlencoded-form",
        "image/gif" => "image-gif",
        "image/jpeg" => "image-jfif",
        // The PNG dissector gives up on a GIF labelled PNG; the GIF
        // dissector's heuristic takes it.
        "image/png" if body.starts_with(b"GIF8") => "image-gif",
        "image/png" => "png",
        m if m.starts_with("text/") => "data-text-lines",
        m if m.starts_with("multipart/") => "mime_multipart",
        _ => "media",
    }
}

/// JSON bodies up to this size (decoded) are parsed whole to tell whether
/// tshark's JSON dissector accepts them; longer ones only by their start.
pub const MAX_JSON_CHECK: u64 = 256 * 1024;

/// The most a content coding can take to say "nothing" (an empty gzip member
/// is 20 bytes); only bodies this short are decoded to see if they are empty.
const MAX_EMPTY_CODED: u64 = 64;

fn parses_as_json(body: &[u8]) -> bool {
    if body.len() as u64 >= MAX_JSON_CHECK {
        let start = body.iter().find(|b| !b.is_ascii_whitespace());
        return matches!(
            start,
            Some(b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n')
        );
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// The dissectors tshark runs on a message's body, after `http`: none, the
/// media dissector, or JSON falling back to lines.
type Media = &'static [&'static str];

/// Whether working out a message's media needs its body bytes.
fn needs_bytes(m: &Message, head: &Head, media: &str) -> bool {
    let coded = !head.codings().is_empty();
    media == "png" || media == "json" || (coded && m.body.wire_len <= MAX_EMPTY_CODED)
}

/// The media of a message with a body and a Content-Type; `raw` is the body
/// (content codings still applied) when [`needs_bytes`] asked for it.
fn media_with(m: &Message, head: &Head, raw: Option<&[u8]>) -> Media {
    let content_type = head.header("content-type").unwrap_or("");
    let coded = !head.codings().is_empty();
    let decoded = |limit| raw.map(|r| m.decode_body(head, r, limit).bytes);
    // A body that decodes to nothing gets no dissector (an empty gzip member).
    if coded
        && m.body.wire_len <= MAX_EMPTY_CODED
        && decoded(MAX_EMPTY_CODED).is_some_and(|b| b.is_empty())
    {
        return &[];
    }
    match media_dissector(content_type, raw.unwrap_or(&[])) {
        // tshark's JSON dissector hands text it cannot parse (an anti-XSSI
        // prefix, say) to the line dissector.
        "json" if decoded(MAX_JSON_CHECK).is_some_and(|b| !parses_as_json(&b)) => {
            &["json", "data-text-lines"]
        }
        "json" => &["json"],
        "png" => &["png"],
        "image-gif" => &["image-gif"],
        "xml" => &["xml"],
        "data-text-lines" => &["data-text-lines"],
        "data" => &["data"],
        "urlencoded-form" => &["urlencoded-form"],
        "image-jfif" => &["image-jfif"],
        "mime_multipart" => &["mime_multipart"],
        _ => &["media"],
    }
}

/// The first `n` bytes of a body read out of the capture through its spans
/// (holes read as zeros), without gathering the rest.
fn span_prefix(spans: &[crate::flow::stream::Span], capture: &[u8], n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    for s in spans {
        let want = n - out.len();
        if want == 0 {
            break;
        }
        match s.bytes(capture) {
            Some(b) => out.extend_from_slice(&b[..b.len().min(want)]),
            None => out.resize(out.len() + (s.len() as usize).min(want), 0),
        }
    }
    out
}

/// The media of message `m` (with a body, not malformed, with a
/// Content-Type): classified from its head alone when that says enough,
/// else from its body read through the spans the index recorded (the first
/// bytes of a PNG, a JSON body to parse, a short coded body to see if it is
/// empty). `stream` is the message's direction, for a message without spans
/// (decrypted, HTTP/2) whose bytes are needed ([`reads_stream`]).
fn message_media(store: &PacketStore, m: &Message, head: &Head, stream: Option<&[u8]>) -> Media {
    if !needs_bytes(
        m,
        head,
        media_dissector(head.header("content-type").unwrap_or(""), &[]),
    ) {
        return media_with(m, head, None);
    }
    let media = media_dissector(head.header("content-type").unwrap_or(""), &[]);
    let coded = !head.codings().is_empty();
    // A PNG is told from a GIF by its first bytes; the rest is not read.
    let prefix_only = media == "png" && !(coded && m.body.wire_len <= MAX_EMPTY_CODED);
    let capture = store.capture().bytes();
    match &m.body_spans {
        Some(spans) if prefix_only => media_with(m, head, Some(&span_prefix(spans, capture, 4))),
        Some(spans) => media_with(
            m,
            head,
            Some(&crate::flow::stream::span_bytes(spans, capture)),
        ),
        None => media_with(m, head, Some(&m.body.bytes_in(stream.unwrap_or(&[])))),
    }
}

/// Whether [`message_media`] needs message `m`'s direction reassembled.
fn reads_stream(m: &Message, head: &Head) -> bool {
    m.body_spans.is_none()
        && needs_bytes(
            m,
            head,
            media_dissector(head.header("content-type").unwrap_or(""), &[]),
        )
}

/// Every shown message's media, keyed by the message's address in the index
/// (never dereferenced: an identity for the lookup in the per-packet pass).
/// Worked out per conversation, on all cores; bodies are read through their
/// spans in the capture, so no connection is reassembled again (but for
/// bodies the capture does not hold as such: decrypted ones, HTTP/2's).
fn media_of(
    store: &PacketStore,
    conversations: &Conversations,
    index: &HttpIndex,
    only: Option<&HashSet<u32>>,
) -> HashMap<usize, Media> {
    let key = |m: &Message| std::ptr::from_ref(m) as usize;
    // The transactions of one conversation follow each other in the index.
    let groups: Vec<&[crate::http::Transaction]> = index
        .transactions
        .chunk_by(|a, b| a.conversation == b.conversation)
        .filter(|txns| {
            txns.first()
                .is_some_and(|t| only.is_none_or(|o| o.contains(&t.conversation)))
        })
        .collect();
    let parts = crate::parallel::map_in_order(&groups, |txns| {
        let Some(conversation) = txns.first().map(|t| t.conversation) else {
            return Vec::new();
        };
        // The directions read again, for messages without spans.
        let mut streams: [Option<std::borrow::Cow<'_, crate::flow::stream::DirStream>>; 2] =
            [None, None];
        let mut out = Vec::new();
        for m in txns.iter().flat_map(|t| {
            t.request
                .iter()
                .chain(t.interim.iter())
                .chain(t.response.iter())
        }) {
            if m.body.wire_len == 0 || m.body.malformed {
                continue;
            }
            let Some(head) = m.head(store) else {
                continue;
            };
            if head.header("content-type").is_none() {
                continue;
            }
            let stream = reads_stream(m, &head).then(|| {
                &streams[m.dir.index()]
                    .get_or_insert_with(|| {
                        index.stream_of(store, conversations, conversation, m.dir)
                    })
                    .bytes[..]
            });
            out.push((key(m), message_media(store, m, &head, stream)));
        }
        out
    });
    parts.into_iter().flatten().collect()
}

/// tshark does not hand retransmitted bytes to a payload dissector again.
fn retransmitted(e: &crate::store::PacketEntry) -> bool {
    use crate::flow::analysis::flags as af;
    e.analysis & (af::RETRANSMISSION | af::FAST_RETRANSMISSION | af::SPURIOUS_RETRANSMISSION) != 0
}

fn udp_app(src: u16, dst: u16) -> Option<&'static str> {
    let by_port = |p: u16| match p {
        53 => Some("dns"),
        5353 => Some("mdns"),
        5355 => Some("llmnr"),
        137 => Some("nbns"),
        67 | 68 => Some("dhcp"),
        17500 => Some("db-lsp-disc"),
        1900 => Some("ssdp"),
        123 => Some("ntp"),
        _ => None,
    };
    by_port(src.min(dst)).or_else(|| by_port(src.max(dst)))
}

/// The TCP ports tshark 4.0's HTTP dissector is registered on.
fn http_port(p: u16) -> bool {
    matches!(
        p,
        80 | 3128 | 3132 | 5985 | 8080 | 8088 | 11371 | 1900 | 2869 | 2710
    )
}

fn tcp_app(src: u16, dst: u16) -> Option<&'static str> {
    let by_port = |p: u16| match p {
        443 => Some("tls"),
        22 => Some("ssh"),
        5432 => Some("pgsql"),
        1723 => Some("pptp"),
        _ => None,
    };
    by_port(src.min(dst)).or_else(|| by_port(src.max(dst)))
}

fn link_path(d: &Decoded<'_>, path: &mut Path) {
    match d.link.link_type {
        LinkType::ETHERNET => {
            path.push("eth");
            // 802.3 with a length instead of a type: LLC (and STP above it).
            if let Some(&[hi, lo]) = d.data.get(12..14) {
                let type_or_len = u16::from_be_bytes([hi, lo]);
                if type_or_len < 0x0600 && d.link.vlans[0].is_none() {
                    path.push("llc");
                    if d.data.get(14..16) == Some(&[0x42, 0x42]) {
                        path.push("stp");
                    }
                    return;
                }
            }
            for v in d.link.vlans.iter().flatten() {
                path.push(if v.tpid == 0x88a8 {
                    "ieee8021ad"
                } else {
                    "vlan"
                });
            }
            if d.link.next == NextLayer::EtherType(0x9000) {
                path.push("loop");
                path.push("data");
            }
        }
        LinkType::LINUX_SLL | LinkType::LINUX_SLL2 => path.push("sll"),
        LinkType::NULL => path.push("null"),
        LinkType::LOOP => path.push("loop"),
        LinkType::RAW | LinkType::RAW_BSD | LinkType::RAW_OPENBSD => path.push("raw"),
        _ => {}
    }
}

/// What the statistic needs to know about HTTP, worked out once.
struct HttpView<'h> {
    index: &'h HttpIndex,
    conversations: HashSet<u32>,
    media: HashMap<usize, Media>,
}

fn frame_path(trace: &Trace, http: &HttpView<'_>, index: usize, path: &mut Path) {
    let Some(entry) = trace.store.entry(index) else {
        return;
    };
    if entry.kind == PacketKind::CustomBlock {
        path.push("data");
        return;
    }
    let d = trace.store.decode(index);
    link_path(&d, path);
    match &d.network {
        Network::Ipv4 { .. } => path.push("ip"),
        Network::Ipv6 { .. } => path.push("ipv6"),
        Network::Arp(_) => {
            path.push("arp");
            return;
        }
        Network::None => return,
    }
    let mut app = false;
    match &d.transport {
        Transport::Tcp(t) => {
            path.push("tcp");
            let messages = http.index.at_packet(index);
            if !messages.is_empty() {
                app = true;
                for m in messages {
                    path.push("http");
                    if m.body.malformed {
                        path.push("_ws.malformed");
                        continue;
                    }
                    let media = http.media.get(&(std::ptr::from_ref(m) as usize));
                    for &name in media.copied().unwrap_or(&[]) {
                        path.push(name);
                    }
                    if m.first_packet < m.last_packet {
                        path.push("tcp.segments");
                    }
                }
            } else if d.tcp_len().unwrap_or(0) > 0 && !t.rst() && !retransmitted(entry) {
                let ports = (t.source_port(), t.destination_port());
                if http_port(ports.0) || http_port(ports.1) {
                    // Bytes on an HTTP port of a connection where no message
                    // parsed (heads cut short by the snaplen, say): tshark's
                    // HTTP dissector still claims them.
                    if !http.conversations.contains(&entry.conversation) {
                        app = true;
                        path.push("http");
                    }
                } else if !http.conversations.contains(&entry.conversation) {
                    app = true;
                    path.push(tcp_app(ports.0, ports.1).unwrap_or("data"));
                }
            }
        }
        Transport::Udp(u) => {
            path.push("udp");
            if u.length() > 8 {
                app = true;
                let name = udp_app(u.source_port(), u.destination_port()).unwrap_or("data");
                path.push(name);
            }
        }
        Transport::Icmpv4(_) => path.push("icmp"),
        Transport::Icmpv6(_) => path.push("icmpv6"),
        Transport::None => match d.ip_protocol {
            Some(47) => path.push("gre"),
            Some(_) if !d.header_truncated => path.push("data"),
            _ => {}
        },
    }
    if (app && d.is_cut_by_snaplen()) || (d.header_truncated && d.tcp().is_some()) {
        path.push("_ws.short");
    }
}

/// The protocol hierarchy of the selected packets.
pub fn compute(trace: &Trace, index: &HttpIndex, selection: &Selection) -> Hierarchy {
    let http = HttpView {
        index,
        conversations: index.transactions.iter().map(|t| t.conversation).collect(),
        media: media_of(&trace.store, &trace.conversations, index, None),
    };
    let parts = for_blocks(trace, selection, |block| {
        let mut h = Hierarchy::default();
        for i in block {
            let mut path = Path::new();
            frame_path(trace, &http, i, &mut path);
            let bytes = frame_len(trace, i);
            h.frames += 1;
            h.bytes += bytes;
            if path.overflow {
                h.too_deep += 1;
            }
            h.add_path(path.as_slice(), 1, bytes);
        }
        h
    });
    let mut all = Hierarchy::default();
    for p in parts {
        all.merge(p);
    }
    all
}

/// Frames' paths one at a time, for a hierarchy kept as a capture grows
/// ([`crate::live::LiveProducts`]): a frame's path depends on the frame and
/// on its conversation's HTTP messages only.
pub struct Classifier<'h> {
    trace: &'h Trace,
    http: HttpView<'h>,
}

impl<'h> Classifier<'h> {
    /// Classifies frames of `trace` whose HTTP messages are in `index`;
    /// only the TCP frames of the conversations `only` (all: `None`) can be
    /// asked for.
    pub fn new(trace: &'h Trace, index: &'h HttpIndex, only: Option<&HashSet<u32>>) -> Self {
        let http = HttpView {
            index,
            conversations: index.transactions.iter().map(|t| t.conversation).collect(),
            media: media_of(&trace.store, &trace.conversations, index, only),
        };
        Classifier { trace, http }
    }

    /// Frame `i`'s path, and whether it was longer than [`MAX_DEPTH`].
    pub fn path(&self, i: usize) -> (Vec<&'static str>, bool) {
        let mut path = Path::new();
        frame_path(self.trace, &self.http, i, &mut path);
        (path.as_slice().to_vec(), path.overflow)
    }
}

impl Hierarchy {
    /// Adds `frames` frames of `bytes` bytes along `path` (`too_deep`: the
    /// path was cut at [`MAX_DEPTH`]). Paths added in the order of their
    /// first frame give the tree [`compute`] gives.
    pub fn add_frames(&mut self, path: &[&'static str], too_deep: bool, frames: u64, bytes: u64) {
        self.frames += frames;
        self.bytes += bytes;
        if too_deep {
            self.too_deep += frames;
        }
        self.add_path(path, frames, bytes);
    }
}

/// tshark's text (`tshark -q -z io,phs`).
pub fn write_text(h: &Hierarchy, filter: Option<&str>, out: &mut String) {
    let rule = "=".repeat(67);
    let _ = writeln!(out, "\n{rule}");
    let _ = writeln!(out, "Protocol Hierarchy Statistics");
    let _ = writeln!(out, "Filter: {}\n", filter.unwrap_or(""));
    fn walk(nodes: &[Node], depth: usize, out: &mut String) {
        for n in nodes {
            // tshark pads the indented name to 40 columns, eliding its start
            // ("...") when the indentation leaves no room.
            let indent = " ".repeat(depth * 2);
            let mut label = format!("{indent}{}", n.name);
            if label.len() > 40 {
                label = format!("{}...{}", &indent[..indent.len().min(32)], n.name);
            }
            let _ = writeln!(out, "{label:<40} frames:{} bytes:{}", n.frames, n.bytes);
            walk(&n.children, depth + 1, out);
        }
    }
    walk(&h.roots, 0, out);
    let _ = writeln!(out, "{rule}");
}

/// One JSON object per node, parents first, with its path.
pub fn write_json(h: &Hierarchy, out: &mut String) {
    fn walk(nodes: &[Node], path: &mut Vec<&'static str>, total: u64, out: &mut String) {
        for n in nodes {
            path.push(n.name);
            let v = serde_json::json!({
                "stat": "phs",
                "path": path.join(":"),
                "protocol": n.name,
                "depth": path.len() - 1,
                "frames": n.frames,
                "bytes": n.bytes,
                "percent_frames": super::scale::percent(n.frames, total),
            });
            out.push_str(&v.to_string());
            out.push('\n');
            walk(&n.children, path, total, out);
            path.pop();
        }
    }
    walk(&h.roots, &mut Vec::new(), h.frames, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_merge_in_first_seen_order() {
        let mut a = Hierarchy::default();
        a.add_path(&["eth", "ip", "udp"], 1, 60);
        a.add_path(&["eth", "ip", "tcp"], 1, 70);
        let mut b = Hierarchy::default();
        b.add_path(&["eth", "ipv6"], 1, 80);
        b.add_path(&["eth", "ip", "tcp", "http"], 1, 90);
        a.merge(b);
        let eth = &a.roots[0];
        assert_eq!((eth.frames, eth.bytes), (4, 300));
        let names: Vec<_> = eth.children.iter().map(|n| n.name).collect();
        assert_eq!(names, ["ip", "ipv6"]);
        let ip: Vec<_> = eth.children[0]
            .children
            .iter()
            .map(|n| (n.name, n.frames))
            .collect();
        assert_eq!(ip, [("udp", 1), ("tcp", 2)]);
    }

    #[test]
    fn media_types_pick_tsharks_dissector() {
        assert_eq!(
            media_dissector("text/html; charset=UTF-8", b""),
            "data-text-lines"
        );
        assert_eq!(media_dissector("image/png", b"GIF89a"), "image-gif");
        assert_eq!(media_dissector("application/javascript", b""), "media");
        assert_eq!(
            media_dissector("multipart/form-data; boundary=x", b""),
            "mime_multipart"
        );
    }

    #[test]
    fn deep_paths_stop_at_the_bound() {
        let mut p = Path::new();
        for _ in 0..MAX_DEPTH + 3 {
            p.push("http");
        }
        assert_eq!(p.as_slice().len(), MAX_DEPTH);
        assert!(p.overflow);
    }
}
