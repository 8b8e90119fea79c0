//! The data connections an FTP control connection sets up (PASV, EPSV, PORT,
//! EPRT), so their packets read as tshark 4.0's FTP-DATA rows:
//! `FTP Data: 1448 bytes (PASV) (RETR style.css)`. tshark names the setup
//! `PASV`, `EPASV` (for EPSV) or `PORT`, then the transfer command that used
//! the connection; after `EPRT` it says `FTP Data: N bytes` alone
//! (`tests/fixtures/protocols/ftp-active-eprt-epsv.pcap` frame 26).
//!
//! Also the working directory tshark follows on the control connection
//! (`ftp.current-working-directory`: `257` replies to PWD, `250` replies to
//! CWD and CDUP) and the protocol path of a data segment (`ftp-data` with
//! its generated items, then `data-text-lines` when the data looks like
//! text).

use super::text_lines::lines;
use super::DirBytes;
use crate::decode::layer::Layer;

/// The longest working directory followed; a longer one stays cut here (a
/// peer repeating `CWD x` would otherwise grow it without bound).
pub const MAX_CWD: usize = 4096;

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
    /// The packet (0-based) of the control connection that set it up (the
    /// `227`/`229` reply, the `PORT`/`EPRT` command).
    pub setup_packet: u32,
    /// The packet of the command that used it.
    pub command_packet: u32,
    /// The working directory when it was set up.
    pub cwd: String,
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

    /// The protocol path of a data segment carrying `payload`: `ftp-data`,
    /// the items tshark's hierarchy nests under it (after `EPRT` only the
    /// setup frame), then `data-text-lines` for text.
    pub fn layers(&self, payload: &[u8]) -> Vec<Layer> {
        let mut out = vec![
            Layer::both("ftp-data"),
            Layer::hierarchy("ftp-data.setup-frame"),
        ];
        if self.mode != "EPRT" {
            out.extend([
                Layer::hierarchy("ftp-data.setup-method"),
                Layer::hierarchy("ftp-data.command"),
                Layer::hierarchy("ftp-data.command-frame"),
                Layer::hierarchy("ftp-data.current-working-directory"),
            ]);
        }
        if is_text(payload) {
            out.push(Layer::both("data-text-lines"));
        }
        out
    }
}

/// Whether tshark's FTP-DATA dissector takes `payload` for text: its first
/// 20 bytes are printable ASCII, CR or LF.
pub fn is_text(payload: &[u8]) -> bool {
    payload
        .iter()
        .take(20)
        .all(|&c| c == b'\r' || c == b'\n' || (0x20..0x7f).contains(&c))
}

/// `cwd` after a successful `CWD path` as tshark works it out: an absolute
/// path replaces it, a relative one is appended and `.`/`..` resolved.
fn change_directory(cwd: &str, path: &str) -> String {
    if path.starts_with('/') || cwd.is_empty() {
        return path.to_string();
    }
    let joined = if cwd.ends_with('/') {
        format!("{cwd}{path}")
    } else {
        format!("{cwd}/{path}")
    };
    let mut out = String::new();
    if cwd.starts_with('/') {
        out.push('/');
    }
    for part in joined.split('/').filter(|p| !p.is_empty()) {
        match part {
            "." => {}
            ".." => {
                while !out.is_empty() && !out.ends_with('/') {
                    out.pop();
                }
                if out.len() > 1 && out.ends_with('/') {
                    out.pop();
                }
            }
            name => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(name);
            }
        }
    }
    out
}

/// The directory a `257` reply's text (after the code) names: between
/// double quotes, `""` standing for one quote.
fn pwd_reply(text: &str) -> Option<String> {
    let rest = text.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            if chars.peek() == Some(&'"') {
                chars.next();
                out.push('"');
            } else {
                return Some(out);
            }
        } else {
            out.push(c);
        }
    }
    None
}

/// The working directory of a control connection by packet: each packet
/// where it changed (a reply to CWD, CDUP or PWD) with the new directory,
/// in packet order. Before the first, it is "".
pub fn working_directories(client: DirBytes<'_>, server: DirBytes<'_>) -> Vec<(u32, String)> {
    // The first line of each segment, as tshark reads one per segment.
    let firsts = |d: DirBytes<'_>, server: bool| -> Vec<(u32, bool, String)> {
        d.spans()
            .filter_map(|(p, s, e)| {
                let first = lines(&d.bytes[s..e]).into_iter().next()?;
                Some((p, server, first))
            })
            .collect()
    };
    let mut all = firsts(client, false);
    all.extend(firsts(server, true));
    all.sort_by_key(|&(p, server, _)| (p, server));
    let mut out: Vec<(u32, String)> = Vec::new();
    let mut cwd = String::new();
    let mut last_command = String::new();
    for (p, server, line) in all {
        if !server {
            last_command = line;
            continue;
        }
        let new = match line.get(..3) {
            Some("250") => {
                if let Some(path) = last_command.strip_prefix("CWD ") {
                    Some(change_directory(&cwd, path))
                } else if last_command.starts_with("CDUP") {
                    Some(change_directory(&cwd, ".."))
                } else {
                    None
                }
            }
            Some("257") => line.get(4..).and_then(pwd_reply),
            _ => None,
        };
        if let Some(mut dir) = new {
            let mut cut = dir.len().min(MAX_CWD);
            while !dir.is_char_boundary(cut) {
                cut -= 1;
            }
            dir.truncate(cut);
            cwd.clone_from(&dir);
            out.push((p, dir));
        }
    }
    out
}

/// The working directory at packet `p` from [`working_directories`].
pub fn cwd_at(changes: &[(u32, String)], p: u32) -> &str {
    changes
        .iter()
        .rev()
        .find(|(q, _)| *q <= p)
        .map_or("", |(_, d)| d.as_str())
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
    let dirs = working_directories(client, server);
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
            let (command_packet, command) = cl
                .iter()
                .filter(|(q, _)| *q > p || (!on_server && *q >= p))
                .find(|(_, l)| {
                    let verb = l.split(' ').next().unwrap_or("");
                    TRANSFERS.iter().any(|t| t.eq_ignore_ascii_case(verb))
                })?;
            Some(FtpDataChannel {
                port,
                mode,
                on_server,
                command: command.clone(),
                setup_packet: p,
                command_packet: *command_packet,
                cwd: cwd_at(&dirs, p).to_string(),
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
                command: "RETR f.txt".into(),
                setup_packet: 4,
                command_packet: 5,
                cwd: String::new(),
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
    fn working_directory_as_tshark_follows_it() {
        assert_eq!(change_directory("", "pub"), "pub");
        assert_eq!(change_directory("/pub", "a/./b"), "/pub/a/b");
        assert_eq!(change_directory("/pub/a", ".."), "/pub");
        assert_eq!(change_directory("/pub", ".."), "/");
        assert_eq!(change_directory("/x", "/etc"), "/etc");
        assert_eq!(
            pwd_reply("\"/a \"\"q\"\"\" is cwd"),
            Some("/a \"q\"".into())
        );
        assert_eq!(pwd_reply("/a"), None);
        assert_eq!(pwd_reply("\"/a"), None);
        let c = b"PWD\r\nCWD sub\r\nCDUP\r\nCWD bad\r\n";
        let s = b"257 \"/home\"\r\n250 ok\r\n250 ok\r\n550 no\r\n";
        let d = working_directories(
            dir(c, &[(0, 1), (5, 3), (14, 5), (20, 7)]),
            dir(s, &[(0, 2), (13, 4), (21, 6), (29, 8)]),
        );
        assert_eq!(
            d,
            vec![
                (2, "/home".into()),
                (4, "/home/sub".into()),
                (6, "/home".into())
            ]
        );
        assert_eq!(cwd_at(&d, 1), "");
        assert_eq!(cwd_at(&d, 5), "/home/sub");
        let long = format!("257 \"/{}\"\r\n", "é".repeat(MAX_CWD));
        let d = working_directories(dir(b"PWD\r\n", &[(0, 1)]), dir(long.as_bytes(), &[(0, 2)]));
        assert!(d.iter().all(|(_, cwd)| cwd.len() <= MAX_CWD), "{d:?}");
    }

    #[test]
    fn data_paths_as_tshark() {
        let ch = |mode| FtpDataChannel {
            port: 1,
            mode,
            on_server: true,
            command: "RETR a".into(),
            setup_packet: 0,
            command_packet: 0,
            cwd: String::new(),
        };
        let names = |v: Vec<Layer>| v.iter().map(|l| l.name).collect::<Vec<_>>().join(":");
        assert_eq!(
            names(ch("PASV").layers(b"hello\r\n")),
            "ftp-data:ftp-data.setup-frame:ftp-data.setup-method:ftp-data.command:\
             ftp-data.command-frame:ftp-data.current-working-directory:data-text-lines"
        );
        assert_eq!(
            names(ch("EPRT").layers(b"\x00\x01")),
            "ftp-data:ftp-data.setup-frame"
        );
        assert!(is_text(
            &[b'a'; 20]
                .iter()
                .chain(b"\x00")
                .copied()
                .collect::<Vec<_>>()
        ));
        assert!(!is_text(b"ab\tc"));
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
