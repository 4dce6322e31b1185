#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Packet fuzz: seeded malformed frames into a datapath port.

Sends frames with AF_PACKET out of DEV (whose peer is a datapath port with
MAC DST_MAC), in classes whose fate is known: each 'malformed' frame must
be dropped with the malformed counter, and nothing else may move it. The
caller checks that good traffic kept flowing meanwhile.

Usage: pktfuzz.py DEV DST_MAC --count N [--seed N]
Prints 'malformed-sent N' for the caller to compare with the counter.
"""
import argparse
import random
import socket
import struct
import sys

ETH_P_IP, ETH_P_IPV6, ETH_P_8021Q, ETH_P_8021AD = 0x0800, 0x86dd, 0x8100, 0x88a8
SRC4, DST4 = bytes([10, 0, 1, 2]), bytes([10, 0, 2, 2])
SRC6 = bytes.fromhex('fd000001000000000000000000000002')
DST6 = bytes.fromhex('fd000002000000000000000000000002')


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack(f'!{len(data) // 2}H', data))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def ip4(payload, proto=17, ihl=5, tot=None, frag=0x4000, ttl=64,
        options=b'', good_csum=True, src=SRC4, dst=DST4):
    hdr_len = 20 + len(options)
    tot = hdr_len + len(payload) if tot is None else tot
    h = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, 0, tot, 0x1234, frag, ttl,
                    proto, 0, src, dst) + options
    c = csum(h[:ihl * 4] if ihl * 4 <= len(h) else h)
    if not good_csum:
        c ^= 0x5a5a
    return h[:10] + struct.pack('!H', c) + h[12:] + payload


def ip6(payload, nh=17, plen=None, hlim=64):
    plen = len(payload) if plen is None else plen
    return struct.pack('!IHBB16s16s', 0x60000000, plen, nh, hlim,
                       SRC6, DST6) + payload


def udp(sport=4000, dport=9, data=b'fuzz', ulen=None):
    ulen = 8 + len(data) if ulen is None else ulen
    return struct.pack('!HHHH', sport, dport, ulen, 0) + data


def tcp(doff=5, flags=0x10):
    return struct.pack('!HHIIBBHHH', 4000, 80, 1, 0, doff << 4, flags,
                       1024, 0, 0) + b'\0' * max(0, doff * 4 - 20)


def icmp_err(inner, t=3, code=1):
    return struct.pack('!BBHI', t, code, 0, 0) + inner


def vlan(vid, proto):
    return struct.pack('!HH', vid, proto)


class Gen:
    """Each class: (name, fate, builder); fate is 'malformed', 'ok',
    'vlan' (tagged for a VLAN: passed to the stack) or 'stack' (never
    reaches the datapath)."""

    def __init__(self, rng):
        self.r = rng

    def classes(self):
        r = self.r
        return [
            ('ipv4 truncated header', 'malformed',
             lambda: (ETH_P_IP, ip4(udp())[:r.randint(1, 19)])),
            ('ipv4 ihl < 5', 'malformed',
             lambda: (ETH_P_IP, ip4(udp(), ihl=r.randint(0, 4)))),
            ('ipv4 ihl past the packet', 'malformed',
             lambda: (ETH_P_IP, ip4(b'', proto=250, ihl=15,
                                    tot=20)[:r.randint(20, 40)])),
            ('ipv4 total length past the packet', 'malformed',
             lambda: (ETH_P_IP, ip4(udp(), tot=r.randint(40, 1500)))),
            ('ipv4 total length under the header', 'malformed',
             lambda: (ETH_P_IP, ip4(udp(), tot=r.randint(0, 19)))),
            ('ipv4 bad header checksum', 'malformed',
             lambda: (ETH_P_IP, ip4(udp(), good_csum=False))),
            ('udp length past the datagram', 'malformed',
             lambda: (ETH_P_IP, ip4(udp(ulen=r.randint(13, 2000))))),
            ('udp length under 8', 'malformed',
             lambda: (ETH_P_IP, ip4(udp(ulen=r.randint(0, 7))))),
            ('tcp truncated', 'malformed',
             lambda: (ETH_P_IP, ip4(tcp()[:r.randint(0, 19)], proto=6))),
            ('tcp data offset < 5', 'malformed',
             lambda: (ETH_P_IP, ip4(tcp(doff=r.randint(0, 4)), proto=6))),
            ('tcp data offset past the segment', 'malformed',
             lambda: (ETH_P_IP, ip4(tcp(doff=15)[:r.randint(20, 59)],
                                    proto=6))),
            ('icmp error, inner header truncated', 'malformed',
             lambda: (ETH_P_IP, ip4(icmp_err(ip4(udp())[:r.randint(0, 27)]),
                                    proto=1))),
            ('icmp error, inner not ipv4', 'malformed',
             lambda: (ETH_P_IP, ip4(icmp_err(b'\x60' + bytes(40)), proto=1))),
            ('icmp truncated', 'malformed',
             lambda: (ETH_P_IP, ip4(b'\x08\x00\x00', proto=1))),
            ('three priority tags', 'malformed',
             lambda: (ETH_P_8021AD, vlan(0, ETH_P_8021Q) + vlan(0, ETH_P_8021Q)
                      + vlan(0, ETH_P_IP) + ip4(udp()))),
            # No port terminates a VLAN: to the stack, never forwarded.
            ('vlan tag', 'vlan',
             lambda: (ETH_P_8021Q, vlan(r.randint(1, 4094), ETH_P_IP) +
                      ip4(udp()))),
            ('qinq tags', 'vlan',
             lambda: (ETH_P_8021AD, vlan(10, ETH_P_8021Q) + vlan(20, ETH_P_IP) +
                      ip4(udp()))),
            ('inner vlan behind a priority tag', 'vlan',
             lambda: (ETH_P_8021AD, vlan(0, ETH_P_8021Q) + vlan(20, ETH_P_IP) +
                      ip4(udp()))),
            # The stack drops it before the RX handler runs.
            ('vlan tag truncated', 'stack',
             lambda: (ETH_P_8021Q, b'\x00')),
            ('ipv6 truncated header', 'malformed',
             lambda: (ETH_P_IPV6, ip6(udp())[:r.randint(1, 39)])),
            ('ipv6 payload length past the packet', 'malformed',
             lambda: (ETH_P_IPV6, ip6(udp(), plen=r.randint(13, 1400)))),
            ('ipv6 bad version', 'malformed',
             lambda: (ETH_P_IPV6, b'\x40' + ip6(udp())[1:])),
            ('ipv6 extension header past the packet', 'malformed',
             lambda: (ETH_P_IPV6, ip6(bytes([17, 10]) + bytes(6), nh=0))),
            ('ipv6 nine extension headers', 'malformed',
             lambda: (ETH_P_IPV6, ip6(b''.join(bytes([60, 0]) + bytes(6)
                                               for _ in range(8)) +
                                      bytes([17, 0]) + bytes(6) + udp(),
                                      nh=60))),
            ('icmpv6 error, inner truncated', 'malformed',
             lambda: (ETH_P_IPV6, ip6(struct.pack('!BBHI', 1, 0, 0, 0) +
                                      ip6(udp())[:r.randint(0, 47)], nh=58))),
            # Valid but unusual: forwarded or handled, never 'malformed'.
            ('ipv4 with options', 'ok',
             lambda: (ETH_P_IP, ip4(udp(), ihl=6, options=b'\x01\x01\x01\x00'))),
            ('ipv4 tiny first fragment', 'ok',
             lambda: (ETH_P_IP, ip4(udp()[:8], frag=0x2000))),
            ('ipv4 overlapping fragment', 'ok',
             lambda: (ETH_P_IP, ip4(bytes(16), frag=r.randint(1, 2)))),
            ('ipv4 padded frame', 'ok',
             lambda: (ETH_P_IP, ip4(udp()) + bytes(r.randint(1, 30)))),
            ('ipv4 ttl 1', 'ok',
             lambda: (ETH_P_IP, ip4(udp(), ttl=1))),
            ('two priority tags', 'ok',
             lambda: (ETH_P_8021AD, vlan(0xe000, ETH_P_8021Q) +
                      vlan(0, ETH_P_IP) + ip4(udp()))),
            ('ipv6 fragment', 'ok',
             lambda: (ETH_P_IPV6, ip6(bytes([17, 0, 0, 8, 0, 0, 0, 1]) +
                                      bytes(16), nh=44))),
            ('ipv6 hop-by-hop + udp', 'ok',
             lambda: (ETH_P_IPV6, ip6(bytes([17, 0, 1, 4]) + bytes(4) + udp(),
                                      nh=0))),
        ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('dev')
    ap.add_argument('dst_mac')
    ap.add_argument('--count', type=int, default=3000)
    ap.add_argument('--seed', type=int, default=1)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    classes = Gen(rng).classes()
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((args.dev, 0))
    dst = bytes.fromhex(args.dst_mac.replace(':', ''))
    src = bytes.fromhex(open(f'/sys/class/net/{args.dev}/address').read()
                        .strip().replace(':', ''))
    sent = {}
    for _ in range(args.count):
        name, fate, build = rng.choice(classes)
        ethertype, payload = build()
        s.send(dst + src + struct.pack('!H', ethertype) + payload)
        sent[(name, fate)] = sent.get((name, fate), 0) + 1
    for (name, fate), n in sorted(sent.items()):
        print(f'  {n:5d} {fate:9s} {name}')
    for fate in ('malformed', 'vlan'):
        print(f'{fate}-sent', sum(n for (_, f), n in sent.items()
                                  if f == fate))
    return 0


if __name__ == '__main__':
    sys.exit(main())
