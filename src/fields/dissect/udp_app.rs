//! The tree layer of a UDP payload an application protocol claims: the same
//! choice as the Protocol column's (`decode::app::udp`), so the tree and
//! the packet list always name the same protocol.

use super::dns::{dns_as, Flavor};
use super::Node;
use crate::fields::PacketView;

/// The layer of the datagram's payload at frame offset `at`, with its names
/// in `frame.protocols`, when a protocol with a tree claims it.
pub fn layer(
    view: &PacketView<'_>,
    sp: u16,
    dp: u16,
    payload: &[u8],
    at: usize,
) -> Option<(&'static [&'static str], Node)> {
    // BOOTP without the DHCP message type (or cut short) is still drawn as
    // DHCP, though its row stays UDP's.
    if [sp, dp].iter().any(|p| matches!(p, 67 | 68)) {
        return Some((&["dhcp"][..], super::dhcp::layer(payload, at)?));
    }
    let summary = crate::decode::app::udp(sp, dp, payload)?;
    let layer = match summary.protocol {
        "MDNS" => (&["mdns"][..], dns_as(view, payload, at, Flavor::Mdns)?),
        "LLMNR" => (&["llmnr"][..], dns_as(view, payload, at, Flavor::Llmnr)?),
        "NBNS" => (&["nbns"][..], super::nbns::layer(payload, at)?),
        "NTP" => (&["ntp"][..], super::ntp::layer(payload, at)?),
        "SSDP" => (&["ssdp"][..], super::ssdp::layer(payload, at)?),
        "Syslog" => (&["syslog"][..], super::syslog::layer(payload, at)),
        "SNMP" => {
            // A value tshark hands to its variable-string dissector names
            // `snmp` a second time.
            let (n, strings) = super::snmp::layer(view, payload, at)?;
            let names: &[&str] = if strings > 0 {
                &["snmp", "snmp"]
            } else {
                &["snmp"]
            };
            (names, n)
        }
        _ => return None,
    };
    Some(layer)
}
