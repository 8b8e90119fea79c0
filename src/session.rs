//! An opened capture and what is computed from it on demand: the one place
//! that the headless commands and the TUI share for every product beyond the
//! plain [`Trace`] (the HTTP index, how each connection ended, followed
//! streams, ladders, filter results).
//!
//! Products that cover the whole trace are built once, on first use, and kept
//! ([`Session::http`], [`Session::endings`]); each has a non-blocking
//! `*_if_ready` twin for a UI that builds them in the background. Per-stream
//! products (follow, ladder) are computed per call, in time proportional to
//! that stream. Nothing below `cli` and `ui` imports this module: each stage
//! takes exactly the data it needs.
//!
//! ```no_run
//! use wirelens::session::Session;
//! let session = Session::open(std::path::Path::new("sample-captures/textbook-visit.pcap"))?;
//! println!("{} HTTP transactions", session.http().transactions.len());
//! # Ok::<(), wirelens::capture::CaptureError>(())
//! ```

pub mod marks;

use crate::capture::CaptureError;
use crate::fields::PacketView;
use crate::filter::Filter;
use crate::flow::follow::{follow, FollowedStream};
use crate::flow::ladder::{ladder, Ladder};
use crate::flow::{life, Conversation};
use crate::http::HttpIndex;
use crate::journey::{Journey, NameMap};
use crate::stats::endpoints::Kind;
use crate::stats::io::{IoError, IoStat};
use crate::stats::Selection;
use crate::trace::Trace;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// Packets filtered between two looks at the cancel flag.
const CANCEL_CHECK_EVERY: usize = 4096;

/// A trace and its lazily built products. Cheap to share across threads
/// (`Arc<Session>`): the products are built at most once, by whichever thread
/// asks first.
pub struct Session {
    trace: Arc<Trace>,
    /// Secrets that replace the trace's own ([`Session::with_keys`]).
    keys: Option<crate::tls::KeyLog>,
    http: OnceLock<HttpIndex>,
    endings: OnceLock<Vec<String>>,
    names: OnceLock<NameMap>,
    /// The frames the user marked (`frame.marked`).
    marks: marks::Marks,
    /// The products shared with the other snapshots of a growing capture.
    live: Option<Arc<crate::live::LiveProducts>>,
}

impl std::ops::Deref for Session {
    type Target = Trace;

    /// The session's trace: its store, conversations and damage.
    fn deref(&self) -> &Trace {
        &self.trace
    }
}

impl From<Trace> for Session {
    fn from(trace: Trace) -> Session {
        Session::new(Arc::new(trace))
    }
}

impl Session {
    pub fn new(trace: Arc<Trace>) -> Session {
        Session {
            trace,
            keys: None,
            http: OnceLock::new(),
            endings: OnceLock::new(),
            names: OnceLock::new(),
            marks: marks::Marks::default(),
            live: None,
        }
    }

    /// This snapshot of a growing capture builds its HTTP index and filter
    /// results from `products`, which the snapshots before it filled:
    /// only what grew since is computed (see [`crate::live::incremental`]).
    pub fn with_live(mut self, products: Arc<crate::live::LiveProducts>) -> Session {
        self.live = Some(products);
        self
    }

    /// Opens and loads a capture file (`-` for standard input).
    pub fn open(path: &Path) -> Result<Session, CaptureError> {
        Trace::open(path).map(Session::from)
    }

    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// A new session of the same trace whose products use the secrets
    /// `keys` (the TUI's key log loaded after opening): nothing is loaded
    /// again, the products are built anew on first use.
    pub fn with_keys(&self, keys: crate::tls::KeyLog) -> Session {
        Session {
            keys: Some(keys),
            live: self.live.clone(),
            ..Session::new(Arc::clone(&self.trace))
        }
    }

    /// `next` (a later snapshot of the same growing capture, or the whole
    /// file after its preview: both number packets as this one does) with
    /// what the user set on this session: its marks, and the secrets of a
    /// key log loaded after opening ([`Session::with_keys`]), added to
    /// those `next` carries (a Decryption Secrets Block that arrived since).
    /// `next`'s products must not have been built yet (they would be of
    /// the other keys); a later snapshot's are not.
    pub fn hand_over(&self, next: Arc<Session>) -> Arc<Session> {
        let next = match (&self.keys, &next.keys) {
            (Some(mine), None) => {
                let mut keys = next.keys().clone();
                keys.merge(mine.clone());
                Arc::new(Session {
                    keys: Some(keys),
                    live: next.live.clone(),
                    ..Session::new(Arc::clone(&next.trace))
                })
            }
            _ => next,
        };
        next.marks.copy_from(&self.marks);
        next
    }

    /// The TLS secrets the products use: the trace's, or those of
    /// [`Session::with_keys`].
    pub fn keys(&self) -> &crate::tls::KeyLog {
        self.keys.as_ref().unwrap_or(&self.trace.keys)
    }

    /// The trace's HTTP transactions, parsed on the first call and kept.
    pub fn http(&self) -> &HttpIndex {
        self.http.get_or_init(|| {
            let (store, conversations) = (&self.trace.store, &self.trace.conversations);
            let index = match &self.live {
                Some(live) => live.http(store, conversations, self.keys()),
                None => HttpIndex::build(store, conversations, self.keys()),
            };
            for &hit in &index.limits {
                self.trace.limits.report(hit);
            }
            index
        })
    }

    /// The HTTP index if it has been built; never blocks.
    pub fn http_if_ready(&self) -> Option<&HttpIndex> {
        self.http.get()
    }

    /// How each conversation ended ([`life::Life::ending`]), indexed like
    /// [`crate::flow::Conversations::all`]; empty for UDP. Worked out in one
    /// pass over the store on the first call and kept.
    pub fn endings(&self) -> &[String] {
        self.endings.get_or_init(|| {
            life::lives(&self.trace.store, &self.trace.conversations)
                .into_iter()
                .map(|l| l.map(|l| l.ending()).unwrap_or_default())
                .collect()
        })
    }

    /// The endings if they have been worked out; never blocks.
    pub fn endings_if_ready(&self) -> Option<&[String]> {
        self.endings.get().map(Vec::as_slice)
    }

    /// The address → name map from the capture's own DNS answers, read on
    /// the first call and kept.
    pub fn names(&self) -> &NameMap {
        self.names.get_or_init(|| {
            let names = NameMap::build(&self.trace.store, &self.trace.conversations);
            if let Some(hit) = names.limit_hit() {
                self.trace.limits.report(hit);
            }
            names
        })
    }

    /// The name map if it has been read; never blocks.
    pub fn names_if_ready(&self) -> Option<&NameMap> {
        self.names.get()
    }

    /// The journey of every HTTP transaction (and of every TLS connection
    /// without one), building the HTTP index and the name map if needed.
    pub fn journeys(&self) -> Vec<Journey> {
        crate::journey::journeys(&self.trace, self.http(), self.names())
    }

    /// Packet `index` (0-based), with HTTP fields if the index is ready.
    pub fn packet(&self, index: usize) -> PacketView<'_> {
        PacketView::with_http(&self.trace, self.http_if_ready(), index)
    }

    /// Packet `index` (0-based) with HTTP fields, building the index if needed.
    pub fn packet_with_http(&self, index: usize) -> PacketView<'_> {
        PacketView::with_http(&self.trace, Some(self.http()), index)
    }

    /// The frames the user marked; `frame.marked` reads them.
    pub fn marks(&self) -> &marks::Marks {
        &self.marks
    }

    /// The 0-based indices of the packets that pass `filter` (building the
    /// HTTP index first when the filter reads HTTP fields), or `None` when
    /// `cancel` was raised meanwhile. `frame.marked` is true for the frames
    /// marked when the call starts.
    pub fn select(&self, filter: &Filter, cancel: &AtomicBool) -> Option<Vec<u32>> {
        let http = filter.needs_http().then(|| self.http());
        let marked = self.marks.snapshot();
        if let Some(live) = &self.live {
            return live.select(
                filter.text(),
                &marked,
                self.keys().len(),
                crate::live::incremental::packet_local(filter),
                &self.trace.store,
                &self.trace.conversations,
                |i| filter.matches_marked(&self.trace, http, i, marked.contains(i)),
                || cancel.load(Ordering::Relaxed),
            );
        }
        let mut out = Vec::new();
        for index in 0..self.trace.store.len() {
            if index % CANCEL_CHECK_EVERY == 0 && cancel.load(Ordering::Relaxed) {
                return None;
            }
            if filter.matches_marked(&self.trace, http, index, marked.contains(index)) {
                out.push(index as u32);
            }
        }
        Some(out)
    }

    /// The protocol hierarchy of every packet (`-z io,phs`), building the
    /// HTTP index if needed; a live snapshot's counts only what grew.
    pub fn hierarchy(&self) -> crate::stats::hierarchy::Hierarchy {
        let http = self.http();
        match &self.live {
            Some(live) => live.hierarchy(&self.trace, http, self.keys().len()),
            None => crate::stats::hierarchy::compute(&self.trace, http, &Selection::All),
        }
    }

    /// The endpoints of `kind` over every packet (`-z endpoints,TYPE`); a
    /// live snapshot's counts only its new packets.
    pub fn endpoints(&self, kind: Kind) -> crate::stats::endpoints::Endpoints {
        match &self.live {
            Some(live) => live.endpoints(&self.trace, kind),
            None => crate::stats::endpoints::compute(&self.trace, &Selection::All, kind),
        }
    }

    /// The conversations of `kind` over every packet (`-z conv,TYPE`); a
    /// live snapshot's counts only its new packets.
    pub fn layer_conversations(&self, kind: Kind) -> crate::stats::conversations::Conversations {
        match &self.live {
            Some(live) => live.conversations(&self.trace, kind),
            None => crate::stats::conversations::compute(&self.trace, &Selection::All, kind),
        }
    }

    /// The DNS tree of every packet (`-z dns,tree`); a live snapshot's
    /// counts only its new packets.
    pub fn dns_tree(&self) -> crate::stats::tree::Tree {
        match &self.live {
            Some(live) => live.dns_tree(&self.trace),
            None => crate::stats::dns::compute(&self.trace, &Selection::All),
        }
    }

    /// The I/O graph of every frame (one series: frames and bytes) in the
    /// interval of the 1-2-5 series that splits the capture's duration into
    /// at most `buckets`; a live snapshot's counts only its new frames.
    pub fn io_graph(&self, buckets: u64) -> Result<IoStat, IoError> {
        match &self.live {
            Some(live) => live.io_graph(&self.trace, buckets),
            None => io_graph_of(&self.trace, buckets),
        }
    }

    /// The conversation at `index` in [`crate::flow::Conversations::all`].
    pub fn conversation(&self, index: u32) -> Option<&Conversation> {
        self.trace.conversations.get(index)
    }

    /// Both directions of a TCP conversation's bytes, in order of delivery.
    /// Bounds it reached are also kept in the trace's [`Trace::limits`].
    pub fn follow(&self, conversation: u32) -> Option<FollowedStream<'_>> {
        let f = follow(&self.trace.store, self.conversation(conversation)?);
        for &hit in &f.limits {
            self.trace.limits.report(hit);
        }
        Some(f)
    }

    /// The ladder diagram of a TCP conversation (`all`: no folded runs).
    pub fn ladder(&self, conversation: u32, all: bool) -> Option<Ladder> {
        self.conversation(conversation)
            .filter(|c| c.tcp.is_some())
            .map(|c| ladder(&self.trace.store, &self.trace.conversations, c, all))
    }
}

/// [`Session::io_graph`] of `trace`, counted whole.
pub(crate) fn io_graph_of(trace: &Trace, buckets: u64) -> Result<IoStat, IoError> {
    use crate::stats::{io, scale};
    let duration_us = (0..trace.store.len())
        .filter_map(|i| trace.store.relative_ns(i))
        .map(scale::ns_to_us)
        .max()
        .unwrap_or(0);
    let interval = scale::fitting_interval(duration_us, buckets);
    io::compute(
        trace,
        None,
        &Selection::All,
        interval,
        vec![io::Series::parse("")?],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn textbook() -> Session {
        Session::open(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/sample-captures/textbook-visit.pcap"
        )))
        .expect("the bundled sample opens")
    }

    #[test]
    fn products_are_built_once_and_only_when_asked() {
        let s = textbook();
        assert!(s.http_if_ready().is_none());
        assert!(s.endings_if_ready().is_none());
        assert!(s.packet(0).http.is_none());
        let n = s.http().transactions.len();
        assert!(n > 0);
        assert!(std::ptr::eq(s.http(), s.http_if_ready().expect("built")));
        assert!(s.packet(0).http.is_some());
        assert_eq!(s.endings().len(), s.conversations.all().len());
        assert!(s.endings_if_ready().is_some());
    }

    #[test]
    fn a_session_with_keys_decrypts_what_the_trace_alone_cannot() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-captures");
        let s = Session::open(Path::new(&format!("{dir}/tls12-gcm-h1.pcap"))).expect("sample");
        assert!(s.http().transactions.is_empty());
        let mut keys = s.keys().clone();
        let text = std::fs::read_to_string(format!("{dir}/tls12-gcm-h1.keys")).expect("keys");
        assert!(keys.add_text(&text).is_empty());
        let keyed = s.with_keys(keys);
        assert!(std::ptr::eq(keyed.trace(), s.trace()));
        assert_eq!(keyed.http().transactions.len(), 2);
        assert!(s.http().transactions.is_empty());
    }

    #[test]
    fn select_builds_http_only_for_http_filters_and_stops_when_cancelled() {
        let s = textbook();
        let go = AtomicBool::new(false);
        let syn = Filter::compile("tcp.flags.syn == 1").expect("compiles");
        assert!(!s.select(&syn, &go).expect("not cancelled").is_empty());
        assert!(s.http_if_ready().is_none());
        let get = Filter::compile("http.request.method == \"GET\"").expect("compiles");
        let gets = s.select(&get, &go).expect("not cancelled");
        assert!(!gets.is_empty());
        assert!(s.http_if_ready().is_some());
        let stop = AtomicBool::new(true);
        assert_eq!(s.select(&get, &stop), None);
    }
}
