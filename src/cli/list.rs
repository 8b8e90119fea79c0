//! `wirelens list`: the packet list, or tshark-style field values.

use super::{finish_output, open_session, report_damage, stdout, Outcome};
use crate::columns;
use crate::fields::{self, FieldDef, PacketView, Value};
use crate::filter::Filter;
use crate::text::sanitize;
use anyhow::Result;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Capture file (pcap, pcapng, gzip-compressed, or - for standard input).
    pub file: PathBuf,
    /// Print this field's values instead of the columns (repeatable), as
    /// `tshark -T fields -e FIELD`.
    #[arg(short = 'e', long = "field", value_name = "FIELD")]
    pub fields: Vec<String>,
    /// tshark-style output options: `header=y|n`, `separator=/t|/s|C`,
    /// `occurrence=f|l|a`, `aggregator=,|/s|C`, `quote=d|s|n`.
    #[arg(short = 'E', value_name = "OPTION=VALUE")]
    pub options: Vec<String>,
    /// Print the field names as a first line (same as -E header=y).
    #[arg(long)]
    pub header: bool,
    /// Print only the packets matching this display filter (Wireshark
    /// syntax, e.g. `tcp.port == 80 and ip.src == 10.0.0.0/8`); frame
    /// numbers are unchanged.
    #[arg(short = 'Y', long = "display-filter", value_name = "FILTER")]
    pub display_filter: Option<String>,
    /// Show names from the capture's own DNS answers in Source and
    /// Destination (fields printed with -e keep the addresses).
    #[arg(short = 'N', long)]
    pub names: bool,
    /// Print each packet's details tree, as `tshark -V`.
    #[arg(short = 'V', long = "verbose", conflicts_with = "fields")]
    pub verbose: bool,
    /// One JSON object per line per packet: the fields of -e (or, without
    /// -e, the columns as the `_ws.col.*` fields) keyed by field name,
    /// numbers as numbers.
    #[arg(long, conflicts_with = "verbose")]
    pub json: bool,
    /// `-T json`: each packet's tree as JSON, as `tshark -T json` prints it
    /// (`-T fields` and `-T text` are the default outputs).
    #[arg(short = 'T', value_name = "FORMAT", value_parser = ["json", "fields", "text"],
          conflicts_with_all = ["verbose", "json"])]
    pub output: Option<String>,
    #[command(flatten)]
    pub save: super::save::SaveArgs,
}

pub fn run(args: &ListArgs) -> Result<Outcome> {
    let format = super::fields_out::FieldsFormat::parse(&args.options, args.header)?;
    let defs: Vec<&'static FieldDef> = args
        .fields
        .iter()
        .map(|name| {
            fields::lookup(name).ok_or_else(|| match fields::suggest(name) {
                Some(s) => anyhow::anyhow!("unknown field {name:?} (did you mean {s:?}?)"),
                None => anyhow::anyhow!("unknown field {name:?}"),
            })
        })
        .collect::<Result<_>>()?;
    let tree_json = args.output.as_deref() == Some("json");
    let defs = if args.json && defs.is_empty() {
        COLUMN_FIELDS
            .iter()
            .filter_map(|n| fields::lookup(n))
            .collect()
    } else {
        defs
    };
    let filter = args
        .display_filter
        .as_deref()
        .map(Filter::compile)
        .transpose()
        .map_err(|e| anyhow::anyhow!("invalid display filter:\n{e}"))?;
    let session = open_session(&args.file)?;
    let trace = session.trace();
    // The HTTP index is built only when something shown reads it: the Info
    // column, an `http.*` field or filter.
    let needs_http = defs.is_empty()
        || args.verbose
        || tree_json
        || defs.iter().any(|d| d.id.is_http())
        || filter.as_ref().is_some_and(Filter::needs_http);
    let http = needs_http.then(|| session.http());
    // How many packets were shown, for --fail-empty.
    let count = std::cell::Cell::new(0u64);
    let shown = |index: usize| {
        let s = filter
            .as_ref()
            .is_none_or(|f| f.matches(trace, http, index));
        count.set(count.get() + u64::from(s));
        s
    };
    if let Some(path) = &args.save.write {
        let frames: Vec<u32> = (0..trace.store.len())
            .filter(|&i| shown(i))
            .map(|i| i as u32)
            .collect();
        super::save::save(trace, &frames, &args.save, path)?;
        return Ok(report_damage(&args.file, trace).or_empty(frames.is_empty()));
    }
    let names = args.names.then(|| session.names());
    let mut out = stdout();
    let written = (|| -> std::io::Result<()> {
        if args.verbose || tree_json {
            super::list_tree::write(&mut out, trace, http, &shown, tree_json)?;
        } else if args.json {
            for index in (0..trace.store.len()).filter(|&i| shown(i)) {
                let view = PacketView::with_http(trace, http, index);
                super::json::line(&mut out, &super::json::fields(&view, &defs))?;
            }
        } else if defs.is_empty() {
            for index in (0..trace.store.len()).filter(|&i| shown(i)) {
                let view = PacketView::with_http(trace, http, index);
                let r = columns::row(&view);
                let at = index as u32;
                let name = |t: &str| super::journey::named_text(t, names, at);
                // Straight into the buffered output: padding by hand costs
                // less than the formatter's, per row of millions.
                write!(out, "{:>6} ", r.number)?;
                padded(&mut out, &r.time, 12, true)?;
                out.write_all(b" ")?;
                padded(&mut out, &sanitize(&name(&r.source)), 22, true)?;
                out.write_all(" \u{2192} ".as_bytes())?;
                padded(&mut out, &sanitize(&name(&r.destination)), 22, false)?;
                out.write_all(b" ")?;
                padded(&mut out, &r.protocol, 6, false)?;
                write!(out, " {:>6} ", r.length)?;
                out.write_all(sanitize(&r.info).as_bytes())?;
                out.write_all(b"\n")?;
            }
        } else {
            if format.header {
                let names: Vec<&str> = defs.iter().map(|d| d.name).collect();
                writeln!(out, "{}", names.join(&format.separator))?;
            }
            let mut values: Vec<Value<'_>> = Vec::new();
            let mut texts: Vec<String> = Vec::new();
            let mut line = String::new();
            for index in (0..trace.store.len()).filter(|&i| shown(i)) {
                let view = PacketView::with_http(trace, http, index);
                line.clear();
                for (i, def) in defs.iter().enumerate() {
                    if i > 0 {
                        line.push_str(&format.separator);
                    }
                    values.clear();
                    view.values(def.id, &mut values);
                    texts.clear();
                    texts.extend(values.iter().map(|v| sanitize(&v.tshark()).into_owned()));
                    format.cell(&texts, &mut line);
                }
                writeln!(out, "{line}")?;
            }
        }
        out.flush()
    })();
    finish_output(written)?;
    Ok(report_damage(&args.file, trace).or_empty(count.get() == 0))
}

/// The fields `list --json` prints without -e: the packet list's columns.
const COLUMN_FIELDS: [&str; 7] = [
    "_ws.col.No.",
    "_ws.col.Time",
    "_ws.col.Source",
    "_ws.col.Destination",
    "_ws.col.Protocol",
    "_ws.col.Length",
    "_ws.col.Info",
];

/// Writes `s` padded with spaces to `width` characters, on the left when
/// `right` (aligned right) else on the right, as `{:>w}` / `{:<w}` do.
fn padded(out: &mut impl Write, s: &str, width: usize, right: bool) -> std::io::Result<()> {
    const SPACES: &[u8; 32] = b"                                ";
    let chars = if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    };
    let fill = &SPACES[..width.saturating_sub(chars).min(SPACES.len())];
    if right {
        out.write_all(fill)?;
        out.write_all(s.as_bytes())
    } else {
        out.write_all(s.as_bytes())?;
        out.write_all(fill)
    }
}

#[cfg(test)]
mod tests {
    use super::padded;

    #[test]
    fn padding_matches_the_formatter() {
        for s in [
            "",
            "a",
            "10.0.0.1",
            "fe80::1 → x",
            "0123456789abcdefghijklmnopqrstuvwxyz",
        ] {
            for right in [true, false] {
                let mut out = Vec::new();
                padded(&mut out, s, 22, right).expect("vec");
                let expected = if right {
                    format!("{s:>22}")
                } else {
                    format!("{s:<22}")
                };
                assert_eq!(String::from_utf8(out).expect("utf-8"), expected);
            }
        }
    }
}
