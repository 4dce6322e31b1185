#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""BIG TCP for the selftests, in the namespace it runs in.

  big-tcp.py set SIZE DEV...  sets the devices' GSO and GRO maximum sizes,
                              IPv6's and IPv4's, to SIZE over rtnetlink
                              (iproute2 6.1 has no IPv4 ones); prints the
                              families all the devices took them for
  big-tcp.py sniff DEV        counts the frames over 64 KiB on DEV until
                              SIGTERM, then prints two numbers: the IPv4
                              ones with tot_len 0, the IPv6 ones with
                              payload_len 0; "ready" on stderr once
                              listening
"""
import os
import signal
import socket
import struct
import sys

RTM_NEWLINK, RTM_GETLINK = 16, 18
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2
IFLA_GSO_MAX_SIZE, IFLA_GRO_MAX_SIZE = 41, 58
IFLA_GSO_IPV4_MAX_SIZE, IFLA_GRO_IPV4_MAX_SIZE = 63, 64
KNOBS = {"ipv6": (IFLA_GSO_MAX_SIZE, IFLA_GRO_MAX_SIZE),
         "ipv4": (IFLA_GSO_IPV4_MAX_SIZE, IFLA_GRO_IPV4_MAX_SIZE)}


def request(nl, kind, flags, dev, attrs=b""):
    ifi = struct.pack("BxHiII", socket.AF_UNSPEC, 0,
                      socket.if_nametoindex(dev), 0, 0)
    body = ifi + attrs
    nl.send(struct.pack("IHHII", 16 + len(body), kind,
                        NLM_F_REQUEST | flags, 1, 0) + body)
    return nl.recv(65536)


def link_attrs(reply):
    """The attributes of a RTM_NEWLINK reply, type -> bytes."""
    length, kind = struct.unpack("IH", reply[:6])
    if kind == NLMSG_ERROR:
        err, = struct.unpack("i", reply[16:20])
        sys.exit(f"big-tcp: RTM_GETLINK: {os.strerror(-err)}")
    attrs, off = {}, 32
    while off + 4 <= length:
        alen, atype = struct.unpack("HH", reply[off:off + 4])
        if alen < 4:
            break
        attrs[atype & 0x3fff] = reply[off + 4:off + alen]
        off += (alen + 3) & ~3
    return attrs


def set_sizes(size, *devs):
    size = int(size)
    nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    took = set(KNOBS)
    for dev in devs:
        attrs = b"".join(struct.pack("HHI", 8, t, size)
                         for pair in KNOBS.values() for t in pair)
        ack = request(nl, RTM_NEWLINK, NLM_F_ACK, dev, attrs)
        err, = struct.unpack("i", ack[16:20])
        if err:
            sys.exit(f"big-tcp: {dev}: {os.strerror(-err)}")
        # A kernel without a knob ignores its attribute: read them back.
        have = link_attrs(request(nl, RTM_GETLINK, 0, dev))
        for fam, pair in KNOBS.items():
            if any(have.get(t) != struct.pack("I", size) for t in pair):
                took.discard(fam)
    print(" ".join(sorted(took)))


class Stop(Exception):
    pass


def stop(*_):
    raise Stop


def sniff(dev):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((dev, 3))
    signal.signal(signal.SIGTERM, stop)
    print("ready", file=sys.stderr, flush=True)
    buf, v4, v6 = bytearray(64), 0, 0
    try:
        while True:
            n = s.recv_into(buf, 0, socket.MSG_TRUNC)
            if n <= 14 + 65535:
                continue
            if buf[12:14] == b"\x08\x00" and buf[16:18] == b"\0\0":
                v4 += 1
            elif buf[12:14] == b"\x86\xdd" and buf[18:20] == b"\0\0":
                v6 += 1
    except Stop:
        pass
    print(v4, v6, flush=True)


if __name__ == "__main__":
    {"set": set_sizes, "sniff": sniff}[sys.argv[1]](*sys.argv[2:])
