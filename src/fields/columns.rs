//! The packet list's columns as Wireshark shows them by default: No., Time,
//! Source, Destination, Protocol, Length, Info. Computed on demand for the rows
//! on screen (or printed), never stored.

pub mod icmp;
pub mod icmpv6;
pub mod ip_fragments;
pub mod quic;

use crate::decode::app::StreamRow;
use crate::decode::tcp_flags::TcpFlags;
use crate::decode::tcp_options::{TcpOption, TcpOptions};
use crate::decode::{Network, Transport};

/// tshark's label of a segment carrying part of a longer message.
const SEGMENT: &str = "[TCP segment of a reassembled PDU]";
use crate::fields::PacketView;
use crate::flow::analysis::flags as af;
use crate::store::PacketKind;
use std::borrow::Cow;
use std::fmt::Write as _;

/// The seven columns of one row, as text (not yet sanitised for a terminal).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    pub number: u64,
    pub time: String,
    pub source: String,
    pub destination: String,
    /// Nearly always a fixed name ("TCP", "HTTP"): borrowed, not allocated.
    pub protocol: Cow<'static, str>,
    pub length: u32,
    pub info: String,
}

/// Builds the row of a packet. HTTP rows need the view's HTTP index: without
/// one (a UI still building it in the background) they show as TCP rows.
pub fn row(view: &PacketView<'_>) -> Row {
    let mut row = Row::default();
    row_into(view, &mut row);
    row
}

/// [`row`] into `row`, reusing its strings' room (the packet list fills
/// millions of rows, one after another).
pub fn row_into(view: &PacketView<'_>, row: &mut Row) {
    let http = view.http;
    let store = &view.trace.store;
    let entry = store.entry(view.index).copied();
    let d = &view.decoded;
    let custom = entry.is_some_and(|e| e.kind == PacketKind::CustomBlock);
    row.number = view.index as u64 + 1;
    row.time.clear();
    if let Some(ns) = store.relative_ns(view.index) {
        crate::text::push_seconds(&mut row.time, ns);
    }
    row.source.clear();
    row.destination.clear();
    if custom {
    } else if let (Some(s), Some(t)) = (d.ip_src(), d.ip_dst()) {
        let push = |out: &mut String, a: std::net::IpAddr| match a {
            std::net::IpAddr::V4(v4) => crate::text::push_ipv4(out, v4),
            v6 => {
                let _ = write!(out, "{v6}");
            }
        };
        push(&mut row.source, s);
        push(&mut row.destination, t);
    } else {
        if let Some(m) = d.link.eth_src {
            row.source.push_str(&crate::text::mac(m));
        }
        if let Some(m) = d.link.eth_dst {
            row.destination.push_str(&crate::text::mac(m));
        }
    }
    let (protocol, info) = protocol_and_info(view, custom, http);
    row.protocol = protocol;
    row.length = entry.map(|e| e.orig_len).unwrap_or(0);
    row.info = info;
}

fn protocol_and_info(
    view: &PacketView<'_>,
    custom: bool,
    http: Option<&crate::http::HttpIndex>,
) -> (Cow<'static, str>, String) {
    let d = &view.decoded;
    if custom {
        let store = &view.trace.store;
        let header = store.entry(view.index).and_then(|e| {
            crate::capture::custom_block_header(store.capture().bytes(), e.data_offset)
        });
        let info = match header {
            Some((copy, pen)) => super::dissect::pcapng_block::custom_info(copy, pen),
            None => "Custom Block".into(),
        };
        return ("PCAPNG".into(), info);
    }
    if let Some(a) = crate::decode::app::gre::of(d) {
        return (a.protocol.into(), a.info);
    }
    match &d.transport {
        Transport::Tcp(_) => {
            let Some(http) = http else {
                return ("TCP".into(), tcp_info(view));
            };
            let prefix = analysis_prefix(view);
            match http.app_row(view.index) {
                Some(StreamRow::App(a)) => {
                    return (a.protocol.into(), format!("{prefix}{}", a.info))
                }
                Some(StreamRow::Segment { tcp_info: true }) => {
                    return ("TCP".into(), with_segment_note(tcp_info(view)))
                }
                Some(StreamRow::Segment { tcp_info: false }) => {
                    return ("TCP".into(), format!("{prefix}{SEGMENT}"))
                }
                None => {}
            }
            let messages = http.at_packet(view.index);
            if messages.is_empty() {
                if let Some(cols) = tls_columns(view, http) {
                    return cols;
                }
                // tshark hands a retransmitted segment to no reassembly.
                let retransmitted = view
                    .trace
                    .store
                    .entry(view.index)
                    .is_some_and(|e| e.analysis & af::RETRANSMISSION != 0);
                let has_data = d.tcp_len().unwrap_or(0) > 0 && !retransmitted;
                match http.segment_of(&view.trace.store, &view.trace.conversations, view.index) {
                    // A chunked body is parsed again from its head with
                    // every segment, so tshark shows the start line on each.
                    Some((m, first))
                        if has_data
                            && (first || m.framing() == crate::http::parse::Framing::Chunked) =>
                    {
                        let start = m
                            .head(&view.trace.store)
                            .map(|h| h.start_line_info())
                            .unwrap_or_default();
                        ("TCP".into(), format!("{prefix}{start} {SEGMENT}"))
                    }
                    Some(_) if has_data => ("TCP".into(), with_segment_note(tcp_info(view))),
                    _ => ("TCP".into(), tcp_info(view)),
                }
            } else {
                // Several messages in one segment follow each other in Info
                // (zeek-variant-04-te_cl_desync frame 4); the Protocol column
                // is the last one's.
                let mut info = prefix;
                let mut protocol = "HTTP";
                for m in &messages {
                    if let Some(head) = m.head(&view.trace.store) {
                        let (p, i) = m.protocol_and_info(&head);
                        protocol = p;
                        info.push_str(&i);
                    }
                }
                // Bytes after the last message that start none.
                if http.continues_after_messages(view.index) {
                    protocol = "HTTP";
                    info.push_str("Continuation");
                }
                (protocol.into(), info)
            }
        }
        Transport::Udp(u) => {
            let (s, t) = (u.source_port(), u.destination_port());
            let quic = (s == 443 || t == 443)
                .then(|| quic::summary(view, u.payload()))
                .flatten();
            match quic.or_else(|| crate::decode::app::udp(s, t, u.payload())) {
                Some(a) => (a.protocol.into(), a.info),
                None => {
                    // A DNS message without a row may have reached a bound:
                    // dns_info reports it.
                    if [53, 5353, 5355].iter().any(|p| s == *p || t == *p) {
                        let _ = dns_info(view, u.payload());
                    }
                    let len = u.length().saturating_sub(8);
                    ("UDP".into(), format!("{s} \u{2192} {t} Len={len}"))
                }
            }
        }
        Transport::Icmpv4(i) => (
            "ICMP".into(),
            icmp::info(&view.trace.store, view.index)
                .unwrap_or_else(|| format!("type={} code={}", i.type_u8(), i.code_u8())),
        ),
        Transport::Icmpv6(i) => (
            "ICMPv6".into(),
            icmpv6::info(&view.trace.store, view.index)
                .unwrap_or_else(|| format!("type={} code={}", i.type_u8(), i.code_u8())),
        ),
        Transport::None if d.tcp_short_ports.is_some() => {
            let (s, t) = d.tcp_short_ports.unwrap_or_default();
            ("TCP".into(), format!("{s} \u{2192} {t}{CUT}"))
        }
        Transport::None => match &d.network {
            Network::Arp(a) => {
                let op = a.operation().0;
                let ip = |b: &[u8]| {
                    if b.len() == 4 {
                        format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
                    } else {
                        String::new()
                    }
                };
                let info = match op {
                    1 => format!(
                        "Who has {}? Tell {}",
                        ip(a.target_protocol_addr()),
                        ip(a.sender_protocol_addr())
                    ),
                    2 => format!(
                        "{} is at {}",
                        ip(a.sender_protocol_addr()),
                        a.sender_hw_addr()
                            .iter()
                            .map(|b| format!("{b:02x}"))
                            .collect::<Vec<_>>()
                            .join(":")
                    ),
                    _ => format!("opcode {op}"),
                };
                ("ARP".into(), info)
            }
            Network::Ipv4 { header, fragment } => {
                if header.protocol().0 == 2 && !*fragment {
                    let at = d.network_offset + usize::from(header.ihl()) * 4;
                    let payload = d.data.get(at..).unwrap_or_default();
                    if let Some(a) = crate::decode::app::igmp::summary(payload) {
                        return (a.protocol.into(), a.info);
                    }
                }
                let mut info = format!("IP protocol {}", header.protocol().0);
                if *fragment {
                    if let Some((p, i)) =
                        ip_fragments::reassembled_row(&view.trace.store, view.index)
                    {
                        return (p.into(), i);
                    }
                    info = ip_fragments::fragment_info(
                        header.protocol().0,
                        u32::from(header.fragments_offset().value()) * 8,
                        header.identification(),
                    );
                }
                ("IPv4".into(), info)
            }
            Network::Ipv6 {
                header, fragment, ..
            } => {
                if *fragment {
                    if let Some((p, i)) =
                        ip_fragments::reassembled_row(&view.trace.store, view.index)
                    {
                        return (p.into(), i);
                    }
                    if let Some(info) = ip_fragments::ipv6_fragment_info(d) {
                        return ("IPv6".into(), info);
                    }
                }
                (
                    "IPv6".into(),
                    format!("IPv6 next header {}", header.next_header().0),
                )
            }
            Network::None => {
                let payload = d.data.get(d.link.header_len..).unwrap_or_default();
                let ether_type = match d.link.next {
                    crate::decode::NextLayer::EtherType(t) => Some(t),
                    _ => None,
                };
                let ethernet = d.link.link_type == crate::capture::LinkType::ETHERNET;
                if let Some(a) = ethernet
                    .then(|| crate::decode::app::link_misc::summary(ether_type, payload))
                    .flatten()
                {
                    return (a.protocol.into(), a.info);
                }
                let lt = d.link.link_type;
                if let Some((p, i)) = crate::decode::link::wifi::summary(lt, d.data) {
                    return (p.into(), i);
                }
                (lt.name().into(), format!("{} bytes", d.data.len()))
            }
        },
    }
}

/// `info` followed by tshark's segment label, in the same string.
fn with_segment_note(mut info: String) -> String {
    info.push(' ');
    info.push_str(SEGMENT);
    info
}

/// Protocol and Info of a packet that carries TLS records (or part of one).
fn tls_columns(
    view: &PacketView<'_>,
    http: &crate::http::HttpIndex,
) -> Option<(Cow<'static, str>, String)> {
    let entry = view.trace.store.entry(view.index)?;
    if let Some(h2) = http.http2.get(&entry.conversation) {
        if let Some((p, i)) = h2.columns(view.index as u32) {
            return Some((p.into(), i));
        }
    }
    match http.tls.at_packet(view.index)? {
        crate::tls::AtPacket::Records(conn, recs) => {
            let (p, i) = crate::tls::TlsIndex::columns(conn, recs, view.index as u32);
            Some((p.into(), i))
        }
        crate::tls::AtPacket::Segment(true) => Some(("TCP".into(), SEGMENT.into())),
        crate::tls::AtPacket::Segment(false) => {
            Some(("TCP".into(), with_segment_note(tcp_info(view))))
        }
    }
}

/// The `[TCP ...] ` labels of a segment's analysis flags, in Wireshark's
/// order, as they start its Info (also when HTTP fills the rest).
pub fn analysis_prefix(view: &PacketView<'_>) -> String {
    let mut s = String::new();
    push_analysis_prefix(view, &mut s);
    s
}

/// Appends [`analysis_prefix`] to `s`.
fn push_analysis_prefix(view: &PacketView<'_>, s: &mut String) {
    let entry = view.trace.store.entry(view.index).copied();
    let analysis = entry.map(|e| e.analysis).unwrap_or(0);
    if analysis == 0 {
        return;
    }
    for (bit, _, label) in af::ALL {
        if analysis & bit != 0 {
            if bit == af::DUPLICATE_ACK {
                let _ = write!(
                    s,
                    "[{label} {}#{}] ",
                    view.trace
                        .conversations
                        .duplicate_ack_of(view.index as u32)
                        .map(|p| p as usize + 1)
                        .unwrap_or(view.index + 1),
                    entry.map(|e| e.dup_ack_num).unwrap_or(0)
                );
            } else {
                let _ = write!(s, "[{label}] ");
            }
        }
    }
}

/// Wireshark's Info text for a TCP segment.
pub fn tcp_info(view: &PacketView<'_>) -> String {
    let d = &view.decoded;
    let Some(t) = d.tcp() else {
        return String::new();
    };
    let store = &view.trace.store;
    // Room for a row's Info with timestamps, so that it grows at most once.
    let mut s = String::with_capacity(TCP_INFO_CAPACITY);
    push_analysis_prefix(view, &mut s);
    let flags = t.tcp_flags();
    let (seq, ack) = view
        .relative_seq_ack()
        .unwrap_or((t.sequence_number(), t.acknowledgment_number()));
    // Numbers pushed by hand: the formatter costs more, per row of millions.
    let num = |s: &mut String, n: u64| crate::text::push_decimal(s, n);
    num(&mut s, u64::from(t.source_port()));
    s.push_str(" \u{2192} ");
    num(&mut s, u64::from(t.destination_port()));
    s.push_str(" [");
    flags.push_names(&mut s);
    s.push_str("] Seq=");
    num(&mut s, u64::from(seq));
    if flags.ack() {
        s.push_str(" Ack=");
        num(&mut s, u64::from(ack));
    }
    s.push_str(" Win=");
    num(&mut s, u64::from(view.scaled_window(t.window_size())));
    // tshark puts the urgent pointer before Len.
    if flags.intersects(TcpFlags::URG) {
        let _ = write!(s, " Urg={}", t.urgent_pointer());
    }
    // tshark leaves Len out of a header cut inside its fixed 20 bytes.
    let cut_in_fixed = t.slice().len() < 20;
    if !cut_in_fixed {
        s.push_str(" Len=");
        num(&mut s, u64::from(d.tcp_len().unwrap_or(0)));
    }
    let base_rev = view
        .trace
        .conversations
        .of_packet(store, view.index)
        .and_then(|(c, dir)| {
            c.tcp
                .as_ref()
                .and_then(|tc| tc.dirs[dir.reverse().index()].base_seq)
        });
    for o in TcpOptions::new(t.options()) {
        match o {
            TcpOption::Mss(m) => {
                let _ = write!(s, " MSS={m}");
            }
            TcpOption::WindowScale(w) => {
                let _ = write!(s, " WS={}", 1u32 << w.min(14));
            }
            TcpOption::SackPermitted => s.push_str(" SACK_PERM"),
            TcpOption::FastOpen { cookie_len: 0 } => s.push_str(" TFO=R"),
            TcpOption::FastOpen { .. } => s.push_str(" TFO=C"),
            TcpOption::Timestamps { value, echo } => {
                s.push_str(" TSval=");
                num(&mut s, u64::from(value));
                s.push_str(" TSecr=");
                num(&mut s, u64::from(echo));
            }
            TcpOption::Sack { blocks, count } => {
                for (l, r) in blocks.iter().take(usize::from(count)) {
                    let base = base_rev.unwrap_or(0);
                    let _ = write!(
                        s,
                        " SLE={} SRE={}",
                        l.wrapping_sub(base),
                        r.wrapping_sub(base)
                    );
                }
            }
            _ => {}
        }
    }
    if cut_in_fixed {
        s.push_str(CUT);
    }
    s
}

/// The bytes first reserved for a TCP Info text (`443 → 51234 [ACK] Seq=…
/// Ack=… Win=… Len=… TSval=… TSecr=…` is about 90).
const TCP_INFO_CAPACITY: usize = 128;

/// What tshark appends to the Info of a packet whose header is cut.
const CUT: &str = "[Packet size limited during capture]";

/// The DNS Info text; a name past a bound is reported on the trace.
fn dns_info(view: &PacketView<'_>, payload: &[u8]) -> Option<String> {
    use crate::decode::dns::{summary, DnsError};
    match summary(payload) {
        Ok(s) => Some(s),
        Err(DnsError::Limit(limit)) => {
            let hit = crate::limits::LimitHit::new(limit, Some(view.index as u32));
            view.trace.limits.report(hit);
            None
        }
        Err(DnsError::Malformed) => None,
    }
}
