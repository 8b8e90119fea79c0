//! The statistics charts' zoom and pan, their axis labels, and the
//! sparkline of the whole capture. A [`Zoom`] is a window on the x axis as
//! fractions of the whole series, so it stays valid whatever the data;
//! every chart shows the points inside its window with the y axis fitted to
//! them, through [`crate::stats::scale`] (no division by zero on a
//! one-point or zero-duration series). The charts themselves are drawn by
//! the statistics pane (`stats_pane/charts.rs`).

use super::render::block;
use crate::stats::scale;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

/// The narrowest window, as a fraction of the whole x range.
const MIN_SPAN: f64 = 1.0 / 4096.0;

/// The part of a chart's x range shown: centre and width as fractions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Zoom {
    pub center: f64,
    pub span: f64,
}

impl Default for Zoom {
    fn default() -> Zoom {
        Zoom {
            center: 0.5,
            span: 1.0,
        }
    }
}

impl Zoom {
    pub fn is_whole(&self) -> bool {
        self.span >= 1.0
    }

    /// Twice as close (`in_`), or twice as far, around the centre.
    pub fn zoom(&mut self, in_: bool) {
        self.span = if in_ {
            (self.span / 2.0).max(MIN_SPAN)
        } else {
            (self.span * 2.0).min(1.0)
        };
        self.clamp();
    }

    /// A quarter of the window to the right (`right`) or left.
    pub fn pan(&mut self, right: bool) {
        let step = self.span / 4.0;
        self.center += if right { step } else { -step };
        self.clamp();
    }

    /// Pans so that `fraction` (of the whole range) is shown, centred on
    /// it when it was outside the window.
    pub fn follow(&mut self, fraction: f64) {
        let half = self.span / 2.0;
        if !fraction.is_finite() || (self.center - half..=self.center + half).contains(&fraction) {
            return;
        }
        self.center = fraction;
        self.clamp();
    }

    fn clamp(&mut self) {
        let half = self.span / 2.0;
        self.center = self.center.clamp(half, 1.0 - half);
    }

    /// The window of `whole` (x bounds) this zoom shows.
    pub fn window(&self, whole: [f64; 2]) -> [f64; 2] {
        let w = whole[1] - whole[0];
        if self.is_whole() || !w.is_finite() || w <= 0.0 {
            return whole;
        }
        let lo = whole[0] + (self.center - self.span / 2.0) * w;
        scale::axis_bounds(lo, lo + self.span * w)
    }

    /// The title's note: how much is shown, and the keys.
    pub fn note(&self) -> String {
        if self.is_whole() {
            " (↑: zoom in)".into()
        } else {
            format!(" (zoom ×{:.0}, ↑↓ zoom, g: whole)", 1.0 / self.span)
        }
    }
}

/// Three labels for an axis: its ends and middle, with enough decimals to
/// tell them apart.
pub fn axis_labels(bounds: [f64; 2], unit: &str) -> Vec<Line<'static>> {
    let span = bounds[1] - bounds[0];
    let decimals = match span {
        s if s >= 100.0 => 0,
        s if s >= 1.0 => 2,
        s if s >= 0.01 => 4,
        _ => 6,
    };
    let mid = bounds[0] + span / 2.0;
    [bounds[0], mid, bounds[1]]
        .iter()
        .map(|v| Line::from(format!("{v:.decimals$}{unit}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_stays_inside_the_whole_range() {
        let mut z = Zoom::default();
        assert_eq!(z.window([0.0, 10.0]), [0.0, 10.0]);
        z.zoom(true);
        assert_eq!(z.window([0.0, 10.0]), [2.5, 7.5]);
        for _ in 0..10 {
            z.pan(true);
        }
        assert_eq!(z.window([0.0, 10.0]), [5.0, 10.0]);
        for _ in 0..40 {
            z.zoom(true);
        }
        assert!(z.span >= MIN_SPAN);
        let w = z.window([0.0, 10.0]);
        assert!(w[0] < w[1] && w[1] <= 10.0, "{w:?}");
        for _ in 0..40 {
            z.zoom(false);
        }
        assert!(z.is_whole());
        // Degenerate ranges: one point, nothing, extremes.
        z.zoom(true);
        for whole in [[3.0, 3.0], [0.0, 1.0], [-f64::MAX, f64::MAX]] {
            let w = z.window(whole);
            assert!(
                w[0].is_finite() && w[1].is_finite() && w[0] <= w[1],
                "{w:?}"
            );
        }
        // Following a point outside the window brings it to the middle.
        let mut f = Zoom::default();
        f.zoom(true);
        f.zoom(true);
        f.follow(0.5);
        assert_eq!(f.center, 0.5, "inside: no move");
        f.follow(0.9);
        assert_eq!(f.center, 0.875, "outside: centred, kept inside");
        f.follow(f64::NAN);
        assert_eq!(f.center, 0.875);
    }
}

/// `counts` (one per interval) regrouped into `cells` sums, each cell the
/// same number of intervals but the last (one cell per interval when there
/// are fewer).
pub fn regroup(counts: &[u64], cells: usize) -> Vec<u64> {
    if cells == 0 || counts.is_empty() {
        return Vec::new();
    }
    let per = counts.len().div_ceil(cells);
    counts
        .chunks(per)
        .map(|c| c.iter().fold(0u64, |a, &b| a.saturating_add(b)))
        .collect()
}

/// The whole capture's packets per second as a sparkline, with the part the
/// zoomed chart below shows named in the title.
pub fn draw_sparkline(
    frame: &mut Frame<'_>,
    area: Rect,
    counts: &[u64],
    interval_us: u64,
    zoom: &Zoom,
) {
    use ratatui::widgets::Sparkline;
    let width = usize::from(area.width.saturating_sub(2));
    let cells = regroup(counts, width);
    let per_cell = counts.len().div_ceil(width.max(1)).max(1) as u64;
    let cell_s = (interval_us.saturating_mul(per_cell)) as f64 / 1e6;
    let peak = cells.iter().copied().max().unwrap_or(0);
    let rate = if cell_s > 0.0 {
        peak as f64 / cell_s
    } else {
        0.0
    };
    let shown = if zoom.is_whole() {
        String::new()
    } else {
        let total = counts.len() as f64 * interval_us as f64 / 1e6;
        let w = zoom.window([0.0, total]);
        format!(", chart shows {:.3}–{:.3} s", w[0], w[1])
    };
    let title = format!("Packets/s over the capture: peak {rate:.0}/s{shown}");
    frame.render_widget(
        Sparkline::default()
            .block(block(&title, false))
            .data(&cells),
        area,
    );
}

#[cfg(test)]
mod sparkline_tests {
    use super::*;

    #[test]
    fn regrouping_keeps_every_packet() {
        let counts: Vec<u64> = (0..1000).collect();
        for cells in [1, 7, 80, 999, 1000, 5000] {
            let g = regroup(&counts, cells);
            assert!(g.len() <= cells.max(1), "{cells}");
            assert_eq!(g.iter().sum::<u64>(), counts.iter().sum::<u64>(), "{cells}");
        }
        assert!(regroup(&[], 10).is_empty());
        assert!(regroup(&[1, 2], 0).is_empty());
        assert_eq!(regroup(&[u64::MAX, 1], 1), [u64::MAX]);
    }
}
