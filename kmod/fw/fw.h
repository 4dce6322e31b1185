/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfv_fw: the "fw" NF type, a stateful firewall on the core's flow table.
 * Documentation/nf-fw.rst describes the design.
 */
#ifndef _NFV_FW_H
#define _NFV_FW_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>

#include "../nfv_nf.h"
#include "classify.h"
#include "conntrack.h"
#include "meter.h"

#define FW_ZONES		65536
#define FW_CNT_CHUNK		1024	/* rules per per-CPU counter block */
#define FW_LOCK_BITS		6	/* flows hash to 64 state locks */

struct fw_cnt {
	u64 packets;
	u64 bytes;
};

/* A compiled rule set: immutable once published. */
struct fw_ruleset {
	struct rcu_head rcu;
	struct fw_cls *cls;
	struct fw_rule *rules;
	u32 n;
	u8 policy;			/* NFV_FW_ACCEPT or NFV_FW_DROP */
	u32 n_named;			/* rules that name a device */
	struct fw_cnt *base;		/* carried from the previous set */
	struct fw_rs_meter *meters;	/* the metered rules, in order */
	u32 n_meters;
	struct fw_cnt __percpu *cnt[];	/* DIV_ROUND_UP(n, FW_CNT_CHUNK) */
};

struct fw_zone {
	atomic_t flows;
	atomic_t half_open;
};

struct fw_stats {
	u64 stat[__NFV_FW_STAT_MAX];
};

struct fw_inst {
	struct fw_ruleset __rcu *rs;
	struct nfv_dp *dp;		/* resolves rules' device names */
	u32 last_handle;		/* RTNL: the last handle given */
	struct fw_zone *zones;		/* set once, when a limit is first set */
	struct fw_meter_ids *meter_ids;	/* meters live, the rule sets' and
					 * those flows still hold
					 */
	u32 zone_max_flows;		/* 0: none */
	u32 zone_max_half_open;
	u8 tcp_loose;			/* pick up connections under way */
	struct fw_stats __percpu *stats;
	spinlock_t locks[1 << FW_LOCK_BITS];	/* serialise a flow's packets */
	/*
	 * fw_stage_lock: loads being staged (struct fw_stage), one per
	 * socket, freed when it closes; the instance on fw_insts for that.
	 */
	struct list_head stages;
	u32 nstages;
	struct list_head node;
	struct net *net;
};

static inline void fw_count(struct fw_inst *fw, enum nfv_fw_stat s)
{
	this_cpu_inc(fw->stats->stat[s]);
}

/* rules.c */
struct fw_ruleset *fw_ruleset_build(struct fw_inst *fw, struct fw_rule *rules,
				    u32 n, u8 policy,
				    const struct fw_ruleset *old,
				    const s32 *carry, int *err);
void fw_ruleset_free(struct fw_ruleset *rs);
void fw_ruleset_swap(struct fw_inst *fw, struct fw_ruleset *rs);
void fw_ruleset_count(struct fw_ruleset *rs, u32 idx, unsigned int len);
void fw_ruleset_read(const struct fw_ruleset *rs, u32 idx, struct fw_cnt *c);
int fw_rule_parse(const struct nlattr *attr, struct fw_rule *r,
		  struct netlink_ext_ack *extack);
int fw_rule_fill(struct sk_buff *skb, const struct fw_ruleset *rs, u32 idx);
int fw_rules_parse(const struct nlattr *list, struct fw_rule **rules,
		   u32 *n, u32 room, struct netlink_ext_ack *extack);

/* process.c */
enum nfv_verdict fw_process(struct nfv_nf *nf, struct nfv_pkt *pkt,
			    void *flow_priv);
void fw_flow_destroy(struct nfv_nf *nf, struct nfv_flow *flow,
		     void *flow_priv);

/*
 * What fw_classify() returns: the action, and for a reject its type
 * (enum nfv_fw_reject) above it, so that ACCEPT stays 0.
 */
#define FW_VERDICT_ACTION(v)	((v) & 0xff)
#define FW_VERDICT_REJECT(v)	((v) >> 8)

/* reject.c */
void fw_reject(struct fw_inst *fw, struct nfv_pkt *pkt, u8 type);

#endif /* _NFV_FW_H */
