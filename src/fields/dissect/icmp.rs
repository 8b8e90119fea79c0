//! ICMP and ICMPv6: one layer shape (type and code with their names, the
//! checksum verified as tshark verifies it, the echo identifier and
//! sequence, the word after the checksum, the quoted packet of an error),
//! worded per protocol by a [`Wording`].

use super::bits::be16;
use super::Node;
use crate::decode::{Network, Transport};
use crate::fields::{PacketView, Value};
use crate::store::PacketStore;
use std::borrow::Cow;

/// What differs between ICMP and ICMPv6 in Wireshark's tree: names and
/// wording only.
struct Wording {
    proto: &'static str,
    title: &'static str,
    /// `Type: 3 (Destination unreachable)` (number first) or
    /// `Type: Destination Unreachable (1)`.
    number_first: bool,
    type_name: fn(u8) -> Option<&'static str>,
    code_name: fn(u8, u8) -> Option<&'static str>,
    type_field: &'static str,
    code_field: &'static str,
    /// ICMPv6's checksum also covers the IPv6 pseudo-header.
    pseudo_header: bool,
    checksum: &'static str,
    checksum_status: &'static str,
    /// Echo reply and request types.
    echo: [u8; 2],
    /// The identifier and sequence fields and their labels; ICMP also
    /// shows each read little-endian.
    ident: (&'static str, &'static str),
    seq: (&'static str, &'static str),
    little_endian_too: Option<(&'static str, &'static str)>,
    /// The request an echo reply answers, and the fields and labels of the
    /// reply's link to it and of the time since.
    request_of: fn(&PacketStore, usize) -> Option<usize>,
    resp_to: (&'static str, &'static str),
    resptime: (&'static str, &'static str),
    /// An error whose quote is no IP packet shows it as a Data layer.
    unparsed_quote_as_data: bool,
    /// (types, field, label) of the word after the checksum, as hex bytes.
    unused: (&'static [u8], &'static str, &'static str),
    /// (type, field, label) of the word after the checksum, as a number.
    number_word: &'static [(u8, &'static str, &'static str)],
}

const ICMP: Wording = Wording {
    proto: "icmp",
    title: "Internet Control Message Protocol",
    number_first: true,
    type_name: |t| Some(crate::fields::columns::icmp::type_name(t)),
    code_name: crate::fields::columns::icmp::code_name,
    type_field: "icmp.type",
    code_field: "icmp.code",
    pseudo_header: false,
    checksum: "icmp.checksum",
    checksum_status: "icmp.checksum.status",
    echo: [0, 8],
    ident: ("icmp.ident", "Identifier (BE)"),
    seq: ("icmp.seq", "Sequence Number (BE)"),
    little_endian_too: Some(("icmp.ident_le", "icmp.seq_le")),
    request_of: crate::fields::columns::icmp::request_of,
    resp_to: ("icmp.resp_to", "Request frame"),
    resptime: ("icmp.resptime", "Response time"),
    unparsed_quote_as_data: false,
    unused: (&[3, 11], "icmp.unused", "Unused"),
    number_word: &[],
};

const ICMPV6: Wording = Wording {
    proto: "icmpv6",
    title: "Internet Control Message Protocol v6",
    number_first: false,
    type_name: crate::fields::columns::icmpv6::type_name,
    code_name: crate::fields::columns::icmpv6::code_name,
    type_field: "icmpv6.type",
    code_field: "icmpv6.code",
    pseudo_header: true,
    checksum: "icmpv6.checksum",
    checksum_status: "icmpv6.checksum.status",
    echo: [129, 128],
    ident: ("icmpv6.echo.identifier", "Identifier"),
    seq: ("icmpv6.echo.sequence_number", "Sequence"),
    little_endian_too: None,
    request_of: crate::fields::columns::icmpv6::request_of,
    resp_to: ("icmpv6.resp_to", "Response To"),
    resptime: ("icmpv6.resptime", "Response Time"),
    unparsed_quote_as_data: true,
    unused: (&[1, 3], "icmpv6.reserved", "Reserved"),
    number_word: &[(2, "icmpv6.mtu", "MTU"), (4, "icmpv6.pointer", "Pointer")],
};

/// The one's-complement sum of `b` folded to 16 bits, added to `sum`.
fn ones_sum(b: &[u8], mut sum: u32) -> u32 {
    for c in b.chunks(2) {
        let w = u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)]);
        sum = sum.wrapping_add(u32::from(w));
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum
}

/// The checksum `msg` should carry (with its own checksum bytes taken as
/// zero), when the whole message was captured: ICMPv6 adds the IPv6
/// pseudo-header.
fn should_be(view: &PacketView<'_>, msg: &[u8], v6: bool) -> Option<u16> {
    let d = &view.decoded;
    let wire = d.l4_wire_len? as usize;
    if d.is_cut_by_snaplen() || d.header_truncated || msg.len() != wire || msg.len() < 4 {
        return None;
    }
    let mut sum = 0;
    if v6 {
        let Network::Ipv6 { header, .. } = &d.network else {
            return None;
        };
        sum = ones_sum(&header.source(), sum);
        sum = ones_sum(&header.destination(), sum);
        sum = ones_sum(&u32::try_from(msg.len()).ok()?.to_be_bytes(), sum);
        sum = ones_sum(&[0, 0, 0, 58], sum);
    }
    sum = ones_sum(&msg[..2], sum);
    sum = ones_sum(&msg[4..], sum);
    // A sum of zero is sent as 0xffff; both read as correct.
    Some(!(sum as u16))
}

fn checksum_nodes(view: &PacketView<'_>, w: &Wording, msg: &[u8], at: usize, n: &mut Node) {
    let ck = be16(msg, 2).unwrap_or(0);
    let (text, status, code) = match should_be(view, msg, w.pseudo_header) {
        Some(s) if s == ck || (s == 0xffff && ck == 0) => {
            (format!("Checksum: 0x{ck:04x} [correct]"), "Good", 1)
        }
        Some(s) => (
            format!("Checksum: 0x{ck:04x} incorrect, should be 0x{s:04x}"),
            "Bad",
            0,
        ),
        None => (
            format!("Checksum: 0x{ck:04x} [unverified]"),
            "Unverified",
            2,
        ),
    };
    let c = n.add(Node::field(
        w.checksum,
        text,
        at + 2..at + 4,
        Value::Hex(u64::from(ck), 4),
    ));
    if code == 0 {
        let s = should_be(view, msg, w.pseudo_header).unwrap_or(0);
        c.expert(
            "Warning",
            "Checksum",
            &format!("Bad checksum [should be 0x{s:04x}]"),
        );
    }
    n.add(Node::field(
        w.checksum_status,
        format!("[Checksum Status: {status}]"),
        0..0,
        Value::UInt(code),
    ));
}

fn echo_nodes(w: &Wording, b: &[u8], at: usize, n: &mut Node) {
    let (Some(id), Some(seq)) = (be16(b, 4), be16(b, 6)) else {
        return;
    };
    for (i, (v, (field, label))) in [(id, w.ident), (seq, w.seq)].into_iter().enumerate() {
        let r = at + 4 + 2 * i..at + 6 + 2 * i;
        let text = match w.little_endian_too {
            Some(_) => format!("{label}: {v} (0x{v:04x})"),
            None if i == 0 => format!("{label}: 0x{v:04x}"),
            None => format!("{label}: {v}"),
        };
        // ICMPv6's identifier is a hex field, its sequence a number.
        let value = if w.little_endian_too.is_none() && i == 0 {
            Value::Hex(u64::from(v), 4)
        } else {
            Value::UInt(u64::from(v))
        };
        n.add(Node::field(field, text, r.clone(), value));
        if let Some(le) = w.little_endian_too {
            let (field, label) = if i == 0 {
                (le.0, "Identifier (LE)")
            } else {
                (le.1, "Sequence Number (LE)")
            };
            let s = v.swap_bytes();
            n.add(Node::field(
                field,
                format!("{label}: {s} (0x{s:04x})"),
                r,
                Value::UInt(u64::from(s)),
            ));
        }
    }
}

/// A number as C's `%g` prints it (6 significant digits, no trailing
/// zeros), as tshark prints a double field.
fn general(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = 5 - v.abs().log10().floor() as i32;
    let s = format!("{:.*}", digits.max(0) as usize, v);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// An echo reply's link to its request and the time since, as tshark's
/// first pass shows them.
fn reply_link(view: &PacketView<'_>, w: &Wording, n: &mut Node) {
    let store = &view.trace.store;
    let Some(k) = (w.request_of)(store, view.index) else {
        return;
    };
    n.add(Node::field(
        w.resp_to.0,
        format!("[{}: {}]", w.resp_to.1, k + 1),
        0..0,
        Value::UInt(k as u64 + 1),
    ));
    let (Some(req), Some(rep)) = (store.entry(k), store.entry(view.index)) else {
        return;
    };
    if req.has_timestamp() && rep.has_timestamp() {
        let ms = (rep.ts_ns - req.ts_ns) as f64 / 1e6;
        n.add(Node::field(
            w.resptime.0,
            format!("[{}: {ms:.3} ms]", w.resptime.1),
            0..0,
            Value::Str(Cow::Owned(general(ms))),
        ));
    }
}

/// The ICMP or ICMPv6 layer of the packet (and the data layer of the
/// datagram an error quotes, which tshark prints after it).
pub fn layers(view: &PacketView<'_>, out: &mut Vec<Node>, protocols: &mut Vec<&'static str>) {
    let (w, b, t, c) = match &view.decoded.transport {
        Transport::Icmpv4(i) => (&ICMP, i.slice(), i.type_u8(), i.code_u8()),
        Transport::Icmpv6(i) => (&ICMPV6, i.slice(), i.type_u8(), i.code_u8()),
        _ => return,
    };
    let at = view.decoded.transport_offset.unwrap_or(0);
    protocols.push(w.proto);
    let mut n = Node::field(w.proto, w.title, at..at + b.len(), Value::Present);
    let name = (w.type_name)(t).unwrap_or("Unknown");
    let type_text = if w.number_first {
        format!("Type: {t} ({name})")
    } else {
        format!("Type: {name} ({t})")
    };
    n.add(Node::field(
        w.type_field,
        type_text,
        at..at + 1,
        Value::UInt(u64::from(t)),
    ));
    let code = match (w.code_name)(t, c) {
        Some(name) => format!("Code: {c} ({name})"),
        // ICMP's types with a list of codes name the others.
        None if w.proto == "icmp" && matches!(t, 3 | 5 | 11 | 12 | 42 | 43) => {
            format!("Code: {c} (Unknown code: {c})")
        }
        None => format!("Code: {c}"),
    };
    n.add(Node::field(
        w.code_field,
        code,
        at + 1..at + 2,
        Value::UInt(u64::from(c)),
    ));
    checksum_nodes(view, w, b, at, &mut n);
    if w.echo.contains(&t) {
        echo_nodes(w, b, at, &mut n);
        if t == w.echo[0] {
            reply_link(view, w, &mut n);
        }
        if let Some(payload) = b.get(8..).filter(|p| !p.is_empty()) {
            protocols.push("data");
            n.add(super::udp::data(payload, at + 8));
        }
    }
    let (types, field, label) = w.unused;
    let drawn = w.proto == "icmp" && v4_word(t, c, b, at, &mut n);
    if !drawn && types.contains(&t) && b.len() >= 8 {
        n.add(Node::field(
            field,
            format!("{label}: {}", super::udp::hex(&b[4..8])),
            at + 4..at + 8,
            super::bits::bytes_value(&b[4..8]),
        ));
    }
    if let Some((_, field, label)) = w.number_word.iter().find(|(ty, _, _)| *ty == t) {
        if let Some(v) = super::bits::be32(b, 4) {
            n.add(Node::field(
                field,
                format!("{label}: {v}"),
                at + 4..at + 8,
                Value::UInt(u64::from(v)),
            ));
        }
    }
    let quoted = crate::fields::quoted::quoted(&view.decoded).is_some();
    let data = super::udp::quoted_layers(view, at, &mut n, protocols);
    let error = (w.unused.0.contains(&t) || w.number_word.iter().any(|(ty, _, _)| *ty == t))
        && !w.echo.contains(&t);
    if error && !quoted && w.unparsed_quote_as_data {
        if let Some(rest) = b.get(8..).filter(|p| !p.is_empty()) {
            protocols.push("data");
            n.add(super::udp::data(rest, at + 8));
        }
    }
    out.push(n);
    out.extend(data);
}

/// The word after an ICMP checksum where tshark splits it: the next hop's
/// MTU of "fragmentation needed", a redirect's gateway, a parameter
/// problem's pointer, an extended echo request's fields and its extension
/// structure. Whether it was drawn.
fn v4_word(t: u8, c: u8, b: &[u8], at: usize, n: &mut Node) -> bool {
    let Some(word) = b.get(4..8) else {
        return false;
    };
    let r = |a: usize, z: usize| at + a..at + z;
    match (t, c) {
        (3, 4) => {
            let mtu = be16(b, 6).unwrap_or(0);
            n.add(Node::field(
                "icmp.unused",
                format!("Unused: {}", super::udp::hex(&word[..2])),
                r(4, 6),
                super::bits::bytes_value(&word[..2]),
            ));
            n.add(Node::field(
                "icmp.mtu",
                format!("MTU of next hop: {mtu}"),
                r(6, 8),
                Value::UInt(u64::from(mtu)),
            ));
        }
        (5, _) => {
            let g = std::net::Ipv4Addr::new(word[0], word[1], word[2], word[3]);
            n.add(Node::field(
                "icmp.redir_gw",
                format!("Gateway Address: {g}"),
                r(4, 8),
                Value::Ip(std::net::IpAddr::V4(g)),
            ));
        }
        (12, _) => {
            n.add(Node::field(
                "icmp.pointer",
                format!("Pointer: {}", word[0]),
                r(4, 5),
                Value::UInt(u64::from(word[0])),
            ));
            n.add(Node::field(
                "icmp.unused",
                format!("Unused: {}", super::udp::hex(&word[1..])),
                r(5, 8),
                super::bits::bytes_value(&word[1..]),
            ));
        }
        (42, _) => {
            let id = be16(b, 4).unwrap_or(0);
            let s = id.swap_bytes();
            n.add(Node::field(
                "icmp.ident",
                format!("Identifier (BE): {id} (0x{id:04x})"),
                r(4, 6),
                Value::UInt(u64::from(id)),
            ));
            n.add(Node::field(
                "icmp.ident_le",
                format!("Identifier (LE): {s} (0x{s:04x})"),
                r(4, 6),
                Value::UInt(u64::from(s)),
            ));
            n.add(Node::field(
                "icmp.seq",
                format!("Sequence Number: {} (0x{:02x})", word[2], word[2]),
                r(6, 7),
                Value::UInt(u64::from(word[2])),
            ));
            let v = u64::from(word[3]);
            n.add(
                Node::field(
                    "icmp.ext.res",
                    super::bits::bitfield(v, 0xfe, 8, &format!("Reserved: 0x{:02x}", v >> 1)),
                    r(7, 8),
                    Value::Hex(v >> 1, 2),
                )
                .masked(0xfe),
            );
            let local = v & 1 != 0;
            n.add(
                Node::field(
                    "icmp.int_info.l",
                    super::bits::bitfield(
                        v,
                        0x01,
                        8,
                        &format!("Local bit: {}", super::bits::set(local)),
                    ),
                    r(7, 8),
                    Value::Bool(local),
                )
                .masked(0x01),
            );
            if let Some(ext) = b.get(8..).filter(|e| e.len() >= 4) {
                n.add(extensions(ext, at + 8));
            }
        }
        _ => return false,
    }
    true
}

/// An ICMP extension structure (RFC 4884) of a version other than 2,
/// which tshark does not read past its header and checksum.
fn extensions(ext: &[u8], at: usize) -> Node {
    let head = u64::from(be16(ext, 0).unwrap_or(0));
    let version = head >> 12;
    let mut n = Node::field(
        "icmp.ext",
        if version == 2 {
            "ICMP Multi-Part Extensions"
        } else {
            "ICMP Multi-Part Extensions (unsupported version)"
        },
        at..at + ext.len(),
        Value::Present,
    );
    n.add(
        Node::field(
            "icmp.ext.version",
            format!("Version: {version}"),
            at..at + 1,
            Value::UInt(version),
        )
        .masked(0xf0),
    );
    n.add(
        Node::field(
            "icmp.ext.res",
            super::bits::bitfield(
                head,
                0x0fff,
                16,
                &format!("Reserved: 0x{:03x}", head & 0x0fff),
            ),
            at..at + 2,
            Value::Hex(head & 0x0fff, 3),
        )
        .masked(0x0fff),
    );
    let ck = be16(ext, 2).unwrap_or(0);
    let mut sum = ones_sum(ext.get(..2).unwrap_or_default(), 0);
    sum = ones_sum(ext.get(4..).unwrap_or_default(), sum);
    let should = !(sum as u16);
    let good = should == ck;
    let c = n.add(Node::field(
        "icmp.ext.checksum",
        if good {
            format!("Checksum: 0x{ck:04x} [correct]")
        } else {
            format!("Checksum: 0x{ck:04x} incorrect, should be 0x{should:04x}")
        },
        at + 2..at + 4,
        Value::Hex(u64::from(ck), 4),
    ));
    if !good {
        c.expert(
            "Warning",
            "Checksum",
            &format!("Bad checksum [should be 0x{should:04x}]"),
        );
    }
    n.add(Node::field(
        "icmp.ext.checksum.status",
        format!("[Checksum Status: {}]", if good { "Good" } else { "Bad" }),
        0..0,
        Value::UInt(u64::from(good)),
    ));
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_header_of_frame_19() {
        // The quoted IPv4 header tshark reads as an extension structure of
        // version 4 (icmp-ntp-ssdp-syslog.pcap, frame 19).
        let ext = [
            0x45, 0x00, 0x00, 0x21, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x66, 0xc9, 10, 0, 0, 1,
            10, 0, 0, 2, 0x9c, 0x40, 0x82, 0x9a, 0x00, 0x0d, 0x89, 0x24,
        ];
        let n = extensions(&ext, 0);
        let texts: Vec<&str> = n.children.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(n.text, "ICMP Multi-Part Extensions (unsupported version)");
        assert_eq!(texts[0], "Version: 4");
        assert_eq!(texts[1], ".... 0101 0000 0000 = Reserved: 0x500");
        assert_eq!(texts[2], "Checksum: 0x0021 incorrect, should be 0x5814");
    }

    #[test]
    fn ones_complement_sum_folds() {
        // RFC 1071's example: 0001 f203 f4f5 f6f7 sums to 0xddf2.
        assert_eq!(
            ones_sum(&[0, 1, 0xf2, 3, 0xf4, 0xf5, 0xf6, 0xf7], 0),
            0xddf2
        );
        // An odd length pads with a zero byte.
        assert_eq!(ones_sum(&[0x12], 0), 0x1200);
    }

    #[test]
    fn doubles_print_as_percent_g() {
        assert_eq!(general(1.0), "1");
        assert_eq!(general(0.5), "0.5");
        assert_eq!(general(1.2345678), "1.23457");
        assert_eq!(general(123.0004), "123");
    }

    #[test]
    fn wordings_differ_only_in_data() {
        assert_eq!((ICMP.type_name)(3), Some("Destination unreachable"));
        assert_eq!((ICMPV6.type_name)(1), Some("Destination Unreachable"));
        assert_eq!((ICMPV6.code_name)(1, 4), Some("Port unreachable"));
    }
}
