//! The counting trees behind tshark's `stats_tree` reports (`-z http,tree`,
//! `-z http_req,tree`, `-z dns,tree`): named items with a count, optional
//! average/min/max of a value, children, and the text table tshark prints.
//!
//! As tshark shows them, children are sorted by count, most first, ties
//! latest-created first; the percentage is of the parent's count. The burst
//! columns are tshark's defaults: counts in 5 ms buckets, the most seen in
//! any 100 ms window (the rate is per millisecond of that window) and the
//! time of its first bucket.

use std::collections::VecDeque;
use std::fmt::Write as _;

/// Width of one burst bucket (tshark's `st_burst_resolution`), ms.
pub const BURST_RESOLUTION_MS: f64 = 5.0;
/// The burst window (tshark's `st_burst_windowlen`), ms.
pub const BURST_WINDOW_MS: f64 = 100.0;

/// One item of a tree.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Item {
    pub name: String,
    pub count: u64,
    /// Sum, min and max of the values averaged here (none for plain counters).
    pub values: Option<Values>,
    /// Whether tshark prints a percentage for this item.
    pub percent: bool,
    /// Values are single-precision floats, printed with six decimals.
    pub float: bool,
    /// Children are ranges shown in the order they were made (tshark's
    /// range nodes), not by count.
    pub ordered: bool,
    pub children: Vec<Item>,
    /// Time (ns from the first packet) of the first and last count.
    pub first_ns: Option<i64>,
    pub last_ns: Option<i64>,
    pub burst: Burst,
}

/// The burst calculation of one item: counts per bucket within the window.
#[derive(Debug, Clone, PartialEq)]
pub struct Burst {
    /// (bucket number, count, time of its first tick in ms), ascending; the
    /// first is tshark's placeholder bucket 0 until the window moves past it.
    buckets: VecDeque<(f64, u64, f64)>,
    in_window: u64,
    /// The most ticks seen in one window, and when that window started (ms).
    pub max: u64,
    pub start_ms: Option<f64>,
}

impl Default for Burst {
    fn default() -> Burst {
        Burst {
            buckets: VecDeque::from([(0.0, 0, 0.0)]),
            in_window: 0,
            max: 0,
            start_ms: None,
        }
    }
}

impl Burst {
    fn tick(&mut self, now_ms: f64) {
        let now_ms = if now_ms.is_finite() { now_ms } else { 0.0 };
        let bucket = (now_ms / BURST_RESOLUTION_MS).floor();
        let window = BURST_WINDOW_MS / BURST_RESOLUTION_MS;
        let (head, tail) = match (self.buckets.front(), self.buckets.back()) {
            (Some(h), Some(t)) => (h.0, t.0),
            _ => (bucket - 1.0, bucket - 1.0),
        };
        if bucket > tail {
            self.buckets.push_back((bucket, 1, now_ms));
            self.in_window += 1;
            while self.buckets.len() > 1
                && self.buckets.front().is_some_and(|h| bucket >= h.0 + window)
            {
                if let Some((_, c, _)) = self.buckets.pop_front() {
                    self.in_window -= c;
                }
            }
        } else if bucket < head {
            if bucket + window > tail {
                self.buckets.push_front((bucket, 1, now_ms));
                self.in_window += 1;
            }
        } else {
            let i = self.buckets.partition_point(|b| b.0 < bucket);
            match self.buckets.get_mut(i) {
                Some(b) if b.0 == bucket => {
                    b.1 += 1;
                    b.2 = b.2.min(now_ms);
                }
                _ => self.buckets.insert(i, (bucket, 1, now_ms)),
            }
            self.in_window += 1;
        }
        if self.in_window > self.max {
            self.max = self.in_window;
            self.start_ms = self.buckets.front().map(|b| b.2);
        }
    }

    /// Ticks per millisecond in the busiest window.
    pub fn rate(&self) -> f64 {
        self.max as f64 / BURST_WINDOW_MS
    }
}

/// Sum, min and max of an item's values.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Values {
    pub sum: f64,
    pub min: f64,
    pub max: f64,
}

impl Item {
    pub fn new(name: &str) -> Item {
        Item {
            name: name.to_string(),
            percent: true,
            ..Item::default()
        }
    }

    /// The child named `name`, created (last) when absent.
    pub fn child(&mut self, name: &str) -> &mut Item {
        let i = match self.children.iter().position(|c| c.name == name) {
            Some(i) => i,
            None => {
                self.children.push(Item::new(name));
                self.children.len() - 1
            }
        };
        &mut self.children[i]
    }

    /// Counts one occurrence at time `at_ns`.
    pub fn tick(&mut self, at_ns: i64) -> &mut Item {
        self.count += 1;
        self.first_ns.get_or_insert(at_ns);
        self.last_ns = Some(at_ns);
        self.burst.tick(at_ns as f64 / 1e6);
        self
    }

    /// Counts one value (for Average, Min Val, Max Val).
    pub fn value(&mut self, at_ns: i64, v: f64) -> &mut Item {
        self.tick(at_ns);
        let vals = self.values.get_or_insert(Values {
            sum: 0.0,
            min: v,
            max: v,
        });
        vals.sum += v;
        vals.min = vals.min.min(v);
        vals.max = vals.max.max(v);
        self
    }

    pub fn average(&self) -> Option<f64> {
        let v = self.values?;
        (self.count > 0).then(|| v.sum / self.count as f64)
    }

    /// Children in tshark's order: most counted first, ties latest-created
    /// first; ranges in their own order.
    pub fn sorted_children(&self) -> Vec<&Item> {
        if self.ordered {
            return self.children.iter().collect();
        }
        let mut v: Vec<&Item> = self.children.iter().rev().collect();
        v.sort_by_key(|c| std::cmp::Reverse(c.count));
        v
    }
}

/// A whole report: its title and top-level items.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tree {
    /// "HTTP/Packet Counter".
    pub title: String,
    pub roots: Vec<Item>,
    /// ns from the first packet to the last packet counted: tshark's rate is
    /// the count per millisecond of it.
    pub elapsed_ns: i64,
}

impl Tree {
    /// Finds the top-level item called `name`.
    pub fn root(&mut self, name: &str) -> &mut Item {
        let i = match self.roots.iter().position(|c| c.name == name) {
            Some(i) => i,
            None => {
                self.roots.push(Item::new(name));
                self.roots.len() - 1
            }
        };
        &mut self.roots[i]
    }
}

fn rate(count: u64, elapsed_ns: i64) -> Option<f64> {
    (elapsed_ns > 0).then(|| count as f64 * 1e6 / elapsed_ns as f64)
}

/// tshark's table for a tree (`-q -z NAME,tree`).
pub fn write_text(tree: &Tree, out: &mut String) {
    fn names(items: &[Item], depth: usize, w: &mut usize) {
        for i in items {
            *w = (*w).max(depth + i.name.chars().count());
            names(&i.children, depth + 1, w);
        }
    }
    let mut name_w = "Topic / Item".len();
    names(&tree.roots, 0, &mut name_w);
    let name_w = name_w + 2;
    let cols = [
        "Count",
        "Average",
        "Min Val",
        "Max Val",
        "Rate (ms)",
        "Percent",
        "Burst Rate",
        "Burst Start",
    ];
    let width = name_w + cols.len() * 14 - 1;
    let _ = writeln!(out, "\n{}", "=".repeat(width));
    let _ = writeln!(out, "{}:", tree.title);
    let _ = write!(out, "{:<name_w$}", "Topic / Item");
    for (k, c) in cols.iter().enumerate() {
        let w = if k + 1 == cols.len() { 13 } else { 14 };
        let _ = write!(out, "{c:<w$}");
    }
    let _ = writeln!(out, "\n{}", "-".repeat(width));
    fn walk(
        items: Vec<&Item>,
        parent: Option<u64>,
        depth: usize,
        tree: &Tree,
        name_w: usize,
        out: &mut String,
    ) {
        for i in items {
            let label = format!("{}{}", " ".repeat(depth), crate::text::sanitize(&i.name));
            let _ = write!(out, "{label:<name_w$}{:<14}", i.count);
            match (i.average(), i.values) {
                (Some(avg), Some(v)) if i.float => {
                    let (lo, hi) = (format!("{:.6}", v.min), format!("{:.6}", v.max));
                    let _ = write!(out, "{:<14}{lo:<14}{hi:<14}", format!("{avg:.2}"));
                }
                (Some(avg), Some(v)) => {
                    let _ = write!(
                        out,
                        "{:<14}{:<14}{:<14}",
                        format!("{avg:.2}"),
                        value_text(v.min, 6),
                        value_text(v.max, 6)
                    );
                }
                _ => {
                    let _ = write!(out, "{:<42}", "");
                }
            }
            let r = rate(i.count, tree.elapsed_ns)
                .map(|r| format!("{r:.4}"))
                .unwrap_or_default();
            let _ = write!(out, "{r:<14}");
            let pct = match parent {
                _ if !i.percent => String::new(),
                None => "100%".into(),
                Some(p) => format!("{:.2}%", super::scale::percent(i.count, p)),
            };
            let _ = write!(out, "{pct:<14}");
            let (rate, start) = match i.burst.start_ms {
                Some(ms) if i.count > 0 => (
                    format!("{:.4}", i.burst.rate()),
                    format!("{:.3}", ms / 1000.0),
                ),
                _ => ("-".into(), "-".into()),
            };
            let _ = writeln!(out, "{rate:<14}{start:<13}");
            walk(
                i.sorted_children(),
                Some(i.count),
                depth + 1,
                tree,
                name_w,
                out,
            );
        }
    }
    walk(tree.roots.iter().collect(), None, 0, tree, name_w, out);
    let _ = writeln!(out, "\n{}", "-".repeat(width));
}

/// A value as tshark prints Min/Max: integers without decimals, else with
/// `decimals` (tshark: 6; the TUI's trees: 3).
pub fn value_text(v: f64, decimals: usize) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.decimals$}")
    }
}

/// One JSON object per item, parents first.
pub fn write_json(stat: &str, tree: &Tree, out: &mut String) {
    fn walk(
        stat: &str,
        items: Vec<&Item>,
        parent: Option<u64>,
        path: &mut Vec<String>,
        out: &mut String,
    ) {
        for i in items {
            path.push(i.name.clone());
            let mut v = serde_json::json!({
                "stat": stat,
                "path": path,
                "item": i.name,
                "count": i.count,
            });
            if let (Some(avg), Some(vals)) = (i.average(), i.values) {
                v["average"] = serde_json::json!(avg);
                v["min"] = serde_json::json!(vals.min);
                v["max"] = serde_json::json!(vals.max);
            }
            if i.percent {
                v["percent"] =
                    serde_json::json!(parent.map_or(100.0, |p| super::scale::percent(i.count, p)));
            }
            if let Some(ms) = i.burst.start_ms.filter(|_| i.count > 0) {
                v["burst_rate"] = serde_json::json!(i.burst.rate());
                v["burst_start"] = serde_json::json!(ms / 1000.0);
            }
            out.push_str(&v.to_string());
            out.push('\n');
            walk(stat, i.sorted_children(), Some(i.count), path, out);
            path.pop();
        }
    }
    walk(
        stat,
        tree.roots.iter().collect(),
        None,
        &mut Vec::new(),
        out,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_show_latest_created_first() {
        let mut root = Item::new("r");
        root.child("a").tick(0);
        root.child("b").tick(0);
        root.child("c");
        root.child("d").tick(0);
        root.child("d").tick(1);
        let order: Vec<_> = root
            .sorted_children()
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(order, ["d", "b", "a", "c"]);
        let mut v = Item::new("v");
        v.value(0, 3.0).value(1, 5.0);
        assert_eq!(v.average(), Some(4.0));
        assert_eq!(Item::new("x").average(), None);
    }
}
