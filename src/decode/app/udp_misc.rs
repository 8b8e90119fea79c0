//! Small UDP protocols with one-line summaries, as tshark 4.0 words them:
//!
//! - NTP (123): `NTP Version 4, client` (mode 7, "private", is left out:
//!   tshark adds its request fields);
//! - SSDP (1900): the first line and a space, `M-SEARCH * HTTP/1.1 `;
//! - Syslog (514): `LOCAL0.INFO: message` from the `<PRI>` prefix, or the
//!   message alone without one;
//! - Dropbox LAN sync discovery (17500): a JSON announcement,
//!   `DB-LSP-DISC/JSON` and tshark's two protocol names as Info.

use super::Summary;

/// The longest line shown.
const MAX_TEXT: usize = 1024;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(&b[..b.len().min(MAX_TEXT)]).into_owned()
}

/// Dropbox LAN sync discovery's row, when the datagram is one JSON value
/// (serde_json's parser bounds its nesting, so hostile input cannot
/// recurse deep).
pub fn db_lsp_disc(msg: &[u8]) -> Option<Summary> {
    serde_json::from_slice::<serde::de::IgnoredAny>(msg).ok()?;
    Some(Summary::new(
        "DB-LSP-DISC/JSON",
        "Dropbox LAN sync Discovery Protocol, JavaScript Object Notation",
    ))
}

/// NTP's row, from its first byte (leap, version, mode).
pub fn ntp(msg: &[u8]) -> Option<Summary> {
    let first = *msg.first()?;
    if msg.len() < 48 {
        return None;
    }
    let mode = match first & 7 {
        0 => "reserved",
        1 => "symmetric active",
        2 => "symmetric passive",
        3 => "client",
        4 => "server",
        5 => "broadcast",
        6 => "control",
        _ => return None,
    };
    Some(Summary::new(
        "NTP",
        format!("NTP Version {}, {mode}", (first >> 3) & 7),
    ))
}

/// SSDP's row: its start line.
pub fn ssdp(msg: &[u8]) -> Option<Summary> {
    let end = msg.iter().position(|&b| b == b'\n')?;
    let line = &msg[..end];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if !line.windows(5).any(|w| w == b"HTTP/") {
        return None;
    }
    Some(Summary::new("SSDP", format!("{} ", text(line))))
}

const FACILITIES: [&str; 24] = [
    "KERN", "USER", "MAIL", "DAEMON", "AUTH", "SYSLOG", "LPR", "NEWS", "UUCP", "CRON", "AUTHPRIV",
    "FTP", "NTP", "LOGAUDIT", "LOGALERT", "CRON", "LOCAL0", "LOCAL1", "LOCAL2", "LOCAL3", "LOCAL4",
    "LOCAL5", "LOCAL6", "LOCAL7",
];
const LEVELS: [&str; 8] = [
    "EMERG", "ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG",
];

/// Syslog's row.
pub fn syslog(msg: &[u8]) -> Option<Summary> {
    let msg = msg.strip_suffix(b"\n").unwrap_or(msg);
    if let Some(rest) = msg.strip_prefix(b"<") {
        if let Some(close) = rest.iter().take(4).position(|&b| b == b'>') {
            let pri: usize = std::str::from_utf8(&rest[..close]).ok()?.parse().ok()?;
            if let Some(fac) = FACILITIES.get(pri / 8) {
                return Some(Summary::new(
                    "Syslog",
                    format!("{fac}.{}: {}", LEVELS[pri % 8], text(&rest[close + 1..])),
                ));
            }
        }
    }
    Some(Summary::new("Syslog", text(msg)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordings() {
        let mut n = vec![0x23u8];
        n.resize(48, 0);
        assert_eq!(
            ntp(&n).map(|s| s.info),
            Some("NTP Version 4, client".into())
        );
        assert_eq!(
            ssdp(b"M-SEARCH * HTTP/1.1\r\nMX: 1\r\n\r\n").map(|s| s.info),
            Some("M-SEARCH * HTTP/1.1 ".into())
        );
        assert_eq!(
            syslog(b"<134>Dec  1 host app: hi").map(|s| s.info),
            Some("LOCAL0.INFO: Dec  1 host app: hi".into())
        );
        assert_eq!(
            syslog(b"<109>x").map(|s| s.info),
            Some("LOGAUDIT.NOTICE: x".into())
        );
        assert_eq!(syslog(b"plain").map(|s| s.info), Some("plain".into()));
    }

    #[test]
    fn dropbox_discovery_row_is_json_only() {
        let s = db_lsp_disc(br#"{"host_int": 4094514483, "version": [1, 8]}"#).expect("json");
        assert_eq!(s.protocol, "DB-LSP-DISC/JSON");
        assert_eq!(
            s.info,
            "Dropbox LAN sync Discovery Protocol, JavaScript Object Notation"
        );
        assert!(db_lsp_disc(b"{\"port\": 175").is_none());
        assert!(db_lsp_disc(&[b'['; 10_000]).is_none());
    }
}
