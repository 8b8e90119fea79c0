//! tshark's `-E` options for `-T fields` output: `header=y|n`,
//! `separator=/t|/s|C`, `occurrence=f|l|a` (tshark 4.0 takes no number), `aggregator=,|/s|C`,
//! `quote=d|s|n`, and how one cell is written with them.

use anyhow::{bail, Result};

/// Which of a field's values a cell shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurrence {
    All,
    First,
    Last,
}

/// The parsed `-E` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldsFormat {
    pub header: bool,
    pub separator: String,
    pub occurrence: Occurrence,
    pub aggregator: String,
    /// The quote character, if any.
    pub quote: Option<char>,
}

impl Default for FieldsFormat {
    fn default() -> FieldsFormat {
        FieldsFormat {
            header: false,
            separator: "\t".into(),
            occurrence: Occurrence::All,
            aggregator: ",".into(),
            quote: None,
        }
    }
}

fn char_option(v: &str) -> String {
    match v {
        "/t" => "\t".into(),
        "/s" => " ".into(),
        v => v.chars().next().map(String::from).unwrap_or_default(),
    }
}

impl FieldsFormat {
    /// Parses the `-E` options as tshark does.
    pub fn parse(options: &[String], header_flag: bool) -> Result<FieldsFormat> {
        let mut f = FieldsFormat {
            header: header_flag,
            ..FieldsFormat::default()
        };
        for o in options {
            match o.split_once('=') {
                Some(("header", v)) => f.header = matches!(v, "y" | "yes" | "1" | "true"),
                Some(("separator", v)) => f.separator = char_option(v),
                Some(("aggregator", v)) => f.aggregator = char_option(v),
                Some(("occurrence", v)) => {
                    f.occurrence = match v {
                        "a" => Occurrence::All,
                        "f" => Occurrence::First,
                        "l" => Occurrence::Last,
                        v => bail!("invalid -E occurrence={v} (f, l or a)"),
                    }
                }
                Some(("quote", v)) => {
                    f.quote = match v {
                        "d" => Some('"'),
                        "s" => Some('\''),
                        "n" => None,
                        v => bail!("invalid -E quote={v} (d, s or n)"),
                    }
                }
                _ => bail!(
                    "unknown -E option {o:?} (known: header=y|n, separator=/t|/s|C, occurrence=f|l|a, aggregator=,|/s|C, quote=d|s|n)"
                ),
            }
        }
        Ok(f)
    }

    /// Writes one cell from a field's values (already in tshark's text).
    pub fn cell(&self, values: &[String], out: &mut String) {
        let picked: Vec<&String> = match self.occurrence {
            Occurrence::All => values.iter().collect(),
            Occurrence::First => values.first().into_iter().collect(),
            Occurrence::Last => values.last().into_iter().collect(),
        };
        if picked.is_empty() {
            return;
        }
        if let Some(q) = self.quote {
            out.push(q);
        }
        for (i, v) in picked.iter().enumerate() {
            if i > 0 {
                out.push_str(&self.aggregator);
            }
            out.push_str(v);
        }
        if let Some(q) = self.quote {
            out.push(q);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(o: &[&str]) -> FieldsFormat {
        FieldsFormat::parse(&o.iter().map(|s| s.to_string()).collect::<Vec<_>>(), false)
            .expect("valid")
    }

    #[test]
    fn as_tshark_writes_cells() {
        let v = vec!["10.0.0.1".to_string(), "10.0.0.2".to_string()];
        let mut s = String::new();
        opts(&[]).cell(&v, &mut s);
        assert_eq!(s, "10.0.0.1,10.0.0.2");
        s.clear();
        opts(&["occurrence=l", "quote=d"]).cell(&v, &mut s);
        assert_eq!(s, "\"10.0.0.2\"");
        s.clear();
        opts(&["aggregator=/s"]).cell(&v, &mut s);
        assert_eq!(s, "10.0.0.1 10.0.0.2");
        s.clear();
        opts(&["quote=d"]).cell(&[], &mut s);
        assert_eq!(s, "", "an absent field stays empty, unquoted");
        assert_eq!(opts(&["separator=/s"]).separator, " ");
        assert!(FieldsFormat::parse(&["occurrence=1".into()], false).is_err());
    }
}
