//! SNMP (UDP 161 and 162) as tshark 4.0 words its Info: the PDU type then
//! each variable binding's OID, `get-request 1.3.6.1.2.1.1.1.0`; a v1 trap
//! starts with its enterprise OID as tshark's resolver prints it
//! (`iso.3.6.1...`). Versions 1, 2c and 3 (v3 with a plaintext scoped PDU).
//! BER is read with definite lengths only, bounded by the datagram.

use super::Summary;
use crate::limits::MAX_SNMP_VARBINDS;

/// One BER element: (tag, contents, the rest after it).
pub fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *b.first()?;
    let first = *b.get(1)?;
    let (len, at) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | usize::from(*b.get(2 + i)?);
        }
        (len, 2 + n)
    };
    let end = at.checked_add(len)?;
    Some((tag, b.get(at..end)?, &b[end..]))
}

/// An element that must have `tag`.
fn expect(b: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (t, v, rest) = tlv(b)?;
    (t == tag).then_some((v, rest))
}

/// A BER INTEGER's value (up to 8 bytes).
pub fn integer(v: &[u8]) -> Option<i64> {
    if v.is_empty() || v.len() > 8 {
        return None;
    }
    let mut x: i64 = if v[0] & 0x80 != 0 { -1 } else { 0 };
    for &b in v {
        x = (x << 8) | i64::from(b);
    }
    Some(x)
}

/// An OID's dotted form (`None` when malformed).
pub fn oid(v: &[u8]) -> Option<String> {
    let mut parts: Vec<u64> = Vec::new();
    let mut x: u64 = 0;
    for (i, &b) in v.iter().enumerate() {
        if x > u64::MAX >> 7 {
            return None;
        }
        x = (x << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if parts.is_empty() {
                let (a, rest) = match x {
                    0..=39 => (0, x),
                    40..=79 => (1, x - 40),
                    _ => (2, x - 80),
                };
                parts.push(a);
                parts.push(rest);
            } else {
                parts.push(x);
            }
            x = 0;
        } else if i + 1 == v.len() {
            return None;
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(
        parts
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join("."),
    )
}

/// The OIDs of a variable-binding list.
fn varbinds(mut b: &[u8], out: &mut String) -> Option<()> {
    let mut n = 0u64;
    while !b.is_empty() {
        let (bind, rest) = expect(b, 0x30)?;
        let (name, _) = expect(bind, 0x06)?;
        if n < MAX_SNMP_VARBINDS {
            out.push(' ');
            out.push_str(&oid(name)?);
        }
        n += 1;
        b = rest;
    }
    Some(())
}

/// A PDU's name by its context tag.
pub fn pdu_name(tag: u8) -> Option<&'static str> {
    Some(match tag {
        0xa0 => "get-request",
        0xa1 => "get-next-request",
        0xa2 => "get-response",
        0xa3 => "set-request",
        0xa4 => "trap",
        0xa5 => "getBulkRequest",
        0xa6 => "informRequest",
        0xa7 => "snmpV2-trap",
        0xa8 => "report",
        _ => return None,
    })
}

/// The Info of one PDU element.
fn pdu(b: &[u8]) -> Option<String> {
    let (tag, v, _) = tlv(b)?;
    let name = pdu_name(tag)?;
    let mut info = name.to_string();
    if tag == 0xa4 {
        // v1 Trap: enterprise, agent address, generic, specific, time.
        let (ent, rest) = expect(v, 0x06)?;
        let dotted = oid(ent)?;
        info.push(' ');
        // tshark's OID resolver names the first arc ("iso" for 1).
        match dotted.strip_prefix("1.") {
            Some(rest) => {
                info.push_str("iso.");
                info.push_str(rest);
            }
            None => info.push_str(&dotted),
        }
        let (_, _, rest) = tlv(rest)?;
        let (_, rest) = expect(rest, 0x02)?;
        let (_, rest) = expect(rest, 0x02)?;
        let (_, _, rest) = tlv(rest)?;
        let (list, _) = expect(rest, 0x30)?;
        varbinds(list, &mut info)?;
        return Some(info);
    }
    let (_, rest) = expect(v, 0x02)?;
    let (_, rest) = expect(rest, 0x02)?;
    let (_, rest) = expect(rest, 0x02)?;
    let (list, _) = expect(rest, 0x30)?;
    varbinds(list, &mut info)?;
    Some(info)
}

/// SNMP's row of a datagram, when it is an SNMP message.
pub fn summary(msg: &[u8]) -> Option<Summary> {
    let (body, _) = expect(msg, 0x30)?;
    let (ver, rest) = expect(body, 0x02)?;
    let info = match integer(ver)? {
        0 | 1 => {
            let (_, rest) = expect(rest, 0x04)?;
            pdu(rest)?
        }
        3 => {
            let (_, rest) = expect(rest, 0x30)?;
            let (_, rest) = expect(rest, 0x04)?;
            let (scoped, _) = expect(rest, 0x30)?;
            let (_, rest) = expect(scoped, 0x04)?;
            let (_, rest) = expect(rest, 0x04)?;
            pdu(rest)?
        }
        _ => return None,
    };
    Some(Summary::new("SNMP", info))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_and_pdus_as_tshark() {
        assert_eq!(
            oid(&[0x2b, 6, 1, 2, 1, 1, 1, 0]).as_deref(),
            Some("1.3.6.1.2.1.1.1.0")
        );
        assert_eq!(oid(&[0x2b, 6, 0xbf, 0x08]).as_deref(), Some("1.3.6.8072"));
        assert_eq!(oid(&[0x2b, 0x86]), None, "cut inside a sub-identifier");
        // v1 get-request of sysDescr.0, community "public".
        let m = [
            0x30, 0x26, 0x02, 0x01, 0x00, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c', 0xa0,
            0x19, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c,
            0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00,
        ];
        assert_eq!(
            summary(&m).map(|s| s.info).as_deref(),
            Some("get-request 1.3.6.1.2.1.1.1.0")
        );
        for cut in 0..m.len() {
            assert_eq!(summary(&m[..cut]), None, "cut at {cut}");
        }
    }
}
