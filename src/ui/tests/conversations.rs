//! Screen tests of the conversations view: the streams table and the
//! per-layer tabs (Ethernet, IPv4, IPv6, TCP, UDP) with A → B and B → A,
//! sorting, reversing and Apply as Filter.

use super::navigation::snap;
use super::*;

#[test]
fn conversations_reverse_and_apply_as_filter() {
    let mut app = sample();
    key(&mut app, KeyCode::Char('c'));
    let s = screen(&mut app, 200, 50);
    assert!(s.contains("Pkts A→B") && s.contains("Bytes B→A"), "{s}");
    snap(&mut app, "conversations_directions");
    // In order of first packet: the DNS exchange, then the TCP connection.
    assert_eq!(app.conversations.current(&app.cx), Some(0));
    key(&mut app, KeyCode::Char('S'));
    assert_eq!(app.status, "conversations by first packet, reversed");
    let first_reversed = app.conversations.current(&app.cx);
    key(&mut app, KeyCode::Char('g'));
    assert_ne!(app.conversations.current(&app.cx), first_reversed);
    let trace = app.cx.trace.clone().expect("trace");
    let tcp = (0..2u32)
        .find(|&i| {
            trace
                .conversations
                .get(i)
                .is_some_and(|c| c.protocol == crate::flow::Protocol::Tcp)
        })
        .expect("a TCP conversation");
    while app.conversations.current(&app.cx) != Some(tcp) {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Char('/'));
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("ip.addr==10.77.0.1 && tcp.port==60918 && ip.addr==10.77.0.2 && tcp.port==80")
    );
    key(&mut app, KeyCode::Enter);
    // tshark -Y with the same filter: 25 frames (3 to 27).
    assert_eq!(app.status, "25 of 27 packets match");
    assert_eq!(app.view, View::Packets);
}

#[test]
fn layer_tabs_count_as_tshark_and_apply_as_filter() {
    let mut app = sample();
    key(&mut app, KeyCode::Char('c'));
    // Tab: Ethernet, IPv4, IPv6, TCP, UDP, then the streams again.
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.status, "conversations: Ethernet");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("[Ethernet · 1]"), "{s}");
    key(&mut app, KeyCode::Tab);
    snap(&mut app, "conversations_ipv4");
    let s = screen(&mut app, 200, 50);
    // tshark -z conv,ip: 10.77.0.1 <-> 10.77.0.2, 27 frames: 14 ->, 13 <-.
    let t = app.conversations.layers.shown().expect("IPv4 tab");
    let c = t.current().expect("a row");
    assert_eq!(
        (c.packets(), c.ab_packets, c.ba_packets),
        (27, 14, 13),
        "{s}"
    );
    assert!(s.contains("Bytes A→B") && s.contains("Rel Start"), "{s}");
    key(&mut app, KeyCode::Char('/'));
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("ip.addr==10.77.0.1 && ip.addr==10.77.0.2")
    );
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.status, "27 of 27 packets match");
    key(&mut app, KeyCode::Char('c'));
    // The TCP tab: sort, reverse, and the stream views from a row.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.status, "conversations: TCP");
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.status, "TCP conversations by bytes");
    key(&mut app, KeyCode::Char('S'));
    assert_eq!(app.status, "TCP conversations by bytes, reversed");
    snap(&mut app, "conversations_tcp");
    key(&mut app, KeyCode::Char('f'));
    assert_eq!(app.view, View::Follow);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('c'));
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.status, "conversations: UDP");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Packets);
    assert_eq!(app.packets.selected, 0, "the DNS query is frame 1");
    key(&mut app, KeyCode::Char('c'));
    key(&mut app, KeyCode::BackTab);
    assert_eq!(app.status, "conversations: TCP");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    assert!(app.conversations.layers.kind().is_none(), "back to streams");
}
