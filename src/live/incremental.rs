//! The products of a growing capture, appended to rather than computed
//! again from each snapshot: the HTTP index (with the TLS and HTTP/2
//! connections it holds) and display filter results.
//!
//! A connection's HTTP, TLS and HTTP/2 results depend only on its own
//! packets and the TLS keys ([`HttpIndex::connection_part`]), so
//! [`LiveProducts`] keeps one [`ConnectionPart`] per conversation and, at
//! each snapshot, reads again only the conversations that received packets
//! since the last one (and every one when new keys arrived, e.g. from a
//! Decryption Secrets Block); the index is then put together from the kept
//! parts. A filter's verdict on a packet depends on that packet, its
//! conversation and the conversation's HTTP part, so only the new packets
//! and those of the conversations that grew are evaluated again (only the
//! new ones for a filter that reads nothing but the packet itself); the
//! rest of the displayed set is kept. The statistics are kept too
//! (`live/stats.rs`).
//!
//! The results are those of a load of the same bytes
//! (`tests/live_incremental.rs` compares them on every capture). A
//! snapshot older than the last one seen (the products went ahead) is
//! answered by a whole computation.

use crate::filter::Filter;
use crate::flow::{Conversation, Conversations};
use crate::http::{ConnectionPart, HttpIndex};
use crate::session::marks::MarkSet;
use crate::stats::conversations::Conversations as LayerConversations;
use crate::stats::endpoints::{Endpoints, Kind};
use crate::stats::hierarchy::Hierarchy;
use crate::stats::io::{IoError, IoStat};
use crate::stats::tree::Tree;
use crate::stats::Selection;
use crate::store::{PacketStore, NONE};
use crate::tls::KeyLog;
use crate::trace::Trace;
use std::collections::BTreeSet;
use std::sync::Mutex;

/// The incremental products of one growing capture, shared by the
/// sessions of its snapshots ([`crate::session::Session::with_live`]).
#[derive(Default)]
pub struct LiveProducts {
    http: Mutex<HttpParts>,
    /// The last filters applied, the most recent last.
    filters: Mutex<Vec<FilterCache>>,
    /// The statistics (see `live/stats.rs`).
    stats: Mutex<super::stats::LiveStats>,
}

/// Filters whose displayed sets are kept (the display filter, and a few
/// the user switches between).
pub const MAX_KEPT_FILTERS: usize = 4;

/// The kept part of each conversation, as of `packets` packets.
#[derive(Default)]
struct HttpParts {
    parts: Vec<ConnectionPart>,
    packets: usize,
    /// Keys the parts were read with (a key log only grows).
    keys: usize,
    /// Interfaces known when they were read.
    interfaces: usize,
}

/// The displayed set of one filter, as of `packets` packets.
struct FilterCache {
    text: String,
    marked: MarkSet,
    /// Secrets the HTTP index was read with (new ones change its verdicts).
    keys: usize,
    /// Interfaces known (a packet read before its interface's description
    /// decodes otherwise once it arrives).
    interfaces: usize,
    packets: usize,
    conversations: usize,
    shown: Vec<u32>,
}

/// The conversations that received packets from `from` on, or that are
/// new since `known` conversations, ascending.
pub(super) fn grown(
    store: &PacketStore,
    conversations: &Conversations,
    from: usize,
    known: usize,
) -> BTreeSet<u32> {
    let mut changed: BTreeSet<u32> = store
        .entries()
        .get(from..)
        .unwrap_or(&[])
        .iter()
        .map(|e| e.conversation)
        .filter(|&c| c != NONE)
        .collect();
    changed.extend(known as u32..conversations.all().len() as u32);
    changed
}

impl LiveProducts {
    pub fn new() -> LiveProducts {
        LiveProducts::default()
    }

    /// The HTTP index of a snapshot, reading again only the connections
    /// that grew since the previous call.
    pub fn http(
        &self,
        store: &PacketStore,
        conversations: &Conversations,
        keys: &KeyLog,
    ) -> HttpIndex {
        let Ok(mut kept) = self.http.lock() else {
            return HttpIndex::build(store, conversations, keys);
        };
        let convs = conversations.all();
        if store.len() < kept.packets || convs.len() < kept.parts.len() {
            // An older snapshot than the last one: computed on its own.
            return HttpIndex::build(store, conversations, keys);
        }
        let interfaces = store.interfaces().len();
        let changed: Vec<u32> = if keys.len() != kept.keys || interfaces != kept.interfaces {
            (0..convs.len() as u32).collect()
        } else {
            grown(store, conversations, kept.packets, kept.parts.len())
                .into_iter()
                .collect()
        };
        let read = crate::parallel::map_in_order(&changed, |&ci| {
            let mut raw = Default::default();
            convs.get(ci as usize).map(|conv: &Conversation| {
                HttpIndex::connection_part(store, conv, ci, None, keys, &mut raw)
            })
        });
        kept.parts.resize_with(convs.len(), ConnectionPart::default);
        for (&ci, part) in changed.iter().zip(read) {
            if let Some(part) = part {
                kept.parts[ci as usize] = part;
            }
        }
        kept.packets = store.len();
        kept.keys = keys.len();
        kept.interfaces = interfaces;
        HttpIndex::from_parts(store, conversations, kept.parts.iter().cloned())
    }

    /// The endpoints of `kind` in a snapshot, counting only its new packets.
    pub fn endpoints(&self, trace: &Trace, kind: Kind) -> Endpoints {
        match self.stats.lock() {
            Ok(mut s) => s.endpoints(trace, kind),
            Err(_) => crate::stats::endpoints::compute(trace, &Selection::All, kind),
        }
    }

    /// The conversations of `kind` in a snapshot, counting only its new
    /// packets.
    pub fn conversations(&self, trace: &Trace, kind: Kind) -> LayerConversations {
        match self.stats.lock() {
            Ok(mut s) => s.conversations(trace, kind),
            Err(_) => crate::stats::conversations::compute(trace, &Selection::All, kind),
        }
    }

    /// The DNS tree of a snapshot, counting only its new packets.
    pub fn dns_tree(&self, trace: &Trace) -> Tree {
        match self.stats.lock() {
            Ok(mut s) => s.dns(trace),
            Err(_) => crate::stats::dns::compute(trace, &Selection::All),
        }
    }

    /// The I/O graph of every frame of a snapshot in the interval that
    /// splits its duration into at most `buckets` (see
    /// [`crate::session::Session::io_graph`]), counting only its new frames.
    pub fn io_graph(&self, trace: &Trace, buckets: u64) -> Result<IoStat, IoError> {
        match self.stats.lock() {
            Ok(mut s) => s.io(trace, buckets),
            Err(_) => crate::session::io_graph_of(trace, buckets),
        }
    }

    /// The protocol hierarchy of a snapshot whose HTTP index is `index`
    /// (read with `keys` secrets): only the new frames and those of the
    /// conversations that grew are classified.
    pub fn hierarchy(&self, trace: &Trace, index: &HttpIndex, keys: usize) -> Hierarchy {
        match self.stats.lock() {
            Ok(mut s) => s.hierarchy(trace, index, keys),
            Err(_) => crate::stats::hierarchy::compute(trace, index, &Selection::All),
        }
    }

    /// The packets of a snapshot that the filter `text` passes (`matches`
    /// evaluates it on one packet), `marked` being the marks and `keys` the
    /// number of TLS secrets the HTTP index is read with; only the new
    /// packets and those of the conversations that grew are evaluated
    /// again, and only the new ones for a filter that reads the packet alone
    /// (`packet_local`, see [`packet_local`]). `None` when `cancelled` said
    /// so meanwhile.
    #[allow(clippy::too_many_arguments)]
    pub fn select(
        &self,
        text: &str,
        marked: &MarkSet,
        keys: usize,
        packet_local: bool,
        store: &PacketStore,
        conversations: &Conversations,
        matches: impl Fn(usize) -> bool,
        cancelled: impl Fn() -> bool,
    ) -> Option<Vec<u32>> {
        let Ok(mut kept) = self.filters.lock() else {
            return whole(store.len(), &matches, &cancelled);
        };
        let reusable = kept
            .iter()
            .position(|c| c.text == text)
            .map(|at| kept.remove(at))
            .filter(|c| {
                c.marked == *marked
                    && c.keys == keys
                    && c.interfaces == store.interfaces().len()
                    && c.packets <= store.len()
                    && c.conversations <= conversations.all().len()
            });
        let shown = match &reusable {
            None => whole(store.len(), &matches, &cancelled)?,
            Some(c) => {
                let changed = if packet_local {
                    BTreeSet::new()
                } else {
                    grown(store, conversations, c.packets, c.conversations)
                };
                let mut again: Vec<u32> = Vec::new();
                for &ci in &changed {
                    if let Some(conv) = conversations.get(ci) {
                        if (conv.first_packet as usize) < c.packets {
                            again.extend(
                                conv.packets(store)
                                    .take_while(|&i| i < c.packets)
                                    .map(|i| i as u32),
                            );
                        }
                    }
                }
                again.sort_unstable();
                let mut shown = Vec::with_capacity(c.shown.len() + 64);
                let mut recheck = again.iter().peekable();
                for &i in &c.shown {
                    // Packets evaluated again are left out here, added below.
                    while recheck.next_if(|&&r| r < i).is_some() {}
                    if recheck.peek() != Some(&&i) {
                        shown.push(i);
                    }
                }
                let mut fresh: Vec<u32> = Vec::new();
                for (n, &i) in again.iter().enumerate() {
                    if n % 4096 == 0 && cancelled() {
                        return None;
                    }
                    if matches(i as usize) {
                        fresh.push(i);
                    }
                }
                for i in c.packets..store.len() {
                    if (i - c.packets) % 4096 == 0 && cancelled() {
                        return None;
                    }
                    if matches(i) {
                        fresh.push(i as u32);
                    }
                }
                merge(shown, fresh)
            }
        };
        if kept.len() >= MAX_KEPT_FILTERS {
            kept.remove(0);
        }
        kept.push(FilterCache {
            text: text.to_string(),
            marked: marked.clone(),
            keys,
            interfaces: store.interfaces().len(),
            packets: store.len(),
            conversations: conversations.all().len(),
            shown: shown.clone(),
        });
        Some(shown)
    }
}

/// Fields whose value in a packet depends on that packet alone (its bytes,
/// its time, its number, its mark, the stream it opened or joined), not on
/// the packets after it: a filter reading only these keeps its verdict on
/// a packet when the packet's conversation grows. Relative sequence numbers,
/// scaled windows, analysis flags, completeness and everything reassembly
/// decides are not among them.
pub const PACKET_LOCAL_FIELDS: &[&str] = &[
    "frame",
    "frame.number",
    "frame.time",
    "frame.time_epoch",
    "frame.time_relative",
    "frame.time_delta",
    "frame.len",
    "frame.cap_len",
    "frame.interface_id",
    "frame.marked",
    "frame.encap_type",
    "eth",
    "eth.src",
    "eth.dst",
    "eth.addr",
    "eth.type",
    "eth.lg",
    "eth.ig",
    "vlan",
    "vlan.id",
    "vlan.priority",
    "vlan.dei",
    "vlan.etype",
    "arp",
    "arp.opcode",
    "ip",
    "ip.src",
    "ip.dst",
    "ip.addr",
    "ip.proto",
    "ip.ttl",
    "ip.len",
    "ip.id",
    "ip.version",
    "ip.hdr_len",
    "ip.dsfield",
    "ip.dsfield.dscp",
    "ip.dsfield.ecn",
    "ip.flags",
    "ip.flags.rb",
    "ip.flags.df",
    "ip.flags.mf",
    "ip.frag_offset",
    "ipv6",
    "ipv6.src",
    "ipv6.dst",
    "ipv6.addr",
    "ipv6.nxt",
    "ipv6.hlim",
    "ipv6.plen",
    "ipv6.flow",
    "ipv6.version",
    "ipv6.tclass",
    "icmp",
    "icmp.type",
    "icmp.code",
    "icmpv6",
    "icmpv6.type",
    "icmpv6.code",
    "tcp",
    "tcp.srcport",
    "tcp.dstport",
    "tcp.port",
    "tcp.stream",
    "tcp.len",
    "tcp.seq_raw",
    "tcp.ack_raw",
    "tcp.hdr_len",
    "tcp.flags",
    "tcp.flags.ns",
    "tcp.flags.cwr",
    "tcp.flags.ece",
    "tcp.flags.urg",
    "tcp.flags.ack",
    "tcp.flags.push",
    "tcp.flags.reset",
    "tcp.flags.syn",
    "tcp.flags.fin",
    "tcp.window_size_value",
    "tcp.urgent_pointer",
    "udp",
    "udp.srcport",
    "udp.dstport",
    "udp.port",
    "udp.length",
    "udp.stream",
];

/// Whether `filter` reads only [`PACKET_LOCAL_FIELDS`].
pub fn packet_local(filter: &Filter) -> bool {
    filter
        .fields()
        .iter()
        .all(|f| PACKET_LOCAL_FIELDS.contains(&f.name()))
}

/// Every packet evaluated.
fn whole(
    len: usize,
    matches: &impl Fn(usize) -> bool,
    cancelled: &impl Fn() -> bool,
) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    for i in 0..len {
        if i % 4096 == 0 && cancelled() {
            return None;
        }
        if matches(i) {
            out.push(i as u32);
        }
    }
    Some(out)
}

/// Two ascending lists of distinct packets as one.
fn merge(a: Vec<u32>, b: Vec<u32>) -> Vec<u32> {
    if a.last().is_none_or(|&l| b.first().is_none_or(|&f| l < f)) {
        let mut a = a;
        a.extend(b);
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut x, mut y) = (a.iter().peekable(), b.iter().peekable());
    loop {
        match (x.peek(), y.peek()) {
            (Some(&&p), Some(&&q)) if p < q => {
                out.push(p);
                x.next();
            }
            (Some(_), Some(&&q)) => {
                out.push(q);
                y.next();
            }
            (Some(&&p), None) => {
                out.push(p);
                x.next();
            }
            (None, Some(&&q)) => {
                out.push(q);
                y.next();
            }
            (None, None) => return out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_lists_stay_ascending() {
        assert_eq!(merge(vec![1, 4, 9], vec![2, 10]), vec![1, 2, 4, 9, 10]);
        assert_eq!(merge(vec![1, 2], vec![3]), vec![1, 2, 3]);
        assert_eq!(merge(vec![], vec![3]), vec![3]);
        assert_eq!(merge(vec![5], vec![]), vec![5]);
    }
}
