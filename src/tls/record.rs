//! The TLS record layer of one direction: a reassembled byte stream cut into
//! records (`type(1) version(2) length(2) fragment`). A record may span TCP
//! segments and a segment may hold several records; framing stops at the
//! first header that is not a TLS record (the rest of the direction is not
//! TLS) or at a record the capture holds only part of.

/// The largest record fragment accepted: 2^14 plus the 2048 bytes of
/// expansion TLS 1.2 allows a protected record (RFC 5246, 6.2.3).
pub const MAX_FRAGMENT: usize = (1 << 14) + 2048;
/// Most records framed in one direction; the rest of it is left unframed.
pub const MAX_RECORDS: usize = 1 << 20;

pub const CHANGE_CIPHER_SPEC: u8 = 20;
pub const ALERT: u8 = 21;
pub const HANDSHAKE: u8 = 22;
pub const APPLICATION_DATA: u8 = 23;
pub const HEARTBEAT: u8 = 24;

/// A record's position in its direction's stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordSpan {
    /// Offset of the header's first byte.
    pub start: u64,
    /// One past the fragment's last byte.
    pub end: u64,
    pub content_type: u8,
    pub version: u16,
}

impl RecordSpan {
    pub fn fragment<'a>(&self, stream: &'a [u8]) -> &'a [u8] {
        stream
            .get(self.start as usize + 5..self.end as usize)
            .unwrap_or(&[])
    }

    pub fn header<'a>(&self, stream: &'a [u8]) -> &'a [u8] {
        stream
            .get(self.start as usize..self.start as usize + 5)
            .unwrap_or(&[])
    }
}

/// Why framing stopped before the end of the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The stream ended inside a record (the capture stopped, or more bytes
    /// were still to come).
    Incomplete { at: u64 },
    /// Bytes that do not start a TLS record.
    NotTls { at: u64 },
    /// [`MAX_RECORDS`] reached.
    Limit { at: u64 },
}

/// A plausible record header at the start of `b`: a known content type, a
/// version SSL 3.0 to TLS 1.3, a length within [`MAX_FRAGMENT`].
pub fn header_at(b: &[u8]) -> Option<(u8, u16, usize)> {
    let h = b.get(..5)?;
    let (ty, major, minor) = (h[0], h[1], h[2]);
    let len = usize::from(u16::from_be_bytes([h[3], h[4]]));
    let ok = (CHANGE_CIPHER_SPEC..=HEARTBEAT).contains(&ty)
        && major == 3
        && minor <= 4
        && len <= MAX_FRAGMENT;
    ok.then_some((ty, u16::from_be_bytes([major, minor]), len))
}

/// Frames `stream` into records from its start.
pub fn frame(stream: &[u8]) -> (Vec<RecordSpan>, Option<Stop>) {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at < stream.len() {
        if out.len() >= MAX_RECORDS {
            return (out, Some(Stop::Limit { at: at as u64 }));
        }
        let rest = &stream[at..];
        if rest.len() < 5 {
            // A header cut short: plausible if what there is matches.
            let plausible = (CHANGE_CIPHER_SPEC..=HEARTBEAT).contains(&rest[0])
                && rest.get(1).is_none_or(|&m| m == 3);
            let stop = if plausible {
                Stop::Incomplete { at: at as u64 }
            } else {
                Stop::NotTls { at: at as u64 }
            };
            return (out, Some(stop));
        }
        let Some((content_type, version, len)) = header_at(rest) else {
            return (out, Some(Stop::NotTls { at: at as u64 }));
        };
        if rest.len() < 5 + len {
            return (out, Some(Stop::Incomplete { at: at as u64 }));
        }
        out.push(RecordSpan {
            start: at as u64,
            end: (at + 5 + len) as u64,
            content_type,
            version,
        });
        at += 5 + len;
    }
    (out, None)
}

/// Wireshark's name of a protocol version (the Protocol column).
pub fn version_name(v: u16) -> &'static str {
    match v {
        0x0300 => "SSLv3",
        0x0301 => "TLSv1",
        0x0302 => "TLSv1.1",
        0x0303 => "TLSv1.2",
        0x0304 => "TLSv1.3",
        _ => "TLS",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_several_records_and_stops_inside_one() {
        let mut s = vec![22, 3, 1, 0, 2, 1, 2, 20, 3, 3, 0, 1, 1];
        s.extend_from_slice(&[23, 3, 3, 0, 10, 0]);
        let (r, stop) = frame(&s);
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].start, r[0].end, r[0].version), (0, 7, 0x0301));
        assert_eq!(r[1].fragment(&s), &[1]);
        assert_eq!(stop, Some(Stop::Incomplete { at: 13 }));
    }

    #[test]
    fn rejects_what_is_not_tls() {
        assert_eq!(frame(b"GET / HTTP/1.1\r\n").1, Some(Stop::NotTls { at: 0 }));
        assert_eq!(header_at(&[23, 3, 3, 0xff, 0xff]), None);
        assert_eq!(frame(&[]), (Vec::new(), None));
    }
}
