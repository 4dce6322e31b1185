#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Both ends of test-cgnat.sh's connections, each saying what it saw.

  cgnat-peer.py serve ADDR...        on each ADDR: UDP port 7000 answers a
                                     datagram, TCP port 7001 a connection,
                                     with "IP:PORT" of the peer it saw;
                                     TCP port 7002 completes handshakes and
                                     holds the connections, silent
                                     (prints "ready" to stderr when bound)
  cgnat-peer.py ask [-t] [-s SIZE] SRC PORT N DST:DPORT...
                                     from SRC:PORT, PORT+1, ... (N ports),
                                     one UDP datagram (of SIZE bytes with
                                     -s, which the host fragments past its
                                     MTU; TCP connection with -t) to each
                                     DST:DPORT; a line each:
                                     "PORT IP:PORT" the server saw, or
                                     "PORT icmp TYPE CODE" (an ICMP error
                                     came back), or "PORT none"
  cgnat-peer.py recv SRC PORT        the first datagram to SRC:PORT:
                                     "from IP:PORT" (its sender)
  cgnat-peer.py echo [-t] SRC PORT N on SRC:PORT, N datagrams (TCP
                                     connections with -t) each answered
                                     with "IP:PORT" of its sender; a line
                                     each: "from IP:PORT" (prints "ready"
                                     to stderr when bound)
  cgnat-peer.py talk SRC PORT DST DPORT N
                                     N datagrams from one socket, each
                                     awaiting its answer; a line each: the
                                     answer, or "none"
  cgnat-peer.py send SRC PORT DST DPORT
                                     one datagram from SRC:PORT
  cgnat-peer.py probe SRC PORT DST DPORT N SIZE
                                     N datagrams of SIZE bytes from SRC:PORT
                                     with DF set whatever the path MTU
                                     (IP_PMTUDISC_PROBE); a line each: the
                                     ICMP error that came back, "icmp TYPE
                                     CODE mtu MTU", or "none"

WAIT is the time limit of an answer: it ends only a dead test, as the
debug VM may take seconds to start the other side.
"""
import select
import socket
import struct
import sys

WAIT = 60
IP_RECVERR = 11
IP_MTU_DISCOVER = 10
IP_PMTUDISC_PROBE = 3


def peer_str(peer):
    return "%s:%d" % peer[:2]


def serve(addrs):
    socks = {}
    held = []
    for a in addrs:
        h = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        h.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        h.bind((a, 7002))
        h.listen(64)
        held.append(h)
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind((a, 7000))
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind((a, 7001))
        t.listen(64)
        socks[u] = "udp"
        socks[t] = "tcp"
    print("ready", file=sys.stderr, flush=True)
    while True:
        ready, _, _ = select.select(list(socks), [], [], 600)
        if not ready:
            return
        for s in ready:
            if socks[s] == "udp":
                _, peer = s.recvfrom(2048)
                s.sendto(peer_str(peer).encode(), peer)
            else:
                c, peer = s.accept()
                c.sendall(peer_str(peer).encode() + b"\n")
                c.close()


def icmp_error(s):
    """The ICMP error queued on s: "icmp TYPE CODE"."""
    _, anc, _, _ = s.recvmsg(512, 512, socket.MSG_ERRQUEUE)
    for level, typ, data in anc:
        if level == socket.IPPROTO_IP and typ == IP_RECVERR:
            _, origin, etype, code = struct.unpack_from("=IBBB", data)
            return "icmp %d %d" % (etype, code)
    return "error"


def ask_one(tcp, src, port, dst, dport, size=1):
    s = socket.socket(socket.AF_INET,
                      socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
    s.settimeout(WAIT)
    s.bind((src, port))
    try:
        s.connect((dst, dport))
        if not tcp:
            s.send(b"q" * size)
        return s.recv(2048).decode().strip()
    except socket.timeout:
        return "none"
    except OSError:
        return icmp_error(s)
    finally:
        s.close()


def ask(args):
    tcp = args[0] == "-t"
    if tcp:
        args = args[1:]
    size = 1
    if args[0] == "-s":
        size, args = int(args[1]), args[2:]
    src, first, n = args[0], int(args[1]), int(args[2])
    for port in range(first, first + n):
        for d in args[3:]:
            dst, dport = d.rsplit(":", 1)
            print(port, ask_one(tcp, src, port, dst, int(dport), size),
                  flush=True)


def recv(src, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, int(port)))
    s.settimeout(WAIT)
    print("ready", file=sys.stderr, flush=True)
    try:
        _, peer = s.recvfrom(2048)
        print("from", peer_str(peer), flush=True)
    except socket.timeout:
        print("none", flush=True)


def echo(args):
    tcp = args[0] == "-t"
    if tcp:
        args = args[1:]
    src, port, n = args[0], int(args[1]), int(args[2])
    s = socket.socket(socket.AF_INET,
                      socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, port))
    s.settimeout(WAIT)
    if tcp:
        s.listen(8)
    print("ready", file=sys.stderr, flush=True)
    try:
        for _ in range(n):
            if tcp:
                c, peer = s.accept()
                c.sendall(peer_str(peer).encode() + b"\n")
                c.close()
            else:
                _, peer = s.recvfrom(2048)
                s.sendto(peer_str(peer).encode(), peer)
            print("from", peer_str(peer), flush=True)
    except socket.timeout:
        print("none", flush=True)


def talk(src, port, dst, dport, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(WAIT)
    s.bind((src, int(port)))
    s.connect((dst, int(dport)))
    for _ in range(int(n)):
        s.send(b"q")
        try:
            print(s.recv(2048).decode().strip(), flush=True)
        except socket.timeout:
            print("none", flush=True)


def send(src, port, dst, dport):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, int(port)))
    s.sendto(b"hello", (dst, int(dport)))


def probe(src, port, dst, dport, n, size):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
    s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_PROBE)
    s.bind((src, int(port)))
    s.connect((dst, int(dport)))
    poll = select.poll()
    poll.register(s, select.POLLERR)
    for _ in range(int(n)):
        try:
            s.send(b"x" * int(size))
        except OSError:
            pass
        if not poll.poll(WAIT * 1000):
            print("none", flush=True)
            continue
        _, anc, _, _ = s.recvmsg(512, 512, socket.MSG_ERRQUEUE)
        for level, typ, data in anc:
            if level == socket.IPPROTO_IP and typ == IP_RECVERR:
                _, _, etype, code, _, info = struct.unpack_from("=IBBBBI",
                                                                data)
                print("icmp %d %d mtu %d" % (etype, code, info), flush=True)


if __name__ == "__main__":
    cmd, rest = sys.argv[1], sys.argv[2:]
    if cmd == "serve":
        serve(rest)
    elif cmd == "ask":
        ask(rest)
    elif cmd == "recv":
        recv(*rest)
    elif cmd == "echo":
        echo(rest)
    elif cmd == "talk":
        talk(*rest)
    elif cmd == "send":
        send(*rest)
    elif cmd == "probe":
        probe(*rest)
    else:
        sys.exit("usage: see the docstring")
