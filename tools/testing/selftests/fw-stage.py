#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Staged rule loads (BEGIN, APPEND, COMMIT) from several netlink sockets
at once, message by message, for test-fw-stage.sh.

  fw-stage.py race DP NF    two loads of 20 TCP rules, A with dports
                            1000-1019 and B with 2000-2019, interleaved:
                            BEGIN A, BEGIN B, APPEND A, APPEND B,
                            COMMIT A, COMMIT B; prints the six errnos
  fw-stage.py crowd DP NF N BEGINs from N sockets, all held open; prints
                            the errnos, then COMMITs the first (its
                            empty load) and prints that errno too
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'fuzz'))
import nfvnl as nl  # noqa: E402
from nfvnl import A, FW, FW_OP, nest, string  # noqa: E402

FWA = nl.SPEC.sets['fw']
RA = nl.SPEC.sets['fw-rule']
TCP = 6


def stage(g, dp, nf, op, ports=()):
    rules = [nest(FW['RULE'], RA.put('proto', TCP), RA.put('dport-min', p),
                  RA.put('action', nl.SPEC.enums['fw-action']['accept']))
             for p in ports]
    cfg = [FWA.put('op', FW_OP[op])]
    if rules:
        cfg.append(nest(FW['RULES'], *rules))
    err, text, _ = g.raw(g.fam, nl.CMD['NF_SET'], string(A['DP_NAME'], dp) +
                         string(A['NF_NAME'], nf) + nest(A['NF_CONFIG'], *cfg))
    if err:
        print(f'{op}: {text}', file=sys.stderr)
    return str(err)


def race(dp, nf):
    a, b = nl.Genl(), nl.Genl()
    out = [stage(a, dp, nf, 'BEGIN', range(1000, 1010)),
           stage(b, dp, nf, 'BEGIN', range(2000, 2010)),
           stage(a, dp, nf, 'APPEND', range(1010, 1020)),
           stage(b, dp, nf, 'APPEND', range(2010, 2020)),
           stage(a, dp, nf, 'COMMIT'),
           stage(b, dp, nf, 'COMMIT')]
    print(' '.join(out))


def crowd(dp, nf, n):
    socks = [nl.Genl() for _ in range(int(n))]
    out = [stage(g, dp, nf, 'BEGIN') for g in socks]
    out.append(stage(socks[0], dp, nf, 'COMMIT'))
    print(' '.join(out))


if __name__ == '__main__':
    {'race': race, 'crowd': crowd}[sys.argv[1]](*sys.argv[2:])
