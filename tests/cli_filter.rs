//! `wirelens list -Y FILTER`: only matching packets, frame numbers unchanged;
//! a bad filter fails before the capture is read, with a caret and a hint.

use std::path::Path;
use std::process::Command;

fn list(args: &[&str]) -> std::process::Output {
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures/textbook-visit.pcap");
    Command::new(env!("CARGO_BIN_EXE_wirelens"))
        .arg("list")
        .arg(capture)
        .args(args)
        .output()
        .expect("wirelens runs")
}

#[test]
fn display_filter_keeps_frame_numbers() {
    let out = list(&["-Y", "frame.number in {2, 5..6}", "-e", "frame.number"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "2\n5\n6\n");
    let out = list(&["--display-filter", "frame.number == 3"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 1);
    assert!(text.trim_start().starts_with("3 "), "{text}");
}

#[test]
fn bad_filter_is_reported_with_a_caret() {
    let out = list(&["-Y", "tcp.prot == 80"]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tcp.prot == 80\n^~~~~~~~\n"), "{err}");
    assert!(err.contains("did you mean \"tcp.port\"?"), "{err}");
}

/// Fields that exist only as the HTTP index decides (found by the
/// `display_filter` fuzz target with `data.len`): tshark 4.0 on this sample
/// has no `data` layer at all, since HTTP claims frame 6 as the request and
/// frames 8..22 as segments of the response reassembled at 22
/// (`tshark -Y tcp.segment_data -T fields -e frame.number` prints
/// 8 10 12 14 16 18 20 22; `-Y data` prints nothing).
#[test]
fn fields_that_http_claims_follow_the_index() {
    for filter in ["data", "data.len", "data.len > 0"] {
        let out = list(&["-Y", filter]);
        assert!(out.status.success(), "{filter}");
        assert!(
            out.stdout.is_empty(),
            "{filter}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    let out = list(&[
        "-Y",
        "tcp.segment_data",
        "-e",
        "frame.number",
        "-e",
        "data.len",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "8\t\n10\t\n12\t\n14\t\n16\t\n18\t\n20\t\n22\t\n"
    );
    let out = list(&[
        "-Y",
        "tcp.segments",
        "-e",
        "frame.number",
        "-e",
        "tcp.segment.count",
    ]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "22\t8\n");
}
