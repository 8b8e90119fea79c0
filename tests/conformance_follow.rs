//! Conformance of `flow::follow` with tshark's Follow TCP Stream: for every
//! shared capture and every `NAME.oracle/follow/N.raw.txt` (tshark 4.0
//! `-z follow,tcp,raw,N`), each direction's bytes must equal ours, with
//! tshark's renderings of gaps modelled (see `render`). Plus ladder snapshots
//! of the sample captures.

use std::collections::HashMap;
use std::path::Path;
use wirelens::flow::follow::{follow, FollowedStream, Side};
use wirelens::flow::ladder::{ladder, render_text};
use wirelens::flow::reassembly::{GapReason, Piece};
use wirelens::trace::Trace;

mod common;

/// Where tshark differs from a correct reassembly: (file, stream, why).
/// Each entry documents the evidence; keep the list small.
const ALLOWED: &[(&str, u32, &str)] = &[];

/// One direction as tshark renders it: a hole that never filled is the text
/// "[N bytes missing in capture file]" and a NUL; bytes cut by the snaplen are
/// left out without a marker.
fn render(stream: &FollowedStream<'_>, side: Side) -> Vec<u8> {
    let mut out = Vec::new();
    for c in stream.side(side) {
        match c.piece {
            Piece::Data { bytes, .. } => out.extend_from_slice(bytes),
            Piece::Gap {
                reason: GapReason::CutBySnaplen,
                ..
            } => {}
            Piece::Gap { len, .. } => {
                out.extend_from_slice(format!("[{len} bytes missing in capture file]").as_bytes());
                out.push(0);
            }
        }
    }
    out
}

struct Oracle {
    nodes: [String; 2],
    bytes: [Vec<u8>; 2],
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn parse_oracle(text: &str) -> Option<Oracle> {
    let mut nodes = [String::new(), String::new()];
    let mut bytes = [Vec::new(), Vec::new()];
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("Node 0: ") {
            nodes[0] = rest.trim().to_string();
        } else if let Some(rest) = line.strip_prefix("Node 1: ") {
            nodes[1] = rest.trim().to_string();
        } else if line.starts_with("====")
            || line.starts_with("Follow:")
            || line.starts_with("Filter:")
            || line.is_empty()
        {
            continue;
        } else if let Some(hex) = line.strip_prefix('\t') {
            bytes[1].extend(unhex(hex.trim())?);
        } else {
            bytes[0].extend(unhex(line.trim())?);
        }
    }
    Some(Oracle { nodes, bytes })
}

fn first_difference(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

#[test]
fn follow_matches_tshark() {
    let Some(dir) = common::shared_captures() else {
        return;
    };
    let oracles: Vec<_> = common::oracles(&dir)
        .into_iter()
        .filter(|p| p.join("follow").is_dir())
        .collect();
    let (mut files, mut streams, mut bytes_compared) = (0, 0, 0u64);
    let mut mismatches: Vec<String> = Vec::new();
    let mut allowed_hit: HashMap<(String, u32), bool> = HashMap::new();
    for oracle_dir in oracles {
        let name = oracle_dir
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let capture = dir.join(&name);
        let Ok(trace) = Trace::open(&capture) else {
            mismatches.push(format!("{name}: cannot open"));
            continue;
        };
        files += 1;
        let mut entries: Vec<_> = std::fs::read_dir(oracle_dir.join("follow"))
            .expect("read follow dir")
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries {
            let Some(n) = path
                .file_name()
                .and_then(|f| f.to_str())
                .and_then(|f| f.strip_suffix(".raw.txt"))
                .and_then(|f| f.parse::<u32>().ok())
            else {
                continue;
            };
            let text = std::fs::read_to_string(&path).expect("read oracle");
            let Some(oracle) = parse_oracle(&text) else {
                mismatches.push(format!("{name} stream {n}: unparsable oracle"));
                continue;
            };
            streams += 1;
            let allowed = ALLOWED.iter().any(|(f, s, _)| *f == name && *s == n);
            let Some(conv) = trace.conversations.tcp_stream(n) else {
                if oracle.bytes.iter().any(|b| !b.is_empty()) {
                    mismatches.push(format!("{name} stream {n}: no such stream here"));
                }
                continue;
            };
            let ours = follow(&trace.store, conv);
            for side in [Side::Client, Side::Server] {
                let t = ours.totals(side);
                if t.gaps > 0 {
                    println!(
                        "  {name} stream {n} {}: {} gaps ({} bytes missing, {} cut by snaplen)",
                        side.name(),
                        t.gaps,
                        t.missing_bytes,
                        t.cut_bytes
                    );
                }
            }
            // Node 0 is the first packet's source (side A of the conversation).
            let node0 = if oracle.nodes[0] == ours.server.to_string() {
                Side::Server
            } else {
                Side::Client
            };
            for (k, side) in [node0, node0.other()].into_iter().enumerate() {
                let got = render(&ours, side);
                let want = &oracle.bytes[k];
                bytes_compared += want.len() as u64;
                if &got != want {
                    let at = first_difference(&got, want);
                    let msg = format!(
                        "{name} stream {n} {} (node {k} {}): ours {} bytes, tshark {} bytes, first difference at byte {at}",
                        side.name(),
                        oracle.nodes[k],
                        got.len(),
                        want.len()
                    );
                    if allowed {
                        allowed_hit.insert((name.clone(), n), true);
                        println!("allowed mismatch: {msg}");
                    } else {
                        mismatches.push(msg);
                    }
                }
            }
        }
    }
    println!(
        "follow conformance: {files} files, {streams} streams, {bytes_compared} bytes compared"
    );
    for (f, s, why) in ALLOWED {
        if !allowed_hit.contains_key(&(f.to_string(), *s)) {
            println!("allow-list entry no longer needed: {f} stream {s} ({why})");
        }
    }
    for m in &mismatches {
        println!("MISMATCH {m}");
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches (see above)",
        mismatches.len()
    );
}

fn sample(name: &str) -> Trace {
    Trace::open(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample-captures")
            .join(name),
    )
    .expect("sample capture opens")
}

#[test]
fn ladder_textbook_visit() {
    let t = sample("textbook-visit.pcap");
    let conv = t.conversations.tcp_stream(0).expect("stream 0");
    insta::assert_snapshot!(render_text(
        &ladder(&t.store, &t.conversations, conv, false),
        100
    ));
}

#[test]
fn ladder_refused() {
    let t = sample("refused-rst.pcap");
    let conv = t.conversations.tcp_stream(0).expect("stream 0");
    insta::assert_snapshot!(render_text(
        &ladder(&t.store, &t.conversations, conv, false),
        80
    ));
}
