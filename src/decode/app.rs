//! Application protocols above TCP and UDP, for the Protocol column and the
//! Info text as tshark 4.0 words them. A small dispatch, by port first (as
//! Wireshark's port tables) and by content where tshark uses heuristics:
//!
//! - [`udp`] looks at one datagram (DNS, mDNS, LLMNR, NBNS, DHCP, NTP, SSDP,
//!   Syslog, SNMP);
//! - [`stream_protocol`] picks the protocol of a TCP connection and
//!   [`stream_rows`] words each segment from the reassembled directions
//!   (SSH, PostgreSQL, DNS over TCP, ...), since their messages span segments;
//! - [`gre`] and [`ppp`] word what PPTP's tunnel carries (IP protocol 47).
//!
//! A protocol plugs in with one line in [`udp`] or [`stream_protocol`] and one
//! file under `app/`. HTTP has its own stage (`crate::http`).

pub mod dhcp;
pub mod dns_tcp;
pub mod ftp_data;
pub mod gre;
pub mod igmp;
pub mod imf;
pub mod link_misc;
pub mod lldp;
pub mod nbns;
pub mod pgsql;
pub mod ppp;
pub mod pptp;
pub mod quic;
pub mod snmp;
pub mod ssh;
pub mod text_lines;
pub mod udp_misc;
pub mod websocket;

use super::layer::Layer;

/// A row's Protocol column and Info, from an application protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub protocol: &'static str,
    pub info: String,
    /// The protocols the segment's payload goes through, after `tcp`, when
    /// the dissector says (WebSocket's `http:websocket:data`, PostgreSQL's
    /// one `pgsql` per message); empty: the protocol named by its port.
    pub layers: Vec<Layer>,
}

impl Summary {
    pub fn new(protocol: &'static str, info: impl Into<String>) -> Summary {
        Summary {
            protocol,
            info: info.into(),
            layers: Vec::new(),
        }
    }

    /// The summary with the payload's protocol path.
    pub fn with_layers(mut self, layers: Vec<Layer>) -> Summary {
        self.layers = layers;
        self
    }
}

/// What a TCP segment's row shows for the connection's protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamRow {
    /// The protocol's own row.
    App(Summary),
    /// Part of a message that ends in a later segment: tshark's TCP row with
    /// "[TCP segment of a reassembled PDU]" after the TCP summary, or (for
    /// SSH, whose dissector clears the column first) alone.
    Segment { tcp_info: bool },
}

/// One reassembled direction of a TCP connection: its bytes (up to the first
/// hole: a parser cannot resynchronise inside these protocols) and where
/// each segment's bytes start, with its packet (0-based), ascending.
#[derive(Debug, Clone, Copy)]
pub struct DirBytes<'a> {
    pub bytes: &'a [u8],
    pub segments: &'a [(u64, u32)],
}

impl DirBytes<'_> {
    /// Each segment as (packet, start, end) offsets in [`DirBytes::bytes`].
    pub fn spans(&self) -> impl Iterator<Item = (u32, usize, usize)> + '_ {
        let len = self.bytes.len();
        self.segments
            .iter()
            .enumerate()
            .filter_map(move |(i, &(o, p))| {
                let start = usize::try_from(o).ok()?.min(len);
                let end = self
                    .segments
                    .get(i + 1)
                    .and_then(|&(n, _)| usize::try_from(n).ok())
                    .unwrap_or(len)
                    .min(len);
                (end > start).then_some((p, start, end))
            })
    }
}

/// The protocols recognised on a TCP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamProtocol {
    Ssh,
    Pgsql,
    DnsTcp,
    /// PPTP's control connection, read segment by segment.
    Pptp,
    /// A line-based protocol (SMTP, FTP, POP, IMAP): see [`text_lines`].
    Lines(text_lines::LineProtocol),
}

/// The protocol of a TCP connection between `server_port` and
/// `client_port`, by Wireshark's port table.
pub fn stream_protocol(server_port: u16, client_port: u16) -> Option<StreamProtocol> {
    let by_port = |p: u16| match p {
        22 => Some(StreamProtocol::Ssh),
        53 => Some(StreamProtocol::DnsTcp),
        5432 => Some(StreamProtocol::Pgsql),
        1723 => Some(StreamProtocol::Pptp),
        p => text_lines::LineProtocol::of_port(p).map(StreamProtocol::Lines),
    };
    by_port(server_port).or_else(|| by_port(client_port))
}

/// The rows of a connection's data segments: `client` and `server` are its
/// two directions.
pub fn stream_rows(
    protocol: StreamProtocol,
    client: DirBytes<'_>,
    server: DirBytes<'_>,
) -> Vec<(u32, StreamRow)> {
    match protocol {
        StreamProtocol::Ssh => ssh::rows(client, server),
        StreamProtocol::Pgsql => pgsql::rows(client, server),
        StreamProtocol::DnsTcp => dns_tcp::rows(client, server),
        StreamProtocol::Pptp => pptp::rows(client, server),
        StreamProtocol::Lines(p) => text_lines::rows(p, client, server),
    }
}

/// The row of a UDP datagram from `src` to `dst` port, when a protocol
/// claims it.
pub fn udp(src: u16, dst: u16, payload: &[u8]) -> Option<Summary> {
    let either = |p: u16| src == p || dst == p;
    if either(53) {
        return crate::decode::dns::info(payload).map(|i| Summary::new("DNS", i));
    }
    if either(5353) {
        return crate::decode::dns::info_with(payload, true).map(|i| Summary::new("MDNS", i));
    }
    if either(5355) {
        return crate::decode::dns::info(payload).map(|i| Summary::new("LLMNR", i));
    }
    if either(137) {
        return nbns::info(payload).map(|i| Summary::new("NBNS", i));
    }
    if either(67) || either(68) {
        return dhcp::summary(payload);
    }
    if either(123) {
        return udp_misc::ntp(payload);
    }
    if either(1900) {
        return udp_misc::ssdp(payload);
    }
    if either(514) {
        return udp_misc::syslog(payload);
    }
    if either(161) || either(162) {
        return snmp::summary(payload);
    }
    if either(17500) {
        return udp_misc::db_lsp_disc(payload);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_follow_segment_starts() {
        let d = DirBytes {
            bytes: b"abcdef",
            segments: &[(0, 3), (2, 5), (6, 9)],
        };
        let v: Vec<_> = d.spans().collect();
        assert_eq!(v, vec![(3, 0, 2), (5, 2, 6)]);
        assert_eq!(stream_protocol(22, 40000), Some(StreamProtocol::Ssh));
        assert_eq!(stream_protocol(40000, 5432), Some(StreamProtocol::Pgsql));
        assert_eq!(stream_protocol(80, 40000), None);
    }
}
