//! NTP (UDP 123) as tshark 4.0 draws it: the flags byte bit by bit, the
//! stratum, polling interval, precision, root delay and dispersion, the
//! reference id and the four timestamps; a control message (mode 6) shows
//! its second flags byte and header fields instead.

use super::bits::{be16, be32, bitfield};
use super::Node;
use crate::fields::Value;
use std::net::Ipv4Addr;

/// Seconds from the NTP epoch (1900) to the Unix one.
const NTP_TO_UNIX: i64 = 2_208_988_800;

fn leap(li: u8) -> &'static str {
    match li {
        0 => "no warning",
        1 => "last minute of the day has 61 seconds",
        2 => "last minute of the day has 59 seconds",
        _ => "unknown (clock unsynchronized)",
    }
}

/// The mode's long name (tshark's `ver_mode_vals`).
pub fn mode_name(mode: u8) -> &'static str {
    match mode {
        0 => "reserved",
        1 => "symmetric active",
        2 => "symmetric passive",
        3 => "client",
        4 => "server",
        5 => "broadcast",
        6 => "reserved for NTP control message",
        _ => "reserved for private use",
    }
}

fn stratum(s: u8) -> &'static str {
    match s {
        0 => "unspecified or invalid",
        1 => "primary reference",
        2..=15 => "secondary reference",
        16 => "unsynchronized",
        _ => "reserved",
    }
}

/// A 16.16 fixed-point count of seconds.
fn fixed(v: u32) -> String {
    format!("{:8.6} seconds", f64::from(v) / 65536.0)
}

/// An NTP timestamp (seconds since 1900, 32-bit fraction) as tshark shows
/// it: "NULL" when zero, else a UTC time.
fn timestamp(b: &[u8]) -> (String, Value<'static>) {
    let (Some(sec), Some(frac)) = (be32(b, 0), be32(b, 4)) else {
        return (String::new(), Value::Present);
    };
    if sec == 0 && frac == 0 {
        return ("NULL".into(), Value::Time(0));
    }
    let ns_frac = ((u64::from(frac) * 1_000_000_000) >> 32) as i64;
    let ns = (i64::from(sec) - NTP_TO_UNIX) * 1_000_000_000 + ns_frac;
    (super::frame::time_text(ns), Value::Time(ns))
}

/// The reference id: an IPv4 address above stratum 1, else four letters.
fn refid(b: &[u8], stratum: u8) -> String {
    if b == [0, 0, 0, 0] {
        return "NULL".into();
    }
    if stratum >= 2 {
        return Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string();
    }
    let code: String = b
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| if c.is_ascii_graphic() { c as char } else { '.' })
        .collect();
    let known = match code.as_str() {
        "GPS" => "Global Position System",
        "PPS" => "Generic pulse-per-second",
        "LOCL" => "uncalibrated local clock",
        "GOES" => "Geostationary Orbit Environment Satellite",
        "DCF" => "LF Radio DCF77 Mainflingen, DE 77.5 kHz",
        "WWVB" => "LF Radio WWVB Ft. Collins, CO 60 kHz",
        "ACTS" => "NIST telephone modem",
        "NIST" => "NIST telephone modem",
        _ => return format!("Unidentified reference source '{code}'"),
    };
    known.into()
}

/// The NTP layer of a datagram's payload at frame offset `at`, or `None`
/// when it is shorter than NTP's header.
pub fn layer(msg: &[u8], at: usize) -> Option<Node> {
    let flags = *msg.first()?;
    let (li, vn, mode) = (flags >> 6, (flags >> 3) & 7, flags & 7);
    let short_mode = match mode {
        6 => "control",
        7 => "private",
        m => mode_name(m),
    };
    let fv = u64::from(flags);
    let mut n = Node::field(
        "ntp",
        format!("Network Time Protocol (NTP Version {vn}, {short_mode})"),
        at..at + msg.len(),
        Value::Present,
    );
    let fr = at..at + 1;
    let f = n.add(Node::field(
        "ntp.flags",
        format!(
            "Flags: 0x{flags:02x}, Leap Indicator: {}, Version number: NTP Version {vn}, Mode: {}",
            leap(li),
            mode_name(mode)
        ),
        fr.clone(),
        Value::Hex(fv, 2),
    ));
    f.add(
        Node::field(
            "ntp.flags.li",
            bitfield(fv, 0xc0, 8, &format!("Leap Indicator: {} ({li})", leap(li))),
            fr.clone(),
            Value::UInt(u64::from(li)),
        )
        .masked(0xc0),
    );
    f.add(
        Node::field(
            "ntp.flags.vn",
            bitfield(
                fv,
                0x38,
                8,
                &format!("Version number: NTP Version {vn} ({vn})"),
            ),
            fr.clone(),
            Value::UInt(u64::from(vn)),
        )
        .masked(0x38),
    );
    f.add(
        Node::field(
            "ntp.flags.mode",
            bitfield(fv, 0x07, 8, &format!("Mode: {} ({mode})", mode_name(mode))),
            fr,
            Value::UInt(u64::from(mode)),
        )
        .masked(0x07),
    );
    if mode == 6 {
        control(msg, at, &mut n);
        return Some(n);
    }
    if msg.len() < 48 {
        return Some(n);
    }
    let st = msg[1];
    n.add(Node::field(
        "ntp.stratum",
        format!("Peer Clock Stratum: {} ({st})", stratum(st)),
        at + 1..at + 2,
        Value::UInt(u64::from(st)),
    ));
    let poll = msg[2];
    let poll_text = if (4..=17).contains(&poll) {
        format!("{poll} ({} seconds)", 1u64 << poll)
    } else {
        format!("invalid ({poll})")
    };
    n.add(Node::field(
        "ntp.ppoll",
        format!("Peer Polling Interval: {poll_text}"),
        at + 2..at + 3,
        Value::UInt(u64::from(poll)),
    ));
    let prec = msg[3] as i8;
    n.add(Node::field(
        "ntp.precision",
        format!(
            "Peer Clock Precision: {:8.6} seconds",
            2f64.powi(i32::from(prec))
        ),
        at + 3..at + 4,
        Value::Str(std::borrow::Cow::Owned(prec.to_string())),
    ));
    let delay = be32(msg, 4).unwrap_or(0);
    n.add(Node::field(
        "ntp.rootdelay",
        format!("Root Delay: {}", fixed(delay)),
        at + 4..at + 8,
        Value::UInt(u64::from(delay)),
    ));
    let disp = be32(msg, 8).unwrap_or(0);
    n.add(Node::field(
        "ntp.rootdispersion",
        format!("Root Dispersion: {}", fixed(disp)),
        at + 8..at + 12,
        Value::UInt(u64::from(disp)),
    ));
    n.add(Node::field(
        "ntp.refid",
        format!("Reference ID: {}", refid(&msg[12..16], st)),
        at + 12..at + 16,
        super::bits::bytes_value(&msg[12..16]),
    ));
    for (i, (abbrev, label)) in [
        ("ntp.reftime", "Reference Timestamp"),
        ("ntp.org", "Origin Timestamp"),
        ("ntp.rec", "Receive Timestamp"),
        ("ntp.xmt", "Transmit Timestamp"),
    ]
    .into_iter()
    .enumerate()
    {
        let o = 16 + 8 * i;
        let (text, v) = timestamp(&msg[o..o + 8]);
        n.add(Node::field(
            abbrev,
            format!("{label}: {text}"),
            at + o..at + o + 8,
            v,
        ));
    }
    Some(n)
}

/// A control message's header (RFC 1305 appendix B).
fn control(msg: &[u8], at: usize, n: &mut Node) {
    let Some(&f2) = msg.get(1) else { return };
    let fv = u64::from(f2);
    let op = f2 & 0x1f;
    let op_name = match op {
        1 => "read status command/response",
        2 => "read variables command/response",
        3 => "write variables command/response",
        4 => "read clock variables command/response",
        5 => "write clock variables command/response",
        6 => "set trap address/port command/response",
        7 => "trap response",
        _ => "reserved",
    };
    let r = if f2 & 0x80 != 0 {
        "Response"
    } else {
        "Request"
    };
    let fr = at + 1..at + 2;
    let f = n.add(Node::field(
        "ntp.ctrl.flags2",
        format!("Flags 2: 0x{f2:02x}, Response bit: {r}, Opcode: {op_name}"),
        fr.clone(),
        Value::Hex(fv, 2),
    ));
    for (abbrev, mask, text) in [
        (
            "ntp.ctrl.flags2.r",
            0x80,
            format!("Response bit: {r} ({})", f2 >> 7),
        ),
        (
            "ntp.ctrl.flags2.error",
            0x40,
            format!("Error bit: {}", (f2 >> 6) & 1),
        ),
        (
            "ntp.ctrl.flags2.more",
            0x20,
            format!("More bit: {}", (f2 >> 5) & 1),
        ),
        (
            "ntp.ctrl.flags2.opcode",
            0x1f,
            format!("Opcode: {op_name} ({op})"),
        ),
    ] {
        f.add(
            Node::field(
                abbrev,
                bitfield(fv, mask, 8, &text),
                fr.clone(),
                Value::UInt((fv & mask) >> mask.trailing_zeros()),
            )
            .masked(mask),
        );
    }
    for (o, abbrev, label) in [
        (2, "ntp.ctrl.sequence", "Sequence"),
        (4, "ntp.ctrl.status", "Status"),
        (6, "ntp.ctrl.associd", "AssociationID"),
        (8, "ntp.ctrl.offset", "Offset"),
        (10, "ntp.ctrl.count", "Count"),
    ] {
        let Some(v) = be16(msg, o) else { return };
        let text = if o == 4 {
            format!("{label}: 0x{v:04x}")
        } else {
            format!("{label}: {v}")
        };
        n.add(Node::field(
            abbrev,
            text,
            at + o..at + o + 2,
            Value::UInt(u64::from(v)),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_as_tshark() {
        let mut m = vec![0x23, 2, 6, 0xe9, 0, 1, 0, 0, 0, 0, 0x80, 0, 10, 0, 0, 1];
        m.resize(48, 0);
        // Transmit: 2026-12-01 10:00:00.5 UTC.
        let secs = (1_796_119_200i64 + NTP_TO_UNIX) as u32;
        m[40..44].copy_from_slice(&secs.to_be_bytes());
        m[44..48].copy_from_slice(&0x8000_0000u32.to_be_bytes());
        let n = layer(&m, 0).expect("ntp");
        let t: Vec<&str> = n.children.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(n.text, "Network Time Protocol (NTP Version 4, client)");
        assert_eq!(t[1], "Peer Clock Stratum: secondary reference (2)");
        assert_eq!(t[2], "Peer Polling Interval: 6 (64 seconds)");
        assert_eq!(t[3], "Peer Clock Precision: 0.000000 seconds");
        assert_eq!(t[4], "Root Delay: 1.000000 seconds");
        assert_eq!(t[5], "Root Dispersion: 0.500000 seconds");
        assert_eq!(t[6], "Reference ID: 10.0.0.1");
        assert_eq!(t[7], "Reference Timestamp: NULL");
        assert_eq!(
            t[10],
            "Transmit Timestamp: Dec  1, 2026 10:00:00.500000000 UTC"
        );
        assert_eq!(
            n.children[0].children[2].text,
            ".... .011 = Mode: client (3)"
        );
        for cut in 0..48 {
            let _ = layer(&m[..cut], 0);
        }
        m[0] = 0x26;
        for cut in 0..12 {
            let _ = layer(&m[..cut], 0);
        }
    }
}
