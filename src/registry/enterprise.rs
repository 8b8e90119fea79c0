//! Names of IANA's Private Enterprise Numbers (the public registry at
//! <https://www.iana.org/assignments/enterprise-numbers>), as tshark 4.0
//! words them for pcapng Custom Blocks and other PEN fields.
//!
//! `assets/enterprises.tsv.gz` is Wireshark 4.0's `enterprises.tsv` (last
//! updated 2024-08-23) without its comments: decimal number, tab, name.

use std::sync::OnceLock;

static ASSET: &[u8] = include_bytes!("../../assets/enterprises.tsv.gz");

fn table() -> &'static [(u32, Box<str>)] {
    static TABLE: OnceLock<Vec<(u32, Box<str>)>> = OnceLock::new();
    TABLE.get_or_init(|| super::load(ASSET, 10))
}

/// The registered name of enterprise number `pen`.
pub fn name(pen: u32) -> Option<&'static str> {
    super::find(table(), pen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_the_registry() {
        assert_eq!(
            name(32473),
            Some("Example Enterprise Number for Documentation Use")
        );
        assert_eq!(name(9), Some("ciscoSystems"));
        assert_eq!(name(u32::MAX), None);
    }
}
