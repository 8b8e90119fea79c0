//! SVCB and HTTPS records (RFC 9460): priority, target name and each
//! SvcParam, with tshark 4.0's lines.

use super::{str_value, Node, Rec};
use crate::fields::dissect::bits::{be16, hex_shown};
use crate::fields::Value;

/// An SVCB or HTTPS record's priority, target name and SvcParams.
pub(super) fn svcb(e: &mut Node, r: &Rec<'_>) -> Option<String> {
    let o = r.data_at;
    let prio = r.u16(o)?;
    let (target, after) = r.name(o + 2)?;
    e.add(Node::field(
        "dns.svcb.svcpriority",
        format!("SvcPriority: {prio}"),
        r.range(o, o + 2),
        Value::UInt(u64::from(prio)),
    ));
    e.add(Node::field(
        "dns.svcb.targetname",
        format!("TargetName: {target}"),
        r.range(o + 2, after),
        str_value(&target),
    ));
    let mut i = after;
    while i < r.end {
        let (key, len) = (r.u16(i)?, usize::from(r.u16(i + 2)?));
        let value = r.bytes(i + 4, i + 4 + len)?;
        e.add(svc_param(r, i, key, value));
        i += 4 + len;
    }
    Some(String::new())
}

/// Wireshark's name of an SvcParamKey.
fn svc_key_name(key: u16) -> Option<&'static str> {
    Some(match key {
        0 => "mandatory",
        1 => "alpn",
        2 => "no-default-alpn",
        3 => "port",
        4 => "ipv4hint",
        5 => "echconfig",
        6 => "ipv6hint",
        _ => return None,
    })
}

/// Standard base64 with padding (an ECHConfig as tshark shows it).
fn base64(b: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(b.len().div_ceil(3) * 4);
    for c in b.chunks(3) {
        let n = c
            .iter()
            .enumerate()
            .fold(0u32, |n, (k, &x)| n | u32::from(x) << (16 - 8 * k));
        for k in 0..4 {
            if k <= c.len() {
                out.push(char::from(A[(n >> (18 - 6 * k) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One SvcParam at message offset `i`: its heading (`alpn=h2,h3`), key,
/// value length and value lines.
fn svc_param(r: &Rec<'_>, i: usize, key: u16, value: &[u8]) -> Node {
    let v_at = i + 4;
    let vr = r.range(v_at, v_at + value.len());
    let mut p = Node::text(String::new(), r.range(i, v_at + value.len()));
    let key_text = match svc_key_name(key) {
        Some(n) => format!("SvcParamKey: {n} ({key})"),
        None => format!("SvcParamKey: Unknown ({key})"),
    };
    p.add(Node::field(
        "dns.svcb.svcparam.key",
        key_text,
        r.range(i, i + 2),
        Value::UInt(u64::from(key)),
    ));
    p.add(Node::field(
        "dns.svcb.svcparam.value.length",
        format!("SvcParamValue length: {}", value.len()),
        r.range(i + 2, i + 4),
        Value::UInt(value.len() as u64),
    ));
    let mut shown = Vec::new();
    match key {
        0 => {
            for (k, c) in value.chunks_exact(2).enumerate() {
                let m = u16::from_be_bytes([c[0], c[1]]);
                let name = svc_key_name(m).unwrap_or("Unknown");
                shown.push(name.to_string());
                let a = v_at + 2 * k;
                p.add(Node::field(
                    "dns.svcb.svcparam.mandatory.key",
                    format!("Mandatory key: {name} ({m})"),
                    r.range(a, a + 2),
                    Value::UInt(u64::from(m)),
                ));
            }
        }
        1 => {
            let mut k = 0;
            while let Some(&l) = value.get(k) {
                let l = usize::from(l);
                let Some(id) = value.get(k + 1..k + 1 + l) else {
                    break;
                };
                let id = crate::fields::dissect::body::format_text(id);
                let a = v_at + k;
                p.add(Node::field(
                    "dns.svcb.svcparam.alpn.length",
                    format!("ALPN length: {l}"),
                    r.range(a, a + 1),
                    Value::UInt(l as u64),
                ));
                p.add(Node::field(
                    "dns.svcb.svcparam.alpn",
                    format!("ALPN: {id}"),
                    r.range(a + 1, a + 1 + l),
                    str_value(&id),
                ));
                shown.push(id);
                k += 1 + l;
            }
        }
        2 => {}
        3 if value.len() == 2 => {
            let port = be16(value, 0).unwrap_or(0);
            shown.push(port.to_string());
            p.add(Node::field(
                "dns.svcb.svcparam.port",
                format!("Port: {port}"),
                vr,
                Value::UInt(u64::from(port)),
            ));
        }
        4 | 6 => {
            let size = if key == 4 { 4 } else { 16 };
            for (k, c) in value.chunks_exact(size).enumerate() {
                let ip = if let Ok(v4) = <[u8; 4]>::try_from(c) {
                    std::net::IpAddr::from(v4)
                } else if let Ok(v6) = <[u8; 16]>::try_from(c) {
                    std::net::IpAddr::from(v6)
                } else {
                    continue;
                };
                shown.push(ip.to_string());
                let a = v_at + size * k;
                p.add(Node::field(
                    if key == 4 {
                        "dns.svcb.svcparam.ipv4hint.ip"
                    } else {
                        "dns.svcb.svcparam.ipv6hint.ip"
                    },
                    format!("IP: {ip}"),
                    r.range(a, a + size),
                    Value::Ip(ip),
                ));
            }
        }
        5 => {
            let b64 = base64(value);
            p.add(Node::field(
                "dns.svcb.svcparam.echconfig",
                format!("ECHConfig: {b64}"),
                vr,
                crate::fields::dissect::bits::bytes_value(value),
            ));
            shown.push(b64);
        }
        _ => {
            shown.push(crate::fields::dissect::body::format_text(value));
            p.add(Node::field(
                "dns.svcb.svcparam.value",
                format!("SvcParamValue: {}", hex_shown(value)),
                vr,
                crate::fields::dissect::bits::bytes_value(value),
            ));
        }
    }
    let name = svc_key_name(key).map_or_else(|| format!("key{key}"), str::to_string);
    p.text = if key == 2 {
        format!("SvcParam: {name}")
    } else {
        format!("SvcParam: {name}={}", shown.join(","))
    };
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads() {
        assert_eq!(base64(&[0, 4, b'a', b'b', b'c', b'd']), "AARhYmNk");
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b""), "");
    }
}
