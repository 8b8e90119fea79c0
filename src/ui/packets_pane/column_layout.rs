//! The packet list's columns: which show (Wireshark's seven, less those
//! hidden with `-`, plus custom columns of any field added with `+`, as
//! Wireshark's "Apply as Column"), and how wide each is: as wide as the
//! widest cell on screen, from the default width up to a cap (a full IPv6
//! address fits), Info taking what is left; or as wide as the user made it
//! (`{` `}` pick a column, `(` `)` narrow and widen it; the config's
//! `width`). A cell wider than its column ends in an ellipsis, never a
//! silent cut that would make two addresses look the same.

use crate::fields::FieldId;
use crate::text::truncate_chars;

/// The built-in columns, in Wireshark's order.
pub const BUILTIN: [&str; 7] = [
    "No.",
    "Time",
    "Source",
    "Destination",
    "Protocol",
    "Length",
    "Info",
];

/// Bound on custom columns.
pub const MAX_CUSTOM: usize = 16;

/// The widest an address column gets: a full IPv6 address.
pub const ADDRESS_CAP: u16 = 39;
/// The widest a custom column gets.
pub const CUSTOM_CAP: u16 = 30;
/// Info keeps at least this much.
const INFO_MIN: u16 = 10;
/// The narrowest and widest a column can be made.
pub const RESIZE_BOUNDS: (u16, u16) = (1, 200);

/// A column shown: a built-in one (index into [`BUILTIN`]) or a custom one (index into the custom fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Builtin(usize),
    Custom(usize),
}

/// The columns chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns {
    /// Built-in columns hidden (by index).
    pub hidden: [bool; 7],
    /// Custom columns: name and field.
    pub custom: Vec<(&'static str, FieldId)>,
    /// Widths the user set, by column name (a built-in's or a field's).
    pub widths: std::collections::BTreeMap<&'static str, u16>,
}

impl Columns {
    /// The columns of the configuration's `columns` list: built-in ones
    /// left out or hidden there are hidden (Info always shows), fields become
    /// custom columns, and a `width` fixes the column's width. The list's
    /// order is not followed: the built-in columns keep Wireshark's order.
    pub fn from_config(list: &[crate::config::Column]) -> Columns {
        use crate::config::ColumnKind as K;
        if list.is_empty() {
            return Columns::default();
        }
        let mut c = Columns {
            hidden: [true, true, true, true, true, true, false],
            custom: Vec::new(),
            widths: Default::default(),
        };
        for col in list {
            let builtin = match col.kind {
                K::Number => Some(0),
                K::Time => Some(1),
                K::Source => Some(2),
                K::Destination => Some(3),
                K::Protocol => Some(4),
                K::Length => Some(5),
                K::Info => Some(6),
                K::Field(def) => {
                    if !col.hidden && c.custom.len() < MAX_CUSTOM {
                        c.custom.push((def.name, def.id));
                    }
                    if let Some(w) = col.width {
                        c.widths
                            .insert(def.name, w.clamp(RESIZE_BOUNDS.0, RESIZE_BOUNDS.1));
                    }
                    None
                }
            };
            if let Some(i) = builtin {
                c.hidden[i] = col.hidden && i != 6;
                if let (Some(w), true) = (col.width, i != 6) {
                    c.widths
                        .insert(BUILTIN[i], w.clamp(RESIZE_BOUNDS.0, RESIZE_BOUNDS.1));
                }
            }
        }
        c
    }

    /// Adds the column of field `name`, or shows a hidden built-in one;
    /// returns the status message or why not.
    pub fn add(&mut self, name: &str) -> Result<String, String> {
        let name = name.trim();
        if let Some(i) = BUILTIN.iter().position(|b| b.eq_ignore_ascii_case(name)) {
            self.hidden[i] = false;
            return Ok(format!("column {} shown", BUILTIN[i]));
        }
        let def =
            crate::fields::lookup(name).ok_or_else(|| match crate::fields::suggest(name) {
                Some(s) => format!(
                    "unknown field \"{}\": did you mean \"{s}\"?",
                    crate::text::sanitize(name)
                ),
                None => format!("unknown field \"{}\"", crate::text::sanitize(name)),
            })?;
        if self.custom.iter().any(|(n, _)| *n == def.name) {
            return Err(format!("column {} is shown already", def.name));
        }
        if self.custom.len() >= MAX_CUSTOM {
            return Err(format!("at most {MAX_CUSTOM} custom columns"));
        }
        self.custom.push((def.name, def.id));
        Ok(format!("column {} added", def.name))
    }

    /// Hides column `name` (a custom one is removed).
    pub fn hide(&mut self, name: &str) -> Result<String, String> {
        let name = name.trim();
        if let Some(i) = BUILTIN.iter().position(|b| b.eq_ignore_ascii_case(name)) {
            if i == 6 {
                return Err("Info stays: it takes the room the others leave".into());
            }
            self.hidden[i] = true;
            return Ok(format!(
                "column {} hidden (+ {} shows it again)",
                BUILTIN[i], BUILTIN[i]
            ));
        }
        let before = self.custom.len();
        self.custom.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        if self.custom.len() < before {
            Ok(format!("column {} removed", crate::text::sanitize(name)))
        } else {
            Err(format!("no column \"{}\"", crate::text::sanitize(name)))
        }
    }

    /// The columns shown, in order: built-ins (Time and Length left out
    /// when `narrow`), custom ones before Info.
    pub fn shown(&self, narrow: bool) -> Vec<Col> {
        let mut out: Vec<Col> = (0..6)
            .filter(|&i| !self.hidden[i] && !(narrow && (i == 1 || i == 5)))
            .map(Col::Builtin)
            .collect();
        out.extend((0..self.custom.len()).map(Col::Custom));
        out.push(Col::Builtin(6));
        out
    }

    /// The name a column's width is kept under.
    pub fn name(&self, col: Col) -> &'static str {
        match col {
            Col::Builtin(i) => BUILTIN[i],
            Col::Custom(i) => self.custom.get(i).map_or("", |(n, _)| n),
        }
    }

    /// The width the user set for `col`.
    pub fn fixed(&self, col: Col) -> Option<u16> {
        self.widths.get(self.name(col)).copied()
    }

    /// Makes `col` (now `current` wide) `delta` wider (narrower when
    /// negative); returns the status message. Info takes what is left, so
    /// it is not resized.
    pub fn resize(&mut self, col: Col, current: u16, delta: i16) -> String {
        if col == Col::Builtin(6) {
            return "Info takes the room the other columns leave".into();
        }
        let (lo, hi) = RESIZE_BOUNDS;
        // A width set before counts, even before the list is drawn again.
        let current = self.fixed(col).unwrap_or(current);
        let w = current.saturating_add_signed(delta).clamp(lo, hi);
        let name = self.name(col);
        self.widths.insert(name, w);
        format!("column {name}: {w} wide (config: width = {w})")
    }

    /// The header of a column.
    pub fn header(&self, col: Col, narrow: bool) -> &'static str {
        match col {
            Col::Builtin(4) if narrow => "Proto",
            Col::Builtin(i) => BUILTIN[i],
            Col::Custom(i) => self.custom.get(i).map_or("", |(n, _)| n),
        }
    }
}

/// The default (smallest) width of a built-in column and its cap.
fn bounds(col: Col, narrow: bool, time_width: u16) -> (u16, u16) {
    match (col, narrow) {
        (Col::Builtin(0), true) => (5, 10),
        (Col::Builtin(0), false) => (7, 10),
        (Col::Builtin(1), _) => (time_width, time_width),
        (Col::Builtin(2 | 3), true) => (15, ADDRESS_CAP),
        (Col::Builtin(2 | 3), false) => (16, ADDRESS_CAP),
        (Col::Builtin(4), true) => (6, 12),
        (Col::Builtin(4), false) => (8, 12),
        (Col::Builtin(5), _) => (6, 6),
        (Col::Builtin(_), _) => (INFO_MIN, u16::MAX),
        (Col::Custom(_), _) => (4, CUSTOM_CAP),
    }
}

/// The columns that show in a table `width` columns wide (borders
/// included) and their widths, given the widest cell of each
/// (`widest(col)`) and its header. Info, last, takes the rest. When the room
/// is short, so that addresses would be cut, No. shrinks to its cells,
/// then Length goes, then Time, and only then are addresses cut (with an
/// ellipsis): at 120 columns two full IPv6 addresses show.
pub fn layout(
    mut cols: Vec<Col>,
    widest: impl Fn(Col) -> u16,
    header: impl Fn(Col) -> &'static str,
    width: u16,
    narrow: bool,
    time_width: u16,
    fixed: impl Fn(Col) -> Option<u16>,
) -> (Vec<Col>, Vec<u16>) {
    let want = |c: Col| -> u16 {
        if let Some(w) = fixed(c).filter(|_| c != Col::Builtin(6)) {
            return w;
        }
        let (min, cap) = bounds(c, narrow, time_width);
        widest(c)
            .max(header(c).chars().count() as u16)
            .clamp(min, cap.max(min))
    };
    let room = |cols: &[Col]| width.saturating_sub(2 + cols.len().saturating_sub(1) as u16);
    let fixed = |w: &[u16]| -> u16 { w.iter().take(w.len().saturating_sub(1)).sum() };
    let mut w: Vec<u16> = cols.iter().map(|&c| want(c)).collect();
    let fits = |cols: &[Col], w: &[u16]| fixed(w) + INFO_MIN <= room(cols);
    if !fits(&cols, &w) {
        if let Some(i) = cols.iter().position(|&c| c == Col::Builtin(0)) {
            w[i] = widest(Col::Builtin(0)).max(3).min(w[i]);
        }
    }
    for drop in [Col::Builtin(5), Col::Builtin(1)] {
        if fits(&cols, &w) {
            break;
        }
        if let Some(i) = cols.iter().position(|&c| c == drop) {
            cols.remove(i);
            w.remove(i);
        }
    }
    while !fits(&cols, &w) {
        let widest_address = cols
            .iter()
            .enumerate()
            .filter(|(i, c)| {
                matches!(c, Col::Builtin(2 | 3)) && w[*i] > bounds(**c, narrow, time_width).0
            })
            .max_by_key(|(i, _)| w[*i])
            .map(|(i, _)| i);
        match widest_address {
            Some(i) => w[i] -= 1,
            None => break,
        }
    }
    let rest = room(&cols).saturating_sub(fixed(&w)).max(INFO_MIN);
    if let Some(last) = w.last_mut() {
        *last = rest;
    }
    (cols, w)
}

/// `text` fitted to `width` columns: cut with an ellipsis if longer.
pub fn fit(text: &str, width: u16) -> String {
    truncate_chars(text, usize::from(width))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_ipv6_addresses_fit_at_120_columns_and_are_cut_visibly_below() {
        let c = Columns::default();
        let v6 = "2001:0db8:85a3:0000:0000:8a2e:0370:7334";
        let widest = |k: Col| match k {
            Col::Builtin(0) => 4,
            Col::Builtin(2 | 3) => 39,
            Col::Builtin(1) => 11,
            _ => 4,
        };
        let header = |k: Col| c.header(k, false);
        let (cols, w) = layout(c.shown(false), widest, header, 120, false, 11, |_| None);
        let at = |k: Col| cols.iter().position(|&x| x == k).map(|i| w[i]);
        assert_eq!(
            (at(Col::Builtin(2)), at(Col::Builtin(3))),
            (Some(39), Some(39)),
            "{cols:?} {w:?}"
        );
        assert_eq!(at(Col::Builtin(5)), None, "Length gave way");
        assert_eq!(at(Col::Builtin(1)), Some(11), "Time stays");
        assert!(w.iter().sum::<u16>() + 2 + (w.len() as u16 - 1) <= 120);
        // Narrower: addresses cut, with an ellipsis.
        let (cols, w) = layout(
            c.shown(true),
            widest,
            |k| c.header(k, true),
            80,
            true,
            11,
            |_| None,
        );
        let src = cols
            .iter()
            .position(|&x| x == Col::Builtin(2))
            .map(|i| w[i])
            .expect("source");
        assert!((15..39).contains(&src), "{w:?}");
        let cut = fit(v6, src);
        assert!(
            cut.ends_with('…') && cut.chars().count() == usize::from(src),
            "{cut}"
        );
        // Short addresses keep the default widths and every column.
        let short = |k: Col| match k {
            Col::Builtin(2 | 3) => 9,
            _ => 2,
        };
        let (cols, w) = layout(c.shown(false), short, header, 120, false, 11, |_| None);
        assert_eq!(cols.len(), 7);
        assert_eq!(&w[..6], &[7, 11, 16, 16, 8, 6]);
    }

    #[test]
    fn a_set_width_is_kept_and_info_takes_the_rest() {
        let mut c = Columns::default();
        let widest = |_: Col| 9;
        assert_eq!(
            c.resize(Col::Builtin(2), 16, 8),
            "column Source: 24 wide (config: width = 24)"
        );
        c.resize(Col::Builtin(4), 8, -5);
        let header = |k: Col| c.header(k, false);
        let (cols, w) = layout(c.shown(false), widest, header, 150, false, 11, |k| {
            c.fixed(k)
        });
        let at = |k: Col| cols.iter().position(|&x| x == k).map(|i| w[i]);
        assert_eq!(
            (at(Col::Builtin(2)), at(Col::Builtin(4))),
            (Some(24), Some(3))
        );
        assert_eq!(
            at(Col::Builtin(3)),
            Some(16),
            "Destination sizes to its content"
        );
        assert!(c.resize(Col::Builtin(6), 50, 1).contains("Info takes"));
        assert_eq!(c.fixed(Col::Builtin(6)), None);
        // Bounded both ways.
        c.resize(Col::Builtin(0), 3, -10);
        assert_eq!(c.fixed(Col::Builtin(0)), Some(RESIZE_BOUNDS.0));
        c.widths.insert("No.", 195);
        c.resize(Col::Builtin(0), 7, 10);
        assert_eq!(c.fixed(Col::Builtin(0)), Some(RESIZE_BOUNDS.1));
    }

    #[test]
    fn the_config_s_columns_are_followed() {
        let config = crate::config::Config::from_toml(
            "[display]\ncolumns = [\"No.\", \"Source\", \"Info\", { title = \"Window\", field = \"tcp.window_size\" }]\n",
        )
        .expect("a config with columns");
        let c = Columns::from_config(&config.columns);
        assert_eq!(c.hidden, [false, true, false, true, true, true, false]);
        assert_eq!(c.custom.len(), 1);
        assert_eq!(Columns::from_config(&[]), Columns::default());
    }

    #[test]
    fn columns_are_added_hidden_and_shown_again() {
        let mut c = Columns::default();
        assert_eq!(
            c.add("tcp.window_size"),
            Ok("column tcp.window_size added".into())
        );
        assert!(c.add("tcp.window_size").is_err());
        assert!(c
            .add("tcp.windw_size")
            .is_err_and(|e| e.contains("did you mean")));
        assert_eq!(
            c.shown(true),
            vec![
                Col::Builtin(0),
                Col::Builtin(2),
                Col::Builtin(3),
                Col::Builtin(4),
                Col::Custom(0),
                Col::Builtin(6)
            ]
        );
        assert!(c.hide("source").is_ok());
        assert!(c.hide("Info").is_err());
        assert!(!c.shown(false).contains(&Col::Builtin(2)));
        assert_eq!(c.add("Source"), Ok("column Source shown".into()));
        assert_eq!(
            c.hide("tcp.window_size"),
            Ok("column tcp.window_size removed".into())
        );
        assert!(c.hide("nothing").is_err());
    }
}
