//! Inputs that once broke wirelens, found by fuzzing or by the hostile
//! captures, each committed under `tests/fixtures/fuzz/<target>/` as the
//! capture it is (for targets whose input is not a capture, the capture the
//! target builds from it). Every one is run through the checks of the fuzz
//! targets: loading, every field, column and details line, follow, ladder,
//! life, HTTP with decoded bodies, and export names that stay safe.

use std::path::Path;
use wirelens::capture::{Capture, CaptureBytes};
use wirelens::fields::FIELDS;
use wirelens::http::export::base_name;
use wirelens::http::parse::StartLine;
use wirelens::session::Session;
use wirelens::trace::Trace;

fn check(name: &str, bytes: Vec<u8>) {
    let Ok(capture) = Capture::from_bytes(CaptureBytes::Owned(bytes), name.into()) else {
        return;
    };
    let Ok(trace) = Trace::load(capture, |_| true) else {
        return;
    };
    let session = Session::from(trace);
    let mut values = Vec::new();
    for i in 0..session.store.len() {
        let view = session.packet_with_http(i);
        let _ = wirelens::columns::row(&view);
        let _ = wirelens::dissect::lines(&view);
        for f in FIELDS {
            values.clear();
            view.values(f.id, &mut values);
        }
    }
    for conv in session.conversations.all() {
        let _ = wirelens::flow::follow::follow(&session.store, conv);
        let _ = wirelens::flow::ladder::ladder(&session.store, &session.conversations, conv, false);
        let _ = wirelens::flow::life::life(&session.store, conv);
    }
    for t in &session.http().transactions {
        let request = t.request.as_ref().and_then(|r| r.head(&session.store));
        let uri = request.as_ref().and_then(|h| match &h.start {
            StartLine::Request { uri, .. } => Some(uri.as_str()),
            StartLine::Response { .. } => None,
        });
        for m in [t.request.as_ref(), t.response.as_ref()]
            .into_iter()
            .flatten()
        {
            let Some(head) = m.head(&session.store) else {
                continue;
            };
            let raw = session
                .http()
                .body_bytes(&session.store, &session.conversations, m);
            let _ = m.decode_body(&head, &raw, 1 << 20);
            let n = base_name(&head, uri, t.stream, t.number);
            assert!(
                !n.contains(['/', '\\'])
                    && !n.starts_with('.')
                    && !n.chars().any(wirelens::text::is_unsafe),
                "{name}: unsafe export name {n:?}"
            );
        }
    }
}

#[test]
fn every_committed_regression_input_passes_the_fuzz_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut count = 0;
    for target in std::fs::read_dir(&root).expect("tests/fixtures/fuzz") {
        let target = target.expect("entry").path();
        if !target.is_dir() {
            continue;
        }
        for input in std::fs::read_dir(&target).expect("target folder") {
            let input = input.expect("entry").path();
            check(
                &input.display().to_string(),
                std::fs::read(&input).expect("read"),
            );
            count += 1;
        }
    }
    assert!(count > 0, "no regression inputs under {}", root.display());
}
