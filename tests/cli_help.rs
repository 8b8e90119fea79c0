//! `--help` of wirelens and of each command, snapshot-tested: a change to an
//! option or its text shows up here for review (`cargo insta review`).

use std::process::Command;

fn help(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_wirelens"))
        .args(args)
        .arg("--help")
        // clap wraps to the terminal's width when it knows it.
        .env("COLUMNS", "100")
        .output()
        .expect("run wirelens");
    assert!(o.status.success(), "{args:?}");
    String::from_utf8(o.stdout).expect("UTF-8")
}

#[test]
fn help_texts() {
    insta::assert_snapshot!("help", help(&[]));
    for command in [
        "list",
        "flows",
        "follow",
        "ladder",
        "http",
        "export",
        "journey",
        "stats",
        "completions",
        "man",
    ] {
        insta::assert_snapshot!(format!("help_{command}"), help(&[command]));
    }
}
