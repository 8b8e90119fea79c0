//! Writing a capture as pcapng while it is taken: a Section Header Block,
//! one Interface Description Block, then an Enhanced Packet Block per
//! packet (nanosecond timestamps), each block whole in one write so that a
//! reader of the growing file sees only whole blocks or a cut-off tail.

const SHB: u32 = 0x0A0D_0D0A;
const IDB: u32 = 1;
const EPB: u32 = 6;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
const OPT_END: u16 = 0;
const OPT_SHB_USERAPPL: u16 = 4;
const OPT_IF_NAME: u16 = 2;
const OPT_IF_TSRESOL: u16 = 9;

/// The blocks that start a file: the section header and the interface.
pub fn file_header(link_type: u16, snaplen: u32, interface: &str) -> Vec<u8> {
    let mut shb = Vec::with_capacity(32);
    shb.extend_from_slice(&BYTE_ORDER_MAGIC.to_le_bytes());
    shb.extend_from_slice(&1u16.to_le_bytes());
    shb.extend_from_slice(&0u16.to_le_bytes());
    // Section length: not known.
    shb.extend_from_slice(&(-1i64).to_le_bytes());
    option(
        &mut shb,
        OPT_SHB_USERAPPL,
        concat!("wirelens ", env!("CARGO_PKG_VERSION")).as_bytes(),
    );
    option(&mut shb, OPT_END, &[]);
    let mut idb = Vec::with_capacity(32);
    idb.extend_from_slice(&link_type.to_le_bytes());
    idb.extend_from_slice(&0u16.to_le_bytes());
    idb.extend_from_slice(&snaplen.to_le_bytes());
    option(&mut idb, OPT_IF_NAME, interface.as_bytes());
    // Nanoseconds.
    option(&mut idb, OPT_IF_TSRESOL, &[9]);
    option(&mut idb, OPT_END, &[]);
    let mut out = block(SHB, &shb);
    out.extend_from_slice(&block(IDB, &idb));
    out
}

/// Appends the Enhanced Packet Block of one packet on interface 0.
pub fn packet(out: &mut Vec<u8>, ts_ns: u64, data: &[u8], orig_len: u32) {
    let padded = data.len().next_multiple_of(4);
    let total = (12 + 20 + padded) as u32;
    out.extend_from_slice(&EPB.to_le_bytes());
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&((ts_ns >> 32) as u32).to_le_bytes());
    out.extend_from_slice(&(ts_ns as u32).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&orig_len.to_le_bytes());
    out.extend_from_slice(data);
    out.resize(out.len() + padded - data.len(), 0);
    out.extend_from_slice(&total.to_le_bytes());
}

fn block(block_type: u32, body: &[u8]) -> Vec<u8> {
    let total = (12 + body.len()) as u32;
    let mut out = Vec::with_capacity(total as usize);
    out.extend_from_slice(&block_type.to_le_bytes());
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(&total.to_le_bytes());
    out
}

fn option(out: &mut Vec<u8>, code: u16, value: &[u8]) {
    out.extend_from_slice(&code.to_le_bytes());
    out.extend_from_slice(&(value.len() as u16).to_le_bytes());
    out.extend_from_slice(value);
    out.resize(out.len() + value.len().next_multiple_of(4) - value.len(), 0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{Capture, CaptureBytes, LinkType};

    #[test]
    fn what_is_written_reads_back_with_times_lengths_and_name() {
        let mut file = file_header(1, 262_144, "veth0");
        packet(&mut file, 1_700_000_000_123_456_789, &[0xab; 15], 60);
        packet(&mut file, 1_700_000_001_000_000_000, &[0xcd; 16], 16);
        let capture = Capture::from_bytes(CaptureBytes::Owned(file), "t".into()).expect("pcapng");
        let mut reader = capture.records().expect("records");
        let a = reader.next().expect("one").expect("ok");
        let b = reader.next().expect("two").expect("ok");
        assert!(reader.next().is_none() && reader.warning().is_none());
        assert_eq!(
            (a.ts_ns, a.cap_len, a.orig_len),
            (1_700_000_000_123_456_789, 15, 60)
        );
        assert_eq!((b.ts_ns, b.cap_len), (1_700_000_001_000_000_000, 16));
        let iface = &reader.interfaces()[0];
        assert_eq!(iface.link_type, LinkType::ETHERNET);
        assert_eq!(iface.name.as_deref(), Some("veth0"));
        assert_eq!(iface.ts_units_per_sec, 1_000_000_000);
    }
}
