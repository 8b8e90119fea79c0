//! The TLS handshake inside a decrypted Initial's CRYPTO frames, as tshark
//! 4.0 draws it under the frame: a `TLSv1.3 Record Layer` line (QUIC has
//! no records; tshark names the layer so), one `Handshake Protocol` per
//! message with its type and length, and a hello's fields (version,
//! random, cipher suites, SNI, ALPN, supported versions, JA3), so that
//! `tls.handshake.*` answers on QUIC Initials as on TLS over TCP. A
//! message cut over several chunks (`reassembly.rs` says which bytes TLS
//! gets when) is a `(fragment)` until the chunk that ends it, which shows
//! the `(last fragment)`, the fragments' list and the whole message.

use super::super::tls::handshake::{message, Session};
use super::super::Node;
use super::reassembly::Handed;
use crate::fields::Value;
use crate::tls::handshake;
use std::borrow::Cow;

fn s(v: String) -> Value<'static> {
    Value::Str(Cow::Owned(v))
}

/// The type of the message whose first bytes are `b` when tshark takes
/// them for the start of a message cut short (a known type, and a Hello
/// Request only with no body); otherwise tshark calls the bytes an
/// encrypted message.
fn fragment_type(b: &[u8]) -> Option<u8> {
    let t = *b.first()?;
    let named = handshake::type_name(t) != "Encrypted Handshake Message";
    let empty_body = b.get(1..4).is_none_or(|l| l == [0, 0, 0]);
    (named && (t != 0 || empty_body)).then_some(t)
}

/// The message bytes TLS holds after it is handed `data` (from frame
/// `frame`) while holding `held`: an unfinished message's bytes, or none.
pub fn still_held(held: &[(u32, Vec<u8>)], frame: u32, data: &[u8]) -> Vec<(u32, Vec<u8>)> {
    let mut buf: Vec<u8> = held.iter().flat_map(|h| h.1.iter().copied()).collect();
    buf.extend_from_slice(data);
    let messages = handshake::take_messages(&mut buf);
    if buf.is_empty() || fragment_type(&buf).is_none() {
        return Vec::new();
    }
    if messages.is_empty() {
        let mut v = held.to_vec();
        v.push((frame, data.to_vec()));
        return v;
    }
    // The first message ended in `data`, so what is left lies in it.
    vec![(frame, buf)]
}

/// Sets every range of `n` to nothing: bytes put together from several
/// frames lie in none of them.
fn unplaced(n: &mut Node) {
    n.bytes = 0..0;
    for c in &mut n.children {
        unplaced(c);
    }
}

/// The `tls` layer for the bytes `h` hands TLS, at packet offset `at`
/// (`None` when QUIC put them together from several frames), in frame
/// `frame`; `None` when there are no bytes.
pub fn tls(h: &Handed, at: Option<usize>, frame: u32) -> Option<Node> {
    if h.data.is_empty() {
        return None;
    }
    let data = &h.data;
    let base = at.unwrap_or(0);
    let mut record = Node::field("tls", "", base..base + data.len(), Value::Present);
    // (items shown, the title when there is one item)
    let mut items = 0;
    let mut only = String::new();
    let mut pos = 0;
    if !h.held.is_empty() {
        let mut whole: Vec<u8> = h.held.iter().flat_map(|x| x.1.iter().copied()).collect();
        let held_len = whole.len();
        whole.extend_from_slice(data);
        let t = whole.first().copied().unwrap_or(0);
        let name = handshake::type_name(t);
        let mut buf = whole.clone();
        let first = handshake::take_messages(&mut buf).into_iter().next();
        items += 1;
        match first {
            Some((m, len)) => {
                // A message that ends inside the held bytes takes none of
                // this frame's (held bytes are cut messages, so it should not).
                let tail = len.saturating_sub(held_len).min(data.len());
                record.add(Node::field(
                    "tls.handshake",
                    format!("Handshake Protocol: {name} (last fragment)"),
                    base..base + tail,
                    Value::Present,
                ));
                let mut parts: Vec<(u32, usize)> =
                    h.held.iter().map(|x| (x.0, x.1.len())).collect();
                parts.push((frame, tail));
                let mut from = 0;
                let parts: Vec<(u32, u64, usize)> = parts
                    .iter()
                    .map(|&(f, n)| {
                        from += n as u64;
                        (f, from - n as u64, n)
                    })
                    .collect();
                record.add(fragment_list(
                    &parts,
                    len,
                    ("Handshake Fragments", "tls.handshake.fragment"),
                    ("Handshake Fragment count", "tls.handshake.fragment.count"),
                ));
                let mut n = message(&m, &whole[..len], 0, &Session::QUIC);
                unplaced(&mut n);
                record.add(n);
                only = name.to_string();
                pos = tail;
            }
            None => {
                record.add(Node::field(
                    "tls.handshake",
                    format!("Handshake Protocol: {name} (fragment)"),
                    base..base + data.len(),
                    Value::Present,
                ));
                // tshark 4.0 titles a message's middle fragment so
                // (frame 8 of quic-crypto-split.pcap).
                only = "Multiple Handshake Messages".into();
                pos = data.len();
            }
        }
    }
    let rest = &data[pos..];
    let mut buf = rest.to_vec();
    let messages = handshake::take_messages(&mut buf);
    let whole = rest.len() - buf.len();
    let mut p = pos;
    for (m, len) in &messages {
        let mut n = message(m, &data[p..p + len], base + p, &Session::QUIC);
        if at.is_none() {
            unplaced(&mut n);
        }
        record.add(n);
        items += 1;
        only = m.name().to_string();
        p += len;
    }
    // Bytes that do not make a whole message: the start of one cut
    // short, or what tshark cannot tell from an encrypted message.
    if whole < rest.len() {
        let left = &rest[whole..];
        let r = base + pos + whole..base + data.len();
        let text = match fragment_type(left) {
            Some(t) => format!("{} (fragment)", handshake::type_name(t)),
            None => "Encrypted Handshake Message".into(),
        };
        record.add(Node::field(
            "tls.handshake",
            format!("Handshake Protocol: {text}"),
            if at.is_some() { r } else { 0..0 },
            Value::Present,
        ));
        items += 1;
        only = text;
    }
    let title = if items == 1 {
        only
    } else {
        "Multiple Handshake Messages".into()
    };
    record.text = format!("TLSv1.3 Record Layer: Handshake Protocol: {title}");
    record.value = Some(s(record.text.clone()));
    Some(record)
}

/// tshark's list of the fragments a whole was put together from, each
/// (frame, offset in the whole, length): `[N Reassembled {what} (L bytes):
/// #f(n), ...]`, a `[Frame: f, payload: a-b (n bytes)]` line per fragment
/// and the count (`count`: its label and field).
pub fn fragment_list(
    parts: &[(u32, u64, usize)],
    total: usize,
    (what, fragment): (&str, &'static str),
    (count_label, count): (&str, &'static str),
) -> Node {
    let list = parts
        .iter()
        .map(|(f, _, n)| format!("#{f}({n})"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut l = Node::text(
        format!(
            "[{} Reassembled {what} ({total} bytes): {list}]",
            parts.len()
        ),
        0..0,
    );
    for (f, off, n) in parts {
        l.add(Node::field(
            fragment,
            format!(
                "[Frame: {f}, payload: {off}-{} ({})]",
                (off + *n as u64).saturating_sub(1),
                super::super::bits::bytes(*n)
            ),
            0..0,
            Value::UInt(u64::from(*f)),
        ));
    }
    l.add(Node::field(
        count,
        format!("[{count_label}: {}]", parts.len()),
        0..0,
        Value::UInt(parts.len() as u64),
    ));
    l
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

    fn handed(data: &[u8]) -> Handed {
        Handed {
            data: data.to_vec(),
            held: Vec::new(),
        }
    }

    #[test]
    fn messages_as_tshark_names_them() {
        let t = tls(&handed(&[0u8; 20]), Some(0), 1).expect("layer");
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
        let t = tls(&handed(&bytes), Some(0), 1).expect("layer");
        assert_eq!(
            texts(&t),
            [
                "TLSv1.3 Record Layer: Handshake Protocol: Encrypted Handshake Message",
                "Handshake Protocol: Encrypted Handshake Message"
            ]
        );
        assert!(tls(&handed(&[]), Some(0), 1).is_none());
        for cut in 0..bytes.len() {
            let _ = tls(&handed(&bytes[..cut]), Some(0), 1);
            let _ = tls(&handed(&bytes[..cut]), None, 1);
        }
    }

    #[test]
    fn a_message_over_three_chunks() {
        // A Finished (20) of 6 body bytes, in chunks of 3, 4 and 3 bytes.
        let msg = [20u8, 0, 0, 6, 1, 2, 3, 4, 5, 6];
        let held = still_held(&[], 1, &msg[..3]);
        assert_eq!(held, [(1, msg[..3].to_vec())]);
        let first = tls(&handed(&msg[..3]), Some(0), 1).expect("layer");
        assert_eq!(
            texts(&first),
            [
                "TLSv1.3 Record Layer: Handshake Protocol: Finished (fragment)",
                "Handshake Protocol: Finished (fragment)"
            ]
        );
        let middle = Handed {
            data: msg[3..7].to_vec(),
            held: held.clone(),
        };
        assert_eq!(
            tls(&middle, Some(0), 2).expect("layer").text,
            "TLSv1.3 Record Layer: Handshake Protocol: Multiple Handshake Messages"
        );
        let held = still_held(&held, 2, &msg[3..7]);
        assert_eq!(held.len(), 2);
        let last = Handed {
            data: msg[7..].to_vec(),
            held: held.clone(),
        };
        assert!(still_held(&held, 3, &msg[7..]).is_empty());
        let t = tls(&last, None, 3).expect("layer");
        assert_eq!(
            texts(&t)[..8],
            [
                "TLSv1.3 Record Layer: Handshake Protocol: Finished",
                "Handshake Protocol: Finished (last fragment)",
                "[3 Reassembled Handshake Fragments (10 bytes): #1(3), #2(4), #3(3)]",
                "[Frame: 1, payload: 0-2 (3 bytes)]",
                "[Frame: 2, payload: 3-6 (4 bytes)]",
                "[Frame: 3, payload: 7-9 (3 bytes)]",
                "[Handshake Fragment count: 3]",
                "Handshake Protocol: Finished",
            ]
        );
    }
}
