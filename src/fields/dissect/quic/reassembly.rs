//! One direction's Initial CRYPTO stream put back together as tshark 4.0
//! does: data at the offset expected goes to TLS as it comes; data past a
//! gap is held, and the frame that fills the gap hands TLS the whole run
//! at once (`N Reassembled QUIC CRYPTO Data Fragments`); data already seen
//! is a retransmission, and a frame that overlaps is cut to its new bytes.
//! TLS in turn keeps a handshake message's first bytes until the rest
//! arrives (`crypto.rs` draws both). The packet's earlier Initials of the
//! same direction are replayed to know the state a frame meets; the
//! stream is followed up to [`MAX_CRYPTO_STREAM`] bytes, and at most
//! [`MAX_CRYPTO_RUNS`] out-of-order runs of as many fragments each; a frame past either is left
//! undissected and the tree says so.

use crate::decode::app::quic::{self, Context};
use crate::decode::Transport;
use crate::fields::PacketView;
use crate::limits::MAX_QUIC_CONTEXT_WALK;

/// Bytes of one direction's Initial CRYPTO stream followed (a Client Hello
/// with a post-quantum key share is about 2 KB).
pub const MAX_CRYPTO_STREAM: u64 = 256 * 1024;

/// Out-of-order runs per direction, and fragments per run.
pub const MAX_CRYPTO_RUNS: usize = 64;

/// One CRYPTO frame: the frame number it came in, its stream offset and
/// its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub frame: u32,
    pub offset: u64,
    pub data: Vec<u8>,
}

/// Bytes handed to TLS, with the unfinished handshake message TLS holds
/// from earlier chunks (frame number and bytes of each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handed {
    pub data: Vec<u8>,
    pub held: Vec<(u32, Vec<u8>)>,
}

/// What became of one CRYPTO frame of the packet dissected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Handed to TLS as it came; `skip` bytes at its start were seen
    /// before (an overlap, cut off).
    Tls { handed: Handed, skip: usize },
    /// Held until a gap before it fills.
    Held,
    /// Filled the last gap of a run: the run's fragments in offset order
    /// (frame, offset in the run, length), handed to TLS whole.
    Reassembled {
        fragments: Vec<(u32, u64, usize)>,
        handed: Handed,
    },
    /// No new bytes.
    Retransmission,
    /// Past [`MAX_CRYPTO_STREAM`] or [`MAX_CRYPTO_RUNS`]: not followed.
    Limit,
}

/// An out-of-order run: where it starts, where its bytes so far end, its
/// fragments, and whether it was handed to TLS.
#[derive(Debug, Default)]
struct Run {
    seq: u64,
    next: u64,
    fragments: Vec<(u32, u64, Vec<u8>)>,
    done: bool,
}

impl Run {
    /// Whether the fragments cover the run from its start to `next`.
    fn complete(&self) -> bool {
        self.covered_from(0) >= self.next - self.seq
    }
    /// The end of the bytes covered without a hole from `from` (run-relative).
    fn covered_from(&self, mut from: u64) -> u64 {
        let mut sorted: Vec<_> = self.fragments.iter().collect();
        sorted.sort_by_key(|f| f.1);
        for (_, at, data) in sorted {
            let end = at + data.len() as u64;
            if *at <= from && from < end {
                from = end;
            }
        }
        from
    }
}

/// The stream's state: the end of the bytes seen without a hole, the
/// out-of-order runs, and the message bytes TLS holds.
#[derive(Debug, Default)]
pub struct Stream {
    contiguous: u64,
    runs: Vec<Run>,
    tls_held: Vec<(u32, Vec<u8>)>,
}

impl Stream {
    /// Takes in one CRYPTO frame and says what became of it.
    pub fn push(&mut self, p: &Piece) -> Fate {
        let len = p.data.len() as u64;
        let Some(end) = p.offset.checked_add(len) else {
            return Fate::Limit;
        };
        if end > MAX_CRYPTO_STREAM {
            return Fate::Limit;
        }
        if end <= self.contiguous {
            return Fate::Retransmission;
        }
        let skip = self.contiguous.saturating_sub(p.offset);
        let seq = p.offset + skip;
        let data = &p.data[usize::try_from(skip).unwrap_or(0)..];
        // The latest run starting at or before `seq`, unless already
        // handed over and ending before it.
        let run = self
            .runs
            .iter()
            .enumerate()
            .filter(|(_, r)| r.seq <= seq)
            .max_by_key(|(_, r)| r.seq)
            .map(|(i, _)| i)
            .filter(|&i| !(self.runs[i].done && seq >= self.runs[i].next));
        let gap = self.contiguous < seq;
        if !gap {
            self.contiguous = match run {
                Some(i) => {
                    let r = &self.runs[i];
                    r.covered_from(end - r.seq) + r.seq
                }
                None => end,
            };
        }
        if let Some(i) = run {
            let r = &mut self.runs[i];
            r.next = r.next.max(end);
            if r.seq <= seq && r.next > seq {
                if r.fragments.len() >= MAX_CRYPTO_RUNS {
                    return Fate::Limit;
                }
                r.fragments.push((p.frame, seq - r.seq, data.to_vec()));
                if !r.complete() {
                    return Fate::Held;
                }
                r.done = true;
                let mut frags: Vec<_> = r.fragments.iter().collect();
                frags.sort_by_key(|f| f.1);
                let mut whole = Vec::new();
                for (_, at, d) in &frags {
                    // Overlapping copies: the bytes past what is there.
                    let have = whole.len() as u64;
                    let from = usize::try_from(have.saturating_sub(*at)).unwrap_or(usize::MAX);
                    whole.extend_from_slice(d.get(from..).unwrap_or(&[]));
                }
                let fragments = frags.iter().map(|(f, at, d)| (*f, *at, d.len())).collect();
                let handed = self.hand(p.frame, whole);
                return Fate::Reassembled { fragments, handed };
            }
        }
        if gap {
            if self.runs.len() >= MAX_CRYPTO_RUNS {
                return Fate::Limit;
            }
            self.runs.push(Run {
                seq: self.contiguous,
                next: end,
                fragments: vec![(p.frame, seq - self.contiguous, data.to_vec())],
                done: false,
            });
            return Fate::Held;
        }
        let handed = self.hand(p.frame, data.to_vec());
        Fate::Tls {
            handed,
            skip: usize::try_from(skip).unwrap_or(0),
        }
    }

    /// Hands `data` (from frame `frame`) to TLS: what TLS held before it,
    /// and what it holds after.
    fn hand(&mut self, frame: u32, data: Vec<u8>) -> Handed {
        let held = std::mem::take(&mut self.tls_held);
        self.tls_held = super::crypto::still_held(&held, frame, &data);
        Handed { data, held }
    }
}

/// The CRYPTO frames of a decrypted Initial payload, as pieces of frame
/// `frame`.
pub fn pieces(plain: &[u8], frame: u32) -> Vec<Piece> {
    let Some(frames) = quic::frames(plain) else {
        return Vec::new();
    };
    frames
        .iter()
        .filter(|f| f.kind == 6)
        .filter_map(|f| {
            let offset = *f.numbers.first()?;
            let len = usize::try_from(*f.numbers.get(1)?).ok()?;
            let data = plain.get(f.end.checked_sub(len)?..f.end)?;
            Some(Piece {
                frame,
                offset,
                data: data.to_vec(),
            })
        })
        .collect()
}

/// What became of each CRYPTO frame of `view`'s Initial (`pieces`, in
/// order), after the earlier Initials its sender sent on the connection
/// (up to [`MAX_QUIC_CONTEXT_WALK`] datagrams back).
pub fn fates(view: &PacketView<'_>, ctx: Context<'_>, this: &[Piece]) -> Vec<Fate> {
    let mut stream = Stream::default();
    let store = &view.trace.store;
    if let Some((c, dir)) = view.trace.conversations.of_packet(store, view.index) {
        for (steps, i) in c.packets(store).enumerate() {
            if i >= view.index || steps as u64 >= MAX_QUIC_CONTEXT_WALK {
                break;
            }
            let other = PacketView::new(view.trace, i);
            if other.direction() != Some(dir) {
                continue;
            }
            let Transport::Udp(u) = &other.decoded.transport else {
                continue;
            };
            if let Some(init) = quic::initial(u.payload(), ctx) {
                let frame = u32::try_from(i + 1).unwrap_or(u32::MAX);
                for p in pieces(&init.plain, frame) {
                    stream.push(&p);
                }
            }
        }
    }
    this.iter().map(|p| stream.push(p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(frame: u32, offset: u64, len: usize) -> Piece {
        Piece {
            frame,
            offset,
            data: (0..len)
                .map(|i| (offset as usize).wrapping_add(i) as u8)
                .collect(),
        }
    }

    #[test]
    fn out_of_order_runs_as_tshark_reassembles_them() {
        let mut s = Stream::default();
        // Frame 3 of quic-crypto-split.pcap: 700.., 0.., 400..
        assert_eq!(s.push(&piece(3, 700, 300)), Fate::Held);
        assert_eq!(s.push(&piece(3, 0, 400)), Fate::Held);
        let Fate::Reassembled { fragments, handed } = s.push(&piece(3, 400, 300)) else {
            panic!("the gap is filled");
        };
        assert_eq!(fragments, [(3, 0, 400), (3, 400, 300), (3, 700, 300)]);
        assert_eq!(handed.data, piece(0, 0, 1000).data);
        // Frame 4: 1300.., 1000..
        assert_eq!(s.push(&piece(4, 1300, 200)), Fate::Held);
        let Fate::Reassembled { fragments, .. } = s.push(&piece(4, 1000, 300)) else {
            panic!("the gap is filled");
        };
        assert_eq!(fragments, [(4, 0, 300), (4, 300, 200)]);
        assert_eq!(s.push(&piece(5, 0, 1500)), Fate::Retransmission);
        let Fate::Tls { handed, skip } = s.push(&piece(6, 1400, 200)) else {
            panic!("new bytes past the overlap");
        };
        assert_eq!((skip, handed.data.len()), (100, 100));
        assert_eq!(s.push(&piece(7, MAX_CRYPTO_STREAM, 1)), Fate::Limit);
        assert_eq!(s.push(&piece(7, u64::MAX, 2)), Fate::Limit);
    }

    #[test]
    fn runs_and_fragments_are_bounded() {
        let mut s = Stream::default();
        for i in 0..MAX_CRYPTO_RUNS as u64 {
            assert_eq!(s.push(&piece(1, 2 * i + 1, 1)), Fate::Held);
            assert!(matches!(
                s.push(&piece(1, 2 * i, 1)),
                Fate::Reassembled { .. }
            ));
        }
        assert_eq!(s.push(&piece(1, 1000, 1)), Fate::Limit);
        let mut s = Stream::default();
        for _ in 0..MAX_CRYPTO_RUNS {
            assert_eq!(s.push(&piece(1, 10, 1)), Fate::Held);
        }
        assert_eq!(s.push(&piece(1, 10, 1)), Fate::Limit);
    }
}
