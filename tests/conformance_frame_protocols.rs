//! `frame.protocols` of every frame of the shared captures against tshark
//! 4.0's (`tests/fixtures/stats/NAME/frame_protocols.txt`, made by
//! `tests/fixtures/make-stats.sh`). The same protocol path gives `-z io,phs`
//! (`tests/conformance_stats.rs`), so the two are checked from one source.
//! The frames matched must not fall below [`BASELINE`] (raise it as the path
//! grows); each frame that differs is printed.
//!
//! What differs, by kind: the parts of a multipart body and the
//! certificates' X.509 layers, TLS records, the JSON of Dropbox LAN sync,
//! pcapng Custom Blocks (tshark's `data`), the frames tshark misreads in
//! malformed-oversized-record (see `tests/conformance_stats.rs`), and the
//! HTTP-index differences listed in `tests/conformance_http.rs`. Where the
//! tree names no payload below TCP (`udp:data`, a frame ending at
//! `ethertype`), the protocol path gives the names (mDNS, NBNS, LLMNR,
//! DHCP, LLC/STP, loopback, GRE/PPP).

use std::path::Path;
use wirelens::fields::{lookup, PacketView, Value};
use wirelens::http::HttpIndex;
use wirelens::trace::Trace;

mod common;

/// Frames whose `frame.protocols` equals tshark's, when last measured.
const BASELINE: usize = 8_609;

#[test]
fn frame_protocols_match_tshark() {
    let Some(captures) = common::shared_captures() else {
        return;
    };
    let field = lookup("frame.protocols").expect("frame.protocols").id;
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stats");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("frame_protocols.txt").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 60, "fixtures for {} captures", names.len());
    let (mut compared, mut matched) = (0, 0);
    for name in &names {
        let expected = std::fs::read_to_string(fixtures.join(name).join("frame_protocols.txt"))
            .expect("fixture");
        let trace = Trace::open(&captures.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let http = HttpIndex::build(&trace.store, &trace.conversations, &trace.keys);
        for (i, theirs) in expected.lines().enumerate() {
            compared += 1;
            let mut values = Vec::new();
            if i < trace.store.len() {
                PacketView::with_http(&trace, Some(&http), i).values(field, &mut values);
            }
            let ours = match values.first() {
                Some(Value::Str(s)) => s.to_string(),
                _ => String::new(),
            };
            if ours == theirs {
                matched += 1;
            } else {
                println!("{name} frame {}: tshark {theirs}, wirelens {ours}", i + 1);
            }
        }
    }
    println!(
        "frame.protocols: {matched} of {compared} frames equal over {} captures",
        names.len()
    );
    assert!(
        matched >= BASELINE,
        "{matched} frames matched, fewer than the baseline {BASELINE}"
    );
}
