//! The one key → action table. Dispatch looks keys up here, and the help
//! screen is drawn from it: a key that works is listed, a key listed works.
//! Consecutive bindings with the same help text share one help row.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for; what it does depends on the view (see each pane).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextPane,
    PrevPane,
    Conversations,
    Sort,
    /// Enter: open a conversation, fold/unfold a ladder run or a layer.
    Activate,
    Fold,
    Unfold,
    Ladder,
    /// `z` (as tshark's -z): the statistics screens.
    Stats,
    /// Space: fold/unfold the selected ladder run or details layer.
    Toggle,
    ToggleAll,
    Follow,
    Hex,
    /// `t`: follow the decrypted TLS data instead of the TCP bytes.
    Tls,
    /// `K`: load a TLS key log (the views are decrypted again).
    KeyLog,
    /// `/`: the display filter, or the search in Follow.
    Find,
    NextMatch,
    PrevMatch,
    Http,
    /// The network tab: every HTTP transaction as a waterfall.
    Network,
    Export,
    /// `E`: every body listed (the network tab).
    ExportAll,
    Back,
    Help,
    Quit,
}

/// What a key does in an open prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptAction {
    Confirm,
    Cancel,
    Delete,
    HistoryBack,
    HistoryForward,
}

/// A key: its code and whether Ctrl is held.
pub type Key = (KeyCode, bool);

/// One row of a table: the keys, how help spells them, what they do.
pub struct Binding<A: 'static> {
    pub keys: &'static [Key],
    pub label: &'static str,
    pub action: A,
    pub help: &'static str,
}

const fn plain(c: char) -> Key {
    (KeyCode::Char(c), false)
}

/// One help row for `l` and `z` (the help fits 80x24).
const STREAM_AND_STATS: &str = "ladder of the packet's TCP stream; z: statistics (Space: next)";

/// One help row for `x`, `t` and `K`.
const FOLLOW_AND_KEYS: &str = "follow: ASCII / hex; TCP / decrypted TLS; K: load a key log";

/// One help row for `e` and `E`.
const EXPORT: &str = "export a body (HTTP, network; E: all listed), stream (Follow)";

/// Every key outside a prompt.
pub const BINDINGS: &[Binding<Action>] = &[
    Binding {
        keys: &[(KeyCode::Up, false), plain('k')],
        label: "↑/k",
        action: Action::Up,
        help: "previous / next row (Follow: scroll)",
    },
    Binding {
        keys: &[(KeyCode::Down, false), plain('j')],
        label: "↓/j",
        action: Action::Down,
        help: "previous / next row (Follow: scroll)",
    },
    Binding {
        keys: &[(KeyCode::PageUp, false)],
        label: "PgUp",
        action: Action::PageUp,
        help: "page up / down",
    },
    Binding {
        keys: &[(KeyCode::PageDown, false)],
        label: "PgDn",
        action: Action::PageDown,
        help: "page up / down",
    },
    Binding {
        keys: &[plain('g'), (KeyCode::Home, false)],
        label: "g/Home",
        action: Action::Top,
        help: "first / last row",
    },
    Binding {
        keys: &[plain('G'), (KeyCode::End, false)],
        label: "G/End",
        action: Action::Bottom,
        help: "first / last row",
    },
    Binding {
        keys: &[(KeyCode::Tab, false)],
        label: "Tab",
        action: Action::NextPane,
        help: "next / previous pane",
    },
    Binding {
        keys: &[(KeyCode::BackTab, false)],
        label: "Shift-Tab",
        action: Action::PrevPane,
        help: "next / previous pane",
    },
    Binding {
        keys: &[plain('c')],
        label: "c",
        action: Action::Conversations,
        help: "conversations; s sorts them (packets, bytes, duration)",
    },
    Binding {
        keys: &[plain('s')],
        label: "s",
        action: Action::Sort,
        help: "conversations; s sorts them (packets, bytes, duration)",
    },
    Binding {
        keys: &[(KeyCode::Enter, false)],
        label: "Enter",
        action: Action::Activate,
        help: "open a conversation; fold/unfold a ladder run or a layer",
    },
    Binding {
        keys: &[(KeyCode::Left, false)],
        label: "←",
        action: Action::Fold,
        help: "details: fold / unfold the selected layer",
    },
    Binding {
        keys: &[(KeyCode::Right, false)],
        label: "→",
        action: Action::Unfold,
        help: "details: fold / unfold the selected layer",
    },
    Binding {
        keys: &[plain('l')],
        label: "l",
        action: Action::Ladder,
        help: STREAM_AND_STATS,
    },
    Binding {
        keys: &[plain('z')],
        label: "z",
        action: Action::Stats,
        help: STREAM_AND_STATS,
    },
    Binding {
        keys: &[plain(' ')],
        label: "Space",
        action: Action::Toggle,
        help: "ladder: fold / unfold the selected run, every run",
    },
    Binding {
        keys: &[plain('a')],
        label: "a",
        action: Action::ToggleAll,
        help: "ladder: fold / unfold the selected run, every run",
    },
    Binding {
        keys: &[plain('f')],
        label: "f",
        action: Action::Follow,
        help: "follow the packet's TCP stream",
    },
    Binding {
        keys: &[plain('x')],
        label: "x",
        action: Action::Hex,
        help: FOLLOW_AND_KEYS,
    },
    Binding {
        keys: &[plain('t')],
        label: "t",
        action: Action::Tls,
        help: FOLLOW_AND_KEYS,
    },
    Binding {
        keys: &[plain('K')],
        label: "K",
        action: Action::KeyLog,
        help: FOLLOW_AND_KEYS,
    },
    Binding {
        keys: &[plain('/')],
        label: "/",
        action: Action::Find,
        help: "display filter (packet list) / search (Follow)",
    },
    Binding {
        keys: &[plain('n')],
        label: "n",
        action: Action::NextMatch,
        help: "follow: next / previous match; ladder: journey phase",
    },
    Binding {
        keys: &[plain('N')],
        label: "N",
        action: Action::PrevMatch,
        help: "follow: next / previous match; ladder: journey phase",
    },
    Binding {
        keys: &[plain('h')],
        label: "h",
        action: Action::Http,
        help: "HTTP of the packet's TCP stream / all of it as a waterfall",
    },
    Binding {
        keys: &[plain('w')],
        label: "w",
        action: Action::Network,
        help: "HTTP of the packet's TCP stream / all of it as a waterfall",
    },
    Binding {
        keys: &[plain('e')],
        label: "e",
        action: Action::Export,
        help: EXPORT,
    },
    Binding {
        keys: &[plain('E')],
        label: "E",
        action: Action::ExportAll,
        help: EXPORT,
    },
    Binding {
        keys: &[(KeyCode::Esc, false)],
        label: "Esc",
        action: Action::Back,
        help: "back to the packet list",
    },
    Binding {
        keys: &[plain('?')],
        label: "?",
        action: Action::Help,
        help: "this help",
    },
    Binding {
        keys: &[plain('q'), (KeyCode::Char('c'), true)],
        label: "q Ctrl-C",
        action: Action::Quit,
        help: "quit",
    },
];

/// Keys of an open prompt (every other key edits the input).
pub const PROMPT_BINDINGS: &[Binding<PromptAction>] = &[
    Binding {
        keys: &[(KeyCode::Enter, false)],
        label: "Enter",
        action: PromptAction::Confirm,
        help: "prompt: confirm / cancel / delete; filter history",
    },
    Binding {
        keys: &[(KeyCode::Esc, false), (KeyCode::Char('c'), true)],
        label: "Esc",
        action: PromptAction::Cancel,
        help: "prompt: confirm / cancel / delete; filter history",
    },
    Binding {
        keys: &[(KeyCode::Backspace, false)],
        label: "⌫",
        action: PromptAction::Delete,
        help: "prompt: confirm / cancel / delete; filter history",
    },
    Binding {
        keys: &[(KeyCode::Up, false)],
        label: "↑↓",
        action: PromptAction::HistoryBack,
        help: "prompt: confirm / cancel / delete; filter history",
    },
    Binding {
        keys: &[(KeyCode::Down, false)],
        label: "",
        action: PromptAction::HistoryForward,
        help: "prompt: confirm / cancel / delete; filter history",
    },
];

/// The mouse, for the help screen.
pub const MOUSE_HELP: (&str, &str) = ("mouse", "click selects a row or pane, wheel scrolls");

/// The action `table` binds `key` to.
pub fn lookup<A: Copy>(table: &[Binding<A>], key: &KeyEvent) -> Option<A> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    table
        .iter()
        .find(|b| {
            b.keys
                .iter()
                .any(|&(code, c)| code == key.code && c == ctrl)
        })
        .map(|b| b.action)
}

/// The help screen's rows: keys and what they do, in table order; the prompt
/// keys after Back would break the order, so they come after the moving and
/// view keys, before Esc, as a reader looks for them.
pub fn help_rows() -> Vec<(String, &'static str)> {
    let mut rows: Vec<(String, &'static str)> = Vec::new();
    let mut add = |label: &str, help: &'static str| match rows.last_mut() {
        Some((labels, last)) if *last == help => {
            if !label.is_empty() {
                labels.push(' ');
                labels.push_str(label);
            }
        }
        _ => rows.push((label.to_string(), help)),
    };
    for b in BINDINGS.iter().take_while(|b| b.action != Action::Back) {
        add(b.label, b.help);
    }
    for b in PROMPT_BINDINGS {
        add(b.label, b.help);
    }
    for b in BINDINGS.iter().skip_while(|b| b.action != Action::Back) {
        add(b.label, b.help);
    }
    rows.push((MOUSE_HELP.0.to_string(), MOUSE_HELP.1));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_one_action_and_help_merges_rows() {
        let mut seen = std::collections::HashSet::new();
        for b in BINDINGS {
            for k in b.keys {
                assert!(seen.insert(*k), "{k:?} bound twice");
            }
        }
        let rows = help_rows();
        assert_eq!(rows[0].0, "↑/k ↓/j");
        assert!(rows
            .iter()
            .any(|(k, h)| k == "Enter Esc ⌫ ↑↓" && h.starts_with("prompt:")));
        assert_eq!(rows.len(), 20, "fits 80x24: {rows:?}");
        let key = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(BINDINGS, &key), Some(Action::Quit));
        let key = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(lookup(BINDINGS, &key), Some(Action::Conversations));
    }
}
