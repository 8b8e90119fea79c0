//! What the statistics screens show, each screen's part computed by a
//! background job of its own when it is first shown ([`Need::compute`]),
//! so the first screen does not wait for the others and drawing only reads.
//! The flow graph counts the packets the list displays (its filter), the TCP
//! graphs the selected packet's connection (else the one with the most
//! packets); the other screens count every packet.

use crate::flow::{Conversation, Direction, Protocol};
use crate::session::Session;
use crate::stats::endpoints::{self, Endpoints};
use crate::stats::flow_graph::{self, FlowIndex};
use crate::stats::hierarchy::Hierarchy;
use crate::stats::io::IoStat;
use crate::stats::scale;
use crate::stats::tcp_graph::{self, TcpGraph};
use crate::stats::tree::Tree;
use crate::stats::Selection;
use std::sync::Arc;

/// Intervals the I/O graph aims for: about one per braille column pair of
/// a wide terminal.
pub const IO_BUCKETS: u64 = 200;

/// The part of the results a screen needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Hierarchy,
    Endpoints,
    Io,
    Tcp,
    Flow,
    /// The HTTP trees: packet counter, requests, response times.
    Http,
    Dns,
}

/// Which packets and which connection the screens are about, as the packet
/// list has them when the screens open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// The list's display filter and the packets it matched (none: all).
    pub filter: Option<(String, Vec<u32>)>,
    /// The selected packet (0-based): its TCP connection is graphed.
    pub packet: usize,
    /// The graphed direction, when `d` chose one (else the side that sent more).
    pub direction: Option<Direction>,
}

impl Scope {
    fn selection(&self) -> Selection {
        match &self.filter {
            Some((_, matches)) => Selection::Only(matches.clone()),
            None => Selection::All,
        }
    }

    /// The filter's text, for titles.
    pub fn filter_text(&self) -> Option<&str> {
        self.filter.as_ref().map(|(t, _)| t.as_str())
    }
}

/// The flow graph of the displayed packets, and the session its rows are
/// formatted from when they are shown.
pub struct FlowData {
    pub index: FlowIndex,
    pub session: Arc<Session>,
    /// The display filter it was computed for.
    pub filter: Option<String>,
}

/// One screen's part, as a job hands it back.
pub enum Part {
    Hierarchy(Hierarchy),
    Endpoints(Endpoints),
    Io(IoStat),
    Tcp(TcpGraph),
    Flow(FlowData),
    Http(Vec<Tree>),
    Dns(Tree),
}

/// The parts computed so far (`None`: not yet).
#[derive(Default)]
pub struct StatsData {
    pub hierarchy: Option<Hierarchy>,
    pub endpoints: Option<Endpoints>,
    pub io: Option<IoStat>,
    pub tcp: Option<TcpGraph>,
    pub flow: Option<FlowData>,
    pub http: Option<Vec<Tree>>,
    pub dns: Option<Tree>,
}

impl StatsData {
    /// Every part at once (tests, benchmarks; the TUI computes them one by one).
    pub fn compute_all(session: &Arc<Session>, scope: &Scope) -> StatsData {
        let mut d = StatsData::default();
        for need in [
            Need::Hierarchy,
            Need::Endpoints,
            Need::Io,
            Need::Tcp,
            Need::Flow,
            Need::Http,
            Need::Dns,
        ] {
            d.install(need.compute(session, scope));
        }
        d
    }

    pub fn has(&self, need: Need) -> bool {
        match need {
            Need::Hierarchy => self.hierarchy.is_some(),
            Need::Endpoints => self.endpoints.is_some(),
            Need::Io => self.io.is_some(),
            Need::Tcp => self.tcp.is_some(),
            Need::Flow => self.flow.is_some(),
            Need::Http => self.http.is_some(),
            Need::Dns => self.dns.is_some(),
        }
    }

    pub fn install(&mut self, part: Part) {
        match part {
            Part::Hierarchy(h) => self.hierarchy = Some(h),
            Part::Endpoints(e) => self.endpoints = Some(e),
            Part::Io(s) => self.io = Some(s),
            Part::Tcp(g) => self.tcp = Some(g),
            Part::Flow(f) => self.flow = Some(f),
            Part::Http(t) => self.http = Some(t),
            Part::Dns(t) => self.dns = Some(t),
        }
    }
}

/// The connection the TCP graphs show: the selected packet's, if it is TCP,
/// else the one with the most packets.
pub fn graphed_connection(session: &Session, packet: usize) -> Option<&Conversation> {
    let trace = session.trace();
    let convs = &trace.conversations;
    let selected = trace
        .store
        .entry(packet)
        .and_then(|e| convs.get(e.conversation))
        .filter(|c| c.protocol == Protocol::Tcp);
    selected.or_else(|| {
        convs
            .all()
            .iter()
            .filter(|c| c.protocol == Protocol::Tcp)
            .max_by_key(|c| u64::from(c.packets[0]) + u64::from(c.packets[1]))
    })
}

impl Need {
    /// Computes this part (seconds on a big capture: run it in a job).
    pub fn compute(self, session: &Arc<Session>, scope: &Scope) -> Part {
        let trace = session.trace();
        match self {
            // A live snapshot's count only what grew since the last.
            Need::Hierarchy => Part::Hierarchy(session.hierarchy()),
            Need::Endpoints => Part::Endpoints(session.endpoints(endpoints::Kind::Ip)),
            Need::Io => {
                // No series or too many intervals: an empty graph says so.
                Part::Io(session.io_graph(IO_BUCKETS).unwrap_or_else(|_| {
                    let duration_us = (0..trace.store.len())
                        .filter_map(|i| trace.store.relative_ns(i))
                        .map(scale::ns_to_us)
                        .max()
                        .unwrap_or(0);
                    IoStat {
                        interval_us: scale::fitting_interval(duration_us, IO_BUCKETS),
                        duration_us,
                        series: Vec::new(),
                        rows: Vec::new(),
                    }
                }))
            }
            Need::Tcp => {
                let graph = graphed_connection(session, scope.packet).map(|c| {
                    let dir = scope.direction.unwrap_or(if c.bytes[1] > c.bytes[0] {
                        Direction::BtoA
                    } else {
                        Direction::AtoB
                    });
                    tcp_graph::compute(trace, c, dir)
                });
                Part::Tcp(graph.unwrap_or_default())
            }
            Need::Flow => Part::Flow(FlowData {
                index: flow_graph::index(trace, &scope.selection()),
                session: session.clone(),
                filter: scope.filter_text().map(str::to_string),
            }),
            Need::Http => {
                let http = session.http();
                let all = Selection::All;
                Part::Http(vec![
                    crate::stats::http::packet_counter(trace, http, &all),
                    crate::stats::http::requests(trace, http, &all),
                    crate::stats::http::response_times(trace, http, &all),
                ])
            }
            Need::Dns => Part::Dns(session.dns_tree()),
        }
    }
}
