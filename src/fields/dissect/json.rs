//! A tree as `tshark -T json` prints a packet: `_source.layers` holds one
//! object per layer, a field is `"abbrev": "value"`, its children go to
//! `"abbrev_tree"`, and a text-only line is keyed by its text. Keys repeat
//! as tshark repeats them; every value is a string.

use super::{Node, Tree};
use crate::fields::Value;

fn key(out: &mut String, k: &str) {
    out.push_str(&serde_json::Value::String(k.to_string()).to_string());
    out.push_str(": ");
}

fn value_text(n: &Node) -> String {
    match &n.value {
        Some(Value::Present) | None => String::new(),
        Some(v) => v.colon_hex(),
    }
}

fn pad(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn children(out: &mut String, nodes: &[Node], depth: usize) {
    out.push_str("{\n");
    for (i, c) in nodes.iter().enumerate() {
        pad(out, depth + 1);
        item(out, c, depth + 1);
        if i + 1 < nodes.len() {
            out.push(',');
        }
        out.push('\n');
    }
    pad(out, depth);
    out.push('}');
}

fn item(out: &mut String, n: &Node, depth: usize) {
    if n.abbrev.is_empty() {
        key(out, &n.text);
        if n.children.is_empty() {
            out.push_str("\"\"");
        } else {
            children(out, &n.children, depth);
        }
        return;
    }
    key(out, n.abbrev);
    out.push_str(&serde_json::Value::String(value_text(n)).to_string());
    if !n.children.is_empty() {
        out.push_str(",\n");
        pad(out, depth);
        key(out, &format!("{}_tree", n.abbrev));
        children(out, &n.children, depth);
    }
}

/// Appends one packet's object (`_index`, `_type`, `_score`, `_source`).
pub fn write_json(tree: &Tree, date: &str, out: &mut String) {
    out.push_str("  {\n");
    out.push_str(&format!("    \"_index\": \"packets-{date}\",\n"));
    out.push_str(
        "    \"_type\": \"doc\",\n    \"_score\": null,\n    \"_source\": {\n      \"layers\": {\n",
    );
    let layers: Vec<&Node> = tree
        .layers
        .iter()
        .filter(|l| !l.abbrev.is_empty())
        .collect();
    for (i, l) in layers.iter().enumerate() {
        pad(out, 4);
        key(out, l.abbrev);
        children(out, &l.children, 4);
        if i + 1 < layers.len() {
            out.push(',');
        }
        out.push('\n');
    }
    out.push_str("      }\n    }\n  }");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape() {
        let mut ip = Node::field("ip", "Internet Protocol Version 4", 0..20, Value::Present);
        let f = ip.add(Node::field("ip.flags", "Flags", 6..7, Value::Hex(2, 2)));
        f.add(Node::field("ip.flags.df", "DF", 6..7, Value::Bool(true)));
        let mut s = String::new();
        write_json(&Tree { layers: vec![ip] }, "2026-01-01", &mut s);
        let v: serde_json::Value = serde_json::from_str(&s).expect("valid json");
        assert_eq!(v["_source"]["layers"]["ip"]["ip.flags"], "0x02");
        assert_eq!(
            v["_source"]["layers"]["ip"]["ip.flags_tree"]["ip.flags.df"],
            "1"
        );
    }
}
