//! One TCP connection as TLS: both reassembled directions framed into
//! records, the handshake read (hellos, then, with keys, the encrypted
//! messages), records decrypted in order per direction, and the decrypted
//! application data gathered into a plaintext stream per direction for what
//! sits on top (HTTP) and for `follow --tls`.

use super::decrypt::{next_traffic_secret, DirKeys};
use super::handshake::{self, Hello};
use super::keylog::{KeyLog, Label};
use super::record::{self, RecordSpan, Stop};
use super::suites::{suite, Suite};
use crate::flow::stream::DirStream;
use crate::flow::{Conversation, Direction};

/// Ports where a stream that starts with a TLS record is taken for TLS even
/// without a hello (a capture that starts mid-connection), as Wireshark's
/// registrations do.
const TLS_PORTS: &[u16] = &[
    443, 465, 563, 636, 853, 989, 990, 992, 993, 994, 995, 5061, 8443,
];

mod records;

pub use records::{alert_description, alert_level, Protection, Record};

/// One TCP connection read as TLS.
#[derive(Debug, Clone)]
pub struct TlsConnection {
    /// Index in [`crate::flow::Conversations::all`] and `tcp.stream`.
    pub conversation: u32,
    pub stream: u32,
    /// The direction the client sends in.
    pub client: Direction,
    pub client_hello: Option<Hello>,
    pub server_hello: Option<Hello>,
    /// Packet of the Server Hello: from there on the Protocol column names
    /// the negotiated version.
    pub server_hello_packet: Option<u32>,
    /// Every record, per direction in stream order (client's first).
    pub records: Vec<Record>,
    /// Packets carrying TLS bytes but completing no record, and whether the
    /// packet's data starts a record.
    pub segments: Vec<(u32, bool)>,
    /// Decrypted application data per [`Direction::index`]; each piece is
    /// mapped to the packet completing its record.
    pub plaintext: [DirStream; 2],
    /// Why framing stopped early, per direction.
    pub stops: [Option<Stop>; 2],
    /// Keys were found for this session.
    pub keys_found: bool,
}

impl TlsConnection {
    /// The negotiated version (from the Server Hello), if seen.
    pub fn version(&self) -> Option<u16> {
        self.server_hello
            .as_ref()
            .filter(|h| !h.is_hello_retry())
            .map(Hello::chosen_version)
    }

    /// The version the session has when record `r` is read, as tshark
    /// labels the record: the Server Hello's choice for the records after
    /// the one holding it (that direction's later records, the other
    /// direction's from later packets); `None` before.
    pub fn version_at(&self, r: &Record) -> Option<u16> {
        let p = self.server_hello_packet?;
        let server = self.client.reverse();
        let sh = self.records.iter().find(|x| {
            x.dir == server
                && x.packet == p
                && x.messages
                    .iter()
                    .any(|m| m.msg_type == handshake::SERVER_HELLO)
        })?;
        let after = if r.dir == sh.dir {
            r.span.start > sh.span.start
        } else {
            r.packet > sh.packet
        };
        after.then(|| self.version()).flatten()
    }

    /// The negotiated cipher suite.
    pub fn cipher_suite(&self) -> Option<u16> {
        self.server_hello.as_ref()?.cipher_suites.first().copied()
    }

    /// The direction of the first record that was decrypted (Wireshark's
    /// follow,tls "Node 0").
    pub fn first_decrypted(&self) -> Option<&Record> {
        self.records
            .iter()
            .filter(|r| matches!(r.protection, Protection::Decrypted(_)))
            .min_by_key(|r| (r.packet, r.span.start))
    }

    /// The packets of the TLS handshake (first and last, 0-based): from the
    /// first record to the later of the two directions' first encrypted
    /// records (the Finished messages).
    pub fn handshake_packets(&self) -> Option<(u32, u32)> {
        let first = self.records.iter().map(|r| r.first_packet).min()?;
        let encrypted = |dir: Direction| {
            self.records
                .iter()
                .filter(|r| r.dir == dir)
                .find(|r| r.protection != Protection::Plain)
                .map(|r| r.packet)
        };
        let last = encrypted(self.client)
            .max(encrypted(self.client.reverse()))
            .or_else(|| self.records.iter().map(|r| r.packet).max())?;
        Some((first, last))
    }

    /// Decrypted application-data records in the order they were captured:
    /// (direction, plaintext bytes).
    pub fn app_data(&self) -> Vec<(Direction, &[u8])> {
        let mut v: Vec<&Record> = self.records.iter().filter(|r| r.plain.is_some()).collect();
        v.sort_by_key(|r| (r.packet, r.span.start));
        v.into_iter()
            .filter_map(|r| {
                let (s, e) = r.plain?;
                let bytes = self.plaintext[r.dir.index()]
                    .bytes
                    .get(s as usize..e as usize)?;
                Some((r.dir, bytes))
            })
            .collect()
    }
}

/// Whether a direction's framing says TLS: it starts with a hello, or with
/// any record on a TLS port, or (a capture that starts mid-connection on
/// another port) it is records from end to end, all of one TLS version, as
/// tshark's TLS heuristic also finds it.
fn looks_tls(spans: &[RecordSpan], stop: Option<Stop>, bytes: &[u8], port: u16) -> bool {
    let Some(first) = spans.first() else {
        return false;
    };
    let whole = stop.is_none()
        && first.version >= 0x0301
        && spans.iter().all(|s| s.version == first.version);
    let hello = first.content_type == record::HANDSHAKE
        && matches!(
            first.fragment(bytes).first(),
            Some(&handshake::CLIENT_HELLO | &handshake::SERVER_HELLO)
        );
    hello || whole || TLS_PORTS.contains(&port)
}

/// The hellos, read from the clear handshake records before encryption.
fn find_hello(spans: &[RecordSpan], bytes: &[u8], want: u8) -> Option<(Hello, u64)> {
    let mut buf = Vec::new();
    for s in spans {
        match s.content_type {
            record::HANDSHAKE => {
                buf.extend_from_slice(s.fragment(bytes));
                for (m, _) in handshake::take_messages(&mut buf) {
                    if m.msg_type == want {
                        if let Some(h) = m.hello.filter(|h| !h.is_hello_retry()) {
                            return Some((h, s.end));
                        }
                    }
                }
            }
            record::CHANGE_CIPHER_SPEC | record::APPLICATION_DATA => return None,
            _ => {}
        }
    }
    None
}

/// What one direction needs to decrypt.
struct Plan {
    suite: Suite,
    tls13: bool,
    /// TLS 1.2: the keys from the start of encryption.
    tls12: Option<DirKeys>,
    /// TLS 1.3: the handshake and first application traffic secrets.
    hs_secret: Option<Vec<u8>>,
    app_secret: Option<Vec<u8>>,
}

fn plan(keys: &KeyLog, ch: Option<&Hello>, sh: Option<&Hello>, client: bool) -> Option<Plan> {
    let (ch, sh) = (ch?, sh?);
    let suite = suite(*sh.cipher_suites.first()?)?;
    let version = sh.chosen_version();
    if version == 0x0304 {
        let (hs, app) = if client {
            (
                Label::ClientHandshakeTrafficSecret,
                Label::ClientTrafficSecret0,
            )
        } else {
            (
                Label::ServerHandshakeTrafficSecret,
                Label::ServerTrafficSecret0,
            )
        };
        let hs_secret = keys.get(&ch.random, hs).map(<[u8]>::to_vec);
        let app_secret = keys.get(&ch.random, app).map(<[u8]>::to_vec);
        if hs_secret.is_none() && app_secret.is_none() {
            return None;
        }
        return Some(Plan {
            suite,
            tls13: true,
            tls12: None,
            hs_secret,
            app_secret,
        });
    }
    if !(0x0301..=0x0303).contains(&version) {
        return None; // SSL 3.0 and unknown versions
    }
    let master = keys.get(&ch.random, Label::ClientRandom)?;
    let etm = sh.encrypt_then_mac && ch.encrypt_then_mac;
    Some(Plan {
        suite,
        tls13: false,
        tls12: Some(DirKeys::tls12(
            suite,
            version,
            master,
            (&ch.random, &sh.random),
            client,
            etm,
        )),
        hs_secret: None,
        app_secret: None,
    })
}

/// Reads a TCP connection's two reassembled directions as TLS; `None` when
/// neither direction looks like TLS.
pub fn read(
    conv: &Conversation,
    conversation: u32,
    streams: &[DirStream; 2],
    keys: &KeyLog,
) -> Option<TlsConnection> {
    let framed = [
        record::frame(&streams[0].bytes),
        record::frame(&streams[1].bytes),
    ];
    let port_of = |d: Direction| match d {
        Direction::AtoB => conv.b.port(),
        Direction::BtoA => conv.a.port(),
    };
    let tls = [Direction::AtoB, Direction::BtoA].map(|d| {
        looks_tls(
            &framed[d.index()].0,
            framed[d.index()].1,
            &streams[d.index()].bytes,
            port_of(d),
        )
    });
    if !tls[0] && !tls[1] {
        return None;
    }
    // The client is who sends the Client Hello.
    let starts_with = |d: Direction, t: u8| {
        let (spans, _) = &framed[d.index()];
        spans.first().is_some_and(|s| {
            s.content_type == record::HANDSHAKE
                && s.fragment(&streams[d.index()].bytes).first() == Some(&t)
        })
    };
    let client = if starts_with(Direction::AtoB, handshake::CLIENT_HELLO)
        || starts_with(Direction::BtoA, handshake::SERVER_HELLO)
    {
        Direction::AtoB
    } else if starts_with(Direction::BtoA, handshake::CLIENT_HELLO)
        || starts_with(Direction::AtoB, handshake::SERVER_HELLO)
    {
        Direction::BtoA
    } else {
        conv.client_direction().0
    };
    let server = client.reverse();
    let ch = find_hello(
        &framed[client.index()].0,
        &streams[client.index()].bytes,
        handshake::CLIENT_HELLO,
    );
    let sh = find_hello(
        &framed[server.index()].0,
        &streams[server.index()].bytes,
        handshake::SERVER_HELLO,
    );
    let server_hello_packet = sh
        .as_ref()
        .and_then(|(_, end)| streams[server.index()].packet_at(end.saturating_sub(1)));
    let (ch, sh) = (ch.map(|h| h.0), sh.map(|h| h.0));
    let mut conn = TlsConnection {
        conversation,
        stream: conv.stream,
        client,
        client_hello: ch,
        server_hello: sh,
        server_hello_packet,
        records: Vec::new(),
        segments: Vec::new(),
        plaintext: [Direction::AtoB, Direction::BtoA].map(|dir| DirStream {
            dir,
            ..DirStream::default()
        }),
        stops: [framed[0].1, framed[1].1],
        keys_found: false,
    };
    let tls13 = conn.version() == Some(0x0304);
    for dir in [client, server] {
        if !tls[dir.index()] {
            continue;
        }
        let stream = &streams[dir.index()];
        let plan = plan(
            keys,
            conn.client_hello.as_ref(),
            conn.server_hello.as_ref(),
            dir == client,
        );
        conn.keys_found |= plan.is_some();
        let (spans, stop) = &framed[dir.index()];
        let mut plain = DirStream {
            end_packet: stream.end_packet,
            dir,
            ..DirStream::default()
        };
        read_direction(
            dir,
            spans,
            stream,
            tls13,
            plan,
            &mut conn.records,
            &mut plain,
        );
        conn.segments.extend(segments(spans, *stop, stream));
        conn.plaintext[dir.index()] = plain;
    }
    Some(conn)
}

/// Reads one direction's records in order, decrypting where there are keys.
fn read_direction(
    dir: Direction,
    spans: &[RecordSpan],
    stream: &DirStream,
    tls13: bool,
    plan: Option<Plan>,
    out: &mut Vec<Record>,
    plain: &mut DirStream,
) {
    let bytes = &stream.bytes;
    let mut after_ccs = false;
    let mut hs_buf: Vec<u8> = Vec::new();
    let (suite, mut keys, mut app_secret) = match plan {
        Some(p) if p.tls13 => (
            Some(p.suite),
            p.hs_secret.as_deref().map(|s| DirKeys::tls13(p.suite, s)),
            p.app_secret,
        ),
        Some(p) => (Some(p.suite), p.tls12, None),
        None => (None, None, None),
    };
    let mut current_secret: Option<Vec<u8>> = None;
    for span in spans {
        let first_packet = stream.packet_at(span.start).unwrap_or(0);
        let packet = stream
            .packet_at(span.end.saturating_sub(1))
            .unwrap_or(first_packet);
        let mut rec = Record {
            dir,
            span: *span,
            first_packet,
            packet,
            protection: Protection::Plain,
            messages: Vec::new(),
            alert: None,
            plain: None,
        };
        let encrypted = if tls13 {
            span.content_type == record::APPLICATION_DATA
        } else {
            after_ccs || span.content_type == record::APPLICATION_DATA
        };
        if span.content_type == record::CHANGE_CIPHER_SPEC {
            after_ccs = true;
            out.push(rec);
            continue;
        }
        let mut content: Option<(u8, Vec<u8>)> = None;
        if !encrypted {
            content = Some((span.content_type, span.fragment(bytes).to_vec()));
        } else if stream.missing_in(span.start, span.end) > 0 {
            rec.protection = Protection::Gap;
            if let Some(k) = keys.as_mut() {
                k.seq = k.seq.wrapping_add(1);
            }
        } else if let Some(k) = keys.as_mut() {
            match k.decrypt(span.header(bytes), span.fragment(bytes)) {
                Ok((t, p)) => {
                    rec.protection = Protection::Decrypted(t);
                    content = Some((t, p));
                }
                Err(e) => rec.protection = Protection::Failed(e),
            }
        } else {
            rec.protection = Protection::NoKey;
        }
        let mut switch_to_app = false;
        let mut key_update = false;
        if let Some((ty, data)) = content {
            match ty {
                record::HANDSHAKE => {
                    hs_buf.extend_from_slice(&data);
                    if hs_buf.len() > MAX_HANDSHAKE_BUFFER {
                        hs_buf.clear();
                    }
                    for (m, _) in handshake::take_messages(&mut hs_buf) {
                        if encrypted && tls13 {
                            switch_to_app |= m.msg_type == handshake::FINISHED;
                            key_update |= m.msg_type == handshake::KEY_UPDATE;
                        }
                        rec.messages.push(m);
                    }
                }
                record::ALERT => {
                    if let [level, desc, ..] = data[..] {
                        rec.alert = Some((level, desc));
                    }
                }
                record::APPLICATION_DATA if encrypted => {
                    let start = plain.bytes.len() as u64;
                    plain.packets.push((start, packet));
                    plain.bytes.extend_from_slice(&data);
                    plain.data_bytes += data.len() as u64;
                    rec.plain = Some((start, plain.bytes.len() as u64));
                }
                _ => {}
            }
        }
        out.push(rec);
        if let Some(s) = suite.filter(|_| tls13) {
            if switch_to_app {
                current_secret = app_secret.take();
                keys = current_secret.as_deref().map(|sec| DirKeys::tls13(s, sec));
            } else if key_update {
                current_secret = current_secret.map(|sec| next_traffic_secret(s.prf, &sec));
                keys = current_secret.as_deref().map(|sec| DirKeys::tls13(s, sec));
            }
        }
    }
}

/// Most handshake bytes waiting for the rest of a message.
const MAX_HANDSHAKE_BUFFER: usize = 1 << 20;

/// Packets of a direction that carry TLS bytes but complete no record.
fn segments(spans: &[RecordSpan], stop: Option<Stop>, stream: &DirStream) -> Vec<(u32, bool)> {
    let tls_end = match stop {
        Some(Stop::Incomplete { .. }) => stream.bytes.len() as u64,
        Some(Stop::NotTls { at } | Stop::Limit { at }) => at,
        None => spans.last().map_or(0, |s| s.end),
    };
    let mut out = Vec::new();
    for (i, &(offset, packet)) in stream.packets.iter().enumerate() {
        if offset >= tls_end {
            break;
        }
        let end = stream
            .packets
            .get(i + 1)
            .map_or(stream.bytes.len() as u64, |p| p.0);
        if end <= offset {
            continue;
        }
        // A record ending inside (offset, end]?
        let k = spans.partition_point(|s| s.end <= offset);
        let completes = spans.get(k).is_some_and(|s| s.end <= end);
        if !completes {
            let starts = spans.binary_search_by_key(&offset, |s| s.start).is_ok()
                || matches!(stop, Some(Stop::Incomplete { at }) if at == offset);
            out.push((packet, starts));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::decrypt::expand_label;
    use crate::tls::suites::Hash;
    use aes_gcm::aead::{Aead, KeyInit, Payload};

    fn record(ty: u8, body: &[u8]) -> Vec<u8> {
        let mut r = vec![ty, 3, 3];
        r.extend_from_slice(&(body.len() as u16).to_be_bytes());
        r.extend_from_slice(body);
        r
    }

    fn handshake(ty: u8, body: &[u8]) -> Vec<u8> {
        let mut m = vec![ty, 0, (body.len() >> 8) as u8, body.len() as u8];
        m.extend_from_slice(body);
        m
    }

    /// A TLS 1.3 record (TLS_AES_128_GCM_SHA256) under `secret`, number `seq`.
    fn sealed(secret: &[u8], seq: u64, inner_type: u8, content: &[u8]) -> Vec<u8> {
        let key = expand_label(Hash::Sha256, secret, "key", 16);
        let mut nonce = expand_label(Hash::Sha256, secret, "iv", 12);
        for (b, s) in nonce.iter_mut().rev().zip(seq.to_be_bytes().iter().rev()) {
            *b ^= s;
        }
        let mut inner = content.to_vec();
        inner.push(inner_type);
        let header = [23, 3, 3, 0, (inner.len() + 16) as u8];
        let cipher = aes_gcm::Aes128Gcm::new_from_slice(&key).expect("key");
        let payload = Payload {
            msg: &inner,
            aad: &header,
        };
        let sealed = cipher
            .encrypt(nonce.as_slice().into(), payload)
            .expect("seal");
        let mut r = header.to_vec();
        r.extend_from_slice(&sealed);
        r
    }

    fn stream(dir: Direction, bytes: Vec<u8>, packet: u32) -> DirStream {
        DirStream {
            packets: vec![(0, packet)],
            bytes,
            dir,
            ..DirStream::default()
        }
    }

    /// The server's Finished under the handshake secret, a KeyUpdate under
    /// the first application secret, then data under the updated secret.
    #[test]
    fn tls13_key_update_switches_the_senders_keys() {
        let random = [9u8; 32];
        let mut ch = vec![3, 3];
        ch.extend_from_slice(&random);
        ch.extend_from_slice(&[0, 0, 2, 0x13, 0x01, 1, 0, 0, 0]);
        let client = record(22, &handshake(1, &ch));
        let mut sh = vec![3, 3];
        sh.extend_from_slice(&[5; 32]);
        sh.extend_from_slice(&[0, 0x13, 0x01, 0, 0, 6, 0, 43, 0, 2, 3, 4]);
        let (hs, app0) = ([1u8; 32], [2u8; 32]);
        let app1 = crate::tls::decrypt::next_traffic_secret(Hash::Sha256, &app0);
        let mut server = record(22, &handshake(2, &sh));
        server.extend(sealed(&hs, 0, 22, &handshake(20, &[7; 32])));
        server.extend(sealed(&app0, 0, 22, &handshake(24, &[0])));
        server.extend(sealed(&app1, 0, 23, b"after the update"));
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        let mut keys = KeyLog::new();
        let text = format!(
            "SERVER_HANDSHAKE_TRAFFIC_SECRET {r} {}\nSERVER_TRAFFIC_SECRET_0 {r} {}\n",
            hex(&hs),
            hex(&app0),
            r = hex(&random)
        );
        assert!(keys.add_text(&text).is_empty());
        let conv = Conversation {
            protocol: crate::flow::Protocol::Tcp,
            stream: 0,
            a: "10.0.0.1:40000".parse().expect("addr"),
            b: "10.0.0.2:443".parse().expect("addr"),
            first_packet: 0,
            last_packet: 1,
            first_ts: 0,
            last_ts: 0,
            packets: [1, 1],
            bytes: [0, 0],
            tcp: None,
        };
        let streams = [
            stream(Direction::AtoB, client, 0),
            stream(Direction::BtoA, server, 1),
        ];
        let conn = read(&conv, 0, &streams, &keys).expect("TLS");
        let infos: Vec<String> = conn.records.iter().map(Record::info).collect();
        assert_eq!(
            infos,
            [
                "Client Hello",
                "Server Hello",
                "Finished",
                "Key Update",
                "Application Data"
            ]
        );
        assert_eq!(
            conn.app_data(),
            vec![(Direction::BtoA, &b"after the update"[..])]
        );
    }
}
