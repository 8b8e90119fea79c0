//! `wirelens list`: the packet list, or tshark-style field values.

use super::{finish_output, open_session, report_damage, stdout, Outcome};
use crate::columns;
use crate::fields::{self, FieldDef, PacketView, Value};
use crate::filter::Filter;
use crate::journey::NameMap;
use crate::session::Session;
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
    // A pipe is listed as it arrives, as `tshark -r -` does (the trees of
    // -V and -T json, and -w, wait for the end).
    if crate::live::is_stream(&args.file)
        && !args.verbose
        && !tree_json
        && args.save.write.is_none()
    {
        return run_stream(args, &defs, &format, filter.as_ref());
    }
    let session = open_session(&args.file)?;
    let trace = session.trace();
    if let Some(path) = &args.save.write {
        let http = needs_http(args, &defs, filter.as_ref()).then(|| session.http());
        let frames: Vec<u32> = (0..trace.store.len())
            .filter(|&i| filter.as_ref().is_none_or(|f| f.matches(trace, http, i)))
            .map(|i| i as u32)
            .collect();
        super::save::save(trace, &frames, &args.save, path)?;
        return Ok(report_damage(&args.file, trace).or_empty(frames.is_empty()));
    }
    let mut out = stdout();
    // How many packets were shown, for --fail-empty.
    let mut count = 0u64;
    let written = (|| -> std::io::Result<()> {
        if args.verbose || tree_json {
            let http = needs_http(args, &defs, filter.as_ref()).then(|| session.http());
            let shown_count = std::cell::Cell::new(0u64);
            let shown = |index: usize| {
                let s = filter
                    .as_ref()
                    .is_none_or(|f| f.matches(trace, http, index));
                shown_count.set(shown_count.get() + u64::from(s));
                s
            };
            super::list_tree::write(&mut out, trace, http, &shown, tree_json)?;
            count = shown_count.get();
        } else {
            if !defs.is_empty() && format.header && !args.json {
                header(&mut out, &defs, &format)?;
            }
            let rows = Rows {
                args,
                defs: &defs,
                format: &format,
                filter: filter.as_ref(),
            };
            count = rows.write(&mut out, &session, 0..trace.store.len())?;
        }
        out.flush()
    })();
    finish_output(written)?;
    Ok(report_damage(&args.file, session.trace()).or_empty(count == 0))
}

/// `list` of a pipe: the rows of the records that arrived, after each
/// snapshot of the growing trace.
fn run_stream(
    args: &ListArgs,
    defs: &[&'static FieldDef],
    format: &super::fields_out::FieldsFormat,
    filter: Option<&Filter>,
) -> Result<Outcome> {
    let rows = Rows {
        args,
        defs,
        format,
        filter,
    };
    let mut out = stdout();
    let mut printed = 0;
    let mut count = 0u64;
    let mut failed: Option<std::io::Error> = None;
    if !defs.is_empty() && format.header && !args.json {
        if let Err(e) = header(&mut out, defs, format) {
            failed = Some(e);
        }
    }
    let mut show = |session: &Session, out: &mut _| -> std::io::Result<()> {
        let len = session.trace().store.len();
        let from = std::mem::replace(&mut printed, len);
        count += rows.write(out, session, from..len)?;
        std::io::Write::flush(out)
    };
    // The snapshots share what was computed of the ones before.
    let products = std::sync::Arc::new(crate::live::LiveProducts::new());
    let snapshot = |trace: crate::trace::Trace| {
        super::with_keys(trace).with_live(std::sync::Arc::clone(&products))
    };
    let ended = crate::live::read_stream(&args.file, |update| {
        if failed.is_some() {
            return false;
        }
        if let crate::live::Update::Snapshot(trace) = update {
            if let Err(e) = show(&snapshot(*trace), &mut out) {
                failed = Some(e);
                return false;
            }
        }
        true
    });
    let trace = ended.map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    let session = snapshot(trace);
    if failed.is_none() {
        if let Err(e) = show(&session, &mut out) {
            failed = Some(e);
        }
    }
    finish_output(failed.map_or(Ok(()), Err))?;
    Ok(report_damage(&args.file, session.trace()).or_empty(count == 0))
}

/// Whether the HTTP index is needed: the Info column, an `http.*` field or
/// filter read it.
fn needs_http(args: &ListArgs, defs: &[&'static FieldDef], filter: Option<&Filter>) -> bool {
    defs.is_empty()
        || args.verbose
        || args.output.as_deref() == Some("json")
        || defs.iter().any(|d| d.id.is_http())
        || filter.is_some_and(Filter::needs_http)
}

/// The `-E header=y` line of field names.
fn header(
    out: &mut impl Write,
    defs: &[&'static FieldDef],
    format: &super::fields_out::FieldsFormat,
) -> std::io::Result<()> {
    let names: Vec<&str> = defs.iter().map(|d| d.name).collect();
    writeln!(out, "{}", names.join(&format.separator))
}

/// What `list` prints per packet: the columns, or the `-e` fields.
struct Rows<'a> {
    args: &'a ListArgs,
    defs: &'a [&'static FieldDef],
    format: &'a super::fields_out::FieldsFormat,
    filter: Option<&'a Filter>,
}

impl Rows<'_> {
    /// The rows of the packets in `range` that the filter shows; returns
    /// how many.
    fn write(
        &self,
        out: &mut impl Write,
        session: &Session,
        range: std::ops::Range<usize>,
    ) -> std::io::Result<u64> {
        let (args, defs, format, filter) = (self.args, self.defs, self.format, self.filter);
        let trace = session.trace();
        if range.is_empty() {
            return Ok(0);
        }
        let mut count = 0u64;
        let http = needs_http(args, defs, filter).then(|| session.http());
        let shown = |index: usize| filter.is_none_or(|f| f.matches(trace, http, index));
        let names = args.names.then(|| session.names());
        if args.json {
            for index in range.filter(|&i| shown(i)) {
                let view = PacketView::with_http(trace, http, index);
                super::json::line(out, &super::json::fields(&view, defs))?;
                count += 1;
            }
        } else if defs.is_empty() {
            // Blocks of rows are formatted on all cores into their own
            // buffers, written out in order a wave of blocks at a time (the
            // buffers stay a few megabytes).
            let blocks: Vec<std::ops::Range<usize>> = range
                .clone()
                .step_by(ROWS_PER_BLOCK)
                .map(|s| s..(s + ROWS_PER_BLOCK).min(range.end))
                .collect();
            for wave in blocks.chunks(BLOCKS_PER_WAVE) {
                let texts = crate::parallel::map_in_order(wave, |block| {
                    // Rows average about 190 bytes on a web capture (timestamps, HTTP
                    // lines): room for them all, so the buffer is never moved.
                    let mut text = Vec::with_capacity(block.len() * 256);
                    let mut rows = 0u64;
                    let mut scratch = RowScratch::default();
                    for index in block.clone().filter(|&i| shown(i)) {
                        write_row(&mut text, &mut scratch, trace, http, names, index)?;
                        rows += 1;
                    }
                    Ok::<_, std::io::Error>((text, rows))
                });
                for text in texts {
                    let (text, rows) = text?;
                    out.write_all(&text)?;
                    count += rows;
                }
            }
        } else {
            let mut values: Vec<Value<'_>> = Vec::new();
            let mut texts: Vec<String> = Vec::new();
            let mut line = String::new();
            for index in range.filter(|&i| shown(i)) {
                let view = PacketView::with_http(trace, http, index);
                line.clear();
                for (i, def) in defs.iter().enumerate() {
                    if i > 0 {
                        line.push_str(&format.separator);
                    }
                    values.clear();
                    view.values(def.id, &mut values);
                    texts.clear();
                    texts.extend(
                        values
                            .iter()
                            .map(|v| crate::text::sanitize_cell(&v.tshark()).into_owned()),
                    );
                    format.cell(&texts, &mut line);
                }
                writeln!(out, "{line}")?;
                count += 1;
            }
        }
        Ok(count)
    }
}

/// Packets formatted together by one thread.
const ROWS_PER_BLOCK: usize = 8192;
/// Blocks formatted before their text is written out.
const BLOCKS_PER_WAVE: usize = 8;

/// What [`write_row`] reuses from one row to the next.
#[derive(Default)]
struct RowScratch {
    row: columns::Row,
    digits: String,
}

/// One packet's row of the default columns.
fn write_row(
    out: &mut impl Write,
    scratch: &mut RowScratch,
    trace: &crate::trace::Trace,
    http: Option<&crate::http::HttpIndex>,
    names: Option<&NameMap>,
    index: usize,
) -> std::io::Result<()> {
    let view = PacketView::with_http(trace, http, index);
    let RowScratch { row: r, digits } = scratch;
    columns::row_into(&view, r);
    let at = index as u32;
    fn name<'t>(t: &'t str, names: Option<&NameMap>, at: u32) -> std::borrow::Cow<'t, str> {
        match names {
            Some(_) => std::borrow::Cow::Owned(super::journey::named_text(t, names, at)),
            None => std::borrow::Cow::Borrowed(t),
        }
    }
    // Padding by hand costs less than the formatter's, per row of millions.
    digits.clear();
    crate::text::push_decimal(digits, r.number);
    padded(out, digits, 6, true)?;
    out.write_all(b" ")?;
    padded(out, &r.time, 12, true)?;
    out.write_all(b" ")?;
    padded(out, &sanitize(&name(&r.source, names, at)), 22, true)?;
    out.write_all(" \u{2192} ".as_bytes())?;
    padded(out, &sanitize(&name(&r.destination, names, at)), 22, false)?;
    out.write_all(b" ")?;
    padded(out, &r.protocol, 6, false)?;
    out.write_all(b" ")?;
    digits.clear();
    crate::text::push_decimal(digits, u64::from(r.length));
    padded(out, digits, 6, true)?;
    out.write_all(b" ")?;
    out.write_all(sanitize(&r.info).as_bytes())?;
    out.write_all(b"\n")
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
