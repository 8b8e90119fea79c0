//! End to end: the real binary in a pseudo-terminal (tmux, on a private
//! server socket), driven by keys: the ladder, follow and HTTP views of the
//! sample capture, an export written into the current directory, the filter
//! bar, and a clean exit that leaves no TUI on the screen; a file that cannot
//! be read is shown, then exits 2. Skipped when tmux is not installed. The
//! latency on a big capture is measured by `benches/tui_latency.rs`.

#[path = "e2e_tui/tmux.rs"]
mod tmux;

use std::path::{Path, PathBuf};
use tmux::{sh_quote, Tmux};

#[test]
fn ladder_follow_http_export_and_clean_exit() {
    if !tmux::available() {
        println!("tmux not found; e2e skipped");
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let pcap = root.join("sample-captures/textbook-visit.pcap");
    let expected = std::fs::read(root.join("sample-captures/content/index.html")).expect("index");
    let dir = tempfile::tempdir().expect("tempdir");
    let command = format!(
        "{} {}; echo EXITED $?; sleep 5",
        sh_quote(Path::new(env!("CARGO_BIN_EXE_wirelens"))),
        sh_quote(&pcap)
    );
    let tmux = Tmux::start(&command, dir.path(), 120, 40);

    // Loaded; move to the HTTP response, frame 22.
    tmux.wait_for("27 packets");
    tmux.keys(&["G", "k", "k", "k", "k", "k"]);
    tmux.wait_for("Frame 22:");

    tmux.keys(&["l"]);
    let s = tmux.wait("the ladder", |s| {
        s.contains("Three-way handshake") && s.contains("Four-way teardown")
    });
    assert!(s.contains("[SYN] Seq=0"), "{s}");
    assert!(s.contains("[SYN, ACK] Seq=0 Ack=1"), "{s}");
    assert!(s.contains("[ACK] Seq=1 Ack=1"), "{s}");
    assert!(s.contains("[FIN, ACK] Seq=82 Ack=11353"), "{s}");
    assert!(s.contains("[FIN, ACK] Seq=11353 Ack=83"), "{s}");

    tmux.keys(&["Escape"]);
    tmux.wait_for("Frame 22:");
    tmux.keys(&["f"]);
    tmux.wait_for("GET / HTTP/1.1");

    tmux.keys(&["Escape"]);
    tmux.wait_for("Frame 22:");
    tmux.keys(&["h"]);
    let s = tmux.wait("the HTTP view", |s| {
        s.contains("HTTP in TCP stream 0") && s.contains("text/html")
    });
    assert!(s.contains("200"), "{s}");

    tmux.keys(&["e"]);
    tmux.wait_for("stream0-0.html");
    tmux.keys(&["Enter"]);
    tmux.wait_for("wrote 11088 bytes");
    let written = std::fs::read(dir.path().join("stream0-0.html")).expect("exported file");
    assert_eq!(written, expected);

    // The display-filter bar.
    // Escape first, alone: an ESC arriving with the next key in one read
    // is Alt+key to the terminal.
    tmux.keys(&["Escape"]);
    tmux.wait_for("┌Packets");
    tmux.keys(&["/"]);
    tmux.wait_for("Filter:");
    tmux.keys(&["tcp.flags.syn == 1", "Enter"]);
    let s = tmux.wait_for("2 of 27 match");
    assert!(!s.contains("DNS"), "{s}");

    tmux.keys(&["q"]);
    let s = tmux.wait_for("EXITED 0");
    assert!(
        !s.contains('┌') && !s.contains("27 packets"),
        "TUI left on screen:\n{s}"
    );
}

#[test]
fn an_unreadable_file_is_shown_then_exits_non_zero() {
    if !tmux::available() {
        println!("tmux not found; e2e skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("no-such.pcap");
    let command = format!(
        "{} {}; echo EXITED $?; sleep 5",
        sh_quote(Path::new(env!("CARGO_BIN_EXE_wirelens"))),
        sh_quote(&missing)
    );
    let tmux = Tmux::start(&command, dir.path(), 100, 30);
    let s = tmux.wait_for("cannot open");
    assert!(s.contains("error:"), "{s}");
    tmux.keys(&["q"]);
    let s = tmux.wait_for("EXITED 2");
    assert!(
        s.contains("wirelens: "),
        "the error again on the normal screen:\n{s}"
    );
    assert!(!s.contains('┌'), "TUI left on screen:\n{s}");
}
