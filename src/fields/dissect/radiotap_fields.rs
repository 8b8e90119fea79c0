//! The fields a radiotap header's first present word announces, as tshark
//! 4.0 draws them under the header: MAC timestamp (TSFT), Flags with their
//! bits, data rate, channel frequency and flags, antenna signal and noise
//! (dBm), antenna, RX flags. Each field sits at its natural alignment from
//! the header's start; the ones not drawn (FHSS, lock quality, TX
//! attenuation and power, dB signal and noise, TX flags, MCS, VHT, ...) are
//! stepped over by their size, and an unknown bit ends the walk.

use super::bits::bitfield;
use super::Node;
use crate::fields::Value;

/// (alignment, size) of the field of each present bit 0..=27, `None` for
/// a bit whose layout is not known here.
fn layout(bit: u32) -> Option<(usize, usize)> {
    Some(match bit {
        0 => (8, 8),
        1 | 2 | 5 | 6 | 10 | 11 | 12 | 13 | 17 | 26 => (1, 1),
        3 => (2, 4),
        4 | 7 | 8 | 9 | 14 | 15 => (2, 2),
        18 => (4, 8),
        19 => (1, 3),
        20 => (4, 8),
        21 => (2, 12),
        22 => (8, 12),
        23 => (2, 12),
        24 => (2, 6),
        27 => (2, 4),
        _ => return None,
    })
}

fn le16(b: &[u8]) -> u16 {
    u16::from_le_bytes([b[0], b[1]])
}

fn true_false(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

const CHANNEL_FLAGS: [(u16, &str); 15] = [
    (0x0001, "700 MHz spectrum"),
    (0x0002, "800 MHz spectrum"),
    (0x0004, "900 MHz spectrum"),
    (0x0010, "Turbo"),
    (0x0020, "Complementary Code Keying (CCK)"),
    (0x0040, "Orthogonal Frequency-Division Multiplexing (OFDM)"),
    (0x0080, "2 GHz spectrum"),
    (0x0100, "5 GHz spectrum"),
    (0x0200, "Passive"),
    (0x0400, "Dynamic CCK-OFDM"),
    (0x0800, "Gaussian Frequency Shift Keying (GFSK)"),
    (0x1000, "GSM (900MHz)"),
    (0x2000, "Static Turbo"),
    (0x4000, "Half Rate Channel (10MHz Channel Width)"),
    (0x8000, "Quarter Rate Channel (5MHz Channel Width)"),
];

/// A frequency as tshark words it: "2437 [BG 6]", "5180 [A 36]".
fn frequency(mhz: u16) -> String {
    match mhz {
        2484 => "2484 [BG 14]".into(),
        2412..=2472 => format!("{mhz} [BG {}]", (mhz - 2407) / 5),
        5000..=5925 => format!("{mhz} [A {}]", (mhz - 5000) / 5),
        _ => mhz.to_string(),
    }
}

fn flags_node(f: u8, at: usize) -> Node {
    let r = at..at + 1;
    let v = u64::from(f);
    let mut n = Node::field(
        "radiotap.flags",
        format!("Flags: 0x{f:02x}"),
        r.clone(),
        Value::Hex(v, 2),
    );
    for (mask, abbrev, label) in [
        (0x01u8, "radiotap.flags.cfp", "CFP"),
        (0x02, "radiotap.flags.preamble", "Preamble"),
        (0x04, "radiotap.flags.wep", "WEP"),
        (0x08, "radiotap.flags.frag", "Fragmentation"),
        (0x10, "radiotap.flags.fcs", "FCS at end"),
        (0x20, "radiotap.flags.datapad", "Data Pad"),
        (0x40, "radiotap.flags.badfcs", "Bad FCS"),
        (0x80, "radiotap.flags.shortgi", "Short GI"),
    ] {
        let on = f & mask != 0;
        let word = match (mask, on) {
            (0x02, true) => "Short",
            (0x02, false) => "Long",
            _ => true_false(on),
        };
        n.add(
            Node::field(
                abbrev,
                bitfield(v, u64::from(mask), 8, &format!("{label}: {word}")),
                r.clone(),
                Value::Bool(on),
            )
            .masked(u64::from(mask)),
        );
    }
    n
}

fn channel_node(b: &[u8], at: usize, out: &mut Node) {
    let (freq, flags) = (le16(b), le16(&b[2..]));
    out.add(Node::field(
        "radiotap.channel.freq",
        format!("Channel frequency: {}", frequency(freq)),
        at..at + 2,
        Value::UInt(u64::from(freq)),
    ));
    let mut head = format!("Channel flags: 0x{flags:04x}");
    for (mask, name) in CHANNEL_FLAGS {
        if flags & mask != 0 {
            head.push_str(", ");
            head.push_str(name);
        }
    }
    let r = at + 2..at + 4;
    let v = u64::from(flags);
    let mut n = Node::field("radiotap.channel.flags", head, r.clone(), Value::Hex(v, 4));
    for (mask, name) in CHANNEL_FLAGS {
        let on = flags & mask != 0;
        n.add(
            Node::field(
                "radiotap.channel.flags.bit",
                bitfield(
                    v,
                    u64::from(mask),
                    16,
                    &format!("{name}: {}", true_false(on)),
                ),
                r.clone(),
                Value::Bool(on),
            )
            .masked(u64::from(mask)),
        );
    }
    out.add(n);
}

/// Draws under `out` the fields of the first present word `word` of the
/// header `data` (its fields start at `at`, the header ends at `len`).
pub fn fields(data: &[u8], word: u32, mut at: usize, len: usize, out: &mut Node) {
    for bit in 0..29u32 {
        if word & (1 << bit) == 0 {
            continue;
        }
        let Some((align, size)) = layout(bit) else {
            return;
        };
        at = at.div_ceil(align) * align;
        let Some(b) = data.get(at..at + size).filter(|_| at + size <= len) else {
            return;
        };
        let r = at..at + size;
        match bit {
            0 => {
                let t = u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
                out.add(Node::field(
                    "radiotap.tsft",
                    format!("MAC timestamp: {t}"),
                    r,
                    Value::UInt(t),
                ));
            }
            1 => {
                out.add(flags_node(b[0], at));
            }
            2 => {
                let half = u32::from(b[0]);
                out.add(Node::field(
                    "radiotap.datarate",
                    format!(
                        "Data Rate: {}.{} Mb/s",
                        half / 2,
                        if half % 2 == 1 { 5 } else { 0 }
                    ),
                    r,
                    Value::UInt(u64::from(half)),
                ));
            }
            3 => channel_node(b, at, out),
            5 | 6 => {
                let dbm = i8::from_le_bytes([b[0]]);
                let (abbrev, label) = if bit == 5 {
                    ("radiotap.dbm_antsignal", "Antenna signal")
                } else {
                    ("radiotap.dbm_antnoise", "Antenna noise")
                };
                out.add(Node::field(
                    abbrev,
                    format!("{label}: {dbm} dBm"),
                    r,
                    Value::UInt(u64::from(b[0])),
                ));
            }
            11 => {
                out.add(Node::field(
                    "radiotap.antenna",
                    format!("Antenna: {}", b[0]),
                    r,
                    Value::UInt(u64::from(b[0])),
                ));
            }
            14 => {
                let f = le16(b);
                let v = u64::from(f);
                let mut n = Node::field(
                    "radiotap.rxflags",
                    format!("RX flags: 0x{f:04x}"),
                    r.clone(),
                    Value::Hex(v, 4),
                );
                n.add(
                    Node::field(
                        "radiotap.rxflags.badplcp",
                        bitfield(
                            v,
                            0x0002,
                            24,
                            &format!("Bad PLCP: {}", true_false(f & 2 != 0)),
                        ),
                        r,
                        Value::Bool(f & 2 != 0),
                    )
                    .masked(0x0002),
                );
                out.add(n);
            }
            _ => {}
        }
        at += size;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_at_their_alignment() {
        // TSFT, Flags, Rate, Channel, dBm signal and noise, antenna, RX flags.
        let word = 0x0000_486f;
        let mut h = vec![0u8; 8];
        h.extend_from_slice(&987_654_321u64.to_le_bytes());
        h.extend_from_slice(&[0x10, 0x02]);
        h.extend_from_slice(&2437u16.to_le_bytes());
        h.extend_from_slice(&0x00a0u16.to_le_bytes());
        h.extend_from_slice(&[0xc4, 0xa0, 1, 0, 0, 0]);
        let mut n = Node::text("r", 0..0);
        fields(&h, word, 8, h.len(), &mut n);
        let t: Vec<&str> = n.children.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            t,
            [
                "MAC timestamp: 987654321",
                "Flags: 0x10",
                "Data Rate: 1.0 Mb/s",
                "Channel frequency: 2437 [BG 6]",
                "Channel flags: 0x00a0, Complementary Code Keying (CCK), 2 GHz spectrum",
                "Antenna signal: -60 dBm",
                "Antenna noise: -96 dBm",
                "Antenna: 1",
                "RX flags: 0x0000",
            ]
        );
        assert_eq!(
            n.children[1].children[4].text,
            "...1 .... = FCS at end: True"
        );
        assert_eq!(
            n.children[8].children[0].text,
            ".... .... .... .... .... ..0. = Bad PLCP: False"
        );
        // Cut after the flags: the walk stops there.
        let mut n = Node::text("r", 0..0);
        fields(&h[..18], word, 8, 18, &mut n);
        assert_eq!(n.children.len(), 3);
        assert_eq!(frequency(5180), "5180 [A 36]");
    }
}
