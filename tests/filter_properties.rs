//! Properties of display filters over the bundled sample captures: `not`
//! selects the complement, `and` the intersection, `or` the union, `xor` the
//! symmetric difference, for random expressions of the grammar; and the fields
//! answered without decoding agree with the decoded packet.

use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;
use wirelens::fields::{PacketView, FIELDS};
use wirelens::filter::{eval::fast_values, Filter};
use wirelens::trace::Trace;

fn sample(name: &str) -> Trace {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-captures")
        .join(name);
    Trace::open(&path).expect("sample capture opens")
}

fn trace() -> &'static Trace {
    static TRACE: OnceLock<Trace> = OnceLock::new();
    TRACE.get_or_init(|| sample("textbook-visit.pcap"))
}

fn select(text: &str) -> BTreeSet<usize> {
    let f = Filter::compile(text).unwrap_or_else(|e| panic!("{e}"));
    let t = trace();
    (0..t.store.len())
        .filter(|&i| f.matches(t, None, i))
        .collect()
}

const ATOMS: &[&str] = &[
    "tcp",
    "udp",
    "ip",
    "frame.number <= 10",
    "frame.number in {3..12, 20}",
    "frame.len > 100",
    "tcp.flags.syn == 1",
    "tcp.flags.ack == true",
    "tcp.port == 80",
    "tcp.port != 80",
    "tcp.port ~= 80",
    "tcp.stream == 0",
    "tcp.len > 0",
    "ip.src == 10.0.0.0/8",
    "ip.addr == 192.168.0.0/16",
    "frame contains \"HTTP\"",
    "frame matches \"host: \"",
    "tcp.payload contains 47:45:54",
    "udp.port == 53",
    "tcp.srcport > tcp.dstport",
    "ip.src != ip.dst",
    "eth.addr == ff:ff:ff:ff:ff:ff",
];

fn expr() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(ATOMS).prop_map(str::to_string);
    leaf.prop_recursive(4, 16, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|a| format!("not ({a})")),
            inner.clone().prop_map(|a| format!("!({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) and ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) || ({b})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("({a}) xor ({b})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn logic_is_set_algebra(a in expr(), b in expr()) {
        let all: BTreeSet<usize> = (0..trace().store.len()).collect();
        let sa = select(&a);
        let sb = select(&b);
        let not_a = select(&format!("not ({a})"));
        prop_assert_eq!(&not_a, &all.difference(&sa).copied().collect());
        let and = select(&format!("({a}) and ({b})"));
        prop_assert_eq!(&and, &sa.intersection(&sb).copied().collect());
        let or = select(&format!("({a}) or ({b})"));
        prop_assert_eq!(&or, &sa.union(&sb).copied().collect());
        let xor = select(&format!("({a}) ^^ ({b})"));
        prop_assert_eq!(&xor, &sa.symmetric_difference(&sb).copied().collect());
    }
}

#[test]
fn atoms_select_something_and_not_everything() {
    let n = trace().store.len();
    let interesting = ATOMS
        .iter()
        .filter(|a| {
            let s = select(a);
            !s.is_empty() && s.len() < n
        })
        .count();
    assert!(
        interesting >= 12,
        "only {interesting} atoms split the sample"
    );
}

fn check_fast_path(trace: &Trace, name: &str) {
    let mut fast = Vec::new();
    let mut slow = Vec::new();
    for index in 0..trace.store.len() {
        let view = PacketView::new(trace, index);
        for def in FIELDS {
            fast.clear();
            if !fast_values(trace, index, def.id, &mut fast) {
                continue;
            }
            slow.clear();
            view.values(def.id, &mut slow);
            assert_eq!(fast, slow, "{name}: frame {} field {}", index + 1, def.name);
        }
    }
}

#[test]
fn undecoded_fields_agree_with_the_decoded_packet() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures");
    for entry in std::fs::read_dir(&dir).expect("sample-captures") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "pcap") {
            let name = path.display().to_string();
            check_fast_path(&Trace::open(&path).expect("opens"), &name);
        }
    }
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/captures");
    let Ok(dir) = std::fs::read_dir(&shared) else {
        eprintln!(
            "skipping the shared captures: {} is absent",
            shared.display()
        );
        return;
    };
    for entry in dir {
        let path = entry.expect("entry").path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let small = std::fs::metadata(&path).is_ok_and(|m| m.len() < 4 << 20);
        if matches!(ext, "pcap" | "pcapng") && small {
            if let Ok(trace) = Trace::open(&path) {
                check_fast_path(&trace, &path.display().to_string());
            }
        }
    }
}

#[test]
fn summary_fields_do_not_decode() {
    let t = trace();
    let f = Filter::compile(
        "frame.number > 2 and (tcp.port == 80 or udp) and tcp.flags.syn == 0 and ip.src == 10.0.0.0/8 || tcp.stream in {0 1}",
    )
    .expect("compiles");
    let g = Filter::compile("frame contains \"GET\"").expect("compiles");
    for i in 0..t.store.len() {
        assert!(
            !f.matches_lazily(t, None, i).1,
            "frame {} was decoded",
            i + 1
        );
        assert!(g.matches_lazily(t, None, i).1);
    }
}
