//! TCP options (MSS, window scale, SACK permitted, SACK blocks, timestamps),
//! walked by hand so that malformed option lists stop cleanly.

/// One TCP option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpOption {
    Nop,
    Mss(u16),
    WindowScale(u8),
    SackPermitted,
    /// Up to four (left edge, right edge) blocks; `count` are used.
    Sack {
        blocks: [(u32, u32); 4],
        count: u8,
    },
    Timestamps {
        value: u32,
        echo: u32,
    },
    /// TCP Fast Open (kind 34): a cookie request when `cookie_len` is 0.
    FastOpen {
        cookie_len: u8,
    },
    Other(u8),
    /// The option list ends in a malformed option at this offset.
    Malformed,
}

/// Iterates over the options bytes of a TCP header (after the 20 fixed bytes).
pub struct TcpOptions<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> TcpOptions<'a> {
    pub fn new(data: &'a [u8]) -> TcpOptions<'a> {
        TcpOptions { data, pos: 0 }
    }
}

fn be32(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
        .unwrap_or(0)
}

impl Iterator for TcpOptions<'_> {
    type Item = TcpOption;

    fn next(&mut self) -> Option<TcpOption> {
        let kind = *self.data.get(self.pos)?;
        match kind {
            0 => {
                self.pos = self.data.len();
                None
            }
            1 => {
                self.pos += 1;
                Some(TcpOption::Nop)
            }
            _ => {
                let Some(&len) = self.data.get(self.pos + 1) else {
                    self.pos = self.data.len();
                    return Some(TcpOption::Malformed);
                };
                let len = usize::from(len);
                let Some(body) = self.data.get(self.pos + 2..self.pos + len.max(2)) else {
                    self.pos = self.data.len();
                    return Some(TcpOption::Malformed);
                };
                if len < 2 {
                    self.pos = self.data.len();
                    return Some(TcpOption::Malformed);
                }
                self.pos += len;
                Some(match (kind, body.len()) {
                    (2, 2) => TcpOption::Mss(u16::from_be_bytes([body[0], body[1]])),
                    (3, 1) => TcpOption::WindowScale(body[0]),
                    (4, 0) => TcpOption::SackPermitted,
                    (5, n) if n % 8 == 0 && n > 0 => {
                        let mut blocks = [(0, 0); 4];
                        let count = (n / 8).min(4);
                        for (i, block) in blocks.iter_mut().enumerate().take(count) {
                            *block = (be32(body, i * 8), be32(body, i * 8 + 4));
                        }
                        TcpOption::Sack {
                            blocks,
                            count: count as u8,
                        }
                    }
                    (8, 8) => TcpOption::Timestamps {
                        value: be32(body, 0),
                        echo: be32(body, 4),
                    },
                    (34, n) => TcpOption::FastOpen {
                        cookie_len: n.min(255) as u8,
                    },
                    // The experimental option (RFC 6994) with TFO's magic
                    // 0xF989, as Linux sent it before kind 34 (tshark: TFO=R).
                    (254, n) if n >= 2 && body.starts_with(&[0xf9, 0x89]) => TcpOption::FastOpen {
                        cookie_len: (n - 2).min(255) as u8,
                    },
                    (2..=5 | 8, _) => TcpOption::Malformed,
                    (k, _) => TcpOption::Other(k),
                })
            }
        }
    }
}

/// The options a side offers in its SYN, as the handshake summary needs them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SynOptions {
    pub mss: Option<u16>,
    pub window_scale: Option<u8>,
    pub sack_permitted: bool,
    pub timestamps: bool,
}

impl SynOptions {
    pub fn parse(options: &[u8]) -> SynOptions {
        let mut s = SynOptions::default();
        for o in TcpOptions::new(options) {
            match o {
                TcpOption::Mss(m) => s.mss = Some(m),
                TcpOption::WindowScale(w) => s.window_scale = Some(w),
                TcpOption::SackPermitted => s.sack_permitted = true,
                TcpOption::Timestamps { .. } => s.timestamps = true,
                _ => {}
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linux_syn_options() {
        let o = [
            2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 7, 0, 0, 0, 0, 1, 3, 3, 7,
        ];
        let v: Vec<_> = TcpOptions::new(&o).collect();
        assert_eq!(
            v,
            vec![
                TcpOption::Mss(1460),
                TcpOption::SackPermitted,
                TcpOption::Timestamps { value: 7, echo: 0 },
                TcpOption::Nop,
                TcpOption::WindowScale(7)
            ]
        );
        let s = SynOptions::parse(&o);
        assert_eq!(s.mss, Some(1460));
        assert_eq!(s.window_scale, Some(7));
        assert!(s.sack_permitted && s.timestamps);
    }

    #[test]
    fn experimental_fast_open_cookie_request() {
        // http10-close-delimited-tcp-fastopen frame 1 ends its options so.
        let o = [1, 3, 3, 7, 0xfe, 4, 0xf9, 0x89];
        let v: Vec<TcpOption> = TcpOptions::new(&o).collect();
        assert!(v.contains(&TcpOption::FastOpen { cookie_len: 0 }));
    }

    #[test]
    fn malformed_lengths_stop() {
        assert_eq!(
            TcpOptions::new(&[2, 0]).collect::<Vec<_>>(),
            vec![TcpOption::Malformed]
        );
        assert_eq!(
            TcpOptions::new(&[2, 40, 1]).collect::<Vec<_>>(),
            vec![TcpOption::Malformed]
        );
        assert_eq!(
            TcpOptions::new(&[5]).collect::<Vec<_>>(),
            vec![TcpOption::Malformed]
        );
        assert_eq!(TcpOptions::new(&[0, 2, 4]).count(), 0);
    }
}
