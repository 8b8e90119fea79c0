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

/// The slow filter: a regex that must look at every byte of every frame
/// (about 5 s over the 1 GiB capture here, against 1 s for the load).
const SLOW_FILTER: &str = "frame matches \"[a-z]{40}q\"";

/// A view's key: its name, the key, what shows at once (the view, or its
/// "building…"), what shows once it is built.
type View = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

const VIEWS: [View; 5] = [
    (
        "h (HTTP view)",
        "h",
        &["HTTP in TCP stream", "building… finding HTTP"],
        &["Request (frames", "Response (frames", "no HTTP transaction"],
    ),
    (
        "f (follow)",
        "f",
        &["Follow TCP stream", "building… following"],
        &["Follow TCP stream"],
    ),
    (
        "l (ladder)",
        "l",
        &["Ladder: TCP stream", "building… building the ladder"],
        &["Ladder: TCP stream"],
    ),
    (
        "c (conversations)",
        "c",
        &["Conversations by"],
        &["Conversations by"],
    ),
    (
        "? (help)",
        "?",
        &["Help (Esc: back)"],
        &["Help (Esc: back)"],
    ),
];

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

struct Bench {
    tmux: Tmux,
    launched: Instant,
    results: Vec<(String, &'static str, Duration, bool)>,
    /// Whether the phase was still on at the last look at the status line.
    on: bool,
}

/// The status line of a screen, unless a prompt covers it.
fn status_line(screen: &str) -> Option<&str> {
    let last = screen.lines().rev().find(|l| !l.trim().is_empty())?;
    (!last.starts_with(" Filter:")).then_some(last)
}

impl Bench {
    /// Starts the TUI on `path`, waits for the preview and selects a TCP packet.
    fn launch(path: &Path, dir: &tempfile::TempDir) -> Bench {
        let command = format!(
            "{} {}; echo EXITED $?; sleep 30",
            sh_quote(Path::new(env!("CARGO_BIN_EXE_wirelens"))),
            sh_quote(path)
        );
        let launched = Instant::now();
        let tmux = Tmux::start(&command, dir.path(), 200, 50);
        tmux.wait_within(
            "the first screen",
            Duration::from_secs(30),
            Duration::from_millis(1),
            |s| s.contains("loading"),
        );
        let first = launched.elapsed();
        tmux.wait_within(
            "the preview",
            Duration::from_secs(30),
            Duration::from_millis(1),
            |s| s.contains("packets so far") && s.contains("Frame 1:"),
        );
        let preview = launched.elapsed();
        // A TCP packet selected, so the stream views have a stream to open.
        for _ in 0..64 {
            if tmux.screen().contains("Transmission Control Protocol") {
                break;
            }
            tmux.keys(&["j"]);
        }
        println!(
            "  launched: first screen after {:.1} ms, preview after {:.1} ms, TCP packet selected after {:.1} ms",
            ms(first),
            ms(preview),
            ms(launched.elapsed())
        );
        Bench {
            tmux,
            launched,
            results: Vec::new(),
            on: true,
        }
    }

    fn quit(&self) {
        self.tmux.keys(&["q"]);
        self.tmux.wait_for("EXITED 0");
    }

    /// Whether `phase` is on according to `screen` (or the last look, when
    /// a prompt covers the status line).
    fn phase_on(&mut self, phase: &str, screen: &str) -> bool {
        if let Some(status) = status_line(screen) {
            self.on = match phase {
                "during the load" => status.contains("loading"),
                _ => status.contains("filtering"),
            };
        }
        self.on
    }

    /// Sends `keys` and times until `ok` holds on the screen.
    fn measure(
        &mut self,
        phase: &'static str,
        name: &str,
        keys: &[&str],
        ok: impl Fn(&str) -> bool,
    ) -> String {
        let before = self.tmux.screen();
        let on_before = self.phase_on(phase, &before);
        let start = Instant::now();
        self.tmux.keys(keys);
        let (s, _) =
            self.tmux
                .wait_within(name, Duration::from_secs(30), Duration::from_millis(1), &ok);
        let took = start.elapsed();
        let still = on_before && self.phase_on(phase, &s);
        println!(
            "  {phase:<24} {name:<28} {:>7.1} ms{}",
            ms(took),
            if still || phase.starts_with("starting") {
                ""
            } else {
                "  (phase already over)"
            }
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
    /// `key` of `VIEWS`: times the first change, then until the view is built.
    fn view(&mut self, phase: &'static str, view: &View) {
        let (name, key, first, built) = *view;
        let start = Instant::now();
        self.measure(phase, name, &[key], |s| first.iter().any(|m| s.contains(m)));
        let (_, _) = self.tmux.wait_within(
            name,
            Duration::from_secs(600),
            Duration::from_millis(2),
            |s| built.iter().any(|m| s.contains(m)),
        );
        println!(
            "  {:<24} {:<28} {:>7.1} ms until built",
            "",
            "",
            ms(start.elapsed())
        );
    }

    /// Every view of `VIEWS`, each then Esc.
    fn views(&mut self, phase: &'static str) {
        for view in &VIEWS {
            self.view(phase, view);
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
            status_line(s).is_some_and(|l| l.contains("filtering") || l.contains("packets match"))
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
    println!(
        "{} ({:.2} GB), terminal 200x50",
        path.display(),
        size as f64 / 1e9
    );
    // The load takes about a second: each key is measured in a run of its
    // own, pressed as soon as the preview shows.
    let phase = "during the load";
    let mut results = Vec::new();
    for view in &VIEWS {
        let mut bench = Bench::launch(&path, &dir);
        bench.view(phase, view);
        results.append(&mut bench.results);
        bench.quit();
    }
    let mut bench = Bench::launch(&path, &dir);
    bench.filter(phase, "tcp.flags.syn == 1");
    bench.tmux.wait_within(
        "the end of the load",
        Duration::from_secs(600),
        Duration::from_millis(20),
        |s| !s.contains("loading"),
    );
    println!(
        "  loaded after {:.1} s",
        bench.launched.elapsed().as_secs_f64()
    );
    // Let the first filter (it runs again over the whole file) finish.
    bench.tmux.wait_within(
        "the filter over the whole file",
        Duration::from_secs(600),
        Duration::from_millis(20),
        |s| !s.contains("filtering"),
    );

    bench.filter("starting the slow filter", SLOW_FILTER);
    let phase = "while a slow filter runs";
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
        if s.contains("{40}q") {
            " (slow filter still shown?)"
        } else {
            ""
        }
    );

    // The slow filter alone, to show it is slow.
    bench.back();
    bench.filter("starting the slow filter", SLOW_FILTER);
    let alone = Instant::now();
    bench.tmux.wait_within(
        "the slow filter's result",
        Duration::from_secs(600),
        Duration::from_millis(20),
        |s| s.contains("(/: edit filter)") && s.contains("{40}q"),
    );
    println!(
        "  the slow filter alone takes {:.1} s over the whole file",
        alone.elapsed().as_secs_f64()
    );

    bench.quit();
    results.append(&mut bench.results);

    let measured: Vec<&(String, &str, Duration, bool)> = results.iter().filter(|r| r.3).collect();
    let worst = measured.iter().map(|r| r.2).max().unwrap_or_default();
    println!(
        "  worst of {} keys measured in phase: {:.1} ms (target {} ms){}",
        measured.len(),
        ms(worst),
        TARGET.as_millis(),
        if worst <= TARGET { "" } else { "  OVER TARGET" }
    );
}
