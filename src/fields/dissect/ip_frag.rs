//! IP fragments: IPv6's "Fragment Header for IPv6" under the IPv6 layer,
//! the `Data` of an IPv4 or IPv6 fragment that does not complete its
//! datagram, and at the last fragment of one whose fragments were all
//! captured the reassembly lines
//! (`[2 IPv6 Fragments (1254 bytes): #1(1232), #2(22)]`, one line per
//! fragment, the count and the reassembled length and data) and the layers
//! of the reassembled datagram (UDP and what it carries), as tshark 4.0
//! draws them. The reassembly itself is the packet list's
//! (`columns::ip_fragments::reassemble`).

use super::bits::{bitfield, bytes, bytes_value, detach, hex_shown};
use super::ip::proto_name;
use super::Node;
use crate::decode::Network;
use crate::fields::columns::ip_fragments::{ipv6_fragment, reassemble, Reassembled};
use crate::fields::{PacketView, Value};

/// The "Fragment Header for IPv6" of the 8 bytes `h` at frame offset `at`.
fn fragment_header(h: &[u8], at: usize) -> Option<Node> {
    let (&next, &reserved) = (h.first()?, h.get(1)?);
    let word = u64::from(super::bits::be16(h, 2)?);
    let ident = super::bits::be32(h, 4)?;
    let mut n = Node::field(
        "ipv6.fraghdr",
        "Fragment Header for IPv6",
        at..at + 8,
        Value::Present,
    );
    n.add(Node::field(
        "ipv6.fraghdr.nxt",
        format!("Next header: {} ({next})", proto_name(next)),
        at..at + 1,
        Value::UInt(u64::from(next)),
    ));
    n.add(Node::field(
        "ipv6.fraghdr.reserved_octet",
        format!("Reserved octet: 0x{reserved:02x}"),
        at + 1..at + 2,
        Value::Hex(u64::from(reserved), 2),
    ));
    let units = word >> 3;
    n.add(
        Node::field(
            "ipv6.fraghdr.offset",
            bitfield(
                word,
                0xfff8,
                16,
                &format!("Offset: {units} ({} bytes)", units * 8),
            ),
            at + 2..at + 4,
            Value::UInt(units),
        )
        .masked(0xfff8),
    );
    let rb = (word >> 1) & 3;
    n.add(
        Node::field(
            "ipv6.fraghdr.reserved_bits",
            bitfield(word, 0x0006, 16, &format!("Reserved bits: {rb}")),
            at + 2..at + 4,
            Value::UInt(rb),
        )
        .masked(0x0006),
    );
    let more = word & 1 != 0;
    n.add(
        Node::field(
            "ipv6.fraghdr.more",
            bitfield(
                word,
                0x0001,
                16,
                &format!("More Fragments: {}", if more { "Yes" } else { "No" }),
            ),
            at + 2..at + 4,
            Value::Bool(more),
        )
        .masked(0x0001),
    );
    n.add(Node::field(
        "ipv6.fraghdr.ident",
        format!("Identification: 0x{ident:08x}"),
        at + 4..at + 8,
        Value::Hex(u64::from(ident), 8),
    ));
    Some(n)
}

/// Names of the reassembly lines of one IP version.
struct Family {
    /// "IPv4", "IPv6".
    label: &'static str,
    fragments: &'static str,
    fragment: &'static str,
    count: &'static str,
    length: &'static str,
    data: &'static str,
}

const V4: Family = Family {
    label: "IPv4",
    fragments: "ip.fragments",
    fragment: "ip.fragment",
    count: "ip.fragment.count",
    length: "ip.reassembled.length",
    data: "ip.reassembled.data",
};

const V6: Family = Family {
    label: "IPv6",
    fragments: "ipv6.fragments",
    fragment: "ipv6.fragment",
    count: "ipv6.fragment.count",
    length: "ipv6.reassembled.length",
    data: "ipv6.reassembled.data",
};

/// The reassembly lines tshark adds to the IP layer of the fragment that
/// completes a datagram.
fn reassembly_nodes(f: &Family, r: &Reassembled) -> Vec<Node> {
    let total = r.datagram.len();
    let list: Vec<String> = r
        .pieces
        .iter()
        .map(|p| format!("#{}({})", p.frame + 1, p.len))
        .collect();
    let mut head = Node::field(
        f.fragments,
        format!(
            "[{} {} Fragments ({}): {}]",
            r.pieces.len(),
            f.label,
            bytes(total),
            list.join(", ")
        ),
        0..0,
        Value::Present,
    );
    for p in &r.pieces {
        let first = p.offset as usize;
        let last = first.saturating_add(p.len).saturating_sub(1);
        head.add(Node::field(
            f.fragment,
            format!(
                "[Frame: {}, payload: {first}-{last} ({})]",
                p.frame + 1,
                bytes(p.len)
            ),
            0..0,
            Value::UInt(p.frame as u64 + 1),
        ));
    }
    head.add(Node::field(
        f.count,
        format!("[Fragment count: {}]", r.pieces.len()),
        0..0,
        Value::UInt(r.pieces.len() as u64),
    ));
    head.add(Node::field(
        f.length,
        format!("[Reassembled {} length: {total}]", f.label),
        0..0,
        Value::UInt(total as u64),
    ));
    head.add(Node::field(
        f.data,
        format!("[Reassembled {} data: {}]", f.label, hex_shown(&r.datagram)),
        0..0,
        bytes_value(&r.datagram),
    ));
    vec![head]
}

/// The layers of a reassembled UDP datagram (the bytes are not the frame's:
/// its nodes cover none of them).
fn reassembled_udp(
    view: &PacketView<'_>,
    datagram: &[u8],
    out: &mut Vec<Node>,
    protocols: &mut Vec<&'static str>,
) -> Option<()> {
    let be16 = |at| super::bits::be16(datagram, at);
    let h = super::udp::Header {
        src_port: be16(0)?,
        dst_port: be16(2)?,
        length: be16(4)?,
        checksum: be16(6)?,
    };
    // The UDP length bounds the payload, which the datagram bounds.
    let end = usize::from(h.length).min(datagram.len());
    let payload = datagram.get(8..end).unwrap_or_default();
    let (src, dst) = (view.decoded.ip_src()?, view.decoded.ip_dst()?);
    let conv = super::udp::conversation_before(view, (src, h.src_port), (dst, h.dst_port));
    let from = out.len();
    super::udp::datagram_layers(view, h, payload, 0, conv, out, protocols);
    for n in out.iter_mut().skip(from) {
        detach(n);
    }
    Some(())
}

/// What follows an IP fragment's header: its `Data`, or at the last
/// fragment the reassembly lines (added to the IP layer, the last of `out`)
/// and the reassembled datagram's layers. An IPv6 fragment header is drawn
/// under the IPv6 layer first.
pub fn layers(view: &PacketView<'_>, out: &mut Vec<Node>, protocols: &mut Vec<&'static str>) {
    let d = &view.decoded;
    let (family, payload, payload_at) = match &d.network {
        Network::Ipv6 {
            fragment: true,
            ext_len,
            ..
        } => {
            let Some(f) = ipv6_fragment(d) else {
                return;
            };
            // Only a fragment header right after the fixed header, the only
            // extension header, is drawn (others keep the extension
            // headers line).
            if f.at != d.network_offset + 40 || *ext_len != 8 {
                return;
            }
            let Some(header) = d
                .data
                .get(f.at..f.at + 8)
                .and_then(|h| fragment_header(h, f.at))
            else {
                return;
            };
            let Some(ip) = out.last_mut().filter(|n| n.abbrev == "ipv6") else {
                return;
            };
            ip.children
                .retain(|c| !c.text.starts_with("[Extension headers: "));
            ip.add(header);
            protocols.push("ipv6.fraghdr");
            (&V6, f.payload, f.at + 8)
        }
        Network::Ipv4 {
            header,
            fragment: true,
        } => {
            let start = d.network_offset + usize::from(header.ihl()) * 4;
            let end = (d.network_offset + usize::from(header.total_len())).min(d.data.len());
            let payload = d.data.get(start..end).unwrap_or_default();
            (&V4, payload, start)
        }
        _ => return,
    };
    let whole = reassemble(&view.trace.store, view.index).filter(|r| r.protocol == 17);
    let ip = out
        .last_mut()
        .filter(|n| n.abbrev == "ip" || n.abbrev == "ipv6");
    if let (Some(r), Some(ip)) = (whole, ip) {
        ip.children.extend(reassembly_nodes(family, &r));
        let before = (out.len(), protocols.len());
        if reassembled_udp(view, &r.datagram, out, protocols).is_some() {
            return;
        }
        out.truncate(before.0);
        protocols.truncate(before.1);
        if let Some(ip) = out.last_mut() {
            ip.children.retain(|c| c.abbrev != family.fragments);
        }
    }
    if !payload.is_empty() {
        protocols.push("data");
        out.push(super::udp::data(payload, payload_at));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragment_header_lines() {
        let h = [17, 0, 0x04, 0xd0, 0x12, 0x34, 0x56, 0x78];
        let n = fragment_header(&h, 54).expect("8 bytes");
        let texts: Vec<&str> = n.children.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Next header: UDP (17)",
                "Reserved octet: 0x00",
                "0000 0100 1101 0... = Offset: 154 (1232 bytes)",
                ".... .... .... .00. = Reserved bits: 0",
                ".... .... .... ...0 = More Fragments: No",
                "Identification: 0x12345678",
            ]
        );
        assert!(fragment_header(&h[..7], 0).is_none());
    }

    #[test]
    fn reassembly_lines() {
        use crate::fields::columns::ip_fragments::Piece;
        let r = Reassembled {
            protocol: 17,
            datagram: vec![0xab; 1254],
            pieces: vec![
                Piece {
                    frame: 0,
                    offset: 0,
                    len: 1232,
                },
                Piece {
                    frame: 1,
                    offset: 1232,
                    len: 22,
                },
            ],
        };
        let n = &reassembly_nodes(&V6, &r)[0];
        assert_eq!(n.text, "[2 IPv6 Fragments (1254 bytes): #1(1232), #2(22)]");
        assert_eq!(
            n.children[1].text,
            "[Frame: 2, payload: 1232-1253 (22 bytes)]"
        );
        assert_eq!(n.children[3].text, "[Reassembled IPv6 length: 1254]");
    }
}
