//! A view of a TCP header over the captured bytes, usable when the header is
//! cut short by the snaplen: the 20 fixed bytes are enough for ports,
//! numbers, flags and window (as tshark shows them); options and payload are
//! whatever was captured of them.
//!
//! etherparse's `TcpSlice` needs the whole header, options included, so a
//! capture with snaplen 64 of segments carrying timestamps would lose every
//! TCP field; this view keeps them. The constructor checks the 20 bytes once,
//! so no accessor can fail (the smoltcp discipline).

use super::tcp_flags::TcpFlags;

/// The fixed part of a TCP header.
const FIXED: usize = 20;

/// A TCP header (and what was captured after it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpView<'a> {
    /// From the first header byte to the end of the captured segment.
    data: &'a [u8],
}

impl<'a> TcpView<'a> {
    /// A view of `data`, which must hold at least the 20 fixed bytes.
    pub fn new(data: &'a [u8]) -> Option<TcpView<'a>> {
        (data.len() >= FIXED).then_some(TcpView { data })
    }

    fn be16(&self, at: usize) -> u16 {
        u16::from_be_bytes([self.data[at], self.data[at + 1]])
    }

    fn be32(&self, at: usize) -> u32 {
        u32::from_be_bytes([
            self.data[at],
            self.data[at + 1],
            self.data[at + 2],
            self.data[at + 3],
        ])
    }

    pub fn source_port(&self) -> u16 {
        self.be16(0)
    }
    pub fn destination_port(&self) -> u16 {
        self.be16(2)
    }
    pub fn sequence_number(&self) -> u32 {
        self.be32(4)
    }
    pub fn acknowledgment_number(&self) -> u32 {
        self.be32(8)
    }
    /// Header length in 32-bit words, as sent (may be bogus).
    pub fn data_offset(&self) -> u8 {
        self.data[12] >> 4
    }
    /// Header length in bytes, as sent.
    pub fn header_len(&self) -> usize {
        usize::from(self.data_offset()) * 4
    }
    /// The flags byte (CWR ECE URG ACK PSH RST SYN FIN).
    pub fn flags(&self) -> u8 {
        self.data[13]
    }
    /// The three reserved bits and NS, as the high bits of a 12-bit field.
    pub fn reserved_and_ns(&self) -> u16 {
        u16::from(self.data[12] & 0x0f) << 8
    }
    /// All 12 flag bits.
    pub fn tcp_flags(&self) -> TcpFlags {
        TcpFlags::from_header(self.data[12], self.data[13])
    }
    pub fn ns(&self) -> bool {
        self.tcp_flags().intersects(TcpFlags::AE)
    }
    pub fn cwr(&self) -> bool {
        self.tcp_flags().intersects(TcpFlags::CWR)
    }
    pub fn ece(&self) -> bool {
        self.tcp_flags().intersects(TcpFlags::ECE)
    }
    pub fn urg(&self) -> bool {
        self.tcp_flags().intersects(TcpFlags::URG)
    }
    pub fn ack(&self) -> bool {
        self.tcp_flags().ack()
    }
    pub fn psh(&self) -> bool {
        self.tcp_flags().psh()
    }
    pub fn rst(&self) -> bool {
        self.tcp_flags().rst()
    }
    pub fn syn(&self) -> bool {
        self.tcp_flags().syn()
    }
    pub fn fin(&self) -> bool {
        self.tcp_flags().fin()
    }
    pub fn window_size(&self) -> u16 {
        self.be16(14)
    }
    pub fn checksum(&self) -> u16 {
        self.be16(16)
    }
    pub fn urgent_pointer(&self) -> u16 {
        self.be16(18)
    }
    /// The options bytes that were captured.
    pub fn options(&self) -> &'a [u8] {
        let end = self.header_len().clamp(FIXED, self.data.len());
        &self.data[FIXED..end]
    }
    /// The payload bytes that were captured (none if the header is cut).
    pub fn payload(&self) -> &'a [u8] {
        self.data.get(self.header_len().max(FIXED)..).unwrap_or(&[])
    }
    /// The captured bytes from the header on.
    pub fn slice(&self) -> &'a [u8] {
        self.data
    }
    /// The header (with its options) was not captured whole, or claims
    /// fewer than 20 bytes.
    pub fn header_incomplete(&self) -> bool {
        self.header_len() < FIXED || self.header_len() > self.data.len()
    }
    /// etherparse's slice of the same segment, when the header is whole.
    pub fn etherparse(&self) -> Option<etherparse::TcpSlice<'a>> {
        etherparse::TcpSlice::from_slice(self.data).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_cut_inside_its_options_still_has_its_fields() {
        let mut seg = vec![
            0x30, 0x39, 0x00, 0x50, 0, 0, 0, 7, 0, 0, 0, 9, 0x80, 0x12, 0xff, 0xff, 0, 0, 0, 0,
        ];
        seg.extend_from_slice(&[2, 4, 5, 0xb4, 1, 1]); // options cut after 6 of 12 bytes
        let t = TcpView::new(&seg).expect("20 bytes");
        assert_eq!((t.source_port(), t.destination_port()), (12345, 80));
        assert_eq!((t.sequence_number(), t.acknowledgment_number()), (7, 9));
        assert!(t.syn() && t.ack() && !t.fin());
        assert_eq!(t.header_len(), 32);
        assert!(t.header_incomplete());
        assert_eq!(t.options(), &[2, 4, 5, 0xb4, 1, 1]);
        assert!(t.payload().is_empty());
        assert!(t.etherparse().is_none());
        assert!(TcpView::new(&seg[..19]).is_none());
    }
}
