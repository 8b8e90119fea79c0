//! SNMP (UDP 161/162) as tshark 4.0 draws it: version and community (or
//! v3's header and plaintext scoped PDU), the PDU with its request id,
//! error status and index (or a v1 trap's enterprise, agent and trap
//! fields, or GetBulk's repeaters), every variable binding with its OID
//! and typed value, and a response's link to its request. BER is read by
//! `decode::app::snmp` (definite lengths only).

use super::Node;
use crate::decode::app::snmp::{integer, oid, pdu_name, tlv};
use crate::fields::{PacketView, Value};
use crate::limits::MAX_SNMP_VARBINDS;
use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr};

/// Most packets of the conversation searched back for a response's request.
const MAX_MATCH_WALK: usize = 10_000;

/// The OIDs whose string values tshark hands to its variable-string
/// dissector (sysDescr.0 and sysName.0, as packet-snmp.c registers them).
const STRING_OIDS: [&str; 2] = ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.5.0"];

fn s(v: impl Into<String>) -> Value<'static> {
    Value::Str(Cow::Owned(v.into()))
}

/// `1.3.6...` with tshark's resolved form `(iso.3.6...)`.
fn oid_text(dotted: &str) -> String {
    match dotted.strip_prefix("1.") {
        Some(rest) => format!("{dotted} (iso.{rest})"),
        None if dotted == "1" => "1 (iso)".into(),
        None => dotted.to_string(),
    }
}

fn error_status(e: i64) -> String {
    const NAMES: [&str; 19] = [
        "noError",
        "tooBig",
        "noSuchName",
        "badValue",
        "readOnly",
        "genErr",
        "noAccess",
        "wrongType",
        "wrongLength",
        "wrongEncoding",
        "wrongValue",
        "noCreation",
        "inconsistentValue",
        "resourceUnavailable",
        "commitFailed",
        "undoFailed",
        "authorizationError",
        "notWritable",
        "inconsistentName",
    ];
    let name = usize::try_from(e)
        .ok()
        .and_then(|i| NAMES.get(i))
        .copied()
        .unwrap_or("Unknown");
    format!("{name} ({e})")
}

/// Offsets of BER slices within one message.
struct Msg<'a> {
    base: &'a [u8],
    at: usize,
}

impl Msg<'_> {
    /// The frame range of `part`, a slice of the message.
    fn range(&self, part: &[u8]) -> std::ops::Range<usize> {
        let start = (part.as_ptr() as usize).saturating_sub(self.base.as_ptr() as usize);
        self.at + start..self.at + start + part.len()
    }
}

/// A BER element: (tag, contents, the whole element, the rest after it).
type Element<'a> = (u8, &'a [u8], &'a [u8], &'a [u8]);

/// The element at the head of `b`.
fn element(b: &[u8]) -> Option<Element<'_>> {
    let (t, v, rest) = tlv(b)?;
    let whole = &b[..b.len() - rest.len()];
    Some((t, v, whole, rest))
}

/// The SNMP layer of a datagram's payload at frame offset `at`; with the
/// number of variable-string values it hands on (tshark names `snmp`
/// again in `frame.protocols` for them).
pub fn layer(view: &PacketView<'_>, msg: &[u8], at: usize) -> Option<(Node, usize)> {
    let m = Msg { base: msg, at };
    let (t, body, _, _) = element(msg)?;
    if t != 0x30 {
        return None;
    }
    let mut n = Node::field(
        "snmp",
        "Simple Network Management Protocol",
        at..at + msg.len(),
        Value::Present,
    );
    let (t, ver, ver_el, rest) = element(body)?;
    if t != 0x02 {
        return None;
    }
    let version = integer(ver)?;
    let mut strings = 0;
    if version == 3 {
        n.add(Node::field(
            "snmp.msgVersion",
            "msgVersion: snmpv3 (3)",
            m.range(ver_el),
            Value::UInt(3),
        ));
        v3(view, &m, rest, &mut n, &mut strings);
        return Some((n, strings));
    }
    let vname = match version {
        0 => "version-1",
        1 => "v2c",
        2 => "v2u",
        _ => "Unknown",
    };
    n.add(Node::field(
        "snmp.version",
        format!("version: {vname} ({version})"),
        m.range(ver_el),
        Value::UInt(u64::try_from(version).unwrap_or(0)),
    ));
    let Some((0x04, community, c_el, rest)) = element(rest) else {
        return Some((n, strings));
    };
    let c = super::body::format_text(community);
    n.add(Node::field(
        "snmp.community",
        format!("community: {c}"),
        m.range(c_el),
        s(c),
    ));
    pdu(view, &m, rest, &mut n, &mut strings);
    Some((n, strings))
}

/// v3: the global data, the USM parameters and a plaintext scoped PDU.
fn v3(view: &PacketView<'_>, m: &Msg<'_>, rest: &[u8], n: &mut Node, strings: &mut usize) {
    let Some((0x30, global, g_el, rest)) = element(rest) else {
        return;
    };
    let g = n.add(Node::text("msgGlobalData", m.range(g_el)));
    let mut b = global;
    for (abbrev, label) in [("snmp.msgID", "msgID"), ("snmp.msgMaxSize", "msgMaxSize")] {
        let Some((0x02, v, el, r)) = element(b) else {
            return;
        };
        let x = integer(v).unwrap_or(0);
        g.add(Node::field(
            abbrev,
            format!("{label}: {x}"),
            m.range(el),
            Value::UInt(u64::try_from(x).unwrap_or(0)),
        ));
        b = r;
    }
    let Some((0x04, flags, f_el, r)) = element(b) else {
        return;
    };
    let fv = u64::from(flags.first().copied().unwrap_or(0));
    let fr = m.range(f_el);
    let f = g.add(Node::field(
        "snmp.msgFlags",
        format!("msgFlags: {}", super::udp::hex(flags)),
        fr.clone(),
        super::bits::bytes_value(flags),
    ));
    for (abbrev, mask, label) in [
        ("snmp.v3.flags.report", 0x04, "Reportable"),
        ("snmp.v3.flags.crypt", 0x02, "Encrypted"),
        ("snmp.v3.flags.auth", 0x01, "Authenticated"),
    ] {
        f.add(
            Node::field(
                abbrev,
                super::bits::bitfield(
                    fv,
                    mask,
                    8,
                    &format!("{label}: {}", super::bits::set(fv & mask != 0)),
                ),
                fr.clone(),
                Value::Bool(fv & mask != 0),
            )
            .masked(mask),
        );
    }
    let Some((0x02, sm, sm_el, _)) = element(r) else {
        return;
    };
    let model = integer(sm).unwrap_or(0);
    let model_name = match model {
        0 => "Any",
        1 => "V1",
        2 => "V2C",
        3 => "USM",
        _ => "Unknown",
    };
    g.add(Node::field(
        "snmp.msgSecurityModel",
        format!("msgSecurityModel: {model_name} ({model})"),
        m.range(sm_el),
        Value::UInt(u64::try_from(model).unwrap_or(0)),
    ));
    let Some((0x04, params, _, rest)) = element(rest) else {
        return;
    };
    if let Some((0x30, usm, _, _)) = element(params) {
        let mut b = usm;
        for (abbrev, label, int) in [
            (
                "snmp.msgAuthoritativeEngineID",
                "msgAuthoritativeEngineID",
                false,
            ),
            (
                "snmp.msgAuthoritativeEngineBoots",
                "msgAuthoritativeEngineBoots",
                true,
            ),
            (
                "snmp.msgAuthoritativeEngineTime",
                "msgAuthoritativeEngineTime",
                true,
            ),
            ("snmp.msgUserName", "msgUserName", false),
            (
                "snmp.msgAuthenticationParameters",
                "msgAuthenticationParameters",
                false,
            ),
            ("snmp.msgPrivacyParameters", "msgPrivacyParameters", false),
        ] {
            let Some((_, v, el, r)) = element(b) else {
                break;
            };
            let text = if int {
                integer(v).unwrap_or(0).to_string()
            } else if abbrev == "snmp.msgUserName" {
                super::body::format_text(v)
            } else if v.is_empty() {
                "<MISSING>".into()
            } else {
                super::udp::hex(v)
            };
            n.add(Node::field(
                abbrev,
                format!("{label}: {text}"),
                m.range(el),
                s(text.clone()),
            ));
            b = r;
        }
    }
    let Some((0x30, scoped, sc_el, _)) = element(rest) else {
        return;
    };
    let d = n.add(Node::field(
        "snmp.msgData",
        "msgData: plaintext (0)",
        m.range(sc_el),
        Value::UInt(0),
    ));
    let p = d.add(Node::text("plaintext", m.range(sc_el)));
    let Some((0x04, engine, e_el, r)) = element(scoped) else {
        return;
    };
    let e = if engine.is_empty() {
        "<MISSING>".into()
    } else {
        super::udp::hex(engine)
    };
    p.add(Node::field(
        "snmp.contextEngineID",
        format!("contextEngineID: {e}"),
        m.range(e_el),
        s(e.clone()),
    ));
    let Some((0x04, name, n_el, r)) = element(r) else {
        return;
    };
    let name = super::body::format_text(name);
    p.add(Node::field(
        "snmp.contextName",
        format!("contextName: {name}"),
        m.range(n_el),
        s(name),
    ));
    pdu(view, m, r, p, strings);
}

/// The `data:` item: one PDU.
fn pdu(view: &PacketView<'_>, m: &Msg<'_>, b: &[u8], n: &mut Node, strings: &mut usize) {
    let Some((tag, body, el, _)) = element(b) else {
        return;
    };
    let Some(name) = pdu_name(tag) else { return };
    let num = tag & 0x1f;
    let r = m.range(el);
    let d = n.add(Node::field(
        "snmp.data",
        format!("data: {name} ({num})"),
        r.clone(),
        Value::UInt(u64::from(num)),
    ));
    let p = d.add(Node::text(name, r));
    let mut request_id = None;
    let mut rest = body;
    if tag == 0xa4 {
        rest = trap_v1(m, body, p).unwrap_or_default();
    } else {
        let labels: [(&'static str, &str); 3] = if tag == 0xa5 {
            [
                ("snmp.request_id", "request-id"),
                ("snmp.non_repeaters", "non-repeaters"),
                ("snmp.max_repetitions", "max-repetitions"),
            ]
        } else {
            [
                ("snmp.request_id", "request-id"),
                ("snmp.error_status", "error-status"),
                ("snmp.error_index", "error-index"),
            ]
        };
        for (abbrev, label) in labels {
            let Some((0x02, v, e, r)) = element(rest) else {
                return;
            };
            let x = integer(v).unwrap_or(0);
            if abbrev == "snmp.request_id" {
                request_id = Some(x);
            }
            let shown = if abbrev == "snmp.error_status" {
                error_status(x)
            } else {
                x.to_string()
            };
            p.add(Node::field(
                abbrev,
                format!("{label}: {shown}"),
                m.range(e),
                Value::Str(Cow::Owned(x.to_string())),
            ));
            rest = r;
        }
    }
    if let Some((0x30, list, l_el, _)) = element(rest) {
        varbinds(m, list, l_el, p, strings);
    }
    if let (0xa2, Some(id)) = (tag, request_id) {
        response_to(view, n, id);
    }
}

/// A v1 trap's header fields; returns what follows them.
fn trap_v1<'a>(m: &Msg<'_>, b: &'a [u8], p: &mut Node) -> Option<&'a [u8]> {
    let (0x06, ent, e_el, rest) = element(b)? else {
        return None;
    };
    let dotted = oid(ent)?;
    p.add(Node::field(
        "snmp.enterprise",
        format!("enterprise: {}", oid_text(&dotted)),
        m.range(e_el),
        s(dotted),
    ));
    let (_, a, a_el, rest) = element(rest)?;
    if a.len() == 4 {
        let ip = Ipv4Addr::new(a[0], a[1], a[2], a[3]);
        p.add(Node::field(
            "snmp.agent_addr",
            format!("agent-addr: {ip}"),
            m.range(a_el),
            Value::Ip(IpAddr::V4(ip)),
        ));
    }
    let (_, g, g_el, rest) = element(rest)?;
    let generic = integer(g).unwrap_or(0);
    let gname = match generic {
        0 => "coldStart",
        1 => "warmStart",
        2 => "linkDown",
        3 => "linkUp",
        4 => "authenticationFailure",
        5 => "egpNeighborLoss",
        6 => "enterpriseSpecific",
        _ => "Unknown",
    };
    p.add(Node::field(
        "snmp.generic_trap",
        format!("generic-trap: {gname} ({generic})"),
        m.range(g_el),
        Value::Str(Cow::Owned(generic.to_string())),
    ));
    let (_, sp, sp_el, rest) = element(rest)?;
    let specific = integer(sp).unwrap_or(0);
    p.add(Node::field(
        "snmp.specific_trap",
        format!("specific-trap: {specific}"),
        m.range(sp_el),
        Value::Str(Cow::Owned(specific.to_string())),
    ));
    let (_, ts, ts_el, rest) = element(rest)?;
    let time = integer(ts).unwrap_or(0);
    p.add(Node::field(
        "snmp.time_stamp",
        format!("time-stamp: {time}"),
        m.range(ts_el),
        Value::Str(Cow::Owned(time.to_string())),
    ));
    Some(rest)
}

fn varbinds(m: &Msg<'_>, list: &[u8], el: &[u8], p: &mut Node, strings: &mut usize) {
    let mut binds = Vec::new();
    let mut b = list;
    while let Some((0x30, bind, bind_el, rest)) = element(b) {
        if binds.len() as u64 >= MAX_SNMP_VARBINDS {
            break;
        }
        let Some(node) = varbind(m, bind, bind_el, strings) else {
            break;
        };
        binds.push(node);
        b = rest;
    }
    let count = binds.len();
    let l = p.add(Node::field(
        "snmp.variable_bindings",
        format!(
            "variable-bindings: {count} item{}",
            if count == 1 { "" } else { "s" }
        ),
        m.range(el),
        Value::Present,
    ));
    l.children = binds;
}

fn varbind(m: &Msg<'_>, bind: &[u8], el: &[u8], strings: &mut usize) -> Option<Node> {
    let (0x06, name, n_el, rest) = element(bind)? else {
        return None;
    };
    let dotted = oid(name)?;
    let (tag, v, v_el, _) = element(rest)?;
    let mut e = Node::field(
        "snmp.VarBind_element",
        String::new(),
        m.range(el),
        Value::Present,
    );
    e.add(Node::field(
        "snmp.name",
        format!("Object Name: {}", oid_text(&dotted)),
        m.range(n_el),
        s(dotted.clone()),
    ));
    let vr = m.range(v_el);
    let uint = || {
        let mut x: u64 = 0;
        for &b in v.iter().take(9) {
            x = (x << 8) | u64::from(b);
        }
        x
    };
    let (short, item) = match tag {
        0x05 => (
            "Value (Null)".to_string(),
            Node::field("snmp.value.null", "Value (Null)", vr, Value::Present),
        ),
        0x02 => {
            let x = integer(v).unwrap_or(0);
            (
                x.to_string(),
                Node::field(
                    "snmp.value.int",
                    format!("Value (Integer32): {x}"),
                    vr,
                    s(x.to_string()),
                ),
            )
        }
        0x04 => {
            let printable = v.iter().all(|&c| (0x20..0x7f).contains(&c));
            let shown = if printable {
                format!("\"{}\"", String::from_utf8_lossy(v))
            } else {
                super::udp::hex(v)
            };
            let mut item = Node::field(
                "snmp.value.octets",
                format!("Value (OctetString): {shown}"),
                vr.clone(),
                super::bits::bytes_value(v),
            );
            if STRING_OIDS.contains(&dotted.as_str()) {
                *strings += 1;
                let t = super::body::format_text(v);
                item.add(Node::field(
                    "snmp.var-bind_str",
                    format!("Variable-binding-string: {t}"),
                    vr,
                    s(t),
                ));
            }
            (shown, item)
        }
        0x06 => {
            let o = oid(v).map_or_else(|| super::udp::hex(v), |d| oid_text(&d));
            (
                o.clone(),
                Node::field("snmp.value.oid", format!("Value (OID): {o}"), vr, s(o)),
            )
        }
        0x40 if v.len() == 4 => {
            let ip = Ipv4Addr::new(v[0], v[1], v[2], v[3]);
            (
                ip.to_string(),
                Node::field(
                    "snmp.value.ipv4",
                    format!("Value (IpAddress): {ip}"),
                    vr,
                    Value::Ip(IpAddr::V4(ip)),
                ),
            )
        }
        0x41 | 0x42 | 0x43 | 0x46 | 0x47 => {
            let (abbrev, kind) = match tag {
                0x41 => ("snmp.value.counter", "Counter32"),
                0x42 => ("snmp.value.g32", "Gauge32"),
                0x43 => ("snmp.value.timeticks", "Timeticks"),
                0x46 => ("snmp.value.counter64", "Counter64"),
                _ => ("snmp.value.u32", "Unsigned32"),
            };
            let x = uint();
            (
                x.to_string(),
                Node::field(abbrev, format!("Value ({kind}): {x}"), vr, Value::UInt(x)),
            )
        }
        0x80..=0x82 => {
            let w = ["noSuchObject", "noSuchInstance", "endOfMibView"][usize::from(tag & 3)];
            (
                w.to_string(),
                Node::field("snmp.value.null", w, vr, Value::Present),
            )
        }
        _ => (
            super::udp::hex(v),
            Node::field(
                "snmp.value.unk",
                format!("Value (Unknown): {}", super::udp::hex(v)),
                vr,
                super::bits::bytes_value(v),
            ),
        ),
    };
    e.text = format!("{dotted}: {short}");
    e.add(item);
    Some(e)
}

/// The request id of the SNMP request in packet `i`, when it is one.
fn request_id_of(view: &PacketView<'_>, i: usize) -> Option<i64> {
    let d = view.trace.store.decode(i);
    let (_, body, _) = tlv(d.payload())?;
    let (_, ver, rest) = tlv(body)?;
    let rest = match integer(ver)? {
        3 => {
            let (_, _, r) = tlv(rest)?;
            let (_, _, r) = tlv(r)?;
            let (_, scoped, _) = tlv(r)?;
            let (_, _, r) = tlv(scoped)?;
            let (_, _, r) = tlv(r)?;
            r
        }
        _ => tlv(rest)?.2,
    };
    let (tag, pdu, _) = tlv(rest)?;
    if !matches!(tag, 0xa0 | 0xa1 | 0xa3 | 0xa5 | 0xa6) {
        return None;
    }
    integer(tlv(pdu)?.1)
}

/// `[Response To: N]` and `[Time: ...]`: the latest earlier request of
/// the conversation with the response's request id.
fn response_to(view: &PacketView<'_>, n: &mut Node, id: i64) {
    let store = &view.trace.store;
    let Some((c, _)) = view.trace.conversations.of_packet(store, view.index) else {
        return;
    };
    let mut found = None;
    for (steps, i) in c.packets(store).enumerate() {
        if steps >= MAX_MATCH_WALK || i >= view.index {
            break;
        }
        if request_id_of(view, i) == Some(id) {
            found = Some(i);
        }
    }
    let Some(req) = found else { return };
    super::bits::request_link(
        view,
        n,
        req,
        ("snmp.response_to", "Response To"),
        ("snmp.time", "Time"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_resolve_like_tshark() {
        assert_eq!(oid_text("1.3.6.1"), "1.3.6.1 (iso.3.6.1)");
        assert_eq!(error_status(2), "noSuchName (2)");
        assert_eq!(error_status(99), "Unknown (99)");
    }
}
