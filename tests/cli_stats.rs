//! `wirelens stats` end to end on the bundled samples: tshark's -z spelling,
//! text and JSON Lines, -Y, and refusals with a message.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-captures")
        .join(name)
}

fn stats(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirelens"))
        .arg("stats")
        .args(args)
        .output()
        .expect("run wirelens")
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object per line"))
        .collect()
}

#[test]
fn phs_text_and_json_agree() {
    let file = sample("textbook-visit.pcap");
    let file = file.to_str().expect("utf-8 path");
    let text = stdout(&stats(&["io,phs", file]));
    assert!(text.contains("Protocol Hierarchy Statistics"), "{text}");
    assert!(
        text.contains("eth                                      frames:27 bytes:13269"),
        "{text}"
    );
    let rows = json(&stats(&["phs", file, "--json"]));
    let eth = rows.iter().find(|r| r["path"] == "eth").expect("eth row");
    assert_eq!(eth["frames"], 27, "numbers are numbers");
    assert!(rows.iter().any(|r| r["path"] == "eth:ip:tcp:http"));
    // -Y narrows what is counted.
    let tcp_only = json(&stats(&["io,phs", file, "-Y", "tcp", "--json"]));
    assert_eq!(tcp_only[0]["frames"], 25);
    assert!(!tcp_only.iter().any(|r| r["protocol"] == "udp"));
}

#[test]
fn io_stat_series_and_endpoints() {
    let file = sample("textbook-visit.pcap");
    let file = file.to_str().expect("utf-8 path");
    let rows = json(&stats(&[
        "io,stat,0.0001,tcp,SUM(tcp.len)tcp",
        file,
        "--json",
    ]));
    let frames: u64 = rows
        .iter()
        .filter(|r| r["series"] == 1)
        .map(|r| r["frames"].as_u64().expect("u64"))
        .sum();
    assert_eq!(frames, 25);
    let sum: u64 = rows
        .iter()
        .filter(|r| r["series"] == 2)
        .map(|r| r["value"].as_u64().expect("u64"))
        .sum();
    assert!(sum > 0);
    let text = stdout(&stats(&["endpoints,tcp", file]));
    assert!(
        text.starts_with(&"=".repeat(80)) && text.contains("TCP Endpoints"),
        "{text}"
    );
    let eps = json(&stats(&["endpoints,ip", file, "--json"]));
    let tx: u64 = eps
        .iter()
        .map(|e| e["tx_packets"].as_u64().expect("u64"))
        .sum();
    assert_eq!(tx, 27);
}

#[test]
fn trees_and_tcp_graph() {
    let file = sample("keepalive-3-requests.pcap");
    let file = file.to_str().expect("utf-8 path");
    let rows = json(&stats(&["http,tree", file, "--json"]));
    let get = rows.iter().find(|r| r["item"] == "GET").expect("GET row");
    assert_eq!(get["count"], 3);
    let reqs = json(&stats(&["http_req,tree", file, "--json"]));
    assert_eq!(reqs[0]["count"], 3);
    // tshark's http.time of the three responses: 0.000126, 0.000057 and
    // 0.000039 s.
    let times = json(&stats(&["http_time,tree", file, "--json"]));
    assert_eq!(times[0]["item"], "HTTP Response Time (ms)");
    assert_eq!(times[0]["count"], 3);
    assert!((times[0]["min"].as_f64().expect("min") - 0.039).abs() < 1e-9);
    assert!((times[0]["max"].as_f64().expect("max") - 0.126).abs() < 1e-9);
    let fastest = times
        .iter()
        .find(|r| r["item"] == "0 - 1 ms")
        .expect("bucket");
    assert_eq!(fastest["count"], 3);
    let host = times.iter().find(|r| r["item"] == "www.wirelens.test");
    assert_eq!(host.expect("host row")["count"], 3);
    let graph = json(&stats(&["tcp-graph,0", file, "--json"]));
    assert!(graph.iter().any(|p| p["series"] == "segment"));
    assert!(graph.iter().any(|p| p["series"] == "ack"));
    let text = stdout(&stats(&["tcp-graph,0,ab", file]));
    assert!(text.starts_with("TCP stream 0 graph:"), "{text}");
}

#[test]
fn refusals_say_why() {
    let file = sample("textbook-visit.pcap");
    let file = file.to_str().expect("utf-8 path");
    for (kind, says) in [
        ("expert", "unknown statistic"),
        ("conv,sctp", "unknown conversation type"),
        ("endpoints,sctp", "unknown endpoint type"),
        ("io,stat,1,SUM(ip.src)", "numeric"),
        ("io,stat,soon", "invalid interval"),
        ("tcp-graph,99", "no TCP stream 99"),
    ] {
        let o = stats(&[kind, file]);
        assert!(!o.status.success(), "{kind} accepted");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{kind}: {err}");
    }
}

#[test]
fn conv_prints_tsharks_conversation_tables() {
    // tests/fixtures/conv holds what tshark 4.0 prints for -z conv,TYPE.
    let file = sample("textbook-visit.pcap");
    let file = file.to_str().expect("utf-8 path");
    for kind in ["eth", "ip", "tcp", "udp"] {
        let want = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/conv/textbook-visit.pcap")
                .join(format!("conv_{kind}.txt")),
        )
        .expect("fixture");
        assert!(want.contains("Conversations"), "{want}");
        let got = stdout(&stats(&[&format!("conv,{kind}"), file]));
        assert_eq!(got, want, "conv,{kind}");
    }
    let rows = json(&stats(&["conv,tcp", file, "--json"]));
    assert!(!rows.is_empty());
    let o = stats(&["conv,sctp", file]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown conversation type"));
}

#[test]
fn flow_command_streams_tsharks_graph() {
    // The command writes the rows as they are made; they must be tshark's.
    for name in ["chunked-gzip.pcap", "dns-over-tcp.pcap"] {
        let file = sample(name);
        let file = file.to_str().expect("utf-8 path");
        let text = stdout(&stats(&["flow,any,network", file]));
        let want = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/flow/{name}.txt")),
        )
        .expect("fixture");
        assert_eq!(
            text.lines().collect::<Vec<_>>(),
            want.lines().collect::<Vec<_>>(),
            "{name}"
        );
        let rows = json(&stats(&["flow,any,network", file, "--json"]));
        // Two header lines, then two lines per packet.
        assert_eq!(rows.len(), (want.lines().count() - 2) / 2, "{name}");
        assert!(rows
            .windows(2)
            .all(|w| w[0]["frame"].as_u64() < w[1]["frame"].as_u64()));
    }
}

#[test]
fn phs_names_smtp_and_imf_as_tshark() {
    // tests/fixtures/phs holds what tshark 4.0 prints for -z io,phs.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in [
        root.join("sample-captures/smtp-one-message.pcap"),
        root.join("tests/fixtures/protocols/smtp-imf-mime.pcap"),
    ] {
        let name = file.file_name().and_then(|n| n.to_str()).expect("name");
        let want = std::fs::read_to_string(root.join(format!("tests/fixtures/phs/{name}.txt")))
            .expect("fixture");
        assert!(want.contains("smtp"), "{want}");
        let got = stdout(&stats(&["io,phs", file.to_str().expect("utf-8 path")]));
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn phs_names_ftp_data_items_as_tshark() {
    // FTP-DATA frames nest the items tshark's hierarchy counts under
    // ftp-data (setup frame, method, command, command frame, working
    // directory) before data-text-lines; after EPRT only the setup frame
    // (ftp-active-eprt-epsv.pcap frame 26). Before they read data.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in [
        root.join("sample-captures/ftp-passive-retr.pcap"),
        root.join("tests/fixtures/protocols/ftp-active-eprt-epsv.pcap"),
    ] {
        let name = file.file_name().and_then(|n| n.to_str()).expect("name");
        let want = std::fs::read_to_string(root.join(format!("tests/fixtures/phs/{name}.txt")))
            .expect("fixture");
        assert!(want.contains("ftp-data.setup-frame"), "{want}");
        let got = stdout(&stats(&["io,phs", file.to_str().expect("utf-8 path")]));
        assert_eq!(got, want, "{name}");
    }
}
