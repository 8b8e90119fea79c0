//! The data of DNS resource records past the simple ones `dns.rs` draws
//! itself: SOA, TXT and SPF, NSEC and NSEC3 (with their type bit maps),
//! CAA, SVCB/HTTPS (priority, target and SvcParams), DS, DNSKEY (with its key id),
//! RRSIG, DNAME, HINFO, LOC (version 0) and NAPTR, each with tshark 4.0's
//! lines. Every function takes the whole message `msg` (names may point
//! anywhere in it), the record data's offset in it and the frame offset
//! `at` of the message, and returns the text the record's heading gets
//! after its class (", dname dn.example"), or `None` when the data does
//! not hold what its type says (the caller then shows it as data).

use super::super::bits::{be16, be32, bitfield, hex_shown};
use super::{duration, long_type, name, Node};
use crate::fields::Value;
use std::borrow::Cow;

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
        43 => ds(e, r),
        48 => dnskey(e, r),
        46 => rrsig(e, r),
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

/// Wireshark's name of a DNSSEC algorithm number.
fn algorithm(a: u8) -> String {
    let name = match a {
        1 => "RSA/MD5",
        2 => "Diffie-Hellman",
        3 => "DSA",
        5 => "RSA/SHA1",
        6 => "DSA + NSEC3/SHA1",
        7 => "RSA/SHA1 + NSEC3/SHA1",
        8 => "RSA/SHA-256",
        10 => "RSA/SHA-512",
        12 => "GOST R 34.10-2001",
        13 => "ECDSA Curve P-256 with SHA-256",
        14 => "ECDSA Curve P-384 with SHA-384",
        15 => "Ed25519",
        16 => "Ed448",
        _ => "Unknown",
    };
    format!("{name} ({a})")
}

fn algorithm_node(r: &Rec<'_>, o: usize, a: u8) -> Node {
    Node::field(
        "dns.dnskey.algorithm",
        format!("Algorithm: {}", algorithm(a)),
        r.range(o, o + 1),
        Value::UInt(u64::from(a)),
    )
}

/// A DS record: key id, algorithm, digest type and digest.
fn ds(e: &mut Node, r: &Rec<'_>) -> Option<String> {
    let o = r.data_at;
    let (key, alg, dt) = (r.u16(o)?, r.u8(o + 2)?, r.u8(o + 3)?);
    let digest = r.bytes(o + 4, r.end)?;
    e.add(Node::field(
        "dns.ds.key_id",
        format!("Key id: 0x{key:04x}"),
        r.range(o, o + 2),
        Value::Hex(u64::from(key), 4),
    ));
    let mut a = algorithm_node(r, o + 2, alg);
    a.abbrev = "dns.ds.algorithm";
    e.add(a);
    let dt_name = match dt {
        1 => "SHA-1",
        2 => "SHA-256",
        3 => "GOST R 34.11-94",
        4 => "SHA-384",
        _ => "Unknown",
    };
    e.add(Node::field(
        "dns.ds.digest_type",
        format!("Digest Type: {dt_name} ({dt})"),
        r.range(o + 3, o + 4),
        Value::UInt(u64::from(dt)),
    ));
    e.add(Node::field(
        "dns.ds.digest",
        format!("Digest: {}", hex_shown(digest)),
        r.range(o + 4, r.end),
        super::super::bits::bytes_value(digest),
    ));
    Some(String::new())
}

/// The key tag of a DNSKEY's data (RFC 4034 appendix B; algorithm 1 takes
/// the middle of the modulus' last bytes).
fn key_tag(rdata: &[u8], alg: u8) -> u16 {
    if alg == 1 {
        let n = rdata.len();
        return match (
            n.checked_sub(3).and_then(|i| rdata.get(i)),
            n.checked_sub(2).and_then(|i| rdata.get(i)),
        ) {
            (Some(&a), Some(&b)) => u16::from_be_bytes([a, b]),
            _ => 0,
        };
    }
    let mut ac: u32 = 0;
    for (i, &b) in rdata.iter().enumerate() {
        ac = ac.wrapping_add(if i & 1 == 1 {
            u32::from(b)
        } else {
            u32::from(b) << 8
        });
    }
    ac = ac.wrapping_add(ac >> 16);
    (ac & 0xffff) as u16
}

/// A DNSKEY record: flags bit by bit, protocol, algorithm, key id and key.
fn dnskey(e: &mut Node, r: &Rec<'_>) -> Option<String> {
    let o = r.data_at;
    let (flags, proto, alg) = (r.u16(o)?, r.u8(o + 2)?, r.u8(o + 3)?);
    let key = r.bytes(o + 4, r.end)?;
    let fv = u64::from(flags);
    let fr = r.range(o, o + 2);
    let f = e.add(Node::field(
        "dns.dnskey.flags",
        format!("Flags: 0x{flags:04x}"),
        fr.clone(),
        Value::Hex(fv, 4),
    ));
    let yes_no = |b: bool| if b { "Yes" } else { "No" };
    let zone = fv & 0x0100 != 0;
    for (abbrev, mask, text) in [
        (
            "dns.dnskey.flags.zone_key",
            0x0100,
            format!(
                "Zone Key: {}",
                if zone {
                    "This is the zone key for specified zone"
                } else {
                    "This it not a zone key"
                }
            ),
        ),
        (
            "dns.dnskey.flags.key_revoked",
            0x0080,
            format!("Key Revoked: {}", yes_no(fv & 0x0080 != 0)),
        ),
        (
            "dns.dnskey.flags.secure_entry_point",
            0x0001,
            format!("Key Signing Key: {}", yes_no(fv & 0x0001 != 0)),
        ),
        (
            "dns.dnskey.flags.reserved",
            0xfe7e,
            format!("Key Signing Key: 0x{:04x}", fv & 0xfe7e),
        ),
    ] {
        f.add(
            Node::field(
                abbrev,
                bitfield(fv, mask, 16, &text),
                fr.clone(),
                Value::UInt(fv & mask),
            )
            .masked(mask),
        );
    }
    e.add(Node::field(
        "dns.dnskey.protocol",
        format!("Protocol: {proto}"),
        r.range(o + 2, o + 3),
        Value::UInt(u64::from(proto)),
    ));
    e.add(algorithm_node(r, o + 3, alg));
    let tag = key_tag(r.bytes(o, r.end)?, alg);
    e.add(Node::field(
        "dns.dnskey.key_id",
        format!("[Key id: {tag}]"),
        0..0,
        Value::UInt(u64::from(tag)),
    ));
    e.add(Node::field(
        "dns.dnskey.public_key",
        format!("Public Key: {}", hex_shown(key)),
        r.range(o + 4, r.end),
        super::super::bits::bytes_value(key),
    ));
    Some(String::new())
}

/// An RRSIG record: type covered, algorithm, labels, TTL, validity, key
/// tag, signer and signature.
fn rrsig(e: &mut Node, r: &Rec<'_>) -> Option<String> {
    let o = r.data_at;
    let (covered, alg, labels) = (r.u16(o)?, r.u8(o + 2)?, r.u8(o + 3)?);
    let (ttl, exp, inc, tag) = (r.u32(o + 4)?, r.u32(o + 8)?, r.u32(o + 12)?, r.u16(o + 16)?);
    let (signer, after) = r.name(o + 18)?;
    let sig = r.bytes(after, r.end)?;
    e.add(Node::field(
        "dns.rrsig.type_covered",
        format!("Type Covered: {}", long_type(covered)),
        r.range(o, o + 2),
        Value::UInt(u64::from(covered)),
    ));
    let mut a = algorithm_node(r, o + 2, alg);
    a.abbrev = "dns.rrsig.algorithm";
    e.add(a);
    e.add(Node::field(
        "dns.rrsig.labels",
        format!("Labels: {labels}"),
        r.range(o + 3, o + 4),
        Value::UInt(u64::from(labels)),
    ));
    e.add(Node::field(
        "dns.rrsig.original_ttl",
        format!("Original TTL: {ttl} ({})", duration(ttl)),
        r.range(o + 4, o + 8),
        Value::UInt(u64::from(ttl)),
    ));
    for (abbrev, label, v, p) in [
        (
            "dns.rrsig.signature_expiration",
            "Signature Expiration",
            exp,
            o + 8,
        ),
        (
            "dns.rrsig.signature_inception",
            "Signature Inception",
            inc,
            o + 12,
        ),
    ] {
        let ns = i64::from(v).saturating_mul(1_000_000_000);
        e.add(Node::field(
            abbrev,
            format!("{label}: {}", super::super::frame::time_text(ns)),
            r.range(p, p + 4),
            Value::Time(ns),
        ));
    }
    e.add(Node::field(
        "dns.rrsig.key_tag",
        format!("Key Tag: {tag}"),
        r.range(o + 16, o + 18),
        Value::UInt(u64::from(tag)),
    ));
    e.add(Node::field(
        "dns.rrsig.signers_name",
        format!("Signer's name: {signer}"),
        r.range(o + 18, after),
        str_value(&signer),
    ));
    e.add(Node::field(
        "dns.rrsig.signature",
        format!("Signature: {}", hex_shown(sig)),
        r.range(after, r.end),
        super::super::bits::bytes_value(sig),
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
    fn key_tag_as_rfc4034() {
        // The DNSKEY of dns-record-data-mdns-llmnr.pcap: flags 0x0101,
        // protocol 3, algorithm 8, 16 bytes 0xbb.
        let mut k = vec![0x01, 0x01, 3, 8];
        k.extend([0xbb; 16]);
        assert_eq!(key_tag(&k, 8), 57830);
        assert_eq!(key_tag(&[], 1), 0);
    }

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
