//! `list -w`: the saved capture is read back by wirelens itself (its
//! tshark conformance is tests/conformance_write.rs): a pcapng keeps its
//! Decryption Secrets Block, so the saved TLS still decrypts; an existing
//! file is never replaced without --overwrite; `-w -` writes to stdout.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sample(name: &str) -> String {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-captures")
        .join(name);
    p.to_str().expect("utf-8 path").to_string()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirelens"))
        .args(args)
        .output()
        .expect("run wirelens")
}

#[test]
fn a_saved_pcapng_keeps_its_secrets_and_frames() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("tls.pcapng");
    let out = out.to_str().expect("utf-8");
    let input = sample("tls13-h2-dsb.pcapng");
    let o = run(&["list", &input, "-Y", "tcp", "-w", out]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty(), "-w lists nothing, as tshark -w");
    let want = run(&[
        "list",
        &input,
        "-Y",
        "tcp",
        "-e",
        "frame.time_epoch",
        "-e",
        "frame.len",
    ]);
    let got = run(&["list", out, "-e", "frame.time_epoch", "-e", "frame.len"]);
    assert_eq!(got.stdout, want.stdout);
    // The secrets came along: the HTTP/2 inside the TLS is read from a copy
    // (of every frame, so that frame numbers stay the same).
    let all = dir.path().join("all.pcapng");
    let all = all.to_str().expect("utf-8");
    assert!(run(&["list", &input, "-w", all]).status.success());
    let http = |f: &str| String::from_utf8_lossy(&run(&["http", f, "--json"]).stdout).into_owned();
    assert_eq!(http(&input).lines().count(), 3, "{}", http(&input));
    assert_eq!(http(all), http(&input));
    // Written again to standard output: the same bytes.
    let piped = run(&["list", &input, "-Y", "tcp", "-w", "-"]);
    assert_eq!(piped.stdout, std::fs::read(out).expect("read"));
}

#[test]
fn an_existing_file_is_replaced_only_when_asked() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("out.pcap");
    std::fs::write(&out, b"precious").expect("write");
    let out = out.to_str().expect("utf-8");
    let input = sample("textbook-visit.pcap");
    let o = run(&["list", &input, "-w", out, "-F", "pcap"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already exists"));
    assert_eq!(std::fs::read(out).expect("read"), b"precious");
    let o = run(&["list", &input, "-w", out, "-F", "pcap", "--overwrite"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // pcap to pcap with every packet: the file itself.
    assert_eq!(
        std::fs::read(out).expect("read"),
        std::fs::read(&input).expect("read")
    );
    let o = run(&["list", &input, "-w", out, "-F", "pcapx"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["list", &input, "-F", "pcap"]);
    assert_eq!(o.status.code(), Some(2), "-F needs -w");
}
