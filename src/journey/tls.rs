//! The TLS handshake of a connection, found minimally from record headers
//! (content type 22 = handshake, 20 = ChangeCipherSpec, 23 = application
//! data) and the Client Hello's server_name extension, so that the journey's
//! `tls` phase exists without decryption: from the Client Hello (handshake
//! type 1) to the last cleartext handshake or ChangeCipherSpec record before
//! the client's first application data.

/// The handshake as far as the record headers show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsHandshake {
    /// Packet (0-based) of the Client Hello.
    pub client_hello: u32,
    /// Packet of the last handshake (or ChangeCipherSpec) record.
    pub last: u32,
    /// The record version of the Server Hello's record ("TLSv1.2" also for
    /// TLS 1.3, whose records claim 1.2), when one was seen.
    pub record_version: Option<&'static str>,
    /// The Client Hello's server_name, when it came in one segment.
    pub sni: Option<String>,
}

const HANDSHAKE: u8 = 22;
const CHANGE_CIPHER_SPEC: u8 = 20;
const APPLICATION_DATA: u8 = 23;
const CLIENT_HELLO: u8 = 1;
const SERVER_HELLO: u8 = 2;
/// Longest server_name kept.
const MAX_SNI: usize = 255;

/// Whether `payload` starts with a TLS record header of `content_type`.
fn record(payload: &[u8], content_type: u8) -> bool {
    payload.len() >= 5 && payload[0] == content_type && payload[1] == 3 && payload[2] <= 4
}

fn version_name(minor: u8) -> Option<&'static str> {
    match minor {
        0 => Some("SSLv3"),
        1 => Some("TLSv1"),
        2 => Some("TLSv1.1"),
        3 => Some("TLSv1.2"),
        4 => Some("TLSv1.3"),
        _ => None,
    }
}

/// Reads the server_name of a Client Hello record (`payload` starts at the
/// record header).
fn sni(payload: &[u8]) -> Option<String> {
    let be16 = |at: usize| {
        payload
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
    };
    // Record header (5), handshake header (4), version (2), random (32).
    let mut at = 5 + 4 + 2 + 32;
    at += 1 + usize::from(*payload.get(at)?); // session id
    at += 2 + be16(at)?; // cipher suites
    at += 1 + usize::from(*payload.get(at)?); // compression methods
    let ext_end = at + 2 + be16(at)?;
    at += 2;
    while at + 4 <= ext_end {
        let (kind, len) = (be16(at)?, be16(at + 2)?);
        if kind == 0 {
            // server_name_list length (2), type (1), name length (2), name.
            let n = be16(at + 7)?;
            let name = payload.get(at + 9..at + 9 + n.min(MAX_SNI))?;
            return Some(String::from_utf8_lossy(name).into_owned());
        }
        at += 4 + len;
    }
    None
}

/// One data segment of a connection: packet, from the client?, payload.
pub type Segment<'a> = (u32, bool, &'a [u8]);

/// Finds the handshake among a connection's data segments (in capture order).
pub fn handshake<'a>(segments: impl IntoIterator<Item = Segment<'a>>) -> Option<TlsHandshake> {
    let mut found: Option<TlsHandshake> = None;
    for (packet, from_client, payload) in segments {
        match &mut found {
            None => {
                if from_client
                    && record(payload, HANDSHAKE)
                    && payload.get(5) == Some(&CLIENT_HELLO)
                {
                    found = Some(TlsHandshake {
                        client_hello: packet,
                        last: packet,
                        record_version: None,
                        sni: sni(payload),
                    });
                } else {
                    // The first data is not a Client Hello: not TLS from the start.
                    return None;
                }
            }
            Some(h) => {
                if from_client && record(payload, APPLICATION_DATA) {
                    break;
                }
                if record(payload, HANDSHAKE) || record(payload, CHANGE_CIPHER_SPEC) {
                    h.last = packet;
                    if !from_client
                        && h.record_version.is_none()
                        && payload.get(5) == Some(&SERVER_HELLO)
                    {
                        h.record_version = version_name(payload[2]);
                    }
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client_hello(name: &str) -> Vec<u8> {
        let mut ext = Vec::new();
        let n = name.len() as u16;
        ext.extend_from_slice(&[0, 0]);
        ext.extend_from_slice(&(n + 5).to_be_bytes());
        ext.extend_from_slice(&(n + 3).to_be_bytes());
        ext.push(0);
        ext.extend_from_slice(&n.to_be_bytes());
        ext.extend_from_slice(name.as_bytes());
        let mut body = vec![3, 3];
        body.extend_from_slice(&[7; 32]);
        body.push(0); // session id
        body.extend_from_slice(&[0, 2, 0x13, 0x01]); // one cipher suite
        body.extend_from_slice(&[1, 0]); // null compression
        body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
        body.extend_from_slice(&ext);
        let mut hs = vec![CLIENT_HELLO, 0];
        hs.extend_from_slice(&(body.len() as u16).to_be_bytes());
        hs.extend_from_slice(&body);
        let mut rec = vec![HANDSHAKE, 3, 1];
        rec.extend_from_slice(&(hs.len() as u16).to_be_bytes());
        rec.extend_from_slice(&hs);
        rec
    }

    #[test]
    fn from_client_hello_to_the_last_handshake_record() {
        let ch = client_hello("www.example.test");
        let sh = [HANDSHAKE, 3, 3, 0, 4, SERVER_HELLO, 0, 0, 0];
        let ccs = [CHANGE_CIPHER_SPEC, 3, 3, 0, 1, 1];
        let app = [APPLICATION_DATA, 3, 3, 0, 1, 0];
        let h = handshake([
            (3, true, &ch[..]),
            (5, false, &sh[..]),
            (6, true, &ccs[..]),
            (7, true, &app[..]),
            (8, false, &sh[..]),
        ])
        .expect("a handshake");
        assert_eq!((h.client_hello, h.last), (3, 6));
        assert_eq!(h.sni.as_deref(), Some("www.example.test"));
        assert_eq!(h.record_version, Some("TLSv1.2"));
    }

    #[test]
    fn plain_http_and_garbage_are_not_tls() {
        assert_eq!(handshake([(3, true, &b"GET / HTTP/1.1\r\n"[..])]), None);
        assert_eq!(handshake([(3, true, &[22u8, 3, 1, 0][..])]), None);
        let cut = [HANDSHAKE, 3, 1, 0, 200, CLIENT_HELLO, 0, 0];
        let h = handshake([(3, true, &cut[..])]).expect("a hello, cut short");
        assert_eq!(h.sni, None);
    }
}
