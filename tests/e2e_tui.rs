//! End to end: the real binary in a pseudo-terminal (tmux, on a private
//! server socket), driven by keys: the ladder, follow and HTTP views of the
//! sample capture, an export written into the current directory, the filter
//! bar, and a clean exit that leaves no TUI on the screen. Skipped when tmux
//! is not installed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server (its socket in a temporary directory) and session of our
/// own, killed on drop.
struct Tmux {
    socket: PathBuf,
    session: String,
    _socket_dir: tempfile::TempDir,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Option<String> {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", &self.session])
            .unwrap_or_default()
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            let sent = self.run(&["send-keys", "-t", &self.session, k]);
            assert!(sent.is_some(), "tmux send-keys {k} failed");
        }
    }

    /// Polls the screen until `ok` holds; panics with the screen after 20 s.
    fn wait(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_for(&self, text: &str) -> String {
        self.wait(text, |s| s.contains(text))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-session", "-t", &self.session]);
        let _ = self.run(&["kill-server"]);
    }
}

fn sh_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

#[test]
fn ladder_follow_http_export_and_clean_exit() {
    if Command::new("tmux").arg("-V").output().is_err() {
        println!("tmux not found; e2e skipped");
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let pcap = root.join("sample-captures/textbook-visit.pcap");
    let expected = std::fs::read(root.join("sample-captures/content/index.html")).expect("index");
    let dir = tempfile::tempdir().expect("tempdir");
    let socket_dir = tempfile::tempdir().expect("tempdir");
    let tmux = Tmux {
        socket: socket_dir.path().join("tmux.sock"),
        session: format!("wirelens-e2e-{}", std::process::id()),
        _socket_dir: socket_dir,
    };
    let command = format!(
        "{} {}; echo EXITED $?; sleep 5",
        sh_quote(Path::new(env!("CARGO_BIN_EXE_wirelens"))),
        sh_quote(&pcap)
    );
    let started = tmux.run(&[
        "new-session",
        "-d",
        "-x",
        "120",
        "-y",
        "40",
        "-s",
        &tmux.session,
        "-c",
        &dir.path().display().to_string(),
        &command,
    ]);
    assert!(started.is_some(), "tmux new-session failed");

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
    tmux.keys(&["Escape", "/"]);
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
