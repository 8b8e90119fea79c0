//! The NSS key log format (`SSLKEYLOGFILE`, as curl, Firefox, Chrome and
//! OpenSSL write it): one secret per line, `LABEL <client random hex>
//! <secret hex>`. `CLIENT_RANDOM` carries a TLS 1.2 master secret, the TLS 1.3
//! labels the traffic secrets. Comments (`#`), blank lines and unknown labels
//! (`RSA`, `EARLY_TRAFFIC_SECRET`...) are ignored; a malformed line is a
//! warning naming its line number, and the rest of the file is still used.

use std::collections::HashMap;

/// Longest secret accepted (SHA-384 traffic secrets are 48 bytes).
pub const MAX_SECRET_LEN: usize = 64;
/// Most secrets kept from one key log; further lines are reported, not kept.
pub const MAX_SECRETS: usize = 1 << 20;

/// What a secret is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    /// TLS 1.2 (and older) master secret.
    ClientRandom,
    ClientHandshakeTrafficSecret,
    ServerHandshakeTrafficSecret,
    ClientTrafficSecret0,
    ServerTrafficSecret0,
    ExporterSecret,
}

impl Label {
    fn parse(s: &str) -> Option<Label> {
        Some(match s {
            "CLIENT_RANDOM" => Label::ClientRandom,
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET" => Label::ClientHandshakeTrafficSecret,
            "SERVER_HANDSHAKE_TRAFFIC_SECRET" => Label::ServerHandshakeTrafficSecret,
            "CLIENT_TRAFFIC_SECRET_0" => Label::ClientTrafficSecret0,
            "SERVER_TRAFFIC_SECRET_0" => Label::ServerTrafficSecret0,
            "EXPORTER_SECRET" => Label::ExporterSecret,
            _ => return None,
        })
    }
}

/// A problem with one line of a key log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("key log line {line}: {problem}")]
pub struct KeyLogWarning {
    /// 1-based line number.
    pub line: usize,
    pub problem: String,
}

/// The secrets of one or more key logs, by client random and label.
#[derive(Debug, Clone, Default)]
pub struct KeyLog {
    secrets: HashMap<([u8; 32], Label), Vec<u8>>,
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    let b = s.as_bytes();
    (0..b.len())
        .step_by(2)
        .map(|i| {
            let h = (b[i] as char).to_digit(16)?;
            let l = (b[i + 1] as char).to_digit(16)?;
            Some((h * 16 + l) as u8)
        })
        .collect()
}

impl KeyLog {
    pub fn new() -> KeyLog {
        KeyLog::default()
    }

    /// Adds the secrets of a key log's text; returns the warnings.
    pub fn add_text(&mut self, text: &str) -> Vec<KeyLogWarning> {
        let mut warnings = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split_ascii_whitespace();
            let (Some(label), random, secret, extra) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let Some(label) = Label::parse(label) else {
                continue; // unknown labels (RSA, EARLY_TRAFFIC_SECRET...) are ignored
            };
            let warn = |problem: &str| KeyLogWarning {
                line: i + 1,
                problem: problem.to_string(),
            };
            let (Some(random), Some(secret), None) = (random, secret, extra) else {
                warnings.push(warn("expected LABEL CLIENT_RANDOM SECRET"));
                continue;
            };
            let random: Option<[u8; 32]> = unhex(random).and_then(|v| v.try_into().ok());
            let Some(random) = random else {
                warnings.push(warn("the client random is not 32 bytes of hex"));
                continue;
            };
            let secret = match unhex(secret) {
                Some(s) if !s.is_empty() && s.len() <= MAX_SECRET_LEN => s,
                _ => {
                    warnings.push(warn("the secret is not hex of a plausible length"));
                    continue;
                }
            };
            if label == Label::ClientRandom && secret.len() != 48 {
                warnings.push(warn("a CLIENT_RANDOM master secret is 48 bytes"));
                continue;
            }
            if self.secrets.len() >= MAX_SECRETS {
                warnings.push(warn(
                    "too many secrets (limit MAX_SECRETS); the rest is ignored",
                ));
                break;
            }
            self.secrets.insert((random, label), secret);
        }
        warnings
    }

    /// Adds every secret of `other`.
    pub fn merge(&mut self, other: KeyLog) {
        for (k, v) in other.secrets {
            if self.secrets.len() < MAX_SECRETS {
                self.secrets.insert(k, v);
            }
        }
    }

    /// The secret for a client random, if the log has it.
    pub fn get(&self, client_random: &[u8; 32], label: Label) -> Option<&[u8]> {
        self.secrets
            .get(&(*client_random, label))
            .map(Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.secrets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_labels_and_warns_with_line_numbers() {
        let r = "11".repeat(32);
        let text = format!(
            "# a comment\n\nCLIENT_RANDOM {r} {}\nRSA 0011 2233\nCLIENT_TRAFFIC_SECRET_0 {r} {}\n\
             SERVER_TRAFFIC_SECRET_0 zz {}\nCLIENT_RANDOM {r}\nCLIENT_RANDOM {r} abcd\n",
            "22".repeat(48),
            "33".repeat(32),
            "44".repeat(32)
        );
        let mut k = KeyLog::new();
        let w = k.add_text(&text);
        assert_eq!(k.len(), 2);
        assert_eq!(w.iter().map(|w| w.line).collect::<Vec<_>>(), vec![6, 7, 8]);
        let random = [0x11; 32];
        assert_eq!(k.get(&random, Label::ClientRandom), Some(&[0x22; 48][..]));
        assert_eq!(
            k.get(&random, Label::ClientTrafficSecret0),
            Some(&[0x33; 32][..])
        );
        assert_eq!(k.get(&random, Label::ServerTrafficSecret0), None);
        assert!(w[0].to_string().starts_with("key log line 6:"));
    }

    #[test]
    fn sample_key_logs_parse_cleanly() {
        for name in ["tls13-h2", "tls12-rsa-cbc-sha1"] {
            let path = format!("{}/sample-captures/{name}.keys", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(path).expect("sample key log");
            let mut k = KeyLog::new();
            assert!(k.add_text(&text).is_empty());
            assert!(!k.is_empty());
        }
    }
}
