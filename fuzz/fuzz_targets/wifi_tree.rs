//! Fuzz target: 802.11 packets, bare (link type 105), behind radiotap (127)
//! or PPI (192), and the details tree of each (`fields::dissect::{wifi,
//! radiotap, wlan, wlan_mgt}`: radio headers, the frame, management
//! parameters, LLC and what follows). The first byte picks the link type;
//! the rest is cut into packets by a length byte before each. The tree, its
//! `-V` text and its JSON must never panic and every node's bytes lie
//! inside its packet. Run with `cargo fuzz run wifi_tree` from here.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, mut rest)) = data.split_first() else {
        return;
    };
    let link_type = [105u32, 127, 192][usize::from(pick) % 3];
    let mut bytes = Vec::new();
    for x in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 262_144, link_type] {
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    let mut n = 0u32;
    while let [len, tail @ ..] = rest {
        let take = usize::from(*len).min(tail.len());
        let (packet, after) = tail.split_at(take);
        rest = after;
        for x in [1_700_000_000u32, n, take as u32, take as u32] {
            bytes.extend_from_slice(&x.to_le_bytes());
        }
        bytes.extend_from_slice(packet);
        n += 1;
    }
    let Some(session) = wirelens_fuzz::session(bytes) else {
        return;
    };
    wirelens_fuzz::check_trees(&session);
});
