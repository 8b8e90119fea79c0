//! Deterministic synthetic traffic generator for benchmarks.
//!
//! This module writes a classic pcap file (microsecond timestamps,
//! little-endian, `LINKTYPE_ETHERNET`) that models the traffic seen by a
//! capture point in front of a handful of busy HTTP/1.1 servers:
//!
//! * Many TCP connections run concurrently (50–1000 at once, depending on
//!   the requested size), interleaved in time with monotonically increasing
//!   timestamps. Clients are `10.16.x.y` (a few percent use IPv6 `fd00:10::/64`)
//!   with Linux-style ephemeral ports; servers listen on port 80 and 8080.
//! * Every connection opens with a three-way handshake carrying realistic
//!   options (MSS, SACK permitted, timestamps, window scale 7) and random
//!   ISNs, then carries 1..N keep-alive HTTP/1.1 transactions. Requests have
//!   realistic headers (Host, User-Agent, Accept, ...), some are POSTs with a
//!   JSON body. Responses are 200/301/304/404 with bodies from a few hundred
//!   bytes to 4 MiB (skewed small), using `Content-Length`,
//!   `Transfer-Encoding: chunked`, `Content-Encoding: gzip` (real gzip made by
//!   flate2) or chunked+gzip.
//! * Payload is segmented at the MSS (1448 bytes for IPv4, 1428 for IPv6, all
//!   data segments carry the TCP timestamp option), the sender uses a simple
//!   slow-start (window doubles every round trip, capped), the receiver ACKs
//!   every second segment, PSH is set on the last segment of each message.
//! * Anomalies: ~1% of response data segments are "lost" after the capture
//!   point, which produces duplicate ACKs with SACK blocks followed by a fast
//!   retransmission (or an RTO retransmission when fewer than three segments
//!   follow the loss in its window); losses are never placed in a message's
//!   last window, so every retransmission precedes the end of its message.
//!   A few segment pairs arrive out of order (with the immediate duplicate
//!   ACK + SACK the receiver sends).
//! * Teardowns are four-way FIN/ACK (client or server first), three-way
//!   (FIN piggybacked on the ACK of the peer's FIN) or RST; ~1% of
//!   connection attempts are refused (SYN answered by RST/ACK).
//! * About a third of IPv4 connections are preceded by a UDP DNS A query and
//!   its answer (real DNS wire format).
//!
//! Sequence and acknowledgement numbers are exact (SYN and FIN count one
//! byte, ACK = next expected byte), so a TCP reassembler reconstructs every
//! stream byte for byte; all IPv4 header and TCP/UDP checksums are computed
//! by etherparse. (Wireshark/tshark with default settings gives up on a
//! few PDUs that contain an out-of-order pair; with
//! `-o tcp.reassemble_out_of_order:TRUE` it dissects every response.)
//!
//! Output is a pure function of [`SynthConfig`]: the generator only uses its
//! own SplitMix64 PRNG (no clock, no hash-map iteration order), so the same
//! seed and size give identical bytes. (Size sampling uses `f64` `ln`/`exp`,
//! which are deterministic on a given platform.)
//!
//! Performance: bodies are precomputed once (a 4 MiB text template, a 4 MiB
//! binary template; gzip and chunked variants are built lazily, once per size
//! class), packets are built into reused buffers, so a release build writes
//! 1 GiB in a few seconds.
//!
//! Usage from a benchmark:
//!
//! ```ignore
//! #[path = "../examples/gencap/synth.rs"]
//! mod synth;
//! let stats = synth::generate(&synth::SynthConfig { target_bytes: 64 << 20, seed: 1 }, file)?;
//! ```

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::io::{self, BufWriter, Write};
use std::rc::Rc;
use std::time::Duration;

use etherparse::{
    IpHeaders, Ipv4Header, Ipv6FlowLabel, Ipv6Header, PacketBuilder, TcpOptionElement,
};
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::{DataLink, Endianness, TsResolution};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthConfig {
    /// Approximate size of the resulting pcap file in bytes. Generation stops
    /// starting new work once this is reached; in-flight transactions and
    /// connections are completed, so the file is usually slightly larger.
    pub target_bytes: u64,
    /// PRNG seed; the same seed (and size) always yields identical output.
    pub seed: u64,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            target_bytes: 64 << 20,
            seed: 1,
        }
    }
}

/// Counters describing what [`generate`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SynthStats {
    /// Bytes written to the output (pcap file header included).
    pub bytes: u64,
    /// Packets (pcap records) written, TCP and UDP.
    pub packets: u64,
    /// TCP connections attempted (refused ones included).
    pub tcp_connections: u64,
    /// Complete HTTP request/response pairs.
    pub http_transactions: u64,
    /// UDP (DNS) packets written.
    pub udp_packets: u64,
}

/// Generates a pcap into `out` (which should be a file or another sink; it is
/// wrapped in a `BufWriter` internally) and returns what was written.
pub fn generate<W: Write>(cfg: &SynthConfig, out: W) -> io::Result<SynthStats> {
    let header = PcapHeader {
        version_major: 2,
        version_minor: 4,
        ts_correction: 0,
        ts_accuracy: 0,
        snaplen: 65535,
        datalink: DataLink::ETHERNET,
        ts_resolution: TsResolution::MicroSecond,
        endianness: Endianness::Little,
    };
    let writer = PcapWriter::with_header(BufWriter::with_capacity(1 << 20, out), header)
        .map_err(io::Error::other)?;
    let mut em = Emitter {
        w: writer,
        buf: Vec::with_capacity(2048),
        payload: Vec::with_capacity(2048),
        bytes: PCAP_FILE_HEADER_LEN,
        packets: 0,
        udp_packets: 0,
    };

    let mut ctx = Ctx::new(cfg);
    // Concurrency scales with the requested size so small files still
    // interleave many connections: 20 MiB -> 80, >= 256 MiB -> 1000.
    let concurrency = (cfg.target_bytes / (256 << 10)).clamp(50, 1000) as usize;

    let mut slots: Vec<Option<Conn>> = Vec::with_capacity(concurrency + 16);
    let mut free: Vec<usize> = Vec::new();
    let mut heap: BinaryHeap<Reverse<(u64, usize)>> = BinaryHeap::new();

    // Initial population, with start times staggered over the first 300 ms.
    for _ in 0..concurrency {
        if ctx.planned >= ctx.target {
            break;
        }
        let t0 = ctx.rng.below(300_000);
        let conn = Conn::spawn(&mut ctx, t0)?;
        insert(&mut slots, &mut free, &mut heap, conn);
    }

    while let Some(Reverse((_, slot))) = heap.pop() {
        let Some(conn) = slots.get_mut(slot).and_then(Option::as_mut) else {
            continue;
        };
        let Some(pkt) = conn.queue.pop_front() else {
            continue;
        };
        em.emit(conn, &pkt)?;
        if conn.queue.is_empty() && !conn.plan_next(pkt.at, &mut ctx)? {
            // Connection finished: free its slot and replace it while the
            // byte budget lasts.
            slots[slot] = None;
            free.push(slot);
            if ctx.planned < ctx.target {
                let t0 = pkt.at + ctx.rng.below(3_000);
                let conn = Conn::spawn(&mut ctx, t0)?;
                insert(&mut slots, &mut free, &mut heap, conn);
            }
            continue;
        }
        if let Some(next) = conn.queue.front() {
            heap.push(Reverse((next.at, slot)));
        }
    }

    em.w.into_writer().flush()?;
    Ok(SynthStats {
        bytes: em.bytes,
        packets: em.packets,
        tcp_connections: ctx.connections,
        http_transactions: ctx.transactions,
        udp_packets: em.udp_packets,
    })
}

fn insert(
    slots: &mut Vec<Option<Conn>>,
    free: &mut Vec<usize>,
    heap: &mut BinaryHeap<Reverse<(u64, usize)>>,
    conn: Conn,
) {
    let Some(at) = conn.queue.front().map(|p| p.at) else {
        return;
    };
    let slot = match free.pop() {
        Some(s) => {
            slots[s] = Some(conn);
            s
        }
        None => {
            slots.push(Some(conn));
            slots.len() - 1
        }
    };
    heap.push(Reverse((at, slot)));
}

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

/// Capture start: 2023-11-14 22:13:20 UTC.
const START_SECS: u64 = 1_700_000_000;
const PCAP_FILE_HEADER_LEN: u64 = 24;
const PCAP_RECORD_HEADER_LEN: u64 = 16;

/// Largest response body.
const MAX_BODY: usize = 4 << 20;
/// Number of precomputed size classes for gzip / chunked bodies.
const N_CLASSES: usize = 32;
/// Size of the client address pool.
const N_CLIENTS: usize = 4096;

const MSS_V4: usize = 1448; // 1500 - 20 (IP) - 20 (TCP) - 12 (timestamps)
const MSS_V6: usize = 1428; // 1500 - 40 (IPv6) - 20 (TCP) - 12 (timestamps)
const MAX_CWND: usize = 64;
/// Probability per data segment of a loss after the capture point.
const LOSS_RATE: f64 = 0.01;
/// Probability per data segment of starting an out-of-order pair.
const REORDER_RATE: f64 = 0.002;
/// Retransmission timeout used on tail loss (Linux minimum RTO).
const RTO_US: u64 = 200_000;
/// Reaction time of the server host (the capture point is next to it).
const SRV_REACT: u64 = 35;
/// Delayed-ACK timeout.
const DELACK_US: u64 = 40_000;

const C2S: usize = 0;
const S2C: usize = 1;

const F_FIN: u8 = 1;
const F_SYN: u8 = 2;
const F_RST: u8 = 4;
const F_PSH: u8 = 8;
const F_ACK: u8 = 16;

const O_NONE: u8 = 0;
const O_SYN: u8 = 1;
const O_TS: u8 = 2;
/// Timestamps plus one SACK block (`sack_l..sack_r`), on duplicate ACKs.
const O_SACK: u8 = 3;

const P_NONE: u8 = 0;
const P_REQ: u8 = 1;
const P_RESP: u8 = 2;
const P_DNSQ: u8 = 3;
const P_DNSR: u8 = 4;

struct Server {
    host: &'static str,
    v4: [u8; 4],
    v6: [u8; 16],
    port: u16,
    mac: [u8; 6],
    software: &'static str,
    /// Relative popularity.
    weight: u64,
}

const fn v6(last: u8, sub: u8) -> [u8; 16] {
    [0xfd, 0x00, 0, sub, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last]
}

const SERVERS: [Server; 6] = [
    Server {
        host: "www.example.com",
        v4: [10, 200, 0, 10],
        v6: v6(0x10, 0x20),
        port: 80,
        mac: [0x00, 0x16, 0x3e, 0x20, 0x00, 0x10],
        software: "nginx/1.24.0",
        weight: 35,
    },
    Server {
        host: "static.example.com",
        v4: [10, 200, 0, 11],
        v6: v6(0x11, 0x20),
        port: 80,
        mac: [0x00, 0x16, 0x3e, 0x20, 0x00, 0x11],
        software: "nginx/1.24.0",
        weight: 25,
    },
    Server {
        host: "cdn.example.net",
        v4: [10, 200, 0, 12],
        v6: v6(0x12, 0x20),
        port: 80,
        mac: [0x00, 0x16, 0x3e, 0x20, 0x00, 0x12],
        software: "Apache/2.4.57 (Debian)",
        weight: 15,
    },
    Server {
        host: "shop.example.org",
        v4: [10, 200, 0, 13],
        v6: v6(0x13, 0x20),
        port: 80,
        mac: [0x00, 0x16, 0x3e, 0x20, 0x00, 0x13],
        software: "Apache/2.4.57 (Debian)",
        weight: 10,
    },
    Server {
        host: "api.example.com",
        v4: [10, 200, 1, 20],
        v6: v6(0x20, 0x21),
        port: 8080,
        mac: [0x00, 0x16, 0x3e, 0x20, 0x01, 0x20],
        software: "envoy",
        weight: 10,
    },
    Server {
        host: "metrics.example.com",
        v4: [10, 200, 1, 21],
        v6: v6(0x21, 0x21),
        port: 8080,
        mac: [0x00, 0x16, 0x3e, 0x20, 0x01, 0x21],
        software: "Jetty(9.4.53.v20231009)",
        weight: 5,
    },
];

const DNS_IP: [u8; 4] = [10, 0, 0, 53];
const DNS_MAC: [u8; 6] = [0x00, 0x16, 0x3e, 0x00, 0x00, 0x53];

const USER_AGENTS: [&str; 6] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "curl/8.4.0",
    "python-requests/2.31.0",
];

const WORDS: [&str; 48] = [
    "packet", "stream", "capture", "latency", "window", "segment", "header", "payload", "server",
    "client", "request", "response", "buffer", "socket", "kernel", "network", "the", "a", "of",
    "and", "to", "in", "is", "for", "with", "on", "that", "by", "this", "data", "value", "table",
    "index", "query", "cache", "proxy", "route", "frame", "filter", "checksum", "timeout",
    "session", "cookie", "token", "module", "widget", "render", "layout",
];

// ---------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------

/// SplitMix64: tiny, fast and good enough for traffic synthesis.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        let mut r = Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B);
        r.next_u64();
        r
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Log-uniform in `[lo, hi)`: skewed towards small values.
    fn log_uniform(&mut self, lo: f64, hi: f64) -> u64 {
        (lo.ln() + self.unit() * (hi.ln() - lo.ln())).exp() as u64
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

// ---------------------------------------------------------------------------
// Precomputed bodies
// ---------------------------------------------------------------------------

/// Shared body templates. Plain bodies are prefixes of `text` / `binary`;
/// gzip and chunked bodies exist per size class and are built on first use.
struct Bodies {
    text: Rc<[u8]>,
    binary: Rc<[u8]>,
    classes: [usize; N_CLASSES],
    gzip: Vec<Option<Rc<[u8]>>>,
    chunked: Vec<Option<Rc<[u8]>>>,
    chunked_gzip: Vec<Option<Rc<[u8]>>>,
}

impl Bodies {
    fn new(rng: &mut Rng) -> Self {
        // HTML-ish text: compresses about 3-4x, like real markup.
        let mut text = Vec::with_capacity(MAX_BODY + 1024);
        text.extend_from_slice(
            b"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
              <title>wirelens synthetic page</title>\n\
              <link rel=\"stylesheet\" href=\"/static/css/main.css\">\n</head>\n<body>\n",
        );
        let tags = ["p", "div", "li", "span", "td"];
        while text.len() < MAX_BODY {
            let tag = rng.pick(&tags);
            let class = rng.below(40);
            text.extend_from_slice(format!("<{tag} class=\"c{class}\">").as_bytes());
            for w in 0..rng.range(8, 60) {
                if w > 0 {
                    text.push(b' ');
                }
                if rng.chance(0.08) {
                    text.extend_from_slice(rng.below(100_000).to_string().as_bytes());
                } else {
                    text.extend_from_slice(rng.pick(&WORDS).as_bytes());
                }
            }
            text.extend_from_slice(format!("</{tag}>\n").as_bytes());
        }
        text.truncate(MAX_BODY);

        let mut binary = vec![0u8; MAX_BODY];
        for chunk in binary.chunks_mut(8) {
            let v = rng.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }

        // Log-spaced classes from 200 bytes to MAX_BODY.
        let mut classes = [0usize; N_CLASSES];
        let ratio = (MAX_BODY as f64 / 200.0).ln() / (N_CLASSES - 1) as f64;
        for (k, c) in classes.iter_mut().enumerate() {
            *c = ((200.0f64).ln() + ratio * k as f64).exp() as usize;
        }
        classes[N_CLASSES - 1] = MAX_BODY;

        Bodies {
            text: text.into(),
            binary: binary.into(),
            classes,
            gzip: vec![None; N_CLASSES],
            chunked: vec![None; N_CLASSES],
            chunked_gzip: vec![None; N_CLASSES],
        }
    }

    /// Largest class not bigger than `len`.
    fn class_of(&self, len: usize) -> usize {
        self.classes.iter().rposition(|&c| c <= len).unwrap_or(0)
    }

    fn gzip(&mut self, k: usize) -> io::Result<Rc<[u8]>> {
        if let Some(b) = &self.gzip[k] {
            return Ok(b.clone());
        }
        let mut enc = flate2::write::GzEncoder::new(
            Vec::with_capacity(self.classes[k] / 3 + 64),
            flate2::Compression::default(),
        );
        enc.write_all(&self.text[..self.classes[k]])?;
        let b: Rc<[u8]> = enc.finish()?.into();
        self.gzip[k] = Some(b.clone());
        Ok(b)
    }

    fn chunked(&mut self, k: usize, gz: bool) -> io::Result<Rc<[u8]>> {
        let cached = if gz {
            &self.chunked_gzip[k]
        } else {
            &self.chunked[k]
        };
        if let Some(b) = cached {
            return Ok(b.clone());
        }
        let src: Rc<[u8]> = if gz { self.gzip(k)? } else { self.text.clone() };
        let len = if gz { src.len() } else { self.classes[k] };
        // Chunk sizes vary like a server flushing its output buffers.
        let mut rng = Rng::new(k as u64 * 7 + u64::from(gz));
        let mut out = Vec::with_capacity(len + len / 256 + 64);
        let mut off = 0;
        while off < len {
            let n = (rng.range(512, 16384) as usize).min(len - off);
            write!(out, "{n:x}\r\n")?;
            out.extend_from_slice(&src[off..off + n]);
            out.extend_from_slice(b"\r\n");
            off += n;
        }
        out.extend_from_slice(b"0\r\n\r\n");
        let b: Rc<[u8]> = out.into();
        if gz {
            self.chunked_gzip[k] = Some(b.clone());
        } else {
            self.chunked[k] = Some(b.clone());
        }
        Ok(b)
    }
}

/// One HTTP message: a per-transaction head (plus small request body) and an
/// optional shared body `body[..body_len]`.
#[derive(Default)]
struct Msg {
    head: Vec<u8>,
    body: Option<Rc<[u8]>>,
    body_len: usize,
}

impl Msg {
    fn len(&self) -> usize {
        self.head.len() + self.body_len
    }

    fn set_body(&mut self, body: Rc<[u8]>, len: usize) {
        self.body_len = len.min(body.len());
        self.body = Some(body);
    }

    fn clear(&mut self) {
        self.head.clear();
        self.body = None;
        self.body_len = 0;
    }

    /// Copies bytes `off..off + len` of the message into `out`.
    fn copy_into(&self, off: usize, len: usize, out: &mut Vec<u8>) {
        out.clear();
        let h = self.head.len();
        let end = off + len;
        if off < h {
            out.extend_from_slice(&self.head[off..end.min(h)]);
        }
        if end > h {
            if let Some(body) = &self.body {
                out.extend_from_slice(&body[off.max(h) - h..end - h]);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Generator state
// ---------------------------------------------------------------------------

/// Shared state: global PRNG, byte budget, scratch buffers, counters.
struct Ctx {
    rng: Rng,
    seed: u64,
    target: u64,
    /// Exact on-disk size of everything already written or queued.
    planned: u64,
    bodies: Bodies,
    /// Next ephemeral port per client.
    ports: Vec<u16>,
    next_id: u64,
    connections: u64,
    transactions: u64,
    /// Packets of the phase being planned (sorted by time before queueing).
    phase: Vec<Pkt>,
    /// Scratch for one send round: (observation time, segment index).
    round: Vec<(u64, usize)>,
    got: Vec<bool>,
}

impl Ctx {
    fn new(cfg: &SynthConfig) -> Self {
        let mut rng = Rng::new(cfg.seed);
        let bodies = Bodies::new(&mut rng);
        let ports = (0..N_CLIENTS)
            .map(|_| rng.range(32768, 60999) as u16)
            .collect();
        Ctx {
            rng,
            seed: cfg.seed,
            target: cfg.target_bytes,
            planned: PCAP_FILE_HEADER_LEN,
            bodies,
            ports,
            next_id: 0,
            connections: 0,
            transactions: 0,
            phase: Vec::with_capacity(4096),
            round: Vec::with_capacity(MAX_CWND),
            got: Vec::with_capacity(MAX_CWND),
        }
    }
}

/// One packet to emit. Header fields that depend on emission order
/// (TCP timestamps, IP identification) are filled in by [`Emitter::emit`].
#[derive(Debug, Clone, Copy)]
struct Pkt {
    /// Microseconds since capture start.
    at: u64,
    seq: u32,
    ack: u32,
    /// Payload range inside the message selected by `src`.
    off: u32,
    len: u16,
    win: u16,
    /// SACK block edges, used with `O_SACK`.
    sack_l: u32,
    sack_r: u32,
    dir: u8,
    flags: u8,
    opt: u8,
    src: u8,
}

impl Pkt {
    /// Size of the pcap record this packet becomes.
    fn wire_len(&self, v6: bool) -> u64 {
        let l4 = match self.src {
            P_DNSQ | P_DNSR => 8,
            _ => {
                20 + match self.opt {
                    O_SYN => 20,
                    O_TS => 12,
                    O_SACK => 24,
                    _ => 0,
                }
            }
        };
        PCAP_RECORD_HEADER_LEN + 14 + if v6 { 40 } else { 20 } + l4 + u64::from(self.len)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Teardown {
    /// Client FIN, server ACK, server FIN, client ACK.
    ClientFin4,
    /// Server FIN (keep-alive timeout), client ACK, client FIN, server ACK.
    ServerFin4,
    /// Client FIN, server FIN+ACK, client ACK.
    ClientFin3,
    /// Server FIN, client FIN+ACK, server ACK.
    ServerFin3,
    /// Client aborts with RST.
    Rst,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Open,
    Closing,
}

struct Dns {
    sport: u16,
    query: Vec<u8>,
    answer: Vec<u8>,
}

/// Parameters of one unidirectional transfer.
struct Xfer {
    dir: usize,
    src: u8,
    total: usize,
    t0: u64,
    lossy: bool,
    ack_last: bool,
}

/// What a response will look like, decided before the request is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Html,
    Json,
    Js,
    Css,
    Font,
    Wasm,
    Download,
}

impl Kind {
    fn is_text(self) -> bool {
        matches!(self, Kind::Html | Kind::Json | Kind::Js | Kind::Css)
    }

    fn content_type(self) -> &'static str {
        match self {
            Kind::Html => "text/html; charset=utf-8",
            Kind::Json => "application/json",
            Kind::Js => "application/javascript",
            Kind::Css => "text/css",
            Kind::Font => "font/woff2",
            Kind::Wasm => "application/wasm",
            Kind::Download => "application/octet-stream",
        }
    }

    fn accept(self) -> &'static str {
        match self {
            Kind::Html => "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            Kind::Json => "application/json, text/plain, */*",
            Kind::Css => "text/css,*/*;q=0.1",
            _ => "*/*",
        }
    }
}

/// One TCP connection (plus its optional DNS lookup) as a state machine that
/// plans its packets one phase at a time.
struct Conn {
    rng: Rng,
    v6: bool,
    server: usize,
    cmac: [u8; 6],
    smac: [u8; 6],
    cip4: [u8; 4],
    sip4: [u8; 4],
    cip6: [u8; 16],
    sip6: [u8; 16],
    cport: u16,
    sport: u16,
    flow: u32,
    mss: usize,
    rtt: u64,
    /// Spacing of back-to-back data segments at the capture point.
    gap: u64,
    /// Next sequence number to send, per direction.
    nxt: [u32; 2],
    ts_base: [u32; 2],
    last_ts: [u32; 2],
    ip_id: [u16; 2],
    ttl: [u8; 2],
    win: [u16; 2],
    refused: bool,
    first_txn: bool,
    tx_left: u32,
    teardown: Teardown,
    stage: Stage,
    ua: usize,
    dns: Option<Dns>,
    queue: VecDeque<Pkt>,
    req: Msg,
    resp: Msg,
}

impl Conn {
    /// Creates a connection starting at `t0` and plans its opening phase.
    fn spawn(ctx: &mut Ctx, t0: u64) -> io::Result<Conn> {
        let id = ctx.next_id;
        ctx.next_id += 1;
        ctx.connections += 1;
        let mut rng = Rng::new(
            ctx.seed
                .wrapping_add(id.wrapping_mul(0xA24B_AED4_963E_E407)),
        );

        let cidx = ctx.rng.below(N_CLIENTS as u64) as usize;
        let cport = ctx.ports[cidx];
        let step = ctx.rng.range(1, 3) as u16;
        ctx.ports[cidx] = if cport + step > 60999 {
            32768
        } else {
            cport + step
        };

        let total: u64 = SERVERS.iter().map(|s| s.weight).sum();
        let mut roll = rng.below(total);
        let mut server = 0;
        for (i, s) in SERVERS.iter().enumerate() {
            if roll < s.weight {
                server = i;
                break;
            }
            roll -= s.weight;
        }
        let srv = &SERVERS[server];
        let v6 = rng.chance(0.05);

        let hi = 16 + (cidx >> 8) as u8;
        let lo = (cidx & 0xff) as u8;
        let host = 1 + ((cidx * 97) % 253) as u8;
        let cip4 = [10, hi, lo, host];
        let mut cip6 = [0u8; 16];
        cip6[..4].copy_from_slice(&[0xfd, 0x00, 0x00, 0x10]);
        cip6[12..].copy_from_slice(&[0x02, hi, lo, host]);

        let windows_client = rng.chance(0.35);
        let hops = rng.range(1, 6) as u8;
        let ttl_c = if windows_client { 128 } else { 64 } - hops;

        let refused = rng.chance(0.01);
        let tx_left = {
            let mut n = 1;
            while n < 40 && rng.chance(0.68) {
                n += 1;
            }
            n
        };
        let teardown = match rng.below(100) {
            0..=44 => Teardown::ClientFin4,
            45..=69 => Teardown::ServerFin4,
            70..=79 => Teardown::ClientFin3,
            80..=89 => Teardown::ServerFin3,
            _ => Teardown::Rst,
        };

        let mut conn = Conn {
            v6,
            server,
            cmac: [0x02, 0x1a, 0x11, hi, lo, host],
            smac: srv.mac,
            cip4,
            sip4: srv.v4,
            cip6,
            sip6: srv.v6,
            cport,
            sport: srv.port,
            flow: rng.next_u32() & 0xf_ffff,
            mss: if v6 { MSS_V6 } else { MSS_V4 },
            rtt: rng.log_uniform(300.0, 80_000.0),
            gap: rng.log_uniform(12.0, 120.0),
            nxt: [rng.next_u32(), rng.next_u32()],
            ts_base: [rng.next_u32(), rng.next_u32()],
            last_ts: [0, 0],
            ip_id: [rng.next_u32() as u16, rng.next_u32() as u16],
            ttl: [ttl_c, 64],
            win: [rng.range(502, 2048) as u16, rng.range(501, 510) as u16],
            refused,
            first_txn: true,
            tx_left,
            teardown,
            stage: Stage::Open,
            ua: rng.below(USER_AGENTS.len() as u64) as usize,
            dns: None,
            queue: VecDeque::new(),
            req: Msg::default(),
            resp: Msg::default(),
            rng,
        };
        if !v6 && conn.rng.chance(0.3) {
            conn.dns = Some(conn.make_dns());
        }
        conn.plan_open(ctx, t0, windows_client);
        Ok(conn)
    }

    fn make_dns(&mut self) -> Dns {
        let id = self.rng.next_u32() as u16;
        let mut qname = Vec::with_capacity(32);
        for label in SERVERS[self.server].host.split('.') {
            qname.push(label.len() as u8);
            qname.extend_from_slice(label.as_bytes());
        }
        qname.push(0);
        let mut query = Vec::with_capacity(64);
        query.extend_from_slice(&id.to_be_bytes());
        query.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]); // RD, 1 question
        query.extend_from_slice(&qname);
        query.extend_from_slice(&[0, 1, 0, 1]); // A, IN
        let mut answer = Vec::with_capacity(80);
        answer.extend_from_slice(&id.to_be_bytes());
        answer.extend_from_slice(&[0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]); // QR RD RA, 1 q, 1 a
        answer.extend_from_slice(&qname);
        answer.extend_from_slice(&[0, 1, 0, 1]);
        answer.extend_from_slice(&[0xc0, 0x0c, 0, 1, 0, 1]); // name ptr, A, IN
        answer.extend_from_slice(&(self.rng.range(30, 3600) as u32).to_be_bytes());
        answer.extend_from_slice(&[0, 4]);
        answer.extend_from_slice(&self.sip4);
        Dns {
            sport: self.rng.range(1024, 65535) as u16,
            query,
            answer,
        }
    }

    /// A packet without payload from `dir`, using the current sequence state.
    fn ctl(&self, at: u64, dir: usize, flags: u8, opt: u8) -> Pkt {
        Pkt {
            at,
            seq: self.nxt[dir],
            ack: self.nxt[1 - dir],
            off: 0,
            len: 0,
            win: self.win[dir],
            sack_l: 0,
            sack_r: 0,
            dir: dir as u8,
            flags,
            opt,
            src: P_NONE,
        }
    }

    /// Moves the planned phase (sorted by time) into the queue.
    fn commit(&mut self, ctx: &mut Ctx) {
        ctx.phase.sort_by_key(|p| p.at);
        for p in ctx.phase.drain(..) {
            ctx.planned += p.wire_len(self.v6);
            self.queue.push_back(p);
        }
    }

    /// DNS lookup (optional) and handshake, or a refused SYN.
    fn plan_open(&mut self, ctx: &mut Ctx, t0: u64, windows_client: bool) {
        let mut t = t0;
        if let Some(dns) = &self.dns {
            let q = Pkt {
                at: t,
                seq: 0,
                ack: 0,
                off: 0,
                len: dns.query.len() as u16,
                win: 0,
                sack_l: 0,
                sack_r: 0,
                dir: C2S as u8,
                flags: 0,
                opt: O_NONE,
                src: P_DNSQ,
            };
            ctx.phase.push(q);
            t += self.rng.log_uniform(200.0, 20_000.0);
            ctx.phase.push(Pkt {
                at: t,
                len: dns.answer.len() as u16,
                dir: S2C as u8,
                src: P_DNSR,
                ..q
            });
            t += self.rng.range(50, 1500);
        }
        let syn_win = if windows_client { 65535 } else { 64240 };
        ctx.phase.push(Pkt {
            ack: 0,
            win: syn_win,
            ..self.ctl(t, C2S, F_SYN, O_SYN)
        });
        if self.refused {
            let t_rst = t + self.rng.range(15, 60);
            ctx.phase.push(Pkt {
                seq: 0,
                ack: self.nxt[C2S].wrapping_add(1),
                win: 0,
                ..self.ctl(t_rst, S2C, F_RST | F_ACK, O_NONE)
            });
            self.stage = Stage::Closing;
            self.commit(ctx);
            return;
        }
        self.nxt[C2S] = self.nxt[C2S].wrapping_add(1);
        let t1 = t + self.rng.range(15, 60);
        ctx.phase.push(Pkt {
            win: 65160,
            ..self.ctl(t1, S2C, F_SYN | F_ACK, O_SYN)
        });
        self.nxt[S2C] = self.nxt[S2C].wrapping_add(1);
        ctx.phase.push(self.ctl(t + self.rtt, C2S, F_ACK, O_TS));
        self.commit(ctx);
    }

    /// Plans the next phase after the queue drained at `now`.
    /// Returns `false` when the connection is finished.
    fn plan_next(&mut self, now: u64, ctx: &mut Ctx) -> io::Result<bool> {
        match self.stage {
            Stage::Closing => return Ok(false),
            Stage::Open => {
                if self.tx_left > 0 && ctx.planned < ctx.target {
                    self.tx_left -= 1;
                    self.plan_txn(ctx, now)?;
                } else {
                    self.plan_close(ctx, now);
                }
            }
        }
        self.commit(ctx);
        Ok(true)
    }

    fn client_think(&mut self) -> u64 {
        if self.first_txn {
            self.first_txn = false;
            self.rng.range(5, 800)
        } else if self.rng.chance(0.7) {
            self.rng.log_uniform(200.0, 50_000.0)
        } else {
            self.rng.log_uniform(50_000.0, 3_000_000.0)
        }
    }

    fn server_think(&mut self) -> u64 {
        if self.rng.chance(0.05) {
            self.rng.log_uniform(30_000.0, 400_000.0)
        } else {
            self.rng.log_uniform(40.0, 30_000.0)
        }
    }

    /// One request/response exchange.
    fn plan_txn(&mut self, ctx: &mut Ctx, now: u64) -> io::Result<()> {
        ctx.transactions += 1;
        let t0 = now + self.client_think();
        let last = self.tx_left == 0;
        let close = last && matches!(self.teardown, Teardown::ServerFin4 | Teardown::ServerFin3);

        // Decide the response first: the request path depends on it.
        let size = {
            let r = self.rng.unit();
            let (lo, hi) = if r < 0.45 {
                (200.0, 2e3)
            } else if r < 0.75 {
                (2e3, 2e4)
            } else if r < 0.95 {
                (2e4, 2e5)
            } else if r < 0.99 {
                (2e5, 1e6)
            } else {
                (1e6, MAX_BODY as f64)
            };
            (self.rng.log_uniform(lo, hi) as usize).clamp(200, MAX_BODY)
        };
        let post = self.rng.chance(0.08);
        let status = match self.rng.below(100) {
            _ if post => 200,
            0..=4 => 304,
            5..=7 => 404,
            8..=9 => 301,
            _ => 200,
        };
        let kind = if post {
            Kind::Json
        } else if size > 200_000 && self.rng.chance(0.5) {
            *self.rng.pick(&[Kind::Font, Kind::Wasm, Kind::Download])
        } else if size < 2000 {
            *self.rng.pick(&[
                Kind::Json,
                Kind::Json,
                Kind::Json,
                Kind::Html,
                Kind::Css,
                Kind::Js,
            ])
        } else {
            *self.rng.pick(&[
                Kind::Html,
                Kind::Html,
                Kind::Html,
                Kind::Js,
                Kind::Js,
                Kind::Css,
                Kind::Json,
                Kind::Json,
                Kind::Font,
            ])
        };
        let n = self.rng.below(100_000);
        let hex = self.rng.next_u32();
        let etag = self.rng.next_u64();

        // --- request ---
        let srv = &SERVERS[self.server];
        let req = &mut self.req;
        req.clear();
        let h = &mut req.head;
        let method = if post { "POST" } else { "GET" };
        let word = WORDS[(n % WORDS.len() as u64) as usize];
        write!(h, "{method} ")?;
        match kind {
            Kind::Html if n % 5 == 0 => write!(h, "/")?,
            Kind::Html if n % 5 == 1 => write!(h, "/index.html")?,
            Kind::Html if n % 5 == 2 => write!(h, "/blog/2023/{word}-{n}")?,
            Kind::Html => write!(h, "/products/{n}")?,
            Kind::Json if post => write!(h, "/api/v1/orders")?,
            Kind::Json if n % 2 == 0 => write!(h, "/api/v1/items?page={}&limit=50", n % 40)?,
            Kind::Json => write!(h, "/api/v1/users/{n}/profile")?,
            Kind::Js => write!(h, "/static/js/{word}.{hex:08x}.js")?,
            Kind::Css => write!(h, "/static/css/{word}.{hex:08x}.css")?,
            Kind::Font => write!(h, "/static/fonts/inter-{}.woff2", n % 9)?,
            Kind::Wasm => write!(h, "/static/wasm/engine.{hex:08x}.wasm")?,
            Kind::Download => write!(h, "/downloads/data-{n}.bin")?,
        }
        write!(h, " HTTP/1.1\r\nHost: {}", srv.host)?;
        if srv.port != 80 {
            write!(h, ":{}", srv.port)?;
        }
        write!(
            h,
            "\r\nUser-Agent: {}\r\nAccept: {}\r\nAccept-Encoding: gzip, deflate\r\n\
             Accept-Language: en-US,en;q=0.9\r\n",
            USER_AGENTS[self.ua],
            kind.accept()
        )?;
        if self.ua < 4 && n % 3 == 0 {
            write!(h, "Cookie: session={:016x}; theme=dark\r\n", etag ^ 0x5a5a)?;
        }
        if status == 304 {
            write!(h, "If-None-Match: \"{etag:x}\"\r\n")?;
        }
        let mut json = Vec::new();
        if post {
            write!(json, "{{\"customer\":{n},\"items\":[")?;
            for i in 0..self.rng.range(1, 40) {
                if i > 0 {
                    json.push(b',');
                }
                write!(
                    json,
                    "{{\"sku\":\"SKU-{:06}\",\"qty\":{},\"note\":\"{}\"}}",
                    self.rng.below(1_000_000),
                    self.rng.range(1, 9),
                    self.rng.pick(&WORDS)
                )?;
            }
            json.extend_from_slice(b"]}");
            write!(
                h,
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                json.len()
            )?;
        }
        write!(h, "Connection: keep-alive\r\n\r\n")?;
        h.extend_from_slice(&json);
        let req_len = req.len();

        let (t_req, pending) = self.plan_transfer(
            ctx,
            Xfer {
                dir: C2S,
                src: P_REQ,
                total: req_len,
                t0,
                lossy: false,
                ack_last: false,
            },
        );
        let think = self.server_think();
        if pending && think > DELACK_US {
            ctx.phase
                .push(self.ctl(t_req + DELACK_US, S2C, F_ACK, O_TS));
        }
        let t_resp = t_req + think;

        // --- response ---
        let gz = kind.is_text() && status == 200 && self.rng.chance(0.45);
        let chunked =
            kind.is_text() && status == 200 && self.rng.chance(if gz { 0.33 } else { 0.18 });
        let (body, body_len): (Option<Rc<[u8]>>, usize) = match status {
            304 => (None, 0),
            301 | 404 => (
                Some(ctx.bodies.text.clone()),
                self.rng.range(150, 600) as usize,
            ),
            _ if !kind.is_text() => (Some(ctx.bodies.binary.clone()), size),
            _ if gz || chunked => {
                let k = ctx.bodies.class_of(size);
                let b = match (gz, chunked) {
                    (true, false) => ctx.bodies.gzip(k)?,
                    (g, _) => ctx.bodies.chunked(k, g)?,
                };
                let len = b.len();
                (Some(b), len)
            }
            _ => (Some(ctx.bodies.text.clone()), size),
        };
        let resp = &mut self.resp;
        resp.clear();
        let h = &mut resp.head;
        let reason = match status {
            200 => "OK",
            301 => "Moved Permanently",
            304 => "Not Modified",
            _ => "Not Found",
        };
        write!(h, "HTTP/1.1 {status} {reason}\r\nDate: ")?;
        http_date(START_SECS + t_resp / 1_000_000, h)?;
        write!(h, "\r\nServer: {}\r\n", srv.software)?;
        if status != 304 {
            let ct = if status == 200 {
                kind.content_type()
            } else {
                "text/html; charset=utf-8"
            };
            write!(h, "Content-Type: {ct}\r\n")?;
            if chunked {
                write!(h, "Transfer-Encoding: chunked\r\n")?;
            } else {
                write!(h, "Content-Length: {body_len}\r\n")?;
            }
            if gz {
                write!(h, "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n")?;
            }
        }
        if status == 301 {
            write!(h, "Location: https://{}/\r\n", srv.host)?;
        }
        if status == 200 || status == 304 {
            write!(h, "ETag: \"{etag:x}\"\r\n")?;
            let cc = match kind {
                Kind::Html | Kind::Json => "no-cache",
                _ => "public, max-age=31536000, immutable",
            };
            write!(h, "Cache-Control: {cc}\r\n")?;
        }
        if srv.port == 8080 {
            write!(h, "X-Request-Id: {:016x}\r\n", etag.rotate_left(17))?;
        }
        let conn_hdr = if close { "close" } else { "keep-alive" };
        write!(h, "Connection: {conn_hdr}\r\n\r\n")?;
        if let Some(b) = body {
            resp.set_body(b, body_len);
        }
        let resp_len = resp.len();

        self.plan_transfer(
            ctx,
            Xfer {
                dir: S2C,
                src: P_RESP,
                total: resp_len,
                t0: t_resp,
                lossy: true,
                ack_last: true,
            },
        );
        Ok(())
    }

    /// Plans the segments of one message and the receiver's ACKs.
    ///
    /// The capture point is next to the server: server segments are seen when
    /// sent and client ACKs one RTT later; client segments are seen when they
    /// arrive and server ACKs almost immediately. The sender transmits in
    /// rounds (slow start: cwnd 10, doubling per round trip up to
    /// `MAX_CWND`), the receiver ACKs every second in-order segment, and
    /// immediately (duplicate ACK) on out-of-order data.
    ///
    /// Returns the observation time of the last original data segment and
    /// whether the final segment was left unacknowledged (`!ack_last`).
    fn plan_transfer(&mut self, ctx: &mut Ctx, x: Xfer) -> (u64, bool) {
        let dir = x.dir;
        let rdir = 1 - dir;
        // a: data seen -> receiver's ACK seen; b: ACK seen -> sender's reaction seen.
        let (a, b, gap) = if dir == S2C {
            (self.rtt, SRV_REACT, self.gap)
        } else {
            (SRV_REACT, self.rtt, self.gap * 2)
        };
        let mss = self.mss;
        let total = x.total;
        let nseg = total.div_ceil(mss);
        let base = self.nxt[dir];
        let peer = self.nxt[rdir];
        let (win_d, win_r, src) = (self.win[dir], self.win[rdir], x.src);
        let data = move |at: u64, k: usize| -> Pkt {
            let off = k * mss;
            Pkt {
                at,
                seq: base.wrapping_add(off as u32),
                ack: peer,
                off: off as u32,
                len: mss.min(total - off) as u16,
                win: win_d,
                sack_l: 0,
                sack_r: 0,
                dir: dir as u8,
                flags: if k + 1 == nseg { F_ACK | F_PSH } else { F_ACK },
                opt: O_TS,
                src,
            }
        };
        let edge = move |k: usize| base.wrapping_add((k * mss).min(total) as u32);
        let ackp = move |at: u64, cum: usize| -> Pkt {
            Pkt {
                at,
                seq: peer,
                ack: edge(cum),
                off: 0,
                len: 0,
                win: win_r,
                sack_l: 0,
                sack_r: 0,
                dir: rdir as u8,
                flags: F_ACK,
                opt: O_TS,
                src: P_NONE,
            }
        };

        let mut cwnd = 10usize;
        let mut i = 0;
        let mut t = x.t0;
        let mut last_data = x.t0;
        let mut pending = false;
        while i < nseg {
            let w = cwnd.min(nseg - i);
            ctx.round.clear();
            for k in 0..w {
                ctx.round.push((t + k as u64 * gap, i + k));
            }
            // Loss after the capture point. Never the first segment of the
            // message (HTTP headers are always seen in order) and never in
            // the message's last round: a retransmission seen after the
            // message completed makes Wireshark report a reassembly error.
            let mut lost = None;
            if x.lossy && i + w < nseg && self.rng.chance(LOSS_RATE * w as f64) {
                let k = i + self.rng.below(w as u64) as usize;
                if k != 0 {
                    lost = Some(k);
                }
            }
            // Out-of-order pair: segment k+1 is seen before segment k.
            if x.lossy && w >= 3 && self.rng.chance(REORDER_RATE * w as f64) {
                let k = self.rng.below(w as u64 - 1) as usize;
                let (s0, s1) = (ctx.round[k].1, ctx.round[k + 1].1);
                if lost != Some(s0) && lost != Some(s1) && s0 != 0 && s1 + 1 != nseg {
                    let tk = ctx.round[k].0;
                    ctx.round[k] = (tk, s1);
                    ctx.round[k + 1] = (tk + gap / 2, s0);
                }
            }
            let first_obs = ctx.round[0].0;
            let last_obs = ctx.round[w - 1].0;
            last_data = last_data.max(last_obs);
            for &(at, s) in &ctx.round {
                ctx.phase.push(data(at, s));
            }

            // Receiver.
            ctx.got.clear();
            ctx.got.resize(w, false);
            let mut cum = i;
            let mut unacked = 0;
            let mut ooo = false;
            let mut ndup = 0;
            let mut third_dup = 0;
            let mut last_rx = first_obs;
            for idx in 0..w {
                let (at, s) = ctx.round[idx];
                if lost == Some(s) {
                    continue;
                }
                ctx.got[s - i] = true;
                last_rx = at;
                if s == cum {
                    while cum < i + w && ctx.got[cum - i] {
                        cum += 1;
                    }
                    if ooo {
                        // Hole filled: ACK immediately.
                        ctx.phase.push(ackp(at + a, cum));
                        unacked = 0;
                        // Still out of order if data beyond a hole remains.
                        ooo = ctx.got[cum - i..].iter().any(|&g| g);
                    } else {
                        unacked += 1;
                        if unacked == 2 {
                            ctx.phase.push(ackp(at + a, cum));
                            unacked = 0;
                        }
                    }
                } else {
                    // Out of order: immediate (duplicate) ACK with a SACK
                    // block covering the contiguous run around `s`.
                    ooo = true;
                    let (mut lo, mut hi) = (s, s + 1);
                    while lo > cum && ctx.got[lo - 1 - i] {
                        lo -= 1;
                    }
                    while hi < i + w && ctx.got[hi - i] {
                        hi += 1;
                    }
                    ctx.phase.push(Pkt {
                        opt: O_SACK,
                        sack_l: edge(lo),
                        sack_r: edge(hi),
                        ..ackp(at + a, cum)
                    });
                    unacked = 0;
                    ndup += 1;
                    if ndup == 3 {
                        third_dup = at + a;
                    }
                }
            }
            let retx = if let Some(l) = lost {
                let tr = if ndup >= 3 {
                    third_dup + b
                } else {
                    last_obs + a + b + RTO_US
                };
                let tr = tr.max(last_obs + gap);
                ctx.phase.push(data(tr, l));
                cum = i + w;
                ctx.phase.push(ackp(tr + a, cum));
                unacked = 0;
                Some(tr)
            } else {
                None
            };
            if unacked > 0 {
                if i + w == nseg && !x.ack_last {
                    pending = true;
                } else {
                    ctx.phase.push(ackp(last_rx + a, cum));
                }
            }
            match retx {
                Some(tr) => {
                    t = tr + a + b;
                    cwnd = (cwnd / 2).max(4);
                }
                None => {
                    t = (first_obs + a + b).max(last_obs + gap);
                    cwnd = (cwnd * 2).min(MAX_CWND);
                }
            }
            i += w;
        }
        self.nxt[dir] = base.wrapping_add(total as u32);
        (last_data, pending)
    }

    /// Connection teardown after an idle period.
    fn plan_close(&mut self, ctx: &mut Ctx, now: u64) {
        self.stage = Stage::Closing;
        let srv = self.rng.range(15, 60);
        let rtt = self.rtt;
        match self.teardown {
            Teardown::ClientFin4 => {
                let t0 = now + self.rng.log_uniform(1_000.0, 2_000_000.0);
                ctx.phase.push(self.ctl(t0, C2S, F_FIN | F_ACK, O_TS));
                self.nxt[C2S] = self.nxt[C2S].wrapping_add(1);
                ctx.phase.push(self.ctl(t0 + srv, S2C, F_ACK, O_TS));
                let t2 = t0 + srv + self.rng.range(100, 5_000);
                ctx.phase.push(self.ctl(t2, S2C, F_FIN | F_ACK, O_TS));
                self.nxt[S2C] = self.nxt[S2C].wrapping_add(1);
                ctx.phase.push(self.ctl(t2 + rtt, C2S, F_ACK, O_TS));
            }
            Teardown::ServerFin4 => {
                let t0 = now + self.rng.log_uniform(5_000.0, 3_000_000.0);
                ctx.phase.push(self.ctl(t0, S2C, F_FIN | F_ACK, O_TS));
                self.nxt[S2C] = self.nxt[S2C].wrapping_add(1);
                ctx.phase.push(self.ctl(t0 + rtt, C2S, F_ACK, O_TS));
                let t2 = t0 + rtt + self.rng.range(100, 20_000);
                ctx.phase.push(self.ctl(t2, C2S, F_FIN | F_ACK, O_TS));
                self.nxt[C2S] = self.nxt[C2S].wrapping_add(1);
                ctx.phase.push(self.ctl(t2 + srv, S2C, F_ACK, O_TS));
            }
            Teardown::ClientFin3 => {
                let t0 = now + self.rng.log_uniform(1_000.0, 2_000_000.0);
                ctx.phase.push(self.ctl(t0, C2S, F_FIN | F_ACK, O_TS));
                self.nxt[C2S] = self.nxt[C2S].wrapping_add(1);
                ctx.phase.push(self.ctl(t0 + srv, S2C, F_FIN | F_ACK, O_TS));
                self.nxt[S2C] = self.nxt[S2C].wrapping_add(1);
                ctx.phase.push(self.ctl(t0 + srv + rtt, C2S, F_ACK, O_TS));
            }
            Teardown::ServerFin3 => {
                let t0 = now + self.rng.log_uniform(5_000.0, 3_000_000.0);
                ctx.phase.push(self.ctl(t0, S2C, F_FIN | F_ACK, O_TS));
                self.nxt[S2C] = self.nxt[S2C].wrapping_add(1);
                ctx.phase.push(self.ctl(t0 + rtt, C2S, F_FIN | F_ACK, O_TS));
                self.nxt[C2S] = self.nxt[C2S].wrapping_add(1);
                ctx.phase.push(self.ctl(t0 + rtt + srv, S2C, F_ACK, O_TS));
            }
            Teardown::Rst => {
                let t0 = now + self.rng.log_uniform(1_000.0, 1_000_000.0);
                ctx.phase.push(self.ctl(t0, C2S, F_RST | F_ACK, O_NONE));
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Packet serialisation
// ---------------------------------------------------------------------------

struct Emitter<W: Write> {
    w: PcapWriter<BufWriter<W>>,
    buf: Vec<u8>,
    payload: Vec<u8>,
    bytes: u64,
    packets: u64,
    udp_packets: u64,
}

impl<W: Write> Emitter<W> {
    fn emit(&mut self, c: &mut Conn, p: &Pkt) -> io::Result<()> {
        let d = p.dir as usize;
        let (off, len) = (p.off as usize, p.len as usize);
        self.buf.clear();
        match p.src {
            P_DNSQ | P_DNSR => {
                let Some(dns) = &c.dns else {
                    return Err(io::Error::other("DNS packet without DNS state"));
                };
                let query = p.src == P_DNSQ;
                let msg = if query { &dns.query } else { &dns.answer };
                let (smac, dmac, sip, dip, sp, dp) = if query {
                    (c.cmac, DNS_MAC, c.cip4, DNS_IP, dns.sport, 53)
                } else {
                    (DNS_MAC, c.cmac, DNS_IP, c.cip4, 53, dns.sport)
                };
                let ip = Ipv4Header {
                    source: sip,
                    destination: dip,
                    time_to_live: if query { c.ttl[C2S] } else { 64 },
                    identification: c.ip_id[d] ^ 0x4d4d,
                    ..Default::default()
                };
                PacketBuilder::ethernet2(smac, dmac)
                    .ip(IpHeaders::Ipv4(ip, Default::default()))
                    .udp(sp, dp)
                    .write(&mut self.buf, msg)
                    .map_err(io::Error::other)?;
                self.udp_packets += 1;
            }
            _ => {
                match p.src {
                    P_REQ => c.req.copy_into(off, len, &mut self.payload),
                    P_RESP => c.resp.copy_into(off, len, &mut self.payload),
                    _ => self.payload.clear(),
                }
                let (smac, dmac, sp, dp) = if d == C2S {
                    (c.cmac, c.smac, c.cport, c.sport)
                } else {
                    (c.smac, c.cmac, c.sport, c.cport)
                };
                let ip = if c.v6 {
                    let (source, destination) = if d == C2S {
                        (c.cip6, c.sip6)
                    } else {
                        (c.sip6, c.cip6)
                    };
                    IpHeaders::Ipv6(
                        Ipv6Header {
                            flow_label: Ipv6FlowLabel::try_new(c.flow).unwrap_or_default(),
                            hop_limit: c.ttl[d],
                            source,
                            destination,
                            ..Default::default()
                        },
                        Default::default(),
                    )
                } else {
                    let (source, destination) = if d == C2S {
                        (c.cip4, c.sip4)
                    } else {
                        (c.sip4, c.cip4)
                    };
                    IpHeaders::Ipv4(
                        Ipv4Header {
                            source,
                            destination,
                            time_to_live: c.ttl[d],
                            identification: c.ip_id[d],
                            dont_fragment: true,
                            ..Default::default()
                        },
                        Default::default(),
                    )
                };
                c.ip_id[d] = c.ip_id[d].wrapping_add(1);
                let mut tcp = PacketBuilder::ethernet2(smac, dmac)
                    .ip(ip)
                    .tcp(sp, dp, p.seq, p.win);
                if p.flags & F_SYN != 0 {
                    tcp = tcp.syn();
                }
                if p.flags & F_FIN != 0 {
                    tcp = tcp.fin();
                }
                if p.flags & F_RST != 0 {
                    tcp = tcp.rst();
                }
                if p.flags & F_PSH != 0 {
                    tcp = tcp.psh();
                }
                if p.flags & F_ACK != 0 {
                    tcp = tcp.ack(p.ack);
                }
                // TCP timestamps: 1 kHz clock per host, echoing the peer.
                let tsval = c.ts_base[d].wrapping_add((p.at / 1000) as u32);
                let tsecr = c.last_ts[1 - d];
                let ts = TcpOptionElement::Timestamp(tsval, tsecr);
                tcp = match p.opt {
                    O_SYN => tcp.options(&[
                        TcpOptionElement::MaximumSegmentSize((c.mss + 12) as u16),
                        TcpOptionElement::SelectiveAcknowledgementPermitted,
                        ts,
                        TcpOptionElement::Noop,
                        TcpOptionElement::WindowScale(7),
                    ]),
                    O_TS => tcp.options(&[TcpOptionElement::Noop, TcpOptionElement::Noop, ts]),
                    O_SACK => tcp.options(&[
                        TcpOptionElement::Noop,
                        TcpOptionElement::Noop,
                        ts,
                        TcpOptionElement::Noop,
                        TcpOptionElement::Noop,
                        TcpOptionElement::SelectiveAcknowledgement((p.sack_l, p.sack_r), [None; 3]),
                    ]),
                    _ => Ok(tcp),
                }
                .map_err(io::Error::other)?;
                if p.opt != O_NONE {
                    c.last_ts[d] = tsval;
                }
                tcp.write(&mut self.buf, &self.payload)
                    .map_err(io::Error::other)?;
            }
        }
        let ts = Duration::from_micros(START_SECS * 1_000_000 + p.at);
        let n = self
            .w
            .write_packet(&PcapPacket::new(ts, self.buf.len() as u32, &self.buf))
            .map_err(io::Error::other)?;
        self.bytes += n as u64;
        self.packets += 1;
        Ok(())
    }
}

/// Appends an IMF-fixdate (`Tue, 14 Nov 2023 22:13:20 GMT`) for `secs`.
fn http_date(secs: u64, out: &mut Vec<u8>) -> io::Result<()> {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = secs / 86_400;
    let rem = secs % 86_400;
    // Civil-from-days (Howard Hinnant), valid for dates after 1970.
    let z = days as i64 + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    write!(
        out,
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        day,
        MONTHS[(month - 1) as usize],
        year,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_format() {
        let mut v = Vec::new();
        http_date(1_700_000_000, &mut v).expect("write to Vec");
        assert_eq!(v, b"Tue, 14 Nov 2023 22:13:20 GMT");
    }
}
