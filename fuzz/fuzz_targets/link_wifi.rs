//! Fuzz target: any bytes as a bare 802.11, radiotap or PPI packet, decoded
//! through the link layer (LLC/SNAP to IP) and worded for the Info column.
//! Must never panic. Run with `cargo fuzz run link_wifi` from this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::capture::LinkType;

fuzz_target!(|data: &[u8]| {
    for lt in [105u16, 127, 192] {
        let d = wirelens::decode::decode(LinkType(lt), data, data.len() as u32);
        assert!(d.link.header_len <= data.len(), "link header past the packet");
        let _ = wirelens::decode::link::wifi::summary(LinkType(lt), data);
    }
});
