//! DNSSEC records: DS, DNSKEY (with its key tag) and RRSIG, and the
//! algorithm names they share, with tshark 4.0's lines.

use super::{str_value, Node, Rec};
use crate::fields::dissect::bits::{bitfield, hex_shown};
use crate::fields::dissect::dns::{duration, long_type};
use crate::fields::Value;

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
pub(super) fn ds(e: &mut Node, r: &Rec<'_>) -> Option<String> {
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
        crate::fields::dissect::bits::bytes_value(digest),
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
pub(super) fn dnskey(e: &mut Node, r: &Rec<'_>) -> Option<String> {
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
        crate::fields::dissect::bits::bytes_value(key),
    ));
    Some(String::new())
}

/// An RRSIG record: type covered, algorithm, labels, TTL, validity, key
/// tag, signer and signature.
pub(super) fn rrsig(e: &mut Node, r: &Rec<'_>) -> Option<String> {
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
            format!("{label}: {}", crate::fields::dissect::frame::time_text(ns)),
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
        crate::fields::dissect::bits::bytes_value(sig),
    ));
    Some(String::new())
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
}
