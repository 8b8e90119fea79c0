//! Store + conversations benchmark: builds the packet store and the TCP/UDP
//! conversations for a generated capture (default 1 GiB) and prints MB/s,
//! packets/s, bytes per packet and peak memory; then times `tcpdump -nn -r`
//! and `tshark -r` on the same file when they are installed, for the ratio.
//!
//! ```text
//! cargo bench --bench store                      # 1 GiB capture in $TMPDIR
//! WIRELENS_BENCH_SIZE=256MiB cargo bench --bench store
//! WIRELENS_BENCH_CAPTURE=/path/to/file.pcap cargo bench --bench store
//! ```
//!
//! The capture comes from the generator of `examples/gencap` (same code), so
//! every benchmark measures the same traffic.

#[path = "../examples/gencap/synth.rs"]
#[allow(dead_code, unused_imports)]
mod synth;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;
use wirelens::capture::Capture;
use wirelens::trace::Trace;

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

/// The capture to measure: given, or generated once and kept in the temp dir.
fn capture_path() -> PathBuf {
    if let Ok(p) = std::env::var("WIRELENS_BENCH_CAPTURE") {
        return PathBuf::from(p);
    }
    let size = parse_size(&std::env::var("WIRELENS_BENCH_SIZE").unwrap_or_else(|_| "1GiB".into()));
    let path = std::env::temp_dir().join(format!("wirelens-bench-{size}.pcap"));
    if !path.exists() {
        eprintln!(
            "generating {} ({} bytes) with examples/gencap ...",
            path.display(),
            size
        );
        let t = Instant::now();
        let tmp = path.with_extension("partial");
        let file = std::fs::File::create(&tmp).expect("create bench capture");
        let stats = synth::generate(
            &synth::SynthConfig {
                target_bytes: size,
                seed: 1,
            },
            std::io::BufWriter::with_capacity(1 << 20, file),
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
    path
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn time_tool(name: &str, args: &[&str], path: &Path, bytes: u64, packets: usize) {
    let available = Command::new(name)
        .arg(if name == "tcpdump" { "--version" } else { "-v" })
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !available {
        println!("{name:<24} not installed; skipped");
        return;
    }
    let t = Instant::now();
    let status = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg(name)
        .args(args)
        .arg(path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output();
    let secs = t.elapsed().as_secs_f64();
    let rss = status.ok().and_then(|o| {
        String::from_utf8_lossy(&o.stderr)
            .lines()
            .last()
            .and_then(|l| l.trim().parse::<u64>().ok())
    });
    println!(
        "{:<24} {:>8.2} s {:>9.1} MB/s {:>12.0} packets/s   peak RSS {}",
        format!("{name} {}", args.join(" ")),
        secs,
        bytes as f64 / 1e6 / secs,
        packets as f64 / secs,
        rss.map(|k| format!("{} MiB", k / 1024))
            .unwrap_or_else(|| "?".into())
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing useful.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let path = capture_path();
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    // Warm the page cache so the figure is CPU, not disk.
    let _ = std::fs::read(&path).map(|b| b.len());

    let mut best = f64::MAX;
    let mut packets = 0;
    let mut streams = 0;
    let mut index_bytes = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let capture = Capture::open(&path).expect("open bench capture");
        let trace = Trace::load(capture, |_| true).expect("load bench capture");
        let secs = t.elapsed().as_secs_f64();
        best = best.min(secs);
        packets = trace.store.len();
        streams = trace.conversations.tcp_count();
        index_bytes = trace.store.index_bytes();
        assert!(trace.error.is_none(), "generated capture must read cleanly");
    }
    println!(
        "capture: {} ({:.1} MB, {packets} packets, {streams} TCP streams)",
        path.display(),
        bytes as f64 / 1e6
    );
    println!(
        "{:<24} {:>8.2} s {:>9.1} MB/s {:>12.0} packets/s   store {:.1} bytes/packet, peak RSS {} MiB (file mapped)",
        "wirelens store+flows",
        best,
        bytes as f64 / 1e6 / best,
        packets as f64 / best,
        index_bytes as f64 / packets.max(1) as f64,
        peak_rss_kib().unwrap_or(0) / 1024
    );
    time_tool("tcpdump", &["-nn", "-r"], &path, bytes, packets);
    time_tool("tshark", &["-r"], &path, bytes, packets);
}
