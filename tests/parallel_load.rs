//! The pipelined (two-thread) load gives exactly the trace the sequential one
//! gives: every store entry, every conversation field (stream numbers, packet
//! chains, TCP analysis state), the interfaces and the damage found, and so
//! does the pipelined load of a mapped file (read in windows), on the
//! bundled samples, the shared captures, a generated capture of some MB (whole,
//! cut in the middle of a record, and stopped early by the progress callback);
//! and the one-pass connection lives match the per-conversation ones.

mod common;

#[path = "../examples/gencap/synth.rs"]
#[allow(dead_code, unused_imports)]
mod synth;

use std::path::{Path, PathBuf};
use wirelens::capture::{Capture, CaptureBytes};
use wirelens::trace::{LoadMode, Progress, Trace};

fn load(bytes: &[u8], mode: LoadMode, stop_after: Option<u64>) -> Trace {
    let capture = Capture::from_bytes(CaptureBytes::Owned(bytes.to_vec()), "t.pcap".into())
        .expect("a readable header");
    let mut calls: Vec<u64> = Vec::new();
    let trace = Trace::load_with(capture, mode, |p: Progress| {
        calls.push(p.packets);
        stop_after.is_none_or(|n| p.packets < n)
    })
    .expect("loads");
    assert_eq!(calls.last().copied(), Some(trace.store.len() as u64));
    trace
}

/// `bytes` loaded from a file (mapped; a pipelined load of a classic pcap
/// file reads it in windows).
fn load_file(bytes: &[u8], mode: LoadMode, stop_after: Option<u64>) -> Trace {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    std::io::Write::write_all(&mut file, bytes).expect("write temp file");
    let capture = Capture::open(file.path()).expect("a readable header");
    let mut calls: Vec<u64> = Vec::new();
    let trace = Trace::load_with(capture, mode, |p: Progress| {
        calls.push(p.packets);
        stop_after.is_none_or(|n| p.packets < n)
    })
    .expect("loads");
    assert_eq!(calls.last().copied(), Some(trace.store.len() as u64));
    trace
}

/// Asserts that the sequential load of `bytes`, the pipelined one and the
/// pipelined one from a mapped file agree in everything; returns the packet
/// count.
fn same_both_ways(what: &str, bytes: &[u8], stop_after: Option<u64>) -> usize {
    let seq = load(bytes, LoadMode::Sequential, stop_after);
    let par = load(bytes, LoadMode::Pipelined, stop_after);
    same_traces(what, &seq, &par);
    let windowed = load_file(bytes, LoadMode::Pipelined, stop_after);
    same_traces(&format!("{what} (from the file)"), &seq, &windowed);
    seq.store.len()
}

/// Asserts that two loads of the same capture agree in everything.
fn same_traces(what: &str, seq: &Trace, par: &Trace) {
    assert_eq!(seq.store.len(), par.store.len(), "{what}: packet count");
    for (i, (a, b)) in seq
        .store
        .entries()
        .iter()
        .zip(par.store.entries())
        .enumerate()
    {
        assert_eq!(a, b, "{what}: entry of packet {}", i + 1);
    }
    let (ca, cb) = (seq.conversations.all(), par.conversations.all());
    assert_eq!(ca.len(), cb.len(), "{what}: conversation count");
    for (a, b) in ca.iter().zip(cb) {
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "{what}: conversation");
    }
    // Everything else the conversations hold (duplicate-ACK links, ...).
    assert_eq!(
        format!("{:?}", seq.conversations),
        format!("{:?}", par.conversations),
        "{what}: conversations"
    );
    assert_eq!(
        seq.store.interfaces(),
        par.store.interfaces(),
        "{what}: interfaces"
    );
    assert_eq!(
        format!("{:?}", seq.warning),
        format!("{:?}", par.warning),
        "{what}: warning"
    );
    assert_eq!(
        format!("{:?}", seq.error),
        format!("{:?}", par.error),
        "{what}: error"
    );
    assert_eq!(
        format!("{:?}", seq.limits),
        format!("{:?}", par.limits),
        "{what}: limits reached"
    );
    // The one-pass connection lives (`flows`' Ended column) match the
    // per-conversation walk.
    let lives = wirelens::flow::life::lives(&par.store, &par.conversations);
    for (c, l) in cb.iter().zip(&lives) {
        assert_eq!(
            format!("{:?}", wirelens::flow::life::life(&par.store, c)),
            format!("{l:?}"),
            "{what}: life of a conversation"
        );
    }
}

fn captures_in(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    found.retain(|p| {
        p.is_file()
            && p.extension()
                .is_some_and(|x| x == "pcap" || x == "pcapng" || x == "gz")
    });
    found.sort();
    found
}

fn check_files(files: &[PathBuf]) -> usize {
    let mut checked = 0;
    for path in files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        // Files whose header does not parse have nothing to compare.
        if Capture::from_bytes(CaptureBytes::Owned(bytes.clone()), String::new()).is_err() {
            continue;
        }
        same_both_ways(&path.display().to_string(), &bytes, None);
        checked += 1;
    }
    checked
}

#[test]
fn bundled_samples_load_the_same_on_two_threads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures");
    assert!(check_files(&captures_in(&dir)) >= 3, "samples compared");
}

#[test]
fn shared_captures_load_the_same_on_two_threads() {
    let Some(dir) = common::shared_captures() else {
        return;
    };
    assert!(
        check_files(&captures_in(&dir)) > 0,
        "shared captures compared"
    );
}

fn generated(bytes: u64) -> Vec<u8> {
    let mut out = Vec::new();
    synth::generate(
        &synth::SynthConfig {
            target_bytes: bytes,
            seed: 11,
        },
        &mut out,
    )
    .expect("generate");
    out
}

#[test]
fn a_generated_capture_loads_the_same_on_two_threads() {
    let pcap = generated(24 << 20);
    let packets = same_both_ways("generated", &pcap, None);
    // Several batches, so both threads decode.
    assert!(packets > 12 * 2048, "{packets} packets");
    // Cut in the middle of a record: the same packets and the same warning.
    let cut = &pcap[..pcap.len() * 2 / 3 + 7];
    let seq = load(cut, LoadMode::Sequential, None);
    assert!(
        seq.warning.is_some() || seq.error.is_some(),
        "the cut is seen"
    );
    same_both_ways("generated, cut", cut, None);
    // Stopped by the progress callback at its first call (16384 packets).
    assert_eq!(
        same_both_ways("generated, stopped", &pcap, Some(16_384)),
        16_384
    );
}
