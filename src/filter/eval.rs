//! Evaluates a checked filter on one packet, decoding it only when a field
//! cannot be answered from the store entry and the conversation table.

use super::parser::CmpOp;
use super::typecheck::{Const, Node};
use crate::decode::tcp_flags::TcpFlags;
use crate::fields::{FieldId, PacketView, Value};
use crate::flow::analysis::flags as af;
use crate::flow::Protocol;
use crate::http::HttpIndex;
use crate::store::{bits, PacketKind};
use crate::trace::Trace;
use std::cell::OnceCell;
use std::cmp::Ordering;
use std::net::IpAddr;

/// One packet being filtered: the decode happens at most once, on demand.
pub struct Packet<'t> {
    trace: &'t Trace,
    http: Option<&'t HttpIndex>,
    index: usize,
    /// `frame.marked` (the TUI's marks).
    marked: bool,
    view: OnceCell<PacketView<'t>>,
}

impl<'t> Packet<'t> {
    pub fn new(trace: &'t Trace, http: Option<&'t HttpIndex>, index: usize) -> Packet<'t> {
        Packet {
            trace,
            http,
            index,
            marked: false,
            view: OnceCell::new(),
        }
    }

    /// The packet with `frame.marked` set to `marked`.
    pub fn marked(self, marked: bool) -> Packet<'t> {
        Packet { marked, ..self }
    }

    /// Whether the packet has been decoded (for tests of laziness).
    pub fn decoded(&self) -> bool {
        self.view.get().is_some()
    }

    /// The field's values, as [`PacketView::values`] gives them.
    pub fn values(&self, field: FieldId, out: &mut Vec<Value<'t>>) {
        if field == FieldId::FrameMarked {
            out.push(Value::Bool(self.marked));
            return;
        }
        if !fast_values(self.trace, self.index, field, out) {
            self.view
                .get_or_init(|| PacketView::with_http(self.trace, self.http, self.index))
                .values(field, out);
        }
    }
}

/// Answers `field` from the store entry and the conversation alone, or
/// returns `false` when the packet must be decoded.
pub fn fast_values<'t>(
    trace: &'t Trace,
    index: usize,
    field: FieldId,
    out: &mut Vec<Value<'t>>,
) -> bool {
    use FieldId as F;
    use PacketKind as K;
    let Some(e) = trace.store.entry(index) else {
        return true;
    };
    let v6 = e.bits & bits::IPV6 != 0;
    let is_tcp = e.kind == K::Tcp;
    let is_udp = e.kind == K::Udp;
    let flag = |f: TcpFlags| is_tcp.then_some(Value::Bool(e.tcp_flags().intersects(f)));
    let analysis = |bits: u16| (is_tcp && e.analysis & bits != 0).then_some(Value::Present);
    let conv = || {
        trace
            .conversations
            .of_packet(&trace.store, index)
            .filter(|(c, _)| match c.protocol {
                Protocol::Tcp => is_tcp,
                Protocol::Udp => is_udp,
            })
            .map(|(c, d)| {
                let (src, dst) = if d == crate::flow::Direction::AtoB {
                    (c.a, c.b)
                } else {
                    (c.b, c.a)
                };
                (c, src, dst)
            })
    };
    let one = match field {
        F::Frame => Some(Value::Present),
        F::FrameNumber => Some(Value::UInt(index as u64 + 1)),
        F::FrameMarked => Some(Value::Bool(false)),
        F::FrameLen => Some(Value::UInt(u64::from(e.orig_len))),
        F::FrameCapLen => Some(Value::UInt(u64::from(e.cap_len))),
        F::FrameInterfaceId => Some(Value::UInt(u64::from(e.interface))),
        F::Tcp => is_tcp.then_some(Value::Present),
        F::Udp => is_udp.then_some(Value::Present),
        F::Arp => (e.kind == K::Arp).then_some(Value::Present),
        F::Icmp => (e.kind == K::Icmp).then_some(Value::Present),
        F::Icmpv6 => (e.kind == K::Icmpv6).then_some(Value::Present),
        F::Ip => (e.kind == K::Ipv4 || (matches!(e.kind, K::Tcp | K::Udp | K::Icmp) && !v6))
            .then_some(Value::Present),
        F::Ipv6 => (e.kind == K::Ipv6 || (matches!(e.kind, K::Tcp | K::Udp | K::Icmpv6) && v6))
            .then_some(Value::Present),
        F::TcpFlagsNs => flag(TcpFlags::AE),
        F::TcpFlagsCwr => flag(TcpFlags::CWR),
        F::TcpFlagsEce => flag(TcpFlags::ECE),
        F::TcpFlagsUrg => flag(TcpFlags::URG),
        F::TcpFlagsAck => flag(TcpFlags::ACK),
        F::TcpFlagsPush => flag(TcpFlags::PSH),
        F::TcpFlagsReset => flag(TcpFlags::RST),
        F::TcpFlagsSyn => flag(TcpFlags::SYN),
        F::TcpFlagsFin => flag(TcpFlags::FIN),
        F::TcpAnalysisFlags => (is_tcp && e.analysis != 0).then_some(Value::Present),
        F::TcpAnalysisRetransmission => {
            analysis(af::RETRANSMISSION | af::FAST_RETRANSMISSION | af::SPURIOUS_RETRANSMISSION)
        }
        F::TcpAnalysisFastRetransmission => analysis(af::FAST_RETRANSMISSION),
        F::TcpAnalysisSpuriousRetransmission => analysis(af::SPURIOUS_RETRANSMISSION),
        F::TcpAnalysisOutOfOrder => analysis(af::OUT_OF_ORDER),
        F::TcpAnalysisLostSegment => analysis(af::LOST_SEGMENT),
        F::TcpAnalysisAckLostSegment => analysis(af::ACK_LOST_SEGMENT),
        F::TcpAnalysisDuplicateAck => analysis(af::DUPLICATE_ACK),
        F::TcpAnalysisDuplicateAckNum => (is_tcp && e.analysis & af::DUPLICATE_ACK != 0)
            .then_some(Value::UInt(u64::from(e.dup_ack_num))),
        F::TcpAnalysisZeroWindow => analysis(af::ZERO_WINDOW),
        F::TcpAnalysisWindowFull => analysis(af::WINDOW_FULL),
        F::TcpAnalysisKeepAlive => analysis(af::KEEP_ALIVE),
        F::TcpAnalysisKeepAliveAck => analysis(af::KEEP_ALIVE_ACK),
        F::TcpAnalysisWindowUpdate => analysis(af::WINDOW_UPDATE),
        F::TcpAnalysisZeroWindowProbe => analysis(af::ZERO_WINDOW_PROBE),
        F::TcpAnalysisZeroWindowProbeAck => analysis(af::ZERO_WINDOW_PROBE_ACK),
        F::TcpAnalysisReusedPorts => analysis(af::REUSED_PORTS),
        F::TcpStream | F::UdpStream => {
            if (field == F::TcpStream) != is_tcp {
                None
            } else if let Some((c, _, _)) = conv() {
                Some(Value::UInt(u64::from(c.stream)))
            } else {
                return !(is_tcp || is_udp);
            }
        }
        F::TcpSrcport | F::TcpDstport | F::TcpPort | F::UdpSrcport | F::UdpDstport | F::UdpPort => {
            let tcp_field = matches!(field, F::TcpSrcport | F::TcpDstport | F::TcpPort);
            if tcp_field && !is_tcp || !tcp_field && !is_udp {
                // ICMP errors quote a UDP/TCP header: decode them.
                return !matches!(
                    e.kind,
                    K::CustomBlock | K::Tcp | K::Udp | K::Icmp | K::Icmpv6
                );
            }
            let Some((_, src, dst)) = conv() else {
                return false;
            };
            match field {
                F::TcpSrcport | F::UdpSrcport => Some(Value::UInt(u64::from(src.port()))),
                F::TcpDstport | F::UdpDstport => Some(Value::UInt(u64::from(dst.port()))),
                _ => {
                    out.push(Value::UInt(u64::from(src.port())));
                    out.push(Value::UInt(u64::from(dst.port())));
                    None
                }
            }
        }
        F::IpSrc | F::IpDst | F::IpAddr | F::Ipv6Src | F::Ipv6Dst | F::Ipv6Addr => {
            let Some((_, src, dst)) = conv() else {
                return false;
            };
            let want_v6 = matches!(field, F::Ipv6Src | F::Ipv6Dst | F::Ipv6Addr);
            if src.is_ipv6() != want_v6 || v6 != want_v6 {
                return false;
            }
            match field {
                F::IpSrc | F::Ipv6Src => Some(Value::Ip(src.ip())),
                F::IpDst | F::Ipv6Dst => Some(Value::Ip(dst.ip())),
                _ => {
                    out.push(Value::Ip(src.ip()));
                    out.push(Value::Ip(dst.ip()));
                    None
                }
            }
        }
        _ => return false,
    };
    if let Some(v) = one {
        out.push(v);
    }
    true
}

/// Evaluates `node` on `packet`.
pub fn eval(node: &Node, packet: &Packet<'_>) -> bool {
    match node {
        Node::Or(a, b) => eval(a, packet) || eval(b, packet),
        Node::Xor(a, b) => eval(a, packet) != eval(b, packet),
        Node::And(a, b) => eval(a, packet) && eval(b, packet),
        Node::Not(a) => !eval(a, packet),
        Node::Present(f) => !values(packet, *f).is_empty(),
        Node::Compare(f, op, c) => {
            let vs = values(packet, *f);
            match op {
                CmpOp::Eq => vs.iter().any(|v| equal(v, c)),
                CmpOp::AllNe => !vs.is_empty() && vs.iter().all(|v| !equal(v, c)),
                CmpOp::AnyNe => vs.iter().any(|v| !equal(v, c)),
                CmpOp::AllEq => !vs.is_empty() && vs.iter().all(|v| equal(v, c)),
                CmpOp::Gt => vs.iter().any(|v| order(v, c) == Some(Ordering::Greater)),
                CmpOp::Lt => vs.iter().any(|v| order(v, c) == Some(Ordering::Less)),
                CmpOp::Ge => vs
                    .iter()
                    .any(|v| matches!(order(v, c), Some(Ordering::Greater | Ordering::Equal))),
                CmpOp::Le => vs
                    .iter()
                    .any(|v| matches!(order(v, c), Some(Ordering::Less | Ordering::Equal))),
            }
        }
        Node::CompareFields(a, op, b) => {
            let (va, vb) = (values(packet, *a), values(packet, *b));
            let pairs = || {
                va.iter()
                    .flat_map(|x| vb.iter().map(move |y| order_values(x, y)))
            };
            let nonempty = !va.is_empty() && !vb.is_empty();
            let e = Some(Ordering::Equal);
            match op {
                CmpOp::Eq => pairs().any(|o| o == e),
                CmpOp::AllNe => nonempty && pairs().all(|o| o != e),
                CmpOp::AnyNe => pairs().any(|o| o != e),
                CmpOp::AllEq => nonempty && pairs().all(|o| o == e),
                CmpOp::Gt => pairs().any(|o| o == Some(Ordering::Greater)),
                CmpOp::Lt => pairs().any(|o| o == Some(Ordering::Less)),
                CmpOp::Ge => {
                    pairs().any(|o| matches!(o, Some(Ordering::Greater | Ordering::Equal)))
                }
                CmpOp::Le => pairs().any(|o| matches!(o, Some(Ordering::Less | Ordering::Equal))),
            }
        }
        Node::Contains(f, pattern) => values(packet, *f).iter().any(|v| {
            let hay = bytes_of(v);
            memchr::memmem::find(&hay, pattern).is_some()
        }),
        Node::Matches(f, re) => values(packet, *f).iter().any(|v| re.is_match(&bytes_of(v))),
        Node::In(f, set) => values(packet, *f).iter().any(|v| {
            set.iter().any(|(lo, hi)| {
                if lo == hi {
                    equal(v, lo)
                } else {
                    matches!(order(v, lo), Some(Ordering::Greater | Ordering::Equal))
                        && matches!(order(v, hi), Some(Ordering::Less | Ordering::Equal))
                }
            })
        }),
    }
}

fn values<'t>(packet: &Packet<'t>, field: FieldId) -> Vec<Value<'t>> {
    let mut out = Vec::new();
    packet.values(field, &mut out);
    out
}

fn bytes_of<'a>(v: &'a Value<'_>) -> std::borrow::Cow<'a, [u8]> {
    use std::borrow::Cow;
    match v {
        Value::Bytes(b) => Cow::Borrowed(b.as_ref()),
        Value::Str(s) => Cow::Borrowed(s.as_bytes()),
        Value::Ether(m) => Cow::Borrowed(m.as_slice()),
        other => Cow::Owned(other.tshark().into_bytes()),
    }
}

fn in_prefix(bits_a: u128, bits_b: u128, prefix: u8, width: u8) -> bool {
    let shift = u32::from(width - prefix.min(width));
    if shift >= 128 {
        return true;
    }
    (bits_a >> shift) == (bits_b >> shift)
}

fn equal(v: &Value<'_>, c: &Const) -> bool {
    match (v, c) {
        (Value::Ip(IpAddr::V4(a)), Const::Ipv4(b, p)) => {
            in_prefix(u128::from(u32::from(*a)), u128::from(u32::from(*b)), *p, 32)
        }
        (Value::Ip(IpAddr::V6(a)), Const::Ipv6(b, p)) => {
            in_prefix(u128::from(*a), u128::from(*b), *p, 128)
        }
        _ => order(v, c) == Some(Ordering::Equal),
    }
}

fn order(v: &Value<'_>, c: &Const) -> Option<Ordering> {
    Some(match (v, c) {
        (Value::UInt(a) | Value::Hex(a, _), Const::UInt(b)) => a.cmp(b),
        (Value::Bool(a), Const::Bool(b)) => a.cmp(b),
        (Value::Str(a), Const::Bytes(b)) => a.as_bytes().cmp(b.as_slice()),
        (Value::Bytes(a), Const::Bytes(b)) => a.as_ref().cmp(b.as_slice()),
        (Value::Ether(a), Const::Ether(b)) => a.cmp(b),
        (Value::Ip(IpAddr::V4(a)), Const::Ipv4(b, _)) => a.cmp(b),
        (Value::Ip(IpAddr::V6(a)), Const::Ipv6(b, _)) => a.cmp(b),
        (Value::Time(a), Const::Time(b)) => a.cmp(b),
        _ => return None,
    })
}

fn order_values(a: &Value<'_>, b: &Value<'_>) -> Option<Ordering> {
    Some(match (a, b) {
        (Value::UInt(x) | Value::Hex(x, _), Value::UInt(y) | Value::Hex(y, _)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Str(x), Value::Str(y)) => x.cmp(y),
        (Value::Bytes(x), Value::Bytes(y)) => x.cmp(y),
        (Value::Ether(x), Value::Ether(y)) => x.cmp(y),
        (Value::Ip(x), Value::Ip(y)) => x.cmp(y),
        (Value::Time(x), Value::Time(y)) => x.cmp(y),
        _ => return None,
    })
}
