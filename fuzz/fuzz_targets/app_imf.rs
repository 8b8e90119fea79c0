//! Fuzz target: the IMF row of an SMTP message (`decode::app::imf::info`) and
//! the FTP data connections a control connection announces
//! (`decode::app::ftp_data::channels`), from arbitrary bytes. The first two
//! bytes split the input into the client's and the server's lines for FTP;
//! the whole input is the message for IMF. Must never panic; Info stays
//! within tshark's 4095 bytes. Run with `cargo fuzz run app_imf` from here.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelens::decode::app::{ftp_data, imf, DirBytes};

fn segments(bytes: &[u8], first_packet: u32) -> Vec<(u64, u32)> {
    (0..bytes.len())
        .step_by(9)
        .enumerate()
        .map(|(i, o)| (o as u64, first_packet + 2 * i as u32))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let info = imf::info(data);
    assert!(info.len() <= imf::MAX_INFO, "Info of {} bytes", info.len());
    let Some((head, rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let cut = usize::from(u16::from_le_bytes(*head)).min(rest.len());
    let (client, server) = rest.split_at(cut);
    let (cs, ss) = (segments(client, 0), segments(server, 1));
    let found = ftp_data::channels(
        DirBytes { bytes: client, segments: &cs },
        DirBytes { bytes: server, segments: &ss },
    );
    for ch in found {
        let text = ch.info(7);
        assert!(text.starts_with("FTP Data: 7 bytes"), "{text}");
        assert!(["PASV", "EPASV", "PORT", "EPRT"].contains(&ch.mode));
    }
});
