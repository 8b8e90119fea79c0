//! The contents of the hello extensions tshark 4.0 opens in a QUIC
//! Initial: server_name, supported_groups, signature_algorithms, ALPN,
//! supported_versions, psk_key_exchange_modes, key_share and (in
//! `params.rs`) quic_transport_parameters.

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
        16 => alpn(e, d),
        43 => versions(e, d, client),
        45 => psk_modes(e, d),
        51 => key_share(e, d, client),
        57 => super::params::parameters(e, d),
        _ => None,
    }
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

fn group_name(g: u16) -> &'static str {
    match g {
        23 => "secp256r1",
        24 => "secp384r1",
        25 => "secp521r1",
        29 => "x25519",
        30 => "x448",
        256 => "ffdhe2048",
        257 => "ffdhe3072",
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

fn signature_algorithm(v: u16, r: Range<usize>) -> Node {
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
            format!("Key Exchange: {}", super::super::shown(key)),
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
