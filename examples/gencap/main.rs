//! `gencap`: writes a large, realistic, deterministic pcap for benchmarks.
//!
//! ```text
//! cargo run --release --example gencap -- -o /tmp/bench.pcap --size 1GiB --seed 7
//! ```
//!
//! See `synth.rs` for what the traffic models; `--tiny-packets N` writes N
//! tiny packets instead (short HTTP connections, see `tiny.rs`):
//!
//! ```text
//! cargo run --release --example gencap -- -o /tmp/tiny.pcap --tiny-packets 1800000
//! ```

mod synth;
mod tiny;

use std::fs::File;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Parser;

/// Generate a synthetic HTTP/TCP/DNS capture (classic pcap, Ethernet).
#[derive(Debug, Parser)]
#[command(name = "gencap")]
struct Args {
    /// Output pcap file.
    #[arg(short, long)]
    output: PathBuf,
    /// Approximate output size: plain bytes or with a KiB/MiB/GiB (also
    /// KB/MB/GB, K/M/G, all binary) suffix, e.g. `20MiB`, `1GiB`.
    #[arg(short, long, value_parser = parse_size, default_value = "64MiB")]
    size: u64,
    /// PRNG seed; the same seed and size produce identical files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write this many tiny packets (short HTTP connections) instead; `--size`
    /// and `--seed` do not apply.
    #[arg(long, value_name = "N")]
    tiny_packets: Option<u64>,
}

fn parse_size(s: &str) -> Result<u64> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => bail!("unknown size unit {other:?} (use KiB, MiB or GiB)"),
    };
    let value: f64 = num
        .parse()
        .with_context(|| format!("invalid size number {num:?}"))?;
    if !(value.is_finite() && value > 0.0) {
        bail!("size must be positive");
    }
    Ok((value * mult as f64) as u64)
}

fn main() -> Result<()> {
    let args = Args::parse();
    let cfg = synth::SynthConfig {
        target_bytes: args.size,
        seed: args.seed,
    };
    let file = File::create(&args.output)
        .with_context(|| format!("creating {}", args.output.display()))?;
    let start = Instant::now();
    if let Some(n) = args.tiny_packets {
        let stats = tiny::generate_tiny(n, file)
            .with_context(|| format!("writing {}", args.output.display()))?;
        println!("wrote {}", args.output.display());
        println!("  bytes:             {}", stats.bytes);
        println!("  packets:           {}", stats.packets);
        println!("  tcp connections:   {}", stats.tcp_connections);
        println!(
            "  elapsed:           {:.2} s",
            start.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    let stats = synth::generate(&cfg, file)
        .with_context(|| format!("writing {}", args.output.display()))?;
    let elapsed = start.elapsed();

    let secs = elapsed.as_secs_f64();
    println!("wrote {}", args.output.display());
    println!(
        "  bytes:             {} ({:.1} MiB)",
        stats.bytes,
        stats.bytes as f64 / (1 << 20) as f64
    );
    println!("  packets:           {}", stats.packets);
    println!("  tcp connections:   {}", stats.tcp_connections);
    println!("  http transactions: {}", stats.http_transactions);
    println!("  udp (dns) packets: {}", stats.udp_packets);
    println!(
        "  elapsed:           {:.2} s ({:.0} MiB/s)",
        secs,
        stats.bytes as f64 / (1 << 20) as f64 / secs.max(1e-9)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("123").ok(), Some(123));
        assert_eq!(parse_size("20MiB").ok(), Some(20 << 20));
        assert_eq!(parse_size("1GiB").ok(), Some(1 << 30));
        assert_eq!(parse_size("4 KiB").ok(), Some(4096));
        assert!(parse_size("5XB").is_err());
    }
}
