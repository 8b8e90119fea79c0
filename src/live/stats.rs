//! The statistics of a growing capture, kept from snapshot to snapshot by
//! [`super::LiveProducts`] instead of counted again from each: the
//! endpoints and the conversations of each layer (tshark's `-z
//! endpoints,TYPE` and `-z conv,TYPE`) and the DNS tree (`-z dns,tree`)
//! count each new packet once, as they depend on that packet (and, for
//! DNS, the queries before it) alone; the protocol hierarchy (`-z io,phs`) keeps
//! every frame's protocol path, and classifies again only the new frames
//! and those of the conversations that grew (a TCP frame's path depends on
//! its connection's HTTP messages, which reassembly of later segments can
//! change); the I/O graph of every frame (the TUI's) counts each new frame
//! once, unless its interval grew with the capture's duration.
//!
//! The HTTP trees (`-z http,tree`, `-z http_req,tree`) read the HTTP
//! index's messages only, which is kept per connection already.
//!
//! Each result is what [`crate::stats`] computes from a load of the same
//! bytes (`tests/live_incremental.rs` compares them on every capture). A
//! snapshot older than the last one counted is answered by a whole count.

use crate::flow::Protocol;
use crate::http::HttpIndex;
use crate::stats::conversations::{self, Conversations};
use crate::stats::dns;
use crate::stats::endpoints::{self, Endpoints, Kind};
use crate::stats::hierarchy::{self, Classifier, Hierarchy};
use crate::stats::io::{Calc, Cell, IoError, IoStat, Series, MAX_CELLS};
use crate::stats::tree::Tree;
use crate::stats::{for_blocks, frame_len, scale, Selection};
use crate::trace::Trace;
use std::collections::{HashMap, HashSet};

/// The layers of the endpoint and conversation tables.
const KINDS: [Kind; 5] = [Kind::Eth, Kind::Ip, Kind::Ipv6, Kind::Tcp, Kind::Udp];

fn slot(kind: Kind) -> usize {
    KINDS.iter().position(|&k| k == kind).unwrap_or(0)
}

/// A table that counted the first `packets` packets.
#[derive(Default)]
struct Counted<T> {
    packets: usize,
    table: T,
    seen: Interfaces,
}

impl<T: Default> Counted<T> {
    /// Starts again when a packet counted before its interface was
    /// described now decodes otherwise (see [`Interfaces`]).
    fn check(&mut self, trace: &Trace) {
        if self.seen.changed(trace) {
            *self = Counted::default();
        }
    }

    /// Counts the packets of `trace` not counted yet with `add`, and gives
    /// the table; `None` when `trace` has fewer packets than were counted
    /// (an older snapshot, answered by a whole count instead).
    fn catch_up(&mut self, trace: &Trace, mut add: impl FnMut(&mut T, usize)) -> Option<&T> {
        let n = trace.store.len();
        if n < self.packets {
            return None;
        }
        self.check(trace);
        for i in self.packets..n {
            add(&mut self.table, i);
        }
        self.seen.counted(trace, self.packets);
        self.packets = n;
        Some(&self.table)
    }
}

/// A packet read before the block describing its interface (a pcapng
/// Custom Block ahead of the Interface Description Block, say) decodes with
/// an unknown link type until the interface arrives: what was counted from
/// it is then counted again.
#[derive(Default)]
struct Interfaces {
    /// Interfaces known at the last count.
    known: usize,
    /// A packet counted so far named an interface not known then.
    orphan: bool,
}

impl Interfaces {
    /// Whether an orphan packet was counted and interfaces arrived since.
    fn changed(&self, trace: &Trace) -> bool {
        self.orphan && trace.store.interfaces().len() != self.known
    }

    /// Notes the packets `from..` of `trace`, just counted.
    fn counted(&mut self, trace: &Trace, from: usize) {
        let known = trace.store.interfaces().len();
        let new = trace.store.entries().get(from..).unwrap_or(&[]);
        self.orphan |= new.iter().any(|e| usize::from(e.interface) >= known);
        self.known = known;
    }
}

/// The statistics kept, each as of its own number of packets (a statistic
/// is brought up to date when it is asked for).
#[derive(Default)]
pub(super) struct LiveStats {
    endpoints: [Counted<endpoints::Table>; 5],
    conversations: [Counted<conversations::Table>; 5],
    hierarchy: Paths,
    io: Frames,
    dns: Counted<dns::Counter>,
}

/// The I/O graph's frames and bytes per interval, as of `packets` packets.
#[derive(Default)]
struct Frames {
    packets: usize,
    interval_us: u64,
    duration_us: u64,
    /// The last interval a frame was counted in.
    reached: Option<u64>,
    /// Per interval from the first.
    cells: Vec<Cell>,
}

impl LiveStats {
    /// The endpoints of `kind` in `trace`, counting only its new packets.
    pub(super) fn endpoints(&mut self, trace: &Trace, kind: Kind) -> Endpoints {
        self.endpoints[slot(kind)]
            .catch_up(trace, |t, i| t.add_packet(trace, kind, i))
            .map(|t| t.endpoints(kind))
            .unwrap_or_else(|| endpoints::compute(trace, &Selection::All, kind))
    }

    /// The conversations of `kind` in `trace`, counting only its new packets.
    pub(super) fn conversations(&mut self, trace: &Trace, kind: Kind) -> Conversations {
        self.conversations[slot(kind)]
            .catch_up(trace, |t, i| t.add_packet(trace, kind, i))
            .map(|t| t.conversations(trace, kind))
            .unwrap_or_else(|| conversations::compute(trace, &Selection::All, kind))
    }

    /// The DNS tree (`-z dns,tree`) of `trace`, counting only its new
    /// packets (after the earlier ones: a response meets its query).
    pub(super) fn dns(&mut self, trace: &Trace) -> Tree {
        self.dns
            .catch_up(trace, |t, i| t.add_packet(trace, i))
            .map(dns::Counter::tree)
            .unwrap_or_else(|| dns::compute(trace, &Selection::All))
    }

    /// The I/O graph of every frame in `trace` (one series, frames and
    /// bytes, no filter) in the interval that splits its duration into at
    /// most `buckets`: only the new frames are counted, unless the interval
    /// grew (every frame is counted again then).
    pub(super) fn io(&mut self, trace: &Trace, buckets: u64) -> Result<IoStat, IoError> {
        let store = &trace.store;
        let n = store.len();
        let io = &mut self.io;
        if n < io.packets {
            *io = Frames::default();
        }
        let duration_us = (io.packets..n)
            .filter_map(|i| store.relative_ns(i))
            .map(scale::ns_to_us)
            .fold(io.duration_us, u64::max);
        let interval = scale::fitting_interval(duration_us, buckets);
        if interval != io.interval_us {
            *io = Frames {
                interval_us: interval,
                ..Frames::default()
            };
        }
        let series = vec![Series::parse("")?];
        let rows_len = scale::bucket_count(duration_us, interval);
        if rows_len > MAX_CELLS {
            return Err(IoError::TooManyIntervals {
                intervals: rows_len,
                interval_us: interval,
                series: 1,
            });
        }
        for i in io.packets..n {
            let Some(rel) = store.relative_ns(i) else {
                continue;
            };
            let b = scale::bucket(scale::ns_to_us(rel), interval);
            // As tshark: a frame before the last interval reached is left out.
            if io.reached.is_some_and(|r| b < r) {
                continue;
            }
            io.reached = Some(b);
            let Some(cells) = (b as usize).checked_add(1) else {
                continue;
            };
            if io.cells.len() < cells {
                if cells as u64 > MAX_CELLS {
                    continue;
                }
                io.cells.resize(cells, Cell::default());
            }
            io.cells[b as usize].add_frame(Calc::FramesBytes, i as u32, frame_len(trace, i), &[]);
        }
        io.packets = n;
        io.duration_us = duration_us;
        let mut rows: Vec<Vec<Cell>> = io.cells.iter().map(|&c| vec![c]).collect();
        rows.resize(rows_len as usize, vec![Cell::default()]);
        Ok(IoStat {
            interval_us: interval,
            duration_us,
            series,
            rows,
        })
    }

    /// The protocol hierarchy of `trace`, whose HTTP index is `index` (read
    /// with `keys` secrets), classifying only the new frames and those of
    /// the conversations that grew.
    pub(super) fn hierarchy(&mut self, trace: &Trace, index: &HttpIndex, keys: usize) -> Hierarchy {
        let p = &mut self.hierarchy;
        let store = &trace.store;
        let convs = trace.conversations.all();
        if store.len() < p.packets || convs.len() < p.conversations {
            return hierarchy::compute(trace, index, &Selection::All);
        }
        if p.seen.changed(trace) {
            *p = Paths::default();
        }
        let changed: HashSet<u32> = if keys != p.keys {
            (0..convs.len() as u32).collect()
        } else {
            super::incremental::grown(store, &trace.conversations, p.packets, p.conversations)
                .into_iter()
                .collect()
        };
        // The frames counted before whose path may have changed.
        let mut again: Vec<u32> = Vec::new();
        for &ci in &changed {
            if let Some(conv) = trace.conversations.get(ci) {
                if conv.protocol == Protocol::Tcp && (conv.first_packet as usize) < p.packets {
                    again.extend(
                        conv.packets(store)
                            .take_while(|&i| i < p.packets)
                            .map(|i| i as u32),
                    );
                }
            }
        }
        again.sort_unstable();
        let old = again.len();
        again.extend(p.packets as u32..store.len() as u32);
        let classifier = Classifier::new(trace, index, Some(&changed));
        let paths = for_blocks(trace, &Selection::Only(again.clone()), |block| {
            block.map(|i| classifier.path(i)).collect::<Vec<_>>()
        });
        let mut dirty: HashSet<u32> = HashSet::new();
        for (n, (&i, (names, deep))) in again.iter().zip(paths.into_iter().flatten()).enumerate() {
            let id = p.id(names, deep);
            let len = frame_len(trace, i as usize);
            if n < old {
                let was = p.of[i as usize];
                if was == id {
                    continue;
                }
                p.remove(was, i, len, &mut dirty);
                p.of[i as usize] = id;
            } else {
                p.of.push(id);
            }
            p.add(id, i, len);
        }
        p.find_firsts(&dirty);
        p.seen.counted(trace, p.packets);
        p.packets = store.len();
        p.conversations = convs.len();
        p.keys = keys;
        p.tree()
    }
}

/// Frames counted along one protocol path.
struct PathCount {
    names: Vec<&'static str>,
    too_deep: bool,
    frames: u64,
    bytes: u64,
    /// The first frame along it (`u32::MAX`: none now).
    first: u32,
}

/// Every frame's protocol path, and the frames along each path.
#[derive(Default)]
struct Paths {
    packets: usize,
    conversations: usize,
    /// Secrets the frames were classified with.
    keys: usize,
    /// Each frame's path: an index in `counts`.
    of: Vec<u32>,
    counts: Vec<PathCount>,
    ids: HashMap<(Vec<&'static str>, bool), u32>,
    seen: Interfaces,
}

impl Paths {
    fn id(&mut self, names: Vec<&'static str>, too_deep: bool) -> u32 {
        if let Some(&id) = self.ids.get(&(names.clone(), too_deep)) {
            return id;
        }
        let id = self.counts.len() as u32;
        self.counts.push(PathCount {
            names: names.clone(),
            too_deep,
            frames: 0,
            bytes: 0,
            first: u32::MAX,
        });
        self.ids.insert((names, too_deep), id);
        id
    }

    fn add(&mut self, id: u32, frame: u32, bytes: u64) {
        if let Some(c) = self.counts.get_mut(id as usize) {
            c.frames += 1;
            c.bytes += bytes;
            c.first = c.first.min(frame);
        }
    }

    /// Takes `frame` off path `id`; a path that loses its first frame is
    /// put in `dirty`, to find its first again.
    fn remove(&mut self, id: u32, frame: u32, bytes: u64, dirty: &mut HashSet<u32>) {
        if let Some(c) = self.counts.get_mut(id as usize) {
            c.frames = c.frames.saturating_sub(1);
            c.bytes = c.bytes.saturating_sub(bytes);
            if c.first == frame {
                dirty.insert(id);
            }
        }
    }

    /// The first frame of each path in `dirty`, from every frame's path.
    fn find_firsts(&mut self, dirty: &HashSet<u32>) {
        if dirty.is_empty() {
            return;
        }
        for &id in dirty {
            if let Some(c) = self.counts.get_mut(id as usize) {
                c.first = u32::MAX;
            }
        }
        for (i, &id) in self.of.iter().enumerate() {
            if dirty.contains(&id) {
                if let Some(c) = self.counts.get_mut(id as usize) {
                    c.first = c.first.min(i as u32);
                }
            }
        }
    }

    /// The tree: paths added in the order of their first frame, as a pass
    /// over the frames in order meets them.
    fn tree(&self) -> Hierarchy {
        let mut live: Vec<&PathCount> = self.counts.iter().filter(|c| c.frames > 0).collect();
        live.sort_by_key(|c| c.first);
        let mut h = Hierarchy::default();
        for c in live {
            h.add_frames(&c.names, c.too_deep, c.frames, c.bytes);
        }
        h
    }
}
