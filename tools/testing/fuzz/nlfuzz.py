#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Netlink fuzz for the nfv family.

Sends every command with missing, oversized, wrongly typed, misplaced,
unknown and deeply nested attributes, wrong ABI versions and seeded random
bytes. Every crafted request must be rejected with an error, the kernel
must keep answering, and the configuration must be what it was before.

Usage: nlfuzz.py DP [--seed N] [--random N] [--expect-eperm]
Run in a netns where datapath DP exists with at least one port.
"""
import argparse
import errno
import random
import struct
import sys

import nfvnl as nl
from nfvnl import A, string, u32, nest, attr

NAME_MAX = 16


def snapshot(g, dp):
    """The configuration that must survive the fuzz (not the counters)."""
    dps = sorted((d[A['DP_NAME']][0], d[A['DP_MAX_FLOWS']][0],
                  d[A['DP_TIMEOUTS']][0])
                 for d in g.cmd('DP_GET', dump=True))
    ports = sorted((p[A['IFNAME']][0], p.get(A['CHAIN'], [b''])[0],
                    p[A['PORT_ZONE']][0])
                   for p in g.cmd('PORT_GET', string(A['DP_NAME'], dp),
                                  dump=True))
    nfs = sorted(n[A['NF_NAME']][0]
                 for n in g.cmd('NF_GET', string(A['DP_NAME'], dp),
                                dump=True))
    return dps, ports, nfs


def deep_nest(atype, depth):
    payload = u32(1, 1)
    for _ in range(depth):
        payload = nest(atype, payload)
    return payload


BIG = 65000		# near the largest attribute a u16 length can carry


def oversized(D, dev):
    """Attributes and messages far beyond anything valid."""
    P = D + string(A['IFNAME'], dev)
    many_nfs = nest(A['CHAIN'], *[string(A['NF_NAME'], 'forward')] * 4000)
    return [
        ('DP_NEW: 64 KiB name', 'DP_NEW', string(A['DP_NAME'], 'n' * BIG)),
        ('PORT_NEW: 64 KiB ifname', 'PORT_NEW',
         D + string(A['IFNAME'], 'i' * BIG)),
        ('DP_SET: 64 KiB max_flows', 'DP_SET',
         D + attr(A['DP_MAX_FLOWS'], b'\x01' * BIG)),
        ('DP_SET: 64 KiB of zero timeouts', 'DP_SET',
         D + nest(A['DP_TIMEOUTS'], *[u32(1, 0)] * (BIG // 8))),
        ('NF_NEW: 64 KiB config for a type without one', 'NF_NEW',
         D + string(A['NF_NAME'], 'n4') + string(A['NF_TYPE'], 'pass') +
         nest(A['NF_CONFIG'], attr(1, b'c' * (BIG - 8)))),
        ('CHAIN_SET: 4000 NFs (a 48 KiB chain)', 'CHAIN_SET', P + many_nfs),
        ('CHAIN_SET: 190 KiB of unknown attributes', 'CHAIN_SET',
         P + attr(nl.A_MAX + 1, b'u' * BIG) * 3),
        ('PORT_NEW: 3000 copies of the port', 'PORT_NEW',
         D + string(A['IFNAME'], dev) * 3000),
    ]


def crafted(dp, dev):
    """(description, command, payload, version): all must fail."""
    D = string(A['DP_NAME'], dp)
    long_name = 'x' * (NAME_MAX + 4)
    cases = []
    for cmd in ('DP_DEL', 'DP_SET', 'PORT_NEW', 'PORT_DEL', 'CHAIN_SET',
                'NF_NEW', 'NF_DEL', 'FLOW_FLUSH'):
        cases.append((f'{cmd}: no attributes', cmd, b''))
        cases.append((f'{cmd}: unknown datapath', cmd,
                      string(A['DP_NAME'], 'nosuchdp')))
        cases.append((f'{cmd}: over-long datapath name', cmd,
                      string(A['DP_NAME'], long_name)))
        cases.append((f'{cmd}: name without NUL', cmd,
                      attr(A['DP_NAME'], dp.encode())))
        cases.append((f'{cmd}: name as u32', cmd, u32(A['DP_NAME'], 7)))
        cases.append((f'{cmd}: unknown attribute', cmd,
                      D + u32(nl.A_MAX + 5, 1)))
        cases.append((f'{cmd}: attribute type 0', cmd, D + u32(0, 1)))
        cases.append((f'{cmd}: truncated attribute header', cmd,
                      D + b'\x08\x00'))
        cases.append((f'{cmd}: attribute longer than message', cmd,
                      D + struct.pack('HH', 200, A['IFNAME']) + b'abc\0'))
    cases += [
        ('DP_NEW: no name', 'DP_NEW', u32(A['DP_MAX_FLOWS'], 10)),
        ('DP_NEW: duplicate', 'DP_NEW', D),
        ('DP_NEW: over-long name', 'DP_NEW', string(A['DP_NAME'], long_name)),
        ('DP_NEW: max_flows 0', 'DP_NEW',
         string(A['DP_NAME'], 'f0') + u32(A['DP_MAX_FLOWS'], 0)),
        ('DP_NEW: max_flows too large', 'DP_NEW',
         string(A['DP_NAME'], 'f1') + u32(A['DP_MAX_FLOWS'], 1 << 30)),
        ('DP_NEW: max_flows as u8', 'DP_NEW',
         string(A['DP_NAME'], 'f2') + attr(A['DP_MAX_FLOWS'], b'\x05')),
        ('DP_NEW: attribute of another op', 'DP_NEW',
         string(A['DP_NAME'], 'f3') + string(A['IFNAME'], dev)),
        ('DP_NEW: timeout 0', 'DP_NEW', string(A['DP_NAME'], 'f4') +
         nest(A['DP_TIMEOUTS'], u32(1, 0))),
        ('DP_NEW: unknown timeout class', 'DP_NEW',
         string(A['DP_NAME'], 'f5') + nest(A['DP_TIMEOUTS'], u32(40, 5))),
        ('DP_NEW: deeply nested timeouts', 'DP_NEW',
         string(A['DP_NAME'], 'f6') + deep_nest(A['DP_TIMEOUTS'], 64)),
        ('DP_SET: timeouts not nested', 'DP_SET',
         D + u32(A['DP_TIMEOUTS'], 5)),
        ('PORT_NEW: no device', 'PORT_NEW', D),
        ('PORT_NEW: unknown device', 'PORT_NEW',
         D + string(A['IFNAME'], 'nosuchdev0')),
        ('PORT_NEW: unknown ifindex', 'PORT_NEW',
         D + u32(A['IFINDEX'], 0x7fffff00)),
        ('PORT_NEW: duplicate port', 'PORT_NEW', D + string(A['IFNAME'], dev)),
        ('PORT_NEW: loopback', 'PORT_NEW', D + string(A['IFNAME'], 'lo')),
        ('PORT_NEW: over-long ifname', 'PORT_NEW',
         D + string(A['IFNAME'], 'i' * 20)),
        ('PORT_NEW: zone as u32', 'PORT_NEW', D + string(A['IFNAME'], dev) +
         u32(A['PORT_ZONE'], 1)),
        ('PORT_DEL: not a port', 'PORT_DEL', D + string(A['IFNAME'], 'lo')),
        ('CHAIN_SET: no chain', 'CHAIN_SET', D + string(A['IFNAME'], dev)),
        ('CHAIN_SET: empty chain', 'CHAIN_SET',
         D + string(A['IFNAME'], dev) + nest(A['CHAIN'])),
        ('CHAIN_SET: unknown NF', 'CHAIN_SET', D + string(A['IFNAME'], dev) +
         nest(A['CHAIN'], string(A['NF_NAME'], 'nosuchnf'))),
        ('CHAIN_SET: too long', 'CHAIN_SET', D + string(A['IFNAME'], dev) +
         nest(A['CHAIN'], *[string(A['NF_NAME'], 'forward')] * 9)),
        ('CHAIN_SET: wrong element type', 'CHAIN_SET',
         D + string(A['IFNAME'], dev) +
         nest(A['CHAIN'], string(A['NF_TYPE'], 'forward'))),
        ('CHAIN_SET: deeply nested', 'CHAIN_SET',
         D + string(A['IFNAME'], dev) + deep_nest(A['CHAIN'], 64)),
        ('CHAIN_SET: not a port', 'CHAIN_SET', D + string(A['IFNAME'], 'lo') +
         nest(A['CHAIN'], string(A['NF_NAME'], 'forward'))),
        ('NF_NEW: unknown type', 'NF_NEW', D + string(A['NF_NAME'], 'n1') +
         string(A['NF_TYPE'], 'nosuchtype')),
        ('NF_NEW: no type', 'NF_NEW', D + string(A['NF_NAME'], 'n1')),
        ('NF_NEW: duplicate name', 'NF_NEW',
         D + string(A['NF_NAME'], 'forward') + string(A['NF_TYPE'], 'pass')),
        ('NF_NEW: config for a type without one', 'NF_NEW',
         D + string(A['NF_NAME'], 'n2') + string(A['NF_TYPE'], 'pass') +
         nest(A['NF_CONFIG'], u32(1, 1))),
        ('NF_NEW: deeply nested config', 'NF_NEW',
         D + string(A['NF_NAME'], 'n3') + string(A['NF_TYPE'], 'pass') +
         deep_nest(A['NF_CONFIG'], 64)),
        ('NF_DEL: built-in', 'NF_DEL', D + string(A['NF_NAME'], 'forward')),
        ('NF_DEL: unknown', 'NF_DEL', D + string(A['NF_NAME'], 'nosuchnf')),
        ('DP_GET: unknown datapath', 'DP_GET', string(A['DP_NAME'], 'nosuchdp')),
        ('NF_SET: no config', 'NF_SET', D + string(A['NF_NAME'], 'forward')),
        ('NF_SET: unknown NF', 'NF_SET', D + string(A['NF_NAME'], 'nosuchnf') +
         nest(A['NF_CONFIG'])),
        ('NF_SET: type without configure', 'NF_SET',
         D + string(A['NF_NAME'], 'forward') + nest(A['NF_CONFIG'])),
        ('NF_ITEM_GET: not a dump', 'NF_ITEM_GET',
         D + string(A['NF_NAME'], 'forward')),
    ]
    cases += oversized(D, dev)
    return [(d, c, p, nl.VERSION) for d, c, p in cases] + [
        (f'{c}: ABI version {v}', c, D, v)
        for c in ('DP_GET', 'DP_SET', 'FLOW_FLUSH')
        for v in (0, nl.VERSION - 1, nl.VERSION + 1, 255)]


DUMP_ONLY = ('PORT_GET', 'NF_GET', 'FLOW_GET', 'NF_ITEM_GET')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('dp')
    ap.add_argument('--dev', default='r0')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--random', type=int, default=2000)
    ap.add_argument('--expect-eperm', action='store_true')
    args = ap.parse_args()
    g = nl.Genl()

    if args.expect_eperm:
        bad = 0
        for name, cmd in nl.CMD.items():
            # Dump-only commands as dumps: from 6.2 a do request for one
            # fails with EOPNOTSUPP before the permission check.
            flags = nl.NLM_F_REQUEST | nl.NLM_F_ACK
            if name in DUMP_ONLY:
                flags |= nl.NLM_F_DUMP
            err, text, _ = g.raw(g.fam, cmd, string(A['DP_NAME'], args.dp),
                                 flags)
            if err != -errno.EPERM:
                print(f'FAIL {name} from an unprivileged user namespace: '
                      f'errno {err} {text!r}')
                bad += 1
        print(f'nlfuzz: {len(nl.CMD)} commands refused without '
              f'CAP_NET_ADMIN, {bad} not')
        return 1 if bad else 0

    before = snapshot(g, args.dp)
    failures = 0
    cases = crafted(args.dp, args.dev)
    for desc, cmd, payload, version in cases:
        err, text, _ = g.raw(g.fam, nl.CMD[cmd], payload, version=version)
        if err >= 0:
            print(f'FAIL accepted: {desc}')
            failures += 1
        elif not text and 'ABI' not in desc:
            print(f'note: no extack message for: {desc} (errno {err})')
    # Beyond the socket's send buffer the kernel refuses the datagram
    # outright, and keeps answering the next request.
    try:
        g.raw(g.fam, nl.CMD['DP_SET'], string(A['DP_NAME'], args.dp) +
              attr(nl.A_MAX + 1, b'x' * BIG) * 20)
        print('FAIL a 1.3 MB request was taken')
        failures += 1
    except OSError as e:
        if e.errno != errno.EMSGSIZE:
            print(f'FAIL a 1.3 MB request: {e}, expected EMSGSIZE')
            failures += 1
    after = snapshot(g, args.dp)
    if after != before:
        print(f'FAIL configuration changed:\n  {before}\n  {after}')
        failures += 1

    # Random requests may be valid by chance (a bare DP_DEL is), so they
    # name a scratch datapath and must leave the one under test alone.
    rng = random.Random(args.seed)
    accepted = 0
    scratch = string(A['DP_NAME'], 'fuzz')
    for _ in range(args.random):
        cmd = rng.choice(list(nl.CMD.values()) + [0, 99, 255])
        payload = bytes(rng.getrandbits(8)
                        for _ in range(rng.choice((0, 3, 4, 8, 17, 64, 300))))
        if rng.random() < 0.5:
            payload = scratch + payload
        err, _, _ = g.raw(g.fam, cmd, payload,
                          version=rng.choice((nl.VERSION, nl.VERSION, 7)))
        accepted += err >= 0
    g.raw(g.fam, nl.CMD['DP_DEL'], scratch)
    if snapshot(g, args.dp) != before:
        print('FAIL random requests changed the datapath under test')
        failures += 1
    print(f'nlfuzz: {len(cases)} crafted requests, {failures} failures; '
          f'{args.random} random (seed {args.seed}), {accepted} accepted')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
