//! The Time column's formats (the configuration's
//! [`crate::config::TimeFormat`], tshark's `-t` formats, as Wireshark's View
//! → Time Display Format offers them), cycled by `T`: seconds since the
//! first packet (the default), since the previous captured and the
//! previous displayed packet, absolute and UTC time of day or date and
//! time, seconds since the epoch; with microseconds, as Wireshark's
//! automatic precision shows a microsecond capture. A time reference
//! (Ctrl-T) shows `*REF*` in every format, and the relative formats count
//! from the last reference before the packet.
//!
//! wirelens reads no time zone database: the absolute (local) formats are
//! shown in UTC, and say so.

pub use crate::config::TimeFormat;
use crate::store::PacketStore;

/// What the status bar calls the format.
pub fn describe(f: TimeFormat) -> &'static str {
    match f {
        TimeFormat::Relative => "seconds since beginning of capture",
        TimeFormat::Delta => "seconds since previous captured packet",
        TimeFormat::DeltaDisplayed => "seconds since previous displayed packet",
        TimeFormat::Absolute => "time of day (local time zone unknown: UTC)",
        TimeFormat::AbsoluteDate => "date and time of day (local time zone unknown: UTC)",
        TimeFormat::Utc => "UTC time of day",
        TimeFormat::UtcDate => "UTC date and time of day",
        TimeFormat::Epoch => "seconds since 1970-01-01",
    }
}

/// The column's width for the format.
pub fn width(f: TimeFormat) -> u16 {
    match f {
        TimeFormat::Relative | TimeFormat::Delta | TimeFormat::DeltaDisplayed => 11,
        TimeFormat::Absolute | TimeFormat::Utc => 15,
        TimeFormat::AbsoluteDate | TimeFormat::UtcDate => 26,
        TimeFormat::Epoch => 17,
    }
}

/// The Time cell of packet `index`: `previous` is the packet displayed
/// before it, `reference` the last time reference before it.
pub fn cell(
    f: TimeFormat,
    store: &PacketStore,
    index: usize,
    previous: Option<usize>,
    reference: Option<usize>,
) -> String {
    let Some(e) = store.entry(index).filter(|e| e.has_timestamp()) else {
        return String::new();
    };
    let ts_of = |i: usize| {
        store
            .entry(i)
            .filter(|e| e.has_timestamp())
            .map(|e| e.ts_ns)
    };
    // The count restarts at a reference after the packet it counts from.
    let since = |from: Option<usize>| {
        let from = match (from, reference) {
            (Some(p), Some(r)) => Some(p.max(r)),
            (p, r) => p.or(r),
        };
        let base = from.and_then(ts_of).unwrap_or(e.ts_ns);
        crate::text::seconds(e.ts_ns.saturating_sub(base))
    };
    match f {
        TimeFormat::Relative => match reference.and_then(ts_of) {
            Some(r) => crate::text::seconds(e.ts_ns.saturating_sub(r)),
            None => store
                .relative_ns(index)
                .map(crate::text::seconds)
                .unwrap_or_default(),
        },
        TimeFormat::Delta => since(index.checked_sub(1)),
        TimeFormat::DeltaDisplayed => since(previous),
        TimeFormat::Absolute | TimeFormat::Utc => time_of_day(e.ts_ns),
        TimeFormat::AbsoluteDate | TimeFormat::UtcDate => utc(e.ts_ns),
        TimeFormat::Epoch => crate::text::seconds(e.ts_ns),
    }
}

/// `22:13:20.123456` (UTC).
pub fn time_of_day(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let micros = ns.rem_euclid(1_000_000_000) / 1000;
    let t = secs.rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02}.{micros:06}",
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

/// `2023-11-14 22:13:20.123456` (UTC).
pub fn utc(ns: i64) -> String {
    format!("{} {}", crate::dissect::frame_time(ns), time_of_day(ns))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::Trace;
    use std::path::Path;

    #[test]
    fn every_format_of_the_sample_as_tshark_t() {
        let t = Trace::open(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures/textbook-visit.pcap"),
        )
        .expect("sample");
        let s = &t.store;
        let c = |f| cell(f, s, 5, Some(4), None);
        // tshark -t r / d / dd / ud / u / e, frame 6 (after frame 5).
        assert_eq!(c(TimeFormat::Relative), "0.000419");
        assert_eq!(c(TimeFormat::Delta), "0.000132");
        assert_eq!(c(TimeFormat::DeltaDisplayed), "0.000132");
        assert_eq!(
            cell(TimeFormat::DeltaDisplayed, s, 5, Some(2), None),
            "0.000155"
        );
        assert_eq!(c(TimeFormat::UtcDate), "2026-11-25 21:08:29.487411");
        assert_eq!(c(TimeFormat::Utc), "21:08:29.487411");
        assert_eq!(c(TimeFormat::Epoch), "1795640909.487411");
        assert_eq!(
            cell(TimeFormat::DeltaDisplayed, s, 0, None, None),
            "0.000000"
        );
        assert_eq!(utc(0), "1970-01-01 00:00:00.000000");
        // From a reference at frame 3.
        assert_eq!(
            cell(TimeFormat::Relative, s, 5, Some(4), Some(2)),
            "0.000155"
        );
        for f in TimeFormat::ALL {
            assert!(width(f) as usize >= c(f).chars().count(), "{f:?}");
        }
    }
}
