//! TCP sequence numbers as a newtype whose arithmetic and comparisons wrap
//! modulo 2^32 (RFC 1982 style, as smoltcp's `SeqNumber`): the reassembler,
//! the analysis, the connection's life and relative numbers all compare
//! through it, never with raw `u32` arithmetic.

use std::cmp::Ordering;
use std::ops::{Add, AddAssign, Sub};

/// A TCP sequence (or acknowledgment) number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Seq(pub u32);

impl Seq {
    pub const ZERO: Seq = Seq(0);

    /// How far `self` is past `base`, as a relative number (Wireshark's
    /// relative `tcp.seq`): the wrapped difference.
    pub const fn offset_from(self, base: Seq) -> u32 {
        self.0.wrapping_sub(base.0)
    }
}

impl Add<u32> for Seq {
    type Output = Seq;
    fn add(self, n: u32) -> Seq {
        Seq(self.0.wrapping_add(n))
    }
}

impl AddAssign<u32> for Seq {
    fn add_assign(&mut self, n: u32) {
        *self = *self + n;
    }
}

impl Sub<u32> for Seq {
    type Output = Seq;
    fn sub(self, n: u32) -> Seq {
        Seq(self.0.wrapping_sub(n))
    }
}

/// The signed distance from `rhs` to `self` (positive when `self` is later).
impl Sub for Seq {
    type Output = i64;
    fn sub(self, rhs: Seq) -> i64 {
        i64::from(self.0.wrapping_sub(rhs.0) as i32)
    }
}

/// `a < b` when `a` comes before `b` within half the number space.
impl PartialOrd for Seq {
    fn partial_cmp(&self, other: &Seq) -> Option<Ordering> {
        Some((*self - *other).cmp(&0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_and_distances_wrap() {
        let late = Seq(3);
        let early = Seq(u32::MAX - 5);
        assert!(early < late);
        assert!(late > early);
        assert_eq!(late - early, 9);
        assert_eq!(early - late, -9);
        assert!(Seq(7) <= Seq(7) && Seq(7) >= Seq(7));
        assert_eq!(early + 9, late);
        assert_eq!(late - 9u32, early);
        assert_eq!(late.offset_from(early), 9);
        let mut s = early;
        s += 10;
        assert_eq!(s, Seq(4));
    }
}
