//! The RSN Information element (tag 48) of an 802.11 management frame as
//! tshark 4.0 draws it: version, group cipher suite, the pairwise cipher
//! and AKM suite lists, RSN capabilities. What follows the capabilities
//! (PMKIDs, group management cipher) is not drawn.

use super::bits::bitfield;
use super::Node;
use crate::fields::Value;

/// Most suites drawn from one list (a count is 16 bits).
const MAX_SUITES: usize = 64;

fn le16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at.checked_add(2)?)
        .map(|x| u16::from_le_bytes([x[0], x[1]]))
}

fn cipher_name(t: u8) -> &'static str {
    match t {
        0 => "Use group cipher suite",
        1 => "WEP (40-bit)",
        2 => "TKIP",
        4 => "AES (CCM)",
        5 => "WEP (104-bit)",
        6 => "BIP (128)",
        8 => "GCMP (128)",
        9 => "GCMP (256)",
        10 => "CCMP (256)",
        _ => "Unknown",
    }
}

fn akm_name(t: u8) -> &'static str {
    match t {
        1 => "WPA",
        2 => "PSK",
        3 => "FT over IEEE 802.1X",
        4 => "FT using PSK",
        5 => "WPA (SHA256)",
        6 => "PSK (SHA256)",
        8 => "SAE (SHA256)",
        9 => "FT using SAE (SHA256)",
        _ => "Unknown",
    }
}

/// "00:0f:ac (Ieee 802.11)": an OUI as tshark names it.
fn oui_text(o: &[u8]) -> String {
    let hex = format!("{:02x}:{:02x}:{:02x}", o[0], o[1], o[2]);
    if o == [0x00, 0x0f, 0xac] {
        format!("{hex} (Ieee 802.11)")
    } else {
        hex
    }
}

/// One suite (OUI and type) at element offset `i`: "OUI name type";
/// `label` names the suite, `sub` its OUI and type items.
fn suite(
    v: &[u8],
    i: usize,
    at: usize,
    (label, sub): (&str, &str),
    abbrev: (&'static str, &'static str, &'static str),
    names: fn(u8) -> &'static str,
) -> Option<(Node, String)> {
    let s = v.get(i..i + 4)?;
    let ieee = s[..3] == [0x00, 0x0f, 0xac];
    let name = if ieee { names(s[3]) } else { "Unknown" };
    let shown = format!("{} {name}", oui_text(&s[..3]));
    let r = at + i..at + i + 4;
    let oui = u64::from(u32::from_be_bytes([0, s[0], s[1], s[2]]));
    let mut n = Node::field(
        abbrev.0,
        format!("{label}: {shown}"),
        r.clone(),
        Value::Present,
    );
    n.add(Node::field(
        abbrev.1,
        format!("{sub} OUI: {}", oui_text(&s[..3])),
        r.start..r.start + 3,
        Value::UInt(oui),
    ));
    n.add(Node::field(
        abbrev.2,
        format!("{sub} type: {name} ({})", s[3]),
        r.start + 3..r.end,
        Value::UInt(u64::from(s[3])),
    ));
    Some((n, shown))
}

fn capabilities(c: u16, at: usize) -> Node {
    let r = at..at + 2;
    let v = u64::from(c);
    let mut n = Node::field(
        "wlan.rsn.capabilities",
        format!("RSN Capabilities: 0x{c:04x}"),
        r.clone(),
        Value::Hex(v, 4),
    );
    let replay = |x: u16| match x {
        0 => "1 replay counter per PTKSA/GTKSA/STAKeySA",
        1 => "2 replay counters per PTKSA/GTKSA/STAKeySA",
        2 => "4 replay counters per PTKSA/GTKSA/STAKeySA",
        _ => "16 replay counters per PTKSA/GTKSA/STAKeySA",
    };
    let tf = |b: bool| if b { "True" } else { "False" };
    let on = |m: u16| c & m != 0;
    let lines: [(&'static str, u64, String); 9] = [
        (
            "wlan.rsn.capabilities.preauth",
            0x0001,
            format!(
                "RSN Pre-Auth capabilities: {}",
                if on(0x0001) {
                    "Transmitter supports pre-authentication"
                } else {
                    "Transmitter does not support pre-authentication"
                }
            ),
        ),
        (
            "wlan.rsn.capabilities.no_pairwise",
            0x0002,
            format!(
                "RSN No Pairwise capabilities: {}",
                if on(0x0002) {
                    "Transmitter cannot support WEP default key 0 simultaneously with Pairwise key"
                } else {
                    "Transmitter can support WEP default key 0 simultaneously with Pairwise key"
                }
            ),
        ),
        (
            "wlan.rsn.capabilities.ptksa_replay_counter",
            0x000c,
            format!(
                "RSN PTKSA Replay Counter capabilities: {} (0x{:x})",
                replay(c >> 2 & 3),
                c >> 2 & 3
            ),
        ),
        (
            "wlan.rsn.capabilities.gtksa_replay_counter",
            0x0030,
            format!(
                "RSN GTKSA Replay Counter capabilities: {} (0x{:x})",
                replay(c >> 4 & 3),
                c >> 4 & 3
            ),
        ),
        (
            "wlan.rsn.capabilities.mfpr",
            0x0040,
            format!("Management Frame Protection Required: {}", tf(on(0x0040))),
        ),
        (
            "wlan.rsn.capabilities.mfpc",
            0x0080,
            format!("Management Frame Protection Capable: {}", tf(on(0x0080))),
        ),
        (
            "wlan.rsn.capabilities.jmr",
            0x0100,
            format!("Joint Multi-band RSNA: {}", tf(on(0x0100))),
        ),
        (
            "wlan.rsn.capabilities.peerkey",
            0x0200,
            format!("PeerKey Enabled: {}", tf(on(0x0200))),
        ),
        (
            "wlan.rsn.capabilities.extended_key_id_iaf",
            0x2000,
            format!(
                "Extended Key ID for Individually Addressed Frames: {}",
                if on(0x2000) {
                    "Supported"
                } else {
                    "Not supported"
                }
            ),
        ),
    ];
    for (abbrev, mask, rest) in lines {
        n.add(
            Node::field(
                abbrev,
                bitfield(v, mask, 16, &rest),
                r.clone(),
                Value::UInt((v & mask) >> mask.trailing_zeros()),
            )
            .masked(mask),
        );
    }
    n
}

/// A suite list at element offset `i`: its count, then the list node.
fn suite_list(
    v: &[u8],
    i: usize,
    at: usize,
    names: (&str, &str, &str, &str),
    abbrevs: [&'static str; 5],
    kind: fn(u8) -> &'static str,
    out: &mut Vec<Node>,
) -> Option<usize> {
    let count = le16(v, i)?;
    out.push(Node::field(
        abbrevs[0],
        format!("{}: {count}", names.0),
        at + i..at + i + 2,
        Value::UInt(u64::from(count)),
    ));
    let mut list = Node::text(names.1.to_string(), at + i + 2..at + i + 2);
    let mut j = i + 2;
    for _ in 0..usize::from(count).min(MAX_SUITES) {
        let (s, shown) = suite(
            v,
            j,
            at,
            (names.2, names.3),
            (abbrevs[2], abbrevs[3], abbrevs[4]),
            kind,
        )?;
        list.text.push(' ');
        list.text.push_str(&shown);
        list.bytes.end = at + j + 4;
        list.add(s);
        j += 4;
    }
    list.abbrev = abbrevs[1];
    out.push(list);
    Some(j)
}

/// The items of an RSN element's value `v` (at frame offset `at` of the
/// value), as many as its bytes hold.
pub fn items(v: &[u8], at: usize) -> Vec<Node> {
    let mut out = Vec::new();
    let Some(version) = le16(v, 0) else {
        return out;
    };
    out.push(Node::field(
        "wlan.rsn.version",
        format!("RSN Version: {version}"),
        at..at + 2,
        Value::UInt(u64::from(version)),
    ));
    let group = ("wlan.rsn.gcs", "wlan.rsn.gcs.oui", "wlan.rsn.gcs.type");
    let label = ("Group Cipher Suite", "Group Cipher Suite");
    let Some((g, _)) = suite(v, 2, at, label, group, cipher_name) else {
        return out;
    };
    out.push(g);
    let Some(i) = suite_list(
        v,
        6,
        at,
        (
            "Pairwise Cipher Suite Count",
            "Pairwise Cipher Suite List",
            "Pairwise Cipher Suite",
            "Pairwise Cipher Suite",
        ),
        [
            "wlan.rsn.pcs.count",
            "wlan.rsn.pcs.list",
            "wlan.rsn.pcs",
            "wlan.rsn.pcs.oui",
            "wlan.rsn.pcs.type",
        ],
        cipher_name,
        &mut out,
    ) else {
        return out;
    };
    let Some(i) = suite_list(
        v,
        i,
        at,
        (
            "Auth Key Management (AKM) Suite Count",
            "Auth Key Management (AKM) List",
            "Auth Key Management (AKM) Suite",
            "Auth Key Management (AKM)",
        ),
        [
            "wlan.rsn.akms.count",
            "wlan.rsn.akms.list",
            "wlan.rsn.akms",
            "wlan.rsn.akms.oui",
            "wlan.rsn.akms.type",
        ],
        akm_name,
        &mut out,
    ) else {
        return out;
    };
    if let Some(c) = le16(v, i) {
        out.push(capabilities(c, at + i));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wpa2_psk_element() {
        let v = [
            1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 2, 0x0c, 0,
        ];
        let n = items(&v, 100);
        let t: Vec<&str> = n.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(
            t,
            [
                "RSN Version: 1",
                "Group Cipher Suite: 00:0f:ac (Ieee 802.11) AES (CCM)",
                "Pairwise Cipher Suite Count: 1",
                "Pairwise Cipher Suite List 00:0f:ac (Ieee 802.11) AES (CCM)",
                "Auth Key Management (AKM) Suite Count: 1",
                "Auth Key Management (AKM) List 00:0f:ac (Ieee 802.11) PSK",
                "RSN Capabilities: 0x000c",
            ]
        );
        assert_eq!(
            n[5].children[0].children[1].text,
            "Auth Key Management (AKM) type: PSK (2)"
        );
        assert_eq!(
            n[6].children[2].text,
            ".... .... .... 11.. = RSN PTKSA Replay Counter capabilities: 16 replay counters per PTKSA/GTKSA/STAKeySA (0x3)"
        );
        for cut in 0..v.len() {
            let n = items(&v[..cut], 100);
            assert!(n.len() <= 7);
        }
        // A count larger than the element: the suites it holds, then stop.
        assert_eq!(items(&[1, 0, 0, 0x0f, 0xac, 4, 0xff, 0xff], 0).len(), 3);
    }
}
