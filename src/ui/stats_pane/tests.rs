//! Screen tests of the statistics pane: snapshots of every screen at 80x24
//! and 200x50 on the project's samples, and the keys and clicks driven
//! through the app (the chart cursor and the flow graph select packets).

use super::*;
use crate::session::Session;
use crate::stats::{endpoints, hierarchy, io, tcp_graph};
use crate::ui::app::App;
use crate::ui::event::Event;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::Path;
use std::sync::Arc;

fn sample_path(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-captures")
        .join(name)
}

fn data(name: &str) -> StatsData {
    let session = Arc::new(Session::open(&sample_path(name)).expect("sample capture"));
    StatsData::compute_all(&session, &Scope::default())
}

fn text(buf: &ratatui::buffer::Buffer) -> String {
    let area = buf.area;
    let mut s = String::new();
    for y in 0..area.height {
        for x in 0..area.width {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

fn screen(pane: &mut StatsPane, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| pane.draw(f, f.area())).expect("draw");
    text(terminal.backend().buffer())
}

const TABS: [(StatsTab, &str); 11] = [
    (StatsTab::Hierarchy, "hierarchy"),
    (StatsTab::Endpoints, "endpoints"),
    (StatsTab::IoGraph, "io_graph"),
    (StatsTab::TcpGraph, "tcp_graph"),
    (StatsTab::Tcptrace, "tcptrace"),
    (StatsTab::Throughput, "throughput"),
    (StatsTab::Rtt, "rtt"),
    (StatsTab::WindowScaling, "window_scaling"),
    (StatsTab::Flow, "flow_graph"),
    (StatsTab::Http, "http_trees"),
    (StatsTab::Dns, "dns_tree"),
];

/// The chart screens.
const CHARTS: [StatsTab; 6] = [
    StatsTab::IoGraph,
    StatsTab::TcpGraph,
    StatsTab::Tcptrace,
    StatsTab::Throughput,
    StatsTab::Rtt,
    StatsTab::WindowScaling,
];

#[test]
fn every_screen_at_both_sizes() {
    let mut pane = StatsPane {
        data: data("textbook-visit.pcap"),
        ..StatsPane::default()
    };
    for (tab, name) in TABS {
        pane.tab = tab;
        for (w, h) in [(80, 24), (200, 50)] {
            let s = screen(&mut pane, w, h);
            insta::assert_snapshot!(format!("stats_{name}_{w}x{h}"), s);
        }
    }
    // The charts again with the cursor on a point.
    for (tab, name) in &TABS[2..8] {
        pane.tab = *tab;
        pane.cursor = Some(1);
        let s = screen(&mut pane, 80, 24);
        assert!(s.contains(" frame "), "{name}: {s}");
        insta::assert_snapshot!(format!("stats_{name}_cursor_80x24"), s);
    }
}

/// Every chart of a longer sample at both sizes (several connections, a
/// flow graph of more nodes than fit).
#[test]
fn charts_of_a_second_sample() {
    let mut pane = StatsPane {
        data: data("keepalive-3-requests.pcap"),
        ..StatsPane::default()
    };
    for (tab, name) in &TABS[2..] {
        pane.tab = *tab;
        for (w, h) in [(80, 24), (200, 50)] {
            let s = screen(&mut pane, w, h);
            insta::assert_snapshot!(format!("keepalive_{name}_{w}x{h}"), s);
        }
    }
}

#[test]
fn http_and_dns_trees_count_the_visit() {
    let mut pane = StatsPane {
        data: data("textbook-visit.pcap"),
        tab: StatsTab::Http,
        ..StatsPane::default()
    };
    let s = screen(&mut pane, 200, 50);
    for want in [
        "HTTP/Packet Counter",
        "HTTP/Requests",
        "HTTP/Response Time",
        "GET",
        "200 OK",
        "www.wirelens.test",
        "0 - 1 ms",
    ] {
        assert!(s.contains(want), "{want}: {s}");
    }
    // Scrolling moves the first line shown, and stops at the last.
    pane.scroll(3);
    assert_eq!(pane.offset, 3);
    pane.scroll(1000);
    let rows = trees::rows(pane.data.http.as_deref().expect("trees")).len();
    assert_eq!(pane.offset, rows - 1);
    pane.tab = StatsTab::Dns;
    pane.offset = 0;
    let s = screen(&mut pane, 200, 50);
    assert!(
        s.contains("DNS Statistics") && s.contains("A (Host Address)"),
        "{s}"
    );
    assert!(s.contains("request-response time (msec)"), "{s}");
}

#[test]
fn hierarchy_rows_and_bars() {
    let mut pane = StatsPane {
        data: data("textbook-visit.pcap"),
        ..StatsPane::default()
    };
    let s = screen(&mut pane, 80, 24);
    assert!(s.contains("Protocol Hierarchy (27 frames)"), "{s}");
    assert!(
        s.contains("eth") && s.contains("100.0%") && s.contains("█"),
        "{s}"
    );
    assert!(s.contains("    udp"), "{s}");
}

fn app() -> App {
    let trace = crate::trace::Trace::open(&sample_path("textbook-visit.pcap")).expect("sample");
    App::with_trace("textbook-visit.pcap".into(), trace)
}

fn key(app: &mut App, code: KeyCode) {
    app.handle(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    app.settle();
}

fn click(app: &mut App, at: ratatui::layout::Position) {
    app.handle(Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: at.x,
        row: at.y,
        modifiers: KeyModifiers::NONE,
    }));
    app.settle();
}

fn draw(app: &mut App) -> String {
    app.handle(Event::Resize(80, 24));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    terminal.draw(|f| app.draw(f)).expect("draw");
    text(terminal.backend().buffer())
}

/// Goes to the statistics screen `tab` (Space from the first).
fn show(app: &mut App, tab: StatsTab) {
    key(app, KeyCode::Char('z'));
    while app.stats.tab != tab {
        key(app, KeyCode::Char(' '));
    }
}

#[test]
fn z_opens_the_screens_and_space_goes_through_them() {
    let mut app = app();
    key(&mut app, KeyCode::Char('z'));
    assert_eq!(app.view, View::Stats);
    assert!(draw(&mut app).contains("Protocol Hierarchy (27 frames)"));
    // Each screen computes its own part when first shown.
    assert!(app.stats.data.io.is_none() && app.stats.data.flow.is_none());
    for want in [
        "IPv4 Endpoints",
        "I/O Graph",
        "TCP Stream Graph (Stevens)",
        "TCP Stream Graph (tcptrace)",
        "Throughput, tcp.stream 0",
        "Round Trip Time, tcp.stream 0",
        "Window Scaling, tcp.stream 0",
        "Flow Graph: 27 packets, 2 nodes",
        "HTTP Statistics",
        "DNS Statistics",
        "Protocol Hierarchy",
    ] {
        key(&mut app, KeyCode::Char(' '));
        let s = draw(&mut app);
        assert!(s.contains(want), "{want}: {s}");
    }
}

#[test]
fn zoom_and_pan_keys() {
    let mut app = app();
    show(&mut app, StatsTab::Throughput);
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Up);
    assert!(draw(&mut app).contains("zoom ×4"));
    key(&mut app, KeyCode::PageUp);
    assert_eq!(app.stats.zoom.center, 0.4375);
    key(&mut app, KeyCode::Char('g'));
    assert!(app.stats.zoom.is_whole());
}

#[test]
fn the_chart_cursor_selects_its_packet() {
    let mut app = app();
    for tab in CHARTS {
        show(&mut app, tab);
        let plot = charts::plot_of(tab, &app.stats.data, &app.stats.zoom).expect("plot");
        assert!(plot.picks.len() >= 2, "{tab:?}");
        key(&mut app, KeyCode::Right);
        assert_eq!(app.stats.cursor, Some(0), "{tab:?}");
        key(&mut app, KeyCode::Right);
        assert_eq!(app.stats.cursor, Some(1), "{tab:?}");
        let want = plot.picks[1].packet as usize;
        assert_eq!(app.packets.selected, want, "{tab:?}");
        let s = draw(&mut app);
        assert!(
            s.contains(&format!(" frame {}: ", want + 1)),
            "{tab:?}: {s}"
        );
        key(&mut app, KeyCode::Left);
        assert_eq!(app.packets.selected, plot.picks[0].packet as usize);
        // Zoomed in far, the cursor's point stays in the window.
        for _ in 0..8 {
            key(&mut app, KeyCode::Up);
        }
        for _ in 0..plot.picks.len() {
            key(&mut app, KeyCode::Right);
        }
        let last = plot.picks[plot.picks.len() - 1];
        let window = app.stats.zoom.window(plot.whole_x);
        assert!(
            last.x >= window[0] && last.x <= window[1],
            "{tab:?} {window:?}"
        );
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.view, View::Packets, "{tab:?}");
        assert_eq!(app.packets.selected, last.packet as usize);
    }
}

#[test]
fn a_click_on_a_chart_point_selects_its_packet() {
    let mut app = app();
    for tab in CHARTS {
        show(&mut app, tab);
        draw(&mut app);
        let geo = app.stats.geometry.expect("drawn");
        let plot = charts::plot_of(tab, &app.stats.data, &app.stats.zoom).expect("plot");
        // The last point: a click on its cell picks it (or one drawn in
        // the same cell, which then has the same position).
        let p = plot.picks[plot.picks.len() - 1];
        let at = geo.cell(p.x, p.y).expect("on screen");
        click(&mut app, at);
        let i = app.stats.cursor.expect("picked");
        let got = plot.picks[i];
        assert_eq!(geo.cell(got.x, got.y), Some(at), "{tab:?}");
        assert_eq!(app.packets.selected, got.packet as usize, "{tab:?}");
        assert!(
            app.status.contains("selected in the packet list"),
            "{}",
            app.status
        );
        // A click outside the plotting area picks nothing.
        click(&mut app, ratatui::layout::Position::new(0, 0));
        assert_eq!(app.stats.cursor, Some(i));
    }
}

#[test]
fn d_graphs_the_other_direction() {
    let mut app = app();
    show(&mut app, StatsTab::TcpGraph);
    let before = app.stats.data.tcp.as_ref().and_then(|g| g.direction);
    key(&mut app, KeyCode::Char('d'));
    let after = app.stats.data.tcp.as_ref().and_then(|g| g.direction);
    assert!(before.is_some() && after.is_some() && before != after);
}

#[test]
fn the_flow_graph_selects_its_rows_packets() {
    let mut app = app();
    show(&mut app, StatsTab::Flow);
    let s = draw(&mut app);
    assert!(s.contains("10.77.0.1") && s.contains("10.77.0.2"), "{s}");
    let arrows = app
        .stats
        .data
        .flow
        .as_ref()
        .expect("flow")
        .index
        .arrows
        .clone();
    key(&mut app, KeyCode::Down);
    assert_eq!(app.packets.selected, arrows[1].packet as usize);
    // Row k's two lines start at y = 2 + 2k inside the border and header.
    click(&mut app, ratatui::layout::Position::new(30, 2 + 2 * 3 + 1));
    assert_eq!(app.stats.flow.selected, 3);
    assert_eq!(app.packets.selected, arrows[3].packet as usize);
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(app.stats.flow.selected, arrows.len() - 1);
    assert!(draw(&mut app).contains(&format!("{:<11}", "")));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Packets);
    assert_eq!(
        app.packets.selected,
        arrows[arrows.len() - 1].packet as usize
    );
}

#[test]
fn the_flow_graph_follows_the_display_filter() {
    let mut app = app();
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::Char('/'),
        KeyModifiers::NONE,
    )));
    for c in "tcp.flags.syn == 1".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    let matches = app
        .packets
        .filter
        .as_ref()
        .expect("filtered")
        .matches
        .clone();
    assert!(!matches.is_empty());
    show(&mut app, StatsTab::Flow);
    let flow = app.stats.data.flow.as_ref().expect("flow");
    let packets: Vec<u32> = flow.index.arrows.iter().map(|a| a.packet).collect();
    assert_eq!(packets, matches);
    assert!(draw(&mut app).contains("filter tcp.flags.syn == 1"));
    // Without the filter, the graph is computed again for every packet.
    key(&mut app, KeyCode::Esc);
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::Char('/'),
        KeyModifiers::NONE,
    )));
    key(&mut app, KeyCode::Backspace);
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('z'));
    let flow = app.stats.data.flow.as_ref().expect("flow");
    assert_eq!(flow.index.arrows.len(), 27);
}

#[test]
fn endpoints_sort_and_apply_as_filter() {
    let mut app = app();
    show(&mut app, StatsTab::Endpoints);
    let list = |app: &App| -> Vec<String> {
        let e = app.stats.data.endpoints.as_ref().expect("computed");
        e.list.iter().map(|e| e.address.to_string()).collect()
    };
    // tshark's order: most packets first; by address the other way here.
    assert_eq!(list(&app), ["10.77.0.1", "10.77.0.2"]);
    for _ in 0..4 {
        key(&mut app, KeyCode::Char('s'));
    }
    assert_eq!(app.stats.endpoint_sort, EndpointSort::Address);
    assert!(
        app.status.contains("endpoints by address"),
        "{}",
        app.status
    );
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Packets);
    assert_eq!(
        app.packets.filter_text.as_deref(),
        Some("ip.addr == 10.77.0.2")
    );
}

#[test]
fn degenerate_captures_still_draw() {
    let mut pane = StatsPane::default();
    assert!(screen(&mut pane, 80, 24).contains("computing statistics"));
    let session = Arc::new(Session::from(crate::flow::life::tests::trace(&[])));
    pane.data = StatsData {
        hierarchy: Some(hierarchy::Hierarchy::default()),
        endpoints: Some(endpoints::Endpoints {
            kind: endpoints::Kind::Ip,
            list: Vec::new(),
        }),
        io: Some(io::IoStat {
            interval_us: 0,
            duration_us: 0,
            series: Vec::new(),
            rows: Vec::new(),
        }),
        tcp: Some(tcp_graph::TcpGraph::default()),
        flow: Some(data::FlowData {
            index: Default::default(),
            session,
            filter: None,
        }),
        http: Some(vec![Default::default()]),
        dns: Some(Default::default()),
    };
    for (tab, _) in TABS {
        pane.tab = tab;
        pane.cursor = Some(3);
        for (w, h) in [(80, 24), (1, 1), (200, 50), (3, 30), (200, 2)] {
            let _ = screen(&mut pane, w, h);
        }
    }
}

#[test]
fn endpoints_show_names_from_the_captured_dns_when_the_toggle_is_on() {
    let mut app = app();
    show(&mut app, StatsTab::Endpoints);
    let plain = draw(&mut app);
    assert!(!plain.contains("www.wirelens.test"), "{plain}");
    // `R` in the packet list, then the endpoints again.
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.view, View::Packets);
    key(&mut app, KeyCode::Char('R'));
    assert!(app.packets.names);
    show(&mut app, StatsTab::Endpoints);
    let s = draw(&mut app);
    // The DNS answer of frame 2 names 10.77.0.2; 10.77.0.1 has no name.
    assert!(s.contains("www.wirelens.test (10.77.0.2)"), "{s}");
    assert!(s.contains("│10.77.0.1 "), "{s}");
    insta::assert_snapshot!("stats_endpoints_named_80x24", s);
    // Wide, the pane alone.
    let session = app.cx.trace().expect("session");
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    terminal
        .draw(|f| app.stats.draw_named(f, f.area(), Some(session.names())))
        .expect("draw");
    let wide = text(terminal.backend().buffer());
    assert!(wide.contains("www.wirelens.test (10.77.0.2)"), "{wide}");
    insta::assert_snapshot!("stats_endpoints_named_200x50", wide);
}

#[test]
fn endpoint_text_names_only_addresses_the_capture_named() {
    use crate::stats::endpoints::Address;
    let session = Session::open(&sample_path("textbook-visit.pcap")).expect("sample");
    let names = session.names();
    let ip = |s: &str| s.parse::<std::net::IpAddr>().expect("ip");
    assert_eq!(
        tables::endpoint_text(&Address::Port(ip("10.77.0.2"), 80), Some(names)),
        "www.wirelens.test (10.77.0.2)"
    );
    assert_eq!(
        tables::endpoint_text(&Address::Ip(ip("10.77.0.2")), None),
        "10.77.0.2"
    );
    assert_eq!(
        tables::endpoint_text(&Address::Ip(ip("10.77.0.1")), Some(names)),
        "10.77.0.1"
    );
    assert_eq!(
        tables::endpoint_text(&Address::Ether([2, 0, 0, 0, 0, 1]), Some(names)),
        "02:00:00:00:00:01"
    );
}
