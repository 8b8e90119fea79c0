//! What wirelens does with each hostile capture of `examples/hostile`
//! (escapes, bombs, absurd lengths, header floods, sequence wrap, conflicting
//! overlaps, held-segment floods, DNS loops, flow floods): the exact output,
//! error text and `limit reached` report, through the CLI as a user runs it.
//! (The traversal capture is exercised by `tests/cli.rs`.)

#[path = "../examples/hostile/captures.rs"]
mod hostile;

use std::path::Path;
use std::process::{Command, Output};

/// Writes `bytes` as `name.pcap` in a fresh folder and runs wirelens on it.
fn run(name: &str, bytes: &[u8], args: &[&str]) -> (Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(format!("{name}.pcap"));
    std::fs::write(&file, bytes).expect("write");
    let file = file.to_str().expect("utf-8").to_string();
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            if *a == "FILE" {
                file.clone()
            } else {
                a.replace("DIR", &dir.path().display().to_string())
            }
        })
        .collect();
    let o = Command::new(env!("CARGO_BIN_EXE_wirelens"))
        .args(&args)
        .output()
        .expect("run wirelens");
    (o, dir)
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The `limit reached` lines of standard error, without the file name.
fn limits(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter_map(|l| {
            l.split_once(": limit reached: ")
                .map(|(_, r)| format!("limit reached: {r}"))
        })
        .collect()
}

#[test]
fn escapes_never_reach_the_terminal_raw() {
    let bytes = hostile::escapes();
    for args in [
        &["list", "FILE"][..],
        &[
            "list",
            "FILE",
            "-e",
            "http.request.uri",
            "-e",
            "http.host",
            "-e",
            "http.user_agent",
        ],
        &["http", "FILE"],
        &["http", "FILE", "--json"],
        &["flows", "FILE"],
        &["follow", "--stream", "0", "FILE"],
        &["follow", "--stream", "1", "FILE"],
        &["ladder", "--stream", "0", "FILE"],
        &["export", "FILE", "-o", "DIR/out"],
    ] {
        let (o, dir) = run("escapes", &bytes, args);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        for (what, stream) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
            // Line ends and the TSV's tabs are the output's own.
            let text = String::from_utf8_lossy(stream);
            assert!(
                !text
                    .chars()
                    .any(|c| c != '\n' && c != '\t' && wirelens::text::is_unsafe(c)),
                "{args:?} {what} carries a raw escape: {text:?}"
            );
        }
        if args[0] == "export" {
            // The file name keeps no override either (it would show
            // "txt.exe" as "exe.txt"). The second connection's answer has no
            // HTTP head: tshark 4.0's --export-objects http writes it as
            // `object13` ("ok\r\n"), and so does wirelens.
            let mut names: Vec<String> = std::fs::read_dir(dir.path().join("out"))
                .expect("export folder")
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            assert_eq!(names, ["object13", "txt.exe2J"]);
        }
    }
    let (o, _dir) = run("escapes", &bytes, &["list", "FILE"]);
    let list = out(&o);
    assert!(
        list.contains("Standard query 0x1337 A \\027]0;pwned\\007.example.org"),
        "{list}"
    );
    assert!(list.contains("GET /\\x9b2Jindex.html HTTP/1.1"), "{list}");
    let (o, _dir) = run("escapes", &bytes, &["follow", "--stream", "1", "FILE"]);
    assert!(out(&o).contains(".]0;pwned..[2J.[31mred"), "{}", out(&o));
}

#[test]
fn a_gzip_bomb_stops_at_the_decoded_bound_and_says_so() {
    let (o, dir) = run(
        "gzip-bomb",
        &hostile::gzip_bomb(),
        &[
            "export",
            "FILE",
            "-o",
            "DIR/out",
            "--max-decoded",
            "1048576",
        ],
    );
    assert!(o.status.success());
    assert_eq!(
        out(&o).lines().next(),
        Some("bomb.bin\t1048576 bytes\tframe 12 (limit reached: MAX_DECODED_BODY (1048576) at packet 12)")
    );
    let body = std::fs::read(dir.path().join("out").join("bomb.bin")).expect("exported");
    assert_eq!(body.len(), 1 << 20);
    assert!(body.iter().all(|&b| b == 0));
    // Without a smaller bound, 10 MiB is within the default one: all of it.
    let (o, _dir) = run(
        "gzip-bomb",
        &hostile::gzip_bomb(),
        &["http", "FILE", "--json", "--decoded"],
    );
    assert!(
        out(&o).contains(&format!(
            "\"decoded_body_bytes\":{}",
            hostile::GZIP_BOMB_BYTES
        )),
        "{}",
        out(&o)
    );
    assert!(limits(&o).is_empty());
    // Without --decoded nothing is inflated: the size is not known.
    let (o, _dir) = run(
        "gzip-bomb",
        &hostile::gzip_bomb(),
        &["http", "FILE", "--json"],
    );
    assert!(
        out(&o).contains("\"decoded_body_bytes\":null"),
        "{}",
        out(&o)
    );
    let (o, _dir) = run("gzip-bomb", &hostile::gzip_bomb(), &["http", "FILE"]);
    let row = out(&o).lines().nth(1).unwrap_or_default().to_string();
    assert_eq!(row.split('\t').nth(11), Some("-"), "{row}");
}

#[test]
fn a_brotli_bomb_stops_at_the_decompression_ratio() {
    let (o, _dir) = run(
        "brotli-bomb",
        &hostile::brotli_bomb(),
        &["http", "FILE", "--json", "--decoded"],
    );
    assert!(o.status.success());
    assert!(
        out(&o).contains("\"decoded_body_bytes\":1048576"),
        "{}",
        out(&o)
    );
    assert_eq!(
        limits(&o),
        ["limit reached: MAX_DECOMPRESSION_RATIO (1100) at packet 5"]
    );
}

#[test]
fn absurd_lengths_are_partial_bodies_and_a_long_chunk_line_is_reported() {
    let (o, _dir) = run(
        "absurd-lengths",
        &hostile::absurd_lengths(),
        &["http", "FILE"],
    );
    assert!(o.status.success());
    let rows: Vec<Vec<String>> = out(&o)
        .lines()
        .skip(1)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect();
    // A chunk of 2^64-1 bytes: the 3 captured, partial.
    assert_eq!(
        rows[0][5..12],
        ["/a", "200", "", "", "chunked", "3", "3 (partial)"]
    );
    // A Content-Length past u64 is no length: the body runs to the close.
    assert_eq!(
        rows[1][5..12],
        ["/b", "200", "", "99999999999999999999", "", "3", "3"]
    );
    // A chunk-size line of 5000 bytes: malformed, nothing taken.
    assert_eq!(
        rows[2][5..12],
        ["/c", "200", "", "", "chunked", "0", "0 (partial)"]
    );
    assert_eq!(
        limits(&o),
        ["limit reached: MAX_HTTP_CHUNK_LINE (4096) at packet 19"]
    );
}

#[test]
fn header_floods_are_refused_and_reported() {
    let (o, _dir) = run("header-flood", &hostile::header_flood(), &["http", "FILE"]);
    assert!(o.status.success());
    assert_eq!(
        limits(&o),
        [
            "limit reached: MAX_HTTP_HEAD (65536) at packet 13",
            "limit reached: MAX_HTTP_HEADERS (256) at packet 4",
        ]
    );
    // Neither request is taken as HTTP; the responses still are.
    for row in out(&o).lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        assert_eq!((cols[1], cols[3], cols[6]), ("", "", "200"), "{row}");
    }
}

#[test]
fn a_body_across_the_sequence_wrap_is_whole() {
    let (o, dir) = run(
        "seq-wrap",
        &hostile::seq_wrap(),
        &["export", "FILE", "-o", "DIR/out"],
    );
    assert!(o.status.success());
    let body = std::fs::read(dir.path().join("out").join("wrap.txt")).expect("exported");
    assert_eq!(body, hostile::seq_wrap_body());
    assert!(limits(&o).is_empty());
}

#[test]
fn overlaps_keep_the_first_copy_and_held_floods_are_bounded() {
    let bytes = hostile::overlaps();
    let (o, _dir) = run(
        "overlaps",
        &bytes,
        &[
            "list",
            "FILE",
            "-Y",
            "http.request",
            "-e",
            "http.request.uri",
            "-e",
            "http.host",
        ],
    );
    assert_eq!(out(&o), "/aaaa\tx\n");
    let (o, _dir) = run(
        "overlaps",
        &bytes,
        &["follow", "--stream", "1", "--format", "raw", "FILE"],
    );
    assert!(o.status.success());
    // 4096 held one-byte segments, the 4097th pushes the oldest hole out.
    let first_held = 8 + 1; // the first connection's 6 packets, the SYN and "x" (1-based)
    assert_eq!(
        limits(&o),
        [format!(
            "limit reached: MAX_HELD_SEGMENTS (4096) at packet {}",
            first_held + 4096
        )]
    );
    // Every byte still comes out, in order: the holes as gaps.
    let raw = o.stdout;
    assert_eq!(
        raw.iter().filter(|&&b| b == b'y').count() as u32,
        hostile::HELD_FLOOD
    );
}

#[test]
fn dns_pointer_loops_and_long_names_are_reported() {
    let (o, _dir) = run("dns-loop", &hostile::dns_loop(), &["list", "FILE"]);
    assert!(o.status.success());
    let text = out(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].ends_with("UDP        60 5353 → 53 Len=18"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].ends_with("UDP       379 5354 → 53 Len=337"),
        "{}",
        lines[1]
    );
    assert_eq!(
        limits(&o),
        [
            "limit reached: MAX_DNS_NAME (255) at packet 2",
            "limit reached: MAX_DNS_POINTERS (32) at packet 1",
        ]
    );
}

#[test]
fn a_syn_flood_is_one_stream_per_flow_within_the_bound() {
    let (o, _dir) = run(
        "flow-flood",
        &hostile::syn_flood(20_000),
        &["flows", "FILE"],
    );
    assert!(o.status.success());
    assert_eq!(out(&o).lines().count(), 1 + 20_000);
    assert!(limits(&o).is_empty());
}

#[test]
fn a_tcp_header_cut_short_shows_what_tshark_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tcp-cut-short");
    let file = root.join("tcp-header-cut.pcap");
    let fields = "frame.number tcp.srcport tcp.dstport tcp.port tcp.stream tcp.seq tcp.seq_raw tcp.ack_raw tcp.hdr_len tcp.flags tcp.window_size_value tcp.len tcp.checksum.status";
    let mut args = vec!["list".to_string(), file.display().to_string()];
    for f in fields.split(' ') {
        args.push("-e".into());
        args.push(f.into());
    }
    let o = Command::new(env!("CARGO_BIN_EXE_wirelens"))
        .args(&args)
        .output()
        .expect("run");
    let want = std::fs::read_to_string(root.join("fields.tsv")).expect("fixture");
    assert_eq!(out(&o), want);
    // The Protocol and Info columns too, except the first frame: tshark says
    // only "[Packet size limited during capture]" of a TCP header of 2 bytes.
    let o = Command::new(env!("CARGO_BIN_EXE_wirelens"))
        .args(["list", &file.display().to_string()])
        .output()
        .expect("run");
    let ours = out(&o);
    let want = std::fs::read_to_string(root.join("info.tsv")).expect("fixture");
    for (line, tshark) in ours.lines().zip(want.lines()).skip(1) {
        let (proto, info) = tshark.split_once('\t').expect("two columns");
        assert!(
            line.ends_with(&format!(" {proto}        54 {info}")),
            "{line:?} is not {tshark:?}"
        );
    }
    assert_eq!(ours.lines().count(), want.lines().count());
}
