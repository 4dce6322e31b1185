// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP errors and flows: the flow an error's quoted header belongs to.
 */
#include "core.h"

/*
 * The error travels the opposite way to the packet it quotes, so it
 * arrives in the zone of that opposite direction: look that direction's
 * key up, the quoted key inverted in the error's zone.
 */
struct nfv_flow *nfv_flow_lookup_related(struct nfv_pkt *pkt,
					 unsigned int *dir)
{
	struct nfv_key inner, back;
	struct nfv_flow *flow;

	if (!(pkt->flags & NFV_PKT_ICMP_ERR) ||
	    nfv_parse_icmp_inner(pkt, &inner))
		return NULL;
	nfv_key_invert(&back, &inner);
	flow = nfv_flow_lookup(&pkt->dp->table, &back, dir);
	if (flow)
		*dir = !*dir;
	return flow;
}
EXPORT_SYMBOL_GPL(nfv_flow_lookup_related);
