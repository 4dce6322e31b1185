# SPDX-License-Identifier: GPL-2.0
"""Minimal generic netlink client for the nfv family, for fuzzers and tests.

Speaks raw netlink with the standard library only, so it needs nothing from
the project but the kernel module.
"""
import socket
import struct

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

# uapi/linux/nfv.h
VERSION = 2
CMD = dict(DP_NEW=1, DP_DEL=2, DP_GET=3, DP_SET=4, PORT_NEW=5, PORT_DEL=6,
           PORT_GET=7, CHAIN_SET=8, NF_NEW=9, NF_DEL=10, NF_GET=11,
           FLOW_GET=12, FLOW_FLUSH=13, NF_SET=15, NF_ITEM_GET=16)
A = dict(DP_NAME=2, DP_MAX_FLOWS=3, DP_FLOWS=4, DP_TIMEOUTS=5, DP_STATS=6,
         DP_DROPS=7, IFINDEX=8, IFNAME=9, PORT_NO=10, PORT_ZONE=11,
         PORT_STATS=12, CHAIN=13, NF_NAME=14, NF_TYPE=15, NF_CONFIG=16,
         NF_INFO=17, FLOW=18, EVENT=19, NF_ITEM=20, DP_BUCKETS=21)
A_MAX = 21
# The fw NF type's configuration (NFV_A_NF_CONFIG) and rules.
FW = dict(POLICY=2, OP=3, RULES=4, RULE=5, POS=6, ZONE_MAX_FLOWS=7,
          ZONE_MAX_HALF_OPEN=8, NRULES=9, STATS=10, STATE=11, SUBTABLES=12)
FW_OP = dict(REPLACE=0, BEGIN=1, APPEND=2, COMMIT=3, INSERT=4, DELETE=5,
             SET=6)
RULE = dict(IN_PORT=2, FAMILY=3, SRC=4, SRC_LEN=5, DST=6, DST_LEN=7, PROTO=8,
            SPORT_MIN=9, SPORT_MAX=10, DPORT_MIN=11, DPORT_MAX=12,
            ICMP_TYPE=13, ICMP_CODE=14, CTSTATE=15, ACTION=16, INDEX=17,
            PACKETS=18, BYTES=19)
RULE_MAX = 19


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


class Error(Exception):
    def __init__(self, errno, msg):
        super().__init__(f'{msg or "(no message)"}: errno {errno}')
        self.errno, self.msg = errno, msg


class Genl:
    def __init__(self, family='nfv'):
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
        err, text, replies = self.raw(self.fam, CMD[name], payload, flags,
                                      version)
        if err:
            raise Error(err, text)
        return [parse_attrs(r) for r in replies]
