//! A small DNS message reader for the Info column: the header, the first
//! question and every resource record's type and main datum, as Wireshark
//! summarises them ("Standard query response 0x1a2b A host A 10.0.0.1").
//! Names are bounded ([`crate::limits`]): at most `MAX_DNS_NAME` bytes (so
//! at most 127 labels: each takes two bytes or more) and `MAX_DNS_POINTERS`
//! compression pointers followed, so hostile messages (pointer loops, label floods) end cleanly,
//! with the bound reached reported by [`summary`].

use crate::limits::{Limit, MAX_DNS_NAME, MAX_DNS_POINTERS};
use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Why a DNS message has no summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DnsError {
    /// Cut short or not DNS.
    Malformed,
    /// A name reached a bound (its text is not shown).
    Limit(Limit),
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|x| u16::from_be_bytes([x[0], x[1]]))
}

/// Reads a (possibly compressed) name at `at`; returns it and the offset after
/// it in the original position.
fn read_name(msg: &[u8], mut at: usize) -> Result<(String, usize), DnsError> {
    use DnsError::Malformed;
    let mut name = String::new();
    let mut end = None;
    let mut wire_len = 0u64;
    let mut pointers = 0u64;
    loop {
        let len = *msg.get(at).ok_or(Malformed)?;
        match len {
            0 => {
                let after = end.unwrap_or(at + 1);
                if name.is_empty() {
                    name.push_str("<Root>");
                }
                return Ok((name, after));
            }
            l if l & 0xc0 == 0xc0 => {
                pointers += 1;
                if pointers > MAX_DNS_POINTERS {
                    return Err(DnsError::Limit(Limit::DnsPointers));
                }
                let ptr = usize::from(be16(msg, at).ok_or(Malformed)? & 0x3fff);
                end.get_or_insert(at + 2);
                at = ptr;
            }
            l if l & 0xc0 == 0 => {
                // A name is at most 255 bytes on the wire (RFC 1035).
                wire_len += 1 + u64::from(l);
                if wire_len > MAX_DNS_NAME {
                    return Err(DnsError::Limit(Limit::DnsName));
                }
                let label = msg.get(at + 1..at + 1 + usize::from(l)).ok_or(Malformed)?;
                if !name.is_empty() {
                    name.push('.');
                }
                for &c in label {
                    if c.is_ascii_graphic() {
                        name.push(c as char);
                    } else {
                        let _ = write!(name, "\\{c:03}");
                    }
                }
                at += 1 + usize::from(l);
            }
            _ => return Err(Malformed),
        }
    }
}

/// A name inside record data: empty when malformed, an error at a bound.
fn target_name(msg: &[u8], at: usize) -> Result<String, DnsError> {
    match read_name(msg, at) {
        Ok((name, _)) => Ok(name),
        Err(DnsError::Malformed) => Ok(String::new()),
        Err(e) => Err(e),
    }
}

/// Wireshark's name of a record type.
pub fn type_name(t: u16) -> String {
    match t {
        1 => "A".into(),
        2 => "NS".into(),
        5 => "CNAME".into(),
        6 => "SOA".into(),
        12 => "PTR".into(),
        13 => "HINFO".into(),
        15 => "MX".into(),
        16 => "TXT".into(),
        28 => "AAAA".into(),
        33 => "SRV".into(),
        41 => "OPT".into(),
        47 => "NSEC".into(),
        64 => "SVCB".into(),
        65 => "HTTPS".into(),
        255 => "ANY".into(),
        t => format!("Unknown ({t})"),
    }
}

fn rcode_name(r: u16) -> Option<&'static str> {
    match r {
        0 => None,
        1 => Some("Format error"),
        2 => Some("Server failure"),
        3 => Some("No such name"),
        4 => Some("Not implemented"),
        5 => Some("Refused"),
        _ => Some("Unknown error"),
    }
}

/// The Info text of a DNS message, or `None` when it does not parse.
pub fn info(msg: &[u8]) -> Option<String> {
    summary(msg).ok()
}

/// The Info text of a DNS message, or why there is none.
pub fn summary(msg: &[u8]) -> Result<String, DnsError> {
    let h = |at| be16(msg, at).ok_or(DnsError::Malformed);
    let id = h(0)?;
    let flags = h(2)?;
    let qd = h(4)?;
    let rr_total = u32::from(h(6)?) + u32::from(h(8)?) + u32::from(h(10)?);
    let response = flags & 0x8000 != 0;
    let opcode = (flags >> 11) & 0xf;
    let mut s = String::new();
    s.push_str(match opcode {
        0 => "Standard query",
        1 => "Inverse query",
        2 => "Server status request",
        4 => "Zone change notification",
        5 => "Dynamic update",
        _ => "Unknown operation",
    });
    if response {
        s.push_str(" response");
    }
    let _ = write!(s, " 0x{id:04x}");
    if response {
        if let Some(r) = rcode_name(flags & 0xf) {
            let _ = write!(s, " {r}");
        }
    }
    let mut at = 12;
    for _ in 0..qd.min(16) {
        let (name, after) = read_name(msg, at)?;
        let qtype = h(after)?;
        let _ = write!(s, " {} {name}", type_name(qtype));
        at = after + 4;
    }
    for _ in 0..rr_total.min(64) {
        let (name, after) = match read_name(msg, at) {
            Ok(x) => x,
            Err(DnsError::Limit(l)) => return Err(DnsError::Limit(l)),
            Err(DnsError::Malformed) => break,
        };
        let (Some(rtype), Some(rdlen)) = (be16(msg, after), be16(msg, after + 8)) else {
            break;
        };
        let rdata_at = after + 10;
        let Some(rdata) = msg.get(rdata_at..rdata_at + usize::from(rdlen)) else {
            break;
        };
        let _ = name;
        match rtype {
            1 if rdata.len() == 4 => {
                let _ = write!(
                    s,
                    " A {}",
                    Ipv4Addr::new(rdata[0], rdata[1], rdata[2], rdata[3])
                );
            }
            28 if rdata.len() == 16 => {
                let mut o = [0u8; 16];
                o.copy_from_slice(rdata);
                let _ = write!(s, " AAAA {}", Ipv6Addr::from(o));
            }
            2 | 5 | 6 | 12 => {
                let target = target_name(msg, rdata_at)?;
                let _ = write!(s, " {} {target}", type_name(rtype));
            }
            15 => {
                let pref = be16(rdata, 0).unwrap_or(0);
                let target = target_name(msg, rdata_at + 2)?;
                let _ = write!(s, " MX {pref} {target}");
            }
            t => {
                let _ = write!(s, " {}", type_name(t));
            }
        }
        at = rdata_at + usize::from(rdlen);
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query() -> Vec<u8> {
        let mut m = vec![0xa7, 0xf4, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        for l in ["www", "example", "org"] {
            m.push(l.len() as u8);
            m.extend_from_slice(l.as_bytes());
        }
        m.extend_from_slice(&[0, 0, 1, 0, 1]);
        m
    }

    #[test]
    fn query_and_response() {
        let q = query();
        assert_eq!(
            info(&q).as_deref(),
            Some("Standard query 0xa7f4 A www.example.org")
        );
        let mut r = q.clone();
        r[2] = 0x81;
        r[3] = 0x80;
        r[7] = 2;
        // CNAME via compression pointer to the question name, then an A record.
        r.extend_from_slice(&[0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 16]);
        r.extend_from_slice(&[0xc0, 16, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 77, 0, 2]);
        assert_eq!(
            info(&r).as_deref(),
            Some("Standard query response 0xa7f4 A www.example.org CNAME example.org A 10.77.0.2")
        );
    }

    #[test]
    fn pointer_loops_and_garbage_end_cleanly() {
        let mut m = vec![0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12];
        assert_eq!(summary(&m), Err(DnsError::Limit(Limit::DnsPointers)));
        m.truncate(5);
        assert_eq!(summary(&m), Err(DnsError::Malformed));
    }

    #[test]
    fn long_names_and_label_floods_are_bounded() {
        let mut m = vec![0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        for _ in 0..5 {
            m.push(63);
            m.extend_from_slice(&[b'a'; 63]);
        }
        m.extend_from_slice(&[0, 0, 1, 0, 1]);
        assert_eq!(summary(&m), Err(DnsError::Limit(Limit::DnsName)));
        // 128 one-byte labels: 256 bytes, one more than a name may have.
        let mut m = vec![0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        for _ in 0..128 {
            m.extend_from_slice(&[1, b'x']);
        }
        m.extend_from_slice(&[0, 0, 1, 0, 1]);
        assert_eq!(summary(&m), Err(DnsError::Limit(Limit::DnsName)));
    }
}
