//! Names from the capture itself: an address → name map built from the DNS
//! answers the capture carries (A and AAAA records, CNAME chains followed back
//! to the name the client asked for), as Wireshark's "Use captured DNS packet
//! data for address resolution". Never a network lookup.
//!
//! An address can be named differently over a capture (a load balancer's
//! address handed to another name): for a packet, the most recent answer at
//! or before it wins; a packet before any answer naming its address gets the
//! first one (Wireshark names it too, from answers anywhere in the file).
//! The DNS exchanges themselves are kept as [`Lookup`]s, for the journey's
//! `dns` phase. Both lists are bounded (`MAX_DNS_LOOKUPS`,
//! `MAX_DNS_RESOLUTIONS` and `MAX_DNS_ANSWERS` in [`crate::limits`]), a bound
//! reached reported by [`NameMap::limit_hit`].

use crate::decode::dns::{self, RData};
use crate::flow::{Conversations, Direction, Protocol};
use crate::limits::{Limit, LimitHit, MAX_DNS_LOOKUPS, MAX_DNS_RESOLUTIONS};
use crate::store::{PacketKind, PacketStore};
use std::collections::HashMap;
use std::net::IpAddr;

/// CNAME hops followed back from an address record (a chain is at most as
/// long as a message's answers, `MAX_DNS_ANSWERS`; a loop ends here).
const MAX_CHAIN: usize = 16;

/// One DNS response (with its query when the capture has it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// The query packet (0-based), matched by id, addresses and port.
    pub query: Option<u32>,
    /// The response packet (0-based).
    pub response: u32,
    pub client: IpAddr,
    pub resolver: IpAddr,
    /// The question's name (as sent; compare without case) and type.
    pub name: String,
    pub qtype: u16,
    /// The response code (0: no error).
    pub rcode: u16,
    /// The CNAME targets on the way from `name` to the addresses, in order.
    pub aliases: Vec<String>,
    /// The A/AAAA addresses of the answer that belong to `name`'s chain.
    pub addresses: Vec<IpAddr>,
}

/// One address named by one answer.
#[derive(Debug, Clone)]
struct Resolution {
    packet: u32,
    /// The head of the CNAME chain: the name the client asked for.
    name: String,
    /// The name the address record itself carries.
    canonical: String,
}

/// The capture's own name resolution.
#[derive(Debug, Default)]
pub struct NameMap {
    lookups: Vec<Lookup>,
    /// Per question name (lower case, no final dot), its lookups' indices.
    by_name: HashMap<String, Vec<u32>>,
    /// Per address, its answers in packet order.
    by_addr: HashMap<IpAddr, Vec<Resolution>>,
    resolutions: u64,
    limit_hit: Option<LimitHit>,
}

impl NameMap {
    /// Reads every DNS response of the store: over UDP port 53, and over
    /// TCP port 53 (RFC 1035 4.2.2: each message after a two-byte length,
    /// read from the reassembled connection), in packet order.
    pub fn build(store: &PacketStore, conversations: &Conversations) -> NameMap {
        let mut map = NameMap::default();
        // (id, client, client port, resolver) → the query packet.
        let mut pending: HashMap<(u16, IpAddr, u16, IpAddr), u32> = HashMap::new();
        let mut over_tcp = tcp_messages(store, conversations).into_iter().peekable();
        let take = |map: &mut NameMap, pending: &mut Pending, m: TcpMessage| {
            map.message(
                pending,
                m.packet as usize,
                m.src,
                m.sport,
                m.dst,
                m.dport,
                &m.msg,
            )
        };
        for (index, e) in store.entries().iter().enumerate() {
            while let Some(m) = over_tcp.next_if(|m| (m.packet as usize) < index) {
                if !take(&mut map, &mut pending, m) {
                    return map;
                }
            }
            if e.kind != PacketKind::Udp {
                continue;
            }
            let d = store.decode(index);
            let (Some((sport, dport)), Some(src), Some(dst)) = (d.ports(), d.ip_src(), d.ip_dst())
            else {
                continue;
            };
            if sport != 53 && dport != 53 {
                continue;
            }
            let Some(msg) = dns::parse(d.payload()) else {
                continue;
            };
            if !map.message(&mut pending, index, src, sport, dst, dport, &msg) {
                return map;
            }
        }
        for m in over_tcp {
            if !take(&mut map, &mut pending, m) {
                break;
            }
        }
        map
    }

    /// Takes one DNS message of packet `index`; `false` once the lookups
    /// are full.
    #[allow(clippy::too_many_arguments)]
    fn message(
        &mut self,
        pending: &mut Pending,
        index: usize,
        src: IpAddr,
        sport: u16,
        dst: IpAddr,
        dport: u16,
        msg: &dns::Message,
    ) -> bool {
        if msg.answers_cut {
            self.hit(Limit::DnsAnswers, index);
        }
        if !msg.response {
            if pending.len() < MAX_DNS_LOOKUPS as usize {
                pending.insert((msg.id, src, sport, dst), index as u32);
            } else {
                self.hit(Limit::DnsLookups, index);
            }
            return true;
        }
        if self.lookups.len() >= MAX_DNS_LOOKUPS as usize {
            self.hit(Limit::DnsLookups, index);
            return false;
        }
        let query = pending.remove(&(msg.id, dst, dport, src));
        self.add(index as u32, query, dst, src, msg);
        true
    }

    fn hit(&mut self, limit: Limit, packet: usize) {
        self.limit_hit
            .get_or_insert(LimitHit::new(limit, Some(packet as u32)));
    }

    fn add(
        &mut self,
        packet: u32,
        query: Option<u32>,
        client: IpAddr,
        resolver: IpAddr,
        msg: &dns::Message,
    ) {
        let (name, qtype) = msg.question.clone().unwrap_or_default();
        let mut lookup = Lookup {
            query,
            response: packet,
            client,
            resolver,
            name,
            qtype,
            rcode: msg.rcode,
            aliases: Vec::new(),
            addresses: Vec::new(),
        };
        for a in &msg.answers {
            let RData::Address(addr) = a.data else {
                continue;
            };
            let head = chain_head(&msg.answers, &a.name);
            if head.eq_ignore_ascii_case(&lookup.name) {
                lookup.addresses.push(addr);
            }
            if self.resolutions >= MAX_DNS_RESOLUTIONS {
                self.limit_hit
                    .get_or_insert(LimitHit::new(Limit::DnsResolutions, Some(packet)));
                continue;
            }
            self.resolutions += 1;
            self.by_addr.entry(addr).or_default().push(Resolution {
                packet,
                name: head.to_string(),
                canonical: a.name.clone(),
            });
        }
        // The aliases from the question's name on.
        let mut at = lookup.name.clone();
        for _ in 0..MAX_CHAIN {
            let next = msg.answers.iter().find_map(|a| match &a.data {
                RData::Alias(t) if a.name.eq_ignore_ascii_case(&at) => Some(t.clone()),
                _ => None,
            });
            match next {
                Some(t) => {
                    lookup.aliases.push(t.clone());
                    at = t;
                }
                None => break,
            }
        }
        self.by_name
            .entry(name_key(&lookup.name))
            .or_default()
            .push(self.lookups.len() as u32);
        self.lookups.push(lookup);
    }

    /// The lookups whose question was `name` (compared without case or a
    /// final dot), in packet order.
    pub fn lookups_for(&self, name: &str) -> impl DoubleEndedIterator<Item = &Lookup> + '_ {
        self.by_name
            .get(&name_key(name))
            .into_iter()
            .flatten()
            .filter_map(|&i| self.lookups.get(i as usize))
    }

    /// Every DNS response read, in packet order.
    pub fn lookups(&self) -> &[Lookup] {
        &self.lookups
    }

    /// The name of `addr` as of packet `packet` (0-based): the most recent
    /// answer at or before it, else the first answer after it.
    pub fn name_at(&self, addr: IpAddr, packet: u32) -> Option<&str> {
        self.resolution_at(addr, packet).map(|r| r.name.as_str())
    }

    /// The name the address record itself carried (the end of the CNAME chain).
    pub fn canonical_at(&self, addr: IpAddr, packet: u32) -> Option<&str> {
        self.resolution_at(addr, packet)
            .map(|r| r.canonical.as_str())
    }

    fn resolution_at(&self, addr: IpAddr, packet: u32) -> Option<&Resolution> {
        let list = self.by_addr.get(&addr)?;
        let i = list.partition_point(|r| r.packet <= packet);
        list.get(i.saturating_sub(1))
    }

    /// Whether no address got a name.
    pub fn is_empty(&self) -> bool {
        self.by_addr.is_empty()
    }

    /// The first bound reached while reading, if one was.
    pub fn limit_hit(&self) -> Option<LimitHit> {
        self.limit_hit
    }
}

/// Queries waiting for their response: (id, client, client port, resolver)
/// → the query packet.
type Pending = HashMap<(u16, IpAddr, u16, IpAddr), u32>;

/// A DNS message read from a TCP connection, at the packet completing it.
struct TcpMessage {
    packet: u32,
    src: IpAddr,
    sport: u16,
    dst: IpAddr,
    dport: u16,
    msg: dns::Message,
}

/// The DNS messages of every TCP connection to or from port 53, ordered by
/// the packet completing each (a message cut by the end of the capture or a
/// gap is left out, as the parser cannot read it).
fn tcp_messages(store: &PacketStore, conversations: &Conversations) -> Vec<TcpMessage> {
    let mut out = Vec::new();
    for conv in conversations.all() {
        if conv.protocol != Protocol::Tcp || (conv.a.port() != 53 && conv.b.port() != 53) {
            continue;
        }
        let streams = crate::flow::stream::reassemble(store, conv);
        for dir in [Direction::AtoB, Direction::BtoA] {
            let s = &streams[dir.index()];
            let (from, to) = match dir {
                Direction::AtoB => (conv.a, conv.b),
                Direction::BtoA => (conv.b, conv.a),
            };
            let mut at = 0usize;
            while let Some(len) = s.bytes.get(at..at + 2) {
                let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
                let end = at + 2 + len;
                let (Some(body), Some(packet)) = (
                    s.bytes.get(at + 2..end),
                    s.packet_at(end.saturating_sub(1) as u64),
                ) else {
                    break;
                };
                if s.missing_in(at as u64, end as u64) == 0 {
                    if let Some(msg) = dns::parse(body) {
                        out.push(TcpMessage {
                            packet,
                            src: from.ip(),
                            sport: from.port(),
                            dst: to.ip(),
                            dport: to.port(),
                            msg,
                        });
                    }
                }
                at = end;
            }
        }
        if out.len() >= MAX_DNS_LOOKUPS as usize {
            break;
        }
    }
    out.sort_by_key(|m| m.packet);
    out
}

fn name_key(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// Follows CNAME records backwards from `name` to the first name of its chain.
fn chain_head<'a>(answers: &'a [dns::Answer], name: &'a str) -> &'a str {
    let mut at = name;
    for _ in 0..MAX_CHAIN {
        let prev = answers.iter().find_map(|a| match &a.data {
            RData::Alias(t) if t.eq_ignore_ascii_case(at) => Some(a.name.as_str()),
            _ => None,
        });
        match prev {
            Some(p) if !p.eq_ignore_ascii_case(at) => at = p,
            _ => break,
        }
    }
    at
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// DNS over TCP (the recorded sample: two queries in one segment, frame
    /// 4; an A answer in frame 6 and a refused TXT in frame 8, as tshark
    /// lists them): both responses are lookups matched to their query, and
    /// the A answer names the address.
    #[test]
    fn dns_over_tcp_is_read_from_the_reassembled_connection() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/sample-captures/dns-over-tcp.pcap"
        );
        let t = crate::trace::Trace::open(std::path::Path::new(path)).expect("sample");
        let m = NameMap::build(&t.store, &t.conversations);
        let got: Vec<_> = m
            .lookups()
            .iter()
            .map(|l| (l.query.map(|q| q + 1), l.response + 1, l.qtype, l.rcode))
            .collect();
        assert_eq!(got, [(Some(4), 6, 1, 0), (Some(4), 8, 16, 5)]);
        let server: IpAddr = "10.77.0.2".parse().expect("ip");
        assert_eq!(m.lookups()[0].addresses, [server]);
        assert_eq!(m.name_at(server, 12), Some("www.wirelens.test"));
        assert_eq!(m.lookups_for("WWW.wirelens.test.").count(), 2);
    }
    use crate::capture::{Capture, CaptureBytes};
    use crate::trace::Trace;
    use etherparse::PacketBuilder;
    use std::net::Ipv4Addr;

    /// One DNS packet: id, response?, question name, answers as (owner,
    /// CNAME target or A address).
    pub(crate) struct Dns<'a> {
        pub id: u16,
        pub response: bool,
        pub qname: &'a str,
        pub answers: &'a [(&'a str, Result<&'a str, [u8; 4]>)],
    }

    fn name(out: &mut Vec<u8>, n: &str) {
        for l in n.split('.') {
            out.push(l.len() as u8);
            out.extend_from_slice(l.as_bytes());
        }
        out.push(0);
    }

    pub(crate) fn dns_bytes(d: &Dns<'_>) -> Vec<u8> {
        let flags: u16 = if d.response { 0x8180 } else { 0x0100 };
        let mut m = Vec::new();
        m.extend_from_slice(&d.id.to_be_bytes());
        m.extend_from_slice(&flags.to_be_bytes());
        m.extend_from_slice(&[0, 1]);
        m.extend_from_slice(&(d.answers.len() as u16).to_be_bytes());
        m.extend_from_slice(&[0, 0, 0, 0]);
        name(&mut m, d.qname);
        m.extend_from_slice(&[0, 1, 0, 1]);
        for (owner, data) in d.answers {
            name(&mut m, owner);
            let rdata = match data {
                Ok(target) => {
                    let mut t = Vec::new();
                    name(&mut t, target);
                    t
                }
                Err(a) => a.to_vec(),
            };
            let rtype: u16 = if data.is_ok() { 5 } else { 1 };
            m.extend_from_slice(&rtype.to_be_bytes());
            m.extend_from_slice(&[0, 1, 0, 0, 0, 60]);
            m.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
            m.extend_from_slice(&rdata);
        }
        m
    }

    /// A pcap of UDP packets (src, dst, sport, dport, payload), 1 ms apart.
    /// Source, destination, source port, destination port, payload.
    pub(crate) type Udp = ([u8; 4], [u8; 4], u16, u16, Vec<u8>);

    pub(crate) fn udp_pcap(packets: &[Udp]) -> Trace {
        let mut out = Vec::new();
        for v in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 262_144, 1] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        // The version field is two u16 (2, 4), not one u32.
        out[4..8].copy_from_slice(&[2, 0, 4, 0]);
        for (i, (s, d, sp, dp, payload)) in packets.iter().enumerate() {
            let b = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
                .ipv4(*s, *d, 64)
                .udp(*sp, *dp);
            let mut pkt = Vec::new();
            b.write(&mut pkt, payload).expect("write packet");
            out.extend_from_slice(&1u32.to_le_bytes());
            out.extend_from_slice(&(1000 * i as u32).to_le_bytes());
            out.extend_from_slice(&(pkt.len() as u32).to_le_bytes());
            out.extend_from_slice(&(pkt.len() as u32).to_le_bytes());
            out.extend_from_slice(&pkt);
        }
        let capture =
            Capture::from_bytes(CaptureBytes::Owned(out), "dns.pcap".into()).expect("valid pcap");
        Trace::load(capture, |_| true).expect("loads")
    }

    const CLIENT: [u8; 4] = [10, 0, 0, 1];
    const RESOLVER: [u8; 4] = [10, 0, 0, 53];

    fn query(id: u16, qname: &str) -> Udp {
        let d = Dns {
            id,
            response: false,
            qname,
            answers: &[],
        };
        (CLIENT, RESOLVER, 40000 + id, 53, dns_bytes(&d))
    }

    fn answer(id: u16, qname: &str, answers: &[(&str, Result<&str, [u8; 4]>)]) -> Udp {
        let d = Dns {
            id,
            response: true,
            qname,
            answers,
        };
        (RESOLVER, CLIENT, 53, 40000 + id, dns_bytes(&d))
    }

    fn v4(a: [u8; 4]) -> IpAddr {
        IpAddr::V4(Ipv4Addr::from(a))
    }

    #[test]
    fn cname_chains_name_the_address_after_the_asked_name() {
        let t = udp_pcap(&[
            query(7, "www.shop.test"),
            answer(
                7,
                "www.shop.test",
                &[
                    ("www.shop.test", Ok("shop.cdn.test")),
                    ("shop.cdn.test", Ok("edge-3.cdn.test")),
                    ("edge-3.cdn.test", Err([10, 9, 9, 9])),
                ],
            ),
        ]);
        let m = NameMap::build(&t.store, &t.conversations);
        assert_eq!(m.name_at(v4([10, 9, 9, 9]), 5), Some("www.shop.test"));
        assert_eq!(
            m.canonical_at(v4([10, 9, 9, 9]), 5),
            Some("edge-3.cdn.test")
        );
        assert_eq!(m.name_at(v4([10, 9, 9, 8]), 5), None);
        let l = &m.lookups()[0];
        assert_eq!((l.query, l.response), (Some(0), 1));
        assert_eq!(l.resolver, v4(RESOLVER));
        assert_eq!(l.aliases, vec!["shop.cdn.test", "edge-3.cdn.test"]);
        assert_eq!(l.addresses, vec![v4([10, 9, 9, 9])]);
    }

    #[test]
    fn the_most_recent_answer_before_a_packet_wins() {
        // 10.0.0.80 serves a.test, then is handed to b.test; a.test moves to
        // 10.0.0.81.
        let t = udp_pcap(&[
            answer(1, "a.test", &[("a.test", Err([10, 0, 0, 80]))]),
            query(2, "b.test"),
            answer(2, "b.test", &[("b.test", Err([10, 0, 0, 80]))]),
            answer(3, "a.test", &[("a.test", Err([10, 0, 0, 81]))]),
        ]);
        let m = NameMap::build(&t.store, &t.conversations);
        let (old, new) = (v4([10, 0, 0, 80]), v4([10, 0, 0, 81]));
        assert_eq!(m.name_at(old, 0), Some("a.test"));
        assert_eq!(m.name_at(old, 1), Some("a.test"));
        assert_eq!(m.name_at(old, 2), Some("b.test"));
        assert_eq!(m.name_at(old, 9), Some("b.test"));
        // Before any answer about it, the first one names it.
        assert_eq!(m.name_at(new, 0), Some("a.test"));
        assert_eq!(m.lookups().len(), 3);
        assert_eq!(m.lookups_for("A.test.").count(), 2);
        assert_eq!(m.lookups()[0].query, None);
        assert_eq!(m.lookups()[1].query, Some(1));
        assert_eq!(m.lookups()[2].addresses, vec![new]);
        assert_eq!(m.limit_hit(), None);
    }

    #[test]
    fn answers_past_the_bound_are_reported() {
        let many: Vec<(&str, Result<&str, [u8; 4]>)> = (0..70u8)
            .map(|i| ("big.test", Err([10, 1, 0, i])))
            .collect();
        let t = udp_pcap(&[answer(9, "big.test", &many)]);
        let m = NameMap::build(&t.store, &t.conversations);
        let hit = m.limit_hit().expect("a bound reached");
        assert_eq!((hit.limit, hit.packet), (Limit::DnsAnswers, Some(0)));
        assert_eq!(
            m.lookups()[0].addresses.len() as u64,
            crate::limits::MAX_DNS_ANSWERS
        );
        assert_eq!(m.name_at(v4([10, 1, 0, 3]), 0), Some("big.test"));
    }

    #[test]
    fn garbage_on_port_53_is_skipped() {
        let t = udp_pcap(&[(RESOLVER, CLIENT, 53, 4000, vec![1, 2, 3])]);
        let m = NameMap::build(&t.store, &t.conversations);
        assert!(m.is_empty());
        assert!(m.lookups().is_empty());
    }
}
