//! Shared by the benchmarks: the generated capture (examples/gencap, made once
//! in the temp dir), peak memory, and timing an external tool on the same file.

#[path = "../../examples/gencap/synth.rs"]
#[allow(dead_code, unused_imports)]
mod synth;

#[path = "../../examples/gencap/tiny.rs"]
#[allow(dead_code)]
mod tiny;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

fn parse_size(s: &str) -> u64 {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().unwrap_or(1);
    n * match unit.to_ascii_lowercase().as_str() {
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        _ => 1,
    }
}

/// The capture to measure: `WIRELENS_BENCH_CAPTURE`, or one generated once
/// (size `WIRELENS_BENCH_SIZE`, default 1 GiB) and kept in the temp dir.
pub fn capture_path() -> PathBuf {
    if let Ok(p) = std::env::var("WIRELENS_BENCH_CAPTURE") {
        return PathBuf::from(p);
    }
    let size = parse_size(&std::env::var("WIRELENS_BENCH_SIZE").unwrap_or_else(|_| "1GiB".into()));
    capture_of_size(size)
}

/// Size in bytes of `1GiB`, `256MiB`, `10g`, ...
pub fn size_of(s: &str) -> u64 {
    parse_size(s)
}

/// The generated capture of about `size` bytes (made once, kept in the temp dir).
pub fn capture_of_size(size: u64) -> PathBuf {
    let path = std::env::temp_dir().join(format!("wirelens-bench-{size}.pcap"));
    if !path.exists() {
        eprintln!(
            "generating {} ({size} bytes) with examples/gencap ...",
            path.display()
        );
        let t = Instant::now();
        let tmp = path.with_extension("partial");
        let file = std::fs::File::create(&tmp).expect("create bench capture");
        let stats = synth::generate(
            &synth::SynthConfig {
                target_bytes: size,
                seed: 1,
            },
            file,
        )
        .expect("generate bench capture");
        std::fs::rename(&tmp, &path).expect("rename bench capture");
        eprintln!(
            "generated {} packets, {} TCP connections, {} HTTP transactions in {:.1} s",
            stats.packets,
            stats.tcp_connections,
            stats.http_transactions,
            t.elapsed().as_secs_f64()
        );
    }
    warm(&path);
    path
}

/// The generated capture of `packets` tiny packets (made once, kept in the
/// temp dir; see examples/gencap/tiny.rs).
pub fn tiny_capture(packets: u64) -> PathBuf {
    let path = std::env::temp_dir().join(format!("wirelens-bench-tiny-{packets}.pcap"));
    if !path.exists() {
        eprintln!(
            "generating {} with examples/gencap --tiny-packets ...",
            path.display()
        );
        let tmp = path.with_extension("partial");
        let file = std::fs::File::create(&tmp).expect("create bench capture");
        tiny::generate_tiny(packets, file).expect("generate tiny capture");
        std::fs::rename(&tmp, &path).expect("rename bench capture");
    }
    warm(&path);
    path
}

/// Reads `path` once (streaming, not into memory) so the figures are CPU,
/// not disk.
pub fn warm(path: &Path) {
    if let Ok(mut f) = std::fs::File::open(path) {
        let _ = std::io::copy(&mut f, &mut std::io::sink());
    }
}

/// Anonymous resident memory (heap, stacks; not the mapped capture) of
/// process `pid` now, in KiB (`RssAnon` of /proc/PID/status).
pub fn rss_anon_kib(pid: u32) -> u64 {
    status_kib(&format!("/proc/{pid}/status"), "RssAnon:")
}

/// Anonymous resident memory of this process now, in KiB.
pub fn own_rss_anon_kib() -> u64 {
    status_kib("/proc/self/status", "RssAnon:")
}

fn status_kib(file: &str, key: &str) -> u64 {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Peak resident set of this process so far, in KiB.
pub fn peak_rss_kib() -> u64 {
    status_kib("/proc/self/status", "VmHWM:")
}

/// CPU seconds (user + system) of this process's children that have ended
/// and been waited for, grandchildren included (`cutime` + `cstime` of
/// /proc/self/stat, in clock ticks of 10 ms): the difference around one
/// child run is its CPU time, a figure that a machine shared with other jobs
/// disturbs far less than wall time.
pub fn children_cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Fields 16 and 17 of the file; the first after the name is field 3.
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (tick(16 - 3) + tick(17 - 3)) as f64 / 100.0
}

/// Whether external tools are to be timed (skip with WIRELENS_BENCH_SKIP_TOOLS).
pub fn tools_enabled() -> bool {
    std::env::var_os("WIRELENS_BENCH_SKIP_TOOLS").is_none()
}

/// Times `name args... path` (output discarded); `None` when not installed.
pub fn time_tool(name: &str, args: &[&str], path: &Path) -> Option<(f64, u64)> {
    let installed = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        println!("{name:<28} not installed; skipped");
        return None;
    }
    let t = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg(name)
        .args(args)
        .arg(path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .ok()?;
    let secs = t.elapsed().as_secs_f64();
    let rss = String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()
        .and_then(|l| l.trim().parse::<u64>().ok())
        .unwrap_or(0);
    Some((secs, rss))
}

/// One result line: what, seconds, MB/s of capture, packets/s, extra.
pub fn report(what: &str, secs: f64, bytes: u64, packets: usize, extra: &str) {
    println!(
        "{what:<28} {secs:>8.3} s {:>9.1} MB/s {:>12.0} packets/s   {extra}",
        bytes as f64 / 1e6 / secs,
        packets as f64 / secs
    );
}
