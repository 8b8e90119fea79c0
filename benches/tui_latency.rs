//! TUI latency on a big capture, end to end: the real binary in tmux (the
//! harness of `tests/e2e_tui.rs`) on the 1 GiB capture of the benchmark
//! generator (`benches/support`, `WIRELENS_BENCH_CAPTURE` to use another
//! file). Measures the time from launch to the first screen and to the
//! preview, then, while the file is still loading, how long each of `h`,
//! `f`, `l`, `c`, a filter and `?` takes to change the screen; then the same
//! keys while a slow filter runs over the whole file, and a second filter
//! that supersedes it. Target: every key under 100 ms.
//!
//! The figures include tmux's own round trip (send-keys, then capture-pane
//! polled every millisecond; one capture-pane is timed and printed too).
//! Not run by `cargo test`:
//!
//! ```text
//! cargo bench --bench tui_latency
//! ```

#[path = "../tests/e2e_tui/tmux.rs"]
mod tmux;

#[allow(dead_code)]
mod support;

use std::path::Path;
use std::time::{Duration, Instant};
use tmux::{sh_quote, Tmux};

/// What every key must stay under.
const TARGET: Duration = Duration::from_millis(100);

/// The slow filter: decodes every TCP packet and runs a regex over its payload.
const SLOW_FILTER: &str = "tcp.payload matches \"wirelens-no-such-[0-9]+\"";

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

struct Bench {
    tmux: Tmux,
    results: Vec<(String, &'static str, Duration, bool)>,
}

impl Bench {
    /// Sends `keys` and times until `ok` holds on the screen.
    fn measure(
        &mut self,
        phase: &'static str,
        name: &str,
        keys: &[&str],
        ok: impl Fn(&str) -> bool,
    ) -> String {
        let start = Instant::now();
        self.tmux.keys(keys);
        let (s, _) =
            self.tmux
                .wait_within(name, Duration::from_secs(30), Duration::from_millis(1), &ok);
        let took = start.elapsed();
        let still = match phase {
            "during the load" => s.contains("loading"),
            _ => s.contains("filtering"),
        };
        println!(
            "  {phase:<24} {name:<28} {:>7.1} ms{}",
            ms(took),
            if still { "" } else { "  (phase already over)" }
        );
        self.results.push((name.to_string(), phase, took, still));
        s
    }

    /// Back to the packet list.
    fn back(&self) {
        self.tmux.keys(&["Escape"]);
        self.tmux
            .wait("the packet list", |s| s.contains("┌Packets"));
    }

    /// `h`, `f`, `l`, `c`, `?`, each then Esc.
    fn views(&mut self, phase: &'static str) {
        let views: [(&str, &str, &[&str]); 5] = [
            (
                "h (HTTP view)",
                "h",
                &["HTTP in TCP stream", "building… finding HTTP"],
            ),
            (
                "f (follow)",
                "f",
                &["Follow TCP stream", "building… following"],
            ),
            (
                "l (ladder)",
                "l",
                &["Ladder: TCP stream", "building… building the ladder"],
            ),
            ("c (conversations)", "c", &["Conversations by"]),
            ("? (help)", "?", &["Help (Esc: back)"]),
        ];
        for (name, key, markers) in views {
            self.measure(phase, name, &[key], |s| {
                markers.iter().any(|m| s.contains(m))
            });
            self.back();
        }
    }

    /// `/`, then `text`, then Enter: times the prompt opening and the Enter.
    fn filter(&mut self, phase: &'static str, text: &str) {
        self.measure(phase, "/ (filter prompt)", &["/"], |s| {
            s.contains("Filter:")
        });
        // Clear what the prompt holds (the filter before).
        for _ in 0..60 {
            self.tmux.keys(&["BSpace"]);
        }
        self.tmux.keys(&[text]);
        self.tmux.wait("the filter typed", |s| s.contains(text));
        self.measure(phase, "Enter (filter starts)", &["Enter"], |s| {
            s.contains("filtering") || s.contains(" match")
        });
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    if !tmux::available() {
        println!("tmux not found; skipped");
        return;
    }
    let path = support::capture_path();
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let dir = tempfile::tempdir().expect("tempdir");
    let command = format!(
        "{} {}; echo EXITED $?; sleep 30",
        sh_quote(Path::new(env!("CARGO_BIN_EXE_wirelens"))),
        sh_quote(&path)
    );
    println!(
        "{} ({:.2} GB), terminal 200x50",
        path.display(),
        size as f64 / 1e9
    );
    let launched = Instant::now();
    let tmux = Tmux::start(&command, dir.path(), 200, 50);
    let (_, _) = tmux.wait_within(
        "the first screen",
        Duration::from_secs(30),
        Duration::from_millis(1),
        |s| s.contains("loading"),
    );
    let first = launched.elapsed();
    let (_, _) = tmux.wait_within(
        "the preview",
        Duration::from_secs(30),
        Duration::from_millis(1),
        |s| s.contains("packets so far") && s.contains("Frame 1:"),
    );
    let preview = launched.elapsed();
    let probe = Instant::now();
    let _ = tmux.screen();
    let capture = probe.elapsed();
    println!(
        "  first screen after {:.1} ms, preview after {:.1} ms (one tmux capture-pane: {:.1} ms)",
        ms(first),
        ms(preview),
        ms(capture)
    );
    let mut bench = Bench {
        tmux,
        results: Vec::new(),
    };
    // A TCP packet selected, so the stream views have a stream to open.
    for _ in 0..64 {
        if bench
            .tmux
            .screen()
            .contains("Transmission Control Protocol")
        {
            break;
        }
        bench.tmux.keys(&["j"]);
        std::thread::sleep(Duration::from_millis(5));
    }

    let phase = "during the load";
    bench.views(phase);
    bench.filter(phase, "tcp.flags.syn == 1");
    bench.back();
    bench.tmux.wait_within(
        "the end of the load",
        Duration::from_secs(600),
        Duration::from_millis(20),
        |s| !s.contains("loading"),
    );
    println!("  loaded after {:.1} s", launched.elapsed().as_secs_f64());
    // Let the first filter (it runs again over the whole file) finish.
    bench.tmux.wait_within(
        "the filter over the whole file",
        Duration::from_secs(600),
        Duration::from_millis(20),
        |s| !s.contains("filtering"),
    );

    let phase = "while a slow filter runs";
    bench.filter(phase, SLOW_FILTER);
    let started = Instant::now();
    bench.views(phase);
    // A newer filter supersedes the slow one: its result shows, the slow one's never.
    bench.filter(phase, "tcp.flags.fin == 1");
    let (s, _) = bench.tmux.wait_within(
        "the superseding filter's result",
        Duration::from_secs(600),
        Duration::from_millis(20),
        |s| s.contains("tcp.flags.fin == 1\" (/: edit"),
    );
    println!(
        "  superseding filter shown {:.1} s after the slow one started{}",
        started.elapsed().as_secs_f64(),
        if s.contains("wirelens-no-such") {
            " (slow filter still shown?)"
        } else {
            ""
        }
    );

    bench.tmux.keys(&["q"]);
    bench.tmux.wait_for("EXITED 0");

    let measured: Vec<&(String, &str, Duration, bool)> =
        bench.results.iter().filter(|r| r.3).collect();
    let worst = measured.iter().map(|r| r.2).max().unwrap_or_default();
    println!(
        "  worst of {} keys measured in phase: {:.1} ms (target {} ms){}",
        measured.len(),
        ms(worst),
        TARGET.as_millis(),
        if worst <= TARGET { "" } else { "  OVER TARGET" }
    );
}
