//! HTTP benchmark on the generated capture (see `support`): parses every HTTP
//! transaction and decodes and exports every body (written to a temp dir),
//! prints MB/s of capture, and compares with `tshark -q --export-objects http`
//! on the same file when tshark is installed.
//!
//! ```text
//! cargo bench --bench http
//! ```

#[allow(dead_code)]
mod support;

use std::time::Instant;
use wirelens::capture::Capture;
use wirelens::http::export::{export_all, prepare_dir, ExportOptions};
use wirelens::session::Session;
use wirelens::trace::Trace;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let path = support::capture_path();
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    // Where bodies are written: on a disk-backed folder the figure is the
    // disk's write speed, so point WIRELENS_BENCH_EXPORT_DIR (or TMPDIR) at a
    // tmpfs such as /dev/shm to measure wirelens itself.
    let out = std::env::var_os("WIRELENS_BENCH_EXPORT_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
        .join("wirelens-bench-export");
    println!("bodies are written under {}", out.display());
    let _ = std::fs::remove_dir_all(&out);

    let t = Instant::now();
    let trace =
        Session::from(Trace::load(Capture::open(&path).expect("open"), |_| true).expect("load"));
    let loaded = t.elapsed().as_secs_f64();
    let index = trace.http();
    let parsed = t.elapsed().as_secs_f64();
    let heap = index.heap_bytes();
    println!(
        "HTTP index: {:.1} MB heap, {:.0} B per transaction, {:.1} B per packet",
        heap as f64 / 1e6,
        heap as f64 / index.transactions.len().max(1) as f64,
        heap as f64 / trace.store.len().max(1) as f64
    );
    let dir = prepare_dir(&out).expect("export dir");
    let results = export_all(
        &trace.store,
        &trace.conversations,
        index,
        &ExportOptions::default(),
        &dir,
        false,
    );
    let bodies = results.len();
    let written: u64 = results
        .into_iter()
        .map(|r| r.expect("write body").bytes)
        .sum();
    let total = t.elapsed().as_secs_f64();
    let packets = trace.store.len();
    println!(
        "capture: {} ({:.1} MB, {packets} packets); {} transactions, {} bodies, {:.1} MB written",
        path.display(),
        bytes as f64 / 1e6,
        index.transactions.len(),
        bodies,
        written as f64 / 1e6
    );
    support::report("wirelens load", loaded, bytes, packets, "");
    support::report("wirelens load+http parse", parsed, bytes, packets, "");
    support::report(
        "wirelens parse+export",
        total - loaded,
        bytes,
        packets,
        "(trace already loaded)",
    );
    support::report(
        "wirelens http export",
        total,
        bytes,
        packets,
        &format!(
            "anonymous memory {} MiB, peak RSS {} MiB incl. the mapped file",
            support::own_rss_anon_kib() / 1024,
            support::peak_rss_kib() / 1024
        ),
    );
    let _ = std::fs::remove_dir_all(&out);
    if !support::tools_enabled() {
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
                "peak RSS {} MiB; wirelens is {:.1}x faster",
                rss / 1024,
                secs / total
            ),
        );
    }
    let _ = std::fs::remove_dir_all(&tshark_out);
}
