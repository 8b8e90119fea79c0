//! The HTTP view's message text: a transaction's request and response
//! heads and bodies as display lines, bodies decoded (bounded), JSON
//! re-indented in its own key order, forms listed as their items, binary as
//! a hex dump, every string from the wire sanitised.

use super::*;

/// Bound on a body decoded for display.
pub const DISPLAY_DECODE_LIMIT: u64 = 64 * 1024 * 1024;
/// Bound on the lines shown for one body.
pub const MAX_BODY_LINES: usize = 20_000;
/// Bound on the pretty-printed JSON text.
const MAX_PRETTY_BYTES: usize = 4 * 1024 * 1024;

/// The messages of transaction `index` of `trace`'s HTTP index as display
/// lines (bodies read from the connection and decoded).
pub fn message(trace: &Session, index: Option<usize>) -> Vec<Line<'static>> {
    match index.and_then(|i| trace.http().transactions.get(i)) {
        Some(t) => transaction_lines(trace, t),
        None => vec![Line::from("no HTTP transaction in this stream")],
    }
}

pub(super) fn uri(head: Option<&Head>) -> Option<&str> {
    match &head?.start {
        StartLine::Request { uri, .. } => Some(uri.as_str()),
        StartLine::Response { .. } => None,
    }
}

pub(super) fn size(m: Option<&Message>) -> String {
    match m {
        Some(m) if m.partial() => format!("{}*", m.body().len()),
        Some(m) => m.body().len().to_string(),
        None => "-".into(),
    }
}

fn heading(text: String) -> Line<'static> {
    Line::from(Span::styled(
        text,
        Style::default()
            .fg(Color::Yellow)
            .add_modifier(Modifier::BOLD),
    ))
}

fn note(text: String) -> Line<'static> {
    Line::from(Span::styled(
        text,
        Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
    ))
}

/// Both messages (and interim responses) of a transaction as lines.
fn transaction_lines(trace: &Session, t: &Transaction) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    // The bodies are read again from the connection, reassembled once.
    let streams = trace
        .http()
        .streams(&trace.store, &trace.conversations, t.conversation);
    match &t.request {
        Some(m) => message_lines(&mut out, "Request", m, &streams, &trace.store),
        None => out.push(note("Request: not in the capture".into())),
    }
    for m in &t.interim {
        out.push(Line::from(""));
        message_lines(&mut out, "Interim response", m, &streams, &trace.store);
    }
    out.push(Line::from(""));
    match &t.response {
        Some(m) => message_lines(&mut out, "Response", m, &streams, &trace.store),
        None => out.push(note("Response: not in the capture".into())),
    }
    out
}

fn message_lines(
    out: &mut Vec<Line<'static>>,
    what: &str,
    m: &Message,
    streams: &[crate::flow::stream::DirStream; 2],
    store: &crate::store::PacketStore,
) {
    let Some(head) = m.head(store) else {
        out.push(note(format!("{what}: head not readable")));
        return;
    };
    out.push(heading(format!(
        "{what} (frames {}-{}): {}",
        m.first_packet + 1,
        m.last_packet + 1,
        sanitize(m.info(&head).trim_end())
    )));
    for (name, value) in &head.headers {
        out.push(Line::from(vec![
            Span::styled(
                format!("  {}: ", sanitize(name)),
                Style::default().fg(Color::Cyan),
            ),
            Span::raw(sanitize(value).into_owned()),
        ]));
    }
    if m.body().is_empty() && !m.partial() {
        out.push(Line::from("  (no body)"));
        return;
    }
    let framing = match m.framing() {
        Framing::NoBody => "no body".to_string(),
        Framing::Chunked => "chunked".to_string(),
        Framing::Length(n) => format!("Content-Length {n}"),
        Framing::Close => "until the connection closed".to_string(),
    };
    let decoded = m.decode_body(&head, &m.body_in(streams), DISPLAY_DECODE_LIMIT);
    let codings = head.codings();
    let mut summary = format!(
        "Body: {} bytes on the wire ({framing}), {} bytes de-chunked",
        m.body().wire_len(),
        m.body().len()
    );
    if !codings.is_empty() {
        summary.push_str(&format!(
            ", Content-Encoding {} → {} bytes decoded",
            sanitize(&codings.join(", ")),
            decoded.bytes.len()
        ));
    }
    out.push(Line::from(Span::styled(
        summary,
        Style::default().add_modifier(Modifier::BOLD),
    )));
    if m.partial() {
        let mut why = format!("PARTIAL body: {} bytes missing", m.missing());
        if m.body().malformed() {
            why.push_str(", malformed chunked coding");
        }
        out.push(note(why));
    }
    if let Some(e) = &decoded.error {
        out.push(note(format!(
            "decoding stopped: {}",
            sanitize(&e.to_string())
        )));
    }
    let content_type = head.header("content-type");
    if crate::http::form::is_form(content_type) {
        // As Wireshark's "HTML Form URL Encoded" layer lists the items.
        let (items, more) = crate::http::form::items(&decoded.bytes);
        out.push(Line::from(Span::styled(
            "HTML Form URL Encoded: application/x-www-form-urlencoded",
            Style::default().add_modifier(Modifier::BOLD),
        )));
        out.extend(items.iter().take(MAX_BODY_LINES).map(|(k, v)| {
            Line::from(format!(
                "  Form item: \"{}\" = \"{}\"",
                sanitize(k),
                sanitize(v)
            ))
        }));
        if more || items.len() > MAX_BODY_LINES {
            out.push(note("[more form items; e exports the whole body]".into()));
        }
        return;
    }
    let kind = media::kind(content_type, &decoded.bytes);
    let (body_lines, total) = body_lines(kind, &decoded.bytes);
    out.extend(body_lines.into_iter().map(Line::from));
    if total > MAX_BODY_LINES {
        out.push(note(format!(
            "[{} more lines; e exports the whole body]",
            total - MAX_BODY_LINES
        )));
    }
}

/// A body as display lines: pretty JSON, text, or a hex dump.
/// The first `MAX_BODY_LINES` lines (only those are built) and the total.
fn body_lines(kind: MediaKind, bytes: &[u8]) -> (Vec<String>, usize) {
    let text = |s: &str| -> (Vec<String>, usize) {
        let shown = s
            .lines()
            .take(MAX_BODY_LINES)
            .map(|l| sanitize(&l.replace('\t', "    ")).into_owned())
            .collect();
        (shown, s.lines().count())
    };
    match kind {
        MediaKind::Json => match pretty_json(bytes) {
            Some(pretty) => text(&pretty),
            None => text(&String::from_utf8_lossy(bytes)),
        },
        MediaKind::Text | MediaKind::Html => text(&String::from_utf8_lossy(bytes)),
        MediaKind::Image | MediaKind::Binary => (
            bytes
                .chunks(16)
                .take(MAX_BODY_LINES)
                .enumerate()
                .map(|(i, row)| {
                    let hex: String = row.iter().map(|b| format!("{b:02x} ")).collect();
                    let ascii: String = row.iter().map(|&b| ascii_or_dot(b)).collect();
                    format!("{:08x}  {hex:<48} {ascii}", i * 16)
                })
                .collect(),
            bytes.len().div_ceil(16),
        ),
    }
}

/// Valid JSON re-indented, two spaces a level, keys and numbers kept as
/// written (serde_json checks it; the original text is only re-spaced).
pub fn pretty_json(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    // Validate without building a tree (a big array of small numbers would
    // cost many times its size as serde_json::Value).
    serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
    let mut out = String::with_capacity(text.len().min(MAX_PRETTY_BYTES) * 2);
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        // Indentation can multiply the size (deep nesting, short items):
        // what is shown is bounded anyway, so stop early.
        if out.len() > MAX_PRETTY_BYTES {
            out.push_str("\n… (pretty-printing stopped here)");
            break;
        }
        match c {
            '"' => {
                out.push(c);
                while let Some(s) = chars.next() {
                    out.push(s);
                    match s {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                out.push(c);
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::pretty_json;

    #[test]
    fn json_is_reindented_in_its_own_order() {
        let pretty = pretty_json(br#"{"b":1,"a":[1, 2,{}],"s":"x,{\"y\":[]}","e":[]}"#);
        assert_eq!(
            pretty.as_deref(),
            Some(
                "{\n  \"b\": 1,\n  \"a\": [\n    1,\n    2,\n    {}\n  ],\n  \"s\": \"x,{\\\"y\\\":[]}\",\n  \"e\": []\n}"
            )
        );
        assert_eq!(pretty_json(b"{not json"), None);
    }
}
