/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-source meters: a rule's table of sources, each with a token bucket
 * (limit-per-source) or a count of open flows (count-per-source). Only
 * new flows reach a meter. Documentation/nf-fw.rst, "Per-source limits".
 */
#ifndef _NFV_FW_METER_H
#define _NFV_FW_METER_H

#include <linux/percpu.h>
#include <linux/percpu-refcount.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "classify.h"

#define FW_METER_SLOTS		8	/* a source's probe: one group */
#define FW_METER_DEFAULT	65536
#define FW_METER_V6_PREFIX	64	/* one host owns a /64 */
#define FW_MAX_METERS		32	/* per rule set: a new flow may check each */
#define FW_METER_TOTAL		(1U << 22)	/* entries per rule set */
#define FW_METER_LOCKS		64	/* claims of a free slot, by group */

struct fw_meter;

/*
 * One source. family 0: free. A claim fills the entry under its group's
 * lock and publishes family last; lookups read it without a lock. count
 * is never reset: a slot is reclaimed only at 0, and an increment that
 * races a reclaim stays balanced by its flow's release.
 */
struct fw_meter_ent {
	u64 bucket;		/* jiffies of the last take << 32 | credit */
	struct fw_meter *meter;
	atomic_t count;		/* flows open (count meters) */
	u16 zone;
	u8 family;
	u8 pad;
	__be32 addr[4];		/* masked: IPv6 to the meter's prefix */
};

struct fw_meter_stats {
	u64 limited;
	u64 full;
};

struct fw_meter {
	/*
	 * Held by the counted flows, and once for all the rule sets that
	 * use the meter (users): an edit that keeps the rule shares it, a
	 * reload's old meter lives until its last counted flow is gone.
	 */
	struct percpu_ref ref;
	refcount_t users;
	struct rcu_head rcu;
	struct fw_meter_cfg cfg;
	u32 cost;		/* credit one new flow takes */
	u32 max;		/* a full bucket: burst * cost */
	u32 fill;		/* jiffies an empty bucket takes to fill */
	u8 shift;		/* credit per jiffy: 1 << shift */
	u32 seed;
	u32 gmask;		/* groups - 1 */
	struct fw_meter_stats __percpu *stats;
	spinlock_t locks[FW_METER_LOCKS];
	struct fw_meter_ent ent[];
};

/* A rule set's meter: the rule it belongs to. */
struct fw_rs_meter {
	u32 idx;
	struct fw_meter *m;
};

/* The bucket's fixed point for cfg; false if its burst cannot be held. */
bool fw_meter_scale(const struct fw_meter_cfg *cfg, u8 *shift, u32 *cost,
		    u32 *max);
struct fw_meter *fw_meter_create(const struct fw_meter_cfg *cfg);
void fw_meter_share(struct fw_meter *m);
void fw_meter_drop(struct fw_meter *m);
void fw_meter_read(struct fw_meter *m, u64 *limited, u64 *full);

/*
 * Does rule r's meter m let the new flow (k, zone) match the rule at
 * jiffies now? A count meter that does not match counts the flow in
 * *ment, if ment is given and holds no count yet.
 */
bool fw_meter_match(struct fw_meter *m, const struct fw_key *k, u16 zone,
		    struct fw_meter_ent **ment, u32 now);
/* Metered rules before idx (-1: none) that match, else idx. */
s32 fw_meters_classify(const struct fw_rs_meter *ms, u32 n,
		       const struct fw_rule *rules, const struct fw_key *k,
		       u16 zone, s32 idx, struct fw_meter_ent **ment, u32 now);
/* A counted flow is gone. Any context. */
void fw_meter_release(struct fw_meter_ent *e);

#endif /* _NFV_FW_METER_H */
