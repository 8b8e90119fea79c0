//! End to end: the real binary in a pseudo-terminal (tmux, on a private
//! server socket), driven by keys: the ladder, follow and HTTP views of the
//! sample capture, an export written into the current directory, the filter
//! bar, and a clean exit that leaves no TUI on the screen; a file that cannot
//! be read is shown, then exits 2; on a generated capture of 1500 frames,
//! find a string, go to packet 1000, mark three packets and save them, the
//! saved file checked byte for byte and against tshark's reading of the same
//! frames (`tests/fixtures/tui_save`). Skipped when tmux is not installed. The
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

#[path = "e2e_tui/generated.rs"]
mod generated;

/// The records (timestamp header and bytes) of a little-endian pcap file.
fn pcap_records(file: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut at = 24;
    while at + 16 <= file.len() {
        let len = u32::from_le_bytes(file[at + 8..at + 12].try_into().expect("4 bytes")) as usize;
        out.push(&file[at..at + 16 + len]);
        at += 16 + len;
    }
    out
}

#[test]
fn find_go_to_mark_three_and_save_them() {
    if !tmux::available() {
        println!("tmux not found; e2e skipped");
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("tempdir");
    let original = generated::capture();
    let pcap = dir.path().join("generated.pcap");
    std::fs::write(&pcap, &original).expect("write the capture");
    // To make the fixture again (see tests/fixtures/tui_save/README.md).
    if let Some(keep) = std::env::var_os("WIRELENS_WRITE_GENERATED") {
        std::fs::write(keep, &original).expect("keep the capture");
    }
    let command = format!(
        "{} {}; echo EXITED $?; sleep 5",
        sh_quote(Path::new(env!("CARGO_BIN_EXE_wirelens"))),
        sh_quote(&pcap)
    );
    let tmux = Tmux::start(&command, dir.path(), 120, 40);
    tmux.wait_for("1500 packets");

    // Find a string in the packet bytes: Ctrl-F, Tab twice for the kind.
    tmux.keys(&["C-f"]);
    tmux.wait_for("Find [display filter]");
    tmux.keys(&["Tab", "Tab"]);
    tmux.wait_for("Find [string in packet bytes]");
    tmux.keys(&[generated::NEEDLE, "Enter"]);
    let s = tmux.wait_for("in frame 777");
    assert!(s.contains("Frame 777:"), "{s}");

    // Go to packet 1000, mark it and the next two.
    tmux.keys(&["C-g"]);
    tmux.wait_for("Go to packet:");
    tmux.keys(&["1000", "Enter"]);
    tmux.wait_for("Frame 1000:");
    tmux.keys(&["m", "j", "m", "j", "m"]);
    let s = tmux.wait_for("frame 1002 marked (3 marked)");
    assert!(s.contains("3 marked"), "{s}");

    // Save them: the prompt offers the marked packets.
    tmux.keys(&["w"]);
    tmux.wait_for("Save marked packets as");
    tmux.keys(&["Enter"]);
    tmux.wait_for("wrote 3 marked packets");
    let saved_path = dir.path().join("generated-marked.pcap");
    let saved = std::fs::read(&saved_path).expect("saved file");
    // Byte for byte: the file header, then records 1000 to 1002 (times and bytes).
    assert_eq!(saved[..24], original[..24]);
    let want: Vec<&[u8]> = pcap_records(&original)[999..1002].to_vec();
    assert_eq!(pcap_records(&saved), want);

    // Saving again does not replace the file unasked.
    tmux.keys(&["w"]);
    tmux.wait_for("Save marked packets as");
    tmux.keys(&["Enter"]);
    tmux.wait_for("exists: Enter again replaces it");
    tmux.keys(&["Escape"]);
    tmux.wait_for("1500 packets");
    tmux.keys(&["q"]);
    tmux.wait_for("EXITED 0");

    // What tshark 4.0 says of the same three frames (tests/fixtures/tui_save).
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_wirelens"))
        .args(["list", &saved_path.display().to_string()])
        .args([
            "-e",
            "frame.number",
            "-e",
            "frame.time_epoch",
            "-e",
            "frame.len",
        ])
        .args(["-e", "ip.id", "-e", "udp.srcport", "-e", "udp.payload"])
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let want =
        std::fs::read_to_string(root.join("tests/fixtures/tui_save/marked.tsv")).expect("fixture");
    assert_eq!(
        want.lines().count(),
        3,
        "the fixture holds the three marked frames"
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout), want);
}

#[test]
fn conversation_tabs_apply_as_filter_save_and_a_deprecated_filter() {
    if !tmux::available() {
        println!("tmux not found; e2e skipped");
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let pcap = root.join("sample-captures/textbook-visit.pcap");
    let dir = tempfile::tempdir().expect("tempdir");
    let command = format!(
        "{} {}; echo EXITED $?; sleep 5",
        sh_quote(Path::new(env!("CARGO_BIN_EXE_wirelens"))),
        sh_quote(&pcap)
    );
    let tmux = Tmux::start(&command, dir.path(), 120, 40);
    tmux.wait_for("27 packets");
    tmux.keys(&["c"]);
    tmux.wait_for("[Streams · 2]");
    // The IPv4 tab: tshark -z conv,ip counts 27 frames, 14 A→B, 13 B→A.
    tmux.keys(&["Tab"]);
    tmux.wait_for("[Ethernet · 1]");
    tmux.keys(&["Tab"]);
    let s = tmux.wait_for("IPv4 Conversations: 1");
    let row = s
        .lines()
        .find(|l| l.contains("10.77.0.1") && l.contains("10.77.0.2"))
        .unwrap_or_default();
    let cells: Vec<&str> = row.trim_matches('│').split_whitespace().collect();
    assert_eq!(cells.get(2..5), Some(&["27", "13", "kB"][..]), "{s}");
    assert_eq!(cells.get(5..7), Some(&["14", "13"][..]), "{s}");
    tmux.keys(&["/"]);
    tmux.wait_for("ip.addr==10.77.0.1 && ip.addr==10.77.0.2");
    tmux.keys(&["Enter"]);
    tmux.wait_for("27 of 27");
    // The TCP tab's connection saved with w: its 25 frames.
    tmux.keys(&["c"]);
    tmux.wait_for("IPv4 Conversations");
    tmux.keys(&["Tab"]);
    tmux.wait_for("[IPv6 · 0]");
    tmux.keys(&["Tab"]);
    tmux.wait_for("TCP Conversations: 1");
    tmux.keys(&["w"]);
    tmux.wait_for("textbook-visit-stream.pcap");
    tmux.keys(&["Enter"]);
    tmux.wait_for("wrote 25 stream packets");
    let saved = std::fs::read(dir.path().join("textbook-visit-stream.pcap")).expect("saved");
    assert_eq!(pcap_records(&saved).len(), 25);
    // A filter with the deprecated ~=: Wireshark's warning under it.
    tmux.keys(&["Escape"]);
    tmux.wait_for("┌Packets");
    tmux.keys(&["/"]);
    tmux.wait_for("Filter:");
    tmux.keys(&["C-u", "tcp.port ~= 80"]);
    tmux.wait_for("The operator \"~=\" is deprecated, use \"!==\" instead.");
    tmux.keys(&["Escape"]);
    tmux.keys(&["q"]);
    tmux.wait_for("EXITED 0");
}
