//! `E` in the network tab: every body the tab lists (its filter and order
//! applied) written into one directory, as Wireshark's File → Export Objects
//! → HTTP → Save All. Each transaction gives the body `e` would export (the
//! response's, else the request's), partial bodies included; names come from
//! the same planner as `wirelens export` (sanitised, made unique), files are
//! created inside the chosen directory only, never over an existing file.

use crate::http::export::{plan_each, prepare_dir, sanitize_name, write_item, ExportOptions};
use crate::session::Session;
use crate::text::sanitize;
use std::collections::HashMap;
use std::path::Path;

/// The directory the prompt suggests, inside the export directory.
pub const DEFAULT_DIR: &str = "http-objects";

/// Writes the bodies of `transactions` (indices in the session's HTTP
/// index) into `dir`/`name`. Returns the status message, or why nothing was
/// written.
pub fn write_all(
    dir: &Path,
    name: &str,
    session: &Session,
    transactions: &[u32],
) -> Result<String, String> {
    let Some(safe) = sanitize_name(name) else {
        return Err(format!(
            "\"{}\" is not a usable directory name",
            sanitize(name)
        ));
    };
    let http = session.http();
    // Per transaction, which of its messages carries the body exported.
    let wanted: HashMap<u32, bool> = transactions
        .iter()
        .filter_map(|&i| {
            let t = http.transactions.get(i as usize)?;
            let m = [t.response.as_ref(), t.request.as_ref()]
                .into_iter()
                .flatten()
                .find(|m| !m.body().is_empty())?;
            Some((i, m.is_request()))
        })
        .collect();
    if wanted.is_empty() {
        return Err("no listed transaction has a body to export".into());
    }
    let out = prepare_dir(&dir.join(&safe)).map_err(|e| sanitize(&e.to_string()).into_owned())?;
    let opts = ExportOptions {
        all: true,
        ..ExportOptions::default()
    };
    let (mut written, mut bytes, mut partial) = (0u64, 0u64, 0u64);
    let mut failed: Vec<String> = Vec::new();
    let _ = plan_each::<()>(
        &session.store,
        &session.conversations,
        http,
        &opts,
        |item| {
            let Some((t, request)) = item.message else {
                return Ok(());
            };
            if wanted.get(&t) != Some(&request) {
                return Ok(());
            }
            match write_item(&out, &item, false) {
                Ok(_) => {
                    written += 1;
                    bytes += item.data.len() as u64;
                    partial += u64::from(item.partial);
                }
                Err(e) => failed.push(e.to_string()),
            }
            Ok(())
        },
    );
    let mut message = format!(
        "wrote {written} bodies ({bytes} bytes) to {}",
        sanitize(&out.display().to_string())
    );
    if partial > 0 {
        message.push_str(&format!(", {partial} partial"));
    }
    if let Some(first) = failed.first() {
        message.push_str(&format!(
            "; {} not written ({})",
            failed.len(),
            sanitize(first)
        ));
    }
    Ok(message)
}
