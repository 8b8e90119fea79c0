//! Dissection: a packet's layers as Wireshark's details tree, a heading line
//! per layer and its fields below it, each with the byte range of the packet
//! it describes, built from the decoder, the conversations and (when given)
//! the HTTP index. The TUI's details and bytes panes only render this tree;
//! the folding helpers say which lines a folded layer hides.

use crate::decode::checksum::{self, ChecksumStatus};
use crate::decode::tcp_options::{TcpOption, TcpOptions};
use crate::decode::{Network, Transport};
use crate::fields::PacketView;
use crate::text::{mac, sanitize};
use std::collections::HashSet;
use std::ops::Range;

/// One line of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 0 for a layer heading, 1 for its fields.
    pub depth: u8,
    pub text: String,
    /// Bytes of the packet this line describes.
    pub bytes: Range<usize>,
}

/// The name of the layer a heading line opens ("Frame", "Internet Protocol
/// Version 4", "Transmission Control Protocol", ...): what stays collapsed
/// from one packet to the next, as in Wireshark.
pub fn layer_of(heading: &str) -> &str {
    let end = heading.find([':', ',', '(', '[']).unwrap_or(heading.len());
    let name = heading[..end].trim_end();
    // "Frame 12" and the like: the number is not part of the layer.
    name.trim_end_matches(|c: char| c.is_ascii_digit())
        .trim_end()
}

/// The lines to show when the layers in `collapsed` are folded: their
/// headings stay, their fields go. Each line comes with whether it is a
/// folded heading.
pub fn visible<'l>(lines: &'l [Line], collapsed: &HashSet<String>) -> Vec<(&'l Line, bool)> {
    let mut out = Vec::with_capacity(lines.len());
    let mut hiding = false;
    for line in lines {
        if line.depth == 0 {
            hiding = collapsed.contains(layer_of(&line.text));
            out.push((line, hiding));
        } else if !hiding {
            out.push((line, false));
        }
    }
    out
}

fn status(s: Option<ChecksumStatus>) -> &'static str {
    match s {
        Some(ChecksumStatus::Correct) => "correct",
        Some(ChecksumStatus::Incorrect { .. }) => "incorrect",
        Some(ChecksumStatus::Unverified) | None => "unverified",
    }
}

/// Builds the detail lines of a packet.
pub fn lines(view: &PacketView<'_>) -> Vec<Line> {
    let d = &view.decoded;
    let len = d.data.len();
    let mut out = Vec::new();
    let mut push = |depth: u8, text: String, bytes: Range<usize>| {
        out.push(Line {
            depth,
            text: sanitize(&text).into_owned(),
            bytes,
        })
    };
    push(
        0,
        format!(
            "Frame {}: {} bytes on wire, {} bytes captured",
            view.index + 1,
            d.orig_len,
            len
        ),
        0..len,
    );
    let link_len = d.link.header_len.min(len);
    push(0, format!("Link: {}", d.link.link_type.name()), 0..link_len);
    if let (Some(s), Some(t)) = (d.link.eth_src, d.link.eth_dst) {
        push(1, format!("Destination: {}", mac(t)), 0..6.min(len));
        push(1, format!("Source: {}", mac(s)), 6.min(len)..12.min(len));
    }
    for v in d.link.vlans.iter().flatten() {
        push(
            1,
            format!("802.1Q VLAN: ID {} priority {}", v.id, v.priority),
            0..link_len,
        );
    }
    let net_end = d.transport_offset.unwrap_or(len).min(len);
    let net = d.network_offset.min(len)..net_end;
    match &d.network {
        Network::Ipv4 { header, fragment } => {
            push(
                0,
                format!(
                    "Internet Protocol Version 4, Src: {}, Dst: {}",
                    header.source_addr(),
                    header.destination_addr()
                ),
                net.clone(),
            );
            push(
                1,
                format!("Total Length: {}", header.total_len()),
                net.clone(),
            );
            push(
                1,
                format!(
                    "Identification: 0x{:04x}{}",
                    header.identification(),
                    if *fragment { " (fragment)" } else { "" }
                ),
                net.clone(),
            );
            push(1, format!("Time to Live: {}", header.ttl()), net.clone());
            push(1, format!("Protocol: {}", header.protocol().0), net.clone());
            push(
                1,
                format!(
                    "Header Checksum: 0x{:04x} [{}]",
                    header.header_checksum(),
                    status(checksum::ipv4_header(d))
                ),
                net.clone(),
            );
        }
        Network::Ipv6 { header, .. } => {
            push(
                0,
                format!(
                    "Internet Protocol Version 6, Src: {}, Dst: {}",
                    header.source_addr(),
                    header.destination_addr()
                ),
                net.clone(),
            );
            push(
                1,
                format!("Payload Length: {}", header.payload_length()),
                net.clone(),
            );
            push(
                1,
                format!("Next Header: {}", header.next_header().0),
                net.clone(),
            );
            push(1, format!("Hop Limit: {}", header.hop_limit()), net.clone());
        }
        Network::Arp(a) => {
            push(
                0,
                format!("Address Resolution Protocol (opcode {})", a.operation().0),
                net.clone(),
            );
        }
        Network::None => {}
    }
    let t_start = d.transport_offset.unwrap_or(len).min(len);
    let payload_start = d.payload_offset().unwrap_or(len).min(len).max(t_start);
    let th = t_start..payload_start;
    match &d.transport {
        Transport::Tcp(t) => {
            let (seq, ack) = view
                .relative_seq_ack()
                .unwrap_or((t.sequence_number(), t.acknowledgment_number()));
            let stream = view
                .trace
                .conversations
                .of_packet(&view.trace.store, view.index)
                .map(|(c, _)| c.stream);
            push(0, format!("Transmission Control Protocol, Src Port: {}, Dst Port: {}, Seq: {seq}, Len: {}", t.source_port(), t.destination_port(), d.tcp_len().unwrap_or(0)), th.clone());
            if let Some(s) = stream {
                push(1, format!("[Stream index: {s}]"), th.clone());
            }
            push(
                1,
                format!(
                    "Sequence Number: {seq} (relative)   raw: {}",
                    t.sequence_number()
                ),
                th.clone(),
            );
            push(
                1,
                format!(
                    "Acknowledgment Number: {ack} (relative)   raw: {}",
                    t.acknowledgment_number()
                ),
                th.clone(),
            );
            let flags = t.tcp_flags();
            push(
                1,
                format!("Flags: 0x{:03x} ({})", flags.bits(), flags.names()),
                th.clone(),
            );
            push(
                1,
                format!(
                    "Window: {}  [scaled: {}]",
                    t.window_size(),
                    view.scaled_window(t.window_size())
                ),
                th.clone(),
            );
            push(
                1,
                format!(
                    "Checksum: 0x{:04x} [{}]",
                    t.checksum(),
                    status(checksum::transport(d))
                ),
                th.clone(),
            );
            let options_at = (t_start + 20).min(th.end)..th.end;
            for o in TcpOptions::new(t.options()) {
                let text = match o {
                    TcpOption::Mss(m) => format!("Option: Maximum segment size: {m} bytes"),
                    TcpOption::WindowScale(w) => {
                        format!(
                            "Option: Window scale: {w} (multiply by {})",
                            1u32 << w.min(14)
                        )
                    }
                    TcpOption::SackPermitted => "Option: SACK permitted".into(),
                    TcpOption::Sack { blocks, count } => {
                        let list: Vec<String> = blocks
                            .iter()
                            .take(usize::from(count))
                            .map(|(l, r)| format!("{l}-{r}"))
                            .collect();
                        format!("Option: SACK {}", list.join(" "))
                    }
                    TcpOption::Timestamps { value, echo } => {
                        format!("Option: Timestamps: TSval {value}, TSecr {echo}")
                    }
                    TcpOption::FastOpen { cookie_len: 0 } => {
                        "Option: TCP Fast Open cookie request".into()
                    }
                    TcpOption::FastOpen { cookie_len } => {
                        format!("Option: TCP Fast Open cookie ({cookie_len} bytes)")
                    }
                    TcpOption::Nop => continue,
                    TcpOption::Other(k) => format!("Option: kind {k}"),
                    TcpOption::Malformed => "Option: malformed".into(),
                };
                push(1, text, options_at.clone());
            }
            let analysis = view
                .trace
                .store
                .entry(view.index)
                .map(|e| e.analysis)
                .unwrap_or(0);
            for (bit, _, label) in crate::flow::analysis::flags::ALL {
                if analysis & bit != 0 {
                    push(1, format!("[Expert: {label}]"), th.clone());
                }
            }
        }
        Transport::Udp(u) => {
            push(
                0,
                format!(
                    "User Datagram Protocol, Src Port: {}, Dst Port: {}",
                    u.source_port(),
                    u.destination_port()
                ),
                th.clone(),
            );
            push(1, format!("Length: {}", u.length()), th.clone());
            push(
                1,
                format!(
                    "Checksum: 0x{:04x} [{}]",
                    u.checksum(),
                    status(checksum::transport(d))
                ),
                th.clone(),
            );
        }
        Transport::Icmpv4(i) => push(
            0,
            format!(
                "Internet Control Message Protocol, type {} code {}",
                i.type_u8(),
                i.code_u8()
            ),
            th.clone(),
        ),
        Transport::Icmpv6(i) => push(
            0,
            format!(
                "Internet Control Message Protocol v6, type {} code {}",
                i.type_u8(),
                i.code_u8()
            ),
            th.clone(),
        ),
        Transport::None => {}
    }
    // HTTP, once the background index is ready (the pane never waits for it).
    let http = view.http;
    let messages = http.map(|h| h.at_packet(view.index)).unwrap_or_default();
    if messages.is_empty() {
        if let Some((m, _)) = http
            .and_then(|h| h.segment_of(&view.trace.store, &view.trace.conversations, view.index))
        {
            push(
                0,
                format!(
                    "[TCP segment of a reassembled PDU: {}, completed in frame {}]",
                    m.head(&view.trace.store)
                        .map(|h| h.start_line_info())
                        .unwrap_or_default()
                        .trim_end(),
                    m.last_packet + 1
                ),
                payload_start..len,
            );
        } else if payload_start < len && d.transport_offset.is_some() {
            push(
                0,
                format!("Data ({} bytes)", len - payload_start),
                payload_start..len,
            );
        }
    }
    for m in messages {
        let Some(head) = m.head(&view.trace.store) else {
            continue;
        };
        push(0, "Hypertext Transfer Protocol".into(), payload_start..len);
        push(
            1,
            head.start_line_info().trim_end().to_string(),
            payload_start..len,
        );
        for (name, value) in &head.headers {
            push(1, format!("{name}: {value}"), payload_start..len);
        }
        if m.first_packet != view.index as u32 {
            push(
                1,
                format!(
                    "[Reassembled from frame {} to {}]",
                    m.first_packet + 1,
                    m.last_packet + 1
                ),
                payload_start..len,
            );
        }
        if !m.body.is_empty() {
            let codings = head.codings();
            push(
                1,
                format!(
                    "Body: {} bytes{}{}",
                    m.body.len,
                    if codings.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", codings.join(", "))
                    },
                    if m.partial() {
                        format!(", partial: {} bytes missing", m.missing())
                    } else {
                        String::new()
                    }
                ),
                payload_start..len,
            );
        }
    }
    if d.is_cut_by_snaplen() || d.header_truncated {
        push(0, "[Packet size limited during capture]".into(), len..len);
    }
    out
}
