#!/usr/bin/env python3
"""Clients for record.sh's protocol scenarios (run inside wl-client).

    clients.py dns-tcp SERVER NAME...   two or more queries in one segment
    clients.py dns-big SERVER NAME      EDNS0 TXT query whose answer is
                                        larger than the MTU (IP fragments)
    clients.py smtp SERVER              one message through smtplib
    clients.py ftp SERVER FILE          anonymous login, PASV, RETR
"""
import ftplib
import smtplib
import socket
import struct
import sys


def query(qid, name, qtype, edns=0):
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 1 if edns else 0)
    q += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    q += struct.pack("!HH", qtype, 1)
    if edns:
        q += b"\0" + struct.pack("!HHIH", 41, edns, 0, 0)
    return q


def recv_exact(s, n):
    out = b""
    while len(out) < n:
        d = s.recv(n - len(out))
        if not d:
            raise SystemExit("connection closed early")
        out += d
    return out


def main():
    kind, server = sys.argv[1], sys.argv[2]
    if kind == "dns-tcp":
        names = sys.argv[3:]
        s = socket.create_connection((server, 53))
        msgs = [query(0x1000 + i, n, 1 if i % 2 == 0 else 16) for i, n in enumerate(names)]
        s.sendall(b"".join(struct.pack("!H", len(m)) + m for m in msgs))
        for _ in msgs:
            (n,) = struct.unpack("!H", recv_exact(s, 2))
            recv_exact(s, n)
        s.close()
    elif kind == "dns-big":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(3)
        s.sendto(query(0x2000, sys.argv[3], 16, edns=4096), (server, 53))
        answer, _ = s.recvfrom(65535)
        if len(answer) <= 1500:
            raise SystemExit(f"answer of {len(answer)} bytes is not fragmented")
    elif kind == "smtp":
        with smtplib.SMTP(server, 25, local_hostname="client.wirelens.test") as c:
            c.sendmail("alice@wirelens.test", ["bob@wirelens.test"],
                       "Subject: hello\r\nFrom: alice@wirelens.test\r\n\r\nHello Bob.\r\n")
    elif kind == "ftp":
        with ftplib.FTP(server) as f:
            f.login()
            chunks = []
            f.retrbinary("RETR " + sys.argv[3], chunks.append)
    else:
        raise SystemExit("unknown client " + kind)


if __name__ == "__main__":
    main()
