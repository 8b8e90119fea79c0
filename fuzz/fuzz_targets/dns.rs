//! Fuzz target: any bytes as a DNS message. The Info summary must never
//! panic, must end in time (compression-pointer loops, label floods) and
//! must stay bounded in length.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(info) = wirelens::decode::dns::info(data) {
        assert!(info.len() <= 64 * 1024, "Info of {} bytes", info.len());
    }
});
