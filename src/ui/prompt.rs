//! The one-line prompt at the bottom of the screen (export file name, follow
//! search, display filter) and the export actions behind it, which the app runs
//! as jobs (`app/prompting.rs`). Exports use the same library
//! rules as `wirelens export`: names reduced by `http::export::sanitize_name`,
//! files created by `write_item` inside the prepared directory only, never
//! over an existing file.

use crate::filter::FilterError;
use crate::flow::follow::follow;
use crate::flow::reassembly::Piece;
use crate::http::export::{plan_each, prepare_dir, sanitize_name, write_item, ExportError};
use crate::http::export::{ExportItem, ExportOptions};
use crate::session::Session;
use crate::text::sanitize;
use std::path::Path;

/// What the prompt's input is for.
#[derive(Debug, Clone)]
pub enum PromptKind {
    /// A file name for this item (its `name` is the suggestion).
    Export(Box<ExportItem<'static>>),
    /// A search in the Follow view.
    Search,
    /// A display filter for the packet list.
    Filter,
    /// The path of a TLS key log to decrypt with.
    KeyLog,
    /// A directory for every body the network tab lists (these
    /// transactions).
    ExportAll(std::sync::Arc<Vec<u32>>),
    /// Find packet (Ctrl-F) with what it looks for.
    Find(crate::ui::find::FindMode),
    /// Go to packet (Ctrl-G): a frame number.
    GoTo,
    /// Save packets (`w`): a capture file name.
    Save(Box<crate::ui::save::SaveTarget>),
    /// A field whose column to add (`+`), or a hidden column to show.
    AddColumn,
    /// A column to hide (`-`).
    HideColumn,
}

/// An open prompt.
#[derive(Debug, Clone)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: String,
    /// Why the last Enter did not succeed.
    pub error: Option<String>,
    /// The filter typed so far does not compile: why and where.
    pub filter_error: Option<FilterError>,
    /// Position in the filter history while walking it with Up/Down.
    pub history: Option<usize>,
    /// The cursor in `input` (characters); see [`crate::ui::line_edit`].
    pub cursor: usize,
    /// The whole input is selected: typing replaces it.
    pub selected: bool,
    /// The Tab completion dropdown, when open.
    pub completion: Option<crate::ui::completion::Completion>,
    /// The filter compiles but uses something Wireshark 4.0 deprecates
    /// ([`crate::filter::deprecated`]): drawn yellow, with the warning.
    pub filter_warning: Option<&'static str>,
}

impl Prompt {
    pub fn new(kind: PromptKind, input: String) -> Prompt {
        Prompt {
            kind,
            cursor: input.chars().count(),
            input,
            error: None,
            filter_error: None,
            filter_warning: None,
            history: None,
            selected: false,
            completion: None,
        }
    }

    /// A prompt whose `input` is all selected, so typing replaces it.
    pub fn selected(kind: PromptKind, input: String) -> Prompt {
        Prompt {
            selected: !input.is_empty(),
            ..Prompt::new(kind, input)
        }
    }

    /// The label before the input.
    pub fn label(&self) -> &'static str {
        use crate::ui::find::FindMode as F;
        match self.kind {
            PromptKind::Export(_) => "Export as (in the current directory): ",
            PromptKind::Search => "Search: ",
            PromptKind::Filter => "Filter: ",
            PromptKind::KeyLog => "TLS key log file: ",
            PromptKind::ExportAll(_) => "Export every listed body into the directory: ",
            PromptKind::Find(F::DisplayFilter) => "Find [display filter] (Tab: type): ",
            PromptKind::Find(F::HexBytes) => "Find [hex value] (Tab: type): ",
            PromptKind::Find(F::StringInBytes) => "Find [string in packet bytes] (Tab: type): ",
            PromptKind::Find(F::StringInDetails) => "Find [string in packet details] (Tab: type): ",
            PromptKind::Find(F::StringInList) => "Find [string in packet list] (Tab: type): ",
            PromptKind::GoTo => "Go to packet: ",
            PromptKind::Save(ref t) => t.scope.label(),
            PromptKind::AddColumn => "Add column (a field; Tab completes): ",
            PromptKind::HideColumn => "Hide column: ",
        }
    }

    /// Whether the input is a display filter (its background shows whether it compiles).
    /// Compiles a display filter's input again: its error, or its warning.
    pub fn recheck(&mut self) {
        if !matches!(self.kind, PromptKind::Filter) {
            return;
        }
        self.filter_error = super::filter_bar::compile(&self.input).err();
        self.filter_warning = match self.filter_error {
            None => crate::filter::deprecated::warnings(&self.input)
                .first()
                .copied(),
            Some(_) => None,
        };
    }

    pub fn is_filter(&self) -> bool {
        matches!(
            self.kind,
            PromptKind::Filter | PromptKind::Find(crate::ui::find::FindMode::DisplayFilter)
        )
    }

    /// Applies an editing key to the input; see [`crate::ui::line_edit`].
    pub fn edit(&mut self, key: &crossterm::event::KeyEvent) -> crate::ui::line_edit::Edit {
        self.with_line(|l| l.key(key))
    }

    /// Inserts pasted text at the cursor.
    pub fn paste(&mut self, text: &str) -> crate::ui::line_edit::Edit {
        self.with_line(|l| l.insert(text))
    }

    /// Replaces the input, the cursor at its end.
    pub fn set_input(&mut self, text: String) {
        self.cursor = text.chars().count();
        self.input = text;
        self.selected = false;
    }

    fn with_line<T>(&mut self, f: impl FnOnce(&mut crate::ui::line_edit::LineEdit) -> T) -> T {
        let len = self.input.chars().count();
        let mut line = crate::ui::line_edit::LineEdit {
            text: std::mem::take(&mut self.input),
            cursor: self.cursor.min(len),
            selected: self.selected,
        };
        let out = f(&mut line);
        self.input = line.text;
        self.cursor = line.cursor;
        self.selected = line.selected;
        out
    }
}

/// The body of transaction `index` of the trace's HTTP index as `plan` names
/// it: the response's body, or the request's when the response has none.
/// Partial bodies are included (flagged in the item).
pub fn http_item(trace: &Session, index: Option<usize>) -> Option<ExportItem<'_>> {
    let http = trace.http();
    let t = http.transactions.get(index?)?;
    let msg = [t.response.as_ref(), t.request.as_ref()]
        .into_iter()
        .flatten()
        .find(|m| !m.body().is_empty())?;
    let wanted = Some((index? as u32, msg.is_request()));
    let opts = ExportOptions {
        stream: Some(t.stream),
        all: true,
        ..ExportOptions::default()
    };
    // Stop at the body wanted: the bodies after it are never decoded.
    let found = plan_each(&trace.store, &trace.conversations, http, &opts, |item| {
        if item.message == wanted {
            Err(item)
        } else {
            Ok(())
        }
    });
    found.err()
}

/// The raw bytes of a TCP conversation, both directions concatenated in the
/// order they were delivered (gaps left out, and counted in the note).
pub fn stream_item(trace: &Session, conversation: u32) -> Option<ExportItem<'static>> {
    let conv = trace.conversations.get(conversation)?;
    let followed = follow(&trace.store, conv);
    let mut data = Vec::new();
    let mut missing = 0u64;
    for c in &followed.chunks {
        match c.piece {
            Piece::Data { bytes, .. } => data.extend_from_slice(bytes),
            Piece::Gap { len, .. } => missing += len,
        }
    }
    Some(ExportItem {
        name: format!("stream-{}.bin", conv.stream),
        data: data.into(),
        frame: u64::from(conv.last_packet) + 1,
        stream: conv.stream,
        partial: missing > 0,
        note: (missing > 0).then(|| format!("{missing} bytes missing in the capture")),
        message: None,
    })
}

/// Writes `item` as `name` into `dir`. Returns the status message, or why
/// nothing was written.
pub fn write(dir: &Path, name: &str, item: &ExportItem) -> Result<String, String> {
    let Some(safe) = sanitize_name(name) else {
        return Err(format!("\"{}\" is not a usable file name", sanitize(name)));
    };
    let dir = prepare_dir(dir).map_err(|e| error_text(&e))?;
    let item = ExportItem {
        name: safe,
        ..item.clone()
    };
    let path = write_item(&dir, &item, false).map_err(|e| match e {
        ExportError::Exists { path } => format!(
            "{} exists: not overwritten (edit the name, or Esc)",
            sanitize(&path.display().to_string())
        ),
        e => error_text(&e),
    })?;
    let mut message = format!(
        "wrote {} bytes to {}",
        item.data.len(),
        sanitize(&path.display().to_string())
    );
    if item.partial {
        message.push_str(" (partial)");
    }
    if let Some(n) = &item.note {
        message.push_str(&format!(" ({})", sanitize(n)));
    }
    Ok(message)
}

/// An error with its causes, made safe to show.
fn error_text(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    sanitize(&s).into_owned()
}
