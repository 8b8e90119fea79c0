//! Saving packets from the TUI (`w`, as the issue asks; Wireshark's "Export
//! Specified Packets"): the packets displayed, the marked ones, or those of
//! the selected packet's stream, written with the capture writer
//! ([`crate::capture::write`]) byte for byte. The prompt offers a name in
//! the current directory; Tab changes what is saved. An existing file is
//! never replaced unless a second Enter on the same name asks for it.

use crate::capture::write::{save_frames, Overwrite, SaveFormat, WriteError};
use crate::capture::Format;
use crate::session::Session;
use crate::text::sanitize;
use std::path::Path;

/// Which packets a save writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SaveScope {
    /// The packets the list shows (all of them without a filter).
    #[default]
    Displayed,
    /// The marked packets.
    Marked,
    /// Every packet of the selected packet's conversation (its TCP or UDP stream).
    Stream,
}

impl SaveScope {
    pub fn cycle(self, forward: bool) -> SaveScope {
        use SaveScope as S;
        match (self, forward) {
            (S::Displayed, true) | (S::Stream, false) => S::Marked,
            (S::Marked, true) | (S::Displayed, false) => S::Stream,
            (S::Stream, true) | (S::Marked, false) => S::Displayed,
        }
    }

    /// The prompt's label for this scope.
    pub fn label(self) -> &'static str {
        match self {
            SaveScope::Displayed => "Save displayed packets as (Tab: marked, stream): ",
            SaveScope::Marked => "Save marked packets as (Tab: stream, displayed): ",
            SaveScope::Stream => "Save the stream's packets as (Tab: displayed, marked): ",
        }
    }

    fn word(self) -> &'static str {
        match self {
            SaveScope::Displayed => "displayed",
            SaveScope::Marked => "marked",
            SaveScope::Stream => "stream",
        }
    }
}

/// What an open save prompt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveTarget {
    pub scope: SaveScope,
    /// The packets (0-based) each scope writes, worked out when the prompt opened.
    pub displayed: Vec<u32>,
    pub marked: Vec<u32>,
    pub stream: Vec<u32>,
    /// The name the user agreed to replace (a second Enter on an existing file).
    pub replace: Option<String>,
}

impl SaveTarget {
    pub fn frames(&self) -> &[u32] {
        match self.scope {
            SaveScope::Displayed => &self.displayed,
            SaveScope::Marked => &self.marked,
            SaveScope::Stream => &self.stream,
        }
    }
}

/// The packets of conversation `conversation` (0-based), in file order.
pub fn stream_frames(session: &Session, conversation: u32) -> Vec<u32> {
    let Some(c) = session.conversations.get(conversation) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut next = c.first_packet;
    while let Some(e) = session.store.entry(next as usize) {
        out.push(next);
        // The chain only goes forward; a bound on its length keeps a bad one finite.
        if e.next_in_conversation <= next || out.len() > session.store.len() {
            break;
        }
        next = e.next_in_conversation;
    }
    out
}

/// The format a name asks for: `.pcapng` / `.pcap` by its extension, else
/// the input's own format (then every record is copied byte for byte).
pub fn format_for(name: &str, input: Format) -> SaveFormat {
    let ext = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match (ext.as_deref(), input) {
        (Some("pcapng" | "ntar"), _) => SaveFormat::PcapNg,
        (Some("pcap" | "cap"), Format::Pcap { .. }) => SaveFormat::same_as(input),
        (Some("pcap" | "cap"), Format::PcapNg) => SaveFormat::PcapNsec,
        _ => SaveFormat::same_as(input),
    }
}

/// The name a save prompt suggests: the capture's stem, the scope, the input's extension.
pub fn suggest_name(capture: &str, scope: SaveScope, input: Format) -> String {
    let stem = Path::new(capture)
        .file_stem()
        .map_or("capture".into(), |s| s.to_string_lossy().into_owned());
    let ext = match input {
        Format::Pcap { .. } => "pcap",
        Format::PcapNg => "pcapng",
    };
    format!("{stem}-{}.{ext}", scope.word())
}

/// Why a save did not happen, and whether Enter again would replace a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveRefused {
    pub message: String,
    /// The file exists: the name the next Enter may replace.
    pub exists: Option<String>,
}

/// Writes `target`'s packets of `session` to `name` (relative to `dir`).
/// Returns the status message.
pub fn save(
    session: &Session,
    dir: &Path,
    name: &str,
    target: &SaveTarget,
) -> Result<String, SaveRefused> {
    let refused = |message: String| SaveRefused {
        message,
        exists: None,
    };
    let frames = target.frames();
    if frames.is_empty() {
        return Err(refused(format!(
            "no {} packets to save",
            target.scope.word()
        )));
    }
    if name.trim().is_empty() {
        return Err(refused("a file name, please".into()));
    }
    let path = dir.join(name);
    let capture = session.store.capture();
    let format = format_for(name, capture.format());
    let overwrite = if target.replace.as_deref() == Some(name) {
        Overwrite::Yes
    } else {
        Overwrite::No
    };
    let shown = sanitize(&path.display().to_string()).into_owned();
    match save_frames(capture, frames, format, &path, overwrite) {
        Ok(summary) => {
            let mut m = format!(
                "wrote {} {} packets ({} bytes, {}) to {shown}",
                summary.frames,
                target.scope.word(),
                summary.bytes,
                format.name()
            );
            if summary.skipped > 0 {
                m.push_str(&format!(
                    " ({} Custom Blocks marked do-not-copy left out)",
                    summary.skipped
                ));
            }
            Ok(m)
        }
        Err(WriteError::Exists { .. }) => Err(SaveRefused {
            message: format!("{shown} exists: Enter again replaces it (or edit the name, or Esc)"),
            exists: Some(name.to_string()),
        }),
        Err(e) => Err(refused(sanitize(&e.to_string()).into_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn textbook() -> Session {
        Session::open(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures/textbook-visit.pcap"),
        )
        .expect("sample")
    }

    #[test]
    fn names_formats_and_scopes() {
        let pcap = Format::Pcap {
            big_endian: false,
            nanos: false,
        };
        assert_eq!(
            suggest_name("/x/a.pcap", SaveScope::Marked, pcap),
            "a-marked.pcap"
        );
        assert_eq!(format_for("a.pcapng", pcap), SaveFormat::PcapNg);
        assert_eq!(format_for("a.pcap", pcap), SaveFormat::Pcap);
        assert_eq!(format_for("a", Format::PcapNg), SaveFormat::PcapNg);
        assert_eq!(format_for("a.pcap", Format::PcapNg), SaveFormat::PcapNsec);
        let mut s = SaveScope::Displayed;
        for _ in 0..3 {
            s = s.cycle(true);
        }
        assert_eq!(s, SaveScope::Displayed);
        assert_eq!(SaveScope::Displayed.cycle(false), SaveScope::Stream);
    }

    #[test]
    fn saves_byte_for_byte_and_never_replaces_unasked() {
        let s = textbook();
        let dir = tempfile::tempdir().expect("tempdir");
        // tshark: tcp.stream 0 is frames 3 to 27.
        let stream = stream_frames(&s, s.store.entry(2).expect("entry").conversation);
        assert_eq!(stream, (2..27).collect::<Vec<u32>>());
        let target = SaveTarget {
            scope: SaveScope::Marked,
            displayed: (0..27).collect(),
            marked: vec![2, 5, 21],
            stream,
            replace: None,
        };
        let m = save(&s, dir.path(), "m.pcap", &target).expect("saved");
        assert!(m.starts_with("wrote 3 marked packets"), "{m}");
        let saved = Session::open(&dir.path().join("m.pcap")).expect("opens");
        assert_eq!(saved.store.len(), 3);
        for (i, &orig) in [2usize, 5, 21].iter().enumerate() {
            assert_eq!(saved.packet(i).decoded.data, s.packet(orig).decoded.data);
            assert_eq!(
                saved.store.entry(i).map(|e| e.ts_ns),
                s.store.entry(orig).map(|e| e.ts_ns)
            );
        }
        let again = save(&s, dir.path(), "m.pcap", &target).expect_err("exists");
        assert_eq!(again.exists.as_deref(), Some("m.pcap"));
        let replace = SaveTarget {
            scope: SaveScope::Stream,
            replace: Some("m.pcap".into()),
            ..target.clone()
        };
        let m = save(&s, dir.path(), "m.pcap", &replace).expect("replaced");
        assert!(m.starts_with("wrote 25 stream packets"), "{m}");
        let none = SaveTarget {
            marked: Vec::new(),
            ..target
        };
        assert_eq!(
            save(&s, dir.path(), "n.pcap", &none).map_err(|e| e.message),
            Err("no marked packets to save".into())
        );
    }
}
