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
    /// `S`: the conversations in the reverse order.
    ReverseSort,
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
    /// `r`: wrap long lines (follow, HTTP messages) or cut them.
    Wrap,
    /// `d`: follow both directions, the client's only, the server's only.
    Direction,
    /// `R`: names from the capture's DNS answers in Source and Destination.
    Names,
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
    /// Ctrl-F: find a packet (display filter, string, hex), as Wireshark.
    FindPacket,
    /// Ctrl-G: go to a packet by number.
    GoTo,
    /// `m`: mark / unmark the selected packet (Wireshark's Ctrl-M, which a
    /// terminal cannot tell from Enter).
    Mark,
    NextMark,
    PrevMark,
    /// `M`: unmark every packet.
    ClearMarks,
    /// Ctrl-T: set / unset the packet as a time reference.
    TimeRef,
    /// First / last packet of the selected packet's conversation.
    ConversationFirst,
    ConversationLast,
    /// `w`: save packets (displayed, marked, the stream) as a capture file.
    Save,
    /// `T`: the next time display format.
    TimeFormat,
    /// `+`: add a column of any field (or show a hidden one).
    AddColumn,
    /// `-`: hide a column.
    HideColumn,
    /// `{` `}`: pick the previous / next column to resize.
    ColumnPrev,
    ColumnNext,
    /// `(` `)`: narrow / widen the picked column.
    ColumnNarrow,
    ColumnWiden,
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

/// One help row for the conversations table.
const CONVERSATIONS: &str = "conversations; s: sort, S: reverse, /: apply as filter";
/// One help row for the panes and the details' folds.
const PANES: &str = "next pane / conversations tab; ← →: fold / unfold a layer";
/// One help row for follow and its switches.
const FOLLOW: &str = "follow: x hex, t TLS, K keys, d dir, T times, r wrap, ←→ pan";
/// One help row for find packet and the next / previous match.
const FIND: &str = "find packet (Tab: type); n N: next / previous (ladder: phase)";
/// One help row for the ways of writing files.
const SAVE: &str = "e: export body / stream; E: every listed body; w: save packets";
/// One help row for go to, time references and formats.
const GOTO: &str = "go to packet; Ctrl-T: time reference; T: time format";
const BACK: &str = "back to the packet list; ?: this help";
/// One help row for columns and names.
const COLUMNS: &str = "add / hide a column; { } pick one, ( ) resize it; R: DNS names";

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
        help: "page up / down; first / last row",
    },
    Binding {
        keys: &[(KeyCode::PageDown, false)],
        label: "PgDn",
        action: Action::PageDown,
        help: "page up / down; first / last row",
    },
    Binding {
        keys: &[plain('g'), (KeyCode::Home, false)],
        label: "g/Home",
        action: Action::Top,
        help: "page up / down; first / last row",
    },
    Binding {
        keys: &[plain('G'), (KeyCode::End, false)],
        label: "G/End",
        action: Action::Bottom,
        help: "page up / down; first / last row",
    },
    Binding {
        keys: &[(KeyCode::Tab, false)],
        label: "Tab",
        action: Action::NextPane,
        help: PANES,
    },
    Binding {
        keys: &[(KeyCode::BackTab, false)],
        label: "Shift-Tab",
        action: Action::PrevPane,
        help: PANES,
    },
    Binding {
        keys: &[(KeyCode::Left, false)],
        label: "←",
        action: Action::Fold,
        help: PANES,
    },
    Binding {
        keys: &[(KeyCode::Right, false)],
        label: "→",
        action: Action::Unfold,
        help: PANES,
    },
    Binding {
        keys: &[plain('c')],
        label: "c",
        action: Action::Conversations,
        help: CONVERSATIONS,
    },
    Binding {
        keys: &[plain('s')],
        label: "s",
        action: Action::Sort,
        help: CONVERSATIONS,
    },
    Binding {
        keys: &[plain('S')],
        label: "S",
        action: Action::ReverseSort,
        help: CONVERSATIONS,
    },
    Binding {
        keys: &[(KeyCode::Enter, false)],
        label: "Enter",
        action: Action::Activate,
        help: "open a conversation; fold/unfold a ladder run or a layer",
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
        help: FOLLOW,
    },
    Binding {
        keys: &[plain('x')],
        label: "x",
        action: Action::Hex,
        help: FOLLOW,
    },
    Binding {
        keys: &[plain('t')],
        label: "t",
        action: Action::Tls,
        help: FOLLOW,
    },
    Binding {
        keys: &[plain('K')],
        label: "K",
        action: Action::KeyLog,
        help: FOLLOW,
    },
    Binding {
        keys: &[plain('d')],
        label: "d",
        action: Action::Direction,
        help: FOLLOW,
    },
    Binding {
        keys: &[plain('r')],
        label: "r",
        action: Action::Wrap,
        help: FOLLOW,
    },
    Binding {
        keys: &[plain('/')],
        label: "/",
        action: Action::Find,
        help: "display filter (packet list) / search (Follow)",
    },
    Binding {
        keys: &[(KeyCode::Char('f'), true)],
        label: "Ctrl-F",
        action: Action::FindPacket,
        help: FIND,
    },
    Binding {
        keys: &[plain('n')],
        label: "n",
        action: Action::NextMatch,
        help: FIND,
    },
    Binding {
        keys: &[plain('N')],
        label: "N",
        action: Action::PrevMatch,
        help: FIND,
    },
    Binding {
        keys: &[plain('h')],
        label: "h",
        action: Action::Http,
        help: "HTTP of the packet's TCP stream / all of it as a waterfall",
    },
    Binding {
        keys: &[plain('W')],
        label: "W",
        action: Action::Network,
        help: "HTTP of the packet's TCP stream / all of it as a waterfall",
    },
    Binding {
        keys: &[plain('e')],
        label: "e",
        action: Action::Export,
        help: SAVE,
    },
    Binding {
        keys: &[plain('E')],
        label: "E",
        action: Action::ExportAll,
        help: SAVE,
    },
    Binding {
        keys: &[plain('w')],
        label: "w",
        action: Action::Save,
        help: SAVE,
    },
    Binding {
        keys: &[(KeyCode::Char('g'), true)],
        label: "Ctrl-G",
        action: Action::GoTo,
        help: GOTO,
    },
    Binding {
        keys: &[(KeyCode::Char('t'), true)],
        label: "Ctrl-T",
        action: Action::TimeRef,
        help: GOTO,
    },
    Binding {
        keys: &[plain('T')],
        label: "T",
        action: Action::TimeFormat,
        help: GOTO,
    },
    Binding {
        keys: &[plain('+')],
        label: "+",
        action: Action::AddColumn,
        help: COLUMNS,
    },
    Binding {
        keys: &[plain('-')],
        label: "-",
        action: Action::HideColumn,
        help: COLUMNS,
    },
    Binding {
        keys: &[plain('{')],
        label: "{",
        action: Action::ColumnPrev,
        help: COLUMNS,
    },
    Binding {
        keys: &[plain('}')],
        label: "}",
        action: Action::ColumnNext,
        help: COLUMNS,
    },
    Binding {
        keys: &[plain('(')],
        label: "(",
        action: Action::ColumnNarrow,
        help: COLUMNS,
    },
    Binding {
        keys: &[plain(')')],
        label: ")",
        action: Action::ColumnWiden,
        help: COLUMNS,
    },
    Binding {
        keys: &[plain('R')],
        label: "R",
        action: Action::Names,
        help: COLUMNS,
    },
    Binding {
        keys: &[plain('m')],
        label: "m",
        action: Action::Mark,
        help: "mark / unmark; next / previous mark; unmark all",
    },
    Binding {
        keys: &[plain(']')],
        label: "]",
        action: Action::NextMark,
        help: "mark / unmark; next / previous mark; unmark all",
    },
    Binding {
        keys: &[plain('[')],
        label: "[",
        action: Action::PrevMark,
        help: "mark / unmark; next / previous mark; unmark all",
    },
    Binding {
        keys: &[plain('M')],
        label: "M",
        action: Action::ClearMarks,
        help: "mark / unmark; next / previous mark; unmark all",
    },
    Binding {
        keys: &[plain('<')],
        label: "<",
        action: Action::ConversationFirst,
        help: "first / last packet of the packet's conversation",
    },
    Binding {
        keys: &[plain('>')],
        label: ">",
        action: Action::ConversationLast,
        help: "first / last packet of the packet's conversation",
    },
    Binding {
        keys: &[(KeyCode::Esc, false)],
        label: "Esc",
        action: Action::Back,
        help: BACK,
    },
    Binding {
        keys: &[plain('?')],
        label: "?",
        action: Action::Help,
        help: BACK,
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

/// The prompt's editing keys ([`crate::ui::line_edit`]), for the help screen.
pub const EDIT_HELP: (&str, &str) = (
    "Ctrl-A/E/U/K/W",
    "prompt: readline keys, ← → Alt-B/F move; Tab completes",
);

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
    add(EDIT_HELP.0, EDIT_HELP.1);
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
        assert_eq!(rows.len(), 21, "fits 80x24: {rows:?}");
        let key = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(BINDINGS, &key), Some(Action::Quit));
        let key = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(lookup(BINDINGS, &key), Some(Action::Conversations));
    }
}
