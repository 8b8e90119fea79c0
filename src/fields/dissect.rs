//! Dissection: a packet's layers as Wireshark's details tree. Each [`Node`]
//! carries Wireshark's field name (`ip.ttl`), the text `tshark -V` prints for
//! it, its value, the bytes of the packet it describes (and the bit mask of a
//! flag) and its children. The tree is built from the decoder, the
//! conversations and (when given) the HTTP index, one file per protocol under
//! `dissect/`.
//!
//! Faces: [`lines`] flattens the tree for the TUI's details and bytes panes
//! (which only render it), [`write_verbose`] prints it as `tshark -V`,
//! [`write_json`] as `tshark -T json`, and [`Tree::values`] answers the field
//! registry for fields that live only in the tree.

mod arp;
mod bits;
pub mod body;
mod dhcp;
mod dns;
mod dns_tcp;
mod frame;
mod ftp;
mod http;
mod icmp;
mod igmp;
mod ip;
mod ip_frag;
mod json;
mod link;
mod llc;
mod lldp;
pub mod multipart;
mod nbns;
mod ntp;
pub(crate) mod pcapng_block;
mod pdu;
mod pop_imap;
mod quic;
mod radiotap;
mod radiotap_fields;
mod segments;
mod smtp;
mod snmp;
mod ssdp;
mod ssh;
mod stp;
mod syslog;
mod tcp;
mod tls;
mod udp;
mod udp_app;
mod wifi;
mod wlan;
mod wlan_mgt;
mod wlan_rsn;

pub use http::chunked;
pub use json::write_json;
pub use quic::crypto_stream;
pub use tls::record_protocols as tls_record_protocols;

use crate::fields::{PacketView, Value};
use crate::text::sanitize;
use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;

/// Most nodes one packet's tree holds; past it the tree ends with a note
/// (a hostile DNS message can claim 65535 records of each kind).
pub const MAX_NODES: usize = 20_000;

/// One item of the details tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Wireshark's field name (`ip.ttl`); `_ws.expert` for expert notes, ""
    /// for a text-only line.
    pub abbrev: &'static str,
    /// The line as `tshark -V` prints it.
    pub text: String,
    /// The field's value, as `tshark -T fields -e` gives it.
    pub value: Option<Value<'static>>,
    /// Bytes of the packet this item describes.
    pub bytes: Range<usize>,
    /// The bits of `bytes` a flag covers (0: all of them).
    pub mask: u64,
    /// A hidden field (`http.request.line` beside `http.host`): it answers
    /// `-e`, `-Y` and JSON as in tshark, but `-V` and the details pane do
    /// not show it.
    pub hidden: bool,
    pub children: Vec<Node>,
}

impl Node {
    /// A node without a value.
    pub fn new(abbrev: &'static str, text: impl Into<String>, bytes: Range<usize>) -> Node {
        Node {
            abbrev,
            text: text.into(),
            value: None,
            bytes,
            mask: 0,
            hidden: false,
            children: Vec::new(),
        }
    }

    /// A field with its value.
    pub fn field(
        abbrev: &'static str,
        text: impl Into<String>,
        bytes: Range<usize>,
        value: Value<'static>,
    ) -> Node {
        Node {
            value: Some(value),
            ..Node::new(abbrev, text, bytes)
        }
    }

    /// A text-only line (`[Timestamps]`, `Queries`).
    pub fn text(text: impl Into<String>, bytes: Range<usize>) -> Node {
        Node::new("", text, bytes)
    }

    /// Sets the flag's bit mask.
    pub fn masked(mut self, mask: u64) -> Node {
        self.mask = mask;
        self
    }

    /// Makes the field hidden (see [`Node::hidden`]).
    pub fn hide(mut self) -> Node {
        self.hidden = true;
        self
    }

    /// Appends a child and returns it.
    pub fn add(&mut self, child: Node) -> &mut Node {
        self.children.push(child);
        let last = self.children.len() - 1;
        &mut self.children[last]
    }

    /// Appends an expert note, as Wireshark nests them.
    pub fn expert(&mut self, severity: &str, group: &str, message: &str) {
        let bytes = self.bytes.clone();
        let e = self.add(Node::field(
            "_ws.expert",
            format!("[Expert Info ({severity}/{group}): {message}]"),
            bytes.clone(),
            Value::Present,
        ));
        e.add(Node::text(format!("[{message}]"), bytes.clone()));
        e.add(Node::text(
            format!("[Severity level: {severity}]"),
            bytes.clone(),
        ));
        e.add(Node::text(format!("[Group: {group}]"), bytes));
    }

    fn count(&self) -> usize {
        1 + self.children.iter().map(Node::count).sum::<usize>()
    }

    fn clamp(&mut self, len: usize) {
        self.bytes.end = self.bytes.end.min(len);
        self.bytes.start = self.bytes.start.min(self.bytes.end);
        for c in &mut self.children {
            c.clamp(len);
        }
    }
}

/// A packet's tree: its layers, outermost first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tree {
    pub layers: Vec<Node>,
}

impl Tree {
    /// Every shown node (hidden ones left out), depth first, with its depth
    /// (0 for a layer).
    pub fn walk(&self) -> Vec<(usize, &Node)> {
        self.walk_with(false)
    }

    fn walk_with(&self, hidden: bool) -> Vec<(usize, &Node)> {
        fn go<'n>(n: &'n Node, depth: usize, hidden: bool, out: &mut Vec<(usize, &'n Node)>) {
            if n.hidden && !hidden {
                return;
            }
            out.push((depth, n));
            for c in &n.children {
                go(c, depth + 1, hidden, out);
            }
        }
        let mut out = Vec::new();
        for l in &self.layers {
            go(l, 0, hidden, &mut out);
        }
        out
    }

    /// The values of every node named `abbrev`, hidden ones included, in
    /// tree order.
    pub fn values(&self, abbrev: &str, out: &mut Vec<Value<'static>>) {
        for (_, n) in self.walk_with(true) {
            if n.abbrev == abbrev {
                out.push(n.value.clone().unwrap_or(Value::Present));
            }
        }
    }

    /// The deepest node whose bytes hold `offset` (a click in the bytes pane).
    pub fn node_at(&self, offset: usize) -> Option<usize> {
        let mut best: Option<(usize, usize)> = None;
        for (i, (_, n)) in self.walk().iter().enumerate() {
            if n.bytes.contains(&offset) {
                let len = n.bytes.len();
                if best.is_none_or(|(_, l)| len <= l) {
                    best = Some((i, len));
                }
            }
        }
        best.map(|(i, _)| i)
    }
}

/// What the tree needs beyond the packet: the previously displayed frame
/// (for "[Time delta from previous displayed frame]").
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    /// 0-based index of the previous displayed packet; `None`: the previous
    /// captured one.
    pub prev_displayed: Option<usize>,
}

/// Where the tree stops without naming a payload (`...:udp:data`, an
/// Ethernet frame ending at `ethertype`, IP carrying GRE), the names of the
/// frame's protocol path (`crate::fields::path`), as the protocol hierarchy
/// reads them: loopback, LLC/STP, GRE and PPP, UDP protocols by port.
fn below_tcp_from_path(view: &PacketView<'_>, protocols: &mut Vec<&'static str>) {
    let Some(index) = view.http else {
        return;
    };
    let mut path = crate::fields::path::Path::default();
    let http = crate::fields::path::HttpView::lazy(index);
    crate::fields::path::frame(view.trace, &http, view.index, &mut path);
    let names: Vec<&'static str> = path.protocols().collect();
    let longer = names.len() > protocols.len() && names.starts_with(protocols);
    let unnamed = matches!(protocols.last(), Some(&("data" | "ethertype")))
        && names.first() == protocols.first()
        && names.len() >= protocols.len();
    if longer || unnamed {
        *protocols = names;
    }
}

/// Builds the tree of a packet.
pub fn tree(view: &PacketView<'_>, ctx: Context) -> Tree {
    let d = &view.decoded;
    // A pcapng record that is not a packet has a tree of its own.
    if let Some(mut layers) = pcapng_block::custom_block(view) {
        for l in &mut layers {
            l.clamp(d.data.len());
        }
        return Tree { layers };
    }
    let mut layers = Vec::new();
    let mut protocols: Vec<&'static str> = Vec::new();
    let frame_at = layers.len();
    layers.push(frame::frame(view, ctx));
    link::layers(view, &mut layers, &mut protocols);
    ip::layers(view, &mut layers, &mut protocols);
    ip_frag::layers(view, &mut layers, &mut protocols);
    arp::layers(view, &mut layers, &mut protocols);
    igmp::layers(view, &mut layers, &mut protocols);
    tcp::layers(view, &mut layers, &mut protocols);
    let above_tcp = protocols.len();
    udp::layers(view, &mut layers, &mut protocols);
    icmp::layers(view, &mut layers, &mut protocols);
    tls::layers(view, &mut layers, &mut protocols);
    // Stream protocols the tree dissects itself, then HTTP (or Data).
    let own_layers = smtp::layers(view, &mut layers, &mut protocols)
        || ftp::layers(view, &mut layers, &mut protocols)
        || dns_tcp::layers(view, &mut layers, &mut protocols)
        || ssh::layers(view, &mut layers, &mut protocols)
        || pop_imap::layers(view, &mut layers, &mut protocols);
    if !own_layers {
        http::layers(view, &mut layers, &mut protocols);
    }
    // What a TCP payload is comes from the frame's protocol path, as the
    // protocol hierarchy reads it.
    // A stream protocol the tree dissects itself (SMTP, IMF) keeps its names.
    let own = protocols
        .get(above_tcp)
        .is_some_and(|p| *p != "data" && *p != "http");
    let tcp_top = !own && above_tcp > 0 && protocols[above_tcp - 1] == "tcp" && d.tcp().is_some();
    if let (Some(index), true) = (view.http, tcp_top) {
        let mut path = crate::fields::path::Path::default();
        let http = crate::fields::path::HttpView::lazy(index);
        crate::fields::path::tcp_payload(view.trace, &http, view.index, d, &mut path);
        protocols.truncate(above_tcp);
        protocols.extend(path.protocols());
    }
    if d.tcp().is_none() {
        below_tcp_from_path(view, &mut protocols);
    }
    let chain = protocols.join(":");
    frame::protocols_node(&mut layers[frame_at], chain);
    if d.is_cut_by_snaplen() || d.header_truncated {
        // A dissector that runs out of bytes names itself, as tshark's
        // exception text does.
        let text = match protocols.last() {
            Some(&"dhcp") => "[Packet size limited during capture: DHCP/BOOTP truncated]",
            _ => "[Packet size limited during capture]",
        };
        layers.push(Node::text(text, d.data.len()..d.data.len()));
    }
    let mut total = 0;
    let mut kept = 0;
    for l in &layers {
        total += l.count();
        if total > MAX_NODES {
            break;
        }
        kept += 1;
    }
    if kept < layers.len() {
        layers.truncate(kept);
        layers.push(Node::text(
            format!("[Tree cut: more than {MAX_NODES} items (dissect::MAX_NODES)]"),
            0..0,
        ));
    }
    for l in &mut layers {
        l.clamp(d.data.len());
    }
    Tree { layers }
}

/// One line of the flattened tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 0 for a layer heading, more for its fields.
    pub depth: u8,
    pub text: String,
    /// Bytes of the packet this line describes.
    pub bytes: Range<usize>,
    /// The field's Wireshark name ("" for a text line).
    pub abbrev: &'static str,
}

/// The name of the layer a heading line opens ("Frame", "Internet Protocol
/// Version 4", "Transmission Control Protocol", ...): what stays collapsed
/// from one packet to the next, as in Wireshark.
pub fn layer_of(heading: &str) -> &str {
    let end = heading.find([':', ',', '(', '[']).unwrap_or(heading.len());
    let name = heading[..end].trim_end();
    // "Frame 12" and the like: the number is not part of the layer.
    name.trim_end_matches(|c: char| c.is_ascii_digit())
        .trim_end()
}

/// The lines to show when the layers in `collapsed` are folded: their
/// headings stay, their fields go. Each line comes with whether it is a
/// folded heading.
pub fn visible<'l>(lines: &'l [Line], collapsed: &HashSet<String>) -> Vec<(&'l Line, bool)> {
    let mut out = Vec::with_capacity(lines.len());
    let mut hiding = false;
    for line in lines {
        if line.depth == 0 {
            hiding = collapsed.contains(layer_of(&line.text));
            out.push((line, hiding));
        } else if !hiding {
            out.push((line, false));
        }
    }
    out
}

/// The tree of a packet as lines, text made safe for the terminal.
pub fn lines(view: &PacketView<'_>) -> Vec<Line> {
    tree(view, Context::default())
        .walk()
        .into_iter()
        .map(|(depth, n)| Line {
            depth: u8::try_from(depth).unwrap_or(u8::MAX),
            text: sanitize(&n.text).into_owned(),
            bytes: n.bytes.clone(),
            abbrev: n.abbrev,
        })
        .collect()
}

/// A time as ISO `YYYY-MM-DD...` (UTC), for the JSON `_index`.
pub fn frame_time(ns: i64) -> String {
    frame::iso_date(ns)
}

/// Prints a tree as `tshark -V` does: four spaces per level. A `Data` layer
/// is followed, as tshark 4.0 prints it, by a blank line and the hex dump of
/// its bytes.
pub fn write_verbose(tree: &Tree, out: &mut String) {
    for (depth, n) in tree.walk() {
        for _ in 0..depth {
            out.push_str("    ");
        }
        out.push_str(&sanitize(&tshark_label(&n.text, !n.abbrev.is_empty())));
        out.push('\n');
        if n.abbrev == "data" {
            if let Some(Value::Bytes(b)) = &n.value {
                data_hex_dump(b, out);
            }
        }
    }
}

/// Bytes of a label tshark prints whole (its `ITEM_LABEL_LENGTH` less the
/// terminating NUL).
const LABEL_BYTES: usize = 239;

/// A label as tshark 4.0 prints it: one longer than [`LABEL_BYTES`] gets
/// " [truncated]" after its name (at the start of a text item) and is cut
/// before the character holding byte 238.
fn tshark_label(text: &str, named: bool) -> Cow<'_, str> {
    if text.len() <= LABEL_BYTES {
        return Cow::Borrowed(text);
    }
    // A generated item's brackets are put around its label once cut.
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        if inner.len() <= LABEL_BYTES {
            return Cow::Borrowed(text);
        }
        return Cow::Owned(format!("[{}]", tshark_label(inner, named)));
    }
    let name_end = if named {
        text.find(": ").unwrap_or(0)
    } else {
        0
    };
    let mut s = String::with_capacity(LABEL_BYTES + 1);
    s.push_str(&text[..name_end]);
    s.push_str(" [truncated]");
    s.push_str(&text[name_end..]);
    let mut cut = LABEL_BYTES - 1;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    Cow::Owned(s)
}

/// tshark's hex dump of a `Data` item's bytes: a blank line, then rows of 16 bytes with the offset in as
/// many hex digits as the length needs (4 at least) and their ASCII.
fn data_hex_dump(bytes: &[u8], out: &mut String) {
    use std::fmt::Write;
    let digits = match bytes.len() {
        0..=0xffff => 4,
        0x1_0000..=0xf_ffff => 5,
        0x10_0000..=0xff_ffff => 6,
        _ => 8,
    };
    out.push('\n');
    for (i, row) in bytes.chunks(16).enumerate() {
        let hex: Vec<String> = row.iter().map(|b| format!("{b:02x}")).collect();
        let ascii: String = row
            .iter()
            .map(|&b| {
                if (0x20..0x7f).contains(&b) {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        let _ = writeln!(out, "{:0digits$x}  {:<47}   {ascii}", i * 16, hex.join(" "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_are_truncated_as_tshark_does() {
        let long = format!("  <p>{}", "x".repeat(300));
        let t = tshark_label(&long, false);
        assert_eq!(t.len(), 238);
        assert!(t.starts_with(" [truncated]  <p>xx"));
        let named = format!("Name: {}", "é".repeat(200));
        let t = tshark_label(&named, true);
        assert!(t.starts_with("Name [truncated]: éé"));
        assert!(t.len() <= 238);
        assert_eq!(tshark_label("short", true), "short");
        let generated = format!("[hassh: {}]", "a".repeat(300));
        let t = tshark_label(&generated, true);
        assert_eq!(t.len(), 240);
        assert!(t.starts_with("[hassh [truncated]: aa") && t.ends_with("a]"));
    }

    #[test]
    fn generated_labels_are_cut_inside_their_brackets() {
        let long = format!("[JA3 Fullstring: {}]", "1-".repeat(150));
        let t = tshark_label(&long, true);
        assert_eq!(t.len(), 240);
        assert!(t.starts_with("[JA3 Fullstring [truncated]: 1-1"));
        assert!(t.ends_with(']'));
    }

    #[test]
    fn data_hex_dump_as_tshark() {
        let mut out = String::new();
        let bytes: Vec<u8> = (0..20u8).map(|b| b + 0x41).collect();
        data_hex_dump(&bytes, &mut out);
        assert_eq!(
            out,
            "\n0000  41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50   ABCDEFGHIJKLMNOP\n\
             0010  51 52 53 54                                       QRST\n"
        );
    }

    #[test]
    fn node_at_picks_the_narrowest() {
        let mut l = Node::new("ip", "IP", 0..20);
        l.add(Node::field(
            "ip.ttl",
            "Time to Live: 64",
            8..9,
            Value::UInt(64),
        ));
        let t = Tree { layers: vec![l] };
        assert_eq!(t.node_at(8), Some(1));
        assert_eq!(t.node_at(3), Some(0));
        assert_eq!(t.node_at(30), None);
        let mut v = Vec::new();
        t.values("ip.ttl", &mut v);
        assert_eq!(v, vec![Value::UInt(64)]);
    }

    #[test]
    fn expert_nests_like_wireshark() {
        let mut n = Node::new("tcp.flags.syn", "x", 0..1);
        n.expert("Chat", "Sequence", "m");
        let t = Tree { layers: vec![n] };
        let mut s = String::new();
        write_verbose(&t, &mut s);
        assert_eq!(
            s,
            "x\n    [Expert Info (Chat/Sequence): m]\n        [m]\n        [Severity level: Chat]\n        [Group: Sequence]\n"
        );
    }
}
