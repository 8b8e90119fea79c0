//! A Client Hello's or Server Hello's lines as tshark 4.0 draws them, read
//! from the message body: version, random, session ID, cipher suites,
//! compression, and each extension's type and length, with the contents
//! of server_name, ALPN and supported_versions (whose fields answer `-e`).

use super::super::Node;
use crate::fields::Value;
use std::borrow::Cow;
use std::ops::Range;

/// A cursor over the body; reads fail at its end.
struct Cur<'a> {
    b: &'a [u8],
    pos: usize,
    at: usize,
}

impl<'a> Cur<'a> {
    fn take(&mut self, n: usize) -> Option<(&'a [u8], Range<usize>)> {
        let s = self.b.get(self.pos..self.pos.checked_add(n)?)?;
        let r = self.at + self.pos..self.at + self.pos + n;
        self.pos += n;
        Some((s, r))
    }
    fn num(&mut self, n: usize) -> Option<(u64, Range<usize>)> {
        let (s, r) = self.take(n)?;
        Some((s.iter().fold(0u64, |v, &x| (v << 8) | u64::from(x)), r))
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// tshark's name of a TLS version, with its number.
pub fn version_text(v: u16) -> String {
    let name = match v {
        0x0300 => "SSL 3.0",
        0x0301 => "TLS 1.0",
        0x0302 => "TLS 1.1",
        0x0303 => "TLS 1.2",
        0x0304 => "TLS 1.3",
        _ => "Unknown",
    };
    format!("{name} (0x{v:04x})")
}

fn extension_name(t: u16) -> &'static str {
    match t {
        0 => "server_name",
        5 => "status_request",
        10 => "supported_groups",
        11 => "ec_point_formats",
        13 => "signature_algorithms",
        16 => "application_layer_protocol_negotiation",
        18 => "signed_certificate_timestamp",
        21 => "padding",
        22 => "encrypt_then_mac",
        23 => "extended_master_secret",
        27 => "compress_certificate",
        35 => "session_ticket",
        41 => "pre_shared_key",
        42 => "early_data",
        43 => "supported_versions",
        44 => "cookie",
        45 => "psk_key_exchange_modes",
        49 => "post_handshake_auth",
        50 => "signature_algorithms_cert",
        51 => "key_share",
        57 => "quic_transport_parameters",
        65281 => "renegotiation_info",
        _ => "Unknown",
    }
}

fn suite_text(c: u16) -> String {
    match crate::tls::suites::suite_name(c) {
        Some(n) => format!("{n} (0x{c:04x})"),
        None => format!("Unknown (0x{c:04x})"),
    }
}

fn field(abbrev: &'static str, text: String, r: Range<usize>, v: Value<'static>) -> Node {
    Node::field(abbrev, text, r, v)
}

fn text(s: String, r: Range<usize>) -> Node {
    Node::text(s, r)
}

/// The hello's lines under its `Handshake Protocol` node `h` (`body` at
/// packet offset `at`); stops quietly where the body ends.
pub fn lines(h: &mut Node, body: &[u8], at: usize, client: bool) -> Option<()> {
    let mut c = Cur {
        b: body,
        pos: 0,
        at,
    };
    let (v, r) = c.num(2)?;
    h.add(field(
        "tls.handshake.version",
        format!("Version: {}", version_text(v as u16)),
        r,
        Value::Hex(v, 4),
    ));
    let (random, r) = c.take(32)?;
    h.add(field(
        "tls.handshake.random",
        format!("Random: {}", hex(random)),
        r,
        Value::Bytes(Cow::Owned(random.to_vec())),
    ));
    let (sid_len, r) = c.num(1)?;
    h.add(field(
        "tls.handshake.session_id_length",
        format!("Session ID Length: {sid_len}"),
        r,
        Value::UInt(sid_len),
    ));
    let (sid, r) = c.take(sid_len as usize)?;
    if !sid.is_empty() {
        h.add(field(
            "tls.handshake.session_id",
            format!("Session ID: {}", hex(sid)),
            r,
            Value::Bytes(Cow::Owned(sid.to_vec())),
        ));
    }
    if client {
        let (n, r) = c.num(2)?;
        h.add(field(
            "tls.handshake.cipher_suites_length",
            format!("Cipher Suites Length: {n}"),
            r,
            Value::UInt(n),
        ));
        let (list, r) = c.take(n as usize)?;
        let k = list.len() / 2;
        let s = h.add(text(
            format!("Cipher Suites ({k} suite{})", plural(k)),
            r.clone(),
        ));
        for (i, p) in list.chunks_exact(2).enumerate() {
            let v = u16::from_be_bytes([p[0], p[1]]);
            let at = r.start + 2 * i;
            s.add(field(
                "tls.handshake.ciphersuite",
                format!("Cipher Suite: {}", suite_text(v)),
                at..at + 2,
                Value::Hex(u64::from(v), 4),
            ));
        }
        let (n, r) = c.num(1)?;
        h.add(field(
            "tls.handshake.comp_methods_length",
            format!("Compression Methods Length: {n}"),
            r,
            Value::UInt(n),
        ));
        let (list, r) = c.take(n as usize)?;
        let m = h.add(text(
            format!(
                "Compression Methods ({} method{})",
                list.len(),
                plural(list.len())
            ),
            r.clone(),
        ));
        for (i, &x) in list.iter().enumerate() {
            m.add(compression(x, r.start + i));
        }
    } else {
        let (v, r) = c.num(2)?;
        h.add(field(
            "tls.handshake.ciphersuite",
            format!("Cipher Suite: {}", suite_text(v as u16)),
            r,
            Value::Hex(v, 4),
        ));
        let (x, r) = c.num(1)?;
        h.add(compression(x as u8, r.start));
    }
    let (n, r) = c.num(2)?;
    h.add(field(
        "tls.handshake.extensions_length",
        format!("Extensions Length: {n}"),
        r,
        Value::UInt(n),
    ));
    while c.pos < body.len() {
        let (t, tr) = c.num(2)?;
        let (len, lr) = c.num(2)?;
        let (data, dr) = c.take(len as usize)?;
        let name = extension_name(t as u16);
        let e = h.add(text(
            format!("Extension: {name} (len={len})"),
            tr.start..dr.end,
        ));
        e.add(field(
            "tls.handshake.extension.type",
            format!("Type: {name} ({t})"),
            tr,
            Value::UInt(t),
        ));
        e.add(field(
            "tls.handshake.extension.len",
            format!("Length: {len}"),
            lr,
            Value::UInt(len),
        ));
        let mut d = Cur {
            b: data,
            pos: 0,
            at: dr.start,
        };
        let _ = match t {
            0 => server_name(e, &mut d),
            16 => alpn(e, &mut d),
            43 => versions(e, &mut d, client),
            10 => groups(e, &mut d),
            45 => psk_modes(e, &mut d),
            51 => key_share(e, &mut d, client),
            _ => None,
        };
    }
    Some(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn compression(x: u8, at: usize) -> Node {
    let name = if x == 0 { "null" } else { "Unknown" };
    field(
        "tls.handshake.comp_method",
        format!("Compression Method: {name} ({x})"),
        at..at + 1,
        Value::UInt(u64::from(x)),
    )
}

fn server_name(e: &mut Node, d: &mut Cur<'_>) -> Option<()> {
    let s = e.add(text(
        "Server Name Indication extension".into(),
        d.at..d.at + d.b.len(),
    ));
    let (n, r) = d.num(2)?;
    s.add(field(
        "tls.handshake.extensions_server_name_list_len",
        format!("Server Name list length: {n}"),
        r,
        Value::UInt(n),
    ));
    while d.pos < d.b.len() {
        let (t, r) = d.num(1)?;
        let kind = if t == 0 { "host_name" } else { "Unknown" };
        s.add(field(
            "tls.handshake.extensions_server_name_type",
            format!("Server Name Type: {kind} ({t})"),
            r,
            Value::UInt(t),
        ));
        let (n, r) = d.num(2)?;
        s.add(field(
            "tls.handshake.extensions_server_name_len",
            format!("Server Name length: {n}"),
            r,
            Value::UInt(n),
        ));
        let (name, r) = d.take(n as usize)?;
        let name = String::from_utf8_lossy(name).into_owned();
        s.add(field(
            "tls.handshake.extensions_server_name",
            format!("Server Name: {name}"),
            r,
            Value::Str(Cow::Owned(name)),
        ));
    }
    Some(())
}

fn alpn(e: &mut Node, d: &mut Cur<'_>) -> Option<()> {
    let (n, r) = d.num(2)?;
    e.add(field(
        "tls.handshake.extensions_alpn_len",
        format!("ALPN Extension Length: {n}"),
        r,
        Value::UInt(n),
    ));
    let p = e.add(text("ALPN Protocol".into(), d.at + d.pos..d.at + d.b.len()));
    while d.pos < d.b.len() {
        let (n, r) = d.num(1)?;
        p.add(field(
            "tls.handshake.extensions_alpn_str_len",
            format!("ALPN string length: {n}"),
            r,
            Value::UInt(n),
        ));
        let (s, r) = d.take(n as usize)?;
        let s = String::from_utf8_lossy(s).into_owned();
        p.add(field(
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
        let (n, r) = d.num(1)?;
        e.add(field(
            "tls.handshake.extensions.supported_versions_len",
            format!("Supported Versions length: {n}"),
            r,
            Value::UInt(n),
        ));
    }
    while d.pos < d.b.len() {
        let (v, r) = d.num(2)?;
        e.add(field(
            "tls.handshake.extensions.supported_version",
            format!("Supported Version: {}", version_text(v as u16)),
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

fn groups(e: &mut Node, d: &mut Cur<'_>) -> Option<()> {
    let (n, r) = d.num(2)?;
    e.add(field(
        "tls.handshake.extensions_supported_groups_length",
        format!("Supported Groups List Length: {n}"),
        r,
        Value::UInt(n),
    ));
    let (list, r) = d.take(n as usize)?;
    let k = list.len() / 2;
    let g = e.add(text(
        format!("Supported Groups ({k} group{})", plural(k)),
        r.clone(),
    ));
    for (i, p) in list.chunks_exact(2).enumerate() {
        let v = u16::from_be_bytes([p[0], p[1]]);
        let at = r.start + 2 * i;
        g.add(field(
            "tls.handshake.extensions_supported_group",
            format!("Supported Group: {} (0x{v:04x})", group_name(v)),
            at..at + 2,
            Value::Hex(u64::from(v), 4),
        ));
    }
    Some(())
}

fn psk_modes(e: &mut Node, d: &mut Cur<'_>) -> Option<()> {
    let (n, r) = d.num(1)?;
    e.add(field(
        "tls.extension.psk_ke_modes_length",
        format!("PSK Key Exchange Modes Length: {n}"),
        r,
        Value::UInt(n),
    ));
    let (list, r) = d.take(n as usize)?;
    for (i, &m) in list.iter().enumerate() {
        let name = match m {
            0 => "PSK-only key establishment (psk_ke)",
            1 => "PSK with (EC)DHE key establishment (psk_dhe_ke)",
            _ => "Unknown",
        };
        e.add(field(
            "tls.extension.psk_ke_mode",
            format!("PSK Key Exchange Mode: {name} ({m})"),
            r.start + i..r.start + i + 1,
            Value::UInt(u64::from(m)),
        ));
    }
    Some(())
}

fn key_share(e: &mut Node, d: &mut Cur<'_>, client: bool) -> Option<()> {
    let k = e.add(text("Key Share extension".into(), d.at..d.at + d.b.len()));
    if client {
        let (n, r) = d.num(2)?;
        k.add(field(
            "tls.handshake.extensions_key_share_client_length",
            format!("Client Key Share Length: {n}"),
            r,
            Value::UInt(n),
        ));
    }
    while d.pos < d.b.len() {
        let (g, gr) = d.num(2)?;
        let (n, nr) = d.num(2)?;
        let (key, kr) = d.take(n as usize)?;
        let name = group_name(g as u16);
        let entry = k.add(text(
            format!("Key Share Entry: Group: {name}, Key Exchange length: {n}"),
            gr.start..kr.end,
        ));
        entry.add(field(
            "tls.handshake.extensions_key_share_group",
            format!("Group: {name} ({g})"),
            gr,
            Value::UInt(g),
        ));
        entry.add(field(
            "tls.handshake.extensions_key_share_key_exchange_length",
            format!("Key Exchange Length: {n}"),
            nr,
            Value::UInt(n),
        ));
        entry.add(field(
            "tls.handshake.extensions_key_share_key_exchange",
            format!("Key Exchange: {}", hex(key)),
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
    fn cut_bodies_never_panic() {
        let mut body = vec![3, 3];
        body.extend([7u8; 32]);
        body.extend([
            0, 0, 2, 0x13, 1, 1, 0, 0, 9, 0, 0, 0, 5, 0, 3, 0, 0, 1, b'a',
        ]);
        for cut in 0..=body.len() {
            let mut h = Node::text("", 0..0);
            let _ = lines(&mut h, &body[..cut], 0, true);
            let _ = lines(&mut h, &body[..cut], 0, false);
        }
        let mut h = Node::text("", 0..0);
        lines(&mut h, &body, 0, true);
        assert_eq!(h.children[0].text, "Version: TLS 1.2 (0x0303)");
        assert!(h
            .children
            .iter()
            .any(|c| c.text == "Extension: server_name (len=5)"));
    }
}
