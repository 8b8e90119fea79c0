//! Fuzz target: a whole TLS connection (server port 443) and the details
//! tree of each of its packets: the `Transport Layer Security` layers
//! (`fields::dissect::tls`: records, handshake messages, certificates and
//! their X.509, key exchanges, alerts), the reassembly blocks of records
//! spanning segments and the protocol path beside them. The input is cut
//! into segments as `smtp_tree` cuts it (a control byte: direction, a
//! retransmission or a hole; a length byte; the payload). The tree, its
//! `-V` text and its JSON must never panic and every node's bytes lie
//! inside its packet. Run with `cargo fuzz run tls_tree` from here.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::dissect::{self, Context};
use wirelens_fuzz::Pcap;

fuzz_target!(|data: &[u8]| {
    let mut pcap = Pcap::with_server_port(443);
    let (mut cseq, mut sseq) = (1000u32, 5000u32);
    pcap.tcp(true, cseq - 1, 0, 0x02, b"");
    pcap.tcp(false, sseq - 1, cseq, 0x12, b"");
    let mut rest = data;
    while let [ctl, len, tail @ ..] = rest {
        let n = usize::from(*len).min(tail.len());
        let (payload, after) = tail.split_at(n);
        rest = after;
        let from_client = ctl & 0x01 == 0;
        let ack = if from_client { sseq } else { cseq };
        let seq = if from_client { &mut cseq } else { &mut sseq };
        let at = match (ctl >> 1) & 0x03 {
            0 | 3 => *seq,
            1 => seq.wrapping_sub(n as u32),
            _ => seq.wrapping_add(u32::from(ctl >> 4)),
        };
        pcap.tcp(from_client, at, ack, 0x18, payload);
        if (ctl >> 1) & 0x03 != 1 {
            *seq = seq.wrapping_add(n as u32);
        }
    }
    let Some(session) = wirelens_fuzz::session(pcap.into_bytes()) else {
        return;
    };
    let field = wirelens::fields::lookup("frame.protocols").map(|f| f.id);
    let mut text = String::new();
    for i in 0..session.store.len() {
        let view = session.packet_with_http(i);
        let tree = dissect::tree(&view, Context::default());
        for (_, n) in tree.walk() {
            assert!(n.bytes.end <= view.decoded.data.len());
        }
        text.clear();
        dissect::write_verbose(&tree, &mut text);
        dissect::write_json(&tree, "1970-01-01", &mut text);
        let _ = wirelens::columns::row(&view);
        if let Some(f) = field {
            let mut v = Vec::new();
            view.values(f, &mut v);
        }
    }
});
