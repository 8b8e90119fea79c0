//! No input may panic: truncations and byte flips of real captures are loaded,
//! and every packet's fields, columns and conversations are computed.

use wirelens::capture::{Capture, CaptureBytes};
use wirelens::columns;
use wirelens::fields::FIELDS;
use wirelens::session::Session;
use wirelens::trace::Trace;

fn exercise(bytes: Vec<u8>) {
    let Ok(capture) = Capture::from_bytes(CaptureBytes::Owned(bytes), "fuzz".into()) else {
        return;
    };
    let Ok(trace) = Trace::load(capture, |_| true) else {
        return;
    };
    let trace = Session::from(trace);
    let mut values = Vec::new();
    for i in 0..trace.store.len() {
        let view = trace.packet_with_http(i);
        let _ = columns::row(&view);
        let _ = wirelens::dissect::lines(&view);
        for f in FIELDS {
            values.clear();
            view.values(f.id, &mut values);
        }
    }
    for conv in trace.conversations.all() {
        let _ = wirelens::flow::follow::follow(&trace.store, conv);
        let _ = wirelens::flow::ladder::ladder(&trace.store, &trace.conversations, conv, false);
        let _ = wirelens::flow::life::life(&trace.store, conv);
    }
    for j in trace.journeys() {
        let _ = wirelens::cli::journey::to_text(&j, Some(trace.names()));
        let _ = wirelens::cli::journey::to_json(&j);
    }
    for t in &trace.http().transactions {
        for m in [t.request.as_ref(), t.response.as_ref()]
            .into_iter()
            .flatten()
        {
            let raw = trace
                .http()
                .body_bytes(&trace.store, &trace.conversations, m);
            if let Some(head) = m.head(&trace.store) {
                let _ = m.decode_body(&head, &raw, 1 << 20);
            }
        }
    }
}

/// A pcapng whose timestamps sit at both ends of the 64-bit range (found by
/// review: time differences overflowed).
fn extreme_timestamps() -> Vec<u8> {
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
    // Ethernet, snaplen 0, if_tsresol = 10^0 (seconds).
    block(
        &mut f,
        1,
        &[1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    for ts in [u64::MAX - 9, 9] {
        let mut body = vec![0u8; 4];
        body.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
        body.extend_from_slice(&(ts as u32).to_le_bytes());
        body.extend_from_slice(&4u32.to_le_bytes());
        body.extend_from_slice(&4u32.to_le_bytes());
        body.extend_from_slice(&[0xff; 4]);
        block(&mut f, 6, &body);
    }
    f
}

#[test]
fn crafted_inputs_from_review() {
    exercise(extreme_timestamps());
}

fn samples() -> Vec<Vec<u8>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [
        root.join("sample-captures"),
        root.join("../shared/captures"),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            let is_capture = p.extension().is_some_and(|x| x == "pcap" || x == "pcapng");
            if let (true, Ok(b)) = (is_capture, std::fs::read(&p)) {
                if b.len() <= 200_000 {
                    out.push(b);
                }
            }
        }
    }
    out
}

#[test]
fn truncations_and_byte_flips_never_panic() {
    let samples = samples();
    assert!(!samples.is_empty(), "no sample captures found");
    let mut rng: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut runs = 0;
    for sample in &samples {
        // Truncations at every header boundary region and at random points.
        for cut in (0..sample.len().min(200))
            .chain((0..20).map(|_| (next() as usize) % sample.len().max(1)))
        {
            exercise(sample[..cut].to_vec());
            runs += 1;
        }
        // Random byte flips.
        for _ in 0..30 {
            let mut b = sample.clone();
            for _ in 0..1 + next() % 16 {
                let at = (next() as usize) % b.len().max(1);
                if let Some(x) = b.get_mut(at) {
                    *x ^= (next() & 0xff) as u8 | 1;
                }
            }
            exercise(b);
            runs += 1;
        }
    }
    println!(
        "no-panic: {} captures, {runs} mutated inputs",
        samples.len()
    );
}
