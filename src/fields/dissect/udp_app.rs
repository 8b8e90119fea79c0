//! The tree layer of a UDP payload an application protocol claims: the same
//! choice as the Protocol column's (`decode::app::udp`), so the tree and
//! the packet list always name the same protocol; and Dropbox's LAN sync
//! discovery on port 17500 (whose row is `DB-LSP-DISC/JSON` when the
//! datagram is JSON), whose JSON body `body.rs` draws.

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
    let row = crate::decode::app::udp(sp, dp, payload);
    if row
        .as_ref()
        .is_some_and(|s| s.protocol == "DB-LSP-DISC/JSON")
    {
        if let Some(n) = db_lsp_disc(payload, at) {
            return Some((&["db-lsp-disc", "json"][..], n));
        }
    }
    let summary = row?;
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

/// "Dropbox LAN sync Discovery Protocol": its JSON announcement, or `None`
/// when the payload is not JSON.
fn db_lsp_disc(payload: &[u8], at: usize) -> Option<Node> {
    let r = at..at + payload.len();
    let mut json = Vec::new();
    if super::body::json("", payload, r.clone(), &mut json) {
        return None;
    }
    let mut j = json.into_iter().next()?;
    j.text = "JavaScript Object Notation".into();
    let mut n = Node::field(
        "db-lsp-disc",
        "Dropbox LAN sync Discovery Protocol",
        r,
        crate::fields::Value::Present,
    );
    n.add(j);
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropbox_discovery_is_json_or_nothing() {
        let n = db_lsp_disc(br#"{"port": 17500, "version": [1, 8]}"#, 42).expect("json");
        assert_eq!(n.text, "Dropbox LAN sync Discovery Protocol");
        assert_eq!(n.children[0].text, "JavaScript Object Notation");
        assert_eq!(n.children[0].children[0].text, "Object");
        assert!(db_lsp_disc(b"not json", 42).is_none());
    }
}
