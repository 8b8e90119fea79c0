//! The conversations view's layer tabs, as Wireshark's Conversations
//! window: Ethernet, IPv4, IPv6, TCP and UDP, each the table of
//! [`crate::stats::conversations`] (tshark's `-z conv,TYPE`): address A and
//! B (A sent the first frame), packets and bytes in all and each way, the
//! relative start and the duration. Each table is counted by a job the first
//! time its tab opens; `s` sorts (frames as tshark, bytes, start, duration),
//! `S` reverses, `/` prepares Wireshark's Apply as Filter, Enter shows the
//! first packet.

use crate::stats::conversations::{size, Conversations, LayerConversation};
use crate::stats::endpoints::Kind;
use crate::ui::app::Ctx;
use crate::ui::render::block;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Paragraph, Row, Table};
use ratatui::Frame;

/// The tabs after the first (the streams table), in Wireshark's order.
pub const KINDS: [Kind; 5] = [Kind::Eth, Kind::Ip, Kind::Ipv6, Kind::Tcp, Kind::Udp];

/// The orders of a layer table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LayerSort {
    /// Most frames first, as tshark prints it.
    #[default]
    Frames,
    Bytes,
    Start,
    Duration,
}

impl LayerSort {
    pub fn name(self) -> &'static str {
        match self {
            LayerSort::Frames => "packets",
            LayerSort::Bytes => "bytes",
            LayerSort::Start => "first packet",
            LayerSort::Duration => "duration",
        }
    }

    pub fn next(self) -> LayerSort {
        match self {
            LayerSort::Frames => LayerSort::Bytes,
            LayerSort::Bytes => LayerSort::Start,
            LayerSort::Start => LayerSort::Duration,
            LayerSort::Duration => LayerSort::Frames,
        }
    }
}

/// One tab's table and where it is.
#[derive(Debug, Clone, Default)]
pub struct LayerTable {
    /// Counted (`None` until its job reports).
    pub table: Option<Conversations>,
    /// Row positions into `table.list`, in the shown order.
    order: Vec<u32>,
    pub selected: usize,
    pub sort: LayerSort,
    pub reversed: bool,
}

impl LayerTable {
    /// Installs the counted table (in tshark's order).
    pub fn install(&mut self, table: Conversations) {
        self.table = Some(table);
        self.selected = 0;
        self.reorder();
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Orders the rows by `self.sort` (stable: ties keep tshark's order).
    pub fn reorder(&mut self) {
        let Some(t) = &self.table else {
            self.order.clear();
            return;
        };
        let current = self.order.get(self.selected).copied();
        let mut order: Vec<u32> = (0..t.list.len() as u32).collect();
        let key = |i: &u32| -> i64 {
            let c = &t.list[*i as usize];
            match self.sort {
                LayerSort::Frames => -(c.packets() as i64),
                LayerSort::Bytes => -(c.bytes() as i64),
                LayerSort::Start => c.first_ns,
                LayerSort::Duration => -c.duration_ns(),
            }
        };
        order.sort_by_key(key);
        if self.reversed {
            order.reverse();
        }
        self.selected = current
            .and_then(|c| order.iter().position(|&o| o == c))
            .unwrap_or(0);
        self.order = order;
    }

    /// The selected conversation.
    pub fn current(&self) -> Option<&LayerConversation> {
        let i = *self.order.get(self.selected)?;
        self.table.as_ref()?.list.get(i as usize)
    }

    /// Draws the table into `area` (below the tab bar).
    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, kind: Kind, first: usize) {
        let Some(t) = &self.table else {
            let text = format!("counting {} conversations …", kind.title());
            frame.render_widget(Paragraph::new(text).block(block("", true)), area);
            return;
        };
        let wide = area.width >= 150;
        let ports = kind.has_port();
        let height = usize::from(area.height.saturating_sub(3)).max(1);
        let rows: Vec<Row<'_>> = self
            .order
            .iter()
            .enumerate()
            .skip(first)
            .take(height)
            .filter_map(|(pos, &i)| Some((pos, t.list.get(i as usize)?)))
            .map(|(pos, c)| {
                let mut cells = vec![c.a.to_string()];
                if ports {
                    cells.push(c.a.port().map(|p| p.to_string()).unwrap_or_default());
                }
                cells.push(c.b.to_string());
                if ports {
                    cells.push(c.b.port().map(|p| p.to_string()).unwrap_or_default());
                }
                cells.extend([c.packets().to_string(), size(c.bytes())]);
                cells.push(c.ab_packets.to_string());
                if wide {
                    cells.push(size(c.ab_bytes));
                }
                cells.push(c.ba_packets.to_string());
                if wide {
                    cells.push(size(c.ba_bytes));
                    let start = c.first_ns.saturating_sub(t.start_ns);
                    cells.push(format!("{:.6}", start as f64 / 1e9));
                }
                cells.push(format!("{:.4}", c.duration_ns() as f64 / 1e9));
                let style = if pos == self.selected {
                    Style::default().add_modifier(Modifier::REVERSED)
                } else {
                    Style::default()
                };
                Row::new(cells).style(style)
            })
            .collect();
        let address = if kind == Kind::Eth { 17 } else { 15 };
        let mut widths = vec![Constraint::Min(address)];
        let mut header = vec!["Address A"];
        if ports {
            widths.push(Constraint::Length(6));
            header.push("Port A");
        }
        widths.push(Constraint::Min(address));
        header.push("Address B");
        if ports {
            widths.push(Constraint::Length(6));
            header.push("Port B");
        }
        widths.extend([Constraint::Length(7), Constraint::Length(10)]);
        header.extend(["Packets", "Bytes"]);
        widths.push(Constraint::Length(5));
        header.push("A→B");
        if wide {
            widths.push(Constraint::Length(10));
            header.push("Bytes A→B");
        }
        widths.push(Constraint::Length(5));
        header.push("B→A");
        if wide {
            widths.extend([Constraint::Length(10), Constraint::Length(12)]);
            header.extend(["Bytes B→A", "Rel Start"]);
        }
        widths.push(Constraint::Length(9));
        header.push("Duration");
        let title = format!(
            "{} Conversations: {} by {}{}",
            kind.title(),
            t.list.len(),
            self.sort.name(),
            if self.reversed { ", reversed" } else { "" }
        );
        let table = Table::new(rows, widths)
            .header(Row::new(header).style(Style::default().add_modifier(Modifier::BOLD)))
            .block(block(&title, true));
        frame.render_widget(table, area);
    }
}

/// Every tab's state.
#[derive(Debug, Clone, Default)]
pub struct Layers {
    /// 0: the streams table; 1 to 5: [`KINDS`].
    pub tab: usize,
    pub tables: [LayerTable; 5],
    /// The tab whose table a job counts.
    pub counting: Option<Kind>,
}

impl Layers {
    /// The layer of the shown tab (`None`: the streams table).
    pub fn kind(&self) -> Option<Kind> {
        self.tab.checked_sub(1).map(|i| KINDS[i])
    }

    pub fn shown(&self) -> Option<&LayerTable> {
        self.tab.checked_sub(1).map(|i| &self.tables[i])
    }

    pub fn shown_mut(&mut self) -> Option<&mut LayerTable> {
        self.tab.checked_sub(1).map(|i| &mut self.tables[i])
    }

    /// A new trace: every table is counted again when its tab shows.
    pub fn reset(&mut self) {
        self.tables = Default::default();
        self.counting = None;
    }

    /// Installs a job's table.
    pub fn install(&mut self, table: Conversations) {
        if self.counting == Some(table.kind) {
            self.counting = None;
        }
        if let Some(i) = KINDS.iter().position(|&k| k == table.kind) {
            self.tables[i].install(table);
        }
    }

    /// The tab bar: the streams table, then each layer with its count once
    /// known (as Wireshark's "IPv4 · 3").
    pub fn bar(&self, cx: &Ctx) -> String {
        let streams = cx.trace().map_or(0, |t| t.conversations.all().len());
        let mut names = vec![format!("Streams · {streams}")];
        for (i, k) in KINDS.iter().enumerate() {
            names.push(match &self.tables[i].table {
                Some(t) => format!("{} · {}", k.title(), t.list.len()),
                None => k.title().to_string(),
            });
        }
        let mut out = String::from(" ");
        for (i, n) in names.iter().enumerate() {
            if i == self.tab {
                out.push_str(&format!("[{n}]"));
            } else {
                out.push_str(&format!(" {n} "));
            }
            out.push(' ');
        }
        out.push_str(" Tab: next layer");
        out
    }
}
