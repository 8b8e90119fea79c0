//! Fuzz target: any datagram as SNMP (BER read bounded by the datagram);
//! must never panic, and a row is always SNMP's. Run with
//! `cargo fuzz run app_snmp` from this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(s) = wirelens::decode::app::snmp::summary(data) {
        assert_eq!(s.protocol, "SNMP");
    }
    let _ = wirelens::decode::app::snmp::oid(data);
});
