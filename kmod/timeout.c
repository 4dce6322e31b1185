// SPDX-License-Identifier: GPL-2.0
/*
 * Timeout classes an NF instance owns: per-flow timeouts of the NF's own
 * choosing that cost a flow entry nothing, as the entry's class byte
 * indexes them like the core's classes (flow.h). Documentation/nf-api.rst
 * has the contract.
 */
#include <linux/rtnetlink.h>

#include "core.h"

/*
 * A slot no instance owns (never owned, or freed) holds the core's
 * "other" timeout: a flow left in a freed class by an instance that went
 * keeps a sane one until the slot is taken again.
 */
void nfv_flow_timeouts_init(struct nfv_flow_table *t)
{
	unsigned int i;

	BUILD_BUG_ON(__NFV_TMO_MAX > NFV_TMO_NF_FIRST);
	BUILD_BUG_ON(NFV_TMO_CLASSES != 1 << (8 * sizeof_field(struct nfv_flow, tmo)));
	for (i = NFV_TMO_NF_FIRST; i < NFV_TMO_CLASSES; i++)
		t->tmo[i] = t->tmo[NFV_TMO_OTHER];
	memset(t->tmo_owner, 0, sizeof(t->tmo_owner));
	t->tmo_next = 0;
}

/*
 * Several NFs of a chain set a flow's trap and timeout class, each for
 * its own reasons; none may undo another's (Documentation/nf-api.rst):
 *
 * - the TCP trap is the union of the traps the NFs set while one packet
 *   walked the chain, written once the walk ends: each NF sees the
 *   segments it asked for (a firewall every segment of a handshake, a
 *   NAT its SYNs, FINs and RSTs), whatever the order of the chain;
 * - once an NF translates the flow (it claimed a reply key), the
 *   timeout class is that NF's alone: its mapping's lifetime is what the
 *   operator configured on it and what RFC 4787 and RFC 5382 set floors
 *   to, which another NF's shorter class would break and a longer one
 *   would stretch. Before, and for flows no NF translates (an excluded
 *   destination), the last NF to set one wins.
 *
 * The walk's state is per CPU: nfv_chain_run() runs in the RX softirq,
 * one walk at a time on a CPU (a nested one saves and restores it).
 */
static DEFINE_PER_CPU(struct nfv_walk, nfv_walk);

void nfv_walk_begin(struct nfv_walk *saved, struct nfv_flow *flow,
		    bool nat)
{
	struct nfv_walk *w = this_cpu_ptr(&nfv_walk);

	*saved = *w;
	*w = (struct nfv_walk){ .flow = flow, .nat = nat };
}

void nfv_walk_nf(const struct nfv_nf *nf)
{
	this_cpu_ptr(&nfv_walk)->nf = nf;
}

void nfv_walk_end(const struct nfv_walk *saved)
{
	struct nfv_walk *w = this_cpu_ptr(&nfv_walk);

	if (w->flow && w->trap_set && READ_ONCE(w->flow->tcp_trap) != w->trap)
		WRITE_ONCE(w->flow->tcp_trap, w->trap);
	*w = *saved;
}

/*
 * The walk on this CPU, if it is @flow's. Raw: a caller outside any walk
 * may be preemptible (netlink, KUnit), and no walk it could migrate to
 * is its flow's; inside one, BHs are off.
 */
static struct nfv_walk *nfv_walk_of(const struct nfv_flow *flow)
{
	struct nfv_walk *w = raw_cpu_ptr(&nfv_walk);

	return w->flow == flow ? w : NULL;
}

void nfv_flow_set_tcp_trap(struct nfv_flow *flow, u8 tcp_flags)
{
	struct nfv_walk *w = nfv_walk_of(flow);

	if (!w) {
		WRITE_ONCE(flow->tcp_trap, tcp_flags);
		return;
	}
	w->trap = w->trap_set ? w->trap | tcp_flags : tcp_flags;
	w->trap_set = true;
}
EXPORT_SYMBOL_GPL(nfv_flow_set_tcp_trap);

void nfv_flow_set_timeout(struct nfv_flow *flow, enum nfv_timeout tmo)
{
	struct nfv_walk *w = nfv_walk_of(flow);
	unsigned int cls = tmo;

	if (w && w->nat && w->nf && !w->nf->type->nat &&
	    ((READ_ONCE(flow->nat[NFV_DIR_ORIG]) |
	      READ_ONCE(flow->nat[NFV_DIR_REPLY])) & NFV_NAT_FIELDS))
		return;
	if ((cls > NFV_TMO_UNSPEC && cls <= NFV_TMO_MAX) ||
	    (cls >= NFV_TMO_NF_FIRST && cls < NFV_TMO_CLASSES))
		WRITE_ONCE(flow->tmo, cls);
}
EXPORT_SYMBOL_GPL(nfv_flow_set_timeout);

int nfv_nf_timeout_set(struct nfv_nf *nf, int cls, unsigned int secs)
{
	struct nfv_flow_table *t = &nf->dp->table;

	ASSERT_RTNL();
	if (cls < NFV_TMO_NF_FIRST || cls >= NFV_TMO_CLASSES ||
	    t->tmo_owner[cls - NFV_TMO_NF_FIRST] != nf)
		return -EINVAL;
	secs = clamp_t(unsigned int, secs, 1, NFV_TIMEOUT_MAX);
	WRITE_ONCE(t->tmo[cls], secs * HZ);
	return 0;
}
EXPORT_SYMBOL_GPL(nfv_nf_timeout_set);

/*
 * Slots are taken in turn from a cursor, so the one freed last is the
 * last taken again: its stragglers (above) age out under the "other"
 * timeout first.
 */
int nfv_nf_timeout_class(struct nfv_nf *nf, unsigned int secs)
{
	struct nfv_flow_table *t = &nf->dp->table;
	unsigned int i, s;

	ASSERT_RTNL();
	for (i = 0; i < NFV_TMO_NF_COUNT; i++) {
		s = (t->tmo_next + i) % NFV_TMO_NF_COUNT;
		if (t->tmo_owner[s])
			continue;
		t->tmo_owner[s] = nf;
		t->tmo_next = (s + 1) % NFV_TMO_NF_COUNT;
		nfv_nf_timeout_set(nf, NFV_TMO_NF_FIRST + s, secs);
		return NFV_TMO_NF_FIRST + s;
	}
	return -ENOSPC;
}
EXPORT_SYMBOL_GPL(nfv_nf_timeout_class);

/* The instance leaves its datapath (RTNL): its classes are free again. */
void nfv_nf_timeouts_release(struct nfv_nf *nf)
{
	struct nfv_flow_table *t = &nf->dp->table;
	unsigned int s;

	ASSERT_RTNL();
	for (s = 0; s < NFV_TMO_NF_COUNT; s++) {
		if (t->tmo_owner[s] != nf)
			continue;
		t->tmo_owner[s] = NULL;
		WRITE_ONCE(t->tmo[NFV_TMO_NF_FIRST + s], t->tmo[NFV_TMO_OTHER]);
	}
}
