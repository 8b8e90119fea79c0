//! The products of a growing capture, appended to rather than computed
//! again from each snapshot: the HTTP index (with the TLS and HTTP/2
//! connections it holds) and display filter results.
//!
//! A connection's HTTP, TLS and HTTP/2 results depend only on its own
//! packets and the TLS keys ([`HttpIndex::connection_part`]), so
//! [`LiveProducts`] keeps one [`ConnectionPart`] per conversation and, at
//! each snapshot, reads again only the conversations that received packets
//! since the last one (and every one when new keys arrived, e.g. from a
//! Decryption Secrets Block); the index is then put together from the kept
//! parts. A filter's verdict on a packet depends on that packet, its
//! conversation and the conversation's HTTP part, so only the new packets
//! and those of the conversations that grew are evaluated again; the rest
//! of the displayed set is kept.
//!
//! The results are those of a load of the same bytes
//! (`tests/live_incremental.rs` compares them on every capture). A
//! snapshot older than the last one seen (the products went ahead) is
//! answered by a whole computation.

use crate::flow::{Conversation, Conversations};
use crate::http::{ConnectionPart, HttpIndex};
use crate::session::marks::MarkSet;
use crate::store::{PacketStore, NONE};
use crate::tls::KeyLog;
use std::collections::BTreeSet;
use std::sync::Mutex;

/// The incremental products of one growing capture, shared by the
/// sessions of its snapshots ([`crate::session::Session::with_live`]).
#[derive(Default)]
pub struct LiveProducts {
    http: Mutex<HttpParts>,
    /// The last filters applied, the most recent last.
    filters: Mutex<Vec<FilterCache>>,
}

/// Filters whose displayed sets are kept (the display filter, and a few
/// the user switches between).
pub const MAX_KEPT_FILTERS: usize = 4;

/// The kept part of each conversation, as of `packets` packets.
#[derive(Default)]
struct HttpParts {
    parts: Vec<ConnectionPart>,
    packets: usize,
    /// Keys the parts were read with (a key log only grows).
    keys: usize,
}

/// The displayed set of one filter, as of `packets` packets.
struct FilterCache {
    text: String,
    marked: MarkSet,
    packets: usize,
    conversations: usize,
    shown: Vec<u32>,
}

/// The conversations that received packets from `from` on, or that are
/// new since `known` conversations, ascending.
fn grown(
    store: &PacketStore,
    conversations: &Conversations,
    from: usize,
    known: usize,
) -> BTreeSet<u32> {
    let mut changed: BTreeSet<u32> = store
        .entries()
        .get(from..)
        .unwrap_or(&[])
        .iter()
        .map(|e| e.conversation)
        .filter(|&c| c != NONE)
        .collect();
    changed.extend(known as u32..conversations.all().len() as u32);
    changed
}

impl LiveProducts {
    pub fn new() -> LiveProducts {
        LiveProducts::default()
    }

    /// The HTTP index of a snapshot, reading again only the connections
    /// that grew since the previous call.
    pub fn http(
        &self,
        store: &PacketStore,
        conversations: &Conversations,
        keys: &KeyLog,
    ) -> HttpIndex {
        let Ok(mut kept) = self.http.lock() else {
            return HttpIndex::build(store, conversations, keys);
        };
        let convs = conversations.all();
        if store.len() < kept.packets || convs.len() < kept.parts.len() {
            // An older snapshot than the last one: computed on its own.
            return HttpIndex::build(store, conversations, keys);
        }
        let changed: Vec<u32> = if keys.len() != kept.keys {
            (0..convs.len() as u32).collect()
        } else {
            grown(store, conversations, kept.packets, kept.parts.len())
                .into_iter()
                .collect()
        };
        let read = crate::parallel::map_in_order(&changed, |&ci| {
            let mut raw = Default::default();
            convs.get(ci as usize).map(|conv: &Conversation| {
                HttpIndex::connection_part(store, conv, ci, keys, &mut raw)
            })
        });
        kept.parts.resize_with(convs.len(), ConnectionPart::default);
        for (&ci, part) in changed.iter().zip(read) {
            if let Some(part) = part {
                kept.parts[ci as usize] = part;
            }
        }
        kept.packets = store.len();
        kept.keys = keys.len();
        HttpIndex::from_parts(store, conversations, kept.parts.iter().cloned())
    }

    /// The packets of a snapshot that the filter `text` passes (`matches`
    /// evaluates it on one packet), `marked` being the marks; only the new
    /// packets and those of the conversations that grew are evaluated
    /// again. `None` when `cancelled` said so meanwhile.
    #[allow(clippy::too_many_arguments)]
    pub fn select(
        &self,
        text: &str,
        marked: &MarkSet,
        store: &PacketStore,
        conversations: &Conversations,
        matches: impl Fn(usize) -> bool,
        cancelled: impl Fn() -> bool,
    ) -> Option<Vec<u32>> {
        let Ok(mut kept) = self.filters.lock() else {
            return whole(store.len(), &matches, &cancelled);
        };
        let reusable = kept
            .iter()
            .position(|c| c.text == text)
            .map(|at| kept.remove(at))
            .filter(|c| {
                c.marked == *marked
                    && c.packets <= store.len()
                    && c.conversations <= conversations.all().len()
            });
        let shown = match &reusable {
            None => whole(store.len(), &matches, &cancelled)?,
            Some(c) => {
                let changed = grown(store, conversations, c.packets, c.conversations);
                let mut again: Vec<u32> = Vec::new();
                for &ci in &changed {
                    if let Some(conv) = conversations.get(ci) {
                        if (conv.first_packet as usize) < c.packets {
                            again.extend(
                                conv.packets(store)
                                    .take_while(|&i| i < c.packets)
                                    .map(|i| i as u32),
                            );
                        }
                    }
                }
                again.sort_unstable();
                let mut shown = Vec::with_capacity(c.shown.len() + 64);
                let mut recheck = again.iter().peekable();
                for &i in &c.shown {
                    // Packets evaluated again are left out here, added below.
                    while recheck.next_if(|&&r| r < i).is_some() {}
                    if recheck.peek() != Some(&&i) {
                        shown.push(i);
                    }
                }
                let mut fresh: Vec<u32> = Vec::new();
                for (n, &i) in again.iter().enumerate() {
                    if n % 4096 == 0 && cancelled() {
                        return None;
                    }
                    if matches(i as usize) {
                        fresh.push(i);
                    }
                }
                for i in c.packets..store.len() {
                    if (i - c.packets) % 4096 == 0 && cancelled() {
                        return None;
                    }
                    if matches(i) {
                        fresh.push(i as u32);
                    }
                }
                merge(shown, fresh)
            }
        };
        if kept.len() >= MAX_KEPT_FILTERS {
            kept.remove(0);
        }
        kept.push(FilterCache {
            text: text.to_string(),
            marked: marked.clone(),
            packets: store.len(),
            conversations: conversations.all().len(),
            shown: shown.clone(),
        });
        Some(shown)
    }
}

/// Every packet evaluated.
fn whole(
    len: usize,
    matches: &impl Fn(usize) -> bool,
    cancelled: &impl Fn() -> bool,
) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    for i in 0..len {
        if i % 4096 == 0 && cancelled() {
            return None;
        }
        if matches(i) {
            out.push(i as u32);
        }
    }
    Some(out)
}

/// Two ascending lists of distinct packets as one.
fn merge(a: Vec<u32>, b: Vec<u32>) -> Vec<u32> {
    if a.last().is_none_or(|&l| b.first().is_none_or(|&f| l < f)) {
        let mut a = a;
        a.extend(b);
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut x, mut y) = (a.iter().peekable(), b.iter().peekable());
    loop {
        match (x.peek(), y.peek()) {
            (Some(&&p), Some(&&q)) if p < q => {
                out.push(p);
                x.next();
            }
            (Some(_), Some(&&q)) => {
                out.push(q);
                y.next();
            }
            (Some(&&p), None) => {
                out.push(p);
                x.next();
            }
            (None, Some(&&q)) => {
                out.push(q);
                y.next();
            }
            (None, None) => return out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_lists_stay_ascending() {
        assert_eq!(merge(vec![1, 4, 9], vec![2, 10]), vec![1, 2, 4, 9, 10]);
        assert_eq!(merge(vec![1, 2], vec![3]), vec![1, 2, 3]);
        assert_eq!(merge(vec![], vec![3]), vec![3]);
        assert_eq!(merge(vec![5], vec![]), vec![5]);
    }
}
