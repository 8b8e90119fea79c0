//! The data connections an FTP control connection sets up (PASV, EPSV, PORT,
//! EPRT), so their packets read as tshark 4.0's FTP-DATA rows:
//! `FTP Data: 1448 bytes (PASV) (RETR style.css)`. tshark names the setup
//! `PASV`, `EPASV` (for EPSV) or `PORT`, then the transfer command that used
//! the connection; after `EPRT` it says `FTP Data: N bytes` alone
//! (`tests/fixtures/protocols/ftp-active-eprt-epsv.pcap` frame 26).

use super::text_lines::lines;
use super::DirBytes;

/// The transfer commands whose data connection tshark names.
const TRANSFERS: [&str; 7] = ["RETR", "STOR", "LIST", "NLST", "MLSD", "APPE", "STOU"];

/// A data connection an FTP control connection announced: the port that
/// will accept it (on the server for PASV and EPSV, on the client for PORT
/// and EPRT), how it was set up, and the command that used it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FtpDataChannel {
    pub port: u16,
    /// tshark's name of the setup: `PASV`, `EPASV`, `PORT` or `EPRT`.
    pub mode: &'static str,
    /// Whether the port is on the server's side.
    pub on_server: bool,
    pub command: String,
}

impl FtpDataChannel {
    /// The Info of a data segment of `len` bytes.
    pub fn info(&self, len: u32) -> String {
        if self.mode == "EPRT" {
            format!("FTP Data: {len} bytes")
        } else {
            format!("FTP Data: {len} bytes ({}) ({})", self.mode, self.command)
        }
    }
}

/// The (packet, line) of each complete line of a direction.
fn packet_lines(dir: DirBytes<'_>) -> Vec<(u32, String)> {
    dir.spans()
        .flat_map(|(p, s, e)| lines(&dir.bytes[s..e]).into_iter().map(move |l| (p, l)))
        .collect()
}

/// The port of `h1,h2,h3,h4,p1,p2`.
fn port_of_tuple(t: &str) -> Option<u16> {
    let n: Vec<u16> = t
        .split(',')
        .map(|x| x.trim().parse().ok())
        .collect::<Option<Vec<u16>>>()?;
    (n.len() == 6 && n[4] < 256 && n[5] < 256).then(|| n[4] << 8 | n[5])
}

/// The port of EPRT's `|proto|address|port|` (RFC 2428: any delimiter).
fn port_of_eprt(arg: &str) -> Option<u16> {
    let delim = arg.chars().next()?;
    let parts: Vec<&str> = arg.split(delim).collect();
    // "", proto, address, port, ""
    (parts.len() == 5 && parts[4].is_empty())
        .then(|| parts[3].parse().ok())
        .flatten()
}

/// The port of a 229 reply's `(|||port|)`.
fn port_of_epsv(reply: &str) -> Option<u16> {
    reply
        .split("(|||")
        .nth(1)
        .and_then(|r| r.split('|').next())
        .and_then(|x| x.parse().ok())
}

/// `line`'s argument if its verb is `verb` (any case).
fn argument<'l>(line: &'l str, verb: &str) -> Option<&'l str> {
    let (v, rest) = line.split_once(' ')?;
    v.eq_ignore_ascii_case(verb).then_some(rest.trim())
}

/// The data connections an FTP control connection set up.
pub fn channels(client: DirBytes<'_>, server: DirBytes<'_>) -> Vec<FtpDataChannel> {
    let (cl, sl) = (packet_lines(client), packet_lines(server));
    let mut found: Vec<(u32, u16, &'static str, bool)> = Vec::new();
    for (p, l) in &sl {
        if let Some(rest) = l.strip_prefix("227 ") {
            let inner = rest.split('(').nth(1).and_then(|r| r.split(')').next());
            if let Some(port) = inner.and_then(port_of_tuple) {
                found.push((*p, port, "PASV", true));
            }
        } else if let Some(port) = l.strip_prefix("229 ").and_then(port_of_epsv) {
            found.push((*p, port, "EPASV", true));
        }
    }
    for (p, l) in &cl {
        if let Some(port) = argument(l, "PORT").and_then(port_of_tuple) {
            found.push((*p, port, "PORT", false));
        } else if let Some(port) = argument(l, "EPRT").and_then(port_of_eprt) {
            found.push((*p, port, "EPRT", false));
        }
    }
    found
        .into_iter()
        .filter_map(|(p, port, mode, on_server)| {
            let command = cl
                .iter()
                .filter(|(q, _)| *q > p || (!on_server && *q >= p))
                .map(|(_, l)| l)
                .find(|l| {
                    let verb = l.split(' ').next().unwrap_or("");
                    TRANSFERS.iter().any(|t| t.eq_ignore_ascii_case(verb))
                })?;
            Some(FtpDataChannel {
                port,
                mode,
                on_server,
                command: command.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir<'a>(bytes: &'a [u8], segments: &'a [(u64, u32)]) -> DirBytes<'a> {
        DirBytes { bytes, segments }
    }

    #[test]
    fn channel_from_pasv() {
        let c = b"USER a\r\nPASV\r\nRETR f.txt\r\n";
        let s = b"331 ok\r\n227 Entering Passive Mode (10,0,0,2,117,48).\r\n";
        let d = channels(
            dir(c, &[(0, 1), (8, 3), (14, 5)]),
            dir(s, &[(0, 2), (8, 4)]),
        );
        assert_eq!(
            d,
            vec![FtpDataChannel {
                port: 30000,
                mode: "PASV",
                on_server: true,
                command: "RETR f.txt".into()
            }]
        );
        assert_eq!(d[0].info(5), "FTP Data: 5 bytes (PASV) (RETR f.txt)");
    }

    #[test]
    fn channels_from_port_eprt_epsv() {
        let c = b"PORT 10,0,0,1,156,65\r\nLIST\r\nEPRT |1|10.0.0.1|40002|\r\nRETR a\r\nEPSV\r\nSTOR b\r\n";
        let s = b"229 Entering Extended Passive Mode (|||40003|)\r\n";
        let d = channels(
            dir(c, &[(0, 1), (22, 3), (28, 5), (53, 7), (61, 9), (67, 11)]),
            dir(s, &[(0, 10)]),
        );
        let got: Vec<(u16, &str, bool, &str)> = d
            .iter()
            .map(|c| (c.port, c.mode, c.on_server, c.command.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (40003, "EPASV", true, "STOR b"),
                (40001, "PORT", false, "LIST"),
                (40002, "EPRT", false, "RETR a"),
            ]
        );
        assert_eq!(d[1].info(39), "FTP Data: 39 bytes (PORT) (LIST)");
        assert_eq!(d[2].info(5), "FTP Data: 5 bytes");
        assert_eq!(d[0].info(4), "FTP Data: 4 bytes (EPASV) (STOR b)");
    }

    #[test]
    fn malformed_arguments_set_up_nothing() {
        for c in [
            &b"PORT 10,0,0,1,999,1\r\nRETR a\r\n"[..],
            b"PORT 1,2,3\r\nRETR a\r\n",
            b"EPRT |1|10.0.0.1|\r\nRETR a\r\n",
            b"EPRT |1|10.0.0.1|notaport|\r\nRETR a\r\n",
            b"EPRT\r\nRETR a\r\n",
        ] {
            assert!(channels(dir(c, &[(0, 1)]), dir(b"", &[])).is_empty());
        }
    }
}
