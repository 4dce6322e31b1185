#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks that the YNL spec, the uapi header and the kernel's policies agree.

Documentation/netlink/specs/nfv.yaml describes the family; uapi/linux/nfv.h
and the nla_policy arrays and genl_ops in kmod/ are written by hand. This
reads the C with regular expressions (the shapes this tree uses, not all
of C) and prints one line per disagreement; exit status 1 if any.
Usage: check-spec.py [SPEC [HEADER [SOURCE...]]]
"""
import glob
import os
import re
import sys

import yaml

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
KERNEL_CONSTS = {'IFNAMSIZ': 16}  # include/uapi/linux/if.h
BE = {'byte-order': 'big-endian'}
NLA_TYPES = {f'NLA_{t.upper()}': t for t in ('u8', 'u16', 'u32', 'u64', 'flag', 'binary')}
NLA_TYPES.update(NLA_NESTED='nest', NLA_NUL_STRING='string', NLA_STRING='string',
                 NLA_BE16='u16', NLA_BE32='u32')
# nla_put_X: the spec's type; be16, be32 and in_addr put big-endian values.
PUT_TYPES = dict(u8='u8', u16='u16', u32='u32', u64_64bit='u64', be16='u16', be32='u32',
                 in_addr='u32', in6_addr='binary', string='string', flag='flag')
errors = []


def err(msg):
    errors.append(msg)


def c_name(name):
    return name.upper().replace('-', '_')


# The C: header constants and enums, policies, ops

def split_top(text):
    """Splits at the commas outside (), {} and []."""
    parts, depth, cur = [], 0, ''
    for ch in text:
        depth += (ch in '({[') - (ch in ')}]')
        if ch == ',' and depth == 0:
            parts, cur = parts + [cur.strip()], ''
        else:
            cur += ch
    return [p for p in parts + [cur.strip()] if p]


def evaluate(expr, consts):
    expr = re.sub(r'\b(\d+)[uUlL]+\b', r'\1', expr.strip())
    try:
        return eval(expr, {'__builtins__': {}}, consts)  # integer expressions only
    except Exception:
        raise SystemExit(f'check-spec: cannot evaluate "{expr[:60]}"')


def read_c(path):
    return re.sub(r'/\*.*?\*/|//[^\n]*', ' ', open(path).read(), flags=re.S)


def parse_init(text):
    """{ .a = x, .b = y } -> {'a': 'x', 'b': 'y'}"""
    return dict(re.match(r'\.(\w+)\s*=\s*(.*)', p, re.S).groups()
                for p in split_top(text.strip()[1:-1]))


def parse_header(path):
    """Integer constants (defines and enum values), string defines, enums."""
    consts, strings, enums = dict(KERNEL_CONSTS), {}, {}
    for m in re.finditer(r'^#define[ \t]+(\w+)[ \t]+([^\n]+)$|enum\s+(\w+)\s*\{([^}]*)\};',
                         read_c(path), re.M):
        if m.group(1) and m.group(2).startswith('"'):
            strings[m.group(1)] = m.group(2).strip()[1:-1]
        elif m.group(1):
            consts[m.group(1)] = evaluate(m.group(2), consts)
        else:
            enums[m.group(3)], value = [], 0
            for item in split_top(m.group(4)):
                name, _, expr = (x.strip() for x in item.partition('='))
                value = evaluate(expr, consts) if expr else value
                enums[m.group(3)].append((name, value))
                consts[name], value = value, value + 1
    return consts, strings, enums


def expand(text, defines):
    """Expands the file's own macros (called with arguments free of parentheses)."""
    for name, params, body in defines * 2:
        if params is None:
            text = re.sub(rf'\b{name}\b', lambda _m, b=body: b, text)
            continue
        def call(m, params=params, body=body):
            args = dict(zip(params, split_top(m.group(1))))
            return re.sub(r'\b\w+\b', lambda w: args.get(w.group(0), w.group(0)), body)
        text = re.sub(rf'\b{name}\(([^()]*)\)', call, text)
    return text


def parse_policy(text, consts, ranges):
    """One policy entry -> (spec type, checks as the spec would say, nested policy)."""
    m = re.match(r'NLA_POLICY_(\w+)\((.*)\)$', text, re.S)
    if not m:
        init = parse_init(text)
        checks = dict(BE) if init['type'] in ('NLA_BE16', 'NLA_BE32') else {}
        if 'len' in init:
            checks['max-len'] = evaluate(init['len'], consts)
        if init['type'] == 'NLA_STRING':
            checks['unterminated-ok'] = True
        return NLA_TYPES[init['type']], checks, None
    kind, args = m.group(1), split_top(m.group(2))
    if kind == 'NESTED':
        return 'nest', {}, args[0]
    if kind == 'EXACT_LEN':
        return 'binary', {'exact-len': evaluate(args[0], consts)}, None
    if kind == 'FULL_RANGE':
        return NLA_TYPES[args[0]], ranges[args[1].lstrip('&')], None
    names = {'MIN': ['min'], 'MAX': ['max'], 'MASK': ['mask'], 'RANGE': ['min', 'max']}
    if kind not in names:
        raise SystemExit(f'check-spec: NLA_POLICY_{kind} is not understood')
    return NLA_TYPES[args[0]], {k: evaluate(v, consts) for k, v in zip(names[kind], args[1:])}, None


def parse_sources(paths, consts):
    """Policies (name -> (its MAX constant, {attribute: entry})), ops, all the text."""
    policies, ranges, ops, everything = {}, {}, [], ''
    for path in paths:
        text = read_c(path)
        everything += text
        defines = [(m.group(1), m.group(2) and [p.strip() for p in m.group(3).split(',')],
                    m.group(4).replace('\\\n', ' ')) for m in re.finditer(
                        r'^#define\s+(\w+)(\(([^)]*)\))?[ \t]*((?:.*\\\n)*.*)$', text, re.M)]
        for m in re.finditer(r'netlink_range_validation\s+(\w+)\s*=\s*(\{.*?\});', text, re.S):
            ranges[m.group(1)] = {k: evaluate(v, consts)
                                  for k, v in parse_init(m.group(2)).items()}
        for m in re.finditer(r'nla_policy\s+(\w+)\s*\[\s*(\w+)\s*\+\s*1\s*\]\s*=\s*\{(.*?)\n\};',
                             text, re.S):
            items = (re.match(r'\[\s*(\w+)\s*\]\s*=\s*(.*)', i, re.S).groups()
                     for i in split_top(expand(m.group(3), defines)))
            policies[m.group(1)] = (m.group(2), {a: parse_policy(v.strip(), consts, ranges)
                                                 for a, v in items})
        m = re.search(r'genl_ops\s+\w+\[\]\s*=\s*\{(.*?)\n\};', text, re.S)
        if m:
            ops += [parse_init(op) for op in split_top(expand(m.group(1), defines))]
    return policies, ops, everything


# The spec

def numbered(items, start):
    """YNL's numbering: an item's value, or the one before it plus one."""
    for item in items:
        start = item.get('value', start)
        yield item, start
        start += 1


class Spec:
    def __init__(self, path):
        self.y = yaml.safe_load(open(path))
        self.defs = {d['name']: d for d in self.y.get('definitions', [])}
        self.consts = {n: d['value'] for n, d in self.defs.items() if d['type'] == 'const'}
        self.sets = {s['name']: s for s in self.y['attribute-sets']}
        self.by_prefix = {c_name(s['name-prefix']): s for s in self.sets.values()
                          if 'name-prefix' in s}
        self.c_attrs = {c_name(s['name-prefix'] + a['name']): (s['name'], a)
                        for s in self.by_prefix.values() for a in s['attributes']}
        self.ops = self.y['operations']

    def value(self, v):
        """A check's value: an integer, or a const's name, optionally "- 1"."""
        m = re.fullmatch(r'([\w-]+)( - 1)?', str(v))
        if isinstance(v, int):
            return v
        if not m or m.group(1) not in self.consts:
            return err(f'check "{v}": not a number or a const definition')
        return self.consts[m.group(1)] - bool(m.group(2))

    def checks(self, a):
        """The checks YNL gives an attribute's policy, and its byte order."""
        checks = dict(a.get('checks', {}))
        mask = checks.pop('flags-mask', None)
        out = {k: v if k == 'unterminated-ok' else self.value(v) for k, v in checks.items()}
        if mask:
            out['mask'] = (1 << len(self.defs[mask]['entries'])) - 1
        elif 'enum' in a and not a.get('enum-as-flags') and not out:
            d = self.defs[a['enum']]  # at most the enum's last value
            out['max'] = d.get('value-start', 0) + len(d['entries']) - 1
        return {**out, **BE} if a.get('byte-order') == 'big-endian' else out


# The checks, one concern each

def check_enum(what, cenum, expected, cnt, enums, implicit=None):
    """A C enum has exactly the names and values the spec gives it."""
    if cenum not in enums:
        return err(f'{what}: enum {cenum} is not in the header')
    have = dict(enums[cenum])
    last = expected[-1][1] + 1 if expected else 0
    if cnt and have.pop(cnt, None) != last:
        err(f'{what}: {cnt} should end enum {cenum}, = {last}')
    if have.get(implicit) == 0:
        del have[implicit]
    for name, value in expected:
        if have.get(name) != value:
            err(f'{what}: {name} is {have.get(name, "missing")} in the header, {value} in the spec')
    for name in [n for n in have if n not in dict(expected)]:
        err(f'{what}: {name} of enum {cenum} is not in the spec' +
            (' (render-max or an attr-cnt-name would give it)' if name.startswith('__') else ''))


def check_family(spec, consts, strings):
    y = spec.y
    if strings.get(y['c-family-name']) != y['name']:
        err(f"family: {y['c-family-name']} is not \"{y['name']}\"")
    if consts.get(y['c-version-name']) != y['version']:
        err(f"family: {y['c-version-name']} is {consts.get(y['c-version-name'])}, "
            f"the spec's version {y['version']}")
    for g in y['mcast-groups']['list']:
        if strings.get(g['c-define-name']) != g['name']:
            err(f"mcast group {g['name']}: {g['c-define-name']} is not \"{g['name']}\"")


def check_definitions(spec, consts, enums):
    for name, d in spec.defs.items():
        if d['type'] == 'const':
            cname = c_name(f"{spec.y['name']}-{name}")
            if consts.get(cname) != d['value']:
                err(f"definition {name}: {cname} is {consts.get(cname, 'missing')} in the "
                    f"header, {d['value']} in the spec")
            continue
        prefix = d.get('name-prefix', f"{spec.y['name']}-{name}-")
        entries = [e if isinstance(e, dict) else {'name': e} for e in d['entries']]
        expected = [(c_name(prefix + e['name']), v)
                    for e, v in numbered(entries, d.get('value-start', 0))]
        cnt = d.get('render-max') and c_name(d.get('enum-cnt-name', f'__{prefix}max'))
        check_enum(f'definition {name}', d['enum-name'], expected, cnt, enums)


def check_attribute_sets(spec, enums):
    for s in spec.sets.values():
        if 'subset-of' in s:
            parent = {a['name'] for a in spec.sets[s['subset-of']]['attributes']}
            for a in s['attributes']:
                if a['name'] not in parent:
                    err(f"attribute set {s['name']}: {a['name']} is not in {s['subset-of']}")
        elif 'name-prefix' not in s or 'enum-name' not in s:
            err(f"attribute set {s['name']}: needs the header's name-prefix and enum-name")
        else:
            pfx = s['name-prefix']
            check_enum(f"attribute set {s['name']}", s['enum-name'],
                       [(c_name(pfx + a['name']), v) for a, v in numbered(s['attributes'], 1)],
                       c_name(s.get('attr-cnt-name', f'__{pfx}max')), enums)


def policy_set(spec, max_name):
    return spec.by_prefix.get(max_name[:-len('MAX')], {}).get('name')


def check_policy(spec, name, policies):
    """Each attribute of a kernel policy: the spec's type and checks."""
    set_name = policy_set(spec, policies[name][0])
    if not set_name:
        return err(f'policy {name}: no attribute set for {policies[name][0]}')
    for cattr, (ntype, checks, nested) in policies[name][1].items():
        where = f'policy {name}, {cattr}'
        if spec.c_attrs.get(cattr, [None])[0] != set_name:
            err(f'{where}: not an attribute of set {set_name} in the spec')
            continue
        a = spec.c_attrs[cattr][1]
        if a['type'] != ntype:
            err(f"{where}: {ntype} in the kernel, {a['type']} in the spec")
        if spec.checks(a) != checks:
            err(f'{where}: checks {checks} in the kernel, {spec.checks(a)} in the spec')
        if nested:
            check_nested(spec, where, a, nested, policies)


def check_nested(spec, where, a, nested, policies):
    """NLA_POLICY_NESTED: the set the spec nests, and a subset's attributes."""
    target = spec.sets.get(a.get('nested-attributes'), {})
    inner = nested in policies and policy_set(spec, policies[nested][0])
    if inner != target.get('subset-of', target.get('name')):
        return err(f"{where}: {nested} is for set {inner}, the spec nests {target.get('name')}")
    if 'subset-of' in target:
        names = sorted(spec.c_attrs[c][1]['name'] for c in policies[nested][1])
        listed = sorted(x['name'] for x in target['attributes'])
        if names != listed:
            err(f"{where}: {nested} accepts {names}, subset {target['name']} lists {listed}")


def check_ops(spec, enums, ops, policies):
    """The command enum, and each op's handlers, flags and policy."""
    pfx = spec.ops['name-prefix']
    check_enum('operations', spec.ops['enum-name'],
               [(c_name(pfx + op['name']), v) for op, v in numbered(spec.ops['list'], 1)],
               c_name(spec.ops.get('cmd-cnt-name', f'__{pfx}max')), enums, c_name(pfx + 'unspec'))
    kernel = {k['cmd']: k for k in ops}
    for op in spec.ops['list']:
        k, where = kernel.pop(c_name(pfx + op['name']), None), f"op {op['name']}"
        if ('event' in op) == bool(k):
            err(f"{where}: {'an event' if k else 'a command'} in the spec, "
                f"{'a command' if k else 'not'} in the kernel's genl_ops")
            continue
        for mode in [m for m in ('do', 'dump') if k and (m in op) != (f'{m}it' in k)]:
            err(f"{where}: {mode} is {'' if mode in op else 'not '}in the spec, "
                f".{mode}it {'un' if mode in op else ''}set in the kernel")
        flags = {c_name('genl-' + f) for f in op.get('flags', [])}
        if k and flags != set(re.findall(r'GENL_\w+', k.get('flags', ''))):
            err(f"{where}: flags {k.get('flags')} in the kernel, {op.get('flags')} in the spec")
        if k:
            check_op_policy(spec, where, op, policies.get(k.get('policy'), ('', {}))[1])
    for cname in kernel:
        err(f"{cname}: in the kernel's genl_ops, not in the spec")


def check_op_policy(spec, where, op, policy):
    """Per-op policy: what do (or a dump-only op) requests is what it accepts."""
    accepted = sorted(spec.c_attrs[c][1]['name'] for c in policy if c in spec.c_attrs)
    listed = sorted(op.get('do', op.get('dump'))['request']['attributes']
                    if 'request' in op.get('do', op.get('dump')) else [])
    if accepted != listed:
        err(f"{where}: the kernel accepts {accepted}, the spec's request lists {listed}")
    extra = set(op.get('dump', {}).get('request', {}).get('attributes', [])) - set(accepted)
    if 'do' in op and extra:
        err(f'{where}: the dump request lists {sorted(extra)}, which the policy refuses')


def check_puts(spec, text):
    """Attributes the kernel puts: of the spec's type and byte order."""
    for put, cattr in sorted(set(re.findall(r'nla_put_(\w+)\(\s*\w+\s*,\s*(NFV_\w+)', text))):
        a = spec.c_attrs.get(cattr, [None, None])[1]
        if a and put in PUT_TYPES and (a['type'] != PUT_TYPES[put] or
                                       (a.get('byte-order') == 'big-endian') !=
                                       (put in ('be16', 'be32', 'in_addr'))):
            err(f"{cattr}: put with nla_put_{put}, the spec says "
                f"{a['type']} {a.get('byte-order', '')}".rstrip())


def check_events(spec, text):
    """Commands the kernel multicasts are the ops with an mcgrp."""
    sent = set(re.findall(r'nfv_notify\(\s*[^,]+,\s*(NFV_CMD_\w+)', text) +
               re.findall(r'genlmsg_put\(\s*skb,\s*0,\s*0,[^;]*?(NFV_CMD_\w+)\)', text))
    declared = {c_name(spec.ops['name-prefix'] + op['name'])
                for op in spec.ops['list'] if 'mcgrp' in op}
    for cname in sorted(sent - declared):
        err(f'{cname}: multicast by the kernel, no mcgrp in the spec')
    for cname in sorted(declared - sent):
        err(f'{cname}: an mcgrp in the spec, never multicast by the kernel')


def main(argv):
    spec_path = argv[1] if len(argv) > 1 else f'{TOP}/Documentation/netlink/specs/nfv.yaml'
    header = argv[2] if len(argv) > 2 else f'{TOP}/uapi/linux/nfv.h'
    sources = argv[3:] or (sorted(glob.glob(f'{TOP}/kmod/netlink*.c')) +
                           [f'{TOP}/kmod/gstep.c'] +
                           sorted(glob.glob(f'{TOP}/kmod/fw/*.c')) +
                           sorted(glob.glob(f'{TOP}/kmod/cgnat/*.c')))
    spec = Spec(spec_path)
    consts, strings, enums = parse_header(header)
    policies, ops, text = parse_sources(sources, consts)
    check_family(spec, consts, strings)
    check_definitions(spec, consts, enums)
    check_attribute_sets(spec, enums)
    for name in policies:
        check_policy(spec, name, policies)
    check_ops(spec, enums, ops, policies)
    check_puts(spec, text)
    check_events(spec, text)
    for e in dict.fromkeys(errors):
        print(f'check-spec: {e}')
    n = len(dict.fromkeys(errors))
    print(f'check-spec: {n or "no"} disagreement{"s" * (n != 1)} between '
          f'{os.path.relpath(spec_path, TOP)}, {os.path.relpath(header, TOP)} and '
          f'{len(policies)} policies, {len(ops)} ops in {len(sources)} sources')
    return 1 if n else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
