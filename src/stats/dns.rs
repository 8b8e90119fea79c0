//! DNS statistics (tshark `-z dns,tree`): messages by rcode, opcode, query or
//! response, query type and class; payload sizes; record counts of
//! responses; and the request-response time of answered queries (a query and
//! its response share the transaction ID and the endpoints, reversed).
//!
//! Messages are read from UDP payloads on port 53: tshark's DNS tap does not
//! see mDNS or LLMNR.

use super::tree::{Item, Tree};
use super::{for_blocks, Selection};
use crate::decode::Transport;
use crate::limits::{Limit, LimitHit, MAX_DNS_PENDING};
use crate::trace::Trace;
use std::collections::HashMap;
use std::net::IpAddr;

/// The record counts of the header, in tshark's display order.
const COUNTS: [&str; 4] = [
    "no. of questions",
    "no. of authorities",
    "no. of answers",
    "no. of additionals",
];

fn be16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|x| u16::from_be_bytes([x[0], x[1]]))
}

/// Wireshark's long name of a query type.
pub fn qtype_name(t: u16) -> String {
    let s = match t {
        1 => "A (Host Address)",
        2 => "NS (authoritative Name Server)",
        5 => "CNAME (Canonical NAME for an alias)",
        6 => "SOA (Start Of a zone of Authority)",
        12 => "PTR (domain name PoinTeR)",
        13 => "HINFO (host information)",
        15 => "MX (Mail eXchange)",
        16 => "TXT (Text strings)",
        28 => "AAAA (IPv6 Address)",
        33 => "SRV (Server Selection)",
        41 => "OPT",
        64 => "SVCB (General-purpose service binding)",
        65 => "HTTPS (HTTPS-specific service endpoints)",
        255 => "* (A request for all records)",
        t => return format!("Unknown ({t})"),
    };
    s.into()
}

fn rcode_name(r: u16) -> String {
    crate::decode::dns::rcode_text(r).map_or_else(|| format!("Unknown ({r})"), Into::into)
}

fn opcode_name(o: u16) -> String {
    let s = match o {
        0 => "Standard query",
        1 => "Inverse query",
        2 => "Server status request",
        4 => "Zone change notification",
        5 => "Dynamic update",
        o => return format!("Unknown ({o})"),
    };
    s.into()
}

fn class_name(c: u16) -> String {
    match c & 0x7fff {
        1 => "IN".into(),
        3 => "CH".into(),
        4 => "HS".into(),
        255 => "ANY".into(),
        c => format!("Unknown ({c})"),
    }
}

/// The header and first question of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Message {
    id: u16,
    flags: u16,
    counts: [u16; 4],
    qname_len: Option<usize>,
    labels: usize,
    qtype: Option<u16>,
    qclass: Option<u16>,
    size: usize,
}

fn parse(msg: &[u8]) -> Option<Message> {
    let id = be16(msg, 0)?;
    let flags = be16(msg, 2)?;
    let counts = [be16(msg, 4)?, be16(msg, 6)?, be16(msg, 8)?, be16(msg, 10)?];
    let (mut qname_len, mut labels, mut qtype, mut qclass) = (None, 0, None, None);
    if counts[0] > 0 {
        // The first question's name, uncompressed in nearly every query.
        let mut at = 12;
        let mut len = 0usize;
        let mut ok = false;
        for _ in 0..128 {
            let Some(&l) = msg.get(at) else { break };
            if l == 0 {
                at += 1;
                ok = true;
                break;
            }
            if l & 0xc0 != 0 {
                at += 2;
                ok = true;
                break;
            }
            len += usize::from(l) + usize::from(len > 0);
            labels += 1;
            at += 1 + usize::from(l);
        }
        if ok {
            qname_len = Some(len);
            qtype = be16(msg, at);
            qclass = be16(msg, at + 2);
        }
    }
    Some(Message {
        id,
        flags,
        counts,
        qname_len,
        labels,
        qtype,
        qclass,
        size: msg.len(),
    })
}

/// A query awaiting its response: transaction ID, client, server.
type QueryKey = (u16, (IpAddr, u16), (IpAddr, u16));

/// A message with its time and endpoints.
struct Seen {
    /// Packet (0-based) and time.
    packet: u32,
    at: i64,
    src: (IpAddr, u16),
    dst: (IpAddr, u16),
    msg: Message,
}

/// `-z dns,tree`.
pub fn compute(trace: &Trace, selection: &Selection) -> Tree {
    let parts = for_blocks(trace, selection, |block| {
        block.filter_map(|i| seen(trace, i)).collect::<Vec<_>>()
    });
    let mut counter = Counter::new();
    for s in parts.iter().flatten() {
        counter.add(trace, s);
    }
    counter.tree()
}

/// Frame `i`'s DNS message, if it carries one on port 53.
fn seen(trace: &Trace, i: usize) -> Option<Seen> {
    let d = trace.store.decode(i);
    let Transport::Udp(u) = &d.transport else {
        return None;
    };
    let (s, t) = (u.source_port(), u.destination_port());
    if s != 53 && t != 53 {
        return None;
    }
    let (Some(src), Some(dst)) = (d.ip_src(), d.ip_dst()) else {
        return None;
    };
    let msg = parse(u.payload())?;
    let at = trace.store.relative_ns(i).unwrap_or(0);
    Some(Seen {
        packet: i as u32,
        at,
        src: (src, s),
        dst: (dst, t),
        msg,
    })
}

/// The tree counted one message at a time, in packet order: a growing
/// capture keeps one ([`crate::live::LiveProducts`]) and adds each new
/// frame ([`Counter::add_packet`]).
#[derive(Debug, Clone)]
pub struct Counter {
    total: Item,
    payload: Item,
    query: Item,
    response: Item,
    service: Item,
    pending: HashMap<QueryKey, i64>,
    first: Option<i64>,
    last: i64,
}

impl Default for Counter {
    fn default() -> Counter {
        Counter::new()
    }
}

impl Counter {
    pub fn new() -> Counter {
        // Children are created in the order that gives tshark's display order
        // (ties show the latest created first).
        let mut total = Item::new("Total Packets");
        for n in ["Class", "Query Type", "Query/Response", "opcodes", "rcode"] {
            total.child(n);
        }
        let payload = Item::new("Payload size");
        let mut query = Item::new("Query Stats");
        query.child("Qname Len").percent = false;
        let labels = query.child("Label Stats");
        labels.percent = false;
        for n in ["1st Level", "2nd Level", "3rd Level", "4th Level or more"] {
            labels.child(n).percent = false;
        }
        let mut response = Item::new("Response Stats");
        for n in COUNTS.iter().rev() {
            response.child(n).percent = false;
        }
        let mut service = Item::new("Service Stats");
        for n in [
            "no. of retransmissions",
            "no. of unsolicited responses",
            "request-response time (msec)",
        ] {
            service.child(n).percent = false;
        }
        // tshark keeps this one in a single-precision float.
        service.child("request-response time (msec)").float = true;
        Counter {
            total,
            payload,
            query,
            response,
            service,
            pending: HashMap::new(),
            first: None,
            last: 0,
        }
    }

    /// Counts frame `i` of `trace` (after the frames before it).
    pub fn add_packet(&mut self, trace: &Trace, i: usize) {
        if let Some(s) = seen(trace, i) {
            self.add(trace, &s);
        }
    }

    fn add(&mut self, trace: &Trace, s: &Seen) {
        let Counter {
            total,
            payload,
            query,
            response,
            service,
            pending,
            first,
            last,
        } = self;
        let m = &s.msg;
        let at = s.at;
        first.get_or_insert(at);
        *last = at;
        let is_response = m.flags & 0x8000 != 0;
        total.tick(at);
        total
            .child("rcode")
            .tick(at)
            .child(&rcode_name(m.flags & 0xf))
            .tick(at);
        total
            .child("opcodes")
            .tick(at)
            .child(&opcode_name((m.flags >> 11) & 0xf))
            .tick(at);
        let qr = if is_response { "Response" } else { "Query" };
        total.child("Query/Response").tick(at).child(qr).tick(at);
        if let Some(t) = m.qtype {
            total
                .child("Query Type")
                .tick(at)
                .child(&qtype_name(t))
                .tick(at);
        }
        if let Some(c) = m.qclass {
            total.child("Class").tick(at).child(&class_name(c)).tick(at);
        }
        payload.value(at, m.size as f64);
        // tshark 4.0 adds each response's record counts twice and a query's
        // not at all: in dns-then-http-browser-visit (14 queries, 14
        // responses on port 53) every "no. of" line counts 28 with the
        // responses' average, minimum and maximum, its burst window starting
        // at the first response (1.758 s, the first query being at 1.757 s).
        if is_response {
            let counts = [m.counts[0], m.counts[2], m.counts[1], m.counts[3]];
            for (n, c) in COUNTS.iter().zip(counts) {
                response
                    .child(n)
                    .value(at, f64::from(c))
                    .value(at, f64::from(c));
            }
        }
        if !is_response {
            if let Some(len) = m.qname_len {
                query.child("Qname Len").value(at, len as f64);
                let level = match m.labels {
                    0 | 1 => "1st Level",
                    2 => "2nd Level",
                    3 => "3rd Level",
                    _ => "4th Level or more",
                };
                query.child("Label Stats").child(level).tick(at);
            }
            if pending.len() as u64 >= MAX_DNS_PENDING {
                trace
                    .limits
                    .report(LimitHit::new(Limit::DnsPending, Some(s.packet)));
                pending.clear();
            }
            pending.insert((m.id, s.src, s.dst), at);
        } else {
            match pending.remove(&(m.id, s.dst, s.src)) {
                Some(q) => {
                    let ms = f64::from((at.saturating_sub(q) as f64 / 1e6) as f32);
                    service.child("request-response time (msec)").value(at, ms);
                }
                None => {
                    service.child("no. of unsolicited responses").tick(at);
                }
            }
        }
    }

    /// The tree of the messages counted.
    pub fn tree(&self) -> Tree {
        Tree {
            title: "DNS".into(),
            roots: vec![
                self.total.clone(),
                self.payload.clone(),
                self.query.clone(),
                self.response.clone(),
                self.service.clone(),
            ],
            elapsed_ns: self.first.map_or(0, |f: i64| self.last.saturating_sub(f)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_is_read() {
        let mut m = vec![0xa7, 0xf4, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        for l in ["www", "example", "org"] {
            m.push(l.len() as u8);
            m.extend_from_slice(l.as_bytes());
        }
        m.extend_from_slice(&[0, 0, 1, 0, 1]);
        let p = parse(&m).expect("parses");
        assert_eq!(p.qname_len, Some(15));
        assert_eq!(p.labels, 3);
        assert_eq!((p.qtype, p.qclass), (Some(1), Some(1)));
        assert!(parse(&m[..5]).is_none());
        assert_eq!(qtype_name(1), "A (Host Address)");
    }
}
