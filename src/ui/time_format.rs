//! The Time column's formats, as Wireshark's View → Time Display Format
//! offers them and `T` cycles: seconds since the first packet (the
//! default), since the previous displayed packet, UTC date and time of
//! day, and seconds since the epoch; all with microseconds, as Wireshark's
//! automatic precision shows a microsecond capture. A time reference
//! (Ctrl-T) shows `*REF*` in every format, and the relative formats count
//! from the last reference before the packet.

use crate::store::PacketStore;

/// How the Time column shows a packet's time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TimeFormat {
    #[default]
    SinceFirst,
    SincePreviousDisplayed,
    UtcDateTime,
    Epoch,
}

impl TimeFormat {
    /// The next format (`T`).
    pub fn next(self) -> TimeFormat {
        match self {
            TimeFormat::SinceFirst => TimeFormat::SincePreviousDisplayed,
            TimeFormat::SincePreviousDisplayed => TimeFormat::UtcDateTime,
            TimeFormat::UtcDateTime => TimeFormat::Epoch,
            TimeFormat::Epoch => TimeFormat::SinceFirst,
        }
    }

    /// Wireshark's name of the format.
    pub fn describe(self) -> &'static str {
        match self {
            TimeFormat::SinceFirst => "seconds since beginning of capture",
            TimeFormat::SincePreviousDisplayed => "seconds since previous displayed packet",
            TimeFormat::UtcDateTime => "UTC date and time of day",
            TimeFormat::Epoch => "seconds since 1970-01-01",
        }
    }

    /// The column's width for this format.
    pub fn width(self) -> u16 {
        match self {
            TimeFormat::SinceFirst | TimeFormat::SincePreviousDisplayed => 11,
            TimeFormat::UtcDateTime => 26,
            TimeFormat::Epoch => 17,
        }
    }

    /// The Time cell of packet `index`: `previous` is the packet displayed
    /// before it, `reference` the last time reference before it.
    pub fn cell(
        self,
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
        match self {
            TimeFormat::SinceFirst => match reference.and_then(ts_of) {
                Some(r) => crate::text::seconds(e.ts_ns.saturating_sub(r)),
                None => store
                    .relative_ns(index)
                    .map(crate::text::seconds)
                    .unwrap_or_default(),
            },
            TimeFormat::SincePreviousDisplayed => {
                // A reference after the previous displayed packet restarts the count.
                let from = match (previous, reference) {
                    (Some(p), Some(r)) => Some(p.max(r)),
                    (p, r) => p.or(r),
                };
                let base = from.and_then(ts_of).unwrap_or(e.ts_ns);
                crate::text::seconds(e.ts_ns.saturating_sub(base))
            }
            TimeFormat::UtcDateTime => utc(e.ts_ns),
            TimeFormat::Epoch => crate::text::seconds(e.ts_ns),
        }
    }
}

/// `2023-11-14 22:13:20.123456` (UTC).
pub fn utc(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let micros = ns.rem_euclid(1_000_000_000) / 1000;
    let date = crate::dissect::frame_time(ns);
    let t = secs.rem_euclid(86_400);
    format!(
        "{date} {:02}:{:02}:{:02}.{micros:06}",
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::Trace;
    use std::path::Path;

    #[test]
    fn every_format_of_the_sample() {
        let t = Trace::open(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures/textbook-visit.pcap"),
        )
        .expect("sample");
        let s = &t.store;
        // tshark -t r / -t d / -t ud / -t e of frame 6 (after frame 5).
        assert_eq!(TimeFormat::SinceFirst.cell(s, 5, Some(4), None), "0.000419");
        assert_eq!(
            TimeFormat::SincePreviousDisplayed.cell(s, 5, Some(4), None),
            "0.000132"
        );
        assert_eq!(
            TimeFormat::SincePreviousDisplayed.cell(s, 0, None, None),
            "0.000000"
        );
        assert_eq!(
            TimeFormat::Epoch.cell(s, 5, None, None),
            "1795640909.487411"
        );
        assert_eq!(
            TimeFormat::UtcDateTime.cell(s, 5, None, None),
            "2026-11-25 21:08:29.487411"
        );
        assert_eq!(utc(0), "1970-01-01 00:00:00.000000");
        assert_eq!(utc(1_700_000_001_234_567_000), "2023-11-14 22:13:21.234567");
        // From a reference at frame 3.
        assert_eq!(
            TimeFormat::SinceFirst.cell(s, 5, Some(4), Some(2)),
            "0.000155"
        );
        let mut f = TimeFormat::SinceFirst;
        for _ in 0..4 {
            f = f.next();
        }
        assert_eq!(f, TimeFormat::SinceFirst);
    }
}
