//! WebSocket frames after an HTTP `101` upgrade, as tshark 4.0 words them:
//! `WebSocket Text [FIN] [MASKED]`, `WebSocket Binary [FIN] ` (the opcode, then the FIN and MASK bits;
//! client frames are masked). A frame spanning segments shows on the segment
//! that ends it; the others read "[TCP segment of a reassembled PDU]".

use super::{DirBytes, Layer, StreamRow, Summary};

/// The dissector tshark hands a frame's payload to: text to the line
/// dissector, binary (and continuations) to `data`, none when it is empty
/// or a control frame's.
fn payload_layer(opcode: u8, len: u64) -> Option<Layer> {
    match opcode {
        _ if len == 0 => None,
        1 => Some(Layer::both("data-text-lines")),
        0 | 2 => Some(Layer::both("data")),
        _ => None,
    }
}

/// One frame: where it starts and ends in its direction, its Info text and
/// its protocol layers.
struct Frame {
    start: usize,
    end: usize,
    text: String,
    layers: Vec<Layer>,
}

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

/// Each frame of one direction.
fn frames(bytes: &[u8]) -> Vec<Frame> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < bytes.len() {
        let (Some(&b0), Some(&b1)) = (bytes.get(pos), bytes.get(pos + 1)) else {
            out.push(Frame {
                start: pos,
                end: usize::MAX,
                text: String::new(),
                layers: Vec::new(),
            });
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
        let mut layers = vec![Layer::both("websocket")];
        layers.extend(payload_layer(b0 & 0x0f, len));
        out.push(Frame {
            start: pos,
            end,
            text,
            layers,
        });
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
        // The HTTP dissector hands the frames on without an item of its own.
        let mut layers = vec![Layer::protocols("http")];
        let mut inside = false;
        while let Some(f) = fr.get(k) {
            if f.start >= e {
                break;
            }
            if f.end <= e {
                info.push_str(&f.text);
                layers.extend_from_slice(&f.layers);
                k += 1;
            } else {
                inside = true;
                break;
            }
        }
        if !info.is_empty() {
            let summary = Summary::new("WebSocket", info).with_layers(layers);
            out.push((packet, StreamRow::App(summary)));
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
        let names: Vec<Vec<&str>> = r
            .iter()
            .map(|(_, row)| match row {
                StreamRow::App(a) => a.layers.iter().map(|l| l.name).collect(),
                StreamRow::Segment { .. } => Vec::new(),
            })
            .collect();
        assert_eq!(
            names,
            vec![
                vec!["http", "websocket", "data-text-lines"],
                vec!["http", "websocket"],
                vec!["http", "websocket", "data"],
            ]
        );
    }
}
