//! Tests of the HTTP index: bodies over TLS, and HTTP/1 connections framed
//! from one buffer and in place from many pieces, which must agree.

use super::*;

/// Over TLS the body offsets refer to the decrypted stream: the body
/// read again is the file the server sent, for HTTP/1.1 over TLS 1.2
/// and HTTP/2 over TLS 1.3.
#[test]
fn bodies_over_tls_read_from_the_decrypted_stream() {
    let dir = format!("{}/sample-captures", env!("CARGO_MANIFEST_DIR"));
    for (name, uri, file) in [
        ("tls12-gcm-h1", "/style.css", "style.css"),
        ("tls13-h2", "/index.html", "index.html"),
        ("tls10-cbc-sha1", "/style.css", "style.css"),
    ] {
        let mut trace =
            crate::trace::Trace::open(std::path::Path::new(&format!("{dir}/{name}.pcap")))
                .expect("sample");
        let keys = std::fs::read_to_string(format!("{dir}/{name}.keys")).expect("keys");
        assert!(trace.add_key_log(&keys).is_empty());
        let index = HttpIndex::build(&trace.store, &trace.conversations, &trace.keys);
        let t = index
            .transactions
            .iter()
            .find(|t| {
                let head = t.request.as_ref().and_then(|m| m.head(&trace.store));
                head.is_some_and(|h| h.uri() == Some(uri))
            })
            .unwrap_or_else(|| panic!("{name}: no request for {uri}"));
        let m = t.response.as_ref().expect("response");
        let body = index.body_bytes(&trace.store, &trace.conversations, m);
        let want = std::fs::read(format!("{dir}/content/{file}")).expect("content");
        assert_eq!(body, want, "{name}");
        let streams = index.streams(&trace.store, &trace.conversations, m.conversation);
        assert_eq!(m.body_in(&streams), want, "{name}");
    }
}

/// The per-packet lookups (`completing` bits, `span_starts`) answer as
/// searches of the whole arrays do, for every packet of captures with
/// several connections, pipelining and segmented bodies.
#[test]
fn packet_lookups_agree_with_whole_array_searches() {
    let dir = format!("{}/sample-captures", env!("CARGO_MANIFEST_DIR"));
    let mut checked = (0, 0);
    for name in [
        "textbook-visit",
        "keepalive-3-requests",
        "chunked-gzip",
        "post-form",
    ] {
        let trace = crate::trace::Trace::open(std::path::Path::new(&format!("{dir}/{name}.pcap")))
            .expect("sample");
        let index = HttpIndex::build(&trace.store, &trace.conversations, &trace.keys);
        for i in 0..trace.store.len() {
            let p = i as u32;
            let want: Vec<MessageRef> = index
                .by_packet
                .iter()
                .zip(&index.refs)
                .filter(|(&q, _)| q == p)
                .map(|(_, &r)| r)
                .collect();
            assert_eq!(
                index.refs_at_packet(i),
                want.as_slice(),
                "{name} packet {i}"
            );
            checked.0 += want.len();
            let Some(entry) = trace.store.entry(i) else {
                continue;
            };
            let end = index
                .spans
                .partition_point(|&(c, first, _, _)| (c, first) <= (entry.conversation, p));
            let conv = trace.conversations.get(entry.conversation);
            let want = conv.and_then(|conv| {
                let from_client = crate::flow::Direction::of(entry) == conv.client_direction().0;
                index.spans[..end]
                    .iter()
                    .rev()
                    .take_while(|&&(c, _, _, _)| c == entry.conversation)
                    .take(SPAN_LOOKBACK)
                    .filter(|&&(_, _, last, _)| p < last)
                    .filter_map(|&(_, _, _, r)| index.message(r))
                    .find(|m| m.is_request() == from_client)
                    .map(|m| (m.first_packet, m.last_packet))
            });
            let got = index
                .segment_of(&trace.store, &trace.conversations, i)
                .map(|(m, _)| (m.first_packet, m.last_packet));
            assert_eq!(got, want, "{name} packet {i}");
            checked.1 += usize::from(want.is_some());
        }
    }
    assert!(
        checked.0 > 10 && checked.1 > 10,
        "too little checked: {checked:?}"
    );
}

fn dir(bytes: &[u8], closed: bool) -> DirStream {
    DirStream {
        bytes: bytes.to_vec(),
        packets: vec![(0, 0)],
        gaps: Vec::new(),
        lost_tail: 0,
        end_packet: closed.then_some(1),
        ..DirStream::default()
    }
}

fn conv() -> Conversation {
    let a: std::net::SocketAddr = "10.0.0.1:1234".parse().expect("addr");
    let b: std::net::SocketAddr = "10.0.0.2:80".parse().expect("addr");
    Conversation {
        protocol: Protocol::Tcp,
        stream: 0,
        a,
        b,
        first_packet: 0,
        last_packet: 0,
        first_ts: 0,
        last_ts: 0,
        packets: [0, 0],
        bytes: [0, 0],
        tcp: None,
    }
}

/// A direction read in place: `len` bytes of `capture` from `at`, in
/// pieces of three bytes, so that every head and chunk line is read
/// across pieces.
fn in_pieces(at: u64, len: usize, closed: bool) -> DirStream {
    let n = len.div_ceil(3);
    DirStream {
        packets: (0..n).map(|i| ((i * 3) as u64, 0)).collect(),
        origins: (0..n)
            .map(|i| (at + (i * 3) as u64, (len - i * 3).min(3) as u32))
            .collect(),
        unfilled_len: Some(len as u64),
        end_packet: closed.then_some(1),
        ..DirStream::default()
    }
}

/// `bytes` (at `at` in a capture) cut into pieces of the `cuts` lengths
/// in turn, the pieces `holes` marks lost: the direction copied (holes
/// as zeros) and the same direction to be read in place.
fn cut(bytes: &[u8], at: u64, cuts: &[usize], holes: &[bool]) -> (DirStream, DirStream) {
    let mut copied = DirStream::default();
    let mut off = 0usize;
    let mut k = 0usize;
    while off < bytes.len() {
        let len = cuts[k % cuts.len()].clamp(1, bytes.len() - off);
        if k > 0 && holes[k % holes.len()] {
            copied.gaps.push((off as u64, len as u64));
            copied.bytes.resize(off + len, 0);
        } else {
            copied.packets.push((off as u64, k as u32));
            copied.origins.push((at + off as u64, len as u32));
            copied.bytes.extend_from_slice(&bytes[off..off + len]);
        }
        off += len;
        k += 1;
    }
    let in_place = DirStream {
        bytes: Vec::new(),
        unfilled_len: Some(bytes.len() as u64),
        ..copied.clone()
    };
    (copied, in_place)
}

proptest::proptest! {
    /// HTTP/1 read in place from the capture's pieces finds what it finds
    /// in the copied stream, whatever the pieces and holes.
    #[test]
    fn read_in_place_as_copied(
        client in proptest::collection::vec(0usize..TOKENS.len(), 0..40),
        server in proptest::collection::vec(0usize..TOKENS.len(), 0..40),
        cuts in proptest::collection::vec(1usize..40, 1..8),
        holes in proptest::collection::vec(proptest::bool::weighted(0.1), 1..8),
        closed in proptest::bool::ANY,
    ) {
        let text = |t: &[usize]| t.iter().flat_map(|&i| TOKENS[i].iter().copied()).collect::<Vec<u8>>();
        let (c, s) = (text(&client), text(&server));
        let capture = [c.as_slice(), s.as_slice()].concat();
        let (mut cc, mut ci) = cut(&c, 0, &cuts, &holes);
        let (mut sc, mut si) = cut(&s, c.len() as u64, &cuts, &holes);
        sc.dir = Direction::BtoA;
        si.dir = Direction::BtoA;
        for d in [&mut cc, &mut ci, &mut sc, &mut si] {
            d.end_packet = closed.then_some(1000);
        }
        let read = |a: &DirStream, b: &DirStream| {
            let views = [stream::StreamView::new(a, &capture), stream::StreamView::new(b, &capture)];
            format!("{:?}", connection(&conv(), 0, &views, &LimitLog::default()))
        };
        proptest::prop_assert_eq!(read(&cc, &sc), read(&ci, &si));
    }
}

/// What the connections of [`read_in_place_as_copied`] are made of.
const TOKENS: &[&[u8]] = &[
    b"GET /a HTTP/1.1\r\n",
    b"POST /b HTTP/1.0\r\n",
    b"GET /zeek.html\n",
    b"HTTP/1.1 200 OK\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\n",
    b"HTTP/1.0 304 Not Modified\r\n",
    b"Host: x\r\n",
    b"Content-Length: 5\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"Content-Type: image/png\r\n",
    b"Content-Type: multipart/mixed; boundary=b\r\n",
    b"Content-Encoding: gzip\r\n",
    b"\r\n",
    b"\n",
    b"hello",
    b"5\r\nhello\r\n",
    b"0\r\n\r\n",
    b"0\r\nX-T: 1\r\n\r\n",
    b"zz\r\n",
    b"\x89PNG\r\n\x1a\n",
    b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcbH\xcd\xc9\xc9\x07\x00\x86\xa6\x106\x05\x00\x00\x00",
    b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n",
    b"\x00\x01",
];

/// The transactions of a connection, which must be the same read from
/// one buffer per direction and read in place from many pieces.
fn run(c: &[u8], s: &[u8], closed: bool) -> Vec<Transaction> {
    let read = |streams: &[DirStream; 2], capture: &[u8]| {
        let views = [0, 1].map(|i| stream::StreamView::new(&streams[i], capture));
        connection(&conv(), 0, &views, &LimitLog::default())
    };
    let copied = read(&[dir(c, closed), dir(s, closed)], &[]);
    let capture = [c, s].concat();
    let pieces = [
        in_pieces(0, c.len(), closed),
        in_pieces(c.len() as u64, s.len(), closed),
    ];
    let in_place = read(&pieces, &capture);
    assert_eq!(format!("{copied:?}"), format!("{in_place:?}"));
    copied
}

#[test]
fn pipelined_and_head() {
    let server = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    let t = run(
        b"HEAD /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
        server,
        false,
    );
    assert_eq!(t.len(), 2);
    let r1 = t[1].response.as_ref().expect("resp");
    assert_eq!(r1.body().gather(server), b"hello");
    assert_eq!(r1.body().pieces(), std::slice::from_ref(&(76..81)));
    assert!(!r1.partial());
    assert_eq!(
        t[1].request
            .as_ref()
            .and_then(|m| m.head_in(&[]))
            .as_ref()
            .and_then(|h| h.header("host")),
        Some("x")
    );
}

#[test]
fn continue_and_304_and_close() {
    let client: &[u8] = b"POST /u HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabcGET /c HTTP/1.1\r\n\r\nGET /d HTTP/1.0\r\n\r\n";
    let server: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\nHTTP/1.0 200 OK\r\n\r\nto the end";
    let t = run(client, server, true);
    assert_eq!(t.len(), 3);
    assert_eq!(t[0].interim.len(), 1);
    assert_eq!(
        t[0].request.as_ref().map(|m| m.body().gather(client)),
        Some(b"abc".to_vec())
    );
    assert_eq!(t[1].response.as_ref().and_then(Message::code), Some(304));
    let last = t[2].response.as_ref().expect("resp");
    assert_eq!(last.body().gather(server), b"to the end");
    assert!(!last.partial());
}

#[test]
fn switching_protocols_ends_http() {
    let t = run(
        b"GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\nGET /not-http HTTP/1.1\r\n\r\n",
        b"HTTP/1.1 101 Switching Protocols\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
        false,
    );
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].response.as_ref().and_then(Message::code), Some(101));
}

#[test]
fn non_http_is_ignored_and_partial_is_marked() {
    assert!(run(b"SSH-2.0-OpenSSH\r\n", b"SSH-2.0-x\r\n", true).is_empty());
    let t = run(
        b"GET / HTTP/1.1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",
        false,
    );
    let r = t[0].response.as_ref().expect("resp");
    assert!(r.partial());
    assert_eq!(r.missing(), 95);
}

#[test]
fn bytes_after_the_last_message_of_a_segment_are_a_continuation() {
    // tcp-syn-payload-rawip frame 1: a GET head, then 14 zero bytes.
    let head = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    let trailing_of = |client: &[u8]| {
        let streams = [dir(client, false), dir(b"", false)];
        let views = [0, 1].map(|i| stream::StreamView::new(&streams[i], &[]));
        let txns = connection(&conv(), 0, &views, &LimitLog::default());
        continuation::trailing(&conv(), &txns, &streams, &views)
    };
    assert_eq!(trailing_of(&[&head[..], &[0u8; 14]].concat()), [(0, 14)]);
    // A segment that ends with its message, or whose rest is the next
    // message, has no Continuation.
    assert_eq!(trailing_of(head), []);
    assert_eq!(trailing_of(&[&head[..], &head[..]].concat()), []);
}

/// A response head found past a gap pairs with the next request when the
/// client had already sent it (the oldest one's answer was in the gap),
/// else with the oldest.
#[test]
fn a_response_lost_in_a_gap_leaves_its_request_unanswered() {
    let get = b"GET /a HTTP/1.1\r\n\r\n";
    let c = [get.as_slice(), get].concat();
    let ok = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    let s = [[0u8; 10].as_slice(), b"hello", ok].concat();
    let pair = |second_request_packet: u32| {
        let client = DirStream {
            packets: vec![(0, 0), (get.len() as u64, second_request_packet)],
            ..dir(&c, false)
        };
        let server = DirStream {
            packets: vec![(10, 1), (15, 3)],
            gaps: vec![(0, 10)],
            dir: Direction::BtoA,
            ..dir(&s, false)
        };
        let views = [
            stream::StreamView::new(&client, &[]),
            stream::StreamView::new(&server, &[]),
        ];
        connection(&conv(), 0, &views, &LimitLog::default())
            .iter()
            .map(|t| {
                let first = |m: &Option<Message>| m.as_ref().map(|m| m.first_packet);
                (first(&t.request), first(&t.response))
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(pair(2), [(Some(0), None), (Some(2), Some(3))]);
    assert_eq!(pair(4), [(Some(0), Some(3)), (Some(4), None)]);
}
