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
use wirelens::http::export::{plan_each, prepare_dir, write_item, ExportOptions};
use wirelens::trace::Trace;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let path = support::capture_path();
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let out = std::env::temp_dir().join("wirelens-bench-export");
    let _ = std::fs::remove_dir_all(&out);

    let t = Instant::now();
    let trace = Trace::load(Capture::open(&path).expect("open"), |_| true).expect("load");
    let loaded = t.elapsed().as_secs_f64();
    let index = trace.http();
    let parsed = t.elapsed().as_secs_f64();
    let dir = prepare_dir(&out).expect("export dir");
    let (mut written, mut bodies) = (0u64, 0usize);
    plan_each(index, &ExportOptions::default(), |item| {
        write_item(&dir, &item, false).map(|_| {
            written += item.data.len() as u64;
            bodies += 1;
        })
    })
    .expect("write body");
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
        "wirelens http export",
        total,
        bytes,
        packets,
        &format!("peak RSS {} MiB", support::peak_rss_kib() / 1024),
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
