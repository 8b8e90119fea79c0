//! Fields answered from the details tree (`dns.qry.name`, `tcp.time_delta`,
//! `frame.time`, ...) compared with `TZ=UTC tshark -T fields` output
//! committed under `tests/fixtures/tree_fields/` (fields listed in
//! `fields.in`), cell by cell.

use std::path::Path;
use std::process::Command;

mod common;

/// (matched, compared, captures, differences) for the fixtures of
/// `tests/fixtures/SUB` (`fields.in` and one `CAPTURE.tsv` per capture).
fn compare_dir(sub: &str) -> (usize, usize, usize, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("tests/fixtures").join(sub);
    let fields: Vec<String> = std::fs::read_to_string(dir.join("fields.in"))
        .expect("fields.in")
        .lines()
        .map(str::to_string)
        .collect();
    let shared = common::shared_captures();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".tsv"))
        .collect();
    names.sort();
    let (mut compared, mut matched, mut runs) = (0, 0, 0);
    let mut wrong = Vec::new();
    for name in names {
        let capture_name = name.trim_end_matches(".tsv");
        let local = ["sample-captures", "tests/fixtures/verbose"]
            .iter()
            .map(|d| root.join(d).join(capture_name))
            .find(|p| p.is_file());
        let capture = match (local, &shared) {
            (Some(p), _) => p,
            (None, Some(s)) => s.join(capture_name),
            (None, None) => continue,
        };
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wirelens"));
        cmd.arg("list").arg(&capture);
        for f in &fields {
            cmd.arg("-e").arg(f);
        }
        let out = cmd.output().expect("run wirelens");
        let ours = String::from_utf8_lossy(&out.stdout).into_owned();
        let expected = std::fs::read_to_string(dir.join(&name)).expect("fixture");
        let ours: Vec<&str> = ours.lines().collect();
        runs += 1;
        for (row, line) in expected.lines().enumerate() {
            let theirs: Vec<&str> = line.split('\t').collect();
            let mine: Vec<&str> = ours
                .get(row)
                .map(|l| l.split('\t').collect())
                .unwrap_or_default();
            for (col, t) in theirs.iter().enumerate() {
                compared += 1;
                if mine.get(col) == Some(t) {
                    matched += 1;
                } else {
                    wrong.push(format!(
                        "{capture_name} frame {} {}: tshark {t:?}, ours {:?}",
                        row + 1,
                        fields[col],
                        mine.get(col)
                    ));
                }
            }
        }
    }
    (matched, compared, runs, wrong)
}

#[test]
fn tree_fields_match_tshark() {
    let (matched, compared, runs, wrong) = compare_dir("tree_fields");
    println!("tree fields: {matched} of {compared} cells equal tshark's over {runs} captures");
    assert!(runs >= 3, "the sample captures are always there");
    assert!(wrong.is_empty(), "differences:\n{}", wrong.join("\n"));
}

/// The fields that live only in the details tree (`fields.in` there lists
/// them: EDNS0 options, ICMP echo links, TCP options as bytes, Ethernet
/// padding, trailer and FCS, ...), each usable with `-e` and `-Y`, against
/// `tshark -T fields` (made by `make.sh` there). Left out of the list:
/// tshark prints a protocol field (`data`, `null`, `ieee8021ad`) as its
/// summary line or name, and makes every header line an occurrence of
/// `http.request.line` (a hidden field) beside its own field, which the
/// tree does not repeat; `http.file_data` is shown, not given as a value.
#[test]
fn tree_only_fields_match_tshark() {
    let (matched, compared, runs, wrong) = compare_dir("tree_fields_more");
    println!("tree-only fields: {matched} of {compared} cells equal tshark's over {runs} captures");
    assert!(
        runs >= 3,
        "the crafted and sample captures are always there"
    );
    assert!(wrong.is_empty(), "differences:\n{}", wrong.join("\n"));
}

/// `-E separator/occurrence/aggregator/quote/header` and the `_ws.col.*`
/// columns, against tshark's output for the same arguments
/// (`tests/fixtures/fields_options/NAME.args`).
#[test]
fn fields_options_match_tshark() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("tests/fixtures/fields_options");
    for name in ["a", "b", "c"] {
        let args = std::fs::read_to_string(dir.join(format!("{name}.args"))).expect("args");
        let expected = std::fs::read_to_string(dir.join(format!("textbook-visit.{name}.txt")))
            .expect("fixture");
        let out = Command::new(env!("CARGO_BIN_EXE_wirelens"))
            .arg("list")
            .arg(root.join("sample-captures/textbook-visit.pcap"))
            .args(args.split_whitespace())
            .output()
            .expect("run wirelens");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            expected,
            "{name}: {args}"
        );
    }
}
