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
    let (matched, compared, runs, wrong, _) = compare_dir_by_field(sub, |t| t.to_string());
    (matched, compared, runs, wrong)
}

/// [`compare_dir`], each tshark cell passed through `expected` first, with
/// the (matched, compared) counts of each field of `fields.in`.
#[allow(clippy::type_complexity)]
fn compare_dir_by_field(
    sub: &str,
    expected_cell: impl Fn(&str) -> String,
) -> (
    usize,
    usize,
    usize,
    Vec<String>,
    Vec<(String, usize, usize)>,
) {
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
    let mut by_field: Vec<(String, usize, usize)> =
        fields.iter().map(|f| (f.clone(), 0, 0)).collect();
    for name in names {
        let capture_name = name.trim_end_matches(".tsv");
        let local = [
            "sample-captures",
            "tests/fixtures/verbose",
            "tests/fixtures/protocols",
        ]
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
                let t = &expected_cell(t);
                compared += 1;
                if let Some(f) = by_field.get_mut(col) {
                    f.2 += 1;
                }
                if mine.get(col) == Some(&t.as_str()) {
                    matched += 1;
                    if let Some(f) = by_field.get_mut(col) {
                        f.1 += 1;
                    }
                } else {
                    let short = |s: &str| s.chars().take(160).collect::<String>();
                    wrong.push(format!(
                        "{capture_name} frame {} {}: tshark {:?}, ours {:?}",
                        row + 1,
                        fields[col],
                        short(t),
                        mine.get(col).map(|m| short(m))
                    ));
                }
            }
        }
    }
    (matched, compared, runs, wrong, by_field)
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
/// summary line or name; `http.request.line`, `http.response.line` and
/// `http.file_data` have their own test below.
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

/// The TLS handshake inside decrypted QUIC Initials' CRYPTO frames: the
/// `tls.handshake.*` fields (type, length, hello version and random, cipher
/// suites, SNI, ALPN, supported versions, signature algorithms, groups,
/// JA3/JA3S), the transport parameters (`tls.quic.parameter.*`), and the
/// CRYPTO reassembly (`quic.crypto.*`, `tls.handshake.fragment*`,
/// `frame.protocols`) against tshark on the crafted QUIC captures
/// (`tests/fixtures/quic_tls/make.sh`).
#[test]
fn quic_tls_fields_match_tshark() {
    let (matched, compared, runs, wrong) = compare_dir("quic_tls");
    println!("QUIC TLS fields: {matched} of {compared} cells equal tshark's over {runs} captures");
    assert_eq!(runs, 3, "the crafted QUIC captures are committed");
    assert!(wrong.is_empty(), "differences:\n{}", wrong.join("\n"));
}

/// Frames where wirelens and tshark find different HTTP messages, each with
/// the bytes that say why (the same frames as `conformance_http`'s ALLOWED
/// and `conformance_list`'s EXPLAINED): (capture, frame, reason).
const HTTP_EXPLAINED: &[(&str, u32, &str)] = &[
    ("http-ipv6-keepalive-1000req-one-dropped.pcap", 7, "frame 7 follows a lost segment (Seq=239, previous segment not captured): tshark calls it Continuation and gives its bytes as file data; wirelens makes up no message without a head"),
    ("http-pipelined-chunked-with-gap.pcap", 165, "retransmissions 161 and 163 fill the hole: the 200 image/jpeg (Content-Length 34152) completes in 165; tshark waits for the gap"),
    ("http-range-retrans-ooo-rst.pcap", 953, "the 206 (Content-Length 816896) is complete once the out-of-order segments are placed; tshark's reassembly broke on the overlapping copies"),
    ("http-snaplen96-truncated.pcap", 6, "the 200 head is cut by snaplen 96 (no blank line captured): tshark dissects the cut head, wirelens marks it partial"),
    ("nsec-http-get-to-ssh-server-rst.pcap", 4, "a complete `GET / HTTP/1.1` head sent to port 22: tshark dissects port 22 as SSH, wirelens finds HTTP by content"),
];

/// Every HTTP header line as an occurrence of `http.request.line` /
/// `http.response.line` (hidden fields beside `http.host` and the like), and
/// the body as `http.file_data` (de-chunked, decoded, cut at its first NUL,
/// bytes past ASCII as U+FFFD), against `tshark -T fields` on every capture
/// with HTTP (`tests/fixtures/http_lines/make.sh`). tshark prints control
/// characters of a body raw; wirelens never lets them reach the terminal
/// (`text::sanitize` writes `\x01`), so tshark's cell is sanitized the same
/// way before the comparison: the rest of it must be equal.
#[test]
fn http_lines_and_file_data_match_tshark() {
    let (matched, compared, runs, wrong, by_field) =
        compare_dir_by_field("http_lines", |t| wirelens::text::sanitize(t).into_owned());
    for (field, m, c) in &by_field {
        println!("{field}: {m} of {c} cells equal tshark's");
    }
    let (explained, wrong): (Vec<_>, Vec<_>) = wrong.into_iter().partition(|w| {
        HTTP_EXPLAINED
            .iter()
            .any(|(c, f, _)| w.starts_with(&format!("{c} frame {f} ")))
    });
    println!(
        "HTTP lines and file data: {matched} of {compared} cells over {runs} captures, {} explained",
        explained.len()
    );
    assert!(runs >= 5, "the sample captures are always there");
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
