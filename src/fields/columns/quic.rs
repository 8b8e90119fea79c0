//! The QUIC row of a UDP datagram with what its connection's earlier
//! datagrams tell (`decode::app::quic` words it): the client's first DCID,
//! from which both sides' Initial keys derive, which side is the server,
//! and the connection-ID length a short header's receiver chose. Up to
//! [`MAX_QUIC_CONTEXT_WALK`] earlier datagrams of the UDP conversation are
//! read; past it the row shows what the datagram alone tells.

use crate::decode::app::{quic, Summary};
use crate::decode::Transport;
use crate::fields::PacketView;
use crate::limits::MAX_QUIC_CONTEXT_WALK;

/// QUIC's row for the UDP payload `payload` of `view`'s packet.
pub fn summary(view: &PacketView<'_>, payload: &[u8]) -> Option<Summary> {
    with_context(view, |ctx| quic::summary(payload, ctx))
}

/// Calls `f` with what the connection's earlier datagrams tell about
/// `view`'s packet.
pub fn with_context<R>(view: &PacketView<'_>, f: impl FnOnce(quic::Context<'_>) -> R) -> R {
    let store = &view.trace.store;
    let mut original: Option<(usize, Vec<u8>)> = None;
    let mut scid_len: [Option<usize>; 2] = [None, None];
    let mut dir_now = 0;
    if let Some((c, dir)) = view.trace.conversations.of_packet(store, view.index) {
        dir_now = dir.index();
        for (steps, i) in c.packets(store).enumerate() {
            if i > view.index || steps as u64 >= MAX_QUIC_CONTEXT_WALK {
                break;
            }
            let other = PacketView::new(view.trace, i);
            let Transport::Udp(u) = &other.decoded.transport else {
                continue;
            };
            let Some(d) = other.direction() else { continue };
            if let Some((kind, dcid, scid)) = quic::ids(u.payload()) {
                if kind == 0 && original.is_none() {
                    original = Some((d.index(), dcid.to_vec()));
                }
                if kind != 4 {
                    scid_len[d.index()] = Some(scid.len());
                }
            }
        }
    }
    let ctx = quic::Context {
        original_dcid: original.as_ref().map(|(_, d)| d.as_slice()),
        from_server: original.as_ref().is_some_and(|(d, _)| *d != dir_now),
        short_dcid_len: scid_len[1 - dir_now.min(1)],
    };
    f(ctx)
}
