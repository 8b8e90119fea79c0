//! Colouring rules against tshark: with Wireshark 4.0's default rules
//! (assets/colorfilters), each frame of every shared capture must get the
//! rule `tshark --color` gave it (tests/fixtures/colors, made by
//! make-colors.sh there), except where tshark's rule is one wirelens keeps
//! disabled because its filter names a protocol wirelens does not dissect
//! (those frames are counted and printed, not asserted).
//! Skipped when ../shared/captures is absent (a failure under CI=true).

use std::path::Path;
use wirelens::config::ColorRules;
use wirelens::session::Session;

mod common;

/// Frames where wirelens's `http` matches and tshark's does not: the request
/// in this capture goes to port 22 (an SSH server); wirelens's HTTP index
/// reads the `GET /` it carries (`http.request.method == "GET"`), while
/// tshark 4.0 dissects port 22 as SSH only, so its `http` is false and the
/// frame falls to the "TCP" rule. The same `-Y http` difference is reported
/// by conformance_write.
const KNOWN: &[(&str, usize)] = &[("nsec-http-get-to-ssh-server-rst.pcap", 4)];

#[test]
fn frames_get_the_rule_tshark_gives_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/colors");
    let Some(captures) = common::shared_captures() else {
        return;
    };
    let rules = ColorRules::wireshark_defaults();
    let disabled: Vec<&str> = rules
        .rules()
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.name.as_str())
        .collect();
    let mut fixtures: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/fixtures/colors")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 50, "the colour fixtures are missing");
    let (mut frames, mut equal, mut by_disabled, mut known) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let name = fixture.file_stem().and_then(|s| s.to_str()).expect("name");
        let session = Session::open(&captures.join(name)).expect("the capture opens");
        let trace = session.trace();
        let http = rules.needs_http().then(|| session.http());
        let text = std::fs::read_to_string(fixture).expect("fixture");
        for (i, want) in text.lines().enumerate() {
            frames += 1;
            let got = rules
                .matching(trace, http, i)
                .map_or("", |r| r.name.as_str());
            if got == want {
                equal += 1;
            } else if KNOWN.contains(&(name, i + 1)) {
                known += 1;
            } else if disabled.contains(&want) {
                by_disabled += 1;
            } else {
                failures.push(format!(
                    "{name} frame {}: wirelens {got:?}, tshark {want:?}",
                    i + 1
                ));
            }
        }
    }
    println!(
        "colouring: {equal} of {frames} frames as tshark; {known} known difference; {by_disabled} coloured by rules wirelens cannot compile ({})",
        disabled.join(", ")
    );
    assert!(
        failures.is_empty(),
        "{} frames differ:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}
