#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""One UDP datagram each way, of a chosen size, for the fragment tests.

  udp-peer.py serve ADDR PORT REPLY_LEN   prints the size of the datagram
                                          received and answers REPLY_LEN
                                          bytes; "none" after 10 s
  udp-peer.py ask ADDR PORT LEN           sends LEN bytes, prints the size
                                          of the answer; "none" after 10 s
  udp-peer.py tail DEV MAC SRC DST PORT   sends a lone non-first IPv4
                                          fragment of a UDP datagram
"""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "fuzz"))
from pktfuzz import csum  # noqa: E402  (the Internet checksum)


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def serve(addr, port, reply_len):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    print("ready", file=sys.stderr, flush=True)
    s.settimeout(10)
    try:
        data, peer = s.recvfrom(65535)
    except socket.timeout:
        print("none")
        return
    print(len(data), flush=True)
    s.sendto(b"r" * int(reply_len), peer)


def ask(addr, port, length):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.settimeout(10)
    s.sendto(b"q" * int(length), (addr, int(port)))
    try:
        print(len(s.recv(65535)))
    except socket.timeout:
        print("none")


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


if __name__ == "__main__":
    {"serve": serve, "ask": ask, "tail": tail}[sys.argv[1]](*sys.argv[2:])
