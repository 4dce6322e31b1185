// SPDX-License-Identifier: GPL-2.0
/*
 * nfv_fw: the "fw" NF type. Instances are created and reconfigured over
 * the core's netlink family (NF_NEW, NF_SET with NFV_A_NF_CONFIG); every
 * change to the rules compiles a new rule set and swaps it in under RCU.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "fw.h"

static const struct nla_policy fw_policy[NFV_FW_A_MAX + 1] = {
	[NFV_FW_A_POLICY]	= NLA_POLICY_MAX(NLA_U8, NFV_FW_DROP),
	[NFV_FW_A_OP]		= NLA_POLICY_MAX(NLA_U8, NFV_FW_OP_MAX),
	[NFV_FW_A_RULES]	= { .type = NLA_NESTED },
	[NFV_FW_A_RULE]		= { .type = NLA_NESTED },
	[NFV_FW_A_POS]		= { .type = NLA_U32 },
	[NFV_FW_A_ZONE_MAX_FLOWS]	= { .type = NLA_U32 },
	[NFV_FW_A_ZONE_MAX_HALF_OPEN]	= { .type = NLA_U32 },
	[NFV_FW_A_TCP_LOOSE]	= NLA_POLICY_MAX(NLA_U8, 1),
	[NFV_FW_A_HANDLE]	= NLA_POLICY_MIN(NLA_U32, 1),
	[NFV_FW_A_AFTER]	= { .type = NLA_FLAG },
};

static struct fw_ruleset *fw_rs(struct fw_inst *fw)
{
	return rtnl_dereference(fw->rs);
}

/* Builds and publishes a set from rules (taken over). */
static int fw_install(struct fw_inst *fw, struct fw_rule *rules, u32 n,
		      u8 policy, const s32 *carry,
		      struct netlink_ext_ack *extack)
{
	struct fw_ruleset *rs;
	int err;

	rs = fw_ruleset_build(fw, rules, n, policy, fw_rs(fw), carry, &err);
	if (!rs) {
		if (err == -E2BIG)
			NL_SET_ERR_MSG(extack,
				       "rule set too large once port ranges are split");
		else if (err == -EMLINK)
			NL_SET_ERR_MSG(extack,
				       "too many meters: at most 32 metered rules and 4194304 meter entries in a rule set");
		else if (err == -ENOSPC)
			NL_SET_ERR_MSG(extack,
				       "rule handles used up: delete and create the instance");
		else if (err == -EBUSY)
			NL_SET_ERR_MSG(extack,
				       "meter ids used up: 65535 meters live, with those replaced ones that counted flows still hold");
		else
			NL_SET_ERR_MSG(extack, "cannot compile the rule set");
		return err;
	}
	fw_ruleset_swap(fw, rs);
	return 0;
}

/* The current rules, copied, for a set that changes one of them. */
static struct fw_rule *fw_rules_copy(const struct fw_ruleset *rs, u32 extra)
{
	struct fw_rule *rules;

	rules = kvmalloc_array(rs->n + extra, sizeof(*rules), GFP_KERNEL);
	if (rules && rs->n)
		memcpy(rules, rs->rules, rs->n * sizeof(*rules));
	return rules;
}

/*
 * One rule changes: inserted before pos, deleted at pos, or set at pos
 * (op). The other rules keep their counters.
 */
static int fw_edit(struct fw_inst *fw, u8 op, const struct fw_rule *rule,
		   u32 pos, u8 policy, struct netlink_ext_ack *extack)
{
	const struct fw_ruleset *rs = fw_rs(fw);
	int delta = op == NFV_FW_OP_INSERT ? 1 :
		    op == NFV_FW_OP_DELETE ? -1 : 0;
	u32 n = rs->n + delta, i;
	struct fw_rule *rules;
	s32 *carry;
	int err;

	rules = fw_rules_copy(rs, 1);
	carry = kvmalloc_array(max(n, 1U), sizeof(*carry), GFP_KERNEL);
	if (!rules || !carry) {
		kvfree(rules);
		kvfree(carry);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		carry[i] = i < pos ? i : i - delta;
	if (op == NFV_FW_OP_INSERT)
		memmove(&rules[pos + 1], &rules[pos],
			(rs->n - pos) * sizeof(*rules));
	else if (op == NFV_FW_OP_DELETE)
		memmove(&rules[pos], &rules[pos + 1],
			(rs->n - pos - 1) * sizeof(*rules));
	if (rule) {
		/* A rule set in place keeps its handle, as nft's replace. */
		u32 handle = op == NFV_FW_OP_SET ? rules[pos].handle : 0;

		rules[pos] = *rule;
		rules[pos].handle = handle;
		carry[pos] = -1;
	}
	err = fw_install(fw, rules, n, policy, carry, extack);
	kvfree(carry);
	return err;
}

/*
 * The rule a request names, by NFV_FW_A_POS or NFV_FW_A_HANDLE, as an
 * index; n if it names none. An insert may name position n, the end.
 */
static int fw_get_pos(struct nlattr **tb, const struct fw_ruleset *rs,
		      bool insert, u32 *pos, struct netlink_ext_ack *extack)
{
	struct nlattr *h = tb[NFV_FW_A_HANDLE];
	u32 i;

	*pos = rs->n;
	if (tb[NFV_FW_A_POS] && h) {
		NL_SET_ERR_MSG_ATTR(extack, h, "a rule position and a handle");
		return -EINVAL;
	}
	if (tb[NFV_FW_A_POS]) {
		*pos = nla_get_u32(tb[NFV_FW_A_POS]);
		if (insert && *pos > rs->n) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFV_FW_A_POS],
					    "position past the end of the rules");
			return -ERANGE;
		}
		if (!insert && *pos >= rs->n) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFV_FW_A_POS],
					    "no rule there");
			return -ENOENT;
		}
	}
	if (!h)
		return 0;
	for (i = 0; i < rs->n; i++) {
		if (rs->rules[i].handle == nla_get_u32(h)) {
			*pos = i;
			return 0;
		}
	}
	NL_SET_ERR_MSG_ATTR(extack, h, "no rule has this handle");
	return -ENOENT;
}

/* INSERT (before the rule named, or after it), DELETE, SET: one rule. */
static int fw_op_rule(struct fw_inst *fw, u8 op, struct nlattr **tb,
		      u8 policy, struct netlink_ext_ack *extack)
{
	const struct fw_ruleset *rs = fw_rs(fw);
	bool named = tb[NFV_FW_A_POS] || tb[NFV_FW_A_HANDLE];
	struct fw_rule rule;
	u32 pos;
	int err;

	err = fw_get_pos(tb, rs, op == NFV_FW_OP_INSERT, &pos, extack);
	if (err)
		return err;
	if (op == NFV_FW_OP_INSERT) {
		if (rs->n >= FW_MAX_RULES) {
			NL_SET_ERR_MSG(extack, "too many rules");
			return -E2BIG;
		}
		if (named && tb[NFV_FW_A_AFTER] && pos < rs->n)
			pos++;
	} else if (!named) {
		NL_SET_ERR_MSG(extack,
			       "missing rule position or handle (NFV_FW_A_POS, NFV_FW_A_HANDLE)");
		return -EINVAL;
	}
	if (op == NFV_FW_OP_DELETE)
		return fw_edit(fw, op, NULL, pos, policy, extack);
	if (!tb[NFV_FW_A_RULE]) {
		NL_SET_ERR_MSG(extack, "missing rule (NFV_FW_A_RULE)");
		return -EINVAL;
	}
	err = fw_rule_parse(tb[NFV_FW_A_RULE], &rule, extack);
	return err ?: fw_edit(fw, op, &rule, pos, policy, extack);
}

/*
 * A load staged by BEGIN and APPEND, swapped in by COMMIT: one per netlink
 * socket (portid), so two loaders never mix their rules. At most
 * FW_MAX_STAGES per instance; a load goes when its socket closes
 * (NETLINK_URELEASE: its loader ended or died), one idle for
 * FW_STAGE_IDLE with the next BEGIN (its loader gave up), the rest with
 * the instance. fw_stage_lock, not RTNL, guards them, and COMMIT
 * compiles outside it: closing a netlink socket, anywhere, waits neither
 * for RTNL nor for a rule set being built.
 */
#define FW_MAX_STAGES	4
#define FW_STAGE_IDLE	(60 * HZ)

static DEFINE_MUTEX(fw_stage_lock);
static LIST_HEAD(fw_insts);		/* every instance, fw_stage_lock */

struct fw_stage {
	struct list_head list;
	u32 portid;
	unsigned long used;		/* jiffies of its last message */
	struct fw_rule *rules;
	u32 n;
};

static void fw_stage_unlink(struct fw_inst *fw, struct fw_stage *st)
{
	list_del(&st->list);
	fw->nstages--;
}

static void fw_stage_free(struct fw_inst *fw, struct fw_stage *st)
{
	fw_stage_unlink(fw, st);
	kvfree(st->rules);
	kfree(st);
}

static void fw_stages_free(struct fw_inst *fw, bool idle_only)
{
	struct fw_stage *st, *tmp;

	list_for_each_entry_safe(st, tmp, &fw->stages, list)
		if (!idle_only ||
		    time_after(jiffies, st->used + FW_STAGE_IDLE))
			fw_stage_free(fw, st);
}

static struct fw_stage *fw_stage_find(struct fw_inst *fw, u32 portid)
{
	struct fw_stage *st;

	list_for_each_entry(st, &fw->stages, list)
		if (st->portid == portid)
			return st;
	return NULL;
}

static struct fw_stage *fw_stage_begin(struct fw_inst *fw, u32 portid,
				       struct nlattr *op,
				       struct netlink_ext_ack *extack)
{
	struct fw_stage *st = fw_stage_find(fw, portid);

	if (st) {			/* this socket starts over */
		fw_stage_free(fw, st);
	} else {
		fw_stages_free(fw, true);
		if (fw->nstages >= FW_MAX_STAGES) {
			NL_SET_ERR_MSG_ATTR(extack, op,
					    "too many rule loads in progress");
			return ERR_PTR(-EBUSY);
		}
	}
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return ERR_PTR(-ENOMEM);
	st->portid = portid;
	list_add(&st->list, &fw->stages);
	fw->nstages++;
	return st;
}

/* BEGIN and APPEND stage rules; the load, unlinked, on COMMIT or error. */
static struct fw_stage *fw_stage_add(struct fw_inst *fw, u8 op,
				     struct nlattr **tb, u32 portid,
				     struct netlink_ext_ack *extack)
{
	struct fw_stage *st;
	int err = 0;

	mutex_lock(&fw_stage_lock);
	if (op == NFV_FW_OP_BEGIN) {
		st = fw_stage_begin(fw, portid, tb[NFV_FW_A_OP], extack);
		if (IS_ERR(st))
			goto out;
	} else {
		st = fw_stage_find(fw, portid);
		if (!st) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFV_FW_A_OP],
					    "no rule load in progress (send begin)");
			st = ERR_PTR(-EINVAL);
			goto out;
		}
	}
	st->used = jiffies;
	if (tb[NFV_FW_A_RULES])
		err = fw_rules_parse(tb[NFV_FW_A_RULES], &st->rules, &st->n,
				     FW_MAX_RULES - st->n, extack);
	if (!err && op != NFV_FW_OP_COMMIT) {
		st = NULL;
		goto out;
	}
	/* A refused message ends the load: the loader gives up on it. */
	if (err) {
		fw_stage_free(fw, st);
		st = ERR_PTR(err);
	} else {
		fw_stage_unlink(fw, st);
	}
out:
	mutex_unlock(&fw_stage_lock);
	return st;
}

/* BEGIN, APPEND, COMMIT: stage rules over several messages. */
static int fw_op_stage(struct fw_inst *fw, u8 op, struct nlattr **tb,
		       u8 policy, u32 portid, struct netlink_ext_ack *extack)
{
	struct fw_stage *st = fw_stage_add(fw, op, tb, portid, extack);
	int err;

	if (IS_ERR_OR_NULL(st))
		return PTR_ERR_OR_ZERO(st);
	/* COMMIT, outside the lock: a socket's close need not wait for it. */
	err = fw_install(fw, st->rules, st->n, policy, NULL, extack);
	kfree(st);		/* the rules taken over, even on failure */
	return err;
}

/* A socket closed: the loads it staged will never be committed. */
static int fw_netlink_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct netlink_notify *n = ptr;
	struct fw_stage *st;
	struct fw_inst *fw;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	mutex_lock(&fw_stage_lock);
	list_for_each_entry(fw, &fw_insts, node) {
		if (!net_eq(fw->net, n->net))
			continue;
		st = fw_stage_find(fw, n->portid);
		if (st)
			fw_stage_free(fw, st);
	}
	mutex_unlock(&fw_stage_lock);
	return NOTIFY_DONE;
}

static struct notifier_block fw_netlink_notifier = {
	.notifier_call = fw_netlink_event,
};

static int fw_op_replace(struct fw_inst *fw, struct nlattr **tb, u8 policy,
			 struct netlink_ext_ack *extack)
{
	const struct fw_ruleset *rs = fw_rs(fw);
	struct fw_rule *rules = NULL;
	u32 n = 0;
	int err;

	if (tb[NFV_FW_A_RULES]) {
		err = fw_rules_parse(tb[NFV_FW_A_RULES], &rules, &n,
				     FW_MAX_RULES, extack);
		if (err)
			return err;
		return fw_install(fw, rules, n, policy, NULL, extack);
	}
	if (!rs || policy == rs->policy)
		return 0;
	/* Only the policy changes: same rules, same counters. */
	return fw_edit(fw, NFV_FW_OP_SET, NULL, rs->n, policy, extack);
}

/*
 * Zone limits take effect only with the rest of the request: a refused
 * request changes nothing. The zone counters are allocated beforehand.
 */
static int fw_limits_prepare(struct fw_inst *fw, struct nlattr **tb,
			     struct fw_zone **zones)
{
	*zones = NULL;
	if (fw->zones || (!tb[NFV_FW_A_ZONE_MAX_FLOWS] &&
			  !tb[NFV_FW_A_ZONE_MAX_HALF_OPEN]))
		return 0;
	*zones = kvcalloc(FW_ZONES, sizeof(**zones), GFP_KERNEL);
	return *zones ? 0 : -ENOMEM;
}

static void fw_limits_apply(struct fw_inst *fw, struct nlattr **tb,
			    struct fw_zone *zones)
{
	struct nlattr *flows = tb[NFV_FW_A_ZONE_MAX_FLOWS];
	struct nlattr *half = tb[NFV_FW_A_ZONE_MAX_HALF_OPEN];

	/* Flows admitted before this are not counted. */
	if (zones) {
		/* Release: the counters are zero before the array is seen. */
		smp_store_release(&fw->zones, zones);
	}
	if (flows)
		WRITE_ONCE(fw->zone_max_flows, nla_get_u32(flows));
	if (half)
		WRITE_ONCE(fw->zone_max_half_open, nla_get_u32(half));
}

static int fw_op(struct fw_inst *fw, u8 op, struct nlattr **tb, u8 policy,
		 u32 portid, struct netlink_ext_ack *extack)
{
	switch (op) {
	case NFV_FW_OP_INSERT:
	case NFV_FW_OP_DELETE:
	case NFV_FW_OP_SET:
		return fw_op_rule(fw, op, tb, policy, extack);
	case NFV_FW_OP_BEGIN:
	case NFV_FW_OP_APPEND:
	case NFV_FW_OP_COMMIT:
		return fw_op_stage(fw, op, tb, policy, portid, extack);
	default:
		return fw_op_replace(fw, tb, policy, extack);
	}
}

static int fw_configure(struct nfv_nf *nf, struct nlattr **tb, u32 portid,
			struct netlink_ext_ack *extack)
{
	struct fw_inst *fw = nfv_nf_priv(nf);
	const struct fw_ruleset *rs = fw_rs(fw);
	u8 op = NFV_FW_OP_REPLACE, policy;
	struct fw_zone *zones;
	int err;

	if (tb[NFV_FW_A_OP])
		op = nla_get_u8(tb[NFV_FW_A_OP]);
	policy = tb[NFV_FW_A_POLICY] ? nla_get_u8(tb[NFV_FW_A_POLICY]) :
		 rs ? rs->policy : NFV_FW_ACCEPT;
	err = fw_limits_prepare(fw, tb, &zones);
	if (err)
		return err;
	err = fw_op(fw, op, tb, policy, portid, extack);
	if (err) {
		kvfree(zones);
		return err;
	}
	fw_limits_apply(fw, tb, zones);
	if (tb[NFV_FW_A_TCP_LOOSE])
		WRITE_ONCE(fw->tcp_loose, nla_get_u8(tb[NFV_FW_A_TCP_LOOSE]));
	return 0;
}

static void fw_destroy(struct nfv_nf *nf)
{
	struct fw_inst *fw = nfv_nf_priv(nf);

	fw_ruleset_free(rcu_dereference_protected(fw->rs, true));
	/* Freed with the last meter: a replaced one waits for its flows. */
	fw_meter_ids_put(fw->meter_ids);
	mutex_lock(&fw_stage_lock);
	list_del(&fw->node);
	fw_stages_free(fw, false);
	mutex_unlock(&fw_stage_lock);
	kvfree(fw->zones);
	free_percpu(fw->stats);
}

static int fw_create(struct nfv_nf *nf, struct nlattr **tb,
		     struct netlink_ext_ack *extack)
{
	struct fw_inst *fw = nfv_nf_priv(nf);
	unsigned int i;
	int err;

	if (tb[NFV_FW_A_OP] &&
	    nla_get_u8(tb[NFV_FW_A_OP]) != NFV_FW_OP_REPLACE) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFV_FW_A_OP],
				    "a new instance takes its rules whole");
		return -EINVAL;
	}
	INIT_LIST_HEAD(&fw->stages);
	fw->tcp_loose = 1;	/* as conntrack's nf_conntrack_tcp_loose */
	fw->dp = nf->dp;
	fw->stats = alloc_percpu(struct fw_stats);
	if (!fw->stats)
		return -ENOMEM;
	fw->meter_ids = fw_meter_ids_new();
	if (!fw->meter_ids) {
		free_percpu(fw->stats);
		return -ENOMEM;
	}
	/* From here a failure goes through fw_destroy(), which unlists it. */
	fw->net = nfv_nf_net(nf);
	mutex_lock(&fw_stage_lock);
	list_add(&fw->node, &fw_insts);
	mutex_unlock(&fw_stage_lock);
	for (i = 0; i < ARRAY_SIZE(fw->locks); i++)
		spin_lock_init(&fw->locks[i]);
	err = fw_install(fw, NULL, 0, tb[NFV_FW_A_POLICY] ?
			 nla_get_u8(tb[NFV_FW_A_POLICY]) : NFV_FW_ACCEPT,
			 NULL, extack) ?:
	      fw_configure(nf, tb, 0, extack);
	if (err)
		fw_destroy(nf);
	return err;
}

static int fw_fill_info(struct nfv_nf *nf, struct sk_buff *skb)
{
	struct fw_inst *fw = nfv_nf_priv(nf);
	const struct fw_ruleset *rs = fw_rs(fw);
	u64 sum[__NFV_FW_STAT_MAX] = {};
	struct nlattr *nest;
	int cpu, i;

	for_each_possible_cpu(cpu)
		for (i = NFV_FW_STAT_PAD + 1; i < __NFV_FW_STAT_MAX; i++)
			sum[i] += READ_ONCE(per_cpu_ptr(fw->stats, cpu)->stat[i]);
	if (nla_put_u8(skb, NFV_FW_A_POLICY, rs->policy) ||
	    nla_put_u32(skb, NFV_FW_A_NRULES, rs->n) ||
	    nla_put_u32(skb, NFV_FW_A_SUBTABLES, fw_cls_subtables(rs->cls)) ||
	    nla_put_u32(skb, NFV_FW_A_ZONE_MAX_FLOWS, fw->zone_max_flows) ||
	    nla_put_u32(skb, NFV_FW_A_ZONE_MAX_HALF_OPEN,
			fw->zone_max_half_open) ||
	    nla_put_u8(skb, NFV_FW_A_TCP_LOOSE, fw->tcp_loose) ||
	    nla_put_u32(skb, NFV_FW_A_RULE_MAXATTR, NFV_FW_RULE_A_MAX))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, NFV_FW_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = NFV_FW_STAT_PAD + 1; i < __NFV_FW_STAT_MAX; i++)
		if (nla_put_u64_64bit(skb, i, sum[i], NFV_FW_STAT_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fw_fill_item(struct nfv_nf *nf, struct sk_buff *skb,
			unsigned long idx)
{
	const struct fw_ruleset *rs = fw_rs(nfv_nf_priv(nf));

	if (idx >= rs->n)
		return -ENOENT;
	return fw_rule_fill(skb, rs, idx);
}

static int fw_fill_flow(struct nfv_nf *nf, struct nfv_flow *flow,
			void *flow_priv, struct sk_buff *skb)
{
	const struct fw_ct *ct = flow_priv;

	return nla_put_u8(skb, NFV_FW_A_STATE, READ_ONCE(ct->state));
}

/*
 * Rules by device name follow their port: rebuild the set, which
 * resolves the names again. A rebuild that fails (no memory) leaves them
 * as they were: a deleted port's number is not given again while the
 * datapath lives, so they match nothing rather than another port.
 */
static void fw_port_event(struct nfv_nf *nf, u16 port_no,
			  enum nfv_port_event event)
{
	struct fw_inst *fw = nfv_nf_priv(nf);
	const struct fw_ruleset *rs = fw_rs(fw);

	if (!rs->n_named)
		return;
	if (fw_edit(fw, NFV_FW_OP_SET, NULL, rs->n, rs->policy, NULL))
		pr_warn_ratelimited("nfv_fw: %s: rules by device name not updated for port %u\n",
				    nf->name, port_no);
}

static struct nfv_nf_type fw_type = {
	.name = "fw",
	.owner = THIS_MODULE,
	.priv_size = sizeof(struct fw_inst),
	.flow_priv_size = FW_CT_GEN_SIZE,
	.flow_priv_size_tcp = sizeof(struct fw_ct),
	.policy = fw_policy,
	.maxattr = NFV_FW_A_MAX,
	.create = fw_create,
	.destroy = fw_destroy,
	.configure = fw_configure,
	.process = fw_process,
	.flow_destroy = fw_flow_destroy,
	.fill_info = fw_fill_info,
	.fill_item = fw_fill_item,
	.fill_flow = fw_fill_flow,
	.flow_info_size = NLA_ALIGN(NLA_HDRLEN + sizeof(u8)),	/* STATE */
	.port_event = fw_port_event,
};

static int __init fw_init(void)
{
	int err;

	/*
	 * performance.rst's memory per flow: 8 bytes keep an IPv4 UDP flow
	 * in kmalloc-128.
	 */
	BUILD_BUG_ON(sizeof(struct fw_ct) > 56 || FW_CT_GEN_SIZE > 8);
	/* nf-fw.rst's figures: 2 MiB a default meter, 32 MiB the largest. */
	BUILD_BUG_ON(sizeof(struct fw_meter_ent) != 32);
	BUILD_BUG_ON(FW_PORT_NONE <= NFV_PORT_NO_MAX);
	/* The state numbers are the ABI's. */
	BUILD_BUG_ON((int)FW_TCP_SYN_SENT2 != (int)NFV_FW_TCP_SYN_SENT2 ||
		     (int)FW_TCP_CLOSE != (int)NFV_FW_TCP_CLOSE ||
		     (int)FW_TCP_NSTATES != (int)__NFV_FW_TCP_MAX);
	BUILD_BUG_ON((int)FW_GEN_UNREPLIED != (int)NFV_FW_GEN_UNREPLIED ||
		     (int)FW_GEN_REPLIED != (int)NFV_FW_GEN_REPLIED);
	BUILD_BUG_ON((int)FW_CT_INVALID != (int)NFV_FW_CT_INVALID ||
		     (int)FW_CT_NSTATES != (int)__NFV_FW_CT_MAX);
	err = netlink_register_notifier(&fw_netlink_notifier);
	if (err)
		return err;
	err = nfv_nf_type_register(&fw_type);
	if (err)
		netlink_unregister_notifier(&fw_netlink_notifier);
	return err;
}

static void __exit fw_exit(void)
{
	nfv_nf_type_unregister(&fw_type);
	netlink_unregister_notifier(&fw_netlink_notifier);
	rcu_barrier();		/* rule sets replaced by NF_SET */
	rcu_barrier();		/* their meters' last references */
}

module_init(fw_init);
module_exit(fw_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nfv stateful firewall NF");
MODULE_SOFTDEP("pre: nfv");
MODULE_ALIAS_NFV_NF("fw");
MODULE_VERSION(NFV_VERSION);
