//! DNS over TCP (port 53): messages with a two-byte length prefix, several
//! per segment or one across several. As tshark 4.0, a segment's row shows
//! the last message that ends in it; a segment inside a message is a
//! "[TCP segment of a reassembled PDU]".

use super::{DirBytes, StreamRow, Summary};

/// (start, end) of each length-prefixed message; the last may end past the
/// captured bytes.
pub fn messages(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < bytes.len() {
        let Some(len) = bytes.get(pos..pos + 2) else {
            out.push((pos, usize::MAX));
            break;
        };
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        if len == 0 {
            break;
        }
        out.push((pos, pos + 2 + len));
        pos += 2 + len;
    }
    out
}

fn direction_rows(dir: DirBytes<'_>) -> Vec<(u32, StreamRow)> {
    let msgs = messages(dir.bytes);
    let mut out = Vec::new();
    let mut k = 0usize;
    for (packet, s, e) in dir.spans() {
        let mut last = None;
        let mut inside = false;
        while let Some(&(start, end)) = msgs.get(k) {
            if start >= e {
                break;
            }
            if end <= e {
                last = Some((start, end));
                k += 1;
            } else {
                inside = true;
                break;
            }
        }
        let row = match last {
            Some((start, end)) => crate::decode::dns::info(&dir.bytes[start + 2..end])
                .map(|i| StreamRow::App(Summary::new("DNS", i))),
            None if inside || s < e => Some(StreamRow::Segment { tcp_info: true }),
            None => None,
        };
        out.extend(row.map(|r| (packet, r)));
    }
    out
}

/// The rows of a DNS-over-TCP connection.
pub fn rows(client: DirBytes<'_>, server: DirBytes<'_>) -> Vec<(u32, StreamRow)> {
    let mut out = direction_rows(client);
    out.extend(direction_rows(server));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(id: u16) -> Vec<u8> {
        let mut m = id.to_be_bytes().to_vec();
        m.extend_from_slice(&[1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, b'a', 0, 0, 1, 0, 1]);
        let mut v = (m.len() as u16).to_be_bytes().to_vec();
        v.extend(m);
        v
    }

    #[test]
    fn last_message_of_the_segment_and_split_ones() {
        let mut c = query(0x1111);
        c.extend(query(0x2222));
        let split = c.len() as u64;
        c.extend(query(0x3333));
        let mid = split + 5;
        let r = rows(
            DirBytes {
                bytes: &c,
                segments: &[(0, 1), (split, 3), (mid, 5)],
            },
            DirBytes {
                bytes: &[],
                segments: &[],
            },
        );
        let info = |p| match r.iter().find(|x| x.0 == p).map(|x| &x.1) {
            Some(StreamRow::App(s)) => s.info.clone(),
            Some(StreamRow::Segment { .. }) => "segment".into(),
            None => "none".into(),
        };
        assert_eq!(info(1), "Standard query 0x2222 A a");
        assert_eq!(info(3), "segment");
        assert_eq!(info(5), "Standard query 0x3333 A a");
    }
}
