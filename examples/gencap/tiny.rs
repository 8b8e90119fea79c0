//! Tiny-packet traffic for benchmarks: a given number of packets, each at
//! most a couple of hundred bytes, so that per-packet costs dominate (where
//! [`super::synth`]'s traffic is mostly full-sized data segments).
//!
//! 256 short HTTP/1.1 connections run at once, their packets interleaved
//! round-robin 10 µs apart: handshake, a one-line GET, its ACK, a two-byte
//! 200 response, its ACK, and a four-way FIN teardown (10 packets). Every
//! connection uses its own client address and port, so no port pair is
//! reused. Sequence numbers are exact and checksums are computed by
//! etherparse; the output is a pure function of the packet count.

use std::io::{self, BufWriter, Write};
use std::time::Duration;

use etherparse::PacketBuilder;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::{DataLink, Endianness, TsResolution};

/// Connections open at once.
const CONCURRENT: u32 = 256;
/// Packets of one connection.
const PER_CONNECTION: u32 = 10;

/// What [`generate_tiny`] wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct TinyStats {
    pub packets: u64,
    pub bytes: u64,
    pub tcp_connections: u64,
}

/// Writes a pcap of `packets` tiny packets (rounded up to whole connections).
pub fn generate_tiny<W: Write>(packets: u64, out: W) -> io::Result<TinyStats> {
    let header = PcapHeader {
        version_major: 2,
        version_minor: 4,
        ts_correction: 0,
        ts_accuracy: 0,
        snaplen: 65_535,
        datalink: DataLink::ETHERNET,
        ts_resolution: TsResolution::MicroSecond,
        endianness: Endianness::Little,
    };
    let mut writer =
        PcapWriter::with_header(BufWriter::with_capacity(1 << 20, out), header).map_err(io_err)?;
    let connections = packets.div_ceil(u64::from(PER_CONNECTION));
    let mut stats = TinyStats {
        bytes: 24,
        tcp_connections: connections,
        ..TinyStats::default()
    };
    let mut frame = Vec::with_capacity(256);
    let mut t_us: u64 = 1_700_000_000_000_000;
    // Groups of CONCURRENT connections, their packets interleaved.
    let mut first = 0u64;
    while first < connections {
        let group = (connections - first).min(u64::from(CONCURRENT));
        for step in 0..PER_CONNECTION {
            for k in 0..group {
                frame.clear();
                build(first + k, step, &mut frame)?;
                let ts = Duration::from_micros(t_us);
                writer
                    .write_packet(&PcapPacket::new(ts, frame.len() as u32, &frame))
                    .map_err(io_err)?;
                stats.packets += 1;
                stats.bytes += 16 + frame.len() as u64;
                t_us += 10;
            }
        }
        first += group;
    }
    writer.into_writer().flush()?;
    Ok(stats)
}

fn io_err(e: pcap_file::PcapError) -> io::Error {
    io::Error::other(e.to_string())
}

/// Packet `step` of connection `n`.
fn build(n: u64, step: u32, out: &mut Vec<u8>) -> io::Result<()> {
    let client_ip = [
        10,
        64 + (n >> 24) as u8 % 64,
        (n >> 16) as u8,
        (n >> 8) as u8,
    ];
    let server_ip = [192, 168, 0, 10 + (n % 4) as u8];
    let client_port = 1024 + (n % 60_000) as u16;
    let isn_c = (n as u32).wrapping_mul(2_654_435_761);
    let isn_s = isn_c ^ 0x5bd1_e995;
    let request = format!("GET /t/{n} HTTP/1.1\r\nHost: tiny\r\n\r\n");
    let response: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    let req_len = request.len() as u32;
    let resp_len = response.len() as u32;
    let (c_data, s_data) = (isn_c.wrapping_add(1), isn_s.wrapping_add(1));
    let c_fin = c_data.wrapping_add(req_len);
    let s_fin = s_data.wrapping_add(resp_len);
    // (from client, syn, ack, fin, seq, ack number, payload)
    let (from_client, syn, ack, fin, seq, ackn, payload): (
        bool,
        bool,
        bool,
        bool,
        u32,
        u32,
        &[u8],
    ) = match step {
        0 => (true, true, false, false, isn_c, 0, b""),
        1 => (false, true, true, false, isn_s, c_data, b""),
        2 => (true, false, true, false, c_data, s_data, b""),
        3 => (true, false, true, false, c_data, s_data, request.as_bytes()),
        4 => (false, false, true, false, s_data, c_fin, b""),
        5 => (false, false, true, false, s_data, c_fin, response),
        6 => (true, false, true, false, c_fin, s_fin, b""),
        7 => (true, false, true, true, c_fin, s_fin, b""),
        8 => (false, false, true, true, s_fin, c_fin.wrapping_add(1), b""),
        _ => (
            true,
            false,
            true,
            false,
            c_fin.wrapping_add(1),
            s_fin.wrapping_add(1),
            b"",
        ),
    };
    let (src, dst, sport, dport) = if from_client {
        (client_ip, server_ip, client_port, 80)
    } else {
        (server_ip, client_ip, 80, client_port)
    };
    let mut b = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4(src, dst, 64)
        .tcp(sport, dport, seq, 64_240);
    if syn {
        b = b.syn();
    }
    if ack {
        b = b.ack(ackn);
    }
    if fin {
        b = b.fin();
    }
    if !payload.is_empty() {
        b = b.psh();
    }
    b.write(out, payload)
        .map_err(|e| io::Error::other(e.to_string()))
}
