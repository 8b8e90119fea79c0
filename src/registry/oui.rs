//! Ethernet vendor names by OUI (the first three bytes of a MAC address),
//! as tshark resolves them: `00:0b:82:01:fc:42` is `Grandstr_01:fc:42`.
//!
//! `assets/oui24.tsv.gz` holds the 24-bit entries of Wireshark 4.0's
//! `manuf` (IEEE's public OUI listings): hex OUI, tab, the short name. The
//! 28- and 36-bit blocks (MA-M, MA-S) are left out, so an address in one of
//! them gets the name of its 24-bit block, where manuf has one.

use std::sync::OnceLock;

static ASSET: &[u8] = include_bytes!("../../assets/oui24.tsv.gz");

fn table() -> &'static [(u32, Box<str>)] {
    static TABLE: OnceLock<Vec<(u32, Box<str>)>> = OnceLock::new();
    TABLE.get_or_init(|| super::load(ASSET, 16))
}

/// The vendor's short name of the OUI `a:b:c`.
pub fn vendor(oui: [u8; 3]) -> Option<&'static str> {
    super::find(table(), u32::from_be_bytes([0, oui[0], oui[1], oui[2]]))
}

/// A MAC address as tshark's resolved Ethernet name: `Vendor_dd:ee:ff`, or
/// the address itself when its OUI has no name.
pub fn ether_name(mac: [u8; 6]) -> String {
    match vendor([mac[0], mac[1], mac[2]]) {
        Some(v) => format!("{v}_{:02x}:{:02x}:{:02x}", mac[3], mac[4], mac[5]),
        None => mac
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_tshark() {
        assert_eq!(vendor([0x00, 0x0b, 0x82]), Some("Grandstr"));
        assert_eq!(
            ether_name([0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42]),
            "Grandstr_01:fc:42"
        );
        // A locally administered address has no vendor.
        assert_eq!(
            ether_name([0x02, 0xff, 0xff, 0x01, 0x02, 0x03]),
            "02:ff:ff:01:02:03"
        );
    }
}
