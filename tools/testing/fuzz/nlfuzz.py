#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Netlink fuzz for the nfv family.

Sends every command with missing, oversized, wrongly typed, misplaced,
unknown and deeply nested attributes, wrong ABI versions and seeded random
bytes. Every crafted request must be rejected with an error, the kernel
must keep answering, and the configuration must be what it was before.

With --fw NAME, the firewall instance NAME of DP instead: crafted bad
configurations through NF_NEW, NF_SET and NF_ITEM_GET (each refused with
a message, the rules, policy and limits unchanged), then seeded random
rule edits checked against a model of the rule list.

Usage: nlfuzz.py DP [--seed N] [--random N] [--expect-eperm] [--fw NAME]
Run in a netns where datapath DP exists with at least one port.
"""
import argparse
import errno
import random
import struct
import sys

import nfvnl as nl
from nfvnl import A, string, u32, nest, attr, u8, u16, FW, FW_OP, RULE

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


# The firewall.
AF_INET, AF_INET6 = 2, 10
TCP, UDP, ICMP, ICMPV6 = 6, 17, 1, 58
ACCEPT = u8(RULE['ACTION'], 0)
V4 = u8(RULE['FAMILY'], AF_INET)


def rule(*attrs):
    return nest(FW['RULE'], *attrs)


def fw_snapshot(g, dp, name):
    """An instance's policy, limits and rules (without counters), and the
    NF instances of the datapath."""
    info = None
    names = []
    for n in g.cmd('NF_GET', string(A['DP_NAME'], dp), dump=True):
        names.append(n[A['NF_NAME']][0])
        if n[A['NF_NAME']][0] == name.encode() + b'\0':
            i = nl.parse_attrs(n[A['NF_INFO']][0])
            info = [i.get(FW[k]) for k in ('POLICY', 'NRULES',
                                           'ZONE_MAX_FLOWS',
                                           'ZONE_MAX_HALF_OPEN')]
    return info, fw_rules(g, dp, name), sorted(names)


def fw_rules(g, dp, name):
    skip = (RULE['INDEX'], RULE['PACKETS'], RULE['BYTES'], 1)
    rules = []
    for item in g.cmd('NF_ITEM_GET', string(A['DP_NAME'], dp) +
                      string(A['NF_NAME'], name), dump=True):
        r = nl.parse_attrs(item[A['NF_ITEM']][0])
        rules.append({k: v[0] for k, v in r.items() if k not in skip})
    return rules


def bad_rules():
    """(description, rule attributes) of rules that must be refused."""
    R = RULE
    tcp = u8(R['PROTO'], TCP)
    return [
        ('no action', u8(R['PROTO'], TCP)),
        ('unknown action', u8(R['ACTION'], 3)),
        ('action 255', u8(R['ACTION'], 255)),
        ('action as u32', u32(R['ACTION'], 0)),
        ('empty action', attr(R['ACTION'], b'')),
        ('duplicate action, the second unknown',
         ACCEPT + u8(R['ACTION'], 9)),
        ('family 7', ACCEPT + u8(R['FAMILY'], 7)),
        ('family as u16', ACCEPT + u16(R['FAMILY'], AF_INET)),
        ('source without family', ACCEPT + attr(R['SRC'], b'\x0a\0\0\1')),
        ('5-byte IPv4 source', ACCEPT + V4 + attr(R['SRC'], b'\1' * 5)),
        ('16-byte IPv4 source', ACCEPT + V4 + attr(R['SRC'], b'\1' * 16)),
        ('17-byte IPv6 destination', ACCEPT + u8(R['FAMILY'], AF_INET6) +
         attr(R['DST'], b'\1' * 17)),
        ('duplicate family, IPv4 then IPv6, with an IPv4 source',
         ACCEPT + V4 + u8(R['FAMILY'], AF_INET6) + attr(R['SRC'], b'\1' * 4)),
        ('IPv4 prefix /33', ACCEPT + V4 + attr(R['SRC'], b'\1' * 4) +
         u8(R['SRC_LEN'], 33)),
        ('IPv6 prefix /129', ACCEPT + u8(R['FAMILY'], AF_INET6) +
         attr(R['DST'], b'\1' * 16) + u8(R['DST_LEN'], 129)),
        ('prefix length without address', ACCEPT + V4 + u8(R['DST_LEN'], 8)),
        ('prefix length as u32', ACCEPT + V4 + attr(R['SRC'], b'\1' * 4) +
         u32(R['SRC_LEN'], 8)),
        ('in-port 0', ACCEPT + u32(R['IN_PORT'], 0)),
        ('in-port 65535', ACCEPT + u32(R['IN_PORT'], 65535)),
        ('in-port as u16', ACCEPT + u16(R['IN_PORT'], 1)),
        ('source ports 2000-1000', ACCEPT + tcp + u16(R['SPORT_MIN'], 2000) +
         u16(R['SPORT_MAX'], 1000)),
        ('destination ports 65535-0', ACCEPT + tcp +
         u16(R['DPORT_MIN'], 65535) + u16(R['DPORT_MAX'], 0)),
        ('destination port max under a lone min', ACCEPT + tcp +
         u16(R['DPORT_MAX'], 10) + u16(R['DPORT_MIN'], 11)),
        ('port as u32', ACCEPT + tcp + u32(R['DPORT_MIN'], 80)),
        ('ports without a protocol', ACCEPT + u16(R['DPORT_MIN'], 80)),
        ('ports with icmp', ACCEPT + u8(R['PROTO'], ICMP) +
         u16(R['SPORT_MIN'], 80)),
        ('icmp type with tcp', ACCEPT + tcp + u8(R['ICMP_TYPE'], 8)),
        ('icmp code without a protocol', ACCEPT + u8(R['ICMP_CODE'], 0)),
        ('unknown state bit', ACCEPT + u8(R['CTSTATE'], 0x10)),
        ('every state bit', ACCEPT + u8(R['CTSTATE'], 0xff)),
        ('protocol as u16', ACCEPT + u16(R['PROTO'], TCP)),
        ('unknown rule attribute', ACCEPT + u8(nl.RULE_MAX + 1, 1)),
        ('reply-only index', ACCEPT + u32(R['INDEX'], 0)),
        ('reply-only packets', ACCEPT + attr(R['PACKETS'], b'\0' * 8)),
        ('attribute type 0', ACCEPT + u8(0, 1)),
        ('truncated attribute', ACCEPT + b'\x08\x00'),
        ('nested where a u8 goes', ACCEPT + nest(R['PROTO'], u8(1, 6))),
    ]


def fw_crafted(dp, name):
    """(description, command, payload, dump): all must be refused."""
    D = string(A['DP_NAME'], dp)
    N = string(A['NF_NAME'], name)

    def cfg(*attrs):
        return nest(A['NF_CONFIG'], *attrs)

    def op(o, *attrs):
        return cfg(u8(FW['OP'], FW_OP[o]), *attrs)

    def new(*attrs):
        return D + string(A['NF_NAME'], 'fwnew') + \
            string(A['NF_TYPE'], 'fw') + cfg(*attrs)

    good = rule(ACCEPT)
    cases = []
    for what, bad in bad_rules():
        r = nest(FW['RULE'], bad)
        cases += [
            (f'NF_SET replace, rule 2: {what}', 'NF_SET',
             D + N + cfg(nest(FW['RULES'], good, r))),
            (f'NF_SET insert: {what}', 'NF_SET', D + N + op('INSERT', r)),
            (f'NF_SET set rule 0: {what}', 'NF_SET',
             D + N + op('SET', u32(FW['POS'], 0), r)),
            (f'NF_NEW: {what}', 'NF_NEW', new(nest(FW['RULES'], r))),
        ]
    cases += [
        ('rule without NLA_F_NESTED', 'NF_SET',
         D + N + op('INSERT', attr(FW['RULE'], ACCEPT))),
        ('rule list without NLA_F_NESTED', 'NF_SET',
         D + N + cfg(attr(FW['RULES'], good))),
        ('config without NLA_F_NESTED', 'NF_SET',
         D + N + attr(A['NF_CONFIG'], u8(FW['POLICY'], 1))),
        ('rule list holding a position', 'NF_SET',
         D + N + cfg(nest(FW['RULES'], good, u32(FW['POS'], 0)))),
        ('rule list holding a rule list', 'NF_SET',
         D + N + cfg(nest(FW['RULES'], nest(FW['RULES'], good)))),
        ('rule nested 64 deep', 'NF_SET',
         D + N + op('INSERT', deep_nest(FW['RULE'], 64))),
        ('policy reject', 'NF_SET', D + N + cfg(u8(FW['POLICY'], 2))),
        ('policy 255', 'NF_SET', D + N + cfg(u8(FW['POLICY'], 255))),
        ('policy as u32', 'NF_SET', D + N + cfg(u32(FW['POLICY'], 1))),
        ('unknown op', 'NF_SET', D + N + cfg(u8(FW['OP'], 7))),
        ('op as u32', 'NF_SET', D + N + cfg(u32(FW['OP'], 4))),
        ('unknown config attribute', 'NF_SET',
         D + N + cfg(u32(FW['STATE'] + 1, 0))),
        ('reply-only rule count', 'NF_SET', D + N + cfg(u32(FW['NRULES'], 0))),
        ('zone limit as u8', 'NF_SET',
         D + N + cfg(u8(FW['ZONE_MAX_FLOWS'], 1))),
        ('insert without a rule', 'NF_SET', D + N + op('INSERT')),
        ('insert past the end', 'NF_SET',
         D + N + op('INSERT', u32(FW['POS'], 1000), good)),
        ('position as u8', 'NF_SET',
         D + N + op('INSERT', u8(FW['POS'], 0), good)),
        ('delete without a position', 'NF_SET', D + N + op('DELETE')),
        ('delete past the end', 'NF_SET',
         D + N + op('DELETE', u32(FW['POS'], 1000))),
        ('delete at position 2^32-1', 'NF_SET',
         D + N + op('DELETE', u32(FW['POS'], 0xffffffff))),
        ('set without a position', 'NF_SET', D + N + op('SET', good)),
        ('set without a rule', 'NF_SET',
         D + N + op('SET', u32(FW['POS'], 0))),
        ('set past the end', 'NF_SET',
         D + N + op('SET', u32(FW['POS'], 1000), good)),
        ('append without begin', 'NF_SET',
         D + N + op('APPEND', nest(FW['RULES'], good))),
        ('commit without begin', 'NF_SET', D + N + op('COMMIT')),
        ('NF_NEW: insert', 'NF_NEW', new(u8(FW['OP'], FW_OP['INSERT']), good)),
        ('NF_NEW: begin', 'NF_NEW', new(u8(FW['OP'], FW_OP['BEGIN']))),
        ('NF_NEW: policy reject', 'NF_NEW', new(u8(FW['POLICY'], 2))),
        ('NF_NEW: delete without a position', 'NF_NEW',
         new(u8(FW['OP'], FW_OP['DELETE']))),
        ('NF_ITEM_GET: unknown NF', 'NF_ITEM_GET',
         D + string(A['NF_NAME'], 'nosuchnf')),
        ('NF_ITEM_GET: no NF name', 'NF_ITEM_GET', D),
        ('NF_ITEM_GET: an NF type without items', 'NF_ITEM_GET',
         D + string(A['NF_NAME'], 'forward')),
        ('NF_ITEM_GET: unknown datapath', 'NF_ITEM_GET',
         string(A['DP_NAME'], 'nosuchdp') + N),
        # A refused request leaves the zone limits as they were too.
        ('zone limit with a delete that fails', 'NF_SET',
         D + N + op('DELETE', u32(FW['ZONE_MAX_FLOWS'], 7))),
        ('half-open limit with a bad rule', 'NF_SET',
         D + N + cfg(u32(FW['ZONE_MAX_HALF_OPEN'], 3),
                     nest(FW['RULES'], rule(u8(RULE['PROTO'], TCP))))),
    ]
    return [(d, c, p, c == 'NF_ITEM_GET') for d, c, p in cases]


def fw_oversized(g, dp, name):
    """A staged load past FW_MAX_RULES (65536): refused at the message
    that crosses it. Returns the number of failures."""
    D = string(A['DP_NAME'], dp) + string(A['NF_NAME'], name)
    chunk = nest(FW['RULES'], *[rule(ACCEPT)] * 5000)

    def stage(o):
        return g.raw(g.fam, nl.CMD['NF_SET'], D + nest(
            A['NF_CONFIG'], u8(FW['OP'], FW_OP[o]), chunk))

    err, text, _ = stage('BEGIN')
    i = -1
    for i in range(13):		# 70,000 rules with the BEGIN
        if err:
            break
        err, text, _ = stage('APPEND')
    # Leave nothing staged for long: a new BEGIN drops it.
    g.raw(g.fam, nl.CMD['NF_SET'], D + nest(A['NF_CONFIG'], u8(
        FW['OP'], FW_OP['BEGIN'])))
    if err != -errno.E2BIG or 'too many' not in text:
        print(f'FAIL staging 70,000 rules: errno {err} {text!r} at '
              f'message {i + 2}, expected E2BIG "too many rules"')
        return 1
    return 0


def random_rule(rng):
    """A valid rule: its attributes, and what a dump gives back."""
    R, out, got = RULE, [], {}

    def put(key, fmt, value, shown=True):
        b = struct.pack(fmt, value)
        out.append(attr(R[key], b))
        if shown:
            got[R[key]] = b
    put('ACTION', 'B', rng.randrange(3))
    if rng.random() < 0.3:
        put('IN_PORT', 'I', rng.randrange(1, 65535))
    family = rng.choice((0, AF_INET, AF_INET6))
    if family:
        put('FAMILY', 'B', family)
        alen = 4 if family == AF_INET else 16
        for a, al in (('SRC', 'SRC_LEN'), ('DST', 'DST_LEN')):
            if rng.random() < 0.5:
                continue
            addr = bytes(rng.getrandbits(8) for _ in range(alen))
            plen = rng.choice((None, rng.randrange(alen * 8 + 1)))
            out.append(attr(R[a], addr))
            if plen is not None:
                out.append(u8(R[al], plen))
            plen = alen * 8 if plen is None else plen
            if plen:	# stored masked; /0 is not shown
                mask = ((1 << plen) - 1) << (alen * 8 - plen)
                got[R[a]] = (int.from_bytes(addr, 'big') & mask).to_bytes(
                    alen, 'big')
                got[R[al]] = bytes([plen])
    proto = rng.choice((0, TCP, UDP, 132, 136, ICMP, ICMPV6, 47))
    if proto or rng.random() < 0.2:
        put('PROTO', 'B', proto, bool(proto))
    if proto in (TCP, UDP, 132, 136):
        for lo, hi in (('SPORT_MIN', 'SPORT_MAX'), ('DPORT_MIN', 'DPORT_MAX')):
            a = rng.choice((None, rng.randrange(65536)))
            b = rng.choice((None, rng.randrange(a or 0, 65536)))
            if a is not None:
                out.append(u16(R[lo], a))
            if b is not None:
                out.append(u16(R[hi], b))
            a, b = a or 0, b if b is not None else a if a is not None else 65535
            if (a, b) != (0, 65535):
                got[R[lo]], got[R[hi]] = struct.pack('H', a), struct.pack('H', b)
    if proto in (ICMP, ICMPV6):
        for key in ('ICMP_TYPE', 'ICMP_CODE'):
            if rng.random() < 0.5:
                put(key, 'B', rng.randrange(256))
    if rng.random() < 0.4:
        states = rng.randrange(16)
        put('CTSTATE', 'B', states, bool(states))
    rng.shuffle(out)
    return rule(*out), got


def fw_random(g, dp, name, seed, count):
    """Random edits, valid and not, against a model of the rules."""
    rng = random.Random(seed)
    D = string(A['DP_NAME'], dp) + string(A['NF_NAME'], name)
    bads = bad_rules()
    model = fw_rules(g, dp, name)
    failures = accepted = 0
    for i in range(count):
        o = rng.choice(('REPLACE', 'INSERT', 'INSERT', 'DELETE', 'SET'))
        n = len(model)
        rules = [random_rule(rng)
                 for _ in range(rng.randrange(7) if o == 'REPLACE' else 1)]
        bad = rng.random() < 0.3 and bool(rules)
        if bad:
            what, b = rng.choice(bads)
            rules[rng.randrange(len(rules))] = (nest(FW['RULE'], b), what)
        pos = rng.randrange(n + 1) if rng.random() < 0.9 else n + 5
        cfg = [u8(FW['OP'], FW_OP[o])]
        if o == 'REPLACE':
            cfg.append(nest(FW['RULES'], *[r for r, _ in rules]))
            want = [g for _, g in rules]
        else:
            cfg.append(u32(FW['POS'], pos))
            cfg += [rules[0][0]] if o != 'DELETE' else []
            limit = n if o == 'INSERT' else n - 1
            bad = bad and o != 'DELETE' or pos > limit
            want = model[:pos] + [rules[0][1]] * (o != 'DELETE') + \
                model[pos + (o != 'INSERT'):]
        err, text, _ = g.raw(g.fam, nl.CMD['NF_SET'],
                             D + nest(A['NF_CONFIG'], *cfg))
        now = fw_rules(g, dp, name)
        if bad and (err >= 0 or not text or now != model):
            print(f'FAIL random {i} ({o} at {pos} of {n}, '
                  f'{[r[1] for r in rules if isinstance(r[1], str)]}): '
                  f'errno {err} {text!r}; rules changed: {now != model}')
            failures += 1
        elif not bad and (err < 0 or now != want):
            print(f'FAIL random {i} ({o} at {pos} of {n}) valid: errno {err} '
                  f'{text!r}\n  sent {want}\n  got  {now}')
            failures += 1
        accepted += err >= 0
        model = now
    print(f'nlfuzz: {count} random fw edits (seed {seed}), {accepted} '
          f'accepted, {failures} failures')
    return failures


def fw_main(g, args):
    before = fw_snapshot(g, args.dp, args.fw)
    if before[0] is None:
        print(f'FAIL no fw instance {args.fw} in {args.dp}')
        return 1
    failures = 0
    cases = fw_crafted(args.dp, args.fw)
    for desc, cmd, payload, dump in cases:
        flags = nl.NLM_F_REQUEST | nl.NLM_F_ACK | (nl.NLM_F_DUMP * dump)
        err, text, _ = g.raw(g.fam, nl.CMD[cmd], payload, flags)
        after = fw_snapshot(g, args.dp, args.fw)
        wrong = []
        if err >= 0:
            wrong.append('accepted')
        elif not text:
            wrong.append(f'no extack message (errno {err})')
        for part, was, now in zip(('policy/rules/limits', 'rules',
                                   'instances'), before, after):
            if was != now:
                wrong.append(f'{part} changed: {was} -> {now}')
        if wrong:
            print(f'FAIL {desc}: {"; ".join(wrong)}')
            failures += 1
        if after != before:	# go on from what the case left
            if b'fwnew\0' in after[2]:
                g.raw(g.fam, nl.CMD['NF_DEL'], string(A['DP_NAME'], args.dp) +
                      string(A['NF_NAME'], 'fwnew'))
            before = fw_snapshot(g, args.dp, args.fw)
    failures += fw_oversized(g, args.dp, args.fw)
    if fw_snapshot(g, args.dp, args.fw) != before:
        print('FAIL the oversized load changed the configuration')
        failures += 1
    print(f'nlfuzz: {len(cases)} crafted fw requests, {failures} failures')
    return failures + fw_random(g, args.dp, args.fw, args.seed, args.random)


DUMP_ONLY = ('PORT_GET', 'NF_GET', 'FLOW_GET', 'NF_ITEM_GET')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('dp')
    ap.add_argument('--dev', default='r0')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--random', type=int, default=2000)
    ap.add_argument('--expect-eperm', action='store_true')
    ap.add_argument('--fw')
    args = ap.parse_args()
    g = nl.Genl()
    if args.fw:
        return 1 if fw_main(g, args) else 0

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
