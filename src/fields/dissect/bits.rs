//! Helpers shared by the dissectors: Wireshark's bit-field pictures
//! ("0100 .... = Version: 4"), byte reads that cannot panic, and the
//! wording of booleans and times.

/// The picture tshark draws for a bit field: `width` bits, most significant
/// first, in groups of four; bits outside `mask` are dots.
pub fn picture(value: u64, mask: u64, width: u32) -> String {
    let mut s = String::new();
    for i in (0..width).rev() {
        if i + 1 != width && (i + 1) % 4 == 0 {
            s.push(' ');
        }
        let bit = 1u64 << i;
        s.push(if mask & bit == 0 {
            '.'
        } else if value & bit != 0 {
            '1'
        } else {
            '0'
        });
    }
    s
}

/// "picture = label" for a flag or sub-field.
pub fn bitfield(value: u64, mask: u64, width: u32, rest: &str) -> String {
    format!("{} = {rest}", picture(value, mask, width))
}

/// "Set" / "Not set".
pub fn set(b: bool) -> &'static str {
    if b {
        "Set"
    } else {
        "Not set"
    }
}

pub fn be16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|x| u16::from_be_bytes([x[0], x[1]]))
}

pub fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
}

/// Seconds with nine decimals, as tshark prints times.
/// A byte-string value (`-T fields` prints it as plain hex).
pub fn bytes_value(b: &[u8]) -> crate::fields::Value<'static> {
    crate::fields::Value::Bytes(std::borrow::Cow::Owned(b.to_vec()))
}

/// Moves a node and its children to `0..0`: bytes of a reassembled message
/// are not this frame's.
pub fn detach(n: &mut super::Node) {
    n.bytes = 0..0;
    for c in &mut n.children {
        detach(c);
    }
}

/// `N byte` or `N bytes`, as tshark's `plurality` words a count.
pub fn bytes(n: usize) -> String {
    if n == 1 {
        "1 byte".into()
    } else {
        format!("{n} bytes")
    }
}

/// A one-bit flag of a 16-bit field: "picture = label: on/off", its value
/// and mask (DNS's and NBNS's flags).
pub fn flag16(
    fv: u64,
    r: std::ops::Range<usize>,
    abbrev: &'static str,
    mask: u64,
    (label, on, off): (&str, &str, &str),
) -> super::Node {
    let set = fv & mask != 0;
    super::Node::field(
        abbrev,
        bitfield(
            fv,
            mask,
            16,
            &format!("{label}: {}", if set { on } else { off }),
        ),
        r,
        crate::fields::Value::Bool(set),
    )
    .masked(mask)
}

/// A byte string as tshark shows a bytes field: hex, cut after 36 bytes
/// with an ellipsis.
pub fn hex_shown(b: &[u8]) -> String {
    let mut s: String = b.iter().take(36).map(|x| format!("{x:02x}")).collect();
    if b.len() > 36 {
        s.push('…');
    }
    s
}

/// The links tshark adds to an answer: `[LINK: N]` naming its request's
/// frame (`request`, 0-based), then `[TIME: S seconds]` since that frame
/// when both have timestamps. `link` and `time` are (field, label).
pub fn request_link(
    view: &crate::fields::PacketView<'_>,
    n: &mut super::Node,
    request: usize,
    link: (&'static str, &str),
    time: (&'static str, &str),
) {
    use crate::fields::Value;
    n.add(super::Node::field(
        link.0,
        format!("[{}: {}]", link.1, request + 1),
        0..0,
        Value::UInt(request as u64 + 1),
    ));
    let store = &view.trace.store;
    let ts = |i: usize| {
        store
            .entry(i)
            .filter(|e| e.has_timestamp())
            .map(|e| e.ts_ns)
    };
    if let (Some(a), Some(b)) = (ts(request), ts(view.index)) {
        let dt = b.saturating_sub(a);
        n.add(super::Node::field(
            time.0,
            format!("[{}: {} seconds]", time.1, secs(dt)),
            0..0,
            Value::Time(dt),
        ));
    }
}

pub fn secs(ns: i64) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let a = ns.unsigned_abs();
    format!("{sign}{}.{:09}", a / 1_000_000_000, a % 1_000_000_000)
}

/// A bit count "(592 bits)".
pub fn bits_of(bytes: u64) -> u64 {
    bytes.saturating_mul(8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures() {
        assert_eq!(picture(0x45, 0xf0, 8), "0100 ....");
        assert_eq!(picture(0x4000, 0x1fff, 16), "...0 0000 0000 0000");
        assert_eq!(picture(0x002, 0xe00, 12), "000. .... ....");
        assert_eq!(
            picture(0x02_00_00, 0x02_00_00, 24),
            ".... ..1. .... .... .... ...."
        );
        assert_eq!(secs(-1_500_000_000), "-1.500000000");
    }
}
