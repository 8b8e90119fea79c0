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

/// The IANA name of a cipher suite (as Wireshark shows it), for the suites
/// wirelens decrypts.
pub fn suite_name(id: u16) -> Option<&'static str> {
    Some(match id {
        0x1301 => "TLS_AES_128_GCM_SHA256",
        0x1302 => "TLS_AES_256_GCM_SHA384",
        0x1303 => "TLS_CHACHA20_POLY1305_SHA256",
        0xc02f => "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        0xc02b => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        0x009c => "TLS_RSA_WITH_AES_128_GCM_SHA256",
        0x009e => "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
        0xc030 => "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        0xc02c => "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        0x009d => "TLS_RSA_WITH_AES_256_GCM_SHA384",
        0x009f => "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
        0xcca8 => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        0xcca9 => "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        0xccaa => "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        0x002f => "TLS_RSA_WITH_AES_128_CBC_SHA",
        0x0033 => "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
        0xc013 => "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        0xc009 => "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        0x0035 => "TLS_RSA_WITH_AES_256_CBC_SHA",
        0x0039 => "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
        0xc014 => "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        0xc00a => "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        0x003c => "TLS_RSA_WITH_AES_128_CBC_SHA256",
        0x0067 => "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
        0xc027 => "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        0xc023 => "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        0x003d => "TLS_RSA_WITH_AES_256_CBC_SHA256",
        0x006b => "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
        0xc028 => "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
        0xc024 => "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
        _ => return None,
    })
}

/// The IANA name of any cipher suite Wireshark names: [`suite_name`]'s,
/// then those wirelens only shows (hellos offer them).
pub fn display_name(id: u16) -> Option<&'static str> {
    if let Some(name) = suite_name(id) {
        return Some(name);
    }
    Some(match id {
        0x0003 => "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
        0x0004 => "TLS_RSA_WITH_RC4_128_MD5",
        0x0005 => "TLS_RSA_WITH_RC4_128_SHA",
        0x0006 => "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5",
        0x0007 => "TLS_RSA_WITH_IDEA_CBC_SHA",
        0x0008 => "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA",
        0x0009 => "TLS_RSA_WITH_DES_CBC_SHA",
        0x000a => "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        0x0011 => "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA",
        0x0012 => "TLS_DHE_DSS_WITH_DES_CBC_SHA",
        0x0013 => "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
        0x0014 => "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA",
        0x0015 => "TLS_DHE_RSA_WITH_DES_CBC_SHA",
        0x0016 => "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
        0x0032 => "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
        0x0038 => "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
        0x0040 => "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
        0x0041 => "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA",
        0x0044 => "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA",
        0x0045 => "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA",
        0x006a => "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
        0x0084 => "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA",
        0x0087 => "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA",
        0x0088 => "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA",
        0x0096 => "TLS_RSA_WITH_SEED_CBC_SHA",
        0x0099 => "TLS_DHE_DSS_WITH_SEED_CBC_SHA",
        0x009a => "TLS_DHE_RSA_WITH_SEED_CBC_SHA",
        0x00a2 => "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256",
        0x00a3 => "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384",
        0x00ff => "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
        0xc002 => "TLS_ECDH_ECDSA_WITH_RC4_128_SHA",
        0xc003 => "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA",
        0xc004 => "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA",
        0xc005 => "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA",
        0xc007 => "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
        0xc008 => "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA",
        0xc00c => "TLS_ECDH_RSA_WITH_RC4_128_SHA",
        0xc00d => "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA",
        0xc00e => "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA",
        0xc00f => "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA",
        0xc011 => "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
        0xc012 => "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        0xc01b => "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA",
        0xc01c => "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA",
        0xc01e => "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA",
        0xc01f => "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA",
        0xc021 => "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA",
        0xc022 => "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA",
        0xc025 => "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256",
        0xc026 => "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384",
        0xc029 => "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256",
        0xc02a => "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384",
        0xc02d => "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256",
        0xc02e => "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384",
        0xc031 => "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256",
        0xc032 => "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every suite that decrypts has a name, and a name says what it is.
    #[test]
    fn shown_names_include_the_decryptable_ones() {
        assert_eq!(display_name(0xc02f), suite_name(0xc02f));
        assert_eq!(
            display_name(0x00ff),
            Some("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")
        );
        assert_eq!(display_name(0x0a0a), None);
    }

    #[test]
    fn every_decryptable_suite_is_named() {
        for id in 0..=u16::MAX {
            if let Some(s) = suite(id) {
                let name = suite_name(id).unwrap_or_else(|| panic!("0x{id:04x} unnamed"));
                let bulk = match s.bulk {
                    Bulk::Aes128Gcm => "AES_128_GCM",
                    Bulk::Aes256Gcm => "AES_256_GCM",
                    Bulk::ChaCha20Poly1305 => "CHACHA20_POLY1305",
                    Bulk::Aes128Cbc => "AES_128_CBC",
                    Bulk::Aes256Cbc => "AES_256_CBC",
                };
                assert!(name.contains(bulk), "{name}");
            }
        }
    }
}
