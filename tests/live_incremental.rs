//! The engine grows: every capture (the shared ones and the samples) fed to
//! a [`TraceBuilder`] record by record, each record in two steps (half of
//! it, then the rest), must give a trace whose every product equals a load
//! of the whole file: store entries, conversations with their analysis
//! flags, the damage, the HTTP index, the packet list rows and how each
//! connection ended. Snapshots taken on the way equal loads of the same
//! prefix of the file.

mod common;

use std::path::{Path, PathBuf};
use wirelens::capture::{Capture, CaptureBytes};
use wirelens::columns;
use wirelens::fields::PacketView;
use wirelens::live::TraceBuilder;
use wirelens::session::Session;
use wirelens::trace::Trace;

/// Every product of a trace, as text to compare.
fn products(trace: Trace) -> Vec<String> {
    let session = Session::from(trace);
    let trace = session.trace();
    let http = session.http();
    let mut out = vec![
        format!("{:?}", trace.store.entries()),
        format!("{:?}", trace.store.interfaces()),
        format!("{:?}", trace.store.first_timestamp()),
        format!("{:?}", trace.conversations),
        format!(
            "{:?} {:?}",
            trace.warning,
            trace.error.as_ref().map(|e| e.to_string())
        ),
        format!("{:?}", http.transactions),
        format!("{:?}", session.endings()),
        format!("{:?}", trace.limits.hits()),
    ];
    for index in 0..trace.store.len() {
        out.push(format!(
            "{:?}",
            columns::row(&PacketView::with_http(trace, Some(http), index))
        ));
    }
    out
}

fn load(bytes: &[u8]) -> Trace {
    let capture =
        Capture::from_bytes(CaptureBytes::Owned(bytes.to_vec()), "t".into()).expect("capture");
    Trace::load(capture, |_| true).expect("load")
}

fn assert_same(name: &str, what: &str, got: Vec<String>, want: Vec<String>) {
    assert_eq!(got.len(), want.len(), "{name} {what}: number of products");
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "{name} {what}: product {i} differs");
    }
}

fn check(path: &Path) {
    let name = path.display().to_string();
    let data = std::fs::read(path).expect("read capture");
    let capture =
        Capture::from_bytes(CaptureBytes::Owned(data.clone()), name.clone()).expect("capture");
    // Gzip captures are compared on their decompressed bytes (the spool holds those).
    let data = capture.bytes().to_vec();
    // Where each record ends, from a reader of the whole file.
    let mut ends = Vec::new();
    let mut reader = capture.records().expect("records");
    while let Some(Ok(_)) = reader.next() {
        ends.push(reader.position() as usize);
    }
    let mut builder = TraceBuilder::new("t");
    let mut prev = 0;
    let checkpoints = [ends.len() / 3, 2 * ends.len() / 3];
    for (i, &end) in ends.iter().enumerate() {
        builder.extend(&data[..(prev + end) / 2]).expect("extend");
        builder.extend(&data[..end]).expect("extend");
        assert_eq!(builder.len(), i + 1, "{name}: record {} read once", i + 1);
        if checkpoints.contains(&i) && i > 0 {
            let snap = builder
                .snapshot(CaptureBytes::Owned(data[..end].to_vec()))
                .expect("snapshot");
            assert_same(
                &name,
                &format!("snapshot at record {}", i + 1),
                products(snap),
                products(load(&data[..end])),
            );
        }
        prev = end;
    }
    let whole = builder
        .finish(CaptureBytes::Owned(data.clone()))
        .expect("finish");
    assert_same(&name, "the end", products(whole), products(load(&data)));
}

fn captures(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.to_string_lossy();
            n.ends_with(".pcap") || n.ends_with(".pcapng") || n.ends_with(".gz")
        })
        .collect();
    found.sort();
    found
}

#[test]
fn the_samples_fed_record_by_record_equal_whole_file_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures");
    let all = captures(&dir);
    assert!(all.len() >= 10, "the samples are there");
    for path in all {
        check(&path);
    }
}

#[test]
fn the_shared_captures_fed_record_by_record_equal_whole_file_loads() {
    let Some(dir) = common::shared_captures() else {
        return;
    };
    let all = captures(&dir);
    assert!(!all.is_empty(), "shared captures are there");
    for path in all {
        check(&path);
    }
}
