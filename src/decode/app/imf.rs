//! The Internet Message Format row tshark 4.0 shows on the segment that ends
//! an SMTP message (`SMTP/IMF`): the message (the DATA bytes before the
//! closing `.`) read as `packet-imf.c` reads it.
//!
//! - Header fields are found colon by colon; a field ends at a CRLF not
//!   followed by a space or tab (folded lines stay in the value, shown as
//!   `\r\n`), and a CRLF followed by CRLF ends the header section.
//! - `From` and `Subject` are listed, each as `name: value, `, in message
//!   order.
//! - A `Content-Type` with parameters (a `;`) hands the body to that media
//!   type's dissector, which appends ` (text/plain)` (the type as written)
//!   or what it says for HTTP bodies ([`crate::http::summary`]); without
//!   one every line of the body follows, `, ` before each, its line end and
//!   other white space shown as spaces.
//!
//! `smtp-one-message.pcap` frame 18 reads
//! `subject: hello, from: alice@wirelens.test, , Hello Bob.  `.

/// tshark's longest Info (`COL_MAX_INFO_LEN` less its NUL): longer text is
/// cut there.
pub const MAX_INFO: usize = 4095;

/// The header fields tshark lists in Info.
const IN_INFO: [&str; 2] = ["from", "subject"];

/// Where the field whose value starts at `from` ends, as tshark's
/// `imf_find_field_end`: the start of the next field, or (with `true`,
/// the last field) the CR of the blank line or of the message's last line
/// end; `None` without a line end.
pub fn field_end(m: &[u8], from: usize) -> Option<(usize, bool)> {
    let mut at = from;
    while at < m.len() {
        at += m[at..].iter().position(|&b| b == b'\r')? + 1;
        if m.get(at) != Some(&b'\n') {
            continue;
        }
        at += 1;
        match m.get(at) {
            None => return Some((at - 2, true)),
            Some(b'\r') => return Some((at, m.get(at + 1) == Some(&b'\n'))),
            Some(b' ' | b'\t') => {}
            Some(_) => return Some((at, false)),
        }
    }
    None
}

/// `line` as tshark's `format_text_wsp`: white space as spaces (other
/// bytes are kept; the column code escapes them).
pub fn wsp(line: &[u8]) -> String {
    String::from_utf8_lossy(line)
        .chars()
        .map(|c| {
            if c.is_ascii_whitespace() || c == '\u{b}' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The Info of message `m`.
pub fn info(m: &[u8]) -> String {
    let mut out = String::new();
    let mut start = 0;
    let mut content_type: Option<String> = None;
    // Where the body starts: 0 when the walk stops without a field end.
    let mut body_at = 0;
    while let Some(colon) = m[start..].iter().position(|&b| b == b':') {
        let colon = start + colon;
        let key = String::from_utf8_lossy(&m[start..colon]).to_ascii_lowercase();
        let value_start = colon + 1;
        let Some((end, last)) = field_end(m, value_start) else {
            break;
        };
        let v = (value_start..end)
            .find(|&i| !m[i].is_ascii_whitespace())
            .unwrap_or(value_start);
        // Less the CRLF; tshark shows nothing when that leaves no bytes.
        let value = m.get(v..end.saturating_sub(2)).unwrap_or_default();
        if IN_INFO.contains(&key.as_str()) {
            out.push_str(&format!("{key}: {}, ", String::from_utf8_lossy(value)));
        }
        if key == "content-type" {
            let t = String::from_utf8_lossy(&m[value_start..end]);
            let t = t.trim_start();
            if t.contains(';') {
                content_type = Some(t.trim_end().to_string());
            }
        }
        start = end;
        if last {
            body_at = (end + 2).min(m.len());
            break;
        }
    }
    let body = &m[body_at..];
    match content_type {
        Some(ct) => {
            let raw = ct.split(';').next().unwrap_or("").trim().to_string();
            let (_, mut suffix) = crate::http::summary::media_summary(&ct, body);
            if suffix == format!(" ({})", crate::http::media::essence(&ct)) {
                suffix = format!(" ({raw})");
            }
            out.push_str(&suffix);
        }
        None => {
            let mut rest = body;
            while !rest.is_empty() && out.len() < MAX_INFO {
                // A line ends at CRLF, LF or a lone CR (`tvb_find_line_end`).
                let len = match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
                    Some(i) if rest[i..].starts_with(b"\r\n") => i + 2,
                    Some(i) => i + 1,
                    None => rest.len(),
                };
                if !out.is_empty() {
                    out.push_str(", ");
                }
                out.push_str(&wsp(&rest[..len]));
                rest = &rest[len..];
            }
        }
    }
    truncate(out)
}

/// `s` cut to [`MAX_INFO`] bytes (at a character boundary).
fn truncate(mut s: String) -> String {
    if s.len() > MAX_INFO {
        let mut at = MAX_INFO;
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        s.truncate(at);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_as_tshark() {
        // smtp-one-message.pcap frame 18.
        assert_eq!(
            info(b"Subject: hello\r\nFrom: alice@wirelens.test\r\n\r\nHello Bob.\r\n"),
            "subject: hello, from: alice@wirelens.test, , Hello Bob.  "
        );
        // smtp-imf-mime.pcap frames 14 and 22.
        assert_eq!(
            info(
                b"From: \"Alice A.\" <a@x.test>\r\nTo: b@x.test\r\nSubject: two parts\r\n\
                  Content-Type: text/plain; charset=us-ascii\r\n\r\nline one\r\nline two\r\n"
            ),
            "from: \"Alice A.\" <a@x.test>, subject: two parts,  (text/plain)"
        );
        assert_eq!(
            info(b"Subject: folded\r\n over two lines\r\nX-Note: \x01odd\r\n\r\n"),
            "subject: folded\r\n over two lines, "
        );
    }

    #[test]
    fn content_types_and_bodies_as_tshark() {
        // What tshark 4.0 printed for crafted messages.
        let cases: [(&[u8], &str); 7] = [
            (b"Content-Type: text/plain\r\nSubject: a\r\n\r\nx\r\n", "subject: a, , x  "),
            (
                b"Subject: b\r\nContent-Type: TEXT/HTML; x=y\r\n\r\n<p>x</p>\r\n",
                "subject: b,  (TEXT/HTML)",
            ),
            (
                b"Subject: c\r\nContent-Type: multipart/mixed; boundary=bb\r\n\r\n--bb\r\nContent-Type: text/plain\r\n\r\nhi\r\n--bb--\r\n",
                "subject: c,  (text/plain)",
            ),
            (
                b"Subject: d\r\nContent-Type: application/octet-stream; a=b\r\n\r\nzzz\r\n",
                "subject: d, ",
            ),
            (b"no header here\r\nsecond\r\n", "no header here  , second  "),
            (
                b"From: x@y\r\nSubject:\r\n\r\n\tTab line\r\n\r\nlast\r\n",
                "from: x@y, subject: , ,  Tab line  ,   , last  ",
            ),
            (
                b"Subject: g\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n",
                "subject: g, , PNGDATA  ",
            ),
        ];
        for (m, want) in cases {
            assert_eq!(info(m), want, "{}", String::from_utf8_lossy(m));
        }
    }

    #[test]
    fn hostile_messages_stay_bounded() {
        assert_eq!(info(b""), "");
        // No line end after the field: the whole message is body text.
        assert_eq!(info(b":"), ":");
        // tshark 4.0 on messages whose last field has no blank line after
        // it: its value is left empty.
        assert_eq!(info(b"From: x\r\n"), "from: , ");
        assert_eq!(info(b"Subject: s\r\nFrom: a\r\n"), "subject: s, from: , ");
        assert_eq!(info(b"X: y\r\n"), "");
        assert_eq!(info(b"From: a\rb\r\n\r\nq\r\n"), "from: a\rb, , q  ");
        // No line end after the field: the whole message is body text.
        assert_eq!(info(b"From: x\r"), "From: x ");
        assert_eq!(info(b"a\rb\n"), "a , b ");
        let long = b"x\r\n".repeat(10_000);
        assert_eq!(info(&long).len(), MAX_INFO);
    }
}
