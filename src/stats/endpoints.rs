//! Endpoints (tshark `-z endpoints,eth|ip|ipv6|tcp|udp`, Wireshark's
//! Statistics ▸ Endpoints): per address (and port), the frames and frame
//! bytes it sent and received. A frame from an address to itself counts once
//! as sent and once as received, as tshark adds it twice.

use super::{for_blocks, frame_len, Selection};
use crate::capture::LinkType;
use crate::decode::{Decoded, Network, Transport};
use crate::journey::NameMap;
use crate::trace::Trace;
use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;

/// Which layer's addresses are endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Eth,
    Ip,
    Ipv6,
    Tcp,
    Udp,
}

impl Kind {
    /// The kind for tshark's spelling (`eth`, `ip`, `ipv6`, `tcp`, `udp`).
    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "eth" => Kind::Eth,
            "ip" => Kind::Ip,
            "ipv6" => Kind::Ipv6,
            "tcp" => Kind::Tcp,
            "udp" => Kind::Udp,
            _ => return None,
        })
    }

    /// tshark's spelling.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Eth => "eth",
            Kind::Ip => "ip",
            Kind::Ipv6 => "ipv6",
            Kind::Tcp => "tcp",
            Kind::Udp => "udp",
        }
    }

    /// The table's title as tshark prints it ("IPv4 Endpoints").
    pub fn title(self) -> &'static str {
        match self {
            Kind::Eth => "Ethernet",
            Kind::Ip => "IPv4",
            Kind::Ipv6 => "IPv6",
            Kind::Tcp => "TCP",
            Kind::Udp => "UDP",
        }
    }

    /// Whether endpoints of this kind have a port.
    pub fn has_port(self) -> bool {
        matches!(self, Kind::Tcp | Kind::Udp)
    }
}

/// An endpoint's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Address {
    Ether([u8; 6]),
    Ip(IpAddr),
    Port(IpAddr, u16),
}

impl fmt::Display for Address {
    /// As tshark prints it without name resolution (`-n`); the port is apart.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Ether(m) => write!(
                f,
                "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
                m[0], m[1], m[2], m[3], m[4], m[5]
            ),
            Address::Ip(ip) | Address::Port(ip, _) => write!(f, "{ip}"),
        }
    }
}

impl Address {
    pub fn port(&self) -> Option<u16> {
        match self {
            Address::Port(_, p) => Some(*p),
            _ => None,
        }
    }

    /// A display filter selecting this endpoint's packets.
    pub fn filter(&self, kind: Kind) -> String {
        match (self, kind) {
            (Address::Ether(_), _) => format!("eth.addr == {self}"),
            (Address::Ip(_), Kind::Ipv6) => format!("ipv6.addr == {self}"),
            (Address::Ip(_), _) => format!("ip.addr == {self}"),
            (Address::Port(ip, p), k) => {
                let l3 = if ip.is_ipv6() { "ipv6" } else { "ip" };
                let l4 = k.name();
                format!("{l3}.addr == {ip} && {l4}.port == {p}")
            }
        }
    }
}

/// One endpoint's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    pub address: Address,
    pub tx_packets: u64,
    pub tx_bytes: u64,
    pub rx_packets: u64,
    pub rx_bytes: u64,
}

impl Endpoint {
    /// The display filter selecting this endpoint's packets, as Wireshark's
    /// Endpoints ▸ Apply as Filter writes it.
    pub fn filter(&self, kind: Kind) -> String {
        let ip = |a: &IpAddr| if a.is_ipv6() { "ipv6" } else { "ip" };
        match &self.address {
            Address::Ether(_) => format!("eth.addr == {}", self.address),
            Address::Ip(a) => format!("{}.addr == {a}", ip(a)),
            Address::Port(a, port) => {
                let l4 = if kind == Kind::Udp { "udp" } else { "tcp" };
                format!("{}.addr == {a} && {l4}.port == {port}", ip(a))
            }
        }
    }

    pub fn packets(&self) -> u64 {
        self.tx_packets.saturating_add(self.rx_packets)
    }
    pub fn bytes(&self) -> u64 {
        self.tx_bytes.saturating_add(self.rx_bytes)
    }
}

/// The endpoints of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub kind: Kind,
    /// Most packets first; ties in order of first appearance.
    pub list: Vec<Endpoint>,
}

/// The frames' (source, destination) at the layer of `kind`.
pub(crate) fn addresses(kind: Kind, d: &Decoded<'_>) -> Option<(Address, Address)> {
    match kind {
        Kind::Eth => {
            if d.link.link_type != LinkType::ETHERNET {
                return None;
            }
            Some((
                Address::Ether(d.link.eth_src?),
                Address::Ether(d.link.eth_dst?),
            ))
        }
        Kind::Ip => match &d.network {
            Network::Ipv4 { header, .. } => Some((
                Address::Ip(IpAddr::V4(header.source_addr())),
                Address::Ip(IpAddr::V4(header.destination_addr())),
            )),
            _ => None,
        },
        Kind::Ipv6 => match &d.network {
            Network::Ipv6 { header, .. } => Some((
                Address::Ip(IpAddr::V6(header.source_addr())),
                Address::Ip(IpAddr::V6(header.destination_addr())),
            )),
            _ => None,
        },
        Kind::Tcp | Kind::Udp => {
            let ports = match (&d.transport, kind) {
                // A TCP header cut short (tcpdump-heapoverflow-tcp_print:
                // 60 bytes claimed, 54 captured): tshark's TCP dissector
                // throws in the options, before it queues its tap.
                (Transport::Tcp(_), Kind::Tcp) if d.header_truncated => return None,
                (Transport::Tcp(t), Kind::Tcp) => (t.source_port(), t.destination_port()),
                (Transport::Udp(u), Kind::Udp) => (u.source_port(), u.destination_port()),
                _ => return None,
            };
            Some((
                Address::Port(d.ip_src()?, ports.0),
                Address::Port(d.ip_dst()?, ports.1),
            ))
        }
    }
}

/// Counters in order of first appearance; [`Table::add_packet`] counts one
/// frame, [`Table::endpoints`] gives the table (a growing capture keeps one,
/// [`crate::live::LiveProducts`]).
#[derive(Debug, Clone, Default)]
pub struct Table {
    index: HashMap<Address, usize>,
    list: Vec<Endpoint>,
}

impl Table {
    /// Counts frame `i` of `trace` at the layer of `kind`.
    pub fn add_packet(&mut self, trace: &Trace, kind: Kind, i: usize) {
        // A pcapng Custom Block is no frame of any link layer.
        if super::custom_block(trace, i) {
            return;
        }
        let d = trace.store.decode(i);
        let Some((src, dst)) = addresses(kind, &d) else {
            return;
        };
        let len = frame_len(trace, i);
        let s = self.slot(src);
        s.tx_packets += 1;
        s.tx_bytes += len;
        let r = self.slot(dst);
        r.rx_packets += 1;
        r.rx_bytes += len;
    }

    /// The endpoints counted, most packets first.
    pub fn endpoints(&self, kind: Kind) -> Endpoints {
        let mut list = self.list.clone();
        list.sort_by_key(|e| std::cmp::Reverse(e.packets()));
        Endpoints { kind, list }
    }

    fn slot(&mut self, address: Address) -> &mut Endpoint {
        let next = self.list.len();
        let i = *self.index.entry(address).or_insert(next);
        if i == next {
            self.list.push(Endpoint {
                address,
                tx_packets: 0,
                tx_bytes: 0,
                rx_packets: 0,
                rx_bytes: 0,
            });
        }
        &mut self.list[i]
    }

    fn add(&mut self, e: &Endpoint) {
        let s = self.slot(e.address);
        s.tx_packets += e.tx_packets;
        s.tx_bytes += e.tx_bytes;
        s.rx_packets += e.rx_packets;
        s.rx_bytes += e.rx_bytes;
    }
}

/// Counts the endpoints of `kind` in the selected packets.
pub fn compute(trace: &Trace, selection: &Selection, kind: Kind) -> Endpoints {
    let parts = for_blocks(trace, selection, |block| {
        let mut t = Table::default();
        for i in block {
            t.add_packet(trace, kind, i);
        }
        t.list
    });
    let mut all = Table::default();
    for e in parts.iter().flatten() {
        all.add(e);
    }
    all.endpoints(kind)
}

/// The address as tshark prints it with name resolution (`-N`): the name the
/// capture's DNS first gave it, else the address.
fn address_text(address: &Address, names: Option<&NameMap>) -> String {
    let name = match address {
        Address::Ip(ip) | Address::Port(ip, _) => names.and_then(|n| n.name_at(*ip, 0)),
        Address::Ether(_) => None,
    };
    name.map_or_else(|| address.to_string(), str::to_string)
}

/// tshark's text table (`tshark -n -q -z endpoints,KIND`); with `names`
/// (`-N`), addresses named from the capture's DNS.
pub fn write_text(e: &Endpoints, filter: Option<&str>, names: Option<&NameMap>, out: &mut String) {
    use fmt::Write as _;
    let rule = "=".repeat(80);
    let _ = writeln!(out, "{rule}");
    let _ = writeln!(out, "{} Endpoints", e.kind.title());
    let _ = writeln!(out, "Filter:{}", filter.unwrap_or("<No Filter>"));
    if e.kind.has_port() {
        let _ = writeln!(out, "                       |  Port  ||  Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |");
    } else {
        let _ = writeln!(out, "                       |  Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |");
    }
    for p in &e.list {
        let _ = write!(out, "{:<20}      ", address_text(&p.address, names));
        if let Some(port) = p.address.port() {
            let _ = write!(out, "{port:>5}     ");
        }
        let _ = writeln!(
            out,
            "{:>6}     {:>9}     {:>6}       {:>9}      {:>6}       {:>9}   ",
            p.packets(),
            p.bytes(),
            p.tx_packets,
            p.tx_bytes,
            p.rx_packets,
            p.rx_bytes
        );
    }
    let _ = writeln!(out, "{rule}");
}

/// One JSON object per endpoint.
pub fn write_json(e: &Endpoints, out: &mut String) {
    for p in &e.list {
        let v = serde_json::json!({
            "stat": "endpoints",
            "type": e.kind.name(),
            "address": p.address.to_string(),
            "port": p.address.port(),
            "packets": p.packets(),
            "bytes": p.bytes(),
            "tx_packets": p.tx_packets,
            "tx_bytes": p.tx_bytes,
            "rx_packets": p.rx_packets,
            "rx_bytes": p.rx_bytes,
        });
        out.push_str(&v.to_string());
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_replace_the_addresses_the_capture_named() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample-captures/textbook-visit.pcap");
        let session = crate::session::Session::open(&path).expect("sample");
        let e = compute(session.trace(), &Selection::All, Kind::Ip);
        let mut plain = String::new();
        write_text(&e, None, None, &mut plain);
        let mut named = String::new();
        write_text(&e, None, Some(session.names()), &mut named);
        assert!(!plain.contains("www.wirelens.test"), "{plain}");
        // Frame 2 answers www.wirelens.test A 10.77.0.2; 10.77.0.1 is unnamed.
        assert_eq!(
            named,
            plain.replace("10.77.0.2          ", "www.wirelens.test  ")
        );
        assert_ne!(named, plain);
    }
}
