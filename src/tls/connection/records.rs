//! One record of a TLS connection as the packet list shows it: what became
//! of its protection (clear, no key, decrypted, failed, bytes missing) and
//! its part of the Info column in Wireshark's words (alerts by name).

use super::super::decrypt::DecryptError;
use super::super::handshake;
use super::super::record::{self, RecordSpan};
use crate::flow::Direction;

/// What became of a record's protection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protection {
    /// Sent in the clear (hellos, Change Cipher Spec...).
    Plain,
    /// Encrypted, and no key was available.
    NoKey,
    /// Decrypted; the inner content type.
    Decrypted(u8),
    /// Encrypted and the keys did not open it.
    Failed(DecryptError),
    /// Part of the record's bytes were not captured.
    Gap,
}

/// One record of the connection.
#[derive(Debug, Clone)]
pub struct Record {
    pub dir: Direction,
    pub span: RecordSpan,
    /// Packet carrying the record's first byte, and the one completing it.
    pub first_packet: u32,
    pub packet: u32,
    pub protection: Protection,
    /// Handshake messages that complete in this record.
    pub messages: Vec<handshake::Message>,
    /// (level, description) of an alert.
    pub alert: Option<(u8, u8)>,
    /// Where its application data sits in the direction's plaintext.
    pub plain: Option<(u64, u64)>,
}

impl Record {
    /// The effective content type (the inner one once decrypted).
    pub fn content_type(&self) -> u8 {
        match self.protection {
            Protection::Decrypted(t) => t,
            _ => self.span.content_type,
        }
    }

    fn encrypted_label(&self) -> &'static str {
        match self.span.content_type {
            record::HANDSHAKE => "Encrypted Handshake Message",
            record::ALERT => "Encrypted Alert",
            record::CHANGE_CIPHER_SPEC => "Change Cipher Spec",
            record::HEARTBEAT => "Encrypted Heartbeat",
            _ => "Application Data",
        }
    }

    /// The record's part of the Info column, as Wireshark writes it.
    pub fn info(&self) -> String {
        let clear = match self.protection {
            Protection::Plain | Protection::Decrypted(_) => true,
            Protection::NoKey | Protection::Failed(_) | Protection::Gap => false,
        };
        let mut s = if !clear {
            self.encrypted_label().to_string()
        } else {
            match self.content_type() {
                record::CHANGE_CIPHER_SPEC => "Change Cipher Spec".into(),
                record::ALERT => match self.alert {
                    Some((level, desc)) => format!(
                        "Alert (Level: {}, Description: {})",
                        alert_level(level),
                        alert_description(desc)
                    ),
                    None => "Encrypted Alert".into(),
                },
                record::HANDSHAKE => self
                    .messages
                    .iter()
                    .map(handshake::Message::name)
                    .collect::<Vec<_>>()
                    .join(", "),
                record::HEARTBEAT => "Heartbeat".into(),
                _ => "Application Data".into(),
            }
        };
        match self.protection {
            Protection::Failed(e) => s.push_str(&format!(" [decryption failed: {e}]")),
            Protection::Gap => s.push_str(" [not decrypted: bytes missing from the capture]"),
            _ => {}
        }
        s
    }
}

/// Wireshark's name of an alert level.
pub fn alert_level(l: u8) -> String {
    match l {
        1 => "Warning".into(),
        2 => "Fatal".into(),
        _ => format!("Unknown ({l})"),
    }
}

/// Wireshark's name of an alert description.
pub fn alert_description(d: u8) -> String {
    let s = match d {
        0 => "Close Notify",
        10 => "Unexpected Message",
        20 => "Bad Record MAC",
        21 => "Decryption Failed",
        22 => "Record Overflow",
        30 => "Decompression Failure",
        40 => "Handshake Failure",
        41 => "No Certificate",
        42 => "Bad Certificate",
        43 => "Unsupported Certificate",
        44 => "Certificate Revoked",
        45 => "Certificate Expired",
        46 => "Certificate Unknown",
        47 => "Illegal Parameter",
        48 => "Unknown CA",
        49 => "Access Denied",
        50 => "Decode Error",
        51 => "Decrypt Error",
        60 => "Export Restriction",
        70 => "Protocol Version",
        71 => "Insufficient Security",
        80 => "Internal Error",
        86 => "Inappropriate Fallback",
        90 => "User Canceled",
        100 => "No Renegotiation",
        109 => "Missing Extension",
        110 => "Unsupported Extension",
        111 => "Certificate Unobtainable",
        112 => "Unrecognized Name",
        113 => "Bad Certificate Status Response",
        114 => "Bad Certificate Hash Value",
        115 => "Unknown PSK Identity",
        116 => "Certificate Required",
        120 => "No application Protocol",
        _ => return format!("Unknown ({d})"),
    };
    s.into()
}
