//! Ctrl-C ends a quiet capture as it ends tcpdump's: `wirelens -i lo -q -w
//! FILE` gets SIGINT while packets flow, exits 0, prints the counters
//! ("N packets captured", received by filter, dropped), and the `-w` file
//! is whole: every packet sent before the signal is in it, with no record
//! cut short. A second test sends SIGTERM, which tcpdump also handles so.
//!
//! Capturing needs root (CAP_NET_RAW): skipped, saying so, otherwise.

#![cfg(feature = "live")]

use std::net::UdpSocket;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Why the test cannot run here, if it cannot.
fn missing() -> Option<&'static str> {
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some("not root (capturing on lo needs CAP_NET_RAW)");
    }
    None
}

fn interrupted_capture_is_whole(signal: &str) {
    if let Some(why) = missing() {
        eprintln!("skipped: {why}");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("cap.pcapng");
    // A port of our own, so that other captures on lo do not count.
    let receiver = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let port = receiver.local_addr().expect("addr").port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirelens"))
        .args([
            "-i",
            "lo",
            "-q",
            "-f",
            &format!("udp dst port {port}"),
            "-w",
        ])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("wirelens runs");
    // The capture has started once the file header is written.
    let started = Instant::now();
    while std::fs::metadata(&out).map_or(true, |m| m.len() == 0) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the capture never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let sender = UdpSocket::bind("127.0.0.1:0").expect("bind");
    const SENT: usize = 50;
    for i in 0..SENT {
        let payload = format!("datagram {i:04} {}", "x".repeat(i * 7));
        sender
            .send_to(payload.as_bytes(), ("127.0.0.1", port))
            .expect("send");
        std::thread::sleep(Duration::from_millis(4));
    }
    // The last datagrams reach the capture's buffer, not yet the file.
    std::thread::sleep(Duration::from_millis(100));
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("SIG{signal} did not end the capture");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
        .expect("stderr");
    assert!(exit.success(), "SIG{signal}: {exit:?}, stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some(format!("{SENT} packets captured").as_str()),
        "{stderr}"
    );
    let received: u64 = lines
        .get(1)
        .and_then(|l| l.strip_suffix(" packets received by filter"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no received line: {stderr}"));
    assert!(received >= SENT as u64, "{stderr}");
    assert_eq!(lines.get(2).copied(), Some("0 packets dropped by kernel"));
    assert!(lines
        .get(3)
        .is_some_and(|l| l.ends_with("dropped by interface")));
    let trace = wirelens::trace::Trace::open(&out).expect("the -w file is a capture");
    assert!(
        trace.warning.is_none() && trace.error.is_none(),
        "{:?} {:?}",
        trace.warning,
        trace.error
    );
    assert_eq!(trace.store.len(), SENT, "every datagram is in the file");
    for i in 0..SENT {
        let want = format!("datagram {i:04} {}", "x".repeat(i * 7));
        let data = trace.store.data(i);
        assert!(
            data.ends_with(want.as_bytes()),
            "packet {} is datagram {i}",
            i + 1
        );
    }
}

#[test]
fn ctrl_c_ends_a_quiet_capture_with_the_counters_and_a_whole_file() {
    interrupted_capture_is_whole("INT");
}

#[test]
fn sigterm_ends_a_quiet_capture_the_same_way() {
    interrupted_capture_is_whole("TERM");
}
