//! Fuzz target: IP fragments (`fields::dissect::ip_frag` and the
//! reassembly of `fields::columns::ip_fragments`). The first byte picks
//! IPv6 (even) or IPv4 (odd); the rest is cut into fragments of one or two
//! datagrams from 2001:db8::2 (10.0.0.2) to 2001:db8::1 (10.0.0.1): a
//! control byte (bit 0: more fragments, bit 1: the second identification,
//! bits 2-7 with the next byte: the offset in 8-byte units), a length byte,
//! the fragment's data. Each packet's tree, its `-V` text, its JSON and
//! its row must never panic and every node's bytes lie inside its packet.
//! Run with `cargo fuzz run ip_fragments`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens_fuzz::Pcap;

fuzz_target!(|data: &[u8]| {
    let Some((&family, mut rest)) = data.split_first() else {
        return;
    };
    let v4 = family & 1 == 1;
    let mut pcap = Pcap::new();
    let mut frames = 0;
    while let [ctl, off_lo, len, tail @ ..] = rest {
        if frames >= 64 {
            break;
        }
        frames += 1;
        let n = usize::from(*len).min(tail.len());
        let (payload, after) = tail.split_at(n);
        rest = after;
        let units = (u16::from(ctl >> 2) << 8 | u16::from(*off_lo)) & 0x1fff;
        let more = ctl & 1 == 1;
        let second = ctl & 2 != 0;
        let mut f = vec![0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10];
        if v4 {
            let flags_off = u16::from(more) << 13 | units;
            f.extend([0x08, 0x00, 0x45, 0]);
            f.extend(((20 + payload.len()) as u16).to_be_bytes());
            f.extend(if second { [0, 7] } else { [0x4a, 0x52] });
            f.extend(flags_off.to_be_bytes());
            f.extend([64, 17, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1]);
        } else {
            let word = units << 3 | u16::from(more);
            let ident: u32 = if second { 7 } else { 0x1234_5678 };
            f.extend([0x86, 0xdd, 0x60, 0, 0, 0]);
            f.extend(((8 + payload.len()) as u16).to_be_bytes());
            f.extend([44, 64]);
            f.extend(
                [0x20, 1, 0xd, 0xb8]
                    .iter()
                    .chain([0u8; 11].iter())
                    .chain([2].iter()),
            );
            f.extend(
                [0x20, 1, 0xd, 0xb8]
                    .iter()
                    .chain([0u8; 11].iter())
                    .chain([1].iter()),
            );
            f.extend([17, 0]);
            f.extend(word.to_be_bytes());
            f.extend(ident.to_be_bytes());
        }
        f.extend(payload);
        pcap.record(&f);
    }
    let Some(session) = wirelens_fuzz::session(pcap.into_bytes()) else {
        return;
    };
    wirelens_fuzz::check_trees(&session);
});
