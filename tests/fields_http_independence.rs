//! Every field that does not say it reads the HTTP index
//! ([`wirelens::fields::FieldId::is_http`]) has the same values whether the
//! index is built or not. `list -e`, `-Y` and the TUI's filter build the
//! index only for fields that say so; a field that changes with it (a
//! payload that is `data` until HTTP claims it as a message or a segment)
//! would print, or select, what tshark never shows. Run on the project's
//! samples and on every shared capture.

mod common;

use std::path::{Path, PathBuf};
use wirelens::capture::Capture;
use wirelens::fields::{PacketView, FIELDS};
use wirelens::session::Session;
use wirelens::trace::Trace;

fn captures_in(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read a captures folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|x| matches!(x.to_str(), Some("pcap" | "pcapng" | "cap" | "gz")))
        })
        .collect();
    found.sort();
    found
}

/// The fields whose values differ with and without the index, as
/// `(field, frame)` for the first frame where each differs.
fn differing(path: &Path) -> Vec<(String, usize)> {
    let Ok(capture) = Capture::open(path) else {
        return Vec::new();
    };
    let Ok(trace) = Trace::load(capture, |_| true) else {
        return Vec::new();
    };
    let session = Session::from(trace);
    let http = session.http();
    let mut found: Vec<(String, usize)> = Vec::new();
    let (mut plain, mut indexed) = (Vec::new(), Vec::new());
    for i in 0..session.store.len() {
        let without = PacketView::new(session.trace(), i);
        let with = PacketView::with_http(session.trace(), Some(http), i);
        for f in FIELDS.iter().filter(|f| !f.id.is_http()) {
            plain.clear();
            indexed.clear();
            without.values(f.id, &mut plain);
            with.values(f.id, &mut indexed);
            if plain != indexed && !found.iter().any(|(n, _)| n == f.name) {
                found.push((f.name.to_string(), i + 1));
            }
        }
    }
    found
}

#[test]
fn fields_not_reading_http_do_not_change_with_the_index() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures");
    let mut files = captures_in(&samples);
    if let Some(shared) = common::shared_captures() {
        files.extend(captures_in(&shared));
    }
    assert!(files.len() > 5, "captures found: {}", files.len());
    let mut failures = Vec::new();
    for f in &files {
        for (field, frame) in differing(f) {
            failures.push(format!("{}: {field} (frame {frame})", f.display()));
        }
    }
    println!("{} captures checked", files.len());
    assert!(
        failures.is_empty(),
        "fields that change with the HTTP index but do not say so:\n{}",
        failures.join("\n")
    );
}
