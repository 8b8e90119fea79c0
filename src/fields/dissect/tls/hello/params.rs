//! The quic_transport_parameters extension (RFC 9000, 18) as tshark 4.0
//! draws it: one `Parameter:` line per parameter with its type, length and
//! raw value, then the value read as the parameter's kind (a number, a
//! connection ID or token, a version, a string).

use super::{bytes_or_missing, Cur, Node};
use crate::fields::Value;
use std::borrow::Cow;

/// How tshark reads a parameter's value.
#[derive(Clone, Copy)]
enum Kind {
    /// A variable-length integer: its line's label, and the unit the
    /// `Parameter:` title ends with (`None`: the title shows no value).
    Num(&'static str, Option<&'static str>),
    /// Bytes shown in hex (connection IDs, tokens, options).
    Bytes(&'static str),
    /// A UTF-8 string.
    Text(&'static str),
    /// A 32-bit QUIC version.
    Version(&'static str),
    /// RFC 9368's chosen version, then the other versions.
    VersionInformation,
    /// Nothing beyond the raw value.
    Raw,
}

/// (type, tshark's name, field, kind) of the parameters tshark 4.0 knows.
const PARAMETERS: &[(u64, &str, &str, Kind)] = {
    use Kind::*;
    &[
        (
            0x00,
            "original_destination_connection_id",
            "tls.quic.parameter.original_destination_connection_id",
            Bytes("original_destination_connection_id"),
        ),
        (
            0x01,
            "max_idle_timeout",
            "tls.quic.parameter.max_idle_timeout",
            Num("max_idle_timeout", Some(" ms")),
        ),
        (
            0x02,
            "stateless_reset_token",
            "tls.quic.parameter.stateless_reset_token",
            Bytes("stateless_reset_token"),
        ),
        (
            0x03,
            "max_udp_payload_size",
            "tls.quic.parameter.max_udp_payload_size",
            Num("max_udp_payload_size", Some("")),
        ),
        (
            0x04,
            "initial_max_data",
            "tls.quic.parameter.initial_max_data",
            Num("initial_max_data", Some("")),
        ),
        (
            0x05,
            "initial_max_stream_data_bidi_local",
            "tls.quic.parameter.initial_max_stream_data_bidi_local",
            Num("initial_max_stream_data_bidi_local", Some("")),
        ),
        (
            0x06,
            "initial_max_stream_data_bidi_remote",
            "tls.quic.parameter.initial_max_stream_data_bidi_remote",
            Num("initial_max_stream_data_bidi_remote", Some("")),
        ),
        (
            0x07,
            "initial_max_stream_data_uni",
            "tls.quic.parameter.initial_max_stream_data_uni",
            Num("initial_max_stream_data_uni", Some("")),
        ),
        (
            0x08,
            "initial_max_streams_bidi",
            "tls.quic.parameter.initial_max_streams_bidi",
            Num("initial_max_streams_bidi", Some("")),
        ),
        (
            0x09,
            "initial_max_streams_uni",
            "tls.quic.parameter.initial_max_streams_uni",
            Num("initial_max_streams_uni", Some("")),
        ),
        (
            0x0a,
            "ack_delay_exponent",
            "tls.quic.parameter.ack_delay_exponent",
            Num("ack_delay_exponent", None),
        ),
        (
            0x0b,
            "max_ack_delay",
            "tls.quic.parameter.max_ack_delay",
            Num("max_ack_delay", Some("")),
        ),
        (0x0c, "disable_active_migration", "", Raw),
        (0x0d, "preferred_address", "", Raw),
        (
            0x0e,
            "active_connection_id_limit",
            "tls.quic.parameter.active_connection_id_limit",
            Num("Active Connection ID Limit", Some("")),
        ),
        (
            0x0f,
            "initial_source_connection_id",
            "tls.quic.parameter.initial_source_connection_id",
            Bytes("Initial Source Connection ID"),
        ),
        (
            0x10,
            "retry_source_connection_id",
            "tls.quic.parameter.retry_source_connection_id",
            Bytes("Retry Source Connection ID"),
        ),
        (
            0x11,
            "version_information",
            "tls.quic.parameter.vi.",
            VersionInformation,
        ),
        (
            0x20,
            "max_datagram_frame_size",
            "tls.quic.parameter.max_datagram_frame_size",
            Num("max_datagram_frame_size", Some("")),
        ),
        (0x1000, "cibir_encoding", "", Raw),
        (0x1057, "loss_bits", "", Raw),
        (0x2ab2, "grease_quic_bit", "", Raw),
        (
            0x3127,
            "google_initial_rtt",
            "tls.quic.parameter.google.initial_rtt",
            Num("Google Initial RTT", Some(" us")),
        ),
        (
            0x3128,
            "google_connection_options",
            "tls.quic.parameter.google.connection_options",
            Bytes("Google Connection options"),
        ),
        (
            0x3129,
            "google_user_agent",
            "tls.quic.parameter.google.user_agent",
            Text("Google UserAgent"),
        ),
        (0x312a, "google_support_handshake_done", "", Raw),
        (0x312b, "google_key_update_not_yet_supported", "", Raw),
        (0x4751, "google_quic_params", "", Raw),
        (
            0x4752,
            "google_quic_version",
            "tls.quic.parameter.google.quic_version",
            Version("Google QUIC version"),
        ),
        (0x7157, "enable_time_stamp", "", Raw),
        (0x7158, "enable_time_stamp_v2", "", Raw),
        (0xde1a, "min_ack_delay", "", Raw),
    ]
};

fn version(abbrev: &'static str, label: &str, v: u32, r: std::ops::Range<usize>) -> Node {
    Node::field(
        abbrev,
        format!(
            "{label}: {} (0x{v:08x})",
            super::super::super::quic::version_text(v)
        ),
        r,
        Value::Hex(u64::from(v), 8),
    )
}

/// Every parameter of the extension's data under `d`, under its node `e`.
pub(super) fn parameters(e: &mut Node, d: &mut Cur<'_>) -> Option<()> {
    while d.more() {
        let (t, tr) = d.varint()?;
        let (len, lr) = d.varint()?;
        let (data, dr) = d.take(usize::try_from(len).ok()?)?;
        let known = PARAMETERS.iter().find(|p| p.0 == t);
        let (name, field, kind) = known.map_or(("Unknown", "", Kind::Raw), |p| (p.1, p.2, p.3));
        let mut v = Cur::new(data, dr.start);
        // The value a number's title ends with.
        let mut title_value = String::new();
        let mut typed = Vec::new();
        match kind {
            Kind::Num(label, unit) => {
                if let Some((n, r)) = v.varint() {
                    if let Some(unit) = unit {
                        title_value = format!(" {n}{unit}");
                    }
                    typed.push(Node::field(
                        field,
                        format!("{label}: {n}"),
                        r,
                        Value::UInt(n),
                    ));
                }
            }
            Kind::Bytes(label) => {
                let (text, value) = bytes_or_missing(data);
                typed.push(Node::field(
                    field,
                    format!("{label}: {text}"),
                    dr.clone(),
                    value,
                ));
            }
            Kind::Text(label) => {
                let s = String::from_utf8_lossy(data).into_owned();
                typed.push(Node::field(
                    field,
                    format!("{label}: {s}"),
                    dr.clone(),
                    Value::Str(Cow::Owned(s)),
                ));
            }
            Kind::Version(label) => {
                if let Some((n, r)) = v.num(4) {
                    typed.push(version(field, label, n as u32, r));
                }
            }
            Kind::VersionInformation => {
                let mut label = ("tls.quic.parameter.vi.chosen_version", "Chosen Version");
                while let Some((n, r)) = v.num(4) {
                    typed.push(version(label.0, label.1, n as u32, r));
                    label = ("tls.quic.parameter.vi.other_version", "Other Version");
                }
            }
            Kind::Raw => {}
        }
        let title = match known {
            Some(_) => name.to_string(),
            None => format!("Unknown 0x{t:04x}"),
        };
        let p = e.add(Node::field(
            "tls.quic.parameter",
            format!("Parameter: {title} (len={len}){title_value}"),
            tr.start..dr.end,
            Value::Str(Cow::Borrowed("")),
        ));
        p.add(Node::field(
            "tls.quic.parameter.type",
            format!("Type: {name} (0x{t:02x})"),
            tr,
            Value::UInt(t),
        ));
        p.add(Node::field(
            "tls.quic.parameter.length",
            format!("Length: {len}"),
            lr,
            Value::UInt(len),
        ));
        let (text, value) = bytes_or_missing(data);
        p.add(Node::field(
            "tls.quic.parameter.value",
            format!("Value: {text}"),
            dr,
            value,
        ));
        for n in typed {
            p.add(n);
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(n: &Node) -> Vec<String> {
        let mut out = vec![n.text.clone()];
        for c in &n.children {
            out.extend(texts(c));
        }
        out
    }

    #[test]
    fn parameters_as_tshark_draws_them() {
        let data = [
            0x01, 0x04, 0x80, 0, 0x75, 0x30, // max_idle_timeout 30000
            0x0c, 0x00, // disable_active_migration
            0x1b, 0x01, 0x5a, // a GREASE parameter
            0x11, 0x04, 0, 0, 0, 1, // version_information
        ];
        let mut e = Node::text("", 0..0);
        parameters(&mut e, &mut Cur::new(&data, 0)).expect("parses");
        assert_eq!(
            texts(&e)[1..],
            [
                "Parameter: max_idle_timeout (len=4) 30000 ms",
                "Type: max_idle_timeout (0x01)",
                "Length: 4",
                "Value: 80007530",
                "max_idle_timeout: 30000",
                "Parameter: disable_active_migration (len=0)",
                "Type: disable_active_migration (0x0c)",
                "Length: 0",
                "Value: <MISSING>",
                "Parameter: Unknown 0x001b (len=1)",
                "Type: Unknown (0x1b)",
                "Length: 1",
                "Value: 5a",
                "Parameter: version_information (len=4)",
                "Type: version_information (0x11)",
                "Length: 4",
                "Value: 00000001",
                "Chosen Version: 1 (0x00000001)",
            ]
        );
        for cut in 0..data.len() {
            let mut e = Node::text("", 0..0);
            let _ = parameters(&mut e, &mut Cur::new(&data[..cut], 0));
        }
    }
}
