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
