//! A TLS 1.2 Certificate message as tshark 4.0 draws it: the list's
//! length, then each certificate's length and bytes, titled with its
//! subject as tshark's X.509 dissector names it (`id-at-commonName=...`,
//! the relative distinguished names last first), and the certificate
//! itself (`x509.rs`).

use super::super::Node;
use super::x509;
use crate::fields::Value;
use std::borrow::Cow;

/// Most certificates of one message drawn; past it the list says so.
pub const MAX_CERTIFICATES: usize = 64;

/// A 24-bit length at `at`.
fn u24(b: &[u8], at: usize) -> Option<usize> {
    let x = b.get(at..at + 3)?;
    Some(usize::from(x[0]) << 16 | usize::from(x[1]) << 8 | usize::from(x[2]))
}

/// The Certificate message's lines (`body` at packet offset `at`) under
/// its node `h`.
pub fn certificates(h: &mut Node, body: &[u8], at: usize) -> Option<()> {
    let total = u24(body, 0)?;
    let rest = &body[3..];
    h.add(Node::field(
        "tls.handshake.certificates_length",
        format!("Certificates Length: {total}"),
        at..at + 3,
        Value::UInt(total as u64),
    ));
    let list = rest.get(..total)?;
    let l = h.add(Node::field(
        "tls.handshake.certificates",
        format!("Certificates ({total} bytes)"),
        at + 3..at + 3 + total,
        Value::Present,
    ));
    let mut pos = 0;
    let mut shown = 0;
    while pos + 3 <= list.len() {
        if shown == MAX_CERTIFICATES {
            l.add(Node::text(
                format!(
                    "[More than {MAX_CERTIFICATES} certificates: the rest are not shown (dissect::tls::cert::MAX_CERTIFICATES)]"
                ),
                0..0,
            ));
            break;
        }
        let n = u24(list, pos)?;
        let from = at + 3 + pos;
        l.add(Node::field(
            "tls.handshake.certificate_length",
            format!("Certificate Length: {n}"),
            from..from + 3,
            Value::UInt(n as u64),
        ));
        let cert = list.get(pos + 3..pos + 3 + n)?;
        let mut text = format!("Certificate: {}", super::shown(cert));
        if let Some(s) = x509::subject(cert).filter(|s| !s.is_empty()) {
            text = super::appended(text, &format!(" ({s})"));
        }
        let c = l.add(Node::field(
            "tls.handshake.certificate",
            text,
            from + 3..from + 3 + n,
            Value::Bytes(Cow::Owned(cert.to_vec())),
        ));
        let _ = x509::tree(c, cert);
        pos += 3 + n;
        shown += 1;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A certificate of empty parts.
    fn cert(subject_name: &[u8]) -> Vec<u8> {
        let wrap = |tag: u8, b: &[u8]| {
            let mut v = vec![tag, b.len() as u8];
            v.extend_from_slice(b);
            v
        };
        let mut tbs = wrap(0x02, &[1]);
        tbs.extend(wrap(0x30, &[]));
        tbs.extend(wrap(0x30, &[]));
        tbs.extend(wrap(0x30, &[]));
        tbs.extend(wrap(0x30, subject_name));
        wrap(0x30, &wrap(0x30, &tbs))
    }

    #[test]
    fn the_list_and_its_lengths() {
        let c = cert(&[]);
        let mut body = vec![0, 0, (c.len() + 3) as u8, 0, 0, c.len() as u8];
        body.extend(&c);
        let mut h = Node::text("", 0..0);
        certificates(&mut h, &body, 10).expect("whole");
        assert_eq!(
            h.children[0].text,
            format!("Certificates Length: {}", c.len() + 3)
        );
        let l = &h.children[1];
        assert_eq!(
            l.children[0].text,
            format!("Certificate Length: {}", c.len())
        );
        assert_eq!(l.children[1].bytes, 16..16 + c.len());
        for cut in 0..body.len() {
            let mut h = Node::text("", 0..0);
            let _ = certificates(&mut h, &body[..cut], 0);
        }
    }
}
