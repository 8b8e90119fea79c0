//! `list -w FILE [-F pcap|nsecpcap|pcapng] [--overwrite]`: the packets of
//! the display filter saved as a capture, as `tshark -r IN -Y FILTER -w OUT`.
//!
//! Unlike tshark, an existing file is never replaced unless `--overwrite`
//! asks for it: a mistyped `-w` must not destroy a capture. `-w -` writes
//! to standard output.

use crate::capture::write::{save_frames, write_frames, Overwrite, SaveFormat};
use crate::trace::Trace;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct SaveArgs {
    /// Write the packets shown (all, or those of -Y) to this capture file
    /// instead of listing them, as `tshark -w`; `-` is standard output.
    /// Packets are copied byte for byte, with their times, lengths,
    /// interfaces and comments.
    #[arg(short = 'w', long = "write", value_name = "OUTFILE")]
    pub write: Option<PathBuf>,
    /// The format of -w: pcapng (the default, as tshark's), pcap
    /// (microsecond times) or nsecpcap (nanosecond times).
    #[arg(short = 'F', long = "format", value_name = "FORMAT", requires = "write",
          value_parser = parse_format, default_value = "pcapng")]
    pub format: SaveFormat,
    /// Let -w replace an existing file (without it, wirelens refuses).
    #[arg(long, requires = "write")]
    pub overwrite: bool,
}

fn parse_format(name: &str) -> Result<SaveFormat, String> {
    SaveFormat::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = SaveFormat::ALL.iter().map(|f| f.name()).collect();
        format!("unknown capture format (known: {})", names.join(", "))
    })
}

/// Writes `frames` (0-based) of `trace` to `path` as `args` say.
pub fn save(trace: &Trace, frames: &[u32], args: &SaveArgs, path: &Path) -> anyhow::Result<()> {
    let capture = trace.store.capture();
    if path.as_os_str() == "-" {
        let out = std::io::stdout().lock();
        return super::finish_output(
            write_frames(capture, frames, args.format, out)
                .map(drop)
                .map_err(|e| match e {
                    crate::capture::write::WriteError::Output(io) => io,
                    other => std::io::Error::other(other),
                }),
        );
    }
    let overwrite = if args.overwrite {
        Overwrite::Yes
    } else {
        Overwrite::No
    };
    save_frames(capture, frames, args.format, path, overwrite)?;
    Ok(())
}
