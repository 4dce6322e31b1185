// SPDX-License-Identifier: GPL-2.0
/*
 * NF types, NF instances and chains.
 *
 * Types are registered by modules; instances live in a datapath and are
 * referenced by chains; chains are referenced by ports and by the flows
 * that keep NF state. The last reference to an instance destroys it from
 * process context after a grace period.
 */
#include <linux/kmod.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>

#include "compat.h"
#include "core.h"

static LIST_HEAD(nfv_types);
static DEFINE_MUTEX(nfv_types_lock);
static struct workqueue_struct *nfv_wq;

static enum nfv_verdict nfv_pass_process(struct nfv_nf *nf,
					 struct nfv_pkt *pkt, void *flow_priv)
{
	return NFV_PASS;
}

static enum nfv_verdict nfv_drop_process(struct nfv_nf *nf,
					 struct nfv_pkt *pkt, void *flow_priv)
{
	pkt->drop_reason = NFV_DROP_CHAIN;
	return NFV_DROP;
}

static struct nfv_nf_type nfv_pass_type = {
	.name = "pass",
	.owner = THIS_MODULE,
	.process = nfv_pass_process,
};

static struct nfv_nf_type nfv_drop_type = {
	.name = "drop",
	.owner = THIS_MODULE,
	.process = nfv_drop_process,
};

static struct nfv_nf_type nfv_fwd_type;	/* a copy we may link into a list */

static struct nfv_nf_type *nfv_type_find(const char *name)
{
	struct nfv_nf_type *type;

	list_for_each_entry(type, &nfv_types, list)
		if (!strcmp(type->name, name))
			return type;
	return NULL;
}

int nfv_nf_type_register(struct nfv_nf_type *type)
{
	int err = 0;

	if (WARN_ON(type->fill_flow && !type->flow_info_size))
		return -EINVAL;	/* flow events could not be sized */
	mutex_lock(&nfv_types_lock);
	if (nfv_type_find(type->name))
		err = -EEXIST;
	else
		list_add_tail(&type->list, &nfv_types);
	mutex_unlock(&nfv_types_lock);
	return err;
}
EXPORT_SYMBOL_GPL(nfv_nf_type_register);

/* Instances pin their type's module, so none is left by now. */
void nfv_nf_type_unregister(struct nfv_nf_type *type)
{
	mutex_lock(&nfv_types_lock);
	list_del(&type->list);
	mutex_unlock(&nfv_types_lock);
}
EXPORT_SYMBOL_GPL(nfv_nf_type_unregister);

/* The network namespace of the instance's datapath, fixed for its life. */
struct net *nfv_nf_net(const struct nfv_nf *nf)
{
	return nf->net;
}
EXPORT_SYMBOL_GPL(nfv_nf_net);

/* Instances pin the module of their type; the core's own types do not. */
static bool nfv_type_get(const struct nfv_nf_type *type)
{
	return type->owner == THIS_MODULE || try_module_get(type->owner);
}

static void nfv_type_put(const struct nfv_nf_type *type)
{
	if (type->owner != THIS_MODULE)
		module_put(type->owner);
}

static void nfv_nf_destroy_work(struct work_struct *work)
{
	struct nfv_nf *nf = container_of(to_rcu_work(work), struct nfv_nf,
					 free_work);
	const struct nfv_nf_type *type = nf->type;

	if (type->destroy)
		type->destroy(nf);
	kfree(nf);
	nfv_type_put(type);
}

/* Any context. */
static void nfv_nf_put(struct nfv_nf *nf)
{
	if (refcount_dec_and_test(&nf->ref))
		queue_rcu_work(nfv_wq, &nf->free_work);
}

struct nfv_nf *nfv_nf_find(struct nfv_dp *dp, const char *name)
{
	struct nfv_nf *nf;

	list_for_each_entry(nf, &dp->nfs, node)
		if (!strcmp(nf->name, name))
			return nf;
	return NULL;
}

static struct nfv_nf *nfv_nf_alloc(struct nfv_dp *dp, const char *name,
				   struct nfv_nf_type *type)
{
	struct nfv_nf *nf;

	nf = kzalloc(sizeof(*nf) + type->priv_size, GFP_KERNEL);
	if (!nf)
		return NULL;
	INIT_RCU_WORK(&nf->free_work, nfv_nf_destroy_work);
	nf->type = type;
	nf->dp = dp;
	nf->net = dp->net;
	strscpy(nf->dp_name, dp->name, sizeof(nf->dp_name));
	refcount_set(&nf->ref, 1);
	strscpy(nf->name, name, sizeof(nf->name));
	return nf;
}

static int nfv_nf_parse_cfg(const struct nfv_nf_type *type, struct nlattr *cfg,
			    struct nlattr ***tbp,
			    struct netlink_ext_ack *extack)
{
	struct nlattr **tb;
	int err;

	*tbp = NULL;
	if (!type->maxattr) {
		if (cfg) {
			NL_SET_ERR_MSG_ATTR(extack, cfg,
					    "this NF type takes no configuration");
			return -EINVAL;
		}
		return 0;
	}
	tb = kcalloc(type->maxattr + 1, sizeof(*tb), GFP_KERNEL);
	if (!tb)
		return -ENOMEM;
	if (cfg) {
		err = nla_parse_nested(tb, type->maxattr, cfg, type->policy,
				       extack);
		if (err) {
			kfree(tb);
			return err;
		}
	}
	*tbp = tb;
	return 0;
}

/* The type of that name with a reference on its module, or NULL. */
static struct nfv_nf_type *nfv_type_get_by_name(const char *name)
{
	struct nfv_nf_type *type;

	mutex_lock(&nfv_types_lock);
	type = nfv_type_find(name);
	if (type && !nfv_type_get(type))
		type = NULL;
	mutex_unlock(&nfv_types_lock);
	return type;
}

/*
 * The NF type of that name, with a reference on its module for
 * nfv_nf_type_put(). A type no module registered yet is asked for by its
 * alias (MODULE_ALIAS_NFV_NF), as rtnetlink asks for "rtnl-link-KIND":
 * the module's init registers the type while modprobe runs, which can
 * take long and may need RTNL (a notifier) or genl_mutex, so both are
 * dropped around request_module(), as ctrl_getfamily() does for genl
 * families. The caller is a doit of our family (not parallel_ops: genl
 * holds genl_mutex, pre_doit RTNL) and must look up anything it found
 * under them again afterwards. genl's cb_lock stays held for reading: an
 * NF module's init must not register a genl family.
 */
struct nfv_nf_type *nfv_nf_type_get(const struct nlattr *name,
				    struct netlink_ext_ack *extack)
{
	struct nfv_nf_type *type = nfv_type_get_by_name(nla_data(name));

	ASSERT_RTNL();
#ifdef CONFIG_MODULES
	if (!type) {
		rtnl_unlock();
		genl_unlock();
		request_module(NFV_NF_ALIAS_PREFIX "%s", (char *)nla_data(name));
		genl_lock();
		rtnl_lock();
		type = nfv_type_get_by_name(nla_data(name));
	}
#endif
	if (!type) {
		nfv_err_msg_attr_fmt(extack, name,
				     "no NF type of that name (and no module for it)",
				     "no NF type '%s' (module " NFV_NF_ALIAS_PREFIX "%s not found)",
				     (char *)nla_data(name), (char *)nla_data(name));
		return ERR_PTR(-ENOENT);
	}
	return type;
}

void nfv_nf_type_put(struct nfv_nf_type *type)
{
	nfv_type_put(type);
}

/* type: the caller's reference, from nfv_nf_type_get(); it keeps it. */
struct nfv_nf *nfv_nf_create(struct nfv_dp *dp, const char *name,
			     struct nfv_nf_type *type, struct nlattr *cfg,
			     struct netlink_ext_ack *extack)
{
	struct nlattr **tb;
	struct nfv_nf *nf;
	int err;

	ASSERT_RTNL();
	if (nfv_nf_find(dp, name)) {
		NL_SET_ERR_MSG(extack, "an NF instance of that name exists");
		return ERR_PTR(-EEXIST);
	}
	if (dp->n_nfs >= NFV_MAX_NFS) {
		NL_SET_ERR_MSG(extack, "too many NF instances in the datapath");
		return ERR_PTR(-ENOSPC);
	}
	/* The instance's own reference; the caller's keeps the module. */
	if (type->owner != THIS_MODULE)
		__module_get(type->owner);

	err = nfv_nf_parse_cfg(type, cfg, &tb, extack);
	if (err)
		goto err_module;
	nf = nfv_nf_alloc(dp, name, type);
	if (!nf) {
		err = -ENOMEM;
		goto err_tb;
	}
	if (type->create) {
		err = type->create(nf, tb, extack);
		if (err)
			goto err_nf;
	}
	kfree(tb);
	list_add_tail(&nf->node, &dp->nfs);
	dp->n_nfs++;
	return nf;

err_nf:
	/* Classes a failed create() took before it failed. */
	nfv_nf_timeouts_release(nf);
	kfree(nf);
err_tb:
	kfree(tb);
err_module:
	nfv_type_put(type);
	return ERR_PTR(err);
}

int nfv_nf_configure(struct nfv_nf *nf, struct nlattr *cfg, u32 portid,
		     struct netlink_ext_ack *extack)
{
	const struct nfv_nf_type *type = nf->type;
	struct nlattr **tb;
	int err;

	ASSERT_RTNL();
	if (!type->configure) {
		NL_SET_ERR_MSG_ATTR(extack, cfg,
				    "this NF type cannot be reconfigured");
		return -EOPNOTSUPP;
	}
	err = nfv_nf_parse_cfg(type, cfg, &tb, extack);
	if (err)
		return err;
	err = type->configure(nf, tb, portid, extack);
	kfree(tb);
	return err;
}

static void nfv_nf_unlink(struct nfv_nf *nf)
{
	nfv_nf_timeouts_release(nf);
	list_del(&nf->node);
	nf->dp->n_nfs--;
	nfv_nf_put(nf);
}

/* Whether a port's chain holds @nf. RTNL. */
static bool nfv_nf_in_port_chain(const struct nfv_nf *nf)
{
	struct nfv_port *port;

	list_for_each_entry(port, &nf->dp->ports, node) {
		struct nfv_chain *chain = rtnl_dereference(port->chain);

		if (chain && nfv_chain_holds(chain, nf))
			return true;
	}
	return false;
}

/*
 * An NF no port's chain holds any more is held only by the flows of the
 * chains it was in, superseded since (nfv_port_set_chain()): they would
 * go within seconds; delete them now, so that deleting the NF right after
 * the chain that used it left does not fail. Their chains, and the NF's
 * references, go in RCU callbacks: the flows' (nfv_flow_free()), then
 * the chain's once its per-CPU count turned atomic (nfv_chain_release()).
 */
static void nfv_nf_release_flows(struct nfv_nf *nf)
{
	unsigned int i;

	nfv_flow_flush_nf(&nf->dp->table, nf);
	for (i = 0; i < 3 && refcount_read(&nf->ref) > 1; i++)
		rcu_barrier();
}

/* The instances every datapath has; not the core's guest type's. */
static struct nfv_nf_type *const nfv_builtin_types[] = {
	&nfv_fwd_type, &nfv_pass_type, &nfv_drop_type,
};

/*
 * One of a datapath's own instances, named after its type. An instance an
 * operator made may bear a type's name ("nf add DP guest type guest").
 */
static bool nfv_nf_is_builtin(const struct nfv_nf *nf)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nfv_builtin_types); i++)
		if (nf->type == nfv_builtin_types[i])
			return !strcmp(nf->name, nf->type->name);
	return false;
}

int nfv_nf_delete(struct nfv_nf *nf, struct netlink_ext_ack *extack)
{
	ASSERT_RTNL();
	if (nfv_nf_is_builtin(nf)) {
		NL_SET_ERR_MSG(extack, "built-in NF instances cannot be deleted");
		return -EPERM;
	}
	if (refcount_read(&nf->ref) > 1 && !nfv_nf_in_port_chain(nf))
		nfv_nf_release_flows(nf);
	if (refcount_read(&nf->ref) > 1) {
		NL_SET_ERR_MSG(extack, "NF instance is in use by a chain or flows");
		return -EBUSY;
	}
	nfv_nf_unlink(nf);
	return 0;
}

/* The datapath is going: its ports and flows are gone already. */
void nfv_nf_delete_all(struct nfv_dp *dp)
{
	struct nfv_nf *nf, *tmp;

	list_for_each_entry_safe(nf, tmp, &dp->nfs, node)
		nfv_nf_unlink(nf);
}

int nfv_nf_builtin_create(struct nfv_dp *dp)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nfv_builtin_types); i++) {
		struct nfv_nf_type *type = nfv_builtin_types[i];
		struct nfv_nf *nf;

		nf = nfv_nf_alloc(dp, type->name, type);
		if (!nf)
			return -ENOMEM;
		list_add_tail(&nf->node, &dp->nfs);
		dp->n_nfs++;
	}
	return 0;
}

static void nfv_chain_free_rcu(struct rcu_head *head)
{
	struct nfv_chain *chain = container_of(head, struct nfv_chain, rcu);
	unsigned int i;

	for (i = 0; i < chain->len; i++)
		nfv_nf_put(chain->nf[i].nf);
	percpu_ref_exit(&chain->ref);
	kfree(chain);
}

/* The last reference went, in any context. */
static void nfv_chain_last_ref(struct percpu_ref *ref)
{
	struct nfv_chain *chain = container_of(ref, struct nfv_chain, ref);

	call_rcu(&chain->rcu, nfv_chain_free_rcu);
}

/* A new flow's reference; its chain is in place, or the port's ref held. */
void nfv_chain_get(struct nfv_chain *chain)
{
	percpu_ref_get(&chain->ref);
}

/* A flow's reference, in any context. */
void nfv_chain_put(struct nfv_chain *chain)
{
	percpu_ref_put(&chain->ref);
}

/*
 * The port lets go of its chain, after no reader can still find it there
 * (so no flow takes a reference any more): the count turns atomic and the
 * chain goes with its last flow.
 */
void nfv_chain_release(struct nfv_chain *chain)
{
	if (chain)
		percpu_ref_kill(&chain->ref);
}

/*
 * A packet back from a guest step is known by the port it comes back on
 * (nfv_gstep_back()): two steps of a chain on one port could not be told
 * apart. RTNL.
 */
static int nfv_chain_check_gstep(struct nfv_nf **nfs, unsigned int n,
				 const struct nlattr *attr,
				 struct netlink_ext_ack *extack)
{
	unsigned int i;

	if (nfs[n]->type != &nfv_gstep_type || !nfv_gstep_port_no(nfs[n]))
		return 0;
	for (i = 0; i < n; i++) {
		if (nfs[i]->type == &nfv_gstep_type &&
		    nfv_gstep_port_no(nfs[i]) == nfv_gstep_port_no(nfs[n])) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "two guest steps of a chain on one port");
			return -EINVAL;
		}
	}
	return 0;
}

struct nfv_chain *nfv_chain_create(struct nfv_dp *dp, struct nlattr *list,
				   struct netlink_ext_ack *extack)
{
	struct nfv_nf *nfs[NFV_CHAIN_MAX];
	struct nfv_chain *chain;
	unsigned int n = 0, i;
	struct nlattr *attr;
	size_t off[NFV_AREA_KINDS] = {};
	unsigned int k;
	int rem, err;

	nla_for_each_nested(attr, list, rem) {
		if (nla_type(attr) != NFV_A_NF_NAME) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "chain elements must be NF names");
			return ERR_PTR(-EINVAL);
		}
		if (n == NFV_CHAIN_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "chain is too long");
			return ERR_PTR(-E2BIG);
		}
		nfs[n] = nfv_nf_find(dp, nla_data(attr));
		if (!nfs[n]) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "no NF instance of that name");
			return ERR_PTR(-ENOENT);
		}
		err = nfv_chain_check_gstep(nfs, n, attr, extack);
		if (err)
			return ERR_PTR(err);
		n++;
	}
	if (!n) {
		NL_SET_ERR_MSG_ATTR(extack, list, "chain is empty");
		return ERR_PTR(-EINVAL);
	}

	chain = kzalloc(struct_size(chain, nf, n), GFP_KERNEL_ACCOUNT);
	if (!chain)
		return ERR_PTR(-ENOMEM);
	if (percpu_ref_init(&chain->ref, nfv_chain_last_ref, 0,
			    GFP_KERNEL_ACCOUNT)) {
		kfree(chain);
		return ERR_PTR(-ENOMEM);
	}
	chain->len = n;
	chain->gstep = -1;
	for (i = 0; i < n; i++) {
		refcount_inc(&nfs[i]->ref);
		chain->nf[i].nf = nfs[i];
		chain->nat |= nfs[i]->type->nat;
		if (nfs[i]->type == &nfv_gstep_type) {
			if (chain->gstep < 0)
				chain->gstep = i;
			chain->gsteps |= BIT(i);
		}
		for (k = 0; k < NFV_AREA_KINDS; k++) {
			chain->nf[i].priv_off[k] = off[k];
			off[k] += ALIGN(nfv_nf_area_size(nfs[i]->type, k), 8);
		}
	}
	for (k = 0; k < NFV_AREA_KINDS; k++)
		chain->flow_priv_size[k] = off[k];
	return chain;
}

/* From NF @start on: a packet back from a guest step starts after it. */
enum nfv_verdict nfv_chain_run(struct nfv_chain *chain, struct nfv_pkt *pkt,
			       unsigned int start)
{
	bool nf_area = pkt->flow && nfv_flow_chain(pkt->flow) == chain;
	enum nfv_verdict v = NFV_CONTINUE;
	struct nfv_walk saved;
	unsigned int i;

	/* The NFs' traps and timeouts combine over the walk (timeout.c). */
	nfv_walk_begin(&saved, pkt->flow, chain->nat);
	for (i = start; i < chain->len; i++) {
		struct nfv_nf *nf = chain->nf[i].nf;
		void *priv = nf_area ?
			     nfv_flow_priv(pkt->flow, chain, i) :
			     NULL;

		nfv_walk_nf(nf);
		v = nf->type->process(nf, pkt, priv);
		if (nf->type == &nfv_gstep_type && priv)
			nfv_gstep_walked(pkt, i, v);
		if (v != NFV_CONTINUE)
			break;
	}
	nfv_walk_end(&saved);
	if (v == NFV_CONTINUE) {
		pkt->drop_reason = NFV_DROP_NO_CHAIN;
		v = NFV_DROP;
	}
	return v;
}

int nfv_chain_init(void)
{
	nfv_wq = alloc_workqueue("nfv", 0, 0);
	if (!nfv_wq)
		return -ENOMEM;
	nfv_fwd_type = nfv_forward_type;
	nfv_nf_type_register(&nfv_fwd_type);
	nfv_nf_type_register(&nfv_pass_type);
	nfv_nf_type_register(&nfv_drop_type);
	nfv_nf_type_register(&nfv_gstep_type);
	return 0;
}

/* After rcu_barrier(): every instance's destroy work is queued. */
void nfv_chain_exit(void)
{
	nfv_nf_type_unregister(&nfv_gstep_type);
	nfv_nf_type_unregister(&nfv_drop_type);
	nfv_nf_type_unregister(&nfv_pass_type);
	nfv_nf_type_unregister(&nfv_fwd_type);
	destroy_workqueue(nfv_wq);
}
