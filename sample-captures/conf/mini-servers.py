#!/usr/bin/env python3
"""Tiny SMTP and FTP servers for record.sh (run inside the wl-server
namespace): just enough of RFC 5321 and RFC 959 for one scripted client
session each, so that the captures hold real exchanges from the Linux stack.

    mini-servers.py smtp ADDR PORT
    mini-servers.py ftp ADDR PORT FILE
"""
import socket
import sys


def lines(conn):
    buf = b""
    while True:
        data = conn.recv(4096)
        if not data:
            return
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            yield line.rstrip(b"\r")


def smtp(conn):
    conn.sendall(b"220 mail.wirelens.test ESMTP mini\r\n")
    it = lines(conn)
    for line in it:
        cmd = line[:4].upper()
        if cmd in (b"EHLO", b"HELO"):
            conn.sendall(b"250-mail.wirelens.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
        elif cmd == b"MAIL":
            conn.sendall(b"250 2.1.0 Ok\r\n")
        elif cmd == b"RCPT":
            conn.sendall(b"250 2.1.5 Ok\r\n")
        elif cmd == b"DATA":
            conn.sendall(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            for body in it:
                if body == b".":
                    break
            conn.sendall(b"250 2.0.0 Ok: queued as 4242\r\n")
        elif cmd == b"QUIT":
            conn.sendall(b"221 2.0.0 Bye\r\n")
            return
        else:
            conn.sendall(b"502 5.5.2 Error: command not recognized\r\n")


def ftp(conn, addr, path):
    conn.sendall(b"220 mini FTP ready\r\n")
    data_srv = None
    for line in lines(conn):
        cmd, _, arg = line.decode().partition(" ")
        cmd = cmd.upper()
        if cmd == "USER":
            conn.sendall(b"331 Please specify the password.\r\n")
        elif cmd == "PASS":
            conn.sendall(b"230 Login successful.\r\n")
        elif cmd == "TYPE":
            conn.sendall(b"200 Switching to Binary mode.\r\n")
        elif cmd == "PASV":
            data_srv = socket.socket()
            data_srv.bind((addr, 0))
            data_srv.listen(1)
            port = data_srv.getsockname()[1]
            h = addr.replace(".", ",")
            conn.sendall(f"227 Entering Passive Mode ({h},{port >> 8},{port & 255}).\r\n".encode())
        elif cmd == "RETR" and data_srv is not None:
            d, _ = data_srv.accept()
            conn.sendall(b"150 Opening BINARY mode data connection.\r\n")
            with open(path, "rb") as f:
                d.sendall(f.read())
            d.close()
            data_srv.close()
            data_srv = None
            conn.sendall(b"226 Transfer complete.\r\n")
        elif cmd == "QUIT":
            conn.sendall(b"221 Goodbye.\r\n")
            return
        else:
            conn.sendall(b"502 Command not implemented.\r\n")


def main():
    kind, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(4)
    while True:
        conn, _ = srv.accept()
        # record.sh's readiness probe connects and closes at once.
        try:
            with conn:
                if kind == "smtp":
                    smtp(conn)
                else:
                    ftp(conn, addr, sys.argv[4])
        except OSError:
            pass


if __name__ == "__main__":
    main()
