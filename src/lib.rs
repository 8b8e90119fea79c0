//! wirelens: a Wireshark-like traffic inspector for the terminal.
//!
//! The library is a pipeline, data flowing one way:
//! [`capture`] (read records) → [`store`] (compact per-packet index) →
//! [`decode`] (layers on demand) → [`flow`] (TCP/UDP conversations, analysis,
//! reassembly, follow, ladder) → [`http`] (transactions and bodies) →
//! [`filter`] (display filters). [`trace`] runs the one pass that builds the
//! store and the conversations. [`fields`] names values as Wireshark does and
//! [`columns`] builds the packet list's rows; [`text`] makes wire text safe for
//! a terminal. [`cli`] (headless commands) and [`ui`] (the TUI) are two faces
//! over the same calls and own no protocol logic.
//!
//! ```no_run
//! use wirelens::{fields::PacketView, trace::Trace};
//! let trace = Trace::open(std::path::Path::new("capture.pcap"))?;
//! for index in 0..trace.store.len() {
//!     let row = wirelens::columns::row(&PacketView::new(&trace, index));
//!     // Info holds text from the wire: escape it before it reaches a terminal.
//!     let info = wirelens::text::sanitize(&row.info);
//!     println!("{} {} → {} {info}", row.number, row.source, row.destination);
//! }
//! # Ok::<(), wirelens::capture::CaptureError>(())
//! ```

pub mod capture;
pub mod cli;
pub mod columns;
pub mod decode;
pub mod fields;
pub mod filter;
pub mod flow;
pub mod http;
pub mod parallel;
pub mod store;
pub mod text;
pub mod tls;
pub mod trace;
pub mod ui;
