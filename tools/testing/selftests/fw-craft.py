#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Crafted packets for the firewall selftests: forged ICMP errors and TCP
segments, a sniffer that counts the ones that arrive, and a traceroute.
Addresses may be IPv4 or IPv6 (ICMPv6 then).

  fw-craft.py icmp-err SRC DST QSRC QDST QSPORT QDPORT [TYPE [CODE]]
                       an error quoting a UDP datagram (default: port
                       unreachable; IPv4 11 time exceeded, IPv6 2 too big)
  fw-craft.py rst SRC DST SPORT DPORT SEQ                TCP RST
  fw-craft.py tcp SRC DST SPORT DPORT FLAGS SEQ [ACK [LEN]]  FLAGS: of
                       SAFRP, X for a wrong checksum, - for none; LEN
                       bytes of payload
  fw-craft.py l4 SRC DST PROTO SPORT DPORT [LEN]         an SCTP, DCCP or
                       UDP-Lite header (sctp, dccp, udplite), cut to LEN
  fw-craft.py sniff DEV SECONDS KIND PORT[,PORT]...     count arrivals
  fw-craft.py seq DEV SPORT SECONDS                      next seq from SPORT
  fw-craft.py udp-refused DST PORT                       exit 0 if refused
  fw-craft.py trace DST PORT MAXTTL                      "TTL HOP TYPE" lines

KIND is icmp-err (errors quoting UDP destination PORT), unreach/CODE
(destination unreachable errors of that code quoting TCP or UDP
destination PORT), rst (resets to
TCP destination PORT), tcp (any segment to TCP destination PORT) or l4
(SCTP, DCCP or UDP-Lite to destination PORT). sniff
and seq say "ready" on stderr once listening; sniff prints its count when
SECONDS are up or when it is sent SIGTERM, and the count so far on SIGUSR1
(with several ports, one count per port: 0/6).
Several commands separated by "--" run in one process.
"""
import os
import signal
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'fuzz'))
from pktfuzz import csum  # noqa: E402  (the Internet checksum)

ETH_P_ALL = 3
ICMP = {socket.AF_INET: socket.IPPROTO_ICMP, socket.AF_INET6: 58}
ERRORS = {socket.AF_INET: (3, 11), socket.AF_INET6: (1, 2, 3)}
UNREACH = {socket.AF_INET: 3, socket.AF_INET6: 1}
IP_RECVERR, IPV6_RECVERR = 11, 25


def fam(addr):
    return socket.AF_INET6 if ':' in addr else socket.AF_INET


def ip(src, dst, proto, payload):
    f = fam(src)
    s, d = socket.inet_pton(f, src), socket.inet_pton(f, dst)
    if f == socket.AF_INET6:
        return struct.pack('!IHBB16s16s', 6 << 28, len(payload), proto, 64,
                           s, d) + payload
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 0, 0x4000,
                      64, proto, 0, s, d)
    return hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:] + payload


def l4_csum(src, dst, proto, seg, at):
    """seg with its checksum (at offset at) over the pseudo header."""
    f = fam(src)
    s, d = socket.inet_pton(f, src), socket.inet_pton(f, dst)
    if f == socket.AF_INET6:
        pseudo = struct.pack('!16s16sIxxxB', s, d, len(seg), proto)
    elif proto == socket.IPPROTO_ICMP:
        pseudo = b''
    else:
        pseudo = struct.pack('!4s4sBBH', s, d, 0, proto, len(seg))
    return seg[:at] + struct.pack('!H', csum(pseudo + seg)) + seg[at + 2:]


def send_raw(dst, packet):
    """Sends an IP packet: through the IP stack, or with CRAFT_L2=DEV,MAC
    in an Ethernet frame out of DEV to MAC, which no local rule sees."""
    if os.environ.get('CRAFT_L2'):
        dev, mac = os.environ['CRAFT_L2'].split(',')
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((dev, 0))
        eth = 0x86dd if fam(dst) == socket.AF_INET6 else 0x0800
        s.send(bytes.fromhex(mac.replace(':', '')) + s.getsockname()[4] +
               struct.pack('!H', eth) + packet)
        return
    s = socket.socket(fam(dst), socket.SOCK_RAW, socket.IPPROTO_RAW)
    try:
        s.sendto(packet, (dst, 0))
    except OSError as e:
        proto = packet[6] if fam(dst) == socket.AF_INET6 else packet[9]
        sys.exit(f'fw-craft: sending {len(packet)} bytes of protocol {proto} '
                 f'to {dst}: {e}')


def icmp_err(src, dst, qsrc, qdst, qsport, qdport, type=None, code=0):
    f = fam(src)
    udp = struct.pack('!HHHH', int(qsport), int(qdport), 16, 0) + b'\0' * 8
    quoted = ip(qsrc, qdst, socket.IPPROTO_UDP, udp)
    if f == socket.AF_INET6:
        type = int(type or 1)
        code = 4 if type == 1 and not code else int(code)
        info = 1280 if type == 2 else 0		# packet too big: the MTU
    else:
        type = int(type or 3)
        code = 3 if type == 3 and not code else int(code)
        info, quoted = 0, quoted[:28]
    body = struct.pack('!BBHI', type, code, 0, info) + quoted
    body = l4_csum(src, dst, ICMP[f], body, 2)
    send_raw(dst, ip(src, dst, ICMP[f], body))


def tcp(src, dst, sport, dport, flags, seq, ack=0, length=0):
    bits = sum(b for c, b in zip('FSRPA', (1, 2, 4, 8, 16)) if c in flags)
    seg = struct.pack('!HHIIBBHHH', int(sport), int(dport), int(seq),
                      int(ack), 5 << 4, bits, 65535 if 'R' not in flags else 0,
                      0, 0) + b'x' * int(length)
    seg = l4_csum(src, dst, socket.IPPROTO_TCP, seg, 16)
    if 'X' in flags:  # a wrong checksum
        seg = seg[:16] + bytes([seg[16] ^ 0x5a]) + seg[17:]
    send_raw(dst, ip(src, dst, socket.IPPROTO_TCP, seg))


L4 = {'sctp': 132, 'dccp': 33, 'udplite': 136}


def l4(src, dst, proto, sport, dport, length=None):
    """A header the receiver need not accept: the datapath reads ports."""
    ports = struct.pack('!HH', int(sport), int(dport))
    if proto == 'sctp':		# common header, then an empty DATA chunk
        seg = ports + bytes(8) + struct.pack('!BBH', 0, 3, 4)
    elif proto == 'dccp':	# data offset 4 words, X: a 16-byte header
        seg = ports + struct.pack('!BBHBBHI', 4, 0, 0, 1, 0, 0, 1)
    else:			# UDP-Lite: coverage 0, the whole datagram
        seg = ports + bytes(4) + b'data'
    seg = seg[:int(length)] if length is not None else seg
    send_raw(dst, ip(src, dst, L4[proto], seg))


def rst(src, dst, sport, dport, seq):
    tcp(src, dst, sport, dport, 'R', seq)


class Stop(Exception):
    pass


def stop(*_):
    raise Stop


def frames(dev, seconds):
    """IP packets seen on dev (both ways) for that long: (family, proto,
    transport header and payload)."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.bind((dev, ETH_P_ALL))  # the protocol in host order
    signal.signal(signal.SIGTERM, stop)
    print('ready', file=sys.stderr, flush=True)
    end = time.time() + float(seconds)
    while time.time() < end:
        s.settimeout(max(end - time.time(), 0.01))
        try:
            f = s.recv(65535)
        except socket.timeout:
            break
        if len(f) >= 34 and f[12:14] == b'\x08\x00':
            ihl = (f[14] & 15) * 4
            tot, = struct.unpack('!H', f[16:18])
            yield socket.AF_INET, f[23], f[14 + ihl:14 + tot]
        elif len(f) >= 54 and f[12:14] == b'\x86\xdd':
            plen, = struct.unpack('!H', f[18:20])
            yield socket.AF_INET6, f[20], f[54:54 + plen]


def port(b, off):
    return struct.unpack('!H', b[off:off + 2])[0] if len(b) >= off + 2 else -1


def sniff(dev, seconds, kind, dports):
    """Counts per destination port (PORT[,PORT]...), printed a/b/..."""
    dports = [int(p) for p in dports.split(',')]
    n = dict.fromkeys(dports, 0)
    kind, _, code = kind.partition('/')

    def show(*_):
        print('/'.join(str(n[p]) for p in dports), flush=True)
    signal.signal(signal.SIGUSR1, show)
    try:
        for f, proto, l4 in frames(dev, seconds):
            # the quoted UDP destination port, after the quoted IP header
            quoted = 8 + (40 if f == socket.AF_INET6 else 20) + 2
            if kind == 'icmp-err' and proto == ICMP[f] and l4 and \
                    l4[0] in ERRORS[f]:
                dport = port(l4, quoted)
            elif kind == 'unreach' and proto == ICMP[f] and \
                    len(l4) > 1 and l4[0] == UNREACH[f] and l4[1] == int(code):
                dport = port(l4, quoted)
            elif kind == 'l4' and proto in L4.values():
                dport = port(l4, 2)
            elif proto == socket.IPPROTO_TCP and \
                    (kind == 'tcp' or kind == 'rst' and l4[13] & 4):
                dport = port(l4, 2)
            else:
                continue
            if dport in n:
                n[dport] += 1
    except Stop:
        pass
    show()


def seq(dev, sport, seconds):
    """The sequence number after the first segment from sport (no SYN)."""
    for f, proto, l4 in frames(dev, seconds):
        if proto == socket.IPPROTO_TCP and port(l4, 0) == int(sport) \
                and not l4[13] & 2:
            s, = struct.unpack('!I', l4[4:8])
            print((s + len(l4) - (l4[12] >> 4) * 4) & 0xffffffff)
            return
    sys.exit(1)


def udp_refused(dst, port):
    s = socket.socket(fam(dst), socket.SOCK_DGRAM)
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


def trace(dst, dport, maxttl):
    """UDP probes with growing TTLs, as traceroute -U: one line per hop,
    the ICMP error it answered with (read from the error queue) and who
    sent it; "*" for none. Stops at the destination."""
    f = fam(dst)
    v6 = f == socket.AF_INET6
    for ttl in range(1, int(maxttl) + 1):
        s = socket.socket(f, socket.SOCK_DGRAM)
        if v6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, ttl)
            s.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVERR, 1)
        else:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
            s.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
        s.connect((dst, int(dport) + ttl))
        s.send(b'probe')
        hop, what = '*', ''
        end = time.time() + 3
        while time.time() < end:
            try:
                _, anc, _, _ = s.recvmsg(100, 512, socket.MSG_ERRQUEUE)
            except BlockingIOError:
                time.sleep(0.05)
                continue
            for _, _, data in anc:
                # struct sock_extended_err, then the offender's sockaddr
                _, _, etype, code = struct.unpack_from('IBBB', data)
                off = 16
                addr = data[off + 8:off + 24] if v6 else data[off + 4:off + 8]
                hop = socket.inet_ntop(f, addr)
                what = f'{etype}/{code}'
            break
        s.close()
        print(ttl, hop, what, flush=True)
        if what in ('3/3', '1/4'):
            return


if __name__ == '__main__':
    cmds = {'icmp-err': icmp_err, 'rst': rst, 'tcp': tcp, 'l4': l4,
            'sniff': sniff,
            'seq': seq, 'udp-refused': udp_refused, 'trace': trace}
    args = sys.argv[1:]
    while args:		# CMD ARGS [-- CMD ARGS]...: one start, many sends
        end = args.index('--') if '--' in args else len(args)
        cmds[args[0]](*args[1:end])
        args = args[end + 1:]
