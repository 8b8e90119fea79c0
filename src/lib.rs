//! wirelens: a Wireshark-like traffic inspector for the terminal.
//!
//! The library is a pipeline, data flowing one way:
//! [`capture`] (read records) → [`store`] (compact per-packet index) →
//! [`decode`] (layers on demand) → [`flow`] (TCP/UDP conversations and
//! reassembly) → [`http`] (transactions and bodies) → `filter` (display filters).
//! [`fields`] names values as Wireshark does; [`cli`] and `ui` are two faces over
//! the same calls.

pub mod capture;
pub mod cli;
pub mod columns;
pub mod decode;
pub mod fields;
pub mod filter;
pub mod flow;
pub mod http;
pub mod store;
pub mod text;
pub mod trace;
pub mod ui;
