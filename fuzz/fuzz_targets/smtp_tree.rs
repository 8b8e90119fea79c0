//! Fuzz target: a whole SMTP connection (server port 25) and the details
//! tree of each of its packets: the SMTP layer (command and reply lines,
//! DATA fragments, the end of a message) and the Internet Message Format
//! layer after it (`fields::dissect::smtp`). The input is cut into
//! segments as `http_connection` cuts it (a control byte: direction, a
//! retransmission or a hole; a length byte; the payload). The tree, its
//! `-V` text and its JSON must never panic and every node's bytes lie
//! inside its packet. Run with `cargo fuzz run smtp_tree` from here.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens_fuzz::Pcap;

fuzz_target!(|data: &[u8]| {
    let mut pcap = Pcap::with_server_port(25);
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
    wirelens_fuzz::check_trees(&session);
});
