//! One TLS handshake message as tshark 4.0 draws it, for TLS over TCP and
//! for QUIC's CRYPTO frames alike: `Handshake Protocol: NAME` with its type
//! and length, then what the message holds — a hello's fields and JA3 /
//! JA3S (`hello.rs`), a Certificate's list (`cert.rs`), the key exchange
//! parameters of a Server or Client Key Exchange, a New Session Ticket.

use super::super::Node;
use super::hello::ext::{group_name, signature_algorithm};
use super::{cert, hello};
use crate::fields::Value;
use crate::tls::handshake::{self, Hello, Message};
use std::borrow::Cow;
use std::ops::Range;

/// What a message's lines depend on beyond its bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Session {
    /// TLS 1.3 from the start (QUIC): no GMT time in the randoms.
    pub tls13: bool,
    /// The version the Server Hello chose, once seen.
    pub version: Option<u16>,
    /// The cipher suite the Server Hello chose, once seen.
    pub suite: Option<u16>,
}

impl Session {
    /// QUIC's handshake: TLS 1.3 throughout.
    pub const QUIC: Session = Session {
        tls13: true,
        version: Some(0x0304),
        suite: None,
    };
}

/// The key exchange of a cipher suite, as tshark reads the key exchange
/// messages by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kex {
    Ecdh,
    Dh,
    Rsa,
}

fn kex(suite: u16) -> Option<Kex> {
    let name = crate::tls::suites::display_name(suite)?;
    if name.starts_with("TLS_ECDHE_") || name.starts_with("TLS_ECDH_") {
        Some(Kex::Ecdh)
    } else if name.starts_with("TLS_DHE_") || name.starts_with("TLS_DH_") {
        Some(Kex::Dh)
    } else if name.starts_with("TLS_RSA_") {
        Some(Kex::Rsa)
    } else {
        None
    }
}

fn s(v: String) -> Value<'static> {
    Value::Str(Cow::Owned(v))
}

/// One whole message `bytes` (header included) at packet offset `pos`.
pub fn message(m: &Message, bytes: &[u8], pos: usize, session: &Session) -> Node {
    let len = bytes.len();
    let name = m.name();
    let mut h = Node::field(
        "tls.handshake",
        format!("Handshake Protocol: {name}"),
        pos..pos + len,
        Value::Present,
    );
    h.add(Node::field(
        "tls.handshake.type",
        format!("Handshake Type: {name} ({})", m.msg_type),
        pos..pos + 1,
        Value::UInt(u64::from(m.msg_type)),
    ));
    h.add(Node::field(
        "tls.handshake.length",
        format!("Length: {}", len.saturating_sub(4)),
        pos + 1..pos + 4,
        Value::UInt(len.saturating_sub(4) as u64),
    ));
    let body = bytes.get(4..).unwrap_or(&[]);
    let at = pos + 4;
    match (m.msg_type, &m.hello) {
        (handshake::CLIENT_HELLO | handshake::SERVER_HELLO, Some(hello)) => {
            let client = m.msg_type == handshake::CLIENT_HELLO;
            let gmt = !session.tls13 && (client || hello.chosen_version() != 0x0304);
            let _ = hello::lines(&mut h, body, at, client, gmt);
            ja3(&mut h, hello, client);
        }
        (handshake::NEW_SESSION_TICKET, _) if !session.tls13 => {
            let _ = session_ticket(&mut h, body, at);
        }
        (11, _) if !session.tls13 => {
            let _ = cert::certificates(&mut h, body, at);
        }
        (12, _) => {
            let _ = session
                .suite
                .and_then(kex)
                .and_then(|k| server_key_exchange(&mut h, body, at, k, session.version));
        }
        (16, _) => {
            let _ = session
                .suite
                .and_then(kex)
                .and_then(|k| client_key_exchange(&mut h, body, at, k));
        }
        _ => {}
    }
    h
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

/// A cursor over a message body at packet offset `at`.
struct Body<'a> {
    b: &'a [u8],
    pos: usize,
    at: usize,
}

impl<'a> Body<'a> {
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
    /// A length of `n` bytes (`{label}: {v}`), then that many bytes shown
    /// in hex (`{name}: ...`).
    fn vector(
        &mut self,
        to: &mut Node,
        n: usize,
        (len_abbrev, len_label): (&'static str, &str),
        (abbrev, name): (&'static str, &str),
    ) -> Option<()> {
        let (len, r) = self.num(n)?;
        to.add(Node::field(
            len_abbrev,
            format!("{len_label}: {len}"),
            r,
            Value::UInt(len),
        ));
        let (v, r) = self.take(usize::try_from(len).ok()?)?;
        to.add(Node::field(
            abbrev,
            format!("{name}: {}", super::shown(v)),
            r,
            Value::Bytes(Cow::Owned(v.to_vec())),
        ));
        Some(())
    }
}

/// The signature that ends a Server Key Exchange: its algorithm (TLS
/// 1.2), length and bytes.
fn signature(p: &mut Node, c: &mut Body<'_>, version: Option<u16>) -> Option<()> {
    if version.is_some_and(|v| v >= 0x0303) {
        let (alg, r) = c.num(2)?;
        p.add(signature_algorithm(alg as u16, r));
    }
    c.vector(
        p,
        2,
        ("tls.handshake.sig_len", "Signature Length"),
        ("tls.handshake.sig", "Signature"),
    )
}

fn server_key_exchange(
    h: &mut Node,
    body: &[u8],
    at: usize,
    kex: Kex,
    version: Option<u16>,
) -> Option<()> {
    let mut c = Body {
        b: body,
        pos: 0,
        at,
    };
    let r = at..at + body.len();
    match kex {
        Kex::Ecdh => {
            let p = h.add(Node::text("EC Diffie-Hellman Server Params", r));
            let (t, r) = c.num(1)?;
            let curve_type = if t == 3 { "named_curve" } else { "Unknown" };
            p.add(Node::field(
                "tls.handshake.server_curve_type",
                format!("Curve Type: {curve_type} (0x{t:02x})"),
                r,
                Value::UInt(t),
            ));
            let (g, r) = c.num(2)?;
            p.add(Node::field(
                "tls.handshake.server_named_curve",
                format!("Named Curve: {} (0x{g:04x})", group_name(g as u16)),
                r,
                Value::Hex(g, 4),
            ));
            c.vector(
                p,
                1,
                ("tls.handshake.server_point_len", "Pubkey Length"),
                ("tls.handshake.server_point", "Pubkey"),
            )?;
            signature(p, &mut c, version)
        }
        Kex::Dh => {
            let p = h.add(Node::text("Diffie-Hellman Server Params", r));
            for (l, n, name) in [
                ("tls.handshake.p_len", "tls.handshake.p", "p"),
                ("tls.handshake.g_len", "tls.handshake.g", "g"),
                ("tls.handshake.ys_len", "tls.handshake.ys", "Pubkey"),
            ] {
                c.vector(p, 2, (l, &format!("{name} Length")), (n, name))?;
            }
            signature(p, &mut c, version)
        }
        Kex::Rsa => None,
    }
}

fn client_key_exchange(h: &mut Node, body: &[u8], at: usize, kex: Kex) -> Option<()> {
    let mut c = Body {
        b: body,
        pos: 0,
        at,
    };
    let r = at..at + body.len();
    match kex {
        Kex::Ecdh => {
            let p = h.add(Node::text("EC Diffie-Hellman Client Params", r));
            c.vector(
                p,
                1,
                ("tls.handshake.client_point_len", "Pubkey Length"),
                ("tls.handshake.client_point", "Pubkey"),
            )
        }
        Kex::Dh => {
            let p = h.add(Node::text("Diffie-Hellman Client Params", r));
            c.vector(
                p,
                2,
                ("tls.handshake.yc_len", "Pubkey Length"),
                ("tls.handshake.yc", "Pubkey"),
            )
        }
        Kex::Rsa => {
            let p = h.add(Node::text("RSA Encrypted PreMaster Secret", r));
            c.vector(
                p,
                2,
                ("tls.handshake.epms_len", "Encrypted PreMaster length"),
                ("tls.handshake.epms", "Encrypted PreMaster"),
            )
        }
    }
}

/// tshark's words for a ticket lifetime: "7200 seconds (2 hours)".
fn lifetime_text(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut parts = Vec::new();
    let unit = |n: u64, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    if h > 0 {
        parts.push(unit(h, "hour"));
    }
    if m > 0 {
        parts.push(unit(m, "minute"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(unit(s, "second"));
    }
    format!("{secs} seconds ({})", parts.join(", "))
}

/// A TLS 1.2 New Session Ticket (RFC 5077): lifetime hint and ticket.
fn session_ticket(h: &mut Node, body: &[u8], at: usize) -> Option<()> {
    let mut c = Body {
        b: body,
        pos: 0,
        at,
    };
    let t = h.add(Node::text("TLS Session Ticket", at..at + body.len()));
    let (life, r) = c.num(4)?;
    t.add(Node::field(
        "tls.handshake.session_ticket_lifetime_hint",
        format!("Session Ticket Lifetime Hint: {}", lifetime_text(life)),
        r,
        Value::UInt(life),
    ));
    c.vector(
        t,
        2,
        (
            "tls.handshake.session_ticket_length",
            "Session Ticket Length",
        ),
        ("tls.handshake.session_ticket", "Session Ticket"),
    )
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
    fn key_exchanges_by_suite() {
        let m = Message {
            msg_type: 16,
            hello: None,
        };
        let mut bytes = vec![16, 0, 0, 3, 2, 0xab, 0xcd];
        let ecdhe = Session {
            tls13: false,
            version: Some(0x0303),
            suite: Some(0xc02f),
        };
        assert_eq!(
            texts(&message(&m, &bytes, 0, &ecdhe))[3..],
            [
                "EC Diffie-Hellman Client Params",
                "Pubkey Length: 2",
                "Pubkey: abcd"
            ]
        );
        bytes[4] = 0;
        bytes[5] = 1;
        let rsa = Session {
            suite: Some(0x002f),
            ..ecdhe
        };
        assert_eq!(
            texts(&message(&m, &bytes, 0, &rsa))[3..],
            [
                "RSA Encrypted PreMaster Secret",
                "Encrypted PreMaster length: 1",
                "Encrypted PreMaster: cd"
            ]
        );
        assert_eq!(lifetime_text(7200), "7200 seconds (2 hours)");
        assert_eq!(lifetime_text(0), "0 seconds (0 seconds)");
    }

    #[test]
    fn cut_messages_never_panic() {
        let ske = [
            12u8, 0, 0, 12, 3, 0, 29, 2, 1, 2, 8, 4, 0, 2, 9, 9, 0, 0, 0, 0,
        ];
        let s = Session {
            tls13: false,
            version: Some(0x0303),
            suite: Some(0xc02f),
        };
        for t in [4u8, 11, 12, 16] {
            for cut in 0..ske.len() {
                let mut b = ske[..cut].to_vec();
                if let Some(x) = b.first_mut() {
                    *x = t;
                }
                let m = Message {
                    msg_type: t,
                    hello: None,
                };
                let _ = message(&m, &b, 0, &s);
            }
        }
    }
}
