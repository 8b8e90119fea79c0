//! The 802.11 link layers of a packet in the order tshark 4.0 draws them:
//! the radio header (radiotap or PPI, `radiotap.rs`) and "802.11 radio
//! information", the 802.11 frame (`wlan.rs`), then its body: the
//! management parameters (`wlan_mgt.rs`), LLC/SNAP (`llc.rs`; the network
//! layer after it is drawn as on Ethernet) or Data.

use super::wlan::Body;
use super::Node;
use crate::decode::link::wifi::{IEEE802_11, PPI, RADIOTAP};
use crate::fields::PacketView;

/// Whether the packet's link type is one of 802.11's.
pub fn carries(view: &PacketView<'_>) -> bool {
    matches!(view.decoded.link.link_type, IEEE802_11 | RADIOTAP | PPI)
}

pub fn layers(view: &PacketView<'_>, out: &mut Vec<Node>, protocols: &mut Vec<&'static str>) {
    let data = view.decoded.data;
    let lt = view.decoded.link.link_type;
    let mut fcs = false;
    let start = match lt {
        RADIOTAP => {
            let Some((n, len)) = super::radiotap::layer(data) else {
                return;
            };
            protocols.extend(["radiotap", "wlan_radio"]);
            out.push(n);
            out.push(super::radiotap::radio_information(len.min(data.len())));
            fcs = super::radiotap::flags(data).is_some_and(|f| f & 0x10 != 0);
            len
        }
        PPI => {
            let Some((n, len)) = super::radiotap::ppi_layer(data) else {
                return;
            };
            protocols.push("ppi");
            out.push(n);
            // Only a PPI header announcing 802.11 (DLT 105) is followed.
            if crate::decode::link::wifi::frame_offset(lt, data).is_none() {
                return;
            }
            protocols.push("wlan_radio");
            out.push(super::radiotap::radio_information(len.min(data.len())));
            len
        }
        _ => 0,
    };
    let Some((n, body)) = super::wlan::layer(data, start, fcs) else {
        return;
    };
    protocols.push("wlan");
    out.push(n);
    match body {
        Body::None => {}
        Body::Management(a, b) => {
            let sub = data.get(start).map_or(0, |fc0| fc0 >> 4);
            if let Some(m) = super::wlan_mgt::layer(sub, data, a, b) {
                out.push(m);
            }
        }
        Body::Llc(a, b) => {
            let payload = data.get(a..b).unwrap_or_default();
            match super::llc::layer(payload, a) {
                Some((llc, _, _)) => {
                    protocols.push("llc");
                    out.push(llc);
                }
                None => {
                    if let Some(d) = super::wlan::data_layer(data, a, b) {
                        protocols.push("data");
                        out.push(d);
                    }
                }
            }
        }
        Body::Data(a, b) => {
            if let Some(d) = super::wlan::data_layer(data, a, b) {
                protocols.push("data");
                out.push(d);
            }
        }
    }
}
