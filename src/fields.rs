//! Wireshark's field vocabulary: the registry of field names wirelens knows,
//! their types, and how to get and print their values for one packet exactly as
//! `tshark -T fields -e NAME` prints them.
//!
//! Fields are answered from the store's summary where possible (frame, flags,
//! stream, analysis) and from an on-demand decode otherwise. The display-filter
//! language type-checks against [`FieldType`], and the CLI's `-e` prints
//! [`Value`]s with [`Value::tshark`].

mod catalog;
pub mod columns;
pub mod dissect;
mod extract;
pub mod path;
pub mod quoted;
pub mod tls;
mod value;

pub use catalog::{lookup, suggest, FieldDef, FieldId, FieldType, FIELDS};
pub use extract::PacketView;
pub use value::Value;
