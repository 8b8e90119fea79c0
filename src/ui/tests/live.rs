//! A capture that grows on screen: what the user set on one snapshot (marks,
//! time references, a key log loaded with `K`) is still set on the
//! snapshots after it, and the filters see it (`frame.marked`).

use super::navigation::ctrl;
use super::*;
use crate::capture::CaptureBytes;
use crate::live::{LiveProducts, TraceBuilder};
use crate::session::Session;
use crate::ui::app::live::{LiveEvent, LIVE_JOBS_EVERY};
use crate::ui::loader::LoadEvent;
use std::sync::Arc;

/// A sample fed record by record, each snapshot handed to the app as the
/// loader hands it.
struct Feed {
    data: Vec<u8>,
    ends: Vec<usize>,
    builder: TraceBuilder,
    products: Arc<LiveProducts>,
    fed: usize,
}

impl Feed {
    fn of(sample: &str) -> Feed {
        let capture =
            crate::capture::Capture::open(&manifest().join("sample-captures").join(sample))
                .expect("sample");
        let mut reader = capture.records().expect("records");
        let mut ends = Vec::new();
        while let Some(Ok(_)) = reader.next() {
            ends.push(reader.position() as usize);
        }
        Feed {
            data: capture.bytes().to_vec(),
            ends,
            builder: TraceBuilder::new(sample),
            products: Arc::new(LiveProducts::new()),
            fed: 0,
        }
    }

    /// Hands the app the snapshot of the first `records` records.
    fn to(&mut self, app: &mut App, records: usize) {
        let end = self.ends[records - 1];
        self.builder.extend(&self.data[..end]).expect("extend");
        let trace = self
            .builder
            .snapshot(CaptureBytes::Owned(self.data[..end].to_vec()))
            .expect("snapshot");
        let session = Session::from(trace).with_live(Arc::clone(&self.products));
        load(
            app,
            LoadEvent::Live(LiveEvent {
                session: Some(Arc::new(session)),
                stats: None,
            }),
        );
        self.fed = records;
    }

    /// The rest one record at a time, then the live jobs' next round
    /// (they run at most every [`LIVE_JOBS_EVERY`]).
    fn rest(&mut self, app: &mut App) {
        for n in self.fed + 1..=self.ends.len() {
            self.to(app, n);
        }
        std::thread::sleep(LIVE_JOBS_EVERY);
        load(
            app,
            LoadEvent::Live(LiveEvent {
                session: None,
                stats: None,
            }),
        );
    }
}

/// Empties the display filter's prompt and applies it (no filter).
fn clear_filter(app: &mut App) {
    key(app, KeyCode::Char('/'));
    for _ in 0.."frame.marked == 1".len() {
        key(app, KeyCode::Backspace);
    }
    key(app, KeyCode::Enter);
    assert!(app.packets.filter.is_none());
}

#[test]
fn marks_and_time_references_survive_the_snapshots_and_frame_marked_selects_them() {
    let mut app = App::headless("live".into());
    let mut feed = Feed::of("textbook-visit.pcap");
    feed.to(&mut app, 8);
    // Frame 3 marked, frame 6 a time reference, on the 8-packet snapshot.
    ctrl(&mut app, 'g');
    keys(&mut app, "3");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('m'));
    assert_eq!(app.status, "frame 3 marked (1 marked)");
    ctrl(&mut app, 'g');
    keys(&mut app, "6");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 't');
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "frame.marked == 1");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.status, "1 of 8 packets match");
    feed.rest(&mut app);
    let total = feed.ends.len();
    assert_eq!(app.packet_count(), total);
    let session = app.cx.trace.clone().expect("a trace");
    assert_eq!(session.marks().snapshot().iter().collect::<Vec<_>>(), [2]);
    // The sparkline, counted a snapshot's new packets at a time, is the
    // whole capture's.
    assert_eq!(
        app.sparkline,
        crate::ui::capture_sparkline::count(&session.store)
    );
    let shown = app.packets.filter.as_ref().map(|f| f.matches.clone());
    assert_eq!(
        shown,
        Some(vec![2]),
        "the filter applied again sees the mark"
    );
    // Marked later, on a later snapshot: both marks are seen.
    clear_filter(&mut app);
    ctrl(&mut app, 'g');
    keys(&mut app, &total.to_string());
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('m'));
    assert_eq!(app.status, format!("frame {total} marked (2 marked)"));
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "frame.marked == 1");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.status, format!("2 of {total} packets match"));
    clear_filter(&mut app);
    // The time reference too.
    assert!(app.packets.time_refs.contains(&5));
    ctrl(&mut app, 'g');
    keys(&mut app, "6");
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 200, 50);
    let row6 = s
        .lines()
        .find(|l| l.trim_start_matches('│').trim_start().starts_with("6 "))
        .unwrap_or_default();
    assert!(row6.contains("*REF*"), "{s}");
    // The end of the capture keeps them too.
    let whole = feed
        .builder
        .snapshot(CaptureBytes::Owned(feed.data.clone()))
        .expect("snapshot");
    load(
        &mut app,
        LoadEvent::Done(Ok(Arc::new(
            Session::from(whole).with_live(Arc::clone(&feed.products)),
        ))),
    );
    let session = app.cx.trace.clone().expect("a trace");
    assert_eq!(
        session.marks().snapshot().iter().collect::<Vec<_>>(),
        [2, total - 1]
    );
}

#[test]
fn a_key_log_loaded_during_a_live_capture_decrypts_the_snapshots_after_it() {
    let mut app = App::headless("live".into());
    let mut feed = Feed::of("tls12-gcm-h1.pcap");
    let half = feed.ends.len() / 2;
    feed.to(&mut app, half);
    key(&mut app, KeyCode::Char('K'));
    let keys_path = manifest().join("sample-captures/tls12-gcm-h1.keys");
    keys(&mut app, keys_path.to_str().expect("utf-8 path"));
    key(&mut app, KeyCode::Enter);
    assert!(app.status.contains("new secrets"), "{}", app.status);
    feed.rest(&mut app);
    let session = app.cx.trace.clone().expect("a trace");
    assert_eq!(session.store.len(), feed.ends.len());
    let http = session.http();
    assert_eq!(http.transactions.len(), 2, "decrypted with the loaded keys");
    assert!(http.tls.connections.iter().all(|c| c.keys_found));
}
