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
