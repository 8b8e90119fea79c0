//! Protocol hierarchy (tshark `-z io,phs`, Wireshark's Statistics ▸ Protocol
//! Hierarchy): frames and frame bytes per protocol path, as a tree whose
//! children keep the order in which they were first seen.
//!
//! A frame's path is the chain of protocols tshark puts at the top of its
//! tree, the layers of [`crate::fields::path`] that the hierarchy counts
//! (the same path gives `frame.protocols`).

use super::{for_blocks, frame_len, Selection};
use crate::fields::path::{HttpView, Path};
use crate::http::HttpIndex;
use crate::trace::Trace;
use std::collections::HashSet;
use std::fmt::Write as _;

pub use crate::fields::path::media::{media_dissector, MAX_JSON_CHECK};

/// The deepest path kept; protocols past it are not counted (a frame with
/// dozens of pipelined messages would otherwise nest without bound; tshark
/// nests PostgreSQL messages 30 deep in malformed-pgsql-file-cut-short).
pub const MAX_DEPTH: usize = 64;

/// One protocol in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// tshark's filter name (`eth`, `ip`, `tcp.segments`, …).
    pub name: &'static str,
    pub frames: u64,
    pub bytes: u64,
    pub children: Vec<Node>,
}

/// The whole hierarchy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hierarchy {
    pub roots: Vec<Node>,
    /// Frames counted (the selection).
    pub frames: u64,
    pub bytes: u64,
    /// Frames whose path was longer than [`MAX_DEPTH`].
    pub too_deep: u64,
}

impl Hierarchy {
    fn add_path(&mut self, path: &[&'static str], frames: u64, bytes: u64) {
        let mut level = &mut self.roots;
        for &name in path {
            let i = match level.iter().position(|n| n.name == name) {
                Some(i) => i,
                None => {
                    level.push(Node {
                        name,
                        frames: 0,
                        bytes: 0,
                        children: Vec::new(),
                    });
                    level.len() - 1
                }
            };
            let node = &mut level[i];
            node.frames += frames;
            node.bytes += bytes;
            level = &mut node.children;
        }
    }

    fn merge(&mut self, other: Hierarchy) {
        // Counts are per node: add node to node, appending unseen ones in
        // order (blocks come in packet order, so first-seen order holds).
        fn merge_level(into: &mut Vec<Node>, from: Vec<Node>) {
            for n in from {
                match into.iter_mut().find(|m| m.name == n.name) {
                    Some(m) => {
                        m.frames += n.frames;
                        m.bytes += n.bytes;
                        merge_level(&mut m.children, n.children);
                    }
                    None => into.push(n),
                }
            }
        }
        merge_level(&mut self.roots, other.roots);
        self.frames += other.frames;
        self.bytes += other.bytes;
        self.too_deep += other.too_deep;
    }
}

/// Adds frame `i` (its path worked out into `path`) to `h`.
fn add_frame(trace: &Trace, http: &HttpView<'_>, i: usize, path: &mut Path, h: &mut Hierarchy) {
    crate::fields::path::frame(trace, http, i, path);
    let mut names = [""; MAX_DEPTH];
    let mut len = 0;
    let mut too_deep = path.cut;
    for name in path.hierarchy() {
        match names.get_mut(len) {
            Some(slot) => {
                *slot = name;
                len += 1;
            }
            None => too_deep = true,
        }
    }
    h.add_frames(&names[..len], too_deep, 1, frame_len(trace, i));
}

/// The protocol hierarchy of the selected packets.
pub fn compute(trace: &Trace, index: &HttpIndex, selection: &Selection) -> Hierarchy {
    let http = HttpView::all(trace, index, None);
    let parts = for_blocks(trace, selection, |block| {
        let mut h = Hierarchy::default();
        let mut path = Path::default();
        for i in block {
            add_frame(trace, &http, i, &mut path, &mut h);
        }
        h
    });
    let mut all = Hierarchy::default();
    for p in parts {
        all.merge(p);
    }
    all
}

/// Frames' paths one at a time, for a hierarchy kept as a capture grows
/// ([`crate::live::LiveProducts`]): a frame's path depends on the frame and
/// on its conversation's HTTP messages only.
pub struct Classifier<'h> {
    trace: &'h Trace,
    http: HttpView<'h>,
}

impl<'h> Classifier<'h> {
    /// Classifies frames of `trace` whose HTTP messages are in `index`;
    /// only the TCP frames of the conversations `only` (all: `None`) can be
    /// asked for.
    pub fn new(trace: &'h Trace, index: &'h HttpIndex, only: Option<&HashSet<u32>>) -> Self {
        Classifier {
            trace,
            http: HttpView::all(trace, index, only),
        }
    }

    /// Frame `i`'s path, and whether it was longer than [`MAX_DEPTH`].
    pub fn path(&self, i: usize) -> (Vec<&'static str>, bool) {
        let mut h = Hierarchy::default();
        let mut path = Path::default();
        add_frame(self.trace, &self.http, i, &mut path, &mut h);
        let mut names = Vec::new();
        let mut level = &h.roots;
        while let Some(n) = level.first() {
            names.push(n.name);
            level = &n.children;
        }
        (names, h.too_deep > 0)
    }
}

impl Hierarchy {
    /// Adds `frames` frames of `bytes` bytes along `path` (`too_deep`: the
    /// path was cut at [`MAX_DEPTH`]). Paths added in the order of their
    /// first frame give the tree [`compute`] gives.
    pub fn add_frames(&mut self, path: &[&'static str], too_deep: bool, frames: u64, bytes: u64) {
        self.frames += frames;
        self.bytes += bytes;
        if too_deep {
            self.too_deep += frames;
        }
        self.add_path(path, frames, bytes);
    }
}

/// tshark's text (`tshark -q -z io,phs`).
pub fn write_text(h: &Hierarchy, filter: Option<&str>, out: &mut String) {
    let rule = "=".repeat(67);
    let _ = writeln!(out, "\n{rule}");
    let _ = writeln!(out, "Protocol Hierarchy Statistics");
    let _ = writeln!(out, "Filter: {}\n", filter.unwrap_or(""));
    fn walk(nodes: &[Node], depth: usize, out: &mut String) {
        for n in nodes {
            // tshark indents two spaces a level up to 16 levels, then
            // writes "..." for the rest, and pads the line to 40 columns.
            let label = if depth > 16 {
                format!("{}...{}", " ".repeat(32), n.name)
            } else {
                format!("{}{}", " ".repeat(depth * 2), n.name)
            };
            let _ = writeln!(out, "{label:<40} frames:{} bytes:{}", n.frames, n.bytes);
            walk(&n.children, depth + 1, out);
        }
    }
    walk(&h.roots, 0, out);
    let _ = writeln!(out, "{rule}");
}

/// One JSON object per node, parents first, with its path.
pub fn write_json(h: &Hierarchy, out: &mut String) {
    fn walk(nodes: &[Node], path: &mut Vec<&'static str>, total: u64, out: &mut String) {
        for n in nodes {
            path.push(n.name);
            let v = serde_json::json!({
                "stat": "phs",
                "path": path.join(":"),
                "protocol": n.name,
                "depth": path.len() - 1,
                "frames": n.frames,
                "bytes": n.bytes,
                "percent_frames": super::scale::percent(n.frames, total),
            });
            out.push_str(&v.to_string());
            out.push('\n');
            walk(&n.children, path, total, out);
            path.pop();
        }
    }
    walk(&h.roots, &mut Vec::new(), h.frames, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_merge_in_first_seen_order() {
        let mut a = Hierarchy::default();
        a.add_path(&["eth", "ip", "udp"], 1, 60);
        a.add_path(&["eth", "ip", "tcp"], 1, 70);
        let mut b = Hierarchy::default();
        b.add_path(&["eth", "ipv6"], 1, 80);
        b.add_path(&["eth", "ip", "tcp", "http"], 1, 90);
        a.merge(b);
        let eth = &a.roots[0];
        assert_eq!((eth.frames, eth.bytes), (4, 300));
        let names: Vec<_> = eth.children.iter().map(|n| n.name).collect();
        assert_eq!(names, ["ip", "ipv6"]);
        let ip: Vec<_> = eth.children[0]
            .children
            .iter()
            .map(|n| (n.name, n.frames))
            .collect();
        assert_eq!(ip, [("udp", 1), ("tcp", 2)]);
    }

    #[test]
    fn media_types_pick_tsharks_dissector() {
        assert_eq!(
            media_dissector("text/html; charset=UTF-8", b""),
            "data-text-lines"
        );
        assert_eq!(media_dissector("image/png", b"GIF89a"), "image-gif");
        assert_eq!(media_dissector("application/javascript", b""), "media");
        assert_eq!(
            media_dissector("multipart/form-data; boundary=x", b""),
            "mime_multipart"
        );
    }
}
