//! The options of an EDNS0 OPT record (RFC 6891), each as tshark 4.0 shows
//! it: `Option: COOKIE` with its code, length and data, then what tshark
//! reads in the data of a client subnet, COOKIE (RFC 7873), TCP keepalive
//! or padding option.

use super::super::bits::be16;
use super::super::Node;
use crate::fields::Value;
use std::borrow::Cow;
use std::net::IpAddr;

/// Most options drawn for one OPT record (its data length is at most
/// 65535 bytes, so at most 16384 empty options).
const MAX_OPTIONS: usize = 256;

/// Wireshark's name of an EDNS0 option code.
fn option_name(code: u16) -> Option<&'static str> {
    Some(match code {
        3 => "NSID - Name Server Identifier",
        8 => "CSUBNET - Client subnet",
        10 => "COOKIE",
        11 => "EDNS TCP Keepalive",
        12 => "PADDING",
        _ => return None,
    })
}

/// A byte-string value; tshark prints an empty one as `<MISSING>`.
fn bytes_or_missing(b: &[u8]) -> Value<'static> {
    if b.is_empty() {
        Value::Str(Cow::Borrowed("<MISSING>"))
    } else {
        super::super::bits::bytes_value(b)
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The option nodes of the OPT record data `data` at frame offset `at`,
/// appended to the record's node `rr`.
pub fn options(data: &[u8], at: usize, rr: &mut Node) {
    let mut pos = 0;
    for _ in 0..MAX_OPTIONS {
        let (Some(code), Some(len)) = (be16(data, pos), be16(data, pos + 2)) else {
            return;
        };
        let len = usize::from(len);
        let Some(body) = data.get(pos + 4..pos + 4 + len) else {
            return;
        };
        let (title, code_text) = match option_name(code) {
            Some(name) => (Cow::Borrowed(name), format!("{name} ({code})")),
            None => (
                Cow::Owned(format!("Unknown ({code})")),
                format!("Unknown ({code})"),
            ),
        };
        let start = at + pos;
        let o = rr.add(Node::field(
            "dns.opt",
            format!("Option: {title}"),
            start..start + 4 + len,
            Value::Present,
        ));
        o.add(Node::field(
            "dns.opt.code",
            format!("Option Code: {code_text}"),
            start..start + 2,
            Value::UInt(u64::from(code)),
        ));
        o.add(Node::field(
            "dns.opt.len",
            format!("Option Length: {len}"),
            start + 2..start + 4,
            Value::UInt(len as u64),
        ));
        let body_at = start + 4;
        let shown = if len == 0 {
            "<MISSING>".to_string()
        } else {
            hex(body)
        };
        o.add(Node::field(
            "dns.opt.data",
            format!("Option Data: {shown}"),
            body_at..body_at + len,
            bytes_or_missing(body),
        ));
        match code {
            8 => client_subnet(body, body_at, o),
            10 => cookie(body, body_at, o),
            11 if len == 2 => {
                let t = u64::from(be16(body, 0).unwrap_or(0));
                o.add(Node::field(
                    "dns.opt.edns_tcp_keepalive.timeout",
                    format!("Timeout: {t}"),
                    body_at..body_at + 2,
                    Value::UInt(t),
                ));
            }
            12 => {
                o.add(Node::field(
                    "dns.opt.padding",
                    format!("Padding: {shown}"),
                    body_at..body_at + len,
                    bytes_or_missing(body),
                ));
            }
            _ => {}
        }
        pos += 4 + len;
    }
}

/// A client subnet option (RFC 7871): family, source and scope prefix
/// lengths, and the address its bytes start (zero-filled).
fn client_subnet(body: &[u8], at: usize, o: &mut Node) {
    let (Some(family), Some(&source), Some(&scope)) = (be16(body, 0), body.get(2), body.get(3))
    else {
        return;
    };
    let family_name = match family {
        1 => "IPv4",
        2 => "IPv6",
        _ => "Unknown",
    };
    o.add(Node::field(
        "dns.opt.client.family",
        format!("Family: {family_name} ({family})"),
        at..at + 2,
        Value::UInt(u64::from(family)),
    ));
    o.add(Node::field(
        "dns.opt.client.netmask",
        format!("Source Netmask: {source}"),
        at + 2..at + 3,
        Value::UInt(u64::from(source)),
    ));
    o.add(Node::field(
        "dns.opt.client.scope",
        format!("Scope Netmask: {scope}"),
        at + 3..at + 4,
        Value::UInt(u64::from(scope)),
    ));
    let addr = &body[4..];
    let r = at + 4..at + body.len();
    let ip = match family {
        1 if addr.len() <= 4 => {
            let mut a = [0u8; 4];
            a[..addr.len()].copy_from_slice(addr);
            IpAddr::from(a)
        }
        2 if addr.len() <= 16 => {
            let mut a = [0u8; 16];
            a[..addr.len()].copy_from_slice(addr);
            IpAddr::from(a)
        }
        _ => return,
    };
    let field = if family == 1 {
        "dns.opt.client.addr4"
    } else {
        "dns.opt.client.addr6"
    };
    o.add(Node::field(
        field,
        format!("Client Subnet: {ip}"),
        r,
        Value::Ip(ip),
    ));
}

/// A COOKIE option: an 8-byte client cookie, then the server's (8 to 32
/// bytes), `<MISSING>` in a first query.
fn cookie(body: &[u8], at: usize, o: &mut Node) {
    let client = &body[..body.len().min(8)];
    o.add(Node::field(
        "dns.opt.cookie.client",
        format!("Client Cookie: {}", hex(client)),
        at..at + client.len(),
        bytes_or_missing(client),
    ));
    let server = body.get(8..).unwrap_or_default();
    let text = if server.is_empty() {
        "<MISSING>".to_string()
    } else {
        hex(server)
    };
    o.add(Node::field(
        "dns.opt.cookie.server",
        format!("Server Cookie: {text}"),
        at + 8..at + 8 + server.len(),
        bytes_or_missing(server),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(n: &Node, out: &mut Vec<String>) {
        out.push(n.text.clone());
        for c in &n.children {
            texts(c, out);
        }
    }

    #[test]
    fn a_client_cookie_and_an_unknown_option() {
        let mut rr = Node::text("", 0..0);
        let data = [
            0, 10, 0, 8, 0x53, 0xd4, 0xfe, 3, 0xd5, 0xbc, 0x85, 0x77, // COOKIE
            0, 99, 0, 0, // unknown, empty
            0, 12, 0, 9, // cut short: ignored
        ];
        options(&data, 100, &mut rr);
        let mut t = Vec::new();
        texts(&rr, &mut t);
        assert_eq!(
            &t[1..],
            [
                "Option: COOKIE",
                "Option Code: COOKIE (10)",
                "Option Length: 8",
                "Option Data: 53d4fe03d5bc8577",
                "Client Cookie: 53d4fe03d5bc8577",
                "Server Cookie: <MISSING>",
                "Option: Unknown (99)",
                "Option Code: Unknown (99)",
                "Option Length: 0",
                "Option Data: <MISSING>",
            ]
        );
        assert_eq!(rr.children[0].bytes, 100..112);
    }
}
