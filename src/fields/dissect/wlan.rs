//! The IEEE 802.11 frame as tshark 4.0 draws it: type and subtype, the
//! frame control field with its flags, duration (or a PS-Poll's
//! association ID), the addresses by frame type and DS bits, fragment and
//! sequence numbers, a QoS data frame's QoS control, a WEP frame's
//! parameters, the frame check sequence the radio header announces; then
//! what the frame carries: a management body (`wlan_mgt.rs`), LLC/SNAP
//! (`llc.rs`, the network layer following as on Ethernet) or, encrypted,
//! Data. The frame's decoding (where it starts, its header length, its
//! names) is `decode::link::wifi`'s.

use super::bits::bitfield;
use super::Node;
use crate::decode::link::wifi;
use crate::fields::Value;
use crate::text::mac;

fn le16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at.checked_add(2)?)
        .map(|x| u16::from_le_bytes([x[0], x[1]]))
}

fn addr(f: &[u8], at: usize) -> Option<[u8; 6]> {
    f.get(at..at.checked_add(6)?)?.try_into().ok()
}

/// What follows the 802.11 header, for the caller to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Nothing (control frames, null data, a cut header).
    None,
    /// LLC at this frame offset, up to the end (FCS excluded).
    Llc(usize, usize),
    /// A management frame's body (fixed and tagged parameters), as a range.
    Management(usize, usize),
    /// Bytes no dissector reads (encrypted payload), as a range.
    Data(usize, usize),
}

fn flag(v: u64, mask: u64, abbrev: &'static str, label: &str, on: &str, off: &str) -> Node {
    let set = v & mask != 0;
    Node::field(
        abbrev,
        bitfield(
            v,
            mask,
            8,
            &format!("{label}: {}", if set { on } else { off }),
        ),
        0..0,
        Value::Bool(set),
    )
    .masked(mask)
}

fn ds_text(ds: u8) -> &'static str {
    match ds {
        0 => "Not leaving DS or network is operating in AD-HOC mode (To DS: 0 From DS: 0) (0x0)",
        1 => "Frame from STA to DS via an AP (To DS: 1 From DS: 0) (0x1)",
        2 => "Frame from DS to a STA via AP(To DS: 0 From DS: 1) (0x2)",
        _ => "WDS (AP to AP) or Mesh (MP to MP) Frame (To DS: 1 From DS: 1) (0x3)",
    }
}

fn type_name(kind: u8) -> &'static str {
    match kind {
        0 => "Management frame",
        1 => "Control frame",
        2 => "Data frame",
        _ => "Extension frame",
    }
}

/// The frame control field at `s`: version, type, subtype and the flags.
fn frame_control(fc0: u8, flags: u8, s: usize) -> Node {
    let fc = u16::from_be_bytes([fc0, flags]);
    let (kind, sub) = (fc0 >> 2 & 0x03, fc0 >> 4);
    let mut n = Node::field(
        "wlan.fc",
        format!("Frame Control Field: 0x{fc:04x}"),
        s..s + 2,
        Value::Hex(u64::from(fc), 4),
    );
    let v = u64::from(fc0);
    let one = s..s + 1;
    for (mask, abbrev, rest, value) in [
        (
            0x03,
            "wlan.fc.version",
            format!("Version: {}", fc0 & 0x03),
            fc0 & 0x03,
        ),
        (
            0x0c,
            "wlan.fc.type",
            format!("Type: {} ({kind})", type_name(kind)),
            kind,
        ),
        (0xf0, "wlan.fc.subtype", format!("Subtype: {sub}"), sub),
    ] {
        n.add(
            Node::field(
                abbrev,
                bitfield(v, mask, 8, &rest),
                one.clone(),
                Value::UInt(u64::from(value)),
            )
            .masked(mask),
        );
    }
    let fr = s + 1..s + 2;
    let f = n.add(Node::field(
        "wlan.flags",
        format!("Flags: 0x{flags:02x}"),
        fr.clone(),
        Value::Hex(u64::from(flags), 2),
    ));
    let fv = u64::from(flags);
    let ds = flags & 0x03;
    f.add(
        Node::field(
            "wlan.fc.ds",
            bitfield(fv, 0x03, 8, &format!("DS status: {}", ds_text(ds))),
            fr.clone(),
            Value::Hex(u64::from(ds), 1),
        )
        .masked(0x03),
    );
    for (mask, abbrev, label, on, off) in [
        (
            0x04,
            "wlan.fc.frag",
            "More Fragments",
            "More fragments follow",
            "This is the last fragment",
        ),
        (
            0x08,
            "wlan.fc.retry",
            "Retry",
            "Frame is being retransmitted",
            "Frame is not being retransmitted",
        ),
        (
            0x10,
            "wlan.fc.pwrmgt",
            "PWR MGT",
            "STA will go to sleep",
            "STA will stay up",
        ),
        (
            0x20,
            "wlan.fc.moredata",
            "More Data",
            "Data is buffered for STA at AP",
            "No data buffered",
        ),
        (
            0x40,
            "wlan.fc.protected",
            "Protected flag",
            "Data is protected",
            "Data is not protected",
        ),
        (
            0x80,
            "wlan.fc.order",
            "+HTC/Order flag",
            "Strictly ordered",
            "Not strictly ordered",
        ),
    ] {
        let mut x = flag(fv, mask, abbrev, label, on, off);
        x.bytes = fr.clone();
        f.add(x);
    }
    n
}

/// tshark's priority names of a user priority, with their access category.
fn priority(p: u16) -> &'static str {
    match p & 7 {
        0 => "Best Effort (Best Effort)",
        1 => "Background (Background)",
        2 => "Spare (Background)",
        3 => "Excellent Effort (Best Effort)",
        4 => "Controlled Load (Video)",
        5 => "Video (Video)",
        6 => "Voice (Voice)",
        _ => "Network Control (Voice)",
    }
}

fn access_category(ac: u16) -> &'static str {
    match ac & 3 {
        0 => "Best Effort",
        1 => "Background",
        2 => "Video",
        _ => "Voice",
    }
}

/// A QoS data frame's QoS control field at frame offset `at`; `ap`: sent
/// by an AP (From DS), whose bit 4 is EOSP and high byte the buffer state.
fn qos_control(q: u16, at: usize, ap: bool) -> Node {
    let r = at..at + 2;
    let v = u64::from(q);
    let mut n = Node::field(
        "wlan.qos",
        format!("Qos Control: 0x{q:04x}"),
        r.clone(),
        Value::Hex(v, 4),
    );
    let add = |n: &mut Node, abbrev: &'static str, mask: u64, rest: String, value: u64| {
        n.add(
            Node::field(
                abbrev,
                bitfield(v, mask, 16, &rest),
                r.clone(),
                Value::UInt(value),
            )
            .masked(mask),
        );
    };
    add(
        &mut n,
        "wlan.qos.tid",
        0x000f,
        format!("TID: {}", q & 0x0f),
        v & 0x0f,
    );
    let p = q & 7;
    n.add(
        Node::field(
            "wlan.qos.priority",
            format!(
                "[{}]",
                bitfield(v, 0x0007, 16, &format!("Priority: {} ({p})", priority(p)))
            ),
            r.clone(),
            Value::UInt(u64::from(p)),
        )
        .masked(0x0007),
    );
    let bit4 = q & 0x10 != 0;
    if ap {
        let t = if bit4 {
            "End of service period"
        } else {
            "Service period"
        };
        add(
            &mut n,
            "wlan.qos.eosp",
            0x0010,
            format!("EOSP: {t}"),
            u64::from(bit4),
        );
    } else {
        let t = if bit4 {
            "Queue Size"
        } else {
            "TXOP Duration Requested"
        };
        add(
            &mut n,
            "wlan.qos.bit4",
            0x0010,
            format!("QoS bit 4: Bits 8-15 of QoS Control field are {t}"),
            u64::from(bit4),
        );
    }
    let ack = q >> 5 & 3;
    let ack_name = match ack {
        0 => "Normal Ack",
        1 => "No Ack",
        2 => "No explicit acknowledgment",
        _ => "Block Ack",
    };
    add(
        &mut n,
        "wlan.qos.ack",
        0x0060,
        format!("Ack Policy: {ack_name} (0x{ack:x})"),
        u64::from(ack),
    );
    let amsdu = q & 0x80 != 0;
    add(
        &mut n,
        "wlan.qos.amsdupresent",
        0x0080,
        format!("Payload Type: {}", if amsdu { "A-MSDU" } else { "MSDU" }),
        u64::from(amsdu),
    );
    let high = q >> 8;
    if ap {
        let b = n.add(
            Node::field(
                "wlan.qos.ps_buf_state",
                bitfield(v, 0xff00, 16, &format!("QAP PS Buffer State: 0x{high:02x}")),
                r.clone(),
                Value::Hex(u64::from(high), 2),
            )
            .masked(0xff00),
        );
        let indicated = q & 0x0200 != 0;
        let yes = if indicated { "Yes" } else { "No" };
        add(
            b,
            "wlan.qos.buf_state_indicated",
            0x0200,
            format!("Buffer State Indicated: {yes}"),
            u64::from(indicated),
        );
        if indicated {
            let ac = q >> 10 & 3;
            add(
                b,
                "wlan.qos.highest_pri_buf_ac",
                0x0c00,
                format!(
                    "Highest-Priority Buffered AC: {} ({ac})",
                    access_category(ac)
                ),
                u64::from(ac),
            );
            let load = q >> 12;
            let words = if load == 15 {
                " (greater than 57344 octets)".to_string()
            } else {
                String::new()
            };
            add(
                b,
                "wlan.qos.qap_buf_load",
                0xf000,
                format!("QAP Buffered Load: {load}{words}"),
                u64::from(load),
            );
        }
    } else if bit4 {
        add(
            &mut n,
            "wlan.qos.queue_size",
            0xff00,
            format!("Queue Size: {high} ({} bytes)", u32::from(high) * 256),
            u64::from(high),
        );
    } else if high == 0 {
        add(
            &mut n,
            "wlan.qos.txop_dur_req",
            0xff00,
            "TXOP Duration Requested: 0 (no TXOP requested)".into(),
            0,
        );
    } else {
        add(
            &mut n,
            "wlan.qos.txop_dur_req",
            0xff00,
            format!("TXOP Duration Requested: {high}"),
            u64::from(high),
        );
    }
    n
}

/// The addresses of a frame, as (field, label, offset in the frame).
fn addresses(kind: u8, sub: u8, ds: u8) -> &'static [(&'static str, &'static str, usize)] {
    const RA: (&str, &str, usize) = ("wlan.ra", "Receiver address", 4);
    const TA: (&str, &str, usize) = ("wlan.ta", "Transmitter address", 10);
    match (kind, sub, ds) {
        (0, ..) => &[
            RA,
            ("wlan.da", "Destination address", 4),
            TA,
            ("wlan.sa", "Source address", 10),
            ("wlan.bssid", "BSS Id", 16),
        ],
        (1, 12 | 13, _) => &[RA],
        (1, 10, _) => &[RA, ("wlan.bssid", "BSS Id", 4), TA],
        (1, 14 | 15, _) => &[RA, ("wlan.bssid", "BSS Id", 10)],
        (1, ..) => &[RA, TA],
        (2, _, 0) => &[
            RA,
            TA,
            ("wlan.da", "Destination address", 4),
            ("wlan.sa", "Source address", 10),
            ("wlan.bssid", "BSS Id", 16),
        ],
        (2, _, 1) => &[
            RA,
            TA,
            ("wlan.da", "Destination address", 16),
            ("wlan.sa", "Source address", 10),
            ("wlan.bssid", "BSS Id", 4),
            ("wlan.staa", "STA address", 10),
        ],
        (2, _, 2) => &[
            RA,
            TA,
            ("wlan.da", "Destination address", 4),
            ("wlan.sa", "Source address", 16),
            ("wlan.bssid", "BSS Id", 10),
            ("wlan.staa", "STA address", 4),
        ],
        (2, ..) => &[
            RA,
            TA,
            ("wlan.da", "Destination address", 16),
            ("wlan.sa", "Source address", 24),
        ],
        _ => &[],
    }
}

/// The 802.11 layer of the frame at `s` in `data` (the frame ends at
/// `end`, before an FCS of 4 bytes when `fcs`), and what it carries.
pub fn layer(data: &[u8], s: usize, fcs: bool) -> Option<(Node, Body)> {
    let f = data.get(s..)?;
    let (&fc0, &flags) = (f.first()?, f.get(1)?);
    let (kind, sub, ds) = (fc0 >> 2 & 0x03, fc0 >> 4, flags & 0x03);
    let name = wifi::subtype_name(kind, sub).unwrap_or("Unrecognized (Reserved frame)");
    let mut shown_flags = wifi::flags_text(flags);
    if fcs {
        shown_flags.push('C');
    }
    let mut n = Node::field(
        "wlan",
        format!("IEEE 802.11 {name}, Flags: {shown_flags}"),
        s..data.len(),
        Value::Present,
    );
    let ts = u16::from(kind) << 4 | u16::from(sub);
    n.add(Node::field(
        "wlan.fc.type_subtype",
        format!("Type/Subtype: {name} (0x{ts:04x})"),
        s..s + 2,
        Value::Hex(u64::from(ts), 4),
    ));
    n.add(frame_control(fc0, flags, s));
    let Some(dur) = le16(f, 2) else {
        return Some((n, Body::None));
    };
    let dv = u64::from(dur);
    if kind == 1 && sub == 10 {
        n.add(
            Node::field(
                "wlan.aid",
                bitfield(dv, 0x3fff, 16, &format!("Association ID: {}", dur & 0x3fff)),
                s + 2..s + 4,
                Value::UInt(dv & 0x3fff),
            )
            .masked(0x3fff),
        );
    } else {
        n.add(
            Node::field(
                "wlan.duration",
                bitfield(
                    dv,
                    0x7fff,
                    16,
                    &format!("Duration: {} microseconds", dur & 0x7fff),
                ),
                s + 2..s + 4,
                Value::UInt(dv & 0x7fff),
            )
            .masked(0x7fff),
        );
    }
    for &(abbrev, label, at) in addresses(kind, sub, ds) {
        let Some(m) = addr(f, at) else {
            return Some((n, Body::None));
        };
        n.add(Node::field(
            abbrev,
            format!("{label}: {}", mac(m)),
            s + at..s + at + 6,
            Value::Ether(m),
        ));
    }
    // The frame's end before its FCS.
    let end = if fcs && data.len() >= s + 4 {
        data.len() - 4
    } else {
        data.len()
    };
    let fcs_node = |n: &mut Node| {
        if !fcs {
            return;
        }
        let Some(b) = data.get(end..end + 4).filter(|_| end + 4 == data.len()) else {
            return;
        };
        let v = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        n.add(Node::field(
            "wlan.fcs",
            format!("Frame check sequence: 0x{v:08x} [unverified]"),
            end..end + 4,
            Value::Hex(u64::from(v), 8),
        ));
        n.add(Node::field(
            "wlan.fcs.status",
            "[FCS Status: Unverified]",
            0..0,
            Value::UInt(2),
        ));
    };
    if kind == 1 || kind == 3 {
        fcs_node(&mut n);
        return Some((n, Body::None));
    }
    let Some(sc) = le16(f, 22) else {
        return Some((n, Body::None));
    };
    let sv = u64::from(sc);
    let r = s + 22..s + 24;
    n.add(
        Node::field(
            "wlan.frag",
            bitfield(sv, 0x000f, 16, &format!("Fragment number: {}", sc & 0x0f)),
            r.clone(),
            Value::UInt(sv & 0x0f),
        )
        .masked(0x000f),
    );
    n.add(
        Node::field(
            "wlan.seq",
            bitfield(sv, 0xfff0, 16, &format!("Sequence number: {}", sc >> 4)),
            r,
            Value::UInt(sv >> 4),
        )
        .masked(0xfff0),
    );
    if kind == 0 {
        fcs_node(&mut n);
        // The management body is drawn by the caller (wlan_mgt).
        return Some((n, Body::Management(s + 24, end)));
    }
    let hdr = wifi::data_header_len(fc0, flags);
    let qos = sub & 0x08 != 0;
    if qos {
        let at = if ds == 3 { 30 } else { 24 };
        if let Some(q) = le16(f, at) {
            n.add(qos_control(q, s + at, flags & 0x02 != 0));
        }
    }
    let body = s + hdr;
    let no_data = sub & 0x04 != 0;
    if no_data || body >= end {
        fcs_node(&mut n);
        return Some((n, Body::None));
    }
    if flags & 0x40 != 0 {
        let iv = data.get(body..body + 4);
        // WEP (no extended IV): IV, key index, the payload, the ICV.
        if let Some(iv) = iv.filter(|iv| iv[3] & 0x20 == 0 && end >= body + 8) {
            let icv_at = end - 4;
            let mut w = Node::text("WEP parameters", body..body + 4);
            let ivv = u32::from_be_bytes([0, iv[0], iv[1], iv[2]]);
            w.add(Node::field(
                "wlan.wep.iv",
                format!("Initialization Vector: 0x{ivv:06x}"),
                body..body + 3,
                Value::Hex(u64::from(ivv), 6),
            ));
            w.add(Node::field(
                "wlan.wep.key",
                format!("Key Index: {}", iv[3] >> 6),
                body + 3..body + 4,
                Value::UInt(u64::from(iv[3] >> 6)),
            ));
            if let Some(icv) = data.get(icv_at..end) {
                let v = u32::from_be_bytes([icv[0], icv[1], icv[2], icv[3]]);
                w.add(Node::field(
                    "wlan.wep.icv",
                    format!("WEP ICV: 0x{v:08x} (not verified)"),
                    icv_at..end,
                    Value::Hex(u64::from(v), 8),
                ));
            }
            n.add(w);
            fcs_node(&mut n);
            return Some((n, Body::Data(body + 4, icv_at)));
        }
        fcs_node(&mut n);
        return Some((n, Body::Data(body, end)));
    }
    fcs_node(&mut n);
    Some((n, Body::Llc(body, end)))
}

/// A `Data` layer of `data[a..b]` (empty ranges give none).
pub fn data_layer(data: &[u8], a: usize, b: usize) -> Option<Node> {
    let bytes = data.get(a..b).filter(|x| !x.is_empty())?;
    Some(super::udp::data(bytes, a))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(n: &Node) -> Vec<String> {
        n.children.iter().map(|c| c.text.clone()).collect()
    }

    #[test]
    fn qos_data_from_ds_and_wep() {
        let mut f = vec![0x88, 0x42, 0, 0];
        f.extend_from_slice(&[1, 1, 1, 1, 1, 1]);
        f.extend_from_slice(&[2, 2, 2, 2, 2, 2]);
        f.extend_from_slice(&[3, 3, 3, 3, 3, 3]);
        f.extend_from_slice(&(21u16 << 4).to_le_bytes());
        f.extend_from_slice(&[0x15, 0xf6]);
        f.extend_from_slice(&[0x11, 0x22, 0x33, 0x40, 9, 9, 0xaa, 0xbb, 0xcc, 0xdd]);
        let (n, body) = layer(&f, 0, false).expect("frame");
        assert_eq!(n.text, "IEEE 802.11 QoS Data, Flags: .p....F.");
        let t = texts(&n);
        assert_eq!(t[0], "Type/Subtype: QoS Data (0x0028)");
        assert_eq!(t[1], "Frame Control Field: 0x8842");
        assert_eq!(t[3], "Receiver address: 01:01:01:01:01:01");
        assert_eq!(t[6], "Source address: 03:03:03:03:03:03");
        assert_eq!(t[8], "STA address: 01:01:01:01:01:01");
        assert_eq!(t[10], "0000 0001 0101 .... = Sequence number: 21");
        let q = &n.children[11];
        assert_eq!(q.text, "Qos Control: 0xf615");
        assert_eq!(
            q.children[1].text,
            "[.... .... .... .101 = Priority: Video (Video) (5)]"
        );
        assert_eq!(
            q.children[5].children[2].text,
            "1111 .... .... .... = QAP Buffered Load: 15 (greater than 57344 octets)"
        );
        let w = &n.children[12];
        assert_eq!(w.children[0].text, "Initialization Vector: 0x112233");
        assert_eq!(w.children[1].text, "Key Index: 1");
        assert_eq!(w.children[2].text, "WEP ICV: 0xaabbccdd (not verified)");
        assert_eq!(body, Body::Data(30, 32));
    }

    #[test]
    fn control_frames_and_cut_headers() {
        let ps_poll = [0xa4, 0x10, 0x01, 0xc0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2];
        let (n, body) = layer(&ps_poll, 0, false).expect("ps-poll");
        let t = texts(&n);
        assert_eq!(t[2], "..00 0000 0000 0001 = Association ID: 1");
        assert_eq!(
            t[3..].to_vec(),
            [
                "Receiver address: 01:01:01:01:01:01",
                "BSS Id: 01:01:01:01:01:01",
                "Transmitter address: 02:02:02:02:02:02"
            ]
        );
        assert_eq!(body, Body::None);
        let ack = [0xd4, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 3, 4];
        let (n, _) = layer(&ack, 0, true).expect("ack");
        assert_eq!(n.text, "IEEE 802.11 Acknowledgement, Flags: ........C");
        assert_eq!(
            n.children[4].text,
            "Frame check sequence: 0x04030201 [unverified]"
        );
        assert!(layer(&[0x08], 0, false).is_none());
        for cut in 2..30 {
            let mut d = vec![0x88, 0x43];
            d.resize(cut, 7);
            let (n, _) = layer(&d, 0, true).expect("cut");
            assert!(n.children.len() >= 2);
        }
    }
}
