//! The `http2.*` fields of one packet, from the frames that complete in it,
//! as `tshark -T fields` gives them (one value per frame or header).

use super::Connection;
use crate::fields::{FieldId, Value};
use std::borrow::Cow;

/// Pushes the values of an `http2.*` field of packet `index` (0-based).
pub fn values<'t>(
    conn: &Connection,
    index: usize,
    field: FieldId,
    push: &mut impl FnMut(Value<'t>),
) {
    use FieldId as F;
    let frames = conn.frames_at(index as u32);
    if field == F::Http2 {
        if !frames.is_empty() || conn.magic_packet == Some(index as u32) {
            push(Value::Present);
        }
        return;
    }
    for f in frames {
        match field {
            F::Http2Streamid => push(Value::UInt(u64::from(f.span.stream))),
            F::Http2Type => push(Value::UInt(u64::from(f.span.ty))),
            F::Http2Flags => push(Value::Hex(u64::from(f.span.flags), 2)),
            F::Http2Length => push(Value::UInt(f.span.end - f.span.start - 9)),
            F::Http2HeaderName => {
                for (n, _) in &f.headers {
                    push(Value::Str(Cow::Owned(n.clone())));
                }
            }
            F::Http2HeaderValue => {
                for (_, v) in &f.headers {
                    push(Value::Str(Cow::Owned(v.clone())));
                }
            }
            _ => {}
        }
    }
}
