//! Working out the phases of every transaction, connection by connection:
//! one walk over a connection's packets gives its data segments (for the
//! segment counts, retransmissions and the TLS records), its life gives the
//! handshake and the teardown, the HTTP messages give request, wait and
//! receive, and the name map gives the lookup.

use super::names::NameMap;
use super::{Close, Connect, Dns, Journey, Span, Tls, Transfer};
use crate::flow::analysis::flags;
use crate::flow::life::{self, Anomaly, Step, Teardown};
use crate::flow::{Conversation, Direction, Protocol};
use crate::http::parse::StartLine;
use crate::http::{HttpIndex, Message, Transaction};
use crate::store::PacketStore;
use crate::trace::Trace;
use std::net::IpAddr;

/// One segment with payload: packet, direction, retransmission?
#[derive(Debug, Clone, Copy)]
struct DataSegment {
    packet: u32,
    dir: Direction,
    retransmission: bool,
}

/// The journeys of every transaction of `http` (in its order), plus one per
/// TLS connection that has no transaction (up to its handshake).
pub fn journeys(trace: &Trace, http: &HttpIndex, names: &NameMap) -> Vec<Journey> {
    let convs = trace.conversations.all();
    // The transactions of each conversation (they are grouped in the index).
    let mut groups: Vec<(u32, std::ops::Range<usize>)> = Vec::new();
    for (i, t) in http.transactions.iter().enumerate() {
        match groups.last_mut() {
            Some((c, r)) if *c == t.conversation => r.end = i + 1,
            _ => groups.push((t.conversation, i..i + 1)),
        }
    }
    let mut with_http = vec![false; convs.len()];
    for (c, _) in &groups {
        if let Some(w) = with_http.get_mut(*c as usize) {
            *w = true;
        }
    }
    // TCP connections without HTTP, checked for a TLS handshake.
    for (ci, c) in convs.iter().enumerate() {
        if c.protocol == Protocol::Tcp && !with_http[ci] {
            groups.push((ci as u32, 0..0));
        }
    }
    groups.sort_by_key(|(c, r)| (convs.get(*c as usize).map(|c| c.first_packet), r.start));
    crate::parallel::map_in_order(&groups, |(ci, range)| {
        let Some(conv) = convs.get(*ci as usize) else {
            return Vec::new();
        };
        let ts = http.transactions.get(range.clone()).unwrap_or(&[]);
        let tls = tls_phase(trace, http, *ci);
        connection(&trace.store, conv, *ci, ts, range.start as u32, names, tls)
    })
    .into_iter()
    .flatten()
    .collect()
}

/// The journeys of one connection (index in [`crate::flow::Conversations::all`]):
/// its transactions', or its TLS handshake's; empty for anything else.
pub fn journeys_of(
    trace: &Trace,
    http: &HttpIndex,
    names: &NameMap,
    conversation: u32,
) -> Vec<Journey> {
    let Some(conv) = trace.conversations.get(conversation) else {
        return Vec::new();
    };
    if conv.protocol != Protocol::Tcp {
        return Vec::new();
    }
    // The index holds the transactions in conversation order.
    let ts = &http.transactions;
    let from = ts.partition_point(|t| t.conversation < conversation);
    let to = ts.partition_point(|t| t.conversation <= conversation);
    let mine = ts.get(from..to).unwrap_or(&[]);
    let tls = tls_phase(trace, http, conversation);
    connection(
        &trace.store,
        conv,
        conversation,
        mine,
        from as u32,
        names,
        tls,
    )
}

/// The `tls` phase of a connection the TLS stage read (kept in the HTTP
/// index): its handshake packets, version, suite, SNI and ALPN (in TLS 1.3
/// the server's choice is encrypted: it is then what the decrypted stream
/// speaks, HTTP/2 or HTTP/1.1).
fn tls_phase(trace: &Trace, http: &HttpIndex, conversation: u32) -> Option<Tls> {
    let c = http.tls.of_conversation(conversation)?;
    let (first, last) = c.handshake_packets()?;
    let ch = c.client_hello.as_ref();
    let alpn = c
        .server_hello
        .as_ref()
        .and_then(|h| h.alpn.first().cloned())
        .or_else(|| {
            if http.http2.contains_key(&conversation) {
                return Some("h2".to_string());
            }
            // HTTP/1.x transactions decrypted from it, and offered.
            let ts = &http.transactions;
            let at = ts.partition_point(|t| t.conversation < conversation);
            let http1 = ts.get(at).is_some_and(|t| t.conversation == conversation);
            let offered = ch.is_some_and(|h| h.alpn.iter().any(|a| a == "http/1.1"));
            (http1 && offered).then(|| "http/1.1".to_string())
        });
    Some(Tls {
        span: span(&trace.store, first, last),
        version: c.version().map(crate::tls::record::version_name),
        cipher: c.cipher_suite().map(|id| {
            crate::tls::suites::suite_name(id).map_or_else(|| format!("0x{id:04x}"), str::to_string)
        }),
        sni: ch.and_then(|h| h.server_name.clone()),
        alpn,
        alpn_offered: ch.map(|h| h.alpn.clone()).unwrap_or_default(),
        decrypted: c.keys_found,
    })
}

fn rel(store: &PacketStore, packet: u32) -> i64 {
    store.relative_ns(packet as usize).unwrap_or(0)
}

fn span(store: &PacketStore, first: u32, last: u32) -> Span {
    Span {
        start_ns: rel(store, first),
        end_ns: rel(store, last),
        first,
        last,
    }
}

fn steps(store: &PacketStore, first: Step, last: Step) -> Span {
    span(store, first.packet, last.packet)
}

/// The journeys of one connection's transactions (`first_id` is the index of
/// the first of them in the HTTP index).
fn connection(
    store: &PacketStore,
    conv: &Conversation,
    ci: u32,
    transactions: &[Transaction],
    first_id: u32,
    names: &NameMap,
    tls: Option<Tls>,
) -> Vec<Journey> {
    let mut segments = Vec::new();
    for index in conv.packets(store) {
        let Some(e) = store.entry(index) else {
            continue;
        };
        let d = store.decode(index);
        if d.tcp_len().unwrap_or(0) == 0 {
            continue;
        }
        let dir = Direction::of(e);
        segments.push(DataSegment {
            packet: index as u32,
            dir,
            retransmission: e.analysis
                & (flags::RETRANSMISSION
                    | flags::FAST_RETRANSMISSION
                    | flags::SPURIOUS_RETRANSMISSION)
                != 0,
        });
    }
    if transactions.is_empty() && tls.is_none() {
        return Vec::new();
    }
    let life = life::life(store, conv);
    let connect = life.as_ref().and_then(|l| {
        let hs = &l.handshake;
        let syn = hs.syn?;
        let last = hs.ack.or(hs.syn_ack).unwrap_or(syn);
        let syns = l
            .anomalies
            .iter()
            .find_map(|a| match a {
                Anomaly::SynRetransmitted { count } => Some(*count),
                _ => None,
            })
            .unwrap_or(1);
        Some(Connect {
            span: steps(store, syn, last),
            syns,
            rtt_ns: hs.initial_rtt_ns,
            reused: false,
        })
    });
    let close = life.as_ref().map(|l| close(store, conv, l));
    let server_ip = conv.server().ip();
    let client_ip = conv.client().ip();
    let base = |host: Option<String>| Journey {
        stream: conv.stream,
        conversation: ci,
        transaction: None,
        client: conv.client(),
        server: conv.server(),
        method: None,
        host,
        uri: None,
        status: None,
        reason: None,
        dns: None,
        connect,
        tls: tls.clone(),
        request: None,
        wait: None,
        receive: None,
        close,
        kept_open: false,
    };
    if transactions.is_empty() {
        let host = tls.as_ref().and_then(|t| t.sni.clone());
        let mut j = base(host.clone());
        j.dns = host.and_then(|h| dns(store, names, &h, client_ip, server_ip, conv.first_packet));
        return vec![j];
    }
    let mut out = Vec::with_capacity(transactions.len());
    for (i, t) in transactions.iter().enumerate() {
        let first = i == 0;
        let last = i + 1 == transactions.len();
        let req_head = t.request.as_ref().and_then(|m| m.head(store));
        let resp_head = t.response.as_ref().and_then(|m| m.head(store));
        let host = req_head
            .as_ref()
            .and_then(|h| h.header("host"))
            .map(host_name)
            .or_else(|| tls.as_ref().and_then(|t| t.sni.clone()));
        let mut j = base(host.clone());
        j.transaction = Some(first_id + i as u32);
        if let Some(StartLine::Request { method, uri, .. }) = req_head.as_ref().map(|h| &h.start) {
            j.method = Some(method.clone());
            j.uri = Some(uri.clone());
        }
        if let Some(StartLine::Response { code, reason, .. }) = resp_head.as_ref().map(|h| &h.start)
        {
            j.status = Some(*code);
            j.reason = Some(reason.clone());
        }
        if first {
            j.dns =
                host.and_then(|h| dns(store, names, &h, client_ip, server_ip, conv.first_packet));
        } else {
            j.connect = connect.map(|c| Connect { reused: true, ..c });
            j.tls = None;
        }
        if !last {
            j.close = None;
            j.kept_open = true;
        }
        j.request = t.request.as_ref().map(|m| transfer(store, &segments, m));
        j.receive = t.response.as_ref().map(|m| transfer(store, &segments, m));
        j.wait = match (&t.request, &t.response) {
            (Some(q), Some(r)) if r.first_packet >= q.last_packet => {
                Some(span(store, q.last_packet, r.first_packet))
            }
            _ => None,
        };
        out.push(j);
    }
    out
}

/// A Host header's name: the port and the brackets of an IPv6 literal
/// removed, lower case.
fn host_name(h: &str) -> String {
    let h = h.trim();
    let name = if let Some(rest) = h.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else {
        match h.rsplit_once(':') {
            Some((n, port)) if !n.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => h,
        }
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// The lookup of `host` answered before the connection's first packet: the
/// latest whose answer holds the server address, else the latest.
fn dns(
    store: &PacketStore,
    names: &NameMap,
    host: &str,
    client: IpAddr,
    server: IpAddr,
    before: u32,
) -> Option<Dns> {
    if host.parse::<IpAddr>().is_ok() {
        return None;
    }
    let candidates = || {
        names
            .lookups_for(host)
            .rev()
            .filter(|l| l.response < before && l.client == client)
    };
    let l = candidates()
        .find(|l| l.addresses.contains(&server))
        .or_else(|| candidates().next())?;
    Some(Dns {
        span: span(store, l.query.unwrap_or(l.response), l.response),
        name: l.name.clone(),
        resolver: l.resolver,
        aliases: l.aliases.clone(),
        addresses: l.addresses.clone(),
        has_server: l.addresses.contains(&server),
    })
}

fn transfer(store: &PacketStore, segments: &[DataSegment], m: &Message) -> Transfer {
    let from = segments.partition_point(|s| s.packet < m.first_packet);
    let to = segments.partition_point(|s| s.packet <= m.last_packet);
    let mine = segments
        .get(from..to)
        .unwrap_or(&[])
        .iter()
        .filter(|s| s.dir == m.dir);
    let (mut segs, mut retrans) = (0u32, 0u32);
    for s in mine {
        segs += 1;
        retrans += u32::from(s.retransmission);
    }
    Transfer {
        span: span(store, m.first_packet, m.last_packet),
        bytes: m.end.saturating_sub(m.start),
        segments: segs,
        retransmissions: retrans,
    }
}

fn close(store: &PacketStore, conv: &Conversation, l: &life::Life) -> Close {
    let by = l.closed_first_by.map(|s| s.name());
    let (how, first, last) = match l.teardown {
        Teardown::FourWay {
            first_fin,
            second_fin,
            last_ack,
        } => ("four-way", first_fin, last_ack.unwrap_or(second_fin)),
        Teardown::ThreeWay {
            first_fin,
            second_fin,
            last_ack,
        } => ("three-way", first_fin, last_ack.unwrap_or(second_fin)),
        Teardown::Simultaneous {
            first_fin,
            second_fin,
        } => ("simultaneous", first_fin, second_fin),
        Teardown::HalfClose {
            first_fin,
            data_after,
            second_fin,
        } => ("half-close", first_fin, second_fin.unwrap_or(data_after)),
        Teardown::Reset { at, .. } => {
            // A FIN before the reset starts the teardown.
            let fin = conv
                .tcp
                .as_ref()
                .and_then(|t| t.dirs.iter().filter_map(|d| d.fin).min())
                .filter(|&f| f < at.packet);
            let first = fin.map_or(at, |packet| Step {
                packet,
                ts_ns: at.ts_ns,
            });
            ("reset", first, at)
        }
        Teardown::StillOpen { first_fin } => {
            let end = Step {
                packet: conv.last_packet,
                ts_ns: conv.last_ts,
            };
            ("never", first_fin.unwrap_or(end), end)
        }
    };
    Close {
        span: steps(store, first, last),
        by: if how == "never" { None } else { by },
        how,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_lose_port_and_case() {
        assert_eq!(host_name("WWW.Example.test:8080"), "www.example.test");
        assert_eq!(host_name("[2001:db8::1]:80"), "2001:db8::1");
        assert_eq!(host_name("example.test."), "example.test");
        assert_eq!(host_name("2001:db8::1"), "2001:db8::1");
    }
}
