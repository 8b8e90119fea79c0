//! Helpers shared by the fuzz targets: turning fuzzer bytes into the
//! structured inputs wirelens reads (a classic pcap of TCP segments between
//! two endpoints), so the targets reach the reassembler and the HTTP parser
//! through the same path a real capture takes.

/// A classic little-endian pcap (microseconds, Ethernet) being built.
pub struct Pcap {
    bytes: Vec<u8>,
    packets: u32,
    server_port: u16,
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
        Pcap {
            bytes,
            packets: 0,
            server_port: 80,
        }
    }

    /// A pcap whose segments go to server port `port` (80 by default).
    pub fn with_server_port(port: u16) -> Pcap {
        Pcap {
            server_port: port,
            ..Pcap::new()
        }
    }

    /// Appends one Ethernet/IPv4/TCP segment from the client (10.0.0.1:40000)
    /// to the server (10.0.0.2:80, or the port given) or back.
    pub fn tcp(&mut self, from_client: bool, seq: u32, ack: u32, flags: u8, payload: &[u8]) {
        let ports = (40000, self.server_port);
        self.tcp_on(ports, from_client, seq, ack, flags, payload);
    }

    /// Appends one segment of another connection between the same hosts:
    /// `ports` are the client's (10.0.0.1) and the server's (10.0.0.2).
    pub fn tcp_on(
        &mut self,
        ports: (u16, u16),
        from_client: bool,
        seq: u32,
        ack: u32,
        flags: u8,
        payload: &[u8],
    ) {
        let (src, dst, sport, dport) = if from_client {
            ([10, 0, 0, 1], [10, 0, 0, 2], ports.0, ports.1)
        } else {
            ([10, 0, 0, 2], [10, 0, 0, 1], ports.1, ports.0)
        };
        let payload = &payload[..payload.len().min(65_000)];
        let mut p = Vec::with_capacity(54 + payload.len());
        p.extend_from_slice(&[2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]);
        let total = (40 + payload.len()) as u16;
        p.extend_from_slice(&[0x45, 0, (total >> 8) as u8, total as u8, 0, 0, 0x40, 0, 64, 6, 0, 0]);
        p.extend_from_slice(&src);
        p.extend_from_slice(&dst);
        p.extend_from_slice(&sport.to_be_bytes());
        p.extend_from_slice(&dport.to_be_bytes());
        p.extend_from_slice(&seq.to_be_bytes());
        p.extend_from_slice(&ack.to_be_bytes());
        p.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        p.extend_from_slice(payload);
        self.record(&p);
    }

    /// Appends one record holding `data`.
    pub fn record(&mut self, data: &[u8]) {
        let n = self.packets;
        for x in [1_700_000_000u32, n, data.len() as u32, data.len() as u32] {
            self.bytes.extend_from_slice(&x.to_le_bytes());
        }
        self.bytes.extend_from_slice(data);
        self.packets += 1;
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// Loads capture bytes into a session, or `None` when the header is
/// unreadable.
pub fn session(bytes: Vec<u8>) -> Option<wirelens::session::Session> {
    use wirelens::capture::{Capture, CaptureBytes};
    let capture = Capture::from_bytes(CaptureBytes::Owned(bytes), "fuzz".into()).ok()?;
    wirelens::trace::Trace::load(capture, |_| true)
        .ok()
        .map(wirelens::session::Session::from)
}

/// Builds the details tree of every packet of `session` with its HTTP
/// index, prints it as `-V` and as JSON and words its row: none may panic,
/// and every node's bytes lie inside its packet.
pub fn check_trees(session: &wirelens::session::Session) {
    use wirelens::dissect::{self, Context};
    let mut text = String::new();
    for i in 0..session.store.len() {
        let view = session.packet_with_http(i);
        let tree = dissect::tree(&view, Context::default());
        for (_, n) in tree.walk() {
            assert!(n.bytes.end <= view.decoded.data.len());
        }
        text.clear();
        dissect::write_verbose(&tree, &mut text);
        dissect::write_json(&tree, "1970-01-01", &mut text);
        let _ = wirelens::columns::row(&view);
    }
}

/// Drives a stream-row dissector (`decode::app::*::rows`) with two arbitrary
/// directions: the first two bytes of `data` split the rest into the client's
/// and the server's bytes, and every 7th byte of each starts a new segment
/// (client segments in even packets, server ones in odd). Checks that every
/// row names a packet that carried bytes.
pub fn two_directions(
    data: &[u8],
    rows: fn(
        wirelens::decode::app::DirBytes<'_>,
        wirelens::decode::app::DirBytes<'_>,
    ) -> Vec<(u32, wirelens::decode::app::StreamRow)>,
) {
    use wirelens::decode::app::DirBytes;
    fn segments(bytes: &[u8], first_packet: u32) -> Vec<(u64, u32)> {
        (0..bytes.len())
            .step_by(7)
            .enumerate()
            .map(|(i, o)| (o as u64, first_packet + 2 * i as u32))
            .collect()
    }
    let Some((head, rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let cut = usize::from(u16::from_le_bytes(*head)).min(rest.len());
    let (client, server) = rest.split_at(cut);
    let (cs, ss) = (segments(client, 0), segments(server, 1));
    let c = DirBytes { bytes: client, segments: &cs };
    let s = DirBytes { bytes: server, segments: &ss };
    for (packet, _) in rows(c, s) {
        assert!(
            cs.iter().chain(&ss).any(|&(_, p)| p == packet),
            "a row for a packet that carried nothing"
        );
    }
}
