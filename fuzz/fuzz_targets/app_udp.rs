//! Fuzz target: any datagram on the ports of every UDP protocol wirelens
//! words (DNS, mDNS, LLMNR, NBNS, DHCP, NTP, SSDP, Syslog, SNMP, Dropbox LAN sync) through the
//! dispatch, and the same bytes as IGMP, STP and LOOP. Must never panic. Run
//! with `cargo fuzz run app_udp` from this folder.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for port in [53u16, 5353, 5355, 137, 67, 68, 123, 1900, 514, 161, 17500] {
        let _ = wirelens::decode::app::udp(40000, port, data);
    }
    let _ = wirelens::decode::dns::info_with(data, true);
    let _ = wirelens::decode::app::igmp::summary(data);
    let _ = wirelens::decode::app::link_misc::summary(None, data);
    let _ = wirelens::decode::app::link_misc::summary(Some(0x9000), data);
});
