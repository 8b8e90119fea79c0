//! NetBIOS Name Service (UDP 137) as tshark 4.0 draws it: DNS's header
//! shape (id, flags bit by bit with NBNS's broadcast bit, counts), the
//! questions, and the records with their NB entries (name flags and
//! address). Names are decoded by `decode::app::nbns`.

use super::bits::{be16, be32, bitfield};
use super::Node;
use crate::decode::app::nbns::{name, type_name};
use crate::fields::Value;
use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr};

/// Most records drawn per section (the counts are 16-bit and hostile).
const MAX_RECORDS: usize = 256;

fn opcode_name(o: u16) -> &'static str {
    match o {
        0 => "Name query",
        5 => "Registration",
        6 => "Release",
        7 => "Wait for acknowledgment",
        8 => "Refresh",
        9 => "Refresh (alternate opcode)",
        15 => "Multi-homed registration",
        _ => "Unknown operation",
    }
}

fn rcode_name(r: u16) -> &'static str {
    match r {
        0 => "No error",
        1 => "Request was invalidly formatted",
        2 => "Server failure",
        3 => "Requested name does not exist",
        4 => "Request is not implemented",
        5 => "Request was refused",
        6 => "Name is owned by another node",
        7 => "Name is in conflict",
        _ => "Unknown",
    }
}

/// What a name's suffix byte says (tshark's `nb_name_type_vals`, the
/// common ones).
fn suffix_name(s: u8) -> &'static str {
    match s {
        0x00 => "Workstation/Redirector",
        0x01 => "Browser",
        0x02 => "Workstation/Redirector",
        0x03 => "Messenger service/Main name",
        0x05 => "Forwarded name",
        0x06 => "RAS Server service",
        0x1b => "Domain Master Browser",
        0x1c => "Domain Controllers",
        0x1d => "Local Master Browser",
        0x1e => "Browser Election Service",
        0x1f => "Net DDE Service",
        0x20 => "Server service",
        0x21 => "RAS client service",
        0x22 => "Exchange Interchange (MSMail Connector)",
        0x23 => "Exchange Store",
        0x24 => "Exchange Directory",
        0x2b => "Lotus Notes Server service",
        0x30 => "Modem sharing server service",
        0x31 => "Modem sharing client service",
        0x43 => "SMS Clients Remote Control",
        0x44 => "SMS Administrators Remote Control Tool",
        0x45 => "SMS Clients Remote Chat",
        0x46 => "SMS Clients Remote Transfer",
        0x4c => "DEC Pathworks TCP/IP Service on Windows NT",
        0x52 => "DEC Pathworks TCP/IP Service on Windows NT",
        0x6a => "Microsoft Exchange IMC",
        0x87 => "Microsoft Exchange MTA",
        0xbe => "Network Monitor Agent",
        0xbf => "Network Monitor Analyzer",
        _ => "Unknown",
    }
}

fn class_name(c: u16) -> String {
    match c {
        1 => "IN".into(),
        c => format!("Unknown ({c})"),
    }
}

/// The NBNS layer of a datagram's payload at frame offset `at`.
pub fn layer(msg: &[u8], at: usize) -> Option<Node> {
    let id = be16(msg, 0)?;
    let flags = be16(msg, 2)?;
    let counts = [be16(msg, 4)?, be16(msg, 6)?, be16(msg, 8)?, be16(msg, 10)?];
    let response = flags & 0x8000 != 0;
    let opcode = (flags >> 11) & 0xf;
    let rcode = flags & 0xf;
    let mut n = Node::field(
        "nbns",
        "NetBIOS Name Service",
        at..at + msg.len(),
        Value::Present,
    );
    n.add(Node::field(
        "nbns.id",
        format!("Transaction ID: 0x{id:04x}"),
        at..at + 2,
        Value::Hex(u64::from(id), 4),
    ));
    let fv = u64::from(flags);
    let mut summary = String::new();
    if response {
        summary.push_str("Response, ");
    }
    summary.push_str("Opcode: ");
    summary.push_str(opcode_name(opcode));
    for (mask, word, only_response) in [
        (0x0400, "Authoritative", true),
        (0x0200, "Truncated", false),
        (0x0100, "Recursion desired", false),
        (0x0080, "Recursion available", true),
        (0x0010, "Broadcast", false),
    ] {
        if fv & mask != 0 && (response || !only_response) {
            summary.push_str(", ");
            summary.push_str(word);
        }
    }
    if response {
        summary.push_str(", Reply code: ");
        summary.push_str(rcode_name(rcode));
    }
    let fr = at + 2..at + 4;
    let f = n.add(Node::field(
        "nbns.flags",
        format!("Flags: 0x{flags:04x}, {summary}"),
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
        "nbns.flags.response",
        0x8000,
        "Response",
        "Message is a response",
        "Message is a query",
    );
    f.add(
        Node::field(
            "nbns.flags.opcode",
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
    if response {
        bit(
            f,
            "nbns.flags.authoritative",
            0x0400,
            "Authoritative",
            "Server is an authority for domain",
            "Server is not an authority for domain",
        );
    }
    bit(
        f,
        "nbns.flags.truncated",
        0x0200,
        "Truncated",
        "Message is truncated",
        "Message is not truncated",
    );
    bit(
        f,
        "nbns.flags.recdesired",
        0x0100,
        "Recursion desired",
        "Do query recursively",
        "Don't do query recursively",
    );
    if response {
        bit(
            f,
            "nbns.flags.recavail",
            0x0080,
            "Recursion available",
            "Server can do recursive queries",
            "Server can't do recursive queries",
        );
    }
    bit(
        f,
        "nbns.flags.broadcast",
        0x0010,
        "Broadcast",
        "Broadcast packet",
        "Not a broadcast packet",
    );
    if response {
        f.add(
            Node::field(
                "nbns.flags.rcode",
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
    for (i, (abbrev, label)) in [
        ("nbns.count.queries", "Questions"),
        ("nbns.count.answers", "Answer RRs"),
        ("nbns.count.auth_rr", "Authority RRs"),
        ("nbns.count.add_rr", "Additional RRs"),
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
    for (k, label) in [
        (0, "Queries"),
        (1, "Answers"),
        (2, "Authoritative nameservers"),
        (3, "Additional records"),
    ] {
        if counts[k] == 0 {
            continue;
        }
        let mut sec = Node::text(label, at + pos..at + pos);
        for _ in 0..usize::from(counts[k]).min(MAX_RECORDS) {
            let Some((e, after)) = entry(msg, pos, at, k > 0) else {
                break;
            };
            pos = after;
            sec.bytes.end = at + pos;
            sec.add(e);
        }
        n.add(sec);
    }
    Some(n)
}

/// A name at `pos`, or a DNS-style pointer to one.
fn name_at(msg: &[u8], pos: usize) -> Option<(String, usize)> {
    if msg.get(pos).is_some_and(|&b| b & 0xc0 == 0xc0) {
        let target = usize::from(be16(msg, pos)? & 0x3fff);
        return name(msg, target).map(|(n, _)| (n, pos + 2));
    }
    name(msg, pos)
}

/// A question (`record` false) or resource record at `pos`.
fn entry(msg: &[u8], pos: usize, at: usize, record: bool) -> Option<(Node, usize)> {
    let (nm, after) = name_at(msg, pos)?;
    let t = be16(msg, after)?;
    let c = be16(msg, after + 2)?;
    let suffix = u8::from_str_radix(nm.get(nm.len().saturating_sub(3)..nm.len() - 1)?, 16).ok()?;
    let mut end = after + 4;
    let mut e = Node::text(
        format!("{nm}: type {}, class {}", type_name(t), class_name(c)),
        at + pos..at + end,
    );
    e.add(Node::field(
        "nbns.name",
        format!("Name: {nm} ({})", suffix_name(suffix)),
        at + pos..at + after,
        Value::Str(Cow::Owned(nm.clone())),
    ));
    e.add(Node::field(
        "nbns.type",
        format!("Type: {} ({t})", type_name(t)),
        at + after..at + after + 2,
        Value::UInt(u64::from(t)),
    ));
    e.add(Node::field(
        "nbns.class",
        format!("Class: {} ({c})", class_name(c)),
        at + after + 2..at + after + 4,
        Value::UInt(u64::from(c)),
    ));
    if !record {
        return Some((e, end));
    }
    let ttl = be32(msg, after + 4)?;
    let len = usize::from(be16(msg, after + 8)?);
    let data_at = after + 10;
    let data = msg.get(data_at..data_at + len)?;
    end = data_at + len;
    e.bytes.end = at + end;
    e.add(Node::field(
        "nbns.ttl",
        format!("Time to live: {}", super::dns::duration(ttl)),
        at + after + 4..at + after + 8,
        Value::UInt(u64::from(ttl)),
    ));
    e.add(Node::field(
        "nbns.data_length",
        format!("Data length: {len}"),
        at + after + 8..at + data_at,
        Value::UInt(len as u64),
    ));
    if t == 0x20 {
        for (i, nb) in data.chunks_exact(6).enumerate() {
            let o = at + data_at + 6 * i;
            let nf = u64::from(u16::from_be_bytes([nb[0], nb[1]]));
            let group = nf & 0x8000 != 0;
            let ont = (nf >> 13) & 3;
            let ont_name = ["B-node", "P-node", "M-node", "Unknown"][ont as usize];
            let node = ["B-node", "P-node", "M-node", "H-node"][ont as usize];
            let kind = if group { "group" } else { "unique" };
            let f = e.add(Node::field(
                "nbns.nb_flags",
                format!(
                    "Name flags: 0x{nf:04x}, {}ONT: {ont_name} ({node}, {kind})",
                    if group { "Name type, " } else { "" }
                ),
                o..o + 2,
                Value::Hex(nf, 4),
            ));
            f.add(
                Node::field(
                    "nbns.nb_flags.group",
                    bitfield(
                        nf,
                        0x8000,
                        16,
                        if group {
                            "Name type: Group name"
                        } else {
                            "Name type: Unique name"
                        },
                    ),
                    o..o + 2,
                    Value::Bool(group),
                )
                .masked(0x8000),
            );
            f.add(
                Node::field(
                    "nbns.nb_flags.ont",
                    bitfield(nf, 0x6000, 16, &format!("ONT: {ont_name} ({ont})")),
                    o..o + 2,
                    Value::UInt(ont),
                )
                .masked(0x6000),
            );
            let a = Ipv4Addr::new(nb[2], nb[3], nb[4], nb[5]);
            e.add(Node::field(
                "nbns.addr",
                format!("Addr: {a}"),
                o + 2..o + 6,
                Value::Ip(IpAddr::V4(a)),
            ));
        }
    }
    Some((e, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(n: &str, suffix: u8) -> Vec<u8> {
        let mut raw = format!("{n:<15}").into_bytes();
        raw.push(suffix);
        let mut v = vec![32u8];
        for c in raw {
            v.push(b'A' + (c >> 4));
            v.push(b'A' + (c & 15));
        }
        v.push(0);
        v
    }

    #[test]
    fn response_as_tshark() {
        let mut r = vec![0x12, 0x34, 0x85, 0x00, 0, 0, 0, 1, 0, 0, 0, 0];
        r.extend(encode("HOST", 0));
        r.extend_from_slice(&[0, 0x20, 0, 1, 0, 4, 0x93, 0xe0, 0, 6, 0x60, 0, 10, 0, 0, 5]);
        let n = layer(&r, 0).expect("nbns");
        assert_eq!(
            n.children[1].text,
            "Flags: 0x8500, Response, Opcode: Name query, Authoritative, Recursion desired, Reply code: No error"
        );
        let rr = &n.children[6].children[0];
        let t: Vec<&str> = rr.children.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            t,
            [
                "Name: HOST<00> (Workstation/Redirector)",
                "Type: NB (32)",
                "Class: IN (1)",
                "Time to live: 3 days, 11 hours, 20 minutes",
                "Data length: 6",
                "Name flags: 0x6000, ONT: Unknown (H-node, unique)",
                "Addr: 10.0.0.5",
            ]
        );
        for cut in 0..r.len() {
            let _ = layer(&r[..cut], 0);
        }
    }
}
