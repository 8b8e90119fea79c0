//! pcapng files: a sequence of blocks (type, length, body, length) grouped in
//! sections, each starting with a Section Header Block that sets its byte order.
//!
//! Interface Description Blocks give each interface its link type, snaplen and
//! timestamp resolution (`if_tsresol`, `if_tsoffset`). Enhanced, Simple and the
//! obsolete Packet Blocks become packet records; Custom Blocks become records of
//! their own, as Wireshark lists them; every other block is skipped.

use super::{
    read_u16, read_u32, CaptureError, CaptureWarning, Interface, LinkType, Record, RecordKind,
    MAX_RECORD_LEN, NO_TIMESTAMP,
};
use crate::limits::{Limit, LimitHit, MAX_TLS_SECRETS};

const SHB: u32 = 0x0A0D_0D0A;
const IDB: u32 = 1;
const OBSOLETE_PB: u32 = 2;
const SPB: u32 = 3;
const EPB: u32 = 6;
const DSB: u32 = 0x0000_000A;
/// Secrets type of a TLS key log in a Decryption Secrets Block.
const SECRETS_TLS_KEY_LOG: u32 = 0x544c_534b;
const CB_COPY: u32 = 0x0000_0BAD;
const CB_NOCOPY: u32 = 0x4000_0BAD;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
/// Blocks bigger than this are treated as corruption (Wireshark's limit is 16 MiB
/// for its biggest block types).
const MAX_BLOCK_LEN: u32 = 16 * 1024 * 1024;

const OPT_END: u16 = 0;
const OPT_IF_NAME: u16 = 2;
/// `if_description`: the interface's description.
const OPT_IF_DESCRIPTION: u16 = 3;
const OPT_IF_TSRESOL: u16 = 9;
const OPT_IF_TSOFFSET: u16 = 14;

pub(crate) struct PcapNgReader<'a> {
    data: &'a [u8],
    pos: usize,
    big_endian: bool,
    /// Every interface seen, all sections together.
    interfaces: Vec<Interface>,
    /// Per interface: seconds to add to every timestamp (`if_tsoffset`).
    ts_offsets: Vec<i64>,
    /// Index in `interfaces` of the current section's interface 0.
    section_base: usize,
    records: u64,
    warning: Option<CaptureWarning>,
    done: bool,
    /// TLS key logs of the Decryption Secrets Blocks seen so far.
    /// Where they are in `data` (start, length): ranges, so that a reader
    /// moved onto more of the same bytes ([`PcapNgReader::rebind`]) keeps them.
    tls_secrets: Vec<(usize, usize)>,
    tls_secrets_bytes: u64,
    /// [`MAX_TLS_SECRETS`] reached: before which record.
    tls_secrets_cut: Option<u64>,
    /// The walk stopped at corrupt data (it cannot go on when more arrives).
    failed: bool,
}

impl<'a> PcapNgReader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Result<PcapNgReader<'a>, CaptureError> {
        if data.len() < 28 {
            return Err(CaptureError::TruncatedHeader {
                offset: 0,
                need: 28,
                have: data.len() as u64,
            });
        }
        let mut reader = PcapNgReader {
            data,
            pos: 0,
            big_endian: false,
            interfaces: Vec::new(),
            ts_offsets: Vec::new(),
            section_base: 0,
            records: 0,
            warning: None,
            done: false,
            tls_secrets: Vec::new(),
            tls_secrets_bytes: 0,
            tls_secrets_cut: None,
            failed: false,
        };
        reader.read_byte_order(0)?;
        Ok(reader)
    }

    pub(crate) fn interfaces(&self) -> &[Interface] {
        &self.interfaces
    }

    pub(crate) fn warning(&self) -> Option<&CaptureWarning> {
        self.warning.as_ref()
    }

    /// The TLS key logs (NSS format text) of the Decryption Secrets Blocks
    /// read so far, bounded by [`MAX_TLS_SECRETS`].
    pub(crate) fn tls_secrets(&self) -> Vec<&'a [u8]> {
        let data = self.data;
        self.tls_secrets
            .iter()
            .filter_map(|&(start, len)| data.get(start..start + len))
            .collect()
    }

    /// [`MAX_TLS_SECRETS`] reached, with the packet (0-based) the first
    /// skipped block came before.
    pub(crate) fn tls_secrets_limit(&self) -> Option<LimitHit> {
        self.tls_secrets_cut
            .map(|r| LimitHit::new(Limit::TlsSecrets, u32::try_from(r).ok()))
    }

    pub(crate) fn position(&self) -> u64 {
        self.pos as u64
    }

    /// This reader over `data`, the bytes it read so far and perhaps more
    /// (a capture still being written): a walk that ended at the end of the
    /// bytes, or in a block cut short, goes on from where it stopped.
    pub(crate) fn rebind(self, data: &[u8]) -> PcapNgReader<'_> {
        let more = !self.failed && data.len() >= self.pos;
        PcapNgReader {
            data,
            pos: self.pos,
            big_endian: self.big_endian,
            interfaces: self.interfaces,
            ts_offsets: self.ts_offsets,
            section_base: self.section_base,
            records: self.records,
            warning: if more { None } else { self.warning },
            done: !more,
            tls_secrets: self.tls_secrets,
            tls_secrets_cut: self.tls_secrets_cut,
            tls_secrets_bytes: self.tls_secrets_bytes,
            failed: self.failed,
        }
    }

    /// Sets the byte order from the Section Header Block at `at`.
    fn read_byte_order(&mut self, at: usize) -> Result<(), CaptureError> {
        let magic = read_u32(self.data, at + 8, false);
        self.big_endian = match magic {
            BYTE_ORDER_MAGIC => false,
            m if m.swap_bytes() == BYTE_ORDER_MAGIC => true,
            _ => {
                return Err(CaptureError::CorruptBlock {
                    offset: at as u64,
                    what: format!("section header has byte-order magic {magic:#010x}"),
                })
            }
        };
        Ok(())
    }

    pub(crate) fn next(&mut self) -> Option<Result<Record, CaptureError>> {
        while !self.done {
            match self.next_block() {
                Ok(Some(record)) => return Some(Ok(record)),
                Ok(None) => continue,
                Err(e) => {
                    self.done = true;
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
        None
    }

    /// Reads one block; returns a record for packet and custom blocks.
    fn next_block(&mut self) -> Result<Option<Record>, CaptureError> {
        let at = self.pos;
        let remaining = self.data.len() - at;
        if remaining == 0 {
            self.done = true;
            return Ok(None);
        }
        if remaining < 12 {
            self.cut_short();
            return Ok(None);
        }
        let raw_type = read_u32(self.data, at, self.big_endian);
        if raw_type == SHB {
            self.read_byte_order(at)?;
        }
        let be = self.big_endian;
        let block_type = read_u32(self.data, at, be);
        let block_len = read_u32(self.data, at + 4, be);
        if block_len < 12 || block_len % 4 != 0 || block_len > MAX_BLOCK_LEN {
            return Err(CaptureError::CorruptBlock {
                offset: at as u64,
                what: format!("block of type {block_type:#x} has invalid length {block_len}"),
            });
        }
        if (block_len as usize) > remaining {
            self.cut_short();
            return Ok(None);
        }
        let block = &self.data[at..at + block_len as usize];
        let trailer = read_u32(block, block.len() - 4, be);
        if trailer != block_len {
            return Err(CaptureError::CorruptBlock {
                offset: at as u64,
                what: format!("block length {block_len} does not match its trailer {trailer}"),
            });
        }
        self.pos = at + block_len as usize;
        let body = &block[8..block.len() - 4];
        let record = match block_type {
            SHB => {
                self.section_base = self.interfaces.len();
                None
            }
            IDB => {
                self.read_interface(body, at)?;
                None
            }
            DSB if body.len() >= 8 => {
                let secrets_type = read_u32(body, 0, be);
                let len = read_u32(body, 4, be) as usize;
                let len = len.min(body.len() - 8);
                if secrets_type == SECRETS_TLS_KEY_LOG {
                    if self.tls_secrets_bytes + len as u64 <= MAX_TLS_SECRETS {
                        self.tls_secrets_bytes += len as u64;
                        // The body starts 8 bytes into the block, the secrets 8 more.
                        self.tls_secrets.push((at + 16, len));
                    } else {
                        self.tls_secrets_cut.get_or_insert(self.records);
                    }
                }
                None
            }
            EPB => Some(self.enhanced_packet(body, at)?),
            SPB => Some(self.simple_packet(body, at)?),
            OBSOLETE_PB => Some(self.obsolete_packet(body, at)?),
            // Wireshark's record is the custom data after the PEN, padding included.
            CB_COPY | CB_NOCOPY if block_len >= 16 => Some(Record {
                data_offset: at as u64 + 12,
                cap_len: block_len - 16,
                orig_len: block_len - 16,
                ts_ns: NO_TIMESTAMP,
                interface: 0,
                kind: RecordKind::CustomBlock {
                    copyable: block_type == CB_COPY,
                    pen: read_u32(body, 0, be),
                },
            }),
            _ => None,
        };
        if record.is_some() {
            self.records += 1;
        }
        Ok(record)
    }

    fn cut_short(&mut self) {
        self.done = true;
        self.warning = Some(CaptureWarning::CutShort {
            packet: self.records + 1,
            offset: self.pos as u64,
        });
    }

    fn corrupt(at: usize, what: impl Into<String>) -> CaptureError {
        CaptureError::CorruptBlock {
            offset: at as u64,
            what: what.into(),
        }
    }

    fn read_interface(&mut self, body: &[u8], at: usize) -> Result<(), CaptureError> {
        let be = self.big_endian;
        if body.len() < 8 {
            return Err(Self::corrupt(at, "interface description block too short"));
        }
        let link_type = LinkType(read_u16(body, 0, be));
        let snaplen = read_u32(body, 4, be);
        let mut units: u64 = 1_000_000;
        let mut offset_secs = 0i64;
        let mut name = None;
        let mut description = None;
        for (code, value) in Options::new(&body[8..], be) {
            match code {
                OPT_IF_TSRESOL if !value.is_empty() => {
                    let v = value[0];
                    units = if v & 0x80 == 0 {
                        10u64.checked_pow(u32::from(v)).unwrap_or(0)
                    } else {
                        1u64.checked_shl(u32::from(v & 0x7f)).unwrap_or(0)
                    };
                    if units == 0 {
                        return Err(Self::corrupt(
                            at,
                            format!("if_tsresol {v:#x} is out of range"),
                        ));
                    }
                }
                OPT_IF_TSOFFSET if value.len() >= 8 => {
                    let hi = read_u32(value, 0, be) as u64;
                    let lo = read_u32(value, 4, be) as u64;
                    offset_secs = if be { (hi << 32) | lo } else { (lo << 32) | hi } as i64;
                }
                OPT_IF_NAME => {
                    let text = String::from_utf8_lossy(value);
                    name = Some(text.trim_end_matches('\0').to_string());
                }
                OPT_IF_DESCRIPTION => {
                    let text = String::from_utf8_lossy(value);
                    description = Some(text.trim_end_matches('\0').to_string());
                }
                _ => {}
            }
        }
        self.interfaces.push(Interface {
            link_type,
            snaplen,
            ts_units_per_sec: units,
            name,
            description,
        });
        self.ts_offsets.push(offset_secs);
        Ok(())
    }

    /// Maps a section-local interface id to the global index, checking it exists.
    fn interface_index(&self, id: u32, at: usize) -> Result<usize, CaptureError> {
        let index = self.section_base + id as usize;
        if index >= self.interfaces.len() {
            return Err(Self::corrupt(
                at,
                format!("packet refers to interface {id}, which was not described"),
            ));
        }
        Ok(index)
    }

    fn timestamp(&self, iface: usize, hi: u32, lo: u32) -> i64 {
        let units = (u64::from(hi) << 32) | u64::from(lo);
        let per_sec = self.interfaces[iface].ts_units_per_sec;
        let secs = i64::try_from(units / per_sec).unwrap_or(i64::MAX);
        let frac = ((units % per_sec) as u128 * 1_000_000_000 / per_sec as u128) as i64;
        secs.saturating_add(self.ts_offsets[iface])
            .saturating_mul(1_000_000_000)
            .saturating_add(frac)
            // i64::MIN means "no timestamp".
            .max(i64::MIN + 1)
    }

    /// A packet record whose data starts `data_rel` bytes into the body of
    /// the block at `at`; `lens` is (captured, original) length.
    fn packet_record(
        &self,
        at: usize,
        data_rel: usize,
        lens: (u32, u32),
        ts_ns: i64,
        iface: usize,
        body_len: usize,
    ) -> Result<Record, CaptureError> {
        let (cap_len, orig_len) = lens;
        let body_at = at + 8;
        let data_at = body_at + data_rel;
        if cap_len > MAX_RECORD_LEN {
            return Err(CaptureError::AbsurdRecordLength {
                packet: self.records + 1,
                offset: at as u64,
                len: cap_len,
                max: MAX_RECORD_LEN,
            });
        }
        if data_rel + cap_len as usize > body_len {
            return Err(Self::corrupt(
                at,
                format!("packet claims {cap_len} captured bytes, more than its block holds"),
            ));
        }
        Ok(Record {
            data_offset: data_at as u64,
            cap_len,
            orig_len,
            ts_ns,
            interface: iface as u32,
            kind: RecordKind::Packet,
        })
    }

    fn enhanced_packet(&self, body: &[u8], at: usize) -> Result<Record, CaptureError> {
        let be = self.big_endian;
        if body.len() < 20 {
            return Err(Self::corrupt(at, "enhanced packet block too short"));
        }
        let iface = self.interface_index(read_u32(body, 0, be), at)?;
        let ts = self.timestamp(iface, read_u32(body, 4, be), read_u32(body, 8, be));
        let cap_len = read_u32(body, 12, be);
        let orig_len = read_u32(body, 16, be);
        self.packet_record(at, 20, (cap_len, orig_len), ts, iface, body.len())
    }

    fn obsolete_packet(&self, body: &[u8], at: usize) -> Result<Record, CaptureError> {
        let be = self.big_endian;
        if body.len() < 20 {
            return Err(Self::corrupt(at, "packet block too short"));
        }
        let iface = self.interface_index(u32::from(read_u16(body, 0, be)), at)?;
        let ts = self.timestamp(iface, read_u32(body, 4, be), read_u32(body, 8, be));
        let cap_len = read_u32(body, 12, be);
        let orig_len = read_u32(body, 16, be);
        self.packet_record(at, 20, (cap_len, orig_len), ts, iface, body.len())
    }

    fn simple_packet(&self, body: &[u8], at: usize) -> Result<Record, CaptureError> {
        let be = self.big_endian;
        if body.len() < 4 {
            return Err(Self::corrupt(at, "simple packet block too short"));
        }
        let iface = self.interface_index(0, at)?;
        let orig_len = read_u32(body, 0, be);
        let snaplen = self.interfaces[iface].snaplen;
        let mut cap_len = orig_len.min((body.len() - 4) as u32);
        if snaplen != 0 {
            cap_len = cap_len.min(snaplen);
        }
        self.packet_record(at, 4, (cap_len, orig_len), NO_TIMESTAMP, iface, body.len())
    }
}

/// Iterates over the (code, value) options of a block, stopping at `opt_endofopt`
/// or at the first option that does not fit.
struct Options<'a> {
    data: &'a [u8],
    pos: usize,
    big_endian: bool,
}

impl<'a> Options<'a> {
    fn new(data: &'a [u8], big_endian: bool) -> Options<'a> {
        Options {
            data,
            pos: 0,
            big_endian,
        }
    }
}

impl<'a> Iterator for Options<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let code = self
            .data
            .get(self.pos..self.pos + 4)
            .map(|_| read_u16(self.data, self.pos, self.big_endian))?;
        if code == OPT_END {
            return None;
        }
        let len = read_u16(self.data, self.pos + 2, self.big_endian) as usize;
        let start = self.pos + 4;
        let value = self.data.get(start..start + len)?;
        self.pos = start + len.next_multiple_of(4);
        Some((code, value))
    }
}

/// Whether the Custom Block whose record data starts at `data_offset` of
/// the capture `bytes` may be copied, and its Private Enterprise Number.
/// The block's type (before its length and the PEN) says the byte order:
/// 0x00000BAD or 0x40000BAD read one way only.
pub fn custom_block_header(bytes: &[u8], data_offset: u64) -> Option<(bool, u32)> {
    let at = usize::try_from(data_offset).ok()?;
    let t = bytes.get(at.checked_sub(12)?..at.checked_sub(8)?)?;
    let (be, le) = (
        u32::from_be_bytes([t[0], t[1], t[2], t[3]]),
        u32::from_le_bytes([t[0], t[1], t[2], t[3]]),
    );
    let big_endian = match (be, le) {
        (CB_COPY | CB_NOCOPY, _) => true,
        (_, CB_COPY | CB_NOCOPY) => false,
        _ => return None,
    };
    let block_type = if big_endian { be } else { le };
    bytes.get(at - 4..at)?;
    Some((block_type == CB_COPY, read_u32(bytes, at - 4, big_endian)))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Builder {
        out: Vec<u8>,
        be: bool,
    }

    impl Builder {
        fn u32(&self, x: u32) -> [u8; 4] {
            if self.be {
                x.to_be_bytes()
            } else {
                x.to_le_bytes()
            }
        }
        fn u16(&self, x: u16) -> [u8; 2] {
            if self.be {
                x.to_be_bytes()
            } else {
                x.to_le_bytes()
            }
        }
        fn block(&mut self, kind: u32, body: &[u8]) {
            let mut body = body.to_vec();
            while body.len() % 4 != 0 {
                body.push(0);
            }
            let len = body.len() as u32 + 12;
            let (k, l) = (self.u32(kind), self.u32(len));
            self.out.extend_from_slice(&k);
            self.out.extend_from_slice(&l);
            self.out.extend_from_slice(&body);
            self.out.extend_from_slice(&l);
        }
        fn shb(&mut self) {
            let mut b = self.u32(BYTE_ORDER_MAGIC).to_vec();
            b.extend_from_slice(&self.u16(1));
            b.extend_from_slice(&self.u16(0));
            b.extend_from_slice(&[0xff; 8]);
            self.block(SHB, &b);
        }
        fn idb(&mut self, link: u16, snaplen: u32, tsresol: Option<u8>) {
            let mut b = self.u16(link).to_vec();
            b.extend_from_slice(&[0, 0]);
            b.extend_from_slice(&self.u32(snaplen));
            if let Some(r) = tsresol {
                b.extend_from_slice(&self.u16(OPT_IF_TSRESOL));
                b.extend_from_slice(&self.u16(1));
                b.extend_from_slice(&[r, 0, 0, 0]);
                b.extend_from_slice(&[0, 0, 0, 0]);
            }
            self.block(IDB, &b);
        }
        fn epb(&mut self, iface: u32, ts: u64, data: &[u8], orig: u32) {
            let mut b = self.u32(iface).to_vec();
            b.extend_from_slice(&self.u32((ts >> 32) as u32));
            b.extend_from_slice(&self.u32(ts as u32));
            b.extend_from_slice(&self.u32(data.len() as u32));
            b.extend_from_slice(&self.u32(orig));
            b.extend_from_slice(data);
            self.block(EPB, &b);
        }
    }

    #[test]
    fn sections_interfaces_and_resolution() {
        for be in [false, true] {
            let mut b = Builder {
                out: Vec::new(),
                be,
            };
            b.shb();
            b.idb(1, 0, None);
            b.idb(0, 0, Some(9));
            b.block(5, &[0; 16]); // interface statistics: skipped
            b.epb(0, 1_500_000, &[1, 2, 3], 3);
            b.epb(1, 2_000_000_001, &[4; 5], 9);
            b.shb();
            b.idb(101, 96, Some(0x80 | 20));
            b.epb(0, 3 << 20, &[7], 1);
            let mut r = PcapNgReader::new(&b.out).expect("open");
            let a = r.next().expect("a").expect("ok");
            assert_eq!((a.interface, a.ts_ns, a.cap_len), (0, 1_500_000_000, 3));
            let c = r.next().expect("b").expect("ok");
            assert_eq!((c.interface, c.ts_ns, c.orig_len), (1, 2_000_000_001, 9));
            let d = r.next().expect("c").expect("ok");
            assert_eq!((d.interface, d.ts_ns), (2, 3_000_000_000));
            assert_eq!(b.out[d.data_offset as usize], 7);
            assert!(r.next().is_none());
            assert!(r.warning().is_none());
            assert_eq!(r.interfaces()[2].link_type, LinkType::RAW);
        }
    }

    /// Key logs past MAX_TLS_SECRETS (all blocks together) are skipped and
    /// the bound is reported, naming the packet the skipped block preceded.
    #[test]
    fn secrets_past_their_bound_are_skipped_and_reported() {
        let mut b = Builder {
            out: Vec::new(),
            be: false,
        };
        let dsb = |b: &mut Builder, len: usize| {
            let mut body = b.u32(SECRETS_TLS_KEY_LOG).to_vec();
            body.extend_from_slice(&b.u32(len as u32));
            body.extend(std::iter::repeat_n(b'#', len));
            b.block(DSB, &body);
        };
        let half = (MAX_TLS_SECRETS / 2 + 1) as usize;
        b.shb();
        b.idb(1, 0, None);
        dsb(&mut b, 100);
        b.epb(0, 0, &[1], 1);
        dsb(&mut b, half);
        b.epb(0, 0, &[2], 1);
        dsb(&mut b, half);
        b.epb(0, 0, &[3], 1);
        let mut r = PcapNgReader::new(&b.out).expect("open");
        while let Some(rec) = r.next() {
            rec.expect("record");
        }
        assert_eq!(r.tls_secrets().len(), 2);
        assert_eq!(
            r.tls_secrets_limit().map(|h| h.to_string()).as_deref(),
            Some("limit reached: MAX_TLS_SECRETS (16777216) at packet 3")
        );
    }

    #[test]
    fn unknown_interface_is_corrupt_and_cut_block_warns() {
        let mut b = Builder {
            out: Vec::new(),
            be: false,
        };
        b.shb();
        b.epb(3, 0, &[1], 1);
        let mut r = PcapNgReader::new(&b.out).expect("open");
        assert!(matches!(
            r.next(),
            Some(Err(CaptureError::CorruptBlock { .. }))
        ));

        let mut b = Builder {
            out: Vec::new(),
            be: false,
        };
        b.shb();
        b.idb(1, 0, None);
        b.epb(0, 0, &[1; 40], 40);
        b.out.truncate(b.out.len() - 5);
        let mut r = PcapNgReader::new(&b.out).expect("open");
        assert!(r.next().is_none());
        assert!(matches!(
            r.warning(),
            Some(CaptureWarning::CutShort { packet: 1, .. })
        ));
    }
}
