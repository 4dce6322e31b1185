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

void nfv_flow_set_timeout(struct nfv_flow *flow, enum nfv_timeout tmo)
{
	unsigned int cls = tmo;

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
