/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deterministic mode (RFC 7422): the inside prefix maps onto the public
 * addresses by a formula. Inside address number i (from the prefix's
 * first) gets public address i / per_addr (in the pools' order) and the
 * port range r = i % per_addr, ports 1024 + r * ports and the ports - 1
 * after it, with ports = 64512 / per_addr rounded down. The same formula
 * read backwards says who holds a public address and port at any time, so
 * nothing needs logging. A pure unit, as block.h: KUnit drives it
 * (kmod/tests/nfv_cgnat_det_kunit.c).
 */
#ifndef _NFV_CGNAT_DET_H
#define _NFV_CGNAT_DET_H

#include <linux/types.h>

struct cg_det {
	u32 inside;		/* first inside address, host order */
	u32 ninside;		/* inside addresses */
	u32 per_addr;		/* subscribers per public address */
	u16 ports;		/* ports per subscriber */
};

int cg_det_init(struct cg_det *d, u32 inside, u8 inside_len, u32 naddrs,
		u16 min_ports);
void cg_det_map(const struct cg_det *d, u32 in, u32 *pub, u16 *first);
bool cg_det_owner(const struct cg_det *d, u32 pub, u16 port, u32 *in);
int cg_det_port_take(unsigned long *used, u16 ports, u16 first, u32 rnd);
void cg_det_port_put(unsigned long *used, u16 first, u16 port);

#endif /* _NFV_CGNAT_DET_H */
