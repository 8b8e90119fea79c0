//! Fuzz target: any bytes as one direction of a TLS connection. Framing the
//! records, reading the handshake messages and hellos, and decrypting every
//! record with every supported suite must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::tls::{decrypt::DirKeys, handshake, record, suites};

fuzz_target!(|data: &[u8]| {
    let (spans, _) = record::frame(data);
    let mut buf = Vec::new();
    for s in &spans {
        if s.content_type == record::HANDSHAKE {
            buf.extend_from_slice(s.fragment(data));
            for (m, _) in handshake::take_messages(&mut buf) {
                if let Some(h) = &m.hello {
                    let _ = handshake::ja3_full(h);
                    let _ = handshake::ja3s_full(h);
                }
            }
        }
    }
    let _ = handshake::parse_hello(data, true);
    let _ = handshake::parse_hello(data, false);
    for id in [0x1301u16, 0x1302, 0x1303, 0xc02f, 0xc030, 0xcca8, 0x002f, 0xc028] {
        let Some(suite) = suites::suite(id) else { continue };
        let mut keys = [
            DirKeys::tls13(suite, &[7; 48]),
            DirKeys::tls12(suite, 0x0303, &[1; 48], (&[2; 32], &[3; 32]), true, false),
            DirKeys::tls12(suite, 0x0303, &[1; 48], (&[2; 32], &[3; 32]), false, true),
            DirKeys::tls12(suite, 0x0301, &[1; 48], (&[2; 32], &[3; 32]), true, false),
            DirKeys::tls12(suite, 0x0302, &[1; 48], (&[2; 32], &[3; 32]), false, true),
        ];
        for s in spans.iter().take(16) {
            for k in &mut keys {
                let _ = k.decrypt(s.header(data), s.fragment(data));
            }
        }
    }
});
