//! Fuzz target: any bytes as the payload the details tree reads deepest,
//! wrapped in well-formed frames so the fuzzer's bytes reach the parsers
//! directly: a DNS message on UDP port 53 (EDNS0 options included), a QUIC
//! datagram on UDP port 443, an ICMP and an ICMPv6 message (quoted
//! packets), the UDP protocols with trees (mDNS, LLMNR, NBNS, DHCP, NTP,
//! SSDP, Syslog, SNMP), IGMP, an 802.3 frame's LLC and STP, and LLDP. The tree, its `-V` text and its JSON must never panic, and
//! every node's bytes lie inside the packet. Run with
//! `cargo fuzz run tree_payloads` from this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::capture::{Capture, CaptureBytes};
use wirelens::dissect::{self, Context};
use wirelens::fields::PacketView;
use wirelens::trace::Trace;

/// An Ethernet frame carrying IPv4 (`v6`: IPv6) protocol `proto` with `payload`.
fn frame(v6: bool, proto: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10];
    if v6 {
        f.extend([0x86, 0xdd, 0x60, 0, 0, 0]);
        f.extend((payload.len() as u16).to_be_bytes());
        f.extend([proto, 64]);
        f.extend([0x20, 1, 0xd, 0xb8].iter().chain([0u8; 11].iter()).chain([1].iter()));
        f.extend([0x20, 1, 0xd, 0xb8].iter().chain([0u8; 11].iter()).chain([2].iter()));
    } else {
        f.extend([0x08, 0x00, 0x45, 0]);
        f.extend(((20 + payload.len()) as u16).to_be_bytes());
        f.extend([0, 1, 0x40, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
    }
    f.extend(payload);
    f
}

/// An Ethernet frame with `type_or_len` (an 802.3 length below 0x600).
fn eth(type_or_len: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![1, 0x80, 0xc2, 0, 0, 0, 0, 6, 7, 8, 9, 10];
    f.extend(type_or_len.to_be_bytes());
    f.extend(payload);
    f
}

fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut u = Vec::new();
    u.extend(sport.to_be_bytes());
    u.extend(dport.to_be_bytes());
    u.extend(((8 + payload.len()) as u16).to_be_bytes());
    u.extend([0, 0]);
    u.extend(payload);
    u
}

fuzz_target!(|data: &[u8]| {
    let data = &data[..data.len().min(4000)];
    let mut llc = vec![0x42, 0x42, 3];
    llc.extend(data);
    let mut snap = vec![0xaa, 0xaa, 3, 0, 0, 0, 8, 0];
    snap.extend(data);
    let mut frames = vec![
        frame(false, 2, data),
        eth(llc.len().min(1500) as u16, &llc),
        eth(snap.len().min(1500) as u16, &snap),
        eth(0x88cc, data),
    ];
    for port in [5353, 5355, 137, 67, 68, 123, 1900, 514, 161, 162] {
        frames.push(frame(false, 17, &udp(40000, port, data)));
    }
    frames.extend([
        frame(false, 17, &udp(40000, 53, data)),
        frame(false, 17, &udp(53, 40000, data)),
        frame(false, 17, &udp(50000, 443, data)),
        frame(false, 17, &udp(443, 50000, data)),
        frame(false, 1, data),
        frame(true, 58, data),
    ]);
    let mut pcap = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    pcap.extend([0, 0, 1, 0, 1, 0, 0, 0]);
    for (i, f) in frames.iter().enumerate() {
        pcap.extend((1_700_000_000u32).to_le_bytes());
        pcap.extend((i as u32).to_le_bytes());
        pcap.extend((f.len() as u32).to_le_bytes());
        pcap.extend((f.len() as u32).to_le_bytes());
        pcap.extend(f);
    }
    let Ok(capture) = Capture::from_bytes(CaptureBytes::Owned(pcap), "fuzz".into()) else {
        return;
    };
    let Ok(trace) = Trace::load(capture, |_| true) else {
        return;
    };
    let mut text = String::new();
    for i in 0..trace.store.len() {
        let view = PacketView::new(&trace, i);
        let tree = dissect::tree(&view, Context::default());
        for (_, n) in tree.walk() {
            assert!(n.bytes.end <= view.decoded.data.len());
        }
        text.clear();
        dissect::write_verbose(&tree, &mut text);
        dissect::write_json(&tree, "1970-01-01", &mut text);
    }
});
