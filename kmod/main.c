// SPDX-License-Identifier: GPL-2.0
/*
 * nfv: in-kernel NFV datapath. Module init and exit, per-netns state.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "core.h"

unsigned int nfv_net_id __read_mostly;

static int __net_init nfv_net_init(struct net *net)
{
	INIT_LIST_HEAD(&nfv_pernet(net)->dps);
	return 0;
}

static void __net_exit nfv_net_exit(struct net *net)
{
	nfv_dp_destroy_all(net);
}

/* A device op: runs while the namespace's devices still exist. */
static struct pernet_operations nfv_net_ops = {
	.init = nfv_net_init,
	.exit = nfv_net_exit,
	.id = &nfv_net_id,
	.size = sizeof(struct nfv_net),
};

static int __init nfv_init(void)
{
	int err;

	err = nfv_flow_caches_init();
	if (err)
		return err;
	err = nfv_chain_init();
	if (err)
		goto err_caches;
	err = register_pernet_device(&nfv_net_ops);
	if (err)
		goto err_chain;
	err = nfv_port_init();
	if (err)
		goto err_pernet;
	err = nfv_forward_init();
	if (err)
		goto err_port;
	err = nfv_guest_init();
	if (err)
		goto err_forward;
	err = nfv_genl_init();
	if (err)
		goto err_guest;
	pr_info("nfv: datapath loaded, netlink ABI %d\n", NFV_GENL_VERSION);
	return 0;

err_guest:
	nfv_guest_exit();
err_forward:
	nfv_forward_exit();
err_port:
	nfv_port_exit();
err_pernet:
	unregister_pernet_device(&nfv_net_ops);
	rcu_barrier();
	rcu_barrier();
err_chain:
	rcu_barrier();
	nfv_chain_exit();
err_caches:
	nfv_flow_caches_exit();
	return err;
}

static void __exit nfv_exit(void)
{
	nfv_genl_exit();
	nfv_forward_exit();
	unregister_pernet_device(&nfv_net_ops);
	nfv_guest_exit();
	nfv_port_exit();
	/*
	 * A flow's RCU callback puts its chain, whose RCU callback puts its
	 * NFs, whose frees are rcu_work: three generations of callbacks.
	 */
	rcu_barrier();
	rcu_barrier();
	rcu_barrier();
	nfv_chain_exit();
	nfv_flow_caches_exit();
}

module_init(nfv_init);
module_exit(nfv_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(NFV_VERSION);
MODULE_DESCRIPTION("In-kernel NFV datapath: flow table, service chains, NF API");
MODULE_ALIAS_GENL_FAMILY(NFV_GENL_NAME);
