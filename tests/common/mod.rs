//! Shared by the conformance tests: where the tshark oracles live, and the
//! message when they are absent (they are not part of the repository).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `../shared/captures` beside the project, or `None` after saying that the
/// conformance test is skipped.
pub fn shared_captures() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/captures");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "shared captures not found at {}; conformance skipped",
            dir.display()
        );
        None
    }
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
