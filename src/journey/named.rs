//! Address text with names from the capture: an endpoint or a column's
//! address replaced by the name the capture's own DNS gave it as of a packet
//! (the `-N` option and the TUI's names toggle), sanitized for the terminal.

use super::NameMap;
use crate::text::sanitize;
use std::net::SocketAddr;

/// An endpoint, named from the capture's DNS when `names` is given.
pub fn endpoint(addr: SocketAddr, names: Option<&NameMap>, packet: u32) -> String {
    match names.and_then(|n| n.name_at(addr.ip(), packet)) {
        Some(name) => format!("{}:{}", sanitize(name), addr.port()),
        None => addr.to_string(),
    }
}

/// An endpoint with its name and address both: `name (10.0.0.2:80)`, or
/// the address alone when the capture does not name it (or `names` is off).
pub fn named_endpoint(addr: SocketAddr, names: Option<&NameMap>, packet: u32) -> String {
    match names.and_then(|n| n.name_at(addr.ip(), packet)) {
        Some(name) => format!("{} ({addr})", sanitize(name)),
        None => addr.to_string(),
    }
}

/// A column's address text (an IP address, or an address and port) with the
/// address replaced by its name when `names` has one as of `packet`;
/// anything else unchanged.
pub fn named_text(text: &str, names: Option<&NameMap>, packet: u32) -> String {
    let Some(names) = names else {
        return text.to_string();
    };
    if let Ok(ip) = text.parse::<std::net::IpAddr>() {
        if let Some(n) = names.name_at(ip, packet) {
            return sanitize(n).into_owned();
        }
    }
    if let Ok(sa) = text.parse::<SocketAddr>() {
        return endpoint(sa, Some(names), packet);
    }
    text.to_string()
}
