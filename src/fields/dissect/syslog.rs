//! Syslog (UDP 514) as tshark 4.0 draws it: the `<PRI>` as facility and
//! level bit fields, the message, and inside it the RFC 3164 parts
//! (timestamp, hostname, process id, the rest) or the RFC 5424 ones
//! (version, timestamp, hostname, app name, process id, the rest).

use super::bits::bitfield;
use super::body::format_text;
use super::Node;
use crate::fields::Value;
use std::borrow::Cow;

/// Most digits read in `<PRI>` (tshark's `MAX_DIGITS`).
const MAX_PRI_DIGITS: usize = 3;
/// Bytes of an RFC 3164 process id looked through (tshark's 32).
const MAX_PROCID: usize = 32;

const FACILITIES: [(&str, &str); 24] = [
    ("KERN", "kernel messages"),
    ("USER", "random user-level messages"),
    ("MAIL", "mail system"),
    ("DAEMON", "system daemons"),
    ("AUTH", "security/authorization messages"),
    ("SYSLOG", "messages generated internally by syslogd"),
    ("LPR", "line printer subsystem"),
    ("NEWS", "network news subsystem"),
    ("UUCP", "UUCP subsystem"),
    ("CRON", "clock daemon (BSD, Linux)"),
    ("AUTHPRIV", "security/authorization messages (private)"),
    ("FTP", "ftp daemon"),
    ("NTP", "ntp subsystem"),
    ("LOGAUDIT", "log audit"),
    ("LOGALERT", "log alert"),
    ("CRON", "clock daemon (Solaris)"),
    ("LOCAL0", "reserved for local use"),
    ("LOCAL1", "reserved for local use"),
    ("LOCAL2", "reserved for local use"),
    ("LOCAL3", "reserved for local use"),
    ("LOCAL4", "reserved for local use"),
    ("LOCAL5", "reserved for local use"),
    ("LOCAL6", "reserved for local use"),
    ("LOCAL7", "reserved for local use"),
];

const LEVELS: [(&str, &str); 8] = [
    ("EMERG", "system is unusable"),
    ("ALERT", "action must be taken immediately"),
    ("CRIT", "critical conditions"),
    ("ERR", "error conditions"),
    ("WARNING", "warning conditions"),
    ("NOTICE", "normal but significant condition"),
    ("INFO", "informational"),
    ("DEBUG", "debug-level messages"),
];

fn s(b: &[u8]) -> Value<'static> {
    Value::Str(Cow::Owned(String::from_utf8_lossy(b).into_owned()))
}

/// The Syslog layer of a datagram's payload at frame offset `at`.
pub fn layer(msg: &[u8], at: usize) -> Node {
    let mut off = 0;
    let mut pri = None;
    if msg.first() == Some(&b'<') {
        off = 1;
        let mut p = 0usize;
        while off <= MAX_PRI_DIGITS && msg.get(off).is_some_and(u8::is_ascii_digit) {
            p = p * 10 + usize::from(msg[off] - b'0');
            off += 1;
        }
        if msg.get(off) == Some(&b'>') {
            off += 1;
        }
        pri = Some(p);
    }
    let body = msg.get(off..).unwrap_or_default();
    let text = format_text(body);
    let head = match pri {
        Some(p) => {
            let fac = FACILITIES.get((p & 0x3f8) >> 3).map_or("UNKNOWN", |f| f.0);
            let lev = LEVELS[p & 7].0;
            format!("Syslog message: {fac}.{lev}: {text}")
        }
        None => format!("Syslog message: (unknown): {text}"),
    };
    let mut n = Node::field("syslog", head, at..at + msg.len(), Value::Present);
    if let Some(p) = pri {
        let pv = p as u64;
        let fac = (p & 0x3f8) >> 3;
        let fac_name = FACILITIES
            .get(fac)
            .map_or_else(|| "Unknown".to_string(), |(a, b)| format!("{a} - {b}"));
        n.add(
            Node::field(
                "syslog.facility",
                bitfield(pv, 0xf8, 8, &format!("Facility: {fac_name} ({fac})")),
                at..at + off,
                Value::UInt(fac as u64),
            )
            .masked(0x3f8),
        );
        let (a, b) = LEVELS[p & 7];
        n.add(
            Node::field(
                "syslog.level",
                bitfield(pv, 0x07, 8, &format!("Level: {a} - {b} ({})", p & 7)),
                at..at + off,
                Value::UInt(pv & 7),
            )
            .masked(0x7),
        );
    }
    let at = at + off;
    let m = n.add(Node::field(
        "syslog.msg",
        format!("Message: {text}"),
        at..at + body.len(),
        s(body),
    ));
    if body.len() > 2 && body.starts_with(b"1 ") {
        rfc5424(body, at, m);
    } else if body.len() > 15 {
        rfc3164(body, at, m);
    }
    n
}

/// The field ending at the next space from `*off`, moving past the space.
fn word(
    msg: &[u8],
    at: usize,
    off: &mut usize,
    abbrev: &'static str,
    label: &str,
    m: &mut Node,
) -> bool {
    let Some(len) = msg
        .get(*off..)
        .and_then(|r| r.iter().position(|&b| b == b' '))
    else {
        return false;
    };
    let v = &msg[*off..*off + len];
    m.add(Node::field(
        abbrev,
        format!("{label}: {}", format_text(v)),
        at + *off..at + *off + len,
        s(v),
    ));
    *off += len + 1;
    true
}

fn rest(msg: &[u8], at: usize, off: usize, m: &mut Node) {
    let v = msg.get(off..).unwrap_or_default();
    m.add(Node::field(
        "syslog.msgid",
        format!("Syslog message id: {}", format_text(v)),
        at + off..at + msg.len(),
        s(v),
    ));
}

fn rfc5424(msg: &[u8], at: usize, m: &mut Node) {
    let mut off = 0;
    if !word(msg, at, &mut off, "syslog.version", "Syslog version", m) {
        return;
    }
    // The timestamp, an ISO 8601 time shown in UTC (left out when empty,
    // as tshark does).
    let Some(len) = msg
        .get(off..)
        .and_then(|r| r.iter().position(|&b| b == b' '))
    else {
        return;
    };
    if len > 0 {
        let v = &msg[off..off + len];
        let (text, value) = match iso8601(v) {
            Some(ns) => (super::frame::time_text(ns), Value::Time(ns)),
            None => (format_text(v), s(v)),
        };
        m.add(Node::field(
            "syslog.timestamp",
            format!("Syslog timestamp: {text}"),
            at + off..at + off + len,
            value,
        ));
    }
    off += len + 1;
    for (abbrev, label) in [
        ("syslog.hostname", "Syslog hostname"),
        ("syslog.appname", "Syslog app name"),
        ("syslog.procid", "Syslog process id"),
    ] {
        if !word(msg, at, &mut off, abbrev, label, m) {
            return;
        }
    }
    rest(msg, at, off, m);
}

/// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)` as nanoseconds since
/// the Unix epoch.
fn iso8601(v: &[u8]) -> Option<i64> {
    let t = std::str::from_utf8(v).ok().filter(|t| t.is_ascii())?;
    let num = |r: std::ops::Range<usize>| t.get(r)?.parse::<i64>().ok();
    if t.len() < 20 || &t[4..5] != "-" || &t[7..8] != "-" || &t[10..11] != "T" {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &t[19..];
    let mut frac_ns = 0i64;
    if let Some(f) = rest.strip_prefix('.') {
        let digits = f.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        frac_ns = f[..digits].parse::<i64>().ok()? * 10i64.pow(9 - digits as u32);
        rest = &f[digits..];
    }
    let offset = match rest.as_bytes().first()? {
        b'Z' if rest.len() == 1 => 0,
        b'+' | b'-' if rest.len() == 6 => {
            let o = rest[1..3].parse::<i64>().ok()? * 3600 + rest[4..6].parse::<i64>().ok()? * 60;
            if rest.starts_with('-') {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset;
    Some(secs * 1_000_000_000 + frac_ns)
}

fn rfc3164(msg: &[u8], at: usize, m: &mut Node) {
    let looks = [(3, b' '), (6, b' '), (9, b':'), (12, b':'), (15, b' ')]
        .iter()
        .all(|&(i, c)| msg.get(i) == Some(&c));
    if !looks {
        return;
    }
    m.add(Node::field(
        "syslog.timestamp_rfc3164",
        format!("Syslog timestamp (RFC3164): {}", format_text(&msg[..15])),
        at..at + 15,
        s(&msg[..15]),
    ));
    let mut off = 16;
    if !word(msg, at, &mut off, "syslog.hostname", "Syslog hostname", m) {
        return;
    }
    let end = msg.len().min(off + MAX_PROCID);
    if let Some(len) = msg
        .get(off..end)
        .and_then(|r| r.iter().position(|b| !b.is_ascii_alphanumeric()))
    {
        let v = &msg[off..off + len];
        m.add(Node::field(
            "syslog.procid",
            format!("Syslog process id: {}", format_text(v)),
            at + off..at + off + len,
            s(v),
        ));
        off += len;
    }
    rest(msg, at, off, m);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(n: &Node, out: &mut Vec<String>) {
        out.push(n.text.clone());
        for c in &n.children {
            texts(c, out);
        }
    }

    #[test]
    fn rfc3164_as_tshark() {
        let n = layer(b"<164>Dec  1 10:00:00 host app[1]: hello", 0);
        let mut t = Vec::new();
        texts(&n, &mut t);
        assert_eq!(
            t,
            [
                "Syslog message: LOCAL4.WARNING: Dec  1 10:00:00 host app[1]: hello",
                "1010 0... = Facility: LOCAL4 - reserved for local use (20)",
                ".... .100 = Level: WARNING - warning conditions (4)",
                "Message: Dec  1 10:00:00 host app[1]: hello",
                "Syslog timestamp (RFC3164): Dec  1 10:00:00",
                "Syslog hostname: host",
                "Syslog process id: app",
                "Syslog message id: [1]: hello",
            ]
        );
    }

    #[test]
    fn without_pri_and_hostile() {
        let n = layer(b"no pri here", 0);
        assert_eq!(n.text, "Syslog message: (unknown): no pri here");
        assert_eq!(n.children.len(), 1);
        let n = layer(b"<9999", 0);
        assert!(n.text.starts_with("Syslog message: "));
        let n = layer(b"<1>1 2026-12-01T10:00:00Z h a 7 ID1 - x\n", 3);
        let mut t = Vec::new();
        texts(&n, &mut t);
        assert!(t.contains(&"Syslog app name: a".to_string()));
        assert!(t.contains(&"Syslog timestamp: Dec  1, 2026 10:00:00.000000000 UTC".to_string()));
        assert_eq!(
            iso8601(b"2026-12-01T11:00:00.5+01:00"),
            Some(1_796_119_200_500_000_000)
        );
        assert_eq!(iso8601(b"2026-13-01T11:00:00Z"), None);
        assert!(t.contains(&"Syslog message id: ID1 - x\\n".to_string()));
        for cut in 0..20 {
            let _ = layer(&b"<13>Dec  1 10:00:00 hostname"[..cut], 0);
        }
    }
}
