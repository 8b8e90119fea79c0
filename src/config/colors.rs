//! Colouring rules in Wireshark's `colorfilters` format: one rule a line,
//! `@NAME@FILTER@[R,G,B][R,G,B]` (background, then foreground, 16-bit
//! channels, as Wireshark's `color_filters.c` reads them), a leading `!` for a disabled rule, `#` for a comment. The
//! first enabled rule whose display filter matches a packet colours it, as
//! in Wireshark.
//!
//! A rule whose filter wirelens cannot compile (a protocol it does not
//! dissect, such as `hsrp`) is kept disabled with the reason, as Wireshark
//! disables a rule it cannot compile and says so.

use crate::filter::Filter;
use crate::http::HttpIndex;
use crate::trace::Trace;

/// Wireshark 4.0's default colouring rules (its `colorfilters` file).
pub const DEFAULT_COLORFILTERS: &str = include_str!("../../assets/colorfilters");

/// A colour with Wireshark's 16-bit channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb {
    pub r: u16,
    pub g: u16,
    pub b: u16,
}

impl Rgb {
    /// The 8-bit channels (the high byte of each), for a terminal.
    pub fn to_rgb8(self) -> (u8, u8, u8) {
        (
            (self.r >> 8) as u8,
            (self.g >> 8) as u8,
            (self.b >> 8) as u8,
        )
    }
}

/// One colouring rule.
#[derive(Debug, Clone)]
pub struct ColorRule {
    pub name: String,
    /// The filter as written.
    pub filter_text: String,
    pub foreground: Rgb,
    pub background: Rgb,
    /// Disabled in the file (`!`), or because the filter did not compile.
    pub enabled: bool,
    /// Why the filter could not be compiled.
    pub error: Option<String>,
    filter: Option<Filter>,
}

/// A line of a colorfilters file that is not a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleWarning {
    /// 1-based.
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for RuleWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "colorfilters line {}: {}", self.line, self.message)
    }
}

/// Colouring rules, in order.
#[derive(Debug, Clone, Default)]
pub struct ColorRules {
    rules: Vec<ColorRule>,
    warnings: Vec<RuleWarning>,
}

impl ColorRules {
    /// [`DEFAULT_COLORFILTERS`], parsed.
    pub fn wireshark_defaults() -> ColorRules {
        ColorRules::parse(DEFAULT_COLORFILTERS)
    }

    /// Parses a colorfilters file. Lines that are not rules are skipped
    /// with a warning ([`ColorRules::warnings`]); rules whose filter does
    /// not compile are kept, disabled, with the error.
    pub fn parse(text: &str) -> ColorRules {
        let mut rules = Vec::new();
        let mut warnings = Vec::new();
        for (n, line) in (1..).zip(text.lines()) {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            match parse_rule(line) {
                Ok(rule) => {
                    if let Some(e) = &rule.error {
                        warnings.push(RuleWarning {
                            line: n,
                            message: format!(
                                "rule {:?} disabled: {}",
                                rule.name,
                                e.lines().last().unwrap_or(e)
                            ),
                        });
                    }
                    rules.push(rule);
                }
                Err(message) => warnings.push(RuleWarning { line: n, message }),
            }
        }
        ColorRules { rules, warnings }
    }

    pub fn rules(&self) -> &[ColorRule] {
        &self.rules
    }

    /// Lines skipped and rules disabled while parsing.
    pub fn warnings(&self) -> &[RuleWarning] {
        &self.warnings
    }

    /// The first enabled rule matching packet `index` (0-based) of `trace`;
    /// `http` answers `http.*` fields (see [`ColorRules::needs_http`]).
    pub fn matching(
        &self,
        trace: &Trace,
        http: Option<&HttpIndex>,
        index: usize,
    ) -> Option<&ColorRule> {
        self.rules.iter().find(|r| {
            r.enabled
                && r.filter
                    .as_ref()
                    .is_some_and(|f| f.matches(trace, http, index))
        })
    }

    /// Whether an enabled rule reads `http.*` fields.
    pub fn needs_http(&self) -> bool {
        self.rules
            .iter()
            .any(|r| r.enabled && r.filter.as_ref().is_some_and(Filter::needs_http))
    }

    /// The rules in the colorfilters format (a file Wireshark reads back).
    pub fn to_colorfilters(&self) -> String {
        let mut out = String::new();
        for r in &self.rules {
            let c = |c: Rgb| format!("[{},{},{}]", c.r, c.g, c.b);
            let off = !r.enabled && r.error.is_none();
            out.push_str(&format!(
                "{}@{}@{}@{}{}\n",
                if off { "!" } else { "" },
                r.name,
                r.filter_text,
                c(r.background),
                c(r.foreground)
            ));
        }
        out
    }
}

fn parse_rule(line: &str) -> Result<ColorRule, String> {
    let (disabled, rest) = match line.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    let rest = rest
        .strip_prefix('@')
        .ok_or("a rule starts with @ (or !@ when disabled)")?;
    let (name, rest) = rest.split_once('@').ok_or("no @ after the rule's name")?;
    // The filter may itself contain @ (a string); the colours follow the last one.
    let (filter_text, colors) = rest.rsplit_once('@').ok_or("no @ before the colours")?;
    let (background, foreground) = parse_colors(colors.trim())?;
    let (filter, error) = match Filter::compile(filter_text) {
        Ok(f) => (Some(f), None),
        Err(e) => (None, Some(e.to_string())),
    };
    Ok(ColorRule {
        name: name.to_string(),
        filter_text: filter_text.to_string(),
        foreground,
        background,
        enabled: !disabled && filter.is_some(),
        error,
        filter,
    })
}

/// `[r,g,b][r,g,b]`: background, foreground.
fn parse_colors(text: &str) -> Result<(Rgb, Rgb), String> {
    let bad = || format!("colours {text:?} are not [R,G,B][R,G,B] with 16-bit channels");
    let inner = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .ok_or_else(bad)?;
    let (fg, bg) = inner.split_once("][").ok_or_else(bad)?;
    let rgb = |t: &str| -> Option<Rgb> {
        let mut it = t.split(',').map(|c| c.trim().parse::<u16>().ok());
        let rgb = Rgb {
            r: it.next()??,
            g: it.next()??,
            b: it.next()??,
        };
        it.next().is_none().then_some(rgb)
    };
    Ok((rgb(fg).ok_or_else(bad)?, rgb(bg).ok_or_else(bad)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wiresharks_rules_are_read_in_order() {
        let rules = ColorRules::wireshark_defaults();
        let names: Vec<&str> = rules.rules().iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names.len(), 20);
        assert_eq!(names[0], "Bad TCP");
        assert_eq!(names[16], "TCP");
        let tcp = &rules.rules()[16];
        assert_eq!(tcp.filter_text, "tcp");
        assert_eq!(
            tcp.background,
            Rgb {
                r: 59345,
                g: 58980,
                b: 65535
            }
        );
        assert_eq!(
            tcp.foreground,
            Rgb {
                r: 4718,
                g: 10030,
                b: 11796
            }
        );
        assert_eq!(tcp.background.to_rgb8(), (231, 230, 255));
        assert!(tcp.enabled);
        // Rules naming protocols wirelens does not dissect are disabled
        // and reported, not dropped.
        for r in rules.rules() {
            assert_eq!(r.enabled, r.error.is_none(), "{}", r.name);
        }
        assert_eq!(
            rules.warnings().len(),
            rules.rules().iter().filter(|r| !r.enabled).count()
        );
        let round = ColorRules::parse(&rules.to_colorfilters());
        assert_eq!(round.rules().len(), 20);
    }

    #[test]
    fn the_format_is_wiresharks() {
        let text = "# a comment\n\
            !@Off@udp@[0,0,0][1,2,3]\n\
            @At sign@frame contains \"@\"@[65535,0,0][0,0,65535]\n\
            not a rule\n\
            @Bad colour@tcp@[1,2][3,4,5]\n\
            @Unknown@no.such.field@[0,0,0][0,0,0]\n";
        let rules = ColorRules::parse(text);
        assert_eq!(rules.rules().len(), 3);
        let off = &rules.rules()[0];
        assert!(!off.enabled && off.error.is_none());
        assert_eq!(off.foreground, Rgb { r: 1, g: 2, b: 3 });
        let at = &rules.rules()[1];
        assert_eq!(at.filter_text, "frame contains \"@\"");
        assert!(at.enabled, "{:?}", at.error);
        assert!(!rules.rules()[2].enabled);
        let lines: Vec<usize> = rules.warnings().iter().map(|w| w.line).collect();
        assert_eq!(lines, [4, 5, 6]);
        assert!(rules
            .to_colorfilters()
            .starts_with("!@Off@udp@[0,0,0][1,2,3]\n"));
    }

    #[test]
    fn the_first_matching_rule_colours_a_packet() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample-captures/textbook-visit.pcap");
        let trace = Trace::open(&path).expect("sample");
        let rules = ColorRules::wireshark_defaults();
        let names: Vec<Option<&str>> = (0..trace.store.len())
            .map(|i| rules.matching(&trace, None, i).map(|r| r.name.as_str()))
            .collect();
        // The DNS query and answer are "UDP"; every packet to or from port
        // 80 is "HTTP", SYNs included, since that rule comes first.
        assert_eq!(names[..3], [Some("UDP"), Some("UDP"), Some("HTTP")]);
        assert!(names[2..].iter().all(|n| *n == Some("HTTP")), "{names:?}");
    }
}
