//! The arithmetic the statistics and graphs share: percentages, interval
//! buckets and axis bounds. Every function is total: zero totals, zero
//! durations, one-point series and timestamps at the ends of `i64` give a
//! finite answer, never a division by zero, an overflow or a NaN.

/// `part` as a percentage of `total` (0 when the total is 0).
pub fn percent(part: u64, total: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    part as f64 * 100.0 / total as f64
}

/// `a / b` rounded down, 0 when `b` is 0.
pub fn div_or_zero(a: u64, b: u64) -> u64 {
    a.checked_div(b).unwrap_or(0)
}

/// Nanoseconds to microseconds rounded to nearest (tshark's I/O statistics
/// work in microseconds), saturating.
pub fn ns_to_us(ns: i64) -> u64 {
    if ns <= 0 {
        return 0;
    }
    (ns as u64).saturating_add(500) / 1000
}

/// The bucket of a time `t_us` for buckets of `interval_us` (one bucket when
/// the interval is 0).
pub fn bucket(t_us: u64, interval_us: u64) -> u64 {
    div_or_zero(t_us, interval_us)
}

/// How many buckets of `interval_us` cover `duration_us` (tshark's rows: the
/// last one ends at the duration); none for a zero duration.
pub fn bucket_count(duration_us: u64, interval_us: u64) -> u64 {
    if duration_us == 0 {
        return 0;
    }
    if interval_us == 0 {
        return 1;
    }
    duration_us / interval_us + 1
}

/// An interval (µs) from the 1-2-5 series that splits `duration_us` into at
/// most `buckets` buckets (at least 1 µs; `buckets` 0 is taken as 1).
pub fn fitting_interval(duration_us: u64, buckets: u64) -> u64 {
    let buckets = buckets.max(1);
    let want = duration_us.div_ceil(buckets).max(1);
    let mut step: u64 = 1;
    loop {
        for m in [1u64, 2, 5] {
            let candidate = step.saturating_mul(m);
            if candidate >= want || candidate == u64::MAX {
                return candidate;
            }
        }
        match step.checked_mul(10) {
            Some(s) => step = s,
            None => return u64::MAX,
        }
    }
}

/// Bounds of an axis over values `lo..=hi` (in either order): finite, with a
/// span greater than zero, so that a point maps to a screen position without
/// dividing by zero.
pub fn axis_bounds(lo: f64, hi: f64) -> [f64; 2] {
    let clean = |v: f64| if v.is_finite() { v } else { 0.0 };
    let (mut lo, mut hi) = (clean(lo), clean(hi));
    if lo > hi {
        std::mem::swap(&mut lo, &mut hi);
    }
    let span = hi - lo;
    if !span.is_finite() {
        // Both ends near ±f64::MAX: keep the half that is representable.
        return [lo / 2.0, hi / 2.0];
    }
    if span <= f64::EPSILON * lo.abs().max(hi.abs()).max(1.0) {
        let pad = (lo.abs() * 0.05).max(1.0);
        return [lo - pad, hi + pad];
    }
    [lo, hi]
}

/// The bounds of a series of points' coordinates (`[0, 1]` with no points).
pub fn bounds_of(values: impl IntoIterator<Item = f64>) -> [f64; 2] {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        return [0.0, 1.0];
    }
    axis_bounds(lo, hi)
}

/// The cell (0..cells) a value falls in on an axis with `bounds`; values
/// outside the bounds are clamped, and no cells gives 0.
pub fn cell_of(value: f64, bounds: [f64; 2], cells: u16) -> u16 {
    if cells == 0 {
        return 0;
    }
    let [lo, hi] = axis_bounds(bounds[0], bounds[1]);
    let v = if value.is_finite() { value } else { lo };
    let f = ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
    let c = (f * f64::from(cells)).floor();
    if c.is_finite() {
        (c as u16).min(cells - 1)
    } else {
        0
    }
}

/// Where `value` lies between `bounds`, from 0 to 1 (clamped; 0 for a value
/// that is not finite).
pub fn fraction_of(value: f64, bounds: [f64; 2]) -> f64 {
    let [lo, hi] = axis_bounds(bounds[0], bounds[1]);
    let f = (value - lo) / (hi - lo);
    if f.is_finite() {
        f.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// The value at the middle of cell `cell` of `cells` on an axis with
/// `bounds` (the inverse of [`cell_of`]: a click's position in data units).
pub fn value_at(cell: u16, cells: u16, bounds: [f64; 2]) -> f64 {
    let [lo, hi] = axis_bounds(bounds[0], bounds[1]);
    let f = (f64::from(cell.min(cells.saturating_sub(1))) + 0.5) / f64::from(cells.max(1));
    let v = lo + f * (hi - lo);
    if v.is_finite() {
        v
    } else {
        lo
    }
}

/// Seconds between two nanosecond timestamps as `f64`, without overflowing
/// `i64` on extreme values.
pub fn seconds_between(from_ns: i64, to_ns: i64) -> f64 {
    (i128::from(to_ns) - i128::from(from_ns)) as f64 / 1e9
}

/// A rate per second of `amount` over `ns` nanoseconds (0 for no time).
pub fn per_second(amount: f64, ns: i64) -> f64 {
    if ns <= 0 || !amount.is_finite() {
        return 0.0;
    }
    amount * 1e9 / ns as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn degenerate_inputs_are_finite() {
        assert_eq!(percent(1, 0), 0.0);
        assert_eq!(bucket(10, 0), 0);
        assert_eq!(bucket_count(0, 0), 0);
        assert_eq!(bucket_count(5_003_877, 1_000_000), 6);
        assert_eq!(bucket_count(211_628, 1_000_000), 1);
        assert_eq!(fitting_interval(0, 0), 1);
        assert_eq!(fitting_interval(70_000_000, 70), 1_000_000);
        assert_eq!(fitting_interval(u64::MAX, 1), u64::MAX);
        assert_eq!(axis_bounds(3.0, 3.0), [2.0, 4.0]);
        assert_eq!(bounds_of([]), [0.0, 1.0]);
        assert_eq!(cell_of(f64::NAN, [0.0, 0.0], 10), 0);
        assert_eq!(ns_to_us(i64::MAX), (i64::MAX as u64 + 500) / 1000);
        assert_eq!(per_second(5.0, 0), 0.0);
    }

    proptest! {
        #[test]
        fn axes_are_finite_and_open(lo in any::<f64>(), hi in any::<f64>()) {
            let [a, b] = axis_bounds(lo, hi);
            prop_assert!(a.is_finite() && b.is_finite());
            prop_assert!(b > a, "{a} {b}");
        }

        #[test]
        fn cells_stay_on_screen(v in any::<f64>(), lo in any::<f64>(), hi in any::<f64>(), cells in any::<u16>()) {
            let c = cell_of(v, [lo, hi], cells);
            prop_assert!(c < cells.max(1));
        }

        #[test]
        fn a_click_maps_back_to_its_cell(cell in any::<u16>(), lo in any::<f64>(), hi in any::<f64>(), cells in 1u16..) {
            let b = axis_bounds(lo, hi);
            let v = value_at(cell, cells, b);
            prop_assert!(v.is_finite());
            let f = fraction_of(v, b);
            prop_assert!((0.0..=1.0).contains(&f));
            // Where the span is wide enough to tell the cells apart.
            if (b[1] - b[0]) / f64::from(cells) > b[0].abs().max(b[1].abs()) * 1e-9 {
                prop_assert_eq!(cell_of(v, b, cells), cell.min(cells - 1));
            }
        }

        #[test]
        fn extreme_timestamps_do_not_overflow(a in any::<i64>(), b in any::<i64>(), n in any::<u64>()) {
            let s = seconds_between(a, b);
            prop_assert!(s.is_finite());
            let us = ns_to_us(b);
            let i = fitting_interval(us, n);
            prop_assert!(i >= 1);
            prop_assert!(bucket(us, i) <= us);
            prop_assert!(bucket_count(us, i) <= us.saturating_add(1));
            prop_assert!(per_second(s, a).is_finite());
            prop_assert!(bounds_of([s, a as f64, b as f64]).iter().all(|x| x.is_finite()));
        }
    }
}
