//! Statistics over a loaded [`Trace`], as Wireshark's Statistics menu and
//! tshark's `-z` reports compute them: the protocol hierarchy ([`hierarchy`],
//! `-z io,phs`), endpoints ([`endpoints`], `-z endpoints,TYPE`), conversations
//! ([`conversations`], `-z conv,TYPE`), the I/O graph
//! ([`io`], `-z io,stat`), HTTP trees ([`http`], `-z http,tree` and
//! `-z http_req,tree`), DNS ([`dns`], `-z dns,tree`) and the series of the TCP
//! stream graphs ([`tcp_graph`]). [`scale`] holds the axis arithmetic the
//! graphs share, safe on one-packet, zero-duration and extreme captures.
//!
//! Every statistic is one pass over the packets it is given (a [`Selection`]),
//! proportional to the capture; the per-packet ones split the packets into
//! blocks counted on all cores ([`crate::parallel`]) and merged in order, so
//! the result does not depend on the number of threads.
//!
//! ```no_run
//! use wirelens::stats::{hierarchy, Selection};
//! let trace = wirelens::trace::Trace::open(std::path::Path::new("capture.pcap"))?;
//! let http = wirelens::http::HttpIndex::build(&trace.store, &trace.conversations, &trace.keys);
//! let tree = hierarchy::compute(&trace, &http, &Selection::All);
//! for node in &tree.roots {
//!     println!("{} frames:{} bytes:{}", node.name, node.frames, node.bytes);
//! }
//! # Ok::<(), wirelens::capture::CaptureError>(())
//! ```

pub mod conversations;
pub mod dns;
pub mod endpoints;
pub mod flow_graph;
pub mod hierarchy;
pub mod http;
pub mod io;
pub mod scale;
pub mod tcp_graph;
pub mod tree;

use crate::filter::Filter;
use crate::http::HttpIndex;
use crate::trace::Trace;

/// The packets a statistic counts: all of them, or those a display filter
/// selected (0-based indices, ascending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    All,
    Only(Vec<u32>),
}

impl Selection {
    /// The packets of `trace` that `filter` passes (all without a filter),
    /// evaluated on all cores; `http` answers the filter's `http.*` fields.
    pub fn of(trace: &Trace, http: Option<&HttpIndex>, filter: Option<&Filter>) -> Selection {
        let Some(filter) = filter else {
            return Selection::All;
        };
        let parts = for_blocks(trace, &Selection::All, |block| {
            block
                .filter(|&i| filter.matches(trace, http, i))
                .map(|i| i as u32)
                .collect::<Vec<u32>>()
        });
        Selection::Only(parts.into_iter().flatten().collect())
    }

    /// Whether packet `p` (0-based) is selected.
    pub fn contains(&self, p: u32) -> bool {
        match self {
            Selection::All => true,
            Selection::Only(v) => v.binary_search(&p).is_ok(),
        }
    }

    /// How many packets are selected out of `total`.
    pub fn count(&self, total: usize) -> usize {
        match self {
            Selection::All => total,
            Selection::Only(v) => v.len(),
        }
    }
}

/// Packets per block handed to one thread: big enough that the merge is
/// negligible, small enough that two cores stay busy to the end.
const BLOCK: usize = 1 << 16;

/// One block of selected packet indices.
pub enum Block<'a> {
    Range(std::ops::Range<usize>),
    List(std::slice::Iter<'a, u32>),
}

impl Iterator for Block<'_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        match self {
            Block::Range(r) => r.next(),
            Block::List(l) => l.next().map(|&i| i as usize),
        }
    }
}

/// Runs `f` over blocks of the selected packets on all cores; the results
/// come back in packet order.
pub fn for_blocks<R: Send>(
    trace: &Trace,
    selection: &Selection,
    f: impl Fn(Block<'_>) -> R + Sync,
) -> Vec<R> {
    match selection {
        Selection::All => {
            let n = trace.store.len();
            let blocks: Vec<std::ops::Range<usize>> = (0..n)
                .step_by(BLOCK)
                .map(|s| s..(s + BLOCK).min(n))
                .collect();
            crate::parallel::map_in_order(&blocks, |r| f(Block::Range(r.clone())))
        }
        Selection::Only(list) => {
            let blocks: Vec<&[u32]> = list.chunks(BLOCK).collect();
            crate::parallel::map_in_order(&blocks, |b| f(Block::List(b.iter())))
        }
    }
}

/// Whether record `index` is a pcapng Custom Block: bytes of no link
/// layer, which tshark counts in no address table.
pub(crate) fn custom_block(trace: &Trace, index: usize) -> bool {
    trace
        .store
        .entry(index)
        .is_some_and(|e| e.kind == crate::store::PacketKind::CustomBlock)
}

/// Frame length on the wire (`frame.len`) of packet `index`.
pub(crate) fn frame_len(trace: &Trace, index: usize) -> u64 {
    trace
        .store
        .entry(index)
        .map(|e| u64::from(e.orig_len))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_a_list_in_order() {
        let list: Vec<u32> = (0..200_000).step_by(3).collect();
        let b = Block::List(list.iter());
        assert_eq!(b.count(), list.len());
        let r = Block::Range(5..9);
        assert_eq!(r.collect::<Vec<_>>(), vec![5, 6, 7, 8]);
        assert_eq!(Selection::Only(list.clone()).count(10), list.len());
        assert_eq!(Selection::All.count(10), 10);
    }
}
