//! The key exchange messages after KEXINIT (codes 30 to 39) as tshark 4.0
//! draws them, by the negotiated method's family: Diffie-Hellman (and the
//! methods tshark files with it, sntrup761x25519 among them), group
//! exchange, and elliptic-curve Diffie-Hellman. The multi-precision
//! integers, the host key by its type, the host signature (with tshark's
//! note when its parts do not add up to its length).

use super::super::Node;
use super::hex_label;
use crate::fields::Value;
use std::borrow::Cow;

/// The longest DH value tshark reads (`ssh_kex_make_bignum`: 8192-bit
/// groups and a sign byte); a longer one gets its "Invalid key length".
const MAX_KEX_VALUE: u32 = 1025;

/// A reader over one packet's message bytes, positions in the packet.
struct Cursor<'p> {
    pkt: &'p [u8],
    /// Where this packet's bytes start in the frame.
    base: usize,
    off: usize,
}

impl Cursor<'_> {
    fn u32(&self, at: usize) -> Option<u32> {
        self.pkt
            .get(at..at + 4)
            .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
    }

    /// A length-prefixed value at the cursor: (its length, its bytes).
    fn string(&self) -> Option<(u32, &[u8])> {
        let len = self.u32(self.off)?;
        let start = self.off + 4;
        let v = self.pkt.get(start..start.checked_add(len as usize)?)?;
        Some((len, v))
    }

    fn range(&self, from: usize, len: usize) -> std::ops::Range<usize> {
        self.base + from..self.base + from + len
    }
}

/// `Multi Precision Integer Length` and the value, named `name`.
fn mpint(c: &mut Cursor<'_>, n: &mut Node, abbrev: &'static str, name: &str) -> Option<()> {
    let (len, v) = c.string()?;
    n.add(Node::field(
        "ssh.mpint_length",
        format!("Multi Precision Integer Length: {len}"),
        c.range(c.off, 4),
        Value::UInt(u64::from(len)),
    ));
    n.add(Node::field(
        abbrev,
        format!("{name}: {}", hex_label(v)),
        c.range(c.off + 4, v.len()),
        super::super::bits::bytes_value(v),
    ));
    c.off += 4 + v.len();
    Some(())
}

/// A length-prefixed byte string: `NAME length` and `NAME`.
fn string(c: &mut Cursor<'_>, n: &mut Node, abbrev: &'static str, name: &str) -> Option<()> {
    let (len, v) = c.string()?;
    n.add(Node::field(
        "ssh.string_length",
        format!("{name} length: {len}"),
        c.range(c.off, 4),
        Value::UInt(u64::from(len)),
    ));
    n.add(Node::field(
        abbrev,
        format!("{name}: {}", hex_label(v)),
        c.range(c.off + 4, v.len()),
        super::super::bits::bytes_value(v),
    ));
    c.off += 4 + v.len();
    Some(())
}

/// "Invalid key length" before a DH value tshark cannot read.
fn check_value(c: &Cursor<'_>, n: &mut Node) {
    let Some(len) = c.u32(c.off) else { return };
    if len == 0 || len > MAX_KEX_VALUE {
        let msg = format!("Invalid key length: {len}");
        let e = n.add(Node::text(msg.clone(), c.range(c.off, 2)));
        e.expert("Error", "Protocol", &msg);
    }
}

/// The names of a length-prefixed, typed blob's items (a host key, a host
/// signature).
struct Blob {
    title: &'static str,
    length: (&'static str, &'static str),
    type_length: (&'static str, &'static str),
    ty: (&'static str, &'static str),
}

const HOST_KEY: Blob = Blob {
    title: "KEX host key",
    length: ("ssh.host_key.length", "Host key length"),
    type_length: ("ssh.host_key.type_length", "Host key type length"),
    ty: ("ssh.host_key.type", "Host key type"),
};

const HOST_SIGNATURE: Blob = Blob {
    title: "KEX host signature",
    length: ("ssh.host_sig.length", "Host signature length"),
    type_length: ("ssh.host_sig.type_length", "Host signature type length"),
    ty: ("ssh.host_sig.type", "Host signature type"),
};

/// The head of the blob at `c`: its length, its type's length and name,
/// drawn under a new node of `n` (returned), and a cursor after the type.
fn typed_blob<'n, 'p>(
    c: &Cursor<'p>,
    n: &'n mut Node,
    names: &Blob,
) -> Option<(u32, u32, String, &'n mut Node, Cursor<'p>)> {
    let start = c.off;
    let len = c.u32(start)?;
    let type_len = c.u32(start + 4)?;
    let ty = c
        .pkt
        .get(start + 8..(start + 8).checked_add(type_len as usize)?)?;
    let ty = String::from_utf8_lossy(ty).into_owned();
    let h = n.add(Node::text(
        format!("{} (type: {ty})", names.title),
        c.range(start, 4 + len as usize),
    ));
    h.add(Node::field(
        names.length.0,
        format!("{}: {len}", names.length.1),
        c.range(start, 4),
        Value::UInt(u64::from(len)),
    ));
    h.add(Node::field(
        names.type_length.0,
        format!("{}: {type_len}", names.type_length.1),
        c.range(start + 4, 4),
        Value::UInt(u64::from(type_len)),
    ));
    h.add(Node::field(
        names.ty.0,
        format!("{}: {ty}", names.ty.1),
        c.range(start + 8, type_len as usize),
        Value::Str(Cow::Owned(ty.clone())),
    ));
    let after = Cursor {
        pkt: c.pkt,
        base: c.base,
        off: start + 8 + type_len as usize,
    };
    Some((len, type_len, ty, h, after))
}

/// `KEX host key (type: ...)`.
fn host_key(c: &mut Cursor<'_>, n: &mut Node) -> Option<()> {
    let start = c.off;
    let (key_len, type_len, ty, h, mut k) = typed_blob(c, n, &HOST_KEY)?;
    if ty == "ssh-rsa" {
        mpint(&mut k, h, "ssh.host_key.rsa.e", "RSA public exponent (e)");
        mpint(&mut k, h, "ssh.host_key.rsa.n", "RSA modulus (N)");
    } else if ty == "ssh-dss" {
        mpint(&mut k, h, "ssh.host_key.dsa.p", "DSA prime (p)");
        mpint(&mut k, h, "ssh.host_key.dsa.q", "DSA subprime (q)");
        mpint(&mut k, h, "ssh.host_key.dsa.g", "DSA base (g)");
        mpint(&mut k, h, "ssh.host_key.dsa.y", "DSA public key (y)");
    } else if ty.starts_with("ecdsa-sha2-") {
        string(
            &mut k,
            h,
            "ssh.host_key.ecdsa.id",
            "ECDSA elliptic curve identifier",
        );
        string(&mut k, h, "ssh.host_key.ecdsa.q", "ECDSA public key (Q)");
    } else if ty.starts_with("ssh-ed") {
        string(&mut k, h, "ssh.host_key.eddsa.key", "EdDSA public key");
    } else {
        let rest = (key_len as usize).saturating_sub(type_len as usize + 4);
        let from = start + 8 + type_len as usize;
        if let Some(d) = c.pkt.get(from..from + rest) {
            h.add(Node::field(
                "ssh.host_key.data",
                format!("Host key data: {}", hex_label(d)),
                c.range(from, rest),
                super::super::bits::bytes_value(d),
            ));
        }
    }
    c.off = start + 4 + key_len as usize;
    Some(())
}

/// `KEX host signature (type: ...)`.
fn host_signature(c: &mut Cursor<'_>, n: &mut Node) -> Option<()> {
    let start = c.off;
    let (sig_len, type_len, ty, h, mut k) = typed_blob(c, n, &HOST_SIGNATURE)?;
    // The length is the blob's first item.
    let len_at = h.children.len() - 3;
    if ty == "ssh-rsa" {
        mpint(&mut k, h, "ssh.host_sig.rsa", "RSA signature");
    } else if ty == "ssh-dss" {
        mpint(&mut k, h, "ssh.host_sig.dsa", "DSA signature");
    } else if ty.starts_with("ecdsa-sha2-") || ty.starts_with("ssh-ed") {
        // tshark 4.0 reads nothing more of these.
    } else {
        let rest = (sig_len as usize).saturating_sub(type_len as usize + 4);
        let from = k.off;
        if let Some(d) = c.pkt.get(from..from + rest) {
            h.add(Node::field(
                "ssh.host_sig.data",
                format!("Host signature data: {}", hex_label(d)),
                c.range(from, rest),
                super::super::bits::bytes_value(d),
            ));
            k.off += rest;
        }
    }
    let decoded = k.off - start;
    if decoded != 4 + sig_len as usize {
        // tshark's wording, its spelling included.
        let msg = format!("Decoded {decoded} bytes, but packet legnth is {sig_len} bytes");
        h.children[len_at].expert("Warning", "Protocol", &msg);
    }
    c.off = start + 4 + sig_len as usize;
    Some(())
}

/// Whether tshark 4.0 dissects method `kex` as group exchange, as
/// elliptic-curve Diffie-Hellman, or (anything else) as Diffie-Hellman.
fn family(kex: Option<&str>) -> u8 {
    let k = kex.unwrap_or("");
    if k.contains("group-exchange") {
        1
    } else if k.starts_with("ecdh-sha2-")
        || k.starts_with("curve25519")
        || k.starts_with("curve448")
    {
        2
    } else {
        0
    }
}

/// The items of key exchange message `code` (the packet `pkt` at `base` in
/// the frame, its message from byte 6) into `n`.
pub fn message(kex: Option<&str>, code: u8, pkt: &[u8], base: usize, n: &mut Node) {
    let mut c = Cursor { pkt, base, off: 6 };
    let _ = match (family(kex), code) {
        (0, 30) | (1, 32) => {
            check_value(&c, n);
            mpint(&mut c, n, "ssh.dh.e", "DH client e")
        }
        (0, 31) | (1, 33) => (|| {
            host_key(&mut c, n)?;
            check_value(&c, n);
            mpint(&mut c, n, "ssh.dh.f", "DH server f")?;
            host_signature(&mut c, n)
        })(),
        (1, 30) => c.u32(6).map(|v| {
            n.add(Node::field(
                "ssh.dh_gex.nbits",
                format!("DH GEX Number of Bits: {v}"),
                c.range(6, 4),
                Value::UInt(u64::from(v)),
            ));
        }),
        (1, 34) => {
            for (i, (abbrev, name)) in [
                ("ssh.dh_gex.min", "DH GEX Min"),
                ("ssh.dh_gex.nbits", "DH GEX Number of Bits"),
                ("ssh.dh_gex.max", "DH GEX Max"),
            ]
            .iter()
            .enumerate()
            {
                let Some(v) = c.u32(6 + 4 * i) else { break };
                n.add(Node::field(
                    abbrev,
                    format!("{name}: {v}"),
                    c.range(6 + 4 * i, 4),
                    Value::UInt(u64::from(v)),
                ));
            }
            Some(())
        }
        (1, 31) => mpint(&mut c, n, "ssh.dh_gex.p", "DH GEX modulus (P)")
            .and_then(|()| mpint(&mut c, n, "ssh.dh_gex.g", "DH GEX base (G)")),
        (2, 30) => string(
            &mut c,
            n,
            "ssh.ecdh.q_c",
            "ECDH client's ephemeral public key (Q_C)",
        ),
        (2, 31) => (|| {
            host_key(&mut c, n)?;
            string(
                &mut c,
                n,
                "ssh.ecdh.q_s",
                "ECDH server's ephemeral public key (Q_S)",
            )?;
            host_signature(&mut c, n)
        })(),
        _ => None,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(n: &Node) -> Vec<String> {
        let t = super::super::super::Tree {
            layers: vec![n.clone()],
        };
        t.walk().iter().map(|(_, n)| n.text.clone()).collect()
    }

    #[test]
    fn dh_reply_as_tshark() {
        let mut pkt = vec![0, 0, 0, 0, 4, 31];
        // host key: ssh-ed25519 with a 2-byte key
        let key: Vec<u8> = [
            &11u32.to_be_bytes()[..],
            b"ssh-ed25519",
            &2u32.to_be_bytes(),
            &[0xaa, 0xbb],
        ]
        .concat();
        pkt.extend((key.len() as u32).to_be_bytes());
        pkt.extend(&key);
        pkt.extend(2u32.to_be_bytes());
        pkt.extend([0x01, 0x02]);
        let sig: Vec<u8> = [&11u32.to_be_bytes()[..], b"ssh-ed25519", &[0; 8]].concat();
        pkt.extend((sig.len() as u32).to_be_bytes());
        pkt.extend(&sig);
        let mut n = Node::text("k", 0..0);
        message(Some("curve25519-sha256"), 31, &pkt, 0, &mut n);
        let t = texts(&n);
        assert_eq!(t[1], "KEX host key (type: ssh-ed25519)");
        assert!(t.contains(&"EdDSA public key: aabb".to_string()));
        assert!(t.contains(&"ECDH server's ephemeral public key (Q_S): 0102".to_string()));
        let mut n = Node::text("k", 0..0);
        message(Some("sntrup761x25519-sha512"), 31, &pkt, 0, &mut n);
        let t = texts(&n);
        assert!(t.contains(&"DH server f: 0102".to_string()));
        // Cut anywhere: no panic.
        for cut in 0..pkt.len() {
            let mut n = Node::text("k", 0..0);
            message(Some("sntrup761x25519-sha512"), 31, &pkt[..cut], 0, &mut n);
            message(
                Some("diffie-hellman-group-exchange-sha1"),
                34,
                &pkt[..cut],
                0,
                &mut n,
            );
        }
    }

    #[test]
    fn invalid_key_length_as_tshark() {
        let mut pkt = vec![0, 0, 0, 0, 4, 30];
        pkt.extend(1190u32.to_be_bytes());
        pkt.extend([7u8; 1190]);
        let mut n = Node::text("k", 0..0);
        message(None, 30, &pkt, 0, &mut n);
        let t = texts(&n);
        assert_eq!(t[1], "Invalid key length: 1190");
        assert_eq!(
            t[2],
            "[Expert Info (Error/Protocol): Invalid key length: 1190]"
        );
        assert_eq!(t[6], "Multi Precision Integer Length: 1190");
    }
}
