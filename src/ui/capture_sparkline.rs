//! The whole capture at a glance in the status bar: packets per equal slice
//! of the capture's time span, as a row of block characters (`▁` to `█`).
//! The slices are counted in a background job when a trace is shown
//! ([`count`]); drawing only scales those counts to the cells ([`cells`]).
//! A capture that grows is counted by a [`Growing`] kept from snapshot to
//! snapshot: each count reads only the packets that arrived since, and the
//! slices follow the span as it grows (the same counts as [`count`]).

use crate::store::PacketStore;

/// How many slices of the capture's time span are counted.
pub const BINS: usize = 64;
/// How many cells the status bar gives the sparkline.
pub const CELLS: usize = 24;
/// The narrowest screen that shows it (below, the status bar has no room).
pub const MIN_WIDTH: u16 = 120;

/// Packets per slice of the span from the earliest to the latest
/// timestamp ([`BINS`] slices); empty when no packet has a timestamp.
pub fn count(store: &PacketStore) -> Vec<u64> {
    let times = || {
        store
            .entries()
            .iter()
            .filter(|e| e.has_timestamp())
            .map(|e| i128::from(e.ts_ns))
    };
    let (Some(first), Some(last)) = (times().min(), times().max()) else {
        return Vec::new();
    };
    let span = last - first + 1;
    let mut bins = vec![0u64; BINS];
    for t in times() {
        let slot = ((t - first) * BINS as i128 / span) as usize;
        bins[slot.min(BINS - 1)] += 1;
    }
    bins
}

/// The sparkline of a capture that grows: the timestamps seen so far,
/// ascending, so that the slices of any span are counted by binary search.
#[derive(Debug, Default)]
pub struct Growing {
    times: Vec<i64>,
    /// Packets of the store already read.
    read: usize,
}

impl Growing {
    /// [`count`] of `store`, a later snapshot of the capture the calls
    /// before were given (an earlier one starts again): only the packets
    /// after those of the last call are read.
    pub fn count(&mut self, store: &PacketStore) -> Vec<u64> {
        if store.len() < self.read {
            *self = Growing::default();
        }
        let sorted_to = self.times.len();
        let new = store.entries().get(self.read..).unwrap_or(&[]);
        self.times
            .extend(new.iter().filter(|e| e.has_timestamp()).map(|e| e.ts_ns));
        self.read = store.len();
        // Timestamps mostly arrive in order: sorted again only when not.
        let tail_sorted = self.times[sorted_to.saturating_sub(1)..]
            .windows(2)
            .all(|w| w[0] <= w[1]);
        if !tail_sorted {
            self.times.sort_unstable();
        }
        let (Some(&first), Some(&last)) = (self.times.first(), self.times.last()) else {
            return Vec::new();
        };
        let (first, span) = (i128::from(first), i128::from(last) - i128::from(first) + 1);
        // Slice j holds the times t with (t - first) * BINS / span == j:
        // those from first + ceil(j * span / BINS) on.
        let starts: Vec<usize> = (0..=BINS)
            .map(|j| {
                if j == BINS {
                    return self.times.len();
                }
                let edge = first + (j as i128 * span + BINS as i128 - 1) / BINS as i128;
                self.times.partition_point(|&t| i128::from(t) < edge)
            })
            .collect();
        starts.windows(2).map(|w| (w[1] - w[0]) as u64).collect()
    }
}

/// The counts as at most `width` block characters (each cell sums an equal
/// share of the slices), scaled to the largest; a slice without packets is
/// a space.
pub fn cells(bins: &[u64], width: usize) -> String {
    const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let width = width.min(bins.len());
    let sums: Vec<u64> = (0..width)
        .map(|j| {
            let (from, to) = (j * bins.len() / width, (j + 1) * bins.len() / width);
            bins[from..to].iter().sum()
        })
        .collect();
    let max = sums.iter().copied().max().unwrap_or(0);
    sums.iter()
        .map(|&v| match v {
            0 => ' ',
            // 1..=max onto the eight levels, the largest full.
            v => {
                let level = (u128::from(v) * 8).div_ceil(u128::from(max.max(1)));
                LEVELS[(level as usize).clamp(1, 8) - 1]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_scale_to_the_largest_and_leave_empty_slices_blank() {
        let mut bins = vec![0u64; BINS];
        bins[0] = 8;
        bins[1] = 8;
        bins[63] = 2;
        // 24 cells of 64 slices: cell 0 holds slices 0 and 1.
        let c: Vec<char> = cells(&bins, CELLS).chars().collect();
        assert_eq!(c.len(), CELLS);
        assert_eq!(c[0], '█');
        assert_eq!(c[1], ' ');
        assert_eq!(c[23], '▁');
        assert_eq!(cells(&[], CELLS), "");
        assert_eq!(cells(&[0, 0], CELLS), "  ");
        assert_eq!(cells(&[u64::MAX, 1], CELLS).chars().count(), 2);
    }

    #[test]
    fn count_spreads_packets_over_the_span() {
        let store = crate::trace::Trace::open(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/sample-captures/textbook-visit.pcap"
        )))
        .expect("sample")
        .store;
        let bins = count(&store);
        assert_eq!(bins.len(), BINS);
        assert_eq!(bins.iter().sum::<u64>(), store.len() as u64);
        // The first and the last packet fall in the first and the last slice.
        assert!(bins[0] > 0 && bins[BINS - 1] > 0);
    }

    /// A store of packets at `times` (microseconds).
    fn store_at(times: &[u64]) -> PacketStore {
        let mut file = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        file.extend_from_slice(&[0; 8]);
        file.extend_from_slice(&65535u32.to_le_bytes());
        file.extend_from_slice(&1u32.to_le_bytes());
        for &t in times {
            file.extend_from_slice(&((t / 1_000_000) as u32).to_le_bytes());
            file.extend_from_slice(&((t % 1_000_000) as u32).to_le_bytes());
            file.extend_from_slice(&14u32.to_le_bytes());
            file.extend_from_slice(&14u32.to_le_bytes());
            file.extend_from_slice(&[0xff; 14]);
        }
        let capture = crate::capture::Capture::from_bytes(
            crate::capture::CaptureBytes::Owned(file),
            "t".into(),
        )
        .expect("pcap");
        crate::trace::Trace::load(capture, |_| true)
            .expect("load")
            .store
    }

    #[test]
    fn a_growing_capture_counts_as_a_whole_one_at_every_step() {
        // Out of order, equal and far-apart times; the span grows by a
        // factor of a thousand on the way, and backwards at the end.
        let mut times: Vec<u64> = Vec::new();
        for i in 0..300u64 {
            times.push(match i % 7 {
                3 => 1_000 + (i * 37) % 500,
                5 => 1_000 + (i - 1) * (i - 1) * 11,
                _ => 1_000 + i * i * 11,
            });
        }
        times.push(3);
        let mut growing = Growing::default();
        for n in [0, 1, 2, 3, 10, 11, 64, 65, 150, 299, 300, 301] {
            let store = store_at(&times[..n]);
            assert_eq!(growing.count(&store), count(&store), "{n} packets");
        }
        // An older snapshot starts again.
        let store = store_at(&times[..5]);
        assert_eq!(growing.count(&store), count(&store));
    }
}
