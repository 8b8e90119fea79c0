//! The statistics and graphs never divide by zero, overflow or panic, and
//! give finite numbers, on the captures that break scaling code: one packet,
//! all packets at the same instant (zero duration), timestamps at the ends of
//! the 32-bit pcap and 64-bit pcapng ranges, going backwards, and any I/O
//! interval from 0 up. The TUI's screens are drawn from them too (every
//! chart at 80x24, 200x50 and tiny sizes, with its cursor on its first
//! points), and every point a chart can pick maps to a cell inside its
//! plotting area.

use proptest::prelude::*;
use wirelens::capture::{Capture, CaptureBytes};
use wirelens::flow::{Direction, Protocol};
use wirelens::http::HttpIndex;
use wirelens::stats::{self, endpoints, hierarchy, io, tcp_graph, tree, Selection};
use wirelens::trace::Trace;

/// One frame to write: time, direction, TCP or UDP, flags, numbers, payload.
#[derive(Debug, Clone)]
struct Frame {
    ts: u64,
    reverse: bool,
    udp: bool,
    flags: u8,
    seq: u32,
    ack: u32,
    window: u16,
    payload: Vec<u8>,
}

fn frame_bytes(f: &Frame) -> Vec<u8> {
    let (a, b) = ([10, 0, 0, 1], [10, 0, 0, 2]);
    let (src, dst, sp, dp) = if f.reverse {
        (b, a, 80, 40000)
    } else {
        (a, b, 40000, 80)
    };
    let (sp, dp) = if f.udp { (sp % 2 + 53, dp) } else { (sp, dp) };
    let base = etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4(src, dst, 64);
    let mut out = Vec::new();
    if f.udp {
        let _ = base.udp(sp, dp).write(&mut out, &f.payload);
    } else {
        let mut t = base.tcp(sp, dp, f.seq, f.window);
        if f.flags & 0x02 != 0 {
            t = t.syn();
        }
        if f.flags & 0x10 != 0 {
            t = t.ack(f.ack);
        }
        if f.flags & 0x01 != 0 {
            t = t.fin();
        }
        if f.flags & 0x04 != 0 {
            t = t.rst();
        }
        let _ = t.write(&mut out, &f.payload);
    }
    out
}

/// A classic pcap (nanosecond magic when `nano`), timestamps split into the
/// 32-bit seconds and fraction fields.
fn pcap(frames: &[Frame], nano: bool) -> Vec<u8> {
    let mut v = Vec::new();
    let magic: u32 = if nano { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
    v.extend_from_slice(&magic.to_le_bytes());
    v.extend_from_slice(&2u16.to_le_bytes());
    v.extend_from_slice(&4u16.to_le_bytes());
    v.extend_from_slice(&[0; 8]);
    v.extend_from_slice(&65535u32.to_le_bytes());
    v.extend_from_slice(&1u32.to_le_bytes());
    for f in frames {
        let data = frame_bytes(f);
        v.extend_from_slice(&((f.ts >> 32) as u32).to_le_bytes());
        v.extend_from_slice(&(f.ts as u32).to_le_bytes());
        v.extend_from_slice(&(data.len() as u32).to_le_bytes());
        v.extend_from_slice(&(data.len() as u32).to_le_bytes());
        v.extend_from_slice(&data);
    }
    v
}

/// A pcapng with if_tsresol 10^0 (seconds): a 64-bit timestamp far beyond
/// what fits in i64 nanoseconds.
fn pcapng_seconds(frames: &[Frame]) -> Vec<u8> {
    let mut f = Vec::new();
    let block = |f: &mut Vec<u8>, kind: u32, body: &[u8]| {
        let len = 12 + body.len() as u32;
        f.extend_from_slice(&kind.to_le_bytes());
        f.extend_from_slice(&len.to_le_bytes());
        f.extend_from_slice(body);
        f.extend_from_slice(&len.to_le_bytes());
    };
    block(
        &mut f,
        0x0A0D_0D0A,
        &[
            0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        ],
    );
    block(
        &mut f,
        1,
        &[1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    for fr in frames {
        let mut data = frame_bytes(fr);
        let len = data.len() as u32;
        while data.len() % 4 != 0 {
            data.push(0);
        }
        let mut body = vec![0u8; 4];
        body.extend_from_slice(&((fr.ts >> 32) as u32).to_le_bytes());
        body.extend_from_slice(&(fr.ts as u32).to_le_bytes());
        body.extend_from_slice(&len.to_le_bytes());
        body.extend_from_slice(&len.to_le_bytes());
        body.extend_from_slice(&data);
        block(&mut f, 6, &body);
    }
    f
}

fn finite_json(text: &str) {
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        // serde_json writes a NaN or an infinity as null: none may appear
        // (only an endpoint's port is null, for endpoints without one).
        fn walk(v: &serde_json::Value, key: &str, line: &str) {
            match v {
                serde_json::Value::Null => assert_eq!(key, "port", "a number became null: {line}"),
                serde_json::Value::Number(n) => assert!(n.as_f64().is_some_and(f64::is_finite)),
                serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, key, line)),
                serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| walk(x, k, line)),
                _ => {}
            }
        }
        walk(&v, "", line);
    }
}

fn check_trees(name: &str, t: &tree::Tree) {
    let mut text = String::new();
    tree::write_text(t, &mut text);
    assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
    let mut json = String::new();
    tree::write_json(name, t, &mut json);
    finite_json(&json);
}

fn exercise(bytes: Vec<u8>, interval_us: u64, screens: bool) {
    let Ok(capture) = Capture::from_bytes(CaptureBytes::Owned(bytes), "prop".into()) else {
        return;
    };
    let Ok(trace) = Trace::load(capture, |_| true) else {
        return;
    };
    let http = HttpIndex::build(&trace.store, &trace.conversations, &trace.keys);
    let all = Selection::All;
    let h = hierarchy::compute(&trace, &http, &all);
    assert_eq!(h.frames as usize, trace.store.len());
    let mut out = String::new();
    hierarchy::write_json(&h, &mut out);
    finite_json(&out);
    for k in ["eth", "ip", "ipv6", "tcp", "udp"] {
        let e = endpoints::compute(&trace, &all, endpoints::Kind::parse(k).expect("kind"));
        let tx: u64 = e.list.iter().map(|p| p.tx_packets).sum();
        let rx: u64 = e.list.iter().map(|p| p.rx_packets).sum();
        assert_eq!(tx, rx, "each frame is sent once and received once");
    }
    let series = [
        "",
        "tcp",
        "AVG(frame.len)",
        "MIN(tcp.len)tcp",
        "MAX(frame.time_relative)",
    ]
    .iter()
    .map(|s| io::Series::parse(s).expect("series"))
    .collect();
    match io::compute(&trace, Some(&http), &all, interval_us, series) {
        Ok(s) => {
            let counted: u64 = s.rows.iter().map(|r| r[0].frames).sum();
            assert!(counted as usize <= trace.store.len());
            let mut text = String::new();
            io::write_text(&s, &mut text);
            let mut json = String::new();
            io::write_json(&s, &mut json);
            finite_json(&json);
        }
        Err(io::IoError::TooManyIntervals {
            intervals, series, ..
        }) => {
            assert!(intervals.saturating_mul(series as u64) > io::MAX_CELLS)
        }
        Err(e) => panic!("{e}"),
    }
    check_trees(
        "http,tree",
        &stats::http::packet_counter(&trace, &http, &all),
    );
    check_trees("http_req,tree", &stats::http::requests(&trace, &http, &all));
    check_trees("dns,tree", &stats::dns::compute(&trace, &all));
    for conv in trace
        .conversations
        .all()
        .iter()
        .filter(|c| c.protocol == Protocol::Tcp)
    {
        for dir in [Direction::AtoB, Direction::BtoA] {
            let g = tcp_graph::compute(&trace, conv, dir);
            for &(t, bps) in &g.throughput {
                assert!(t.is_finite() && bps.is_finite() && bps >= 0.0);
            }
            for r in &g.rtt {
                assert!(r.time.is_finite() && r.ms.is_finite() && r.ms >= 0.0);
            }
            let xs = stats::scale::bounds_of(g.stevens().iter().map(|p| p.0));
            let ys = stats::scale::bounds_of(g.window_line().iter().map(|p| p.1));
            assert!(xs[1] > xs[0] && ys[1] > ys[0]);
            for p in g.stevens() {
                assert!(stats::scale::cell_of(p.0, xs, 80) < 80);
            }
            let mut json = String::new();
            tcp_graph::write_json(&g, &mut json);
            finite_json(&json);
        }
    }
    if screens {
        draw_screens(trace);
    }
}

/// Every TUI statistics screen of `trace`, drawn with the cursor on each
/// pick of the charts.
fn draw_screens(trace: Trace) {
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    use wirelens::ui::stats_pane::{Scope, StatsData, StatsPane, StatsTab};
    let session = std::sync::Arc::new(wirelens::session::Session::from(trace));
    let mut pane = StatsPane {
        data: StatsData::compute_all(&session, &Scope::default()),
        ..StatsPane::default()
    };
    let tabs = [
        StatsTab::Hierarchy,
        StatsTab::Endpoints,
        StatsTab::IoGraph,
        StatsTab::TcpGraph,
        StatsTab::Tcptrace,
        StatsTab::Throughput,
        StatsTab::Rtt,
        StatsTab::WindowScaling,
        StatsTab::Flow,
        StatsTab::Http,
        StatsTab::Dns,
    ];
    for tab in tabs {
        pane.tab = tab;
        let picks = pane.picks().len();
        for (w, h) in [(80, 24), (200, 50), (1, 1), (12, 6)] {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
            // Each point under the cursor at 80x24; the first elsewhere.
            let cursors = if w == 80 { picks.min(4) } else { picks.min(1) };
            for cursor in std::iter::once(None).chain((0..cursors).map(Some)) {
                pane.cursor = cursor;
                terminal.draw(|f| pane.draw(f, f.area())).expect("draw");
                let Some(geo) = pane.geometry else { continue };
                assert!(geo.xs.iter().chain(&geo.ys).all(|v| v.is_finite()));
                assert!(geo.xs[0] < geo.xs[1] && geo.ys[0] < geo.ys[1], "{geo:?}");
                for p in pane.picks() {
                    if let Some(at) = geo.cell(p.x, p.y) {
                        assert!(
                            geo.graph.contains(at),
                            "{tab:?} {p:?} at {at:?} outside {geo:?}"
                        );
                        assert!(geo.nearest(&pane.picks(), at).is_some());
                    }
                }
            }
        }
    }
}

fn frame() -> impl Strategy<Value = Frame> {
    (
        prop_oneof![
            Just(0u64),
            Just(u64::MAX),
            Just(u64::from(u32::MAX)),
            any::<u64>(),
            0u64..4_000_000
        ],
        any::<bool>(),
        prop::bool::weighted(0.2),
        prop_oneof![
            Just(0x02u8),
            Just(0x12),
            Just(0x10),
            Just(0x11),
            Just(0x04),
            any::<u8>()
        ],
        prop_oneof![Just(0u32), Just(u32::MAX), any::<u32>()],
        any::<u32>(),
        any::<u16>(),
        prop::collection::vec(any::<u8>(), 0..40),
    )
        .prop_map(
            |(ts, reverse, udp, flags, seq, ack, window, payload)| Frame {
                ts,
                reverse,
                udp,
                flags,
                seq,
                ack,
                window,
                payload,
            },
        )
}

/// A capture of `frames` in `format` (0: pcap µs, 1: pcap ns, 2: pcapng s),
/// all at the first frame's time when `same_instant`.
fn capture(frames: Vec<Frame>, same_instant: bool, format: u8) -> Vec<u8> {
    let mut frames = frames;
    if same_instant {
        let t = frames[0].ts;
        frames.iter_mut().for_each(|f| f.ts = t);
    }
    match format {
        0 => pcap(&frames, false),
        1 => pcap(&frames, true),
        _ => pcapng_seconds(&frames),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn statistics_stay_finite(
        frames in prop::collection::vec(frame(), 1..8),
        same_instant in any::<bool>(),
        format in 0u8..3,
        interval in prop_oneof![Just(0u64), Just(1u64), Just(u64::MAX), 1u64..10_000_000],
    ) {
        exercise(capture(frames, same_instant, format), interval, false);
    }
}

proptest! {
    // Fewer cases: each draws every screen at four sizes.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn screens_draw_inside_their_axes(
        frames in prop::collection::vec(frame(), 1..8),
        same_instant in any::<bool>(),
        format in 0u8..3,
    ) {
        exercise(capture(frames, same_instant, format), 1_000_000, true);
    }
}

#[test]
fn one_packet_and_zero_duration() {
    let f = Frame {
        ts: 5,
        reverse: false,
        udp: false,
        flags: 0x02,
        seq: 1,
        ack: 0,
        window: 1,
        payload: vec![],
    };
    exercise(pcap(std::slice::from_ref(&f), false), 1_000_000, true);
    exercise(
        pcap(
            &[
                f.clone(),
                Frame {
                    flags: 0x12,
                    reverse: true,
                    ..f.clone()
                },
            ],
            true,
        ),
        0,
        true,
    );
    exercise(
        pcapng_seconds(&[
            Frame {
                ts: u64::MAX,
                ..f.clone()
            },
            Frame { ts: 0, ..f },
        ]),
        1,
        true,
    );
}
