//! `[SEQ/ACK analysis]` values (`tcp.analysis.acks_frame`, `ack_rtt`,
//! `initial_rtt`, `bytes_in_flight`, `push_bytes_sent`, `rto`, `rto_frame`)
//! of `wirelens list -e` against `TZ=UTC tshark -n -T fields` (tshark 4.0),
//! committed under `tests/fixtures/seq_ack/` by its `make.sh`: every cell of
//! every capture in `captures.in` must be equal, so the values appear exactly
//! on the packets where tshark's single pass shows them.

use std::path::Path;
use std::process::Command;

mod common;

#[test]
fn seq_ack_fields_match_tshark() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("tests/fixtures/seq_ack");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("fixture committed");
    let fields: Vec<String> = read("fields.in").lines().map(str::to_string).collect();
    let shared = common::shared_captures();
    let (mut compared, mut matched, mut runs) = (0, 0, 0);
    let mut wrong = Vec::new();
    for name in read("captures.in").lines() {
        let local = root.join("sample-captures").join(name);
        let capture = if local.is_file() {
            local
        } else {
            match &shared {
                Some(s) => s.join(name),
                None => continue,
            }
        };
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wirelens"));
        cmd.arg("list").arg(&capture);
        for f in &fields {
            cmd.arg("-e").arg(f);
        }
        let out = cmd.output().expect("run wirelens");
        assert!(out.status.success(), "{name}: wirelens failed");
        let ours = String::from_utf8_lossy(&out.stdout).into_owned();
        let expected = read(&format!("{name}.tsv"));
        assert_eq!(
            ours.lines().count(),
            expected.lines().count(),
            "{name}: row count"
        );
        runs += 1;
        for (row, (theirs, mine)) in expected.lines().zip(ours.lines()).enumerate() {
            for (col, (t, m)) in theirs.split('\t').zip(mine.split('\t')).enumerate() {
                compared += 1;
                if t == m {
                    matched += 1;
                } else if wrong.len() < 40 {
                    wrong.push(format!(
                        "{name} frame {} {}: tshark {t:?}, ours {m:?}",
                        row + 1,
                        fields[col]
                    ));
                }
            }
        }
    }
    println!(
        "[SEQ/ACK analysis]: {matched} of {compared} cells equal tshark's over {runs} captures"
    );
    assert!(runs >= 3, "the sample captures are always there");
    assert!(wrong.is_empty(), "differences:\n{}", wrong.join("\n"));
}
