#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What the ABI rule promises a client other than nfvctl, over raw netlink.

Documentation/netlink.rst, The ABI rule: the module takes requests of any
genlmsghdr version; a fw rule's ports are network byte order; CTSTATE is a
u32 whose unknown bits are refused with the attribute's offset in the
extended ack. Numbers from uapi/linux/nfv.h, version 3, which only grows.
Usage: abi-raw.py DP  (in the datapath's namespace; adds and deletes "abi")
"""
import errno
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'fuzz'))
from nfvnl import attr, nest, parse_attrs, string  # noqa: E402

GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 16, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_ACK_TLVS = 1, 4, 0x200
NLMSG_ERROR = 2
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2
SOL_NETLINK, NETLINK_EXT_ACK, NETLINK_CAP_ACK = 270, 11, 10
# enum nfv_cmd, nfv_attr, nfv_fw_attr, nfv_fw_rule_attr
DP_GET, NF_NEW, NF_DEL = 3, 9, 10
A_DP_NAME, A_NF_NAME, A_NF_TYPE, A_NF_CONFIG = 2, 14, 15, 16
FW_A_RULES, FW_A_RULE = 4, 5
RULE_A_PROTO, RULE_A_DPORT_MIN, RULE_A_DPORT_MAX = 8, 11, 12
RULE_A_CTSTATE, RULE_A_ACTION = 15, 16
HDRLEN = 20             # nlmsghdr and genlmsghdr


def tlvs(data):
    return {t: v[-1] for t, v in parse_attrs(data).items()}


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.bind((0, 0))
        self.sock.settimeout(10)
        self.seq = 0
        _, _, reply = self.ask(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
                               string(CTRL_ATTR_FAMILY_NAME, 'nfv'))
        self.fam, = struct.unpack_from('H', tlvs(reply)[CTRL_ATTR_FAMILY_ID])

    def ask(self, fam, cmd, version, payload):
        """(-errno or 0, the extack's TLVs, the last reply's attributes)"""
        self.seq += 1
        body = struct.pack('BBH', cmd, version, 0) + payload
        self.sock.send(struct.pack('IHHII', 16 + len(body), fam,
                                   NLM_F_REQUEST | NLM_F_ACK, self.seq, 0) +
                       body)
        reply = b''
        while True:
            data = self.sock.recv(1 << 16)
            off = 0
            while off + 16 <= len(data):
                length, mtype, flags = struct.unpack_from('IHH', data, off)
                msg = data[off + 16:off + length]
                off += (length + 3) & ~3
                if mtype != NLMSG_ERROR:
                    reply = msg[4:]
                    continue
                err, = struct.unpack_from('i', msg)
                ack = tlvs(msg[20:]) if flags & NLM_F_ACK_TLVS else {}
                return err, ack, reply


def main(dp):
    nl, bad = Genl(), 0

    def expect(what, ok):
        nonlocal bad
        print(f"{'ok' if ok else 'FAIL'}: {what}")
        bad += not ok

    for version in (0, 1, 2, 3, 4, 255):
        err, _, reply = nl.ask(nl.fam, DP_GET, version, string(A_DP_NAME, dp))
        expect(f'DP_GET with genlmsghdr version {version} is taken',
               err == 0 and A_DP_NAME in tlvs(reply))

    head = string(A_DP_NAME, dp) + string(A_NF_NAME, 'abi') + \
        string(A_NF_TYPE, 'fw')
    tcp = attr(RULE_A_PROTO, b'\x06') + attr(RULE_A_ACTION, b'\x00')
    ports = attr(RULE_A_DPORT_MIN, struct.pack('!H', 1000)) + \
        attr(RULE_A_DPORT_MAX, struct.pack('!H', 2000))
    # Bit 4 is no connection state; the ack must point at CTSTATE.
    ct = attr(RULE_A_CTSTATE, struct.pack('I', 1 << 4))
    config = nest(A_NF_CONFIG, nest(FW_A_RULES, nest(FW_A_RULE, tcp + ct)))
    err, ack, _ = nl.ask(nl.fam, NF_NEW, 3, head + config)
    where = HDRLEN + len(head) + 3 * 4 + len(tcp)
    offs = struct.unpack('I', ack[NLMSGERR_ATTR_OFFS])[0] \
        if NLMSGERR_ATTR_OFFS in ack else None
    expect(f'a CTSTATE bit beyond the states is refused at the attribute '
           f'(errno {-err}, {ack.get(NLMSGERR_ATTR_MSG, b"")!r}, offset '
           f'{offs}, CTSTATE at {where})',
           err == -errno.EINVAL and offs == where)
    ct = attr(RULE_A_CTSTATE, struct.pack('I', 0xf))
    config = nest(A_NF_CONFIG,
                  nest(FW_A_RULES, nest(FW_A_RULE, tcp + ports + ct)))
    err, ack, _ = nl.ask(nl.fam, NF_NEW, 3, head + config)
    expect(f'a rule of big-endian ports and a u32 state mask is taken '
           f'({ack.get(NLMSGERR_ATTR_MSG, b"")!r})', err == 0)
    return bad


if __name__ == '__main__':
    sys.exit(1 if main(sys.argv[1]) else 0)
