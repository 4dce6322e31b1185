// SPDX-License-Identifier: GPL-2.0
/*
 * Per-source meters. A meter is a fixed array of entries in groups of
 * FW_METER_SLOTS, allocated when its rule is added; a source hashes (with
 * the meter's random seed) to one group and takes a slot in it. A slot
 * is free to take when its source holds no flow and, for a rate, its
 * bucket refilled completely: idle sources are reclaimed by the probe
 * itself, with no timer or walk. A source that finds no slot is refused
 * and counted (full), so a flood of spoofed sources fills the table and
 * is refused, while the sources already in it keep their entries.
 *
 * A rate's bucket is one 64-bit word: the jiffies of its last take above,
 * its credit below, in units of 1 / 2^shift jiffy; a new flow costs
 * period * HZ / rate jiffies of credit. It changes with cmpxchg, so a
 * source's flows on several CPUs need no lock, and a refusal writes
 * nothing.
 */
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/socket.h>

#include "meter.h"

/* Credit per flow: the largest shift at which burst flows fit 32 bits. */
bool fw_meter_scale(const struct fw_meter_cfg *cfg, u8 *shift, u32 *cost,
		    u32 *max)
{
	u64 period = (u64)cfg->period * HZ;
	int s;

	if (!cfg->rate || !cfg->burst)
		return false;
	for (s = 31; s >= 0; s--) {
		u64 c = (period << s) / cfg->rate;

		if (c && c * cfg->burst <= U32_MAX) {
			*shift = s;
			*cost = c;
			*max = c * cfg->burst;
			return true;
		}
	}
	return false;
}

/* The bucket's credit at now. */
static u32 fw_bucket_credit(const struct fw_meter *m, u64 b, u32 now)
{
	u32 elapsed = now - (u32)(b >> 32);
	u64 credit = (u32)b + ((u64)min(elapsed, m->fill) << m->shift);

	return min_t(u64, credit, m->max);
}

/* Takes one flow's credit from e's bucket; false: over the rate. */
static bool fw_bucket_take(const struct fw_meter *m, struct fw_meter_ent *e,
			   u32 now)
{
	u64 old = READ_ONCE(e->bucket), prev, new;

	for (;;) {
		u32 credit = fw_bucket_credit(m, old, now);

		if (credit < m->cost)
			return false;
		new = (u64)now << 32 | (credit - m->cost);
		prev = cmpxchg64(&e->bucket, old, new);
		if (prev == old)
			return true;
		old = prev;
	}
}

/* An entry whose source holds nothing and whose bucket is full. */
static bool fw_meter_idle(const struct fw_meter *m,
			  const struct fw_meter_ent *e, u32 now)
{
	if (atomic_read(&e->count))
		return false;
	return !m->cfg.rate ||
	       fw_bucket_credit(m, READ_ONCE(e->bucket), now) >= m->max;
}

static struct fw_meter_ent *fw_meter_lookup(struct fw_meter_ent *g, u8 family,
					    u16 zone, const __be32 *addr)
{
	unsigned int i;

	for (i = 0; i < FW_METER_SLOTS; i++) {
		struct fw_meter_ent *e = &g[i];

		/* Pairs with fw_meter_claim()'s release: key filled in. */
		if (smp_load_acquire(&e->family) == family &&
		    e->zone == zone && !memcmp(e->addr, addr, sizeof(e->addr)))
			return e;
	}
	return NULL;
}

/* Under the group's lock: a free or idle slot for the source, or NULL. */
static struct fw_meter_ent *fw_meter_claim(struct fw_meter *m,
					   struct fw_meter_ent *g, u8 family,
					   u16 zone, const __be32 *addr,
					   u32 now)
{
	struct fw_meter_ent *e = NULL;
	unsigned int i;

	for (i = 0; i < FW_METER_SLOTS && !e; i++)
		if (!g[i].family || fw_meter_idle(m, &g[i], now))
			e = &g[i];
	if (!e)
		return NULL;
	/* A lookup that matched the old source may still charge it once. */
	WRITE_ONCE(e->family, 0);
	/* Unpublished before the key changes under a lookup's feet. */
	smp_wmb();
	e->zone = zone;
	memcpy(e->addr, addr, sizeof(e->addr));
	WRITE_ONCE(e->bucket, (u64)now << 32 | m->max);
	/* Published once filled: pairs with fw_meter_lookup()'s acquire. */
	smp_store_release(&e->family, family);
	return e;
}

/* The source's entry, claimed if new; NULL if its group is full. */
static struct fw_meter_ent *fw_meter_find(struct fw_meter *m,
					  const struct fw_key *k, u16 zone,
					  u32 now)
{
	struct fw_meter_ent *g, *e;
	__be32 addr[4] = { k->src[0] };
	u32 grp;

	if (k->family == AF_INET6) {
		u8 len = m->cfg.v6_prefix;
		unsigned int i;

		for (i = 0; i < 4; i++, len -= min_t(u8, len, 32))
			addr[i] = k->src[i] & (len >= 32 ? htonl(~0U) :
					       len ? htonl(~0U << (32 - len)) :
					       0);
	}
	grp = jhash2((const u32 *)addr, 4, m->seed ^ (zone << 8 | k->family)) &
	      m->gmask;
	g = &m->ent[grp * FW_METER_SLOTS];
	e = fw_meter_lookup(g, k->family, zone, addr);
	if (e)
		return e;
	spin_lock(&m->locks[grp % FW_METER_LOCKS]);
	e = fw_meter_lookup(g, k->family, zone, addr) ?:
	    fw_meter_claim(m, g, k->family, zone, addr, now);
	spin_unlock(&m->locks[grp % FW_METER_LOCKS]);
	return e;
}

/* A count meter's source holds the flow, unless it holds count_max. */
static bool fw_meter_count(struct fw_meter *m, struct fw_meter_ent *e,
			   struct fw_meter_ref *ref)
{
	u32 slot = e - m->ent;

	if (!ref || ref->id)
		return atomic_read(&e->count) < m->cfg.count_max;
	if (!atomic_add_unless(&e->count, 1, m->cfg.count_max))
		return false;
	percpu_ref_get(&m->ref);
	*ref = (struct fw_meter_ref){
		.id = m->id, .slot_hi = slot >> 16, .slot_lo = slot,
	};
	return true;
}

/*
 * A rate rule matches a flow within the source's rate (over it, with
 * over), a count rule one over the source's count: a source the full
 * meter has no room for is over both.
 */
bool fw_meter_match(struct fw_meter *m, const struct fw_key *k, u16 zone,
		    struct fw_meter_ref *ref, u32 now)
{
	bool rate = m->cfg.kind == FW_METER_RATE;
	struct fw_meter_ent *e = fw_meter_find(m, k, zone, now);
	bool over = true;

	if (!e)
		this_cpu_inc(m->stats->full);
	else if (rate ? fw_bucket_take(m, e, now) : fw_meter_count(m, e, ref))
		over = false;
	else
		this_cpu_inc(m->stats->limited);
	return rate && !m->cfg.over ? !over : over;
}

/*
 * Metered rules are left out of the classifier: the first packet of a
 * flow checks those before the classifier's answer in order, and the
 * first whose fields and meter match wins.
 */
s32 fw_meters_classify(const struct fw_rs_meter *ms, u32 n,
		       const struct fw_rule *rules, const struct fw_key *k,
		       u16 zone, s32 idx, struct fw_meter_ref *ref, u32 now)
{
	u32 i;

	for (i = 0; i < n && (idx < 0 || ms[i].idx < (u32)idx); i++)
		if (fw_rule_match(&rules[ms[i].idx], k) &&
		    fw_meter_match(ms[i].m, k, zone, ref, now))
			return ms[i].idx;
	return idx;
}

void fw_meter_release(struct fw_meter_ids *ids, struct fw_meter_ref *ref)
{
	/* The flow's count holds the meter, and so its id. */
	struct fw_meter *m = xa_load(&ids->xa, ref->id);

	if (!WARN_ON_ONCE(!m)) {
		atomic_dec(&m->ent[fw_meter_ref_slot(ref)].count);
		percpu_ref_put(&m->ref);
	}
	ref->id = 0;
}

struct fw_meter_ids *fw_meter_ids_new(void)
{
	struct fw_meter_ids *ids = kzalloc(sizeof(*ids), GFP_KERNEL);

	if (!ids)
		return NULL;
	/* Erased from softirq: the last flow's release, an RCU callback. */
	xa_init_flags(&ids->xa, XA_FLAGS_ALLOC1 | XA_FLAGS_LOCK_BH);
	refcount_set(&ids->ref, 1);
	return ids;
}

void fw_meter_ids_put(struct fw_meter_ids *ids)
{
	if (ids && refcount_dec_and_test(&ids->ref)) {
		/* Every meter took a reference: none is left. */
		WARN_ON_ONCE(!xa_empty(&ids->xa));
		xa_destroy(&ids->xa);
		kfree(ids);
	}
}

/*
 * The last counted flow of a meter no rule set uses: process or softirq
 * context. Its id is free once erased; a flow that held it is gone.
 */
static void fw_meter_last_ref(struct percpu_ref *ref)
{
	struct fw_meter *m = container_of(ref, struct fw_meter, ref);

	xa_erase_bh(&m->ids->xa, m->id);
	fw_meter_ids_put(m->ids);
	percpu_ref_exit(&m->ref);
	free_percpu(m->stats);
	kvfree_rcu(m, rcu);
}

struct fw_meter *fw_meter_create(struct fw_meter_ids *ids,
				 const struct fw_meter_cfg *cfg)
{
	struct fw_meter *m;
	unsigned int i;
	u32 id;
	int err;

	m = kvzalloc(struct_size(m, ent, cfg->size), GFP_KERNEL_ACCOUNT);
	if (!m)
		return ERR_PTR(-ENOMEM);
	err = -ENOMEM;
	m->stats = alloc_percpu(struct fw_meter_stats);
	if (!m->stats)
		goto fail;
	if (percpu_ref_init(&m->ref, fw_meter_last_ref, 0, GFP_KERNEL))
		goto fail_stats;
	refcount_set(&m->users, 1);
	m->cfg = *cfg;
	if (cfg->kind == FW_METER_RATE) {
		fw_meter_scale(cfg, &m->shift, &m->cost, &m->max);
		m->fill = DIV_ROUND_UP(m->max, 1U << m->shift);
	}
	m->seed = get_random_u32();
	m->gmask = cfg->size / FW_METER_SLOTS - 1;
	for (i = 0; i < FW_METER_LOCKS; i++)
		spin_lock_init(&m->locks[i]);
	/*
	 * Found by id only through a flow it counted, after a rule set
	 * published it. -EBUSY past FW_METER_ID_MAX.
	 */
	err = xa_alloc_bh(&ids->xa, &id, m, XA_LIMIT(1, FW_METER_ID_MAX),
			  GFP_KERNEL);
	if (err)
		goto fail_ref;
	m->id = id;
	m->ids = ids;
	refcount_inc(&ids->ref);
	return m;
fail_ref:
	percpu_ref_exit(&m->ref);
fail_stats:
	free_percpu(m->stats);
fail:
	kvfree(m);
	return ERR_PTR(err);
}

/* RTNL: another rule set uses m. */
void fw_meter_share(struct fw_meter *m)
{
	refcount_inc(&m->users);
}

/* A rule set that used m is freed; its flows hold it until they go. */
void fw_meter_drop(struct fw_meter *m)
{
	if (refcount_dec_and_test(&m->users))
		percpu_ref_kill(&m->ref);
}

void fw_meter_read(struct fw_meter *m, u64 *limited, u64 *full)
{
	int cpu;

	*limited = *full = 0;
	for_each_possible_cpu(cpu) {
		const struct fw_meter_stats *s = per_cpu_ptr(m->stats, cpu);

		*limited += READ_ONCE(s->limited);
		*full += READ_ONCE(s->full);
	}
}
