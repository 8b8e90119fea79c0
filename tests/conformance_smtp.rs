//! SMTP and IMF fields and filters against tshark 4.0, on the SMTP sample
//! and the crafted `smtp-imf-mime.pcap` (fourteen messages of awkward
//! shapes). `tests/fixtures/smtp_imf/make.sh` wrote the fixtures with
//! tshark: `CAPTURE.tsv` (`-T fields` for `fields.in`) and `filters.tsv`
//! (the frames each filter selects). Every cell and every filter must
//! match, except the cells named in [`KNOWN`] with their reason.
//! (The `-V` lines are `conformance_verbose`'s.)

use std::path::{Path, PathBuf};
use std::process::Command;

/// (capture, frame, field): the cells that differ from tshark, each for a
/// reason shown with the bytes.
const KNOWN: &[(&str, usize, &str, &str)] = &[(
    "smtp-imf-mime.pcap",
    57,
    "frame.protocols",
    "multipart/mixed body: tshark adds mime_multipart:data-text-lines; \
         wirelens has no MIME multipart layer under IMF yet",
)];

fn capture(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    ["sample-captures", "tests/fixtures/protocols"]
        .iter()
        .map(|d| root.join(d).join(name))
        .find(|p| p.is_file())
        .expect("the SMTP captures are committed")
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/smtp_imf")
}

fn wirelens(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_wirelens"))
        .args(args)
        .output()
        .expect("run wirelens");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn smtp_and_imf_fields_match_tshark() {
    let fields: Vec<String> = std::fs::read_to_string(dir().join("fields.in"))
        .expect("fields.in")
        .lines()
        .map(str::to_string)
        .collect();
    let (mut matched, mut compared) = (0, 0);
    let mut wrong = Vec::new();
    for name in ["smtp-one-message.pcap", "smtp-imf-mime.pcap"] {
        let path = capture(name);
        let mut args = vec!["list", path.to_str().expect("utf-8 path")];
        for f in &fields {
            args.push("-e");
            args.push(f);
        }
        let ours = wirelens(&args);
        let ours: Vec<&str> = ours.lines().collect();
        let expected = std::fs::read_to_string(dir().join(format!("{name}.tsv"))).expect("fixture");
        assert_eq!(ours.len(), expected.lines().count(), "{name}: rows");
        for (row, line) in expected.lines().enumerate() {
            let mine: Vec<&str> = ours[row].split('\t').collect();
            for (col, t) in line.split('\t').enumerate() {
                compared += 1;
                let t = wirelens::text::sanitize(t);
                if mine.get(col).copied() == Some(&*t) {
                    matched += 1;
                } else if !KNOWN
                    .iter()
                    .any(|k| k.0 == name && k.1 == row + 1 && k.2 == fields[col])
                {
                    wrong.push(format!(
                        "{name} frame {} {}: tshark {t:?}, ours {:?}",
                        row + 1,
                        fields[col],
                        mine.get(col)
                    ));
                }
            }
        }
    }
    println!("smtp/imf: {matched} of {compared} cells match tshark");
    assert!(wrong.is_empty(), "differences:\n{}", wrong.join("\n"));
    assert!(compared - matched <= KNOWN.len(), "{matched} of {compared}");
}

#[test]
fn smtp_and_imf_filters_select_what_tshark_selects() {
    let table = std::fs::read_to_string(dir().join("filters.tsv")).expect("filters.tsv");
    let (mut passed, mut total) = (0, 0);
    let mut wrong = Vec::new();
    for line in table.lines().filter(|l| !l.is_empty()) {
        let mut cols = line.split('\t');
        let (Some(name), Some(filter)) = (cols.next(), cols.next()) else {
            panic!("bad line {line:?}");
        };
        let want = cols.next().unwrap_or("");
        let path = capture(name);
        let ours = wirelens(&[
            "list",
            path.to_str().expect("utf-8 path"),
            "-Y",
            filter,
            "-e",
            "frame.number",
        ]);
        let ours = ours.lines().collect::<Vec<_>>().join(",");
        total += 1;
        if ours == want {
            passed += 1;
        } else {
            wrong.push(format!("{name} {filter:?}: tshark [{want}], ours [{ours}]"));
        }
    }
    println!("smtp/imf: {passed} of {total} filters select what tshark selects");
    assert!(total >= 50);
    assert!(wrong.is_empty(), "differences:\n{}", wrong.join("\n"));
}
