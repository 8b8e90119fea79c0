//! HTTP benchmark on the generated capture (see `support`): the HTTP index's
//! heap (bytes per transaction and per packet, against issue 11's budgets),
//! then the real binary's `flows`, `http` and `export --all` on the same file,
//! each with wall seconds, CPU seconds (user + system, all threads), packets/s
//! and peak anonymous memory (RssAnon polled every 10 ms: heap and stacks,
//! not the mapped capture), and the ratios issue 11 names: `http` against
//! `flows` (at most 1.5x) and `export --all` against 3 s. On a shared machine
//! compare the CPU figures and the ratios of one run.
//!
//! Bodies are written to /dev/shm (tmpfs) when it exists, else under
//! WIRELENS_BENCH_EXPORT_DIR or the temp dir, and removed afterwards.
//! `tshark -q --export-objects http` on the same file runs only with
//! WIRELENS_BENCH_TSHARK set (it takes over a minute on 1 GB).
//!
//! ```text
//! cargo bench --bench http
//! WIRELENS_BENCH_TSHARK=1 cargo bench --bench http
//! ```

#[allow(dead_code)]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wirelens::capture::Capture;
use wirelens::session::Session;
use wirelens::trace::Trace;

/// Budgets and targets of issue 11.
const INDEX_BYTES_PER_PACKET: f64 = 32.0;
const INDEX_BYTES_PER_TRANSACTION: f64 = 256.0;
const ANON_MIB: u64 = 300;
const HTTP_OVER_FLOWS: f64 = 1.5;
const EXPORT_SECS: f64 = 3.0;
/// How often the child's RssAnon and CPU time are read.
const POLL: Duration = Duration::from_millis(10);

/// One run of the binary.
struct Run {
    wall: f64,
    cpu: f64,
    anon_kib: u64,
}

/// Clock ticks per second of /proc/PID/stat's times.
fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// User + system ticks of process `pid` (all its threads) so far.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

/// Runs `exe argv...` with its output discarded; its wall time, its CPU
/// time as last read before it ended, and the peak of its RssAnon.
fn run_polled(exe: &str, argv: &[&str], ticks: f64) -> Run {
    let t = Instant::now();
    let mut child = Command::new(exe)
        .args(argv)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start wirelens");
    let pid = child.id();
    let (mut peak, mut cpu) = (0, 0);
    loop {
        peak = peak.max(support::rss_anon_kib(pid));
        cpu = cpu_ticks(pid).unwrap_or(cpu).max(cpu);
        match child.try_wait() {
            Ok(Some(status)) => {
                assert!(status.success(), "wirelens {argv:?} failed: {status}");
                return Run {
                    wall: t.elapsed().as_secs_f64(),
                    cpu: cpu as f64 / ticks,
                    anon_kib: peak,
                };
            }
            Ok(None) => std::thread::sleep(POLL),
            Err(e) => panic!("waiting for wirelens: {e}"),
        }
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "NOT met"
    }
}

/// Where bodies are written: tmpfs when there is one.
fn export_dir() -> PathBuf {
    let shm = Path::new("/dev/shm");
    let base = std::env::var_os("WIRELENS_BENCH_EXPORT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            if shm.is_dir() {
                shm.to_path_buf()
            } else {
                std::env::temp_dir()
            }
        });
    base.join(format!("wirelens-bench-export-{}", std::process::id()))
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let path = support::capture_path();
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let file = path.to_string_lossy().to_string();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "capture: {file} ({:.1} MB); load average {}",
        bytes as f64 / 1e6,
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );

    // The index in this process, for its heap.
    let session =
        Session::from(Trace::load(Capture::open(&path).expect("open"), |_| true).expect("load"));
    let index = session.http();
    let packets = session.store.len();
    let heap = index.heap_bytes() as f64;
    let per_txn = heap / index.transactions.len().max(1) as f64;
    let per_packet = heap / packets.max(1) as f64;
    println!(
        "HTTP index: {} transactions, {:.1} MB heap, {per_txn:.0} B per transaction, {per_packet:.1} B per packet \
         (budget {INDEX_BYTES_PER_PACKET} B/packet + {INDEX_BYTES_PER_TRANSACTION} B/transaction: {})",
        index.transactions.len(),
        heap / 1e6,
        verdict(heap <= INDEX_BYTES_PER_PACKET * packets as f64 + INDEX_BYTES_PER_TRANSACTION * index.transactions.len() as f64)
    );
    drop(session);

    let exe = env!("CARGO_BIN_EXE_wirelens");
    let ticks = clock_ticks();
    let out = export_dir();
    let out_s = out.to_string_lossy().to_string();
    let _ = std::fs::remove_dir_all(&out);
    let runs = [
        ("wirelens flows", vec!["flows", file.as_str()]),
        ("wirelens http", vec!["http", file.as_str()]),
        (
            "wirelens export --all",
            vec!["export", "--all", file.as_str(), "-o", out_s.as_str()],
        ),
    ]
    .map(|(name, argv)| {
        let r = run_polled(exe, &argv, ticks);
        support::report(
            name,
            r.wall,
            bytes,
            packets,
            &format!(
                "CPU {:.2} s, anonymous peak {} MiB ({})",
                r.cpu,
                r.anon_kib / 1024,
                verdict(r.anon_kib / 1024 <= ANON_MIB)
            ),
        );
        r
    });
    let _ = std::fs::remove_dir_all(&out);
    let [flows, http, export] = &runs;
    println!(
        "http / flows: {:.2}x wall, {:.2}x CPU (target <= {HTTP_OVER_FLOWS}x: {} in wall, {} in CPU)",
        http.wall / flows.wall,
        http.cpu / flows.cpu,
        verdict(http.wall <= HTTP_OVER_FLOWS * flows.wall),
        verdict(http.cpu <= HTTP_OVER_FLOWS * flows.cpu)
    );
    println!(
        "export --all: {:.2} s wall, {:.2} s CPU (target <= {EXPORT_SECS} s wall to tmpfs: {}; {:.2} cores used)",
        export.wall,
        export.cpu,
        verdict(export.wall <= EXPORT_SECS),
        export.cpu / export.wall
    );

    if std::env::var_os("WIRELENS_BENCH_TSHARK").is_none() || !support::tools_enabled() {
        return;
    }
    let tshark_out = std::env::temp_dir().join("wirelens-bench-tshark-export");
    let _ = std::fs::remove_dir_all(&tshark_out);
    let arg = format!("http,{}", tshark_out.display());
    if let Some((secs, rss)) =
        support::time_tool("tshark", &["-q", "--export-objects", &arg, "-r"], &path)
    {
        support::report(
            "tshark --export-objects",
            secs,
            bytes,
            packets,
            &format!(
                "peak RSS {} MiB; wirelens export is {:.1}x faster",
                rss / 1024,
                secs / export.wall
            ),
        );
    }
    let _ = std::fs::remove_dir_all(&tshark_out);
}
