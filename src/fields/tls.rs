//! The `tls.*` fields of one packet, from the records that complete in it,
//! as `tshark -T fields` gives them (one value per record or message).

use super::{FieldId, Value};
use crate::tls::handshake::{self, Hello};
use crate::tls::{AtPacket, Protection, TlsIndex};
use std::borrow::Cow;

/// Pushes the values of a `tls.*` field of packet `index` (0-based).
pub fn values<'t>(
    index: &TlsIndex,
    packet: usize,
    field: FieldId,
    push: &mut impl FnMut(Value<'t>),
) {
    use FieldId as F;
    let Some(AtPacket::Records(conn, recs)) = index.at_packet(packet) else {
        return;
    };
    let records = recs.iter().filter_map(|&i| conn.records.get(i as usize));
    let text = |s: String| Value::Str(Cow::Owned(s));
    let hex = |v: u16| Value::Hex(u64::from(v), 4);
    if field == F::Tls {
        push(Value::Present);
        return;
    }
    for r in records {
        match field {
            F::TlsRecordContentType => {
                if let Some(t) = shown_content_type(conn, r) {
                    push(Value::UInt(u64::from(t)));
                }
            }
            F::TlsRecordVersion => push(hex(r.span.version)),
            F::TlsRecordLength => push(Value::UInt(r.span.end - r.span.start - 5)),
            F::TlsAlertMessageLevel => {
                if let Some((level, _)) = r.alert {
                    push(Value::UInt(u64::from(level)));
                }
            }
            F::TlsAlertMessageDesc => {
                if let Some((_, desc)) = r.alert {
                    push(Value::UInt(u64::from(desc)));
                }
            }
            _ => {}
        }
        for m in &r.messages {
            let hello: Option<&Hello> = m.hello.as_ref();
            let client = m.msg_type == handshake::CLIENT_HELLO;
            let server = m.msg_type == handshake::SERVER_HELLO;
            match (field, hello) {
                (F::TlsHandshakeType, _) => push(Value::UInt(u64::from(m.msg_type))),
                (F::TlsHandshakeExtensionsServerName, Some(h)) => {
                    if let Some(n) = &h.server_name {
                        push(text(n.clone()));
                    }
                }
                (F::TlsHandshakeExtensionsAlpnStr, Some(h)) => {
                    for a in &h.alpn {
                        push(text(a.clone()));
                    }
                }
                (F::TlsHandshakeExtensionsSupportedVersion, Some(h)) => {
                    for &v in &h.supported_versions {
                        push(hex(v));
                    }
                }
                (F::TlsHandshakeCiphersuite, Some(h)) => {
                    for &c in &h.cipher_suites {
                        push(hex(c));
                    }
                }
                (F::TlsHandshakeJa3Full, Some(h)) if client => push(text(handshake::ja3_full(h))),
                (F::TlsHandshakeJa3, Some(h)) if client => {
                    push(text(handshake::md5_hex(&handshake::ja3_full(h))));
                }
                (F::TlsHandshakeJa3sFull, Some(h)) if server => push(text(handshake::ja3s_full(h))),
                (F::TlsHandshakeJa3s, Some(h)) if server => {
                    push(text(handshake::md5_hex(&handshake::ja3s_full(h))));
                }
                _ => {}
            }
        }
    }
}

/// The type tshark shows as a record's `tls.record.content_type`: a clear
/// record's, a decrypted record's inner type, and an encrypted one's outer
/// type before TLS 1.3 (a TLS 1.3 record's outer type is its "Opaque
/// Type", `tls.record.opaque_type`, as the tree draws it).
fn shown_content_type(conn: &crate::tls::TlsConnection, r: &crate::tls::Record) -> Option<u8> {
    let opaque = r.span.content_type == crate::tls::record::APPLICATION_DATA
        && conn.version_at(r) == Some(0x0304);
    match r.protection {
        Protection::Plain => Some(r.span.content_type),
        Protection::Decrypted(inner) => Some(inner),
        _ => (!opaque).then_some(r.span.content_type),
    }
}
