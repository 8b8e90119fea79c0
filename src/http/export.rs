//! Writing message bodies to files, as Wireshark's Export Objects does, but
//! safely: names come from the capture, so they are reduced to one harmless
//! path component, files are created only inside the chosen directory, never
//! through a symlink, and never over an existing file unless forced.

use super::parse::Head;
use super::{media, HttpIndex, Message};
use crate::flow::stream::{DirStream, Span};
use crate::flow::{Conversations, Direction};
use crate::store::PacketStore;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{IoSlice, Write};
use std::path::{Path, PathBuf};

mod headless;

/// What to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Only this `tcp.stream`.
    pub stream: Option<u32>,
    /// Also bodies of incomplete (partial) messages.
    pub all: bool,
    /// Keep the content coding instead of decoding.
    pub raw: bool,
    /// Bound on one decoded body.
    pub limit: u64,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            stream: None,
            all: false,
            raw: false,
            limit: super::content::DEFAULT_DECODED_LIMIT,
        }
    }
}

/// A body chosen for export.
#[derive(Debug, Clone)]
pub struct ExportItem<'a> {
    /// Safe file name (one component).
    pub name: String,
    /// The body, read again from the capture and decoded.
    pub data: Cow<'a, [u8]>,
    /// 1-based frame number where the message completes.
    pub frame: u64,
    pub stream: u32,
    pub partial: bool,
    /// Why decoding stopped early, if it did.
    pub note: Option<String>,
    /// Which message this is: (index in `HttpIndex::transactions`, request
    /// or response); `None` for bytes that are not an HTTP body.
    pub message: Option<(u32, bool)>,
}

impl ExportItem<'_> {
    /// The item with its own copy of the body (to keep it beyond the index).
    pub fn into_owned(self) -> ExportItem<'static> {
        ExportItem {
            name: self.name,
            data: Cow::Owned(self.data.into_owned()),
            frame: self.frame,
            stream: self.stream,
            partial: self.partial,
            note: self.note,
            message: self.message,
        }
    }
}

/// Errors while writing.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot create directory {path}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a usable directory")]
    BadDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} exists (use --force to overwrite)")]
    Exists { path: PathBuf },
    #[error("{path} is a symbolic link or not a regular file; refusing to write")]
    NotRegular { path: PathBuf },
    #[error("cannot write {path}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Reduces `raw` to a safe file name: no path separator, `..`, control
/// character, bidirectional override (a `txt.exe` shown as `exe.txt`), NUL
/// or leading dot; at most 120 bytes. `None` if nothing
/// is left.
pub fn sanitize_name(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let mut s: String = last
        .chars()
        .filter(|&c| !crate::text::is_unsafe(c) && !matches!(c, '/' | '\\' | ':' | '\0'))
        .collect();
    while s.contains("..") {
        s = s.replace("..", ".");
    }
    let s = s.trim().trim_start_matches('.').trim();
    // At most 120 bytes (a file name may have 255), cut on a character.
    let mut cut = s.len().min(120);
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    let s = s[..cut].to_string();
    (!s.is_empty()).then_some(s)
}

/// The filename parameter of a Content-Disposition value.
pub fn disposition_filename(value: &str) -> Option<String> {
    for part in value.split(';').skip(1) {
        let (k, v) = part.split_once('=')?;
        if k.trim().eq_ignore_ascii_case("filename") {
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v);
            return Some(v.to_string());
        }
    }
    None
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The name a body gets before collisions are resolved; `head` is the
/// body's message's.
pub fn base_name(head: &Head, uri: Option<&str>, stream: u32, txn: u32) -> String {
    let from_disp = head
        .header("content-disposition")
        .and_then(disposition_filename)
        .and_then(|n| sanitize_name(&n));
    let from_uri = || {
        let u = uri?;
        let path = u.split(['?', '#']).next().unwrap_or("");
        let path = path.rsplit('/').next().unwrap_or("");
        sanitize_name(&percent_decode(path))
    };
    let mut name = from_disp
        .or_else(from_uri)
        .unwrap_or_else(|| format!("stream{stream}-{txn}"));
    if !name.contains('.') {
        if let Some(ext) = head.header("content-type").and_then(media::extension) {
            name.push('.');
            name.push_str(ext);
        }
    }
    if head.is_request() {
        // Keep request bodies apart from the response to the same URI.
        name = format!("request-{name}");
    }
    name
}

/// Chooses the bodies to export: response bodies and request bodies that
/// exist, complete ones only unless `all`.
pub fn plan<'a>(
    store: &PacketStore,
    conversations: &Conversations,
    index: &'a HttpIndex,
    opts: &ExportOptions,
) -> Vec<ExportItem<'a>> {
    let mut items = Vec::new();
    plan_each(store, conversations, index, opts, |item| {
        items.push(item);
        Ok::<(), std::convert::Infallible>(())
    })
    .unwrap_or_else(|never| match never {});
    items
}

/// A body chosen for export, not yet decoded.
struct Chosen<'a> {
    name: String,
    msg: &'a Message,
    /// The message's Content-Encoding codings.
    codings: Vec<String>,
    stream: u32,
    transaction: u32,
}

/// Chooses the bodies and their unique names, in transaction order, and
/// the names still free.
fn choose<'a>(
    store: &PacketStore,
    index: &'a HttpIndex,
    opts: &ExportOptions,
) -> (Vec<Chosen<'a>>, Names) {
    let mut names = Names::default();
    let mut chosen = Vec::new();
    for (ti, t) in index.transactions.iter().enumerate() {
        if opts.stream.is_some_and(|s| s != t.stream) {
            continue;
        }
        let request = t.request.as_ref().and_then(|r| r.head(store));
        let uri = request.as_ref().and_then(Head::uri);
        for msg in [t.request.as_ref(), t.response.as_ref()]
            .into_iter()
            .flatten()
        {
            if msg.body().is_empty() || (msg.partial() && !opts.all) {
                continue;
            }
            let Some(head) = msg.head(store) else {
                continue;
            };
            let name = names.unique(&base_name(&head, uri, t.stream, t.number));
            chosen.push(Chosen {
                name,
                msg,
                codings: head.codings(),
                stream: t.stream,
                transaction: ti as u32,
            });
        }
    }
    (chosen, names)
}

/// A chosen body's bytes, content codings still applied: out of the
/// capture by its spans (borrowed when one span), else out of its
/// connection's `streams`.
fn raw_body<'s>(
    c: &Chosen<'_>,
    capture: &'s [u8],
    streams: &'s [Cow<'_, DirStream>; 2],
) -> Cow<'s, [u8]> {
    let msg = c.msg;
    match msg.body_spans() {
        Some(spans) => crate::flow::stream::span_bytes(spans, capture),
        None => msg.body().bytes_in(&streams[msg.dir.index()].bytes),
    }
}

/// Reads a chosen body and decodes it.
fn materialize<'s>(
    c: &Chosen<'_>,
    capture: &'s [u8],
    streams: &'s [Cow<'_, DirStream>; 2],
    opts: &ExportOptions,
) -> ExportItem<'s> {
    let msg = c.msg;
    let raw = raw_body(c, capture, streams);
    let (data, note) = if opts.raw || c.codings.is_empty() {
        (raw, None)
    } else {
        let d = msg.decode_codings(&c.codings, &raw, opts.limit);
        (Cow::Owned(d.bytes), d.error.map(|e| e.to_string()))
    };
    ExportItem {
        name: c.name.clone(),
        data,
        frame: u64::from(msg.last_packet) + 1,
        stream: c.stream,
        partial: msg.partial(),
        note,
        message: Some((c.transaction, msg.is_request())),
    }
}

/// Like [`plan`], but hands each body to `each` as soon as it is decoded, so
/// only one body (and one reassembled connection) is in memory at a time;
/// stops at the first error.
pub fn plan_each<'a, E>(
    store: &PacketStore,
    conversations: &Conversations,
    index: &'a HttpIndex,
    opts: &ExportOptions,
    mut each: impl FnMut(ExportItem<'a>) -> Result<(), E>,
) -> Result<(), E> {
    let capture = store.capture().bytes();
    let (chosen, mut names) = choose(store, index, opts);
    for group in by_connection(chosen) {
        let streams = connection_streams(store, conversations, index, &group);
        for c in &group {
            let item = materialize(c, capture, &streams, opts);
            each(ExportItem {
                data: Cow::Owned(item.data.into_owned()),
                ..item
            })?;
        }
    }
    for item in headless::items(store, conversations, index, opts, &mut names) {
        each(item)?;
    }
    Ok(())
}

/// The chosen bodies in runs of one connection each (they come in
/// transaction order, so each connection's bodies are together).
fn by_connection(chosen: Vec<Chosen<'_>>) -> Vec<Vec<Chosen<'_>>> {
    let mut groups: Vec<Vec<Chosen<'_>>> = Vec::new();
    for c in chosen {
        match groups.last_mut() {
            Some(g) if g[0].msg.conversation == c.msg.conversation => g.push(c),
            _ => groups.push(vec![c]),
        }
    }
    groups
}

/// The directions of the connection of a group of bodies that hold one of
/// them not located in the capture by spans, reassembled (or borrowed from
/// the TLS connection); the other directions are left empty.
fn connection_streams<'i>(
    store: &PacketStore,
    conversations: &Conversations,
    index: &'i HttpIndex,
    group: &[Chosen<'_>],
) -> [Cow<'i, DirStream>; 2] {
    [Direction::AtoB, Direction::BtoA].map(|dir| {
        match group
            .iter()
            .find(|c| c.msg.dir == dir && c.msg.body_spans().is_none())
        {
            Some(c) => index.stream_of(store, conversations, c.msg.conversation, dir),
            None => Cow::Owned(DirStream::default()),
        }
    })
}

/// What [`export_each`] wrote for one body.
#[derive(Debug, Clone)]
pub struct Written {
    pub name: String,
    pub path: PathBuf,
    pub bytes: u64,
    pub frame: u64,
    pub partial: bool,
    pub note: Option<String>,
}

/// How many connections' bodies the export threads write ahead of the
/// oldest one whose results are not handed over yet.
const GROUPS_AHEAD: usize = 64;

/// Decodes and writes every chosen body into `dir` (already prepared with
/// [`prepare_dir`]), spreading the connections over the machine's cores,
/// and hands each body's result to `each` as soon as those before it have
/// been, in the order [`plan`] gives them: results are not collected, so
/// an export of a million bodies holds a window of them. A body goes from
/// the capture to its file span by span; one with a content coding is
/// decoded straight into its file through one bounded buffer.
pub fn export_each(
    store: &PacketStore,
    conversations: &Conversations,
    index: &HttpIndex,
    opts: &ExportOptions,
    dir: &Path,
    force: bool,
    mut each: impl FnMut(Result<Written, ExportError>),
) {
    let (chosen, mut names) = choose(store, index, opts);
    let groups = by_connection(chosen);
    let capture = store.capture().bytes();
    let write_group = |group: &Vec<Chosen<'_>>| {
        let streams = connection_streams(store, conversations, index, group);
        group
            .iter()
            .map(|c| write_chosen(c, dir, capture, &streams, opts, force))
            .collect::<Vec<_>>()
    };
    crate::parallel::for_each_in_order(&groups, GROUPS_AHEAD, write_group, |results| {
        results.into_iter().for_each(&mut each);
    });
    for item in headless::items(store, conversations, index, opts, &mut names) {
        each(write_item(dir, &item, force).map(|path| Written {
            name: item.name.clone(),
            path,
            bytes: item.data.len() as u64,
            frame: item.frame,
            partial: false,
            note: None,
        }));
    }
}

/// Writes one chosen body into `dir`: from the capture's spans when it
/// has them (decoded on the way when it has a content coding to undo),
/// else read out of its connection's `streams` first.
fn write_chosen(
    c: &Chosen<'_>,
    dir: &Path,
    capture: &[u8],
    streams: &[Cow<'_, DirStream>; 2],
    opts: &ExportOptions,
    force: bool,
) -> Result<Written, ExportError> {
    let msg = c.msg;
    let written = |path, bytes, note| Written {
        name: c.name.clone(),
        path,
        bytes,
        frame: u64::from(msg.last_packet) + 1,
        partial: msg.partial(),
        note,
    };
    if let Some(spans) = msg.body_spans().filter(|s| !s.iter().any(Span::is_hole)) {
        if opts.raw || c.codings.is_empty() {
            let bytes = spans.iter().map(|s| u64::from(s.len())).sum();
            return write_spans(dir, &c.name, spans, capture, force)
                .map(|path| written(path, bytes, None));
        }
        let parts: Vec<&[u8]> = spans.iter().filter_map(|s| s.bytes(capture)).collect();
        let (path, mut file) = create_in(dir, &c.name, force)?;
        return match msg.decode_codings_to(&c.codings, &parts, opts.limit, &mut file) {
            Ok((bytes, error)) => Ok(written(path, bytes, error.map(|e| e.to_string()))),
            Err(source) => Err(ExportError::Write { path, source }),
        };
    }
    let item = materialize(c, capture, streams, opts);
    write_item(dir, &item, force).map(|path| written(path, item.data.len() as u64, item.note))
}

/// Names handed out so far; a repeated name gets `-1`, `-2`, ... before its
/// extension. Each base remembers its next suffix, so thousands of
/// `index.html` cost linear time.
#[derive(Default)]
struct Names {
    used: HashSet<String>,
    next_suffix: HashMap<String, u32>,
}

impl Names {
    fn unique(&mut self, base: &str) -> String {
        if self.used.insert(base.to_string()) {
            return base.to_string();
        }
        let (stem, ext) = match base.rfind('.') {
            Some(i) if i > 0 => (&base[..i], &base[i..]),
            _ => (base, ""),
        };
        let n = self.next_suffix.entry(base.to_string()).or_insert(1);
        loop {
            let candidate = format!("{stem}-{n}{ext}");
            *n += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// Creates (if needed) and canonicalises the output directory.
pub fn prepare_dir(dir: &Path) -> Result<PathBuf, ExportError> {
    std::fs::create_dir_all(dir).map_err(|source| ExportError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let canon = dir.canonicalize().map_err(|source| ExportError::BadDir {
        path: dir.to_path_buf(),
        source,
    })?;
    Ok(canon)
}

/// Creates file `name` in `dir` (already canonical). Without `force`, an
/// existing file is an error; with it, only a regular file is replaced.
fn create_in(dir: &Path, name: &str, force: bool) -> Result<(PathBuf, File), ExportError> {
    let path = dir.join(name);
    if path.parent() != Some(dir) {
        return Err(ExportError::NotRegular { path });
    }
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if !meta.file_type().is_file() => return Err(ExportError::NotRegular { path }),
        Ok(_) if !force => return Err(ExportError::Exists { path }),
        Ok(_) => std::fs::remove_file(&path).map_err(|source| ExportError::Write {
            path: path.clone(),
            source,
        })?,
        Err(_) => {}
    }
    let f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AlreadyExists => ExportError::Exists { path: path.clone() },
            _ => ExportError::Write {
                path: path.clone(),
                source,
            },
        })?;
    Ok((path, f))
}

/// Writes one item into `dir` (already canonical). Without `force`, an
/// existing file is an error; with it, only a regular file is replaced.
pub fn write_item(dir: &Path, item: &ExportItem, force: bool) -> Result<PathBuf, ExportError> {
    let (path, mut f) = create_in(dir, &item.name, force)?;
    f.write_all(&item.data)
        .map_err(|source| ExportError::Write {
            path: path.clone(),
            source,
        })?;
    Ok(path)
}

/// How many spans one vectored write hands to the kernel (Linux's
/// `IOV_MAX`).
const SPANS_PER_WRITE: usize = 1024;

/// Writes the capture's bytes `spans` (no holes) into file `name` in `dir`,
/// with vectored writes straight from the mapped capture.
fn write_spans(
    dir: &Path,
    name: &str,
    spans: &[Span],
    capture: &[u8],
    force: bool,
) -> Result<PathBuf, ExportError> {
    let (path, mut f) = create_in(dir, name, force)?;
    let fail = |source| ExportError::Write {
        path: path.clone(),
        source,
    };
    for batch in spans.chunks(SPANS_PER_WRITE) {
        let mut slices: Vec<IoSlice<'_>> = batch
            .iter()
            .filter_map(|s| s.bytes(capture))
            .filter(|b| !b.is_empty())
            .map(IoSlice::new)
            .collect();
        let mut rest = &mut slices[..];
        while !rest.is_empty() {
            match f.write_vectored(rest) {
                Ok(0) => return Err(fail(std::io::ErrorKind::WriteZero.into())),
                Ok(n) => IoSlice::advance_slices(&mut rest, n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(fail(e)),
            }
        }
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names() {
        assert_eq!(sanitize_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(sanitize_name("..").as_deref(), None);
        assert_eq!(sanitize_name("/abs/x.txt").as_deref(), Some("x.txt"));
        assert_eq!(
            sanitize_name("a\x1b[2J\0b\r\n.txt").as_deref(),
            Some("a[2Jb.txt")
        );
        assert_eq!(sanitize_name(".hidden").as_deref(), Some("hidden"));
        assert_eq!(sanitize_name("a..b").as_deref(), Some("a.b"));
        assert_eq!(
            sanitize_name("C:\\win\\evil.exe").as_deref(),
            Some("evil.exe")
        );
        let d = disposition_filename("attachment; filename=\"../../x/../secret.txt\"");
        assert_eq!(
            d.as_deref().and_then(sanitize_name).as_deref(),
            Some("secret.txt")
        );
        let d = disposition_filename("attachment; filename=..");
        assert_eq!(d.as_deref().and_then(sanitize_name), None);
    }

    #[test]
    fn long_names_fit_a_file_system_name() {
        let name = sanitize_name(&"é".repeat(300)).expect("a name");
        assert!(
            name.len() <= 120 && name.chars().all(|c| c == 'é'),
            "{name}"
        );
    }

    #[test]
    fn writes_only_inside_and_never_overwrites() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = prepare_dir(&tmp.path().join("new")).expect("dir");
        let item = ExportItem {
            name: "a.txt".into(),
            data: b"x".to_vec().into(),
            frame: 1,
            stream: 0,
            partial: false,
            note: None,
            message: None,
        };
        write_item(&dir, &item, false).expect("write");
        assert!(matches!(
            write_item(&dir, &item, false),
            Err(ExportError::Exists { .. })
        ));
        write_item(&dir, &item, true).expect("force");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/passwd", dir.join("l.txt")).expect("symlink");
            let l = ExportItem {
                name: "l.txt".into(),
                ..item.clone()
            };
            assert!(matches!(
                write_item(&dir, &l, true),
                Err(ExportError::NotRegular { .. })
            ));
        }
        let mut names = Names::default();
        assert_eq!(names.unique("a.txt"), "a.txt");
        assert_eq!(names.unique("a-1.txt"), "a-1.txt");
        assert_eq!(names.unique("a.txt"), "a-2.txt");
        assert_eq!(names.unique("a.txt"), "a-3.txt");
        assert_eq!(names.unique("noext"), "noext");
        assert_eq!(names.unique("noext"), "noext-1");
    }
}
