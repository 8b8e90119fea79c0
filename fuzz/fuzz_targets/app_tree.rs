//! Fuzz target: a whole TCP connection of one of the stream protocols the
//! details tree dissects itself (`fields::dissect::{ftp, ssh, dns_tcp,
//! pop_imap}`: FTP on 21 with its data connections, SSH on 22, DNS over
//! TCP on 53, POP on 110, IMAP on 143) and the tree of each packet. The
//! first byte picks the port; the rest is cut into segments as
//! `smtp_tree` cuts it (a control byte: direction, a retransmission or a
//! hole, and bit 7 for FTP's data connection to 10.0.0.2:2048, which a
//! `227 (10,0,0,2,8,0)` reply announces; a length byte; the payload). The
//! tree, its `-V` text and its JSON must never panic and every node's
//! bytes lie inside its packet. Run with `cargo fuzz run app_tree`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens_fuzz::Pcap;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, mut rest)) = data.split_first() else {
        return;
    };
    let port = [21u16, 22, 53, 110, 143][usize::from(pick) % 5];
    let mut pcap = Pcap::with_server_port(port);
    let (mut cseq, mut sseq, mut dseq) = (1000u32, 5000u32, 9000u32);
    pcap.tcp(true, cseq - 1, 0, 0x02, b"");
    pcap.tcp(false, sseq - 1, cseq, 0x12, b"");
    while let [ctl, len, tail @ ..] = rest {
        let n = usize::from(*len).min(tail.len());
        let (payload, after) = tail.split_at(n);
        rest = after;
        let from_client = ctl & 0x01 == 0;
        if ctl & 0x80 != 0 {
            pcap.tcp_on((40001, 2048), from_client, dseq, 0, 0x18, payload);
            dseq = dseq.wrapping_add(n as u32);
            continue;
        }
        let ack = if from_client { sseq } else { cseq };
        let seq = if from_client { &mut cseq } else { &mut sseq };
        let at = match (ctl >> 1) & 0x03 {
            0 | 3 => *seq,
            1 => seq.wrapping_sub(n as u32),
            _ => seq.wrapping_add(u32::from((ctl >> 4) & 0x07)),
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
