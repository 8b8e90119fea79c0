//! A view of a TCP header over the captured bytes, usable when the header is
//! cut short by the snaplen: the first 16 bytes are enough for ports,
//! numbers, flags and window (tshark 4.0 shows all of them from 16 bytes on,
//! the checksum from 18, and below 16 only the ports: see
//! [`ports_of_short_header`]); options and payload are whatever was captured
//! of them.
//!
//! etherparse's `TcpSlice` needs the whole header, options included, so a
//! capture with snaplen 64 of segments carrying timestamps would lose every
//! TCP field; this view keeps them. The constructor checks the 20 bytes once,
//! so no accessor can fail (the smoltcp discipline).

use super::tcp_flags::TcpFlags;

/// The fixed part of a TCP header.
const FIXED: usize = 20;
/// Bytes a view needs: up to and including the window.
pub const MIN_VIEW_LEN: usize = 16;

/// The ports of a TCP header cut shorter than [`MIN_VIEW_LEN`] (but holding
/// the 4 bytes of the ports), which is all tshark shows of it.
pub fn ports_of_short_header(data: &[u8]) -> Option<(u16, u16)> {
    if data.len() >= MIN_VIEW_LEN {
        return None;
    }
    let p = data.get(..4)?;
    Some((
        u16::from_be_bytes([p[0], p[1]]),
        u16::from_be_bytes([p[2], p[3]]),
    ))
}

/// A TCP header (and what was captured after it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpView<'a> {
    /// From the first header byte to the end of the captured segment.
    data: &'a [u8],
}

impl<'a> TcpView<'a> {
    /// A view of `data`, which must hold at least [`MIN_VIEW_LEN`] bytes.
    pub fn new(data: &'a [u8]) -> Option<TcpView<'a>> {
        (data.len() >= MIN_VIEW_LEN).then_some(TcpView { data })
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
    /// The checksum, 0 when it was not captured (see [`Self::has_checksum`]).
    pub fn checksum(&self) -> u16 {
        if self.has_checksum() {
            self.be16(16)
        } else {
            0
        }
    }
    /// Whether the checksum was captured.
    pub fn has_checksum(&self) -> bool {
        self.data.len() >= 18
    }
    /// The urgent pointer, 0 when it was not captured.
    pub fn urgent_pointer(&self) -> u16 {
        if self.data.len() >= FIXED {
            self.be16(18)
        } else {
            0
        }
    }
    /// The options bytes that were captured.
    pub fn options(&self) -> &'a [u8] {
        let end = self.header_len().clamp(FIXED, self.data.len().max(FIXED));
        self.data.get(FIXED..end).unwrap_or(&[])
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
        // Cut inside the fixed part, as tshark 4.0 shows it: from 16 bytes
        // everything but what is missing (checksum from 18, urgent pointer
        // from 20), below 16 only the ports.
        let t = TcpView::new(&seg[..16]).expect("16 bytes");
        assert_eq!((t.sequence_number(), t.window_size()), (7, 0xffff));
        assert!(!t.has_checksum() && t.options().is_empty() && t.payload().is_empty());
        assert!(t.header_incomplete());
        assert!(TcpView::new(&seg[..18]).is_some_and(|t| t.has_checksum()));
        assert!(TcpView::new(&seg[..15]).is_none());
        assert_eq!(ports_of_short_header(&seg[..15]), Some((12345, 80)));
        assert_eq!(ports_of_short_header(&seg[..4]), Some((12345, 80)));
        assert_eq!(ports_of_short_header(&seg[..3]), None);
        assert_eq!(ports_of_short_header(&seg[..16]), None);
    }
}
