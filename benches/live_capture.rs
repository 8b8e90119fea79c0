//! Live capture throughput: a bounded UDP generator on the loopback sends
//! at increasing rates (2 s each) while `live::iface::capture` captures it
//! with a BPF filter and builds the trace as it goes (snapshots included,
//! as the TUI gets them). Prints, per rate, the rate reached, the packets
//! captured and the kernel's drops, and the highest rate kept up with
//! without a drop. Needs CAP_NET_RAW (root); says so and ends otherwise.
//!
//! ```text
//! cargo bench --bench live_capture
//! WIRELENS_LIVE_RATES=50000,100000 cargo bench --bench live_capture
//! ```

use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wirelens::live::iface::{self, CaptureOptions};

/// Seconds of traffic per rate.
const SECONDS: f64 = 2.0;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rates: Vec<u64> = std::env::var("WIRELENS_LIVE_RATES")
        .ok()
        .map(|v| v.split(',').filter_map(|r| r.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 25_000, 50_000, 100_000, 200_000, 400_000]);
    let sink = UdpSocket::bind("127.0.0.1:0").expect("bind the receiver");
    let port = sink.local_addr().expect("port").port();
    let mut best = None;
    println!("rate asked  rate sent  sent     captured  kernel drops");
    for rate in rates {
        let options = CaptureOptions {
            interface: "lo".into(),
            filter: Some(format!("udp dst port {port}")),
            ..CaptureOptions::default()
        };
        let started = match iface::open(&options) {
            Ok(s) => s,
            Err(e) => {
                println!("live capture benchmark skipped: {e}");
                return;
            }
        };
        let done = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&done);
        let capture = std::thread::spawn(move || {
            iface::capture(started, |_, _| !stop.load(Ordering::Relaxed)).expect("capture")
        });
        // The capture is running once its file header is out; give it a moment.
        std::thread::sleep(Duration::from_millis(300));
        let (sent, took) = generate(port, rate);
        std::thread::sleep(Duration::from_millis(700));
        done.store(true, Ordering::Relaxed);
        let (trace, stats) = capture.join().expect("capture thread");
        let captured = trace.store.len() as u64;
        let sent_rate = sent as f64 / took.as_secs_f64();
        println!(
            "{rate:>10} {sent_rate:>10.0} {sent:>8} {captured:>9} {:>13}",
            stats.dropped_kernel
        );
        if captured == sent && stats.dropped_kernel == 0 {
            best = Some(sent_rate);
        } else {
            break;
        }
    }
    match best {
        Some(r) => {
            println!("sustained without drops: {r:.0} packets/s (loopback, 60-byte UDP payloads)")
        }
        None => println!("no rate was kept up with without drops"),
    }
}

/// Sends `rate` packets per second for [`SECONDS`], paced every millisecond.
fn generate(port: u16, rate: u64) -> (u64, Duration) {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind the sender");
    let payload = [0x5au8; 60];
    let total = (rate as f64 * SECONDS) as u64;
    let start = Instant::now();
    let mut sent = 0u64;
    while sent < total {
        let due = ((start.elapsed().as_secs_f64() * rate as f64) as u64).min(total);
        while sent < due {
            if socket.send_to(&payload, ("127.0.0.1", port)).is_ok() {
                sent += 1;
            }
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    (sent, start.elapsed())
}
