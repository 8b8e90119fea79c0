//! TLS over TCP in the details tree, as tshark 4.0 draws it without keys:
//! a `Transport Layer Security` layer per PDU — each record completed from
//! earlier segments gets its own, after the `[N Reassembled TCP Segments]`
//! block, and the records lying whole in the segment share one — with each
//! record's `Record Layer` line (content type, version, length) and what
//! it holds: handshake messages (`tls/handshake.rs`, shared with QUIC's
//! CRYPTO frames), Change Cipher Spec, alerts, encrypted application data
//! with the protocol tshark expects inside. A segment that starts a record
//! completed later shows the layer empty. The records come from the TLS
//! index (`crate::tls`), so the tree, the packet list and `-e tls.*` agree.

mod cert;
pub mod handshake;
pub(super) mod hello;
mod x509;

use super::segments::{self, Pdu};
use super::Node;
use crate::decode::Transport;
use crate::fields::{PacketView, Value};
use crate::tls::handshake::take_messages;
use crate::tls::record::{self, version_name};
use crate::tls::{AtPacket, Protection, Record, TlsConnection};
use handshake::Session;
use std::borrow::Cow;
use std::ops::Range;

pub(super) fn shown(b: &[u8]) -> String {
    super::quic::shown(b)
}

/// A label with text appended to it (`Certificate: ... (subject)`), cut
/// as tshark cuts appended text: at its label buffer's 239 bytes, without
/// a `[truncated]` mark.
pub(super) fn appended(mut label: String, extra: &str) -> String {
    label.push_str(extra);
    if label.len() > 239 {
        let mut cut = 239;
        while !label.is_char_boundary(cut) {
            cut -= 1;
        }
        label.truncate(cut);
    }
    label
}

fn content_type_name(t: u8) -> &'static str {
    match t {
        record::CHANGE_CIPHER_SPEC => "Change Cipher Spec",
        record::ALERT => "Alert",
        record::HANDSHAKE => "Handshake",
        record::APPLICATION_DATA => "Application Data",
        record::HEARTBEAT => "Heartbeat",
        _ => "Unknown",
    }
}

/// The long name of the protocol tshark expects inside the application
/// data: the one the Server Hello's ALPN chose, else the one registered on
/// the server's port; `None` when neither says.
fn app_protocol(conn: &TlsConnection, server_port: u16) -> Option<&'static str> {
    let alpn = conn
        .server_hello
        .as_ref()
        .and_then(|h| h.alpn.first())
        .and_then(|a| match a.as_str() {
            "h2" => Some("HyperText Transfer Protocol 2"),
            "http/1.1" | "http/1.0" => Some("Hypertext Transfer Protocol"),
            _ => None,
        });
    alpn.or(match server_port {
        443 | 8443 => Some("Hypertext Transfer Protocol"),
        465 => Some("Simple Mail Transfer Protocol"),
        636 => Some("Lightweight Directory Access Protocol"),
        853 => Some("Domain Name System"),
        993 => Some("Internet Message Access Protocol"),
        995 => Some("Post Office Protocol"),
        5061 => Some("Session Initiation Protocol"),
        _ => None,
    })
}

/// What the records of one packet are read with.
struct Ctx<'c> {
    conn: &'c TlsConnection,
    app: Option<&'static str>,
}

/// One record's `Record Layer` node from its bytes (header included), at
/// packet offset `at` (`None`: put together from several segments).
fn record_node(r: &Record, bytes: &[u8], at: Option<usize>, ctx: &Ctx<'_>) -> Node {
    let base = at.unwrap_or(0);
    let place = |range: Range<usize>| if at.is_some() { range } else { 0..0 };
    let negotiated = ctx.conn.version_at(r);
    let label = version_name(negotiated.unwrap_or(r.span.version));
    let ct = r.span.content_type;
    let fragment = bytes.get(5..).unwrap_or(&[]);
    let frag_at = base + 5;
    let len = r.span.end.saturating_sub(r.span.start).saturating_sub(5);
    let clear = r.protection == Protection::Plain;
    let mut n = Node::field(
        "tls.record",
        "",
        place(base..base + bytes.len()),
        Value::Present,
    );
    let tls13 = negotiated == Some(0x0304);
    if tls13 && ct == record::APPLICATION_DATA {
        n.add(Node::field(
            "tls.record.opaque_type",
            format!("Opaque Type: Application Data ({ct})"),
            place(base..base + 1),
            Value::UInt(u64::from(ct)),
        ));
    } else {
        n.add(Node::field(
            "tls.record.content_type",
            format!("Content Type: {} ({ct})", content_type_name(ct)),
            place(base..base + 1),
            Value::UInt(u64::from(ct)),
        ));
    }
    n.add(Node::field(
        "tls.record.version",
        format!("Version: {}", hello::version_text(r.span.version)),
        place(base + 1..base + 3),
        Value::Hex(u64::from(r.span.version), 4),
    ));
    n.add(Node::field(
        "tls.record.length",
        format!("Length: {len}"),
        place(base + 3..base + 5),
        Value::UInt(len),
    ));
    let whole = place(frag_at..frag_at + fragment.len());
    let title = match ct {
        record::CHANGE_CIPHER_SPEC => {
            n.add(Node::field(
                "tls.change_cipher_spec",
                "Change Cipher Spec Message",
                whole,
                Value::Present,
            ));
            "Change Cipher Spec Protocol: Change Cipher Spec".to_string()
        }
        record::ALERT => match (clear, r.alert) {
            (true, Some((level, desc))) => {
                let (l, d) = (
                    crate::tls::connection::alert_level(level),
                    crate::tls::connection::alert_description(desc),
                );
                let a = n.add(Node::field(
                    "tls.alert_message",
                    "Alert Message",
                    whole,
                    Value::Present,
                ));
                a.add(Node::field(
                    "tls.alert_message.level",
                    format!("Level: {l} ({level})"),
                    place(frag_at..frag_at + 1),
                    Value::UInt(u64::from(level)),
                ));
                a.add(Node::field(
                    "tls.alert_message.desc",
                    format!("Description: {d} ({desc})"),
                    place(frag_at + 1..frag_at + 2),
                    Value::UInt(u64::from(desc)),
                ));
                format!("Alert (Level: {l}, Description: {d})")
            }
            _ => {
                n.add(Node::field(
                    "tls.alert_message",
                    "Alert Message: Encrypted Alert",
                    whole,
                    Value::Str(Cow::Borrowed("Encrypted Alert")),
                ));
                "Encrypted Alert".to_string()
            }
        },
        record::HANDSHAKE if clear => {
            let session = Session {
                tls13: false,
                version: ctx.conn.version(),
                suite: ctx.conn.cipher_suite(),
            };
            format!(
                "Handshake Protocol: {}",
                handshake_messages(&mut n, fragment, at.map(|_| frag_at), &session)
            )
        }
        record::HANDSHAKE => {
            n.add(Node::field(
                "tls.handshake",
                "Handshake Protocol: Encrypted Handshake Message",
                whole,
                Value::Present,
            ));
            "Handshake Protocol: Encrypted Handshake Message".to_string()
        }
        record::APPLICATION_DATA => {
            n.add(Node::field(
                "tls.app_data",
                format!("Encrypted Application Data: {}", shown(fragment)),
                whole,
                Value::Bytes(Cow::Owned(fragment.to_vec())),
            ));
            if let Some(app) = ctx.app {
                n.add(Node::field(
                    "tls.app_data_proto",
                    format!("[Application Data Protocol: {app}]"),
                    0..0,
                    Value::Str(Cow::Borrowed(app)),
                ));
            }
            format!(
                "Application Data Protocol: {}",
                ctx.app.unwrap_or("Application Data")
            )
        }
        _ => {
            let word = if clear {
                "Heartbeat"
            } else {
                "Encrypted Heartbeat"
            };
            n.add(Node::text(
                format!("Heartbeat Message: {}", shown(fragment)),
                whole,
            ));
            word.to_string()
        }
    };
    n.text = format!("{label} Record Layer: {title}");
    n
}

/// The handshake messages of a clear record's fragment (at packet offset
/// `at`, `None`: not in this packet) under `n`; returns the record's title.
fn handshake_messages(n: &mut Node, fragment: &[u8], at: Option<usize>, s: &Session) -> String {
    let mut buf = fragment.to_vec();
    let messages = take_messages(&mut buf);
    let mut pos = 0;
    let mut title = String::new();
    for (m, len) in &messages {
        let mut h = handshake::message(m, &fragment[pos..pos + len], at.unwrap_or(0) + pos, s);
        if at.is_none() {
            unplaced(&mut h);
        }
        n.add(h);
        title = m.name().to_string();
        pos += len;
    }
    if pos < fragment.len() {
        // A message continued in the next record.
        let t = fragment[pos];
        let name = crate::tls::handshake::type_name(t);
        let r = at.map_or(0..0, |a| a + pos..a + fragment.len());
        n.add(Node::field(
            "tls.handshake",
            format!("Handshake Protocol: {name} (fragment)"),
            r,
            Value::Present,
        ));
        title = format!("{name} (fragment)");
        if messages.is_empty() {
            return title;
        }
        return "Multiple Handshake Messages".into();
    }
    if messages.len() > 1 {
        "Multiple Handshake Messages".into()
    } else {
        title
    }
}

fn unplaced(n: &mut Node) {
    n.bytes = 0..0;
    for c in &mut n.children {
        unplaced(c);
    }
}

fn layer(bytes: Range<usize>) -> Node {
    Node::field("tls", "Transport Layer Security", bytes, Value::Present)
}

/// Where the packet's TCP payload lies: its stream offset (0 is the byte
/// after the SYN), its bytes and their packet offset.
fn payload<'v>(view: &'v PacketView<'_>) -> Option<(u64, &'v [u8], usize)> {
    let Transport::Tcp(t) = &view.decoded.transport else {
        return None;
    };
    let (seq, _) = view.relative_seq_ack()?;
    Some((
        u64::from(seq).saturating_sub(1),
        t.payload(),
        view.decoded.payload_offset().unwrap_or(0),
    ))
}

/// The packet carries TLS bytes (records, or part of one): its payload is
/// TLS's, never `Data`.
pub fn carries(view: &PacketView<'_>) -> bool {
    view.http
        .is_some_and(|h| h.tls.at_packet(view.index).is_some())
}

/// The TLS layers of a packet (and the reassembly blocks before them);
/// each layer's `tls` goes into `protocols`.
pub fn layers(view: &PacketView<'_>, out: &mut Vec<Node>, protocols: &mut Vec<&'static str>) {
    let Some(http) = view.http else { return };
    if view.decoded.tcp().is_none() || super::tcp::retransmitted(view) {
        return;
    }
    let Some((base, data, at)) = payload(view) else {
        return;
    };
    match http.tls.at_packet(view.index) {
        Some(AtPacket::Segment(true)) => {
            out.push(layer(at..at + data.len()));
            protocols.push("tls");
        }
        Some(AtPacket::Records(conn, recs)) => {
            let server_port = match (view.direction(), view.decoded.tcp()) {
                (Some(d), Some(t)) if d == conn.client => t.destination_port(),
                (_, Some(t)) => t.source_port(),
                _ => 0,
            };
            let ctx = Ctx {
                conn,
                app: app_protocol(conn, server_port),
            };
            let mut group: Option<Node> = None;
            for r in recs.iter().filter_map(|&i| conn.records.get(i as usize)) {
                if r.first_packet == r.packet {
                    let (bytes, place) = record_bytes(view, r, (base, data, at));
                    let g = group.get_or_insert_with(|| {
                        protocols.push("tls");
                        let o = place.unwrap_or(0);
                        layer(o..o)
                    });
                    if let Some(o) = place {
                        g.bytes.end = o + bytes.len();
                    }
                    g.add(record_node(r, &bytes, place, &ctx));
                    continue;
                }
                if let Some(g) = group.take() {
                    certificate_protocols(&g, protocols);
                    out.push(g);
                }
                let pdu = pdu_of(r);
                let (parts, bytes) = segments::pieces(view, pdu, true);
                if let Some(s) = segments::node(&parts, pdu.end - pdu.start, bytes.as_deref()) {
                    out.push(s);
                }
                let mut l = layer(0..0);
                l.add(record_node(r, bytes.as_deref().unwrap_or(&[]), None, &ctx));
                protocols.push("tls");
                certificate_protocols(&l, protocols);
                out.push(l);
            }
            if let Some(g) = group {
                certificate_protocols(&g, protocols);
                out.push(g);
            }
        }
        _ => {}
    }
}

fn pdu_of(r: &Record) -> Pdu {
    Pdu {
        first_packet: r.first_packet as usize,
        last_packet: r.packet as usize,
        start: r.span.start,
        end: r.span.end,
    }
}

/// A record's bytes, header included, and their packet offset when they
/// lie whole in the packet whose payload is `(stream offset, bytes, packet
/// offset)`; else put together from the segments (empty when not captured).
fn record_bytes<'d>(
    view: &PacketView<'_>,
    r: &Record,
    (base, data, at): (u64, &'d [u8], usize),
) -> (Cow<'d, [u8]>, Option<usize>) {
    let len = usize::try_from(r.span.end - r.span.start).unwrap_or(usize::MAX);
    let inside = r
        .span
        .start
        .checked_sub(base)
        .and_then(|o| usize::try_from(o).ok())
        .filter(|_| r.first_packet == r.packet)
        .and_then(|o| Some((o, data.get(o..o.checked_add(len)?)?)));
    match inside {
        Some((o, b)) => (Cow::Borrowed(b), Some(at + o)),
        None => {
            let (_, bytes) = segments::pieces(view, pdu_of(r), true);
            (Cow::Owned(bytes.unwrap_or_default()), None)
        }
    }
}

/// The X.509 dissectors tshark calls on the certificates of a layer, for
/// `frame.protocols`.
fn certificate_protocols(layer: &Node, protocols: &mut Vec<&'static str>) {
    fn go(n: &Node, out: &mut Vec<&'static str>) {
        if let ("tls.handshake.certificate", Some(Value::Bytes(b))) = (n.abbrev, &n.value) {
            x509::protocols(b, out);
        }
        for c in &n.children {
            go(c, out);
        }
    }
    go(layer, protocols);
}

/// The X.509 dissectors tshark calls on the certificates of record `r` of
/// the viewed packet (none unless it holds a clear Certificate message):
/// what `layers` adds to `frame.protocols`, for the protocol path.
pub fn record_protocols(view: &PacketView<'_>, r: &Record, out: &mut Vec<&'static str>) {
    let certificate =
        r.protection == Protection::Plain && r.messages.iter().any(|m| m.msg_type == CERTIFICATE);
    let Some(p) = payload(view).filter(|_| certificate) else {
        return;
    };
    let (bytes, _) = record_bytes(view, r, p);
    let mut buf = bytes.get(5..).unwrap_or(&[]).to_vec();
    let mut pos = 5;
    for (m, len) in take_messages(&mut buf) {
        if m.msg_type == CERTIFICATE {
            let mut n = Node::text("", 0..0);
            let _ = cert::certificates(&mut n, bytes.get(pos + 4..pos + len).unwrap_or(&[]), 0);
            certificate_protocols(&n, out);
        }
        pos += len;
    }
}

/// The Certificate handshake message type.
const CERTIFICATE: u8 = 11;

/// The lengths of the packet's "TCP segment data" lines: its bytes that
/// belong to records spanning segments (the end of one completed here, the
/// start of one completed later, or all of them in the middle of one).
pub fn segment_data(view: &PacketView<'_>) -> Vec<usize> {
    let Some(http) = view.http else {
        return Vec::new();
    };
    let Some((base, data, _)) = payload(view) else {
        return Vec::new();
    };
    let len = view.decoded.tcp_len().map_or(data.len(), |l| l as usize);
    match http.tls.at_packet(view.index) {
        Some(AtPacket::Segment(_)) => vec![len],
        Some(AtPacket::Records(conn, recs)) => {
            let records: Vec<&Record> = recs
                .iter()
                .filter_map(|&i| conn.records.get(i as usize))
                .collect();
            let mut out = Vec::new();
            if let Some(first) = records.first().filter(|r| r.first_packet != r.packet) {
                out.push(usize::try_from(first.span.end.saturating_sub(base)).unwrap_or(0));
            }
            let end = base + len as u64;
            if let Some(last) = records.last() {
                let rest = end.saturating_sub(last.span.end);
                if rest > 0 {
                    out.push(usize::try_from(rest).unwrap_or(0));
                }
            }
            out
        }
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::Trace;

    fn tree_text(name: &str) -> Vec<String> {
        let path = format!("{}/sample-captures/{name}", env!("CARGO_MANIFEST_DIR"));
        let trace = Trace::open(std::path::Path::new(&path)).expect("sample");
        let http = crate::http::HttpIndex::build(&trace.store, &trace.conversations, &trace.keys);
        let mut out = Vec::new();
        for i in 0..trace.store.len() {
            let view = PacketView::with_http(&trace, Some(&http), i);
            let t = super::super::tree(&view, super::super::Context::default());
            let mut s = String::new();
            super::super::write_verbose(&t, &mut s);
            out.push(s);
        }
        out
    }

    #[test]
    fn tls12_records_without_keys() {
        let frames = tree_text("tls12-gcm-h1.pcap");
        let all = frames.concat();
        for line in [
            "Transport Layer Security\n    TLSv1 Record Layer: Handshake Protocol: Client Hello\n        Content Type: Handshake (22)\n        Version: TLS 1.0 (0x0301)\n",
            "            Extension: server_name (len=",
            "    TLSv1.2 Record Layer: Change Cipher Spec Protocol: Change Cipher Spec\n",
            "    TLSv1.2 Record Layer: Handshake Protocol: Encrypted Handshake Message\n",
            "        [Application Data Protocol: Hypertext Transfer Protocol]\n",
            "            EC Diffie-Hellman Server Params\n",
            "                Certificate Length: 827\n",
            "(id-at-commonName=www.wirelens.test)\n",
        ] {
            assert!(all.contains(line), "{line}");
        }
    }

    /// The tree's `tls.*` values are the ones `-e` gives (from the TLS
    /// index): one source, read twice.
    #[test]
    fn tree_values_equal_the_fields() {
        for name in ["tls12-gcm-h1.pcap", "tls13-h2.pcap", "tls12-chacha-h2.pcap"] {
            let path = format!("{}/sample-captures/{name}", env!("CARGO_MANIFEST_DIR"));
            let trace = Trace::open(std::path::Path::new(&path)).expect("sample");
            let http =
                crate::http::HttpIndex::build(&trace.store, &trace.conversations, &trace.keys);
            let mut compared = 0;
            for i in 0..trace.store.len() {
                let view = PacketView::with_http(&trace, Some(&http), i);
                let tree = super::super::tree(&view, super::super::Context::default());
                for field in [
                    "tls.record.content_type",
                    "tls.record.version",
                    "tls.record.length",
                    "tls.handshake.type",
                    "tls.handshake.extensions_server_name",
                    "tls.handshake.extensions_alpn_str",
                    "tls.handshake.extensions.supported_version",
                    "tls.handshake.ciphersuite",
                    "tls.handshake.ja3",
                    "tls.handshake.ja3s",
                ] {
                    let id = crate::fields::lookup(field).expect("field").id;
                    let (mut from_fields, mut from_tree) = (Vec::new(), Vec::new());
                    view.values(id, &mut from_fields);
                    tree.values(field, &mut from_tree);
                    let text = |v: &[Value<'_>]| v.iter().map(Value::tshark).collect::<Vec<_>>();
                    assert_eq!(
                        text(&from_fields),
                        text(&from_tree),
                        "{name} frame {} {field}",
                        i + 1
                    );
                    compared += from_tree.len();
                }
            }
            assert!(compared > 50, "{name}: {compared}");
        }
    }

    #[test]
    fn tls13_application_data_is_opaque() {
        let all = tree_text("tls13-h2.pcap").concat();
        assert!(all.contains(
            "    TLSv1.3 Record Layer: Application Data Protocol: Hypertext Transfer Protocol\n        Opaque Type: Application Data (23)\n"
        ));
        assert!(
            all.contains("[Reassembled TCP Segments (")
                || all.contains(" Reassembled TCP Segments (")
        );
    }
}
