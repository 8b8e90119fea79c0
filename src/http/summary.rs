//! What Wireshark's media-type dissectors add to an HTTP message's row: the
//! Protocol column (`HTTP/JSON`, `HTTP/XML`) and the Info text after the start
//! line (`(text/html)`, `(PNG)`, `(GIF89a)`, the parts of a multipart body).
//!
//! Only bodies that are not empty once decoded get a summary, as in tshark
//! (a 302 whose gzip body inflates to nothing shows its start line alone).

use super::media::essence;

/// The most multipart parts whose types are listed in Info.
const MAX_PARTS: usize = 64;

/// The Protocol column and the Info suffix of a message with a non-empty
/// body of Content-Type `content_type` (decoded `body`, maybe cut short).
pub fn media_summary(content_type: &str, body: &[u8]) -> (&'static str, String) {
    let e = essence(content_type);
    match e.as_str() {
        "application/json" => ("HTTP/JSON", format!(", JavaScript Object Notation ({e})")),
        "text/xml" | "application/xml" => ("HTTP/XML", String::new()),
        // No dissector claims these in tshark 4.0: nothing is added.
        "application/octet-stream" | "multipart/byteranges" => ("HTTP", String::new()),
        // An image is named by its bytes, whatever type it claims
        // (zeek-pipelined-requests: a GIF sent as image/png reads "(GIF89a)").
        _ if e.starts_with("image/") && image_name(body).is_some() => (
            "HTTP",
            format!(" ({})", image_name(body).unwrap_or_default()),
        ),
        _ if e.starts_with("multipart/") => ("HTTP", multipart_parts(content_type, body)),
        _ => ("HTTP", format!(" ({e})")),
    }
}

/// Whether [`media_summary`] reads more of a body of `content_type` than
/// its first bytes (a multipart body is read for its parts' types).
pub fn reads_whole_body(content_type: &str) -> bool {
    essence(content_type).starts_with("multipart/")
}

/// How many of a body's first bytes the image magic-number check reads.
pub const MAGIC_LEN: usize = 10;

/// The name tshark's image dissectors give a body, from its magic number.
fn image_name(body: &[u8]) -> Option<&'static str> {
    if body.starts_with(b"\x89PNG") {
        Some("PNG")
    } else if body.starts_with(b"GIF89a") {
        Some("GIF89a")
    } else if body.starts_with(b"GIF87a") {
        Some("GIF87a")
    } else if body.starts_with(b"\xff\xd8") && body.get(6..10) == Some(b"JFIF") {
        Some("JPEG JFIF image")
    } else {
        None
    }
}

/// ` (type)` for each part of a multipart body that declares a Content-Type.
fn multipart_parts(content_type: &str, body: &[u8]) -> String {
    let Some(boundary) = content_type.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
    }) else {
        return String::new();
    };
    let delimiter = format!("--{boundary}");
    let mut out = String::new();
    let mut rest = body;
    let mut parts = 0;
    while let Some(at) = find(rest, delimiter.as_bytes()) {
        rest = &rest[at + delimiter.len()..];
        if rest.starts_with(b"--") || parts >= MAX_PARTS {
            break;
        }
        parts += 1;
        let head_end = find(rest, b"\r\n\r\n").unwrap_or(rest.len());
        let head = String::from_utf8_lossy(&rest[..head_end]);
        if let Some(ct) = head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim().eq_ignore_ascii_case("content-type").then_some(v)
        }) {
            out.push_str(&format!(" ({})", essence(ct)));
        }
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tshark_wordings() {
        assert_eq!(
            media_summary("application/json; charset=UTF-8", b"{}"),
            (
                "HTTP/JSON",
                ", JavaScript Object Notation (application/json)".into()
            )
        );
        assert_eq!(
            media_summary("text/xml", b"<a/>"),
            ("HTTP/XML", String::new())
        );
        assert_eq!(media_summary("image/gif", b"GIF89a..").1, " (GIF89a)");
        assert_eq!(media_summary("image/png", b"\x89PNG\r\n").1, " (PNG)");
        assert_eq!(media_summary("image/png", b"GIF89a..").1, " (GIF89a)");
        assert_eq!(
            media_summary("image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00").1,
            " (JPEG JFIF image)"
        );
        assert_eq!(
            media_summary("text/html; charset=utf-8", b"x").1,
            " (text/html)"
        );
        assert_eq!(media_summary("application/octet-stream", b"x").1, "");
    }

    #[test]
    fn multipart_lists_each_typed_part() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\ny\r\n--b\r\nContent-Type: Text/Plain\r\n\r\nz\r\n--b--\r\n";
        assert_eq!(
            media_summary("multipart/form-data; boundary=b", body).1,
            " (text/plain) (text/plain)"
        );
        assert_eq!(media_summary("multipart/form-data", body).1, "");
    }
}
