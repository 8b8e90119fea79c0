//! The data of DNS resource records past the simple ones `dns.rs` draws
//! itself: SOA, TXT and SPF, NSEC and NSEC3 (with their type bit maps),
//! CAA, DNAME, HINFO, LOC (version 0) and NAPTR here; SVCB/HTTPS in
//! [`svcb`] and DS, DNSKEY and RRSIG in [`dnssec`]; each with tshark 4.0's
//! lines. Every function takes the whole message `msg` (names may point
//! anywhere in it), the record data's offset in it and the frame offset
//! `at` of the message, and returns the text the record's heading gets
//! after its class (", dname dn.example"), or `None` when the data does
//! not hold what its type says (the caller then shows it as data).

use super::super::bits::{be16, be32, bitfield, hex_shown};
use super::{duration, long_type, name, Node};
use crate::fields::Value;
use std::borrow::Cow;

mod dnssec;
mod svcb;

fn str_value(s: &str) -> Value<'static> {
    Value::Str(Cow::Owned(s.to_string()))
}

/// The record data of type `t` at `data_at..end` of `msg`, added to `e`.
pub(super) fn data(
    e: &mut Node,
    t: u16,
    msg: &[u8],
    data_at: usize,
    end: usize,
    at: usize,
) -> Option<String> {
    let data = msg.get(data_at..end)?;
    let r = Rec {
        msg,
        data_at,
        end,
        at,
    };
    // Drawn apart, so that data cut short adds no half record.
    let mut lines = Node::text("", 0..0);
    let extra = by_type(&mut lines, t, data, &r)?;
    e.children.append(&mut lines.children);
    Some(extra)
}

fn by_type(e: &mut Node, t: u16, data: &[u8], r: &Rec<'_>) -> Option<String> {
    let (at, data_at) = (r.at, r.data_at);
    match t {
        6 => soa(e, r),
        16 => {
            strings(e, data, at + data_at, ("dns.txt.length", "dns.txt"), "TXT");
            Some(String::new())
        }
        99 => {
            strings(e, data, at + data_at, ("dns.spf.length", "dns.spf"), "SPF");
            Some(String::new())
        }
        47 => nsec(e, r),
        50 => nsec3(e, r),
        257 => caa(e, r),
        64 | 65 => svcb::svcb(e, r),
        43 => dnssec::ds(e, r),
        48 => dnssec::dnskey(e, r),
        46 => dnssec::rrsig(e, r),
        39 => dname(e, r),
        13 => hinfo(e, r),
        29 => loc(e, r),
        35 => naptr(e, r),
        _ => None,
    }
}

/// Where a record's data lies.
struct Rec<'m> {
    msg: &'m [u8],
    data_at: usize,
    end: usize,
    at: usize,
}

impl Rec<'_> {
    /// Frame range of message bytes `a..b`.
    fn range(&self, a: usize, b: usize) -> std::ops::Range<usize> {
        self.at + a..self.at + b
    }
    /// A name at message offset `o` inside the data: (text, offset after).
    fn name(&self, o: usize) -> Option<(String, usize)> {
        if o >= self.end {
            return None;
        }
        let (n, after, _) = name(self.msg, o)?;
        Some((n, after.min(self.end)))
    }
    fn u8(&self, o: usize) -> Option<u8> {
        self.msg.get(o).copied().filter(|_| o < self.end)
    }
    fn u16(&self, o: usize) -> Option<u16> {
        be16(self.msg, o).filter(|_| o + 2 <= self.end)
    }
    fn u32(&self, o: usize) -> Option<u32> {
        be32(self.msg, o).filter(|_| o + 4 <= self.end)
    }
    fn bytes(&self, a: usize, b: usize) -> Option<&[u8]> {
        self.msg.get(a..b).filter(|_| b <= self.end)
    }
}

/// An SOA record's names and numbers; the heading's ", mname ..." text.
fn soa(e: &mut Node, r: &Rec<'_>) -> Option<String> {
    let (mname, after_m) = r.name(r.data_at)?;
    let (rname, after_r) = r.name(after_m)?;
    e.add(Node::field(
        "dns.soa.mname",
        format!("Primary name server: {mname}"),
        r.range(r.data_at, after_m),
        str_value(&mname),
    ));
    e.add(Node::field(
        "dns.soa.rname",
        format!("Responsible authority's mailbox: {rname}"),
        r.range(after_m, after_r),
        str_value(&rname),
    ));
    for (i, (abbrev, label)) in [
        ("dns.soa.serial_number", "Serial Number"),
        ("dns.soa.refresh_interval", "Refresh Interval"),
        ("dns.soa.retry_interval", "Retry Interval"),
        ("dns.soa.expire_limit", "Expire limit"),
        ("dns.soa.minimum_ttl", "Minimum TTL"),
    ]
    .into_iter()
    .enumerate()
    {
        let o = after_r + 4 * i;
        let Some(v) = r.u32(o) else { break };
        let text = if i == 0 {
            format!("{label}: {v}")
        } else {
            format!("{label}: {v} ({})", duration(v))
        };
        e.add(Node::field(
            abbrev,
            text,
            r.range(o, o + 4),
            Value::UInt(u64::from(v)),
        ));
    }
    Some(format!(", mname {mname}"))
}

/// Character strings (TXT, SPF), each as its length and text.
fn strings(
    e: &mut Node,
    data: &[u8],
    at: usize,
    fields: (&'static str, &'static str),
    label: &str,
) {
    let mut i = 0;
    while let Some(&l) = data.get(i) {
        let l = usize::from(l);
        let Some(t) = data.get(i + 1..i + 1 + l) else {
            break;
        };
        e.add(Node::field(
            fields.0,
            format!("{label} Length: {l}"),
            at + i..at + i + 1,
            Value::UInt(l as u64),
        ));
        let text = super::super::body::format_text(t);
        e.add(Node::field(
            fields.1,
            format!("{label}: {text}"),
            at + i + 1..at + i + 1 + l,
            str_value(&text),
        ));
        i += 1 + l;
    }
}

/// One `<character-string>` at `o` (its length byte first) with a
/// "{label} Length" line: (text, offset after).
fn char_string(
    e: &mut Node,
    r: &Rec<'_>,
    o: usize,
    fields: (&'static str, &'static str),
    label: &str,
) -> Option<(String, usize)> {
    let l = usize::from(r.u8(o)?);
    let b = r.bytes(o + 1, o + 1 + l)?;
    let text = super::super::body::format_text(b);
    e.add(Node::field(
        fields.0,
        format!("{label} Length: {l}"),
        r.range(o, o + 1),
        Value::UInt(l as u64),
    ));
    e.add(Node::field(
        fields.1,
        format!("{label}: {text}"),
        r.range(o + 1, o + 1 + l),
        str_value(&text),
    ));
    Some((text, o + 1 + l))
}

/// The types of NSEC/NSEC3 type bit maps from `i` to the record's end.
fn bitmaps(e: &mut Node, r: &Rec<'_>, mut i: usize, abbrev: &'static str) {
    while let (Some(window), Some(len)) = (r.u8(i), r.u8(i + 1)) {
        let len = usize::from(len);
        let Some(map) = r.bytes(i + 2, i + 2 + len) else {
            break;
        };
        for (byte, &bits) in map.iter().enumerate() {
            for bit in 0..8 {
                if bits & (0x80 >> bit) != 0 {
                    // A map longer than RFC 4034's 32 bytes in window 255
                    // numbers types past 65535, as tshark's 32-bit count.
                    let t = u32::from(window) * 256 + (byte * 8 + bit) as u32;
                    let long =
                        u16::try_from(t).map_or_else(|_| format!("Unknown ({t})"), long_type);
                    let long = long.strip_suffix(&format!(" ({t})")).unwrap_or(&long);
                    e.add(Node::field(
                        abbrev,
                        format!("RR type in bit map: {long}"),
                        r.range(i + 2 + byte, i + 3 + byte),
                        Value::UInt(u64::from(t)),
                    ));
                }
            }
        }
        i += 2 + len;
    }
}

/// An NSEC record's next name and the types of its bit maps; the record
/// header's ", next domain name ..." text.
fn nsec(e: &mut Node, r: &Rec<'_>) -> Option<String> {
    let (next, after) = r.name(r.data_at)?;
    e.add(Node::field(
        "dns.nsec.next_domain_name",
        format!("Next Domain Name: {next}"),
        r.range(r.data_at, after),
        str_value(&next),
    ));
    bitmaps(e, r, after, "dns.nsec.bitmap");
    Some(format!(", next domain name {next}"))
}

/// An NSEC3 record: hash algorithm, flags, iterations, salt, next hashed
/// owner and the type bit maps.
fn nsec3(e: &mut Node, r: &Rec<'_>) -> Option<String> {
    let o = r.data_at;
    let (alg, flags, iter, salt_len) = (r.u8(o)?, r.u8(o + 1)?, r.u16(o + 2)?, r.u8(o + 4)?);
    let alg_name = match alg {
        1 => "SHA-1",
        _ => "Unknown",
    };
    e.add(Node::field(
        "dns.nsec3.algo",
        format!("Hash algorithm: {alg_name} ({alg})"),
        r.range(o, o + 1),
        Value::UInt(u64::from(alg)),
    ));
    let f = e.add(Node::field(
        "dns.nsec3.flags",
        format!("NSEC3 flags: {flags}"),
        r.range(o + 1, o + 2),
        Value::UInt(u64::from(flags)),
    ));
    let opt_out = flags & 1 != 0;
    f.add(
        Node::field(
            "dns.nsec3.flags.opt_out",
            bitfield(
                u64::from(flags),
                1,
                8,
                &format!(
                    "NSEC3 Opt-out flag: Additional insecure delegations {}",
                    if opt_out { "allowed" } else { "forbidden" }
                ),
            ),
            r.range(o + 1, o + 2),
            Value::Bool(opt_out),
        )
        .masked(1),
    );
    e.add(Node::field(
        "dns.nsec3.iterations",
        format!("NSEC3 iterations: {iter}"),
        r.range(o + 2, o + 4),
        Value::UInt(u64::from(iter)),
    ));
    e.add(Node::field(
        "dns.nsec3.salt_length",
        format!("Salt length: {salt_len}"),
        r.range(o + 4, o + 5),
        Value::UInt(u64::from(salt_len)),
    ));
    let salt_end = o + 5 + usize::from(salt_len);
    let salt = r.bytes(o + 5, salt_end)?;
    let shown = if salt.is_empty() {
        "<MISSING>".to_string()
    } else {
        hex_shown(salt)
    };
    e.add(Node::field(
        "dns.nsec3.salt_value",
        format!("Salt value: {shown}"),
        r.range(o + 5, salt_end),
        super::super::bits::bytes_value(salt),
    ));
    let hash_len = r.u8(salt_end)?;
    e.add(Node::field(
        "dns.nsec3.hash_length",
        format!("Hash length: {hash_len}"),
        r.range(salt_end, salt_end + 1),
        Value::UInt(u64::from(hash_len)),
    ));
    let hash_end = salt_end + 1 + usize::from(hash_len);
    let hash = r.bytes(salt_end + 1, hash_end)?;
    if !hash.is_empty() {
        e.add(Node::field(
            "dns.nsec3.hash_value",
            format!("Next hashed owner: {}", hex_shown(hash)),
            r.range(salt_end + 1, hash_end),
            super::super::bits::bytes_value(hash),
        ));
    }
    bitmaps(e, r, hash_end, "dns.nsec3.bitmap");
    Some(String::new())
}

/// A CAA record: its flags and its one property (issue, issuewild, iodef).
fn caa(e: &mut Node, r: &Rec<'_>) -> Option<String> {
    let o = r.data_at;
    let flags = r.u8(o)?;
    let tag_len = usize::from(r.u8(o + 1)?);
    let tag = r.bytes(o + 2, o + 2 + tag_len)?;
    let value = r.bytes(o + 2 + tag_len, r.end)?;
    let heading = match tag {
        b"issue" => "Issue",
        b"issuewild" => "Issue Wildcard",
        b"iodef" => "Iodef",
        _ => return None,
    };
    let f = e.add(Node::field(
        "dns.caa.flags",
        format!("CAA Flags: 0x{flags:02x}"),
        r.range(o, o + 1),
        Value::Hex(u64::from(flags), 2),
    ));
    let critical = flags & 0x80 != 0;
    f.add(
        Node::field(
            "dns.caa.flags.issuer_critical",
            bitfield(
                u64::from(flags),
                0x80,
                8,
                &format!(
                    "Issuer Critical: {}",
                    if critical { "Critical" } else { "Not critical" }
                ),
            ),
            r.range(o, o + 1),
            Value::Bool(critical),
        )
        .masked(0x80),
    );
    let tag = String::from_utf8_lossy(tag).into_owned();
    let value = super::super::body::format_text(value);
    let p = e.add(Node::text(
        format!("{heading}: {value}"),
        r.range(o + 1, r.end),
    ));
    p.add(Node::field(
        "dns.caa.tag_length",
        format!("Tag length: {tag_len}"),
        r.range(o + 1, o + 2),
        Value::UInt(tag_len as u64),
    ));
    p.add(Node::field(
        "dns.caa.tag",
        format!("Tag: {tag}"),
        r.range(o + 2, o + 2 + tag_len),
        str_value(&tag),
    ));
    p.add(Node::field(
        "dns.caa.value",
        format!("Value: {value}"),
        r.range(o + 2 + tag_len, r.end),
        str_value(&value),
    ));
    Some(String::new())
}

/// A DNAME record's target; the heading's ", dname ..." text.
fn dname(e: &mut Node, r: &Rec<'_>) -> Option<String> {
    let (target, after) = r.name(r.data_at)?;
    e.add(Node::field(
        "dns.dname",
        format!("Dname: {target}"),
        r.range(r.data_at, after),
        str_value(&target),
    ));
    Some(format!(", dname {target}"))
}

/// A HINFO record's CPU and OS strings; the heading's ", CPU .., OS .." text.
fn hinfo(e: &mut Node, r: &Rec<'_>) -> Option<String> {
    let (cpu, after) = char_string(
        e,
        r,
        r.data_at,
        ("dns.hinfo.cpu_length", "dns.hinfo.cpu"),
        "CPU",
    )?;
    let (os, _) = char_string(e, r, after, ("dns.hinfo.os_length", "dns.hinfo.os"), "OS")?;
    Some(format!(", CPU {cpu}, OS {os}"))
}

/// C's `%g`: six significant digits, trailing zeros dropped, an exponent
/// past 1e6 or below 1e-4.
fn g(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v.is_finite() {
            "0".into()
        } else {
            format!("{v}")
        };
    }
    let exp = v.abs().log10().floor() as i32;
    let trim = |s: String| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if (-4..6).contains(&exp) {
        let decimals = usize::try_from(5 - exp).unwrap_or(0);
        trim(format!("{v:.decimals$}"))
    } else {
        let m = v / 10f64.powi(exp);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim(format!("{m:.5}")), exp.abs())
    }
}

/// RFC 1876's size and precision byte in metres.
fn loc_size(b: u8) -> String {
    let size = f64::from(b >> 4) * 10f64.powi(i32::from(b & 0x0f));
    format!("{} m", g(size / 100.0))
}

/// RFC 1876's latitude or longitude as tshark words it.
fn loc_angle(v: u32, longitude: bool) -> String {
    let (angle, dir) = if v < 0x8000_0000 {
        (0x8000_0000 - v, if longitude { 'W' } else { 'S' })
    } else {
        (v - 0x8000_0000, if longitude { 'E' } else { 'N' })
    };
    let max = if longitude { 648_000_000 } else { 324_000_000 };
    if angle > max {
        return "Value out of range".into();
    }
    let (tsecs, angle) = (angle % 1000, angle / 1000);
    let (secs, angle) = (angle % 60, angle / 60);
    let (minutes, degrees) = (angle % 60, angle / 60);
    format!("{degrees} deg {minutes} min {secs}.{tsecs:03} sec {dir}")
}

/// A LOC record of version 0 (others are left as data).
fn loc(e: &mut Node, r: &Rec<'_>) -> Option<String> {
    let o = r.data_at;
    if r.u8(o)? != 0 {
        return None;
    }
    let (size, hp, vp) = (r.u8(o + 1)?, r.u8(o + 2)?, r.u8(o + 3)?);
    let (lat, lon, alt) = (r.u32(o + 4)?, r.u32(o + 8)?, r.u32(o + 12)?);
    e.add(Node::field(
        "dns.loc.version",
        "Version: 0",
        r.range(o, o + 1),
        Value::UInt(0),
    ));
    for (i, (abbrev, label, v)) in [
        ("dns.loc.size", "Size", size),
        ("dns.loc.horizontal_precision", "Horizontal Precision", hp),
        ("dns.loc.vertical_precision", "Vertical Precision", vp),
    ]
    .into_iter()
    .enumerate()
    {
        e.add(Node::field(
            abbrev,
            format!("{label}: {v} ({})", loc_size(v)),
            r.range(o + 1 + i, o + 2 + i),
            Value::UInt(u64::from(v)),
        ));
    }
    for (abbrev, label, v, p, longitude) in [
        ("dns.loc.latitude", "Latitude", lat, o + 4, false),
        ("dns.loc.longitude", "Longitude", lon, o + 8, true),
    ] {
        e.add(Node::field(
            abbrev,
            format!("{label}: {v} ({})", loc_angle(v, longitude)),
            r.range(p, p + 4),
            Value::UInt(u64::from(v)),
        ));
    }
    let metres = (f64::from(alt) - 10_000_000.0) / 100.0;
    e.add(Node::field(
        "dns.loc.altitude",
        format!("Altitude: {alt} ({} m)", g(metres)),
        r.range(o + 12, o + 16),
        Value::UInt(u64::from(alt)),
    ));
    Some(String::new())
}

/// A NAPTR record; the heading's ", order .., preference .., flags .." text.
fn naptr(e: &mut Node, r: &Rec<'_>) -> Option<String> {
    let o = r.data_at;
    let (order, pref) = (r.u16(o)?, r.u16(o + 2)?);
    e.add(Node::field(
        "dns.naptr.order",
        format!("Order: {order}"),
        r.range(o, o + 2),
        Value::UInt(u64::from(order)),
    ));
    e.add(Node::field(
        "dns.naptr.preference",
        format!("Preference: {pref}"),
        r.range(o + 2, o + 4),
        Value::UInt(u64::from(pref)),
    ));
    let (flags, after) = char_string(
        e,
        r,
        o + 4,
        ("dns.naptr.flags_length", "dns.naptr.flags"),
        "Flags",
    )?;
    let (_, after) = char_string(
        e,
        r,
        after,
        ("dns.naptr.service_length", "dns.naptr.service"),
        "Service",
    )?;
    let (_, after) = char_string(
        e,
        r,
        after,
        ("dns.naptr.regex_length", "dns.naptr.regex"),
        "Regex",
    )?;
    let (rep, end) = r.name(after)?;
    e.add(Node::field(
        "dns.naptr.replacement_length",
        format!("[Replacement Length: {}]", rep.len()),
        0..0,
        Value::UInt(rep.len() as u64),
    ));
    e.add(Node::field(
        "dns.naptr.replacement",
        format!("Replacement: {rep}"),
        r.range(after, end),
        str_value(&rep),
    ));
    Some(format!(", order {order}, preference {pref}, flags {flags}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loc_words() {
        assert_eq!(loc_size(0), "0 m");
        assert_eq!(loc_size(0x12), "1 m");
        assert_eq!(loc_size(0x16), "10000 m");
        assert_eq!(loc_angle(0, false), "Value out of range");
        assert_eq!(
            loc_angle(0x8000_0000 + 3_600_000 + 1, false),
            "1 deg 0 min 0.001 sec N"
        );
        assert_eq!(
            loc_angle(0x8000_0000 - 60_000, true),
            "0 deg 1 min 0.000 sec W"
        );
        assert_eq!(g(-100_000.0), "-100000");
        assert_eq!(g(0.5), "0.5");
        assert_eq!(g(1_234_567.0), "1.23457e+06");
    }

    #[test]
    fn short_data_is_not_drawn() {
        let mut e = Node::text("", 0..0);
        // A DS of 3 bytes, an RRSIG cut inside its signer's name.
        assert!(data(&mut e, 43, &[1, 2, 3], 0, 3, 0).is_none());
        assert!(data(&mut e, 46, &[0; 17], 0, 17, 0).is_none());
        assert!(e.children.is_empty());
        assert!(data(&mut e, 99, b"\x04spf1", 0, 5, 0).is_some());
    }

    /// A bit map of window 255 longer than RFC 4034's 32 bytes numbers types
    /// past 65535 (found by fuzzing dns_rdata: it overflowed a u16).
    #[test]
    fn a_long_last_window_counts_past_u16() {
        let mut msg = vec![255, 40];
        msg.extend([0u8; 39]);
        msg.push(0x01);
        let r = Rec {
            msg: &msg,
            data_at: 0,
            end: msg.len(),
            at: 0,
        };
        let mut e = Node::text("", 0..0);
        bitmaps(&mut e, &r, 0, "dns.nsec.bitmap");
        assert_eq!(e.children.len(), 1);
        assert_eq!(e.children[0].text, "RR type in bit map: Unknown");
        assert!(matches!(
            e.children[0].value,
            Some(Value::UInt(t)) if t == 255 * 256 + 39 * 8 + 7
        ));
    }
}
