//! Fuzz target: any bytes as a DNS message. The Info summary must never
//! panic, must end in time (compression-pointer loops, label floods) and
//! must stay bounded in length; a name past a bound is an error naming it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(info) = wirelens::decode::dns::summary(data) {
        assert!(info.len() <= 64 * 1024, "Info of {} bytes", info.len());
    }
});
