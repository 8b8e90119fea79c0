//! `hostile`: writes the hostile captures wirelens is tested against (see
//! `captures.rs`) into a folder, one `NAME.pcap` each, to try by hand:
//!
//! ```text
//! cargo run --example hostile -- /tmp/hostile
//! wirelens list /tmp/hostile/escapes.pcap
//! ```

mod captures;

use anyhow::{Context, Result};
use std::path::PathBuf;

fn main() -> Result<()> {
    let dir: PathBuf = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .context("usage: hostile DIR")?;
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    for h in captures::all() {
        let path = dir.join(format!("{}.pcap", h.name));
        std::fs::write(&path, &h.bytes).with_context(|| format!("writing {}", path.display()))?;
        println!("{}\t{} bytes\t{}", path.display(), h.bytes.len(), h.about);
    }
    Ok(())
}
