//! Fields answered from the details tree (`dns.qry.name`, `tcp.time_delta`,
//! `frame.time`, ...) compared with `TZ=UTC tshark -T fields` output
//! committed under `tests/fixtures/tree_fields/` (fields listed in
//! `fields.in`), cell by cell.

use std::path::Path;
use std::process::Command;

mod common;

#[test]
fn tree_fields_match_tshark() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("tests/fixtures/tree_fields");
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
        let local = root.join("sample-captures").join(capture_name);
        let capture = if local.is_file() {
            local
        } else {
            match &shared {
                Some(s) => s.join(capture_name),
                None => continue,
            }
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
    println!("tree fields: {matched} of {compared} cells equal tshark's over {runs} captures");
    assert!(runs >= 3, "the sample captures are always there");
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
