//! One value of a field ([`Value`]), and its text as tshark 4.0 prints it
//! with `-T fields` and `-T json`.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::net::IpAddr;

/// One value of a field.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    UInt(u64),
    /// An unsigned value tshark prints in hex with this many digits.
    Hex(u64, u8),
    Bool(bool),
    Str(Cow<'a, str>),
    Ether([u8; 6]),
    Ip(IpAddr),
    /// Nanoseconds.
    Time(i64),
    /// A byte string: `-T fields` prints it as plain hex, `-T json` with
    /// colons (see [`Value::colon_hex`]).
    Bytes(Cow<'a, [u8]>),
    /// A protocol or marker field that is present.
    Present,
}

impl Value<'_> {
    /// The value as `tshark -T fields` prints it.
    pub fn tshark(&self) -> String {
        let mut s = String::new();
        self.write_tshark(&mut s);
        s
    }

    /// The value as `tshark -T json` prints it: a byte string with colons
    /// between the bytes, anything else as [`Value::tshark`].
    pub fn colon_hex(&self) -> String {
        match self {
            Value::Bytes(b) => b
                .iter()
                .map(|x| format!("{x:02x}"))
                .collect::<Vec<_>>()
                .join(":"),
            other => other.tshark(),
        }
    }

    pub fn write_tshark(&self, out: &mut String) {
        match self {
            Value::UInt(v) => {
                let _ = write!(out, "{v}");
            }
            Value::Hex(v, width) => {
                let _ = write!(out, "0x{:0w$x}", v, w = usize::from(*width));
            }
            Value::Bool(b) => out.push(if *b { '1' } else { '0' }),
            Value::Str(s) => out.push_str(s),
            Value::Ether(m) => out.push_str(&crate::text::mac(*m)),
            Value::Ip(ip) => {
                let _ = write!(out, "{ip}");
            }
            Value::Time(ns) => {
                let sign = if *ns < 0 { "-" } else { "" };
                let a = ns.unsigned_abs();
                let _ = write!(out, "{sign}{}.{:09}", a / 1_000_000_000, a % 1_000_000_000);
            }
            Value::Bytes(b) => {
                for x in b.iter() {
                    let _ = write!(out, "{x:02x}");
                }
            }
            Value::Present => out.push('1'),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tshark_formats() {
        assert_eq!(Value::Hex(2, 4).tshark(), "0x0002");
        assert_eq!(Value::Time(30_107_000).tshark(), "0.030107000");
        assert_eq!(Value::Time(-1_500_000_000).tshark(), "-1.500000000");
        assert_eq!(
            Value::Ether([0, 0x0b, 0x82, 1, 0xfc, 0x42]).tshark(),
            "00:0b:82:01:fc:42"
        );
        let b = Value::Bytes(Cow::Borrowed(&[0x47, 0x45]));
        assert_eq!(b.tshark(), "4745");
        assert_eq!(b.colon_hex(), "47:45");
    }
}
