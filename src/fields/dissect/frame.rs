//! The Frame layer: interface, arrival time, deltas, lengths and the
//! protocols in the frame, worded as `tshark -V` prints them.

use super::bits::{bits_of, secs};
use super::{Context, Node};
use crate::capture::{Format, LinkType};
use crate::decode::link::wifi;
use crate::fields::{PacketView, Value};
use std::borrow::Cow;

/// Wireshark's name and number of a link type's encapsulation.
fn encapsulation(lt: LinkType) -> (&'static str, u32) {
    match lt {
        LinkType::ETHERNET => ("Ethernet", 1),
        LinkType::RAW | LinkType::RAW_BSD | LinkType::RAW_OPENBSD => ("Raw IP", 7),
        LinkType::NULL => ("NULL/Loopback", 15),
        LinkType::LOOP => ("OpenBSD loopback", 144),
        LinkType::LINUX_SLL => ("Linux cooked-mode capture v1", 25),
        LinkType::IPV4 => ("Raw IPv4", 129),
        LinkType::IPV6 => ("Raw IPv6", 130),
        LinkType::LINUX_SLL2 => ("Linux cooked-mode capture v2", 210),
        wifi::IEEE802_11 => ("IEEE 802.11 Wireless LAN", 20),
        wifi::RADIOTAP => ("IEEE 802.11 plus radiotap radio header", 23),
        wifi::PPI => ("Per-Packet Information header", 97),
        _ => ("Unknown", 0),
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// (year, month 1..=12, day) of a day count since 1970-01-01 (Howard
/// Hinnant's civil-from-days).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `frame.time` as tshark prints it in UTC: "Nov 25, 2026 21:08:29.486992000 UTC".
pub fn time_text(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let frac = ns.rem_euclid(1_000_000_000);
    let (y, m, d) = civil(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    format!(
        "{} {:>2}, {y} {:02}:{:02}:{:02}.{frac:09} UTC",
        MONTHS[(m as usize).saturating_sub(1).min(11)],
        d,
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

/// "YYYY-MM-DD" of a time (UTC).
pub fn iso_date(ns: i64) -> String {
    let (y, m, d) = civil(ns.div_euclid(1_000_000_000).div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Records looked back through for a time (see [`carried_ts`]).
const MAX_TS_LOOKBACK: usize = 1024;

/// The time tshark gives record `i`: its own; for a packet without one (a
/// Simple Packet Block) 0, as wiretap sets it; for a Custom Block, which
/// wiretap leaves the previous record's time, that record's (0 before any).
pub fn carried_ts(store: &crate::store::PacketStore, i: usize) -> i64 {
    for j in (0..=i).rev().take(MAX_TS_LOOKBACK) {
        let Some(e) = store.entry(j) else {
            return 0;
        };
        if e.has_timestamp() {
            return e.ts_ns;
        }
        if e.kind != crate::store::PacketKind::CustomBlock {
            return 0;
        }
    }
    0
}

pub fn frame(view: &PacketView<'_>, ctx: Context) -> Node {
    let store = &view.trace.store;
    let d = &view.decoded;
    let len = d.data.len();
    let cap = len as u64;
    let wire = u64::from(d.orig_len);
    let entry = store.entry(view.index);
    let pcapng = matches!(store.capture().format(), Format::PcapNg);
    let iface_id = entry.map_or(0, |e| e.interface);
    let iface_name = store
        .interfaces()
        .get(usize::from(iface_id))
        .and_then(|i| i.name.clone())
        .unwrap_or_else(|| "unknown".into());
    let mut head = format!(
        "Frame {}: {wire} bytes on wire ({} bits), {cap} bytes captured ({} bits)",
        view.index + 1,
        bits_of(wire),
        bits_of(cap)
    );
    if pcapng {
        head.push_str(&format!(" on interface {iface_name}, id {iface_id}"));
    }
    let mut f = Node::field("frame", head, 0..len, Value::Present);
    if pcapng {
        f.add(Node::field(
            "frame.section_number",
            "Section number: 1",
            0..0,
            Value::UInt(1),
        ));
        let i = f.add(Node::field(
            "frame.interface_id",
            format!("Interface id: {iface_id} ({iface_name})"),
            0..0,
            Value::UInt(u64::from(iface_id)),
        ));
        i.add(Node::field(
            "frame.interface_name",
            format!("Interface name: {iface_name}"),
            0..0,
            Value::Str(Cow::Owned(iface_name.clone())),
        ));
        let description = store
            .interfaces()
            .get(usize::from(iface_id))
            .and_then(|i| i.description.clone());
        if let Some(description) = description {
            i.add(Node::field(
                "frame.interface_description",
                format!("Interface description: {description}"),
                0..0,
                Value::Str(Cow::Owned(description)),
            ));
        }
    }
    let (name, number) = encapsulation(d.link.link_type);
    f.add(Node::field(
        "frame.encap_type",
        format!("Encapsulation type: {name} ({number})"),
        0..0,
        Value::UInt(u64::from(number)),
    ));
    let ts = entry.filter(|e| e.has_timestamp()).map(|e| e.ts_ns);
    if let Some(ts) = ts {
        let time = time_text(ts);
        f.add(Node::field(
            "frame.time",
            format!("Arrival Time: {time}"),
            0..0,
            Value::Str(Cow::Owned(time)),
        ));
        f.add(Node::field(
            "frame.offset_shift",
            "[Time shift for this packet: 0.000000000 seconds]",
            0..0,
            Value::Time(0),
        ));
        f.add(Node::field(
            "frame.time_epoch",
            format!("Epoch Time: {} seconds", secs(ts)),
            0..0,
            Value::Time(ts),
        ));
        let delta_to = |other: Option<usize>| -> i64 {
            other.map_or(0, |i| ts.saturating_sub(carried_ts(store, i)))
        };
        let prev = view.index.checked_sub(1);
        let captured = delta_to(prev);
        let displayed = delta_to(ctx.prev_displayed.or(prev));
        f.add(Node::field(
            "frame.time_delta",
            format!(
                "[Time delta from previous captured frame: {} seconds]",
                secs(captured)
            ),
            0..0,
            Value::Time(captured),
        ));
        f.add(Node::field(
            "frame.time_delta_displayed",
            format!(
                "[Time delta from previous displayed frame: {} seconds]",
                secs(displayed)
            ),
            0..0,
            Value::Time(displayed),
        ));
        // A first record without a time (a Custom Block) is tshark's
        // reference at time 0.
        let rel = match store.entry(0) {
            Some(first) if !first.has_timestamp() => ts.saturating_sub(carried_ts(store, 0)),
            _ => store.relative_ns(view.index).unwrap_or(0),
        };
        f.add(Node::field(
            "frame.time_relative",
            format!(
                "[Time since reference or first frame: {} seconds]",
                secs(rel)
            ),
            0..0,
            Value::Time(rel),
        ));
    }
    f.add(Node::field(
        "frame.number",
        format!("Frame Number: {}", view.index + 1),
        0..0,
        Value::UInt(view.index as u64 + 1),
    ));
    f.add(Node::field(
        "frame.len",
        format!("Frame Length: {wire} bytes ({} bits)", bits_of(wire)),
        0..0,
        Value::UInt(wire),
    ));
    f.add(Node::field(
        "frame.cap_len",
        format!("Capture Length: {cap} bytes ({} bits)", bits_of(cap)),
        0..0,
        Value::UInt(cap),
    ));
    f.add(Node::field(
        "frame.marked",
        "[Frame is marked: False]",
        0..0,
        Value::Bool(false),
    ));
    f.add(Node::field(
        "frame.ignored",
        "[Frame is ignored: False]",
        0..0,
        Value::Bool(false),
    ));
    f
}

/// Appends "[Protocols in frame: eth:ethertype:ip:tcp]" once the other
/// layers have said what they are.
pub fn protocols_node(frame: &mut Node, chain: String) {
    frame.add(Node::field(
        "frame.protocols",
        format!("[Protocols in frame: {chain}]"),
        0..0,
        Value::Str(Cow::Owned(chain)),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrival_time() {
        assert_eq!(
            time_text(1_795_640_909_486_992_000),
            "Nov 25, 2026 21:08:29.486992000 UTC"
        );
        assert_eq!(
            time_text(1_262_893_114_341_715_000),
            "Jan  7, 2010 19:38:34.341715000 UTC"
        );
        assert_eq!(time_text(0), "Jan  1, 1970 00:00:00.000000000 UTC");
    }
}
