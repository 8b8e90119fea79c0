//! The flow graph (`wirelens stats flow,any,network`) against tshark 4.0's
//! `-z flow,any,network` on the captures of tests/fixtures/flow/captures.txt
//! (the project's samples and public captures of ../shared/captures; the
//! fixtures are made by make.sh). Every line must be equal, and the command's
//! streamed rows ([`flow_graph::stream`]) the same; prints how many.

mod common;

use std::path::PathBuf;
use wirelens::session::Session;
use wirelens::stats::{flow_graph, Selection};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn flow_graph_equals_tshark() {
    let list = std::fs::read_to_string(root().join("tests/fixtures/flow/captures.txt"))
        .expect("capture list");
    let shared = common::shared_captures();
    let (mut graphs, mut lines) = (0, 0);
    for entry in list.lines() {
        let Some((kind, name)) = entry.split_once(' ') else {
            continue;
        };
        let path = match kind {
            "sample" => root().join("sample-captures").join(name),
            _ => match &shared {
                Some(dir) => dir.join(name),
                None => continue,
            },
        };
        let session = Session::open(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let g = flow_graph::compute(session.trace(), Some(session.http()), &Selection::All);
        let mut got = String::new();
        flow_graph::write_text(&g, &mut got);
        // The command's way: the index, its rows streamed a batch at a time.
        let x = flow_graph::index(session.trace(), &Selection::All);
        let mut streamed = String::new();
        if let Some(rows) = flow_graph::TextRows::header(&x.nodes, &mut streamed) {
            let sink = |t: &str| {
                streamed.push_str(t);
                Ok::<(), std::convert::Infallible>(())
            };
            let fmt = |it: &flow_graph::Item, s: &mut String| rows.row(it, s);
            let http = Some(session.http());
            let _ = flow_graph::stream(session.trace(), http, &x, rows.row_bytes(), fmt, sink);
        }
        assert_eq!(streamed, got, "{name}: streamed and held graphs differ");
        let want = std::fs::read_to_string(root().join(format!("tests/fixtures/flow/{name}.txt")))
            .expect("fixture");
        for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
            assert_eq!(g, w, "{name}: line {}", i + 1);
        }
        assert_eq!(got.lines().count(), want.lines().count(), "{name}: lines");
        graphs += 1;
        lines += want.lines().count();
    }
    println!("flow graphs: {graphs} captures, {lines} of {lines} lines equal to tshark");
    assert!(graphs >= 19, "the samples at least");
}
