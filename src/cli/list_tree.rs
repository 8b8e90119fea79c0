//! `wirelens list -V` and `--json`: each shown packet's details tree, as
//! `tshark -V` and `tshark -T json` print them.

use crate::dissect::{self, Context};
use crate::fields::PacketView;
use crate::http::HttpIndex;
use crate::trace::Trace;
use std::io::Write;

/// Writes the tree of every packet `shown` accepts.
pub fn write(
    out: &mut impl Write,
    trace: &Trace,
    http: Option<&HttpIndex>,
    shown: &dyn Fn(usize) -> bool,
    json: bool,
) -> std::io::Result<()> {
    let mut prev_displayed = None;
    let mut text = String::new();
    let mut first = true;
    if json {
        writeln!(out, "[")?;
    }
    for index in (0..trace.store.len()).filter(|&i| shown(i)) {
        let view = PacketView::with_http(trace, http, index);
        let tree = dissect::tree(&view, Context { prev_displayed });
        prev_displayed = Some(index);
        text.clear();
        if json {
            if !first {
                text.push_str(",\n");
            }
            let date = trace
                .store
                .entry(index)
                .filter(|e| e.has_timestamp())
                .map(|e| {
                    let t = dissect::frame_time(e.ts_ns);
                    t.get(..10).unwrap_or("").to_string()
                })
                .unwrap_or_default();
            dissect::write_json(&tree, &date, &mut text);
        } else {
            dissect::write_verbose(&tree, &mut text);
            text.push('\n');
        }
        first = false;
        out.write_all(text.as_bytes())?;
    }
    if json {
        writeln!(out, "\n]")?;
    }
    Ok(())
}
