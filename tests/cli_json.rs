//! `--json` of every command: JSON Lines (each line one object), numbers as
//! numbers, and `list --json` keyed by the names `-e` takes, with the values
//! `-e` prints.

use std::path::{Path, PathBuf};
use std::process::Command;

fn sample(name: &str) -> String {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-captures")
        .join(name);
    p.to_str().expect("utf-8 path").to_string()
}

fn wirelens(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_wirelens"))
        .args(args)
        .output()
        .expect("run wirelens");
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8")
}

/// Every line of `text` as a JSON object.
fn lines(text: &str) -> Vec<serde_json::Map<String, serde_json::Value>> {
    assert!(!text.is_empty(), "no output");
    text.lines()
        .map(|l| match serde_json::from_str(l) {
            Ok(serde_json::Value::Object(m)) => m,
            other => panic!("not a JSON object per line: {l:?} ({other:?})"),
        })
        .collect()
}

#[test]
fn every_command_prints_json_lines() {
    let visit = sample("textbook-visit.pcap");
    let keep = sample("keepalive-3-requests.pcap");
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("bodies");
    let out = out.to_str().expect("utf-8");
    let gz = sample("chunked-gzip.pcap");
    for (args, rows, key) in [
        (vec!["list", &visit, "--json"], 27, "_ws.col.No."),
        (
            vec!["flows", &keep, "--json"],
            2,
            "packets_client_to_server",
        ),
        (
            vec!["follow", &keep, "--stream", "0", "--json"],
            0,
            "offset",
        ),
        (vec!["ladder", &keep, "--stream", "0", "--json"], 0, "type"),
        (vec!["http", &keep, "--json"], 3, "stream"),
        (vec!["export", &gz, "-o", out, "--json"], 1, "bytes"),
        (vec!["journey", &keep, "--json"], 3, "uri"),
        (vec!["stats", "io,phs", &visit, "--json"], 0, "frames"),
    ] {
        let rows_seen = lines(&wirelens(&args));
        if rows > 0 {
            assert_eq!(rows_seen.len(), rows, "{args:?}");
        }
        assert!(
            rows_seen.iter().any(|r| r.contains_key(key)),
            "{args:?}: no {key:?} in {rows_seen:?}"
        );
    }
}

#[test]
fn list_json_has_the_fields_of_e_with_their_values() {
    let visit = sample("textbook-visit.pcap");
    let fields = [
        "frame.number",
        "frame.len",
        "ip.src",
        "tcp.srcport",
        "tcp.flags.syn",
        "ip.addr",
    ];
    let mut args = vec!["list", visit.as_str()];
    for f in fields {
        args.extend(["-e", f]);
    }
    let text = wirelens(&args);
    args.push("--json");
    let json = lines(&wirelens(&args));
    assert_eq!(json.len(), text.lines().count());
    for (row, line) in json.iter().zip(text.lines()) {
        let mut keys: Vec<&str> = row.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut want = fields.to_vec();
        want.sort_unstable();
        assert_eq!(keys, want);
        for (name, cell) in fields.iter().zip(line.split('\t')) {
            let v = &row[*name];
            let as_text = match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::Bool(b) => u8::from(*b).to_string(),
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(a) => a
                    .iter()
                    .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            };
            assert_eq!(as_text, cell, "{name} in {line:?}");
        }
        assert!(row["frame.number"].is_u64(), "numbers are numbers");
        assert!(row["frame.len"].is_u64());
    }
}

#[test]
fn ladder_and_follow_json_describe_the_stream() {
    let keep = sample("keepalive-3-requests.pcap");
    let ladder = lines(&wirelens(&[
        "ladder", &keep, "--stream", "0", "--json", "--all",
    ]));
    let syn = ladder
        .iter()
        .find(|r| r["type"] == "segment")
        .expect("a segment");
    assert_eq!(syn["flag_names"], "SYN");
    assert_eq!(syn["tcp.seq"], 0);
    assert_eq!(syn["direction"], "client");
    let follow = lines(&wirelens(&["follow", &keep, "--stream", "0", "--json"]));
    let first = &follow[0];
    assert_eq!(first["direction"], "client");
    let hex = first["data"].as_str().expect("hex data");
    assert!(hex.starts_with("474554"), "GET: {hex}");
    assert_eq!(first["length"].as_u64(), Some(hex.len() as u64 / 2));
    let total: u64 = follow
        .iter()
        .map(|r| r["length"].as_u64().expect("n"))
        .sum();
    let raw = Command::new(env!("CARGO_BIN_EXE_wirelens"))
        .args(["follow", &keep, "--stream", "0", "--format", "raw"])
        .output()
        .expect("run wirelens");
    assert_eq!(total, raw.stdout.len() as u64);
}

#[test]
fn list_json_keys_come_in_e_order() {
    let visit = sample("textbook-visit.pcap");
    // Not alphabetical: tcp.srcport > ip.src > frame.number.
    let order = ["tcp.srcport", "ip.src", "frame.number", "_ws.col.Info"];
    let mut args = vec!["list", visit.as_str(), "--json", "-Y", "frame.number <= 3"];
    for f in order {
        args.extend(["-e", f]);
    }
    let text = wirelens(&args);
    for line in text.lines() {
        let keys: Vec<String> = match serde_json::from_str(line) {
            Ok(serde_json::Value::Object(m)) => m.keys().cloned().collect(),
            other => panic!("{line:?}: {other:?}"),
        };
        assert_eq!(keys, order, "{line}");
        // The text itself, not only the parsed map, keeps the order.
        let at: Vec<usize> = order
            .iter()
            .map(|k| line.find(&format!("\"{k}\"")).expect("key"))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{line}");
    }
}
