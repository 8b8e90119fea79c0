//! Marked frames (Wireshark's Ctrl-M): a set of packet indices the user
//! picked, shared by the TUI and the display filter (`frame.marked == 1`).
//! The set lives in the [`super::Session`] behind a lock, so the UI thread
//! toggles marks while a filter job reads a [`MarkSet`] snapshot taken when
//! it started; a filter never sees a half-made change.

use std::sync::{Arc, RwLock};

/// A snapshot of the marked packets: one bit per packet index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarkSet {
    words: Vec<u64>,
    count: usize,
}

impl MarkSet {
    /// Whether packet `index` (0-based) is marked.
    pub fn contains(&self, index: usize) -> bool {
        self.words
            .get(index / 64)
            .is_some_and(|w| w & (1 << (index % 64)) != 0)
    }

    /// How many packets are marked.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The marked packets, ascending.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &bits)| {
            (0..64)
                .filter(move |b| bits & (1 << b) != 0)
                .map(move |b| w * 64 + b)
        })
    }

    /// Sets or clears the mark of `index`.
    fn set(&mut self, index: usize, on: bool) {
        let word = index / 64;
        if word >= self.words.len() {
            if !on {
                return;
            }
            self.words.resize(word + 1, 0);
        }
        let bit = 1u64 << (index % 64);
        let was = self.words[word] & bit != 0;
        if was != on {
            self.words[word] ^= bit;
            if on {
                self.count += 1;
            } else {
                self.count -= 1;
            }
        }
    }
}

/// The marks of a session: changed from the UI thread, read by jobs.
#[derive(Debug, Default)]
pub struct Marks {
    set: RwLock<Arc<MarkSet>>,
}

impl Marks {
    /// The marks as they are now (cheap: shared until the next change).
    pub fn snapshot(&self) -> Arc<MarkSet> {
        match self.set.read() {
            Ok(s) => Arc::clone(&s),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn change(&self, f: impl FnOnce(&mut MarkSet)) {
        let mut guard = match self.set.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(Arc::make_mut(&mut guard));
    }

    /// Marks `index` if it is not, unmarks it if it is; returns whether it is now marked.
    pub fn toggle(&self, index: usize) -> bool {
        let mut now = false;
        self.change(|s| {
            now = !s.contains(index);
            s.set(index, now);
        });
        now
    }

    /// Unmarks every packet.
    pub fn clear(&self) {
        self.change(|s| *s = MarkSet::default());
    }

    /// Takes the marks of `other` (the whole file replacing its preview:
    /// both number packets the same way).
    pub fn copy_from(&self, other: &Marks) {
        let theirs = other.snapshot();
        self.change(|s| *s = (*theirs).clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toggle_counts_and_lists_marks_and_snapshots_stay() {
        let m = Marks::default();
        assert!(m.toggle(3));
        assert!(m.toggle(200));
        let before = m.snapshot();
        assert!(!m.toggle(3));
        assert_eq!(before.iter().collect::<Vec<_>>(), vec![3, 200]);
        let now = m.snapshot();
        assert_eq!(now.iter().collect::<Vec<_>>(), vec![200]);
        assert_eq!(now.len(), 1);
        assert!(now.contains(200) && !now.contains(3) && !now.contains(100_000));
        let other = Marks::default();
        other.copy_from(&m);
        assert_eq!(other.snapshot().len(), 1);
        m.clear();
        assert!(m.snapshot().is_empty());
        assert_eq!(other.snapshot().len(), 1);
    }
}
