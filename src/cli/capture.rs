//! `wirelens -i IFACE`: capture options as tcpdump and tshark spell them,
//! `-D` to list the interfaces, and the quiet capture (`-q`) that only
//! writes the `-w` file and prints the counters at the end.

use super::Outcome;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args, Default)]
pub struct CaptureArgs {
    /// Capture from this network interface (as tshark -i), shown live.
    #[arg(short = 'i', long = "interface", value_name = "IFACE")]
    pub interface: Option<String>,
    /// Capture filter (BPF, as tcpdump's: `tcp port 80`).
    #[arg(short = 'f', value_name = "FILTER", requires = "interface")]
    pub capture_filter: Option<String>,
    /// Snapshot length: bytes kept of each packet (default 262144).
    #[arg(
        short = 's',
        long = "snapshot-length",
        value_name = "SNAPLEN",
        requires = "interface"
    )]
    pub snaplen: Option<u32>,
    /// Keep what is captured in this pcapng file (`-` for standard output).
    #[arg(short = 'w', value_name = "FILE", requires = "interface")]
    pub write: Option<PathBuf>,
    /// Ring buffer, as tshark: `filesize:KB` and `files:N` (repeatable).
    #[arg(short = 'b', value_name = "KEY:VALUE", requires = "write")]
    pub ring: Vec<String>,
    /// Stop after this many packets.
    #[arg(short = 'c', value_name = "COUNT", requires = "interface")]
    pub count: Option<u64>,
    /// Stop after a while, as tshark: `duration:SECONDS`.
    #[arg(short = 'a', value_name = "duration:SECONDS", requires = "interface")]
    pub autostop: Option<String>,
    /// No interactive view: capture (to -w), then print the counters.
    #[arg(short = 'q', requires = "interface")]
    pub quiet: bool,
    /// List the interfaces that can be captured on, and exit.
    #[arg(short = 'D', long = "list-interfaces")]
    pub list_interfaces: bool,
}

/// Runs `-D` or a capture when asked for (`None`: neither was).
pub fn run(args: &CaptureArgs, keys: &crate::tls::KeyLog) -> Option<anyhow::Result<Outcome>> {
    if args.list_interfaces {
        return Some(list_interfaces());
    }
    let interface = args.interface.as_ref()?;
    Some(capture(args, interface, keys))
}

#[cfg(not(feature = "live"))]
fn list_interfaces() -> anyhow::Result<Outcome> {
    anyhow::bail!("this wirelens was built without live capture (the `live` feature)")
}

#[cfg(not(feature = "live"))]
fn capture(_: &CaptureArgs, _: &str, _: &crate::tls::KeyLog) -> anyhow::Result<Outcome> {
    anyhow::bail!("this wirelens was built without live capture (the `live` feature)")
}

#[cfg(feature = "live")]
fn list_interfaces() -> anyhow::Result<Outcome> {
    use std::io::Write;
    let mut out = super::stdout();
    let written = (|| -> std::io::Result<()> {
        for (i, (name, desc)) in crate::live::iface::interfaces()?.iter().enumerate() {
            match desc {
                Some(d) => writeln!(out, "{}. {} ({})", i + 1, name, crate::text::sanitize(d))?,
                None => writeln!(out, "{}. {}", i + 1, name)?,
            }
        }
        out.flush()
    })();
    super::finish_output(written)?;
    Ok(Outcome::Ok)
}

#[cfg(feature = "live")]
impl From<crate::live::iface::LiveError> for std::io::Error {
    fn from(e: crate::live::iface::LiveError) -> std::io::Error {
        std::io::Error::other(e.to_string())
    }
}

/// The library's options from the arguments.
#[cfg(feature = "live")]
pub fn options(
    args: &CaptureArgs,
    interface: &str,
) -> anyhow::Result<crate::live::iface::CaptureOptions> {
    let ring = if args.ring.is_empty() {
        None
    } else {
        let mut ring = crate::live::iface::Ring::default();
        for b in &args.ring {
            ring.add(b).map_err(anyhow::Error::msg)?;
        }
        Some(ring)
    };
    let duration = match args.autostop.as_deref() {
        None => None,
        Some(a) => {
            let secs = a
                .strip_prefix("duration:")
                .and_then(|s| s.parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s > 0.0)
                .ok_or_else(|| anyhow::anyhow!("-a {a:?}: wirelens knows duration:SECONDS"))?;
            Some(std::time::Duration::from_secs_f64(secs))
        }
    };
    Ok(crate::live::iface::CaptureOptions {
        interface: interface.to_string(),
        filter: args.capture_filter.clone(),
        snaplen: args.snaplen,
        write: args.write.clone(),
        ring,
        count: args.count,
        duration,
    })
}

#[cfg(feature = "live")]
fn capture(
    args: &CaptureArgs,
    interface: &str,
    keys: &crate::tls::KeyLog,
) -> anyhow::Result<Outcome> {
    let options = options(args, interface)?;
    // A missing permission or a bad filter is said before anything starts.
    let started = crate::live::iface::open(&options)?;
    if !args.quiet {
        let exit = crate::ui::run_capture(started, keys.clone());
        crate::live::iface::stop_and_wait(std::time::Duration::from_secs(2));
        return match exit? {
            crate::ui::Exit::Quit => Ok(Outcome::Ok),
            crate::ui::Exit::LoadFailed(e) => Err(anyhow::anyhow!(e)),
        };
    }
    // Ctrl-C ends the capture, not the process: the -w file is completed
    // and the counters printed, as tcpdump and tshark do.
    crate::live::iface::stop_on_signals()?;
    let (trace, stats) = crate::live::iface::capture(started, |_, _| true)?;
    eprint!("{}", counters(trace.store.len() as u64, &stats));
    Ok(Outcome::Ok)
}

/// The counters printed at the end of a quiet capture, in tcpdump's words
/// (tshark's first line is the same).
#[cfg(feature = "live")]
fn counters(captured: u64, stats: &crate::live::CaptureStats) -> String {
    let n = |n: u64| format!("{n} packet{}", if n == 1 { "" } else { "s" });
    format!(
        "{} captured\n{} received by filter\n{} dropped by kernel\n{} dropped by interface\n",
        n(captured),
        n(stats.received),
        n(stats.dropped_kernel),
        n(stats.dropped_interface)
    )
}

#[cfg(all(test, feature = "live"))]
mod tests {
    use super::*;

    #[test]
    fn counters_are_tcpdumps_lines() {
        let stats = crate::live::CaptureStats {
            received: 12,
            dropped_kernel: 1,
            dropped_interface: 0,
        };
        assert_eq!(
            counters(11, &stats),
            "11 packets captured\n12 packets received by filter\n1 packet dropped by kernel\n0 packets dropped by interface\n"
        );
    }
}
