//! Applying a display filter to the packet list: at once for small captures,
//! in a worker thread for big ones.

use super::*;

impl App {
    /// Applies the display filter `text` (empty clears it); keeps the
    /// selection when it still shows, else selects the nearest match.
    pub(super) fn apply_filter(&mut self, text: &str) -> Result<(), crate::filter::FilterError> {
        let compiled = filter_bar::compile(text)?;
        filter_bar::remember(&mut self.filter_history, text);
        // A newer filter wins over one still running in the background.
        self.filter_job = None;
        let Some(trace) = self.trace.as_deref() else {
            return Ok(());
        };
        match compiled {
            None => {
                self.filter = None;
                self.status = "filter cleared".into();
            }
            Some(f) if trace.store.len() <= self.foreground_filter_packets => {
                let active = ActiveFilter::new(trace, f);
                self.install_filter(active);
            }
            Some(f) => {
                // Big captures are filtered by a worker thread; keys keep
                // working and the list switches when the result arrives.
                let (tx, rx) = std::sync::mpsc::channel();
                let shared = self.trace.clone();
                std::thread::spawn(move || {
                    if let Some(trace) = shared {
                        let _ = tx.send(ActiveFilter::new(&trace, f));
                    }
                });
                self.filter_job = Some(rx);
                self.status = format!("filtering {} packets …", trace.store.len());
            }
        }
        self.offset = 0;
        Ok(())
    }

    /// Takes the result of a background filter when it is ready; the event
    /// loop calls this before every draw.
    pub fn poll_jobs(&mut self) {
        let Some(job) = &self.filter_job else {
            return;
        };
        match job.try_recv() {
            Ok(active) => {
                self.filter_job = None;
                self.install_filter(active);
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.filter_job = None;
                self.status = "filtering stopped".into();
            }
        }
    }

    /// Shows only the packets of `active`, keeping the selection when it
    /// still shows, else selecting the nearest match.
    pub(super) fn install_filter(&mut self, active: ActiveFilter) {
        self.status = format!(
            "{} of {} packets match",
            active.matches.len(),
            self.packet_count()
        );
        self.filter = Some(active);
        let pos = self.selected_pos();
        if let Some(packet) = self.list_packet(pos) {
            self.select_packet(packet);
        }
        self.offset = 0;
    }
}
