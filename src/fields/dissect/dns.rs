//! DNS over UDP: the header with its flags bit by bit, the counts, every
//! question and resource record (each record in `dns/record.rs`, with its
//! EDNS0 fields in `dns/edns.rs` and the other types `dns/rdata.rs` knows;
//! the rest as data; tshark's words for the numbers in `dns/names.rs`), and the
//! request/response links with the response time. Names follow compression
//! pointers with a hop limit. mDNS and LLMNR share the shape ([`Flavor`]):
//! their own layer names, LLMNR's flag bits, mDNS's cache-flush and "QU"
//! class bits.

use super::bits::{be16, be32, bitfield};
use super::Node;
use crate::decode::dns::type_name;
use crate::decode::Network;
use crate::fields::{PacketView, Value};
use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

mod edns;
mod names;
mod rdata;
mod record;

use names::{class_name, long_type, opcode_name, rcode_name};
use record::record;

/// Most compression pointers followed in one name.
const MAX_NAME_HOPS: usize = 64;
/// Most earlier or later packets of the conversation searched for the
/// matching query or response.
const MAX_MATCH_WALK: usize = 10_000;

/// A name at `at`: its text, the offset after it, its label count.
fn name(msg: &[u8], mut at: usize) -> Option<(String, usize, usize)> {
    let mut out = String::new();
    let mut after = None;
    let mut labels = 0;
    let mut hops = 0;
    loop {
        let len = *msg.get(at)?;
        if len == 0 {
            if out.is_empty() {
                out.push_str("<Root>");
            }
            return Some((out, after.unwrap_or(at + 1), labels));
        }
        if len & 0xc0 == 0xc0 {
            hops += 1;
            if hops > MAX_NAME_HOPS {
                return None;
            }
            after.get_or_insert(at + 2);
            at = usize::from(be16(msg, at)? & 0x3fff);
            continue;
        }
        if len & 0xc0 != 0 || out.len() > 255 {
            return None;
        }
        let label = msg.get(at + 1..at + 1 + usize::from(len))?;
        if !out.is_empty() {
            out.push('.');
        }
        for &c in label {
            if c.is_ascii_graphic() {
                out.push(c as char);
            } else {
                out.push_str(&format!("\\{c:03}"));
            }
        }
        labels += 1;
        at += 1 + usize::from(len);
    }
}

/// The DNS transaction id and QR bit of a UDP packet, if it is DNS.
fn id_of(view: &PacketView<'_>, index: usize) -> Option<(u16, bool)> {
    let d = view.trace.store.decode(index);
    let p = d.payload();
    Some((be16(p, 0)?, p.get(2)? & 0x80 != 0))
}

/// Which protocol of the DNS shape a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Dns,
    /// Multicast DNS (UDP 5353): the class's top bit is "QU"/cache flush.
    Mdns,
    /// LLMNR (UDP 5355): the conflict and tentative flags.
    Llmnr,
}

impl Flavor {
    fn layer(self) -> (&'static str, &'static str) {
        match self {
            Flavor::Dns => ("dns", "Domain Name System"),
            Flavor::Mdns => ("mdns", "Multicast Domain Name System"),
            Flavor::Llmnr => ("llmnr", "Link-local Multicast Name Resolution"),
        }
    }
}

pub fn dns(view: &PacketView<'_>, msg: &[u8], at: usize) -> Option<Node> {
    dns_as(view, msg, at, Flavor::Dns)
}

/// The layer of a message of the DNS shape at frame offset `at`, linked to
/// the other messages of the packet's conversation.
pub fn dns_as(view: &PacketView<'_>, msg: &[u8], at: usize, flavor: Flavor) -> Option<Node> {
    let store = &view.trace.store;
    let conv = view
        .trace
        .conversations
        .of_packet(store, view.index)
        .map(|(c, _)| c);
    dns_in(view, msg, at, flavor, conv)
}

/// [`dns_as`] in conversation `conv` (that of a datagram reassembled from
/// fragments, which the conversation table does not hold; `None`: no
/// earlier packet of it).
pub fn dns_in(
    view: &PacketView<'_>,
    msg: &[u8],
    at: usize,
    flavor: Flavor,
    conv: Option<&crate::flow::Conversation>,
) -> Option<Node> {
    let mut n = message(msg, at, flavor)?;
    let id = be16(msg, 0)?;
    let response = be16(msg, 2)? & 0x8000 != 0;
    links(view, conv, &mut n, id, response);
    Some(n)
}

/// The layer of a message, without its links.
fn message(msg: &[u8], at: usize, flavor: Flavor) -> Option<Node> {
    let id = be16(msg, 0)?;
    let flags = be16(msg, 2)?;
    let counts = [be16(msg, 4)?, be16(msg, 6)?, be16(msg, 8)?, be16(msg, 10)?];
    let response = flags & 0x8000 != 0;
    let (abbrev, title) = flavor.layer();
    let mut n = Node::field(
        abbrev,
        format!("{title} ({})", if response { "response" } else { "query" }),
        at..at + msg.len(),
        Value::Present,
    );
    n.add(Node::field(
        "dns.id",
        format!("Transaction ID: 0x{id:04x}"),
        at..at + 2,
        Value::Hex(u64::from(id), 4),
    ));
    let opcode = (flags >> 11) & 0xf;
    let rcode = flags & 0xf;
    let mut summary = opcode_name(opcode).to_string();
    if response {
        summary.push_str(&format!(" response, {}", rcode_name(rcode)));
    }
    let fr = at + 2..at + 4;
    let fv = u64::from(flags);
    let f = n.add(Node::field(
        "dns.flags",
        format!("Flags: 0x{flags:04x} {summary}"),
        fr.clone(),
        Value::Hex(fv, 4),
    ));
    let bit = |f: &mut Node, abbrev: &'static str, mask: u64, label: &str, on: &str, off: &str| {
        f.add(super::bits::flag16(
            fv,
            fr.clone(),
            abbrev,
            mask,
            (label, on, off),
        ));
    };
    bit(
        f,
        "dns.flags.response",
        0x8000,
        "Response",
        "Message is a response",
        "Message is a query",
    );
    f.add(
        Node::field(
            "dns.flags.opcode",
            bitfield(
                fv,
                0x7800,
                16,
                &format!("Opcode: {} ({opcode})", opcode_name(opcode)),
            ),
            fr.clone(),
            Value::UInt(u64::from(opcode)),
        )
        .masked(0x7800),
    );
    if flavor == Flavor::Llmnr {
        llmnr_flags(f, fv, &fr, response, rcode);
        return Some(rest(n, msg, at, counts, flavor));
    }
    if response {
        bit(
            f,
            "dns.flags.authoritative",
            0x0400,
            "Authoritative",
            "Server is an authority for domain",
            "Server is not an authority for domain",
        );
    }
    bit(
        f,
        "dns.flags.truncated",
        0x0200,
        "Truncated",
        "Message is truncated",
        "Message is not truncated",
    );
    bit(
        f,
        "dns.flags.recdesired",
        0x0100,
        "Recursion desired",
        "Do query recursively",
        "Don't do query recursively",
    );
    if response {
        bit(
            f,
            "dns.flags.recavail",
            0x0080,
            "Recursion available",
            "Server can do recursive queries",
            "Server can't do recursive queries",
        );
    }
    let z = (fv >> 6) & 1;
    f.add(
        Node::field(
            "dns.flags.z",
            bitfield(fv, 0x0040, 16, &format!("Z: reserved ({z})")),
            fr.clone(),
            Value::UInt(z),
        )
        .masked(0x0040),
    );
    if !response && fv & 0x0020 != 0 {
        // A query shows the AD bit only when it is set (RFC 6840 5.7).
        f.add(
            Node::field(
                "dns.flags.authenticated",
                bitfield(fv, 0x0020, 16, "AD bit: Set"),
                fr.clone(),
                Value::Bool(true),
            )
            .masked(0x0020),
        );
    }
    if response {
        bit(
            f,
            "dns.flags.authenticated",
            0x0020,
            "Answer authenticated",
            "Answer/authority portion was authenticated by the server",
            "Answer/authority portion was not authenticated by the server",
        );
    }
    bit(
        f,
        "dns.flags.checkdisable",
        0x0010,
        "Non-authenticated data",
        "Acceptable",
        "Unacceptable",
    );
    if response {
        f.add(
            Node::field(
                "dns.flags.rcode",
                bitfield(
                    fv,
                    0x000f,
                    16,
                    &format!("Reply code: {} ({rcode})", rcode_name(rcode)),
                ),
                fr.clone(),
                Value::UInt(u64::from(rcode)),
            )
            .masked(0x000f),
        );
    }
    Some(rest(n, msg, at, counts, flavor))
}

/// LLMNR's flags (RFC 4795 2.1.1): C and T where DNS has AA and RD.
fn llmnr_flags(f: &mut Node, fv: u64, fr: &std::ops::Range<usize>, response: bool, rcode: u16) {
    let mut add = |abbrev: &'static str, mask: u64, text: String| {
        f.add(
            Node::field(
                abbrev,
                bitfield(fv, mask, 16, &text),
                fr.clone(),
                Value::Bool(fv & mask != 0),
            )
            .masked(mask),
        );
    };
    let on = |mask: u64| fv & mask != 0;
    add(
        "dns.flags.conflict",
        0x0400,
        format!(
            "Conflict: {}",
            if on(0x0400) {
                "The name is not considered unique"
            } else {
                "None"
            }
        ),
    );
    add(
        "dns.flags.truncated",
        0x0200,
        format!(
            "Truncated: {}",
            if on(0x0200) {
                "Message is truncated"
            } else {
                "Message is not truncated"
            }
        ),
    );
    add(
        "dns.flags.tentative",
        0x0100,
        format!(
            "Tentative: {}",
            if on(0x0100) {
                "Tentative"
            } else {
                "Not tentative"
            }
        ),
    );
    if response {
        add(
            "dns.flags.rcode",
            0x000f,
            format!("Reply code: {} ({rcode})", rcode_name(rcode)),
        );
    }
}

/// The counts, questions and records after the flags.
fn rest(mut n: Node, msg: &[u8], at: usize, counts: [u16; 4], flavor: Flavor) -> Node {
    let mdns = flavor == Flavor::Mdns;
    for (i, (abbrev, label)) in [
        ("dns.count.queries", "Questions"),
        ("dns.count.answers", "Answer RRs"),
        ("dns.count.auth_rr", "Authority RRs"),
        ("dns.count.add_rr", "Additional RRs"),
    ]
    .into_iter()
    .enumerate()
    {
        let o = at + 4 + 2 * i;
        n.add(Node::field(
            abbrev,
            format!("{label}: {}", counts[i]),
            o..o + 2,
            Value::UInt(u64::from(counts[i])),
        ));
    }
    let mut pos = 12;
    let mut nodes = 0usize;
    if counts[0] > 0 {
        let mut q = Node::text("Queries", at + pos..at + pos);
        for _ in 0..counts[0] {
            let Some((qname, after, labels)) = name(msg, pos) else {
                break;
            };
            let (Some(t), Some(c)) = (be16(msg, after), be16(msg, after + 2)) else {
                break;
            };
            let r = at + pos..at + after + 4;
            let qu = if !mdns {
                ""
            } else if c & 0x8000 != 0 {
                ", \"QU\" question"
            } else {
                ", \"QM\" question"
            };
            let mut e = Node::text(
                format!(
                    "{qname}: type {}, class {}{qu}",
                    type_name(t),
                    class_name(c)
                ),
                r,
            );
            e.add(Node::field(
                "dns.qry.name",
                format!("Name: {qname}"),
                at + pos..at + after,
                Value::Str(Cow::Owned(qname.clone())),
            ));
            let name_len = if qname == "<Root>" { 6 } else { qname.len() };
            e.add(Node::field(
                "dns.qry.name.len",
                format!("[Name Length: {name_len}]"),
                at + pos..at + after,
                Value::UInt(name_len as u64),
            ));
            e.add(Node::field(
                "dns.count.labels",
                format!("[Label Count: {labels}]"),
                at + pos..at + after,
                Value::UInt(labels as u64),
            ));
            e.add(Node::field(
                "dns.qry.type",
                format!("Type: {}", long_type(t)),
                at + after..at + after + 2,
                Value::UInt(u64::from(t)),
            ));
            let cr = at + after + 2..at + after + 4;
            if mdns {
                mdns_class(
                    &mut e,
                    c,
                    cr,
                    ("dns.qry.class", "dns.qry.qu", "\"QU\" question"),
                );
            } else {
                e.add(Node::field(
                    "dns.qry.class",
                    format!("Class: {} (0x{c:04x})", class_name(c)),
                    cr,
                    Value::Hex(u64::from(c), 4),
                ));
            }
            q.bytes.end = at + after + 4;
            q.add(e);
            pos = after + 4;
            nodes += 1;
        }
        n.add(q);
    }
    for (k, label) in [
        (1, "Answers"),
        (2, "Authoritative nameservers"),
        (3, "Additional records"),
    ] {
        if counts[k] == 0 {
            continue;
        }
        let mut sec = Node::text(label, at + pos..at + pos);
        for _ in 0..counts[k] {
            if nodes > super::MAX_NODES / 8 {
                break;
            }
            let Some(rr) = record(msg, pos, at, mdns) else {
                break;
            };
            pos = rr.1;
            sec.bytes.end = at + pos;
            sec.add(rr.0);
            nodes += 1;
        }
        n.add(sec);
    }
    n
}

/// mDNS's class: its low 15 bits, then the top bit ("QU" in a question,
/// cache flush in a record) as its own flag.
fn mdns_class(
    e: &mut Node,
    c: u16,
    r: std::ops::Range<usize>,
    (class, bit, label): (&'static str, &'static str, &str),
) {
    let cv = u64::from(c);
    e.add(
        Node::field(
            class,
            bitfield(
                cv,
                0x7fff,
                16,
                &format!("Class: {} (0x{:04x})", class_name(c), c & 0x7fff),
            ),
            r.clone(),
            Value::Hex(cv & 0x7fff, 4),
        )
        .masked(0x7fff),
    );
    let set = c & 0x8000 != 0;
    e.add(
        Node::field(
            bit,
            bitfield(
                cv,
                0x8000,
                16,
                &format!("{label}: {}", if set { "True" } else { "False" }),
            ),
            r,
            Value::Bool(set),
        )
        .masked(0x8000),
    );
}

/// "1 hour, 2 minutes, 3 seconds", as tshark words a TTL.
pub(super) fn duration(s: u32) -> String {
    if s == 0 {
        return "0 seconds".into();
    }
    let parts = [
        (s / 86_400, "day"),
        (s / 3600 % 24, "hour"),
        (s / 60 % 60, "minute"),
        (s % 60, "second"),
    ];
    parts
        .iter()
        .filter(|(v, _)| *v > 0)
        .map(|(v, w)| format!("{v} {w}{}", if *v == 1 { "" } else { "s" }))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `[Request In: N]` and `[Time: ...]` on a response: the nearest earlier
/// packet of the conversation with the same id and the other QR bit, or
/// `[Unsolicited: True]` without one; on a query, the first earlier query
/// with its id makes it a retransmission. (A query's `[Response In]` needs
/// a second pass; `tshark -V` leaves it out.)
fn links(
    view: &PacketView<'_>,
    conv: Option<&crate::flow::Conversation>,
    n: &mut Node,
    id: u16,
    response: bool,
) {
    let store = &view.trace.store;
    // Without a conversation only a reassembled datagram is linked (to
    // nothing earlier: a response is unsolicited).
    if conv.is_none()
        && !matches!(
            view.decoded.network,
            Network::Ipv6 { fragment: true, .. } | Network::Ipv4 { fragment: true, .. }
        )
    {
        return;
    }
    let mut found = None;
    let mut first_query = None;
    let packets = conv.into_iter().flat_map(|c| c.packets(store));
    for (steps, i) in packets.enumerate() {
        if steps >= MAX_MATCH_WALK {
            break;
        }
        if response && i >= view.index {
            break;
        }
        if i == view.index {
            continue;
        }
        let other = id_of(view, i);
        // A query repeats an earlier one with its id that no response
        // answered yet (tshark's transaction without a reply frame).
        if !response && i < view.index {
            if other == Some((id, false)) {
                first_query = first_query.or(Some(i));
            } else if other == Some((id, true)) {
                first_query = None;
            }
        }
        if other == Some((id, !response)) {
            found = Some(i);
            if !response && i > view.index {
                break;
            }
        }
    }
    if let Some(q) = first_query {
        n.add(Node::field(
            "dns.retransmit_request_in",
            format!("[Retransmitted request. Original request in: {}]", q + 1),
            0..0,
            Value::UInt(q as u64 + 1),
        ));
        let r = n.add(Node::field(
            "dns.retransmission",
            "[Retransmission: True]",
            0..0,
            Value::Bool(true),
        ));
        r.expert(
            "Warning",
            "Protocol",
            &format!(
                "DNS query retransmission. Original request in frame {}",
                q + 1
            ),
        );
    }
    let Some(other) = found else {
        if response {
            n.add(Node::field(
                "dns.unsolicited",
                "[Unsolicited: True]",
                0..0,
                Value::Bool(true),
            ));
        }
        return;
    };
    if !response && other < view.index {
        return;
    }
    if response {
        super::bits::request_link(
            view,
            n,
            other,
            ("dns.response_to", "Request In"),
            ("dns.time", "Time"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stop_on_pointer_loops() {
        let msg = [0xc0, 0x00];
        assert_eq!(name(&msg, 0), None);
        let msg = [3, b'w', b'w', b'w', 0];
        assert_eq!(name(&msg, 0), Some(("www".into(), 5, 1)));
        assert_eq!(duration(3725), "1 hour, 2 minutes, 5 seconds");
    }
}
