//! Every conversation's packets as one array each, made by one pass over
//! the store in capture order. A conversation's own chain
//! (`PacketEntry::next_in_conversation`) jumps across the store, each step
//! waiting for the entry before it; with the list, a reader that walks
//! connection after connection (the HTTP index) knows every packet of a
//! connection up front and can fetch ahead. Four bytes per packet, held
//! while that reader runs.

use crate::store::{PacketStore, NONE};

/// The packets of each conversation, in capture order.
#[derive(Debug, Default)]
pub struct PacketLists {
    /// Where conversation `i`'s packets start in `packets` (`starts[i + 1]`
    /// is where they end).
    starts: Vec<u32>,
    packets: Vec<u32>,
}

impl PacketLists {
    /// The lists of the store's `conversations` conversations (entries of
    /// other conversations, or none, are left out).
    pub fn build(store: &PacketStore, conversations: usize) -> PacketLists {
        let entries = store.entries();
        let mut starts = vec![0u32; conversations + 1];
        for e in entries {
            if e.conversation != NONE && (e.conversation as usize) < conversations {
                starts[e.conversation as usize + 1] += 1;
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut packets = vec![0u32; starts[conversations] as usize];
        for (i, e) in entries.iter().enumerate() {
            if let Some(at) = next.get_mut(e.conversation as usize) {
                if (e.conversation as usize) < conversations {
                    packets[*at as usize] = i as u32;
                    *at += 1;
                }
            }
        }
        PacketLists { starts, packets }
    }

    /// Conversation `conversation`'s packets (empty for one not listed).
    pub fn of(&self, conversation: u32) -> &[u32] {
        let i = conversation as usize;
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.packets[a as usize..b as usize],
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each list is the conversation's own chain.
    #[test]
    fn lists_follow_the_chains() {
        let dir = format!("{}/sample-captures", env!("CARGO_MANIFEST_DIR"));
        for name in [
            "textbook-visit.pcap",
            "keepalive-3-requests.pcap",
            "dns-over-tcp.pcap",
            "tls13-h2.pcap",
        ] {
            let trace = crate::trace::Trace::open(std::path::Path::new(&format!("{dir}/{name}")))
                .expect("sample");
            let convs = trace.conversations.all();
            let lists = PacketLists::build(&trace.store, convs.len());
            for (ci, c) in convs.iter().enumerate() {
                let chain: Vec<u32> = c.packets(&trace.store).map(|i| i as u32).collect();
                assert_eq!(lists.of(ci as u32), chain.as_slice(), "{name} {ci}");
            }
            assert!(lists.of(convs.len() as u32).is_empty());
        }
    }
}
