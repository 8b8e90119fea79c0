//! The I/O graph's data (tshark `-z io,stat,INTERVAL[,SPEC...]`, Wireshark's
//! Statistics ▸ I/O Graphs): per interval and per series, the frames and
//! bytes a display filter selects, or `COUNT|SUM|MIN|MAX|AVG(field)` of a
//! field's values in them.
//!
//! A series is spelt as tshark's: `FILTER` (frames and bytes), or
//! `FUNC(FIELD)FILTER`; an empty filter takes every frame. As tshark does, time
//! is in microseconds from the first packet, and a frame earlier than the last
//! interval its series already reached (timestamps going backwards) is left
//! out. `MIN` is the first frame's value lowered by later ones, so a first
//! frame without the field leaves it at 0, as in tshark; `AVG` rounds down.

use super::scale;
use super::{for_blocks, frame_len, Selection};
use crate::fields::{lookup, FieldId, FieldType, PacketView, Value};
use crate::filter::Filter;
use crate::http::HttpIndex;
use crate::trace::Trace;
use std::fmt::Write as _;

/// The most cells (intervals × series) one statistic holds, about 100 MiB; a
/// finer interval over a long capture is refused with
/// [`IoError::TooManyIntervals`].
pub const MAX_CELLS: u64 = 2_000_000;

/// What a series computes per interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calc {
    FramesBytes,
    Count,
    Sum,
    Min,
    Max,
    Avg,
}

impl Calc {
    pub fn name(self) -> &'static str {
        match self {
            Calc::FramesBytes => "FRAMES BYTES",
            Calc::Count => "COUNT",
            Calc::Sum => "SUM",
            Calc::Min => "MIN",
            Calc::Max => "MAX",
            Calc::Avg => "AVG",
        }
    }
}

/// A series that does not parse.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    #[error("invalid interval {0:?}: expected seconds, e.g. 1 or 0.01")]
    Interval(String),
    #[error("invalid series {spec:?}: {why}")]
    Series { spec: String, why: String },
    #[error("invalid filter in series {spec:?}:\n{error}")]
    Filter {
        spec: String,
        error: crate::filter::FilterError,
    },
    #[error("{intervals} intervals of {interval_us} µs for {series} series exceed the limit of {MAX_CELLS} cells: choose a longer interval")]
    TooManyIntervals {
        intervals: u64,
        interval_us: u64,
        series: usize,
    },
}

/// One series (one column group of tshark's table).
#[derive(Debug, Clone)]
pub struct Series {
    /// As written (`SUM(frame.len)frame.len`).
    pub spec: String,
    pub calc: Calc,
    pub field: Option<FieldId>,
    /// The field holds times (values in ns, shown in seconds).
    pub time_field: bool,
    pub filter: Option<Filter>,
}

impl Series {
    /// Whether the series reads `http.*` fields (its filter or its field).
    pub fn needs_http(&self) -> bool {
        self.filter.as_ref().is_some_and(Filter::needs_http)
            || self
                .field
                .and_then(|f| crate::fields::FIELDS.iter().find(|d| d.id == f))
                .is_some_and(|d| d.name.starts_with("http"))
    }

    /// Parses tshark's spelling of a series.
    pub fn parse(spec: &str) -> Result<Series, IoError> {
        let err = |why: &str| IoError::Series {
            spec: spec.to_string(),
            why: why.to_string(),
        };
        let (calc, field, filter_text) = match spec.find('(') {
            Some(open) if spec[..open].chars().all(|c| c.is_ascii_uppercase()) && open > 0 => {
                let calc = match &spec[..open] {
                    "COUNT" => Calc::Count,
                    "SUM" => Calc::Sum,
                    "MIN" => Calc::Min,
                    "MAX" => Calc::Max,
                    "AVG" => Calc::Avg,
                    _ => return Err(err("expected COUNT, SUM, MIN, MAX or AVG before '('")),
                };
                let close = spec[open..]
                    .find(')')
                    .map(|c| c + open)
                    .ok_or_else(|| err("missing ')'"))?;
                let name = spec[open + 1..close].trim();
                let def = lookup(name).ok_or_else(|| err(&format!("unknown field {name:?}")))?;
                let numeric = matches!(def.ty, FieldType::UInt | FieldType::Bool | FieldType::Time);
                if calc != Calc::Count && !numeric {
                    return Err(err(&format!(
                        "{} needs a numeric or time field; {name} is not one",
                        calc.name()
                    )));
                }
                (calc, Some(def), &spec[close + 1..])
            }
            _ => (Calc::FramesBytes, None, spec),
        };
        let filter_text = filter_text.trim();
        let filter = if filter_text.is_empty() {
            None
        } else {
            Some(
                Filter::compile(filter_text).map_err(|error| IoError::Filter {
                    spec: spec.to_string(),
                    error,
                })?,
            )
        };
        Ok(Series {
            spec: spec.to_string(),
            calc,
            field: field.map(|d| d.id),
            time_field: field.is_some_and(|d| d.ty == FieldType::Time),
            filter,
        })
    }
}

/// Parses tshark's interval ("1", "0.01", "10") into microseconds.
pub fn parse_interval(s: &str) -> Result<u64, IoError> {
    let bad = || IoError::Interval(s.to_string());
    let v: f64 = s.trim().parse().map_err(|_| bad())?;
    if !v.is_finite() || !(0.0..=1e12).contains(&v) {
        return Err(bad());
    }
    Ok((v * 1e6).round() as u64)
}

/// One series in one interval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cell {
    /// Frames the series' filter selected.
    pub frames: u64,
    /// Their bytes (`frame.len`).
    pub bytes: u64,
    /// Sum, count or maximum of the field's values, as the series computes.
    pub counter: u64,
    /// Values seen (for AVG).
    pub values: u64,
    /// Whether the interval's first frame had the field (None: no frame yet).
    first_had_value: Option<bool>,
    /// The smallest value seen.
    min_all: Option<u64>,
    /// The first frame (0-based) counted here: where selecting the interval
    /// in the I/O graph jumps to.
    pub first: Option<u32>,
}

impl Cell {
    /// The number tshark prints for this cell (FRAMES BYTES: the frames).
    pub fn value(&self, calc: Calc) -> u64 {
        match calc {
            Calc::FramesBytes => self.frames,
            Calc::Count | Calc::Sum | Calc::Max => self.counter,
            Calc::Avg => scale::div_or_zero(self.counter, self.values),
            Calc::Min => match self.first_had_value {
                Some(true) => self.min_all.unwrap_or(0),
                _ => 0,
            },
        }
    }

    pub(crate) fn add_frame(&mut self, calc: Calc, packet: u32, len: u64, values: &[u64]) {
        self.first_had_value.get_or_insert(!values.is_empty());
        self.first.get_or_insert(packet);
        self.frames += 1;
        self.bytes = self.bytes.saturating_add(len);
        for &v in values {
            self.values += 1;
            self.min_all = Some(self.min_all.map_or(v, |m| m.min(v)));
            match calc {
                Calc::Max => self.counter = self.counter.max(v),
                Calc::Sum | Calc::Avg => self.counter = self.counter.saturating_add(v),
                Calc::Count | Calc::FramesBytes | Calc::Min => {}
            }
        }
        if calc == Calc::Count {
            self.counter = self.counter.saturating_add(values.len() as u64);
        }
    }

    /// Appends `later`, which follows `self` in time within the same interval.
    fn merge(&mut self, calc: Calc, later: &Cell) {
        if self.first_had_value.is_none() {
            self.first_had_value = later.first_had_value;
        }
        self.first = self.first.or(later.first);
        self.frames += later.frames;
        self.bytes = self.bytes.saturating_add(later.bytes);
        self.values += later.values;
        self.min_all = match (self.min_all, later.min_all) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.counter = match calc {
            Calc::Max => self.counter.max(later.counter),
            _ => self.counter.saturating_add(later.counter),
        };
    }
}

/// The I/O statistics: one row per interval, one cell per series.
#[derive(Debug, Clone)]
pub struct IoStat {
    pub interval_us: u64,
    /// From the first packet to the last, in µs.
    pub duration_us: u64,
    pub series: Vec<Series>,
    /// `rows[interval][series]`.
    pub rows: Vec<Vec<Cell>>,
}

/// A field value as tshark's counters hold it (times in ns).
fn as_number(v: &Value<'_>) -> Option<u64> {
    match v {
        Value::UInt(x) | Value::Hex(x, _) => Some(*x),
        Value::Bool(b) => Some(u64::from(*b)),
        Value::Time(ns) => Some((*ns).max(0) as u64),
        Value::Present => Some(1),
        _ => None,
    }
}

/// Kept cells of one series in one block: (interval, cell), intervals
/// non-decreasing.
type Run = Vec<(u64, Cell)>;

/// Computes the I/O statistics of the selected packets.
/// `http` answers `http.*` fields in the series' filters and fields.
pub fn compute(
    trace: &Trace,
    http: Option<&HttpIndex>,
    selection: &Selection,
    interval_us: u64,
    series: Vec<Series>,
) -> Result<IoStat, IoError> {
    let store = &trace.store;
    let duration_us = store
        .entries()
        .iter()
        .enumerate()
        .filter_map(|(i, _)| store.relative_ns(i))
        .map(scale::ns_to_us)
        .max()
        .unwrap_or(0);
    let intervals = scale::bucket_count(duration_us, interval_us);
    if intervals.saturating_mul(series.len().max(1) as u64) > MAX_CELLS {
        return Err(IoError::TooManyIntervals {
            intervals,
            interval_us,
            series: series.len(),
        });
    }
    let parts: Vec<Vec<Run>> = for_blocks(trace, selection, |block| {
        let mut runs: Vec<Run> = vec![Vec::new(); series.len()];
        let mut values: Vec<u64> = Vec::new();
        let mut raw: Vec<Value<'_>> = Vec::new();
        for i in block {
            let Some(rel) = store.relative_ns(i) else {
                continue;
            };
            let b = scale::bucket(scale::ns_to_us(rel), interval_us);
            let len = frame_len(trace, i);
            let mut view: Option<PacketView<'_>> = None;
            for (s, run) in series.iter().zip(runs.iter_mut()) {
                if let Some(f) = &s.filter {
                    if !f.matches(trace, http, i) {
                        continue;
                    }
                }
                if run.last().is_some_and(|&(last, _)| b < last) {
                    continue;
                }
                values.clear();
                if let Some(field) = s.field {
                    let v = view.get_or_insert_with(|| PacketView::with_http(trace, http, i));
                    raw.clear();
                    v.values(field, &mut raw);
                    values.extend(raw.iter().filter_map(as_number));
                }
                if run.last().map(|&(last, _)| last) != Some(b) {
                    run.push((b, Cell::default()));
                }
                if let Some((_, cell)) = run.last_mut() {
                    cell.add_frame(s.calc, i as u32, len, &values);
                }
            }
        }
        runs
    });
    let rows_len = intervals as usize;
    let mut rows = vec![vec![Cell::default(); series.len()]; rows_len];
    let mut reached: Vec<Option<u64>> = vec![None; series.len()];
    for block in parts {
        for (k, run) in block.into_iter().enumerate() {
            for (b, cell) in run {
                if reached[k].is_some_and(|r| b < r) {
                    continue;
                }
                reached[k] = Some(b);
                // A frame at exactly the duration's end falls in the last row.
                let row = (b as usize).min(rows_len.saturating_sub(1));
                if let Some(target) = rows.get_mut(row).and_then(|r| r.get_mut(k)) {
                    target.merge(series[k].calc, &cell);
                }
            }
        }
    }
    Ok(IoStat {
        interval_us,
        duration_us,
        series,
        rows,
    })
}

fn secs(us: u64, decimals: usize) -> String {
    let s = us as f64 / 1e6;
    format!("{s:.decimals$}")
}

impl IoStat {
    /// Start and end (µs) of row `r`; the last row ends at the duration.
    pub fn row_span(&self, r: usize) -> (u64, u64) {
        let start = (r as u64).saturating_mul(self.interval_us);
        let end = start
            .saturating_add(self.interval_us.max(1))
            .min(self.duration_us);
        if self.interval_us == 0 {
            return (0, self.duration_us);
        }
        (start, end)
    }

    /// The text of cell values for series `k` in row `r` (two for FRAMES BYTES).
    fn cell_text(&self, r: usize, k: usize) -> Vec<String> {
        let Some(c) = self.rows.get(r).and_then(|row| row.get(k)) else {
            return Vec::new();
        };
        let s = &self.series[k];
        match s.calc {
            Calc::FramesBytes => vec![c.frames.to_string(), c.bytes.to_string()],
            calc if s.time_field => vec![format!("{:.6}", c.value(calc) as f64 / 1e9)],
            calc => vec![c.value(calc).to_string()],
        }
    }
}

/// A table laid out as tshark's (`tshark -q -z io,stat,...`): a header with
/// the duration, the interval and the series, then one row per interval.
pub fn write_text(io: &IoStat, out: &mut String) {
    let whole =
        io.interval_us % 1_000_000 == 0 && io.interval_us > 0 && io.duration_us >= io.interval_us;
    let decimals = if whole { 0 } else { 3 };
    let label = |r: usize| -> String {
        let (s, e) = io.row_span(r);
        let last = r + 1 == io.rows.len();
        if whole {
            // tshark: seconds as wide as the duration's (the start at least
            // two), the last row ending at "Dur".
            let width = (io.duration_us / 1_000_000).to_string().len();
            let start_width = width.max(2);
            let start = format!("{:>start_width$}", s / 1_000_000);
            if last && e % io.interval_us != 0 {
                format!("{start} <> Dur")
            } else {
                format!("{start} <> {:>width$}", e / 1_000_000)
            }
        } else {
            format!("{} <> {}", secs(s, decimals), secs(e, decimals))
        }
    };
    let mut headers: Vec<String> = vec!["Interval".into()];
    for s in &io.series {
        match s.calc {
            Calc::FramesBytes => {
                headers.push("Frames".into());
                headers.push("Bytes".into());
            }
            c => headers.push(c.name().into()),
        }
    }
    let mut table: Vec<Vec<String>> = Vec::new();
    for r in 0..io.rows.len() {
        let mut row = vec![label(r)];
        for k in 0..io.series.len() {
            row.extend(io.cell_text(r, k));
        }
        table.push(row);
    }
    let widths: Vec<usize> = (0..headers.len())
        .map(|c| {
            table
                .iter()
                .filter_map(|row| row.get(c))
                // The "Dur" row may overflow its cell by the closing space.
                .filter(|t| c > 0 || !t.ends_with("Dur"))
                .map(|s| s.chars().count())
                .chain([headers[c].len()])
                // Without whole seconds, tshark sizes the first column for
                // "D <> D" with the duration D, rows or not.
                .chain((c == 0 && !whole).then(|| {
                    let d = secs(io.duration_us.max(io.interval_us.min(io.duration_us)), 3);
                    format!("{d} <> {d}").len()
                }))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String], out: &mut String| {
        out.push('|');
        for (c, text) in cells.iter().enumerate() {
            let w = widths.get(c).copied().unwrap_or(0);
            if c == 0 && text.ends_with("Dur") && text.chars().count() > w {
                let _ = write!(out, " {text:<w$}|");
            } else if c == 0 {
                let _ = write!(out, " {text:<w$} |");
            } else {
                let _ = write!(out, " {text:>w$} |");
            }
        }
        out.push('\n');
    };
    let inner: usize = widths
        .iter()
        .map(|w| w + 3)
        .sum::<usize>()
        .saturating_sub(1);
    let boxed = |text: &str, out: &mut String| {
        let _ = writeln!(out, "| {text:<w$}|", w = inner.saturating_sub(1));
    };
    let _ = writeln!(out, "\n{}", "=".repeat(inner + 2));
    boxed("IO Statistics", out);
    boxed("", out);
    // As tshark: an interval longer than the capture is shown as the
    // capture's duration, both to the millisecond.
    let (duration, interval) = if io.interval_us == 0 || io.interval_us > io.duration_us {
        (secs(io.duration_us, 3), secs(io.duration_us, 3))
    } else {
        let width = (io.duration_us / 1_000_000).to_string().len();
        (
            // tshark pads the microseconds with spaces, not zeros.
            format!(
                "{}.{:>6}",
                io.duration_us / 1_000_000,
                io.duration_us % 1_000_000
            ),
            if whole {
                format!("{:>width$}", io.interval_us / 1_000_000)
            } else {
                secs(io.interval_us, 3)
            },
        )
    };
    boxed(&format!("Duration: {duration} secs"), out);
    boxed(&format!("Interval: {interval} secs"), out);
    boxed("", out);
    for (k, s) in io.series.iter().enumerate() {
        if k == 0 {
            boxed(&format!("Col {}: {}", k + 1, s.spec), out);
        } else {
            boxed(&format!("    {}: {}", k + 1, s.spec), out);
        }
    }
    let _ = writeln!(out, "|{}|", "-".repeat(inner));
    // The series' numbers over their column groups.
    let mut numbers = format!("| {:w$} |", "", w = widths.first().copied().unwrap_or(0));
    let mut col = 1;
    for (k, s) in io.series.iter().enumerate() {
        let cells = if s.calc == Calc::FramesBytes { 2 } else { 1 };
        let span: usize = widths.iter().skip(col).take(cells).map(|w| w + 3).sum();
        let _ = write!(numbers, "{:<w$}|", k + 1, w = span.saturating_sub(1));
        col += cells;
    }
    let _ = writeln!(out, "{numbers}");
    // Headers are centred over their columns (the odd space on the left).
    out.push('|');
    for (c, text) in headers.iter().enumerate() {
        let w = widths.get(c).copied().unwrap_or(0);
        if c == 0 {
            let _ = write!(out, " {text:<w$} |");
        } else {
            let pad = w.saturating_sub(text.len());
            let left = pad.div_ceil(2);
            let _ = write!(
                out,
                " {}{text}{} |",
                " ".repeat(left),
                " ".repeat(pad - left)
            );
        }
    }
    out.push('\n');
    let _ = writeln!(out, "|{}|", "-".repeat(inner));
    for row in &table {
        line(row, out);
    }
    let _ = writeln!(out, "{}", "=".repeat(inner + 2));
}

/// One JSON object per interval and series.
pub fn write_json(io: &IoStat, out: &mut String) {
    for (r, row) in io.rows.iter().enumerate() {
        let (s, e) = io.row_span(r);
        for (k, c) in row.iter().enumerate() {
            let series = &io.series[k];
            let mut v = serde_json::json!({
                "stat": "io",
                "interval": r,
                "start_us": s,
                "end_us": e,
                "series": k + 1,
                "spec": series.spec,
                "calc": series.calc.name(),
                "frames": c.frames,
                "bytes": c.bytes,
            });
            if series.calc != Calc::FramesBytes {
                v["value"] = serde_json::json!(c.value(series.calc));
            }
            out.push_str(&v.to_string());
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_parse_as_tshark_spells_them() {
        let s = Series::parse("SUM(frame.len)tcp").expect("sum");
        assert_eq!(s.calc, Calc::Sum);
        assert_eq!(s.field, Some(FieldId::FrameLen));
        assert!(s.filter.is_some());
        let s = Series::parse("").expect("all frames");
        assert_eq!(s.calc, Calc::FramesBytes);
        assert!(s.filter.is_none());
        assert!(Series::parse("SUM(ip.src)").is_err());
        assert!(Series::parse("FOO(frame.len)").is_err());
        assert!(Series::parse("MAX(frame.len").is_err());
        assert_eq!(parse_interval("0.01").expect("interval"), 10_000);
        assert!(parse_interval("-1").is_err());
    }

    #[test]
    fn min_follows_the_first_frame_and_merges_in_order() {
        let mut a = Cell::default();
        a.add_frame(Calc::Min, 4, 60, &[]);
        a.add_frame(Calc::Min, 5, 60, &[5]);
        assert_eq!(a.value(Calc::Min), 0, "first frame had no value");
        assert_eq!(a.first, Some(4));
        let mut b = Cell::default();
        b.add_frame(Calc::Min, 7, 60, &[9]);
        let mut c = Cell::default();
        c.add_frame(Calc::Min, 9, 60, &[3]);
        b.merge(Calc::Min, &c);
        assert_eq!(b.value(Calc::Min), 3);
        assert_eq!(b.first, Some(7), "the earlier block's frame stays first");
        let mut empty = Cell::default();
        empty.merge(Calc::Min, &c);
        assert_eq!(empty.first, Some(9));
        let mut avg = Cell::default();
        avg.add_frame(Calc::Avg, 0, 1, &[1, 2]);
        assert_eq!(avg.value(Calc::Avg), 1);
        assert_eq!(Cell::default().value(Calc::Avg), 0);
    }
}
