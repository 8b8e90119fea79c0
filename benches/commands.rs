//! The real `wirelens` binary's commands (`list`, `flows`, `http`,
//! `export --all`) on the generated capture, beside `tcpdump -nn -r` and
//! `tshark -r` on the same file: seconds, packets/s, peak anonymous memory
//! (RssAnon polled every 10 ms: heap and stacks, not the mapped capture), the
//! store's and conversations' bytes per packet, the ratios issue 11 names and
//! the memory budgets, each with its verdict.
//!
//! ```text
//! cargo bench --bench commands                      # the 1 GiB capture
//! cargo bench --bench commands -- --size 10GiB      # and a 10 GiB one, with the 10 GiB / 1 GiB ratios
//! WIRELENS_BENCH_SIZE=256MiB cargo bench --bench commands   # another base size
//! ```
//!
//! Then the same on a capture of 1.8 M tiny packets (short HTTP connections,
//! examples/gencap --tiny-packets; WIRELENS_BENCH_TINY sets the count, 0 skips).
//!
//! The captures are made once by examples/gencap (see `support`) in the temp
//! dir; a capture bigger than [`KEEP_UP_TO`] is deleted afterwards unless
//! WIRELENS_BENCH_KEEP is set. Bodies are exported to /dev/shm (tmpfs) for
//! captures up to [`TMPFS_EXPORT_UP_TO`], else to the temp dir.
//! Each wirelens command runs WIRELENS_BENCH_RUNS times (3 by default) and
//! its fastest run is shown, with the highest anonymous peak of all runs;
//! tcpdump too up to 2 GiB, tshark once. WIRELENS_BENCH_SKIP_TOOLS skips
//! tcpdump and tshark; tshark (whose memory
//! grows with the file) runs on captures above [`TSHARK_UP_TO`] only with
//! WIRELENS_BENCH_TSHARK set.

#[allow(dead_code)]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wirelens::session::Session;
use wirelens::trace::Trace;

const GIB: u64 = 1 << 30;
/// Bigger generated captures are deleted after the run (disk space).
const KEEP_UP_TO: u64 = 2 * GIB;
/// Bigger captures export to disk: their bodies would not fit in RAM.
const TMPFS_EXPORT_UP_TO: u64 = 2 * GIB;
/// tshark keeps per-packet state: above this it needs too much memory.
const TSHARK_UP_TO: u64 = 2 * GIB;
/// Packets of the tiny-packet capture (WIRELENS_BENCH_TINY; 0 skips it).
const TINY_PACKETS: u64 = 1_800_000;
/// How often the child's RssAnon is read.
const POLL: Duration = Duration::from_millis(10);

/// Budgets of issue 11.
const STORE_BYTES_PER_PACKET: f64 = 48.0;
const INDEX_BYTES_PER_PACKET: f64 = 32.0;
const INDEX_BYTES_PER_TRANSACTION: f64 = 256.0;
const ANON_MIB_1GB: u64 = 300;
const ANON_MIB_10GB: u64 = 1024;

/// One command's figures.
#[derive(Clone, Copy)]
struct Run {
    secs: f64,
    /// User + system CPU seconds.
    cpu: f64,
    anon_kib: u64,
}

/// What one capture measured, for the size ratios.
struct Measured {
    size: u64,
    commands: Vec<(&'static str, Run)>,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let big = args
        .iter()
        .position(|a| a == "--size")
        .and_then(|i| args.get(i + 1))
        .map(|s| support::size_of(s));
    let base = support::capture_path();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average at start: {} (2 cores shared: compare figures measured in the same run)",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let first = measure(&base);
    let tiny: u64 = std::env::var("WIRELENS_BENCH_TINY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(TINY_PACKETS);
    if tiny > 0 {
        measure(&support::tiny_capture(tiny));
    }
    if let Some(size) = big.filter(|&s| s != first.size) {
        let path = support::capture_of_size(size);
        let second = measure(&path);
        println!();
        println!(
            "scaling {:.1} GB / {:.1} GB (target: time <= 11x for ~10x the bytes)",
            second.size as f64 / 1e9,
            first.size as f64 / 1e9
        );
        let scale = second.size as f64 / first.size.max(1) as f64;
        for ((name, a), (_, b)) in first.commands.iter().zip(&second.commands) {
            let r = b.secs / a.secs;
            println!(
                "  {name:<8} {r:>6.2}x the time ({:.2}x the CPU) for {scale:.2}x the bytes: {}",
                b.cpu / a.cpu,
                verdict(r <= 11.0 * scale / 10.0)
            );
        }
        if size > KEEP_UP_TO && std::env::var_os("WIRELENS_BENCH_KEEP").is_none() {
            let _ = std::fs::remove_file(&path);
            println!("deleted {}", path.display());
        }
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "OVER BUDGET"
    }
}

fn measure(path: &Path) -> Measured {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    support::warm(path);
    println!();
    println!("capture: {} ({:.2} GB)", path.display(), size as f64 / 1e9);

    // The in-memory figures, from the library itself.
    let t = Instant::now();
    let session = Session::from(Trace::open(path).expect("load the bench capture"));
    let load_secs = t.elapsed().as_secs_f64();
    let packets = session.store.len();
    let store = session.store.index_bytes() as f64;
    let convs = session.conversations.heap_bytes() as f64;
    let http = session.http();
    let transactions = http.transactions.len();
    let index = http.heap_bytes() as f64;
    drop(session);
    let per = |b: f64| b / packets.max(1) as f64;
    println!(
        "{packets} packets, {transactions} HTTP transactions; store+conversations load in-process {load_secs:.3} s"
    );
    println!(
        "  store {:.1} B/packet (budget {STORE_BYTES_PER_PACKET}): {}",
        per(store),
        verdict(per(store) <= STORE_BYTES_PER_PACKET)
    );
    let allowed =
        INDEX_BYTES_PER_PACKET * packets as f64 + INDEX_BYTES_PER_TRANSACTION * transactions as f64;
    println!(
        "  conversations {:.1} B/packet + HTTP index {:.1} B/packet ({:.0} B/transaction) = {:.1} MB (budget {INDEX_BYTES_PER_PACKET} B/packet + {INDEX_BYTES_PER_TRANSACTION} B/transaction = {:.1} MB): {}",
        per(convs),
        per(index),
        index / transactions.max(1) as f64,
        (convs + index) / 1e6,
        allowed / 1e6,
        verdict(convs + index <= allowed)
    );

    let export_root = if size <= TMPFS_EXPORT_UP_TO && Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let export_dir = export_root.join(format!("wirelens-bench-export-{}", std::process::id()));
    let exe = env!("CARGO_BIN_EXE_wirelens");
    let file = path.to_string_lossy().into_owned();
    let dir = export_dir.to_string_lossy().into_owned();
    let budget_mib = if size > 2 * GIB {
        ANON_MIB_10GB
    } else {
        ANON_MIB_1GB
    };
    let commands: [(&'static str, Vec<&str>); 4] = [
        ("list", vec!["list", &file]),
        ("flows", vec!["flows", &file]),
        ("http", vec!["http", &file]),
        ("export", vec!["export", &file, "--all", "-o", &dir]),
    ];
    let mut measured = Vec::new();
    let runs = runs();
    for (name, argv) in &commands {
        // The fastest of `runs` (its CPU with it), the highest peak of all.
        let mut run: Option<Run> = None;
        for _ in 0..runs {
            let _ = std::fs::remove_dir_all(&export_dir);
            let r = run_polled(exe, argv);
            run = Some(match run {
                Some(best) if best.secs <= r.secs => Run {
                    anon_kib: best.anon_kib.max(r.anon_kib),
                    ..best
                },
                Some(best) => Run {
                    anon_kib: best.anon_kib.max(r.anon_kib),
                    ..r
                },
                None => r,
            });
        }
        let Some(run) = run else { continue };
        let extra = if *name == "export" {
            format!(
                " to {} ({:.1} MB written)",
                export_root.display(),
                dir_bytes(&export_dir) as f64 / 1e6
            )
        } else {
            String::new()
        };
        support::report(
            &format!("wirelens {name}"),
            run.secs,
            size,
            packets,
            &format!(
                "cpu {:.2} s, anonymous peak {} MiB (budget {budget_mib}): {}{extra}",
                run.cpu,
                run.anon_kib / 1024,
                verdict(run.anon_kib / 1024 <= budget_mib)
            ),
        );
        measured.push((*name, run));
    }
    let _ = std::fs::remove_dir_all(&export_dir);

    let secs = |n: &str| {
        measured
            .iter()
            .find(|(m, _)| *m == n)
            .map(|(_, r)| r.secs)
            .unwrap_or(f64::NAN)
    };
    let cpu = |n: &str| {
        measured
            .iter()
            .find(|(m, _)| *m == n)
            .map(|(_, r)| r.cpu)
            .unwrap_or(f64::NAN)
    };
    let mut tcpdump = None;
    let mut tcpdump_cpu = f64::NAN;
    if support::tools_enabled() {
        let tshark_ok = size <= TSHARK_UP_TO || std::env::var_os("WIRELENS_BENCH_TSHARK").is_some();
        let tools: &[(&str, &[&str])] = if tshark_ok {
            &[("tcpdump", &["-nn", "-r"]), ("tshark", &["-r"])]
        } else {
            println!(
                "tshark skipped above {} GiB (set WIRELENS_BENCH_TSHARK)",
                TSHARK_UP_TO / GIB
            );
            &[("tcpdump", &["-nn", "-r"])]
        };
        for (tool, args) in tools {
            // tcpdump as wirelens, best of `runs`, up to TSHARK_UP_TO (a
            // 10 GB run takes a minute); tshark once.
            let tool_runs = if *tool == "tcpdump" && size <= TSHARK_UP_TO {
                runs
            } else {
                1
            };
            let mut best: Option<(f64, u64, f64)> = None;
            for _ in 0..tool_runs {
                let cpu_before = support::children_cpu_secs();
                let Some((t, rss)) = support::time_tool(tool, args, path) else {
                    break;
                };
                let c = support::children_cpu_secs() - cpu_before;
                if best.is_none_or(|(b, _, _)| t < b) {
                    best = Some((t, rss, c));
                }
            }
            if let Some((t, rss, tool_cpu)) = best {
                support::report(
                    &format!("{tool} {}", args.join(" ")),
                    t,
                    size,
                    packets,
                    &format!(
                        "cpu {tool_cpu:.2} s, peak RSS {} MiB (/usr/bin/time %M)",
                        rss / 1024
                    ),
                );
                if *tool == "tcpdump" {
                    tcpdump = Some(t);
                    tcpdump_cpu = tool_cpu;
                }
            }
        }
    }
    println!("ratios (same run):");
    if let Some(td) = tcpdump {
        let r = td / secs("flows");
        println!(
            "  flows is {r:.1}x faster than tcpdump -nn -r (target >= 15x): {}",
            verdict(r >= 15.0)
        );
        let r = td / secs("list");
        println!(
            "  list is {r:.1}x faster than tcpdump -nn -r (target >= 3x): {}",
            verdict(r >= 3.0)
        );
        println!(
            "  in CPU seconds: flows {:.1}x, list {:.1}x less than tcpdump",
            tcpdump_cpu / cpu("flows"),
            tcpdump_cpu / cpu("list")
        );
    }
    let r = secs("http") / secs("flows");
    println!(
        "  http takes {r:.2}x the time of flows (target <= 1.5x): {}",
        verdict(r <= 1.5)
    );
    if size <= TMPFS_EXPORT_UP_TO {
        let e = secs("export");
        println!(
            "  export --all to tmpfs {e:.2} s (target <= 3 s on 1 GB): {}",
            verdict(e <= 3.0 * size as f64 / GIB as f64)
        );
    }
    Measured {
        size,
        commands: measured,
    }
}

/// How many times each command runs (WIRELENS_BENCH_RUNS, default 3): the
/// machine's share moves between runs, so one run can be far from another.
fn runs() -> u32 {
    std::env::var("WIRELENS_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1)
}

/// Runs `exe argv...` with its output discarded; wall time and the peak of
/// its RssAnon, read every [`POLL`].
fn run_polled(exe: &str, argv: &[&str]) -> Run {
    let cpu_before = support::children_cpu_secs();
    let t = Instant::now();
    let mut child = Command::new(exe)
        .args(argv)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start wirelens");
    let pid = child.id();
    let mut peak = 0;
    loop {
        peak = peak.max(support::rss_anon_kib(pid));
        match child.try_wait() {
            Ok(Some(status)) => {
                let secs = t.elapsed().as_secs_f64();
                assert!(status.success(), "wirelens {argv:?} failed: {status}");
                return Run {
                    secs,
                    cpu: support::children_cpu_secs() - cpu_before,
                    anon_kib: peak,
                };
            }
            Ok(None) => std::thread::sleep(POLL),
            Err(e) => panic!("waiting for wirelens: {e}"),
        }
    }
}

/// Total size of the files under `dir`.
fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_bytes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}
