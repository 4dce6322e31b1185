#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Loads the smallest XDP program there is, "return XDP_PASS", and pins it
at PATH (on a bpf file system) for `ip link set DEV xdpdrv pinned PATH`.
No compiler needed: two instructions, loaded with the bpf() system call.

Why the benchmark wants it: pktgen keeps a reference on the skb it
transmits until after the receive softirq has run, so the skb arrives
shared at the receiving veth. With an XDP program attached, veth copies a
shared skb into a private, page-backed one before the program runs (as a
NIC's driver builds its skbs from pages), and the stack above sees an skb
of its own: no skb_share_check clone, no header copy on rewrite.

Usage: xdp-pass.py PATH
"""
import ctypes
import os
import struct
import sys

SYS_BPF = 321                  # x86_64
BPF_PROG_LOAD, BPF_OBJ_PIN = 5, 6
BPF_PROG_TYPE_XDP = 6
XDP_PASS = 2


def bpf(cmd, attr):
    libc = ctypes.CDLL(None, use_errno=True)
    buf = ctypes.create_string_buffer(attr, 128)
    fd = libc.syscall(SYS_BPF, cmd, buf, 128)
    if fd < 0:
        e = ctypes.get_errno()
        raise OSError(e, "bpf(%d): %s" % (cmd, os.strerror(e)))
    return fd


def main():
    path = sys.argv[1].encode() + b"\0"
    # BPF_MOV64_IMM(R0, XDP_PASS); BPF_EXIT_INSN()
    insns = struct.pack("<BBhi", 0xb7, 0, 0, XDP_PASS) + \
        struct.pack("<BBhi", 0x95, 0, 0, 0)
    insns_buf = ctypes.create_string_buffer(insns, len(insns))
    lic = ctypes.create_string_buffer(b"GPL\0")
    # union bpf_attr, BPF_PROG_LOAD: prog_type, insn_cnt, insns, license,
    # log_level, log_size, log_buf, kern_version, prog_flags, prog_name
    attr = struct.pack("<IIQQIIQII16s", BPF_PROG_TYPE_XDP, 2,
                       ctypes.addressof(insns_buf), ctypes.addressof(lic),
                       0, 0, 0, 0, 0, b"bench_xdp_pass")
    fd = bpf(BPF_PROG_LOAD, attr)
    path_buf = ctypes.create_string_buffer(path, len(path))
    bpf(BPF_OBJ_PIN, struct.pack("<QII", ctypes.addressof(path_buf), fd, 0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
