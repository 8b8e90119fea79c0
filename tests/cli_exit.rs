//! Exit statuses, the same for every command and the interactive view's
//! start: 0 success, 1 nothing matched (only with --fail-empty, as grep),
//! 2 bad input or usage (unknown option, bad filter or field, missing or
//! damaged capture, bad configuration).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sample(name: &str) -> String {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-captures")
        .join(name);
    p.to_str().expect("utf-8 path").to_string()
}

fn run_env(args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wirelens"));
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run wirelens")
}

fn status(args: &[&str]) -> Option<i32> {
    run_env(args, &[]).status.code()
}

#[test]
fn nothing_matched_is_1_only_when_asked() {
    let visit = sample("textbook-visit.pcap");
    let none = "tcp.port == 1";
    for args in [
        vec!["list", &visit, "-Y", none],
        vec!["list", &visit, "-Y", none, "--json"],
        vec!["list", &visit, "-Y", none, "-e", "frame.number"],
        vec!["flows", &visit, "-Y", none],
        vec!["http", &visit, "-Y", none],
        vec!["journey", &visit, "-Y", none],
        vec!["stats", "io,phs", &visit, "-Y", none],
        vec!["stats", "endpoints,ip", &visit, "-Y", none, "--json"],
        vec!["stats", "io,stat,1", &visit, "-Y", none],
        vec!["stats", "http,tree", &visit, "-Y", none],
    ] {
        assert_eq!(status(&args), Some(0), "{args:?}");
        let mut strict = args.clone();
        strict.push("--fail-empty");
        assert_eq!(status(&strict), Some(1), "{strict:?}");
        // The flag is global: before the command too.
        let mut before = vec!["--fail-empty"];
        before.extend(&args);
        assert_eq!(status(&before), Some(1), "{before:?}");
    }
    let dns = sample("dns-over-tcp.pcap");
    assert_eq!(status(&["http", &dns, "--fail-empty"]), Some(1));
    // Packets, but no row in the statistic: no HTTP, no UDP endpoint.
    assert_eq!(
        status(&["stats", "http,tree", &dns, "--fail-empty"]),
        Some(1)
    );
    assert_eq!(
        status(&["stats", "endpoints,udp", &dns, "--fail-empty"]),
        Some(1)
    );
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("x");
    let out = out.to_str().expect("utf-8");
    assert_eq!(
        status(&["export", &dns, "-o", out, "--fail-empty"]),
        Some(1)
    );
    assert_eq!(
        status(&[
            "list",
            &visit,
            "-Y",
            none,
            "-w",
            &format!("{out}.pcap"),
            "--fail-empty"
        ]),
        Some(1)
    );
    // Something matched: 0 with or without the flag.
    for args in [
        vec!["list", &visit, "--fail-empty"],
        vec!["flows", &visit, "--fail-empty"],
        vec!["http", &visit, "--fail-empty"],
        vec!["follow", &visit, "--stream", "0", "--fail-empty"],
        vec!["ladder", &visit, "--stream", "0", "--fail-empty"],
        vec!["stats", "io,phs", &visit, "--fail-empty"],
        vec!["stats", "endpoints,tcp", &dns, "--fail-empty"],
        vec!["stats", "dns,tree", &visit, "--fail-empty"],
    ] {
        assert_eq!(status(&args), Some(0), "{args:?}");
    }
}

#[test]
fn bad_input_and_usage_are_2() {
    let visit = sample("textbook-visit.pcap");
    let dir = tempfile::tempdir().expect("dir");
    // A record claiming 256 MiB: corrupt (a file merely cut short lists
    // what it has, with a warning, and exits 0: tests/cli.rs).
    let cut = dir.path().join("corrupt.pcap");
    let mut bytes = std::fs::read(&visit).expect("read")[..24].to_vec();
    bytes.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0x10]);
    std::fs::write(&cut, &bytes).expect("write");
    let cut = cut.to_str().expect("utf-8");
    let missing = dir.path().join("missing.pcap");
    let missing = missing.to_str().expect("utf-8");
    for args in [
        vec!["list", &visit, "--no-such-option"],
        vec!["list"],
        vec!["nosuchcommand"],
        vec!["list", &visit, "-Y", "tcp.prot == 80"],
        vec!["list", &visit, "-e", "tcp.prot"],
        vec!["list", missing],
        vec!["flows", missing],
        vec!["list", cut],
        vec!["list", cut, "--fail-empty"],
        vec!["follow", &visit, "--stream", "99"],
        vec!["completions", "tcsh"],
        // The interactive view: here without a terminal; with one, it shows
        // the error, then exits 2 too (tests/e2e_tui.rs).
        vec![missing],
        vec!["--config", missing, "list", &visit],
    ] {
        assert_eq!(status(&args), Some(2), "{args:?}");
    }
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[display]\ntheme = \"pink\"\n").expect("write");
    let o = run_env(
        &["--config", bad.to_str().expect("utf-8"), "list", &visit],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("display.theme \"pink\""));
}

#[test]
fn success_is_0_and_write_config_never_overwrites() {
    let visit = sample("textbook-visit.pcap");
    for args in [
        vec!["list", &visit],
        vec!["--help"],
        vec!["list", "--help"],
        vec!["--version"],
        vec!["completions", "bash"],
        vec!["completions", "zsh"],
        vec!["completions", "fish"],
        vec!["man"],
    ] {
        assert_eq!(status(&args), Some(0), "{args:?}");
    }
    let dir = tempfile::tempdir().expect("dir");
    let env = [("XDG_CONFIG_HOME", dir.path())];
    let o = run_env(&["--write-config"], &env);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let written = dir.path().join("wirelens/config.toml");
    assert_eq!(
        std::fs::read_to_string(&written).expect("written"),
        wirelens::config::DEFAULT_CONFIG
    );
    // The written file is the one read next, and a second write is refused.
    assert_eq!(run_env(&["list", &visit], &env).status.code(), Some(0));
    let o = run_env(&["--write-config"], &env);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already exists"));
}
