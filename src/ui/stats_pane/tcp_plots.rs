//! The TCP stream graphs of one connection and direction as [`Plot`]s
//! (Wireshark's Statistics ▸ TCP Stream Graphs): Stevens, tcptrace,
//! throughput, round-trip time and window scaling. Each point that stands
//! for a packet is a [`Pick`]: a segment, an ACK, or the ACK of an RTT
//! sample.

use super::charts::{whole, Pick, Plot, Series};
use crate::stats::tcp_graph::TcpGraph;
use crate::ui::stats_charts::Zoom;
use ratatui::style::Color;
use ratatui::widgets::GraphType;

/// The TCP stream graph (Stevens) with the receive-window line; each
/// segment picks itself.
pub fn stevens(g: &TcpGraph, zoom: &Zoom) -> Option<Plot> {
    if g.segments.is_empty() {
        return None;
    }
    let stevens = g.stevens();
    let window = g.window_line();
    Some(Plot {
        title: format!(
            "TCP Stream Graph (Stevens), tcp.stream {}: {} segments, {} retransmitted{}",
            g.stream,
            g.segments.len(),
            g.segments.iter().filter(|s| s.retransmission).count(),
            zoom.note()
        ),
        whole_x: whole(stevens.iter().chain(window.iter()).map(|p| p.0)),
        picks: g
            .segments
            .iter()
            .map(|s| Pick {
                x: s.time,
                y: s.seq as f64,
                packet: s.packet,
            })
            .collect(),
        series: vec![
            Series {
                name: "segments",
                graph: GraphType::Scatter,
                points: stevens,
                color: None,
            },
            Series {
                name: "window",
                graph: GraphType::Line,
                points: window,
                color: Some(Color::Green),
            },
        ],
        from_zero: false,
        y_unit: "",
        by_x: false,
        y_name: "seq",
    })
}

/// Throughput: bits per second over the last second after each segment
/// (Wireshark's default averaging window); each point picks its segment.
pub fn throughput(g: &TcpGraph, zoom: &Zoom) -> Option<Plot> {
    if g.throughput.is_empty() {
        return None;
    }
    let peak = g.throughput.iter().map(|p| p.1).fold(0.0, f64::max);
    Some(Plot {
        title: format!(
            "Throughput, tcp.stream {}: bits/s over 1 s, peak {:.0} bit/s{}",
            g.stream,
            peak,
            zoom.note()
        ),
        whole_x: whole(g.throughput.iter().map(|p| p.0)),
        picks: g
            .throughput
            .iter()
            .zip(&g.segments)
            .map(|(&(x, y), s)| Pick {
                x,
                y,
                packet: s.packet,
            })
            .collect(),
        series: vec![Series {
            name: "bit/s",
            graph: GraphType::Line,
            points: g.throughput.clone(),
            color: None,
        }],
        from_zero: true,
        y_unit: "",
        by_x: true,
        y_name: "bit/s",
    })
}

/// Round-trip time: each segment acknowledged without a retransmission
/// (Karn's rule), its RTT in milliseconds at the time of its ACK, which the
/// point picks.
pub fn rtt(g: &TcpGraph, zoom: &Zoom) -> Option<Plot> {
    if g.rtt.is_empty() {
        return None;
    }
    let max = g.rtt.iter().map(|r| r.ms).fold(0.0, f64::max);
    let points: Vec<(f64, f64)> = g.rtt.iter().map(|r| (r.time, r.ms)).collect();
    Some(Plot {
        title: format!(
            "Round Trip Time, tcp.stream {}: {} samples, max {:.3} ms{}",
            g.stream,
            points.len(),
            max,
            zoom.note()
        ),
        whole_x: whole(points.iter().map(|p| p.0)),
        picks: g
            .rtt
            .iter()
            .map(|r| Pick {
                x: r.time,
                y: r.ms,
                packet: r.packet,
            })
            .collect(),
        series: vec![Series {
            name: "RTT ms",
            graph: GraphType::Scatter,
            points,
            color: None,
        }],
        from_zero: true,
        y_unit: "ms",
        by_x: false,
        y_name: "ms",
    })
}

/// tcptrace: each segment as its first and last byte (a short vertical
/// mark in braille), retransmissions in red, the ACK line, the receive
/// window line (ACK + window) and the SACK blocks; segments and ACKs pick
/// themselves, in packet order.
pub fn tcptrace(g: &TcpGraph, zoom: &Zoom) -> Option<Plot> {
    if g.segments.is_empty() {
        return None;
    }
    let ends = |retransmitted: bool| -> Vec<(f64, f64)> {
        g.segments
            .iter()
            .filter(|s| s.retransmission == retransmitted)
            .flat_map(|s| [(s.time, s.seq as f64), (s.time, s.end as f64)])
            .collect()
    };
    let acks: Vec<(f64, f64)> = g.acks.iter().map(|a| (a.time, a.ack as f64)).collect();
    let sack: Vec<(f64, f64)> = g
        .acks
        .iter()
        .flat_map(|a| {
            a.sack
                .iter()
                .flat_map(move |&(l, r)| [(a.time, l as f64), (a.time, r as f64)])
        })
        .collect();
    let mut picks: Vec<Pick> = g
        .segments
        .iter()
        .map(|s| Pick {
            x: s.time,
            y: s.end as f64,
            packet: s.packet,
        })
        .chain(g.acks.iter().map(|a| Pick {
            x: a.time,
            y: a.ack as f64,
            packet: a.packet,
        }))
        .collect();
    picks.sort_by_key(|p| p.packet);
    let retransmitted = g.segments.iter().filter(|s| s.retransmission).count();
    let window = g.window_line();
    let series = vec![
        Series {
            name: "segments",
            graph: GraphType::Scatter,
            points: ends(false),
            color: None,
        },
        Series {
            name: "retransmitted",
            graph: GraphType::Scatter,
            points: ends(true),
            color: Some(Color::Red),
        },
        Series {
            name: "ACK",
            graph: GraphType::Line,
            points: acks,
            color: Some(Color::Cyan),
        },
        Series {
            name: "window",
            graph: GraphType::Line,
            points: window,
            color: Some(Color::Green),
        },
        Series {
            name: "SACK",
            graph: GraphType::Scatter,
            points: sack,
            color: Some(Color::Magenta),
        },
    ];
    Some(Plot {
        title: format!(
            "TCP Stream Graph (tcptrace), tcp.stream {}: {} segments, {} retransmitted, {} ACKs{}",
            g.stream,
            g.segments.len(),
            retransmitted,
            g.acks.len(),
            zoom.note()
        ),
        whole_x: whole(series.iter().flat_map(|s| s.points.iter().map(|p| p.0))),
        series,
        picks,
        from_zero: false,
        y_unit: "",
        by_x: false,
        y_name: "seq/ack",
    })
}

/// Window scaling: the bytes in flight after each segment against the
/// receive window the other side advertised; each in-flight point picks
/// its segment.
pub fn window_scaling(g: &TcpGraph, zoom: &Zoom) -> Option<Plot> {
    if g.in_flight.is_empty() {
        return None;
    }
    let flight: Vec<(f64, f64)> = g.in_flight.iter().map(|&(t, b)| (t, b as f64)).collect();
    let rwin: Vec<(f64, f64)> = g.acks.iter().map(|a| (a.time, a.window as f64)).collect();
    let peak = g.in_flight.iter().map(|p| p.1).max().unwrap_or(0);
    Some(Plot {
        title: format!(
            "Window Scaling, tcp.stream {}: bytes in flight (peak {peak}) and receive window{}",
            g.stream,
            zoom.note()
        ),
        whole_x: whole(flight.iter().chain(rwin.iter()).map(|p| p.0)),
        picks: g
            .in_flight
            .iter()
            .zip(&g.segments)
            .map(|(&(x, y), s)| Pick {
                x,
                y: y as f64,
                packet: s.packet,
            })
            .collect(),
        series: vec![
            Series {
                name: "in flight",
                graph: GraphType::Scatter,
                points: flight,
                color: None,
            },
            Series {
                name: "rwin",
                graph: GraphType::Line,
                points: rwin,
                color: Some(Color::Green),
            },
        ],
        from_zero: true,
        y_unit: "",
        by_x: false,
        y_name: "bytes",
    })
}
