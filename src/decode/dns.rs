//! A small DNS message reader for the Info column: the header, the first
//! question and every resource record's type and main datum, as Wireshark
//! summarises them ("Standard query response 0x1a2b A host A 10.0.0.1").
//! Names are bounded ([`crate::limits`]): at most `MAX_DNS_NAME` bytes (so
//! at most 127 labels: each takes two bytes or more) and `MAX_DNS_POINTERS`
//! compression pointers followed, so hostile messages (pointer loops, label floods) end cleanly,
//! with the bound reached reported by [`summary`].
//! [`parse`] gives the question and the answers as data, for the name map
//! (`crate::journey::names`).

use crate::limits::{Limit, MAX_DNS_NAME, MAX_DNS_POINTERS};
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

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

/// Wireshark's name of a record type (tshark 4.0's table, checked record
/// type by record type; the rest read `Unknown (N)` there too).
pub fn type_name(t: u16) -> String {
    let name = match t {
        1 => "A",
        2 => "NS",
        3 => "MD",
        4 => "MF",
        5 => "CNAME",
        6 => "SOA",
        7 => "MB",
        8 => "MG",
        9 => "MR",
        10 => "NULL",
        11 => "WKS",
        12 => "PTR",
        13 => "HINFO",
        14 => "MINFO",
        15 => "MX",
        16 => "TXT",
        17 => "RP",
        18 => "AFSDB",
        19 => "X25",
        20 => "ISDN",
        21 => "RT",
        22 => "NSAP",
        23 => "NSAP-PTR",
        24 => "SIG",
        25 => "KEY",
        26 => "PX",
        27 => "GPOS",
        28 => "AAAA",
        29 => "LOC",
        30 => "NXT",
        31 => "EID",
        32 => "NIMLOC",
        33 => "SRV",
        34 => "ATMA",
        35 => "NAPTR",
        36 => "KX",
        37 => "CERT",
        38 => "A6",
        39 => "DNAME",
        40 => "SINK",
        41 => "OPT",
        42 => "APL",
        43 => "DS",
        44 => "SSHFP",
        45 => "IPSECKEY",
        46 => "RRSIG",
        47 => "NSEC",
        48 => "DNSKEY",
        49 => "DHCID",
        50 => "NSEC3",
        51 => "NSEC3PARAM",
        52 => "TLSA",
        55 => "HIP",
        57 => "RKEY",
        58 => "TALINK",
        59 => "CDS",
        60 => "CDNSKEY",
        61 => "OPENPGPKEY",
        62 => "CSYNC",
        63 => "ZONEMD",
        64 => "SVCB",
        65 => "HTTPS",
        99 => "SPF",
        100 => "UINFO",
        101 => "UID",
        102 => "GID",
        103 => "UNSPEC",
        104 => "NID",
        105 => "L32",
        106 => "L64",
        107 => "LP",
        108 => "EUI48",
        109 => "EUI64",
        249 => "TKEY",
        250 => "TSIG",
        251 => "IXFR",
        252 => "AXFR",
        253 => "MAILA",
        254 => "MAILB",
        255 => "ANY",
        256 => "URI",
        257 => "CAA",
        32768 => "TA",
        32769 => "DLV",
        65281 => "WINS",
        65282 => "WINS-R",

        t => return format!("Unknown ({t})"),
    };
    name.into()
}

/// tshark's name of DNS reply code `r`, for the codes it names (0 to 5):
/// the one table the Info text, the details tree and the DNS statistics
/// read, each writing the other codes its own way.
pub fn rcode_text(r: u16) -> Option<&'static str> {
    Some(match r {
        0 => "No error",
        1 => "Format error",
        2 => "Server failure",
        3 => "No such name",
        4 => "Not implemented",
        5 => "Refused",
        _ => return None,
    })
}

/// The reply code as Info shows it after "response": nothing for no error.
fn rcode_name(r: u16) -> Option<&'static str> {
    match r {
        0 => None,
        _ => Some(rcode_text(r).unwrap_or("Unknown error")),
    }
}

/// The Info text of a DNS message, or `None` when it does not parse.
pub fn info(msg: &[u8]) -> Option<String> {
    summary(msg).ok()
}

/// The Info text of a DNS or (with `mdns`) multicast DNS message, or `None`
/// when it does not parse: mDNS marks each question `"QM"` or `"QU"` and
/// records with the cache-flush bit.
pub fn info_with(msg: &[u8], mdns: bool) -> Option<String> {
    summary_with(msg, mdns).ok()
}

/// The Info text of a DNS message, or why there is none.
pub fn summary(msg: &[u8]) -> Result<String, DnsError> {
    summary_with(msg, false)
}

/// [`summary`] for DNS or (with `mdns`) multicast DNS.
pub fn summary_with(msg: &[u8], mdns: bool) -> Result<String, DnsError> {
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
        if mdns {
            let unicast = h(after + 2)? & 0x8000 != 0;
            s.push_str(if unicast {
                ", \"QU\" question"
            } else {
                ", \"QM\" question"
            });
        }
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
        let flush = mdns && be16(msg, after + 2).is_some_and(|c| c & 0x8000 != 0);
        let ty = if flush {
            format!("{}, cache flush", type_name(rtype))
        } else {
            type_name(rtype)
        };
        match rtype {
            1 if rdata.len() == 4 => {
                let _ = write!(
                    s,
                    " {ty} {}",
                    Ipv4Addr::new(rdata[0], rdata[1], rdata[2], rdata[3])
                );
            }
            28 if rdata.len() == 16 => {
                let mut o = [0u8; 16];
                o.copy_from_slice(rdata);
                let _ = write!(s, " {ty} {}", Ipv6Addr::from(o));
            }
            // Records whose datum shown is a name: NS, CNAME, SOA (its
            // primary server), PTR, DNAME, NSEC (the next owner name).
            2 | 5 | 6 | 12 | 39 | 47 => {
                let target = target_name(msg, rdata_at)?;
                let _ = write!(s, " {ty} {target}");
            }
            33 if rdata.len() >= 6 => {
                let (p, w, port) = (
                    be16(rdata, 0).unwrap_or(0),
                    be16(rdata, 2).unwrap_or(0),
                    be16(rdata, 4).unwrap_or(0),
                );
                let target = target_name(msg, rdata_at + 6)?;
                let _ = write!(s, " {ty} {p} {w} {port} {target}");
            }
            13 => {
                // HINFO: two character strings, CPU and OS.
                let cpu_len = usize::from(*rdata.first().unwrap_or(&0));
                let cpu = rdata.get(1..1 + cpu_len).unwrap_or_default();
                let os = rdata
                    .get(1 + cpu_len..)
                    .and_then(|r| r.get(1..1 + usize::from(*r.first()?)))
                    .unwrap_or_default();
                let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
                let _ = write!(s, " {ty} {} {}", text(cpu), text(os));
            }
            35 if rdata.len() >= 5 => {
                // NAPTR: order, preference and flags.
                let (o, p) = (be16(rdata, 0).unwrap_or(0), be16(rdata, 2).unwrap_or(0));
                let flags = rdata.get(5..5 + usize::from(rdata[4])).unwrap_or_default();
                let _ = write!(s, " {ty} {o} {p} {}", String::from_utf8_lossy(flags));
            }
            15 => {
                let pref = be16(rdata, 0).unwrap_or(0);
                let target = target_name(msg, rdata_at + 2)?;
                let _ = write!(s, " {ty} {pref} {target}");
            }
            _ => {
                let _ = write!(s, " {ty}");
            }
        }
        at = rdata_at + usize::from(rdlen);
    }
    Ok(s)
}

/// The datum of a resource record, for the record types that name addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RData {
    Address(IpAddr),
    /// The target of a CNAME.
    Alias(String),
    Other,
}

/// One resource record of the answer section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub name: String,
    pub rtype: u16,
    pub data: RData,
}

/// A DNS message as far as name resolution needs it: the header, the first
/// question and the answer section (at most
/// [`MAX_DNS_ANSWERS`](crate::limits::MAX_DNS_ANSWERS) records).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: u16,
    pub response: bool,
    pub rcode: u16,
    /// The first question's name and type.
    pub question: Option<(String, u16)>,
    pub answers: Vec<Answer>,
    /// The message had more answers than were read.
    pub answers_cut: bool,
}

/// Parses the header, first question and answer records of `msg`; `None`
/// when even the header or the questions do not parse. Answers stop at the
/// first record that does not.
pub fn parse(msg: &[u8]) -> Option<Message> {
    let id = be16(msg, 0)?;
    let flags = be16(msg, 2)?;
    let qd = be16(msg, 4)?;
    let an = be16(msg, 6)?;
    let mut at = 12;
    let mut question = None;
    for _ in 0..qd.min(16) {
        let (name, after) = read_name(msg, at).ok()?;
        let qtype = be16(msg, after)?;
        question.get_or_insert((name, qtype));
        at = after + 4;
    }
    let mut answers = Vec::new();
    let max = crate::limits::MAX_DNS_ANSWERS as usize;
    for _ in 0..usize::from(an).min(max) {
        let Ok((name, after)) = read_name(msg, at) else {
            break;
        };
        let (Some(rtype), Some(rdlen)) = (be16(msg, after), be16(msg, after + 8)) else {
            break;
        };
        let rdata_at = after + 10;
        let Some(rdata) = msg.get(rdata_at..rdata_at + usize::from(rdlen)) else {
            break;
        };
        let data = match rtype {
            1 if rdata.len() == 4 => RData::Address(IpAddr::V4(Ipv4Addr::new(
                rdata[0], rdata[1], rdata[2], rdata[3],
            ))),
            28 if rdata.len() == 16 => {
                let mut o = [0u8; 16];
                o.copy_from_slice(rdata);
                RData::Address(IpAddr::V6(Ipv6Addr::from(o)))
            }
            5 => match read_name(msg, rdata_at) {
                Ok((target, _)) => RData::Alias(target),
                Err(_) => RData::Other,
            },
            _ => RData::Other,
        };
        answers.push(Answer { name, rtype, data });
        at = rdata_at + usize::from(rdlen);
    }
    Some(Message {
        id,
        response: flags & 0x8000 != 0,
        rcode: flags & 0xf,
        question,
        answers,
        answers_cut: usize::from(an) > max,
    })
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
        let m = parse(&r).expect("parses");
        assert!(m.response);
        assert_eq!(m.question, Some(("www.example.org".into(), 1)));
        assert_eq!(
            m.answers.iter().map(|a| a.data.clone()).collect::<Vec<_>>(),
            vec![
                RData::Alias("example.org".into()),
                RData::Address(IpAddr::V4(Ipv4Addr::new(10, 77, 0, 2)))
            ]
        );
        assert_eq!(m.answers[1].name, "example.org");
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
