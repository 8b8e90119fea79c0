//! The colours of each theme (the config's `theme = "dark" | "light" |
//! "none"`): the packet list's own row colours (where no colouring rule
//! applies) and the filter prompt's valid / deprecated / invalid
//! backgrounds. Dark uses the terminal's bright colours, which read on a
//! dark background; light uses darker ones and pale backgrounds, which read
//! on a white one; none has no colour at all (`NO_COLOR`).

use crate::config::Theme;
use ratatui::style::{Color, Modifier, Style};

/// One theme's colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// A verifiably wrong checksum.
    pub bad_checksum: Style,
    /// A TCP analysis problem (retransmission, lost segment …).
    pub problem: Style,
    pub rst: Style,
    pub syn_fin: Style,
    pub http: Style,
    pub udp: Style,
    /// ARP, ICMP and ICMPv6.
    pub control: Style,
    /// The filter prompt: compiles, compiles with a deprecation, does not.
    pub valid: Style,
    pub deprecated: Style,
    pub invalid: Style,
    /// The deprecation warning's text under the prompt.
    pub warning: Style,
}

const fn fg(c: Color) -> Style {
    Style::new().fg(c)
}

const fn on(fg: Color, bg: Color) -> Style {
    Style::new().fg(fg).bg(bg)
}

const DARK: Palette = Palette {
    bad_checksum: on(Color::Black, Color::Red),
    problem: fg(Color::Red).add_modifier(Modifier::BOLD),
    rst: fg(Color::Red),
    syn_fin: fg(Color::DarkGray).add_modifier(Modifier::BOLD),
    http: fg(Color::Green),
    udp: fg(Color::Cyan),
    control: fg(Color::Yellow),
    valid: on(Color::Black, Color::Green),
    deprecated: on(Color::Black, Color::Yellow),
    invalid: on(Color::White, Color::Red),
    warning: fg(Color::Yellow),
};

const LIGHT: Palette = Palette {
    bad_checksum: on(Color::Black, Color::Rgb(0xff, 0x9c, 0x9c)),
    problem: fg(Color::Rgb(0xb0, 0x00, 0x00)).add_modifier(Modifier::BOLD),
    rst: fg(Color::Rgb(0xb0, 0x00, 0x00)),
    syn_fin: fg(Color::Rgb(0x60, 0x60, 0x60)).add_modifier(Modifier::BOLD),
    http: fg(Color::Rgb(0x00, 0x70, 0x00)),
    udp: fg(Color::Rgb(0x00, 0x40, 0xa0)),
    control: fg(Color::Rgb(0x80, 0x50, 0x00)),
    valid: on(Color::Black, Color::Rgb(0xaf, 0xff, 0xaf)),
    deprecated: on(Color::Black, Color::Rgb(0xff, 0xf0, 0x9c)),
    invalid: on(Color::Black, Color::Rgb(0xff, 0xaf, 0xaf)),
    warning: fg(Color::Rgb(0x80, 0x50, 0x00)),
};

const NONE: Palette = Palette {
    bad_checksum: Style::new(),
    problem: Style::new(),
    rst: Style::new(),
    syn_fin: Style::new(),
    http: Style::new(),
    udp: Style::new(),
    control: Style::new(),
    valid: Style::new(),
    deprecated: Style::new(),
    invalid: Style::new(),
    warning: Style::new(),
};

/// The colours of `theme`.
pub fn palette(theme: Theme) -> &'static Palette {
    match theme {
        Theme::Dark => &DARK,
        Theme::Light => &LIGHT,
        Theme::None => &NONE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_and_dark_differ_and_none_has_no_colour() {
        assert_ne!(palette(Theme::Dark), palette(Theme::Light));
        let n = palette(Theme::None);
        for s in [n.problem, n.http, n.valid, n.invalid, n.deprecated] {
            assert_eq!((s.fg, s.bg), (None, None));
        }
        // Light's backgrounds are pale (every channel high), for black text.
        for s in [LIGHT.valid, LIGHT.deprecated, LIGHT.invalid] {
            assert!(matches!(s.bg, Some(Color::Rgb(r, g, b)) if r.min(g).min(b) >= 0x9c));
            assert_eq!(s.fg, Some(Color::Black));
        }
    }
}
