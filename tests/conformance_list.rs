//! Conformance of `wirelens list -e` with tshark 4.0: for every capture in
//! `../shared/captures/`, every field of the oracle's `packets.tsv` (except the
//! `_ws.col.*` display columns) is compared, packet by packet.
//!
//! Known differences, each with its evidence, are listed in [`KNOWN`].

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

mod common;

/// (capture, frame, field, why tshark's value differs from ours).
const KNOWN: &[(&str, u64, &str, &str)] = &[
    // Record 2's header at byte offset 228 is ca 43 ea 59 ... in libpcap
    // layout: ts_sec=1140783872, ts_usec=0, incl_len=1409179648 (0x53fe6000),
    // which exceeds 262144: the file is corrupt there and we stop with an
    // error naming packet 2 and offset 228 (tcpdump does the same). tshark
    // instead guesses a "modified libpcap" variant with longer record headers
    // for the whole file, which shifts frame 1's Ethernet header by 8 bytes
    // (its eth.src 45:00:00:ae:11:16 is the start of the IPv4 header) and
    // invents a frame 2 of 1 byte.
    (
        "malformed-oversized-record.pcap",
        1,
        "*",
        "tshark guessed a modified-pcap variant",
    ),
    (
        "malformed-oversized-record.pcap",
        2,
        "*",
        "tshark guessed a modified-pcap variant",
    ),
];

/// Why each row whose Protocol or Info still differs from tshark's does:
/// (capture, frames or all, what tshark's Info contains, the reason). A row
/// that differs without an entry here fails the test.
const EXPLAINED: &[(&str, Option<&[u64]>, &str, &str)] = &[
    // Frames 1226.. are out-of-order copies of bytes tshark had already
    // reassembled (the same Seq=899890.. appear twice before, 1400 bytes
    // each); its reassembly refuses them and appends its error to Info.
    // wirelens takes the first copy and adds no reassembly note.
    (
        "http-range-retrans-ooo-rst.pcap",
        None,
        "[Reassembly error, protocol TCP: New fragment overlaps old data",
        "tshark's reassembly error note",
    ),
    // The 206 response's head starts in frame 953 (its first bytes are
    // "HTTP/1.1 206 Partial Content"); tshark, whose reassembly of this
    // stream broke on the overlapping copies above, names it later.
    (
        "http-range-retrans-ooo-rst.pcap",
        Some(&[953]),
        "[TCP segment of a reassembled PDU]",
        "tshark's reassembly of the broken stream",
    ),
    // Frame 165's 1296 bytes hold the start of a 200 response after the
    // gap; tshark keeps waiting for the missing bytes of the previous body.
    (
        "http-pipelined-chunked-with-gap.pcap",
        Some(&[165]),
        "[TCP segment of a reassembled PDU]",
        "tshark waits for bytes lost in the gap",
    ),
    // tshark appends this note when a dissector reads past the captured
    // bytes (snaplen 96 here, 272 of 300 in the BOOTP frames); wirelens
    // shows it as the tree's last line, not in Info.
    (
        "*",
        None,
        "[Packet size limited during capture]",
        "the snaplen note in Info",
    ),
    // A chunk size of 2^64 overflows tshark's chunk parser.
    (
        "zeek-variant-01-chunk_2pow64_overflow.pcap",
        Some(&[4]),
        "[Malformed Packet]",
        "tshark's malformed-chunk note",
    ),
];

fn explained(capture: &str, frame: u64, _proto: &str, info: &str) -> Option<&'static str> {
    EXPLAINED
        .iter()
        .find(|(c, frames, needle, _)| {
            (*c == "*" || *c == capture)
                && frames.is_none_or(|f| f.contains(&frame))
                && info.contains(needle)
        })
        .map(|(_, _, _, why)| *why)
}

/// The Protocol and Info columns must equal tshark's on at least these
/// shares of the shared corpus's packets (issue 14's measure).
const PROTOCOL_SHARE: f64 = 0.99;
const INFO_SHARE: f64 = 0.97;

/// Compares the Protocol and Info columns (`_ws.col.Protocol`,
/// `_ws.col.Info`) with tshark's, row by row, and prints the counts per
/// tshark protocol. Rows of [`KNOWN`] (tshark artefacts) are left out. The
/// differences left are tshark's reassembly-error, malformed and
/// "[Packet size limited during capture]" notes, its Continuation after a
/// SYN-carried request, and segments it leaves waiting where wirelens
/// completes a message; they are listed per protocol so that a
/// regression shows.
fn columns_against_tshark(oracles: &[PathBuf]) -> (u32, u32, u32) {
    let mut per: BTreeMap<String, (u32, u32, u32)> = BTreeMap::new();
    let mut examples: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unexplained = Vec::new();
    for oracle in oracles {
        let capture = oracle.with_extension("");
        let name = capture
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let tsv = std::fs::read_to_string(oracle.join("packets.tsv")).expect("packets.tsv");
        let out = Command::new(env!("CARGO_BIN_EXE_wirelens"))
            .args(["list", "-e", "_ws.col.Protocol", "-e", "_ws.col.Info"])
            .arg(&capture)
            .output()
            .expect("run wirelens");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let ours: Vec<&str> = stdout.lines().collect();
        for (row, line) in tsv.lines().skip(1).enumerate() {
            let frame = row as u64 + 1;
            if known(&name, frame, "_ws.col.Info") {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let (proto, info) = (
                cols.get(23).copied().unwrap_or(""),
                cols.get(24).copied().unwrap_or(""),
            );
            let mut mine = ours.get(row).copied().unwrap_or("").splitn(2, '\t');
            let (p, i) = (mine.next().unwrap_or(""), mine.next().unwrap_or(""));
            let e = per.entry(proto.to_string()).or_default();
            e.0 += 1;
            e.1 += u32::from(p == proto);
            e.2 += u32::from(i == info);
            if p != proto || i != info {
                if explained(&name, frame, proto, info).is_none() {
                    unexplained.push(format!(
                        "{name} frame {frame}: tshark {proto} | {info}; wirelens {p} | {i}"
                    ));
                }
                examples.entry(proto.to_string()).or_default().push(format!(
                    "{name} frame {frame}: tshark {proto} | {info}\n        wirelens {p} | {i}"
                ));
            }
        }
    }
    assert!(
        unexplained.is_empty(),
        "rows that differ from tshark without a reason in EXPLAINED:\n{}",
        unexplained.join("\n")
    );
    let total = per
        .values()
        .fold((0, 0, 0), |a, v| (a.0 + v.0, a.1 + v.1, a.2 + v.2));
    println!(
        "columns: {} rows; Protocol equal on {} ({:.2}%), Info on {} ({:.2}%)",
        total.0,
        total.1,
        100.0 * f64::from(total.1) / f64::from(total.0.max(1)),
        total.2,
        100.0 * f64::from(total.2) / f64::from(total.0.max(1)),
    );
    println!(
        "    {:<18} {:>6} {:>9} {:>6}",
        "tshark protocol", "rows", "Protocol", "Info"
    );
    for (proto, (all, p, i)) in &per {
        println!("    {proto:<18} {all:>6} {p:>9} {i:>6}");
    }
    for (proto, list) in &examples {
        for m in list.iter().take(3) {
            println!("DIFFERS ({proto}) {m}");
        }
    }
    total
}

fn known(capture: &str, frame: u64, field: &str) -> bool {
    KNOWN.iter().any(|(c, f, name, _)| {
        *c == capture
            && *f == frame
            && (*name == "*"
                || *name == field
                || (name.ends_with('*') && field.starts_with(&name[..name.len() - 1])))
    })
}

#[test]
fn list_fields_match_tshark() {
    let Some(dir) = common::shared_captures() else {
        return;
    };
    let oracles = common::oracles(&dir);
    let (mut files, mut packets, mut values, mut matched) = (0, 0u64, 0u64, 0u64);
    let mut mismatches: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut known_hits = 0;
    for oracle in &oracles {
        let capture = oracle.with_extension("");
        let name = capture
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let tsv = std::fs::read_to_string(oracle.join("packets.tsv")).expect("packets.tsv");
        let mut lines = tsv.lines();
        let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
        let wanted: Vec<(usize, &str)> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| !h.starts_with("_ws."))
            .map(|(i, h)| (i, *h))
            .collect();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wirelens"));
        cmd.arg("list").arg(&capture);
        for (_, f) in &wanted {
            cmd.arg("-e").arg(f);
        }
        let out = cmd.output().expect("run wirelens");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let ours: Vec<Vec<&str>> = stdout.lines().map(|l| l.split('\t').collect()).collect();
        files += 1;
        for (row, line) in lines.enumerate() {
            let theirs: Vec<&str> = line.split('\t').collect();
            let frame = row as u64 + 1;
            packets += 1;
            for (k, (col, field)) in wanted.iter().enumerate() {
                let want = theirs.get(*col).copied().unwrap_or("");
                let got = ours
                    .get(row)
                    .and_then(|r| r.get(k))
                    .copied()
                    .unwrap_or("<no row>");
                values += 1;
                if want == got {
                    matched += 1;
                } else if known(&name, frame, field) {
                    known_hits += 1;
                } else {
                    mismatches.entry(name.clone()).or_default().push(format!(
                        "frame {frame} {field}: tshark {want:?}, wirelens {got:?}"
                    ));
                }
            }
        }
    }
    println!(
        "list conformance: {files} files, {packets} packets, {values} field values compared, {matched} equal, {known_hits} known tshark differences"
    );
    for (file, list) in &mismatches {
        println!("MISMATCH {file}: {} values", list.len());
        for m in list.iter().take(10) {
            println!("    {m}");
        }
    }
    let (rows, protocol, info) = columns_against_tshark(&oracles);
    assert!(files > 0, "no oracles found");
    let share = |n: u32| f64::from(n) / f64::from(rows.max(1));
    assert!(
        share(protocol) >= PROTOCOL_SHARE,
        "Protocol column equal to tshark's on {protocol} of {rows} rows only"
    );
    assert!(
        share(info) >= INFO_SHARE,
        "Info column equal to tshark's on {info} of {rows} rows only"
    );
    assert!(
        mismatches.is_empty(),
        "fields differ from tshark (see above)"
    );
}

/// Info labels tshark prepends for each analysis flag, and our field for it.
const ANALYSIS_LABELS: &[(&str, &str)] = &[
    ("TCP Retransmission", "tcp.analysis.retransmission"),
    (
        "TCP Fast Retransmission",
        "tcp.analysis.fast_retransmission",
    ),
    (
        "TCP Spurious Retransmission",
        "tcp.analysis.spurious_retransmission",
    ),
    ("TCP Out-Of-Order", "tcp.analysis.out_of_order"),
    (
        "TCP Previous segment not captured",
        "tcp.analysis.lost_segment",
    ),
    ("TCP ACKed unseen segment", "tcp.analysis.ack_lost_segment"),
    ("TCP Dup ACK", "tcp.analysis.duplicate_ack"),
    ("TCP ZeroWindow", "tcp.analysis.zero_window"),
    ("TCP Window Full", "tcp.analysis.window_full"),
    ("TCP Keep-Alive", "tcp.analysis.keep_alive"),
    ("TCP Keep-Alive ACK", "tcp.analysis.keep_alive_ack"),
    ("TCP Window Update", "tcp.analysis.window_update"),
    ("TCP ZeroWindowProbe", "tcp.analysis.zero_window_probe"),
    (
        "TCP ZeroWindowProbeAck",
        "tcp.analysis.zero_window_probe_ack",
    ),
    ("TCP Port numbers reused", "tcp.analysis.reused_ports"),
];

/// The analysis fields named by the `[TCP ...]` labels of a tshark Info text.
fn tshark_flags(info: &str) -> std::collections::BTreeSet<&'static str> {
    let mut out = std::collections::BTreeSet::new();
    let mut rest = info;
    while let Some(start) = rest.find("[TCP ") {
        let Some(len) = rest[start..].find(']') else {
            break;
        };
        let label = &rest[start + 1..start + len];
        // "TCP Dup ACK 5#1" names the duplicated frame and the count.
        let label = match label.rfind(' ') {
            Some(i) if label[i + 1..].contains('#') => &label[..i],
            _ => label,
        };
        if let Some((_, field)) = ANALYSIS_LABELS.iter().find(|(l, _)| *l == label) {
            out.insert(*field);
            // Wireshark also sets tcp.analysis.retransmission for these two.
            if label == "TCP Fast Retransmission" || label == "TCP Spurious Retransmission" {
                out.insert("tcp.analysis.retransmission");
            }
        }
        rest = &rest[start + len..];
    }
    out
}

#[test]
fn every_analysis_flag_matches_tshark() {
    let Some(dir) = common::shared_captures() else {
        return;
    };
    let oracles = common::oracles(&dir);
    let fields: Vec<&str> = ANALYSIS_LABELS.iter().map(|(_, f)| *f).collect();
    let mut per: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    let mut mismatches = Vec::new();
    let mut segments = 0;
    for oracle in &oracles {
        let capture = oracle.with_extension("");
        let name = capture
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let tsv = std::fs::read_to_string(oracle.join("packets.tsv")).expect("packets.tsv");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wirelens"));
        cmd.arg("list").arg(&capture);
        for f in &fields {
            cmd.arg("-e").arg(f);
        }
        let out = cmd.output().expect("run wirelens");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let ours: Vec<&str> = stdout.lines().collect();
        for (row, line) in tsv.lines().skip(1).enumerate() {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.get(14).is_none_or(|s| s.is_empty())
                || known(&name, row as u64 + 1, "tcp.analysis.flags")
            {
                continue;
            }
            segments += 1;
            let theirs = tshark_flags(cols.get(24).copied().unwrap_or(""));
            let mine: std::collections::BTreeSet<&str> = ours
                .get(row)
                .map(|l| {
                    l.split('\t')
                        .zip(&fields)
                        .filter(|(v, _)| *v == "1")
                        .map(|(_, f)| *f)
                        .collect()
                })
                .unwrap_or_default();
            for f in &fields {
                let (t, m) = (theirs.contains(f), mine.contains(f));
                if t || m {
                    let e = per.entry(f).or_default();
                    e.1 += 1;
                    if t == m {
                        e.0 += 1;
                    } else {
                        mismatches.push(format!(
                            "{name} frame {}: {f}: tshark {t}, wirelens {m}",
                            row + 1
                        ));
                    }
                }
            }
        }
    }
    println!("analysis flags: {segments} TCP segments compared, flag by flag");
    for (f, (eq, all)) in &per {
        println!("    {f:<40} {eq:>5} / {all}");
    }
    for m in mismatches.iter().take(20) {
        println!("MISMATCH {m}");
    }
    assert!(
        mismatches.is_empty(),
        "{} analysis flags differ from tshark",
        mismatches.len()
    );
}

#[test]
#[should_panic(expected = "conformance cannot be skipped in CI")]
fn a_missing_oracle_folder_fails_in_ci() {
    let _ = common::locate(
        std::path::PathBuf::from("/nonexistent/shared/captures"),
        true,
    );
}

#[test]
fn a_missing_oracle_folder_skips_outside_ci() {
    assert_eq!(
        common::locate(
            std::path::PathBuf::from("/nonexistent/shared/captures"),
            false
        ),
        None
    );
}
