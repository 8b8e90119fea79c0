//! Recursive-descent parser from tokens to an untyped syntax tree.
//!
//! Precedence, loosest first, as in Wireshark 4.0 (`xor` is newer than 4.0 and
//! sits between `or` and `and`, as in later Wireshark): `or` / `||`, `xor` /
//! `^^`, `and` / `&&`, `not` / `!`, then a relation or a parenthesised group.

use super::lexer::{tokenize, Tok, Token};
use super::FilterError;
use crate::fields::{self, FieldId};
use crate::limits::{Limit, LimitHit, MAX_FILTER_DEPTH, MAX_FILTER_LEN, MAX_FILTER_TOKENS};
use std::fmt;

/// A comparison operator. Multi-valued fields (`ip.addr`, `tcp.port`) match
/// `==` and the orderings when ANY value does; `!=` holds when ALL values
/// differ, as in Wireshark 4.0, where `~=` is "any differs".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    /// `!=`, `ne`, `!==`, `all_ne`.
    AllNe,
    /// `~=`, `any_ne`.
    AnyNe,
    /// `===`, `all_eq`.
    AllEq,
    Gt,
    Lt,
    Ge,
    Le,
}

impl CmpOp {
    fn from_token(tok: &Tok) -> Option<CmpOp> {
        Some(match tok {
            Tok::Sym("==") => CmpOp::Eq,
            Tok::Sym("!=" | "!==") => CmpOp::AllNe,
            Tok::Sym("~=") => CmpOp::AnyNe,
            Tok::Sym("===") => CmpOp::AllEq,
            Tok::Sym(">") => CmpOp::Gt,
            Tok::Sym("<") => CmpOp::Lt,
            Tok::Sym(">=") => CmpOp::Ge,
            Tok::Sym("<=") => CmpOp::Le,
            Tok::Word(w) => match w.as_str() {
                "eq" | "any_eq" => CmpOp::Eq,
                "ne" | "all_ne" => CmpOp::AllNe,
                "any_ne" => CmpOp::AnyNe,
                "all_eq" => CmpOp::AllEq,
                "gt" => CmpOp::Gt,
                "lt" => CmpOp::Lt,
                "ge" => CmpOp::Ge,
                "le" => CmpOp::Le,
                _ => return None,
            },
            _ => return None,
        })
    }

    /// The symbol this operator prints as.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::AllNe => "!=",
            CmpOp::AnyNe => "~=",
            CmpOp::AllEq => "===",
            CmpOp::Gt => ">",
            CmpOp::Lt => "<",
            CmpOp::Ge => ">=",
            CmpOp::Le => "<=",
        }
    }

    /// An ordering (`<` and friends) rather than (in)equality.
    pub fn is_ordering(self) -> bool {
        matches!(self, CmpOp::Gt | CmpOp::Lt | CmpOp::Ge | CmpOp::Le)
    }
}

/// A field named in the expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRef {
    pub id: FieldId,
    pub column: usize,
    pub width: usize,
}

/// An untyped literal: the type checker interprets it for its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LitKind {
    /// Unquoted: `80`, `0x50`, `10.0.0.0/8`, `aa:bb:cc`, `true`.
    Word(String),
    /// Quoted, escapes resolved.
    Str(Vec<u8>),
}

/// A literal and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Literal {
    pub kind: LitKind,
    pub column: usize,
    pub width: usize,
}

/// An element of a set: a value or an inclusive range `lo..hi`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetItem {
    One(Literal),
    Range(Literal, Literal),
}

/// The syntax tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Or(Box<Expr>, Box<Expr>),
    Xor(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// A field or protocol alone: is it present?
    Present(FieldRef),
    Compare(FieldRef, CmpOp, Literal),
    /// A field compared with another field (`frame.cap_len < frame.len`).
    CompareFields(FieldRef, CmpOp, FieldRef),
    Contains(FieldRef, Literal),
    Matches(FieldRef, Literal),
    In(FieldRef, Vec<SetItem>),
}

const KEYWORDS: &[&str] = &[
    "and", "or", "not", "xor", "eq", "ne", "gt", "lt", "ge", "le", "contains", "matches", "in",
    "any_eq", "all_eq", "any_ne", "all_ne",
];

/// Parses `text` into a syntax tree (fields are resolved, values are not).
pub fn parse(text: &str) -> Result<Expr, FilterError> {
    if text.len() as u64 > MAX_FILTER_LEN {
        return Err(FilterError::new(
            text,
            0,
            1,
            format!(
                "filter too long: at most {MAX_FILTER_LEN} bytes ({})",
                LimitHit::new(Limit::FilterLen, None)
            ),
        ));
    }
    let tokens = tokenize(text)?;
    let mut p = Parser {
        text,
        tokens,
        pos: 0,
        depth: 0,
    };
    // Every later stage (type check, evaluation, display) recurses over the
    // tree: bound its size and depth so no filter can exhaust the stack.
    if let Some(t) = p.tokens.get(MAX_TOKENS) {
        let t = t.clone();
        return Err(p.error_tok(
            &t,
            &format!(
                "filter too long: at most {MAX_TOKENS} words and symbols ({})",
                LimitHit::new(Limit::FilterTokens, None)
            ),
        ));
    }
    if matches!(p.peek().tok, Tok::End) {
        return Err(p.error_at(0, "empty filter: expected a field or a protocol"));
    }
    let e = p.or()?;
    if !matches!(p.peek().tok, Tok::End) {
        let t = p.peek().clone();
        return Err(p.error_tok(
            &t,
            &format!(
                "unexpected {}: expected \"and\", \"or\", \"xor\" or the end",
                describe(&t.tok)
            ),
        ));
    }
    Ok(e)
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    /// Nesting of `not` and parentheses at the current point.
    depth: usize,
}

/// Bounds on a filter's size: tokens, and nesting of `not`/parentheses.
const MAX_TOKENS: usize = MAX_FILTER_TOKENS as usize;
const MAX_DEPTH: usize = MAX_FILTER_DEPTH as usize;

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Word(w) => format!("{w:?}"),
        Tok::Str(_) => "a string".into(),
        Tok::Sym(s) => format!("\"{s}\""),
        Tok::End => "end of filter".into(),
    }
}

fn is_word(tok: &Tok, words: &[&str]) -> bool {
    matches!(tok, Tok::Word(w) if words.contains(&w.as_str()))
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn error_at(&self, column: usize, message: &str) -> FilterError {
        FilterError::new(self.text, column, 1, message.to_string())
    }

    fn error_tok(&self, t: &Token, message: &str) -> FilterError {
        FilterError::new(self.text, t.column, t.width, message.to_string())
    }

    fn eat(&mut self, sym: &str, words: &[&str]) -> bool {
        let t = &self.peek().tok;
        if matches!(t, Tok::Sym(s) if *s == sym) || is_word(t, words) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.xor()?;
        while self.eat("||", &["or"]) {
            left = Expr::Or(Box::new(left), Box::new(self.xor()?));
        }
        Ok(left)
    }

    fn xor(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.and()?;
        while self.eat("^^", &["xor"]) {
            left = Expr::Xor(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.unary()?;
        while self.eat("&&", &["and"]) {
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let t = self.peek().clone();
            return Err(self.error_tok(
                &t,
                &format!(
                    "filter nested too deeply: at most {MAX_DEPTH} levels of \"not\" and parentheses ({})",
                    LimitHit::new(Limit::FilterDepth, None)
                ),
            ));
        }
        let e = if self.eat("!", &["not"]) {
            self.unary().map(|e| Expr::Not(Box::new(e)))
        } else {
            self.primary()
        };
        self.depth -= 1;
        e
    }

    fn primary(&mut self) -> Result<Expr, FilterError> {
        let t = self.next();
        match &t.tok {
            Tok::Sym("(") => {
                let e = self.or()?;
                let close = self.next();
                if close.tok != Tok::Sym(")") {
                    return Err(self.error_tok(
                        &close,
                        &format!(
                            "unexpected {}: expected \")\" to close the \"(\" at column {}",
                            describe(&close.tok),
                            t.column + 1
                        ),
                    ));
                }
                Ok(e)
            }
            Tok::Word(w) if !KEYWORDS.contains(&w.as_str()) => {
                let field = self.field(&t, w)?;
                self.relation(field)
            }
            other => Err(self.error_tok(
                &t,
                &format!(
                    "unexpected {}: expected a field, a protocol, \"not\" or \"(\"",
                    describe(other)
                ),
            )),
        }
    }

    fn field(&self, t: &Token, name: &str) -> Result<FieldRef, FilterError> {
        match fields::lookup(name) {
            Some(def) => Ok(FieldRef {
                id: def.id,
                column: t.column,
                width: t.width,
            }),
            None => {
                let mut e = self.error_tok(
                    t,
                    &format!("unknown field or protocol {name:?}: expected a field name"),
                );
                e.suggestion = fields::suggest(name).map(str::to_string);
                Err(e)
            }
        }
    }

    fn relation(&mut self, field: FieldRef) -> Result<Expr, FilterError> {
        let t = self.peek().clone();
        if let Some(op) = CmpOp::from_token(&t.tok) {
            self.pos += 1;
            let lit = self.literal(&format!("after \"{}\"", op.symbol()))?;
            if let LitKind::Word(w) = &lit.kind {
                if let Some(def) = fields::lookup(w) {
                    let other = FieldRef {
                        id: def.id,
                        column: lit.column,
                        width: lit.width,
                    };
                    return Ok(Expr::CompareFields(field, op, other));
                }
            }
            return Ok(Expr::Compare(field, op, lit));
        }
        if is_word(&t.tok, &["contains"]) {
            self.pos += 1;
            return Ok(Expr::Contains(field, self.literal("after \"contains\"")?));
        }
        if is_word(&t.tok, &["matches"]) || t.tok == Tok::Sym("~") {
            self.pos += 1;
            return Ok(Expr::Matches(field, self.literal("after \"matches\"")?));
        }
        if is_word(&t.tok, &["in"]) {
            self.pos += 1;
            return Ok(Expr::In(field, self.set()?));
        }
        Ok(Expr::Present(field))
    }

    fn literal(&mut self, context: &str) -> Result<Literal, FilterError> {
        let t = self.next();
        let kind = match &t.tok {
            Tok::Word(w) if !KEYWORDS.contains(&w.as_str()) => LitKind::Word(w.clone()),
            Tok::Str(s) => LitKind::Str(s.clone()),
            other => {
                return Err(self.error_tok(
                    &t,
                    &format!("unexpected {}: expected a value {context}", describe(other)),
                ))
            }
        };
        Ok(Literal {
            kind,
            column: t.column,
            width: t.width,
        })
    }

    fn set(&mut self) -> Result<Vec<SetItem>, FilterError> {
        let open = self.next();
        if open.tok != Tok::Sym("{") {
            return Err(self.error_tok(
                &open,
                &format!(
                    "unexpected {}: expected \"{{\" after \"in\"",
                    describe(&open.tok)
                ),
            ));
        }
        let mut items = Vec::new();
        loop {
            if self.eat("}", &[]) {
                if items.is_empty() {
                    return Err(self.error_tok(&open, "empty set: expected at least one value"));
                }
                return Ok(items);
            }
            if !items.is_empty() {
                self.eat(",", &[]);
            }
            let lit = self.literal("in the set, or \"}\"")?;
            items.push(split_range(lit));
        }
    }
}

/// `lo..hi` written as one word becomes a range.
fn split_range(lit: Literal) -> SetItem {
    if let LitKind::Word(w) = &lit.kind {
        if let Some((lo, hi)) = w.split_once("..") {
            let lo_width = lo.chars().count();
            return SetItem::Range(
                Literal {
                    kind: LitKind::Word(lo.to_string()),
                    column: lit.column,
                    width: lo_width,
                },
                Literal {
                    kind: LitKind::Word(hi.to_string()),
                    column: lit.column + lo_width + 2,
                    width: hi.chars().count(),
                },
            );
        }
    }
    SetItem::One(lit)
}

impl fmt::Display for LitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LitKind::Word(w) => f.write_str(w),
            LitKind::Str(s) => {
                f.write_str("\"")?;
                for &b in s {
                    match b {
                        b'"' => f.write_str("\\\"")?,
                        b'\\' => f.write_str("\\\\")?,
                        0x20..=0x7e => write!(f, "{}", b as char)?,
                        _ => write!(f, "\\x{b:02x}")?,
                    }
                }
                f.write_str("\"")
            }
        }
    }
}

/// Prints the tree fully parenthesised, so that it parses back to itself.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Or(a, b) => write!(f, "({a} or {b})"),
            Expr::Xor(a, b) => write!(f, "({a} xor {b})"),
            Expr::And(a, b) => write!(f, "({a} and {b})"),
            Expr::Not(a) => write!(f, "not {a}"),
            Expr::Present(r) => f.write_str(r.id.name()),
            Expr::Compare(r, op, l) => write!(f, "{} {} {}", r.id.name(), op.symbol(), l.kind),
            Expr::CompareFields(a, op, b) => {
                write!(f, "{} {} {}", a.id.name(), op.symbol(), b.id.name())
            }
            Expr::Contains(r, l) => write!(f, "{} contains {}", r.id.name(), l.kind),
            Expr::Matches(r, l) => write!(f, "{} matches {}", r.id.name(), l.kind),
            Expr::In(r, items) => {
                write!(f, "{} in {{", r.id.name())?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match item {
                        SetItem::One(l) => write!(f, "{}", l.kind)?,
                        SetItem::Range(a, b) => write!(f, "{}..{}", a.kind, b.kind)?,
                    }
                }
                f.write_str("}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(s: &str) -> String {
        parse(s).expect("parses").to_string()
    }

    #[test]
    fn hostile_sizes_are_errors_not_stack_overflows() {
        let deep_not = format!("{}tcp", "!".repeat(500));
        assert!(parse(&deep_not).is_err_and(|e| e.message.contains("nested too deeply")));
        let deep_parens = format!("{}tcp{}", "(".repeat(300), ")".repeat(300));
        assert!(parse(&deep_parens).is_err_and(|e| e.message.contains("nested too deeply")));
        let long = vec!["tcp"; 2000].join(" or ");
        assert!(parse(&long).is_err_and(|e| e.message.contains("too long")));
        let long_not = format!("{}tcp", "!".repeat(5000));
        assert!(parse(&long_not).is_err_and(|e| e.message.contains("too long")));
        let huge = "tcp ".repeat(20_000);
        assert!(parse(&huge).is_err_and(|e| e.message
            == "filter too long: at most 65536 bytes (limit reached: MAX_FILTER_LEN (65536))"));
        let fine = format!("{}tcp{}", "(".repeat(30), ")".repeat(30));
        assert!(parse(&fine).is_ok());
        assert!(parse(&vec!["tcp"; 300].join(" or ")).is_ok());
    }

    #[test]
    fn precedence() {
        assert_eq!(shape("ip or tcp and udp"), "(ip or (tcp and udp))");
        assert_eq!(shape("not ip and tcp"), "(not ip and tcp)");
        assert_eq!(
            shape("ip || tcp ^^ udp && arp"),
            "(ip or (tcp xor (udp and arp)))"
        );
        assert_eq!(shape("ip xor tcp or udp"), "((ip xor tcp) or udp)");
        assert_eq!(shape("!(ip or tcp)"), "not (ip or tcp)");
        assert_eq!(shape("ip and tcp and udp"), "((ip and tcp) and udp)");
    }

    #[test]
    fn relations() {
        assert_eq!(shape("tcp.port eq 80"), "tcp.port == 80");
        assert_eq!(shape("tcp.port ne 80"), "tcp.port != 80");
        assert_eq!(
            shape("tcp.port ge 80 && tcp.port le 90"),
            "(tcp.port >= 80 and tcp.port <= 90)"
        );
        assert_eq!(
            shape("tcp.port in {80 443 8000..8080}"),
            "tcp.port in {80, 443, 8000..8080}"
        );
        assert_eq!(
            shape("frame contains \"G\\x45T\""),
            "frame contains \"GET\""
        );
        assert_eq!(
            shape("frame matches \"a\\\\d\""),
            "frame matches \"a\\\\d\""
        );
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "ip.src == 10.0.0.0/8 or not (tcp.flags.syn == 1 xor udp) and frame.len > 0x40",
            "tcp.port in {80, 443, 1..9} && !arp || frame contains \"a\\\"b\\x01\"",
            "eth.addr == ff:ff:ff:ff:ff:ff ^^ ipv6.addr == ::1",
        ] {
            let once = shape(s);
            assert_eq!(shape(&once), once, "{s}");
        }
    }

    fn error(s: &str) -> FilterError {
        parse(s).expect_err(s)
    }

    #[test]
    fn error_messages() {
        let e = error("tcp.prot == 80");
        assert_eq!((e.column, e.suggestion.as_deref()), (0, Some("tcp.port")));
        assert!(e.message.contains("unknown field"), "{e}");
        let e = error("");
        assert!(e.message.contains("empty filter"));
        let e = error("ip and");
        assert_eq!(e.column, 6);
        assert!(e.message.contains("end of filter"), "{e}");
        let e = error("ip tcp");
        assert_eq!(e.column, 3);
        assert!(e.message.contains("expected \"and\""), "{e}");
        let e = error("(ip or tcp");
        assert!(e.message.contains("expected \")\""), "{e}");
        let e = error("tcp.port ==");
        assert!(e.message.contains("expected a value after \"==\""), "{e}");
        let e = error("tcp.port in 80");
        assert!(e.message.contains("expected \"{\""), "{e}");
        let e = error("tcp.port in {}");
        assert!(e.message.contains("empty set"), "{e}");
        let e = error("tcp.port in {80");
        assert!(e.message.contains("in the set"), "{e}");
        let e = error("== 80");
        assert!(e.message.contains("expected a field"), "{e}");
        let e = error("frame contains");
        assert!(e.message.contains("after \"contains\""), "{e}");
        let e = error("frame matches and");
        assert!(e.message.contains("after \"matches\""), "{e}");
    }
}
