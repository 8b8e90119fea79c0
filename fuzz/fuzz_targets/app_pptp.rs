//! Fuzz target: PPTP's control connection rows from two arbitrary
//! directions (split into segments by `wirelens_fuzz::two_directions`), and
//! the same bytes as a GRE packet and as a PPP frame (the tunnel PPTP sets
//! up). Must never panic; every row must name a packet that carried bytes,
//! and a path that is worded starts with its own protocol. Run with `cargo
//! fuzz run app_pptp` from this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::decode::app::{gre, ppp, pptp};

fuzz_target!(|data: &[u8]| {
    wirelens_fuzz::two_directions(data, pptp::rows);
    if let Some(s) = gre::summary(data) {
        assert_eq!(s.layers.first().map(|l| l.name), Some("gre"));
    }
    if let Some(s) = ppp::summary(data) {
        assert_eq!(s.layers.first().map(|l| l.name), Some("ppp"));
    }
    let _ = gre::split(data);
    let _ = ppp::split(data);
});
