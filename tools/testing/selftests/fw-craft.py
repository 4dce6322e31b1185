#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Crafted packets for the firewall selftests: forged ICMP errors and TCP
resets, and a sniffer that counts the ones that arrive.

  fw-craft.py icmp-err SRC DST QSRC QDST QSPORT QDPORT   UDP port unreachable
  fw-craft.py rst SRC DST SPORT DPORT SEQ                TCP RST
  fw-craft.py sniff DEV SECONDS KIND PORT                count arrivals
  fw-craft.py seq DEV SPORT SECONDS                      next seq from SPORT
  fw-craft.py udp-refused DST PORT                       exit 0 if refused

KIND is icmp-err (errors quoting UDP destination PORT) or rst (resets to
TCP destination PORT). sniff and seq say "ready" on stderr once listening.
"""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'fuzz'))
from pktfuzz import csum  # noqa: E402  (the Internet checksum)

ETH_P_ALL = 3


def ip4(src, dst, proto, payload):
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 0, 0x4000,
                      64, proto, 0, socket.inet_aton(src),
                      socket.inet_aton(dst))
    return hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:] + payload


def send_raw(dst, packet):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(packet, (dst, 0))


def icmp_err(src, dst, qsrc, qdst, qsport, qdport):
    udp = struct.pack('!HHHH', int(qsport), int(qdport), 16, 0)
    quoted = ip4(qsrc, qdst, socket.IPPROTO_UDP, udp + b'\0' * 8)[:28]
    body = struct.pack('!BBHI', 3, 3, 0, 0) + quoted
    body = body[:2] + struct.pack('!H', csum(body)) + body[4:]
    send_raw(dst, ip4(src, dst, socket.IPPROTO_ICMP, body))


def rst(src, dst, sport, dport, seq):
    tcp = struct.pack('!HHIIBBHHH', int(sport), int(dport), int(seq), 0,
                      5 << 4, 0x04, 0, 0, 0)
    pseudo = struct.pack('!4s4sBBH', socket.inet_aton(src),
                         socket.inet_aton(dst), 0, socket.IPPROTO_TCP,
                         len(tcp))
    tcp = tcp[:16] + struct.pack('!H', csum(pseudo + tcp)) + tcp[18:]
    send_raw(dst, ip4(src, dst, socket.IPPROTO_TCP, tcp))


def frames(dev, seconds):
    """IPv4 packets seen on dev (both ways) for that long: (ip header, l4)."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.bind((dev, ETH_P_ALL))  # the protocol in host order
    print('ready', file=sys.stderr, flush=True)
    end = time.time() + float(seconds)
    while time.time() < end:
        s.settimeout(max(end - time.time(), 0.01))
        try:
            f = s.recv(65535)
        except socket.timeout:
            break
        if len(f) < 34 or f[12:14] != b'\x08\x00':
            continue
        ihl = (f[14] & 15) * 4
        yield f[14:14 + ihl], f[14 + ihl:]


def sniff(dev, seconds, kind, port):
    n = 0
    for iph, l4 in frames(dev, seconds):
        if kind == 'icmp-err' and iph[9] == 1 and len(l4) >= 36 and \
                l4[0] == 3 and struct.unpack('!H', l4[30:32])[0] == int(port):
            n += 1
        if kind == 'rst' and iph[9] == 6 and len(l4) >= 14 and \
                l4[13] & 4 and struct.unpack('!H', l4[2:4])[0] == int(port):
            n += 1
    print(n)


def seq(dev, sport, seconds):
    """The sequence number after the first segment from sport (no SYN)."""
    for iph, l4 in frames(dev, seconds):
        if iph[9] == 6 and struct.unpack('!H', l4[0:2])[0] == int(sport) \
                and not l4[13] & 2:
            s, = struct.unpack('!I', l4[4:8])
            plen = struct.unpack('!H', iph[2:4])[0] - len(iph) - \
                (l4[12] >> 4) * 4
            print((s + plen) & 0xffffffff)
            return
    sys.exit(1)


def udp_refused(dst, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.connect((dst, int(port)))
    s.send(b'x')
    try:
        s.recv(100)
    except ConnectionRefusedError:
        sys.exit(0)
    except socket.timeout:
        pass
    sys.exit(1)


if __name__ == '__main__':
    cmds = {'icmp-err': icmp_err, 'rst': rst, 'sniff': sniff, 'seq': seq,
            'udp-refused': udp_refused}
    cmds[sys.argv[1]](*sys.argv[2:])
