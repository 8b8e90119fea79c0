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
                let client = m.msg_type == handshake::CLIENT_HELLO;
                let body = data.get(pos - at + 4..pos - at + len).unwrap_or(&[]);
                let _ = super::hello::lines(h, body, pos + 4, client);
                ja3(h, hello, client);
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

/// The JA3 (Client Hello) or JA3S (Server Hello) lines that end a hello.
fn ja3(h: &mut Node, hello: &Hello, client: bool) {
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
