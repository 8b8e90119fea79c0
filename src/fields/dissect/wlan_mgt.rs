//! The body of an 802.11 management frame, "IEEE 802.11 Wireless
//! Management" as tshark 4.0 draws it: the fixed parameters of each
//! subtype (timestamp, beacon interval, capabilities, listen interval,
//! current AP, status, association ID, reason, authentication) and the
//! tagged parameters: SSID, supported and extended rates, DS parameter
//! set, TIM, country, ERP, RSN (`wlan_rsn.rs`); other tags show their
//! number and length.

use super::bits::{bitfield, set};
use super::Node;
use crate::fields::Value;
use crate::text::mac;
use std::borrow::Cow;

/// Most tags drawn from one frame (a hostile frame of 1-byte tags).
const MAX_TAGS: usize = 512;

fn le16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at.checked_add(2)?)
        .map(|x| u16::from_le_bytes([x[0], x[1]]))
}

fn capabilities(c: u16, at: usize) -> Node {
    let r = at..at + 2;
    let v = u64::from(c);
    let mut n = Node::field(
        "wlan.fixed.capabilities",
        format!("Capabilities Information: 0x{c:04x}"),
        r.clone(),
        Value::Hex(v, 4),
    );
    let bits: [(&'static str, &str, &str, &str); 16] = [
        (
            "wlan.fixed.capabilities.ess",
            "ESS capabilities",
            "Transmitter is an AP",
            "Transmitter is a STA",
        ),
        (
            "wlan.fixed.capabilities.ibss",
            "IBSS status",
            "Transmitter belongs to an IBSS",
            "Transmitter belongs to a BSS",
        ),
        ("wlan.fixed.capabilities.reserved1", "Reserved", "1", "0"),
        ("wlan.fixed.capabilities.reserved2", "Reserved", "1", "0"),
        (
            "wlan.fixed.capabilities.privacy",
            "Privacy",
            "Data confidentiality required",
            "Data confidentiality not required",
        ),
        (
            "wlan.fixed.capabilities.preamble",
            "Short Preamble",
            "Allowed",
            "Not Allowed",
        ),
        ("wlan.fixed.capabilities.reserved3", "Reserved", "1", "0"),
        ("wlan.fixed.capabilities.reserved4", "Reserved", "1", "0"),
        (
            "wlan.fixed.capabilities.spec_man",
            "Spectrum Management",
            "Implemented",
            "Not Implemented",
        ),
        (
            "wlan.fixed.capabilities.qos",
            "QoS",
            "Implemented",
            "Not Implemented",
        ),
        (
            "wlan.fixed.capabilities.short_slot_time",
            "Short Slot Time",
            "In use",
            "Not in use",
        ),
        (
            "wlan.fixed.capabilities.apsd",
            "Automatic Power Save Delivery",
            "Implemented",
            "Not Implemented",
        ),
        (
            "wlan.fixed.capabilities.radio_measurement",
            "Radio Measurement",
            "Implemented",
            "Not Implemented",
        ),
        (
            "wlan.fixed.capabilities.epd",
            "EPD",
            "Implemented",
            "Not Implemented",
        ),
        ("wlan.fixed.capabilities.reserved5", "Reserved", "1", "0"),
        ("wlan.fixed.capabilities.reserved6", "Reserved", "1", "0"),
    ];
    for (i, (abbrev, label, on, off)) in bits.into_iter().enumerate() {
        let mask = 1u64 << i;
        let is = v & mask != 0;
        n.add(
            Node::field(
                abbrev,
                bitfield(
                    v,
                    mask,
                    16,
                    &format!("{label}: {}", if is { on } else { off }),
                ),
                r.clone(),
                Value::Bool(is),
            )
            .masked(mask),
        );
    }
    n
}

fn status_name(s: u16) -> &'static str {
    match s {
        0 => "Successful",
        1 => "Unspecified failure",
        _ => "Unknown",
    }
}

fn reason_name(r: u16) -> &'static str {
    match r {
        1 => "Unspecified reason",
        2 => "Previous authentication no longer valid",
        3 => "Deauthenticated because sending STA is leaving (or has left) IBSS or ESS",
        4 => "Disassociated due to inactivity",
        5 => "Disassociated because AP is unable to handle all currently associated STAs",
        6 => "Class 2 frame received from nonauthenticated STA",
        7 => "Class 3 frame received from nonassociated STA",
        8 => "Disassociated because sending STA is leaving (or has left) BSS",
        9 => "STA requesting (re)association is not authenticated with responding STA",
        _ => "Unknown",
    }
}

fn auth_name(a: u16) -> &'static str {
    match a {
        0 => "Open System",
        1 => "Shared key",
        2 => "Fast BSS Transition",
        3 => "Simultaneous Authentication of Equals (SAE)",
        _ => "Unknown",
    }
}

/// The fixed parameters of subtype `sub` in `b` (at frame offset `at`):
/// the node and their length; `None` for a subtype not drawn.
fn fixed(sub: u8, b: &[u8], at: usize) -> Option<(Option<Node>, usize)> {
    let len = match sub {
        0 => 4,
        1 | 3 => 6,
        2 => 10,
        4 => return Some((None, 0)),
        5 | 8 => 12,
        10 | 12 => 2,
        11 => 6,
        _ => return None,
    };
    // A body shorter than its fixed part: nothing drawn from it.
    b.get(..len)?;
    let mut n = Node::field(
        "wlan.fixed.all",
        format!("Fixed parameters ({len} bytes)"),
        at..at + len,
        Value::Present,
    );
    let u16_at = |i: usize| le16(b, i).unwrap_or(0);
    let hex16 = |n: &mut Node, abbrev: &'static str, label: &str, i: usize| {
        let v = u16_at(i);
        n.add(Node::field(
            abbrev,
            format!("{label}: 0x{v:04x}"),
            at + i..at + i + 2,
            Value::Hex(u64::from(v), 4),
        ));
    };
    let status = |n: &mut Node, i: usize| {
        let v = u16_at(i);
        n.add(Node::field(
            "wlan.fixed.status_code",
            format!("Status code: {} (0x{v:04x})", status_name(v)),
            at + i..at + i + 2,
            Value::UInt(u64::from(v)),
        ));
    };
    match sub {
        5 | 8 => {
            let ts = b
                .get(..8)
                .and_then(|t| t.try_into().ok())
                .map_or(0, u64::from_le_bytes);
            n.add(Node::field(
                "wlan.fixed.timestamp",
                format!("Timestamp: {ts}"),
                at..at + 8,
                Value::UInt(ts),
            ));
            let bi = u16_at(8);
            n.add(Node::field(
                "wlan.fixed.beacon",
                format!(
                    "Beacon Interval: {:.6} [Seconds]",
                    f64::from(bi) * 1024.0 / 1_000_000.0
                ),
                at + 8..at + 10,
                Value::UInt(u64::from(bi)),
            ));
            n.add(capabilities(u16_at(10), at + 10));
        }
        0 | 2 => {
            n.add(capabilities(u16_at(0), at));
            hex16(&mut n, "wlan.fixed.listen_ival", "Listen Interval", 2);
            if let Some(m) = b.get(4..10).and_then(|m| <[u8; 6]>::try_from(m).ok()) {
                n.add(Node::field(
                    "wlan.fixed.current_ap",
                    format!("Current AP: {}", mac(m)),
                    at + 4..at + 10,
                    Value::Ether(m),
                ));
            }
        }
        1 | 3 => {
            n.add(capabilities(u16_at(0), at));
            status(&mut n, 2);
            let aid = u16_at(4);
            let v = u64::from(aid);
            n.add(
                Node::field(
                    "wlan.fixed.aid",
                    bitfield(
                        v,
                        0x3fff,
                        16,
                        &format!("Association ID: 0x{:04x}", aid & 0x3fff),
                    ),
                    at + 4..at + 6,
                    Value::Hex(v & 0x3fff, 4),
                )
                .masked(0x3fff),
            );
        }
        10 | 12 => {
            let r = u16_at(0);
            n.add(Node::field(
                "wlan.fixed.reason_code",
                format!("Reason code: {} (0x{r:04x})", reason_name(r)),
                at..at + 2,
                Value::UInt(u64::from(r)),
            ));
        }
        _ => {
            let a = u16_at(0);
            n.add(Node::field(
                "wlan.fixed.auth.alg",
                format!("Authentication Algorithm: {} ({a})", auth_name(a)),
                at..at + 2,
                Value::UInt(u64::from(a)),
            ));
            hex16(&mut n, "wlan.fixed.auth_seq", "Authentication SEQ", 2);
            status(&mut n, 4);
        }
    }
    Some((Some(n), len))
}

fn tag_name(id: u8) -> &'static str {
    match id {
        0 => "SSID parameter set",
        1 => "Supported Rates",
        2 => "FH Parameter set",
        3 => "DS Parameter set",
        4 => "CF Parameter set",
        5 => "Traffic Indication Map (TIM)",
        6 => "IBSS Parameter set",
        7 => "Country Information",
        16 => "Challenge text",
        32 => "Power Constraint",
        33 => "Power Capability",
        36 => "Supported Channels",
        37 => "Channel Switch Announcement",
        42 => "ERP Information",
        45 => "HT Capabilities (802.11n D1.10)",
        48 => "RSN Information",
        50 => "Extended Supported Rates",
        61 => "HT Information (802.11n D1.10)",
        127 => "Extended Capabilities",
        191 => "VHT Capabilities",
        192 => "VHT Operation",
        221 => "Vendor Specific",
        255 => "Element ID Extension",
        _ => "Unknown",
    }
}

/// A rate octet as tshark words it: Mbit/s, "(B)" for a basic rate.
fn rate(b: u8) -> String {
    let half = u32::from(b & 0x7f);
    let mut s = if half % 2 == 0 {
        (half / 2).to_string()
    } else {
        format!("{}.5", half / 2)
    };
    if b & 0x80 != 0 {
        s.push_str("(B)");
    }
    s
}

/// One tag's node: its heading, number and length, and what it holds.
fn tag(id: u8, v: &[u8], at: usize) -> Node {
    let len = v.len();
    let vr = at + 2..at + 2 + len;
    let mut kids = Vec::new();
    let mut field = |abbrev: &'static str, text: String, r: std::ops::Range<usize>, value| {
        kids.push(Node::field(abbrev, text, r, value));
    };
    let heading = match id {
        0 => {
            let s = String::from_utf8_lossy(v).into_owned();
            let (head, shown) = if s.is_empty() {
                ("Wildcard SSID".to_string(), "<MISSING>".to_string())
            } else {
                (format!("\"{s}\""), format!("\"{s}\""))
            };
            field(
                "wlan.ssid",
                format!("SSID: {shown}"),
                vr,
                Value::Str(Cow::Owned(s)),
            );
            format!("SSID parameter set: {head}")
        }
        1 | 50 => {
            let label = if id == 1 {
                "Supported Rates"
            } else {
                "Extended Supported Rates"
            };
            let abbrev = if id == 1 {
                "wlan.supported_rates"
            } else {
                "wlan.extended_supported_rates"
            };
            let mut head = format!("{label} ");
            for (i, &b) in v.iter().enumerate() {
                head.push_str(&rate(b));
                head.push_str(", ");
                field(
                    abbrev,
                    format!("{label}: {} (0x{b:02x})", rate(b)),
                    at + 2 + i..at + 3 + i,
                    Value::Hex(u64::from(b), 2),
                );
            }
            head.push_str("[Mbit/sec]");
            head
        }
        3 if len == 1 => {
            let c = v[0];
            field(
                "wlan.ds.current_channel",
                format!("Current Channel: {c}"),
                vr,
                Value::UInt(u64::from(c)),
            );
            format!("DS Parameter set: Current Channel: {c}")
        }
        5 if len >= 3 => {
            let (count, period, ctl) = (v[0], v[1], v[2]);
            field(
                "wlan.tim.dtim_count",
                format!("DTIM count: {count}"),
                at + 2..at + 3,
                Value::UInt(u64::from(count)),
            );
            field(
                "wlan.tim.dtim_period",
                format!("DTIM period: {period}"),
                at + 3..at + 4,
                Value::UInt(u64::from(period)),
            );
            let cr = at + 4..at + 5;
            let cv = u64::from(ctl);
            let mut c = Node::field(
                "wlan.tim.bmapctl",
                format!("Bitmap control: 0x{ctl:02x}"),
                cr.clone(),
                Value::Hex(cv, 2),
            );
            let mc = ctl & 1 != 0;
            c.add(
                Node::field(
                    "wlan.tim.bmapctl.multicast",
                    bitfield(
                        cv,
                        0x01,
                        8,
                        &format!("Multicast: {}", if mc { "True" } else { "False" }),
                    ),
                    cr.clone(),
                    Value::Bool(mc),
                )
                .masked(0x01),
            );
            c.add(
                Node::field(
                    "wlan.tim.bmapctl.offset",
                    bitfield(cv, 0xfe, 8, &format!("Bitmap Offset: 0x{:02x}", ctl >> 1)),
                    cr,
                    Value::Hex(cv >> 1, 2),
                )
                .masked(0xfe),
            );
            kids.push(c);
            let bitmap = &v[3..];
            let hex: String = bitmap.iter().map(|b| format!("{b:02x}")).collect();
            kids.push(Node::field(
                "wlan.tim.partial_virtual_bitmap",
                format!("Partial Virtual Bitmap: {hex}"),
                at + 5..at + 2 + len,
                super::bits::bytes_value(bitmap),
            ));
            format!("Traffic Indication Map (TIM): DTIM {count} of {period} bitmap")
        }
        7 if len >= 3 => {
            let code = String::from_utf8_lossy(&v[..2]).into_owned();
            let env = v[2];
            let env_name = match env {
                0x20 => "All",
                0x49 => "Indoor",
                0x4f => "Outdoor",
                _ => "Unknown",
            };
            kids.push(Node::field(
                "wlan.country_info.code",
                format!("Code: {code}"),
                at + 2..at + 4,
                Value::Str(Cow::Owned(code.clone())),
            ));
            kids.push(Node::field(
                "wlan.country_info.environment",
                format!("Environment: {env_name} ({env})"),
                at + 4..at + 5,
                Value::UInt(u64::from(env)),
            ));
            for (i, t) in v[3..].chunks_exact(3).enumerate() {
                let o = at + 5 + 3 * i;
                let mut c = Node::text(
                    format!(
                        "Country Info: First Channel Number: {}, Number of Channels: {}, Maximum Transmit Power Level: {} dBm",
                        t[0], t[1], t[2]
                    ),
                    o..o + 3,
                );
                for (j, (abbrev, label, unit)) in [
                    ("wlan.country_info.fnm", "First Channel Number", ""),
                    ("wlan.country_info.cn", "Number of Channels", ""),
                    (
                        "wlan.country_info.mtpl",
                        "Maximum Transmit Power Level",
                        " dBm",
                    ),
                ]
                .into_iter()
                .enumerate()
                {
                    c.add(Node::field(
                        abbrev,
                        format!("{label}: {}{unit}", t[j]),
                        o + j..o + j + 1,
                        Value::UInt(u64::from(t[j])),
                    ));
                }
                kids.push(c);
            }
            format!("Country Information: Country Code {code}, Environment {env_name}")
        }
        42 if len == 1 => {
            let e = v[0];
            let ev = u64::from(e);
            let r = at + 2..at + 3;
            let mut c = Node::field(
                "wlan.erp_info",
                format!("ERP Information: 0x{e:02x}"),
                r.clone(),
                Value::Hex(ev, 2),
            );
            for (mask, abbrev, label) in [
                (0x01, "wlan.erp_info.erp_present", "Non ERP Present"),
                (0x02, "wlan.erp_info.use_protection", "Use Protection"),
                (
                    0x04,
                    "wlan.erp_info.barker_preamble_mode",
                    "Barker Preamble Mode",
                ),
            ] {
                c.add(
                    Node::field(
                        abbrev,
                        bitfield(ev, mask, 8, &format!("{label}: {}", set(ev & mask != 0))),
                        r.clone(),
                        Value::Bool(ev & mask != 0),
                    )
                    .masked(mask),
                );
            }
            c.add(
                Node::field(
                    "wlan.erp_info.reserved",
                    bitfield(ev, 0xf8, 8, &format!("Reserved: 0x{:02x}", e >> 3)),
                    r,
                    Value::Hex(ev >> 3, 2),
                )
                .masked(0xf8),
            );
            kids.push(c);
            "ERP Information".to_string()
        }
        48 => {
            kids.extend(super::wlan_rsn::items(v, at + 2));
            tag_name(id).to_string()
        }
        _ => tag_name(id).to_string(),
    };
    let mut n = Node::field(
        "wlan.tag",
        format!("Tag: {heading}"),
        at..at + 2 + len,
        Value::Present,
    );
    n.add(Node::field(
        "wlan.tag.number",
        format!("Tag Number: {} ({id})", tag_name(id)),
        at..at + 1,
        Value::UInt(u64::from(id)),
    ));
    n.add(Node::field(
        "wlan.tag.length",
        format!("Tag length: {len}"),
        at + 1..at + 2,
        Value::UInt(len as u64),
    ));
    n.children.extend(kids);
    n
}

/// The management layer of subtype `sub` whose body is `data[a..b]`, or
/// `None` for subtypes whose body is not drawn (Action, ATIM...).
pub fn layer(sub: u8, data: &[u8], a: usize, b: usize) -> Option<Node> {
    let body = data.get(a..b)?;
    let (fixed, flen) = fixed(sub, body, a)?;
    let mut n = Node::field(
        "wlan.mgt",
        "IEEE 802.11 Wireless Management",
        a..b,
        Value::Present,
    );
    if let Some(f) = fixed {
        n.add(f);
    }
    let tags = body.get(flen..).unwrap_or_default();
    if tags.is_empty() {
        return Some(n);
    }
    let t = n.add(Node::field(
        "wlan.tagged.all",
        format!("Tagged parameters ({} bytes)", tags.len()),
        a + flen..b,
        Value::Present,
    ));
    let mut i = 0;
    for _ in 0..MAX_TAGS {
        let (Some(&id), Some(&len)) = (tags.get(i), tags.get(i + 1)) else {
            break;
        };
        let Some(v) = tags.get(i + 2..i + 2 + usize::from(len)) else {
            break;
        };
        t.add(tag(id, v, a + flen + i));
        i += 2 + usize::from(len);
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beacon_body() {
        let mut b = Vec::new();
        b.extend_from_slice(&123_456_789u64.to_le_bytes());
        b.extend_from_slice(&100u16.to_le_bytes());
        b.extend_from_slice(&0x0431u16.to_le_bytes());
        b.extend_from_slice(&[0, 0, 1, 3, 0x82, 0x8b, 0x0c, 3, 1, 6, 5, 4, 0, 1, 0, 0]);
        b.extend_from_slice(&[7, 6, b'U', b'S', b' ', 1, 11, 30, 42, 1, 4, 48, 2, 1]);
        let n = layer(8, &b, 0, b.len()).expect("mgt");
        let f = &n.children[0];
        assert_eq!(f.text, "Fixed parameters (12 bytes)");
        assert_eq!(f.children[1].text, "Beacon Interval: 0.102400 [Seconds]");
        assert_eq!(
            f.children[2].children[4].text,
            ".... .... ...1 .... = Privacy: Data confidentiality required"
        );
        let t = &n.children[1];
        let heads: Vec<&str> = t.children.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            heads,
            [
                "Tag: SSID parameter set: Wildcard SSID",
                "Tag: Supported Rates 1(B), 5.5(B), 6, [Mbit/sec]",
                "Tag: DS Parameter set: Current Channel: 6",
                "Tag: Traffic Indication Map (TIM): DTIM 0 of 1 bitmap",
                "Tag: Country Information: Country Code US, Environment All",
                "Tag: ERP Information",
            ]
        );
        assert_eq!(t.children[0].children[2].text, "SSID: <MISSING>");
        assert_eq!(
            t.children[5].children[2].children[2].text,
            ".... .1.. = Barker Preamble Mode: Set"
        );
        // The RSN tag claims 2 bytes, 1 is left: not drawn.
        assert_eq!(t.children.len(), 6);
    }

    #[test]
    fn short_bodies_and_other_subtypes() {
        assert!(layer(8, &[0; 5], 0, 5).is_none());
        assert!(layer(13, &[0; 5], 0, 5).is_none());
        let n = layer(12, &[7, 0], 24, 26).map(|_| ());
        assert!(n.is_none(), "offsets past the data");
        let n = layer(12, &[7, 0], 0, 2).expect("deauth");
        assert_eq!(
            n.children[0].children[0].text,
            "Reason code: Class 3 frame received from nonassociated STA (0x0007)"
        );
        let n = layer(4, &[], 0, 0).expect("probe request");
        assert!(n.children.is_empty());
    }
}
