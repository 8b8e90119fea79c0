//! Fuzz target: any bytes as a capture file (pcap, pcapng, or either
//! gzip-compressed). Reading every record must never panic, every record
//! must lie inside the buffer and within the record-length bound, and the
//! reader must stop (no endless loop on a zero-length block).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::capture::{Capture, CaptureBytes, MAX_RECORD_LEN};

fuzz_target!(|data: &[u8]| {
    let Ok(capture) = Capture::from_bytes(CaptureBytes::Owned(data.to_vec()), "fuzz".into()) else {
        return;
    };
    let Ok(reader) = capture.records() else {
        return;
    };
    let len = capture.len();
    let mut last = 0u64;
    let mut reader = reader;
    let mut count = 0u64;
    while let Some(item) = reader.next() {
        let Ok(record) = item else { break };
        count += 1;
        assert!(record.cap_len <= MAX_RECORD_LEN, "record longer than the bound");
        assert!(
            record.data_offset + u64::from(record.cap_len) <= len,
            "record outside the buffer"
        );
        let pos = reader.position();
        assert!(pos > last || count == 1, "reader did not advance");
        last = pos;
        assert!(count <= len, "more records than bytes");
    }
    let _ = reader.warning();
    let _ = reader.interfaces();
});
