#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""One UDP datagram each way, of a chosen size, for the fragment tests.

  udp-peer.py serve ADDR PORT REPLY_LEN [WAIT]
                                          prints the size of the datagram
                                          received and answers REPLY_LEN
                                          bytes; "none" after WAIT seconds
  udp-peer.py ask ADDR PORT LEN [WAIT]    sends LEN bytes, prints the size
                                          of the answer; "none" after WAIT
                                          seconds

  udp-peer.py talk ADDR PORT PEER PEER_PORT MS STOP
                                          sends a datagram to PEER every
                                          MS milliseconds (once if MS is
                                          0) and counts those that come
                                          back, until the file STOP exists;
                                          then waits a second for the last
                                          and prints "sent received"
  udp-peer.py talk-back ADDR PORT - - MS STOP
                                          the same, to whoever sent the
                                          first datagram, once it came

WAIT is 120 by default: a time limit that only ends a dead test, since a
loaded debug VM takes seconds to start the other side. A test that expects
nothing waits for the datapath's counters instead, then stops the server.
  udp-peer.py tail DEV MAC SRC DST PORT   sends a lone non-first IPv4
                                          fragment of a UDP datagram
  udp-peer.py ask-dstopts DEV MAC SRC DST PORT LEN
                                          as ask, to an IPv6 address, the
                                          datagram sent as frames on DEV in
                                          fragments whose Fragment header
                                          a Destination Options one follows
"""
import os
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "fuzz"))
from pktfuzz import csum  # noqa: E402  (the Internet checksum)


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


WAIT = 120


def serve(addr, port, reply_len, wait=WAIT):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    print("ready", file=sys.stderr, flush=True)
    s.settimeout(float(wait))
    try:
        data, peer = s.recvfrom(65535)
    except socket.timeout:
        print("none")
        return
    print(len(data), flush=True)
    s.sendto(b"r" * int(reply_len), peer)


def ask(addr, port, length, wait=WAIT):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.settimeout(float(wait))
    s.sendto(b"q" * int(length), (addr, int(port)))
    try:
        print(len(s.recv(65535)))
    except socket.timeout:
        print("none")


def talk(addr, port, peer, peer_port, ms, stop, back=False):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    # Room for seconds of datagrams: a loaded VM may not run this for as
    # long, and what the socket dropped would look lost on the way.
    s.setsockopt(socket.SOL_SOCKET, 33, 1 << 24)  # SO_RCVBUFFORCE
    s.bind((addr, int(port)))
    print("ready", file=sys.stderr, flush=True)
    dest = None if back else (peer, int(peer_port))
    period, sent, got, end = int(ms) / 1000, 0, 0, None
    due = time.monotonic()
    while True:
        now = time.monotonic()
        if end is None and os.path.exists(stop):
            end = now + 1
        if end is not None and now >= end:
            break
        if dest and end is None and now >= due and (period or not sent):
            s.sendto(struct.pack("!I", sent), dest)
            sent += 1
            due += period
        wait = min(due - now if dest and period else 0.1, 0.1)
        if select.select([s], [], [], max(wait, 0))[0]:
            peer_addr = s.recvfrom(65535)[1]
            got += 1
            if dest is None:
                dest, due = peer_addr, time.monotonic()
    print(sent, got, flush=True)


def tail(dev, dst_mac, src, dst, port):
    """Bytes 1480-1487 of a datagram whose first fragment never came, as
    a frame on DEV: the sender's IP stack (its netfilter defrag, if some
    earlier test enabled it) has no say."""
    payload = struct.pack("!HHHH", 40000, int(port), 16, 0)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0x5151,
                      1480 // 8, 64, socket.IPPROTO_UDP, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((dev, 0))
    src_mac = s.getsockname()[4]
    s.send(bytes.fromhex(dst_mac.replace(":", "")) + src_mac +
           struct.pack("!H", 0x0800) + hdr + payload)


def frames6(dev, dst_mac, frags):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((dev, 0))
    eth = bytes.fromhex(dst_mac.replace(":", "")) + s.getsockname()[4] + \
        struct.pack("!H", 0x86dd)
    for f in frags:
        s.send(eth + f)


def ask_dstopts(dev, dst_mac, src, dst, port, length):
    """IPv6 | Fragment | Destination Options | UDP: RFC 8200 lets the
    sender put the options in the fragmentable part, so a later fragment's
    Fragment header names them, not UDP. Linux puts its own before the
    Fragment header: hence frames, from a socket bound for the answer."""
    sk = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sk.bind((src, 0))
    sk.settimeout(WAIT)
    s, d = socket.inet_pton(socket.AF_INET6, src), \
        socket.inet_pton(socket.AF_INET6, dst)
    data = b"q" * int(length)
    ulen = 8 + len(data)
    udp = struct.pack("!HHHH", sk.getsockname()[1], int(port), ulen, 0)
    pseudo = struct.pack("!16s16sIxxxB", s, d, ulen, socket.IPPROTO_UDP)
    ck = csum(pseudo + udp + data) or 0xffff
    udp = udp[:6] + struct.pack("!H", ck)
    dstopts = bytes([socket.IPPROTO_UDP, 0, 1, 4, 0, 0, 0, 0])  # PadN
    body = dstopts + udp + data
    chunk, frags, ident = 1448, [], 0x6a5e
    for off in range(0, len(body), chunk):
        part = body[off:off + chunk]
        more = off + chunk < len(body)
        fh = struct.pack("!BBHI", 60, 0, off | more, ident)
        frags.append(struct.pack("!IHBB16s16s", 6 << 28, len(fh + part),
                                 44, 64, s, d) + fh + part)
    frames6(dev, dst_mac, frags)
    try:
        print(len(sk.recv(65535)))
    except socket.timeout:
        print("none")


if __name__ == "__main__":
    {"serve": serve, "ask": ask, "tail": tail, "talk": talk,
     "talk-back": lambda *a: talk(*a, back=True),
     "ask-dstopts": ask_dstopts}[sys.argv[1]](*sys.argv[2:])
