//! The headless commands as a user runs them: exit statuses, messages for
//! damaged files, follow/ladder/flows/http output on the project's own
//! samples, and `export`'s safety (never outside the folder, never overwriting
//! without --force, hostile names made harmless).

#[path = "../examples/hostile/captures.rs"]
mod hostile;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-captures")
        .join(name)
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirelens"))
        .args(args)
        .output()
        .expect("run wirelens")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn list_shows_the_dns_lookup_and_the_handshake() {
    let o = run(&["list", path(&sample("textbook-visit.pcap"))]);
    let (out, _) = text(&o);
    assert!(o.status.success());
    assert_eq!(out.lines().count(), 27);
    assert!(
        out.contains("Standard query 0x29ef A www.wirelens.test"),
        "{out}"
    );
    assert!(
        out.contains("60918 → 80 [SYN] Seq=0 Win=64240 Len=0 MSS=1460"),
        "{out}"
    );
    assert!(out.contains("HTTP/1.1 200 OK  (text/html)"), "{out}");
}

#[test]
fn damaged_files_name_the_offset_and_set_the_exit_status() {
    let dir = tempfile::tempdir().expect("tempdir");
    let garbage = dir.path().join("garbage.pcap");
    std::fs::write(&garbage, b"this is not a capture").expect("write");
    let o = run(&["list", path(&garbage)]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err.contains("unknown magic") && err.contains("byte offset 0"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");

    let bytes = std::fs::read(sample("textbook-visit.pcap")).expect("sample");
    let cut = dir.path().join("cut.pcap");
    std::fs::write(&cut, &bytes[..2000]).expect("write");
    let o = run(&["list", path(&cut)]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(out.lines().count(), 7);
    assert!(
        err.contains("cut short in the middle of a packet (packet 8 at byte offset"),
        "{err}"
    );

    let mut huge = bytes[..24].to_vec();
    huge.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0x10]);
    let bad = dir.path().join("huge.pcap");
    std::fs::write(&bad, &huge).expect("write");
    let o = run(&["list", path(&bad)]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err.contains("packet 1 at byte offset 24") && err.contains("bigger than the maximum"),
        "{err}"
    );
}

#[test]
fn follow_raw_is_the_exact_bytes_and_ladder_shows_the_phases() {
    let o = run(&[
        "follow",
        path(&sample("textbook-visit.pcap")),
        "--stream",
        "0",
        "--format",
        "raw",
        "--direction",
        "server",
    ]);
    assert!(o.status.success());
    let page = std::fs::read(sample("content/index.html")).expect("index.html");
    assert!(o.stdout.starts_with(b"HTTP/1.1 200 OK\r\n"));
    assert!(
        o.stdout.ends_with(&page),
        "the server's stream ends with the page, byte for byte"
    );

    let o = run(&[
        "ladder",
        path(&sample("textbook-visit.pcap")),
        "--stream",
        "0",
    ]);
    let (out, _) = text(&o);
    for needle in [
        "Three-way handshake",
        "[SYN] Seq=0",
        "[SYN, ACK] Seq=0 Ack=1",
        "Four-way teardown",
        "[FIN, ACK] Seq=82 Ack=11353",
    ] {
        assert!(out.contains(needle), "{needle} missing:\n{out}");
    }
    let o = run(&[
        "ladder",
        path(&sample("textbook-visit.pcap")),
        "--stream",
        "7",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("no TCP stream 7"));
}

#[test]
fn flows_json_and_http_with_a_filter() {
    let o = run(&[
        "flows",
        path(&sample("keepalive-3-requests.pcap")),
        "--json",
    ]);
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("flows --json is JSON Lines"))
        .collect();
    assert_eq!(rows.len(), 2, "one DNS and one TCP conversation");
    assert_eq!(rows[1]["protocol"], "TCP");
    assert!(
        rows[1]["packets_client_to_server"].is_u64(),
        "numbers are numbers"
    );
    let (out, _) = text(&run(&["http", path(&sample("keepalive-3-requests.pcap"))]));
    assert_eq!(
        out.lines().count(),
        4,
        "header and three transactions:\n{out}"
    );
    let (out, _) = text(&run(&[
        "http",
        path(&sample("keepalive-3-requests.pcap")),
        "-Y",
        "http.request.uri contains \"css\"",
    ]));
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("/style.css"), "{out}");
}

#[test]
fn export_writes_decoded_bodies_and_never_overwrites_without_force() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("bodies");
    let capture = sample("chunked-gzip.pcap");
    let o = run(&["export", path(&capture), "-o", path(&out)]);
    assert!(o.status.success(), "{:?}", text(&o));
    let report = std::fs::read(sample("content/report.txt")).expect("report.txt");
    assert_eq!(
        std::fs::read(out.join("report.txt")).expect("exported"),
        report
    );

    let o = run(&["export", path(&capture), "-o", path(&out)]);
    let (_, err) = text(&o);
    assert!(err.contains("exists"), "{err}");
    assert_eq!(
        o.status.code(),
        Some(2),
        "a file not written fails the export"
    );
    assert_eq!(std::fs::read(out.join("report.txt")).expect("kept"), report);

    std::fs::write(out.join("report.txt"), b"changed").expect("write");
    let o = run(&["export", path(&capture), "-o", path(&out), "--force"]);
    assert!(o.status.success());
    assert_eq!(
        std::fs::read(out.join("report.txt")).expect("rewritten"),
        report
    );
}

#[test]
fn hostile_names_stay_inside_the_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let capture = dir.path().join("hostile.pcap");
    std::fs::write(&capture, hostile::traversal()).expect("write");
    let out = dir.path().join("a").join("b");
    let o = run(&["export", path(&capture), "-o", path(&out)]);
    assert!(o.status.success(), "{:?}", text(&o));
    let names: Vec<String> = std::fs::read_dir(&out)
        .expect("export dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(
        !names[0].starts_with('.') && !names[0].contains('/'),
        "{names:?}"
    );
    assert_eq!(
        std::fs::read(out.join(&names[0])).expect("body"),
        b"root:x:0:0\n"
    );
    // Nothing escaped: the only entries above are the capture and `a`.
    let above: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert_eq!(above.len(), 2);
    assert!(!dir.path().join(".bashrc").exists() && !out.join("..").join(".bashrc").exists());
}

#[test]
fn help_lists_every_command() {
    let (out, _) = text(&run(&["--help"]));
    for c in [
        "list", "flows", "follow", "ladder", "http", "export", "stats",
    ] {
        assert!(
            out.contains(&format!("  {c} ")),
            "{c} missing from --help:\n{out}"
        );
    }
}
