//! A TLS key log loaded after opening (`K`): a prompt for its path, then a
//! job that reads it, makes a session of the same trace with the added
//! secrets and builds its HTTP index (decryption, HTTPS, HTTP/2), after which
//! the views show the decrypted session.

use super::*;
use crate::session::Session;
use crate::text::sanitize;
use crate::ui::jobs::{JobKind, Output};
use crate::ui::prompt::PromptKind;

impl App {
    pub(super) fn open_key_log_prompt(&mut self) {
        if self.cx.trace.is_none() {
            self.status = "a key log can be loaded once the capture is open".into();
            return;
        }
        self.prompt = Some(Prompt::new(PromptKind::KeyLog, String::new()));
    }

    /// Reads the key log of `prompt` in a job (the prompt comes back with
    /// its error if the file cannot be read).
    pub(super) fn load_key_log(&mut self, prompt: Prompt) {
        let Some(session) = self.cx.trace.clone() else {
            return;
        };
        if self.cx.loading {
            self.status = "a key log can be loaded once the capture is loaded".into();
            return;
        }
        self.status = format!("reading the key log {} …", sanitize(&prompt.input));
        self.cx.jobs.start(JobKind::KeyLog, move |_| {
            let path = std::path::Path::new(&prompt.input);
            let text = match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(e) => {
                    return Some(Output::KeyLog(Err(Prompt {
                        error: Some(sanitize(&e.to_string()).into_owned()),
                        ..prompt
                    })))
                }
            };
            let mut keys = session.keys().clone();
            let before = keys.len();
            let warnings = keys.add_text(&text);
            let added = keys.len() - before;
            let keyed = Session::with_keys(&session, keys);
            let http = keyed.http();
            let decrypted = http.tls.connections.iter().filter(|c| c.keys_found).count();
            let mut message = format!(
                "key log {}: {added} new secrets, {decrypted} of {} TLS connections decrypted",
                sanitize(&prompt.input),
                http.tls.connections.len()
            );
            if let Some(w) = warnings.first() {
                message.push_str(&format!(
                    "; {} malformed lines (first: line {}: {})",
                    warnings.len(),
                    w.line,
                    sanitize(&w.problem)
                ));
            }
            Some(Output::KeyLog(Ok((Arc::new(keyed), message))))
        });
    }

    /// Shows the session that decrypts with the loaded key log: the views
    /// open on the trace are built again from it.
    pub(super) fn key_log_loaded(&mut self, session: Arc<Session>, message: String) {
        // A live capture grew while the key log was read: its secrets go
        // to the snapshot shown now.
        let session = match &self.cx.trace {
            Some(now) if now.store.len() > session.store.len() => {
                let mut keys = now.keys().clone();
                keys.merge(session.keys().clone());
                Arc::new(now.with_keys(keys))
            }
            _ => session,
        };
        self.install_trace(session);
        self.status = message;
    }
}
