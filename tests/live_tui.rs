//! The TUI on a named pipe, in tmux: a writer emits one record of the
//! textbook visit every 200 ms; each one must be counted in the status bar
//! and selected (the list follows the tail) before the next is written.
//! Moving up stops the following, G follows again; at the end of the
//! stream the ladder shows the handshake. Skipped without tmux or mkfifo
//! (outside CI).

#[path = "e2e_tui/tmux.rs"]
mod tmux;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use tmux::{sh_quote, Tmux};
use wirelens::capture::Capture;

const RECORD_EVERY: Duration = Duration::from_millis(200);

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

#[test]
fn a_growing_pipe_shows_each_record_before_the_next() {
    if !tmux::available() {
        assert!(!in_ci(), "tmux is needed for the live TUI test in CI");
        println!("tmux not found; live TUI test skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("live.pcap");
    if !Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        assert!(!in_ci(), "mkfifo is needed for the live TUI test in CI");
        println!("mkfifo not available; live TUI test skipped");
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let capture = Capture::open(&root.join("sample-captures/textbook-visit.pcap")).expect("open");
    let data = capture.bytes();
    let mut reader = capture.records().expect("records");
    let mut ends = Vec::new();
    let mut first_data = None;
    while let Some(Ok(r)) = reader.next() {
        first_data.get_or_insert(r.data_offset as usize);
        ends.push(reader.position() as usize);
    }
    let header_len = first_data.expect("records") - 16;

    let command = format!(
        "{} {}; echo EXITED $?; sleep 5",
        sh_quote(Path::new(env!("CARGO_BIN_EXE_wirelens"))),
        sh_quote(&fifo)
    );
    let tmux = Tmux::start(&command, dir.path(), 160, 40);
    // Opening the write end waits for the TUI to open the pipe.
    let mut pipe = std::fs::OpenOptions::new()
        .write(true)
        .open(&fifo)
        .expect("open fifo");
    pipe.write_all(&data[..header_len]).expect("header");
    let mut start = header_len;
    let mut latencies = Vec::new();
    for (i, &end) in ends.iter().enumerate() {
        let n = i + 1;
        let written = Instant::now();
        pipe.write_all(&data[start..end]).expect("record");
        pipe.flush().expect("flush");
        start = end;
        if n == 20 {
            // Moving up stops the following: the next record is counted,
            // the selection stays.
            let _ = tmux.wait_within("20 packets", RECORD_EVERY, Duration::from_millis(10), |s| {
                s.contains(" 20 packets")
            });
            tmux.keys(&["k"]);
            tmux.wait_for("paused (G/End follows)");
            continue;
        }
        if n == 21 {
            let (s, _) =
                tmux.wait_within("21 packets", RECORD_EVERY, Duration::from_millis(10), |s| {
                    s.contains(" 21 packets")
                });
            assert!(s.contains("Frame 19:"), "the selection stayed:\n{s}");
            tmux.keys(&["G"]);
            tmux.wait_for("Frame 21:");
            continue;
        }
        let (s, took) = tmux.wait_within(
            &format!("record {n} on screen"),
            RECORD_EVERY,
            Duration::from_millis(10),
            |s| s.contains(&format!(" {n} packets")) && s.contains(&format!("Frame {n}:")),
        );
        assert!(s.contains("LIVE, following"), "{s}");
        latencies.push(took);
        std::thread::sleep(RECORD_EVERY.saturating_sub(written.elapsed()));
    }
    let s = tmux.screen();
    assert!(s.contains("packets/s"), "{s}");
    drop(pipe);
    tmux.wait_for("ended");
    latencies.sort();
    println!(
        "live TUI: {} records, on screen after median {:?}, max {:?} (tmux polling every 10 ms included)",
        latencies.len(),
        latencies[latencies.len() / 2],
        latencies[latencies.len() - 1]
    );
    // The views of the whole stream: the ladder of stream 0 (frame 27 is its last packet).
    tmux.keys(&["l"]);
    let s = tmux.wait("the ladder", |s| s.contains("Three-way handshake"));
    assert!(s.contains("[SYN] Seq=0"), "{s}");
    tmux.keys(&["Escape"]);
    tmux.wait_for("┌Packets");
    tmux.keys(&["q"]);
    tmux.wait_for("EXITED 0");
}
