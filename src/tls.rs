//! TLS over TCP: records framed from each reassembled direction (on any port
//! where they parse), the handshake read as Wireshark names it (hellos with
//! SNI, ALPN, versions, cipher suites, JA3), and, given a key log
//! ([`keylog`], from `--keylog` or a pcapng Decryption Secrets Block),
//! records decrypted ([`decrypt`]) into plaintext streams that HTTP reads.
//!
//! [`TlsIndex::build`] reads every TCP connection once; the packet list's
//! Protocol and Info, the `tls.*` fields and `follow --tls` read the index.

pub mod connection;
pub mod decrypt;

pub mod follow;
pub mod handshake;
pub mod keylog;
pub mod record;
pub mod suites;

pub use connection::{Protection, Record, TlsConnection};
pub use keylog::{KeyLog, KeyLogWarning};

use crate::flow::{Conversations, Protocol};
use crate::store::PacketStore;
use std::collections::HashMap;

/// Where a packet stands in its connection's TLS.
#[derive(Debug, Clone, Copy)]
pub enum AtPacket<'a> {
    /// Records complete in this packet (indices into the connection's records).
    Records(&'a TlsConnection, &'a [u32]),
    /// The packet carries part of a record completed later; `true` when its
    /// data starts the record.
    Segment(bool),
}

/// Every TLS connection of a trace.
#[derive(Debug, Default)]
pub struct TlsIndex {
    pub connections: Vec<TlsConnection>,
    by_conversation: HashMap<u32, u32>,
    /// packet → (connection, records completing there).
    by_packet: HashMap<u32, (u32, Vec<u32>)>,
    segments: HashMap<u32, bool>,
}

impl TlsIndex {
    /// Reads every TCP conversation as TLS, decrypting with `keys`.
    pub fn build(store: &PacketStore, conversations: &Conversations, keys: &KeyLog) -> TlsIndex {
        let convs = conversations.all();
        let indices: Vec<usize> = (0..convs.len())
            .filter(|&i| convs[i].protocol == Protocol::Tcp)
            .collect();
        let found = crate::parallel::map_in_order(&indices, |&ci| {
            let conv = &convs[ci];
            let streams = crate::flow::stream::reassemble(store, conv);
            connection::read(conv, ci as u32, &streams, keys)
        });
        TlsIndex::from_connections(found.into_iter().flatten())
    }

    /// The index of connections already read (with [`connection::read`]), in
    /// conversation order: what [`TlsIndex::build`] makes, for a caller that
    /// reassembles each conversation once for TLS and HTTP together.
    pub fn from_connections(found: impl IntoIterator<Item = TlsConnection>) -> TlsIndex {
        let mut index = TlsIndex::default();
        for conn in found {
            let id = index.connections.len() as u32;
            index.by_conversation.insert(conn.conversation, id);
            for (i, r) in conn.records.iter().enumerate() {
                let e = index.by_packet.entry(r.packet).or_insert((id, Vec::new()));
                e.1.push(i as u32);
            }
            for &(p, first) in &conn.segments {
                index.segments.insert(p, first);
            }
            index.connections.push(conn);
        }
        for (conn, recs) in index.by_packet.values_mut() {
            let c = &index.connections[*conn as usize];
            recs.sort_by_key(|&i| c.records.get(i as usize).map(|r| r.span.start));
        }
        index
    }

    /// The TLS connection of a conversation (index in `Conversations::all`).
    pub fn of_conversation(&self, conversation: u32) -> Option<&TlsConnection> {
        let i = *self.by_conversation.get(&conversation)?;
        self.connections.get(i as usize)
    }

    /// What packet `index` (0-based) carries of TLS.
    pub fn at_packet(&self, index: usize) -> Option<AtPacket<'_>> {
        let p = index as u32;
        if let Some((c, recs)) = self.by_packet.get(&p) {
            let conn = self.connections.get(*c as usize)?;
            return Some(AtPacket::Records(conn, recs));
        }
        self.segments.get(&p).map(|&first| AtPacket::Segment(first))
    }

    /// Protocol and Info of a packet where records complete, as tshark.
    pub fn columns(conn: &TlsConnection, recs: &[u32], packet: u32) -> (String, String) {
        let records: Vec<&Record> = recs
            .iter()
            .filter_map(|&i| conn.records.get(i as usize))
            .collect();
        let negotiated = conn
            .server_hello_packet
            .filter(|&p| p <= packet)
            .and(conn.version());
        let version = negotiated
            .or_else(|| records.first().map(|r| r.span.version))
            .unwrap_or(0x0303);
        let info: Vec<String> = records
            .iter()
            .map(|r| r.info())
            .filter(|s| !s.is_empty())
            .collect();
        (record::version_name(version).to_string(), info.join(", "))
    }

    /// Sessions that were encrypted but had no key in a non-empty key log.
    pub fn sessions_without_keys(&self) -> usize {
        self.connections
            .iter()
            .filter(|c| {
                !c.keys_found && c.records.iter().any(|r| r.protection == Protection::NoKey)
            })
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::trace::Trace;

    fn build(trace: &Trace, keys: &KeyLog) -> TlsIndex {
        TlsIndex::build(&trace.store, &trace.conversations, keys)
    }

    fn sample(name: &str) -> Trace {
        let path = format!("{}/sample-captures/{name}", env!("CARGO_MANIFEST_DIR"));
        Trace::open(std::path::Path::new(&path)).expect("sample capture")
    }

    fn keys(name: &str) -> KeyLog {
        let path = format!("{}/sample-captures/{name}.keys", env!("CARGO_MANIFEST_DIR"));
        let mut k = KeyLog::new();
        assert!(k
            .add_text(&std::fs::read_to_string(path).expect("keys"))
            .is_empty());
        k
    }

    #[test]
    fn every_sample_decrypts_whole() {
        for (name, connections) in [
            ("tls13-h2", 1),
            ("tls13-chacha-h1", 1),
            ("tls13-aes128-post-h2", 1),
            ("tls12-gcm-h1", 1),
            ("tls12-chacha-h2", 1),
            ("tls12-cbc-sha384", 1),
            ("tls12-rsa-cbc-sha1", 1),
            ("tls10-cbc-sha1", 1),
            ("tls11-rsa-cbc-sha1", 1),
            ("tls13-resume", 2),
            ("tls12-resume-id", 2),
        ] {
            let trace = sample(&format!("{name}.pcap"));
            let index = build(&trace, &keys(name));
            assert_eq!(index.connections.len(), connections, "{name}");
            for c in &index.connections {
                let bad: Vec<String> = c
                    .records
                    .iter()
                    .filter(|r| {
                        !matches!(r.protection, Protection::Plain | Protection::Decrypted(_))
                    })
                    .map(|r| format!("{:?} at {}", r.protection, r.packet + 1))
                    .collect();
                assert!(bad.is_empty(), "{name}: {bad:?}");
                assert!(!c.app_data().is_empty(), "{name}");
            }
        }
    }

    /// The second connection of each resumption sample resumes the first
    /// one's session (no Certificate: a TLS 1.3 PSK from a ticket, a TLS
    /// 1.2 abbreviated handshake by session ID) and decrypts with the
    /// secrets the key log has for its own Client Hello.
    #[test]
    fn resumed_sessions_decrypt() {
        for (name, version) in [("tls13-resume", 0x0304), ("tls12-resume-id", 0x0303)] {
            let trace = sample(&format!("{name}.pcap"));
            let index = build(&trace, &keys(name));
            let certificates = |c: &TlsConnection| {
                c.records
                    .iter()
                    .flat_map(|r| &r.messages)
                    .filter(|m| m.msg_type == 11) // Certificate
                    .count()
            };
            let (full, resumed) = (&index.connections[0], &index.connections[1]);
            assert_eq!(full.version(), Some(version), "{name}");
            assert_eq!(resumed.version(), Some(version), "{name}");
            assert_eq!(certificates(full), 1, "{name}");
            assert_eq!(certificates(resumed), 0, "{name}");
            let text = String::from_utf8_lossy(&resumed.plaintext[0].bytes).into_owned();
            assert!(
                text.starts_with("GET /data.json HTTP/1.1\r\n"),
                "{name}: {text}"
            );
        }
    }

    #[test]
    fn without_keys_nothing_decrypts() {
        let trace = sample("tls13-h2.pcap");
        let index = build(&trace, &KeyLog::new());
        let c = &index.connections[0];
        assert!(c
            .records
            .iter()
            .all(|r| matches!(r.protection, Protection::Plain | Protection::NoKey)));
        assert_eq!(c.version(), Some(0x0304));
        // Frames 6 (Client Hello) to 10 (the client's Finished).
        assert_eq!(c.handshake_packets(), Some((5, 9)));
        let ch = c.client_hello.as_ref().expect("client hello");
        assert_eq!(ch.server_name.as_deref(), Some("www.wirelens.test"));
    }
}

#[cfg(test)]
mod damage_tests {
    use super::*;
    use crate::capture::{Capture, CaptureBytes};
    use crate::trace::Trace;

    /// A flipped byte inside one encrypted record: that record fails
    /// authentication (and says so in Info), the records after it still
    /// decrypt.
    #[test]
    fn a_damaged_record_is_reported_and_the_stream_goes_on() {
        let dir = format!("{}/sample-captures", env!("CARGO_MANIFEST_DIR"));
        let mut bytes = std::fs::read(format!("{dir}/tls12-gcm-h1.pcap")).expect("sample");
        let keys_text = std::fs::read_to_string(format!("{dir}/tls12-gcm-h1.keys")).expect("keys");
        let load = |bytes: Vec<u8>| {
            let c = Capture::from_bytes(CaptureBytes::Owned(bytes), "t".into()).expect("capture");
            let mut t = Trace::load(c, |_| true).expect("trace");
            assert!(t.add_key_log(&keys_text).is_empty());
            t
        };
        let clean = load(bytes.clone());
        let index = TlsIndex::build(&clean.store, &clean.conversations, &clean.keys);
        // The GET /style.css record (frame 13): flip its last ciphertext byte.
        let rec = index.connections[0]
            .records
            .iter()
            .find(|r| r.packet == 12)
            .expect("record in frame 13")
            .clone();
        let offset = clean.store.entry(12).expect("entry").data_offset as usize;
        let last = offset + clean.store.entry(12).expect("entry").cap_len as usize - 1;
        bytes[last] ^= 0x55;
        let damaged = load(bytes);
        let index = TlsIndex::build(&damaged.store, &damaged.conversations, &damaged.keys);
        let c = &index.connections[0];
        let r = c
            .records
            .iter()
            .find(|r| r.span == rec.span)
            .expect("same record");
        assert_eq!(
            r.protection,
            Protection::Failed(decrypt::DecryptError::Authentication)
        );
        assert_eq!(
            r.info(),
            "Application Data [decryption failed: authentication failed]"
        );
        let after: Vec<&Record> = c.records.iter().filter(|r| r.packet > 12).collect();
        assert!(!after.is_empty());
        assert!(after
            .iter()
            .all(|r| matches!(r.protection, Protection::Decrypted(_))));
    }
}
