//! The contents of the hello extensions tshark 4.0 opens: server_name,
//! supported_groups, ec_point_formats, signature_algorithms, heartbeat,
//! ALPN, padding, supported_versions, session_ticket,
//! psk_key_exchange_modes, key_share, renegotiation_info and (in
//! `params.rs`) QUIC's quic_transport_parameters.

use super::{Cur, Node};
use crate::fields::Value;
use std::borrow::Cow;
use std::ops::Range;

/// The contents of extension `t` (its data under the cursor `d`) under
/// its node `e`; other extensions show their type and length only.
pub(super) fn contents(e: &mut Node, t: u16, d: &mut Cur<'_>, client: bool) -> Option<()> {
    match t {
        0 => server_name(e, d),
        10 => d.list16(
            e,
            (
                "tls.handshake.extensions_supported_groups_length",
                "Supported Groups List Length",
            ),
            ("Supported Groups", "group"),
            |v, r| {
                Node::field(
                    "tls.handshake.extensions_supported_group",
                    format!("Supported Group: {} (0x{v:04x})", group_name(v)),
                    r,
                    Value::Hex(u64::from(v), 4),
                )
            },
        ),
        13 => d.list16(
            e,
            (
                "tls.handshake.sig_hash_alg_len",
                "Signature Hash Algorithms Length",
            ),
            ("Signature Hash Algorithms", "algorithm"),
            signature_algorithm,
        ),
        11 => point_formats(e, d),
        15 => {
            let (m, r) = d.num(1)?;
            let mode = match m {
                1 => "Peer allowed to send requests",
                2 => "Peer not allowed to send requests",
                _ => "Unknown",
            };
            e.add(Node::field(
                "tls.handshake.extension.heartbeat.mode",
                format!("Mode: {mode} ({m})"),
                r,
                Value::UInt(m),
            ));
            Some(())
        }
        16 => alpn(e, d),
        21 => {
            let (p, r) = d.take(d.rest().len())?;
            e.add(Node::field(
                "tls.handshake.extensions_padding_data",
                format!("Padding Data: {}", shown(p)),
                r,
                Value::Bytes(Cow::Owned(p.to_vec())),
            ));
            Some(())
        }
        35 => {
            let (t, r) = d.take(d.rest().len())?;
            if t.is_empty() {
                e.add(Node::text("Data (0 bytes)", r));
            } else {
                e.add(Node::field(
                    "tls.handshake.extensions.session_ticket",
                    format!("Session Ticket: {}", shown(t)),
                    r,
                    Value::Bytes(Cow::Owned(t.to_vec())),
                ));
            }
            Some(())
        }
        43 => versions(e, d, client),
        45 => psk_modes(e, d),
        51 => key_share(e, d, client),
        57 => super::params::parameters(e, d),
        65281 => {
            let r = e.add(Node::text("Renegotiation Info extension", d.rest()));
            d.uint(
                r,
                1,
                "tls.handshake.extensions_reneg_info_len",
                "Renegotiation info extension length",
            )?;
            Some(())
        }
        _ => None,
    }
}

fn shown(b: &[u8]) -> String {
    super::super::super::quic::shown(b)
}

fn point_formats(e: &mut Node, d: &mut Cur<'_>) -> Option<()> {
    let n = d.uint(
        e,
        1,
        "tls.handshake.extensions_ec_point_formats_length",
        "EC point formats Length",
    )?;
    let (list, r) = d.take(usize::try_from(n).ok()?)?;
    let l = e.add(Node::text(
        format!("Elliptic curves point formats ({})", list.len()),
        r.clone(),
    ));
    for (i, &f) in list.iter().enumerate() {
        let name = match f {
            0 => "uncompressed",
            1 => "ansiX962_compressed_prime",
            2 => "ansiX962_compressed_char2",
            _ => "Unknown",
        };
        l.add(Node::field(
            "tls.handshake.extensions_ec_point_format",
            format!("EC point format: {name} ({f})"),
            r.start + i..r.start + i + 1,
            Value::UInt(u64::from(f)),
        ));
    }
    Some(())
}

fn server_name(e: &mut Node, d: &mut Cur<'_>) -> Option<()> {
    let s = e.add(Node::text("Server Name Indication extension", d.rest()));
    d.uint(
        s,
        2,
        "tls.handshake.extensions_server_name_list_len",
        "Server Name list length",
    )?;
    while d.more() {
        let (t, r) = d.num(1)?;
        let kind = if t == 0 { "host_name" } else { "Unknown" };
        s.add(Node::field(
            "tls.handshake.extensions_server_name_type",
            format!("Server Name Type: {kind} ({t})"),
            r,
            Value::UInt(t),
        ));
        let n = d.uint(
            s,
            2,
            "tls.handshake.extensions_server_name_len",
            "Server Name length",
        )?;
        let (name, r) = d.take(n as usize)?;
        let name = String::from_utf8_lossy(name).into_owned();
        s.add(Node::field(
            "tls.handshake.extensions_server_name",
            format!("Server Name: {name}"),
            r,
            Value::Str(Cow::Owned(name)),
        ));
    }
    Some(())
}

fn alpn(e: &mut Node, d: &mut Cur<'_>) -> Option<()> {
    d.uint(
        e,
        2,
        "tls.handshake.extensions_alpn_len",
        "ALPN Extension Length",
    )?;
    let p = e.add(Node::text("ALPN Protocol", d.rest()));
    while d.more() {
        let n = d.uint(
            p,
            1,
            "tls.handshake.extensions_alpn_str_len",
            "ALPN string length",
        )?;
        let (s, r) = d.take(n as usize)?;
        let s = String::from_utf8_lossy(s).into_owned();
        p.add(Node::field(
            "tls.handshake.extensions_alpn_str",
            format!("ALPN Next Protocol: {s}"),
            r,
            Value::Str(Cow::Owned(s)),
        ));
    }
    Some(())
}

fn versions(e: &mut Node, d: &mut Cur<'_>, client: bool) -> Option<()> {
    if client {
        d.uint(
            e,
            1,
            "tls.handshake.extensions.supported_versions_len",
            "Supported Versions length",
        )?;
    }
    while d.more() {
        let (v, r) = d.num(2)?;
        e.add(Node::field(
            "tls.handshake.extensions.supported_version",
            format!("Supported Version: {}", super::version_text(v as u16)),
            r,
            Value::Hex(v, 4),
        ));
    }
    Some(())
}

/// tshark's name of a supported group (named curve).
pub(in crate::fields::dissect) fn group_name(g: u16) -> &'static str {
    const SECT: [&str; 22] = [
        "sect163k1",
        "sect163r1",
        "sect163r2",
        "sect193r1",
        "sect193r2",
        "sect233k1",
        "sect233r1",
        "sect239k1",
        "sect283k1",
        "sect283r1",
        "sect409k1",
        "sect409r1",
        "sect571k1",
        "sect571r1",
        "secp160k1",
        "secp160r1",
        "secp160r2",
        "secp192k1",
        "secp192r1",
        "secp224k1",
        "secp224r1",
        "secp256k1",
    ];
    match g {
        1..=22 => SECT[usize::from(g) - 1],
        23 => "secp256r1",
        24 => "secp384r1",
        25 => "secp521r1",
        26 => "brainpoolP256r1",
        27 => "brainpoolP384r1",
        28 => "brainpoolP512r1",
        29 => "x25519",
        30 => "x448",
        256 => "ffdhe2048",
        257 => "ffdhe3072",
        258 => "ffdhe4096",
        259 => "ffdhe6144",
        260 => "ffdhe8192",
        _ => "Unknown",
    }
}

/// tshark's words for the hash and signature bytes of a signature scheme.
fn hash_name(h: u8) -> &'static str {
    [
        "None", "MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512", "SM3",
    ]
    .get(usize::from(h))
    .unwrap_or(&"Unknown")
}

fn signature_name(s: u8) -> &'static str {
    ["Anonymous", "RSA", "DSA", "ECDSA", "SM2"]
        .get(usize::from(s))
        .unwrap_or(&"Unknown")
}

/// A signature scheme's name (RFC 8446, 4.2.3), or tshark's
/// `{hash} {signature}` for the others.
fn scheme_name(v: u16) -> Cow<'static, str> {
    let name = match v {
        0x0201 => "rsa_pkcs1_sha1",
        0x0203 => "ecdsa_sha1",
        0x0401 => "rsa_pkcs1_sha256",
        0x0403 => "ecdsa_secp256r1_sha256",
        0x0501 => "rsa_pkcs1_sha384",
        0x0503 => "ecdsa_secp384r1_sha384",
        0x0601 => "rsa_pkcs1_sha512",
        0x0603 => "ecdsa_secp521r1_sha512",
        0x0708 => "sm2sig_sm3",
        0x0804 => "rsa_pss_rsae_sha256",
        0x0805 => "rsa_pss_rsae_sha384",
        0x0806 => "rsa_pss_rsae_sha512",
        0x0807 => "ed25519",
        0x0808 => "ed448",
        0x0809 => "rsa_pss_pss_sha256",
        0x080a => "rsa_pss_pss_sha384",
        0x080b => "rsa_pss_pss_sha512",
        _ => {
            let [h, s] = v.to_be_bytes();
            return Cow::Owned(format!("{} {}", hash_name(h), signature_name(s)));
        }
    };
    Cow::Borrowed(name)
}

pub(in crate::fields::dissect) fn signature_algorithm(v: u16, r: Range<usize>) -> Node {
    let [h, s] = v.to_be_bytes();
    let mut n = Node::field(
        "tls.handshake.sig_hash_alg",
        format!("Signature Algorithm: {} (0x{v:04x})", scheme_name(v)),
        r.clone(),
        Value::Hex(u64::from(v), 4),
    );
    n.add(Node::field(
        "tls.handshake.sig_hash_hash",
        format!("Signature Hash Algorithm Hash: {} ({h})", hash_name(h)),
        r.start..r.start + 1,
        Value::UInt(u64::from(h)),
    ));
    n.add(Node::field(
        "tls.handshake.sig_hash_sig",
        format!(
            "Signature Hash Algorithm Signature: {} ({s})",
            signature_name(s)
        ),
        r.start + 1..r.end,
        Value::UInt(u64::from(s)),
    ));
    n
}

fn psk_modes(e: &mut Node, d: &mut Cur<'_>) -> Option<()> {
    let n = d.uint(
        e,
        1,
        "tls.extension.psk_ke_modes_length",
        "PSK Key Exchange Modes Length",
    )?;
    let (list, r) = d.take(n as usize)?;
    for (i, &m) in list.iter().enumerate() {
        let name = match m {
            0 => "PSK-only key establishment (psk_ke)",
            1 => "PSK with (EC)DHE key establishment (psk_dhe_ke)",
            _ => "Unknown",
        };
        e.add(Node::field(
            "tls.extension.psk_ke_mode",
            format!("PSK Key Exchange Mode: {name} ({m})"),
            r.start + i..r.start + i + 1,
            Value::UInt(u64::from(m)),
        ));
    }
    Some(())
}

fn key_share(e: &mut Node, d: &mut Cur<'_>, client: bool) -> Option<()> {
    let k = e.add(Node::text("Key Share extension", d.rest()));
    if client {
        d.uint(
            k,
            2,
            "tls.handshake.extensions_key_share_client_length",
            "Client Key Share Length",
        )?;
    }
    while d.more() {
        let (g, gr) = d.num(2)?;
        let (n, nr) = d.num(2)?;
        let (key, kr) = d.take(n as usize)?;
        let name = group_name(g as u16);
        // tshark's title gives an unknown group's number.
        let title = match name {
            "Unknown" => format!("Unknown ({g})"),
            _ => name.to_string(),
        };
        let entry = k.add(Node::text(
            format!("Key Share Entry: Group: {title}, Key Exchange length: {n}"),
            gr.start..kr.end,
        ));
        entry.add(Node::field(
            "tls.handshake.extensions_key_share_group",
            format!("Group: {name} ({g})"),
            gr,
            Value::UInt(g),
        ));
        entry.add(Node::field(
            "tls.handshake.extensions_key_share_key_exchange_length",
            format!("Key Exchange Length: {n}"),
            nr,
            Value::UInt(n),
        ));
        entry.add(Node::field(
            "tls.handshake.extensions_key_share_key_exchange",
            format!("Key Exchange: {}", shown(key)),
            kr,
            Value::Bytes(Cow::Owned(key.to_vec())),
        ));
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_names_as_tshark_words_them() {
        assert_eq!(scheme_name(0x0403), "ecdsa_secp256r1_sha256");
        assert_eq!(scheme_name(0x0402), "SHA256 DSA");
        assert_eq!(scheme_name(0x0a0a), "Unknown Unknown");
        assert_eq!(scheme_name(0x0704), "SM3 SM2");
        let n = signature_algorithm(0x0804, 0..2);
        assert_eq!(
            n.children[0].text,
            "Signature Hash Algorithm Hash: Unknown (8)"
        );
        assert_eq!(
            n.children[1].text,
            "Signature Hash Algorithm Signature: SM2 (4)"
        );
    }
}
