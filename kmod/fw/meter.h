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
#include <linux/xarray.h>

#include "classify.h"

#define FW_METER_SLOTS		8	/* a source's probe: one group */
#define FW_METER_DEFAULT	65536
#define FW_METER_V6_PREFIX	64	/* one host owns a /64 */
#define FW_MAX_METERS		32	/* per rule set: a new flow may check each */
#define FW_METER_TOTAL		(1U << 22)	/* entries per rule set */
#define FW_METER_LOCKS		64	/* claims of a free slot, by group */
#define FW_METER_ID_MAX		U16_MAX	/* live meters of an instance */

/*
 * An instance's live meters by id, so that a counted flow keeps 6 bytes
 * (struct fw_meter_ref, in room its state has) where a pointer would
 * take 8 more. A meter has its id from creation until it is freed, after
 * the last flow it counted: an id is given again only then. Held by the
 * instance and by each meter, which may outlive it by a grace period.
 */
struct fw_meter_ids {
	struct xarray xa;	/* id -> struct fw_meter */
	refcount_t ref;
};

/* The count-per-source entry that counts a flow: its meter, its slot. */
struct fw_meter_ref {
	u16 id;			/* 0: none */
	u16 slot_hi;		/* u16s: 2-aligned, after fw_ct's 2 bytes */
	u16 slot_lo;
};

static inline u32 fw_meter_ref_slot(const struct fw_meter_ref *r)
{
	return (u32)r->slot_hi << 16 | r->slot_lo;
}

/*
 * One source. family 0: free. A claim fills the entry under its group's
 * lock and publishes family last; lookups read it without a lock. count
 * is never reset: a slot is reclaimed only at 0, and an increment that
 * races a reclaim stays balanced by its flow's release.
 */
struct fw_meter_ent {
	u64 bucket;		/* jiffies of the last take << 32 | credit */
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
	struct fw_meter_ids *ids;
	u16 id;
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
struct fw_meter_ids *fw_meter_ids_new(void);
void fw_meter_ids_put(struct fw_meter_ids *ids);
/* ERR_PTR(-EBUSY): the instance has FW_METER_ID_MAX meters live. */
struct fw_meter *fw_meter_create(struct fw_meter_ids *ids,
				 const struct fw_meter_cfg *cfg);
void fw_meter_share(struct fw_meter *m);
void fw_meter_drop(struct fw_meter *m);
void fw_meter_read(struct fw_meter *m, u64 *limited, u64 *full);

/*
 * Does rule r's meter m let the new flow (k, zone) match the rule at
 * jiffies now? A count meter that does not match counts the flow in
 * *ref, if ref is given and holds no count yet.
 */
bool fw_meter_match(struct fw_meter *m, const struct fw_key *k, u16 zone,
		    struct fw_meter_ref *ref, u32 now);
/* Metered rules before idx (-1: none) that match, else idx. */
s32 fw_meters_classify(const struct fw_rs_meter *ms, u32 n,
		       const struct fw_rule *rules, const struct fw_key *k,
		       u16 zone, s32 idx, struct fw_meter_ref *ref, u32 now);
/*
 * A counted flow is gone, or no longer counts: finds its meter by id
 * (off the packet path: at a flow's end or a TCP close) and clears ref.
 * Process or softirq context.
 */
void fw_meter_release(struct fw_meter_ids *ids, struct fw_meter_ref *ref);

#endif /* _NFV_FW_METER_H */
