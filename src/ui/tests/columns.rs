//! Screen tests of the packet list's columns and colours: content-sized
//! columns (full IPv6 addresses), custom, hidden and resized columns, the
//! time formats, the colouring rules and the themes.

use super::navigation::{snap, styled_bottom};
use super::*;
use ratatui::style::Color;

pub(super) fn ipv6_trace() -> Trace {
    let mut file = Vec::new();
    for v in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 65535, 1] {
        file.extend_from_slice(&v.to_le_bytes());
    }
    // Version and minor above are one u32: fix them as pcap wants u16s.
    file[4..8].copy_from_slice(&[2, 0, 4, 0]);
    let a: [u8; 16] = [
        0x20, 0x01, 0x0d, 0xb8, 0x85, 0xa3, 0x11, 0x11, 0x22, 0x22, 0x8a, 0x2e, 0x03, 0x70, 0x73,
        0x34,
    ];
    let mut b = a;
    b[15] = 0x35;
    for (n, (src, dst)) in [(a, b), (b, a)].into_iter().enumerate() {
        let payload = b"hi";
        let mut frame = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x86, 0xdd];
        frame.extend_from_slice(&[0x60, 0, 0, 0]);
        frame.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
        frame.extend_from_slice(&[17, 64]);
        frame.extend_from_slice(&src);
        frame.extend_from_slice(&dst);
        frame.extend_from_slice(&[0x13, 0x88, 0x17, 0x70, 0, 10, 0, 0]);
        frame.extend_from_slice(payload);
        for v in [
            1_700_000_000 + n as u32,
            0,
            frame.len() as u32,
            frame.len() as u32,
        ] {
            file.extend_from_slice(&v.to_le_bytes());
        }
        file.extend_from_slice(&frame);
    }
    let capture =
        crate::capture::Capture::from_bytes(crate::capture::CaptureBytes::Owned(file), "v6".into())
            .expect("capture");
    Trace::load(capture, |_| true).expect("trace")
}

#[test]
fn columns_fit_ipv6_and_are_added_hidden_and_timed() {
    let mut app = App::with_trace("v6.pcap".into(), ipv6_trace());
    let full_a = "2001:db8:85a3:1111:2222:8a2e:370:7334";
    let full_b = "2001:db8:85a3:1111:2222:8a2e:370:7335";
    let s = screen(&mut app, 120, 30);
    assert!(
        s.contains(full_a) && s.contains(full_b),
        "both in full at 120 columns:\n{s}"
    );
    snap(&mut app, "ipv6_columns");
    let s = screen(&mut app, 80, 24);
    assert!(!s.contains(full_a), "{s}");
    assert!(
        s.contains("2001:db8:85a3:1111:2222:8a2…"),
        "cut with an ellipsis:\n{s}"
    );
    // A custom column, then Time hidden and shown again.
    key(&mut app, KeyCode::Char('+'));
    keys(&mut app, "udp.src");
    key(&mut app, KeyCode::Tab);
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("udp.srcport ")
    );
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.status, "column udp.srcport added");
    let s = screen(&mut app, 200, 50);
    let header = s
        .lines()
        .find(|l| l.contains("No."))
        .unwrap_or_default()
        .to_string();
    assert!(header.contains("udp.srcport"), "{header}");
    assert!(s.contains("5000") && s.contains("6000"), "{s}");
    key(&mut app, KeyCode::Char('-'));
    keys(&mut app, "time");
    key(&mut app, KeyCode::Enter);
    let s = screen(&mut app, 200, 50);
    let header = s
        .lines()
        .find(|l| l.contains("No."))
        .unwrap_or_default()
        .to_string();
    assert!(!header.contains("Time"), "{header}");
    key(&mut app, KeyCode::Char('+'));
    keys(&mut app, "Time");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.status, "column Time shown");
    // Time formats, as tshark's -t: d, dd, a, ad, u, ud, e, back to r.
    key(&mut app, KeyCode::Char('T'));
    assert_eq!(
        app.status,
        "time display format: seconds since previous captured packet"
    );
    key(&mut app, KeyCode::Char('T'));
    assert_eq!(
        app.status,
        "time display format: seconds since previous displayed packet"
    );
    for _ in 0..4 {
        key(&mut app, KeyCode::Char('T'));
    }
    assert_eq!(app.status, "time display format: UTC date and time of day");
    let s = screen(&mut app, 200, 50);
    assert!(s.contains("2023-11-14 22:13:21.000000"), "{s}");
    key(&mut app, KeyCode::Char('T'));
    let s = screen(&mut app, 200, 50);
    assert!(s.contains("1700000001.000000"), "{s}");
    key(&mut app, KeyCode::Char('T'));
    let s = screen(&mut app, 200, 50);
    assert!(s.contains("1.000000"), "{s}");
}

#[test]
fn rows_take_the_colouring_rules_of_the_config_and_no_color_has_none() {
    let mut app = at_frame(5);
    let bg_of_row = |app: &mut App, row: u16| {
        app.handle(Event::Resize(200, 50));
        let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
        terminal.draw(|f| app.draw(f)).expect("draw");
        let buf = terminal.backend().buffer().clone();
        // Border, header, then the rows from frame 1.
        buf[(3, 1 + row)].bg
    };
    // Wireshark 4.0's default rules: frame 1 (DNS) is "UDP", [56026,61166,65535]
    // as background; frame 3 (a SYN to port 80) is "HTTP" (tcp.port == 80 comes first).
    assert_eq!(bg_of_row(&mut app, 1), Color::Rgb(0xda, 0xee, 0xff));
    assert_eq!(bg_of_row(&mut app, 3), Color::Rgb(0xe4, 0xff, 0xc7));
    // A user's colorfilters: one rule for DNS.
    let mut config = crate::config::Config::default();
    config.colors = crate::config::colors::ColorRules::parse("@DNS@dns@[65535,0,0][0,0,0]\n");
    app.configure(config.clone(), crate::config::Theme::Dark);
    assert_eq!(bg_of_row(&mut app, 1), Color::Rgb(0xff, 0, 0));
    app.configure(config, crate::config::Theme::None);
    assert_eq!(bg_of_row(&mut app, 1), Color::Reset);
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "tcp");
    let prompt = styled_bottom(&mut app, 80, 24, 1);
    assert!(
        !prompt.contains("[Green]"),
        "no colour with NO_COLOR: {prompt}"
    );
}

#[test]
fn columns_are_picked_and_resized_with_braces_and_parentheses() {
    let mut app = sample();
    let before = screen(&mut app, 120, 24);
    let header_at = |s: &str, name: &str| {
        s.lines()
            .find(|l| l.contains("No.") && l.contains("Info"))
            .and_then(|l| l.find(name))
            .unwrap_or_default()
    };
    // No. is column 0; } picks Time, then Source.
    key(&mut app, KeyCode::Char('}'));
    assert!(
        app.status.starts_with("column Time picked"),
        "{}",
        app.status
    );
    key(&mut app, KeyCode::Char('}'));
    assert!(
        app.status.starts_with("column Source picked"),
        "{}",
        app.status
    );
    for _ in 0..6 {
        key(&mut app, KeyCode::Char(')'));
    }
    assert!(app.status.contains("config: width = "), "{}", app.status);
    let after = screen(&mut app, 120, 24);
    snap(&mut app, "column_widened");
    assert_eq!(
        header_at(&after, "Destination"),
        header_at(&before, "Destination") + 6,
        "{before}\n{after}"
    );
    // { back to Time, ( narrows it: Source moves left by as much.
    key(&mut app, KeyCode::Char('{'));
    assert!(
        app.status.starts_with("column Time picked"),
        "{}",
        app.status
    );
    key(&mut app, KeyCode::Char('('));
    key(&mut app, KeyCode::Char('('));
    let narrowed = screen(&mut app, 120, 24);
    assert_eq!(
        header_at(&narrowed, "Source"),
        header_at(&after, "Source") - 2,
        "{narrowed}"
    );
    // Info is not resized: it takes what is left.
    for _ in 0..10 {
        key(&mut app, KeyCode::Char('}'));
        if app.status.starts_with("column Info") {
            break;
        }
    }
    key(&mut app, KeyCode::Char(')'));
    assert!(app.status.contains("Info takes"), "{}", app.status);
}

#[test]
fn the_config_s_widths_are_followed() {
    let config = crate::config::Config::from_toml(
        "[display]\ncolumns = [\"No.\", { title = \"Source\", width = 30 }, \"Destination\", \"Info\"]\n",
    )
    .expect("config");
    let mut app = sample();
    app.configure(config, crate::config::Theme::Dark);
    let s = screen(&mut app, 120, 24);
    let header = s
        .lines()
        .find(|l| l.contains("No.") && l.contains("Info"))
        .unwrap_or_default();
    let (src, dst) = (
        header.find("Source").unwrap_or_default(),
        header.find("Destination").unwrap_or_default(),
    );
    assert_eq!(dst - src, 31, "{s}");
}

/// The foreground of each packet-list row's No. cell, one row a line.
fn row_colours(app: &mut App, w: u16, h: u16) -> String {
    app.handle(Event::Resize(w, h));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| app.draw(f)).expect("draw");
    let buf = terminal.backend().buffer().clone();
    let list = app.packets.areas.list;
    let mut out = String::new();
    for y in list.y + 2..list.bottom().saturating_sub(1) {
        let cell = &buf[(list.x + 1, y)];
        let text: String = (list.x + 1..list.x + 6)
            .map(|x| buf[(x, y)].symbol())
            .collect();
        out.push_str(&format!("{} {:?} {:?}\n", text.trim(), cell.fg, cell.bg));
    }
    out
}

#[test]
fn light_and_dark_themes_are_drawn_differently() {
    let config =
        || crate::config::Config::from_toml("[colors]\nenabled = false\n").expect("config");
    let mut shots = Vec::new();
    for theme in [
        crate::config::Theme::Dark,
        crate::config::Theme::Light,
        crate::config::Theme::None,
    ] {
        let mut app = sample();
        app.configure(config(), theme);
        let rows = row_colours(&mut app, 200, 50);
        key(&mut app, KeyCode::Char('/'));
        keys(&mut app, "tcp.port ~= 80");
        let prompt = styled_bottom(&mut app, 80, 24, 2);
        insta::assert_snapshot!(format!("theme_{}", theme.name()), format!("{rows}{prompt}"));
        shots.push((rows, prompt));
    }
    let (dark, light, none) = (&shots[0], &shots[1], &shots[2]);
    assert_ne!(dark.0, light.0, "rows");
    assert_ne!(dark.1, light.1, "prompt");
    // Dark: the terminal's named colours; light: darker RGB on pale.
    assert!(
        dark.0.contains("Cyan") && !light.0.contains("Cyan"),
        "{}",
        light.0
    );
    assert!(
        light.1.contains("[Rgb(255, 240, 156)]tcp.port ~= 80"),
        "{}",
        light.1
    );
    assert!(
        !none.0.contains("Rgb") && !none.0.contains("Cyan"),
        "{}",
        none.0
    );
    assert!(!none.1.contains('['), "no colour at all: {}", none.1);
}
