# SPDX-License-Identifier: GPL-2.0
"""Minimal generic netlink client for the nfv family, for fuzzers and tests.

Speaks raw netlink with the standard library, and takes the family from
its YNL spec, Documentation/netlink/specs/nfv.yaml (read with python3-yaml):
the version, the commands, every attribute set (names, numbers, types, byte
order, checks) and the enums. Nothing of the ABI is copied here, so the
client follows the spec as it changes.

    S = nfvnl.SPEC
    S.sets['nfv'].put('dp-name', 'dp0')          # an attribute, by name
    S.sets['fw-rule'].put('dport-min', 80)       # be16 if the spec says so
    S.sets['nfv'].put('chain', [S.sets['chain'].put('nf-name', 'fw1')])
    S.sets['fw-rule']['ctstate'].invalid()        # what its policy refuses

The constants of the older hand-written interface (VERSION, CMD, A, FW,
FW_OP, RULE, A_MAX, RULE_MAX) are derived from the spec too. NFV_SPEC in
the environment names another spec file.
"""
import os
import re
import socket
import struct

import yaml

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NETLINK_CAP_ACK = 10
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLM_F_DUMP = 0x300
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG = 1
NLA_F_NESTED = 0x8000

# The spec beside the checkout this file is in: the same path on the host
# and in the test VM, which mounts the checkout where the host has it.
SPEC_PATH = os.environ.get('NFV_SPEC') or os.path.normpath(os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', '..', '..',
    'Documentation', 'netlink', 'specs', 'nfv.yaml'))

# struct formats of the spec's scalar types.
INT_FMT = dict(u8='B', u16='H', u32='I', u64='Q', s8='b', s16='h', s32='i',
               s64='q')
ORDER = {'big-endian': '>', 'little-endian': '<'}


def c_name(name):
    """dp-name -> DP_NAME, as the header spells it without its prefix."""
    return name.upper().replace('-', '_')


def key(name):
    """DP_NAME or dp-name -> dp-name, the spec's spelling."""
    return name.lower().replace('_', '-')


def attr(atype, data):
    length = 4 + len(data)
    return struct.pack('HH', length, atype) + data + b'\0' * (-length % 4)


def string(atype, value):
    return attr(atype, value.encode() + b'\0')


def u32(atype, value):
    return attr(atype, struct.pack('I', value))


def u8(atype, value):
    return attr(atype, struct.pack('B', value))


def u16(atype, value):
    return attr(atype, struct.pack('H', value))


def nest(atype, *attrs):
    return attr(atype | NLA_F_NESTED, b''.join(attrs))


def parse_attrs(data):
    """Returns {type: [payload, ...]} of one attribute level."""
    out, off = {}, 0
    while off + 4 <= len(data):
        length, atype = struct.unpack_from('HH', data, off)
        if length < 4:
            break
        out.setdefault(atype & 0x3fff, []).append(data[off + 4:off + length])
        off += (length + 3) & ~3
    return out


class Attr:
    """One attribute of a set: its number, type, byte order and checks."""

    def __init__(self, spec, aset, y, value):
        self.spec, self.set, self.name, self.value = spec, aset, y['name'], value
        self.type = y.get('type')
        self.byte_order = y.get('byte-order')
        self.nested = y.get('nested-attributes')
        self.multi = y.get('multi-attr', False)
        self.enum = y.get('enum')
        self.y = y

    def __repr__(self):
        return f'<{self.set}.{self.name} = {self.value}, {self.type}>'

    @property
    def fmt(self):
        """The struct format of an integer type, None for the others."""
        if self.type not in INT_FMT:
            return None
        return ORDER.get(self.byte_order, '=') + INT_FMT[self.type]

    @property
    def size(self):
        return struct.calcsize(self.fmt) if self.fmt else None

    def checks(self):
        """The policy's checks the spec gives, as numbers: min, max,
        min-len, max-len, exact-len, mask; an enum without checks is
        bounded by its last value, as YNL renders it."""
        y = dict(self.y.get('checks', {}))
        out = {k: self.spec.number(v) for k, v in y.items()
               if k not in ('flags-mask', 'unterminated-ok')}
        if 'flags-mask' in y:
            out['mask'] = self.spec.mask(y['flags-mask'])
        elif self.enum and not self.y.get('enum-as-flags') and not out:
            out['max'] = max(self.spec.enums[self.enum].values())
        return out

    def bounds(self):
        """The smallest and largest value the type and checks accept."""
        c = self.checks()
        lo, hi = Attr.bounds_of(self.type)
        return c.get('min', lo), c.get('max', c.get('mask', hi))

    def encode(self, value):
        """The payload of a value: int for the integer types, str for a
        string, bytes for binary, an iterable of attributes for a nest."""
        if self.fmt:
            return struct.pack(self.fmt, value)
        if self.type == 'string':
            return value.encode() + b'\0'
        if self.type == 'nest':
            return b''.join(value)
        if self.type == 'flag':
            return b''
        return bytes(value)

    def decode(self, payload):
        if self.fmt:
            return struct.unpack(self.fmt, payload)[0]
        if self.type == 'string':
            return payload.rstrip(b'\0').decode(errors='replace')
        if self.type == 'nest' and self.nested:
            return self.spec.sets[self.nested].parse(payload)
        return payload

    def put(self, value):
        """The attribute, with NLA_F_NESTED on a nest."""
        flags = NLA_F_NESTED if self.type == 'nest' else 0
        return attr(self.value | flags, self.encode(value))

    def valid(self, depth=1):
        """Values the type and the checks accept, at their edges; for a
        nest, empty and, depth levels down, holding each attribute of its
        set at its first such value."""
        c = self.checks()
        if self.fmt:
            lo, hi = self.bounds()
            if 'mask' in c:
                return [0, c['mask']]
            return sorted({lo, hi, min(lo + 1, hi)})
        if self.type == 'string':
            return ['a', 'a' * c.get('max-len', 32)]
        if self.type == 'binary':
            n = c.get('exact-len', c.get('max-len', 16))
            return [bytes(c.get('min-len', 0)), bytes(range(n))]
        if self.type == 'nest':
            inner = self.spec.sets.get(self.nested)
            if not inner or depth < 1:
                return [[]]
            return [[], [a.put(a.valid(depth - 1)[0])
                         for a in inner.attrs.values() if a.valid(0)]]
        return [True] if self.type == 'flag' else []

    def invalid(self, depth=1):
        """(what, attribute) pairs the kernel's policy refuses by the spec:
        wrong lengths, values outside the checks, a string without its
        NUL or too long, a nest without NLA_F_NESTED and a scalar with it,
        and, depth levels down, a nest holding one of its set's invalid
        attributes."""
        c, n, out = self.checks(), self.value, []
        if self.fmt:
            for size in sorted({0, 1, 2, 3, 4, 8} - {self.size}):
                out.append((f'{size} bytes', attr(n, bytes(range(1, size + 1)))))
            lo, hi = self.bounds()
            tmin, tmax = Attr.bounds_of(self.type)
            if 'mask' in c and c['mask'] < tmax:
                # The lowest bit outside the mask.
                bit = (c['mask'] + 1) & ~c['mask']
                out.append((f'bit {bit:#x} outside the mask', self.put(bit)))
            elif hi < tmax:
                out.append((f'{hi + 1}, over the maximum', self.put(hi + 1)))
            if lo > tmin:
                out.append((f'{lo - 1}, under the minimum', self.put(lo - 1)))
            out.append(('with NLA_F_NESTED', attr(n | NLA_F_NESTED,
                                                   self.encode(lo))))
        elif self.type == 'string':
            longest = c.get('max-len')
            out.append(('empty, no NUL', attr(n, b'')))
            out.append(('without its NUL', attr(n, b'abc')))
            if longest is not None:
                out.append((f'{longest + 1} characters',
                            self.put('s' * (longest + 1))))
            out.append(('with NLA_F_NESTED', attr(n | NLA_F_NESTED, b'a\0')))
        elif self.type == 'binary':
            if 'max-len' in c:
                out.append((f"{c['max-len'] + 1} bytes",
                            attr(n, bytes(c['max-len'] + 1))))
            if 'exact-len' in c:
                out.append((f"{c['exact-len'] - 1} bytes",
                            attr(n, bytes(c['exact-len'] - 1))))
            if c.get('min-len'):
                out.append((f"{c['min-len'] - 1} bytes",
                            attr(n, bytes(c['min-len'] - 1))))
        elif self.type == 'nest':
            out.append(('without NLA_F_NESTED', attr(n, b'')))
            inner = self.spec.sets.get(self.nested)
            if inner and depth > 0:
                for a in inner.attrs.values():
                    out += [(f'holding {a.name} {what}', self.put([bad]))
                            for what, bad in a.invalid(depth - 1)]
                out.append((f'holding unknown attribute {inner.max + 1}',
                            self.put([attr(inner.max + 1, bytes(4))])))
        return out

    @staticmethod
    def bounds_of(atype):
        """The range of an integer type."""
        bits = struct.calcsize(INT_FMT[atype]) * 8
        if atype.startswith('s'):
            return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        return 0, (1 << bits) - 1


class AttrSet:
    """An attribute set; a subset has its parent's numbers and types."""

    def __init__(self, spec, y):
        self.spec, self.name = spec, y['name']
        self.subset_of = y.get('subset-of')
        self.y = y
        self.attrs = {}

    def resolve(self):
        if self.subset_of:
            parent = self.spec.sets[self.subset_of]
            for a in self.y['attributes']:
                self.attrs[a['name']] = parent.attrs[a['name']]
        else:
            value = 1		# YNL: one more than the previous, from 1
            for a in self.y['attributes']:
                value = a.get('value', value)
                self.attrs[a['name']] = Attr(self.spec, self.name, a, value)
                value += 1
        self.by_value = {a.value: a for a in self.attrs.values()}
        self.max = max(self.by_value) if self.subset_of is None else \
            self.spec.sets[self.subset_of].max

    def __getitem__(self, name):
        return self.attrs[key(name)]

    def __contains__(self, name):
        return key(name) in self.attrs

    def put(self, name, value):
        return self[name].put(value)

    def consts(self):
        """{DP_NAME: 2, ...}: the attribute numbers by their C names."""
        return {c_name(a.name): a.value for a in self.attrs.values()}

    def parse(self, data):
        """{name: [decoded value, ...]} of one level; nests decoded too,
        unknown numbers kept as raw payloads under their number."""
        out = {}
        for atype, payloads in parse_attrs(data).items():
            a = self.by_value.get(atype)
            out[a.name if a else atype] = [a.decode(p) if a else p
                                           for p in payloads]
        return out


class Op:
    def __init__(self, y, value):
        self.name, self.value, self.y = y['name'], value, y
        self.attribute_set = y.get('attribute-set')
        self.event = 'event' in y
        self.flags = y.get('flags', [])

    def __repr__(self):
        return f'<op {self.name} = {self.value}>'

    def request(self, mode):
        """The request's attribute names of do or dump, None without it."""
        if mode not in self.y:
            return None
        return self.y[mode].get('request', {}).get('attributes', [])


class Spec:
    def __init__(self, path=SPEC_PATH):
        with open(path) as f:
            self.y = yaml.safe_load(f)
        self.path = path
        self.name = self.y['name']
        self.version = self.y.get('version', 1)
        self.consts, self.enums, self.flags = {}, {}, set()
        for d in self.y.get('definitions', []):
            if d['type'] == 'const':
                self.consts[d['name']] = d['value']
                continue
            if d['type'] not in ('enum', 'flags'):
                continue
            entries, value = {}, d.get('value-start', 0)
            for e in d['entries']:
                e = e if isinstance(e, dict) else {'name': e}
                value = e.get('value', value)
                entries[e['name']] = 1 << value if d['type'] == 'flags' \
                    else value
                value += 1
            self.enums[d['name']] = entries
            if d['type'] == 'flags':
                self.flags.add(d['name'])
        self.sets = {s['name']: AttrSet(self, s)
                     for s in self.y['attribute-sets']}
        for s in sorted(self.sets.values(), key=lambda s: bool(s.subset_of)):
            s.resolve()
        self.ops, value = {}, 1
        for o in self.y['operations']['list']:
            value = o.get('value', value)
            self.ops[o['name']] = Op(o, value)
            value += 1
        self.mcast_groups = [g['name'] for g in
                             self.y.get('mcast-groups', {}).get('list', [])]

    def number(self, v):
        """A check's value: an integer, a const's name, or "NAME +/- N"."""
        if isinstance(v, int):
            return v
        m = re.fullmatch(r'\s*([\w-]+)\s*(?:([+-])\s*(\d+))?\s*', str(v))
        if not m or m.group(1) not in self.consts:
            raise ValueError(f'{self.path}: "{v}" is no number or const')
        n = int(m.group(3) or 0)
        return self.consts[m.group(1)] + (-n if m.group(2) == '-' else n)

    def mask(self, enum):
        """The bits of an enum used as flags."""
        values = self.enums[enum].values()
        if enum in self.flags:
            return sum(values)
        return sum(1 << v for v in values)

    def enum(self, name):
        """{ENTRY: value} of an enum, by the entries' C names."""
        return {c_name(e): v for e, v in self.enums[name].items()}

    def commands(self):
        """{DP_NEW: 1, ...}: the ops a request can name (not the events)."""
        return {c_name(o.name): o.value for o in self.ops.values()
                if not o.event}

    def op(self, name):
        return self.ops[key(name)]


SPEC = Spec()

# The older interface, by the header's names without their prefixes.
VERSION = SPEC.version
CMD = SPEC.commands()
A = SPEC.sets['nfv'].consts()
A_MAX = SPEC.sets['nfv'].max
# The fw NF type's configuration (NFV_A_NF_CONFIG) and rules.
FW = SPEC.sets['fw'].consts()
FW_OP = SPEC.enum('fw-op')
RULE = SPEC.sets['fw-rule'].consts()
RULE_MAX = SPEC.sets['fw-rule'].max


class Error(Exception):
    def __init__(self, errno, msg):
        super().__init__(f'{msg or "(no message)"}: errno {errno}')
        self.errno, self.msg = errno, msg


class Genl:
    def __init__(self, family=SPEC.name):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.bind((0, 0))
        self.sock.settimeout(10)
        self.seq = 1
        self.fam = self._resolve(family)

    def close(self):
        self.sock.close()

    def raw(self, fam, cmd, payload, flags=NLM_F_REQUEST | NLM_F_ACK,
            version=VERSION):
        """Sends one request; returns (errno, extack message, replies)."""
        body = struct.pack('BBH', cmd, version, 0) + payload
        hdr = struct.pack('IHHII', 16 + len(body), fam, flags, self.seq, 0)
        self.seq += 1
        self.sock.send(hdr + body)
        replies = []
        while True:
            data = self.sock.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                length, mtype, mflags, _, _ = struct.unpack_from('IHHII',
                                                                 data, off)
                msg = data[off + 16:off + length]
                off += (length + 3) & ~3
                if mtype in (NLMSG_ERROR, NLMSG_DONE):
                    # An error echoes the request's header (capped); a
                    # dump's error comes in its DONE.
                    errno = struct.unpack_from('i', msg)[0] if msg else 0
                    text = ''
                    tlvs = msg[4 + 16:] if mtype == NLMSG_ERROR else msg[4:]
                    if mflags & NLM_F_ACK_TLVS:
                        tlvs = parse_attrs(tlvs)
                        if NLMSGERR_ATTR_MSG in tlvs:
                            text = tlvs[NLMSGERR_ATTR_MSG][0].rstrip(b'\0')
                            text = text.decode()
                    return errno, text, replies
                replies.append(msg[4:])

    def _resolve(self, name):
        err, text, replies = self.raw(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                      string(CTRL_ATTR_FAMILY_NAME, name))
        if err:
            raise Error(err, text or f'family {name} not found')
        fam = parse_attrs(replies[0])[CTRL_ATTR_FAMILY_ID][0]
        return struct.unpack('H', fam[:2])[0]

    def cmd(self, name, payload=b'', dump=False, version=VERSION):
        flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
        err, text, replies = self.raw(self.fam, SPEC.op(name).value, payload,
                                      flags, version)
        if err:
            raise Error(err, text)
        return [parse_attrs(r) for r in replies]
