//! A capture made for the end-to-end tests: `FRAMES` UDP datagrams between
//! 10.1.0.1:5000 and 10.1.0.2:6000 (alternating directions), each carrying
//! `payload NNNN`, except frame `NEEDLE_FRAME`, which carries `NEEDLE`.
//! Little-endian microsecond pcap; times 1.234567 s apart plus the frame
//! number in microseconds, so no two are alike. Deterministic: the
//! fixtures in `tests/fixtures/tui_save` were made by tshark from it.

pub const FRAMES: u32 = 1500;
pub const NEEDLE_FRAME: u32 = 777;
pub const NEEDLE: &str = "needle-in-the-haystack";

fn checksum(header: &[u8]) -> u16 {
    let mut sum: u32 = header
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// The capture file's bytes.
pub fn capture() -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&65535u32.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    for n in 1..=FRAMES {
        let payload = if n == NEEDLE_FRAME {
            NEEDLE.to_string()
        } else {
            format!("payload {n:04}")
        };
        let forward = n % 2 == 1;
        let (src, dst) = if forward {
            ([10, 1, 0, 1], [10, 1, 0, 2])
        } else {
            ([10, 1, 0, 2], [10, 1, 0, 1])
        };
        let (sport, dport): (u16, u16) = if forward { (5000, 6000) } else { (6000, 5000) };
        let mut frame = Vec::new();
        let (mac_a, mac_b) = ([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]);
        frame.extend_from_slice(if forward { &mac_b } else { &mac_a });
        frame.extend_from_slice(if forward { &mac_a } else { &mac_b });
        frame.extend_from_slice(&[0x08, 0x00]);
        let total = (20 + 8 + payload.len()) as u16;
        let mut ip = vec![0x45, 0];
        ip.extend_from_slice(&total.to_be_bytes());
        ip.extend_from_slice(&(n as u16).to_be_bytes());
        ip.extend_from_slice(&[0x40, 0, 64, 17, 0, 0]);
        ip.extend_from_slice(&src);
        ip.extend_from_slice(&dst);
        let sum = checksum(&ip);
        ip[10..12].copy_from_slice(&sum.to_be_bytes());
        frame.extend_from_slice(&ip);
        frame.extend_from_slice(&sport.to_be_bytes());
        frame.extend_from_slice(&dport.to_be_bytes());
        frame.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
        frame.extend_from_slice(&[0, 0]);
        frame.extend_from_slice(payload.as_bytes());
        let micros = u64::from(n) * 1_234_567 + u64::from(n);
        let secs = 1_700_000_000 + micros / 1_000_000;
        out.extend_from_slice(&(secs as u32).to_le_bytes());
        out.extend_from_slice(&((micros % 1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        out.extend_from_slice(&frame);
    }
    out
}
