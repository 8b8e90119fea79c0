//! Media types: the Content-Type essence, a content sniff for the viewer, and
//! a file extension for exported bodies.

/// What a body looks like, for choosing a viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Text,
    Json,
    Html,
    Image,
    Binary,
}

/// The essence of a Content-Type value: `type/subtype`, lower case.
pub fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Kind from the declared type, else from the bytes.
pub fn kind(content_type: Option<&str>, body: &[u8]) -> MediaKind {
    let e = content_type.map(essence).unwrap_or_default();
    if e.starts_with("image/") {
        return MediaKind::Image;
    }
    if e.contains("json") {
        return MediaKind::Json;
    }
    if e.contains("html") {
        return MediaKind::Html;
    }
    if e.starts_with("text/") || e.contains("xml") || e.contains("javascript") {
        return MediaKind::Text;
    }
    sniff(body)
}

/// Guesses the kind of `body` from its first bytes.
pub fn sniff(body: &[u8]) -> MediaKind {
    let head = &body[..body.len().min(512)];
    const IMAGES: &[&[u8]] = &[b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF", b"BM"];
    if IMAGES.iter().any(|m| head.starts_with(m)) {
        return MediaKind::Image;
    }
    let trimmed: Vec<u8> = head
        .iter()
        .copied()
        .skip_while(|b| b.is_ascii_whitespace())
        .collect();
    let lower = trimmed.to_ascii_lowercase();
    if lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html") {
        return MediaKind::Html;
    }
    let textual = std::str::from_utf8(head).is_ok()
        || head
            .iter()
            .all(|&b| b >= 0x20 || b == b'\n' || b == b'\r' || b == b'\t');
    if !textual || head.contains(&0) {
        return MediaKind::Binary;
    }
    if matches!(trimmed.first(), Some(b'{') | Some(b'[')) {
        return MediaKind::Json;
    }
    MediaKind::Text
}

/// A file extension for a media type, when one is usual.
pub fn extension(content_type: &str) -> Option<&'static str> {
    Some(match essence(content_type).as_str() {
        "text/html" => "html",
        "text/plain" => "txt",
        "text/css" => "css",
        "text/xml" | "application/xml" => "xml",
        "application/json" => "json",
        "application/javascript" | "text/javascript" | "application/x-javascript" => "js",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/svg+xml" => "svg",
        "image/x-icon" | "image/vnd.microsoft.icon" => "ico",
        "application/pdf" => "pdf",
        "application/zip" => "zip",
        "application/gzip" | "application/x-gzip" => "gz",
        "application/x-www-form-urlencoded" => "txt",
        "application/octet-stream" => "bin",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(kind(Some("text/html; charset=UTF-8"), b""), MediaKind::Html);
        assert_eq!(kind(None, b"\x89PNG\r\n"), MediaKind::Image);
        assert_eq!(kind(None, b" {\"a\":1}"), MediaKind::Json);
        assert_eq!(kind(None, b"\x00\x01\x02"), MediaKind::Binary);
        assert_eq!(extension("Image/PNG"), Some("png"));
    }
}
