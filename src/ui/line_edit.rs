//! Readline editing of a prompt's input: the cursor moves by characters
//! (←/→, Ctrl-B/F), words (Alt-B/F, Ctrl-←/→) and to either end (Home/End,
//! Ctrl-A/E); Ctrl-U, Ctrl-K and Ctrl-W cut before, after and the word
//! before the cursor, Alt-D the word after; Backspace and Delete remove one
//! character; pasted text is inserted at the cursor. An input opened
//! "selected" (the filter, when `/` opens it) is replaced by the first
//! character typed or pasted, and kept by any motion, as in a GUI text box.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A line of input and its cursor (a character index, `0..=len`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEdit {
    pub text: String,
    pub cursor: usize,
    /// The whole text is selected: typing replaces it.
    pub selected: bool,
}

/// What a key did to the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The text changed.
    Changed,
    /// Only the cursor or the selection moved.
    Moved,
    /// Not an editing key.
    Ignored,
}

impl LineEdit {
    /// `text` with the cursor at its end.
    pub fn new(text: String) -> LineEdit {
        let cursor = text.chars().count();
        LineEdit {
            text,
            cursor,
            selected: false,
        }
    }

    /// `text`, all of it selected.
    pub fn selected(text: String) -> LineEdit {
        LineEdit {
            selected: !text.is_empty(),
            ..LineEdit::new(text)
        }
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// The byte offset of character `i`.
    fn byte(&self, i: usize) -> usize {
        self.text
            .char_indices()
            .nth(i)
            .map_or(self.text.len(), |(b, _)| b)
    }

    fn chars(&self) -> Vec<char> {
        self.text.chars().collect()
    }

    /// The start of the word before the cursor (readline's backward-word).
    fn word_back(&self) -> usize {
        let c = self.chars();
        let mut i = self.cursor.min(c.len());
        while i > 0 && !c[i - 1].is_alphanumeric() {
            i -= 1;
        }
        while i > 0 && c[i - 1].is_alphanumeric() {
            i -= 1;
        }
        i
    }

    /// The end of the word after the cursor (readline's forward-word).
    fn word_forward(&self) -> usize {
        let c = self.chars();
        let mut i = self.cursor.min(c.len());
        while i < c.len() && !c[i].is_alphanumeric() {
            i += 1;
        }
        while i < c.len() && c[i].is_alphanumeric() {
            i += 1;
        }
        i
    }

    /// The start of the whitespace-separated word before the cursor (Ctrl-W).
    fn rubout_start(&self) -> usize {
        let c = self.chars();
        let mut i = self.cursor.min(c.len());
        while i > 0 && c[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !c[i - 1].is_whitespace() {
            i -= 1;
        }
        i
    }

    /// Removes characters `from..to`, leaving the cursor at `from`.
    fn cut(&mut self, from: usize, to: usize) -> Edit {
        let (a, b) = (self.byte(from.min(to)), self.byte(from.max(to)));
        if a == b {
            return Edit::Moved;
        }
        self.text.replace_range(a..b, "");
        self.cursor = from.min(to);
        Edit::Changed
    }

    fn take_selection(&mut self) {
        if self.selected {
            self.text.clear();
            self.cursor = 0;
            self.selected = false;
        }
    }

    /// Inserts `s` at the cursor (replacing a selection); control
    /// characters (a pasted newline, tab) become spaces.
    pub fn insert(&mut self, s: &str) -> Edit {
        self.take_selection();
        let clean: String = s
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let at = self.byte(self.cursor);
        self.text.insert_str(at, &clean);
        self.cursor += clean.chars().count();
        Edit::Changed
    }

    /// Moves the cursor to `to`, ending a selection.
    fn go(&mut self, to: usize) -> Edit {
        self.selected = false;
        self.cursor = to.min(self.len());
        Edit::Moved
    }

    /// Applies an editing key.
    pub fn key(&mut self, key: &KeyEvent) -> Edit {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let cursor = self.cursor.min(self.len());
        match key.code {
            KeyCode::Left if ctrl || alt => self.go(self.word_back()),
            KeyCode::Right if ctrl || alt => self.go(self.word_forward()),
            KeyCode::Left => self.go(cursor.saturating_sub(1)),
            KeyCode::Right => self.go(cursor + 1),
            KeyCode::Home => self.go(0),
            KeyCode::End => self.go(usize::MAX),
            KeyCode::Backspace if alt || ctrl => {
                self.selected = false;
                self.cut(self.word_back(), cursor)
            }
            KeyCode::Backspace => {
                if self.selected {
                    self.take_selection();
                    return Edit::Changed;
                }
                self.cut(cursor.saturating_sub(1), cursor)
            }
            KeyCode::Delete => {
                if self.selected {
                    self.take_selection();
                    return Edit::Changed;
                }
                self.cut(cursor, cursor + 1)
            }
            KeyCode::Char(c) if alt => match c {
                'b' => self.go(self.word_back()),
                'f' => self.go(self.word_forward()),
                'd' => {
                    self.selected = false;
                    self.cut(cursor, self.word_forward())
                }
                _ => Edit::Ignored,
            },
            KeyCode::Char(c) if ctrl => {
                self.selected = false;
                match c {
                    'a' => self.go(0),
                    'e' => self.go(usize::MAX),
                    'b' => self.go(cursor.saturating_sub(1)),
                    'f' => self.go(cursor + 1),
                    'u' => self.cut(0, cursor),
                    'k' => self.cut(cursor, self.len()),
                    'w' => self.cut(self.rubout_start(), cursor),
                    'd' => self.cut(cursor, cursor + 1),
                    _ => Edit::Ignored,
                }
            }
            KeyCode::Char(c) => self.insert(c.encode_utf8(&mut [0; 4])),
            _ => Edit::Ignored,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(e: &mut LineEdit, code: KeyCode, m: KeyModifiers) -> Edit {
        e.key(&KeyEvent::new(code, m))
    }

    fn typed(e: &mut LineEdit, s: &str) {
        for c in s.chars() {
            press(e, KeyCode::Char(c), KeyModifiers::NONE);
        }
    }

    const C: KeyModifiers = KeyModifiers::CONTROL;
    const A: KeyModifiers = KeyModifiers::ALT;
    const N: KeyModifiers = KeyModifiers::NONE;

    #[test]
    fn readline_motions_and_cuts() {
        let mut e = LineEdit::new("ip.addr == 10.0.0.1".into());
        assert_eq!(e.cursor, 19);
        press(&mut e, KeyCode::Char('a'), C);
        assert_eq!(e.cursor, 0);
        press(&mut e, KeyCode::Char('f'), A);
        assert_eq!(e.cursor, 2);
        press(&mut e, KeyCode::Right, C);
        assert_eq!(e.cursor, 7);
        typed(&mut e, "x");
        assert_eq!(e.text, "ip.addrx == 10.0.0.1");
        press(&mut e, KeyCode::Backspace, N);
        press(&mut e, KeyCode::Char('k'), C);
        assert_eq!(e.text, "ip.addr");
        press(&mut e, KeyCode::Char('b'), A);
        assert_eq!(e.cursor, 3);
        press(&mut e, KeyCode::Char('u'), C);
        assert_eq!((e.text.as_str(), e.cursor), ("addr", 0));
        press(&mut e, KeyCode::End, N);
        typed(&mut e, " == 1.2.3.4");
        press(&mut e, KeyCode::Char('w'), C);
        assert_eq!(e.text, "addr == ");
        press(&mut e, KeyCode::Home, N);
        press(&mut e, KeyCode::Delete, N);
        assert_eq!(e.text, "ddr == ");
        press(&mut e, KeyCode::Char('d'), A);
        assert_eq!(e.text, " == ");
        press(&mut e, KeyCode::Left, N);
        assert_eq!(e.cursor, 0);
        press(&mut e, KeyCode::Char('e'), C);
        press(&mut e, KeyCode::Left, C);
        assert_eq!(e.cursor, 0);
        assert_eq!(press(&mut e, KeyCode::F(2), N), Edit::Ignored);
    }

    #[test]
    fn a_selected_input_is_replaced_by_typing_and_kept_by_motion() {
        let mut e = LineEdit::selected("tcp".into());
        typed(&mut e, "u");
        assert_eq!((e.text.as_str(), e.cursor, e.selected), ("u", 1, false));
        let mut e = LineEdit::selected("tcp".into());
        press(&mut e, KeyCode::Left, N);
        typed(&mut e, "x");
        assert_eq!(e.text, "tcxp");
        let mut e = LineEdit::selected("tcp".into());
        e.insert("udp\nport");
        assert_eq!(e.text, "udp port");
        let mut e = LineEdit::selected("tcp".into());
        press(&mut e, KeyCode::Backspace, N);
        assert_eq!(e.text, "");
        // Multi-byte characters move as one.
        let mut e = LineEdit::new("é→x".into());
        press(&mut e, KeyCode::Left, N);
        press(&mut e, KeyCode::Backspace, N);
        assert_eq!(e.text, "éx");
    }
}
