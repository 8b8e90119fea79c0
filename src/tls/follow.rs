//! `follow --tls`: a TLS connection's decrypted application data, both
//! directions in the order captured, as tshark's `-z follow,tls` prints it.

use crate::flow::Conversations;
use std::fmt::Write as _;

const RULE: &str = "===================================================================";

/// tshark 4.0's `-z follow,tls,raw,N` text for `tcp.stream` N: one hex line
/// per decrypted application-data record, lines of the second node indented
/// by a tab. Node 0 is the sender of the first decrypted record; tshark 4.0
/// prints Node 1 as ":0" (it never fills it in), and so does this.
/// `None` when the stream does not exist.
pub fn tshark_raw(
    conversations: &Conversations,
    tls: &super::TlsIndex,
    stream: u32,
) -> Option<String> {
    let conv = conversations.tcp_stream(stream)?;
    let mut out = format!("\n{RULE}\nFollow: tls,raw\nFilter: tcp.stream eq {stream}\n");
    let ci = conversations
        .all()
        .iter()
        .position(|c| std::ptr::eq(c, conv))? as u32;
    let conn = tls.of_conversation(ci);
    let node0 = conn.and_then(|c| c.first_decrypted()).map(|r| r.dir);
    match node0 {
        Some(d) => {
            let addr = match d {
                crate::flow::Direction::AtoB => conv.a,
                crate::flow::Direction::BtoA => conv.b,
            };
            let _ = writeln!(out, "Node 0: {addr}");
        }
        None => out.push_str("Node 0: :0\n"),
    }
    out.push_str("Node 1: :0\n");
    if let (Some(conn), Some(node0)) = (conn, node0) {
        for (dir, bytes) in conn.app_data() {
            // TLS 1.0's empty records (OpenSSL's countermeasure to BEAST,
            // one before each CBC record) carry nothing to follow.
            if bytes.is_empty() {
                continue;
            }
            if dir != node0 {
                out.push('\t');
            }
            for b in bytes {
                let _ = write!(out, "{b:02x}");
            }
            out.push('\n');
        }
    }
    out.push_str(RULE);
    out.push('\n');
    Some(out)
}
