//! Fuzz target: the record data of every DNS type the tree draws
//! (`fields::dissect::dns::rdata`: SOA, TXT, SPF, NSEC, NSEC3, CAA,
//! SVCB/HTTPS, DS, DNSKEY, RRSIG, DNAME, HINFO, LOC, NAPTR, and the simple
//! ones of `dns.rs`). The first byte picks the type, the rest is the data
//! of one answer record of a response on UDP port 53 (a name pointer into
//! the question lets the data's names point back). The tree, its `-V`
//! text, its JSON and its row must never panic and every node's bytes lie
//! inside the packet. Run with `cargo fuzz run dns_rdata`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens_fuzz::Pcap;

const TYPES: [u16; 24] = [
    1, 2, 5, 6, 12, 13, 15, 16, 28, 29, 33, 35, 39, 41, 43, 46, 47, 48, 50, 64, 65, 99, 257, 10,
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rdata)) = data.split_first() else {
        return;
    };
    let t = TYPES[usize::from(pick) % TYPES.len()];
    let rdata = &rdata[..rdata.len().min(1400)];
    let mut dns = vec![0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0];
    dns.extend(b"\x01a\x07example\x00\x00\x01\x00\x01");
    dns.extend([0xc0, 0x0c]);
    dns.extend(t.to_be_bytes());
    dns.extend([0, 1, 0, 0, 0, 60]);
    dns.extend((rdata.len() as u16).to_be_bytes());
    dns.extend(rdata);
    let mut f = vec![0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10, 0x08, 0x00, 0x45, 0];
    f.extend(((28 + dns.len()) as u16).to_be_bytes());
    f.extend([0, 1, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1]);
    f.extend(53u16.to_be_bytes());
    f.extend(40000u16.to_be_bytes());
    f.extend(((8 + dns.len()) as u16).to_be_bytes());
    f.extend([0, 0]);
    f.extend(&dns);
    let mut pcap = Pcap::new();
    pcap.record(&f);
    let Some(session) = wirelens_fuzz::session(pcap.into_bytes()) else {
        return;
    };
    wirelens_fuzz::check_trees(&session);
});
