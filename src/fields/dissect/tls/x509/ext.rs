//! The extensions of an X.509 certificate as tshark 4.0's `x509ce`
//! dissector draws them: each extension's id, criticality and, for those
//! tshark opens, its value (key identifiers, key usage bits, basic
//! constraints, extended key usage, alternative names, policies).

use super::*;

pub(super) fn extensions(to: &mut Node, exts: &[u8]) {
    let list: Vec<&[u8]> = elements(exts).map(|e| e.1).collect();
    let n = to.add(Node::text(
        format!("extensions: {} {}", list.len(), plural(list.len())),
        0..0,
    ));
    for ext in list {
        let mut it = elements(ext).peekable();
        let Some((0x06, o)) = it.next() else { continue };
        let dotted = oid(o);
        let name = oid_name(&dotted).unwrap_or(&dotted).to_string();
        let e = n.add(Node::text(format!("Extension ({name})"), 0..0));
        e.add(Node::field(
            "x509af.extension.id",
            format!("Extension Id: {}", oid_text(&dotted)),
            0..0,
            Value::Str(Cow::Owned(dotted.clone())),
        ));
        if let Some((0x01, c)) = it.peek().copied() {
            it.next();
            let on = c.first().is_some_and(|&b| b != 0);
            e.add(Node::field(
                "x509af.critical",
                format!("critical: {}", if on { "True" } else { "False" }),
                0..0,
                Value::Bool(on),
            ));
        }
        let Some((0x04, value)) = it.next() else {
            continue;
        };
        let _ = extension(e, &dotted, value);
    }
}

/// The contents of the extensions tshark opens that wirelens reads.
fn extension(e: &mut Node, dotted: &str, value: &[u8]) -> Option<()> {
    let (tag, v, _) = der(value)?;
    match dotted {
        "2.5.29.14" if tag == 0x04 => {
            e.add(Node::field(
                "x509ce.SubjectKeyIdentifier",
                format!("SubjectKeyIdentifier: {}", hex(v)),
                0..0,
                Value::Bytes(Cow::Owned(v.to_vec())),
            ));
        }
        "2.5.29.35" => {
            let a = e.add(Node::text("AuthorityKeyIdentifier", 0..0));
            for (t, x) in elements(v) {
                match t {
                    0x80 => {
                        a.add(Node::field(
                            "x509ce.keyIdentifier",
                            format!("keyIdentifier: {}", hex(x)),
                            0..0,
                            Value::Bytes(Cow::Owned(x.to_vec())),
                        ));
                    }
                    0xa1 => {
                        let names: Vec<(u8, &[u8])> = elements(x).collect();
                        let g = a.add(Node::text(
                            format!(
                                "authorityCertIssuer: {} {}",
                                names.len(),
                                plural(names.len())
                            ),
                            0..0,
                        ));
                        for (t, n) in names {
                            general_name(g, t, n);
                        }
                    }
                    0x82 => {
                        a.add(Node::field(
                            "x509ce.authorityCertSerialNumber",
                            format!("authorityCertSerialNumber: 0x{}", hex(x)),
                            0..0,
                            Value::Bytes(Cow::Owned(x.to_vec())),
                        ));
                    }
                    _ => {}
                }
            }
        }
        "2.5.29.15" if tag == 0x03 => key_usage(e, v),
        "2.5.29.19" => {
            let title = if v.is_empty() {
                "BasicConstraintsSyntax [0 length]"
            } else {
                "BasicConstraintsSyntax"
            };
            let b = e.add(Node::text(title, 0..0));
            for (t, x) in elements(v) {
                match t {
                    0x01 => {
                        let on = x.first().is_some_and(|&b| b != 0);
                        b.add(Node::field(
                            "x509ce.cA",
                            format!("cA: {}", if on { "True" } else { "False" }),
                            0..0,
                            Value::Bool(on),
                        ));
                    }
                    0x02 => {
                        let n = x.iter().take(8).fold(0u64, |v, &b| (v << 8) | u64::from(b));
                        b.add(Node::field(
                            "x509ce.pathLenConstraint",
                            format!("pathLenConstraint: {n}"),
                            0..0,
                            Value::UInt(n),
                        ));
                    }
                    _ => {}
                }
            }
        }
        "2.5.29.37" => {
            let ids: Vec<&[u8]> = elements(v).map(|e| e.1).collect();
            let k = e.add(Node::text(
                format!("KeyPurposeIDs: {} {}", ids.len(), plural(ids.len())),
                0..0,
            ));
            for id in ids {
                let d = oid(id);
                k.add(Node::field(
                    "x509ce.KeyPurposeId",
                    format!("KeyPurposeId: {}", oid_text(&d)),
                    0..0,
                    Value::Str(Cow::Owned(d)),
                ));
            }
        }
        "2.5.29.17" => {
            let names: Vec<(u8, &[u8])> = elements(v).collect();
            let g = e.add(Node::text(
                format!("GeneralNames: {} {}", names.len(), plural(names.len())),
                0..0,
            ));
            for (t, x) in names {
                general_name(g, t, x);
            }
        }
        "2.5.29.32" => policies(e, v),
        "2.5.29.31" => {
            let points: Vec<&[u8]> = elements(v).map(|e| e.1).collect();
            let c = e.add(Node::text(
                format!(
                    "CRLDistPointsSyntax: {} {}",
                    points.len(),
                    plural(points.len())
                ),
                0..0,
            ));
            for p in points {
                let d = c.add(Node::text("DistributionPoint", 0..0));
                for (t, x) in elements(p) {
                    // distributionPoint [0] holding fullName [0].
                    let Some((0xa0, full, _)) = der(x).filter(|_| t == 0xa0) else {
                        continue;
                    };
                    let names: Vec<(u8, &[u8])> = elements(full).collect();
                    let dp = d.add(Node::text("distributionPoint: fullName (0)", 0..0));
                    let f = dp.add(Node::text(
                        format!("fullName: {} {}", names.len(), plural(names.len())),
                        0..0,
                    ));
                    for (t, n) in names {
                        general_name(f, t, n);
                    }
                }
            }
        }
        "1.3.6.1.5.5.7.1.1" => {
            let list: Vec<&[u8]> = elements(v).map(|e| e.1).collect();
            let a = e.add(Node::text(
                format!(
                    "AuthorityInfoAccessSyntax: {} {}",
                    list.len(),
                    plural(list.len())
                ),
                0..0,
            ));
            for desc in list {
                let d = a.add(Node::text("AccessDescription", 0..0));
                let mut it = elements(desc);
                if let Some((0x06, o)) = it.next() {
                    let dotted = oid(o);
                    d.add(Node::field(
                        "x509ce.accessMethod",
                        format!("accessMethod: {}", oid_text(&dotted)),
                        0..0,
                        Value::Str(Cow::Owned(dotted)),
                    ));
                }
                if let Some((t, x)) = it.next() {
                    let l = d.add(Node::text(format!("accessLocation: {}", t & 0x1f), 0..0));
                    general_name_value(l, t, x);
                }
            }
        }
        _ => {}
    }
    Some(())
}

/// tshark's name of a GeneralName choice.
fn general_name_kind(tag: u8) -> &'static str {
    match tag & 0x1f {
        0 => "otherName",
        1 => "rfc822Name",
        2 => "dNSName",
        3 => "x400Address",
        4 => "directoryName",
        5 => "ediPartyName",
        6 => "uniformResourceIdentifier",
        7 => "iPAddress",
        8 => "registeredID",
        _ => "Unknown",
    }
}

/// A GeneralName: its `GeneralName: kind (n)` line and value.
fn general_name(to: &mut Node, tag: u8, v: &[u8]) {
    let kind = general_name_kind(tag);
    let g = to.add(Node::text(
        format!("GeneralName: {kind} ({})", tag & 0x1f),
        0..0,
    ));
    general_name_value(g, tag, v);
}

fn general_name_value(to: &mut Node, tag: u8, v: &[u8]) {
    let kind = general_name_kind(tag);
    match tag & 0x1f {
        4 => {
            if let Some((0x30, n, _)) = der(v) {
                name(to, "directoryName", n);
            }
        }
        1 | 2 | 6 => {
            let text = String::from_utf8_lossy(v).into_owned();
            to.add(Node::field(
                match tag & 0x1f {
                    1 => "x509ce.rfc822Name",
                    2 => "x509ce.dNSName",
                    _ => "x509ce.uniformResourceIdentifier",
                },
                format!("{kind}: {text}"),
                0..0,
                Value::Str(Cow::Owned(text)),
            ));
        }
        _ => {
            to.add(Node::text(format!("{kind}: {}", hex(v)), 0..0));
        }
    }
}

/// certificatePolicies: each policy's identifier and qualifiers.
fn policies(e: &mut Node, v: &[u8]) {
    let list: Vec<&[u8]> = elements(v).map(|e| e.1).collect();
    let c = e.add(Node::text(
        format!(
            "CertificatePoliciesSyntax: {} {}",
            list.len(),
            plural(list.len())
        ),
        0..0,
    ));
    for info in list {
        let p = c.add(Node::text("PolicyInformation", 0..0));
        let mut it = elements(info);
        if let Some((0x06, o)) = it.next() {
            let dotted = oid(o);
            p.add(Node::field(
                "x509ce.policyIdentifier",
                format!("policyIdentifier: {}", oid_text(&dotted)),
                0..0,
                Value::Str(Cow::Owned(dotted)),
            ));
        }
        let Some((0x30, quals)) = it.next() else {
            continue;
        };
        let quals: Vec<&[u8]> = elements(quals).map(|e| e.1).collect();
        let q = p.add(Node::text(
            format!("policyQualifiers: {} {}", quals.len(), plural(quals.len())),
            0..0,
        ));
        for qual in quals {
            let i = q.add(Node::text("PolicyQualifierInfo", 0..0));
            let mut it = elements(qual);
            let Some((0x06, o)) = it.next() else { continue };
            let dotted = oid(o);
            i.add(Node::field(
                "x509ce.policyQualifierId",
                format!("Id: {}", oid_text(&dotted)),
                0..0,
                Value::Str(Cow::Owned(dotted.clone())),
            ));
            if let (Some((_, x)), "1.3.6.1.5.5.7.2.1") = (it.next(), dotted.as_str()) {
                let text = String::from_utf8_lossy(x).into_owned();
                i.add(Node::field(
                    "pkix1explicit.DirectoryString",
                    format!("DirectoryString: {text}"),
                    0..0,
                    Value::Str(Cow::Owned(text)),
                ));
            }
        }
    }
}

fn key_usage(e: &mut Node, v: &[u8]) {
    let Some((&pad, bits)) = v.split_first() else {
        return;
    };
    e.add(Node::field(
        "x509ce.padding",
        format!("Padding: {pad}"),
        0..0,
        Value::UInt(u64::from(pad)),
    ));
    let k = e.add(Node::field(
        "x509ce.KeyUsage",
        format!("KeyUsage: {}", hex(bits)),
        0..0,
        Value::Bytes(Cow::Owned(bits.to_vec())),
    ));
    const NAMES: [&str; 9] = [
        "digitalSignature",
        "contentCommitment",
        "keyEncipherment",
        "dataEncipherment",
        "keyAgreement",
        "keyCertSign",
        "cRLSign",
        "encipherOnly",
        "decipherOnly",
    ];
    for (bit, name) in NAMES.iter().enumerate() {
        let byte = bits.get(bit / 8).copied().unwrap_or(0);
        let mask = 0x80u8 >> (bit % 8);
        let on = byte & mask != 0;
        let picture: String = (0..8)
            .map(|j| {
                if j == bit % 8 {
                    if on {
                        '1'
                    } else {
                        '0'
                    }
                } else {
                    '.'
                }
            })
            .collect();
        let picture = format!("{} {}", &picture[..4], &picture[4..]);
        k.add(Node::field(
            "x509ce.KeyUsage.bit",
            format!("{picture} = {name}: {}", if on { "True" } else { "False" }),
            0..0,
            Value::Bool(on),
        ));
    }
}
