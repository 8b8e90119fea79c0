//! The statistics screens that are lists: the protocol hierarchy (indented
//! names, a bar of the share of frames, frames and bytes) and the endpoints
//! table (sortable, the selected endpoint applied as a display filter; with
//! the names toggle, each address with the name the capture's DNS gave it).

use super::StatsPane;
use crate::journey::NameMap;
use crate::stats::endpoints::{self, Address, Endpoints};
use crate::stats::hierarchy::{Hierarchy, Node};
use crate::stats::scale;
use crate::text::sanitize;
use crate::ui::app::{movement, Ctx, Handled, Msg};
use crate::ui::keymap::Action;
use crate::ui::render::block;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Table};
use ratatui::Frame;

/// The orders of the endpoints table (`s` goes to the next).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EndpointSort {
    /// Most packets first (tshark's order).
    #[default]
    Packets,
    Bytes,
    TxBytes,
    RxBytes,
    Address,
}

impl EndpointSort {
    fn next(self) -> EndpointSort {
        match self {
            EndpointSort::Packets => EndpointSort::Bytes,
            EndpointSort::Bytes => EndpointSort::TxBytes,
            EndpointSort::TxBytes => EndpointSort::RxBytes,
            EndpointSort::RxBytes => EndpointSort::Address,
            EndpointSort::Address => EndpointSort::Packets,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            EndpointSort::Packets => "packets",
            EndpointSort::Bytes => "bytes",
            EndpointSort::TxBytes => "Tx bytes",
            EndpointSort::RxBytes => "Rx bytes",
            EndpointSort::Address => "address",
        }
    }

    /// Sorts `list` (stable: ties keep tshark's order).
    fn apply(self, list: &mut [endpoints::Endpoint]) {
        use std::cmp::Reverse;
        match self {
            EndpointSort::Packets => list.sort_by_key(|e| Reverse(e.packets())),
            EndpointSort::Bytes => list.sort_by_key(|e| Reverse(e.bytes())),
            EndpointSort::TxBytes => list.sort_by_key(|e| Reverse(e.tx_bytes)),
            EndpointSort::RxBytes => list.sort_by_key(|e| Reverse(e.rx_bytes)),
            EndpointSort::Address => list.sort_by_key(|e| e.address),
        }
    }
}

pub(super) fn bar(fraction: f64, width: usize) -> String {
    let cells = (fraction.clamp(0.0, 1.0) * width as f64).round() as usize;
    format!(
        "{}{}",
        "█".repeat(cells),
        "·".repeat(width.saturating_sub(cells))
    )
}

/// The hierarchy's nodes in display order, with their depth.
pub fn flatten<'n>(nodes: &'n [Node], depth: usize, out: &mut Vec<(usize, &'n Node)>) {
    for n in nodes {
        out.push((depth, n));
        flatten(&n.children, depth + 1, out);
    }
}

impl StatsPane {
    /// The endpoints table's keys: move, `s` sorts, Enter applies the
    /// selected endpoint as the packet list's display filter.
    pub(super) fn endpoints_key(&mut self, a: Action, cx: &Ctx) -> Handled {
        let Some(e) = self.data.endpoints.as_mut() else {
            return Handled::Ignored;
        };
        let n = e.list.len();
        if let Some(delta) = movement(a, 10) {
            self.endpoint = crate::ui::app::step(self.endpoint, delta, n);
            return Handled::Consumed;
        }
        match a {
            Action::Sort => {
                self.endpoint_sort = self.endpoint_sort.next();
                self.endpoint_sort.apply(&mut e.list);
                self.endpoint = 0;
                cx.post(Msg::Status(format!(
                    "endpoints by {}",
                    self.endpoint_sort.name()
                )));
            }
            Action::Activate => {
                if let Some(p) = e.list.get(self.endpoint) {
                    cx.post(Msg::ApplyFilter(p.filter(e.kind)));
                }
            }
            _ => return Handled::Ignored,
        }
        Handled::Consumed
    }
}

/// The protocol hierarchy: indented names, a bar of the share of frames,
/// frames and bytes.
pub fn draw_hierarchy(frame: &mut Frame<'_>, area: Rect, h: &Hierarchy, offset: usize) {
    let mut rows = Vec::new();
    flatten(&h.roots, 0, &mut rows);
    let inner = usize::from(area.width.saturating_sub(2));
    let bar_w = inner.saturating_sub(24 + 8 + 9 + 12 + 4).clamp(4, 40);
    let lines: Vec<Line<'_>> = rows
        .iter()
        .skip(offset)
        .take(usize::from(area.height.saturating_sub(2)))
        .map(|(depth, n)| {
            let pct = scale::percent(n.frames, h.frames);
            let name = format!("{}{}", "  ".repeat(*depth), n.name);
            Line::from(format!(
                "{name:<24} {} {pct:>6.1}% {:>8} {:>11}",
                bar(pct / 100.0, bar_w),
                n.frames,
                n.bytes
            ))
        })
        .collect();
    let title = format!("Protocol Hierarchy ({} frames)", h.frames);
    frame.render_widget(Paragraph::new(lines).block(block(&title, true)), area);
}

/// An endpoint's address as the table shows it: with `names`, the name the
/// capture's DNS first gave the address beside it (`example.com
/// (10.0.0.1)`), else (or without a name) the address alone; sanitized.
pub fn endpoint_text(address: &Address, names: Option<&NameMap>) -> String {
    let ip = match address {
        Address::Ip(ip) | Address::Port(ip, _) => Some(*ip),
        Address::Ether(_) => None,
    };
    // Packet 0: the first answer naming the address, wherever it is.
    match ip.and_then(|ip| names?.name_at(ip, 0)) {
        Some(name) => format!("{} ({address})", sanitize(name)),
        None => sanitize(&address.to_string()).into_owned(),
    }
}

/// The endpoints table's column titles.
const HEADER: [&str; 7] = [
    "Address", "Packets", "Bytes", "Tx Pkts", "Tx Bytes", "Rx Pkts", "Rx Bytes",
];

/// The endpoints table's columns: the counts roomy when the addresses (with
/// their names) fit beside them in `inner` cells, else each count as wide as
/// its longest cell, so a name is not cut where it could be shown.
fn endpoint_widths(
    header: &[&str; 7],
    rows: &[(usize, [String; 7])],
    inner: u16,
) -> [Constraint; 7] {
    const ROOMY: [u16; 6] = [8, 10, 8, 10, 8, 10];
    let longest = |c: usize| {
        rows.iter()
            .map(|(_, r)| r[c].chars().count())
            .chain([header[c].len()])
            .max()
            .map_or(0, |w| u16::try_from(w).unwrap_or(u16::MAX))
    };
    let address = longest(0).max(16);
    // Six gaps of one cell between the seven columns.
    let roomy = ROOMY.iter().sum::<u16>() + 6;
    let counts: [u16; 6] = if address.saturating_add(roomy) <= inner {
        ROOMY
    } else {
        std::array::from_fn(|c| longest(c + 1))
    };
    let mut widths = [Constraint::Min(16); 7];
    for (w, c) in widths[1..].iter_mut().zip(counts) {
        *w = Constraint::Length(c);
    }
    widths
}

/// The endpoints table, most packets first; `names`: the names toggle is on
/// and the capture's names are read.
pub fn draw_endpoints(
    frame: &mut Frame<'_>,
    area: Rect,
    e: &Endpoints,
    selected: usize,
    note: &str,
    names: Option<&NameMap>,
) {
    let height = usize::from(area.height.saturating_sub(3)).max(1);
    let offset = selected.saturating_sub(height - 1);
    let header = Row::new(HEADER).style(Style::default().add_modifier(Modifier::BOLD));
    let cells: Vec<(usize, [String; 7])> = e
        .list
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, p)| {
            let cells = [
                endpoint_text(&p.address, names),
                p.packets().to_string(),
                p.bytes().to_string(),
                p.tx_packets.to_string(),
                p.tx_bytes.to_string(),
                p.rx_packets.to_string(),
                p.rx_bytes.to_string(),
            ];
            (i, cells)
        })
        .collect();
    let widths = endpoint_widths(&HEADER, &cells, area.width.saturating_sub(2));
    let rows: Vec<Row<'_>> = cells
        .into_iter()
        .map(|(i, cells)| {
            let style = if i == selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            Row::new(cells).style(style)
        })
        .collect();
    let title = format!("{} Endpoints ({}){note}", e.kind.title(), e.list.len());
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .block(block(&title, true)),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_filters_name_the_layer() {
        use endpoints::{Address, Endpoint, Kind};
        let e = |address| Endpoint {
            address,
            tx_packets: 0,
            tx_bytes: 0,
            rx_packets: 0,
            rx_bytes: 0,
        };
        let v4: std::net::IpAddr = "10.0.0.1".parse().expect("ip");
        let v6: std::net::IpAddr = "fe80::1".parse().expect("ip");
        assert_eq!(e(Address::Ip(v4)).filter(Kind::Ip), "ip.addr == 10.0.0.1");
        assert_eq!(
            e(Address::Ip(v6)).filter(Kind::Ipv6),
            "ipv6.addr == fe80::1"
        );
        assert_eq!(
            e(Address::Port(v4, 80)).filter(Kind::Tcp),
            "ip.addr == 10.0.0.1 && tcp.port == 80"
        );
        assert_eq!(
            e(Address::Port(v6, 53)).filter(Kind::Udp),
            "ipv6.addr == fe80::1 && udp.port == 53"
        );
        assert_eq!(
            e(Address::Ether([2, 0, 0, 0, 0, 1])).filter(Kind::Eth),
            "eth.addr == 02:00:00:00:00:01"
        );
        for f in [
            e(Address::Ip(v6)).filter(Kind::Ipv6),
            e(Address::Port(v4, 80)).filter(Kind::Tcp),
            e(Address::Ether([2, 0, 0, 0, 0, 1])).filter(Kind::Eth),
        ] {
            assert!(crate::filter::Filter::compile(&f).is_ok(), "{f}");
        }
    }

    #[test]
    fn bars_fill_their_share() {
        assert_eq!(bar(0.5, 4), "██··");
        assert_eq!(bar(2.0, 2), "██");
        assert_eq!(bar(f64::NAN, 2).chars().count(), 2);
    }
}
