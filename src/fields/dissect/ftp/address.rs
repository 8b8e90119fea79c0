//! The addresses FTP control lines announce, read as tshark 4.0 reads
//! them: a PORT argument or 227 reply (`h1,h2,h3,h4,p1,p2`), an EPRT
//! argument (`|af|address|port|`, RFC 2428) and a 229 reply's `(|||port|)`,
//! each with the offsets and lengths of the items tshark draws.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A decimal number as C's `%d` reads it (leading blanks, a sign), and
/// where it ends; `None` without digits.
fn scan_int(b: &[u8], mut at: usize) -> Option<(i64, usize)> {
    while b.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    let neg = match b.get(at) {
        Some(b'-') => {
            at += 1;
            true
        }
        Some(b'+') => {
            at += 1;
            false
        }
        _ => false,
    };
    let start = at;
    let mut v: i64 = 0;
    while let Some(d) = b.get(at).filter(|c| c.is_ascii_digit()) {
        v = v.saturating_mul(10).saturating_add(i64::from(d - b'0'));
        at += 1;
    }
    (at > start).then_some((if neg { -v } else { v }, at))
}

/// What a PORT argument or a 227 reply's text announces: the address, the
/// port, where the address starts and the lengths tshark gives the two
/// items (`parse_port_pasv`).
pub(super) fn port_pasv(line: &[u8]) -> Option<(Ipv4Addr, u16, usize, usize, usize)> {
    let digits = |v: i64| {
        if v < 10 {
            1
        } else if v < 100 {
            2
        } else {
            3
        }
    };
    let mut p = 0;
    loop {
        while line.get(p).is_some_and(|c| !c.is_ascii_digit()) {
            p += 1;
        }
        if p >= line.len() {
            return None;
        }
        let mut n = [0i64; 6];
        let mut at = p;
        let mut got = 0;
        for (i, slot) in n.iter_mut().enumerate() {
            if i > 0 {
                if line.get(at) != Some(&b',') {
                    break;
                }
                at += 1;
            }
            let Some((v, end)) = scan_int(line, at) else {
                break;
            };
            *slot = v;
            at = end;
            got += 1;
        }
        if got == 6 {
            // C's int arithmetic, kept to 32 bits.
            let ip = n[..4]
                .iter()
                .fold(0u32, |a, &v| (a << 8) | (v as u32 & 0xff));
            let port = ((n[4] as u16 & 0xff) << 8) | (n[5] as u16 & 0xff);
            let ip_len = n[..4].iter().map(|&v| digits(v)).sum::<usize>() + 3;
            let port_len = digits(n[4]) + 1 + digits(n[5]);
            return Some((Ipv4Addr::from(ip), port, p, ip_len, port_len));
        }
        while line.get(p).is_some_and(u8::is_ascii_digit) {
            p += 1;
        }
    }
}

/// A delimiter RFC 2428 allows.
fn rfc2428_delimiter(c: u8) -> bool {
    c.is_ascii_graphic() && !b"0123456789abcdef.:".contains(&c.to_ascii_lowercase())
}

/// An EPRT argument `|af|address|port|`: family, address, port and the
/// lengths of the address and port fields (`parse_eprt_request`).
pub(super) fn eprt(line: &[u8]) -> Option<(u32, IpAddr, u16, usize, usize)> {
    let line = &line[..line.iter().position(|&c| c == 0).unwrap_or(line.len())];
    let &d = line.first()?;
    if line.len() < 4 || !rfc2428_delimiter(d) || line.iter().filter(|&&c| c == d).count() != 4 {
        return None;
    }
    let fields: Vec<&[u8]> = line[1..].split(|&c| c == d).take(3).collect();
    if fields.len() < 3 || fields.iter().any(|f| f.is_empty()) {
        return None;
    }
    let text = |f: &[u8]| std::str::from_utf8(f).ok().map(str::to_string);
    let af: u32 = text(fields[0])?
        .parse()
        .ok()
        .filter(|_| fields[0].iter().all(u8::is_ascii_digit))?;
    let ip = match af {
        1 => IpAddr::V4(text(fields[1])?.parse::<Ipv4Addr>().ok()?),
        2 => IpAddr::V6(text(fields[1])?.parse::<Ipv6Addr>().ok()?),
        _ => return None,
    };
    let port: u16 = text(fields[2])?
        .parse()
        .ok()
        .filter(|_| fields[2].iter().all(u8::is_ascii_digit))?;
    Some((af, ip, port, fields[1].len(), fields[2].len()))
}

/// A 229 reply's `(|||port|)`: the port, where it starts and its item's
/// length (`parse_extended_pasv_response`).
pub(super) fn epsv(line: &[u8]) -> Option<(u16, usize, usize)> {
    let open = line.iter().position(|&c| c == b'(')?;
    let mut p = open + 1;
    let mut delim = None;
    for _ in 0..3 {
        let Some(&c) = line.get(p) else { break };
        if delim.is_none() && rfc2428_delimiter(c) {
            delim = Some(c);
        }
        if Some(c) != delim {
            break;
        }
        p += 1;
    }
    let digits = line[p.min(line.len())..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let port: u16 = std::str::from_utf8(line.get(p..p + digits)?)
        .ok()?
        .parse()
        .ok()?;
    let close = p + line[p..].iter().position(|&c| c == b')')?;
    Some((port, p, close.saturating_sub(p + 1)))
}
