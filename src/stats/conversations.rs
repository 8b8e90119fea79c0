//! Conversations per layer (tshark `-z conv,eth|ip|ipv6|tcp|udp`,
//! Wireshark's Statistics ▸ Conversations tabs): for each pair of addresses
//! (and ports), the frames and frame bytes each way, the first frame's time
//! relative to the capture's first packet and the duration. Address A is the
//! source of the conversation's first frame, as tshark keeps it; A → B
//! counts the frames A sent. TCP and UDP conversations are told apart by
//! their stream (`tcp.stream`, `udp.stream`), as tshark's taps key them, so
//! a reused port pair is a new row.

use super::endpoints::{addresses, Address, Kind};
use super::{for_blocks, frame_len, Selection};
use crate::capture::NO_TIMESTAMP;
use crate::store::NONE;
use crate::trace::Trace;
use std::collections::HashMap;
use std::fmt::{self, Write as _};

/// One conversation's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerConversation {
    /// The first frame's source.
    pub a: Address,
    pub b: Address,
    /// Frames and bytes A → B.
    pub ab_packets: u64,
    pub ab_bytes: u64,
    /// Frames and bytes B → A.
    pub ba_packets: u64,
    pub ba_bytes: u64,
    /// Earliest and latest frame time (ns since the epoch).
    pub first_ns: i64,
    pub last_ns: i64,
    /// The first frame (0-based).
    pub first_packet: u32,
    /// Our conversation index (`tcp.stream` / `udp.stream` order) for TCP
    /// and UDP rows, [`NONE`] for the others.
    pub stream: u32,
}

impl LayerConversation {
    pub fn packets(&self) -> u64 {
        self.ab_packets.saturating_add(self.ba_packets)
    }
    pub fn bytes(&self) -> u64 {
        self.ab_bytes.saturating_add(self.ba_bytes)
    }
    pub fn duration_ns(&self) -> i64 {
        self.last_ns.saturating_sub(self.first_ns)
    }

    /// The display filter selecting this conversation, as Wireshark's
    /// Conversations ▸ Apply as Filter writes it.
    pub fn filter(&self, kind: Kind) -> String {
        let l3 = |a: &Address| match a {
            Address::Ip(ip) | Address::Port(ip, _) if ip.is_ipv6() => "ipv6",
            _ => "ip",
        };
        match (&self.a, &self.b) {
            (Address::Ether(_), _) => format!("eth.addr=={} && eth.addr=={}", self.a, self.b),
            (Address::Port(_, pa), Address::Port(_, pb)) => {
                let (l3, l4) = (l3(&self.a), kind.name());
                format!(
                    "{l3}.addr=={} && {l4}.port=={pa} && {l3}.addr=={} && {l4}.port=={pb}",
                    self.a, self.b
                )
            }
            _ => {
                let l3 = l3(&self.a);
                format!("{l3}.addr=={} && {l3}.addr=={}", self.a, self.b)
            }
        }
    }
}

/// The conversations of one layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversations {
    pub kind: Kind,
    /// The zero of Relative Start: the capture's first frame's time, with
    /// tshark's 0 (1970) for a frame without one (a Simple Packet Block).
    pub start_ns: i64,
    /// Most frames first; ties in order of first frame (tshark's order).
    pub list: Vec<LayerConversation>,
}

/// A frame's time as tshark's tap sees it: 0 (1970) when it has none.
fn time(ns: i64) -> i64 {
    if ns == NO_TIMESTAMP {
        0
    } else {
        ns
    }
}

/// The table's key: the two ends in a fixed order, and the stream.
type Key = (Address, Address, u32);

fn key(src: Address, dst: Address, stream: u32) -> Key {
    if src <= dst {
        (src, dst, stream)
    } else {
        (dst, src, stream)
    }
}

/// Counters in order of first frame; [`Table::add_packet`] counts one
/// frame, [`Table::conversations`] gives the table (a growing capture keeps
/// one, [`crate::live::LiveProducts`]).
#[derive(Debug, Clone, Default)]
pub struct Table {
    index: HashMap<Key, usize>,
    list: Vec<LayerConversation>,
}

impl Table {
    /// Counts frame `i` of `trace` at the layer of `kind`.
    pub fn add_packet(&mut self, trace: &Trace, kind: Kind, i: usize) {
        // A pcapng Custom Block is no frame of any link layer.
        if super::custom_block(trace, i) {
            return;
        }
        let d = trace.store.decode(i);
        let Some((src, dst)) = addresses(kind, &d) else {
            return;
        };
        let Some(e) = trace.store.entry(i) else {
            return;
        };
        let stream = if kind.has_port() {
            e.conversation
        } else {
            NONE
        };
        let at = time(e.ts_ns);
        let s = self.slot(src, dst, stream, at, i as u32);
        let c = &mut self.list[s];
        let len = frame_len(trace, i);
        if c.a == src && c.b == dst {
            c.ab_packets += 1;
            c.ab_bytes += len;
        } else {
            c.ba_packets += 1;
            c.ba_bytes += len;
        }
        c.first_ns = c.first_ns.min(at);
        c.last_ns = c.last_ns.max(at);
    }

    /// The conversations counted in `trace`, most frames first.
    pub fn conversations(&self, trace: &Trace, kind: Kind) -> Conversations {
        let mut list = self.list.clone();
        list.sort_by_key(|c| std::cmp::Reverse(c.packets()));
        let start_ns = trace.store.entry(0).map_or(0, |e| time(e.ts_ns));
        Conversations {
            kind,
            start_ns,
            list,
        }
    }

    fn slot(&mut self, src: Address, dst: Address, stream: u32, at: i64, packet: u32) -> usize {
        let next = self.list.len();
        let i = *self.index.entry(key(src, dst, stream)).or_insert(next);
        if i == next {
            self.list.push(LayerConversation {
                a: src,
                b: dst,
                ab_packets: 0,
                ab_bytes: 0,
                ba_packets: 0,
                ba_bytes: 0,
                first_ns: at,
                last_ns: at,
                first_packet: packet,
                stream,
            });
        }
        i
    }

    /// Adds `c` (a block's counters for the same key) to its slot.
    fn merge(&mut self, c: &LayerConversation) {
        let i = self.slot(c.a, c.b, c.stream, c.first_ns, c.first_packet);
        let s = &mut self.list[i];
        let forward = s.a == c.a;
        let (p, b) = if forward {
            (c.ab_packets, c.ab_bytes)
        } else {
            (c.ba_packets, c.ba_bytes)
        };
        let (rp, rb) = if forward {
            (c.ba_packets, c.ba_bytes)
        } else {
            (c.ab_packets, c.ab_bytes)
        };
        s.ab_packets += p;
        s.ab_bytes += b;
        s.ba_packets += rp;
        s.ba_bytes += rb;
        s.first_ns = s.first_ns.min(c.first_ns);
        s.last_ns = s.last_ns.max(c.last_ns);
    }
}

/// Counts the conversations of `kind` in the selected packets.
pub fn compute(trace: &Trace, selection: &Selection, kind: Kind) -> Conversations {
    let parts = for_blocks(trace, selection, |block| {
        let mut t = Table::default();
        for i in block {
            t.add_packet(trace, kind, i);
        }
        t.list
    });
    let mut all = Table::default();
    for c in parts.iter().flatten() {
        all.merge(c);
    }
    all.conversations(trace, kind)
}

/// The frames (0-based, in file order) of conversation `c` of `kind`: what
/// its Apply as Filter selects, for saving them.
pub fn frames(trace: &Trace, kind: Kind, c: &LayerConversation) -> Vec<u32> {
    let parts = for_blocks(trace, &Selection::All, |block| {
        block
            .filter(|&i| {
                if super::custom_block(trace, i) {
                    return false;
                }
                let d = trace.store.decode(i);
                let ends = addresses(kind, &d);
                let stream = trace.store.entry(i).map_or(NONE, |e| e.conversation);
                ends.is_some_and(|(s, d)| {
                    key(s, d, if kind.has_port() { stream } else { NONE })
                        == key(c.a, c.b, c.stream)
                })
            })
            .map(|i| i as u32)
            .collect::<Vec<u32>>()
    });
    parts.into_iter().flatten().collect()
}

/// A byte count as tshark's conversation table prints it (Wireshark's
/// `format_size` with SI prefixes: whole units once there are ten of them).
pub fn size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (1_000_000_000_000, "TB"),
        (1_000_000_000, "GB"),
        (1_000_000, "MB"),
        (1_000, "kB"),
    ];
    for (scale, unit) in UNITS {
        if bytes / scale >= 10 {
            return format!("{} {unit}", bytes / scale);
        }
    }
    format!("{bytes} bytes")
}

/// An end as tshark prints it: the address, then `:port` for TCP and UDP.
fn end(a: &Address) -> String {
    match a.port() {
        Some(p) => format!("{a}:{p}"),
        None => a.to_string(),
    }
}

/// Seconds from nanoseconds, for the text table.
fn secs(ns: i64) -> f64 {
    ns as f64 / 1e9
}

/// tshark's text table (`tshark -n -q -z conv,KIND`).
pub fn write_text(c: &Conversations, filter: Option<&str>, out: &mut String) {
    let rule = "=".repeat(80);
    let _ = writeln!(out, "{rule}");
    let _ = writeln!(out, "{} Conversations", c.kind.title());
    let _ = writeln!(out, "Filter:{}", filter.unwrap_or("<No Filter>"));
    let pad = if c.kind.has_port() { 59 } else { 47 };
    let _ = writeln!(out, "{:pad$}|       <-      | |       ->      | |     Total     |    Relative    |   Duration   |", "");
    let _ = writeln!(out, "{:pad$}| Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |", "");
    for r in &c.list {
        let width = if c.kind.has_port() { 26 } else { 20 };
        let _ = writeln!(
            out,
            "{:<width$} <-> {:<width$}  {:>6} {:<9}  {:>6} {:<9}  {:>6} {:<9}  {:>14.9}   {:>12.4}",
            end(&r.a),
            end(&r.b),
            r.ba_packets,
            size(r.ba_bytes),
            r.ab_packets,
            size(r.ab_bytes),
            r.packets(),
            size(r.bytes()),
            secs(r.first_ns.saturating_sub(c.start_ns)),
            secs(r.duration_ns()),
        );
    }
    let _ = writeln!(out, "{rule}");
}

/// One JSON object per conversation.
pub fn write_json(c: &Conversations, out: &mut String) {
    for r in &c.list {
        let v = serde_json::json!({
            "stat": "conversations",
            "type": c.kind.name(),
            "address_a": r.a.to_string(),
            "port_a": r.a.port(),
            "address_b": r.b.to_string(),
            "port_b": r.b.port(),
            "packets": r.packets(),
            "bytes": r.bytes(),
            "packets_ab": r.ab_packets,
            "bytes_ab": r.ab_bytes,
            "packets_ba": r.ba_packets,
            "bytes_ba": r.ba_bytes,
            "rel_start": secs(r.first_ns.saturating_sub(c.start_ns)),
            "duration": secs(r.duration_ns()),
        });
        out.push_str(&v.to_string());
        out.push('\n');
    }
}

impl fmt::Display for LayerConversation {
    /// `A <-> B` as tshark's table names the row.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} <-> {}", end(&self.a), end(&self.b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn sizes_as_tshark_prints_them() {
        assert_eq!(size(0), "0 bytes");
        assert_eq!(size(9_999), "9999 bytes");
        assert_eq!(size(10_000), "10 kB");
        assert_eq!(size(248_999), "248 kB");
        assert_eq!(size(1_349_000), "1349 kB");
        assert_eq!(size(10_000_000), "10 MB");
    }

    #[test]
    fn block_counters_merge_by_direction() {
        let (x, y) = (Address::Ip(ip("10.0.0.2")), Address::Ip(ip("10.0.0.1")));
        let mut t = Table::default();
        let i = t.slot(x, y, NONE, 5, 0);
        t.list[i].ab_packets = 2;
        // A later block saw y first: its A is y.
        let other = LayerConversation {
            a: y,
            b: x,
            ab_packets: 3,
            ab_bytes: 30,
            ba_packets: 1,
            ba_bytes: 10,
            first_ns: 9,
            last_ns: 20,
            first_packet: 7,
            stream: NONE,
        };
        t.merge(&other);
        assert_eq!(t.list.len(), 1);
        let c = t.list[0];
        assert_eq!((c.a, c.ab_packets, c.ba_packets, c.ba_bytes), (x, 3, 3, 30));
        assert_eq!((c.first_ns, c.last_ns, c.first_packet), (5, 20, 0));
    }

    #[test]
    fn filters_as_wireshark_writes_them() {
        let c = LayerConversation {
            a: Address::Port(ip("2001:db8::1"), 443),
            b: Address::Port(ip("2001:db8::2"), 5000),
            ab_packets: 1,
            ab_bytes: 1,
            ba_packets: 0,
            ba_bytes: 0,
            first_ns: 0,
            last_ns: 0,
            first_packet: 0,
            stream: 0,
        };
        assert_eq!(
            c.filter(Kind::Tcp),
            "ipv6.addr==2001:db8::1 && tcp.port==443 && ipv6.addr==2001:db8::2 && tcp.port==5000"
        );
        let e = LayerConversation {
            a: Address::Ether([0, 1, 2, 3, 4, 5]),
            b: Address::Ether([0xff; 6]),
            ..c
        };
        assert_eq!(
            e.filter(Kind::Eth),
            "eth.addr==00:01:02:03:04:05 && eth.addr==ff:ff:ff:ff:ff:ff"
        );
        let i = LayerConversation {
            a: Address::Ip(ip("10.0.0.1")),
            b: Address::Ip(ip("10.0.0.2")),
            ..c
        };
        assert_eq!(i.filter(Kind::Ip), "ip.addr==10.0.0.1 && ip.addr==10.0.0.2");
    }
}
