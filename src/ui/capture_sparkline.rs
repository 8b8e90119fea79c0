//! The whole capture at a glance in the status bar: packets per equal slice
//! of the capture's time span, as a row of block characters (`▁` to `█`).
//! The slices are counted in a background job when a trace is shown
//! ([`count`]); drawing only scales those counts to the cells ([`cells`]).

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
}
