//! The journey of a request on the bundled samples: every phase's times are
//! the `frame.time_relative` of the frames that bound it, as tshark 4.0 prints
//! them (tests/fixtures/journey/*.tsv, from make.sh), and the text and JSON
//! outputs are pinned.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use wirelens::capture::{Capture, CaptureBytes};
use wirelens::journey::{Journey, PhaseKind};
use wirelens::session::Session;
use wirelens::trace::Trace;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Frame number → (time_relative in ns, tcp.len) from a tshark fixture.
fn frames(fixture: &str) -> HashMap<u32, (i64, Option<u32>)> {
    let text = std::fs::read_to_string(format!("{ROOT}/tests/fixtures/journey/{fixture}.tsv"))
        .expect("fixture");
    text.lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let (secs, frac) = f[1].split_once('.').expect("seconds.nanoseconds");
            let ns =
                secs.parse::<i64>().expect("s") * 1_000_000_000 + frac.parse::<i64>().expect("ns");
            (
                f[0].parse().expect("frame"),
                (ns, f.get(2).and_then(|v| v.parse().ok())),
            )
        })
        .collect()
}

fn session(name: &str) -> Session {
    Session::open(Path::new(&format!("{ROOT}/sample-captures/{name}.pcap"))).expect("opens")
}

/// Each present phase starts at its first frame's time and ends at its last's.
fn assert_times(j: &Journey, times: &HashMap<u32, (i64, Option<u32>)>) {
    for (kind, s) in j.phases() {
        let at = |frame: u32| times.get(&(frame + 1)).expect("frame in fixture").0;
        assert_eq!(s.start_ns, at(s.first), "{} start", kind.name());
        assert_eq!(s.end_ns, at(s.last), "{} end", kind.name());
    }
}

fn frames_of(j: &Journey, kind: PhaseKind) -> Option<(u32, u32)> {
    j.span(kind).map(|s| (s.first + 1, s.last + 1))
}

#[test]
fn textbook_visit_has_every_phase_at_its_frames_times() {
    let s = session("textbook-visit");
    let js = s.journeys();
    assert_eq!(js.len(), 1);
    let j = &js[0];
    let times = frames("textbook-visit");
    assert_times(j, &times);
    use PhaseKind::*;
    let got: Vec<_> = [Dns, Connect, Tls, Request, Wait, Receive, Close]
        .iter()
        .map(|&k| frames_of(j, k))
        .collect();
    // No TLS on port 80: every other phase is there, bounded as tshark's
    // list shows it (query/response 1-2, SYN..ACK 3-5, GET 6, first response
    // segment 8, reassembled 200 OK 22, FIN 24 to the last ACK 27).
    assert_eq!(
        got,
        vec![
            Some((1, 2)),
            Some((3, 5)),
            None,
            Some((6, 6)),
            Some((6, 8)),
            Some((8, 22)),
            Some((24, 27))
        ]
    );
    let dns = j.dns.as_ref().expect("dns");
    assert_eq!(dns.name, "www.wirelens.test");
    assert!(dns.has_server);
    assert_eq!(dns.resolver.to_string(), "10.77.0.2");
    let c = j.connect.expect("connect");
    assert_eq!((c.syns, c.reused), (1, false));
    // tcp.analysis.initial_rtt is SYN to the handshake's ACK.
    assert_eq!(c.rtt_ns, Some(times[&5].0 - times[&3].0));
    // The response's segments are the server's frames with tcp.len > 0
    // from 8 to 22, and their bytes sum to the message.
    let r = j.receive.expect("receive");
    let server_data: Vec<u32> = (8..=22)
        .filter(|f| f % 2 == 0 && times[f].1.unwrap_or(0) > 0)
        .collect();
    assert_eq!(r.segments as usize, server_data.len());
    let bytes: u32 = server_data.iter().map(|f| times[f].1.unwrap_or(0)).sum();
    assert_eq!(r.bytes, u64::from(bytes));
    assert_eq!(r.retransmissions, 0);
    let close = j.close.expect("close");
    assert_eq!((close.how, close.by), ("four-way", Some("client")));
    assert!(!j.kept_open);
}

#[test]
fn keepalive_reuses_the_connection_for_later_requests() {
    let s = session("keepalive-3-requests");
    let js = s.journeys();
    let times = frames("keepalive-3-requests");
    let uris: Vec<_> = js
        .iter()
        .map(|j| j.uri.clone().unwrap_or_default())
        .collect();
    assert_eq!(uris, ["/index.html", "/style.css", "/data.json"]);
    for (i, j) in js.iter().enumerate() {
        assert_times(j, &times);
        let c = j.connect.expect("connect");
        assert_eq!(c.reused, i > 0, "request {i}");
        assert_eq!(frames_of(j, PhaseKind::Connect).is_some(), i == 0);
        assert_eq!(j.dns.is_some(), i == 0);
        assert_eq!(j.close.is_some(), i == 2);
        assert_eq!(j.kept_open, i < 2);
    }
    assert_eq!(frames_of(&js[1], PhaseKind::Request), Some((24, 24)));
    assert_eq!(frames_of(&js[1], PhaseKind::Receive), Some((26, 27)));
    assert_eq!(frames_of(&js[2], PhaseKind::Close), Some((32, 35)));
}

/// textbook-visit without its first two records (the DNS exchange).
fn without_dns() -> Trace {
    let bytes = std::fs::read(format!("{ROOT}/sample-captures/textbook-visit.pcap")).expect("read");
    let mut out = bytes[..24].to_vec();
    let mut at = 24;
    let mut n = 0;
    while at + 16 <= bytes.len() {
        let len = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().expect("4 bytes")) as usize;
        if n >= 2 {
            out.extend_from_slice(&bytes[at..at + 16 + len]);
        }
        at += 16 + len;
        n += 1;
    }
    let capture =
        Capture::from_bytes(CaptureBytes::Owned(out), "no-dns.pcap".into()).expect("pcap");
    Trace::load(capture, |_| true).expect("loads")
}

#[test]
fn a_capture_without_dns_starts_at_connect() {
    let s = Session::from(without_dns());
    let js = s.journeys();
    assert_eq!(js.len(), 1);
    let j = &js[0];
    assert!(j.dns.is_none());
    assert_eq!(j.phases()[0].0, PhaseKind::Connect);
    assert_eq!(frames_of(j, PhaseKind::Connect), Some((1, 3)));
    assert_eq!(j.extent().map(|e| e.start_ns), Some(0));
    assert_times(j, &frames("textbook-visit-no-dns"));
}

fn wirelens(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_wirelens"))
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn json_lines_have_one_key_per_phase_with_numbers() {
    let path = format!("{ROOT}/sample-captures/keepalive-3-requests.pcap");
    let text = wirelens(&["journey", &path, "--json"]);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(lines.len(), 3);
    let first = &lines[0];
    assert_eq!(first["stream"], 0);
    assert_eq!(first["method"], "GET");
    assert_eq!(first["host"], "www.wirelens.test");
    assert_eq!(first["status"], 200);
    assert!(first["tls"].is_null());
    assert!(first["close"].is_null());
    let dns = &first["dns"];
    assert_eq!(dns["frames"], serde_json::json!([1, 2]));
    assert_eq!(dns["start"].as_f64(), Some(0.0));
    assert_eq!(dns["end"].as_f64(), Some(0.000147));
    assert!(dns["duration"].is_f64());
    assert_eq!(lines[1]["connect"]["reused"], true);
    assert!(lines[1]["dns"].is_null());
    assert_eq!(lines[2]["close"]["how"], "four-way");
    assert_eq!(lines[2]["close"]["frames"], serde_json::json!([32, 35]));
    // --stream and -Y select.
    assert_eq!(
        wirelens(&["journey", &path, "--json", "--stream", "0"])
            .lines()
            .count(),
        3
    );
    let css = wirelens(&[
        "journey",
        &path,
        "--json",
        "-Y",
        "http.request.uri == \"/style.css\"",
    ]);
    assert_eq!(css.lines().count(), 1);
    assert!(css.contains("/style.css"));
}

#[test]
fn text_blocks_fit_80_columns() {
    for name in ["textbook-visit", "keepalive-3-requests"] {
        let path = format!("{ROOT}/sample-captures/{name}.pcap");
        let text = wirelens(&["journey", &path]);
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
        insta::assert_snapshot!(format!("journey_{name}"), text);
    }
    let path = format!("{ROOT}/sample-captures/textbook-visit.pcap");
    let named = wirelens(&["journey", &path, "-N"]);
    assert!(
        named.contains("10.77.0.1:60918 \u{2192} www.wirelens.test:80"),
        "{named}"
    );
}

#[test]
fn names_from_the_capture_on_list_flows_and_ladder() {
    let path = format!("{ROOT}/sample-captures/textbook-visit.pcap");
    let plain = wirelens(&["list", &path]);
    assert!(!plain.contains("www.wirelens.test →"));
    let list = wirelens(&["list", &path, "-N"]);
    let third = list.lines().nth(2).expect("frame 3");
    assert!(third.contains("10.77.0.1 → www.wirelens.test"), "{third}");
    // Fields keep the addresses.
    let fields = wirelens(&["list", &path, "-N", "-e", "ip.dst"]);
    assert_eq!(fields.lines().nth(2), Some("10.77.0.2"));
    let flows = wirelens(&["flows", &path, "-N"]);
    assert!(flows.contains("www.wirelens.test:80"), "{flows}");
    let flows_json = wirelens(&["flows", &path, "-N", "--json"]);
    let json: Vec<serde_json::Value> = flows_json
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON Lines"))
        .collect();
    assert_eq!(json[1]["server_name"], "www.wirelens.test");
    assert_eq!(json[1]["server"], "10.77.0.2:80");
    let ladder = wirelens(&["ladder", &path, "--stream", "0", "-N"]);
    let head = ladder.lines().next().expect("head");
    assert!(head.ends_with("www.wirelens.test (10.77.0.2:80)"), "{head}");
}

/// The `tls` phase comes from the TLS stage: negotiated version, suite and
/// ALPN as tshark 4.0 shows them with the key log (`tshark -V -o
/// tls.keylog_file:NAME.keys -Y tls.handshake.type==2`: "Cipher Suite:",
/// and `tls.handshake.extensions_alpn_str` of the Server Hello or, in TLS
/// 1.3, the Encrypted Extensions), from the Client Hello (frame 6) to the
/// Finished messages; without keys the TLS 1.3 choice of ALPN stays unknown.
#[test]
fn the_tls_phase_names_version_suite_and_alpn() {
    for (name, version, cipher, alpn, last) in [
        ("tls13-h2", "TLSv1.3", "TLS_AES_256_GCM_SHA384", "h2", 10),
        (
            "tls12-gcm-h1",
            "TLSv1.2",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "http/1.1",
            12,
        ),
        (
            "tls10-cbc-sha1",
            "TLSv1",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "http/1.1",
            12,
        ),
        (
            "tls11-rsa-cbc-sha1",
            "TLSv1.1",
            "TLS_RSA_WITH_AES_256_CBC_SHA",
            "http/1.1",
            12,
        ),
        (
            "tls13-resume",
            "TLSv1.3",
            "TLS_AES_256_GCM_SHA384",
            "http/1.1",
            10,
        ),
        (
            "tls12-chacha-h2",
            "TLSv1.2",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "h2",
            12,
        ),
    ] {
        let path = format!("{ROOT}/sample-captures/{name}.pcap");
        let mut trace = Trace::open(Path::new(&path)).expect("opens");
        let keys =
            std::fs::read_to_string(format!("{ROOT}/sample-captures/{name}.keys")).expect("keys");
        assert!(trace.add_key_log(&keys).is_empty());
        let s = Session::from(trace);
        let js = s.journeys();
        let tls = js[0].tls.as_ref().expect("a tls phase");
        assert_eq!(tls.version, Some(version), "{name}");
        assert_eq!(tls.cipher.as_deref(), Some(cipher), "{name}");
        assert_eq!(tls.alpn.as_deref(), Some(alpn), "{name}");
        assert_eq!(tls.sni.as_deref(), Some("www.wirelens.test"), "{name}");
        assert!(tls.decrypted, "{name}");
        assert_eq!(frames_of(&js[0], PhaseKind::Tls), Some((6, last)), "{name}");
    }
    let keyless = session("tls13-h2");
    let js = keyless.journeys();
    let tls = js[0].tls.as_ref().expect("a tls phase without keys");
    assert_eq!(tls.version, Some("TLSv1.3"));
    assert_eq!(tls.alpn, None);
    assert_eq!(tls.alpn_offered, ["h2", "http/1.1"]);
    assert!(!tls.decrypted);
}
