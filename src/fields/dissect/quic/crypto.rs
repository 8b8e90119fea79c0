//! The TLS handshake inside a decrypted Initial's CRYPTO frame, as tshark
//! 4.0 draws it under the frame: a `TLSv1.3 Record Layer` line (QUIC has
//! no records; tshark names the layer so), one `Handshake Protocol` per
//! message with its type and length, and a hello's fields (version,
//! random, cipher suites, SNI, ALPN, supported versions, JA3), so that
//! `tls.handshake.*` answers on QUIC Initials as on TLS over TCP.

use super::super::Node;
use crate::fields::Value;
use crate::tls::handshake::{self, Hello};
use std::borrow::Cow;

fn s(v: String) -> Value<'static> {
    Value::Str(Cow::Owned(v))
}

/// The `tls` layer for the CRYPTO data `data`, at packet offset `at`, when
/// it holds any bytes.
pub fn tls(data: &[u8], at: usize) -> Option<Node> {
    if data.is_empty() {
        return None;
    }
    let mut buf = data.to_vec();
    let messages = handshake::take_messages(&mut buf);
    let whole = data.len() - buf.len();
    let mut record = Node::field("tls", "", at..at + data.len(), Value::Present);
    let mut pos = at;
    for (m, len) in &messages {
        let r = pos..pos + len;
        let name = m.name();
        let h = record.add(Node::field(
            "tls.handshake",
            format!("Handshake Protocol: {name}"),
            r.clone(),
            Value::Present,
        ));
        h.add(Node::field(
            "tls.handshake.type",
            format!("Handshake Type: {name} ({})", m.msg_type),
            pos..pos + 1,
            Value::UInt(u64::from(m.msg_type)),
        ));
        h.add(Node::field(
            "tls.handshake.length",
            format!("Length: {}", len - 4),
            pos + 1..pos + 4,
            Value::UInt((len - 4) as u64),
        ));
        if let Some(hello) = &m.hello {
            if matches!(
                m.msg_type,
                handshake::CLIENT_HELLO | handshake::SERVER_HELLO
            ) {
                hello_fields(h, hello, m.msg_type == handshake::CLIENT_HELLO, pos + 4);
            }
        }
        pos += len;
    }
    // Bytes that do not make a whole message: tshark cannot tell them from
    // an encrypted one.
    if whole < data.len() {
        record.add(Node::field(
            "tls.handshake",
            "Handshake Protocol: Encrypted Handshake Message",
            at + whole..at + data.len(),
            Value::Present,
        ));
    }
    let title = match (messages.as_slice(), whole < data.len()) {
        ([(m, _)], false) => m.name(),
        ([], true) => "Encrypted Handshake Message",
        _ => "Multiple Handshake Messages",
    };
    record.text = format!("TLSv1.3 Record Layer: Handshake Protocol: {title}");
    record.value = Some(s(record.text.clone()));
    Some(record)
}

/// tshark's name of a TLS version.
fn version_name(v: u16) -> String {
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

/// The fields of a hello that answer `-e` and `-Y` (body at `at`).
fn hello_fields(h: &mut Node, hello: &Hello, client: bool, at: usize) {
    h.add(Node::field(
        "tls.handshake.version",
        format!("Version: {}", version_name(hello.legacy_version)),
        at..at + 2,
        Value::Hex(u64::from(hello.legacy_version), 4),
    ));
    let random: String = hello.random.iter().map(|b| format!("{b:02x}")).collect();
    h.add(Node::field(
        "tls.handshake.random",
        format!("Random: {random}"),
        at + 2..at + 34,
        Value::Bytes(Cow::Owned(hello.random.to_vec())),
    ));
    for &c in &hello.cipher_suites {
        h.add(Node::field(
            "tls.handshake.ciphersuite",
            format!("Cipher Suite: 0x{c:04x}"),
            0..0,
            Value::Hex(u64::from(c), 4),
        ));
    }
    if let Some(name) = &hello.server_name {
        h.add(Node::field(
            "tls.handshake.extensions_server_name",
            format!("Server Name: {name}"),
            0..0,
            s(name.clone()),
        ));
    }
    for a in &hello.alpn {
        h.add(Node::field(
            "tls.handshake.extensions_alpn_str",
            format!("ALPN Next Protocol: {a}"),
            0..0,
            s(a.clone()),
        ));
    }
    for &v in &hello.supported_versions {
        h.add(Node::field(
            "tls.handshake.extensions.supported_version",
            format!("Supported Version: {}", version_name(v)),
            0..0,
            Value::Hex(u64::from(v), 4),
        ));
    }
    let (full, full_name, md5_name, label) = if client {
        (
            handshake::ja3_full(hello),
            "tls.handshake.ja3_full",
            "tls.handshake.ja3",
            "JA3",
        )
    } else {
        (
            handshake::ja3s_full(hello),
            "tls.handshake.ja3s_full",
            "tls.handshake.ja3s",
            "JA3S",
        )
    };
    let md5 = handshake::md5_hex(&full);
    h.add(Node::field(
        full_name,
        format!("[{label} Fullstring: {full}]"),
        0..0,
        s(full),
    ));
    h.add(Node::field(
        md5_name,
        format!("[{label}: {md5}]"),
        0..0,
        s(md5),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(n: &Node) -> Vec<String> {
        let mut out = vec![n.text.clone()];
        for c in &n.children {
            out.extend(texts(c));
        }
        out
    }

    #[test]
    fn messages_as_tshark_names_them() {
        let t = tls(&[0u8; 20], 0).expect("layer");
        assert_eq!(
            t.text,
            "TLSv1.3 Record Layer: Handshake Protocol: Multiple Handshake Messages"
        );
        assert_eq!(t.children.len(), 5);
        assert_eq!(
            texts(&t.children[0]),
            [
                "Handshake Protocol: Hello Request",
                "Handshake Type: Hello Request (0)",
                "Length: 0"
            ]
        );
        let bytes: Vec<u8> = (0..40).collect();
        let t = tls(&bytes, 0).expect("layer");
        assert_eq!(
            texts(&t),
            [
                "TLSv1.3 Record Layer: Handshake Protocol: Encrypted Handshake Message",
                "Handshake Protocol: Encrypted Handshake Message"
            ]
        );
        assert!(tls(&[], 0).is_none());
        for cut in 0..bytes.len() {
            let _ = tls(&bytes[..cut], 0);
        }
    }
}
