//! The statistics screens that are tshark's counting trees: HTTP (`-z
//! http,tree`, `-z http_req,tree` and wirelens's `http_time,tree`, the
//! response time distribution) and DNS (`-z dns,tree`). Each tree is a
//! title line, then its items indented under their parents in tshark's
//! order, with the count, the share of the parent as a number and a bar,
//! and the average, min and max where the item averages a value.

use crate::stats::scale;
use crate::stats::tree::{Item, Tree};
use crate::text::sanitize_cell;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// One line of the screen: a tree's title, or one of its items with its
/// depth and its parent's count (none: a top-level item).
pub enum TreeRow<'t> {
    Title(&'t str),
    Item {
        depth: usize,
        item: &'t Item,
        parent: Option<u64>,
    },
}

/// The lines of `trees` in display order.
pub fn rows(trees: &[Tree]) -> Vec<TreeRow<'_>> {
    fn walk<'t>(
        items: Vec<&'t Item>,
        parent: Option<u64>,
        depth: usize,
        out: &mut Vec<TreeRow<'t>>,
    ) {
        for item in items {
            out.push(TreeRow::Item {
                depth,
                item,
                parent,
            });
            walk(item.sorted_children(), Some(item.count), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    for t in trees {
        out.push(TreeRow::Title(&t.title));
        walk(t.roots.iter().collect(), None, 0, &mut out);
    }
    out
}

/// A value as the screen shows it: integers bare, else three decimals.
fn value(v: f64) -> String {
    crate::stats::tree::value_text(v, 3)
}

/// Draws `trees` from line `offset` under the title `title`.
pub fn draw_trees(frame: &mut Frame<'_>, area: Rect, title: &str, trees: &[Tree], offset: usize) {
    let rows = rows(trees);
    let inner = usize::from(area.width.saturating_sub(2));
    let averages = rows
        .iter()
        .any(|r| matches!(r, TreeRow::Item { item, .. } if item.values.is_some()));
    // " count" 9, " percent" 8, and 11 for each of average, min and max.
    let numbers = 9 + 8 + if averages { 3 * 11 } else { 0 };
    let longest = rows
        .iter()
        .map(|r| match r {
            TreeRow::Item { depth, item, .. } => 2 * depth + item.name.chars().count(),
            TreeRow::Title(_) => 0,
        })
        .max()
        .unwrap_or(0);
    // The names whole first; a bar (" " and at least 4 cells) where room is left.
    let room = inner.saturating_sub(numbers);
    let (name_w, bar_w) = if room >= longest.max(12) + 5 {
        (longest.max(12), (room - longest.max(12) - 1).min(30))
    } else {
        (room.max(12), 0)
    };
    let bar_of = |share: Option<f64>| match share {
        _ if bar_w == 0 => String::new(),
        Some(s) => format!(" {}", super::tables::bar(s / 100.0, bar_w)),
        None => " ".repeat(bar_w + 1),
    };
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut header = format!(
        "{:<name_w$} {:>8} {:>7}{}",
        "Topic / Item",
        "Count",
        "Percent",
        " ".repeat(if bar_w > 0 { bar_w + 1 } else { 0 })
    );
    if averages {
        header.push_str(&format!(" {:>10} {:>10} {:>10}", "Average", "Min", "Max"));
    }
    let height = usize::from(area.height.saturating_sub(3));
    let mut lines = vec![Line::styled(header, bold)];
    lines.extend(rows.iter().skip(offset).take(height).map(|r| match r {
        TreeRow::Title(t) => Line::styled(sanitize_cell(t).into_owned(), bold),
        TreeRow::Item {
            depth,
            item,
            parent,
        } => {
            let name: String = format!("{}{}", "  ".repeat(*depth), sanitize_cell(&item.name))
                .chars()
                .take(name_w)
                .collect();
            let share = match parent {
                _ if !item.percent => None,
                None => Some(100.0),
                Some(p) => Some(scale::percent(item.count, *p)),
            };
            let pct = share.map_or_else(String::new, |s| format!("{s:.1}%"));
            let bar = bar_of(share);
            let mut text = format!("{name:<name_w$} {:>8} {pct:>7}{bar}", item.count);
            if averages {
                if let (Some(avg), Some(v)) = (item.average(), item.values) {
                    text.push_str(&format!(
                        " {:>10} {:>10} {:>10}",
                        value(avg),
                        value(v.min),
                        value(v.max)
                    ));
                }
            }
            Line::from(text)
        }
    }));
    frame.render_widget(
        Paragraph::new(lines).block(crate::ui::render::block(title, true)),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_follow_tsharks_order_under_each_title() {
        let mut root = Item::new("Total");
        root.child("few").tick(0);
        for _ in 0..2 {
            root.child("many").tick(0);
        }
        root.count = 3;
        let t = Tree {
            title: "T".into(),
            roots: vec![root],
            elapsed_ns: 0,
        };
        let names: Vec<String> = rows(std::slice::from_ref(&t))
            .iter()
            .map(|r| match r {
                TreeRow::Title(t) => format!("# {t}"),
                TreeRow::Item { depth, item, .. } => format!("{depth} {}", item.name),
            })
            .collect();
        assert_eq!(names, ["# T", "0 Total", "1 many", "1 few"]);
        assert_eq!(value(2.0), "2");
        assert_eq!(value(1.25), "1.250");
    }
}
