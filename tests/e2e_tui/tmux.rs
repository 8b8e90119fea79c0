//! A tmux server and session of our own (its socket in a temporary
//! directory), running a command in a pseudo-terminal of a given size, killed
//! on drop: the end-to-end TUI test and the latency benchmark both drive the
//! real binary through it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: PathBuf,
    session: String,
    _socket_dir: tempfile::TempDir,
}

/// Whether tmux is installed.
pub fn available() -> bool {
    Command::new("tmux").arg("-V").output().is_ok()
}

/// `p` quoted for `sh`.
pub fn sh_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

impl Tmux {
    /// Starts `command` (a shell line) in `dir` on a `width` x `height` terminal.
    pub fn start(command: &str, dir: &Path, width: u16, height: u16) -> Tmux {
        let socket_dir = tempfile::tempdir().expect("tempdir");
        let tmux = Tmux {
            socket: socket_dir.path().join("tmux.sock"),
            session: format!("wirelens-e2e-{}", std::process::id()),
            _socket_dir: socket_dir,
        };
        let started = tmux.run(&[
            "new-session",
            "-d",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            "-s",
            &tmux.session,
            "-c",
            &dir.display().to_string(),
            command,
        ]);
        assert!(started.is_some(), "tmux new-session failed");
        tmux
    }

    pub fn run(&self, args: &[&str]) -> Option<String> {
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

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", &self.session])
            .unwrap_or_default()
    }

    /// Sends keys (tmux key names, or literal text).
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            let sent = self.run(&["send-keys", "-t", &self.session, k]);
            assert!(sent.is_some(), "tmux send-keys {k} failed");
        }
    }

    /// Polls the screen every `every` until `ok` holds; panics with the
    /// screen after `limit`. Returns the screen and how long it took.
    pub fn wait_within(
        &self,
        what: &str,
        limit: Duration,
        every: Duration,
        ok: impl Fn(&str) -> bool,
    ) -> (String, Duration) {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return (s, start.elapsed());
            }
            assert!(
                start.elapsed() < limit,
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(every);
        }
    }

    /// Polls the screen until `ok` holds; panics with the screen after 20 s.
    pub fn wait(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        self.wait_within(what, Duration::from_secs(20), Duration::from_millis(50), ok)
            .0
    }

    pub fn wait_for(&self, text: &str) -> String {
        self.wait(text, |s| s.contains(text))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-session", "-t", &self.session]);
        let _ = self.run(&["kill-server"]);
    }
}
