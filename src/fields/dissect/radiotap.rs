//! The radio headers before an 802.11 frame as tshark 4.0 draws them:
//! radiotap (link type 127: revision, pad, length and the present-flags
//! words with a line per bit) and PPI (192: version, flags, length, DLT),
//! then the "802.11 radio information" layer tshark adds before the frame
//! (`wlan.rs`). Radiotap's fields are `radiotap_fields.rs`'s; the Flags
//! field is read here for its FCS bit; PPI's fields are not drawn.

use super::bits::bitfield;
use super::Node;
use crate::fields::Value;

/// Most present words read (each one's bit 31 says another follows).
const MAX_WORDS: usize = 8;

/// The bits of the first present word tshark names, with its field and
/// label; bits 29 and 30 say which namespace follows ("Radiotap NS next",
/// "Vendor NS next") and are worded True/False, the others Present/Absent.
const PRESENT_BITS: &[(u32, &str, &str)] = &[
    (0, "radiotap.present.tsft", "TSFT"),
    (1, "radiotap.present.flags", "Flags"),
    (2, "radiotap.present.rate", "Rate"),
    (3, "radiotap.present.channel", "Channel"),
    (4, "radiotap.present.fhss", "FHSS"),
    (5, "radiotap.present.dbm_antsignal", "dBm Antenna Signal"),
    (6, "radiotap.present.dbm_antnoise", "dBm Antenna Noise"),
    (7, "radiotap.present.lock_quality", "Lock Quality"),
    (8, "radiotap.present.tx_attenuation", "TX Attenuation"),
    (9, "radiotap.present.db_tx_attenuation", "dB TX Attenuation"),
    (10, "radiotap.present.dbm_tx_power", "dBm TX Power"),
    (11, "radiotap.present.antenna", "Antenna"),
    (12, "radiotap.present.db_antsignal", "dB Antenna Signal"),
    (13, "radiotap.present.db_antnoise", "dB Antenna Noise"),
    (14, "radiotap.present.rxflags", "RX flags"),
    (15, "radiotap.present.txflags", "TX flags"),
    (17, "radiotap.present.data_retries", "data retries"),
    (18, "radiotap.present.xchannel", "Channel+"),
    (19, "radiotap.present.mcs", "MCS information"),
    (20, "radiotap.present.ampdu", "A-MPDU Status"),
    (21, "radiotap.present.vht", "VHT information"),
    (22, "radiotap.present.timestamp", "frame timestamp"),
    (23, "radiotap.present.he", "HE information"),
    (24, "radiotap.present.he_mu", "HE-MU information"),
    (26, "radiotap.present.0_length_psdu", "0 Length PSDU"),
    (27, "radiotap.present.l_sig", "L-SIG"),
    (28, "radiotap.present.tlv", "TLVs"),
    (29, "radiotap.present.rtap_ns", "Radiotap NS next"),
    (30, "radiotap.present.vendor_ns", "Vendor NS next"),
    (31, "radiotap.present.ext", "Ext"),
];

fn le32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at.checked_add(4)?)
        .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]]))
}

/// One present-flags word at `at`; `first`: the word of the default
/// namespace, whose every bit tshark names (later words show only the
/// namespace and extension bits).
fn present_word(w: u32, at: usize, first: bool) -> Node {
    let r = at..at + 4;
    let mut n = Node::field(
        "radiotap.present.word",
        format!("Present flags word: 0x{w:08x}"),
        r.clone(),
        Value::Hex(u64::from(w), 8),
    );
    let v = u64::from(w);
    for &(bit, abbrev, label) in PRESENT_BITS {
        if !first && bit < 29 {
            continue;
        }
        let mask = 1u64 << bit;
        let on = v & mask != 0;
        let word = match (bit, on) {
            (29 | 30, true) => "True",
            (29 | 30, false) => "False",
            (_, true) => "Present",
            (_, false) => "Absent",
        };
        n.add(
            Node::field(
                abbrev,
                bitfield(v, mask, 32, &format!("{label}: {word}")),
                r.clone(),
                Value::Bool(on),
            )
            .masked(mask),
        );
    }
    n
}

/// The radiotap layer of `data` and the length its header claims (where
/// the 802.11 frame starts), or `None` when the fixed header is cut.
pub fn layer(data: &[u8]) -> Option<(Node, usize)> {
    let (&version, &pad) = (data.first()?, data.get(1)?);
    let len = usize::from(u16::from_le_bytes([*data.get(2)?, *data.get(3)?]));
    let shown = len.min(data.len());
    let mut n = Node::field(
        "radiotap",
        format!("Radiotap Header v{version}, Length {len}"),
        0..shown,
        Value::Present,
    );
    n.add(Node::field(
        "radiotap.version",
        format!("Header revision: {version}"),
        0..1,
        Value::UInt(u64::from(version)),
    ));
    n.add(Node::field(
        "radiotap.pad",
        format!("Header pad: {pad}"),
        1..2,
        Value::UInt(u64::from(pad)),
    ));
    n.add(Node::field(
        "radiotap.length",
        format!("Header length: {len}"),
        2..4,
        Value::UInt(len as u64),
    ));
    let mut present = Node::new("radiotap.present", "Present flags", 4..4);
    let mut at = 4;
    for i in 0..MAX_WORDS {
        // The words lie inside the header the length claims.
        if at + 4 > len {
            break;
        }
        let Some(w) = le32(data, at) else {
            break;
        };
        present.add(present_word(w, at, i == 0));
        present.bytes.end = at + 4;
        at += 4;
        if w & 0x8000_0000 == 0 {
            break;
        }
    }
    n.add(present);
    if let Some(first) = le32(data, 4).filter(|_| at > 4) {
        super::radiotap_fields::fields(data, first, at, len, &mut n);
    }
    Some((n, len))
}

/// Radiotap's Flags field (present bit 1), after the present words and
/// the TSFT (bit 0, 8 bytes aligned to 8) when there is one.
pub fn flags(data: &[u8]) -> Option<u8> {
    let first = le32(data, 4)?;
    if first & 0x2 == 0 {
        return None;
    }
    let mut at = 4;
    let mut w = first;
    while w & 0x8000_0000 != 0 && at < 4 + 4 * MAX_WORDS {
        at += 4;
        w = le32(data, at)?;
    }
    at += 4;
    if first & 0x1 != 0 {
        at = at.checked_add(7)? / 8 * 8 + 8;
    }
    let len = usize::from(u16::from_le_bytes([*data.get(2)?, *data.get(3)?]));
    (at < len).then(|| data.get(at).copied()).flatten()
}

/// The PPI header (`ppi.*`) and the length it claims.
pub fn ppi_layer(data: &[u8]) -> Option<(Node, usize)> {
    let (&version, &flags) = (data.first()?, data.get(1)?);
    let len = usize::from(u16::from_le_bytes([*data.get(2)?, *data.get(3)?]));
    let dlt = le32(data, 4)?;
    let mut n = Node::field(
        "ppi",
        format!("PPI version {version}, {}", super::bits::bytes(len)),
        0..len.min(data.len()),
        Value::Present,
    );
    n.add(Node::field(
        "ppi.version",
        format!("Version: {version}"),
        0..1,
        Value::UInt(u64::from(version)),
    ));
    let fv = u64::from(flags);
    let f = n.add(Node::field(
        "ppi.flags",
        format!("Flags: 0x{flags:02x}"),
        1..2,
        Value::Hex(fv, 2),
    ));
    let aligned = flags & 1 != 0;
    f.add(
        Node::field(
            "ppi.flags.alignment",
            bitfield(
                fv,
                0x01,
                8,
                &format!(
                    "Alignment: {}",
                    if aligned {
                        "32-bit aligned"
                    } else {
                        "Not aligned"
                    }
                ),
            ),
            1..2,
            Value::Bool(aligned),
        )
        .masked(0x01),
    );
    f.add(
        Node::field(
            "ppi.flags.reserved",
            bitfield(fv, 0xfe, 8, &format!("Reserved: 0x{:02x}", flags >> 1)),
            1..2,
            Value::Hex(fv >> 1, 2),
        )
        .masked(0xfe),
    );
    n.add(Node::field(
        "ppi.length",
        format!("Header length: {len}"),
        2..4,
        Value::UInt(len as u64),
    ));
    n.add(Node::field(
        "ppi.dlt",
        format!("DLT: {dlt}"),
        4..8,
        Value::UInt(u64::from(dlt)),
    ));
    Some((n, len))
}

/// The "802.11 radio information" layer: tshark's summary of what the
/// radio header said; with no radiotap fields it has no items.
pub fn radio_information(len: usize) -> Node {
    Node::field(
        "wlan_radio",
        "802.11 radio information",
        0..len,
        Value::Present,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_present_word() {
        let (n, len) = layer(&[0, 0, 8, 0, 0, 0, 0, 0, 0x80]).expect("radiotap");
        assert_eq!(len, 8);
        assert_eq!(n.text, "Radiotap Header v0, Length 8");
        let words = &n.children[3].children;
        assert_eq!(words.len(), 1);
        assert_eq!(words[0].text, "Present flags word: 0x00000000");
        assert_eq!(words[0].children.len(), 30);
        assert_eq!(
            words[0].children[0].text,
            ".... .... .... .... .... .... .... ...0 = TSFT: Absent"
        );
        assert_eq!(
            words[0].children[28].text,
            ".0.. .... .... .... .... .... .... .... = Vendor NS next: False"
        );
    }

    #[test]
    fn fcs_flag_and_ppi() {
        // TSFT and Flags: the flags byte after 8 bytes of TSFT.
        let mut b = vec![0, 0, 17, 0, 3, 0, 0, 0];
        b.extend_from_slice(&[0; 8]);
        b.push(0x10);
        assert_eq!(flags(&b), Some(0x10));
        assert_eq!(flags(&b[..16]), None);
        assert_eq!(flags(&[0, 0, 9, 0, 2, 0, 0, 0, 0x12]), Some(0x12));
        assert_eq!(flags(&[0, 0, 8, 0, 1, 0, 0, 0]), None);
        let (n, len) = ppi_layer(&[0, 0, 8, 0, 105, 0, 0, 0]).expect("ppi");
        assert_eq!((n.text.as_str(), len), ("PPI version 0, 8 bytes", 8));
        assert_eq!(n.children[3].text, "DLT: 105");
        assert!(ppi_layer(&[0, 0, 8, 0, 105]).is_none());
    }

    #[test]
    fn extended_words_and_cut_headers() {
        // Two words (the first with Ext and TSFT), then 8 bytes of TSFT.
        let mut b = vec![0, 0, 20, 0];
        b.extend_from_slice(&0x8000_0001u32.to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&[0; 8]);
        let (n, len) = layer(&b).expect("radiotap");
        assert_eq!(len, 20);
        let words = &n.children[3].children;
        assert_eq!(words.len(), 2);
        assert_eq!(words[1].children.len(), 3);
        assert!(words[0].children[0].text.ends_with("TSFT: Present"));
        assert!(layer(&[0, 0, 8]).is_none());
        // A length shorter than one word: no words read.
        let (n, _) = layer(&[0, 0, 2, 0, 1, 2, 3, 4]).expect("short");
        assert!(n.children[3].children.is_empty());
    }
}
