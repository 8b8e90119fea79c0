//! TLS handshake messages (`type(1) length(3) body`), their Wireshark names,
//! and what the hellos carry: randoms, the cipher suites, SNI, ALPN, the
//! supported versions, and the JA3 / JA3S fingerprints tshark computes.

use md5::{Digest, Md5};

pub const CLIENT_HELLO: u8 = 1;
pub const SERVER_HELLO: u8 = 2;
pub const NEW_SESSION_TICKET: u8 = 4;
pub const ENCRYPTED_EXTENSIONS: u8 = 8;
pub const FINISHED: u8 = 20;
pub const KEY_UPDATE: u8 = 24;

/// The random of a TLS 1.3 HelloRetryRequest (RFC 8446, 4.1.3).
const HELLO_RETRY_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// Wireshark's name of a handshake message type.
pub fn type_name(t: u8) -> &'static str {
    match t {
        0 => "Hello Request",
        1 => "Client Hello",
        2 => "Server Hello",
        3 => "Hello Verify Request",
        4 => "New Session Ticket",
        5 => "End of Early Data",
        6 => "Hello Retry Request",
        8 => "Encrypted Extensions",
        11 => "Certificate",
        12 => "Server Key Exchange",
        13 => "Certificate Request",
        14 => "Server Hello Done",
        15 => "Certificate Verify",
        16 => "Client Key Exchange",
        20 => "Finished",
        21 => "Certificate URL",
        22 => "Certificate Status",
        23 => "Supplemental Data",
        24 => "Key Update",
        25 => "Compressed Certificate",
        254 => "Message Hash",
        _ => "Encrypted Handshake Message",
    }
}

/// What a Client Hello or Server Hello says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hello {
    pub legacy_version: u16,
    pub random: [u8; 32],
    pub cipher_suites: Vec<u16>,
    pub extensions: Vec<u16>,
    pub server_name: Option<String>,
    pub alpn: Vec<String>,
    pub supported_versions: Vec<u16>,
    pub groups: Vec<u16>,
    pub point_formats: Vec<u8>,
    /// encrypt_then_mac (extension 22) present.
    pub encrypt_then_mac: bool,
}

impl Hello {
    /// The version the Server Hello chose (supported_versions, else the
    /// legacy field).
    pub fn chosen_version(&self) -> u16 {
        self.supported_versions
            .first()
            .copied()
            .unwrap_or(self.legacy_version)
    }

    pub fn is_hello_retry(&self) -> bool {
        self.random == HELLO_RETRY_RANDOM
    }
}

/// One handshake message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub msg_type: u8,
    /// Parsed for Client Hello and Server Hello.
    pub hello: Option<Hello>,
}

impl Message {
    pub fn name(&self) -> &'static str {
        match &self.hello {
            Some(h) if self.msg_type == SERVER_HELLO && h.is_hello_retry() => "Hello Retry Request",
            _ => type_name(self.msg_type),
        }
    }
}

/// A cursor over bytes whose reads fail instead of panicking.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }
    fn vec8(&mut self) -> Option<&'a [u8]> {
        let n = usize::from(self.u8()?);
        self.take(n)
    }
    fn vec16(&mut self) -> Option<&'a [u8]> {
        let n = usize::from(self.u16()?);
        self.take(n)
    }
}

fn u16s(b: &[u8]) -> Vec<u16> {
    b.chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect()
}

/// Parses a hello's body (`client`: a Client Hello, else a Server Hello).
/// Returns what could be read before the body ended.
pub fn parse_hello(body: &[u8], client: bool) -> Option<Hello> {
    let mut r = Reader(body);
    let mut h = Hello {
        legacy_version: r.u16()?,
        random: r.take(32)?.try_into().ok()?,
        ..Hello::default()
    };
    r.vec8()?; // session id
    if client {
        h.cipher_suites = u16s(r.vec16()?);
        r.vec8()?; // compression methods
    } else {
        h.cipher_suites = vec![r.u16()?];
        r.u8()?;
    }
    if let Some(exts) = r.vec16() {
        read_extensions(exts, client, &mut h);
    }
    Some(h)
}

/// Reads a hello's (or Encrypted Extensions') extension list into `h`.
fn read_extensions(exts: &[u8], client: bool, h: &mut Hello) {
    let mut e = Reader(exts);
    while let (Some(ty), Some(data)) = (e.u16(), e.vec16()) {
        h.extensions.push(ty);
        let mut d = Reader(data);
        match ty {
            0 if client => {
                if let Some(list) = d.vec16() {
                    let mut l = Reader(list);
                    while let (Some(kind), Some(name)) = (l.u8(), l.vec16()) {
                        if kind == 0 && h.server_name.is_none() {
                            h.server_name = Some(String::from_utf8_lossy(name).into_owned());
                        }
                    }
                }
            }
            10 => h.groups = d.vec16().map(u16s).unwrap_or_default(),
            11 => h.point_formats = d.vec8().map(<[u8]>::to_vec).unwrap_or_default(),
            16 => {
                if let Some(list) = d.vec16() {
                    let mut l = Reader(list);
                    while let Some(p) = l.vec8() {
                        h.alpn.push(String::from_utf8_lossy(p).into_owned());
                    }
                }
            }
            22 => h.encrypt_then_mac = true,
            43 if client => h.supported_versions = d.vec8().map(u16s).unwrap_or_default(),
            43 => h.supported_versions = d.u16().into_iter().collect(),
            _ => {}
        }
    }
}

/// Cuts complete handshake messages off the front of `buf`, returning each
/// with its length on the wire; leaves an incomplete tail in place.
pub fn take_messages(buf: &mut Vec<u8>) -> Vec<(Message, usize)> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while let Some(h) = buf.get(at..at + 4) {
        let len = usize::from(h[1]) << 16 | usize::from(h[2]) << 8 | usize::from(h[3]);
        let Some(body) = buf.get(at + 4..at + 4 + len) else {
            break;
        };
        let msg_type = h[0];
        let hello = match msg_type {
            CLIENT_HELLO => parse_hello(body, true),
            SERVER_HELLO => parse_hello(body, false),
            // TLS 1.3 moves the server's ALPN here; kept like a hello's.
            ENCRYPTED_EXTENSIONS => Reader(body).vec16().map(|exts| {
                let mut h = Hello::default();
                read_extensions(exts, false, &mut h);
                h
            }),
            _ => None,
        };
        out.push((Message { msg_type, hello }, 4 + len));
        at += 4 + len;
    }
    buf.drain(..at);
    out
}

/// A GREASE value (RFC 8701), which JA3 leaves out.
pub fn grease(v: u16) -> bool {
    v & 0x0f0f == 0x0a0a && v >> 8 == v & 0xff
}

fn join<T: std::fmt::Display>(v: impl Iterator<Item = T>) -> String {
    v.map(|x| x.to_string()).collect::<Vec<_>>().join("-")
}

/// JA3 of a Client Hello, as tshark's `tls.handshake.ja3_full`.
pub fn ja3_full(h: &Hello) -> String {
    let ok = |v: &&u16| !grease(**v);
    format!(
        "{},{},{},{},{}",
        h.legacy_version,
        join(h.cipher_suites.iter().filter(ok)),
        join(h.extensions.iter().filter(ok)),
        join(h.groups.iter().filter(ok)),
        join(h.point_formats.iter())
    )
}

/// JA3S of a Server Hello, as tshark's `tls.handshake.ja3s_full`.
pub fn ja3s_full(h: &Hello) -> String {
    format!(
        "{},{},{}",
        h.legacy_version,
        join(h.cipher_suites.iter()),
        join(h.extensions.iter())
    )
}

/// The MD5 of a fingerprint string, in hex (`tls.handshake.ja3`, `ja3s`).
pub fn md5_hex(s: &str) -> String {
    Md5::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client_hello() -> Vec<u8> {
        let mut body = vec![3, 3];
        body.extend_from_slice(&[7; 32]);
        body.push(0);
        body.extend_from_slice(&[0, 6, 0x0a, 0x0a, 0x13, 0x02, 0x00, 0xff]);
        body.extend_from_slice(&[1, 0]);
        let mut ext = Vec::new();
        let sni = b"www.wirelens.test";
        ext.extend_from_slice(&[
            0,
            0,
            0,
            (sni.len() + 5) as u8,
            0,
            (sni.len() + 3) as u8,
            0,
            0,
        ]);
        ext.push(sni.len() as u8);
        ext.extend_from_slice(sni);
        ext.extend_from_slice(&[0, 16, 0, 14, 0, 12, 2, b'h', b'2', 8]);
        ext.extend_from_slice(b"http/1.1");
        ext.extend_from_slice(&[0, 43, 0, 3, 2, 3, 4]);
        ext.extend_from_slice(&[0, 10, 0, 4, 0, 2, 0, 29]);
        ext.extend_from_slice(&[0, 11, 0, 2, 1, 0]);
        body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
        body.extend_from_slice(&ext);
        let mut m = vec![1, 0, (body.len() >> 8) as u8, body.len() as u8];
        m.extend_from_slice(&body);
        m
    }

    #[test]
    fn client_hello_fields_and_ja3() {
        let mut buf = client_hello();
        buf.extend_from_slice(&[20, 0, 0]); // a message cut short stays
        let msgs = take_messages(&mut buf);
        assert_eq!(buf, vec![20, 0, 0]);
        let h = msgs[0].0.hello.clone().expect("hello");
        assert_eq!(msgs[0].0.name(), "Client Hello");
        assert_eq!(h.server_name.as_deref(), Some("www.wirelens.test"));
        assert_eq!(h.alpn, vec!["h2", "http/1.1"]);
        assert_eq!(h.supported_versions, vec![0x0304]);
        assert_eq!(ja3_full(&h), "771,4866-255,0-16-43-10-11,29,0");
        assert_eq!(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
    }

    #[test]
    fn truncated_hellos_never_panic() {
        let m = client_hello();
        for n in 0..m.len() {
            let _ = parse_hello(&m[4..4 + n.min(m.len() - 4)], true);
            let _ = parse_hello(&m[4..4 + n.min(m.len() - 4)], false);
            let mut b = m[..n].to_vec();
            let _ = take_messages(&mut b);
        }
    }
}
