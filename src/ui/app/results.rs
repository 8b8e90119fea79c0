//! The jobs' reports: progress is shown, a stale report is dropped, a result
//! goes to the pane that asked for it.

use super::*;
use crate::ui::jobs::{JobEvent, JobKind, Output, Update};
use crate::ui::prompt::PromptKind;

impl App {
    /// Handles a job's report; returns whether the screen changed.
    pub fn on_job(&mut self, ev: JobEvent) -> bool {
        if !self.cx.jobs.accept(&ev) {
            return false;
        }
        match ev.update {
            Update::Progress(..) => true,
            Update::Cancelled => false,
            Update::Failed(message) => {
                self.status = format!(
                    "{} stopped on an internal error: {message}",
                    ev.kind.describe()
                );
                match ev.kind {
                    JobKind::Ladder | JobKind::LadderUnfold => self.ladder.failed(),
                    JobKind::Follow => self.follow.failed(),
                    JobKind::Http | JobKind::Body => self.http.failed(),
                    JobKind::Journeys => self.network.failed(),
                    _ => {}
                }
                true
            }
            Update::Done(output) => {
                self.on_output(*output);
                true
            }
        }
    }

    fn on_output(&mut self, output: Output) {
        match output {
            // The rows and the details gain their HTTP layer at the next prepare.
            Output::HttpIndex | Output::Names => {}
            Output::Endings => {}
            Output::Sparkline(bins) => self.sparkline = bins,
            Output::Layers(t) => self.conversations.layers.install(*t),
            Output::Order(sort, order) => {
                self.status = self.conversations.install(&self.cx, sort, order);
            }
            Output::Filter(active) => {
                self.status = self.packets.install_filter(&self.cx, active);
                self.network
                    .filter_by(&self.cx, self.packets.filter.as_ref());
            }
            Output::Follow(state) => self.follow.install(state),
            Output::Stats(part) => self.stats.install(*part),
            Output::Ladder(state) => self.ladder.install(state),
            Output::LadderUnfold(conversation, rows) => {
                self.ladder.unfolded(&self.cx, conversation, rows)
            }
            Output::Http(state, session) => {
                if state.transactions.is_empty() {
                    self.status = format!("no HTTP in TCP stream {}", state.stream);
                }
                self.http.install(&self.cx, state, session);
            }
            Output::Body(transaction, lines) => self.http.body(transaction, lines),
            Output::ExportPrepare(Ok(item)) => {
                let name = item.name.clone();
                self.prompt = Some(Prompt::new(PromptKind::Export(Box::new(item)), name));
            }
            Output::ExportPrepare(Err(message)) => self.status = message,
            Output::Export(Ok(message)) => self.status = message,
            // Kept open with its error, so the name can be changed.
            Output::Export(Err(prompt)) => self.prompt = Some(prompt),
            Output::KeyLog(Ok((session, message))) => self.key_log_loaded(session, message),
            Output::KeyLog(Err(prompt)) => self.prompt = Some(prompt),
            Output::Find(found, what) => self.found(found, what),
            Output::Save(Ok(message)) => self.status = message,
            Output::Save(Err(prompt)) => self.prompt = Some(prompt),
            Output::Journeys(rows, session) => {
                self.network.install(rows, session);
                self.network
                    .filter_by(&self.cx, self.packets.filter.as_ref());
            }
        }
    }
}
