//! The headers ICMP and ICMPv6 errors quote, as `-e` fields and in `-Y`
//! filters, compared with tshark 4.0's output committed under
//! `tests/fixtures/icmp_quoted/` (made by `make-fixtures.sh` there; the
//! capture and its `tshark -n -V` text live in `tests/fixtures/verbose/`): tshark
//! lists the quoted IP header's fields after the outer ones (`ip.src` twice)
//! and the quoted UDP/TCP ports as the packet's `udp.srcport`, ...

use std::path::{Path, PathBuf};
use std::process::Command;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/icmp_quoted")
}

fn capture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/verbose/icmp-port-unreachable.pcap")
}

fn wirelens(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_wirelens"))
        .arg("list")
        .arg(capture())
        .args(args)
        .output()
        .expect("run wirelens");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn quoted_fields_match_tshark() {
    let fields: Vec<String> = std::fs::read_to_string(dir().join("fields.in"))
        .expect("fields.in")
        .lines()
        .map(str::to_string)
        .collect();
    let mut args = vec!["-E", "occurrence=a"];
    for f in &fields {
        args.extend(["-e", f.as_str()]);
    }
    let ours = wirelens(&args);
    let expected =
        std::fs::read_to_string(dir().join("icmp-port-unreachable.pcap.tsv")).expect("fixture");
    let ours: Vec<&str> = ours.lines().collect();
    assert_eq!(ours.len(), expected.lines().count(), "rows");
    let (mut compared, mut matched, mut quoted) = (0, 0, 0);
    let mut wrong = Vec::new();
    for (row, line) in expected.lines().enumerate() {
        let mine: Vec<&str> = ours[row].split('\t').collect();
        for (col, theirs) in line.split('\t').enumerate() {
            compared += 1;
            // Frames 2 and 4 are the ICMP errors: count their non-empty cells.
            if row % 2 == 1 && !theirs.is_empty() {
                quoted += 1;
            }
            if mine.get(col) == Some(&theirs) {
                matched += 1;
            } else {
                wrong.push(format!(
                    "frame {} {}: tshark {theirs:?}, ours {:?}",
                    row + 1,
                    fields[col],
                    mine.get(col)
                ));
            }
        }
    }
    println!(
        "icmp quoted fields: {matched} of {compared} cells equal tshark's ({quoted} cells of the 2 ICMP errors)"
    );
    assert!(quoted >= 15, "the ICMP errors carry quoted fields");
    assert!(wrong.is_empty(), "differences:\n{}", wrong.join("\n"));
}

#[test]
fn quoted_fields_filter_as_tshark() {
    let table = std::fs::read_to_string(dir().join("filters.tsv")).expect("filters.tsv");
    let mut n = 0;
    for line in table.lines() {
        let (filter, frames) = line.split_once('\t').expect("filter\\tframes");
        let ours = wirelens(&["-Y", filter, "-T", "fields", "-e", "frame.number"]);
        let ours: Vec<&str> = ours.lines().collect();
        assert_eq!(ours.join(" "), frames, "-Y {filter:?}");
        n += 1;
    }
    println!("icmp quoted filters: {n} filters select tshark's frames");
    assert!(n >= 10);
}
