//! Checks the syntax tree against the field registry and turns literals into
//! typed constants, before any packet is read: comparing an address with a
//! string, or a flag with `>`, is an error here.

use super::parser::{CmpOp, Expr, FieldRef, LitKind, Literal, SetItem};
use super::FilterError;
use crate::fields::{FieldId, FieldType};
use crate::limits::{Limit, LimitHit, MAX_REGEX_SIZE};
use regex::bytes::{Regex, RegexBuilder};
use std::net::{Ipv4Addr, Ipv6Addr};

/// A typed constant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Const {
    UInt(u64),
    Bool(bool),
    /// Strings and byte strings alike.
    Bytes(Vec<u8>),
    Ether([u8; 6]),
    /// An address and a prefix length (32 for a single address).
    Ipv4(Ipv4Addr, u8),
    Ipv6(Ipv6Addr, u8),
    /// Nanoseconds.
    Time(i64),
}

/// The checked tree the evaluator walks.
#[derive(Debug, Clone)]
pub enum Node {
    Or(Box<Node>, Box<Node>),
    Xor(Box<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Present(FieldId),
    Compare(FieldId, CmpOp, Const),
    CompareFields(FieldId, CmpOp, FieldId),
    Contains(FieldId, Vec<u8>),
    Matches(FieldId, Regex),
    In(FieldId, Vec<(Const, Const)>),
}

impl Node {
    /// Every field the node reads, into `out`.
    pub fn fields(&self, out: &mut Vec<FieldId>) {
        match self {
            Node::Or(a, b) | Node::Xor(a, b) | Node::And(a, b) => {
                a.fields(out);
                b.fields(out);
            }
            Node::Not(a) => a.fields(out),
            Node::Present(f)
            | Node::Compare(f, ..)
            | Node::Contains(f, _)
            | Node::Matches(f, _)
            | Node::In(f, _) => out.push(*f),
            Node::CompareFields(a, _, b) => out.extend([*a, *b]),
        }
    }

    /// Whether any field the node reads comes from the HTTP index.
    pub fn reads_http(&self) -> bool {
        match self {
            Node::Or(a, b) | Node::Xor(a, b) | Node::And(a, b) => a.reads_http() || b.reads_http(),
            Node::Not(a) => a.reads_http(),
            Node::Present(f)
            | Node::Compare(f, ..)
            | Node::Contains(f, _)
            | Node::Matches(f, _)
            | Node::In(f, _) => f.is_http(),
            Node::CompareFields(a, _, b) => a.is_http() || b.is_http(),
        }
    }
}

/// Type-checks `expr`; `text` is the filter, for error carets.
pub fn check(text: &str, expr: &Expr) -> Result<Node, FilterError> {
    let bin = |a: &Expr, b: &Expr| -> Result<(Box<Node>, Box<Node>), FilterError> {
        Ok((Box::new(check(text, a)?), Box::new(check(text, b)?)))
    };
    Ok(match expr {
        Expr::Or(a, b) => {
            let (a, b) = bin(a, b)?;
            Node::Or(a, b)
        }
        Expr::Xor(a, b) => {
            let (a, b) = bin(a, b)?;
            Node::Xor(a, b)
        }
        Expr::And(a, b) => {
            let (a, b) = bin(a, b)?;
            Node::And(a, b)
        }
        Expr::Not(a) => Node::Not(Box::new(check(text, a)?)),
        Expr::Present(f) => Node::Present(f.id),
        Expr::Compare(f, op, lit) => {
            let ty = ty_of(text, f, "compared")?;
            if op.is_ordering() && matches!(ty, FieldType::Bool) {
                return Err(err(
                    text,
                    f.column,
                    f.width,
                    format!(
                        "{} is a boolean: expected \"==\" or \"!=\", not \"{}\"",
                        f.id.name(),
                        op.symbol()
                    ),
                ));
            }
            Node::Compare(f.id, *op, constant(text, f, ty, lit)?)
        }
        Expr::CompareFields(a, op, b) => {
            let ta = ty_of(text, a, "compared")?;
            let tb = ty_of(text, b, "compared")?;
            if ta != tb {
                return Err(err(
                    text,
                    b.column,
                    b.width,
                    format!(
                        "{} is {} but {} is {}: expected fields of the same type",
                        a.id.name(),
                        type_name(ta),
                        b.id.name(),
                        type_name(tb)
                    ),
                ));
            }
            if op.is_ordering() && ta == FieldType::Bool {
                return Err(err(
                    text,
                    a.column,
                    a.width,
                    format!(
                        "{} is a boolean: expected \"==\" or \"!=\", not \"{}\"",
                        a.id.name(),
                        op.symbol()
                    ),
                ));
            }
            Node::CompareFields(a.id, *op, b.id)
        }
        Expr::Contains(f, lit) => {
            let (id, ty) = bytes_field(text, f, "contains")?;
            let ty = match ty {
                FieldType::Ether => FieldType::Bytes,
                other => other,
            };
            let pattern = match constant(text, f, ty, lit)? {
                Const::Bytes(b) => b,
                _ => unreachable_const(text, lit)?,
            };
            Node::Contains(id, pattern)
        }
        Expr::Matches(f, lit) => {
            let (id, _) = bytes_field(text, f, "matches")?;
            let LitKind::Str(s) = &lit.kind else {
                return Err(err(
                    text,
                    lit.column,
                    lit.width,
                    "expected a quoted regular expression after \"matches\"".into(),
                ));
            };
            let pattern = String::from_utf8_lossy(s);
            let re = RegexBuilder::new(&pattern)
                .case_insensitive(true)
                .unicode(false)
                .size_limit(MAX_REGEX_SIZE as usize)
                .build()
                .map_err(|e| {
                    let message = match e {
                        regex::Error::CompiledTooBig(_) => format!(
                            "regular expression too big when compiled ({})",
                            LimitHit::new(Limit::RegexSize, None)
                        ),
                        e => format!("invalid regular expression: {e}"),
                    };
                    err(text, lit.column, lit.width, message)
                })?;
            Node::Matches(id, re)
        }
        Expr::In(f, items) => {
            let ty = ty_of(text, f, "tested for membership")?;
            let mut set = Vec::new();
            for item in items {
                set.push(match item {
                    SetItem::One(l) => {
                        let c = constant(text, f, ty, l)?;
                        (c.clone(), c)
                    }
                    SetItem::Range(lo, hi) => {
                        (constant(text, f, ty, lo)?, constant(text, f, ty, hi)?)
                    }
                });
            }
            Node::In(f.id, set)
        }
    })
}

fn unreachable_const(text: &str, lit: &Literal) -> Result<Vec<u8>, FilterError> {
    Err(err(
        text,
        lit.column,
        lit.width,
        "expected a string or a byte string after \"contains\"".into(),
    ))
}

fn err(text: &str, column: usize, width: usize, message: String) -> FilterError {
    FilterError::new(text, column, width, message)
}

fn ty_of(text: &str, f: &FieldRef, what: &str) -> Result<FieldType, FilterError> {
    let ty = f.id.def().ty;
    if ty == FieldType::Protocol {
        return Err(err(
            text,
            f.column,
            f.width,
            format!(
                "{} is a protocol and cannot be {what}: expected a field with a value (e.g. {}) or the protocol alone",
                f.id.name(),
                example(f.id)
            ),
        ));
    }
    Ok(ty)
}

fn example(id: FieldId) -> &'static str {
    let name = id.name();
    crate::fields::FIELDS
        .iter()
        .find(|d| {
            d.ty != FieldType::Protocol && d.name.starts_with(name) && d.name.len() > name.len()
        })
        .map_or("frame.len", |d| d.name)
}

/// The field whose bytes `contains` / `matches` search: `frame` means the
/// frame's bytes.
fn bytes_field(text: &str, f: &FieldRef, op: &str) -> Result<(FieldId, FieldType), FilterError> {
    let (id, ty) = match f.id {
        FieldId::Frame => (FieldId::FrameBytes, FieldType::Bytes),
        id => (id, id.def().ty),
    };
    match ty {
        FieldType::Bytes | FieldType::Str => Ok((id, ty)),
        FieldType::Ether if op == "contains" => Ok((id, ty)),
        _ => Err(err(
            text,
            f.column,
            f.width,
            format!(
                "\"{op}\" needs a string or bytes field, but {} is {}",
                f.id.name(),
                type_name(ty)
            ),
        )),
    }
}

fn type_name(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Protocol => "a protocol (supported for \"frame\" only)",
        FieldType::UInt => "an unsigned integer",
        FieldType::Bool => "a boolean",
        FieldType::Str => "a string",
        FieldType::Ether => "an Ethernet address",
        FieldType::Ipv4 => "an IPv4 address",
        FieldType::Ipv6 => "an IPv6 address",
        FieldType::Time => "a time",
        FieldType::Bytes => "a byte string",
    }
}

fn constant(text: &str, f: &FieldRef, ty: FieldType, lit: &Literal) -> Result<Const, FilterError> {
    let bad = |what: &str| {
        err(
            text,
            lit.column,
            lit.width,
            format!(
                "{} is {}: expected {what}, found {}",
                f.id.name(),
                type_name(ty),
                lit.kind
            ),
        )
    };
    let word = match &lit.kind {
        LitKind::Word(w) => Some(w.as_str()),
        LitKind::Str(_) => None,
    };
    match ty {
        FieldType::Str => Ok(Const::Bytes(match &lit.kind {
            LitKind::Str(s) => s.clone(),
            LitKind::Word(w) => w.as_bytes().to_vec(),
        })),
        FieldType::Bytes => match &lit.kind {
            LitKind::Str(s) => Ok(Const::Bytes(s.clone())),
            LitKind::Word(w) => parse_bytes(w)
                .map(Const::Bytes)
                .ok_or_else(|| bad("bytes such as 47:45:54 or a quoted string")),
        },
        FieldType::Protocol => Err(bad("nothing: a protocol has no value")),
        FieldType::UInt => word
            .and_then(parse_uint)
            .map(Const::UInt)
            .ok_or_else(|| bad("an unsigned integer (decimal, 0x hex or 0 octal)")),
        FieldType::Bool => match word {
            Some("1" | "true" | "True" | "TRUE") => Ok(Const::Bool(true)),
            Some("0" | "false" | "False" | "FALSE") => Ok(Const::Bool(false)),
            _ => Err(bad("1, 0, true or false")),
        },
        FieldType::Ether => match &lit.kind {
            LitKind::Str(_) => Err(bad("an address such as 00:11:22:33:44:55, not a string")),
            LitKind::Word(w) => parse_bytes(w)
                .and_then(|b| <[u8; 6]>::try_from(b).ok())
                .map(Const::Ether)
                .ok_or_else(|| bad("an address such as 00:11:22:33:44:55")),
        },
        FieldType::Ipv4 => {
            let w = word.ok_or_else(|| bad("an address such as 192.168.0.1, not a string"))?;
            let (addr, prefix) = split_prefix(w, 32)
                .ok_or_else(|| bad("an address such as 192.168.0.1 or 10.0.0.0/8"))?;
            addr.parse::<Ipv4Addr>()
                .ok()
                .map(|a| Const::Ipv4(a, prefix))
                .ok_or_else(|| bad("an address such as 192.168.0.1 or 10.0.0.0/8"))
        }
        FieldType::Ipv6 => {
            let w = word.ok_or_else(|| bad("an address such as 2001:db8::1, not a string"))?;
            let (addr, prefix) = split_prefix(w, 128)
                .ok_or_else(|| bad("an address such as 2001:db8::1 or fe80::/10"))?;
            addr.parse::<Ipv6Addr>()
                .ok()
                .map(|a| Const::Ipv6(a, prefix))
                .ok_or_else(|| bad("an address such as 2001:db8::1 or fe80::/10"))
        }
        FieldType::Time => word
            .and_then(parse_seconds)
            .map(Const::Time)
            .ok_or_else(|| bad("seconds such as 1.5")),
    }
}

fn split_prefix(w: &str, max: u8) -> Option<(&str, u8)> {
    match w.split_once('/') {
        None => Some((w, max)),
        Some((a, p)) => {
            let p: u8 = p.parse().ok()?;
            (p <= max).then_some((a, p))
        }
    }
}

/// Decimal, `0x` hexadecimal or `0`-prefixed octal, as Wireshark reads them.
pub fn parse_uint(w: &str) -> Option<u64> {
    if let Some(h) = w.strip_prefix("0x").or_else(|| w.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if w.len() > 1 && w.starts_with('0') {
        u64::from_str_radix(&w[1..], 8).ok()
    } else {
        w.parse().ok()
    }
}

/// `aa:bb:cc`, `aa-bb-cc` or `aa.bb.cc` (one or two hex digits each).
pub fn parse_bytes(w: &str) -> Option<Vec<u8>> {
    let sep = [':', '-', '.'].into_iter().find(|&c| w.contains(c));
    let parts: Vec<&str> = match sep {
        Some(c) => w.split(c).collect(),
        None if w.len() <= 2 => vec![w],
        None => return None,
    };
    parts
        .iter()
        .map(|p| {
            if p.is_empty() || p.len() > 2 {
                None
            } else {
                u8::from_str_radix(p, 16).ok()
            }
        })
        .collect()
}

fn parse_seconds(w: &str) -> Option<i64> {
    let (neg, w) = match w.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, w),
    };
    let (int, frac) = w.split_once('.').unwrap_or((w, ""));
    if (int.is_empty() && frac.is_empty()) || frac.len() > 9 {
        return None;
    }
    let i: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let f: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse::<i64>().ok()? * 10i64.pow(9 - frac.len() as u32)
    };
    let ns = i.checked_mul(1_000_000_000)?.checked_add(f)?;
    Some(if neg { -ns } else { ns })
}

#[cfg(test)]
mod tests {
    use super::super::parser::parse;
    use super::*;

    fn checked(s: &str) -> Result<Node, FilterError> {
        check(s, &parse(s).expect("parses"))
    }

    #[test]
    fn a_regex_too_big_when_compiled_is_a_limit() {
        let e = checked(r#"http.host matches "((a|b|c){500}){500}""#).expect_err("too big");
        assert!(
            e.message
                .ends_with("(limit reached: MAX_REGEX_SIZE (1048576))"),
            "{}",
            e.message
        );
        assert!(checked(r#"http.host matches "^www\\.""#).is_ok());
    }

    #[test]
    fn literals() {
        assert_eq!(parse_uint("0x50"), Some(80));
        assert_eq!(parse_uint("0120"), Some(80));
        assert_eq!(parse_uint("80"), Some(80));
        assert_eq!(parse_uint("0"), Some(0));
        assert_eq!(parse_bytes("47:45:54"), Some(vec![0x47, 0x45, 0x54]));
        assert_eq!(parse_bytes("0.1f.5b"), Some(vec![0, 0x1f, 0x5b]));
        assert_eq!(parse_bytes("4745"), None);
        assert_eq!(parse_seconds("1.5"), Some(1_500_000_000));
        assert_eq!(parse_seconds("-0.25"), Some(-250_000_000));
    }

    #[test]
    fn type_errors() {
        let cases = [
            ("ip.addr == \"1.2.3.4\"", 11, "not a string"),
            ("ip.src == 1.2.3", 10, "expected an address"),
            ("ip.src == 1.2.3.0/33", 10, "expected an address"),
            ("ipv6.src == \"::1\"", 12, "not a string"),
            ("ipv6.src == zz::1", 12, "expected an address"),
            ("tcp.port == www", 12, "expected an unsigned integer"),
            ("tcp.flags.syn > 0", 0, "boolean"),
            ("tcp.flags.syn == 2", 17, "1, 0, true or false"),
            ("tcp == 1", 0, "is a protocol"),
            ("tcp in {1}", 0, "is a protocol"),
            ("tcp.port contains 50", 0, "needs a string or bytes field"),
            ("ip.src matches \"x\"", 0, "needs a string or bytes field"),
            ("frame matches 47", 14, "quoted regular expression"),
            ("frame matches \"(\"", 14, "invalid regular expression"),
            ("eth.src == \"x\"", 11, "not a string"),
            ("eth.src == 00:11", 11, "expected an address"),
            ("tcp.payload == 4745", 15, "bytes such as"),
            ("frame.time_relative > 1.5x", 22, "seconds"),
            ("ip.src == eth.src", 10, "same type"),
            ("tcp.flags.syn < tcp.flags.ack", 0, "boolean"),
            ("frame.len == tcp", 13, "is a protocol"),
        ];
        for (s, column, text) in cases {
            let e = checked(s).expect_err(s);
            assert_eq!(e.column, column, "{s}: {e}");
            assert!(e.message.contains(text), "{s}: {e}");
        }
    }

    #[test]
    fn well_typed() {
        for s in [
            "ip.src == 192.168.0.0/16",
            "ipv6.addr == fe80::/10",
            "eth.addr == ff:ff:ff:ff:ff:ff",
            "tcp.flags.syn == true",
            "tcp.payload contains 47:45:54",
            "tcp.payload contains \"GET\"",
            "frame contains \"GET\"",
            "http.request.method == GET",
            "frame.len in {60 0x4a 0100..0200}",
            "frame.time_delta >= 0.5",
            "frame.cap_len < frame.len",
        ] {
            checked(s).expect(s);
        }
    }
}
