//! WebSocket frames after an HTTP `101` upgrade, as tshark 4.0 words them:
//! `WebSocket Text [FIN] [MASKED]`, `WebSocket Binary [FIN] ` (the opcode, then the FIN and MASK bits;
//! client frames are masked). A frame spanning segments shows on the segment
//! that ends it; the others read "[TCP segment of a reassembled PDU]".

use super::{DirBytes, StreamRow, Summary};

fn opcode_name(op: u8) -> String {
    match op {
        0 => "Continuation".into(),
        1 => "Text".into(),
        2 => "Binary".into(),
        8 => "Connection Close".into(),
        9 => "Ping".into(),
        10 => "Pong".into(),
        o => format!("Unknown {o}"),
    }
}

/// (start, end, text) of each frame of one direction.
fn frames(bytes: &[u8]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < bytes.len() {
        let (Some(&b0), Some(&b1)) = (bytes.get(pos), bytes.get(pos + 1)) else {
            out.push((pos, usize::MAX, String::new()));
            break;
        };
        let masked = b1 & 0x80 != 0;
        let (len, ext) = match b1 & 0x7f {
            126 => match bytes.get(pos + 2..pos + 4) {
                Some(l) => (u64::from(u16::from_be_bytes([l[0], l[1]])), 2),
                None => (u64::MAX, 2),
            },
            127 => match bytes.get(pos + 2..pos + 10) {
                Some(l) => (u64::from_be_bytes(l.try_into().unwrap_or([0xff; 8])), 8),
                None => (u64::MAX, 8),
            },
            l => (u64::from(l), 0),
        };
        let header = 2 + ext + if masked { 4 } else { 0 };
        let end = usize::try_from(len)
            .ok()
            .and_then(|l| (pos + header).checked_add(l))
            .unwrap_or(usize::MAX);
        // tshark: "WebSocket Binary [FIN] ", "WebSocket Text [FIN] [MASKED]".
        let mut text = format!("WebSocket {} ", opcode_name(b0 & 0x0f));
        if b0 & 0x80 != 0 {
            text.push_str("[FIN] ");
        }
        if masked {
            text.push_str("[MASKED]");
        }
        out.push((pos, end, text));
        if end == usize::MAX {
            break;
        }
        pos = end;
    }
    out
}

fn direction_rows(dir: DirBytes<'_>) -> Vec<(u32, StreamRow)> {
    let fr = frames(dir.bytes);
    let mut out = Vec::new();
    let mut k = 0usize;
    for (packet, s, e) in dir.spans() {
        let mut info = String::new();
        let mut inside = false;
        while let Some((start, end, text)) = fr.get(k) {
            if *start >= e {
                break;
            }
            if *end <= e {
                info.push_str(text);
                k += 1;
            } else {
                inside = true;
                break;
            }
        }
        if !info.is_empty() {
            out.push((packet, StreamRow::App(Summary::new("WebSocket", info))));
        } else if inside || s < e {
            out.push((packet, StreamRow::Segment { tcp_info: true }));
        }
    }
    out
}

/// The rows of the two directions of an upgraded connection, each from the
/// first byte after the HTTP exchange.
pub fn rows(client: DirBytes<'_>, server: DirBytes<'_>) -> Vec<(u32, StreamRow)> {
    let mut out = direction_rows(client);
    out.extend(direction_rows(server));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_as_tshark() {
        let c = [0x81u8, 0x82, 1, 2, 3, 4, 0x69, 0x6b];
        let s = [0x89u8, 0x00, 0x82, 0x01, 0x41];
        let r = rows(
            DirBytes {
                bytes: &c,
                segments: &[(0, 3)],
            },
            DirBytes {
                bytes: &s,
                segments: &[(0, 4), (2, 6)],
            },
        );
        let text: Vec<String> = r
            .iter()
            .map(|(p, row)| match row {
                StreamRow::App(a) => format!("{p} {}", a.info),
                StreamRow::Segment { .. } => format!("{p} segment"),
            })
            .collect();
        assert_eq!(
            text,
            vec![
                "3 WebSocket Text [FIN] [MASKED]",
                "4 WebSocket Ping [FIN] ",
                "6 WebSocket Binary [FIN] "
            ]
        );
    }
}
