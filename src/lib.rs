//! wirelens: a Wireshark-like traffic inspector for the terminal.
//!
//! The library is a pipeline, data flowing one way:
//! [`capture`] (read records) → [`store`] (compact per-packet index) →
//! [`decode`] (layers on demand) → [`flow`] (TCP/UDP conversations, analysis,
//! reassembly, follow, ladder) → [`trace`] (the one pass that builds the store
//! and the conversations: plain data) → [`http`] (transactions and bodies) →
//! [`fields`] (Wireshark's field names and values) → [`dissect`] (the details
//! tree), [`columns`] (the packet list's rows) and [`filter`] (display
//! filters), [`stats`] (Wireshark's statistics: hierarchy, endpoints, I/O
//! graph, HTTP, DNS, TCP graphs). [`session`] holds a trace and the products computed from it on
//! demand (the HTTP index, connection endings, filter results); it is the one
//! entry point that [`cli`] (headless commands) and [`ui`] (the TUI) share,
//! two faces that own no protocol logic. [`text`] makes wire text safe for a
//! terminal, [`parallel`] spreads independent work over the cores, [`heap`] hands
//! freed memory back during long builds, and
//! [`limits`] names every bound a capture can reach.
//!
//! ```no_run
//! use wirelens::session::Session;
//! let session = Session::open(std::path::Path::new("capture.pcap"))?;
//! for index in 0..session.store.len() {
//!     let row = wirelens::columns::row(&session.packet_with_http(index));
//!     // Info holds text from the wire: escape it before it reaches a terminal.
//!     let info = wirelens::text::sanitize(&row.info);
//!     println!("{} {} → {} {info}", row.number, row.source, row.destination);
//! }
//! # Ok::<(), wirelens::capture::CaptureError>(())
//! ```

pub mod capture;
pub mod cli;
pub mod config;
pub mod decode;
pub mod fields;
// The packet list's columns and the details tree are field producers (Wireshark
// treats columns as `_ws.col.*` fields and answers fields from the tree):
// they live in `fields`, named here at the top as the CLI and the TUI use them.
pub use fields::{columns, dissect};
pub mod filter;
pub mod flow;
pub mod heap;
pub mod http;
pub mod http2;
pub mod journey;
pub mod limits;
pub mod live;
pub mod parallel;
pub mod registry;
pub mod session;
pub mod stats;
pub mod store;
pub mod text;
pub mod tls;
pub mod trace;
pub mod ui;
