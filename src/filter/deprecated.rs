//! What Wireshark 4.0 warns about in a display filter that compiles: the
//! deprecated `~=` operator ("The operator "~=" is deprecated, use "!=="
//! instead.", libwireshark's own text). Wireshark paints such a filter
//! yellow; so does the TUI's filter prompt. tshark prints no warning.

use super::lexer::{tokenize, Tok};

/// Wireshark's message for the deprecated `~=`.
pub const ANY_NE: &str = "The operator \"~=\" is deprecated, use \"!==\" instead.";

/// The warnings for `text`, one per kind, in Wireshark's words (none for a
/// filter that does not tokenize: its error says more).
pub fn warnings(text: &str) -> Vec<&'static str> {
    let Ok(tokens) = tokenize(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if tokens.iter().any(|t| t.tok == Tok::Sym("~=")) {
        out.push(ANY_NE);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_ne_is_deprecated_elsewhere_nothing() {
        assert_eq!(warnings("tcp.port ~= 80"), vec![ANY_NE]);
        assert_eq!(
            warnings("ip.addr !== 1.2.3.4 || udp.port~=53"),
            vec![ANY_NE]
        );
        assert!(warnings("tcp.port != 80").is_empty());
        assert!(warnings("http.host contains \"~=\"").is_empty());
        assert!(warnings("\"unterminated").is_empty());
    }
}
