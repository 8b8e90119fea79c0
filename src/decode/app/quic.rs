//! QUIC (RFC 9000) rows as tshark 4.0 words them: the long header's packet
//! type and connection IDs (`Initial, DCID=8394c8f03e515708, SCID=c1c2c3c4`),
//! an Initial packet's number and frames once decrypted with the keys every
//! observer can derive (RFC 9001 §5.2: HKDF from the client's first DCID
//! and the version-1 salt, AES-128-GCM, AES-ECB header protection), and a
//! short header's `Protected Payload (KP0), DCID=...`. Handshake, 0-RTT and
//! 1-RTT payloads need the TLS secrets, so tshark (and this) shows their
//! headers only.

use super::Summary;
use aes::cipher::BlockEncrypt;
use aes_gcm::aead::{Aead, KeyInit, Payload};

/// QUIC version 1's Initial salt (RFC 9001 §5.2).
const INITIAL_SALT_V1: [u8; 20] = [
    0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad,
    0xcc, 0xbb, 0x7f, 0x0a,
];
/// Longest connection ID (RFC 9000 §17.2).
const MAX_CID: usize = 20;

/// What the row needs to know from the connection's earlier packets.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The DCID of the client's first Initial (the Initial keys' input).
    pub original_dcid: Option<&'a [u8]>,
    /// The packet was sent by the server (it decrypts with the server keys).
    pub from_server: bool,
    /// Length of the connection IDs the receiver chose (a short header's
    /// DCID length).
    pub short_dcid_len: Option<usize>,
}

/// A variable-length integer and the rest.
fn varint(b: &[u8]) -> Option<(u64, &[u8])> {
    let first = *b.first()?;
    let len = 1usize << (first >> 6);
    let bytes = b.get(..len)?;
    let mut v = u64::from(first & 0x3f);
    for &x in &bytes[1..] {
        v = (v << 8) | u64::from(x);
    }
    Some((v, &b[len..]))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A long header's version and connection IDs, and the bytes after them.
struct LongHeader<'p> {
    version: u32,
    dcid: &'p [u8],
    scid: &'p [u8],
    rest: &'p [u8],
}

fn long_header(p: &[u8]) -> Option<LongHeader<'_>> {
    let version = u32::from_be_bytes(p.get(1..5)?.try_into().ok()?);
    let dl = usize::from(*p.get(5)?);
    let dcid = p.get(6..6 + dl)?;
    let sl = usize::from(*p.get(6 + dl)?);
    let scid = p.get(7 + dl..7 + dl + sl)?;
    if dl > MAX_CID || sl > MAX_CID {
        return None;
    }
    Some(LongHeader {
        version,
        dcid,
        scid,
        rest: &p[7 + dl + sl..],
    })
}

/// The first packet's long-header type (0 Initial, 1 0-RTT, 2 Handshake,
/// 3 Retry, 4 Version Negotiation), DCID and SCID, for the connection's
/// context.
pub fn ids(p: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let first = *p.first()?;
    if first & 0x80 == 0 {
        return None;
    }
    let h = long_header(p)?;
    let kind = if h.version == 0 { 4 } else { (first >> 4) & 3 };
    Some((kind, h.dcid, h.scid))
}

/// HKDF-Expand-Label (RFC 8446 §7.1) with an empty context.
fn expand_label(prk: &hkdf::Hkdf<sha2::Sha256>, label: &[u8], out: &mut [u8]) -> Option<()> {
    let mut info = Vec::with_capacity(10 + label.len());
    info.extend_from_slice(&u16::try_from(out.len()).ok()?.to_be_bytes());
    info.push(u8::try_from(6 + label.len()).ok()?);
    info.extend_from_slice(b"tls13 ");
    info.extend_from_slice(label);
    info.push(0);
    prk.expand(&info, out).ok()
}

/// An Initial packet's (packet number, plaintext frames, first byte without
/// header protection), decrypted with
/// the keys of `dcid` (the client's first DCID); `header_end` is where the
/// packet number starts and `len` the Length field.
fn decrypt_initial(
    p: &[u8],
    header_end: usize,
    len: usize,
    dcid: &[u8],
    server: bool,
) -> Option<(u64, Vec<u8>, u8)> {
    let (_, hk) = hkdf::Hkdf::<sha2::Sha256>::extract(Some(&INITIAL_SALT_V1), dcid);
    let mut secret = [0u8; 32];
    expand_label(
        &hk,
        if server { b"server in" } else { b"client in" },
        &mut secret,
    )?;
    let hk = hkdf::Hkdf::<sha2::Sha256>::from_prk(&secret).ok()?;
    let (mut key, mut iv, mut hp) = ([0u8; 16], [0u8; 12], [0u8; 16]);
    expand_label(&hk, b"quic key", &mut key)?;
    expand_label(&hk, b"quic iv", &mut iv)?;
    expand_label(&hk, b"quic hp", &mut hp)?;
    let packet = p.get(..header_end.checked_add(len)?)?;
    let sample = packet.get(header_end + 4..header_end + 20)?;
    let mut mask = aes::Block::clone_from_slice(sample);
    aes::Aes128::new_from_slice(&hp)
        .ok()?
        .encrypt_block(&mut mask);
    let first = packet[0] ^ (mask[0] & 0x0f);
    let pn_len = usize::from(first & 3) + 1;
    let mut header = packet.get(..header_end + pn_len)?.to_vec();
    header[0] = first;
    let mut pn: u64 = 0;
    for i in 0..pn_len {
        header[header_end + i] ^= mask[1 + i];
        pn = (pn << 8) | u64::from(header[header_end + i]);
    }
    let mut nonce = iv;
    for (i, b) in pn.to_be_bytes().iter().enumerate() {
        nonce[4 + i] ^= b;
    }
    let cipher = aes_gcm::Aes128Gcm::new_from_slice(&key).ok()?;
    let plain = cipher
        .decrypt(
            aes_gcm::Nonce::from_slice(&nonce),
            Payload {
                msg: packet.get(header_end + pn_len..)?,
                aad: &header,
            },
        )
        .ok()?;
    Some((pn, plain, first))
}

/// A version-1 Initial packet, its header protection removed and its
/// payload decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Initial {
    /// The first byte without header protection.
    pub first: u8,
    pub token_len: u64,
    /// The Length field (packet number and payload).
    pub len: u64,
    /// Offset of the packet number in the packet.
    pub pn_at: usize,
    pub pn_len: usize,
    pub pn: u64,
    /// The protected payload as sent (after the packet number).
    pub payload: Vec<u8>,
    pub plain: Vec<u8>,
}

/// The first QUIC packet of `p` when it is an Initial that decrypts with
/// the keys `ctx` derives.
pub fn initial(p: &[u8], ctx: Context<'_>) -> Option<Initial> {
    let first = *p.first()?;
    if first & 0xf0 != 0xc0 {
        return None;
    }
    let LongHeader {
        version,
        dcid,
        rest,
        ..
    } = long_header(p)?;
    if version != 1 {
        return None;
    }
    let (token_len, r) = varint(rest)?;
    let r = r.get(usize::try_from(token_len).ok()?..)?;
    let (len, r) = varint(r)?;
    let header_end = p.len() - r.len();
    let key_dcid = ctx.original_dcid.unwrap_or(dcid);
    let n = usize::try_from(len).ok()?;
    let (pn, plain, first) = decrypt_initial(p, header_end, n, key_dcid, ctx.from_server)?;
    let pn_len = usize::from(first & 3) + 1;
    Some(Initial {
        first,
        token_len,
        len,
        pn_at: header_end,
        pn_len,
        pn,
        payload: p.get(header_end + pn_len..header_end + n)?.to_vec(),
        plain,
    })
}

/// One frame of a decrypted payload: its type, name, where it starts and
/// ends in the payload, and the numbers tshark shows for it (ACK: largest,
/// delay, range count, first range; CRYPTO: offset, length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub kind: u8,
    pub name: &'static str,
    pub at: usize,
    pub end: usize,
    pub numbers: Vec<u64>,
}

/// The frames of a decrypted payload, as tshark lists them (a run of
/// PADDING is one frame); `None` when a frame does not parse.
pub fn frames(payload: &[u8]) -> Option<Vec<Frame>> {
    let mut out = Vec::new();
    let mut b = payload;
    while let Some(&t) = b.first() {
        let at = payload.len() - b.len();
        let mut numbers = Vec::new();
        let (name, rest): (&'static str, &[u8]) = match t {
            0x00 => {
                let n = b.iter().take_while(|&&x| x == 0).count();
                numbers.push(n as u64);
                ("PADDING", &b[n..])
            }
            0x01 => ("PING", &b[1..]),
            0x02 | 0x03 => {
                let (largest, r) = varint(&b[1..])?;
                let (delay, r) = varint(r)?;
                let (ranges, r) = varint(r)?;
                let (first_range, mut r) = varint(r)?;
                numbers.extend([largest, delay, ranges, first_range]);
                for _ in 0..ranges.min(b.len() as u64) {
                    let (_, r2) = varint(r)?;
                    let (_, r2) = varint(r2)?;
                    r = r2;
                }
                if t == 0x03 {
                    for _ in 0..3 {
                        let (_, r2) = varint(r)?;
                        r = r2;
                    }
                }
                ("ACK", r)
            }
            0x06 => {
                let (offset, r) = varint(&b[1..])?;
                let (len, r) = varint(r)?;
                numbers.extend([offset, len]);
                let len = usize::try_from(len).ok()?;
                ("CRYPTO", r.get(len..)?)
            }
            0x1c | 0x1d => {
                let (_, r) = varint(&b[1..])?;
                let r = if t == 0x1c { varint(r)?.1 } else { r };
                let (len, r) = varint(r)?;
                let len = usize::try_from(len).ok()?;
                ("CONNECTION_CLOSE", r.get(len..)?)
            }
            _ => return None,
        };
        out.push(Frame {
            kind: t,
            name,
            at,
            end: payload.len() - rest.len(),
            numbers,
        });
        b = rest;
    }
    Some(out)
}

/// The names of the frames of a decrypted payload (see [`frames`]).
#[cfg(test)]
fn frame_names(b: &[u8]) -> Option<Vec<&'static str>> {
    frames(b).map(|f| f.into_iter().map(|f| f.name).collect())
}

/// QUIC's row of a UDP datagram (its first QUIC packet), when it parses.
pub fn summary(p: &[u8], ctx: Context<'_>) -> Option<Summary> {
    let first = *p.first()?;
    if first & 0x80 == 0 {
        if first & 0x40 == 0 {
            return None;
        }
        let len = ctx.short_dcid_len?;
        let dcid = p.get(1..1 + len)?;
        return Some(Summary::new(
            "QUIC",
            format!(
                "Protected Payload (KP{}), DCID={}",
                (first >> 2) & 1,
                hex(dcid)
            ),
        ));
    }
    let LongHeader {
        version,
        dcid,
        scid,
        ..
    } = long_header(p)?;
    let ids = format!("DCID={}, SCID={}", hex(dcid), hex(scid));
    if version == 0 {
        return Some(Summary::new("QUIC", format!("Version Negotiation, {ids}")));
    }
    if version != 1 || first & 0x40 == 0 {
        return None;
    }
    let name = match (first >> 4) & 3 {
        0 => "Initial",
        1 => "0-RTT",
        2 => "Handshake",
        _ => return Some(Summary::new("QUIC", format!("Retry, {ids}"))),
    };
    let mut info = format!("{name}, {ids}");
    if name == "Initial" {
        if let Some(i) = initial(p, ctx) {
            info.push_str(&format!(", PKN: {}", i.pn));
            if let Some(frames) = frames(&i.plain) {
                for f in frames {
                    info.push_str(", ");
                    info.push_str(f.name);
                }
            }
        }
    }
    Some(Summary::new("QUIC", info))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_frames() {
        assert_eq!(varint(&[0x25]), Some((37, &[][..])));
        assert_eq!(varint(&[0x7b, 0xbd]).map(|v| v.0), Some(15_293));
        assert_eq!(varint(&[0x9d, 0x7f, 0x3e]), None);
        assert_eq!(
            frame_names(&[6, 0, 2, 9, 9, 0, 0, 0, 1]),
            Some(vec!["CRYPTO", "PADDING", "PING"])
        );
        assert_eq!(frame_names(&[6, 0, 9, 1]), None);
    }

    #[test]
    fn rfc9001_initial_keys() {
        // RFC 9001 Appendix A.1: the client's hp key from DCID 8394c8f03e515708.
        let dcid = [0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08];
        let (_, hk) = hkdf::Hkdf::<sha2::Sha256>::extract(Some(&INITIAL_SALT_V1), &dcid);
        let mut secret = [0u8; 32];
        expand_label(&hk, b"client in", &mut secret).expect("expand");
        let hk = hkdf::Hkdf::<sha2::Sha256>::from_prk(&secret).expect("prk");
        let mut hp = [0u8; 16];
        expand_label(&hk, b"quic hp", &mut hp).expect("expand");
        assert_eq!(hex(&hp), "9f50449e04a0e810283a1e9933adedd2");
    }

    #[test]
    fn headers_without_keys() {
        let mut p = vec![0xe1, 0, 0, 0, 1, 2, 0xaa, 0xbb, 1, 0xcc, 0x40, 0x10];
        p.extend([0u8; 16]);
        assert_eq!(
            summary(&p, Context::default()).map(|s| s.info).as_deref(),
            Some("Handshake, DCID=aabb, SCID=cc")
        );
        let short = [0x41, 1, 2, 3, 4, 5];
        let ctx = Context {
            short_dcid_len: Some(4),
            ..Context::default()
        };
        assert_eq!(
            summary(&short, ctx).map(|s| s.info).as_deref(),
            Some("Protected Payload (KP0), DCID=01020304")
        );
        assert_eq!(summary(&short, Context::default()), None);
        for cut in 0..p.len().min(10) {
            assert_eq!(summary(&p[..cut], Context::default()), None);
        }
    }
}
