//! One DNS resource record: its name, type, class (mDNS's cache-flush
//! bit), TTL and data: A, AAAA, CNAME, NS, PTR, MX, SRV and OPT here, the
//! other types in `rdata.rs`.

use super::*;

/// One resource record at `pos`: its node and the offset after it.
pub(super) fn record(msg: &[u8], pos: usize, at: usize, mdns: bool) -> Option<(Node, usize)> {
    let (rname, after, _) = name(msg, pos)?;
    let t = be16(msg, after)?;
    let c = be16(msg, after + 2)?;
    let ttl = be32(msg, after + 4)?;
    let len = usize::from(be16(msg, after + 8)?);
    let data_at = after + 10;
    let data = msg.get(data_at..data_at + len)?;
    let end = data_at + len;
    let r = at + pos..at + end;
    let d = at + data_at..at + end;
    let mut e = Node::text(String::new(), r);
    let nr = at + pos..at + after;
    if t == 33 && !rname.is_empty() && rname != "<Root>" {
        // tshark splits an SRV owner in at most three: service, protocol
        // and name, each shown when there.
        for (part, (abbrev, label)) in rname.splitn(3, '.').zip([
            ("dns.srv.service", "Service"),
            ("dns.srv.proto", "Protocol"),
            ("dns.srv.name", "Name"),
        ]) {
            e.add(Node::field(
                abbrev,
                format!("{label}: {part}"),
                nr.clone(),
                Value::Str(Cow::Owned(part.to_string())),
            ));
        }
    } else {
        e.add(Node::field(
            "dns.resp.name",
            format!("Name: {rname}"),
            nr,
            Value::Str(Cow::Owned(rname.clone())),
        ));
    }
    e.add(Node::field(
        "dns.resp.type",
        format!("Type: {}", long_type(t)),
        at + after..at + after + 2,
        Value::UInt(u64::from(t)),
    ));
    let mut extra = String::new();
    if t == 41 {
        e.text = format!("{rname}: type OPT");
        e.add(Node::field(
            "dns.rr.udp_payload_size",
            format!("UDP payload size: {c}"),
            at + after + 2..at + after + 4,
            Value::UInt(u64::from(c)),
        ));
        let ext = u64::from(ttl >> 24);
        let ver = u64::from((ttl >> 16) & 0xff);
        let z = u64::from(ttl & 0xffff);
        e.add(Node::field(
            "dns.resp.ext_rcode",
            format!("Higher bits in extended RCODE: 0x{ext:02x}"),
            at + after + 4..at + after + 5,
            Value::Hex(ext, 2),
        ));
        e.add(Node::field(
            "dns.resp.edns0_version",
            format!("EDNS0 version: {ver}"),
            at + after + 5..at + after + 6,
            Value::UInt(ver),
        ));
        let zr = at + after + 6..at + after + 8;
        let zn = e.add(Node::field(
            "dns.resp.z",
            format!("Z: 0x{z:04x}"),
            zr.clone(),
            Value::Hex(z, 4),
        ));
        let dnssec = if z & 0x8000 != 0 {
            "Accepts DNSSEC security RRs"
        } else {
            "Cannot handle DNSSEC security RRs"
        };
        zn.add(
            Node::field(
                "dns.resp.z.do",
                bitfield(z, 0x8000, 16, &format!("DO bit: {dnssec}")),
                zr.clone(),
                Value::Bool(z & 0x8000 != 0),
            )
            .masked(0x8000),
        );
        zn.add(
            Node::field(
                "dns.resp.z.reserved",
                bitfield(z, 0x7fff, 16, &format!("Reserved: 0x{:04x}", z & 0x7fff)),
                zr,
                Value::Hex(z & 0x7fff, 4),
            )
            .masked(0x7fff),
        );
        e.add(Node::field(
            "dns.resp.len",
            format!("Data length: {len}"),
            at + after + 8..at + after + 10,
            Value::UInt(len as u64),
        ));
        edns::options(data, d.start, &mut e);
        return Some((e, end));
    }
    let cr = at + after + 2..at + after + 4;
    if mdns {
        mdns_class(
            &mut e,
            c,
            cr,
            ("dns.resp.class", "dns.resp.cache_flush", "Cache flush"),
        );
    } else {
        e.add(Node::field(
            "dns.resp.class",
            format!("Class: {} (0x{c:04x})", class_name(c)),
            cr,
            Value::Hex(u64::from(c), 4),
        ));
    }
    e.add(Node::field(
        "dns.resp.ttl",
        format!("Time to live: {ttl} ({})", duration(ttl)),
        at + after + 4..at + after + 8,
        Value::UInt(u64::from(ttl)),
    ));
    e.add(Node::field(
        "dns.resp.len",
        format!("Data length: {len}"),
        at + after + 8..at + after + 10,
        Value::UInt(len as u64),
    ));
    match (t, data.len()) {
        (1, 4) => {
            let a = Ipv4Addr::new(data[0], data[1], data[2], data[3]);
            extra = format!(", addr {a}");
            e.add(Node::field(
                "dns.a",
                format!("Address: {a}"),
                d,
                Value::Ip(IpAddr::V4(a)),
            ));
        }
        (28, 16) => {
            let mut b = [0u8; 16];
            b.copy_from_slice(data);
            let a = Ipv6Addr::from(b);
            extra = format!(", addr {a}");
            e.add(Node::field(
                "dns.aaaa",
                format!("AAAA Address: {a}"),
                d,
                Value::Ip(IpAddr::V6(a)),
            ));
        }
        (5 | 2 | 12, _) => {
            if let Some((target, _, _)) = name(msg, data_at) {
                let (abbrev, label, word) = match t {
                    5 => ("dns.cname", "CNAME", "cname"),
                    2 => ("dns.ns", "Name Server", "ns"),
                    _ => ("dns.ptr.domain_name", "Domain Name", ""),
                };
                // A PTR's heading shows the name alone.
                extra = if word.is_empty() {
                    format!(", {target}")
                } else {
                    format!(", {word} {target}")
                };
                e.add(Node::field(
                    abbrev,
                    format!("{label}: {target}"),
                    d,
                    Value::Str(Cow::Owned(target)),
                ));
            }
        }
        (15, _) => {
            let pref = be16(msg, data_at).unwrap_or(0);
            if let Some((target, _, _)) = name(msg, data_at + 2) {
                extra = format!(", preference {pref}, mx {target}");
                e.add(Node::field(
                    "dns.mx.preference",
                    format!("Preference: {pref}"),
                    at + data_at..at + data_at + 2,
                    Value::UInt(u64::from(pref)),
                ));
                e.add(Node::field(
                    "dns.mx.mail_exchange",
                    format!("Mail Exchange: {target}"),
                    at + data_at + 2..at + end,
                    Value::Str(Cow::Owned(target)),
                ));
            }
        }
        (33, 6..) => {
            let v = |i: usize| be16(data, i).unwrap_or(0);
            let target = name(msg, data_at + 6).map_or_else(String::new, |n| n.0);
            extra = format!(
                ", priority {}, weight {}, port {}, target {target}",
                v(0),
                v(2),
                v(4)
            );
            for (i, (abbrev, label)) in [
                ("dns.srv.priority", "Priority"),
                ("dns.srv.weight", "Weight"),
                ("dns.srv.port", "Port"),
            ]
            .into_iter()
            .enumerate()
            {
                e.add(Node::field(
                    abbrev,
                    format!("{label}: {}", v(2 * i)),
                    at + data_at + 2 * i..at + data_at + 2 * i + 2,
                    Value::UInt(u64::from(v(2 * i))),
                ));
            }
            e.add(Node::field(
                "dns.srv.target",
                format!("Target: {target}"),
                at + data_at + 6..at + end,
                Value::Str(Cow::Owned(target)),
            ));
        }
        _ => match rdata::data(&mut e, t, msg, data_at, end, at) {
            Some(text) => extra = text,
            None => {
                e.add(Node::text(format!("Data ({len} bytes)"), d));
            }
        },
    }
    let flush = if mdns && c & 0x8000 != 0 {
        ", cache flush"
    } else {
        ""
    };
    e.text = format!(
        "{rname}: type {}, class {}{flush}{extra}",
        type_name(t),
        class_name(c)
    );
    Some((e, end))
}
