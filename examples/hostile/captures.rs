//! The hostile captures: each a classic pcap (Ethernet, microseconds) built in
//! memory, deterministic, small, aimed at one bound or one escape route. Used
//! by the `hostile` example (which writes them out) and by the tests that
//! assert what wirelens does with each (`tests/hostile.rs`, `tests/cli.rs`).

#![allow(dead_code)] // each user takes the captures it needs

use std::io::Write;

/// A capture and what it is about.
pub struct Hostile {
    pub name: &'static str,
    pub about: &'static str,
    pub bytes: Vec<u8>,
}

/// Every hostile capture.
pub fn all() -> Vec<Hostile> {
    vec![
        Hostile {
            name: "escapes",
            about: "terminal escapes (ESC, C1 CSI, bidi override) in the URI, headers, reason, file name, DNS name and a raw stream",
            bytes: escapes(),
        },
        Hostile {
            name: "traversal",
            about: "a URI and a Content-Disposition that try to leave the export folder",
            bytes: traversal(),
        },
        Hostile {
            name: "gzip-bomb",
            about: "a gzip body of 10 MiB of zeros in 10 KB",
            bytes: gzip_bomb(),
        },
        Hostile {
            name: "brotli-bomb",
            about: "a brotli body of 16 MiB of zeros in a few bytes: past the decompression ratio",
            bytes: brotli_bomb(),
        },
        Hostile {
            name: "absurd-lengths",
            about: "a chunk size of 2^64-1, a Content-Length past u64 and a 5000-byte chunk-size line",
            bytes: absurd_lengths(),
        },
        Hostile {
            name: "header-flood",
            about: "a request with 300 headers and one with a 70 KB head",
            bytes: header_flood(),
        },
        Hostile {
            name: "seq-wrap",
            about: "an HTTP exchange whose sequence numbers wrap past 2^32 inside the body",
            bytes: seq_wrap(),
        },
        Hostile {
            name: "overlaps",
            about: "a conflicting retransmission (the first copy wins) and 5000 segments held beyond a hole",
            bytes: overlaps(),
        },
        Hostile {
            name: "dns-loop",
            about: "DNS messages with a compression-pointer loop and a 320-byte name",
            bytes: dns_loop(),
        },
        Hostile {
            name: "flow-flood",
            about: "a SYN flood: 20000 one-packet TCP flows",
            bytes: syn_flood(20_000),
        },
    ]
}

pub const CLIENT: [u8; 4] = [10, 0, 0, 1];
pub const SERVER: [u8; 4] = [10, 0, 0, 2];

/// A pcap being written.
pub struct Pcap {
    pub bytes: Vec<u8>,
    packets: u32,
}

impl Default for Pcap {
    fn default() -> Self {
        Pcap::new()
    }
}

impl Pcap {
    pub fn new() -> Pcap {
        let mut bytes = Vec::new();
        for x in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 262_144, 1] {
            bytes.extend_from_slice(&x.to_le_bytes());
        }
        Pcap { bytes, packets: 0 }
    }

    fn record(&mut self, frame: &[u8]) {
        let n = self.packets;
        for x in [
            1_700_000_000u32 + n / 1_000_000,
            n % 1_000_000,
            frame.len() as u32,
            frame.len() as u32,
        ] {
            self.bytes.extend_from_slice(&x.to_le_bytes());
        }
        self.bytes.extend_from_slice(frame);
        self.packets += 1;
    }

    fn ip(&mut self, src: [u8; 4], dst: [u8; 4], proto: u8, l4: &[u8]) {
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
        let total = (20 + l4.len()) as u16;
        f.extend_from_slice(&[
            0x45,
            0,
            (total >> 8) as u8,
            total as u8,
            0,
            0,
            0x40,
            0,
            64,
            proto,
            0,
            0,
        ]);
        f.extend_from_slice(&src);
        f.extend_from_slice(&dst);
        f.extend_from_slice(l4);
        self.record(&f);
    }

    /// A TCP segment (flags: 0x02 SYN, 0x10 ACK, 0x18 PSH+ACK, 0x11 FIN+ACK).
    #[allow(clippy::too_many_arguments)]
    pub fn tcp(
        &mut self,
        src: ([u8; 4], u16),
        dst: ([u8; 4], u16),
        seq: u32,
        ack: u32,
        flags: u8,
        payload: &[u8],
    ) {
        let mut t = Vec::with_capacity(20 + payload.len());
        t.extend_from_slice(&src.1.to_be_bytes());
        t.extend_from_slice(&dst.1.to_be_bytes());
        t.extend_from_slice(&seq.to_be_bytes());
        t.extend_from_slice(&ack.to_be_bytes());
        t.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        t.extend_from_slice(payload);
        self.ip(src.0, dst.0, 6, &t);
    }

    pub fn udp(&mut self, src: ([u8; 4], u16), dst: ([u8; 4], u16), payload: &[u8]) {
        let mut u = Vec::new();
        u.extend_from_slice(&src.1.to_be_bytes());
        u.extend_from_slice(&dst.1.to_be_bytes());
        u.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
        u.extend_from_slice(&[0, 0]);
        u.extend_from_slice(payload);
        self.ip(src.0, dst.0, 17, &u);
    }

    /// A whole connection on `port`: handshake, the client's bytes, the
    /// server's bytes (each cut into segments of at most 1400 bytes), FINs.
    pub fn exchange(&mut self, port: u16, isn: (u32, u32), request: &[u8], response: &[u8]) {
        let c = (CLIENT, port);
        let s = (SERVER, 80);
        let (mut cs, mut ss) = isn;
        self.tcp(c, s, cs, 0, 0x02, b"");
        self.tcp(s, c, ss, cs.wrapping_add(1), 0x12, b"");
        cs = cs.wrapping_add(1);
        ss = ss.wrapping_add(1);
        self.tcp(c, s, cs, ss, 0x10, b"");
        for part in request.chunks(1400) {
            self.tcp(c, s, cs, ss, 0x18, part);
            cs = cs.wrapping_add(part.len() as u32);
        }
        for part in response.chunks(1400) {
            self.tcp(s, c, ss, cs, 0x18, part);
            ss = ss.wrapping_add(part.len() as u32);
        }
        self.tcp(c, s, cs, ss, 0x11, b"");
        self.tcp(s, c, ss, cs.wrapping_add(1), 0x11, b"");
    }
}

fn response(headers: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 200 OK\r\n{headers}Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

/// The escape sequences the text fields carry: an OSC title change (raw ESC
/// where the field allows it), a C1 CSI clear-screen (UTF-8, which HTTP
/// parsers accept as obs-text) and a right-to-left override.
pub const OSC_TITLE: &str = "\x1b]0;pwned\x07";
pub const CSI_CLEAR: &str = "\u{9b}2J";
pub const RLO: &str = "\u{202e}";

pub fn escapes() -> Vec<u8> {
    let mut p = Pcap::new();
    // DNS query for a name with ESC and BEL in a label.
    let mut q = vec![0x13, 0x37, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    for label in [OSC_TITLE.as_bytes(), b"example", b"org"] {
        q.push(label.len() as u8);
        q.extend_from_slice(label);
    }
    q.extend_from_slice(&[0, 0, 1, 0, 1]);
    p.udp((CLIENT, 5353), (SERVER, 53), &q);
    let request = format!(
        "GET /{CSI_CLEAR}index.html HTTP/1.1\r\nHost: evil{CSI_CLEAR}.example\r\nUser-Agent: {RLO}x{CSI_CLEAR}\r\n\r\n"
    );
    let body = format!("body {OSC_TITLE} end\n");
    let resp = format!(
        "HTTP/1.1 200 OK{CSI_CLEAR}\r\nContent-Type: text/plain{CSI_CLEAR}\r\nContent-Disposition: attachment; filename=\"{RLO}txt.exe{CSI_CLEAR}\"\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    p.exchange(40000, (100, 500), request.as_bytes(), resp.as_bytes());
    // A raw stream that is not HTTP: the escapes are its bytes.
    let raw = format!("{OSC_TITLE}\x1b[2J\x1b[31mred\r\n");
    p.exchange(40001, (7000, 9000), raw.as_bytes(), b"ok\r\n");
    p.bytes
}

pub fn traversal() -> Vec<u8> {
    let mut p = Pcap::new();
    let resp = response(
        "Content-Disposition: attachment; filename=\"../../.bashrc\"\r\n",
        b"root:x:0:0\n",
    );
    p.exchange(
        40000,
        (100, 500),
        b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
        &resp,
    );
    p.bytes
}

pub const GZIP_BOMB_BYTES: usize = 10 << 20;

pub fn gzip_bomb() -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..GZIP_BOMB_BYTES >> 20 {
        e.write_all(&zeros).expect("compress");
    }
    let body = e.finish().expect("compress");
    let mut p = Pcap::new();
    p.exchange(
        40000,
        (100, 500),
        b"GET /bomb.bin HTTP/1.1\r\nHost: x\r\n\r\n",
        &response("Content-Encoding: gzip\r\n", &body),
    );
    p.bytes
}

pub const BROTLI_BOMB_BYTES: usize = 16 << 20;

pub fn brotli_bomb() -> Vec<u8> {
    let mut body = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut body, 4096, 5, 22);
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..BROTLI_BOMB_BYTES >> 20 {
            w.write_all(&zeros).expect("compress");
        }
    }
    let mut p = Pcap::new();
    p.exchange(
        40000,
        (100, 500),
        b"GET /bomb.br HTTP/1.1\r\nHost: x\r\n\r\n",
        &response("Content-Encoding: br\r\n", &body),
    );
    p.bytes
}

pub fn absurd_lengths() -> Vec<u8> {
    let mut p = Pcap::new();
    p.exchange(
        40000,
        (100, 500),
        b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nabc",
    );
    p.exchange(
        40001,
        (100, 500),
        b"GET /b HTTP/1.1\r\nHost: x\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\nxyz",
    );
    let mut long = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;".to_vec();
    long.resize(long.len() + 5000, b'x');
    long.extend_from_slice(b"\r\nhello\r\n0\r\n\r\n");
    p.exchange(
        40002,
        (100, 500),
        b"GET /c HTTP/1.1\r\nHost: x\r\n\r\n",
        &long,
    );
    p.bytes
}

pub fn header_flood() -> Vec<u8> {
    let mut p = Pcap::new();
    let mut many = b"GET /many HTTP/1.1\r\n".to_vec();
    for i in 0..300 {
        many.extend_from_slice(format!("X-{i}: y\r\n").as_bytes());
    }
    many.extend_from_slice(b"\r\n");
    p.exchange(
        40000,
        (100, 500),
        &many,
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    );
    let mut big = b"GET /big HTTP/1.1\r\nX-Big: ".to_vec();
    big.resize(big.len() + 70_000, b'a');
    big.extend_from_slice(b"\r\n\r\n");
    p.exchange(
        40001,
        (100, 500),
        &big,
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    );
    p.bytes
}

/// The body of the seq-wrap exchange: 5000 bytes, so the server's sequence
/// numbers (starting 2000 below 2^32) wrap inside it.
pub fn seq_wrap_body() -> Vec<u8> {
    (0..5000u32).map(|i| b'a' + (i % 26) as u8).collect()
}

pub fn seq_wrap() -> Vec<u8> {
    let mut p = Pcap::new();
    p.exchange(
        40000,
        (u32::MAX - 10, u32::MAX - 2000),
        b"GET /wrap.txt HTTP/1.1\r\nHost: x\r\n\r\n",
        &response("Content-Type: text/plain\r\n", &seq_wrap_body()),
    );
    p.bytes
}

/// Out-of-order segments held in the overlaps capture's second connection.
pub const HELD_FLOOD: u32 = 5000;

pub fn overlaps() -> Vec<u8> {
    let mut p = Pcap::new();
    let c = (CLIENT, 40000);
    let s = (SERVER, 80);
    p.tcp(c, s, 100, 0, 0x02, b"");
    p.tcp(s, c, 500, 101, 0x12, b"");
    // The first copy says /aaaa; a retransmission of the same bytes says
    // /bbbb, and one overlapping the first's end says /cccc: the first copy
    // wins each byte, as in Wireshark.
    p.tcp(c, s, 101, 501, 0x18, b"GET /aaaa HTT");
    p.tcp(c, s, 101, 501, 0x18, b"GET /bbbb HTT");
    p.tcp(c, s, 106, 501, 0x18, b"cccc HTTP/1.1\r\nHost: x\r\n\r\n");
    p.tcp(s, c, 501, 132, 0x18, b"HTTP/1.1 204 No Content\r\n\r\n");
    // Second connection: one byte, then a hole, then one-byte segments each
    // beyond it: more than MAX_HELD_SEGMENTS wait for the hole.
    let c = (CLIENT, 40001);
    p.tcp(c, s, 1000, 0, 0x02, b"");
    p.tcp(c, s, 1001, 0, 0x18, b"x");
    for k in 0..HELD_FLOOD {
        p.tcp(c, s, 1010 + 2 * k, 0, 0x18, b"y");
    }
    p.bytes
}

pub fn dns_loop() -> Vec<u8> {
    let mut p = Pcap::new();
    // A question whose name is a pointer to itself.
    let q = [
        0xbe, 0xef, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1,
    ];
    p.udp((CLIENT, 5353), (SERVER, 53), &q);
    // A question whose name is five 63-byte labels (320 bytes).
    let mut q = vec![0xbe, 0xf0, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    for _ in 0..5 {
        q.push(63);
        q.extend_from_slice(&[b'a'; 63]);
    }
    q.extend_from_slice(&[0, 0, 1, 0, 1]);
    p.udp((CLIENT, 5354), (SERVER, 53), &q);
    p.bytes
}

/// `n` SYNs, each from its own address and port: `n` one-packet TCP flows.
pub fn syn_flood(n: u32) -> Vec<u8> {
    let mut p = Pcap::new();
    for i in 0..n {
        let src = [10, (i >> 16) as u8 | 0x80, (i >> 8) as u8, i as u8];
        p.tcp(
            (src, 1024 + (i % 60000) as u16),
            (SERVER, 80),
            i.wrapping_mul(2_654_435_761),
            0,
            0x02,
            b"",
        );
    }
    p.bytes
}
