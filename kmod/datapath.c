// SPDX-License-Identifier: GPL-2.0
/*
 * Datapath instances: named, one list per network namespace, removed with
 * it.
 */
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "core.h"

/*
 * Root of a user namespace may create datapaths too. Their flows are
 * allocated in softirq, where no memory cgroup can be charged, so what
 * such datapaths hold is bounded: per namespace, per datapath and in all.
 */
#define NFV_USERNS_DPS		8
#define NFV_USERNS_FLOWS	(1U << 20)
#define NFV_USERNS_FLOWS_ALL	(1L << 22)

static atomic_long_t nfv_userns_flows;

static bool nfv_net_unpriv(const struct net *net)
{
	return net->user_ns != &init_user_ns;
}

/* Moves a user namespace's datapath from @old to @new flows of the budget. */
static int nfv_userns_reserve(struct net *net, u32 old, u32 new,
			      const struct nlattr *attr,
			      struct netlink_ext_ack *extack)
{
	long delta = (long)new - old;

	if (!nfv_net_unpriv(net))
		return 0;
	if (new > NFV_USERNS_FLOWS) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "max-flows: a datapath in a user namespace holds at most 1048576 flows");
		return -EPERM;
	}
	if (atomic_long_add_return(delta, &nfv_userns_flows) >
	    NFV_USERNS_FLOWS_ALL && delta > 0) {
		atomic_long_sub(delta, &nfv_userns_flows);
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "max-flows: the datapaths of user namespaces hold 4194304 flows in all, and the rest is taken");
		return -ENOSPC;
	}
	return 0;
}

int nfv_dp_set_max_flows(struct nfv_dp *dp, u32 max_flows,
			 const struct nlattr *attr,
			 struct netlink_ext_ack *extack)
{
	u32 old = dp->table.max_flows;
	int err = nfv_userns_reserve(dp->net, old, max_flows, attr, extack);

	if (err)
		return err;
	err = nfv_flow_table_set_max(&dp->table, max_flows);
	if (err) {
		/* Giving back never fails. */
		nfv_userns_reserve(dp->net, max_flows, old, attr, extack);
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "max-flows: no memory for a larger flow table; the limit is unchanged");
	}
	return err;
}

struct nfv_dp *nfv_dp_find(struct net *net, const char *name)
{
	struct nfv_dp *dp;

	ASSERT_RTNL();
	list_for_each_entry(dp, &nfv_pernet(net)->dps, node)
		if (!strcmp(dp->name, name))
			return dp;
	return NULL;
}

struct nfv_dp *nfv_dp_create(struct net *net, const char *name,
			     u32 max_flows, const struct nlattr *max_attr,
			     struct netlink_ext_ack *extack)
{
	struct nfv_net *nn = nfv_pernet(net);
	struct nfv_dp *dp;
	int err;

	ASSERT_RTNL();
	if (nfv_dp_find(net, name)) {
		NL_SET_ERR_MSG(extack, "a datapath of that name exists");
		return ERR_PTR(-EEXIST);
	}
	if (nn->n_dps >= (nfv_net_unpriv(net) ? NFV_USERNS_DPS : NFV_MAX_DPS)) {
		NL_SET_ERR_MSG(extack, "too many datapaths in this namespace");
		return ERR_PTR(-ENOSPC);
	}
	err = nfv_userns_reserve(net, 0, max_flows, max_attr, extack);
	if (err)
		return ERR_PTR(err);

	err = -ENOMEM;
	dp = kzalloc(sizeof(*dp), GFP_KERNEL_ACCOUNT);
	if (!dp)
		goto err_reserve;
	dp->net = net;
	strscpy(dp->name, name, sizeof(dp->name));
	INIT_LIST_HEAD(&dp->ports);
	INIT_LIST_HEAD(&dp->nfs);
	idr_init(&dp->port_ids);
	dp->stats = alloc_percpu_gfp(struct nfv_dp_stats, GFP_KERNEL_ACCOUNT);
	if (!dp->stats)
		goto err_dp;
	err = nfv_flow_table_init(&dp->table, max_flows);
	if (err)
		goto err_stats;
	err = nfv_frag_table_init(&dp->frags);
	if (err)
		goto err_table;
	err = nfv_nf_builtin_create(dp);
	if (err)
		goto err_nfs;
	list_add_tail(&dp->node, &nn->dps);
	nn->n_dps++;
	return dp;

err_nfs:
	nfv_nf_delete_all(dp);
	nfv_frag_table_destroy(&dp->frags);
err_table:
	nfv_flow_table_destroy(&dp->table);
err_stats:
	free_percpu(dp->stats);
err_dp:
	kfree(dp);
err_reserve:
	nfv_userns_reserve(net, max_flows, 0, NULL, NULL);
	return ERR_PTR(err);
}

void nfv_dp_destroy(struct nfv_dp *dp)
{
	struct nfv_port *port, *tmp;

	ASSERT_RTNL();
	list_del(&dp->node);
	nfv_pernet(dp->net)->n_dps--;
	list_for_each_entry_safe(port, tmp, &dp->ports, node)
		nfv_port_del(port, false);
	nfv_flow_table_destroy(&dp->table);	/* flushes every flow */
	nfv_frag_table_destroy(&dp->frags);
	nfv_nf_delete_all(dp);
	idr_destroy(&dp->port_ids);
	nfv_userns_reserve(dp->net, dp->table.max_flows, 0, NULL, NULL);
	/* Flow and port RCU callbacks do not touch the datapath. */
	free_percpu(dp->stats);
	kfree(dp);
}

void nfv_dp_destroy_all(struct net *net)
{
	struct nfv_dp *dp, *tmp;

	rtnl_lock();
	list_for_each_entry_safe(dp, tmp, &nfv_pernet(net)->dps, node)
		nfv_dp_destroy(dp);
	rtnl_unlock();
}

void nfv_dp_read_stats(struct nfv_dp *dp, struct nfv_dp_stats *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct nfv_dp_stats *s = per_cpu_ptr(dp->stats, cpu);

		for (i = 0; i < __NFV_STAT_MAX; i++)
			sum->stat[i] += READ_ONCE(s->stat[i]);
		for (i = 0; i < __NFV_DROP_MAX; i++)
			sum->drop[i] += READ_ONCE(s->drop[i]);
	}
	for (i = 0; i < __NFV_DROP_MAX; i++)
		sum->stat[NFV_STAT_DROP_PACKETS] += sum->drop[i];
}
