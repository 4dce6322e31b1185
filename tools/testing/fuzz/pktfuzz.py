#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Packet fuzz: seeded malformed frames into a datapath port.

Sends frames with AF_PACKET out of DEV (whose peer is a datapath port with
MAC DST_MAC), in classes whose fate is known: each 'malformed' frame must
be dropped with the malformed counter, and nothing else may move it. The
caller checks that good traffic kept flowing meanwhile.

Usage: pktfuzz.py DEV DST_MAC --count N [--seed N]
Prints 'malformed-sent N' for the caller to compare with the counter.

Through a NAT (a cgnat instance in the port's chain): --src and --dst set
the IPv4 addresses (an inside subscriber to a server, or a server to a
pool address), and --nat adds the classes a NAT must survive: ICMP
errors quoting truncated or bogus inner headers, fragments out of order,
a first fragment too short for the ports. UDP datagrams then carry real
checksums, so a translated one can be checked on the far side:

    pktfuzz.py --verify DEV     until SIGTERM, every IPv4 packet DEV
                                receives: IP, UDP, TCP and ICMP checksums
                                (but a CHECKSUM_PARTIAL one's L4, not yet
                                filled in); prints 'checked N bad M'
"""
import argparse
import random
import signal
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
        options=b'', good_csum=True, src=None, dst=None):
    src, dst = src or SRC4, dst or DST4
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


# Real UDP checksums (--nat), so that a translated datagram's can be
# checked; 0 (none) otherwise.
UDP_CSUM = False


def udp(sport=4000, dport=9, data=b'fuzz', ulen=None, src=None, dst=None):
    ulen = 8 + len(data) if ulen is None else ulen
    h = struct.pack('!HHHH', sport, dport, ulen, 0) + data
    if UDP_CSUM:
        pseudo = (src or SRC4) + (dst or DST4) + struct.pack('!BBH', 0, 17,
                                                              len(h))
        c = csum(pseudo + h) or 0xffff
        h = h[:6] + struct.pack('!H', c) + h[8:]
    return h


def tcp(doff=5, flags=0x10):
    return struct.pack('!HHIIBBHHH', 4000, 80, 1, 0, doff << 4, flags,
                       1024, 0, 0) + b'\0' * max(0, doff * 4 - 20)


def icmp_err(inner, t=3, code=1):
    m = struct.pack('!BBHI', t, code, 0, 0) + inner
    return m[:2] + struct.pack('!H', csum(m)) + m[4:]


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

    def nat_classes(self):
        """Through a NAT, from --src to --dst; fate 'nat': its fate is
        the NAT's (translated, or dropped by the NF, counted there), never
        'malformed'."""
        r = self.r

        def frag_id():
            return r.randrange(1, 0x10000)

        def out_of_order():
            i, d = frag_id(), udp(data=bytes(r.randint(8, 64)))
            first = ip4(d[:8], frag=0x2000)
            tail = ip4(d[8:], frag=1)
            first, tail = (h[:4] + struct.pack('!H', i) + h[6:]
                           for h in (first, tail))
            return [(ETH_P_IP, fix(tail)), (ETH_P_IP, fix(first))]

        def fix(h):
            """The header checksum again, after the id changed."""
            h = h[:10] + b'\0\0' + h[12:]
            return h[:10] + struct.pack('!H', csum(h[:20])) + h[12:]

        quoted = ip4(udp(4000, 9, src=DST4, dst=SRC4), src=DST4, dst=SRC4)
        return [
            ('first fragment too short for the ports', 'malformed',
             lambda: (ETH_P_IP, ip4(udp()[:r.randint(0, 7)], frag=0x2000))),
            ('icmp error, inner ihl past the quote', 'malformed',
             lambda: (ETH_P_IP, ip4(icmp_err(ip4(udp(), ihl=15)[:28]),
                                    proto=1))),
            ('icmp error quoting a flow nobody has', 'nat',
             lambda: (ETH_P_IP, ip4(icmp_err(quoted), proto=1))),
            ('icmp error quoting an icmp error', 'nat',
             lambda: (ETH_P_IP, ip4(icmp_err(ip4(icmp_err(quoted[:28]),
                                                 proto=1, src=DST4,
                                                 dst=SRC4)), proto=1))),
            ('fragments out of order', 'nat', out_of_order),
            ('udp, a new flow', 'nat',
             lambda: (ETH_P_IP, ip4(udp(r.randrange(1024, 65536),
                                        r.choice((9, 7000)))))),
        ]


def verify(dev):
    """Checks the checksums of what DEV receives until SIGTERM."""
    ETH_P_ALL, SOL_PACKET, PACKET_AUXDATA, CSUMNOTREADY = 3, 263, 8, 8
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.bind((dev, 0))
    n = bad = 0
    done = []
    signal.signal(signal.SIGTERM, lambda *_: done.append(1))
    s.settimeout(0.2)
    print('ready', file=sys.stderr, flush=True)
    while not done:
        try:
            data, anc, _, addr = s.recvmsg(65536, 256)
        except (socket.timeout, InterruptedError):
            continue
        if addr[1] != ETH_P_IP or addr[2] == socket.PACKET_OUTGOING:
            continue
        status = struct.unpack_from('I', anc[0][2])[0] if anc else 0
        why = check_ip4(data, status & CSUMNOTREADY)
        n += 1
        if why:
            bad += 1
            print(f'bad: {why}: {data[:64].hex()}')
    print(f'checked {n} bad {bad}')
    return 1 if bad else 0


def check_ip4(p, partial):
    """What is wrong with an IPv4 packet's checksums, or None."""
    if len(p) < 20 or p[0] >> 4 != 4:
        return None
    hl, tot = (p[0] & 15) * 4, struct.unpack_from('!H', p, 2)[0]
    if hl < 20 or tot > len(p) or csum(p[:hl]):
        return 'ip header checksum' if hl >= 20 and tot <= len(p) else None
    proto, l4 = p[9], p[hl:tot]
    if partial or struct.unpack_from('!H', p, 6)[0] & 0x3fff:
        return None		# not filled in yet, or a fragment
    pseudo = p[12:20] + struct.pack('!BBH', 0, proto, len(l4))
    if proto == 17 and len(l4) >= 8 and l4[6:8] != b'\0\0' and \
            csum(pseudo + l4):
        return 'udp checksum'
    if proto == 6 and len(l4) >= 20 and csum(pseudo + l4):
        return 'tcp checksum'
    if proto == 1 and csum(l4):
        return 'icmp checksum'
    return None


def main():
    global SRC4, DST4, UDP_CSUM
    if sys.argv[1:2] == ['--verify']:
        return verify(sys.argv[2])
    ap = argparse.ArgumentParser()
    ap.add_argument('dev')
    ap.add_argument('dst_mac')
    ap.add_argument('--count', type=int, default=3000)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--src', type=socket.inet_aton)
    ap.add_argument('--dst', type=socket.inet_aton)
    ap.add_argument('--nat', action='store_true')
    ap.add_argument('--only', help='the classes whose name has this')
    args = ap.parse_args()
    SRC4, DST4 = args.src or SRC4, args.dst or DST4
    UDP_CSUM = args.nat

    rng = random.Random(args.seed)
    gen = Gen(rng)
    classes = gen.classes() + (gen.nat_classes() if args.nat else [])
    classes = [c for c in classes if (args.only or '') in c[0]]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((args.dev, 0))
    dst = bytes.fromhex(args.dst_mac.replace(':', ''))
    src = bytes.fromhex(open(f'/sys/class/net/{args.dev}/address').read()
                        .strip().replace(':', ''))
    sent = {}
    for _ in range(args.count):
        name, fate, build = rng.choice(classes)
        frames = build()
        for ethertype, payload in frames if isinstance(frames, list) \
                else [frames]:
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
