//! Key names of the configuration's `[keys]` table: `"q"`, `"G"`,
//! `"ctrl-f"`, `"alt-x"`, `"shift-tab"`, `"enter"`, `"f5"` and so on, read
//! into a crossterm key code and modifiers.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeySpec {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeySpec {
    /// Reads a key name (case matters for letters: `"G"` is shift-g;
    /// modifiers and named keys are case-insensitive).
    pub fn parse(text: &str) -> Option<KeySpec> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (m, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            modifiers |= m;
            rest = &rest[len..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            (None, _) => return None,
            _ => named(&rest.to_ascii_lowercase())?,
        };
        // Shift-tab is what terminals send as BackTab.
        let code = match code {
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            c => c,
        };
        Some(KeySpec { code, modifiers })
    }

    /// Whether `event` is this key. Letters compare as typed (`G` carries
    /// Shift or not depending on the terminal, so Shift is ignored for
    /// characters).
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let ignore = match event.code {
            KeyCode::Char(_) | KeyCode::BackTab => KeyModifiers::SHIFT,
            _ => KeyModifiers::NONE,
        };
        event.code == self.code
            && event.modifiers.difference(ignore) == self.modifiers.difference(ignore)
    }
}

fn named(name: &str) -> Option<KeyCode> {
    Some(match name {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "space" => KeyCode::Char(' '),
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" => KeyCode::Insert,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" | "pgup" => KeyCode::PageUp,
        "pagedown" | "pgdn" => KeyCode::PageDown,
        f if f.starts_with('f') => match f[1..].parse::<u8>() {
            Ok(n @ 1..=12) => KeyCode::F(n),
            _ => return None,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_are_read() {
        let k = |t: &str| KeySpec::parse(t).map(|k| (k.code, k.modifiers));
        assert_eq!(k("q"), Some((KeyCode::Char('q'), KeyModifiers::NONE)));
        assert_eq!(k("G"), Some((KeyCode::Char('G'), KeyModifiers::NONE)));
        assert_eq!(
            k("Ctrl-F"),
            Some((KeyCode::Char('F'), KeyModifiers::CONTROL))
        );
        assert_eq!(
            k("ctrl-f"),
            Some((KeyCode::Char('f'), KeyModifiers::CONTROL))
        );
        assert_eq!(
            k("ctrl-alt-x"),
            Some((
                KeyCode::Char('x'),
                KeyModifiers::CONTROL | KeyModifiers::ALT
            ))
        );
        assert_eq!(
            k("shift-tab"),
            Some((KeyCode::BackTab, KeyModifiers::SHIFT))
        );
        assert_eq!(k("F5"), Some((KeyCode::F(5), KeyModifiers::NONE)));
        assert_eq!(k("space"), Some((KeyCode::Char(' '), KeyModifiers::NONE)));
        assert_eq!(k("-"), Some((KeyCode::Char('-'), KeyModifiers::NONE)));
        for bad in ["", "ctrl-", "f13", "hyper-x", "enterr"] {
            assert_eq!(k(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn events_match_as_typed() {
        let spec = KeySpec::parse("ctrl-f").expect("key");
        assert!(spec.matches(&KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL)));
        assert!(!spec.matches(&KeyEvent::new(KeyCode::Char('f'), KeyModifiers::NONE)));
        let g = KeySpec::parse("G").expect("key");
        assert!(g.matches(&KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)));
        assert!(g.matches(&KeyEvent::new(KeyCode::Char('G'), KeyModifiers::NONE)));
        let bt = KeySpec::parse("shift-tab").expect("key");
        assert!(bt.matches(&KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)));
    }
}
