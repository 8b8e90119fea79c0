//! Fuzz target: a whole HTTP connection. The input is cut into segments
//! (each: a control byte for direction, flags and reordering, a length byte,
//! then that many payload bytes), written as a pcap after a handshake, and
//! loaded as a trace: reassembly, message pairing, pipelining, resync after
//! gaps, body decoding, the Info column and export names must never panic,
//! and export names must stay inside the export folder; a body exported
//! without an HTTP head (HTTP/0.9) is the tail of its segment.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::http::export::{base_name, plan, ExportOptions};
use wirelens_fuzz::Pcap;

fuzz_target!(|data: &[u8]| {
    let mut pcap = Pcap::new();
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
        // Bits 1-2: in order, a retransmission, a hole before, or sent early.
        let at = match (ctl >> 1) & 0x03 {
            0 => *seq,
            1 => seq.wrapping_sub(n as u32),
            2 => seq.wrapping_add(u32::from(ctl >> 4)),
            _ => seq.wrapping_add(n as u32),
        };
        let flags = 0x18 | if ctl & 0x08 != 0 { 0x01 } else { 0 };
        pcap.tcp(from_client, at, ack, flags, payload);
        if (ctl >> 1) & 0x03 == 0 {
            *seq = seq.wrapping_add(n as u32);
        }
    }
    let Some(trace) = wirelens_fuzz::session(pcap.into_bytes()) else {
        return;
    };
    let http = trace.http();
    for t in &http.transactions {
        for m in [t.request.as_ref(), t.response.as_ref()].into_iter().flatten().chain(&t.interim) {
            assert!(m.start <= m.end);
            let head = m.head(&trace.store).expect("a head that parsed once parses again");
            let _ = m.info(&head);
            // The compact message's lengths add up: head, body on the wire,
            // the message's extent; its pieces make its length.
            if !m.is_http2() {
                assert_eq!(m.start + head.len as u64 + m.body().wire_len(), m.end, "head and body make the message");
            }
            let pieces: u64 = m.body().pieces().iter().map(|r| r.end - r.start).sum();
            assert_eq!(pieces, m.body().len(), "the pieces make the body");
            let raw = http.body_bytes(&trace.store, &trace.conversations, m);
            assert_eq!(raw.len() as u64, m.body().len(), "a body read again has the length found when indexing");
            let _ = m.decode_body(&head, &raw, 1 << 20);
            let request = t.request.as_ref().and_then(|r| r.head(&trace.store));
            let uri = request.as_ref().and_then(|h| h.uri());
            let name = base_name(&head, uri, t.stream, t.number);
            assert!(!name.contains('/') && !name.contains('\\') && !name.starts_with('.'), "unsafe name {name:?}");
            assert!(!name.chars().any(wirelens::text::is_unsafe), "unsafe character in {name:?}");
        }
    }
    for i in 0..trace.store.len() {
        let _ = wirelens::columns::row(&trace.packet_with_http(i));
    }
    // Export, with the segments tshark exports without an HTTP head: each
    // one a non-empty tail of its packet's payload, under a safe name.
    for item in plan(&trace.store, &trace.conversations, http, &ExportOptions::default()) {
        assert!(!item.name.contains('/') && !item.name.starts_with('.'), "unsafe name {:?}", item.name);
        if item.message.is_none() {
            let packet = usize::try_from(item.frame - 1).expect("frame");
            let payload = trace.store.decode(packet).payload();
            assert!(!item.data.is_empty() && payload.ends_with(&item.data), "a headless body is its segment's tail");
        }
    }
});
