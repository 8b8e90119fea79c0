//! Fuzz target: any bytes as an LLDPDU (and through the link-layer dispatch
//! with EtherType 0x88cc); must never panic. Run with
//! `cargo fuzz run app_lldp` from this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let a = wirelens::decode::app::lldp::summary(data);
    let b = wirelens::decode::app::link_misc::summary(Some(0x88cc), data);
    assert_eq!(a, b);
});
