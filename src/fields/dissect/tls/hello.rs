//! A Client Hello's or Server Hello's lines as tshark 4.0 draws them, read
//! from the message body, for TLS over TCP and inside QUIC's CRYPTO frames
//! alike: version, random (with its GMT time before TLS 1.3), session ID,
//! cipher suites, compression, and each extension's type and length; the
//! contents of the extensions tshark opens come from `hello/ext.rs` (and
//! the QUIC transport parameters from `hello/params.rs`), whose fields
//! answer `-e`.

pub(super) mod ext;
mod params;

use super::super::Node;
use crate::fields::Value;
use std::borrow::Cow;
use std::ops::Range;

/// A cursor over a body at packet offset `at`; reads fail at its end.
struct Cur<'a> {
    b: &'a [u8],
    pos: usize,
    at: usize,
}

impl<'a> Cur<'a> {
    fn new(b: &'a [u8], at: usize) -> Self {
        Cur { b, pos: 0, at }
    }
    /// Whether bytes are left.
    fn more(&self) -> bool {
        self.pos < self.b.len()
    }
    /// The packet range of the bytes left.
    fn rest(&self) -> Range<usize> {
        self.at + self.pos..self.at + self.b.len()
    }
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
    /// A QUIC variable-length integer (RFC 9000, 16).
    fn varint(&mut self) -> Option<(u64, Range<usize>)> {
        let first = *self.b.get(self.pos)?;
        let (v, r) = self.num(1 << (first >> 6))?;
        let bits = 8 * (r.end - r.start) - 2;
        Some((v & ((1u64 << bits) - 1), r))
    }
    /// An `n`-byte number added under `to` as `{label}: {v}`.
    fn uint(&mut self, to: &mut Node, n: usize, abbrev: &'static str, label: &str) -> Option<u64> {
        let (v, r) = self.num(n)?;
        to.add(Node::field(
            abbrev,
            format!("{label}: {v}"),
            r,
            Value::UInt(v),
        ));
        Some(v)
    }
    /// A list of two-byte values behind a two-byte length: the length line
    /// (`len_abbrev`, `len_label`), then a `{title} ({k} {unit}s)` line
    /// holding one node per value, each made by `item`.
    fn list16(
        &mut self,
        to: &mut Node,
        (len_abbrev, len_label): (&'static str, &str),
        (title, unit): (&str, &str),
        item: impl Fn(u16, Range<usize>) -> Node,
    ) -> Option<()> {
        let n = self.uint(to, 2, len_abbrev, len_label)?;
        let (list, r) = self.take(usize::try_from(n).ok()?)?;
        let k = list.len() / 2;
        let l = to.add(Node::text(
            format!("{title} ({k} {unit}{})", plural(k)),
            r.clone(),
        ));
        for (i, p) in list.chunks_exact(2).enumerate() {
            let at = r.start + 2 * i;
            l.add(item(u16::from_be_bytes([p[0], p[1]]), at..at + 2));
        }
        Some(())
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A byte string's value; tshark prints an empty one as `<MISSING>`.
fn bytes_or_missing(b: &[u8]) -> (String, Value<'static>) {
    if b.is_empty() {
        let m = "<MISSING>";
        (m.into(), Value::Str(Cow::Borrowed(m)))
    } else {
        (hex(b), Value::Bytes(Cow::Owned(b.to_vec())))
    }
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
        15 => "heartbeat",
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
        t if crate::tls::handshake::grease(t) => "Reserved (GREASE)",
        _ => "Unknown",
    }
}

fn suite_text(c: u16) -> String {
    match crate::tls::suites::display_name(c) {
        Some(n) => format!("{n} (0x{c:04x})"),
        None => format!("Unknown (0x{c:04x})"),
    }
}

/// The hello's lines under its `Handshake Protocol` node `h` (`body` at
/// packet offset `at`); stops quietly where the body ends. `gmt`: the
/// random's first four bytes are shown as a time, as tshark does unless
/// the session is TLS 1.3 (QUIC, or a Server Hello choosing 1.3).
pub fn lines(h: &mut Node, body: &[u8], at: usize, client: bool, gmt: bool) -> Option<()> {
    let mut c = Cur::new(body, at);
    let (v, r) = c.num(2)?;
    h.add(Node::field(
        "tls.handshake.version",
        format!("Version: {}", version_text(v as u16)),
        r,
        Value::Hex(v, 4),
    ));
    let (random, r) = c.take(32)?;
    let rn = h.add(Node::field(
        "tls.handshake.random",
        format!("Random: {}", hex(random)),
        r.clone(),
        Value::Bytes(Cow::Owned(random.to_vec())),
    ));
    if gmt {
        let t = u32::from_be_bytes([random[0], random[1], random[2], random[3]]);
        let time = super::super::frame::time_text(i64::from(t) * 1_000_000_000);
        rn.add(Node::field(
            "tls.handshake.random_time",
            format!("GMT Unix Time: {time}"),
            r.start..r.start + 4,
            Value::Str(Cow::Owned(time)),
        ));
        rn.add(Node::field(
            "tls.handshake.random_bytes",
            format!("Random Bytes: {}", hex(&random[4..])),
            r.start + 4..r.end,
            Value::Bytes(Cow::Owned(random[4..].to_vec())),
        ));
    }
    let sid_len = c.uint(h, 1, "tls.handshake.session_id_length", "Session ID Length")?;
    let (sid, r) = c.take(sid_len as usize)?;
    if !sid.is_empty() {
        h.add(Node::field(
            "tls.handshake.session_id",
            format!("Session ID: {}", hex(sid)),
            r,
            Value::Bytes(Cow::Owned(sid.to_vec())),
        ));
    }
    if client {
        c.list16(
            h,
            ("tls.handshake.cipher_suites_length", "Cipher Suites Length"),
            ("Cipher Suites", "suite"),
            suite,
        )?;
        let n = c.uint(
            h,
            1,
            "tls.handshake.comp_methods_length",
            "Compression Methods Length",
        )?;
        let (list, r) = c.take(n as usize)?;
        let m = h.add(Node::text(
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
        h.add(suite(v as u16, r));
        let (x, r) = c.num(1)?;
        h.add(compression(x as u8, r.start));
    }
    c.uint(h, 2, "tls.handshake.extensions_length", "Extensions Length")?;
    while c.more() {
        let (t, tr) = c.num(2)?;
        let (len, lr) = c.num(2)?;
        let (data, dr) = c.take(len as usize)?;
        let name = extension_name(t as u16);
        let e = h.add(Node::text(
            format!("Extension: {name} (len={len})"),
            tr.start..dr.end,
        ));
        e.add(Node::field(
            "tls.handshake.extension.type",
            format!("Type: {name} ({t})"),
            tr,
            Value::UInt(t),
        ));
        e.add(Node::field(
            "tls.handshake.extension.len",
            format!("Length: {len}"),
            lr,
            Value::UInt(len),
        ));
        if data.is_empty() && crate::tls::handshake::grease(t as u16) {
            e.add(Node::text("Data: <MISSING>", dr));
            continue;
        }
        let _ = ext::contents(e, t as u16, &mut Cur::new(data, dr.start), client);
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

fn suite(v: u16, r: Range<usize>) -> Node {
    Node::field(
        "tls.handshake.ciphersuite",
        format!("Cipher Suite: {}", suite_text(v)),
        r,
        Value::Hex(u64::from(v), 4),
    )
}

fn compression(x: u8, at: usize) -> Node {
    let name = match x {
        0 => "null",
        1 => "DEFLATE",
        64 => "LZS",
        _ => "Unknown",
    };
    Node::field(
        "tls.handshake.comp_method",
        format!("Compression Method: {name} ({x})"),
        at..at + 1,
        Value::UInt(u64::from(x)),
    )
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
            let _ = lines(&mut h, &body[..cut], 0, true, true);
            let _ = lines(&mut h, &body[..cut], 0, false, false);
        }
        let mut h = Node::text("", 0..0);
        lines(&mut h, &body, 0, true, false);
        assert_eq!(h.children[0].text, "Version: TLS 1.2 (0x0303)");
        assert!(h
            .children
            .iter()
            .any(|c| c.text == "Extension: server_name (len=5)"));
    }

    #[test]
    fn varints_of_each_size() {
        let mut c = Cur::new(&[0x25, 0x40, 0x25, 0x80, 0, 0x75, 0x30, 0xc0], 0);
        assert_eq!(c.varint().map(|v| v.0), Some(37));
        assert_eq!(c.varint().map(|v| v.0), Some(37));
        assert_eq!(c.varint().map(|v| v.0), Some(30000));
        assert_eq!(c.varint(), None);
        assert_eq!(extension_name(0x0a0a), "Reserved (GREASE)");
        assert_eq!(bytes_or_missing(&[]).0, "<MISSING>");
    }
}
