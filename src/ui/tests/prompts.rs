//! Screen tests of the prompts: readline editing, paste, the filter's
//! colours as it is typed (valid green, deprecated yellow, invalid red) and
//! completion of field names, operators and values, with its dropdown.

use super::navigation::{ctrl, snap, styled_bottom};
use super::*;

#[test]
fn the_filter_prompt_colours_edits_and_completes() {
    let mut app = sample();
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "tcp.por");
    let invalid = styled_bottom(&mut app, 80, 24, 3);
    assert!(invalid.contains("[Red]tcp.por"), "{invalid}");
    key(&mut app, KeyCode::Char('t'));
    let valid = styled_bottom(&mut app, 80, 24, 1);
    assert!(valid.contains("[Green]tcp.port"), "{valid}");
    insta::assert_snapshot!("filter_colours_80x24", format!("{invalid}{valid}"));
    // Readline: to the start, a word in front, the end.
    ctrl(&mut app, 'a');
    keys(&mut app, "udp or ");
    ctrl(&mut app, 'e');
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("udp or tcp.port")
    );
    ctrl(&mut app, 'w');
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("udp or ")
    );
    // Completion: the common part at once, a dropdown for the rest.
    keys(&mut app, "tcp.flags.s");
    key(&mut app, KeyCode::Tab);
    snap(&mut app, "completion");
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("tcp.flags.syn") && s.contains("tcp.flags.str"),
        "{s}"
    );
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("udp or tcp.flags.syn ")
    );
    keys(&mut app, "== ");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("udp or tcp.flags.syn == 1 ")
    );
    let colours = styled_bottom(&mut app, 200, 50, 1);
    assert!(
        colours.contains("[Green]udp or tcp.flags.syn == 1"),
        "{colours}"
    );
    insta::assert_snapshot!("filter_colours_200x50", colours);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.status, "4 of 27 packets match");
    // `/` again: the filter selected, a key replaces it.
    key(&mut app, KeyCode::Char('/'));
    assert!(app.prompt.as_ref().is_some_and(|p| p.selected));
    keys(&mut app, "dns");
    assert_eq!(app.prompt.as_ref().map(|p| p.input.as_str()), Some("dns"));
    // A paste goes in at the cursor.
    app.handle(Event::Paste(" or arp\n".into()));
    assert_eq!(
        app.prompt.as_ref().map(|p| p.input.as_str()),
        Some("dns or arp ")
    );
    // Alt-B moves a word back instead of closing the prompt.
    app.handle(Event::Key(KeyEvent::new(
        KeyCode::Char('b'),
        KeyModifiers::ALT,
    )));
    assert!(app.prompt.is_some());
    assert_eq!(app.prompt.as_ref().map(|p| p.cursor), Some(7));
}

#[test]
fn a_deprecated_operator_is_yellow_with_wiresharks_warning() {
    let mut app = sample();
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "tcp.port ~= 80");
    let s = styled_bottom(&mut app, 80, 24, 2);
    assert!(s.contains("[Yellow]tcp.port ~= 80"), "{s}");
    assert!(
        s.contains(crate::filter::deprecated::ANY_NE),
        "the warning under the input: {s}"
    );
    insta::assert_snapshot!("filter_deprecated_80x24", s);
    snap(&mut app, "filter_deprecated");
    // `!==` is the spelling Wireshark asks for: green, no warning.
    for _ in 0..5 {
        key(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "!== 80");
    let s = styled_bottom(&mut app, 80, 24, 1);
    assert!(s.contains("[Green]tcp.port !== 80"), "{s}");
    assert!(app
        .prompt
        .as_ref()
        .is_some_and(|p| p.filter_warning.is_none()));
    // It still applies, as in Wireshark.
    for _ in 0..6 {
        key(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "~= 80");
    key(&mut app, KeyCode::Enter);
    assert!(app.prompt.is_none());
    assert!(app.status.contains("packets match"), "{}", app.status);
}

#[test]
fn values_complete_from_the_capture() {
    let mut app = sample();
    app.settle();
    key(&mut app, KeyCode::Char('/'));
    keys(&mut app, "ip.addr == ");
    key(&mut app, KeyCode::Tab);
    let c = app
        .prompt
        .as_ref()
        .and_then(|p| p.completion.clone())
        .expect("a dropdown of addresses");
    assert!(c.items.len() >= 2, "{:?}", c.items);
    assert!(c
        .items
        .iter()
        .all(|i| i.parse::<std::net::IpAddr>().is_ok()));
    snap(&mut app, "completion_values");
    key(&mut app, KeyCode::Enter);
    let input = app
        .prompt
        .as_ref()
        .map(|p| p.input.clone())
        .unwrap_or_default();
    assert_eq!(input, format!("ip.addr == {} ", c.items[0]));
    assert!(app
        .prompt
        .as_ref()
        .is_some_and(|p| p.filter_error.is_none()));
    // Hosts after http.host ==, quoted; a typed start narrows them.
    ctrl(&mut app, 'u');
    keys(&mut app, "http.host == ");
    key(&mut app, KeyCode::Tab);
    let p = app.prompt.as_ref().expect("prompt");
    let hosts: Vec<String> = match &p.completion {
        Some(c) => c.items.clone(),
        // One host: completed at once.
        None => vec![p.input["http.host == ".len()..].trim_end().to_string()],
    };
    assert!(
        !hosts.is_empty() && hosts.iter().all(|h| h.starts_with('"')),
        "{hosts:?} in {:?}",
        p.input
    );
    if app.prompt.as_ref().is_some_and(|p| p.completion.is_some()) {
        key(&mut app, KeyCode::Enter);
    }
    key(&mut app, KeyCode::Enter);
    assert!(app.status.contains("packets match"), "{}", app.status);
}
