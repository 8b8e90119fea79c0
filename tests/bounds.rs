//! Property tests: any byte string given to the capture reader, the decoder,
//! the reassembler, the HTTP parser or the DNS parser returns, without
//! panicking, having spent memory and work proportional to its size. Work is
//! counted, not timed: a counting allocator measures the peak of live heap
//! bytes and the number of allocations of each call, and each must stay
//! under `PER_BYTE * len + FIXED` (the constants below, a wide margin over
//! what the properties measure: `WIRELENS_BOUNDS_REPORT=1` prints it).
//!
//! Everything runs in one test so that nothing else allocates meanwhile.

#![allow(unsafe_code)] // the counting allocator

use proptest::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use wirelens::capture::{Capture, CaptureBytes, LinkType};
use wirelens::flow::reassembly::{Piece, Reassembler};
use wirelens::flow::seq::Seq;
use wirelens::http::{content, parse};

struct Counting;

static LIVE: AtomicU64 = AtomicU64::new(0);
static PEAK: AtomicU64 = AtomicU64::new(0);
static COUNT: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator, only counting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size() as u64, Relaxed) + layout.size() as u64;
        PEAK.fetch_max(live, Relaxed);
        COUNT.fetch_add(1, Relaxed);
        // SAFETY: same layout, as GlobalAlloc requires of the caller.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as u64, Relaxed);
        // SAFETY: ptr came from System.alloc with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Heap bytes and allocations one call may take per input byte, and always.
/// The fixed part is mostly brotli's: its decoder sets up a ring buffer as
/// large as the window the stream's first bytes ask for (up to 16 MiB), and
/// 1 MiB of decoded output is always allowed.
const PEAK_PER_BYTE: u64 = 64;
const PEAK_FIXED: u64 = 20 << 20;
const ALLOCS_PER_BYTE: u64 = 8;
const ALLOCS_FIXED: u64 = 2_000;

/// The worst (peak bytes, allocations) per input byte seen on inputs of 1 KiB
/// or more, per parser.
static WORST: std::sync::Mutex<Vec<(&'static str, f64, f64)>> = std::sync::Mutex::new(Vec::new());

/// Runs `f`, asserting it stayed within the bounds for an input of `len`.
fn bounded(name: &'static str, len: usize, f: impl FnOnce()) -> Result<(), TestCaseError> {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let count = COUNT.load(Relaxed);
    f();
    let peak = PEAK.load(Relaxed).saturating_sub(base);
    let allocs = COUNT.load(Relaxed) - count;
    let n = len as u64;
    prop_assert!(
        peak <= PEAK_PER_BYTE * n + PEAK_FIXED,
        "{name}: {peak} bytes at peak for {n} input bytes"
    );
    prop_assert!(
        allocs <= ALLOCS_PER_BYTE * n + ALLOCS_FIXED,
        "{name}: {allocs} allocations for {n} input bytes"
    );
    if let (Ok(mut w), true) = (WORST.lock(), n >= 1024) {
        let (p, a) = (peak as f64 / n as f64, allocs as f64 / n as f64);
        match w.iter_mut().find(|e| e.0 == name) {
            Some(e) => {
                e.1 = e.1.max(p);
                e.2 = e.2.max(a);
            }
            None => w.push((name, p, a)),
        }
    }
    Ok(())
}

/// A pcap header then `data` cut into records of the lengths it says, so
/// the reader and the decoder see many packets, not one error.
fn as_pcap(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for x in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 262_144, 1] {
        out.extend_from_slice(&x.to_le_bytes());
    }
    let mut rest = data;
    while let [n, tail @ ..] = rest {
        let n = usize::from(*n).min(tail.len());
        for x in [1u32, 0, n as u32, n as u32] {
            out.extend_from_slice(&x.to_le_bytes());
        }
        out.extend_from_slice(&tail[..n]);
        rest = &tail[n..];
    }
    out
}

fn reader(bytes: Vec<u8>) {
    let Ok(capture) = Capture::from_bytes(CaptureBytes::Owned(bytes), "p".into()) else {
        return;
    };
    if let Ok(records) = capture.records() {
        for r in records {
            if r.is_err() {
                break;
            }
        }
    }
}

fn load(bytes: Vec<u8>) {
    let Ok(capture) = Capture::from_bytes(CaptureBytes::Owned(bytes), "p".into()) else {
        return;
    };
    if let Ok(trace) = wirelens::trace::Trace::load(capture, |_| true) {
        let index =
            wirelens::http::HttpIndex::build(&trace.store, &trace.conversations, &trace.keys);
        for t in &index.transactions {
            if let (Some(m), Some(head)) = (
                &t.response,
                t.response.as_ref().and_then(|m| m.head(&trace.store)),
            ) {
                let raw = index.body_bytes(&trace.store, &trace.conversations, m);
                let _ = m.decode_body(&head, &raw, 1 << 20);
            }
        }
    }
}

fn reassemble(data: &[u8]) {
    // Each 4 bytes: a sequence offset (2), a length (1), flags (1); the
    // payloads are slices of the input itself.
    let mut r = Reassembler::default();
    let mut delivered = 0u64;
    for (i, c) in data.chunks_exact(4).enumerate() {
        let seq = Seq(u32::from(u16::from_be_bytes([c[0], c[1]])).wrapping_mul(97));
        let len = usize::from(c[2]).min(data.len());
        r.push(
            i as u32,
            seq,
            c[3] & 1 != 0,
            &data[..len],
            u32::from(c[2]) << (c[3] >> 6),
            &mut |p| {
                if let Piece::Data { bytes, .. } = p {
                    delivered += bytes.len() as u64;
                }
            },
        );
    }
    r.finish(&mut |_| {});
    assert!(delivered <= (data.len() as u64 / 4) * data.len() as u64);
}

fn http(data: &[u8]) {
    let Some((&mode, buf)) = data.split_first() else {
        return;
    };
    let head = if mode & 1 == 0 {
        parse::parse_request(buf)
    } else {
        parse::parse_response(buf)
    };
    let body_from = head.as_ref().map(|h| h.len).unwrap_or(0);
    let rest = &buf[body_from..];
    let body = parse::read_body(rest, parse::Framing::Chunked, mode & 2 != 0);
    let coding = ["gzip", "deflate", "br", "gzip, br"][usize::from(mode >> 6)];
    let _ = content::decode(&body.gather(rest), &content::codings(coding), 1 << 20);
    let _ = content::decode(buf, &content::codings(coding), 1 << 20);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn every_parser_is_bounded_by_its_input(data in proptest::collection::vec(any::<u8>(), 0..6000)) {
        let len = data.len();
        let pcap = as_pcap(&data);
        let pcap_len = pcap.len();
        bounded("reader (raw)", len, || reader(data.clone()))?;
        bounded("reader (records)", pcap_len, || reader(pcap.clone()))?;
        bounded("load + HTTP (records)", pcap_len, || load(pcap.clone()))?;
        bounded("decoder", len, || {
            for lt in [0u16, 1, 12, 14, 101, 108, 113, 228, 229, 276] {
                let _ = wirelens::decode::decode(LinkType(lt), &data, len as u32);
            }
        })?;
        bounded("reassembler", len, || reassemble(&data))?;
        bounded("HTTP parser", len, || http(&data))?;
        bounded("DNS parser", len, || {
            let _ = wirelens::decode::dns::summary(&data);
        })?;
        if std::env::var_os("WIRELENS_BOUNDS_REPORT").is_some() {
            if let Ok(w) = WORST.lock() {
                for (name, peak, allocs) in w.iter() {
                    eprintln!("{name}: worst {peak:.1} heap bytes, {allocs:.2} allocations per input byte");
                }
            }
        }
    }
}
