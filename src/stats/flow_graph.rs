//! Wireshark's Flow Graph (Statistics ▸ Flow Graph) as text, laid out as
//! tshark 4.0 prints `-z flow,any,network` (ui/tap-sequence-analysis.c,
//! `sequence_analysis_dump_to_file`): one column per address in order of
//! appearance, two lines per packet (its Info over the arrow between the
//! columns, then the arrow with both ports), and `PROTOCOL: Info` as the
//! comment. So a page load's DNS, TCP and HTTP across connections read as
//! one ladder.
//!
//! Columns are [`NODE_WIDTH`] characters; positions are counted in
//! characters (tshark's `overwrite` works on UTF-8 characters), and a label
//! longer than its arrow is cut to it.
//!
//! [`index`] is the same graph without its text (the nodes, and each
//! packet's two nodes), for the TUI view, which formats only the rows it
//! shows: on a big capture that is what keeps it in a background job of a
//! second or two.

use super::{for_blocks, Selection};
use crate::fields::columns;
use crate::fields::PacketView;
use crate::http::HttpIndex;
use crate::trace::Trace;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Characters per node column (tshark's `NODE_CHARS_WIDTH`).
pub const NODE_WIDTH: usize = 20;

/// One packet of the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// 0-based packet index.
    pub packet: u32,
    /// `frame.time_relative` as tshark's column prints it.
    pub time: String,
    /// Node indices of the source and destination.
    pub src: usize,
    pub dst: usize,
    pub src_port: u16,
    pub dst_port: u16,
    /// The Info column (drawn over the arrow) and `Protocol: Info`.
    pub label: String,
    pub comment: String,
}

/// The nodes (addresses as the Source and Destination columns show them)
/// and the packets between them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowGraph {
    pub nodes: Vec<String>,
    pub items: Vec<Item>,
}

/// The flow graph of the selected packets (those with both a source and a
/// destination address).
pub fn compute(trace: &Trace, http: Option<&HttpIndex>, selection: &Selection) -> FlowGraph {
    type Part = (u32, String, String, String, u16, u16, String, String);
    let parts: Vec<Vec<Part>> = for_blocks(trace, selection, |block| {
        block
            .filter_map(|i| {
                let view = PacketView::with_http(trace, http, i);
                let row = columns::row(&view);
                if row.source.is_empty() || row.destination.is_empty() {
                    return None;
                }
                let (sp, dp) = view.decoded.ports().unwrap_or((0, 0));
                let comment = format!("{}: {}", row.protocol, row.info);
                Some((
                    i as u32,
                    row.time,
                    row.source,
                    row.destination,
                    sp,
                    dp,
                    row.info,
                    comment,
                ))
            })
            .collect()
    });
    let mut g = FlowGraph::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut node = |g: &mut FlowGraph, a: String| -> usize {
        *index.entry(a).or_insert_with_key(|a| {
            g.nodes.push(a.clone());
            g.nodes.len() - 1
        })
    };
    for (packet, time, src, dst, src_port, dst_port, label, comment) in parts.into_iter().flatten()
    {
        let src = node(&mut g, src);
        let dst = node(&mut g, dst);
        g.items.push(Item {
            packet,
            time,
            src,
            dst,
            src_port,
            dst_port,
            label,
            comment,
        });
    }
    g
}

/// An address as the Source and Destination columns show it, before it is
/// made text (so that the index formats each node once, not each packet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum NodeKey {
    Ip(std::net::IpAddr),
    Mac([u8; 6]),
}

impl NodeKey {
    /// The text the Source column shows for this address.
    fn text(self) -> String {
        match self {
            NodeKey::Ip(std::net::IpAddr::V4(v4)) => crate::text::ipv4(v4),
            NodeKey::Ip(v6) => v6.to_string(),
            NodeKey::Mac(m) => crate::text::mac(m),
        }
    }
}

/// The packet's source and destination as [`columns::row`] chooses them
/// (IP addresses, else Ethernet ones; none for a pcapng Custom Block).
fn node_keys(trace: &Trace, index: usize) -> Option<(NodeKey, NodeKey)> {
    let entry = trace.store.entry(index)?;
    if entry.kind == crate::store::PacketKind::CustomBlock {
        return None;
    }
    let d = trace.store.decode(index);
    if let (Some(s), Some(t)) = (d.ip_src(), d.ip_dst()) {
        return Some((NodeKey::Ip(s), NodeKey::Ip(t)));
    }
    Some((NodeKey::Mac(d.link.eth_src?), NodeKey::Mac(d.link.eth_dst?)))
}

/// One packet of a [`FlowIndex`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrow {
    /// 0-based packet index.
    pub packet: u32,
    /// Node indices of the source and destination.
    pub src: u32,
    pub dst: u32,
}

/// The flow graph without its text: the nodes in order of appearance (as
/// [`FlowGraph::nodes`]) and one [`Arrow`] per packet that has both
/// addresses (as [`FlowGraph::items`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowIndex {
    pub nodes: Vec<String>,
    pub arrows: Vec<Arrow>,
}

/// The [`FlowIndex`] of the selected packets, on all cores.
pub fn index(trace: &Trace, selection: &Selection) -> FlowIndex {
    let parts: Vec<Vec<(u32, NodeKey, NodeKey)>> = for_blocks(trace, selection, |block| {
        block
            .filter_map(|i| node_keys(trace, i).map(|(s, d)| (i as u32, s, d)))
            .collect()
    });
    let mut g = FlowIndex::default();
    let mut known: HashMap<NodeKey, u32> = HashMap::new();
    let mut node = |g: &mut FlowIndex, k: NodeKey| -> u32 {
        *known.entry(k).or_insert_with(|| {
            g.nodes.push(k.text());
            (g.nodes.len() - 1) as u32
        })
    };
    for (packet, s, d) in parts.into_iter().flatten() {
        let src = node(&mut g, s);
        let dst = node(&mut g, d);
        g.arrows.push(Arrow { packet, src, dst });
    }
    g
}

/// `s` padded with `fill` to `len` characters (never cut).
fn enlarge(s: &mut Vec<char>, len: usize, fill: char) {
    while s.len() < len {
        s.push(fill);
    }
}

/// tshark's `overwrite`: `text` written over `line` between `p1` and `p2`
/// (either order), cut to that width. As there (GLib's `g_string_erase`
/// refuses a range past the end), text that would run past the end of the
/// line is inserted without erasing: the line grows, as it does for a
/// packet from an address to itself. `line` is ASCII (an empty row with
/// ASCII written over it), so its positions in characters are its byte
/// offsets; `text` may be any UTF-8, and then `line` is not written again.
fn overwrite(line: &mut Vec<u8>, text: &str, p1: usize, p2: usize) {
    if p1 == p2 {
        return;
    }
    let (pos, width) = (p1.min(p2), p1.abs_diff(p2));
    let cut = text
        .char_indices()
        .nth(width)
        .map_or(text.len(), |(i, _)| i);
    let ins = &text[..cut];
    let chars = if ins.is_ascii() {
        ins.len()
    } else {
        ins.chars().count()
    };
    let pos = pos.min(line.len());
    let erase = if pos + chars <= line.len() { chars } else { 0 };
    line.splice(pos..pos + erase, ins.bytes());
}

/// The text of a flow graph's rows, once its nodes are known: the empty
/// line every row is drawn over, one column per node.
pub struct TextRows {
    /// ASCII (`|` and spaces).
    empty: Vec<u8>,
}

impl TextRows {
    /// The two header lines naming the `nodes` (appended to `out`), and the
    /// rows' writer; `None` without nodes (tshark then prints nothing).
    pub fn header(nodes: &[String], out: &mut String) -> Option<TextRows> {
        if nodes.is_empty() {
            return None;
        }
        let s = |v: &[char]| v.iter().collect::<String>();
        let mut empty: Vec<char> = Vec::new();
        let mut head: Vec<char> = "|Time     ".chars().collect();
        for n in nodes.iter().step_by(2) {
            let mut label: Vec<char> = format!("| {n}").chars().collect();
            enlarge(&mut label, NODE_WIDTH * 2, ' ');
            head.extend(label);
            let mut gap: Vec<char> = "| ".chars().collect();
            enlarge(&mut gap, NODE_WIDTH, ' ');
            empty.extend(gap);
        }
        out.push_str(&s(&head));
        out.push_str("|\n");
        let mut second: Vec<char> = "|         ".chars().collect();
        let mut gap: Vec<char> = "| ".chars().collect();
        enlarge(&mut gap, NODE_WIDTH, ' ');
        second.extend(&gap);
        for n in nodes.iter().skip(1).step_by(2) {
            let mut label: Vec<char> = format!("| {n}").chars().collect();
            if label.len() < NODE_WIDTH {
                enlarge(&mut label, NODE_WIDTH, ' ');
                label.extend("| ".chars());
            }
            enlarge(&mut label, NODE_WIDTH * 2, ' ');
            second.extend(label);
            empty.extend(&gap);
        }
        out.push_str(&s(&second));
        out.push('\n');
        empty.push('|');
        Some(TextRows {
            empty: empty.into_iter().map(|c| c as u8).collect(),
        })
    }

    /// The two lines of packet `it` (appended to `out`).
    pub fn row(&self, it: &Item, out: &mut String) {
        let start = it.src * NODE_WIDTH + NODE_WIDTH / 2;
        let (end, width) = match it.dst * NODE_WIDTH + NODE_WIDTH / 2 {
            e if e == start => (start + NODE_WIDTH, NODE_WIDTH),
            e => (e, start.abs_diff(e)),
        };
        let _ = write!(out, "|{:<9}", it.time);
        let mut line = self.empty.clone();
        overwrite(&mut line, &it.label, start, end);
        // Valid UTF-8: ASCII with whole characters of the label spliced in.
        out.push_str(&String::from_utf8_lossy(&line));
        out.push_str(&it.comment);
        out.push('\n');
        out.push_str("|         ");
        let mut line = self.empty.clone();
        let arrow: String = if start < end {
            let mut a = "-".repeat(width.saturating_sub(2));
            a.push('>');
            a
        } else {
            let mut a = String::from("<");
            a.push_str(&"-".repeat(width.saturating_sub(2)));
            a
        };
        overwrite(&mut line, &arrow, start, end);
        let (sp, dp) = (format!("({})", it.src_port), format!("({})", it.dst_port));
        if start < end {
            overwrite(&mut line, &sp, start - 9, start - 1);
            overwrite(&mut line, &dp, end + 1, end + 9);
        } else {
            overwrite(&mut line, &sp, start + 1, start + 9);
            overwrite(&mut line, &dp, end - 9, end + 1);
        }
        out.push_str(&String::from_utf8_lossy(&line));
        out.push('\n');
    }

    /// About how many bytes [`TextRows::row`] writes for a packet (its two
    /// lines are as wide as the graph), to bound what is held at once.
    pub fn row_bytes(&self) -> usize {
        2 * (self.empty.len() + 10) + 64
    }
}

/// The graph as tshark 4.0 prints it.
pub fn write_text(g: &FlowGraph, out: &mut String) {
    if let Some(rows) = TextRows::header(&g.nodes, out) {
        for it in &g.items {
            rows.row(it, out);
        }
    }
}

/// The [`Item`] of one arrow of an [`index`]: its row's columns.
fn item(trace: &Trace, http: Option<&HttpIndex>, a: &Arrow) -> Item {
    let view = PacketView::with_http(trace, http, a.packet as usize);
    let row = columns::row(&view);
    let (src_port, dst_port) = view.decoded.ports().unwrap_or((0, 0));
    let comment = format!("{}: {}", row.protocol, row.info);
    Item {
        packet: a.packet,
        time: row.time,
        src: a.src as usize,
        dst: a.dst as usize,
        src_port,
        dst_port,
        label: row.info,
        comment,
    }
}

/// About how many bytes of text one piece of work in [`stream`] makes (a
/// batch is one piece per core, up to 8): a wide graph's rows are long (a
/// column per address), so the pieces are counted in bytes, not rows.
pub const STREAM_PIECE_BYTES: usize = 4 << 20;

/// The rows of the flow graph of `g` (an [`index`] of the selected
/// packets), worked out on all cores a batch at a time, each formatted by
/// `format` (which writes about `row_bytes` for a row) and handed to `sink`
/// in packet order: what is held at once is a batch's text, about
/// [`STREAM_PIECE_BYTES`] per core, whatever the capture's size. Stops at
/// `sink`'s first error (a closed pipe, say).
pub fn stream<E>(
    trace: &Trace,
    http: Option<&HttpIndex>,
    g: &FlowIndex,
    row_bytes: usize,
    format: impl Fn(&Item, &mut String) + Sync,
    mut sink: impl FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let rows = (STREAM_PIECE_BYTES / row_bytes.max(1)).max(1);
    let pieces: Vec<&[Arrow]> = g.arrows.chunks(rows).collect();
    for batch in pieces.chunks(cores.clamp(1, 8)) {
        let texts = crate::parallel::map_in_order(batch, |arrows| {
            let mut text = String::with_capacity(arrows.len() * row_bytes.min(1 << 16));
            for a in arrows.iter() {
                format(&item(trace, http, a), &mut text);
            }
            text
        });
        for t in &texts {
            sink(t)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overwrite_keeps_the_line_length_and_cuts_the_text() {
        let mut line: Vec<u8> = b"|                   |".to_vec();
        overwrite(&mut line, "60918 → 80 [SYN] Seq=0", 10, 5);
        assert_eq!(line, b"|    60918          |");
        overwrite(&mut line, "ab", 1, 1);
        assert_eq!(line.len(), 21);
        // Past the end: inserted, the line grows (tshark's loopback rows).
        overwrite(&mut line, "xyz", 19, 30);
        assert_eq!(line, b"|    60918         xyz |");
        // A label of other characters is cut by characters, not bytes.
        let mut line: Vec<u8> = b"|          |".to_vec();
        overwrite(&mut line, "é→ü€xyz", 2, 6);
        assert_eq!(String::from_utf8(line).as_deref(), Ok("| é→ü€     |"));
    }

    #[test]
    fn the_index_has_the_nodes_and_packets_of_the_graph() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-captures");
        let mut captures = 0;
        for e in std::fs::read_dir(&dir)
            .expect("samples")
            .filter_map(|e| e.ok())
        {
            let pcap = e
                .path()
                .extension()
                .is_some_and(|x| x == "pcap" || x == "pcapng");
            let Some(trace) = pcap.then(|| Trace::open(&e.path()).ok()).flatten() else {
                continue;
            };
            captures += 1;
            let http = HttpIndex::build(&trace.store, &trace.conversations, &trace.keys);
            let g = compute(&trace, Some(&http), &Selection::All);
            let x = index(&trace, &Selection::All);
            assert_eq!(x.nodes, g.nodes, "{}", e.path().display());
            let arrows: Vec<(u32, usize, usize)> = x
                .arrows
                .iter()
                .map(|a| (a.packet, a.src as usize, a.dst as usize))
                .collect();
            let items: Vec<(u32, usize, usize)> =
                g.items.iter().map(|i| (i.packet, i.src, i.dst)).collect();
            assert_eq!(arrows, items, "{}", e.path().display());
            let only = Selection::Only(vec![1, 2]);
            let part = index(&trace, &only);
            assert!(part.arrows.len() <= 2);
        }
        assert!(captures >= 3, "{captures} sample captures");
    }

    #[test]
    fn nothing_to_draw_prints_nothing() {
        let mut s = String::new();
        write_text(&FlowGraph::default(), &mut s);
        assert!(s.is_empty());
    }
}
