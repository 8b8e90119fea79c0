//! TCP sequence-number arithmetic modulo 2^32: comparisons that wrap.

/// Wrapping comparisons of 32-bit sequence numbers (RFC 1982 style).
#[derive(Debug, Clone, Copy, Default)]
pub struct SeqNumber;

impl SeqNumber {
    /// `a` comes before `b`.
    pub fn lt(self, a: u32, b: u32) -> bool {
        (a.wrapping_sub(b) as i32) < 0
    }
    pub fn le(self, a: u32, b: u32) -> bool {
        (a.wrapping_sub(b) as i32) <= 0
    }
    pub fn gt(self, a: u32, b: u32) -> bool {
        (a.wrapping_sub(b) as i32) > 0
    }
    /// Signed distance from `b` to `a`.
    pub fn diff(self, a: u32, b: u32) -> i64 {
        i64::from(a.wrapping_sub(b) as i32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps() {
        let s = SeqNumber;
        assert!(s.lt(u32::MAX - 5, 3));
        assert!(s.gt(3, u32::MAX - 5));
        assert_eq!(s.diff(3, u32::MAX - 5), 9);
        assert!(s.le(7, 7));
    }
}
