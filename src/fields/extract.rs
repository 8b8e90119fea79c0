//! Field values of one packet ([`PacketView::values`]): the fields computed
//! from the decoded layers, the conversations and the HTTP/TLS indexes here;
//! every other field from the packet's details tree.

use super::{FieldId, Value};
use crate::capture::LinkType;
use crate::decode::checksum::{self, ChecksumStatus};
use crate::decode::tcp_flags::TcpFlags;
use crate::decode::tcp_options::SynOptions;
use crate::decode::{Decoded, Network, Transport};
use crate::flow::{analysis::flags as af, Direction, Protocol};
use crate::http::HttpIndex;
use crate::store::PacketKind;
use crate::trace::Trace;
use std::borrow::Cow;
use std::net::IpAddr;

/// The TCP ports of a packet, also from a header cut too short for a view.
fn tcp_ports(d: &Decoded<'_>) -> Option<(u16, u16)> {
    d.tcp()
        .map(|t| (t.source_port(), t.destination_port()))
        .or(d.tcp_short_ports)
}

/// A packet of a trace, decoded once, whose fields can be asked for.
pub struct PacketView<'t> {
    pub trace: &'t Trace,
    /// The trace's HTTP transactions, when built: without them, `http.*`
    /// fields are absent.
    pub http: Option<&'t HttpIndex>,
    /// 0-based index.
    pub index: usize,
    pub decoded: Decoded<'t>,
    /// The details tree, built the first time a tree field is asked for.
    tree: std::cell::OnceCell<super::dissect::Tree>,
}

fn checksum_code(s: ChecksumStatus) -> u64 {
    match s {
        ChecksumStatus::Incorrect { .. } => 0,
        ChecksumStatus::Correct => 1,
        ChecksumStatus::Unverified => 2,
    }
}

impl<'t> PacketView<'t> {
    /// A view without HTTP fields (see [`PacketView::with_http`]).
    pub fn new(trace: &'t Trace, index: usize) -> PacketView<'t> {
        PacketView::with_http(trace, None, index)
    }

    /// A view whose `http.*` fields come from `http`.
    pub fn with_http(
        trace: &'t Trace,
        http: Option<&'t HttpIndex>,
        index: usize,
    ) -> PacketView<'t> {
        PacketView {
            trace,
            http,
            index,
            decoded: trace.store.decode(index),
            tree: std::cell::OnceCell::new(),
        }
    }

    /// A view over a packet already decoded (saves decoding it again).
    pub fn from_decoded(
        trace: &'t Trace,
        http: Option<&'t HttpIndex>,
        index: usize,
        decoded: Decoded<'t>,
    ) -> PacketView<'t> {
        PacketView {
            trace,
            http,
            index,
            decoded,
            tree: std::cell::OnceCell::new(),
        }
    }

    /// Appends the values of `field` in this packet to `out` (none when absent).
    pub fn values(&self, field: FieldId, out: &mut Vec<Value<'t>>) {
        use FieldId as F;
        let store = &self.trace.store;
        let Some(entry) = store.entry(self.index) else {
            return;
        };
        let d = &self.decoded;
        let custom = entry.kind == PacketKind::CustomBlock;
        let conv = self.trace.conversations.of_packet(store, self.index);
        let tcp = if custom { None } else { d.tcp() };
        let udp = match &d.transport {
            Transport::Udp(u) if !custom => Some(u),
            _ => None,
        };
        let ipv4 = match &d.network {
            Network::Ipv4 { header, .. } if !custom => Some(header),
            _ => None,
        };
        let ipv6 = match &d.network {
            Network::Ipv6 { header, .. } if !custom => Some(header),
            _ => None,
        };
        let ethernet = d.link.link_type == LinkType::ETHERNET && !custom;
        let tcp_conv = conv.filter(|(c, _)| c.protocol == Protocol::Tcp && tcp.is_some());
        let flags = tcp.map(|t| t.tcp_flags()).unwrap_or_default();
        let analysis = if tcp.is_some() { entry.analysis } else { 0 };
        let mut push = |v: Value<'t>| out.push(v);
        let flag =
            |bit: u16| -> Option<Value<'t>> { (analysis & bit != 0).then_some(Value::Present) };
        let rel = || tcp_conv.and(tcp).and_then(|_| self.relative_seq_ack());
        let one: Option<Value<'t>> = match field {
            F::Frame => Some(Value::Present),
            F::FrameNumber => Some(Value::UInt(self.index as u64 + 1)),
            // No frame is marked outside the TUI (tshark prints 0); the
            // filter takes the TUI's marks from the session.
            F::FrameMarked => Some(Value::Bool(false)),
            F::WsColProtocol => Some(Value::Str(super::columns::row(self).protocol)),
            F::WsColInfo => Some(Value::Str(Cow::Owned(super::columns::row(self).info))),
            F::FrameTimeEpoch => entry.has_timestamp().then_some(Value::Time(entry.ts_ns)),
            F::FrameTimeRelative => store.relative_ns(self.index).map(Value::Time),
            F::FrameTimeDelta => {
                let prev = self.index.checked_sub(1).and_then(|i| store.entry(i));
                match prev {
                    Some(p) if p.has_timestamp() && entry.has_timestamp() => {
                        Some(Value::Time(entry.ts_ns.saturating_sub(p.ts_ns)))
                    }
                    None if entry.has_timestamp() => Some(Value::Time(0)),
                    _ => None,
                }
            }
            F::FrameLen => Some(Value::UInt(u64::from(entry.orig_len))),
            F::FrameCapLen => Some(Value::UInt(u64::from(entry.cap_len))),
            F::FrameInterfaceId => Some(Value::UInt(u64::from(entry.interface))),
            // The full chain as the details tree finds it (`...:udp:dns`).
            F::FrameProtocols if !custom => {
                let tree = self
                    .tree
                    .get_or_init(|| super::dissect::tree(self, super::dissect::Context::default()));
                let mut found = Vec::new();
                tree.values("frame.protocols", &mut found);
                out.extend(found);
                return;
            }
            F::FrameProtocols => Some(Value::Str(Cow::Owned(protocols(d, custom)))),
            F::FrameBytes => Some(Value::Bytes(Cow::Borrowed(if custom {
                store.data(self.index)
            } else {
                d.data
            }))),
            F::Eth => ethernet.then_some(Value::Present),
            F::EthSrc => d.link.eth_src.filter(|_| ethernet).map(Value::Ether),
            F::EthDst => d.link.eth_dst.filter(|_| ethernet).map(Value::Ether),
            F::EthAddr => {
                if ethernet {
                    if let Some(s) = d.link.eth_src {
                        push(Value::Ether(s));
                    }
                    if let Some(s) = d.link.eth_dst {
                        push(Value::Ether(s));
                    }
                }
                None
            }
            F::EthType => match d.link.next {
                crate::decode::NextLayer::EtherType(t) if ethernet => {
                    Some(Value::Hex(u64::from(t), 4))
                }
                _ => None,
            },
            F::Vlan => d.link.vlans[0].map(|_| Value::Present),
            F::VlanId => {
                for v in d.link.vlans.iter().flatten() {
                    push(Value::UInt(u64::from(v.id)));
                }
                None
            }
            F::Sll => matches!(d.link.link_type, LinkType::LINUX_SLL | LinkType::LINUX_SLL2)
                .then_some(Value::Present),
            F::Arp => matches!(d.network, Network::Arp(_)).then_some(Value::Present),
            F::ArpOpcode => match &d.network {
                Network::Arp(a) => Some(Value::UInt(u64::from(a.operation().0))),
                _ => None,
            },
            F::Ip => ipv4.map(|_| Value::Present),
            F::IpSrc => ipv4.map(|h| Value::Ip(IpAddr::V4(h.source_addr()))),
            F::IpDst => ipv4.map(|h| Value::Ip(IpAddr::V4(h.destination_addr()))),
            F::IpAddr => {
                if let Some(h) = ipv4 {
                    push(Value::Ip(IpAddr::V4(h.source_addr())));
                    push(Value::Ip(IpAddr::V4(h.destination_addr())));
                }
                None
            }
            F::IpProto => ipv4.map(|h| Value::UInt(u64::from(h.protocol().0))),
            F::IpTtl => ipv4.map(|h| Value::UInt(u64::from(h.ttl()))),
            F::IpLen => ipv4.map(|h| Value::UInt(u64::from(h.total_len()))),
            F::IpId => ipv4.map(|h| Value::Hex(u64::from(h.identification()), 4)),
            F::IpChecksumStatus => checksum::ipv4_header(d).map(|s| Value::UInt(checksum_code(s))),
            F::IpFlagsMf => ipv4.map(|h| Value::Bool(h.more_fragments())),
            F::IpFragOffset => {
                ipv4.map(|h| Value::UInt(u64::from(h.fragments_offset().value()) * 8))
            }
            F::Ipv6 => ipv6.map(|_| Value::Present),
            F::Ipv6Src => ipv6.map(|h| Value::Ip(IpAddr::V6(h.source_addr()))),
            F::Ipv6Dst => ipv6.map(|h| Value::Ip(IpAddr::V6(h.destination_addr()))),
            F::Ipv6Addr => {
                if let Some(h) = ipv6 {
                    push(Value::Ip(IpAddr::V6(h.source_addr())));
                    push(Value::Ip(IpAddr::V6(h.destination_addr())));
                }
                None
            }
            F::Ipv6Nxt => ipv6.map(|h| Value::UInt(u64::from(h.next_header().0))),
            F::Ipv6Hlim => ipv6.map(|h| Value::UInt(u64::from(h.hop_limit()))),
            F::Icmp => matches!(d.transport, Transport::Icmpv4(_)).then_some(Value::Present),
            F::IcmpType => match &d.transport {
                Transport::Icmpv4(i) => Some(Value::UInt(u64::from(i.type_u8()))),
                _ => None,
            },
            F::IcmpCode => match &d.transport {
                Transport::Icmpv4(i) => Some(Value::UInt(u64::from(i.code_u8()))),
                _ => None,
            },
            F::Icmpv6 => matches!(d.transport, Transport::Icmpv6(_)).then_some(Value::Present),
            F::Icmpv6Type => match &d.transport {
                Transport::Icmpv6(i) => Some(Value::UInt(u64::from(i.type_u8()))),
                _ => None,
            },
            F::Icmpv6Code => match &d.transport {
                Transport::Icmpv6(i) => Some(Value::UInt(u64::from(i.code_u8()))),
                _ => None,
            },
            F::Tcp => (tcp.is_some() || d.tcp_short_ports.is_some()).then_some(Value::Present),
            F::TcpSrcport => tcp_ports(d).map(|(s, _)| Value::UInt(u64::from(s))),
            F::TcpDstport => tcp_ports(d).map(|(_, t)| Value::UInt(u64::from(t))),
            F::TcpPort => {
                if let Some((s, t)) = tcp_ports(d) {
                    push(Value::UInt(u64::from(s)));
                    push(Value::UInt(u64::from(t)));
                }
                None
            }
            F::TcpStream => tcp_conv.map(|(c, _)| Value::UInt(u64::from(c.stream))),
            F::TcpLen => d
                .tcp_len()
                .filter(|_| tcp.is_some())
                .map(|l| Value::UInt(u64::from(l))),
            F::TcpSeq => rel().map(|(s, _)| Value::UInt(u64::from(s))),
            F::TcpSeqRaw => tcp.map(|t| Value::UInt(u64::from(t.sequence_number()))),
            F::TcpNxtseq => {
                let len = d.tcp_len().unwrap_or(0);
                let syn_fin = u32::from(flags.intersects(TcpFlags::SYN | TcpFlags::FIN));
                rel()
                    .filter(|_| len > 0 || syn_fin > 0)
                    .map(|(s, _)| Value::UInt(u64::from(s.wrapping_add(len).wrapping_add(syn_fin))))
            }
            F::TcpAck => rel().map(|(_, a)| Value::UInt(u64::from(a))),
            F::TcpAckRaw => tcp.map(|t| Value::UInt(u64::from(t.acknowledgment_number()))),
            F::TcpHdrLen => tcp.map(|t| Value::UInt(u64::from(t.data_offset()) * 4)),
            F::TcpFlags => tcp.map(|_| Value::Hex(u64::from(flags.bits()), 4)),
            F::TcpFlagsStr => tcp.map(|_| Value::Str(Cow::Owned(flags.str()))),
            F::TcpFlagsNs => tcp.map(|_| Value::Bool(flags.intersects(TcpFlags::AE))),
            F::TcpFlagsCwr => tcp.map(|_| Value::Bool(flags.intersects(TcpFlags::CWR))),
            F::TcpFlagsEce => tcp.map(|_| Value::Bool(flags.intersects(TcpFlags::ECE))),
            F::TcpFlagsUrg => tcp.map(|_| Value::Bool(flags.intersects(TcpFlags::URG))),
            F::TcpFlagsAck => tcp.map(|_| Value::Bool(flags.intersects(TcpFlags::ACK))),
            F::TcpFlagsPush => tcp.map(|_| Value::Bool(flags.intersects(TcpFlags::PSH))),
            F::TcpFlagsReset => tcp.map(|_| Value::Bool(flags.intersects(TcpFlags::RST))),
            F::TcpFlagsSyn => tcp.map(|_| Value::Bool(flags.intersects(TcpFlags::SYN))),
            F::TcpFlagsFin => tcp.map(|_| Value::Bool(flags.intersects(TcpFlags::FIN))),
            F::TcpWindowSizeValue => tcp.map(|t| Value::UInt(u64::from(t.window_size()))),
            F::TcpWindowSize => {
                tcp.map(|t| Value::UInt(u64::from(self.scaled_window(t.window_size()))))
            }
            F::TcpChecksumStatus => match &d.transport {
                Transport::Tcp(_) => checksum::transport(d).map(|s| Value::UInt(checksum_code(s))),
                _ => None,
            },
            F::TcpOptionsMss => tcp
                .and_then(|t| SynOptions::parse(t.options()).mss)
                .map(|m| Value::UInt(u64::from(m))),
            F::TcpOptionsWscale => tcp
                .and_then(|t| SynOptions::parse(t.options()).window_scale)
                .map(|m| Value::UInt(u64::from(m))),
            F::TcpPayload => tcp
                .map(|t| t.payload())
                .filter(|p| !p.is_empty())
                .map(|p| Value::Bytes(Cow::Borrowed(p))),
            F::TcpAnalysisFlags => (analysis != 0).then_some(Value::Present),
            F::TcpAnalysisRetransmission => {
                flag(af::RETRANSMISSION | af::FAST_RETRANSMISSION | af::SPURIOUS_RETRANSMISSION)
            }
            F::TcpAnalysisFastRetransmission => flag(af::FAST_RETRANSMISSION),
            F::TcpAnalysisSpuriousRetransmission => flag(af::SPURIOUS_RETRANSMISSION),
            F::TcpAnalysisOutOfOrder => flag(af::OUT_OF_ORDER),
            F::TcpAnalysisLostSegment => flag(af::LOST_SEGMENT),
            F::TcpAnalysisAckLostSegment => flag(af::ACK_LOST_SEGMENT),
            F::TcpAnalysisDuplicateAck => flag(af::DUPLICATE_ACK),
            F::TcpAnalysisDuplicateAckNum => (analysis & af::DUPLICATE_ACK != 0)
                .then_some(Value::UInt(u64::from(entry.dup_ack_num))),
            F::TcpAnalysisZeroWindow => flag(af::ZERO_WINDOW),
            F::TcpAnalysisWindowFull => flag(af::WINDOW_FULL),
            F::TcpAnalysisKeepAlive => flag(af::KEEP_ALIVE),
            F::TcpAnalysisKeepAliveAck => flag(af::KEEP_ALIVE_ACK),
            F::TcpAnalysisWindowUpdate => flag(af::WINDOW_UPDATE),
            F::TcpAnalysisZeroWindowProbe => flag(af::ZERO_WINDOW_PROBE),
            F::TcpAnalysisZeroWindowProbeAck => flag(af::ZERO_WINDOW_PROBE_ACK),
            F::TcpAnalysisReusedPorts => flag(af::REUSED_PORTS),
            F::Udp => udp.map(|_| Value::Present),
            F::UdpSrcport => udp.map(|u| Value::UInt(u64::from(u.source_port()))),
            F::UdpDstport => udp.map(|u| Value::UInt(u64::from(u.destination_port()))),
            F::UdpPort => {
                if let Some(u) = udp {
                    push(Value::UInt(u64::from(u.source_port())));
                    push(Value::UInt(u64::from(u.destination_port())));
                }
                None
            }
            F::UdpLength => udp.map(|u| Value::UInt(u64::from(u.length()))),
            F::UdpStream => conv
                .filter(|(c, _)| c.protocol == Protocol::Udp && udp.is_some())
                .map(|(c, _)| Value::UInt(u64::from(c.stream))),
            F::UdpChecksumStatus => match &d.transport {
                Transport::Udp(_) => checksum::transport(d).map(|s| Value::UInt(checksum_code(s))),
                _ => None,
            },
            // Port 5353 is mDNS, a protocol of its own for Wireshark's `dns`.
            F::Dns => udp
                .filter(|u| u.source_port() == 53 || u.destination_port() == 53)
                .map(|_| Value::Present),
            F::WsColNo | F::WsColTime | F::WsColSource | F::WsColDestination | F::WsColLength => {
                let r = super::columns::row(self);
                let text = |s: String| Some(Value::Str(Cow::Owned(s)));
                match field {
                    F::WsColNo => Some(Value::UInt(r.number)),
                    F::WsColTime => text(r.time),
                    F::WsColSource => text(r.source),
                    F::WsColDestination => text(r.destination),
                    _ => Some(Value::UInt(u64::from(r.length))),
                }
            }
            F::Http
            | F::HttpRequest
            | F::HttpResponse
            | F::HttpRequestMethod
            | F::HttpRequestUri
            | F::HttpRequestVersion
            | F::HttpHost
            | F::HttpUserAgent
            | F::HttpResponseCode
            | F::HttpResponsePhrase
            | F::HttpContentType
            | F::HttpContentLength
            | F::HttpContentEncoding
            | F::HttpTransferEncoding => {
                if let (Some(http), true) = (self.http, tcp.is_some()) {
                    for m in http.at_packet(self.index) {
                        let head = m.head(&self.trace.store);
                        if let Some(v) = head.and_then(|h| http_value(&h, field)) {
                            push(v);
                        }
                    }
                }
                None
            }
            F::Tls
            | F::TlsRecordContentType
            | F::TlsRecordVersion
            | F::TlsRecordLength
            | F::TlsHandshakeType
            | F::TlsHandshakeExtensionsServerName
            | F::TlsHandshakeExtensionsAlpnStr
            | F::TlsHandshakeExtensionsSupportedVersion
            | F::TlsHandshakeCiphersuite
            | F::TlsHandshakeJa3Full
            | F::TlsHandshakeJa3
            | F::TlsHandshakeJa3sFull
            | F::TlsHandshakeJa3s
            | F::TlsAlertMessageLevel
            | F::TlsAlertMessageDesc => {
                if let (Some(http), true) = (self.http, tcp.is_some()) {
                    super::tls::values(&http.tls, self.index, field, &mut push);
                } else if tcp.is_none() {
                    // A QUIC Initial's handshake lives in its tree.
                    let tree = self.tree.get_or_init(|| {
                        super::dissect::tree(self, super::dissect::Context::default())
                    });
                    let mut found = Vec::new();
                    tree.values(field.name(), &mut found);
                    out.extend(found);
                    return;
                }
                None
            }
            F::Http2
            | F::Http2Streamid
            | F::Http2Type
            | F::Http2Flags
            | F::Http2Length
            | F::Http2HeaderName
            | F::Http2HeaderValue => {
                if let (Some(http), true) = (self.http, tcp.is_some()) {
                    if let Some(h2) = http.http2.get(&entry.conversation) {
                        crate::http2::fields::values(h2, self.index, field, &mut push);
                    }
                }
                None
            }
            // Every other field lives in the details tree: built once for
            // the packet, then read.
            _ => {
                let tree = self
                    .tree
                    .get_or_init(|| super::dissect::tree(self, super::dissect::Context::default()));
                let mut found = Vec::new();
                tree.values(field.name(), &mut found);
                out.extend(found);
                return;
            }
        };
        if let Some(v) = one {
            out.push(v);
        }
        if !custom {
            super::quoted::values(d, field, out);
        }
    }

    /// Relative (`tcp.seq`, `tcp.ack`) of a TCP packet in a conversation.
    pub fn relative_seq_ack(&self) -> Option<(u32, u32)> {
        let t = self.decoded.tcp()?;
        let (c, dir) = self
            .trace
            .conversations
            .of_packet(&self.trace.store, self.index)?;
        Some(self.trace.conversations.relative(
            c,
            dir,
            t.sequence_number(),
            t.acknowledgment_number(),
            t.ack(),
        ))
    }

    /// The window after scaling, as `tcp.window_size` and the Info column show it.
    pub fn scaled_window(&self, raw: u16) -> u32 {
        self.trace
            .conversations
            .scaled_window(&self.trace.store, self.index, raw)
    }

    /// The packet's direction within its conversation.
    pub fn direction(&self) -> Option<Direction> {
        self.trace
            .conversations
            .of_packet(&self.trace.store, self.index)
            .map(|(_, d)| d)
    }
}

fn protocols(d: &Decoded<'_>, custom: bool) -> String {
    if custom {
        return "pcapng".into();
    }
    let mut parts: Vec<&str> = Vec::new();
    match d.link.link_type {
        LinkType::ETHERNET => parts.push("eth:ethertype"),
        LinkType::LINUX_SLL => parts.push("sll:ethertype"),
        LinkType::LINUX_SLL2 => parts.push("sll2:ethertype"),
        LinkType::NULL | LinkType::LOOP => parts.push("null"),
        _ => parts.push("raw"),
    }
    if d.link.vlans[0].is_some() {
        parts.push("vlan:ethertype");
    }
    match d.network {
        Network::Ipv4 { .. } => parts.push("ip"),
        Network::Ipv6 { .. } => parts.push("ipv6"),
        Network::Arp(_) => parts.push("arp"),
        Network::None => {}
    }
    match d.transport {
        Transport::Tcp(_) => parts.push("tcp"),
        Transport::Udp(_) => parts.push("udp"),
        Transport::Icmpv4(_) => parts.push("icmp"),
        Transport::Icmpv6(_) => parts.push("icmpv6"),
        Transport::None => {}
    }
    parts.join(":")
}

/// An HTTP field of one message (from `crate::http`: its head), as tshark
/// gives it for the packet where the message completes.
fn http_value<'t>(m: &crate::http::parse::Head, field: FieldId) -> Option<Value<'t>> {
    use crate::http::parse::StartLine;
    use FieldId as F;
    let text = |s: &str| Some(Value::Str(Cow::Owned(s.to_string())));
    match (field, &m.start) {
        (F::Http, _) => Some(Value::Present),
        (F::HttpRequest, StartLine::Request { .. }) => Some(Value::Present),
        (F::HttpResponse, StartLine::Response { .. }) => Some(Value::Present),
        (F::HttpRequestMethod, StartLine::Request { method, .. }) => text(method),
        (F::HttpRequestUri, StartLine::Request { uri, .. }) => text(uri),
        (F::HttpRequestVersion, StartLine::Request { version, .. }) => text(version),
        (F::HttpResponseCode, StartLine::Response { code, .. }) => {
            Some(Value::UInt(u64::from(*code)))
        }
        (F::HttpResponsePhrase, StartLine::Response { reason, .. }) => text(reason),
        (F::HttpHost, _) => m.header("host").and_then(text),
        (F::HttpUserAgent, _) => m.header("user-agent").and_then(text),
        (F::HttpContentType, _) => m.header("content-type").and_then(text),
        (F::HttpContentLength, _) => crate::http::parse::content_length(m).map(Value::UInt),
        (F::HttpContentEncoding, _) => m.header("content-encoding").and_then(text),
        (F::HttpTransferEncoding, _) => m.header("transfer-encoding").and_then(text),
        _ => None,
    }
}
