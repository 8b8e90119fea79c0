//! Following a spool as it grows: each growth is mapped and walked, and a
//! snapshot of the trace is handed out as soon as new records are in, at
//! most every [`PUBLISH_EVERY_MIN`] (longer when snapshots of a big capture
//! cost more, so that looking never takes more than a fifth of the time).

use super::builder::TraceBuilder;
use super::spool::{Fed, Spool};
use crate::capture::{CaptureBytes, CaptureError};
use crate::trace::Trace;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// The shortest time between two snapshots.
pub const PUBLISH_EVERY_MIN: Duration = Duration::from_millis(50);

/// How often a follower with nothing new wakes up to say it is alive.
const IDLE_TICK: Duration = Duration::from_millis(500);

/// What the follower hands out.
pub enum Update {
    /// The trace of everything read so far (new records since the last one).
    Snapshot(Box<Trace>),
    /// Nothing new for a while (rates can fall to zero on screen).
    Idle,
}

/// Follows `spool` until its writer reports the end: `publish` gets each
/// snapshot and returns `false` to stop early. Returns the trace of the
/// whole input, as a file load of the same bytes gives it (or what was read
/// when stopped early).
pub fn follow(
    name: &str,
    spool: &Spool,
    rx: &Receiver<Fed>,
    mut publish: impl FnMut(Update) -> bool,
) -> Result<Trace, CaptureError> {
    let mut builder = TraceBuilder::new(name);
    let mut written: u64 = 0;
    let mut walked: u64 = 0;
    let mut current: Option<CaptureBytes> = None;
    let mut unpublished = false;
    let mut last_publish = Instant::now() - PUBLISH_EVERY_MIN;
    let mut every = PUBLISH_EVERY_MIN;
    let ended = loop {
        let wait = if unpublished {
            every.saturating_sub(last_publish.elapsed())
        } else {
            IDLE_TICK
        };
        let mut end = None;
        let mut idle = false;
        match rx.recv_timeout(wait) {
            Ok(Fed::Grew(n)) => written = written.max(n),
            Ok(Fed::Ended(result)) => end = Some(result),
            Err(RecvTimeoutError::Timeout) => idle = !unpublished,
            Err(RecvTimeoutError::Disconnected) => end = Some(Ok(())),
        }
        // Everything already queued, before walking.
        while end.is_none() {
            match rx.try_recv() {
                Ok(Fed::Grew(n)) => written = written.max(n),
                Ok(Fed::Ended(result)) => end = Some(result),
                Err(_) => break,
            }
        }
        if let Some(result) = end {
            break result;
        }
        if written > walked && !builder.stopped() {
            let bytes = spool.map(written)?;
            if builder.extend(bytes.as_slice())? > 0 {
                unpublished = true;
            }
            walked = written;
            current = Some(bytes);
        }
        if unpublished && last_publish.elapsed() >= every {
            let started = Instant::now();
            let snapshot = current.take().and_then(|b| builder.snapshot(b));
            let go_on = match snapshot {
                Some(trace) => publish(Update::Snapshot(Box::new(trace))),
                None => true,
            };
            if !go_on {
                return builder.finish(spool.map(walked)?);
            }
            // The next look waits at least four times what this one cost
            // (the snapshot and whatever the caller did with it).
            every = PUBLISH_EVERY_MIN.max(started.elapsed() * 4);
            last_publish = Instant::now();
            unpublished = false;
        } else if idle && !publish(Update::Idle) {
            return builder.finish(spool.map(walked)?);
        }
    };
    let trace = builder.finish(spool.map(written)?);
    ended?;
    trace
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn records_written_one_by_one_come_out_in_snapshots_and_the_end_is_whole() {
        let (spool, mut writer) = Spool::temporary().expect("tempfile");
        let (tx, rx) = std::sync::mpsc::channel();
        let feeder = std::thread::spawn(move || {
            let mut header = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
            header.extend_from_slice(&[0; 8]);
            header.extend_from_slice(&65535u32.to_le_bytes());
            header.extend_from_slice(&1u32.to_le_bytes());
            let mut total = header.len() as u64;
            writer.write_all(&header).expect("write");
            for i in 0..3u32 {
                let mut rec = Vec::new();
                rec.extend_from_slice(&i.to_le_bytes());
                rec.extend_from_slice(&[0; 4]);
                rec.extend_from_slice(&14u32.to_le_bytes());
                rec.extend_from_slice(&14u32.to_le_bytes());
                rec.extend_from_slice(&[0xff; 14]);
                writer.write_all(&rec).expect("write");
                total += rec.len() as u64;
                tx.send(Fed::Grew(total)).expect("send");
                std::thread::sleep(Duration::from_millis(80));
            }
            tx.send(Fed::Ended(Ok(()))).expect("send");
        });
        let mut seen = Vec::new();
        let trace = follow("t", &spool, &rx, |u| {
            if let Update::Snapshot(t) = u {
                seen.push(t.store.len());
            }
            true
        })
        .expect("follow");
        feeder.join().expect("feeder");
        assert_eq!(seen, vec![1, 2, 3]);
        assert_eq!(trace.store.len(), 3);
    }
}
