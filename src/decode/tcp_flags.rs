//! The TCP flags as one typed 12-bit value (`tcp.flags`): the bit constants,
//! Wireshark's names (`SYN, ACK`) and its `tcp.flags.str` (`·······A··S·`).
//! Every stage that looks at flags (store, conversations, analysis, ladder,
//! fields, filters, columns) uses this type instead of raw bit literals.

use std::ops::{BitOr, BitOrAssign};

/// The 12 flag bits of a TCP header: the flags byte plus, above it, AE (the
/// former NS) and the three reserved bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct TcpFlags(u16);

impl TcpFlags {
    pub const NONE: TcpFlags = TcpFlags(0);
    pub const FIN: TcpFlags = TcpFlags(0x001);
    pub const SYN: TcpFlags = TcpFlags(0x002);
    pub const RST: TcpFlags = TcpFlags(0x004);
    pub const PSH: TcpFlags = TcpFlags(0x008);
    pub const ACK: TcpFlags = TcpFlags(0x010);
    pub const URG: TcpFlags = TcpFlags(0x020);
    pub const ECE: TcpFlags = TcpFlags(0x040);
    pub const CWR: TcpFlags = TcpFlags(0x080);
    /// Accurate ECN, the former NS bit (tshark 4.0 calls it AE).
    pub const AE: TcpFlags = TcpFlags(0x100);
    /// The three reserved bits.
    pub const RESERVED: TcpFlags = TcpFlags(0xe00);

    /// Wireshark's order and names, lowest bit first.
    const NAMES: [(TcpFlags, &'static str); 10] = [
        (TcpFlags::FIN, "FIN"),
        (TcpFlags::SYN, "SYN"),
        (TcpFlags::RST, "RST"),
        (TcpFlags::PSH, "PSH"),
        (TcpFlags::ACK, "ACK"),
        (TcpFlags::URG, "URG"),
        (TcpFlags::ECE, "ECE"),
        (TcpFlags::CWR, "CWR"),
        (TcpFlags::AE, "AE"),
        (TcpFlags::RESERVED, "Reserved"),
    ];

    /// The flags of a 12-bit value (higher bits are dropped).
    pub const fn from_bits(bits: u16) -> TcpFlags {
        TcpFlags(bits & 0x0fff)
    }

    /// From the header's flags byte and the byte before it (whose low four
    /// bits are the reserved bits and AE).
    pub const fn from_header(byte12: u8, byte13: u8) -> TcpFlags {
        TcpFlags::from_bits(((byte12 as u16 & 0x0f) << 8) | byte13 as u16)
    }

    /// The 12-bit value, as `tcp.flags` prints it.
    pub const fn bits(self) -> u16 {
        self.0
    }

    /// The low byte (CWR ECE URG ACK PSH RST SYN FIN).
    pub const fn low_byte(self) -> u8 {
        (self.0 & 0xff) as u8
    }

    /// Every flag of `other` is set.
    pub const fn contains(self, other: TcpFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Some flag of `other` is set.
    pub const fn intersects(self, other: TcpFlags) -> bool {
        self.0 & other.0 != 0
    }

    pub const fn syn(self) -> bool {
        self.contains(TcpFlags::SYN)
    }
    pub const fn ack(self) -> bool {
        self.contains(TcpFlags::ACK)
    }
    pub const fn fin(self) -> bool {
        self.contains(TcpFlags::FIN)
    }
    pub const fn rst(self) -> bool {
        self.contains(TcpFlags::RST)
    }
    pub const fn psh(self) -> bool {
        self.contains(TcpFlags::PSH)
    }

    /// Wireshark's names of the set flags, e.g. `SYN, ACK`; `<None>`.
    pub fn names(self) -> String {
        let mut s = String::new();
        self.push_names(&mut s);
        s
    }

    /// Appends [`TcpFlags::names`] to `s` (the packet list writes millions).
    pub fn push_names(self, s: &mut String) {
        let mut first = true;
        for (_, n) in TcpFlags::NAMES.iter().filter(|(f, _)| self.intersects(*f)) {
            if !first {
                s.push_str(", ");
            }
            s.push_str(n);
            first = false;
        }
        if first {
            s.push_str("<None>");
        }
    }

    /// Wireshark's `tcp.flags.str`: 12 positions, highest bit first, a letter
    /// where a flag is set and `·` elsewhere.
    pub fn str(self) -> String {
        const LETTERS: [char; 12] = ['R', 'R', 'R', 'A', 'C', 'E', 'U', 'A', 'P', 'R', 'S', 'F'];
        LETTERS
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                if self.0 & (0x800 >> i) != 0 {
                    c
                } else {
                    '\u{b7}'
                }
            })
            .collect()
    }
}

impl BitOr for TcpFlags {
    type Output = TcpFlags;
    fn bitor(self, rhs: TcpFlags) -> TcpFlags {
        TcpFlags(self.0 | rhs.0)
    }
}

impl BitOrAssign for TcpFlags {
    fn bitor_assign(&mut self, rhs: TcpFlags) {
        self.0 |= rhs.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_str_as_tshark_prints_them() {
        let sa = TcpFlags::SYN | TcpFlags::ACK;
        assert_eq!(sa.bits(), 0x012);
        assert_eq!(sa.names(), "SYN, ACK");
        assert_eq!(sa.str(), "\u{b7}".repeat(7) + "A\u{b7}\u{b7}S\u{b7}");
        assert_eq!(TcpFlags::NONE.names(), "<None>");
        let odd = TcpFlags::from_header(0x0f, 0xff);
        assert_eq!(odd.bits(), 0xfff);
        assert_eq!(odd.str(), "RRRACEUAPRSF");
        assert_eq!(
            odd.names(),
            "FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE, Reserved"
        );
    }

    #[test]
    fn contains_and_intersects() {
        let f = TcpFlags::from_bits(0x014);
        assert!(f.rst() && f.ack() && !f.syn());
        assert!(f.contains(TcpFlags::RST | TcpFlags::ACK));
        assert!(!f.contains(TcpFlags::RST | TcpFlags::SYN));
        assert!(f.intersects(TcpFlags::RST | TcpFlags::SYN));
        assert_eq!(TcpFlags::from_bits(0xf012).bits(), 0x012);
        assert_eq!(f.low_byte(), 0x14);
    }
}
