//! SSH (port 22) as tshark 4.0 words it: the protocol version exchange
//! (`Server: Protocol (SSH-2.0-OpenSSH_8.7)`), the clear-text key exchange
//! messages named after the negotiated method (`Client: Elliptic Curve
//! Diffie-Hellman Key Exchange Init`), `New Keys`, then one `Encrypted
//! packet (len=N)` per segment. The Protocol column reads `SSH` until a
//! version 2 banner was seen in an earlier segment, then `SSHv2`.

use super::{DirBytes, StreamRow, Summary};

/// The longest banner line accepted (RFC 4253: 255 bytes).
const MAX_BANNER: usize = 255;
/// The largest clear-text binary packet accepted (RFC 4253: 35000).
const MAX_PACKET: u32 = 35_000;

pub const MSG_KEXINIT: u8 = 20;
pub const MSG_NEWKEYS: u8 = 21;

/// What one direction holds, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// The identification line (without its line end), `start..end`.
    Banner {
        start: usize,
        end: usize,
        text: String,
    },
    /// A clear-text binary packet with its message code.
    Packet { start: usize, end: usize, code: u8 },
    /// Everything from `start` on is encrypted.
    Encrypted { start: usize },
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
}

/// The banner, clear-text packets and encrypted rest of one direction.
pub fn parse(bytes: &[u8]) -> Vec<Item> {
    let mut out = Vec::new();
    let mut pos;
    if bytes.starts_with(b"SSH-") {
        let window = &bytes[..bytes.len().min(MAX_BANNER + 2)];
        let Some(nl) = window.iter().position(|&b| b == b'\n') else {
            out.push(Item::Banner {
                start: 0,
                end: usize::MAX,
                text: String::new(),
            });
            return out;
        };
        let line = &bytes[..nl];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        out.push(Item::Banner {
            start: 0,
            end: nl + 1,
            text: String::from_utf8_lossy(line).into_owned(),
        });
        pos = nl + 1;
    } else {
        // Data before any banner: tshark takes it as encrypted.
        out.push(Item::Encrypted { start: 0 });
        return out;
    }
    while pos < bytes.len() {
        let Some(len) = be32(bytes, pos) else {
            out.push(Item::Packet {
                start: pos,
                end: usize::MAX,
                code: 0,
            });
            break;
        };
        let padding = bytes.get(pos + 4).copied();
        if !(5..=MAX_PACKET).contains(&len) || padding.is_some_and(|p| u32::from(p) + 1 >= len) {
            out.push(Item::Encrypted { start: pos });
            break;
        }
        let end = pos + 4 + len as usize;
        let code = bytes.get(pos + 5).copied().unwrap_or(0);
        out.push(Item::Packet {
            start: pos,
            end,
            code,
        });
        pos = end;
        if code == MSG_NEWKEYS {
            out.push(Item::Encrypted { start: pos });
            break;
        }
    }
    out
}

/// The `n`th name-list of a KEXINIT packet (0: key exchange, 2 and 3: the
/// ciphers client to server and server to client).
pub fn name_list(bytes: &[u8], items: &[Item], n: usize) -> Option<Vec<String>> {
    items.iter().find_map(|i| match i {
        Item::Packet {
            start,
            end,
            code: MSG_KEXINIT,
        } => {
            // length(4) padding(1) code(1) cookie(16), then the name-lists
            let mut at = start + 6 + 16;
            for _ in 0..n {
                at += 4 + be32(bytes, at)? as usize;
            }
            let len = be32(bytes, at)? as usize;
            let names = bytes.get(at + 4..(at + 4 + len).min(*end))?;
            Some(
                String::from_utf8_lossy(names)
                    .split(',')
                    .map(str::to_string)
                    .collect(),
            )
        }
        _ => None,
    })
}

/// The algorithm both sides agree on for name-list `n`: the client's first
/// entry that the server offers too.
pub fn negotiated(
    client: &[u8],
    server: &[u8],
    ci: &[Item],
    si: &[Item],
    n: usize,
) -> Option<String> {
    let (c, s) = (name_list(client, ci, n)?, name_list(server, si, n)?);
    c.into_iter().find(|k| s.contains(k))
}

/// The ciphers tshark 4.0 can decrypt given keys: without them it shows
/// nothing for their packets, where other ciphers read "Encrypted packet".
pub fn tshark_decrypts(cipher: Option<&str>) -> bool {
    matches!(
        cipher,
        Some("chacha20-poly1305@openssh.com" | "aes128-gcm@openssh.com" | "aes256-gcm@openssh.com")
    )
}

/// tshark's name of a key-exchange message (codes 30 to 49) under `kex`.
fn kex_message(kex: Option<&str>, code: u8) -> String {
    let k = kex.unwrap_or("");
    let name = if k.contains("group-exchange") {
        match code {
            30 => Some("Diffie-Hellman Group Exchange Request (Old)"),
            31 => Some("Diffie-Hellman Group Exchange Group"),
            32 => Some("Diffie-Hellman Group Exchange Init"),
            33 => Some("Diffie-Hellman Group Exchange Reply"),
            34 => Some("Diffie-Hellman Group Exchange Request"),
            _ => None,
        }
    } else if k.starts_with("ecdh-sha2-")
        || k.starts_with("curve25519")
        || k.starts_with("curve448")
    {
        match code {
            30 => Some("Elliptic Curve Diffie-Hellman Key Exchange Init"),
            31 => Some("Elliptic Curve Diffie-Hellman Key Exchange Reply"),
            _ => None,
        }
    } else {
        // Plain Diffie-Hellman, and the methods tshark 4.0 files with it
        // (sntrup761x25519-sha512@openssh.com among them).
        match code {
            30 => Some("Diffie-Hellman Key Exchange Init"),
            31 => Some("Diffie-Hellman Key Exchange Reply"),
            _ => None,
        }
    };
    name.map_or_else(|| format!("Unknown ({code})"), str::to_string)
}

/// tshark's name of message `code` under key exchange method `kex`.
pub fn message_name(kex: Option<&str>, code: u8) -> String {
    match code {
        1 => "Disconnect".into(),
        2 => "Ignore".into(),
        3 => "Unimplemented".into(),
        4 => "Debug".into(),
        5 => "Service Request".into(),
        6 => "Service Accept".into(),
        MSG_KEXINIT => "Key Exchange Init".into(),
        MSG_NEWKEYS => "New Keys".into(),
        30..=49 => kex_message(kex, code),
        c => format!("Unknown ({c})"),
    }
}

/// Whether a banner announces version 2 for this side (a server's 1.99
/// leaves the choice to the client).
fn banner_sets_v2(text: &str, from_server: bool) -> bool {
    text.starts_with("SSH-2.") || (!from_server && text.starts_with("SSH-1.99"))
}

/// The rows of an SSH connection's data segments.
pub fn rows(client: DirBytes<'_>, server: DirBytes<'_>) -> Vec<(u32, StreamRow)> {
    let (ci, si) = (parse(client.bytes), parse(server.bytes));
    let kex = negotiated(client.bytes, server.bytes, &ci, &si, 0);
    let silent = [
        tshark_decrypts(negotiated(client.bytes, server.bytes, &ci, &si, 2).as_deref()),
        tshark_decrypts(negotiated(client.bytes, server.bytes, &ci, &si, 3).as_deref()),
    ];
    // (packet, row, whether this row's banner announces version 2)
    let mut rows: Vec<(u32, Option<String>, bool)> = Vec::new();
    for (dir, items, side) in [(client, &ci, "Client"), (server, &si, "Server")] {
        let from_server = side == "Server";
        let silent = silent[usize::from(from_server)];
        let mut k = 0usize;
        for (packet, s, e) in dir.spans() {
            let mut names: Vec<String> = Vec::new();
            let mut middle = false;
            let mut v2 = false;
            while let Some(item) = items.get(k) {
                match item {
                    Item::Banner { start, end, text } if *start < e => {
                        if *end <= e {
                            names.push(format!("Protocol ({text})"));
                            v2 = banner_sets_v2(text, from_server);
                            k += 1;
                        } else {
                            middle = true;
                            break;
                        }
                    }
                    Item::Packet { start, end, code } if *start < e => {
                        if *end <= e {
                            names.push(message_name(kex.as_deref(), *code));
                            k += 1;
                        } else {
                            middle = *start < s || names.is_empty();
                            break;
                        }
                    }
                    Item::Encrypted { start } if *start < e => {
                        let from = (*start).max(s);
                        if !silent {
                            names.push(format!("Encrypted packet (len={})", e - from));
                        } else if *start <= s {
                            names.push(String::new());
                        }
                        break;
                    }
                    _ => break,
                }
            }
            let row = if names.is_empty() {
                middle.then_some(None)
            } else {
                let names: Vec<&String> = names.iter().filter(|n| !n.is_empty()).collect();
                let joined: Vec<&str> = names.iter().map(|n| n.as_str()).collect();
                Some(Some(format!("{side}: {}", joined.join(", "))))
            };
            if let Some(r) = row {
                rows.push((packet, r, v2));
            }
        }
    }
    // The column says SSHv2 once an earlier segment's banner set version 2.
    rows.sort_by_key(|r| r.0);
    let mut known_v2 = false;
    rows.into_iter()
        .map(|(packet, info, v2)| {
            let protocol = if known_v2 { "SSHv2" } else { "SSH" };
            known_v2 |= v2;
            let row = match info {
                Some(i) => StreamRow::App(Summary::new(protocol, i)),
                None => StreamRow::Segment { tcp_info: false },
            };
            (packet, row)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(code: u8, body: &[u8]) -> Vec<u8> {
        let padding = 4u8;
        let len = 1 + 1 + body.len() as u32 + u32::from(padding);
        let mut v = len.to_be_bytes().to_vec();
        v.push(padding);
        v.push(code);
        v.extend_from_slice(body);
        v.extend_from_slice(&[0; 4]);
        v
    }

    fn kexinit(kex: &str) -> Vec<u8> {
        let mut body = vec![0u8; 16];
        body.extend_from_slice(&(kex.len() as u32).to_be_bytes());
        body.extend_from_slice(kex.as_bytes());
        packet(MSG_KEXINIT, &body)
    }

    fn infos(r: &[(u32, StreamRow)]) -> Vec<String> {
        r.iter()
            .map(|(p, row)| match row {
                StreamRow::App(s) => format!("{p} {} {}", s.protocol, s.info),
                StreamRow::Segment { .. } => format!("{p} segment"),
            })
            .collect()
    }

    #[test]
    fn banners_kex_then_encrypted() {
        let mut c = b"SSH-2.0-OpenSSH_9.6\r\n".to_vec();
        let c1 = c.len() as u64;
        c.extend(kexinit("curve25519-sha256,ecdh-sha2-nistp256"));
        let c2 = c.len() as u64;
        c.extend(packet(30, &[1; 36]));
        c.extend(packet(MSG_NEWKEYS, &[]));
        let c3 = c.len() as u64;
        c.extend_from_slice(&[0xab; 52]);
        let mut s = b"SSH-2.0-OpenSSH_8.7\r\n".to_vec();
        let s1 = s.len() as u64;
        s.extend(kexinit("ecdh-sha2-nistp256,curve25519-sha256"));
        let r = rows(
            DirBytes {
                bytes: &c,
                segments: &[(0, 2), (c1, 4), (c2, 6), (c3, 8)],
            },
            DirBytes {
                bytes: &s,
                segments: &[(0, 1), (s1, 5)],
            },
        );
        assert_eq!(
            infos(&r),
            vec![
                "1 SSH Server: Protocol (SSH-2.0-OpenSSH_8.7)",
                "2 SSHv2 Client: Protocol (SSH-2.0-OpenSSH_9.6)",
                "4 SSHv2 Client: Key Exchange Init",
                "5 SSHv2 Server: Key Exchange Init",
                "6 SSHv2 Client: Elliptic Curve Diffie-Hellman Key Exchange Init, New Keys",
                "8 SSHv2 Client: Encrypted packet (len=52)",
            ]
        );
    }

    #[test]
    fn data_before_a_banner_is_encrypted_for_tshark() {
        let c = b"GET / HTTP/1.1\r\n\r\n".to_vec();
        let s = b"SSH-2.0-OpenSSH_8.7\r\n".to_vec();
        let r = rows(
            DirBytes {
                bytes: &c,
                segments: &[(0, 3)],
            },
            DirBytes {
                bytes: &s,
                segments: &[(0, 5)],
            },
        );
        assert_eq!(
            infos(&r),
            vec![
                "3 SSH Client: Encrypted packet (len=18)",
                "5 SSH Server: Protocol (SSH-2.0-OpenSSH_8.7)"
            ]
        );
    }
}
