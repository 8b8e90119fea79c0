//! An X.509 certificate (DER) as tshark 4.0's X.509 dissectors draw it
//! under a TLS Certificate: `signedCertificate` (version, serial number,
//! signature algorithm, issuer and subject names attribute by attribute,
//! validity, the public key — an RSA key's modulus and exponent — and the
//! extensions, those tshark opens read: key identifiers, key usage, basic
//! constraints, extended key usage, alternative DNS names), then the
//! signature. Every element's length is checked; what does not parse ends
//! the drawing there. [`protocols`] names the dissectors tshark calls for
//! `frame.protocols` (`x509sat` per attribute, `x509ce` per extension...).

mod ext;

use super::super::Node;
use crate::fields::Value;
use ext::extensions;
use std::borrow::Cow;

/// Most elements of one list (names, extensions) drawn.
pub const MAX_ITEMS: usize = 256;

/// One DER element: tag, contents, the rest after it.
pub(super) fn der(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = b.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |v, &x| (v << 8) | usize::from(x));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// The elements of a constructed element's contents, at most
/// [`MAX_ITEMS`].
pub(super) fn elements(mut b: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    std::iter::from_fn(move || {
        let (tag, content, rest) = der(b)?;
        b = rest;
        Some((tag, content))
    })
    .take(MAX_ITEMS)
}

/// An OBJECT IDENTIFIER's dotted form.
pub(super) fn oid(b: &[u8]) -> String {
    let mut parts: Vec<u64> = Vec::new();
    let mut v: u64 = 0;
    for &x in b {
        if v > u64::MAX >> 8 {
            break;
        }
        v = (v << 7) | u64::from(x & 0x7f);
        if x & 0x80 == 0 {
            if parts.is_empty() {
                let first = (v / 40).min(2);
                parts.push(first);
                parts.push(v - first * 40);
            } else {
                parts.push(v);
            }
            v = 0;
        }
    }
    parts
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// tshark's name of an object identifier.
fn oid_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "id-at-commonName",
        "2.5.4.4" => "id-at-surname",
        "2.5.4.5" => "id-at-serialNumber",
        "2.5.4.6" => "id-at-countryName",
        "2.5.4.7" => "id-at-localityName",
        "2.5.4.8" => "id-at-stateOrProvinceName",
        "2.5.4.9" => "id-at-streetAddress",
        "2.5.4.10" => "id-at-organizationName",
        "2.5.4.11" => "id-at-organizationalUnitName",
        "2.5.4.12" => "id-at-title",
        "2.5.4.17" => "id-at-postalCode",
        "2.5.4.42" => "id-at-givenName",
        "1.2.840.113549.1.9.1" => "pkcs-9-at-emailAddress",
        "1.2.840.113549.1.1.1" => "rsaEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassa-pss",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.10045.2.1" => "id-ecPublicKey",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "id-Ed25519",
        "2.5.29.14" => "id-ce-subjectKeyIdentifier",
        "2.5.29.15" => "id-ce-keyUsage",
        "2.5.29.17" => "id-ce-subjectAltName",
        "2.5.29.18" => "id-ce-issuerAltName",
        "2.5.29.19" => "id-ce-basicConstraints",
        "2.5.29.31" => "id-ce-cRLDistributionPoints",
        "2.5.29.32" => "id-ce-certificatePolicies",
        "2.5.29.35" => "id-ce-authorityKeyIdentifier",
        "2.5.29.37" => "id-ce-extKeyUsage",
        "1.3.6.1.5.5.7.1.1" => "id-pe-authorityInfoAccess",
        "1.3.6.1.5.5.7.2.1" => "id-qt-cps",
        "1.3.6.1.5.5.7.2.2" => "id-qt-unotice",
        "1.3.6.1.5.5.7.48.1" => "id-ad-ocsp",
        "1.3.6.1.5.5.7.48.2" => "id-ad-caIssuers",
        "2.5.29.32.0" => "anyPolicy",
        "1.3.6.1.5.5.7.3.1" => "id-kp-serverAuth",
        "1.3.6.1.5.5.7.3.2" => "id-kp-clientAuth",
        "1.3.6.1.5.5.7.3.3" => "id-kp-codeSigning",
        "1.3.6.1.5.5.7.3.4" => "id-kp-emailProtection",
        "1.3.6.1.5.5.7.3.8" => "id-kp-timeStamping",
        "1.3.6.1.5.5.7.3.9" => "id-kp-OCSPSigning",
        _ => return None,
    })
}

/// `OID (name)`, or the OID alone.
fn oid_text(dotted: &str) -> String {
    if let Some(n) = oid_name(dotted) {
        return format!("{dotted} ({n})");
    }
    // tshark names the first arc of an OID it does not know.
    let (first, rest) = dotted.split_once('.').unwrap_or((dotted, ""));
    let arc = match first {
        "0" => "itu-t",
        "1" => "iso",
        "2" => "joint-iso-itu-t",
        _ => return dotted.to_string(),
    };
    format!("{dotted} ({arc}.{rest})")
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        "item"
    } else {
        "items"
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A Name's summary as tshark titles it: `type=value` per attribute, the
/// last RDN first, joined by commas.
pub fn name_summary(name: &[u8]) -> Option<String> {
    let mut items = Vec::new();
    for (tag, set) in elements(name) {
        if tag != 0x31 {
            return None;
        }
        for (_, atv) in elements(set) {
            items.push(attribute(atv)?.0);
        }
    }
    items.reverse();
    Some(items.join(","))
}

/// An AttributeTypeAndValue: its `type=value` text, OID and value element.
fn attribute(atv: &[u8]) -> Option<(String, String, u8, &[u8])> {
    let mut it = elements(atv);
    let (t, o) = it.next()?;
    let (vt, v) = it.next()?;
    if t != 0x06 {
        return None;
    }
    let dotted = oid(o);
    let key = oid_name(&dotted).map_or(dotted.clone(), str::to_string);
    Some((
        format!("{key}={}", String::from_utf8_lossy(v)),
        dotted,
        vt,
        v,
    ))
}

/// The subject of a DER certificate.
pub fn subject(cert: &[u8]) -> Option<String> {
    let tbs = Tbs::read(cert)?;
    name_summary(tbs.subject?)
}

/// The parts of a certificate.
struct Tbs<'a> {
    version: Option<&'a [u8]>,
    serial: Option<&'a [u8]>,
    signature: Option<&'a [u8]>,
    issuer: Option<&'a [u8]>,
    validity: Option<&'a [u8]>,
    subject: Option<&'a [u8]>,
    spki: Option<&'a [u8]>,
    extensions: Option<&'a [u8]>,
    alg: Option<&'a [u8]>,
    sig: Option<&'a [u8]>,
}

impl<'a> Tbs<'a> {
    fn read(cert: &'a [u8]) -> Option<Tbs<'a>> {
        let (_, c, _) = der(cert)?;
        let mut outer = elements(c);
        let (_, tbs) = outer.next()?;
        let (alg, sig) = (outer.next().map(|e| e.1), outer.next().map(|e| e.1));
        let mut it = elements(tbs).peekable();
        let version = it.next_if(|(t, _)| *t == 0xa0).map(|e| e.1);
        let mut next = || it.next().map(|e| e.1);
        let (serial, signature, issuer) = (next(), next(), next());
        let (validity, subject, spki) = (next(), next(), next());
        let extensions = it
            .find(|(t, _)| *t == 0xa3)
            .and_then(|(_, v)| der(v))
            .map(|e| e.1);
        Some(Tbs {
            version,
            serial,
            signature,
            issuer,
            validity,
            subject,
            spki,
            extensions,
            alg,
            sig,
        })
    }
}

/// The dissectors tshark calls on a certificate, in order, as
/// `frame.protocols` lists them.
pub fn protocols(cert: &[u8], out: &mut Vec<&'static str>) {
    let Some(t) = Tbs::read(cert) else { return };
    for name in [t.issuer, t.subject].into_iter().flatten() {
        for (_, set) in elements(name) {
            for _ in elements(set) {
                out.push("x509sat");
            }
        }
    }
    for (_, ext) in elements(t.extensions.unwrap_or(&[])) {
        let mut it = elements(ext);
        let Some((_, o)) = it.next() else { continue };
        let dotted = oid(o);
        if dotted.starts_with("2.5.29.") {
            out.push("x509ce");
            // The issuer's name in an authority key identifier.
            if dotted == "2.5.29.35" {
                let aki = it
                    .find(|(t, _)| *t == 0x04)
                    .and_then(|(_, v)| der(v))
                    .map_or(&[][..], |e| e.1);
                for (_, names) in elements(aki).filter(|(t, _)| *t == 0xa1) {
                    for (_, dn) in elements(names).filter(|(t, _)| *t == 0xa4) {
                        let name = der(dn).map_or(&[][..], |e| e.1);
                        for (_, set) in elements(name) {
                            for _ in elements(set) {
                                out.push("x509sat");
                            }
                        }
                    }
                }
            }
            // A policy qualifier (CPS pointer) is PKIX1Explicit's.
            if dotted == "2.5.29.32" && contains_oid(ext, &[0x2b, 6, 1, 5, 5, 7, 2]) {
                out.push("pkix1explicit");
            }
        } else if dotted.starts_with("1.3.6.1.5.5.7.1.") {
            out.push("pkix1implicit");
        }
    }
}

/// Whether an OID starting with `prefix` (encoded) lies in `b`.
fn contains_oid(b: &[u8], prefix: &[u8]) -> bool {
    b.windows(prefix.len() + 2)
        .any(|w| w[0] == 0x06 && usize::from(w[1]) > prefix.len() && &w[2..] == prefix)
}

/// The certificate's lines under its `Certificate:` node.
pub fn tree(n: &mut Node, cert: &[u8]) -> Option<()> {
    let t = Tbs::read(cert)?;
    let s = n.add(Node::text("signedCertificate", 0..0));
    if let Some(v) = t.version.and_then(der) {
        let ver = v.1.last().copied().unwrap_or(0);
        s.add(Node::field(
            "x509af.version",
            format!("version: v{} ({ver})", u32::from(ver) + 1),
            0..0,
            Value::UInt(u64::from(ver)),
        ));
    }
    let serial = t.serial?;
    s.add(Node::field(
        "x509af.serialNumber",
        format!("serialNumber: 0x{}", super::shown(serial)),
        0..0,
        Value::Bytes(Cow::Owned(serial.to_vec())),
    ));
    algorithm(s, "signature", t.signature?);
    name(s, "issuer", t.issuer?);
    validity(s, t.validity?);
    name(s, "subject", t.subject?);
    if let Some(spki) = t.spki {
        public_key(s, spki);
    }
    if let Some(exts) = t.extensions {
        extensions(s, exts);
    }
    algorithm(n, "algorithmIdentifier", t.alg?);
    let sig = t.sig?;
    let (&pad, bits) = sig.split_first()?;
    n.add(Node::field(
        "x509af.padding",
        format!("Padding: {pad}"),
        0..0,
        Value::UInt(u64::from(pad)),
    ));
    n.add(Node::field(
        "x509af.encrypted",
        format!("encrypted: {}", super::shown(bits)),
        0..0,
        Value::Bytes(Cow::Owned(bits.to_vec())),
    ));
    Some(())
}

/// `{label} (name)` with its `Algorithm Id` line.
fn algorithm(to: &mut Node, label: &str, alg: &[u8]) {
    let Some((0x06, o)) = elements(alg).next() else {
        return;
    };
    let dotted = oid(o);
    let name = oid_name(&dotted).unwrap_or(&dotted).to_string();
    let a = to.add(Node::text(format!("{label} ({name})"), 0..0));
    a.add(Node::field(
        "x509af.algorithm.id",
        format!("Algorithm Id: {}", oid_text(&dotted)),
        0..0,
        Value::Str(Cow::Owned(dotted)),
    ));
}

/// A string element's ASN.1 type name and tshark's number for it in a
/// DirectoryString.
fn string_kind(tag: u8) -> (&'static str, Option<u8>) {
    match tag {
        0x0c => ("uTF8String", Some(4)),
        0x13 => ("printableString", Some(1)),
        0x14 => ("teletexString", Some(0)),
        0x1c => ("universalString", Some(2)),
        0x1e => ("bmpString", Some(3)),
        0x16 => ("IA5String", None),
        _ => ("Unknown", None),
    }
}

/// A Name (`issuer`, `subject`) as tshark draws it.
fn name(to: &mut Node, label: &str, name: &[u8]) {
    let summary = name_summary(name).unwrap_or_default();
    let n = to.add(Node::text(format!("{label}: rdnSequence (0)"), 0..0));
    let sets: Vec<&[u8]> = elements(name).map(|e| e.1).collect();
    let r = n.add(Node::text(
        super::appended(
            format!("rdnSequence: {} {}", sets.len(), plural(sets.len())),
            &format!(" ({summary})"),
        ),
        0..0,
    ));
    for set in sets {
        let atvs: Vec<&[u8]> = elements(set).map(|e| e.1).collect();
        let texts: Vec<String> = atvs
            .iter()
            .filter_map(|a| attribute(a).map(|x| x.0))
            .collect();
        let item = r.add(Node::text(
            super::appended(
                format!("RDNSequence item: {} {}", atvs.len(), plural(atvs.len())),
                &format!(" ({})", texts.join(",")),
            ),
            0..0,
        ));
        for atv in atvs {
            let Some((text, dotted, vt, v)) = attribute(atv) else {
                continue;
            };
            let a = item.add(Node::text(
                super::appended(
                    "RelativeDistinguishedName item".into(),
                    &format!(" ({text})"),
                ),
                0..0,
            ));
            a.add(Node::field(
                "x509if.id",
                format!("Object Id: {}", oid_text(&dotted)),
                0..0,
                Value::Str(Cow::Owned(dotted.clone())),
            ));
            let value = String::from_utf8_lossy(v).into_owned();
            let (kind, number) = string_kind(vt);
            match (dotted.as_str(), number) {
                ("2.5.4.6", _) => {
                    a.add(Node::field(
                        "x509sat.CountryName",
                        format!("CountryName: {value}"),
                        0..0,
                        Value::Str(Cow::Owned(value)),
                    ));
                }
                (_, Some(k)) => {
                    let d = a.add(Node::text(format!("DirectoryString: {kind} ({k})"), 0..0));
                    d.add(Node::field(
                        "x509sat.DirectoryString",
                        format!("{kind}: {value}"),
                        0..0,
                        Value::Str(Cow::Owned(value)),
                    ));
                }
                (_, None) => {
                    a.add(Node::text(format!("{kind}: {value}"), 0..0));
                }
            }
        }
    }
}

/// A UTCTime or GeneralizedTime as tshark prints it, with its ASN.1
/// choice and tshark's number for it.
fn time(tag: u8, v: &[u8]) -> (String, &'static str, u8) {
    let (kind, k, year_digits) = if tag == 0x18 {
        ("generalizedTime", 1, 4)
    } else {
        ("utcTime", 0, 2)
    };
    let text = time_text(v, year_digits).unwrap_or_else(|| String::from_utf8_lossy(v).into_owned());
    (text, kind, k)
}

/// `YYYY-MM-DD hh:mm:ss (UTC)` from a time's digits (`year_digits`: 2 for
/// a UTCTime, whose years 50 to 99 are 19xx).
fn time_text(v: &[u8], year_digits: usize) -> Option<String> {
    let digits = |from: usize, n: usize| -> Option<String> {
        let d = v.get(from..from + n)?;
        d.iter()
            .all(u8::is_ascii_digit)
            .then(|| String::from_utf8_lossy(d).into_owned())
    };
    let y = digits(0, year_digits)?;
    let year = if year_digits == 2 {
        let yy: u32 = y.parse().ok()?;
        (if yy < 50 { 2000 + yy } else { 1900 + yy }).to_string()
    } else {
        y
    };
    let at = year_digits;
    Some(format!(
        "{year}-{}-{} {}:{}:{} (UTC)",
        digits(at, 2)?,
        digits(at + 2, 2)?,
        digits(at + 4, 2)?,
        digits(at + 6, 2)?,
        digits(at + 8, 2).unwrap_or_else(|| "00".into())
    ))
}

fn validity(to: &mut Node, v: &[u8]) {
    let n = to.add(Node::text("validity", 0..0));
    for ((tag, t), label) in elements(v).zip(["notBefore", "notAfter"]) {
        let (text, kind, k) = time(tag, t);
        let e = n.add(Node::text(format!("{label}: {kind} ({k})"), 0..0));
        e.add(Node::field(
            if k == 0 {
                "x509af.utcTime"
            } else {
                "x509af.generalizedTime"
            },
            format!("{kind}: {text}"),
            0..0,
            Value::Str(Cow::Owned(text.clone())),
        ));
    }
}

fn public_key(to: &mut Node, spki: &[u8]) {
    let n = to.add(Node::text("subjectPublicKeyInfo", 0..0));
    let mut it = elements(spki);
    let Some((_, alg)) = it.next() else { return };
    algorithm(n, "algorithm", alg);
    let Some((0x03, key)) = it.next() else { return };
    let bits = key.get(1..).unwrap_or(&[]);
    let k = n.add(Node::field(
        "x509af.subjectPublicKey",
        format!("subjectPublicKey: {}", super::shown(bits)),
        0..0,
        Value::Bytes(Cow::Owned(bits.to_vec())),
    ));
    let rsa = elements(alg)
        .next()
        .is_some_and(|(_, o)| oid(o) == "1.2.840.113549.1.1.1");
    if let (true, Some((0x30, seq, _))) = (rsa, der(bits)) {
        let mut ints = elements(seq);
        if let (Some((0x02, m)), Some((0x02, e))) = (ints.next(), ints.next()) {
            k.add(Node::field(
                "pkcs1.modulus",
                format!("modulus: 0x{}", super::shown(m)),
                0..0,
                Value::Bytes(Cow::Owned(m.to_vec())),
            ));
            let exp = e.iter().take(8).fold(0u64, |v, &x| (v << 8) | u64::from(x));
            k.add(Node::field(
                "pkcs1.publicExponent",
                format!("publicExponent: {exp}"),
                0..0,
                Value::UInt(exp),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrap(tag: u8, b: &[u8]) -> Vec<u8> {
        let mut v = match b.len() {
            n @ 0..=127 => vec![tag, n as u8],
            n @ 128..=255 => vec![tag, 0x81, n as u8],
            n => vec![tag, 0x82, (n >> 8) as u8, n as u8],
        };
        v.extend_from_slice(b);
        v
    }

    fn rdn(oid: &[u8], tag: u8, v: &[u8]) -> Vec<u8> {
        let mut atv = wrap(0x06, oid);
        atv.extend(wrap(tag, v));
        wrap(0x31, &wrap(0x30, &atv))
    }

    /// A small certificate: version, serial, issuer = subject, validity,
    /// a key usage extension.
    fn cert() -> Vec<u8> {
        let alg = wrap(
            0x30,
            &wrap(0x06, &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 11]),
        );
        let mut name = rdn(&[0x55, 4, 6], 0x13, b"GB");
        name.extend(rdn(&[0x55, 4, 3], 0x0c, b"www.wirelens.test"));
        let mut tbs = wrap(0xa0, &wrap(0x02, &[2]));
        tbs.extend(wrap(0x02, &[1, 2]));
        tbs.extend(&alg);
        tbs.extend(wrap(0x30, &name));
        let mut val = wrap(0x17, b"261201093954Z");
        val.extend(wrap(0x17, b"261203093954Z"));
        tbs.extend(wrap(0x30, &val));
        tbs.extend(wrap(0x30, &name));
        tbs.extend(wrap(0x30, &[]));
        let mut ku = wrap(0x06, &[0x55, 29, 15]);
        ku.extend(wrap(0x01, &[0xff]));
        ku.extend(wrap(0x04, &wrap(0x03, &[5, 0xa0])));
        tbs.extend(wrap(0xa3, &wrap(0x30, &wrap(0x30, &ku))));
        let mut c = wrap(0x30, &tbs);
        c.extend(&alg);
        c.extend(wrap(0x03, &[0, 1, 2, 3]));
        wrap(0x30, &c)
    }

    fn texts(n: &Node, depth: usize, out: &mut Vec<String>) {
        out.push(format!("{}{}", "  ".repeat(depth), n.text));
        for c in &n.children {
            texts(c, depth + 1, out);
        }
    }

    #[test]
    fn a_certificate_as_tshark_draws_it() {
        let c = cert();
        assert_eq!(
            subject(&c).as_deref(),
            Some("id-at-commonName=www.wirelens.test,id-at-countryName=GB")
        );
        let mut n = Node::text("Certificate", 0..0);
        tree(&mut n, &c).expect("whole");
        let mut t = Vec::new();
        texts(&n, 0, &mut t);
        for line in [
            "    version: v3 (2)",
            "    serialNumber: 0x0102",
            "      Algorithm Id: 1.2.840.113549.1.1.11 (sha256WithRSAEncryption)",
            "      rdnSequence: 2 items (id-at-commonName=www.wirelens.test,id-at-countryName=GB)",
            "            CountryName: GB",
            "            DirectoryString: uTF8String (4)",
            "        utcTime: 2026-12-01 09:39:54 (UTC)",
            "        critical: True",
            "        Padding: 5",
            "          ..1. .... = keyEncipherment: True",
            "  Padding: 0",
            "  encrypted: 010203",
        ] {
            assert!(t.iter().any(|l| l == line), "{line}\n{}", t.join("\n"));
        }
        let mut p = Vec::new();
        protocols(&c, &mut p);
        assert_eq!(p, ["x509sat", "x509sat", "x509sat", "x509sat", "x509ce"]);
        for cut in 0..c.len() {
            let mut n = Node::text("", 0..0);
            let _ = tree(&mut n, &c[..cut]);
            let _ = subject(&c[..cut]);
            protocols(&c[..cut], &mut p);
        }
    }
}
