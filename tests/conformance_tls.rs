//! Conformance of TLS with tshark 4.0 on the HTTPS sample captures, against
//! the fixtures of `tests/fixtures/tls/` (made by `make-tls-fixtures.sh`):
//! the Protocol and Info columns without keys and with the key log, the TLS
//! fields, and the decrypted bytes of `follow --tls`. Prints how many rows
//! match; every row must.

use std::path::{Path, PathBuf};
use wirelens::session::Session;
use wirelens::trace::Trace;

const SAMPLES: &[&str] = &[
    "tls13-h2",
    "tls13-h2-dsb",
    "tls13-chacha-h1",
    "tls13-aes128-post-h2",
    "tls12-gcm-h1",
    "tls12-chacha-h2",
    "tls12-cbc-sha384",
    "tls12-rsa-cbc-sha1",
    "tls10-cbc-sha1",
    "tls11-rsa-cbc-sha1",
    "tls13-resume",
    "tls12-resume-id",
];

/// Columns where wirelens knowingly differs from tshark: (sample, frame,
/// why). Keep empty unless the bytes show tshark is wrong.
const ALLOWED: &[(&str, u64, &str)] = &[];

/// Rows tshark shows as decrypted HTTP/2 (Protocol `HTTP2...`), counted
/// apart in the report (they are compared like every other row).
fn is_http2(protocol: &str) -> bool {
    protocol.starts_with("HTTP2")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn capture(name: &str) -> PathBuf {
    let dir = root().join("sample-captures");
    let pcap = dir.join(format!("{name}.pcap"));
    if pcap.exists() {
        pcap
    } else {
        dir.join(format!("{name}.pcapng"))
    }
}

/// Opens a sample, with its key log when `keyed` (the pcapng carries its own).
fn open(name: &str, keyed: bool) -> Session {
    let path = capture(name);
    let mut trace = Trace::open(&path).expect("sample capture");
    // tshark uses a pcapng's embedded keys even when given an empty key log
    // file, so the -dsb sample's "keyless" fixture is decrypted as well.
    if !keyed && !name.ends_with("-dsb") {
        trace.keys = wirelens::tls::KeyLog::new();
    } else if path.extension().is_some_and(|e| e == "pcap") {
        let keys = std::fs::read_to_string(root().join(format!("sample-captures/{name}.keys")))
            .expect("key log");
        assert!(trace.add_key_log(&keys).is_empty());
    }
    Session::from(trace)
}

/// The fixture's rows as (header, rows of cells).
fn table(name: &str, file: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let p = root().join(format!("tests/fixtures/tls/{name}/{file}"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap_or_default()
        .split('\t')
        .map(String::from)
        .collect();
    let rows = lines
        .map(|l| l.split('\t').map(String::from).collect())
        .collect();
    (header, rows)
}

fn columns(name: &str, keyed: bool) -> (usize, Vec<String>, usize) {
    let session = open(name, keyed);
    let (_, rows) = table(name, if keyed { "keyed.tsv" } else { "keyless.tsv" });
    let mut bad = Vec::new();
    let http2 = rows.iter().filter(|r| is_http2(&r[2])).count();
    for row in &rows {
        let n: usize = row[0].parse().expect("frame number");
        let ours = wirelens::columns::row(&session.packet_with_http(n - 1));
        let allowed = ALLOWED.iter().any(|(s, f, _)| *s == name && *f == n as u64);
        if (ours.protocol != row[2] || ours.info != row[3]) && !allowed {
            bad.push(format!(
                "{name} frame {n}:\n  tshark:   {} | {}\n  wirelens: {} | {}",
                row[2], row[3], ours.protocol, ours.info
            ));
        }
    }
    (rows.len(), bad, http2)
}

fn compare_columns(keyed: bool) {
    let (mut total, mut bad, mut pending) = (0, Vec::new(), 0);
    for name in SAMPLES {
        let (n, b, h2) = columns(name, keyed);
        total += n;
        pending += h2;
        bad.extend(b);
    }
    println!(
        "TLS columns {} keys: {} of {total} rows match ({pending} of them HTTP/2)",
        if keyed { "with" } else { "without" },
        total - bad.len()
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn columns_without_keys() {
    compare_columns(false);
}

#[test]
fn columns_with_keys() {
    compare_columns(true);
}

#[test]
fn tls_fields_without_keys() {
    let fields = [
        "tls.record.content_type",
        "tls.record.version",
        "tls.handshake.type",
        "tls.handshake.extensions_server_name",
        "tls.handshake.extensions_alpn_str",
        "tls.handshake.extensions.supported_version",
        "tls.handshake.ciphersuite",
        "tls.handshake.ja3",
        "tls.handshake.ja3_full",
        "tls.handshake.ja3s",
    ];
    let (total, bad) = compare_fields(&fields, false, "keyless.tsv");
    println!(
        "TLS fields without keys: {} of {total} values match",
        total - bad.len()
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// tshark's `-z follow,tls,raw,N` text for a connection of `trace`.
fn follow_text(session: &Session, stream: u32) -> String {
    wirelens::tls::follow::tshark_raw(&session.conversations, &session.http().tls, stream)
        .expect("a TLS stream")
}

#[test]
fn follow_tls_is_byte_identical() {
    let mut compared = 0;
    for name in SAMPLES {
        let session = open(name, true);
        let dir = root().join(format!("tests/fixtures/tls/{name}/follow"));
        for entry in std::fs::read_dir(&dir).expect("follow fixtures") {
            let path = entry.expect("entry").path();
            let stream: u32 = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.split('.').next())
                .and_then(|n| n.parse().ok())
                .expect("N.raw.txt");
            let expected = std::fs::read_to_string(&path).expect("fixture");
            assert_eq!(
                follow_text(&session, stream),
                expected,
                "{}",
                path.display()
            );
            compared += 1;
        }
    }
    println!("follow,tls: {compared} streams byte-identical");
    assert!(compared >= SAMPLES.len());
}

#[test]
fn dsb_keys_are_used_without_a_flag() {
    let trace = Trace::open(Path::new(&capture("tls13-h2-dsb"))).expect("pcapng");
    assert!(!trace.keys.is_empty());
    assert!(Session::from(trace).http().tls.connections[0].keys_found);
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// The HTTP/2 frame fields (stream id, type, HPACK-decoded header names and
/// values) of every packet tshark shows as HTTP/2, with the key log.
#[test]
fn http2_fields_with_keys() {
    let fields = [
        "http2.streamid",
        "http2.type",
        "http2.header.name",
        "http2.header.value",
    ];
    let (total, bad) = compare_fields(&fields, true, "http2.tsv");
    println!(
        "HTTP/2 fields with keys: {} of {total} values match",
        total - bad.len()
    );
    assert!(total > 0);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// HTTP/1.1 over TLS: the exported bodies equal tshark's `--export-objects
/// http` (sha256 multiset); HTTP/2 (which tshark 4.0 does not export): the
/// bodies equal the files the server served.
#[test]
fn exports_over_tls() {
    use wirelens::http::export::{plan, ExportOptions};
    let content =
        |f: &str| std::fs::read(root().join("sample-captures/content").join(f)).expect("content");
    let mut compared = 0;
    for name in SAMPLES {
        let session = open(name, true);
        let opts = ExportOptions::default();
        let mut got: Vec<String> = plan(
            &session.store,
            &session.conversations,
            session.http(),
            &opts,
        )
        .iter()
        .map(|i| sha256_hex(&i.data))
        .collect();
        got.sort();
        let expected_path = root().join(format!("tests/fixtures/tls/{name}/export.sha256"));
        let mut expected: Vec<String> = std::fs::read_to_string(expected_path)
            .expect("export fixture")
            .lines()
            .filter_map(|l| l.split_whitespace().next().map(String::from))
            .collect();
        if expected.is_empty() {
            // HTTP/2: what the server served, by name.
            let served: &[&str] = match *name {
                "tls13-h2" | "tls13-h2-dsb" => &["index.html", "style.css", "data.json"],
                "tls12-chacha-h2" => &["data.json", "index.html"],
                "tls13-aes128-post-h2" => &["post-body.txt"],
                _ => &[],
            };
            expected = served.iter().map(|f| sha256_hex(&content(f))).collect();
            if *name == "tls13-aes128-post-h2" {
                expected.push(sha256_hex(b"thanks\n"));
            }
        }
        expected.sort();
        assert_eq!(got, expected, "{name}");
        compared += expected.len();
    }
    println!("exports over TLS: {compared} bodies equal");
}

#[test]
fn http2_transactions_are_listed() {
    let session = open("tls13-h2", true);
    let t = &session.http().transactions;
    assert_eq!(t.len(), 3);
    let r = t[0].request.as_ref().expect("request");
    let head = r.head(&session.store).expect("head");
    assert_eq!(head.header(":method"), Some("GET"));
    assert_eq!(head.header(":path"), Some("/index.html"));
    assert!(r.is_http2());
    assert_eq!(r.last_packet + 1, 18);
    assert_eq!(t[0].response.as_ref().and_then(|m| m.code()), Some(200));
}

/// Compares `fields` on the frames of each sample's fixture `file` (with or
/// without the key log): the values compared, and the mismatches.
fn compare_fields(fields: &[&str], keys: bool, file: &str) -> (usize, Vec<String>) {
    let (mut total, mut bad) = (0, Vec::new());
    for name in SAMPLES {
        let session = open(name, keys);
        let (header, rows) = table(name, file);
        for &f in fields {
            let col = header.iter().position(|h| h == f).expect("fixture column");
            let def = wirelens::fields::lookup(f).unwrap_or_else(|| panic!("{f} registered"));
            for row in &rows {
                let n: usize = row[0].parse().expect("frame number");
                let mut values = Vec::new();
                session.packet_with_http(n - 1).values(def.id, &mut values);
                let ours: Vec<String> = values.iter().map(|v| v.tshark()).collect();
                let ours = ours.join("\u{1f}");
                total += 1;
                if ours != row[col] {
                    bad.push(format!(
                        "{name} frame {n} {f}: tshark {:?}, wirelens {ours:?}",
                        row[col]
                    ));
                }
            }
        }
    }
    (total, bad)
}
