//! HTTP/2 framing (RFC 9113, 4.1): the connection preface, then frames of
//! `length(3) type(1) flags(1) stream(4) payload` cut from one direction's
//! byte stream; frames may span TLS records and TCP segments.

/// The client connection preface.
pub const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
/// Largest frame payload accepted (the protocol's maximum, 2^24 - 1).
pub const MAX_FRAME: usize = (1 << 24) - 1;
/// Most frames read from one direction.
pub const MAX_FRAMES: usize = 1 << 20;

pub const DATA: u8 = 0;
pub const HEADERS: u8 = 1;
pub const PRIORITY: u8 = 2;
pub const RST_STREAM: u8 = 3;
pub const SETTINGS: u8 = 4;
pub const PUSH_PROMISE: u8 = 5;
pub const PING: u8 = 6;
pub const GOAWAY: u8 = 7;
pub const WINDOW_UPDATE: u8 = 8;
pub const CONTINUATION: u8 = 9;

pub const END_STREAM: u8 = 0x1;
pub const END_HEADERS: u8 = 0x4;
pub const PADDED: u8 = 0x8;
pub const PRIORITY_FLAG: u8 = 0x20;

/// One frame's place in its direction's stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameSpan {
    pub start: u64,
    pub end: u64,
    pub ty: u8,
    pub flags: u8,
    pub stream: u32,
}

impl FrameSpan {
    pub fn payload<'a>(&self, bytes: &'a [u8]) -> &'a [u8] {
        bytes
            .get(self.start as usize + 9..self.end as usize)
            .unwrap_or(&[])
    }

    /// The payload without padding and priority fields (DATA, HEADERS,
    /// PUSH_PROMISE carry them); `None` if the padding does not fit.
    pub fn content<'a>(&self, bytes: &'a [u8]) -> Option<&'a [u8]> {
        let mut p = self.payload(bytes);
        if matches!(self.ty, DATA | HEADERS | PUSH_PROMISE) && self.flags & PADDED != 0 {
            let pad = usize::from(*p.first()?);
            p = p.get(1..p.len().checked_sub(pad)?)?;
        }
        if self.ty == HEADERS && self.flags & PRIORITY_FLAG != 0 {
            p = p.get(5..)?;
        }
        if self.ty == PUSH_PROMISE {
            p = p.get(4..)?;
        }
        Some(p)
    }
}

/// Wireshark's name of a frame type.
pub fn type_name(ty: u8) -> String {
    match ty {
        DATA => "DATA".into(),
        HEADERS => "HEADERS".into(),
        PRIORITY => "PRIORITY".into(),
        RST_STREAM => "RST_STREAM".into(),
        SETTINGS => "SETTINGS".into(),
        PUSH_PROMISE => "PUSH_PROMISE".into(),
        PING => "PING".into(),
        GOAWAY => "GOAWAY".into(),
        WINDOW_UPDATE => "WINDOW_UPDATE".into(),
        CONTINUATION => "CONTINUATION".into(),
        16 => "ORIGIN".into(),
        _ => format!("Unknown type ({ty})"),
    }
}

/// Frames of `bytes` from offset `from`; stops at a frame the stream holds
/// only part of.
pub fn frames(bytes: &[u8], from: usize) -> Vec<FrameSpan> {
    let mut out = Vec::new();
    let mut at = from;
    while let Some(h) = bytes.get(at..at + 9) {
        if out.len() >= MAX_FRAMES {
            break;
        }
        let len = usize::from(h[0]) << 16 | usize::from(h[1]) << 8 | usize::from(h[2]);
        if len > MAX_FRAME || bytes.len() < at + 9 + len {
            break;
        }
        out.push(FrameSpan {
            start: at as u64,
            end: (at + 9 + len) as u64,
            ty: h[3],
            flags: h[4],
            stream: u32::from_be_bytes([h[5], h[6], h[7], h[8]]) & 0x7fff_ffff,
        });
        at += 9 + len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_and_padding() {
        let mut b = vec![
            0,
            0,
            4,
            DATA,
            PADDED | END_STREAM,
            0,
            0,
            0,
            3,
            1,
            b'h',
            b'i',
            0,
        ];
        b.extend_from_slice(&[0, 0, 8, SETTINGS, 0, 0, 0, 0]); // cut short
        let f = frames(&b, 0);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].stream, 3);
        assert_eq!(f[0].content(&b), Some(&b"hi"[..]));
        let bad = [0, 0, 1, DATA, PADDED, 0, 0, 0, 1, 9];
        assert_eq!(frames(&bad, 0)[0].content(&bad), None);
    }
}
