//! Display filters in Wireshark's syntax (a subset of Wireshark 4.0's), the
//! last stage of the pipeline: they select packets of a [`Trace`] for the
//! list and the TUI.
//!
//! A filter is [`lexer`]-split into tokens, [`parser`]-parsed into a tree,
//! type-checked against the field registry ([`typecheck`]) before any packet
//! is read, then evaluated per packet ([`eval`]), decoding a packet only when
//! a field cannot be answered from the store entry.
//!
//! The language, as tshark 4.0 reads it unless said otherwise:
//! - a field or protocol alone tests presence: `tcp`, `tcp.analysis.flags`;
//! - comparisons `== != > < >= <=` (or `eq ne gt lt ge le`) against a value
//!   or another field; on multi-valued fields (`ip.addr`, `tcp.port`,
//!   `eth.addr`) `==` and the orderings hold if ANY value does, `!=` only if
//!   ALL values differ (`~=` / `any_ne`: any differs; `===` / `all_eq`);
//! - values: integers in decimal, `0x` hex or `0` octal; `1`/`0` (and, as in
//!   later Wireshark, `true`/`false`) for flags; IPv4/IPv6 addresses with an
//!   optional `/prefix`; `aa:bb:cc` byte strings and Ethernet addresses
//!   (`-` or `.` separators too); seconds for times; `"strings"` with `\n \t
//!   \\ \" \xhh \ooo` escapes;
//! - `contains` (bytes or string, case-sensitive; `frame contains` searches
//!   the frame's bytes), `matches` (a `regex` crate expression, case-insensitive
//!   as in tshark 4.0), `in {80, 443, 8000..8080}` (commas optional here;
//!   tshark 4.0 requires them);
//! - `not`/`!` binds tightest, then `and`/`&&`, `xor`/`^^` (not in 4.0; as in
//!   later Wireshark), `or`/`||`; parentheses group.
//!
//! Not supported: slices (`frame[0:4]`), functions (`len()`), arithmetic,
//! layer operators (`ip.src#2`), macros, raw strings.
//!
//! ```no_run
//! use wirelens::filter::Filter;
//! let trace = wirelens::trace::Trace::open(std::path::Path::new("sample-captures/textbook-visit.pcap"))?;
//! let filter = Filter::compile("tcp.port in {80, 443} and tcp.flags.syn == 1")
//!     .map_err(|e| anyhow::anyhow!("{e}"))?;
//! let syns = (0..trace.store.len()).filter(|&i| filter.matches(&trace, None, i)).count();
//! println!("{syns} SYNs");
//! # Ok::<(), anyhow::Error>(())
//! ```

pub mod deprecated;
pub mod eval;
pub mod lexer;
pub mod parser;
pub mod typecheck;

use crate::http::HttpIndex;
use crate::trace::Trace;
use std::fmt;

/// A filter that does not compile: where, why, and perhaps what was meant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FilterError {
    /// The whole expression.
    pub expression: String,
    /// 0-based column (in characters) of the offending token.
    pub column: usize,
    /// Width of the offending token, for the underline.
    pub width: usize,
    /// What is wrong and what was expected.
    pub message: String,
    /// A known field close to a misspelt one.
    pub suggestion: Option<String>,
}

impl FilterError {
    pub fn new(expression: &str, column: usize, width: usize, message: String) -> FilterError {
        FilterError {
            expression: expression.to_string(),
            column,
            width: width.max(1),
            message,
            suggestion: None,
        }
    }
}

/// Prints the expression, a caret under the offending column, the message and
/// the suggestion:
///
/// ```text
/// tcp.prot == 80
/// ^~~~~~~~
/// unknown field or protocol "tcp.prot": expected a field name; did you mean "tcp.port"?
/// ```
impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.expression)?;
        writeln!(
            f,
            "{}^{}",
            " ".repeat(self.column),
            "~".repeat(self.width.saturating_sub(1))
        )?;
        f.write_str(&self.message)?;
        if let Some(s) = &self.suggestion {
            write!(f, "; did you mean {s:?}?")?;
        }
        Ok(())
    }
}

/// A compiled display filter.
#[derive(Debug, Clone)]
pub struct Filter {
    text: String,
    root: typecheck::Node,
}

impl Filter {
    /// Parses and type-checks `text`.
    pub fn compile(text: &str) -> Result<Filter, FilterError> {
        let expr = parser::parse(text)?;
        let root = typecheck::check(text, &expr)?;
        Ok(Filter {
            text: text.to_string(),
            root,
        })
    }

    /// The expression as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether packet `index` (0-based) of `trace` passes the filter;
    /// `http.*` fields come from `http` (absent without it: see
    /// [`Filter::needs_http`]).
    pub fn matches(&self, trace: &Trace, http: Option<&HttpIndex>, index: usize) -> bool {
        eval::eval(&self.root, &eval::Packet::new(trace, http, index))
    }

    /// Like [`Filter::matches`], with `frame.marked` true when `marked`
    /// (the TUI's marks; elsewhere no frame is marked, as in tshark).
    pub fn matches_marked(
        &self,
        trace: &Trace,
        http: Option<&HttpIndex>,
        index: usize,
        marked: bool,
    ) -> bool {
        eval::eval(
            &self.root,
            &eval::Packet::new(trace, http, index).marked(marked),
        )
    }

    /// The 0-based indices of the packets of `trace` that pass.
    pub fn select<'a>(
        &'a self,
        trace: &'a Trace,
        http: Option<&'a HttpIndex>,
    ) -> impl Iterator<Item = usize> + 'a {
        (0..trace.store.len()).filter(move |&i| self.matches(trace, http, i))
    }

    /// Like [`Filter::matches`], also telling whether the packet was decoded.
    pub fn matches_lazily(
        &self,
        trace: &Trace,
        http: Option<&HttpIndex>,
        index: usize,
    ) -> (bool, bool) {
        let p = eval::Packet::new(trace, http, index);
        (eval::eval(&self.root, &p), p.decoded())
    }

    /// Whether the filter reads an `http.*` field, so that the trace's HTTP
    /// index must be built before it is applied.
    pub fn needs_http(&self) -> bool {
        self.root.reads_http()
    }

    /// The fields the filter reads.
    pub fn fields(&self) -> Vec<crate::fields::FieldId> {
        let mut out = Vec::new();
        self.root.fields(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_display_has_caret_and_suggestion() {
        let e = Filter::compile("tcp.prot == 80").expect_err("misspelt");
        assert_eq!(
            e.to_string(),
            "tcp.prot == 80\n^~~~~~~~\nunknown field or protocol \"tcp.prot\": expected a field name; did you mean \"tcp.port\"?"
        );
        let e = Filter::compile("ip.addr == \"1.2.3.4\"").expect_err("type");
        assert!(
            e.to_string().starts_with(&format!(
                "ip.addr == \"1.2.3.4\"\n           ^{}\n",
                "~".repeat(8)
            )),
            "{e}"
        );
    }
}
