//! TUI rendering benchmark: a store of 10 million packets (built in memory:
//! 100,000 TCP connections of 100 segments each), then the time to handle a
//! key (which builds the visible rows) and draw a frame of the packet list
//! (with details and bytes) at an arbitrary offset, while the selection moves, and of the ladder view of a connection. Target:
//! under 5 ms per frame, so a keypress never waits. Also prints the store's
//! bytes per packet, to show the UI adds no per-packet allocation.
//!
//! ```text
//! cargo bench --bench tui          # WIRELENS_BENCH_PACKETS=1000000 for a quicker run
//! ```

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::time::Instant;
use wirelens::capture::{Capture, CaptureBytes};
use wirelens::trace::Trace;
use wirelens::ui::app::App;
use wirelens::ui::event::Event;

const SEGMENTS_PER_CONNECTION: u32 = 100;

/// A classic pcap of `packets` TCP packets: connections with a handshake, data
/// both ways and a teardown, interleaved 16 at a time.
fn synthetic_capture(packets: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(packets as usize * 140 + 24);
    for x in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 65535, 1] {
        out.extend_from_slice(&x.to_le_bytes());
    }
    let mut buf = Vec::with_capacity(256);
    let connections = packets / SEGMENTS_PER_CONNECTION;
    let mut n = 0u32;
    for group in (0..connections).step_by(16) {
        for k in 0..SEGMENTS_PER_CONNECTION {
            for c in group..(group + 16).min(connections) {
                let client = [10, (c >> 16) as u8, (c >> 8) as u8, c as u8];
                let port = 10_000 + (c % 50_000) as u16;
                let from_client = k % 2 == 0;
                let (seq_c, seq_s) = (1000 + k / 2 * 100, 5000 + k / 2 * 100);
                let builder = if from_client {
                    etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
                        .ipv4(client, [10, 200, 0, 1], 64)
                        .tcp(port, 80, seq_c, 64_000)
                } else {
                    etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 2], [2, 0, 0, 0, 0, 1])
                        .ipv4([10, 200, 0, 1], client, 64)
                        .tcp(80, port, seq_s, 64_000)
                };
                let builder = match k {
                    0 => builder.syn(),
                    1 => builder.syn().ack(seq_c + 1),
                    k if k >= SEGMENTS_PER_CONNECTION - 2 => {
                        builder.fin().ack(if from_client { seq_s } else { seq_c })
                    }
                    _ => builder.ack(if from_client { seq_s } else { seq_c }),
                };
                let payload: &[u8] = if (2..SEGMENTS_PER_CONNECTION - 2).contains(&k) {
                    &[b'x'; 100]
                } else {
                    &[]
                };
                buf.clear();
                if builder.write(&mut buf, payload).is_err() {
                    continue;
                }
                let ts = u64::from(n) * 10;
                for x in [
                    (ts / 1_000_000) as u32,
                    (ts % 1_000_000) as u32,
                    buf.len() as u32,
                    buf.len() as u32,
                ] {
                    out.extend_from_slice(&x.to_le_bytes());
                }
                out.extend_from_slice(&buf);
                n += 1;
            }
        }
    }
    out
}

/// A key, and the jobs it started (opening the ladder).
fn key(app: &mut App, code: KeyCode) {
    app.handle(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    app.settle();
}

fn frames(app: &mut App, terminal: &mut Terminal<TestBackend>, count: u32, step: KeyCode) -> f64 {
    let t = Instant::now();
    for _ in 0..count {
        key(app, step);
        let _ = terminal.draw(|f| app.draw(f));
    }
    t.elapsed().as_secs_f64() * 1e3 / f64::from(count)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let packets: u32 = std::env::var("WIRELENS_BENCH_PACKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let t = Instant::now();
    let bytes = synthetic_capture(packets);
    let built = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let capture =
        Capture::from_bytes(CaptureBytes::Owned(bytes), "synthetic".into()).expect("capture");
    let trace = Trace::load(capture, |_| true).expect("load");
    println!(
        "store: {} packets, {} TCP streams, built in {built:.1} s, loaded in {:.2} s, {:.1} bytes/packet",
        trace.store.len(),
        trace.conversations.tcp_count(),
        t.elapsed().as_secs_f64(),
        trace.store.index_bytes() as f64 / trace.store.len().max(1) as f64
    );
    let mut app = App::with_trace("synthetic".into(), trace);
    for (w, h) in [(200u16, 60u16), (80, 24)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        app.handle(Event::Resize(w, h));
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('g'));
        // Jump to the middle of the store, as PgDn presses would.
        let middle = app.packet_count() / 2;
        for _ in 0..3 {
            let _ = terminal.draw(|f| app.draw(f));
        }
        app.packets.selected = middle;
        let list = frames(&mut app, &mut terminal, 200, KeyCode::Down);
        let pages = frames(&mut app, &mut terminal, 50, KeyCode::PageDown);
        key(&mut app, KeyCode::Char('l'));
        let _ = terminal.draw(|f| app.draw(f));
        let ladder = frames(&mut app, &mut terminal, 100, KeyCode::Down);
        println!(
            "{w}x{h}: packet list + details + bytes at packet {middle}: {list:.3} ms/frame (line down), {pages:.3} ms/frame (page down); ladder: {ladder:.3} ms/frame"
        );
    }
}
