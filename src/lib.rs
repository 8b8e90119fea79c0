//! wirelens: a Wireshark-like traffic inspector for the terminal.
//!
//! The library is a pipeline, data flowing one way:
//! [`capture`] (read records) → [`store`] (compact per-packet index) →
//! [`decode`] (layers on demand) → [`flow`] (TCP/UDP conversations and
//! reassembly) → `http` (transactions and bodies) → `filter` (display filters).
//! [`fields`] names values as Wireshark does; [`cli`] and `ui` are two faces over
//! the same calls.

pub mod capture;
pub mod decode;
