//! NetBIOS Name Service (UDP 137) for the Info column, as tshark 4.0:
//! `Name query NB WORKGROUP<1d>`, `Name query response NB 10.0.0.5`,
//! `Registration NB HOST<00>`... The first-level encoded name is decoded to
//! its 15 characters (trailing spaces dropped) and the suffix byte.

use std::fmt::Write as _;

fn be16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|x| u16::from_be_bytes([x[0], x[1]]))
}

/// The NetBIOS name at `at` (a 32-byte first-level encoding), as
/// `NAME<xx>`, and the offset after it.
pub fn name(msg: &[u8], at: usize) -> Option<(String, usize)> {
    let len = usize::from(*msg.get(at)?);
    let enc = msg.get(at + 1..at + 1 + len)?;
    if len != 32 {
        return None;
    }
    let mut raw = Vec::with_capacity(16);
    for pair in enc.chunks(2) {
        let (h, l) = (pair[0].wrapping_sub(b'A'), pair[1].wrapping_sub(b'A'));
        if h > 15 || l > 15 {
            return None;
        }
        raw.push(h << 4 | l);
    }
    // Then the scope labels (usually none) up to a zero byte.
    let mut after = at + 1 + len;
    for _ in 0..64 {
        let l = usize::from(*msg.get(after)?);
        after += 1;
        if l == 0 {
            break;
        }
        after += l;
    }
    let suffix = raw[15];
    let text: String = raw[..15]
        .iter()
        .map(|&c| {
            if c.is_ascii_graphic() || c == b' ' {
                c as char
            } else {
                '?'
            }
        })
        .collect();
    Some((format!("{}<{suffix:02x}>", text.trim_end()), after))
}

/// A record type's name (`NB`, `NBSTAT`).
pub fn type_name(t: u16) -> String {
    match t {
        0x20 => "NB".into(),
        0x21 => "NBSTAT".into(),
        t => format!("Unknown ({t})"),
    }
}

/// The Info text of an NBNS message, or `None` when it does not parse.
pub fn info(msg: &[u8]) -> Option<String> {
    let id = be16(msg, 0)?;
    let _ = id;
    let flags = be16(msg, 2)?;
    let (qd, an) = (be16(msg, 4)?, be16(msg, 6)?);
    let response = flags & 0x8000 != 0;
    let opcode = (flags >> 11) & 0xf;
    let mut s = String::from(match opcode {
        0 => "Name query",
        5 => "Registration",
        6 => "Release",
        7 => "Wait for acknowledgment",
        8 => "Refresh",
        9 => "Refresh (alternate opcode)",
        15 => "Multi-homed registration",
        _ => "Unknown operation",
    });
    if response {
        s.push_str(" response");
        match flags & 0xf {
            0 => {}
            1 => s.push_str(", Format error"),
            2 => s.push_str(", Server failure"),
            3 => s.push_str(", Name error"),
            4 => s.push_str(", Unsupported request error"),
            5 => s.push_str(", Refused error"),
            6 => s.push_str(", Active error"),
            7 => s.push_str(", Name in conflict error"),
            _ => s.push_str(", Unknown error"),
        }
    }
    let mut at = 12;
    for _ in 0..qd.min(8) {
        let (n, after) = name(msg, at)?;
        let t = be16(msg, after)?;
        let _ = write!(s, " {} {n}", type_name(t));
        at = after + 4;
    }
    for _ in 0..an.min(8) {
        let Some((n, after)) = name(msg, at) else {
            break;
        };
        let (Some(t), Some(rdlen)) = (be16(msg, after), be16(msg, after + 8)) else {
            break;
        };
        let rdata = msg.get(after + 10..after + 10 + usize::from(rdlen));
        match (t, rdata) {
            // NB records: flags(2) then an IPv4 address, per entry.
            (0x20, Some(r)) if r.len() >= 6 && response && qd == 0 => {
                let _ = write!(s, " NB {}.{}.{}.{}", r[2], r[3], r[4], r[5]);
            }
            _ => {
                let _ = write!(s, " {} {n}", type_name(t));
            }
        }
        at = after + 10 + usize::from(rdlen);
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(n: &str, suffix: u8) -> Vec<u8> {
        let mut raw = format!("{n:<15}").into_bytes();
        raw.push(suffix);
        let mut v = vec![32u8];
        for c in raw {
            v.push(b'A' + (c >> 4));
            v.push(b'A' + (c & 15));
        }
        v.push(0);
        v
    }

    #[test]
    fn query_and_answer() {
        let mut q = vec![0x12, 0x34, 0x01, 0x10, 0, 1, 0, 0, 0, 0, 0, 0];
        q.extend(encode("WORKGROUP", 0x1d));
        q.extend_from_slice(&[0, 0x20, 0, 1]);
        assert_eq!(info(&q).as_deref(), Some("Name query NB WORKGROUP<1d>"));
        let mut r = vec![0x12, 0x34, 0x85, 0x00, 0, 0, 0, 1, 0, 0, 0, 0];
        r.extend(encode("HOST", 0));
        r.extend_from_slice(&[0, 0x20, 0, 1, 0, 0, 0, 60, 0, 6, 0, 0, 10, 0, 0, 5]);
        assert_eq!(info(&r).as_deref(), Some("Name query response NB 10.0.0.5"));
        assert_eq!(info(&[1, 2, 3]), None);
    }
}
