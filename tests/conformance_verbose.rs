//! Conformance of `wirelens list -V` with `tshark -n -V` (tshark 4.0, no name
//! resolution, TZ=UTC), whose output is committed under
//! `tests/fixtures/verbose/CAPTURE.txt`. Packet by packet, each tshark line is
//! looked for in our packet's lines, in order; the matched count per capture
//! must not fall below [`BASELINE`] (raise it as the tree grows).
//!
//! Known differences, by kind (each seen in the fixtures' bytes):
//! - Retransmission analysis extras (`[The retransmitted segment was ...]`).

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

/// (capture, tshark lines matched when last measured).
const BASELINE: &[(&str, usize)] = &[
    ("http-bodies.pcap", 2851),
    ("http-get-sll2-no-response.pcap", 477),
    ("http-ipv6-null-linktype.pcap", 1150),
    ("http-vlan-8021q.pcap", 1590),
    ("icmp-port-unreachable.pcap", 264),
    ("pcapng-2-interfaces-dns.pcapng", 614),
    ("ppa-dns_query_response.pcapng", 168),
    ("ppa-tcp_handshake.pcapng", 288),
    ("ppa-tcp_retransmissions.pcapng", 594),
    ("refused-rst.pcap", 345),
    ("tcpdump-802.1ad_QinQ.pcap", 92),
    ("textbook-visit.pcap", 2667),
    // Crafted by make-tree-edges.py: EDNS0 options, the AD bit, ICMP and
    // ICMPv6 echo and errors, a bad ICMP checksum, Ethernet FCS.
    ("tree-edges.pcap", 1117),
    // tests/fixtures/protocols/quic-initial.pcap (make-quic.py): the QUIC
    // tree, the decrypted Initials' frames and the TLS handshake messages
    // inside their CRYPTO frames.
    ("quic-initial.pcap", 465),
    // make-quic-hello.py: a whole Client Hello and Server Hello in the
    // Initials' CRYPTO frames, signature_algorithms and
    // quic_transport_parameters opened.
    ("quic-client-hello.pcap", 270),
    // make-quic-split.py: Chrome-sized Client Hellos whose CRYPTO data
    // comes over two Initials, out of order, retransmitted and overlapping:
    // QUIC's out-of-order runs and TLS's handshake fragments put together.
    ("quic-crypto-split.pcap", 1141),
    // SMTP and IMF (fields/dissect/smtp.rs). smtp-imf-mime.pcap is crafted
    // by make-ftp-smtp-http09.py; its missing lines are the Arrival Time of
    // the frames whose
    // microseconds field holds 1000000 or more (tshark shows the invalid
    // fraction with an expert note, wirelens carries it into the seconds).
    ("smtp-one-message.pcap", 2457),
    ("smtp-imf-mime.pcap", 13373),
    // MIME multipart bodies (fields/dissect/multipart.rs): form uploads and
    // a byteranges answer of binary parts; a chunked response's chunk list.
    ("zeek-multipart-form-data.pcap", 706),
    ("http-post-multipart-upload-chunked-resp.pcap", 4811),
    ("zeek-m57-long-49600-80.pcap", 5726),
    // The UDP and link-layer trees (issue #14). Crafted captures of
    // tests/fixtures/protocols: NTP, SSDP and Syslog (ICMP's MTU, gateway,
    // pointer, extended echo and extension header; the misses are the UDP
    // stream indexes, which tshark also gives the datagrams ICMP errors
    // quote, and NTP control's padding and authenticator), LLDP and
    // SNMP (the misses are UDP stream indexes and LLDP's "Trailer": tshark
    // 4.0 shows the last 3 bytes of each LLDPDU, which its LLDP layer has
    // already drawn, as an Ethernet trailer: frame 1 ends `45 58 00 00`, the
    // "X" of "Juniper EX" and the End TLV, and tshark prints "Trailer:
    // 580000" and a note on it; wirelens draws a trailer only after End),
    // mDNS and LLMNR with DNS's record types (CAA, SVCB, DS, DNSKEY, RRSIG,
    // NSEC3, LOC, NAPTR, ... in fields/dissect/dns/rdata.rs), IGMP after
    // IPv6 fragments (fields/dissect/ip_frag.rs: the fragment header, the
    // first fragment's Data, the reassembled UDP and DNS at the last; the
    // misses are the reassembled datagram's UDP stream index and
    // timestamps, as the conversation table holds no fragments), 802.11
    // behind radiotap (fields/dissect/{wifi, radiotap, wlan, wlan_mgt}.rs)
    // line for line.
    ("icmp-ntp-ssdp-syslog.pcap", 3458),
    ("lldp-snmp.pcap", 971),
    ("dns-record-data-mdns-llmnr.pcap", 585),
    ("ipv6-fragmented-dns-igmp.pcap", 1031),
    // make-dns-svcb.py: an HTTPS record with every SvcParam tshark names
    // and two unknown keys, an alias-mode SVCB.
    ("dns-svcb-params.pcap", 136),
    // make-protocols.py: a query of every DNS type (each "Type:" line as
    // tshark describes it).
    ("dns-record-types.pcap", 6956),
    // make-ipv4-fragments.py: a DNS response in two IPv4 fragments; the
    // misses are the reassembled datagram's UDP stream index and
    // timestamps.
    ("ipv4-fragmented-dns.pcap", 140),
    ("wifi-radiotap.pcap", 1130),
    // make-wifi-trees.py: data frames of each DS status, QoS from and to an
    // AP, PS-Poll, CF-End, a beacon's many tags, association and
    // authentication bodies, radiotap fields; PPI. The misses are what is
    // not drawn yet: a Block Ack Request's body, the HT and extended
    // capabilities' contents, vendor-specific elements (and the malformed
    // note of the beacon's cut WME element), the radio information's items.
    ("wifi-trees.pcap", 1471),
    ("wifi-ppi.pcap", 101),
    // Frames 3-16 of ipv6-fragmented-dns-igmp.pcap (editcap -r): IGMP v1, v2
    // and v3 queries and reports, with IPv4's note on a TTL other than 1 to
    // the Local Network Control Block.
    ("igmp-v1-v2-v3.pcap", 854),
    // make-udp-trees.py: NBNS answers, DHCP Discover and Request options, an
    // NTP server reply, RFC 5424 Syslog, STP configuration and TCN BPDUs.
    ("udp-trees.pcap", 785),
    // Shared captures: NBNS, LLMNR, mDNS and STP among a browser visit; BOOTP
    // and DHCP cut by the snaplen among pcapng Custom Blocks (drawn by
    // fields/dissect/pcapng_block.rs), a Simple Packet Block, Dropbox LAN
    // sync discovery. The misses are the interface name holding CR LF, which
    // tshark prints raw in two lines and wirelens escapes ("silly!\r\n...").
    ("dns-then-http-browser-visit.pcap", 12500),
    ("pcapng-bigendian-all-block-types.pcapng", 454),
    // The TCP application protocols' layers (fields/dissect/{ftp, ssh,
    // dns_tcp, pop_imap}.rs), every line: the FTP data connections'
    // conversation completeness (their SYN does not count after PASV, EPSV
    // and PORT, which set the conversation up before it) and IP's DSCP 4
    // ("Unknown") in the SSH ones included.
    ("ftp-passive-retr.pcap", 3824),
    ("ftp-control.pcap", 1037),
    ("ftp-active-eprt-epsv.pcap", 3909),
    ("ssh-banner-kex.pcap", 3090),
    ("ssh-single-connection.pcap", 9009),
    ("dns-over-tcp.pcap", 1310),
    ("dns-over-tcp-split.pcap", 695),
    ("pop-session.pcap", 678),
    ("imap-session.pcap", 691),
    // TLS without keys (fields/dissect/tls.rs): records, handshake
    // messages, certificates with their X.509, key exchanges, encrypted
    // records, reassembled records; the sample captures are read without
    // their .keys files, tls12-handshake.pcap is the shared capture.
    ("tls12-handshake.pcap", 2778),
    ("tls12-gcm-h1.pcap", 2613),
    ("tls13-h2.pcap", 4241),
    ("tls12-chacha-h2.pcap", 3826),
    ("tls10-cbc-sha1.pcap", 2266),
    ("tls12-rsa-cbc-sha1.pcap", 2368),
];

/// (matched, compared) tshark lines.
fn compare(expected: &str, ours: &str) -> (usize, usize, Vec<String>) {
    let exp: Vec<&str> = expected.split("\n\n").collect();
    let got: Vec<&str> = ours.split("\n\n").collect();
    let (mut matched, mut compared) = (0, 0);
    let mut missing = Vec::new();
    for (i, e) in exp.iter().enumerate() {
        let ours: Vec<&str> = got
            .get(i)
            .map(|p| p.lines().filter(|l| !l.is_empty()).collect())
            .unwrap_or_default();
        let mut from = 0;
        for line in e.lines().filter(|l| !l.is_empty()) {
            compared += 1;
            match ours[from.min(ours.len())..].iter().position(|l| *l == line) {
                Some(p) => {
                    matched += 1;
                    from += p + 1;
                }
                None if missing.len() < 10 => missing.push(format!("frame {}: {line}", i + 1)),
                None => {}
            }
        }
    }
    (matched, compared, missing)
}

fn capture_path(name: &str, shared: Option<&Path>) -> Option<PathBuf> {
    let local = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-captures")
        .join(name);
    if local.is_file() {
        return Some(local);
    }
    // Crafted captures live beside their fixtures (make-bodies.py) or
    // with the protocol fixtures.
    for dir in ["tests/fixtures/verbose", "tests/fixtures/protocols"] {
        let crafted = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).join(name);
        if crafted.is_file() {
            return Some(crafted);
        }
    }
    shared.map(|s| s.join(name)).filter(|p| p.is_file())
}

#[test]
fn verbose_tree_matches_tshark() {
    let shared = common::shared_captures();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/verbose");
    let (mut all_m, mut all_c, mut runs) = (0, 0, 0);
    for (name, baseline) in BASELINE {
        let Some(capture) = capture_path(name, shared.as_deref()) else {
            continue;
        };
        let expected = std::fs::read_to_string(fixtures.join(format!("{name}.txt")))
            .expect("fixture committed");
        let out = Command::new(env!("CARGO_BIN_EXE_wirelens"))
            .arg("list")
            .arg(&capture)
            .arg("-V")
            .output()
            .expect("run wirelens");
        let ours = String::from_utf8_lossy(&out.stdout);
        let (m, c, missing) = compare(&expected, &ours);
        println!("{name}: {m} of {c} tshark -V lines matched");
        for l in &missing {
            println!("    missing {l}");
        }
        assert!(
            m >= *baseline,
            "{name}: {m} lines matched, fewer than the baseline {baseline}"
        );
        all_m += m;
        all_c += c;
        runs += 1;
    }
    println!("all: {all_m} of {all_c} lines matched over {runs} captures");
    assert!(runs >= 2, "the sample captures are always there");
}

#[test]
fn compare_counts_in_order() {
    assert_eq!(compare("a\nb\nc", "a\nc\nb").0, 2);
    assert_eq!(compare("a\n\nb", "a\n\nx").0, 1);
}

/// `list -T json`: valid JSON in tshark's `-T json` shape; per packet the
/// layer keys, `ip.ttl` and `_index` equal those of `tshark -T json`
/// (committed as `textbook-visit.json-layers.txt`), frame 22's body layer
/// (`data-text-lines`) included.
#[test]
fn json_layers_match_tshark() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_wirelens"))
        .arg("list")
        .arg(root.join("sample-captures/textbook-visit.pcap"))
        .args(["-T", "json"])
        .output()
        .expect("run wirelens");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let expected =
        std::fs::read_to_string(root.join("tests/fixtures/verbose/textbook-visit.json-layers.txt"))
            .expect("fixture");
    let packets = v.as_array().expect("an array of packets");
    assert_eq!(packets.len(), expected.lines().count());
    // serde_json's map sorts keys: the layers are compared as a set here
    // (their order is the -V test's business).
    let sorted = |line: &str| -> String {
        let (keys, rest) = line.split_once(' ').unwrap_or((line, ""));
        let mut k: Vec<&str> = keys.split(':').collect();
        k.sort_unstable();
        format!("{} {rest}", k.join(":"))
    };
    for (i, (p, line)) in packets.iter().zip(expected.lines()).enumerate() {
        let line = &sorted(line);
        let layers = p["_source"]["layers"].as_object().expect("layers");
        let keys: Vec<&str> = layers.keys().map(String::as_str).collect();
        let ours = format!(
            "{} {} {}",
            keys.join(":"),
            layers["ip"]["ip.ttl"].as_str().unwrap_or(""),
            p["_index"].as_str().unwrap_or("")
        );
        assert_eq!(&sorted(&ours), line, "frame {}", i + 1);
    }
}
