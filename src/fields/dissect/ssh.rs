//! SSH as tshark 4.0's details tree shows it: `SSH Protocol` per segment,
//! with the version banner (`Protocol: SSH-2.0-...`), one `SSH Version 2`
//! item per binary packet (Packet Length, Padding Length, the `Key
//! Exchange` with its message code and, for KEXINIT, the algorithm lists
//! and the hassh fingerprint, Padding String, Sequence number), the
//! encrypted rest, then `[Direction: ...]`. A packet begun in earlier
//! segments comes after its `[N Reassembled TCP Segments ...]` list; a
//! segment inside one shows an empty `SSH Version 2` only.
//!
//! The items come from the reassembled directions (`decode::app::ssh`
//! splits them), the key exchange messages after KEXINIT from `ssh/kex.rs`.
//! Not drawn yet: the MAC of encrypted packets.

mod kex;

use super::Node;
use crate::decode::app::ssh::{self, Item, MSG_KEXINIT, MSG_NEWKEYS};
use crate::decode::app::{DirBytes, StreamRow};
use crate::decode::Transport;
use crate::fields::{PacketView, Value};
use std::borrow::Cow;
use std::ops::Range;

/// Bytes an FT_BYTES label shows before "…".
const SHOWN_BYTES: usize = 36;

/// The KEXINIT name-lists, by Wireshark's field names.
const NAME_LISTS: [&str; 10] = [
    "kex_algorithms",
    "server_host_key_algorithms",
    "encryption_algorithms_client_to_server",
    "encryption_algorithms_server_to_client",
    "mac_algorithms_client_to_server",
    "mac_algorithms_server_to_client",
    "compression_algorithms_client_to_server",
    "compression_algorithms_server_to_client",
    "languages_client_to_server",
    "languages_server_to_client",
];

/// The field names of [`NAME_LISTS`] and their lengths.
const NAME_LIST_FIELDS: [(&str, &str); 10] = [
    ("ssh.kex_algorithms", "ssh.kex_algorithms_length"),
    (
        "ssh.server_host_key_algorithms",
        "ssh.server_host_key_algorithms_length",
    ),
    (
        "ssh.encryption_algorithms_client_to_server",
        "ssh.encryption_algorithms_client_to_server_length",
    ),
    (
        "ssh.encryption_algorithms_server_to_client",
        "ssh.encryption_algorithms_server_to_client_length",
    ),
    (
        "ssh.mac_algorithms_client_to_server",
        "ssh.mac_algorithms_client_to_server_length",
    ),
    (
        "ssh.mac_algorithms_server_to_client",
        "ssh.mac_algorithms_server_to_client_length",
    ),
    (
        "ssh.compression_algorithms_client_to_server",
        "ssh.compression_algorithms_client_to_server_length",
    ),
    (
        "ssh.compression_algorithms_server_to_client",
        "ssh.compression_algorithms_server_to_client_length",
    ),
    (
        "ssh.languages_client_to_server",
        "ssh.languages_client_to_server_length",
    ),
    (
        "ssh.languages_server_to_client",
        "ssh.languages_server_to_client_length",
    ),
];

/// Bytes as an FT_BYTES label shows them.
fn hex_label(b: &[u8]) -> String {
    let shown: String = b
        .iter()
        .take(SHOWN_BYTES)
        .map(|x| format!("{x:02x}"))
        .collect();
    if b.len() > SHOWN_BYTES {
        format!("{shown}…")
    } else {
        shown
    }
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
}

/// What the connection's key exchange settled, for the titles.
struct Session {
    /// The negotiated key exchange method.
    kex: Option<String>,
    /// (packet, offset in the server direction) from which the methods are
    /// known: after both KEXINITs.
    kex_known: (u32, usize, bool),
    /// Where the server's key exchange reply ends (packet, offset): tshark
    /// names the ciphers from there on.
    reply_end: Option<(u32, usize)>,
    /// `(encryption:... compression:...)` per direction (client, server),
    /// when tshark 4.0 names it.
    title: [Option<String>; 2],
}

/// The packet of `d` holding byte `off`.
fn packet_of(d: DirBytes<'_>, off: usize) -> Option<u32> {
    d.spans()
        .find(|&(_, s, e)| s <= off && off < e)
        .map(|(p, _, _)| p)
}

fn session(c: DirBytes<'_>, s: DirBytes<'_>, ci: &[Item], si: &[Item]) -> Session {
    let kex = ssh::negotiated(c.bytes, s.bytes, ci, si, 0);
    let kexinit = |d: DirBytes<'_>, items: &[Item]| {
        items.iter().find_map(|i| match i {
            Item::Packet {
                start,
                end,
                code: MSG_KEXINIT,
            } => packet_of(d, end.saturating_sub(1).max(*start)),
            _ => None,
        })
    };
    let kex_known = match (kexinit(c, ci), kexinit(s, si)) {
        (Some(a), Some(b)) => (a.max(b), 0, true),
        _ => (u32::MAX, 0, false),
    };
    let reply_end = si.iter().find_map(|i| match i {
        Item::Packet {
            end, code: 31 | 33, ..
        } => Some((packet_of(s, end.saturating_sub(1))?, *end)),
        _ => None,
    });
    let title = |enc: usize, comp: usize| {
        let cipher = ssh::negotiated(c.bytes, s.bytes, ci, si, enc);
        if !ssh::tshark_decrypts(cipher.as_deref()) {
            return None;
        }
        let comp = ssh::negotiated(c.bytes, s.bytes, ci, si, comp).unwrap_or_default();
        Some(format!(
            " (encryption:{} compression:{comp})",
            cipher.unwrap_or_default()
        ))
    };
    Session {
        kex,
        kex_known,
        reply_end,
        title: [title(2, 6), title(3, 7)],
    }
}

/// The KEXINIT's `Algorithms` item: cookie, name-lists, flags and hassh.
fn algorithms(pkt: &[u8], at: usize, from_server: bool) -> Node {
    // length(4) padding(1) code(1), then the cookie.
    let mut n = Node::text("Algorithms", at + 6..at + pkt.len());
    let mut off = 6;
    let Some(cookie) = pkt.get(off..off + 16) else {
        return n;
    };
    n.add(Node::field(
        "ssh.cookie",
        format!("Cookie: {}", hex_label(cookie)),
        at + off..at + off + 16,
        super::bits::bytes_value(cookie),
    ));
    off += 16;
    let mut lists: Vec<String> = Vec::new();
    for (i, name) in NAME_LISTS.iter().enumerate() {
        let Some(len) = be32(pkt, off) else { return n };
        let (abbrev, len_abbrev) = NAME_LIST_FIELDS[i];
        n.add(Node::field(
            len_abbrev,
            format!("{name} length: {len}"),
            at + off..at + off + 4,
            Value::UInt(u64::from(len)),
        ));
        off += 4;
        let Some(v) = usize::try_from(len)
            .ok()
            .and_then(|l| pkt.get(off..off.checked_add(l)?))
        else {
            return n;
        };
        let text = String::from_utf8_lossy(v).into_owned();
        n.add(Node::field(
            abbrev,
            format!("{name} string: {}", super::body::format_text(v)),
            at + off..at + off + v.len(),
            Value::Str(Cow::Owned(text.clone())),
        ));
        lists.push(text);
        off += v.len();
    }
    if let Some(&follows) = pkt.get(off) {
        n.add(Node::field(
            "ssh.first_kex_packet_follows",
            format!("First KEX Packet Follows: {follows}"),
            at + off..at + off + 1,
            Value::UInt(u64::from(follows)),
        ));
        off += 1;
    }
    if let Some(r) = pkt.get(off..off + 4) {
        n.add(Node::field(
            "ssh.kex.reserved",
            format!("Reserved: {}", hex_label(r)),
            at + off..at + off + 4,
            super::bits::bytes_value(r),
        ));
    }
    // hassh: key exchange, cipher, MAC and compression of this side.
    let side = usize::from(from_server);
    let hassh = [0, 2 + side, 4 + side, 6 + side]
        .iter()
        .map(|&i| lists[i].as_str())
        .collect::<Vec<_>>()
        .join(";");
    let md5 = {
        use md5::{Digest, Md5};
        let d = Md5::digest(hassh.as_bytes());
        d.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let (alg_abbrev, alg_name, h_abbrev, h_name) = if from_server {
        (
            "ssh.kex.hasshserver_algorithms",
            "hasshServerAlgorithms",
            "ssh.kex.hasshserver",
            "hasshServer",
        )
    } else {
        (
            "ssh.kex.hassh_algorithms",
            "hasshAlgorithms",
            "ssh.kex.hassh",
            "hassh",
        )
    };
    let r = at..at;
    n.add(Node::field(
        alg_abbrev,
        format!("[{alg_name}: {hassh}]"),
        r.clone(),
        Value::Str(Cow::Owned(hassh.clone())),
    ));
    n.add(Node::field(
        h_abbrev,
        format!("[{h_name}: {md5}]"),
        r,
        Value::Str(Cow::Owned(md5)),
    ));
    n
}

/// Per direction, the sequence number tshark 4.0 shows for each clear-text
/// packet (by its start): a KEXINIT and NEWKEYS show the counter then
/// count, a key exchange message counts then shows, others show 0.
fn sequence_numbers(items: &[Item]) -> Vec<(usize, u32)> {
    let mut counter = 0u32;
    let mut out = Vec::new();
    for i in items {
        if let Item::Packet { start, code, .. } = i {
            let shown = match code {
                &MSG_KEXINIT | &MSG_NEWKEYS => {
                    let s = counter;
                    counter += 1;
                    s
                }
                30..=39 => {
                    counter += 1;
                    counter
                }
                _ => 0,
            };
            out.push((*start, shown));
        }
    }
    out
}

/// One clear-text binary packet's `SSH Version 2` item.
#[allow(clippy::too_many_arguments)]
fn binary_packet(
    pkt: &[u8],
    r: Range<usize>,
    code: u8,
    title: &str,
    method: Option<&str>,
    seq: u32,
    from_server: bool,
) -> Node {
    let at = r.start;
    let mut v = Node::text(title, r.clone());
    let plen = be32(pkt, 0).unwrap_or(0);
    v.add(Node::field(
        "ssh.packet_length",
        format!("Packet Length: {plen}"),
        at..at + 4,
        Value::UInt(u64::from(plen)),
    ));
    let padding = pkt.get(4).copied().unwrap_or(0);
    v.add(Node::field(
        "ssh.padding_length",
        format!("Padding Length: {padding}"),
        at + 4..at + 5,
        Value::UInt(u64::from(padding)),
    ));
    let kex_title = match method {
        Some(m) => format!("Key Exchange (method:{m})"),
        None => "Key Exchange".to_string(),
    };
    let body_end = pkt.len().saturating_sub(usize::from(padding)).max(5);
    let k = v.add(Node::text(kex_title, at + 5..at + body_end));
    k.add(Node::field(
        "ssh.message_code",
        format!("Message Code: {} ({code})", ssh::message_name(method, code)),
        at + 5..at + 6,
        Value::UInt(u64::from(code)),
    ));
    if code == MSG_KEXINIT {
        k.add(algorithms(pkt, at, from_server));
    } else if (30..40).contains(&code) {
        kex::message(method, code, &pkt[..body_end.min(pkt.len())], at, k);
    }
    let pad = &pkt[body_end.min(pkt.len())..];
    v.add(Node::field(
        "ssh.padding_string",
        format!("Padding String: {}", hex_label(pad)),
        at + body_end..at + pkt.len(),
        super::bits::bytes_value(pad),
    ));
    v.add(Node::field(
        "ssh.seq_num",
        format!("Sequence number: {seq}"),
        r.end..r.end,
        Value::UInt(u64::from(seq)),
    ));
    v
}

/// The encrypted bytes of a segment: what tshark shows without keys.
fn encrypted(b: &[u8], at: usize, title: &str, silent: bool) -> Node {
    let mut v = Node::text(title, at..at + b.len());
    if silent || b.len() <= 4 {
        return v;
    }
    v.add(Node::field(
        "ssh.packet_length_encrypted",
        format!("Packet Length (encrypted): {}", hex_label(&b[..4])),
        at..at + 4,
        super::bits::bytes_value(&b[..4]),
    ));
    v.add(Node::field(
        "ssh.encrypted_packet",
        format!("Encrypted Packet: {}", hex_label(&b[4..])),
        at + 4..at + b.len(),
        super::bits::bytes_value(&b[4..]),
    ));
    v
}

fn direction(st: &crate::flow::stream::DirStream) -> DirBytes<'_> {
    let end = st.gaps.first().map_or(st.bytes.len(), |&(o, _)| o as usize);
    DirBytes {
        bytes: &st.bytes[..end.min(st.bytes.len())],
        segments: &st.packets,
    }
}

/// The SSH layer of a segment of an SSH connection; `false` when the
/// packet is none.
pub fn layers(
    view: &PacketView<'_>,
    out: &mut Vec<Node>,
    protocols: &mut Vec<&'static str>,
) -> bool {
    let d = &view.decoded;
    let Transport::Tcp(t) = &d.transport else {
        return false;
    };
    let Some(http) = view.http else { return false };
    match http.app_row(view.index) {
        Some(StreamRow::App(r)) if r.protocol.starts_with("SSH") => {}
        Some(StreamRow::Segment { tcp_info: false }) => {}
        _ => return false,
    }
    let store = &view.trace.store;
    let Some((conv, dir)) = view.trace.conversations.of_packet(store, view.index) else {
        return false;
    };
    if conv.a.port() != 22 && conv.b.port() != 22 {
        return false;
    }
    let Some(entry) = store.entry(view.index) else {
        return false;
    };
    let streams = http.streams(store, &view.trace.conversations, entry.conversation);
    // The server is the side on port 22 (b first).
    let server_dir = if conv.b.port() == 22 { 1 } else { 0 };
    let from_server = dir.index() == server_dir;
    let (c, s) = (
        direction(&streams[1 - server_dir]),
        direction(&streams[server_dir]),
    );
    let (ci, si) = (ssh::parse(c.bytes), ssh::parse(s.bytes));
    let here = if from_server { s } else { c };
    let items = if from_server { &si } else { &ci };
    let Some((_, s0, e0)) = here.spans().find(|&(p, _, _)| p as usize == view.index) else {
        return false;
    };
    let sess = session(c, s, &ci, &si);
    let seqs = sequence_numbers(items);
    let at = d.payload_offset().unwrap_or(0);
    let payload_len = t.payload().len();
    let here_at = |off: usize| at + off - s0;
    let mut n = Node::field("ssh", "SSH Protocol", at..at + payload_len, Value::Present);
    let spans: Vec<(u32, usize, usize)> = here.spans().collect();
    let packet = view.index as u32;
    let titled = |start: usize| -> String {
        let known = sess
            .reply_end
            .is_some_and(|(p, end)| packet > p || (packet == p && from_server && start >= end));
        match (&sess.title[usize::from(from_server)], known) {
            (Some(t), true) => format!("SSH Version 2{t}"),
            _ => "SSH Version 2".to_string(),
        }
    };
    let mut complete = true;
    let mut before = Vec::new();
    // Parts of binary packets that cross this segment's edges.
    let crossing: Vec<usize> = items
        .iter()
        .filter_map(|i| match i {
            Item::Packet { start, end, .. } | Item::Banner { start, end, .. }
                if *start < e0 && *end > s0 && (*start < s0 || *end > e0) =>
            {
                Some((*end).min(e0) - (*start).max(s0))
            }
            _ => None,
        })
        .collect();
    super::pdu::segment_data(out, &crossing);
    for item in items {
        match item {
            Item::Banner { start, end, text } => {
                if *end <= s0 || *start >= e0 {
                    continue;
                }
                if *end > e0 || *start < s0 {
                    complete = false;
                    break;
                }
                n.add(Node::field(
                    "ssh.protocol",
                    format!("Protocol: {}", super::body::format_text(text.as_bytes())),
                    here_at(*start)..here_at(*end),
                    Value::Str(Cow::Owned(text.clone())),
                ));
            }
            Item::Packet { start, end, code } => {
                if *end <= s0 || *start >= e0 {
                    continue;
                }
                if *end > e0 || *end > here.bytes.len() {
                    n.add(Node::text(
                        titled(*start),
                        here_at((*start).max(s0))..at + payload_len,
                    ));
                    complete = false;
                    break;
                }
                let pkt = &here.bytes[*start..*end];
                let known = sess.kex_known.2
                    && (packet > sess.kex_known.0
                        || (packet == sess.kex_known.0 && *code != MSG_KEXINIT));
                let method = sess.kex.as_deref().filter(|_| known);
                let seq = seqs.iter().find(|(s, _)| s == start).map_or(0, |&(_, q)| q);
                let (r, reassembled) = if *start >= s0 {
                    (here_at(*start)..here_at(*end), false)
                } else {
                    (0..pkt.len(), true)
                };
                let mut v = binary_packet(pkt, r, *code, &titled(*start), method, seq, from_server);
                if reassembled {
                    before.push(super::pdu::reassembled(
                        &super::pdu::parts(&spans, *start, *end),
                        pkt,
                    ));
                    detach(&mut v);
                }
                n.add(v);
            }
            Item::Encrypted { start } => {
                let from = (*start).max(s0);
                if from >= e0 {
                    continue;
                }
                let silent = sess.title[usize::from(from_server)].is_some();
                n.add(encrypted(
                    &here.bytes[from..e0],
                    here_at(from),
                    &titled(from),
                    silent,
                ));
            }
        }
    }
    if complete {
        n.add(Node::field(
            "ssh.direction",
            format!(
                "[Direction: {}]",
                if from_server {
                    "server-to-client"
                } else {
                    "client-to-server"
                }
            ),
            at..at,
            Value::Bool(from_server),
        ));
    }
    out.extend(before);
    out.push(n);
    protocols.push("ssh");
    true
}

/// Moves a node and its children to `0..0` (reassembled bytes).
fn detach(n: &mut Node) {
    n.bytes = 0..0;
    for c in &mut n.children {
        detach(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_labels_stop_at_36() {
        assert_eq!(hex_label(&[0xab; 2]), "abab");
        assert_eq!(hex_label(&[0; 37]), format!("{}…", "00".repeat(36)));
    }

    #[test]
    fn sequence_numbers_as_tshark_counts() {
        let p = |start, code| Item::Packet {
            start,
            end: start + 1,
            code,
        };
        let items = [p(0, 20), p(1, 30), p(2, 21), p(3, 5)];
        assert_eq!(
            sequence_numbers(&items),
            vec![(0, 0), (1, 2), (2, 2), (3, 0)]
        );
    }

    #[test]
    fn kexinit_lists_and_hassh() {
        let mut pkt = vec![0, 0, 0, 0, 4, 20];
        pkt.extend([7u8; 16]);
        for (i, _) in NAME_LISTS.iter().enumerate() {
            let v: &[u8] = match i {
                0 => b"curve25519-sha256",
                2 | 3 => b"aes128-ctr",
                4 | 5 => b"hmac-sha1",
                6 | 7 => b"none",
                _ => b"",
            };
            pkt.extend((v.len() as u32).to_be_bytes());
            pkt.extend_from_slice(v);
        }
        pkt.extend([0, 0, 0, 0, 0]);
        let a = algorithms(&pkt, 0, false);
        let t: Vec<&str> = a.children.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(t[0], "Cookie: 07070707070707070707070707070707");
        assert_eq!(t[1], "kex_algorithms length: 17");
        assert_eq!(t[2], "kex_algorithms string: curve25519-sha256");
        assert_eq!(t[21], "First KEX Packet Follows: 0");
        assert_eq!(t[22], "Reserved: 00000000");
        assert_eq!(
            t[23],
            "[hasshAlgorithms: curve25519-sha256;aes128-ctr;hmac-sha1;none]"
        );
        // A list cut short ends the item without a panic.
        let cut = algorithms(&pkt[..40], 0, true);
        assert!(cut.children.len() < 5);
    }
}
