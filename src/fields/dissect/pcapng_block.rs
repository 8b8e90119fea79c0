//! The records of a pcapng file that are not packets, as tshark 4.0 draws
//! them instead of a Frame: a Custom Block's heading (its length, Private
//! Enterprise Number and whether it may be copied), its frame items, and
//! its custom data as Data.

use super::bits::bits_of;
use super::Node;
use crate::fields::{PacketView, Value};
use std::borrow::Cow;

/// The name of a Private Enterprise Number (IANA's registry, as tshark's
/// `enterprises.tsv` words them), `Unknown` for one not registered.
pub fn pen_name(pen: u32) -> &'static str {
    crate::registry::enterprise::name(pen).unwrap_or("Unknown")
}

/// A Custom Block's Info as tshark's: `Custom Block: PEN = NAME (N), will
/// be copied` (block type 0x00000BAD) or `will not be copied` (0x40000BAD).
pub fn custom_info(copy: bool, pen: u32) -> String {
    let will = if copy { "will" } else { "will not" };
    format!(
        "Custom Block: PEN = {} ({pen}), {will} be copied",
        pen_name(pen)
    )
}

/// The layers of a Custom Block record, or `None` for any other record.
pub fn custom_block(view: &PacketView<'_>) -> Option<Vec<Node>> {
    let store = &view.trace.store;
    let entry = store.entry(view.index)?;
    if entry.kind != crate::store::PacketKind::CustomBlock {
        return None;
    }
    let (copy, pen) =
        crate::capture::custom_block_header(store.capture().bytes(), entry.data_offset)
            .unwrap_or((false, 0));
    let data = view.decoded.data;
    let len = u64::from(entry.orig_len);
    let cap = data.len() as u64;
    let name = pen_name(pen);
    let copying = if copy { "allowed" } else { "not allowed" };
    let mut f = Node::field(
        "frame",
        format!(
            "PCAPNG Custom Block {}: {len} bytes ({} bits) of custom data and options, PEN {name} ({pen}), copying {copying}",
            view.index + 1,
            bits_of(len)
        ),
        0..data.len(),
        Value::Present,
    );
    f.add(Node::field(
        "frame.section_number",
        "Section number: 1",
        0..0,
        Value::UInt(1),
    ));
    f.add(Node::field(
        "frame.number",
        format!("Frame Number: {}", view.index + 1),
        0..0,
        Value::UInt(view.index as u64 + 1),
    ));
    f.add(Node::field(
        "frame.len",
        format!("Frame Length: {len} bytes ({} bits)", bits_of(len)),
        0..0,
        Value::UInt(len),
    ));
    f.add(Node::field(
        "frame.cap_len",
        format!("Capture Length: {cap} bytes ({} bits)", bits_of(cap)),
        0..0,
        Value::UInt(cap),
    ));
    for (abbrev, text) in [
        ("frame.marked", "[Frame is marked: False]"),
        ("frame.ignored", "[Frame is ignored: False]"),
    ] {
        f.add(Node::field(abbrev, text, 0..0, Value::Bool(false)));
    }
    f.add(Node::field(
        "frame.cb_pen",
        format!("Private Enterprise Number: {name} ({pen})"),
        0..0,
        Value::UInt(u64::from(pen)),
    ));
    f.add(Node::field(
        "frame.cb_copy",
        format!("Copying: {}", if copy { "Allowed" } else { "Not Allowed" }),
        0..0,
        Value::Bool(copy),
    ));
    let mut layers = Vec::with_capacity(2);
    let data_layer = (!data.is_empty()).then(|| super::udp::data(data, 0));
    let chain = if data_layer.is_some() { "data" } else { "" };
    f.add(Node::field(
        "frame.protocols",
        format!("[Protocols in frame: {chain}]"),
        0..0,
        Value::Str(Cow::Borrowed(chain)),
    ));
    layers.push(f);
    layers.extend(data_layer);
    Some(layers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pen_names_and_block_headers() {
        assert_eq!(
            pen_name(32473),
            "Example Enterprise Number for Documentation Use"
        );
        assert_eq!(pen_name(1), "NxNetworks");
        assert_eq!(pen_name(u32::MAX), "Unknown");
        assert_eq!(
            custom_info(false, 36724),
            "Custom Block: PEN = Kaplan Research and Application Prototyping (36724), will not be copied"
        );
        assert_eq!(
            custom_info(true, 32473),
            "Custom Block: PEN = Example Enterprise Number for Documentation Use (32473), will be copied"
        );
        // A big-endian copyable block and a little-endian one not to copy.
        let mut be = vec![0, 0, 0x0b, 0xad, 0, 0, 0, 20, 0, 0, 0x7e, 0xd9];
        be.extend_from_slice(b"data");
        assert_eq!(
            crate::capture::custom_block_header(&be, 12),
            Some((true, 32473))
        );
        let mut le = vec![0xad, 0x0b, 0, 0x40, 20, 0, 0, 0, 0x74, 0x8f, 0, 0];
        le.extend_from_slice(b"data");
        assert_eq!(
            crate::capture::custom_block_header(&le, 12),
            Some((false, 36724))
        );
        assert_eq!(crate::capture::custom_block_header(&le, 4), None);
        assert_eq!(crate::capture::custom_block_header(&le[..8], 12), None);
        assert_eq!(crate::capture::custom_block_header(&[1; 16], 12), None);
    }
}
