//! Public registries tshark names numbers from, embedded as compressed
//! tables under `assets/`: IEEE's MAC address blocks (OUIs) and IANA's
//! Private Enterprise Numbers, both as Wireshark 4.0 ships them
//! (`/usr/share/wireshark/manuf`, `/usr/share/wireshark/enterprises.tsv`).
//!
//! Each asset is gzip of `KEY<TAB>NAME` lines, decompressed once on first
//! use. A corrupt asset (it is compiled in, so only a broken build) yields
//! an empty table: every lookup then answers `None`.

pub mod enterprise;
pub mod oui;

use std::io::Read;

/// The `KEY<TAB>NAME` lines of a gzip asset, keys read in `radix`, sorted
/// by key for [`find`].
fn load(gz: &[u8], radix: u32) -> Vec<(u32, Box<str>)> {
    let mut text = String::new();
    if flate2::read::GzDecoder::new(gz)
        .read_to_string(&mut text)
        .is_err()
    {
        return Vec::new();
    }
    let mut table: Vec<(u32, Box<str>)> = text
        .lines()
        .filter_map(|l| {
            let (k, v) = l.split_once('\t')?;
            Some((u32::from_str_radix(k, radix).ok()?, v.into()))
        })
        .collect();
    table.sort_by_key(|(k, _)| *k);
    table
}

/// The name of `key` in a table from [`load`].
fn find(table: &[(u32, Box<str>)], key: u32) -> Option<&str> {
    let i = table.binary_search_by_key(&key, |(k, _)| *k).ok()?;
    table.get(i).map(|(_, v)| &**v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_asset_is_an_empty_table() {
        assert!(load(b"not gzip", 10).is_empty());
        let t = vec![(1, "a".into()), (5, "b".into())];
        assert_eq!(find(&t, 5), Some("b"));
        assert_eq!(find(&t, 2), None);
    }
}
