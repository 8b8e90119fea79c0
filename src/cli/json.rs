//! `--json` of every command: JSON Lines (one object per row, compact, one
//! line each), numbers as numbers, and the field names of `-e` wherever a
//! value is a field. Strings are sanitised before they are quoted (JSON
//! escapes C0 controls itself, but not C1 controls or bidirectional marks).

use crate::fields::{FieldDef, PacketView, Value};
use crate::text::sanitize;
use serde_json::{json, Map, Value as Json};
use std::io::Write;

/// Writes `v` as one line.
pub fn line(out: &mut impl Write, v: &Json) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, v).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

/// A sanitised JSON string.
pub fn text(s: &str) -> Json {
    Json::String(sanitize(s).into_owned())
}

/// Seconds (from nanoseconds) as a JSON number.
pub fn seconds(ns: i64) -> Json {
    json!(ns as f64 / 1e9)
}

/// One field value: unsigned integers (also those tshark prints in hex) and
/// times (seconds) as numbers, booleans as booleans, a present protocol as
/// `true`, everything else as the text `-e` prints.
pub fn value(v: &Value<'_>) -> Json {
    match v {
        Value::UInt(n) | Value::Hex(n, _) => json!(n),
        Value::Bool(b) => json!(b),
        Value::Time(ns) => seconds(*ns),
        Value::Present => json!(true),
        other => text(&other.colon_hex()),
    }
}

/// The fields of one packet as an object keyed by field name: `null` when
/// absent, the value when it occurs once, an array of values when more.
pub fn fields(view: &PacketView<'_>, defs: &[&'static FieldDef]) -> Json {
    let mut m = Map::new();
    let mut values = Vec::new();
    for def in defs {
        values.clear();
        view.values(def.id, &mut values);
        let v = match values.as_slice() {
            [] => Json::Null,
            [one] => value(one),
            many => Json::Array(many.iter().map(value).collect()),
        };
        m.insert(def.name.to_string(), v);
    }
    Json::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_types() {
        assert_eq!(value(&Value::UInt(80)), json!(80));
        assert_eq!(value(&Value::Hex(0x12, 4)), json!(18));
        assert_eq!(value(&Value::Bool(false)), json!(false));
        assert_eq!(value(&Value::Time(1_500_000_000)), json!(1.5));
        assert_eq!(value(&Value::Present), json!(true));
        assert_eq!(
            value(&Value::Ip("10.0.0.1".parse().expect("ip"))),
            json!("10.0.0.1")
        );
        assert_eq!(value(&Value::Bytes([1, 0xab][..].into())), json!("01:ab"));
        // A C1 control would reach the terminal raw through plain JSON.
        let v = value(&Value::Str("a\u{9b}31mb".into()));
        assert!(!v.to_string().contains('\u{9b}'), "{v}");
        let mut out = Vec::new();
        line(&mut out, &json!({"a": 1})).expect("write");
        assert_eq!(out, b"{\"a\":1}\n");
    }
}
