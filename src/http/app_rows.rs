//! The rows of application protocols found on a connection's streams besides
//! HTTP (the `decode::app` dissectors, WebSocket after an Upgrade, FTP data
//! connections announced on a control connection), worked out while the
//! HTTP index is built.

use super::*;

/// The WebSocket rows of a connection upgraded by a `101` answer with
/// `Upgrade: websocket`: each direction from the end of its HTTP message,
/// only the segments that start after it.
pub(super) fn websocket_rows(
    store: &PacketStore,
    txns: &[Transaction],
    streams: &[DirStream; 2],
) -> AppRows {
    let Some(t) = txns
        .iter()
        .find(|t| t.response.as_ref().and_then(Message::code) == Some(101))
    else {
        return Vec::new();
    };
    let (Some(req), Some(resp)) = (&t.request, &t.response) else {
        return Vec::new();
    };
    let upgrade = resp
        .head(store)
        .and_then(|h| {
            h.header("upgrade")
                .map(|u| u.eq_ignore_ascii_case("websocket"))
        })
        .unwrap_or(false);
    if !upgrade {
        return Vec::new();
    }
    let after = |m: &Message| -> (Vec<(u64, u32)>, usize) {
        let s = &streams[m.dir.index()];
        let from = m.end;
        let segments = s
            .packets
            .iter()
            .filter(|&&(o, _)| o >= from)
            .map(|&(o, p)| (o - from, p))
            .collect();
        let gap = s.gaps.first().map_or(s.bytes.len(), |&(o, _)| o as usize);
        (segments, gap)
    };
    let (cseg, cgap) = after(req);
    let (sseg, sgap) = after(resp);
    let bytes = |m: &Message, gap: usize| {
        let b = &streams[m.dir.index()].bytes;
        b.get(m.end as usize..gap.min(b.len())).unwrap_or_default()
    };
    app::websocket::rows(
        app::DirBytes {
            bytes: bytes(req, cgap),
            segments: &cseg,
        },
        app::DirBytes {
            bytes: bytes(resp, sgap),
            segments: &sseg,
        },
    )
}

/// Rows of stream protocols by packet.
pub(super) type AppRows = Vec<(u32, app::StreamRow)>;
/// FTP data connections announced, by the address that accepts them.
pub(super) type FtpChannels = Vec<(std::net::SocketAddr, FtpDataChannel)>;

/// The data channel a connection between `a` and `b` is, if an FTP control
/// connection announced one of them.
pub(super) fn ftp_channel(
    channels: &FtpChannels,
    a: std::net::SocketAddr,
    b: std::net::SocketAddr,
) -> Option<&FtpDataChannel> {
    channels
        .iter()
        .find(|(at, _)| *at == a || *at == b)
        .map(|(_, ch)| ch)
}

/// The rows of FTP data connections (tshark's FTP-DATA): every data
/// segment of a connection to an endpoint an FTP control connection
/// announced, named after the command that used it.
pub(super) fn ftp_data_rows(
    store: &PacketStore,
    convs: &[Conversation],
    channels: &FtpChannels,
    rows: &mut HashMap<u32, app::StreamRow>,
) {
    if channels.is_empty() {
        return;
    }
    for conv in convs.iter().filter(|c| c.protocol == Protocol::Tcp) {
        let Some(ch) = ftp_channel(channels, conv.a, conv.b) else {
            continue;
        };
        for index in conv.packets(store) {
            let d = store.decode(index);
            let len = d.tcp_len().unwrap_or(0);
            let retransmitted = store
                .entry(index)
                .is_some_and(|e| e.analysis & crate::flow::analysis::flags::RETRANSMISSION != 0);
            if len == 0 || retransmitted || rows.contains_key(&(index as u32)) {
                continue;
            }
            let info = ch.info(len);
            let layers = ch.layers(d.tcp().map(|t| t.payload()).unwrap_or_default());
            rows.insert(
                index as u32,
                app::StreamRow::App(app::Summary::new("FTP-DATA", info).with_layers(layers)),
            );
        }
    }
}

/// The rows of a connection whose port names a stream protocol, from its
/// reassembled directions (each up to its first hole), and for FTP the data
/// connections it announced (with the address that will accept each).
pub(super) fn app_rows(conv: &Conversation, streams: &[DirStream; 2]) -> (AppRows, FtpChannels) {
    let (pa, pb) = (conv.a.port(), conv.b.port());
    let Some(protocol) = app::stream_protocol(pb, pa) else {
        return (Vec::new(), Vec::new());
    };
    // The server is the side whose port named the protocol (b first).
    let server_is_b = app::stream_protocol(pb, 0).is_some();
    let server_dir = if server_is_b {
        crate::flow::Direction::BtoA
    } else {
        crate::flow::Direction::AtoB
    };
    fn view(s: &DirStream) -> app::DirBytes<'_> {
        let end = s.gaps.first().map_or(s.bytes.len(), |&(o, _)| o as usize);
        app::DirBytes {
            bytes: &s.bytes[..end.min(s.bytes.len())],
            segments: &s.packets,
        }
    }
    let server = &streams[server_dir.index()];
    let client = &streams[server_dir.reverse().index()];
    let (server_addr, client_addr) = if server_is_b {
        (conv.b, conv.a)
    } else {
        (conv.a, conv.b)
    };
    let ftp = match protocol {
        app::StreamProtocol::Lines(app::text_lines::LineProtocol::Ftp) => {
            app::ftp_data::channels(view(client), view(server))
                .into_iter()
                .map(|ch| {
                    let host = if ch.on_server {
                        server_addr
                    } else {
                        client_addr
                    };
                    (std::net::SocketAddr::new(host.ip(), ch.port), ch)
                })
                .collect()
        }
        _ => Vec::new(),
    };
    (app::stream_rows(protocol, view(client), view(server)), ftp)
}
