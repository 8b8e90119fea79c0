//! Fuzz target: SSH rows from two arbitrary directions, split and cut into
//! segments by `wirelens_fuzz::two_directions`. Must never panic, and every
//! row must name a packet that carried bytes. Run with `cargo fuzz run app_ssh`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    wirelens_fuzz::two_directions(data, wirelens::decode::app::ssh::rows);
});
