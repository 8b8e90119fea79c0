//! A frame's protocol path: the protocols tshark 4.0 takes it through, in
//! order, each marked with where it shows ([`Layer`]): in `frame.protocols`,
//! in the protocol hierarchy (`-z io,phs`), or both. One source for the two,
//! so that they cannot disagree about what a payload is: link layer, VLAN
//! tags, network, transport, then the payload — an application protocol's
//! own layers (WebSocket, PostgreSQL, from the stream dissectors in
//! `decode::app`), the HTTP messages completed in the frame with their
//! bodies' media dissectors and `tcp.segments`, a protocol by port (`tls`,
//! `ssh`, `dns`, …), or `data`. `_ws.short` ends the path of a frame cut
//! short where a dissector wanted more bytes.

pub mod cut_head;
pub mod media;

pub use crate::decode::layer::{Layer, Seen};

use crate::capture::LinkType;
use crate::decode::app::StreamRow;
use crate::decode::{Decoded, Network, NextLayer, Transport};
use crate::http::{HttpIndex, Message};
use crate::store::PacketKind;
use crate::trace::Trace;
use media::Media;
use std::collections::{HashMap, HashSet};

/// The most layers one frame's path keeps; past it the path is cut and
/// says so ([`Path::cut`]): a segment of tiny pipelined messages would
/// otherwise make one layer per message without bound.
pub const MAX_LAYERS: usize = 256;

/// A frame's layers, outermost first, at most [`MAX_LAYERS`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path {
    pub layers: Vec<Layer>,
    /// Layers were left out past [`MAX_LAYERS`].
    pub cut: bool,
}

impl Path {
    fn push(&mut self, layer: Layer) {
        if self.layers.len() < MAX_LAYERS {
            self.layers.push(layer);
        } else {
            self.cut = true;
        }
    }

    /// Empties the path, keeping its room (one path reused frame after frame).
    pub fn clear(&mut self) {
        self.layers.clear();
        self.cut = false;
    }

    /// The names `frame.protocols` lists.
    pub fn protocols(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.layers
            .iter()
            .filter(|l| l.in_protocols())
            .map(|l| l.name)
    }

    /// The names the protocol hierarchy counts, outermost first.
    pub fn hierarchy(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.layers
            .iter()
            .filter(|l| l.in_hierarchy())
            .map(|l| l.name)
    }
}

/// What the path needs to know about HTTP: the index, and each message's
/// media dissectors, worked out for all messages at once (a statistic over
/// the capture) or per message when asked (one packet's fields).
pub struct HttpView<'h> {
    pub index: &'h HttpIndex,
    /// Keyed by the message's address in the index (an identity, never
    /// dereferenced); `None`: worked out when asked.
    media: Option<HashMap<usize, Media>>,
}

impl<'h> HttpView<'h> {
    /// Every message's media worked out now, on all cores (only those of
    /// the conversations in `only`, when given).
    pub fn all(trace: &Trace, index: &'h HttpIndex, only: Option<&HashSet<u32>>) -> Self {
        HttpView {
            index,
            media: Some(media::media_of(
                &trace.store,
                &trace.conversations,
                index,
                only,
            )),
        }
    }

    /// Media worked out for each message when a path needs it.
    pub fn lazy(index: &'h HttpIndex) -> Self {
        HttpView { index, media: None }
    }

    /// Whether conversation `c` carries HTTP messages. The index holds its
    /// transactions in conversation order ([`HttpIndex::from_parts`] puts
    /// the connections' parts together in that order).
    fn has_messages(&self, c: u32) -> bool {
        let t = &self.index.transactions;
        let i = t.partition_point(|t| t.conversation < c);
        t.get(i).is_some_and(|t| t.conversation == c)
    }

    fn media_of(&self, trace: &Trace, m: &Message) -> Media {
        if let Some(map) = &self.media {
            return map
                .get(&(std::ptr::from_ref(m) as usize))
                .cloned()
                .unwrap_or_default();
        }
        let store = &trace.store;
        if m.body().wire_len() == 0 || m.body().malformed() {
            return Media::default();
        }
        let Some(head) = m.head(store) else {
            return Media::default();
        };
        if head.header("content-type").is_none() {
            return Media::default();
        }
        let stream = media::reads_stream(m, &head).then(|| {
            self.index
                .stream_of(store, &trace.conversations, m.conversation, m.dir)
        });
        media::message_media(store, m, &head, stream.as_ref().map(|s| &s.bytes[..]))
    }
}

/// tshark does not hand retransmitted bytes to a payload dissector again.
pub(crate) fn retransmitted(e: &crate::store::PacketEntry) -> bool {
    use crate::flow::analysis::flags as af;
    e.analysis & (af::RETRANSMISSION | af::FAST_RETRANSMISSION | af::SPURIOUS_RETRANSMISSION) != 0
}

/// The protocol tshark's UDP port table gives a datagram between `src` and
/// `dst`, the lower port first.
pub fn udp_app(src: u16, dst: u16) -> Option<&'static str> {
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
pub(crate) fn http_port(p: u16) -> bool {
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

/// TLS records as the details tree draws them (`dissect/tls.rs`): a `tls`
/// layer for each record put together from several segments (followed, in
/// the hierarchy, by `tcp.segments`) and one for the records lying whole
/// in the segment, or one for a segment starting a record; nothing for the
/// middle of a record. `None` when the index holds no TLS there.
fn tls(trace: &Trace, index: &HttpIndex, packet: usize, path: &mut Path) -> Option<bool> {
    match index.tls.at_packet(packet)? {
        crate::tls::AtPacket::Segment(first) => {
            if first {
                path.push(Layer::both("tls"));
            }
            Some(first)
        }
        crate::tls::AtPacket::Records(conn, recs) => {
            let mut whole = false;
            let mut x509 = Vec::new();
            let view = crate::fields::PacketView::with_http(trace, Some(index), packet);
            for r in recs.iter().filter_map(|&i| conn.records.get(i as usize)) {
                if r.first_packet != r.packet {
                    push_x509(path, &mut x509);
                    path.push(Layer::both("tls"));
                    crate::fields::dissect::tls_record_protocols(&view, r, &mut x509);
                    push_x509(path, &mut x509);
                    path.push(Layer::hierarchy("tcp.segments"));
                    whole = false;
                } else {
                    if !whole {
                        path.push(Layer::both("tls"));
                        whole = true;
                    }
                    crate::fields::dissect::tls_record_protocols(&view, r, &mut x509);
                }
            }
            push_x509(path, &mut x509);
            Some(true)
        }
    }
}

/// The certificates' X.509 dissectors, which `frame.protocols` lists and
/// the hierarchy leaves out.
fn push_x509(path: &mut Path, names: &mut Vec<&'static str>) {
    for name in names.drain(..) {
        path.push(Layer::protocols(name));
    }
}

fn link(d: &Decoded<'_>, path: &mut Path) {
    let ethertype = Layer::protocols("ethertype");
    match d.link.link_type {
        LinkType::ETHERNET => {
            path.push(Layer::both("eth"));
            // 802.3 with a length instead of a type: LLC (and STP above it).
            if let Some(&[hi, lo]) = d.data.get(12..14) {
                let type_or_len = u16::from_be_bytes([hi, lo]);
                if type_or_len < 0x0600 && d.link.vlans[0].is_none() {
                    path.push(Layer::both("llc"));
                    if d.data.get(14..16) == Some(&[0x42, 0x42]) {
                        path.push(Layer::both("stp"));
                    }
                    return;
                }
            }
            path.push(ethertype);
            for v in d.link.vlans.iter().flatten() {
                path.push(Layer::both(if v.tpid == 0x88a8 {
                    "ieee8021ad"
                } else {
                    "vlan"
                }));
                path.push(ethertype);
            }
            if d.link.next == NextLayer::EtherType(0x9000) {
                path.push(Layer::both("loop"));
                path.push(Layer::both("data"));
            }
        }
        LinkType::LINUX_SLL | LinkType::LINUX_SLL2 => {
            path.push(Layer::both("sll"));
            path.push(ethertype);
        }
        LinkType::NULL => path.push(Layer::both("null")),
        LinkType::LOOP => path.push(Layer::both("loop")),
        LinkType::RAW | LinkType::RAW_BSD | LinkType::RAW_OPENBSD => path.push(Layer::both("raw")),
        _ => {}
    }
}

/// The layers of frame `index`, into `path` (emptied first).
pub fn frame(trace: &Trace, http: &HttpView<'_>, index: usize, path: &mut Path) {
    path.clear();
    let Some(entry) = trace.store.entry(index) else {
        return;
    };
    if entry.kind == PacketKind::CustomBlock {
        path.push(Layer::both("data"));
        return;
    }
    let d = trace.store.decode(index);
    link(&d, path);
    match &d.network {
        Network::Ipv4 { .. } => path.push(Layer::both("ip")),
        Network::Ipv6 { .. } => path.push(Layer::both("ipv6")),
        Network::Arp(_) => {
            path.push(Layer::both("arp"));
            return;
        }
        Network::None => return,
    }
    let mut app = false;
    match &d.transport {
        Transport::Tcp(_) => {
            path.push(Layer::both("tcp"));
            app = tcp_payload(trace, http, index, &d, path);
        }
        Transport::Udp(u) => {
            path.push(Layer::both("udp"));
            if u.length() > 8 {
                app = true;
                let name = udp_app(u.source_port(), u.destination_port()).unwrap_or("data");
                path.push(Layer::both(name));
            }
        }
        Transport::Icmpv4(_) => path.push(Layer::both("icmp")),
        Transport::Icmpv6(_) => path.push(Layer::both("icmpv6")),
        Transport::None => match d.ip_protocol {
            Some(crate::decode::app::gre::IP_PROTOCOL) => match crate::decode::app::gre::of(&d) {
                Some(row) => row.layers.into_iter().for_each(|l| path.push(l)),
                None => path.push(Layer::both("gre")),
            },
            Some(_) if !d.header_truncated => path.push(Layer::both("data")),
            _ => {}
        },
    }
    if (app && d.is_cut_by_snaplen()) || (d.header_truncated && d.tcp().is_some()) {
        path.push(Layer::hierarchy("_ws.short"));
    }
}

/// The protocol a stream dissector named by a port of `ports` gives frame
/// `packet` when the frame's row is that protocol's own (SSH on port 22):
/// tshark calls that dissector, not HTTP, even for bytes that read as HTTP
/// (nsec-http-get-to-ssh-server-rst frame 4, a GET sent to an SSH server).
pub fn stream_claims(index: &HttpIndex, packet: usize, ports: (u16, u16)) -> Option<&'static str> {
    let Some(StreamRow::App(a)) = index.app_row(packet) else {
        return None;
    };
    if !a.layers.is_empty() {
        return None;
    }
    tcp_app(ports.0, ports.1).filter(|&name| name != "pgsql")
}

/// The layers above TCP of frame `index` (decoded as `d`), into `path`;
/// whether a payload dissector took the bytes.
pub fn tcp_payload(
    trace: &Trace,
    http: &HttpView<'_>,
    index: usize,
    d: &Decoded<'_>,
    path: &mut Path,
) -> bool {
    let (Some(entry), Some(t)) = (trace.store.entry(index), d.tcp()) else {
        return false;
    };
    // A header longer than the frame (tcpdump-heapoverflow-tcp_print): tshark's
    // TCP dissector stops at it and hands nothing on.
    if d.header_truncated {
        return false;
    }
    // A segment tshark's HTTP takes fresh: a Continuation, or untitled.
    if let Some(f) = http.index.fresh(index) {
        f.layers().into_iter().for_each(|l| path.push(l));
        return false;
    }
    let ports = (t.source_port(), t.destination_port());
    match http.index.app_row(index) {
        Some(StreamRow::App(a)) if !a.layers.is_empty() => {
            for &l in &a.layers {
                path.push(l);
            }
            return a.layers.iter().any(Layer::in_hierarchy);
        }
        // The middle of a PostgreSQL or DNS-over-TCP message: tshark's TCP
        // reassembly keeps it and calls no dissector (SSH, which
        // reassembles on its own, is called for every segment). A row
        // without layers (PostgreSQL's one-byte SSL answer) is Info only.
        Some(StreamRow::Segment { .. } | StreamRow::App(_))
            if tcp_app(ports.0, ports.1) == Some("pgsql") =>
        {
            return false;
        }
        Some(StreamRow::Segment { .. }) if ports.0 == 53 || ports.1 == 53 => {
            return false;
        }
        _ => {}
    }
    if let Some(name) = stream_claims(http.index, index, ports) {
        path.push(Layer::both(name));
        return true;
    }
    let messages = http.index.at_packet(index);
    if !messages.is_empty() {
        // A message the FIN completes, in a segment of no payload (a
        // close-delimited body): tshark's TCP reassembles it at the FIN and
        // puts its segment tree before the message, not after.
        let at_fin = t.fin() && d.tcp_len().unwrap_or(0) == 0;
        for m in messages {
            let segmented = m.first_packet < m.last_packet;
            if segmented && at_fin {
                path.push(Layer::hierarchy("tcp.segments"));
            }
            path.push(Layer::both("http"));
            if m.body().malformed() {
                path.push(Layer::hierarchy("_ws.malformed"));
                continue;
            }
            // A multipart body's parts are in frame.protocols, not in the
            // hierarchy (tshark counts them under mime_multipart's own).
            let media = http.media_of(trace, m);
            let multipart = media.first() == Some(&"mime_multipart");
            for (i, &name) in media.iter().enumerate() {
                path.push(if multipart && i > 0 {
                    Layer::protocols(name)
                } else {
                    Layer::both(name)
                });
            }
            if segmented && !at_fin {
                path.push(Layer::hierarchy("tcp.segments"));
            }
        }
        // Bytes after the last message that start none: a second HTTP item
        // holding `data` (the hierarchy does not look inside HTTP's items).
        if http.index.continues_after_messages(index) {
            path.push(Layer::hierarchy("http"));
            path.push(Layer::protocols("data"));
        }
        return true;
    }
    if d.tcp_len().unwrap_or(0) == 0 || t.rst() || retransmitted(entry) {
        return false;
    }
    if let Some(shown) = tls(trace, http.index, index, path) {
        return shown;
    }
    let has_http = http.has_messages(entry.conversation);
    if http_port(ports.0) || http_port(ports.1) {
        // A head cut short by the snaplen on a connection where no message
        // parsed: tshark dissects it as far as captured (see [`cut_head`]);
        // other bytes are fresh segments (above) or TCP's.
        if !has_http && cut_head::parse(t.payload()).is_some() {
            path.push(Layer::both("http"));
            return true;
        }
    } else if !has_http {
        path.push(Layer::both(tcp_app(ports.0, ports.1).unwrap_or("data")));
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_lists_take_their_own_layers() {
        let mut p = Path::default();
        for l in [
            Layer::both("eth"),
            Layer::protocols("ethertype"),
            Layer::both("pgsql"),
            Layer::hierarchy("tcp.segments"),
        ] {
            p.push(l);
        }
        assert_eq!(
            p.protocols().collect::<Vec<_>>(),
            ["eth", "ethertype", "pgsql"]
        );
        assert_eq!(
            p.hierarchy().collect::<Vec<_>>(),
            ["eth", "pgsql", "tcp.segments"]
        );
    }

    #[test]
    fn long_paths_stop_at_the_bound() {
        let mut p = Path::default();
        for _ in 0..MAX_LAYERS + 3 {
            p.push(Layer::both("pgsql"));
        }
        assert_eq!(p.layers.len(), MAX_LAYERS);
        assert!(p.cut);
        p.clear();
        assert!(p.layers.is_empty() && !p.cut);
    }
}
