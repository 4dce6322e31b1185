// SPDX-License-Identifier: GPL-2.0
/*
 * Deterministic mode's formula (det.h) and the ports in use of one
 * subscriber's range, chosen as in block mode: from a random start, then
 * the next free one (RFC 6056).
 */
#include <linux/bitmap.h>
#include <linux/bug.h>
#include <linux/errno.h>

#include "block.h"
#include "det.h"

/*
 * The formula for an inside prefix of inside_len onto naddrs public
 * addresses: -EDOM if the addresses do not divide the inside prefix,
 * -ERANGE if a subscriber would get fewer than min_ports ports.
 */
int cg_det_init(struct cg_det *d, u32 inside, u8 inside_len, u32 naddrs,
		u16 min_ports)
{
	u32 ninside = (u32)(1ULL << (32 - inside_len)), ports;

	if (!naddrs || naddrs > ninside || ninside % naddrs)
		return -EDOM;
	ports = CG_PORTS / (ninside / naddrs);
	if (!ports || ports < min_ports)
		return -ERANGE;
	d->inside = inside;
	d->ninside = ninside;
	d->per_addr = ninside / naddrs;
	d->ports = ports;
	return 0;
}

/* Inside address in (host order, in the prefix): its public index, range. */
void cg_det_map(const struct cg_det *d, u32 in, u32 *pub, u16 *first)
{
	u32 i = in - d->inside;

	*pub = i / d->per_addr;
	*first = CG_PORT_FIRST + (i % d->per_addr) * d->ports;
}

/*
 * Who holds port of public address number pub: true with the inside
 * address (host order), false for a port of no range (under 1024, or in
 * the rest past the last range) or an index past the pools.
 */
bool cg_det_owner(const struct cg_det *d, u32 pub, u16 port, u32 *in)
{
	u32 r;

	if (port < CG_PORT_FIRST || pub >= d->ninside / d->per_addr)
		return false;
	r = (port - CG_PORT_FIRST) / d->ports;
	if (r >= d->per_addr)
		return false;
	*in = d->inside + pub * d->per_addr + r;
	return true;
}

/* A free port of the range [first, first + ports): -ENOSPC if none. */
int cg_det_port_take(unsigned long *used, u16 ports, u16 first, u32 rnd)
{
	unsigned int off = find_next_zero_bit(used, ports, rnd % ports);

	if (off >= ports)
		off = find_first_zero_bit(used, ports);
	if (off >= ports)
		return -ENOSPC;
	__set_bit(off, used);
	return first + off;
}

void cg_det_port_put(unsigned long *used, u16 first, u16 port)
{
	WARN_ON_ONCE(!__test_and_clear_bit(port - first, used));
}
