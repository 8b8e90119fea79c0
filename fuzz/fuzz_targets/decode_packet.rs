//! Fuzz target: one packet's bytes under every link type wirelens knows
//! (the first input byte picks it). Decoding, checksums, TCP options and
//! every accessor must never panic, and every offset must point inside the
//! packet.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::capture::LinkType;
use wirelens::decode::{checksum, decode, tcp_options, Transport};

const LINKS: [u16; 11] = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, packet)) = data.split_first() else {
        return;
    };
    let link = LinkType(LINKS[usize::from(pick) % LINKS.len()]);
    let orig_len = if pick & 0x80 != 0 { packet.len() as u32 + 100 } else { packet.len() as u32 };
    let d = decode(link, packet, orig_len);
    assert!(d.network_offset <= packet.len() || d.link.truncated);
    if let Some(t) = d.transport_offset {
        assert!(t <= packet.len(), "transport offset outside the packet");
    }
    if let Some(p) = d.payload_offset() {
        assert!(p + d.payload().len() <= packet.len(), "payload outside the packet");
    }
    let _ = (d.ip_src(), d.ip_dst(), d.ports(), d.tcp_len(), d.is_cut_by_snaplen());
    let _ = checksum::ipv4_header(&d);
    let _ = checksum::transport(&d);
    if let Transport::Tcp(t) = &d.transport {
        let _ = tcp_options::SynOptions::parse(t.options());
        for _ in tcp_options::TcpOptions::new(t.options()) {}
        let _ = (t.header_incomplete(), t.etherparse(), t.payload().len());
    }
});
