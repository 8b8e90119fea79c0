//! Values to complete after a comparison, taken from the capture: after
//! `ip.addr == ` the addresses seen, after `http.host == ` the hosts, for
//! any field of the registry (`-e`'s values, written as a filter takes
//! them: strings quoted). Distinct values in order of first appearance,
//! from at most [`MAX_SCANNED_PACKETS`] packets and at most [`MAX_VALUES`]
//! of them; the dropdown says when a limit was reached.

use crate::fields::{FieldDef, FieldType, PacketView, Value};
use crate::http::HttpIndex;
use crate::trace::Trace;
use std::collections::HashSet;

/// Packets read for values, from the first (a Tab must answer at once).
pub const MAX_SCANNED_PACKETS: usize = 50_000;
/// Distinct values offered at most.
pub const MAX_VALUES: usize = 500;

/// The values of a field seen in the capture.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Seen {
    /// Filter literals, each starting with the typed prefix.
    pub values: Vec<String>,
    /// Why the list may be incomplete (a limit was reached), for the dropdown.
    pub cut: Option<String>,
}

/// `v` as a filter literal, or `None` for what a filter cannot compare
/// (times, protocol presence) or should not show (controls in a string).
fn literal(v: &Value<'_>) -> Option<String> {
    match v {
        Value::Str(s) => {
            if s.chars().any(char::is_control) {
                return None;
            }
            let escaped = s.replace('\\', "\\\\").replace('"', "\\\"");
            Some(format!("\"{escaped}\""))
        }
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_string()),
        Value::Time(_) | Value::Present => None,
        other => Some(other.tshark()),
    }
}

/// The values of `def` in the capture that start with `prefix`.
pub fn seen(trace: &Trace, http: Option<&HttpIndex>, def: &FieldDef, prefix: &str) -> Seen {
    let mut out = Seen::default();
    if matches!(def.ty, FieldType::Bool) {
        return out;
    }
    let mut set = HashSet::new();
    let mut buf = Vec::new();
    let total = trace.store.len();
    for index in 0..total.min(MAX_SCANNED_PACKETS) {
        buf.clear();
        PacketView::with_http(trace, http, index).values(def.id, &mut buf);
        for v in &buf {
            let Some(text) = literal(v) else { continue };
            if text.starts_with(prefix) && set.insert(text.clone()) {
                if out.values.len() == MAX_VALUES {
                    out.cut = Some(format!("first {MAX_VALUES} values"));
                    return out;
                }
                out.values.push(text);
            }
        }
    }
    if total > MAX_SCANNED_PACKETS {
        out.cut = Some(format!("first {MAX_SCANNED_PACKETS} packets"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_what_a_filter_takes() {
        assert_eq!(
            literal(&Value::Str("a\"b".into())),
            Some("\"a\\\"b\"".into())
        );
        assert_eq!(literal(&Value::Str("x\u{1b}[31m".into())), None);
        assert_eq!(literal(&Value::UInt(80)), Some("80".into()));
        assert_eq!(literal(&Value::Bool(true)), Some("1".into()));
        assert_eq!(literal(&Value::Present), None);
        assert_eq!(
            literal(&Value::Ip("10.0.0.1".parse().expect("ip"))),
            Some("10.0.0.1".into())
        );
    }

    #[test]
    fn addresses_and_hosts_of_the_sample() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample-captures/textbook-visit.pcap");
        let trace = Trace::open(&path).expect("sample");
        let http = HttpIndex::build(&trace.store, &trace.conversations, &trace.keys);
        let def = |n: &str| *crate::fields::lookup(n).expect("field");
        let ips = seen(&trace, Some(&http), &def("ip.addr"), "");
        assert!(ips.values.len() >= 2 && ips.cut.is_none(), "{ips:?}");
        let mut sorted = ips.values.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), ips.values.len(), "distinct");
        let hosts = seen(&trace, Some(&http), &def("http.host"), "");
        assert!(!hosts.values.is_empty(), "{hosts:?}");
        assert!(hosts.values.iter().all(|h| h.starts_with('"')), "{hosts:?}");
        let first = &ips.values[0][..3];
        let narrowed = seen(&trace, Some(&http), &def("ip.addr"), first);
        assert!(narrowed.values.iter().all(|v| v.starts_with(first)));
    }
}
