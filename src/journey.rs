//! The journey of a request: each HTTP transaction as one timeline from the
//! name lookup to the close of its connection, in phases (`dns`, `connect`,
//! `tls`, `request`, `wait`, `receive`, `close`), each bounded by two frames
//! and timed as `frame.time_relative`, with the gaps between them.
//!
//! Built from products of earlier stages only: the capture's own DNS answers
//! ([`names`]), the connection's life ([`crate::flow::life`]), its TLS
//! connection ([`crate::tls`], kept in the HTTP index) and the HTTP index
//! ([`crate::http`]). The CLI's
//! `journey` command prints it; the TUI draws it as a waterfall.

pub mod named;
pub mod names;
pub mod phases;

pub use names::NameMap;
pub use phases::{journeys, journeys_of};

use std::net::{IpAddr, SocketAddr};

/// A stretch of the capture between two frames: times are nanoseconds since
/// the first packet (`frame.time_relative`), frames 0-based packet indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start_ns: i64,
    pub end_ns: i64,
    pub first: u32,
    pub last: u32,
}

impl Span {
    pub fn duration_ns(&self) -> i64 {
        self.end_ns.saturating_sub(self.start_ns)
    }
}

/// The phases, in the order a request lives through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhaseKind {
    Dns,
    Connect,
    Tls,
    Request,
    Wait,
    Receive,
    Close,
}

impl PhaseKind {
    pub const ALL: [PhaseKind; 7] = [
        PhaseKind::Dns,
        PhaseKind::Connect,
        PhaseKind::Tls,
        PhaseKind::Request,
        PhaseKind::Wait,
        PhaseKind::Receive,
        PhaseKind::Close,
    ];

    /// The phase's key in `--json` and its label in text.
    pub fn name(self) -> &'static str {
        match self {
            PhaseKind::Dns => "dns",
            PhaseKind::Connect => "connect",
            PhaseKind::Tls => "tls",
            PhaseKind::Request => "request",
            PhaseKind::Wait => "wait",
            PhaseKind::Receive => "receive",
            PhaseKind::Close => "close",
        }
    }
}

/// The lookup of the request's host, answered before the connection opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dns {
    pub span: Span,
    pub name: String,
    pub resolver: IpAddr,
    pub aliases: Vec<String>,
    pub addresses: Vec<IpAddr>,
    /// The answer holds the address the connection went to.
    pub has_server: bool,
}

/// The TCP handshake, or the earlier one of a reused connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connect {
    /// SYN to the ACK of the SYN/ACK (or as far as the capture has it).
    pub span: Span,
    /// SYNs the client sent (more than 1: retransmitted).
    pub syns: u32,
    /// Handshake round-trip time (`tcp.analysis.initial_rtt`).
    pub rtt_ns: Option<i64>,
    /// An earlier request opened the connection: `span` is that handshake.
    pub reused: bool,
}

/// The TLS handshake, as the TLS stage read it: from the first record to
/// the Finished messages ([`crate::tls::TlsConnection::handshake_packets`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tls {
    pub span: Span,
    /// The negotiated version as Wireshark names it (`TLSv1.3`), from the
    /// Server Hello (its supported_versions extension for TLS 1.3).
    pub version: Option<&'static str>,
    /// The negotiated cipher suite by its IANA name (as tshark's
    /// `tls.handshake.ciphersuite` shows it), else its number (`0x1234`).
    pub cipher: Option<String>,
    /// The Client Hello's server_name.
    pub sni: Option<String>,
    /// The protocol the server chose by ALPN: from the Server Hello (TLS
    /// 1.2), else, the Encrypted Extensions being encrypted in TLS 1.3,
    /// what the decrypted stream speaks (`h2` when it is HTTP/2).
    pub alpn: Option<String>,
    /// The protocols the client offered.
    pub alpn_offered: Vec<String>,
    /// The key log had this session's secrets.
    pub decrypted: bool,
}

/// A message on the wire: its first to last segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transfer {
    pub span: Span,
    /// Bytes of the message (head and body as sent).
    pub bytes: u64,
    /// Segments with payload in its direction between the bounding frames.
    pub segments: u32,
    /// Of those, the ones tshark flags as retransmissions.
    pub retransmissions: u32,
}

impl Transfer {
    /// Bytes per second over the span, when it has a duration.
    pub fn throughput(&self) -> Option<f64> {
        let ns = self.span.duration_ns();
        (ns > 0).then(|| self.bytes as f64 * 1e9 / ns as f64)
    }
}

/// How the connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Close {
    /// The first FIN or RST to the last packet of the teardown; for a
    /// connection never closed, its last packet.
    pub span: Span,
    /// "client" or "server": who sent the first FIN (or the RST).
    pub by: Option<&'static str>,
    /// "four-way", "three-way", "simultaneous", "half-close", "reset" or "never".
    pub how: &'static str,
}

/// One transaction's journey (or a TLS connection's without keys, up to its
/// handshake: no request, no response).
#[derive(Debug, Clone, PartialEq)]
pub struct Journey {
    /// `tcp.stream`.
    pub stream: u32,
    pub conversation: u32,
    /// Index in [`crate::http::HttpIndex::transactions`], if a transaction.
    pub transaction: Option<u32>,
    pub client: SocketAddr,
    pub server: SocketAddr,
    pub method: Option<String>,
    pub host: Option<String>,
    pub uri: Option<String>,
    pub status: Option<u16>,
    pub reason: Option<String>,
    pub dns: Option<Dns>,
    pub connect: Option<Connect>,
    pub tls: Option<Tls>,
    pub request: Option<Transfer>,
    pub wait: Option<Span>,
    pub receive: Option<Transfer>,
    pub close: Option<Close>,
    /// Another transaction follows on the connection (so no `close` here).
    pub kept_open: bool,
}

/// Idle time between two consecutive phases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub after: PhaseKind,
    pub before: PhaseKind,
    pub ns: i64,
}

impl Journey {
    /// The span of a phase, if present (a reused connect counts as absent:
    /// its handshake belongs to an earlier request).
    pub fn span(&self, kind: PhaseKind) -> Option<Span> {
        match kind {
            PhaseKind::Dns => self.dns.as_ref().map(|d| d.span),
            PhaseKind::Connect => self.connect.filter(|c| !c.reused).map(|c| c.span),
            PhaseKind::Tls => self.tls.as_ref().map(|t| t.span),
            PhaseKind::Request => self.request.map(|t| t.span),
            PhaseKind::Wait => self.wait,
            PhaseKind::Receive => self.receive.map(|t| t.span),
            PhaseKind::Close => self.close.map(|c| c.span),
        }
    }

    /// The phases present, in order.
    pub fn phases(&self) -> Vec<(PhaseKind, Span)> {
        PhaseKind::ALL
            .iter()
            .filter_map(|&k| self.span(k).map(|s| (k, s)))
            .collect()
    }

    /// The whole journey: first phase's start to the last phase's end.
    pub fn extent(&self) -> Option<Span> {
        let p = self.phases();
        let first = p.iter().min_by_key(|(_, s)| (s.start_ns, s.first))?.1;
        let last = p.iter().max_by_key(|(_, s)| (s.end_ns, s.last))?.1;
        Some(Span {
            start_ns: first.start_ns,
            end_ns: last.end_ns,
            first: first.first,
            last: last.last,
        })
    }

    /// The idle time between consecutive phases (only positive gaps).
    pub fn gaps(&self) -> Vec<Gap> {
        self.phases()
            .windows(2)
            .filter_map(|w| {
                let ns = w[1].1.start_ns.saturating_sub(w[0].1.end_ns);
                (ns > 0).then_some(Gap {
                    after: w[0].0,
                    before: w[1].0,
                    ns,
                })
            })
            .collect()
    }
}

/// A time axis for bars: `width` cells from `start_ns` to `end_ns`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Axis {
    pub start_ns: i64,
    pub end_ns: i64,
}

impl Axis {
    /// The cells `[from, to)` of `width` that a span covers: at least one,
    /// so a phase too short to see still shows where it is.
    pub fn cells(&self, start_ns: i64, end_ns: i64, width: usize) -> (usize, usize) {
        if width == 0 {
            return (0, 0);
        }
        let total = i128::from(self.end_ns.saturating_sub(self.start_ns));
        let w = width as i128;
        let at = |t: i64, up: bool| -> usize {
            if total <= 0 {
                return 0;
            }
            let off = i128::from(t.saturating_sub(self.start_ns)).clamp(0, total) * w;
            let cell = if up {
                (off + total - 1) / total
            } else {
                off / total
            };
            usize::try_from(cell).unwrap_or(width).min(width)
        };
        let from = at(start_ns, false).min(width - 1);
        let to = at(end_ns, true).max(from + 1).min(width);
        (from, to)
    }
}

/// A duration for people: `0 µs`, `138 µs`, `23.4 ms`, `1.25 s`.
pub fn format_duration(ns: i64) -> String {
    let ns = ns.max(0) as f64;
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.0} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.1} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

/// Bytes per second for people: `830 B/s`, `12.3 kB/s`, `103.4 MB/s`.
pub fn format_rate(bytes_per_s: f64) -> String {
    if bytes_per_s < 1e3 {
        format!("{bytes_per_s:.0} B/s")
    } else if bytes_per_s < 1e6 {
        format!("{:.1} kB/s", bytes_per_s / 1e3)
    } else if bytes_per_s < 1e9 {
        format!("{:.1} MB/s", bytes_per_s / 1e6)
    } else {
        format!("{:.2} GB/s", bytes_per_s / 1e9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_proportional_and_never_empty() {
        let a = Axis {
            start_ns: 100,
            end_ns: 1100,
        };
        assert_eq!(a.cells(100, 1100, 10), (0, 10));
        assert_eq!(a.cells(600, 700, 10), (5, 6));
        assert_eq!(a.cells(650, 650, 10), (5, 6));
        assert_eq!(a.cells(1100, 1100, 10), (9, 10));
        assert_eq!(a.cells(0, 5000, 10), (0, 10));
        let flat = Axis {
            start_ns: 5,
            end_ns: 5,
        };
        assert_eq!(flat.cells(5, 5, 10), (0, 1));
        assert_eq!(a.cells(1, 2, 0), (0, 0));
    }

    #[test]
    fn durations_and_rates_read_well() {
        assert_eq!(format_duration(138_000), "138 µs");
        assert_eq!(format_duration(23_400_000), "23.4 ms");
        assert_eq!(format_duration(1_250_000_000), "1.25 s");
        assert_eq!(format_duration(-5), "0 ns");
        assert_eq!(format_rate(103_400_000.0), "103.4 MB/s");
    }
}
