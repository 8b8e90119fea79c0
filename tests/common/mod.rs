//! Shared by the conformance tests: where the tshark oracles live, and the
//! message when they are absent (they are not part of the repository).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `../shared/captures` beside the project, or `None` after saying that the
/// conformance test is skipped. Under `CI=true` (CI has the folder) a missing
/// folder fails the test instead: a conformance run must never pass by
/// comparing nothing.
pub fn shared_captures() -> Option<PathBuf> {
    locate(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/captures"),
        in_ci(),
    )
}

/// `dir` if it exists; else a skip outside CI and a failure in CI.
pub fn locate(dir: PathBuf, ci: bool) -> Option<PathBuf> {
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        !ci,
        "shared captures not found at {} and CI=true: conformance cannot be skipped in CI",
        dir.display()
    );
    println!(
        "shared captures not found at {}; conformance skipped",
        dir.display()
    );
    None
}

/// Whether the tests run in CI (`CI=true`, as CI sets it).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Every `NAME.oracle` folder in `dir`, sorted.
pub fn oracles(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read the shared captures folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "oracle"))
        .collect();
    found.sort();
    found
}
