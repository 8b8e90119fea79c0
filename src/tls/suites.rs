//! The cipher suites wirelens can decrypt: their bulk cipher, MAC and the
//! hash of their PRF / HKDF. Other suites are named by number and shown
//! undecrypted.

/// A record protection algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bulk {
    Aes128Gcm,
    Aes256Gcm,
    ChaCha20Poly1305,
    Aes128Cbc,
    Aes256Cbc,
}

impl Bulk {
    pub fn key_len(self) -> usize {
        match self {
            Bulk::Aes128Gcm | Bulk::Aes128Cbc => 16,
            _ => 32,
        }
    }

    pub fn is_cbc(self) -> bool {
        matches!(self, Bulk::Aes128Cbc | Bulk::Aes256Cbc)
    }
}

/// A hash (of the PRF / HKDF, or of a CBC suite's HMAC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    Sha1,
    Sha256,
    Sha384,
}

impl Hash {
    pub fn output_len(self) -> usize {
        match self {
            Hash::Sha1 => 20,
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
        }
    }
}

/// What a suite needs for decryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suite {
    pub id: u16,
    pub bulk: Bulk,
    /// The HMAC of a CBC suite (`None` for AEAD).
    pub mac: Option<Hash>,
    /// The PRF hash (TLS 1.2) or HKDF hash (TLS 1.3).
    pub prf: Hash,
}

/// The suite with this number, if wirelens can decrypt it.
pub fn suite(id: u16) -> Option<Suite> {
    use Bulk::*;
    use Hash::*;
    let (bulk, mac, prf) = match id {
        0x1301 => (Aes128Gcm, None, Sha256),
        0x1302 => (Aes256Gcm, None, Sha384),
        0x1303 => (ChaCha20Poly1305, None, Sha256),
        0xc02f | 0xc02b | 0x009c | 0x009e => (Aes128Gcm, None, Sha256),
        0xc030 | 0xc02c | 0x009d | 0x009f => (Aes256Gcm, None, Sha384),
        0xcca8..=0xccaa => (ChaCha20Poly1305, None, Sha256),
        0x002f | 0x0033 | 0xc013 | 0xc009 => (Aes128Cbc, Some(Sha1), Sha256),
        0x0035 | 0x0039 | 0xc014 | 0xc00a => (Aes256Cbc, Some(Sha1), Sha256),
        0x003c | 0x0067 | 0xc027 | 0xc023 => (Aes128Cbc, Some(Sha256), Sha256),
        0x003d | 0x006b => (Aes256Cbc, Some(Sha256), Sha256),
        0xc028 | 0xc024 => (Aes256Cbc, Some(Sha384), Sha384),
        _ => return None,
    };
    Some(Suite { id, bulk, mac, prf })
}
