#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Netlink fuzz for the nfv family.

Sends every command with missing, oversized, wrongly typed, misplaced,
unknown and deeply nested attributes, other ABI versions and seeded random
bytes. Every crafted request must be rejected with an error, the kernel
must keep answering, and the configuration must be what it was before.
The attributes come from the family's YNL spec (nfvnl.py): each command's
request attributes encoded as their types and checks refuse (lengths,
ranges, masks, strings, nesting), and the attributes of its set it does
not take, besides the hand-written cases the spec cannot say.

With --fw NAME, the firewall instance NAME of DP instead: crafted bad
configurations through NF_NEW, NF_SET and NF_ITEM_GET (each refused with
a message, the rules, policy and limits unchanged), then seeded random
rule edits checked against a model of the rule list.

With --cgnat NAME, the CGNAT NF: crafted and seeded random NF_NEW
configurations of type cgnat (pools at the edges of their lengths,
overlapping, duplicate, truncated or without NLA_F_NESTED; block sizes,
limits and timeouts around their bounds and RFC floors), each either taken,
shown as sent and deleted, or refused with a message; NF_SET refused on
the instance NAME; after them the instances and the module's reference
count as before.

Usage: nlfuzz.py DP [--seed N] [--random N] [--expect-eperm] [--fw NAME]
                 [--cgnat NAME]
Run in a netns where datapath DP exists with at least one port.
"""
import argparse
import errno
import random
import struct
import sys
import time

import nfvnl as nl
from nfvnl import A, string, u32, nest, attr, u8, FW, FW_OP, RULE

# Attributes by name, encoded as the spec types them.
NFV = nl.SPEC.sets['nfv']
FWA = nl.SPEC.sets['fw']
RA = nl.SPEC.sets['fw-rule']


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
         D + nest(A['DP_TIMEOUTS'],
                  *[nl.SPEC.sets['timeout'].put('tcp', 0)] * (BIG // 8))),
        ('NF_NEW: 64 KiB config for a type without one', 'NF_NEW',
         D + string(A['NF_NAME'], 'n4') + string(A['NF_TYPE'], 'pass') +
         nest(A['NF_CONFIG'], attr(1, b'c' * (BIG - 8)))),
        ('CHAIN_SET: 4000 NFs (a 48 KiB chain)', 'CHAIN_SET', P + many_nfs),
        ('CHAIN_SET: 190 KiB of unknown attributes', 'CHAIN_SET',
         P + attr(nl.A_MAX + 1, b'u' * BIG) * 3),
        ('PORT_NEW: 3000 copies of the port', 'PORT_NEW',
         D + string(A['IFNAME'], dev) * 3000),
    ]


def spec_cases(dp):
    """From the spec: each command that takes a do request with each of
    its request's attributes encoded as its type and checks refuse, and
    with each attribute of its set the request does not list."""
    cases = []
    for op in nl.SPEC.ops.values():
        req = op.request('do')
        if req is None or op.event:
            continue
        cmd = nl.c_name(op.name)
        aset = nl.SPEC.sets[op.attribute_set]
        # A new object's name is free: a refusal must not come from its
        # being taken.
        D = aset.put('dp-name', 'fz0' if op.name == 'dp-new' else dp)
        for name in req:
            base = b'' if name == 'dp-name' else D
            cases += [(f'{cmd}: {name} {what}', cmd, base + bad)
                      for what, bad in aset[name].invalid()]
        for a in aset.attrs.values():
            if a.name in req or not a.value:
                continue
            good = a.valid()
            one = a.put(good[0]) if good else attr(a.value, bytes(4))
            cases.append((f'{cmd}: {a.name}, which it does not take', cmd,
                          D + one))
    return cases


def crafted(dp, dev):
    """(description, command, payload, version): all must fail."""
    D = string(A['DP_NAME'], dp)
    cases = []
    for cmd in ('DP_DEL', 'DP_SET', 'PORT_NEW', 'PORT_DEL', 'CHAIN_SET',
                'NF_NEW', 'NF_DEL', 'FLOW_FLUSH'):
        cases.append((f'{cmd}: no attributes', cmd, b''))
        cases.append((f'{cmd}: unknown datapath', cmd,
                      string(A['DP_NAME'], 'nosuchdp')))
        cases.append((f'{cmd}: unknown attribute', cmd,
                      D + u32(nl.A_MAX + 5, 1)))
        cases.append((f'{cmd}: attribute type 0', cmd, D + u32(0, 1)))
        cases.append((f'{cmd}: truncated attribute header', cmd,
                      D + b'\x08\x00'))
        cases.append((f'{cmd}: attribute longer than message', cmd,
                      D + struct.pack('HH', 200, A['IFNAME']) + b'abc\0'))
    cases += [
        ('DP_NEW: no name', 'DP_NEW', NFV.put('dp-max-flows', 10)),
        ('DP_NEW: duplicate', 'DP_NEW', D),
        ('DP_NEW: attribute of another op', 'DP_NEW',
         string(A['DP_NAME'], 'f3') + string(A['IFNAME'], dev)),
        ('DP_NEW: unknown timeout class', 'DP_NEW',
         string(A['DP_NAME'], 'f5') + nest(A['DP_TIMEOUTS'], u32(40, 5))),
        ('DP_NEW: deeply nested timeouts', 'DP_NEW',
         string(A['DP_NAME'], 'f6') + deep_nest(A['DP_TIMEOUTS'], 64)),
        ('PORT_NEW: no device', 'PORT_NEW', D),
        ('PORT_NEW: unknown device', 'PORT_NEW',
         D + string(A['IFNAME'], 'nosuchdev0')),
        ('PORT_NEW: unknown ifindex', 'PORT_NEW',
         D + NFV.put('ifindex', 0x7fffff00)),
        ('PORT_NEW: duplicate port', 'PORT_NEW', D + string(A['IFNAME'], dev)),
        ('PORT_NEW: loopback', 'PORT_NEW', D + string(A['IFNAME'], 'lo')),
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
    cases += oversized(D, dev) + spec_cases(dp)
    return [(d, c, p, nl.VERSION) for d, c, p in cases] + [
        (f'{c}: ABI version {v}', c, D, v)
        for c in ('DP_GET', 'DP_SET', 'FLOW_FLUSH')
        for v in OTHER_VERSIONS if nl.VERSION < FROZEN]


# Documentation/netlink.rst: from version 3, the first frozen ABI, the
# kernel takes a request of any genlmsghdr version as of its own; before,
# it refused any but its own.
FROZEN = 3
OTHER_VERSIONS = (0, nl.VERSION - 1, nl.VERSION + 1, 255)


def any_version(g, dp):
    """From the frozen ABI on, a request at another version is answered
    as at the spec's. Returns the number of failures."""
    D = string(A['DP_NAME'], dp)
    want = g.raw(g.fam, nl.CMD['DP_GET'], D)
    failures = 0
    for v in OTHER_VERSIONS if nl.VERSION >= FROZEN else ():
        got = g.raw(g.fam, nl.CMD['DP_GET'], D, version=v)
        if got[0] or len(got[2]) != len(want[2]):
            print(f'FAIL DP_GET at ABI version {v}: errno {got[0]} '
                  f'{got[1]!r}, {len(got[2])} replies; at {nl.VERSION}: '
                  f'errno {want[0]}, {len(want[2])}')
            failures += 1
    return failures


# The firewall.
AF_INET, AF_INET6 = 2, 10
TCP, UDP, ICMP, ICMPV6 = 6, 17, 1, 58
ACCEPT = RA.put('action', nl.SPEC.enums['fw-action']['accept'])
V4 = RA.put('family', AF_INET)


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
    skip = (RULE['INDEX'], RULE['PACKETS'], RULE['BYTES'], RULE['PAD'],
            RULE['HANDLE'])
    rules = []
    for item in g.cmd('NF_ITEM_GET', string(A['DP_NAME'], dp) +
                      string(A['NF_NAME'], name), dump=True):
        r = nl.parse_attrs(item[A['NF_ITEM']][0])
        rules.append({k: v[0] for k, v in r.items() if k not in skip})
    return rules


def bad_rules():
    """(description, rule attributes) of rules that must be refused for
    what they mean; spec_bad_rules() has those the policy refuses."""
    R = RA.put
    tcp = R('proto', TCP)
    v6 = R('family', AF_INET6)
    return [
        ('no action', tcp),
        ('duplicate action, the second unknown', ACCEPT + R('action', 9)),
        ('family 7', ACCEPT + R('family', 7)),
        ('source without family', ACCEPT + R('src', b'\x0a\0\0\1')),
        ('5-byte IPv4 source', ACCEPT + V4 + R('src', b'\1' * 5)),
        ('16-byte IPv4 source', ACCEPT + V4 + R('src', b'\1' * 16)),
        ('17-byte IPv6 destination', ACCEPT + v6 + R('dst', b'\1' * 17)),
        ('duplicate family, IPv4 then IPv6, with an IPv4 source',
         ACCEPT + V4 + v6 + R('src', b'\1' * 4)),
        ('IPv4 prefix /33', ACCEPT + V4 + R('src', b'\1' * 4) +
         R('src-len', 33)),
        ('IPv6 prefix /129', ACCEPT + v6 + R('dst', b'\1' * 16) +
         R('dst-len', 129)),
        ('prefix length without address', ACCEPT + V4 + R('dst-len', 8)),
        ('source ports 2000-1000', ACCEPT + tcp + R('sport-min', 2000) +
         R('sport-max', 1000)),
        ('destination ports 65535-0', ACCEPT + tcp +
         R('dport-min', 65535) + R('dport-max', 0)),
        ('destination port max under a lone min', ACCEPT + tcp +
         R('dport-max', 10) + R('dport-min', 11)),
        ('ports without a protocol', ACCEPT + R('dport-min', 80)),
        ('ports with icmp', ACCEPT + R('proto', ICMP) + R('sport-min', 80)),
        ('icmp type with tcp', ACCEPT + tcp + R('icmp-type', 8)),
        ('icmp code without a protocol', ACCEPT + R('icmp-code', 0)),
        ('unknown rule attribute', ACCEPT + u8(nl.RULE_MAX + 1, 1)),
        ('reply-only index', ACCEPT + R('index', 0)),
        ('reply-only packets', ACCEPT + R('packets', 0)),
        ('attribute type 0', ACCEPT + u8(0, 1)),
        ('truncated attribute', ACCEPT + b'\x08\x00'),
    ]


def spec_bad_rules():
    """Rules with one attribute as the spec's type and checks refuse it
    (beside an action, unless it is the action)."""
    return [(f'{a.name} {what}', bad if a.name == 'action' else ACCEPT + bad)
            for a in RA.attrs.values() if a.value
            for what, bad in a.invalid(0)]


def fw_crafted(dp, name):
    """(description, command, payload, dump): all must be refused."""
    D = string(A['DP_NAME'], dp)
    N = string(A['NF_NAME'], name)
    F = FWA.put

    def cfg(*attrs):
        return nest(A['NF_CONFIG'], *attrs)

    def op(o, *attrs):
        return cfg(F('op', FW_OP[o]), *attrs)

    def new(*attrs):
        return D + string(A['NF_NAME'], 'fwnew') + \
            string(A['NF_TYPE'], 'fw') + cfg(*attrs)

    good = rule(ACCEPT)
    cases = []
    # Each bad rule four ways; the policy's refusals take one path
    # whatever the op, so those two ways.
    for ways, bads in ((4, bad_rules()), (2, spec_bad_rules())):
        for what, bad in bads:
            r = nest(FW['RULE'], bad)
            cases += [
                (f'NF_SET replace, rule 2: {what}', 'NF_SET',
                 D + N + cfg(nest(FW['RULES'], good, r))),
                (f'NF_SET insert: {what}', 'NF_SET', D + N + op('INSERT', r)),
                (f'NF_SET set rule 0: {what}', 'NF_SET',
                 D + N + op('SET', F('pos', 0), r)),
                (f'NF_NEW: {what}', 'NF_NEW', new(nest(FW['RULES'], r))),
            ][:ways]
    cases += [(f'NF_SET: {a.name} {what}', 'NF_SET', D + N + cfg(bad))
              for a in FWA.attrs.values() if a.value
              for what, bad in a.invalid(0)]
    cases += [
        ('rule without NLA_F_NESTED', 'NF_SET',
         D + N + op('INSERT', attr(FW['RULE'], ACCEPT))),
        ('rule list without NLA_F_NESTED', 'NF_SET',
         D + N + cfg(attr(FW['RULES'], good))),
        ('config without NLA_F_NESTED', 'NF_SET',
         D + N + attr(A['NF_CONFIG'], F('policy', 1))),
        ('rule list holding a position', 'NF_SET',
         D + N + cfg(nest(FW['RULES'], good, F('pos', 0)))),
        ('rule list holding a rule list', 'NF_SET',
         D + N + cfg(nest(FW['RULES'], nest(FW['RULES'], good)))),
        ('rule nested 64 deep', 'NF_SET',
         D + N + op('INSERT', deep_nest(FW['RULE'], 64))),
        ('unknown config attribute', 'NF_SET',
         D + N + cfg(u32(FWA.max + 1, 0))),
        ('reply-only rule count', 'NF_SET', D + N + cfg(F('nrules', 0))),
        ('insert without a rule', 'NF_SET', D + N + op('INSERT')),
        ('insert past the end', 'NF_SET',
         D + N + op('INSERT', F('pos', 1000), good)),
        ('delete without a position', 'NF_SET', D + N + op('DELETE')),
        ('delete past the end', 'NF_SET',
         D + N + op('DELETE', F('pos', 1000))),
        ('delete at position 2^32-1', 'NF_SET',
         D + N + op('DELETE', F('pos', 0xffffffff))),
        ('set without a position', 'NF_SET', D + N + op('SET', good)),
        ('set without a rule', 'NF_SET', D + N + op('SET', F('pos', 0))),
        ('set past the end', 'NF_SET',
         D + N + op('SET', F('pos', 1000), good)),
        ('append without begin', 'NF_SET',
         D + N + op('APPEND', nest(FW['RULES'], good))),
        ('commit without begin', 'NF_SET', D + N + op('COMMIT')),
        ('NF_NEW: insert', 'NF_NEW', new(F('op', FW_OP['INSERT']), good)),
        ('NF_NEW: begin', 'NF_NEW', new(F('op', FW_OP['BEGIN']))),
        ('NF_NEW: policy reject', 'NF_NEW',
         new(F('policy', nl.SPEC.enums['fw-action']['reject']))),
        ('NF_NEW: delete without a position', 'NF_NEW',
         new(F('op', FW_OP['DELETE']))),
        ('NF_ITEM_GET: unknown NF', 'NF_ITEM_GET',
         D + string(A['NF_NAME'], 'nosuchnf')),
        ('NF_ITEM_GET: no NF name', 'NF_ITEM_GET', D),
        ('NF_ITEM_GET: an NF type without items', 'NF_ITEM_GET',
         D + string(A['NF_NAME'], 'forward')),
        ('NF_ITEM_GET: unknown datapath', 'NF_ITEM_GET',
         string(A['DP_NAME'], 'nosuchdp') + N),
        # A refused request leaves the zone limits as they were too.
        ('zone limit with a delete that fails', 'NF_SET',
         D + N + op('DELETE', F('zone-max-flows', 7))),
        ('half-open limit with a bad rule', 'NF_SET',
         D + N + cfg(F('zone-max-half-open', 3),
                     nest(FW['RULES'], rule(RA.put('proto', TCP))))),
    ]
    return [(d, c, p, c == 'NF_ITEM_GET') for d, c, p in cases]


def fw_oversized(g, dp, name):
    """A staged load past FW_MAX_RULES (65536): refused at the message
    that crosses it. Returns the number of failures."""
    D = string(A['DP_NAME'], dp) + string(A['NF_NAME'], name)
    chunk = nest(FW['RULES'], *[rule(ACCEPT)] * 5000)

    def stage(o):
        return g.raw(g.fam, nl.CMD['NF_SET'], D + nest(
            A['NF_CONFIG'], FWA.put('op', FW_OP[o]), chunk))

    err, text, _ = stage('BEGIN')
    i = -1
    for i in range(13):		# 70,000 rules with the BEGIN
        if err:
            break
        err, text, _ = stage('APPEND')
    # Leave nothing staged for long: a new BEGIN drops it.
    g.raw(g.fam, nl.CMD['NF_SET'], D + nest(A['NF_CONFIG'], FWA.put(
        'op', FW_OP['BEGIN'])))
    if err != -errno.E2BIG or 'too many' not in text:
        print(f'FAIL staging 70,000 rules: errno {err} {text!r} at '
              f'message {i + 2}, expected E2BIG "too many rules"')
        return 1
    return 0


def random_rule(rng):
    """A valid rule: its attributes, and what a dump gives back."""
    R, out, got = RULE, [], {}

    def put(key, value, shown=True):
        out.append(RA.put(key, value))
        if shown:
            got[RA[key].value] = RA[key].encode(value)
    put('action', rng.choice(list(nl.SPEC.enums['fw-action'].values())))
    if rng.random() < 0.3:
        put('in-port', rng.randint(*RA['in-port'].bounds()))
    family = rng.choice((0, AF_INET, AF_INET6))
    if family:
        put('family', family)
        alen = 4 if family == AF_INET else 16
        for a, al in (('SRC', 'SRC_LEN'), ('DST', 'DST_LEN')):
            if rng.random() < 0.5:
                continue
            addr = bytes(rng.getrandbits(8) for _ in range(alen))
            plen = rng.choice((None, rng.randrange(alen * 8 + 1)))
            out.append(RA.put(a, addr))
            if plen is not None:
                out.append(RA.put(al, plen))
            plen = alen * 8 if plen is None else plen
            if plen:	# stored masked; /0 is not shown
                mask = ((1 << plen) - 1) << (alen * 8 - plen)
                got[R[a]] = (int.from_bytes(addr, 'big') & mask).to_bytes(
                    alen, 'big')
                got[R[al]] = RA[al].encode(plen)
    proto = rng.choice((0, TCP, UDP, 132, 136, ICMP, ICMPV6, 47))
    if proto or rng.random() < 0.2:
        put('proto', proto, bool(proto))
    if proto in (TCP, UDP, 132, 136):
        for lo, hi in (('SPORT_MIN', 'SPORT_MAX'), ('DPORT_MIN', 'DPORT_MAX')):
            a = rng.choice((None, rng.randrange(65536)))
            b = rng.choice((None, rng.randrange(a or 0, 65536)))
            if a is not None:
                out.append(RA.put(lo, a))
            if b is not None:
                out.append(RA.put(hi, b))
            a, b = a or 0, b if b is not None else a if a is not None else 65535
            if (a, b) != (0, 65535):
                got[R[lo]], got[R[hi]] = RA[lo].encode(a), RA[hi].encode(b)
    if proto in (ICMP, ICMPV6):
        for key in ('ICMP_TYPE', 'ICMP_CODE'):
            if rng.random() < 0.5:
                put(key, rng.randrange(256))
    if rng.random() < 0.4:
        states = rng.randrange(RA['ctstate'].checks()['mask'] + 1)
        put('ctstate', states, bool(states))
    rng.shuffle(out)
    return rule(*out), got


def fw_random(g, dp, name, seed, count):
    """Random edits, valid and not, against a model of the rules."""
    rng = random.Random(seed)
    D = string(A['DP_NAME'], dp) + string(A['NF_NAME'], name)
    bads = bad_rules() + spec_bad_rules()
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
        cfg = [FWA.put('op', FW_OP[o])]
        if o == 'REPLACE':
            cfg.append(nest(FW['RULES'], *[r for r, _ in rules]))
            want = [g for _, g in rules]
        else:
            cfg.append(FWA.put('pos', pos))
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


# The CGNAT NF (nfv_cgnat.ko): NF_NEW configurations, crafted at the
# edges and seeded random, each taken (then shown as sent, and deleted)
# or refused with a message; NF_SET refused, the instances unchanged.
CG = nl.SPEC.sets['cgnat']
CP = nl.SPEC.sets['cgnat-pool']
CGNAT_REFCNT = '/sys/module/nfv_cgnat/refcnt'


def ip4(s):
    return int.from_bytes(bytes(int(x) for x in s.split('.')), 'big')


def cg_pool(addr, plen=None, *extra):
    return CG.put('pool', [CP.put('addr', ip4(addr) if isinstance(addr, str)
                                  else addr)] +
                  ([CP.put('len', plen)] if plen is not None else []) +
                  list(extra))


def cg_pools(*pools):
    return CG.put('pools', list(pools))


def cg_instances(g, dp):
    """{name: info} of the cgnat instances of DP, info without counters."""
    out = {}
    for n in g.cmd('NF_GET', string(A['DP_NAME'], dp), dump=True):
        if n.get(A['NF_TYPE'], [b''])[0].rstrip(b'\0') != b'cgnat':
            continue
        info = CG.parse(n[A['NF_INFO']][0])
        info.pop('stats', None)
        pools = [(p['addr'][0], p.get('len', [32])[0])
                 for p in info.get('pools', [{}])[0].get('pool', [])]
        info['pools'] = pools
        out[n[A['NF_NAME']][0].rstrip(b'\0').decode()] = info
    return out


def cg_refcnt():
    try:
        with open(CGNAT_REFCNT) as f:
            return int(f.read())
    except OSError:
        return None


def cg_crafted():
    """(description, config attributes, True if it must be taken, False
    if refused, None if either)."""
    P, big = cg_pool, 0xffffffff
    one = cg_pools(P('192.0.2.0', 24))
    raw_pool = nl.attr(CG['pool'].value, CP.put('addr', ip4('192.0.2.1')))
    cases = [
        ('one /24', [one], True),
        ('one address', [cg_pools(P('192.0.2.7'))], True),
        ('eight pools', [cg_pools(*[P(f'192.0.{i}.0', 28)
                                    for i in range(8)])], True),
        ('nine pools', [cg_pools(*[P(f'192.0.{i}.0', 28)
                                   for i in range(9)])], False),
        ('a /16 of 4032-port blocks (2^20 descriptors)',
         [cg_pools(P('10.0.0.0', 16)), CG.put('block-size', 4032)], True),
        ('a /16 of 2016-port blocks (2^21 descriptors)',
         [cg_pools(P('10.0.0.0', 16)), CG.put('block-size', 2016)], False),
        ('two /16s', [cg_pools(P('10.0.0.0', 16), P('10.1.0.0', 16)),
                      CG.put('block-size', 64512)], False),
        ('a /16 and a /32', [cg_pools(P('10.0.0.0', 16), P('10.1.0.0')),
                             CG.put('block-size', 64512)], False),
        ('/15', [cg_pools(P('10.0.0.0', 15))], False),
        ('/33', [cg_pools(P('10.0.0.0', 33))], False),
        ('host bits', [cg_pools(P('192.0.2.1', 24))], False),
        ('pool without an address', [cg_pools(CG.put(
            'pool', [CP.put('len', 24)]))], False),
        ('duplicate pool', [cg_pools(P('192.0.2.0', 24),
                                     P('192.0.2.0', 24))], False),
        ('a pool inside another', [cg_pools(P('192.0.2.0', 24),
                                            P('192.0.2.64', 26))], False),
        ('a pool holding another', [cg_pools(P('192.0.2.64', 26),
                                             P('192.0.2.0', 24))], False),
        ('pool over the inside prefix', [cg_pools(P('100.64.0.0', 16))],
         False),
        ('pool holding the inside prefix', [cg_pools(P('100.0.0.0', 16)),
                                            CG.put('inside-len', 24)], False),
        ('pool in 100.64/10, inside 10/8',
         [cg_pools(P('100.64.0.0', 24)), CG.put('inside', ip4('10.0.0.0')),
          CG.put('inside-len', 8)], True),
        ('inside /1', [one, CG.put('inside', 0), CG.put('inside-len', 1)],
         True),
        ('inside 100.64.0.1 alone (a /32)',
         [one, CG.put('inside', ip4('100.64.0.1'))], True),
        ('inside 100.64.0.1/10', [one, CG.put('inside', ip4('100.64.0.1')),
                                  CG.put('inside-len', 10)], False),
        ('inside-len 8 on the default 100.64.0.0', [one,
                                                     CG.put('inside-len', 8)],
         False),
        ('no pools', [CG.put('block-size', 512)], False),
        ('empty pools', [cg_pools()], False),
        ('pools holding an address', [CG.put('pools', [CP.put(
            'addr', ip4('192.0.2.0'))])], False),
        ('a pool at top level', [P('192.0.2.0', 24)], False),
        ('pool without NLA_F_NESTED', [cg_pools(raw_pool)], False),
        ('pools with 3 bytes after the pool',
         [nl.attr(CG['pools'].value | nl.NLA_F_NESTED,
                  P('192.0.2.0', 24) + b'\1\2\3')], False),
        ('pools whose second pool is truncated',
         [nl.attr(CG['pools'].value | nl.NLA_F_NESTED,
                  P('192.0.2.0', 24) + P('198.18.0.0', 24)[:10])], False),
        ('pool with a truncated length',
         [cg_pools(nl.attr(CG['pool'].value | nl.NLA_F_NESTED,
                           CP.put('addr', ip4('192.0.2.0')) + b'\5\0'))],
         False),
        ('pool with an unknown attribute',
         [cg_pools(P('192.0.2.0', 24, u32(CP.max + 1, 0)))], False),
        ('pool with a reply-only attribute',
         [cg_pools(P('192.0.2.0', 24, CP.put('blocks', 1)))], None),
        ('block size 8 on a /32', [cg_pools(P('192.0.2.1')),
                                   CG.put('block-size', 8)], True),
        ('block size 8 on a /24 (2M descriptors)',
         [one, CG.put('block-size', 8)], False),
        ('block size 64512', [one, CG.put('block-size', 64512)], True),
        ('block size 1000', [one, CG.put('block-size', 1000)], False),
        ('block size 7', [one, CG.put('block-size', 7)], False),
        ('block size 2^32-1', [one, CG.put('block-size', big)], False),
        ('max-blocks 0', [one, CG.put('max-blocks', 0)], False),
        ('max-blocks 64', [one, CG.put('max-blocks', 64)], True),
        ('max-blocks 65', [one, CG.put('max-blocks', 65)], False),
        ('max-sessions 0', [one, CG.put('max-sessions', 0)], False),
        ('max-sessions 2^32-1', [one, CG.put('max-sessions', big)], True),
        ('quarantine 0', [one, CG.put('quarantine', 0)], True),
        ('quarantine 86401', [one, CG.put('quarantine', 86401)], False),
        ('largest limits', [one, CG.put('max-subscribers', 1 << 24),
                            CG.put('max-mappings', 1 << 24)], True),
        ('limits over 2^24', [one, CG.put('max-mappings', (1 << 24) + 1)],
         False),
        ('limits 2^32-1', [one, CG.put('max-subscribers', big)], False),
        ('outside zone 65535', [one, CG.put('outside-zone', 65535)], True),
        ('filtering 2', [one, CG.put('filtering', 2)], False),
        ('filtering 255', [one, CG.put('filtering', 255)], False),
        ('reply-only counts', [one, CG.put('subscribers', 1),
                               CG.put('mappings', 1)], None),
        ('reply-only stats', [one, CG.put('stats', [])], None),
        ('unknown attribute', [one, u32(CG.max + 1, 0)], False),
        ('attribute type 0', [one, u32(0, 0)], False),
        ('pools nested 64 deep', [deep_nest(CG['pools'].value, 64)], False),
    ]
    for cls, floor in (('udp', 120), ('tcp-established', 7440),
                       ('tcp-transitory', 240), ('icmp', 60)):
        t = 'timeout-' + cls
        cases += [(f'{t} {v}', [one, CG.put(t, v)], v >= floor and
                   v <= 604800)
                  for v in (0, 1, floor - 1, floor, 604800, 604801, big)]
    # What the spec says each attribute's policy refuses.
    cases += [(f'{a.name} {what}', [one, bad], False)
              for a in CG.attrs.values() if a.value and a.name != 'pools'
              for what, bad in a.invalid(1)]
    return cases


def cg_random_pool(rng):
    """A pool, well formed or not: (attribute, (addr, len) or None if
    malformed)."""
    base = rng.choice(('192.0.2.0', '198.18.0.0', '10.0.0.0', '100.64.0.0',
                       '0.0.0.0', '255.255.255.255', '203.0.113.128'))
    addr = ip4(base) ^ (rng.getrandbits(32) if rng.random() < 0.2 else 0)
    plen = rng.choice((None, 16, 20, 24, 28, 30, 31, 32, 15, 0, 33, 255))
    mask = ((1 << 32) - 1) << (32 - (32 if plen is None else plen)) \
        if plen is None or 0 < plen <= 32 else 0
    if rng.random() < 0.8:
        addr &= mask
    p = cg_pool(addr, plen)
    ok = plen is None or 16 <= plen <= 32
    r = rng.random()
    if r < 0.05:
        p = p[:rng.randrange(4, len(p))]		# truncated
        ok = False
    elif r < 0.08:
        p = nl.attr(CG['pool'].value, p[4:])		# no NLA_F_NESTED
        ok = False
    return p, (addr, 32 if plen is None else plen) if ok else None


def cg_random(rng):
    """A random configuration: (attributes, what show must say of it if
    taken, or None if it sends something malformed)."""
    want, attrs = {}, []
    pools = [cg_random_pool(rng) for _ in range(rng.choice((0, 1, 1, 2, 3,
                                                            8, 9)))]
    if rng.random() < 0.05:
        pools.append(pools[-1] if pools else cg_random_pool(rng))
    if rng.random() < 0.95:
        attrs.append(nl.attr(CG['pools'].value | nl.NLA_F_NESTED,
                             b''.join(p for p, _ in pools)))
    ok = all(w for _, w in pools)
    want['pools'] = [w for _, w in pools]
    choices = {
        'block-size': (8, 16, 504, 512, 4032, 64512, 0, 1000, 65536),
        'max-blocks': (1, 4, 64, 0, 65),
        'max-sessions': (1, 4096, 0xffffffff, 0),
        'quarantine': (0, 120, 86400, 86401),
        'max-subscribers': (1, 65536, 1 << 24, 0, (1 << 24) + 1),
        'max-mappings': (1, 262144, 1 << 24, 0, 0xffffffff),
        'outside-zone': (0, 1, 65535),
        'filtering': (0, 1, 2),
        'inside-len': (1, 10, 24, 32, 0, 33),
        'inside': (ip4('100.64.0.0'), ip4('10.0.0.0'), ip4('100.64.0.1'), 0),
        'timeout-udp': (119, 120, 300, 604800, 604801),
        'timeout-tcp-established': (7439, 7440, 604800),
        'timeout-tcp-transitory': (0, 239, 240),
        'timeout-icmp': (59, 60, 3600),
    }
    for name, values in choices.items():
        if rng.random() < 0.3:
            v = rng.choice(values)
            attrs.append(CG.put(name, v))
            want[name] = v
    if rng.random() < 0.05:
        attrs.append(u32(CG.max + 1 + rng.randrange(4), 0))
        ok = False
    rng.shuffle(attrs)
    return attrs, want if ok else None


def cg_shown(info, want):
    """What show gives of a taken configuration but it did not send."""
    wrong = []
    if info['pools'] != want['pools']:
        wrong.append(f"pools {info['pools']}, sent {want['pools']}")
    for name, v in want.items():
        if name != 'pools' and info.get(name, [None])[0] != v:
            wrong.append(f'{name} {info.get(name)}, sent {v}')
    return wrong


def cg_try(g, dp, desc, attrs, expect, want=None):
    """One NF_NEW; returns the failures (printed)."""
    D = string(A['DP_NAME'], dp)
    name = string(A['NF_NAME'], 'cgfz')
    err, text, _ = g.raw(g.fam, nl.CMD['NF_NEW'], D + name +
                         string(A['NF_TYPE'], 'cgnat') +
                         nest(A['NF_CONFIG'], *attrs))
    wrong = []
    if err >= 0:
        if expect is False:
            wrong.append('accepted')
        info = cg_instances(g, dp).get('cgfz')
        if info is None:
            wrong.append('taken but not shown')
        elif want is not None:
            wrong += cg_shown(info, want)
        derr, dtext, _ = g.raw(g.fam, nl.CMD['NF_DEL'], D + name)
        if derr:
            wrong.append(f'NF_DEL: errno {derr} {dtext!r}')
    else:
        if expect is True:
            wrong.append(f'refused: errno {err} {text!r}')
        elif not text:
            wrong.append(f'refused without a message (errno {err})')
    if wrong:
        print(f'FAIL cgnat {desc}: {"; ".join(wrong)}')
    return len(wrong), err >= 0


def cg_main(g, args):
    """--cgnat NAME: NAME an instance of DP that must come through."""
    start = time.monotonic()
    before, refs = cg_instances(g, args.dp), cg_refcnt()
    if args.cgnat not in before:
        print(f'FAIL no cgnat instance {args.cgnat} in {args.dp}')
        return 1
    failures = taken = 0
    cases = cg_crafted()
    for desc, attrs, expect in cases:
        f, ok = cg_try(g, args.dp, desc, attrs, expect)
        failures, taken = failures + f, taken + ok
    # NF_SET: no reconfiguration in this slice, whatever it holds.
    D = string(A['DP_NAME'], args.dp) + string(A['NF_NAME'], args.cgnat)
    for desc, attrs, _ in cases[:8] + [('nothing', [], None)]:
        err, text, _ = g.raw(g.fam, nl.CMD['NF_SET'],
                             D + nest(A['NF_CONFIG'], *attrs))
        if err >= 0 or not text:
            print(f'FAIL cgnat NF_SET {desc}: errno {err} {text!r}')
            failures += 1
    rng = random.Random(args.seed)
    for i in range(args.random):
        attrs, want = cg_random(rng)
        f, ok = cg_try(g, args.dp, f'random {i} (seed {args.seed})', attrs,
                       None if want else False, want)
        failures, taken = failures + f, taken + ok
    # After them all a configuration is still taken: nothing leaked the
    # datapath's timeout classes or NF slots.
    failures += cg_try(g, args.dp, 'one /24 after the fuzz', [cg_pools(
        cg_pool('192.0.2.0', 24))], True)[0]
    if cg_instances(g, args.dp) != before:
        print(f'FAIL cgnat instances changed:\n  {before}\n  '
              f'{cg_instances(g, args.dp)}')
        failures += 1
    # Each instance holds the module until its RCU callback has run.
    deadline = time.monotonic() + 10
    # Flows of the test's own instances may go meanwhile: at most.
    while (cg_refcnt() or 0) > (refs or 0) and time.monotonic() < deadline:
        time.sleep(0.1)
    if (cg_refcnt() or 0) > (refs or 0):
        print(f'FAIL nfv_cgnat refcnt {cg_refcnt()}, was {refs}')
        failures += 1
    print(f'nlfuzz: {len(cases)} crafted and {args.random} random cgnat '
          f'configurations (seed {args.seed}), {taken} taken, {failures} '
          f'failures, {time.monotonic() - start:.1f} s')
    return failures


# Values the spec cannot know. An NF type no module provides has the
# kernel run modprobe for it, most of a second in the VM: the built-in
# types only (2000 requests took 41 s on 6.1 with the spec's strings, 9
# without). A datapath of the largest max-flows allocates 32 MB of
# buckets, dear under KASAN: up to the default (500 requests took 76 s on
# the debug kernel with it).
KNOWN = {'nf-type': ['forward', 'pass', 'drop'],
         'dp-max-flows': [1, 2, 65536]}


def spec_random(g, seed, count):
    """Seeded requests built from the spec: a command that takes a do
    request, some of its attributes at values their checks accept (at
    their edges), and in about a third one attribute as its policy
    refuses it, which must have the request refused. The names the spec
    gives valid strings are no datapath under test; datapaths made are
    deleted after. Returns the number of failures."""
    rng, t0 = random.Random(seed), time.monotonic()
    dps = {d[A['DP_NAME']][0] for d in g.cmd('DP_GET', dump=True)}
    ops = [o for o in nl.SPEC.ops.values()
           if o.request('do') and not o.event]
    failures = accepted = 0
    for _ in range(count):
        op = rng.choice(ops)
        aset, names = nl.SPEC.sets[op.attribute_set], op.request('do')
        attrs = [aset.put(n, rng.choice(KNOWN.get(n, aset[n].valid())))
                 for n in names if rng.random() < 0.7 and aset[n].valid()]
        bad = rng.random() < 0.3 and rng.choice(names)
        bads = bad and aset[bad].invalid()
        if bads:
            what, b = rng.choice(bads)
            attrs.insert(rng.randrange(len(attrs) + 1), b)
        err, text, _ = g.raw(g.fam, op.value, b''.join(attrs))
        if bads and err >= 0:
            print(f'FAIL {nl.c_name(op.name)} with {bad} {what} accepted')
            failures += 1
        accepted += err >= 0
    for d in g.cmd('DP_GET', dump=True):
        if d[A['DP_NAME']][0] not in dps:
            g.raw(g.fam, nl.CMD['DP_DEL'], attr(A['DP_NAME'],
                                                d[A['DP_NAME']][0]))
    print(f'nlfuzz: {count} random requests from the spec (seed {seed}), '
          f'{accepted} accepted, {failures} failures, '
          f'{time.monotonic() - t0:.1f} s')
    return failures


DUMP_ONLY = [nl.c_name(o.name) for o in nl.SPEC.ops.values()
             if 'dump' in o.y and 'do' not in o.y]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('dp')
    ap.add_argument('--dev', default='r0')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--random', type=int, default=2000)
    ap.add_argument('--expect-eperm', action='store_true')
    ap.add_argument('--fw')
    ap.add_argument('--cgnat')
    args = ap.parse_args()
    g = nl.Genl()
    if args.fw:
        return 1 if fw_main(g, args) else 0
    if args.cgnat:
        return 1 if cg_main(g, args) else 0

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

    start = time.monotonic()
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
    failures += any_version(g, args.dp)
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
    # A quarter as many: each costs more (datapaths made and deleted).
    failures += spec_random(g, args.seed, args.random // 4)
    if snapshot(g, args.dp) != before:
        print('FAIL random requests changed the datapath under test')
        failures += 1
    print(f'nlfuzz: {len(cases)} crafted requests, {failures} failures; '
          f'{args.random} random (seed {args.seed}), {accepted} accepted; '
          f'{time.monotonic() - start:.1f} s in all')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
