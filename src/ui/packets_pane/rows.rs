//! The packet list's rows: one packet decoded into its cells (the built-in
//! columns, the custom ones, names from the captured DNS) and its colours
//! (a wrong checksum, then the configured colouring rules, then wirelens's
//! own by protocol and TCP flags, in the theme's palette).

use super::PacketsPane;
use crate::columns;
use crate::decode::tcp_flags::TcpFlags;
use crate::fields::PacketView;
use crate::journey::NameMap;
use crate::session::Session;
use crate::store::PacketKind;
use crate::text::sanitize;
use crate::ui::app::Ctx;
use ratatui::style::{Color, Style};

/// One row of the list, ready to draw.
#[derive(Debug, Clone)]
pub(super) struct ListRow {
    pub(super) index: usize,
    pub(super) conversation: u32,
    /// No., Time, Source, Destination, Protocol, Length, Info.
    pub(super) cells: [String; 7],
    /// The custom columns' values.
    pub(super) extra: Vec<String>,
    pub(super) style: Style,
}

/// Wireshark-like colouring in the theme's palette: SYN/FIN grey, RST red,
/// analysis problems bold red, HTTP green, UDP blue, ARP/ICMP brown-yellow.
fn row_style(
    kind: PacketKind,
    tcp_flags: TcpFlags,
    analysis: u16,
    protocol: &str,
    bad_checksum: bool,
    theme: crate::config::Theme,
) -> Style {
    let p = crate::ui::theme::palette(theme);
    // Wireshark's "Checksum Errors": red on black; here black on red, which
    // reads on dark and light terminals alike.
    if bad_checksum {
        return p.bad_checksum;
    }
    if analysis & !(crate::flow::analysis::flags::WINDOW_UPDATE) != 0 {
        return p.problem;
    }
    match kind {
        PacketKind::Tcp if tcp_flags.rst() => p.rst,
        PacketKind::Tcp if tcp_flags.intersects(TcpFlags::SYN | TcpFlags::FIN) => p.syn_fin,
        _ if protocol == "HTTP" => p.http,
        PacketKind::Udp => p.udp,
        PacketKind::Arp | PacketKind::Icmp | PacketKind::Icmpv6 => p.control,
        _ => Style::default(),
    }
}

/// The colours of the first colouring rule (Wireshark's `colorfilters`,
/// from the config) that packet `index` matches; `None` when none does or
/// colouring is off.
fn row_colour(cx: &Ctx, trace: &Session, index: usize) -> Option<Style> {
    let config = &cx.config;
    if !config.colors_enabled || cx.theme == crate::config::Theme::None {
        return None;
    }
    let rule = config
        .colors
        .matching(trace, trace.http_if_ready(), index)?;
    let rgb = |c: crate::config::colors::Rgb| {
        let (r, g, b) = c.to_rgb8();
        Color::Rgb(r, g, b)
    };
    Some(
        Style::default()
            .fg(rgb(rule.foreground))
            .bg(rgb(rule.background)),
    )
}

/// An IPv4 header or TCP/UDP checksum that is verifiably wrong.
fn bad_checksum(view: &PacketView<'_>) -> bool {
    use crate::decode::checksum::{self, ChecksumStatus};
    let bad = |s: Option<ChecksumStatus>| matches!(s, Some(ChecksumStatus::Incorrect { .. }));
    bad(checksum::ipv4_header(&view.decoded)) || bad(checksum::transport(&view.decoded))
}

/// Decodes packet `index` into a row of the list.
pub(super) fn list_row(
    pane: &PacketsPane,
    cx: &Ctx,
    trace: &Session,
    index: usize,
    previous: Option<usize>,
    names: Option<&NameMap>,
) -> ListRow {
    let view = trace.packet(index);
    let mut r = columns::row(&view);
    r.time = pane.time_cell(&trace.store, index, previous);
    if names.is_some() {
        // As Wireshark's name resolution: the address's name as of this packet.
        let at = index as u32;
        r.source = crate::journey::named::named_text(&r.source, names, at);
        r.destination = crate::journey::named::named_text(&r.destination, names, at);
    }
    let mut values = Vec::new();
    let extra = pane
        .columns
        .custom
        .iter()
        .map(|&(_, field)| {
            values.clear();
            view.values(field, &mut values);
            let text: Vec<String> = values.iter().map(|v| v.tshark()).collect();
            sanitize(&text.join(",")).into_owned()
        })
        .collect();
    let e = trace.store.entry(index).copied();
    // A verifiably wrong checksum outranks every rule (Wireshark would need
    // checksum validation on to colour it); then the rules; then wirelens's own.
    let bad = bad_checksum(&view);
    let by_rule = if bad {
        None
    } else {
        row_colour(cx, trace, index)
    };
    let style = by_rule.unwrap_or_else(|| {
        e.map(|e| {
            row_style(
                e.kind,
                e.tcp_flags(),
                e.analysis,
                &r.protocol,
                bad,
                cx.theme,
            )
        })
        .unwrap_or_default()
    });
    let style = if cx.theme == crate::config::Theme::None {
        Style::default()
    } else {
        style
    };
    ListRow {
        index,
        conversation: e.map_or(crate::store::NONE, |e| e.conversation),
        cells: [
            r.number.to_string(),
            r.time,
            sanitize(&r.source).into_owned(),
            sanitize(&r.destination).into_owned(),
            r.protocol.into_owned(),
            r.length.to_string(),
            sanitize(&r.info).into_owned(),
        ],
        extra,
        style,
    }
}
