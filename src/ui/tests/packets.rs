//! Screen tests of the packet list, details, conversations, help, filter bar,
//! panes and mouse, and of loading (preview, background filter, failures).

use super::*;

#[test]
fn help_lists_every_key_of_the_keymap() {
    let mut app = sample();
    key(&mut app, KeyCode::Char('?'));
    let s = screen(&mut app, 80, 24);
    for (k, what) in help_rows() {
        assert!(s.contains(&k), "{k} missing in\n{s}");
        assert!(s.contains(what), "{what} missing in\n{s}");
    }
}

#[test]
fn tab_cycles_panes_and_clicks_select() {
    let mut app = sample();
    screen(&mut app, 80, 24);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.packets.focus, crate::ui::packets_pane::Pane::Details);
    key(&mut app, KeyCode::BackTab);
    assert_eq!(app.packets.focus, crate::ui::packets_pane::Pane::List);
    // Click the fourth packet row (border and header above).
    let list = app.packets.areas.list;
    click(&mut app, list.x + 3, list.y + 2 + 3);
    assert_eq!(app.packets.selected, 3);
    // Click in the details pane focuses it and selects the line.
    let details = app.packets.areas.details;
    click(&mut app, details.x + 3, details.y + 2);
    assert_eq!(app.packets.focus, crate::ui::packets_pane::Pane::Details);
    assert_eq!(app.packets.detail_selected, 1);
    // The wheel over the list scrolls it.
    mouse(&mut app, MouseEventKind::ScrollDown, list.x + 3, list.y + 3);
    assert_eq!(app.packets.focus, crate::ui::packets_pane::Pane::List);
    assert_eq!(app.packets.selected, 6);
    // Resizing keeps the selection.
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("Frame 7:"), "{s}");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Frame 7:"), "{s}");
    assert_eq!(app.packets.selected, 6);
    // HTTP view: Tab moves between list and message, clicks select.
    key(&mut app, KeyCode::Char('h'));
    screen(&mut app, 80, 24);
    let msg = app.http.areas.message;
    click(&mut app, msg.x + 2, msg.y + 2);
    assert_eq!(
        app.http.state.as_ref().map(|h| h.focus),
        Some(crate::ui::http_pane::HttpFocus::Message)
    );
    key(&mut app, KeyCode::Tab);
    assert_eq!(
        app.http.state.as_ref().map(|h| h.focus),
        Some(crate::ui::http_pane::HttpFocus::List)
    );
}

#[test]
fn filter_bar_shows_errors_applies_and_remembers() {
    let mut app = sample();
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "tcp.prot == 80");
    let s = screen(&mut app, 80, 24);
    let lines: Vec<&str> = s.lines().collect();
    let input = lines
        .iter()
        .position(|l| l.contains("Filter: tcp.prot == 80"))
        .expect("input line");
    let column = lines[input].find("tcp.prot").unwrap_or(0);
    assert_eq!(lines[input + 1].find('^'), Some(column), "{s}");
    assert!(lines[input + 1].contains("^~~~~~~"), "{s}");
    assert!(lines[input + 2].contains("unknown field"), "{s}");
    assert!(
        lines[input + 1].contains("did you mean \"tcp.port\""),
        "{s}"
    );
    // Enter on an error keeps the prompt open.
    key(&mut app, KeyCode::Enter);
    assert!(app.prompt.is_some());
    for _ in 0.."tcp.prot == 80".len() {
        key(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "http");
    assert!(app
        .prompt
        .as_ref()
        .is_some_and(|p| p.filter_error.is_none()));
    key(&mut app, KeyCode::Enter);
    assert!(app.prompt.is_none());
    assert_eq!(app.status, "2 of 27 packets match");
    assert_eq!(app.packets.selected, 5, "the nearest match is selected");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("2 of 27 match \"http\""), "{s}");
    assert!(s.contains("GET / HTTP/1.1"), "{s}");
    assert!(s.contains("HTTP/1.1 200 OK"), "{s}");
    assert!(!s.contains("DNS"), "{s}");
    key(&mut app, KeyCode::Down);
    assert_eq!(app.packets.selected, 21);
    key(&mut app, KeyCode::Down);
    assert_eq!(app.packets.selected, 21);
    // A click on the first row selects frame 6.
    let list = app.packets.areas.list;
    click(&mut app, list.x + 3, list.y + 2);
    assert_eq!(app.packets.selected, 5);
    // Another filter, then the history brings both back.
    key(&mut app, KeyCode::Char('/'));
    for _ in 0..4 {
        key(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "tcp.flags.syn == 1");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.status, "2 of 27 packets match");
    assert_eq!(
        app.packets.selected, 3,
        "frame 4 is the match nearest frame 6"
    );
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Up);
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("tcp.flags.syn == 1")
    );
    key(&mut app, KeyCode::Up);
    assert_eq!(app.prompt.as_ref().map(|p| p.input.as_str()), Some("http"));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    assert_eq!(app.prompt.as_ref().map(|p| p.input.as_str()), Some(""));
    // An empty filter clears.
    key(&mut app, KeyCode::Enter);
    assert!(app.packets.filter.is_none());
    assert_eq!(app.status, "filter cleared");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("DNS"), "{s}");
}

#[test]
fn details_show_tcp_options_and_the_http_layer_once_indexed() {
    let path = manifest().join("sample-captures/textbook-visit.pcap");
    let trace = crate::session::Session::open(&path).expect("sample capture");
    let text = |index: usize| -> String {
        let view = trace.packet(index);
        crate::dissect::lines(&view)
            .iter()
            .map(|l| l.text.clone())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let syn = text(2);
    assert!(
        syn.contains("TCP Option - Maximum segment size: 1460 bytes"),
        "{syn}"
    );
    assert!(syn.contains("TCP Option - SACK permitted"), "{syn}");
    // Before the background index is built, no HTTP layer (and no waiting).
    assert!(!text(21).contains("Hypertext Transfer Protocol"));
    let _ = trace.http();
    let response = text(21);
    assert!(
        response.contains("Hypertext Transfer Protocol"),
        "{response}"
    );
    assert!(response.contains("HTTP/1.1 200 OK"), "{response}");
    assert!(
        response.contains("[8 Reassembled TCP Segments (11352 bytes): #8(1448), #10(1448)"),
        "{response}"
    );
    assert!(response.contains("File Data: 11088 bytes"), "{response}");
    let segment = text(9);
    assert!(
        segment.contains("TCP segment data (1448 bytes)"),
        "{segment}"
    );
}

#[test]
fn packet_list_details_and_bytes_at_80x24() {
    let mut app = sample();
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("No."), "{s}");
    assert!(s.contains("DNS"), "{s}");
    assert!(s.contains("Frame 1:"), "{s}");
    assert!(s.contains("0000  "), "{s}");
    assert!(s.contains("27 packets"), "{s}");
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("[SYN]"), "{s}");
    assert!(s.contains("Frame 3:"), "{s}");
}

#[test]
fn conversations_then_open_and_help() {
    let mut app = sample();
    key(&mut app, KeyCode::Char('c'));
    let s = screen(&mut app, 100, 24);
    assert!(s.contains("TCP 0"), "{s}");
    assert!(s.contains("10.77.0.2:80"), "{s}");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Packets);
    key(&mut app, KeyCode::Char('?'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("quit"), "{s}");
    key(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit);
}

#[test]
fn filters_run_in_the_background() {
    let mut app = sample();
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "tcp.flags.fin == 1");
    // Enter starts the job and returns: the list switches when it is done.
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    assert!(app.status.contains("filtering"), "{}", app.status);
    app.settle();
    let matches = app.packets.filter.as_ref().map(|f| f.matches.clone());
    assert_eq!(matches, Some(vec![23, 25]));
    assert!(
        app.status.contains("2 of 27 packets match"),
        "{}",
        app.status
    );
}

#[test]
fn a_preview_shows_while_the_whole_file_loads() {
    let path = manifest().join("sample-captures/textbook-visit.pcap");
    let preview = Trace::load(crate::capture::Capture::open(&path).expect("open"), |p| {
        p.packets < 1
    })
    .expect("preview");
    let mut app = App::headless("big.pcap".into());
    load(
        &mut app,
        crate::ui::loader::LoadEvent::Progress(crate::trace::Progress {
            bytes_read: 500,
            bytes_total: 1000,
            packets: 9,
        }),
    );
    load(
        &mut app,
        crate::ui::loader::LoadEvent::Preview(std::sync::Arc::new(preview.into())),
    );
    let s = screen(&mut app, 120, 30);
    assert!(s.contains("loading 50% (9 packets so far)"), "{s}");
    assert!(s.contains("Standard query 0x29ef"), "{s}");
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "tcp");
    key(&mut app, KeyCode::Enter);
    let full = Trace::open(&path).expect("full");
    load(
        &mut app,
        crate::ui::loader::LoadEvent::Done(Ok(std::sync::Arc::new(full.into()))),
    );
    assert!(!app.cx.loading);
    assert_eq!(
        app.packets.list_len(&app.cx),
        25,
        "the filter now covers the whole file"
    );
    let s = screen(&mut app, 120, 30);
    assert!(!s.contains("loading"), "{s}");
}

#[test]
fn a_loader_failure_is_shown_not_waited_for() {
    let mut app = App::headless("x.pcap".into());
    load(
        &mut app,
        crate::ui::loader::LoadEvent::Failed("internal error while loading: boom".into()),
    );
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("internal error while loading: boom"), "{s}");
    key(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit);
}

#[test]
fn details_layers_fold_and_stay_folded_from_packet_to_packet() {
    let mut app = at_frame(3);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.packets.focus, crate::ui::packets_pane::Pane::Details);
    let s = screen(&mut app, 120, 60);
    assert!(
        s.contains("▾ Ethernet II") && s.contains("Source: 02:77:00:00:00:01"),
        "{s}"
    );
    // Frame, then Link: fold it.
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 120, 60);
    assert!(s.contains("▸ Ethernet II"), "{s}");
    assert!(!s.contains("Source: 02:77:00:00:00:01"), "{s}");
    // The next packet keeps it folded; Right unfolds it.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Tab);
    let s = screen(&mut app, 120, 60);
    assert!(s.contains("Frame 4:") && s.contains("▸ Ethernet II"), "{s}");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Right);
    let s = screen(&mut app, 120, 60);
    assert!(s.contains("Source: 02:77:00:00:00:02"), "{s}");
}

#[test]
fn conversations_sort_and_show_how_they_ended() {
    let mut app = sample();
    key(&mut app, KeyCode::Char('c'));
    let s = screen(&mut app, 140, 24);
    assert!(s.contains("four-way close (client first)"), "{s}");
    // By first packet the DNS exchange (UDP 0) comes first; by bytes, TCP 0.
    assert_eq!(
        app.conversations.conversation_at(&app.cx, 0).map(|i| app
            .cx
            .trace
            .as_ref()
            .map(|t| t.conversations.all()[i as usize].protocol)),
        Some(Some(crate::flow::Protocol::Udp))
    );
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(
        app.conversations.sort,
        crate::ui::conversations_pane::ConversationSort::Bytes
    );
    let s = screen(&mut app, 140, 24);
    assert!(s.contains("Conversations by bytes"), "{s}");
    let first_row = s.lines().nth(3).unwrap_or_default();
    assert!(first_row.contains("TCP 0"), "{s}");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Packets);
}

#[test]
fn bytes_pane_highlights_the_field_and_a_click_on_a_byte_selects_it() {
    // Frame 3: the SYN; its TTL is byte 22 (Ethernet 14 + IPv4 offset 8).
    let mut app = at_frame(3);
    screen(&mut app, 120, 60);
    let bytes = app.packets.areas.bytes;
    // Row 1 of the dump (bytes 16..32), hex column of byte 22: 6 + 3 * 6.
    click(&mut app, bytes.x + 1 + 6 + 3 * 6, bytes.y + 1 + 1);
    assert_eq!(app.packets.focus, crate::ui::packets_pane::Pane::Bytes);
    assert_eq!(app.packets.byte_cursor, 22);
    let s = screen(&mut app, 120, 60);
    // The IPv4 layer opened at the TTL field: the narrowest line with byte 22.
    assert!(s.contains("Time to Live: 64"), "{s}");
    let text = |app: &App| {
        let view = app.cx.trace().expect("trace").packet(app.packets.selected);
        crate::dissect::lines(&view)
    };
    let lines = text(&app);
    let ttl = lines
        .iter()
        .find(|l| l.abbrev == "ip.ttl")
        .expect("ip.ttl line");
    assert_eq!(ttl.bytes, 22..23);
    // The ASCII column selects the same way: byte 23 is the protocol.
    click(&mut app, bytes.x + 1 + 55 + 7, bytes.y + 1 + 1);
    assert_eq!(app.packets.byte_cursor, 23);
    // Down in the bytes pane moves the cursor a row and follows the field.
    key(&mut app, KeyCode::Down);
    assert_eq!(app.packets.byte_cursor, 39);
    let s = screen(&mut app, 120, 60);
    assert!(s.contains("Destination Port: 80"), "{s}");
}

#[test]
fn capital_r_toggles_names_from_the_captured_dns() {
    let mut app = sample();
    let s = screen(&mut app, 120, 30);
    let syn = s
        .lines()
        .find(|l| l.contains("[SYN] Seq=0"))
        .expect("the SYN row");
    assert!(!syn.contains("www.wirelens.te"), "{syn}");
    key(&mut app, KeyCode::Char('R'));
    let s = screen(&mut app, 120, 30);
    // Frame 3, the SYN to the server the DNS answer named (the column cuts
    // the name to its width).
    let syn = s
        .lines()
        .find(|l| l.contains("[SYN] Seq=0"))
        .expect("the SYN row");
    assert!(
        syn.contains("10.77.0.1") && syn.contains("www.wirelens.te"),
        "{syn}"
    );
    assert!(s.contains("names from the captured DNS"), "{s}");
    key(&mut app, KeyCode::Char('R'));
    let s = screen(&mut app, 120, 30);
    let syn = s
        .lines()
        .find(|l| l.contains("[SYN] Seq=0"))
        .expect("the SYN row");
    assert!(
        syn.contains("10.77.0.2") && !syn.contains("www.wirelens.te"),
        "{syn}"
    );
}

#[test]
fn the_names_toggle_names_the_conversations_and_the_ladder_heads() {
    let mut app = sample();
    key(&mut app, KeyCode::Char('R'));
    key(&mut app, KeyCode::Char('c'));
    let s = screen(&mut app, 120, 30);
    // The TCP conversation's server, named by the DNS answer of frame 2.
    assert!(s.contains("www.wirelens.test:80"), "{s}");
    // Off again (in the packet list, where the toggle is).
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('R'));
    key(&mut app, KeyCode::Char('c'));
    let s = screen(&mut app, 120, 30);
    assert!(!s.contains("www.wirelens.test:80"), "{s}");
    assert!(s.contains("10.77.0.2:80"), "{s}");
    // The ladder's heads keep the address beside the name.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('R'));
    for _ in 0..2 {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Char('l'));
    let s = screen(&mut app, 120, 30);
    assert!(s.contains("www.wirelens.test (10.77.0.2:80)"), "{s}");
}
