#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from the
project's own sample captures (sample-captures/*.pcap) and filter fixtures.
Run from the repository root: python3 fuzz/seeds.py. Deterministic; the seeds
are committed, so CI does not run this."""
import gzip, hashlib, os, struct, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(ROOT, "sample-captures")
CORPUS = os.path.join(ROOT, "fuzz", "corpus")

def put(target, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def records(path):
    b = open(path, "rb").read()
    assert b[:4] == b"\xd4\xc3\xb2\xa1", path
    at = 24
    while at + 16 <= len(b):
        _, _, cap, _ = struct.unpack_from("<IIII", b, at)
        yield b[at + 16 : at + 16 + cap]
        at += 16 + cap

def tcp_segments(frame):
    """(src port, dst port, flags, payload) of an Ethernet/IPv4/TCP frame."""
    if len(frame) < 54 or frame[12:14] != b"\x08\x00" or frame[23] != 6:
        return None
    ihl = (frame[14] & 0x0F) * 4
    total = struct.unpack_from(">H", frame, 16)[0]
    t = 14 + ihl
    sport, dport = struct.unpack_from(">HH", frame, t)
    off = (frame[t + 12] >> 4) * 4
    return sport, dport, frame[t + 13], frame[t + off : 14 + total]

def udp_payload(frame):
    if len(frame) < 42 or frame[12:14] != b"\x08\x00" or frame[23] != 17:
        return None
    ihl = (frame[14] & 0x0F) * 4
    return frame[14 + ihl + 8 :]

captures = sorted(p for p in os.listdir(SAMPLES) if p.endswith(".pcap"))
small = ["refused-rst.pcap", "post-form.pcap", "chunked-gzip.pcap"]
for name in small:
    raw = open(os.path.join(SAMPLES, name), "rb").read()
    for target in ("capture_read", "load_capture"):
        put(target, raw)
put("capture_read", gzip.compress(open(os.path.join(SAMPLES, "post-form.pcap"), "rb").read(), mtime=0))

frames = [f for name in captures for f in records(os.path.join(SAMPLES, name))]
# decode_packet: the first byte picks the link type (1 = Ethernet, 4 = raw IP).
seen = set()
for f in frames:
    key = (f[12:14], f[23:24], len(f) > 200)
    if key in seen:
        continue
    seen.add(key)
    put("decode_packet", b"\x01" + f[:300])
    put("decode_packet", b"\x04" + f[14:300])

# http_message / http_connection / dns from the samples' payloads.
for name in captures:
    conn = b""
    for f in records(os.path.join(SAMPLES, name)):
        seg = tcp_segments(f)
        if seg and seg[3]:
            sport, dport, flags, payload = seg
            from_server = sport in (80, 8080)
            if payload.startswith((b"GET ", b"POST ", b"HTTP/1.")):
                mode = 0x01 if from_server else 0x00
                put("http_message", bytes([mode | 0x02]) + payload[:4000])
            for i in range(0, len(payload), 255):
                part = payload[i : i + 255]
                conn += bytes([0x01 if from_server else 0x00, len(part)]) + part
        u = udp_payload(f)
        if u is not None:
            put("dns", u)
    if conn:
        put("http_connection", conn[:16000])

# smtp_tree: the SMTP connections of the samples and of the crafted fixture
# (the message shapes of smtp-imf-mime.pcap), in http_connection's format.
for path in [os.path.join(SAMPLES, "smtp-one-message.pcap"),
             os.path.join(ROOT, "tests", "fixtures", "protocols", "smtp-imf-mime.pcap")]:
    conns = {}
    for f in records(path):
        seg = tcp_segments(f)
        if seg and seg[3]:
            sport, dport, flags, payload = seg
            key = dport if sport == 25 else sport
            conns.setdefault(key, b"")
            for i in range(0, len(payload), 255):
                part = payload[i : i + 255]
                conns[key] += bytes([0x01 if sport == 25 else 0x00, len(part)]) + part
    for key in sorted(conns):
        put("smtp_tree", conns[key][:16000])

# app_tree: the SSH, DNS-over-TCP, POP and IMAP connections of the samples
# and fixtures (the first byte picks the port), and a crafted FTP session
# whose PASV reply announces the target's data connection (bit 7).
PORTS = {21: 0, 22: 1, 53: 2, 110: 3, 143: 4}
for path in [os.path.join(SAMPLES, "ssh-banner-kex.pcap"),
             os.path.join(SAMPLES, "dns-over-tcp.pcap"),
             os.path.join(ROOT, "tests", "fixtures", "protocols", "dns-over-tcp-split.pcap"),
             os.path.join(ROOT, "tests", "fixtures", "protocols", "pop-session.pcap"),
             os.path.join(ROOT, "tests", "fixtures", "protocols", "imap-session.pcap")]:
    seed = b""
    port = None
    for f in records(path):
        seg = tcp_segments(f)
        if seg and seg[3]:
            sport, dport, flags, payload = seg
            server = sport if sport in PORTS else dport
            port = port or server
            for i in range(0, len(payload), 255):
                part = payload[i : i + 255]
                seed += bytes([0x01 if sport == server else 0x00, len(part)]) + part
    if port:
        put("app_tree", bytes([PORTS[port]]) + seed[:16000])
ftp = [(1, b"220 ready\r\n"), (0, b"USER a\r\n"), (1, b"230 ok\r\n"), (0, b"PWD\r\n"),
       (1, b'257 "/pub" is cwd\r\n'), (0, b"CWD sub/../x\r\n"), (1, b"250 ok\r\n"),
       (0, b"PASV\r\n"), (1, b"227 Entering Passive Mode (10,0,0,2,8,0).\r\n"),
       (0, b"RETR f.txt\r\n"), (0x81, b"hello\r\nworld\r\n"), (0x81, b"\x00\x01bin"),
       (0, b"EPRT |1|10.0.0.1|40002|\r\n"), (0, b"PORT 10,0,0,1,156,65\r\n"),
       (1, b"229 Entering Extended Passive Mode (|||2048|)\r\n"), (0, b"QUIT\r\n")]
put("app_tree", bytes([0]) + b"".join(bytes([c, len(p)]) + p for c, p in ftp))

# display_filter: the filters of the conformance fixture.
for line in open(os.path.join(ROOT, "tests", "fixtures", "filters.in")):
    if "\t" in line and not line.startswith("#"):
        put("display_filter", line.split("\t", 1)[1].rstrip("\n").encode())
# Fields that exist only as HTTP reassembly decides (a CI fuzz run found
# `data.len` selecting differently with and without the HTTP index).
for f in ["data.len", "data", "tcp.segment_data", "tcp.segments", "json.key", "media.type", "_ws.expert"]:
    put("display_filter", f.encode())

for s in ["plain text", "a\x1b]0;title\x07b\x1b[2Jc", "\u202egnp.exe", "tab\tnew\nline\r\x7f\x9b", "caf\u00e9 \u2028"]:
    put("sanitize", s.encode())
put("sanitize", b"\xff\xfe\x1b[31mred\xc2\x9b")

# ip_fragments: a DNS response's UDP datagram in two fragments (16 bytes,
# then the rest at offset 16), over IPv6 (first byte even) and IPv4 (odd).
dns = bytes([0x66, 0x66, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]) + b"\x01a\x07example\x00\x00\x10\x00\x01" \
    + b"\xc0\x0c\x00\x10\x00\x01\x00\x00\x00\x3c\x00\x06\x05hello"
udp = struct.pack(">HHHH", 53, 40000, 8 + len(dns), 0) + dns
frags = bytes([1, 0, 16]) + udp[:16] + bytes([0, 2, len(udp) - 16]) + udp[16:]
put("ip_fragments", b"\x00" + frags)
put("ip_fragments", b"\x01" + frags)
# dns_rdata: the first byte picks the type (an index of the target's TYPES).
TYPES = [1, 2, 5, 6, 12, 13, 15, 16, 28, 29, 33, 35, 39, 41, 43, 46, 47, 48, 50, 64, 65, 99, 257, 10]
for t, rdata in [
    (48, bytes([1, 1, 3, 8]) + b"\xbb" * 16),
    (46, bytes([0, 1, 8, 2, 0, 0, 0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34]) + b"\x07example\x00" + b"\xcc" * 16),
    (35, bytes([0, 1, 0, 2, 1]) + b"S\x03SIP\x00\x03rep\xc0\x0e"),
    (65, b"\x00\x01\x00" + b"\x00\x01\x00\x06\x02h2\x02h3" + b"\x00\x04\x00\x08" + bytes([192, 0, 2, 1] * 2)),
    (257, b"\x00\x05issueca.example"),
    (29, bytes(16)),
    (50, bytes([1, 0, 0, 10, 0, 0])),
]:
    put("dns_rdata", bytes([TYPES.index(t)]) + rdata)
