//! QUIC's layer as tshark 4.0 draws it: the long header's bits, version and
//! connection IDs; an Initial's packet number, payload and frames once
//! decrypted with the keys every observer derives (PADDING, PING, ACK,
//! CRYPTO); a Handshake or short-header packet's remaining payload with
//! tshark's note that it cannot be decrypted; a Version Negotiation's
//! supported versions. The wording of the header comes from
//! `decode::app::quic`, which also names the row.

mod crypto;
pub mod reassembly;

use super::bits::{be32, bitfield, bytes_value};
use super::Node;
use crate::decode::app::quic::{self, Context};
use crate::decode::Transport;
use crate::fields::{PacketView, Value};
use crate::flow::Protocol;
use std::borrow::Cow;

/// Bytes of a payload tshark shows in hex before cutting it with `…`.
const SHOWN: usize = 36;

/// Earlier UDP conversations looked at for a QUIC connection's number;
/// past it the number is left out.
const MAX_CONNECTION_LOOKUP: usize = 10_000;

/// tshark's `[Connection Number]`: QUIC connections numbered in the order
/// they start, one per UDP conversation whose first datagram is a QUIC long
/// header to or from port 443.
fn connection_number(view: &PacketView<'_>) -> Option<u64> {
    let store = &view.trace.store;
    let (this, _) = view.trace.conversations.of_packet(store, view.index)?;
    let mut n = 0;
    for c in view
        .trace
        .conversations
        .all()
        .iter()
        .take(MAX_CONNECTION_LOOKUP)
    {
        if c.protocol != Protocol::Udp || c.first_packet >= this.first_packet {
            continue;
        }
        let first = PacketView::new(view.trace, c.first_packet as usize);
        if let Transport::Udp(u) = &first.decoded.transport {
            let port = u.source_port() == 443 || u.destination_port() == 443;
            if port && quic::ids(u.payload()).is_some() {
                n += 1;
            }
        }
    }
    Some(n)
}

pub(super) fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub(super) fn shown(b: &[u8]) -> String {
    if b.len() > SHOWN {
        format!("{}…", hex(&b[..SHOWN]))
    } else {
        hex(b)
    }
}

pub(super) fn version_text(v: u32) -> String {
    match v {
        0 => "Version Negotiation".into(),
        0xff00_001d => "draft-29".into(),
        _ => v.to_string(),
    }
}

fn bit(field: &'static str, first: u8, mask: u64, text: &str, at: usize, v: u64) -> Node {
    Node::field(
        field,
        bitfield(u64::from(first), mask, 8, text),
        at..at + 1,
        Value::UInt(v),
    )
    .masked(mask)
}

/// The version and both connection IDs of a long header at `at`; the
/// offset after them.
fn ids(n: &mut Node, p: &[u8], at: usize) -> Option<usize> {
    let version = be32(p, 1)?;
    n.add(Node::field(
        "quic.version",
        format!("Version: {} (0x{version:08x})", version_text(version)),
        at + 1..at + 5,
        Value::Hex(u64::from(version), 8),
    ));
    let mut pos = 5;
    for (len_field, len_label, field, label) in [
        (
            "quic.dcil",
            "Destination Connection ID Length",
            "quic.dcid",
            "Destination Connection ID",
        ),
        (
            "quic.scil",
            "Source Connection ID Length",
            "quic.scid",
            "Source Connection ID",
        ),
    ] {
        let len = usize::from(*p.get(pos)?);
        let cid = p.get(pos + 1..pos + 1 + len)?;
        n.add(Node::field(
            len_field,
            format!("{len_label}: {len}"),
            at + pos..at + pos + 1,
            Value::UInt(len as u64),
        ));
        n.add(Node::field(
            field,
            format!("{label}: {}", hex(cid)),
            at + pos + 1..at + pos + 1 + len,
            bytes_value(cid),
        ));
        pos += 1 + len;
    }
    Some(pos)
}

fn cannot_decrypt(n: &mut Node, why: &str, rest: &[u8], at: usize) {
    n.expert(
        "Warning",
        "Decryption",
        &format!("Failed to create decryption context: {why}"),
    );
    n.add(Node::field(
        "quic.remaining_payload",
        format!("Remaining Payload: {}", shown(rest)),
        at..at + rest.len(),
        bytes_value(rest),
    ));
}

/// The frames of a decrypted Initial whose payload starts at `at`; what
/// became of each CRYPTO frame is in `fates`, in order.
fn frames(n: &mut Node, plain: &[u8], at: usize, fates: Vec<reassembly::Fate>, frame: u32) {
    let Some(frames) = quic::frames(plain) else {
        return;
    };
    let mut fates = fates.into_iter();
    for f in frames {
        let r = at + f.at..at + f.end;
        let title = match f.kind {
            0 => format!(
                "PADDING Length: {}",
                f.numbers.first().copied().unwrap_or(0)
            ),
            _ => f.name.to_string(),
        };
        let node = n.add(Node::field("quic.frame", title, r.clone(), Value::Present));
        node.add(Node::field(
            "quic.frame_type",
            format!("Frame Type: {} (0x{:016x})", f.name, f.kind),
            at + f.at..at + f.at + 1,
            Value::Hex(u64::from(f.kind), 16),
        ));
        let labels: &[(&'static str, &str)] = match f.kind {
            0 => &[("quic.padding_length", "[Padding Length: {}]")],
            2 | 3 => &[
                ("quic.ack.largest_acknowledged", "Largest Acknowledged: {}"),
                ("quic.ack.ack_delay", "ACK Delay: {}"),
                ("quic.ack.ack_range_count", "ACK Range Count: {}"),
                ("quic.ack.first_ack_range", "First ACK Range: {}"),
            ],
            6 => &[
                ("quic.crypto.offset", "Offset: {}"),
                ("quic.crypto.length", "Length: {}"),
            ],
            _ => &[],
        };
        for ((field, label), v) in labels.iter().zip(&f.numbers) {
            node.add(Node::field(
                field,
                label.replace("{}", &v.to_string()),
                0..0,
                Value::UInt(*v),
            ));
        }
        if f.kind == 6 {
            node.add(Node::field(
                "quic.crypto.crypto_data",
                "Crypto Data",
                r.clone(),
                Value::Present,
            ));
            // The data is the frame's last `length` bytes.
            let len = usize::try_from(f.numbers.get(1).copied().unwrap_or(0)).unwrap_or(0);
            let from = f.end.saturating_sub(len).max(f.at);
            if let Some(fate) = fates.next() {
                crypto_fate(node, fate, at + from, frame);
            }
        }
    }
}

/// Under a CRYPTO frame's node, what became of its data (at packet
/// offset `at`), as tshark shows it.
fn crypto_fate(node: &mut Node, fate: reassembly::Fate, at: usize, frame: u32) {
    use reassembly::Fate;
    let note = |node: &mut Node, text: &str| {
        node.add(Node::text(text, 0..0))
            .expert("Note", "Sequence", text);
    };
    match fate {
        Fate::Held => {}
        Fate::Retransmission => note(
            node,
            "This QUIC frame has a reused stream offset (retransmission?)",
        ),
        Fate::Limit => {
            node.add(Node::text(
                format!(
                    "[CRYPTO data not reassembled: past {} stream bytes or {} out-of-order runs (MAX_CRYPTO_STREAM, MAX_CRYPTO_RUNS)]",
                    reassembly::MAX_CRYPTO_STREAM,
                    reassembly::MAX_CRYPTO_RUNS
                ),
                0..0,
            ));
        }
        Fate::Tls { handed, skip } => {
            if skip > 0 {
                note(
                    node,
                    "This QUIC frame overlaps a previous frame in the stream",
                );
            }
            if let Some(t) = crypto::tls(&handed, Some(at + skip), frame) {
                node.add(t);
            }
        }
        Fate::Reassembled { fragments, handed } => {
            node.add(crypto::fragment_list(
                &fragments,
                handed.data.len(),
                ("QUIC CRYPTO Data Fragments", "quic.crypto.fragment"),
                ("Fragment count", "quic.crypto.fragment.count"),
            ));
            if let Some(t) = crypto::tls(&handed, None, frame) {
                node.add(t);
            }
        }
    }
}

/// QUIC's layer for the UDP payload `p` at frame offset `at`, when it
/// parses as a QUIC packet.
pub fn layer(view: &PacketView<'_>, p: &[u8], at: usize, ctx: Context<'_>) -> Option<Node> {
    quic::summary(p, ctx)?;
    let mut n = Node::field("quic", "QUIC IETF", at..at + p.len(), Value::Present);
    if let Some(number) = connection_number(view) {
        let c = n.add(Node::text("QUIC Connection information", 0..0));
        c.add(Node::field(
            "quic.connection.number",
            format!("[Connection Number: {number}]"),
            0..0,
            Value::UInt(number),
        ));
    }
    n.add(Node::field(
        "quic.packet_length",
        format!("[Packet Length: {}]", p.len()),
        0..0,
        Value::UInt(p.len() as u64),
    ));
    let first = *p.first()?;
    if first & 0x80 == 0 {
        let dcid_len = ctx.short_dcid_len?;
        let dcid = p.get(1..1 + dcid_len)?;
        let h = n.add(Node::text(
            format!("QUIC Short Header DCID={}", hex(dcid)),
            at..at + 1 + dcid_len,
        ));
        h.add(bit(
            "quic.header_form",
            first,
            0x80,
            "Header Form: Short Header (0)",
            at,
            0,
        ));
        h.add(bit("quic.fixed_bit", first, 0x40, "Fixed Bit: True", at, 1));
        let spin = (first >> 5) & 1;
        let spin_text = if spin == 1 { "True" } else { "False" };
        h.add(bit(
            "quic.spin_bit",
            first,
            0x20,
            &format!("Spin Bit: {spin_text}"),
            at,
            u64::from(spin),
        ));
        h.add(Node::field(
            "quic.dcid",
            format!("Destination Connection ID: {}", hex(dcid)),
            at + 1..at + 1 + dcid_len,
            bytes_value(dcid),
        ));
        let rest = &p[1 + dcid_len..];
        cannot_decrypt(
            &mut n,
            "Missing TLS handshake, unsupported ciphers or padding",
            rest,
            at + 1 + dcid_len,
        );
        return Some(n);
    }
    n.add(bit(
        "quic.header_form",
        first,
        0x80,
        "Header Form: Long Header (1)",
        at,
        1,
    ));
    if be32(p, 1)? == 0 {
        n.add(bit(
            "quic.vn.unused",
            first,
            0x7f,
            &format!("Unused: 0x{:02x}", first & 0x7f),
            at,
            u64::from(first & 0x7f),
        ));
        let mut pos = ids(&mut n, p, at)?;
        while let Some(v) = be32(p, pos) {
            n.add(Node::field(
                "quic.supported_version",
                format!("Supported Version: {} (0x{v:08x})", version_text(v)),
                at + pos..at + pos + 4,
                Value::Hex(u64::from(v), 8),
            ));
            pos += 4;
        }
        return Some(n);
    }
    n.add(bit("quic.fixed_bit", first, 0x40, "Fixed Bit: True", at, 1));
    let kind = (first >> 4) & 3;
    let kind_name = ["Initial", "0-RTT", "Handshake", "Retry"][usize::from(kind)];
    n.add(bit(
        "quic.long.packet_type",
        first,
        0x30,
        &format!("Packet Type: {kind_name} ({kind})"),
        at,
        u64::from(kind),
    ));
    if kind != 0 {
        // Only the Initial keys are known to every observer.
        let pos = ids(&mut n, p, at)?;
        if kind == 3 {
            return Some(n);
        }
        let (len, len_bytes) = length_field(p.get(pos..)?)?;
        n.add(Node::field(
            "quic.length",
            format!("Length: {len}"),
            at + pos..at + pos + len_bytes,
            Value::UInt(len),
        ));
        let rest = p.get(pos + len_bytes..)?;
        let rest = rest.get(..usize::try_from(len).ok()?.min(rest.len()))?;
        cannot_decrypt(
            &mut n,
            "Unable to retrieve cipher information",
            rest,
            at + pos + len_bytes,
        );
        return Some(n);
    }
    let Some(i) = quic::initial(p, ctx) else {
        ids(&mut n, p, at)?;
        return Some(n);
    };
    let f = i.first;
    n.add(bit(
        "quic.long.reserved",
        f,
        0x0c,
        &format!("Reserved: {}", (f >> 2) & 3),
        at,
        u64::from((f >> 2) & 3),
    ));
    n.add(bit(
        "quic.packet_number_length",
        f,
        0x03,
        &format!("Packet Number Length: {} bytes ({})", i.pn_len, f & 3),
        at,
        u64::from(f & 3),
    ));
    let pos = ids(&mut n, p, at)?;
    n.add(Node::field(
        "quic.token_length",
        format!("Token Length: {}", i.token_len),
        at + pos..at + pos + 1,
        Value::UInt(i.token_len),
    ));
    n.add(Node::field(
        "quic.length",
        format!("Length: {}", i.len),
        0..0,
        Value::UInt(i.len),
    ));
    n.add(Node::field(
        "quic.packet_number",
        format!("Packet Number: {}", i.pn),
        at + i.pn_at..at + i.pn_at + i.pn_len,
        Value::UInt(i.pn),
    ));
    let payload_at = at + i.pn_at + i.pn_len;
    n.add(Node::field(
        "quic.payload",
        format!("Payload: {}", shown(&i.payload)),
        payload_at..payload_at + i.payload.len(),
        Value::Bytes(Cow::Owned(i.payload.clone())),
    ));
    let frame = u32::try_from(view.index + 1).unwrap_or(u32::MAX);
    let pieces = reassembly::pieces(&i.plain, frame);
    let fates = reassembly::fates(view, ctx, &pieces);
    frames(&mut n, &i.plain, payload_at, fates, frame);
    Some(n)
}

/// The nodes tshark draws under each CRYPTO frame of one direction's
/// Initials, for `pieces` given as (frame number, stream offset, data) in
/// the order they arrive: what reassembly makes of each (held, handed to
/// TLS, reassembled, retransmitted), with the TLS layer it yields.
pub fn crypto_stream(pieces: &[(u32, u64, Vec<u8>)]) -> Vec<Node> {
    let mut stream = reassembly::Stream::default();
    pieces
        .iter()
        .map(|(frame, offset, data)| {
            let p = reassembly::Piece {
                frame: *frame,
                offset: *offset,
                data: data.clone(),
            };
            let mut n = Node::text("CRYPTO", 0..data.len());
            crypto_fate(&mut n, stream.push(&p), 0, *frame);
            n
        })
        .collect()
}

/// Whether a QUIC layer holds a TLS handshake (in a CRYPTO frame), which
/// tshark adds to `frame.protocols` after `quic`.
pub fn carries_tls(quic: &Node) -> bool {
    quic.children
        .iter()
        .any(|f| f.abbrev == "quic.frame" && f.children.iter().any(|c| c.abbrev == "tls"))
}

/// A variable-length integer and how many bytes it takes.
fn length_field(b: &[u8]) -> Option<(u64, usize)> {
    let first = *b.first()?;
    let len = 1usize << (first >> 6);
    let bytes = b.get(..len)?;
    let v = bytes[1..]
        .iter()
        .fold(u64::from(first & 0x3f), |v, &x| (v << 8) | u64::from(x));
    Some((v, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_header_ids() {
        let mut p = vec![0x80, 0, 0, 0, 0, 1, 0xaa, 1, 0xbb];
        p.extend([0, 0, 0, 1, 0xff, 0, 0, 0x1d]);
        let mut n = Node::text("", 0..0);
        let pos = ids(&mut n, &p, 0).expect("parses");
        assert_eq!(pos, 9);
        let texts: Vec<&str> = n.children.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            &texts[..5],
            [
                "Version: Version Negotiation (0x00000000)",
                "Destination Connection ID Length: 1",
                "Destination Connection ID: aa",
                "Source Connection ID Length: 1",
                "Source Connection ID: bb",
            ]
        );
        for cut in 0..p.len() {
            let _ = ids(&mut n, &p[..cut], 0);
        }
        assert_eq!(version_text(0xff00_001d), "draft-29");
    }

    #[test]
    fn varint_lengths() {
        assert_eq!(length_field(&[0x44, 0x9c]), Some((1180, 2)));
        assert_eq!(length_field(&[0x25]), Some((37, 1)));
        assert_eq!(length_field(&[0x80, 1]), None);
    }
}
