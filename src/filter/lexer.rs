//! Splits a display-filter expression into tokens, each with the column
//! (0-based, in characters) where it starts, for error carets.

use super::FilterError;

/// A token's kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// A bare word: a field name, a keyword, or an unquoted literal (number,
    /// address, byte string, range `1..5`).
    Word(String),
    /// A double-quoted string, escapes resolved.
    Str(Vec<u8>),
    /// A symbolic operator or punctuation: `== != === !== ~= > < >= <= && ||
    /// ^^ ! ( ) { } ,`.
    Sym(&'static str),
    /// The end of the expression.
    End,
}

/// A token and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    pub column: usize,
    /// Width in characters, for the underline.
    pub width: usize,
}

const SYMBOLS: &[&str] = &[
    "===", "!==", "==", "!=", "~=", ">=", "<=", "&&", "||", "^^", ">", "<", "!", "(", ")", "{",
    "}", ",",
];

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | ':' | '-' | '/')
}

/// Tokenizes `text`; the last token is always [`Tok::End`].
pub fn tokenize(text: &str) -> Result<Vec<Token>, FilterError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c == '"' {
            let (bytes, end) = string(text, &chars, i)?;
            i = end;
            out.push(Token {
                tok: Tok::Str(bytes),
                column: start,
                width: i - start,
            });
            continue;
        }
        if is_word_char(c) {
            while i < chars.len() && is_word_char(chars[i]) {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Word(chars[start..i].iter().collect()),
                column: start,
                width: i - start,
            });
            continue;
        }
        let sym = SYMBOLS.iter().find(|s| {
            s.chars()
                .enumerate()
                .all(|(k, sc)| chars.get(i + k) == Some(&sc))
        });
        match sym {
            Some(s) => {
                let n = s.chars().count();
                i += n;
                out.push(Token {
                    tok: Tok::Sym(s),
                    column: start,
                    width: n,
                });
            }
            None => {
                let message = if c == '=' {
                    "unexpected \"=\": expected \"==\" to compare".to_string()
                } else if c == '[' {
                    "field slices (frame[0:4]) are not supported: expected an operator".to_string()
                } else {
                    format!("unexpected character {c:?}: expected a field, a value or an operator")
                };
                return Err(FilterError::new(text, start, 1, message));
            }
        }
    }
    out.push(Token {
        tok: Tok::End,
        column: chars.len(),
        width: 1,
    });
    Ok(out)
}

/// Reads a string starting at the opening quote; returns its bytes and the
/// index after the closing quote.
fn string(text: &str, chars: &[char], open: usize) -> Result<(Vec<u8>, usize), FilterError> {
    let mut bytes = Vec::new();
    let mut i = open + 1;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(FilterError::new(
                text,
                open,
                chars.len() - open,
                "unterminated string: expected a closing '\"'".into(),
            ));
        };
        i += 1;
        match c {
            '"' => return Ok((bytes, i)),
            '\\' => {
                let Some(&e) = chars.get(i) else {
                    continue;
                };
                let at = i - 1;
                i += 1;
                match e {
                    'n' => bytes.push(b'\n'),
                    't' => bytes.push(b'\t'),
                    'r' => bytes.push(b'\r'),
                    '0'..='7' => {
                        let mut v: u32 = e.to_digit(8).unwrap_or(0);
                        for _ in 0..2 {
                            match chars.get(i).and_then(|d| d.to_digit(8)) {
                                Some(d) => {
                                    v = v * 8 + d;
                                    i += 1;
                                }
                                None => break,
                            }
                        }
                        bytes.push((v & 0xff) as u8);
                    }
                    'x' => {
                        let hex: String = chars[i..].iter().take(2).collect();
                        match u8::from_str_radix(&hex, 16) {
                            Ok(v) if hex.len() == 2 => {
                                bytes.push(v);
                                i += 2;
                            }
                            _ => {
                                return Err(FilterError::new(
                                    text,
                                    at,
                                    2,
                                    "bad escape: expected two hex digits after \\x".into(),
                                ))
                            }
                        }
                    }
                    other => {
                        let mut b = [0; 4];
                        bytes.extend_from_slice(other.encode_utf8(&mut b).as_bytes());
                    }
                }
            }
            other => {
                let mut b = [0; 4];
                bytes.extend_from_slice(other.encode_utf8(&mut b).as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Tok> {
        tokenize(s)
            .expect("tokenizes")
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn words_symbols_strings() {
        assert_eq!(
            kinds("tcp.port>=80&&!ip"),
            vec![
                Tok::Word("tcp.port".into()),
                Tok::Sym(">="),
                Tok::Word("80".into()),
                Tok::Sym("&&"),
                Tok::Sym("!"),
                Tok::Word("ip".into()),
                Tok::End
            ]
        );
        assert_eq!(
            kinds(r#""a\"b\x41\101\n""#),
            vec![Tok::Str(b"a\"bAA\n".to_vec()), Tok::End]
        );
        assert_eq!(kinds("{1..3}")[1], Tok::Word("1..3".into()));
    }

    #[test]
    fn errors() {
        let e = tokenize("a = 1").expect_err("single =");
        assert_eq!(e.column, 2);
        assert!(e.message.contains("\"==\""));
        let e = tokenize("a == \"x").expect_err("unterminated");
        assert_eq!(e.column, 5);
        assert!(tokenize("a == $").is_err());
        let e = tokenize("frame[0:2] == 1").expect_err("slice");
        assert_eq!(e.column, 5);
        assert!(e.message.contains("slices"));
        assert!(tokenize(r#"a == "\xg""#).is_err());
    }
}
