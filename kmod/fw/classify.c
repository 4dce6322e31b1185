// SPDX-License-Identifier: GPL-2.0
/*
 * Tuple space search. Every rule is a set of (mask, value) pairs over
 * struct fw_key: port ranges are split into prefixes and state sets into
 * single states. Pairs with the same mask go into one subtable, a hash
 * from masked key to the lowest rule index with that key. A lookup probes
 * one hash per subtable, best subtables first, and stops as soon as no
 * remaining subtable can hold an earlier rule. The cost follows the number
 * of distinct masks, not the number of rules. Each subtable also knows the
 * range of its entries' port, protocol and state fields, and a packet
 * outside it skips the subtable before any masking or hashing; a probe
 * masks, hashes and compares only the key words its mask covers (two of
 * eleven for a rule on an address and a port).
 *
 * A build finds an entry's subtable through a hash of the masks, and at
 * most FW_MAX_SUBS masks are allowed: the slow path probes each of them,
 * so the cap bounds what the first packet of a flow may cost.
 */
#include <linux/errno.h>
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/socket.h>

#include "classify.h"

#define FW_NONE		U32_MAX

struct fw_entry {
	struct fw_key key;	/* masked */
	u32 rule;
	u32 next;		/* in its bucket, or FW_NONE */
};

/* fw_key's scalar fields, in the order fw_key_fields() lists them. */
#define FW_FIELDS	6

struct fw_sub {
	struct fw_key mask;
	u16 fmask[FW_FIELDS];			/* the mask's scalar fields */
	u16 lo[FW_FIELDS], hi[FW_FIELDS];	/* of the masked entries */
	u32 best;		/* lowest rule index in the subtable */
	u32 hmask;		/* buckets - 1 */
	u32 *buckets;		/* entry index or FW_NONE */
	u32 n;
	u8 nwords;		/* key words the mask covers, */
	u8 words[FW_KEY_WORDS];	/* in order */
};

struct fw_cls {
	u32 nsubs;
	u32 nentries;
	struct fw_sub *subs;	/* by best: made in the order of rules */
	struct fw_entry *entries;
};

static void fw_key_and(struct fw_key *dst, const struct fw_key *a,
		       const struct fw_key *m)
{
	const u32 *x = (const u32 *)a, *y = (const u32 *)m;
	u32 *d = (u32 *)dst;
	unsigned int i;

	for (i = 0; i < FW_KEY_WORDS; i++)
		d[i] = x[i] & y[i];
}

static void fw_key_fields(const struct fw_key *k, u16 *f)
{
	f[0] = k->in_port;
	f[1] = k->sport;
	f[2] = k->dport;
	f[3] = k->family;
	f[4] = k->proto;
	f[5] = k->state;
}

/* Could a key with these scalar fields be in the subtable? */
static bool fw_sub_spans(const struct fw_sub *sub, const u16 *f)
{
	unsigned int i;

	for (i = 0; i < FW_FIELDS; i++) {
		u16 v = f[i] & sub->fmask[i];

		if (v < sub->lo[i] || v > sub->hi[i])
			return false;
	}
	return true;
}

static bool fw_key_eq(const struct fw_key *a, const struct fw_key *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* The words of a key under the subtable's mask, packed. */
static void fw_sub_pack(const struct fw_sub *sub, const struct fw_key *key,
			u32 *w)
{
	const u32 *k = (const u32 *)key, *m = (const u32 *)&sub->mask;
	unsigned int i;

	for (i = 0; i < sub->nwords; i++)
		w[i] = k[sub->words[i]] & m[sub->words[i]];
}

static u32 fw_sub_hash(const struct fw_sub *sub, const u32 *w)
{
	return jhash2(w, sub->nwords, 0);
}

/* Is the (masked) entry key the packed key? */
static bool fw_sub_eq(const struct fw_sub *sub, const struct fw_key *entry,
		      const u32 *w)
{
	const u32 *k = (const u32 *)entry;
	unsigned int i;

	for (i = 0; i < sub->nwords; i++)
		if (k[sub->words[i]] != w[i])
			return false;
	return true;
}

/*
 * How many prefixes fw_range_prefixes() makes of [lo, hi]: one for a
 * single port or any port, what most rules have, without the walk.
 */
static unsigned int fw_range_count(u16 lo, u16 hi)
{
	u16 v[32], m[32];

	if (lo == hi || (lo == 0 && hi == 65535))
		return 1;
	return fw_range_prefixes(lo, hi, v, m);
}

unsigned int fw_range_prefixes(u16 lo, u16 hi, u16 *val, u16 *mask)
{
	u32 l = lo, h = hi;
	unsigned int n = 0;

	while (l <= h) {
		u32 size = l ? l & -l : 0x10000;

		while (l + size - 1 > h)
			size >>= 1;
		val[n] = l;
		mask[n] = ~(size - 1) & 0xffff;
		n++;
		l += size;
	}
	return n;
}

static void fw_prefix_mask(__be32 *m, u8 len)
{
	unsigned int i;

	for (i = 0; i < 4; i++, len -= min_t(u8, len, 32))
		m[i] = len >= 32 ? htonl(~0U) :
		       len ? htonl(~0U << (32 - len)) : 0;
}

bool fw_rule_valid(const struct fw_rule *r)
{
	u8 alen = r->family == AF_INET ? 32 : 128;

	if ((r->src_len || r->dst_len) && r->family != AF_INET &&
	    r->family != AF_INET6)
		return false;
	if (r->src_len > alen || r->dst_len > alen)
		return false;
	return r->sport_lo <= r->sport_hi && r->dport_lo <= r->dport_hi &&
	       r->states < (1 << 4);
}

static bool fw_addr_match(const __be32 *a, const __be32 *b, u8 len)
{
	__be32 m[4];
	unsigned int i;

	fw_prefix_mask(m, len);
	for (i = 0; i < 4; i++)
		if ((a[i] ^ b[i]) & m[i])
			return false;
	return true;
}

bool fw_rule_match(const struct fw_rule *r, const struct fw_key *k)
{
	return (!r->in_port || r->in_port == k->in_port) &&
	       (!r->family || r->family == k->family) &&
	       (!r->proto || r->proto == k->proto) &&
	       k->sport >= r->sport_lo && k->sport <= r->sport_hi &&
	       k->dport >= r->dport_lo && k->dport <= r->dport_hi &&
	       (!r->states || (k->state && (r->states & (1 << (k->state - 1))))) &&
	       (k->tcp_flags & r->tcp_mask) == r->tcp_flags &&
	       fw_addr_match(k->src, r->src, r->src_len) &&
	       fw_addr_match(k->dst, r->dst, r->dst_len);
}

/* The rule's base mask and key, before ports and state are expanded. */
static void fw_rule_base(const struct fw_rule *r, struct fw_key *m,
			 struct fw_key *k)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	memset(k, 0, sizeof(*k));
	if (r->in_port) {
		m->in_port = 0xffff;
		k->in_port = r->in_port;
	}
	if (r->family) {
		m->family = 0xff;
		k->family = r->family;
	}
	if (r->proto) {
		m->proto = 0xff;
		k->proto = r->proto;
	}
	/* A mask, as the addresses': one subtable per mask, not per value. */
	m->tcp_flags = r->tcp_mask;
	k->tcp_flags = r->tcp_flags & r->tcp_mask;
	fw_prefix_mask(m->src, r->src_len);
	fw_prefix_mask(m->dst, r->dst_len);
	for (i = 0; i < 4; i++) {
		k->src[i] = r->src[i] & m->src[i];
		k->dst[i] = r->dst[i] & m->dst[i];
	}
}

/*
 * Subtables by mask, open addressing: an entry finds its subtable in one
 * probe or a few, not by a walk over all of them, so a build costs
 * entries + masks, not entries x masks. Twice as many slots as the build
 * can have masks (no more than its entries, nor FW_MAX_SUBS), so at least
 * half stay empty: sized to the rule set, not to the largest, since every
 * build (an instance's creation, each edit) fills them all.
 */
#define FW_MASK_SLOTS_MIN	16

struct fw_builder {
	struct fw_cls *cls;
	u32 addr_hash;		/* of the rule's address masks */
	u32 maxsubs;
	u32 *sub_of;		/* entry -> subtable */
	u32 *slots;		/* subtable indices or FW_NONE */
	u32 slot_mask;		/* slots - 1, a power of two */
};

static void fw_sub_init(struct fw_sub *sub, const struct fw_key *mask,
			u32 rule)
{
	const u32 *m = (const u32 *)mask;
	unsigned int i;

	sub->mask = *mask;
	sub->best = rule;
	sub->n = 0;
	sub->hmask = 0;
	sub->buckets = NULL;
	fw_key_fields(mask, sub->fmask);
	memset(sub->lo, 0xff, sizeof(sub->lo));
	memset(sub->hi, 0, sizeof(sub->hi));
	sub->nwords = 0;
	for (i = 0; i < FW_KEY_WORDS; i++)
		if (m[i])
			sub->words[sub->nwords++] = i;
}

/*
 * A mask's slot: the address words are the same in every entry of a rule
 * and hashed once a rule (fw_expand_rule()); the first three, which hold
 * what the expansion varies (ports, state), once an entry.
 */
static u32 fw_mask_hash(const struct fw_builder *b, const struct fw_key *mask)
{
	const u32 *m = (const u32 *)mask;

	return jhash_3words(m[0], m[1], m[2], b->addr_hash);
}

static int fw_sub_find(struct fw_builder *b, const struct fw_key *mask,
		       u32 rule)
{
	struct fw_cls *cls = b->cls;
	u32 slot = fw_mask_hash(b, mask), i;

	for (;; slot++) {
		i = b->slots[slot & b->slot_mask];
		if (i == FW_NONE)
			break;
		if (fw_key_eq(&cls->subs[i].mask, mask))
			return i;
	}
	if (cls->nsubs == FW_MAX_SUBS)
		return -E2BIG;
	i = cls->nsubs;
	if (cls->nsubs == b->maxsubs) {
		u32 max = b->maxsubs * 2;
		struct fw_sub *subs = kvmalloc_array(max, sizeof(*subs),
						     GFP_KERNEL);

		if (!subs)
			return -ENOMEM;
		memcpy(subs, cls->subs, cls->nsubs * sizeof(*subs));
		kvfree(cls->subs);
		cls->subs = subs;
		b->maxsubs = max;
	}
	b->slots[slot & b->slot_mask] = i;
	fw_sub_init(&cls->subs[i], mask, rule);
	cls->nsubs++;
	return i;
}

static int fw_add_entry(struct fw_builder *b, const struct fw_key *mask,
			const struct fw_key *key, u32 rule)
{
	struct fw_cls *cls = b->cls;
	u16 f[FW_FIELDS];
	struct fw_sub *s;
	struct fw_entry *e;
	unsigned int i;
	int sub;

	if (cls->nentries == FW_MAX_ENTRIES)
		return -E2BIG;
	sub = fw_sub_find(b, mask, rule);
	if (sub < 0)
		return sub;
	e = &cls->entries[cls->nentries];
	fw_key_and(&e->key, key, mask);
	s = &cls->subs[sub];
	fw_key_fields(&e->key, f);
	for (i = 0; i < FW_FIELDS; i++) {
		s->lo[i] = min(s->lo[i], f[i]);
		s->hi[i] = max(s->hi[i], f[i]);
	}
	e->rule = rule;
	e->next = FW_NONE;
	b->sub_of[cls->nentries++] = sub;
	cls->subs[sub].n++;
	return 0;
}

static int fw_expand_rule(struct fw_builder *b, const struct fw_rule *r,
			  u32 rule)
{
	u16 sv[32], sm[32], dv[32], dm[32];
	unsigned int ns, nd, i, j, s;
	struct fw_key m, k;
	int err;

	fw_rule_base(r, &m, &k);
	BUILD_BUG_ON(offsetof(struct fw_key, src) != 3 * sizeof(u32));
	b->addr_hash = jhash2((const u32 *)&m + 3, FW_KEY_WORDS - 3, 0);
	ns = fw_range_prefixes(r->sport_lo, r->sport_hi, sv, sm);
	nd = fw_range_prefixes(r->dport_lo, r->dport_hi, dv, dm);
	for (s = 0; s < 4; s++) {
		if (r->states && !(r->states & (1 << s)))
			continue;
		m.state = r->states ? 0xff : 0;
		k.state = r->states ? s + 1 : 0;
		for (i = 0; i < ns; i++) {
			for (j = 0; j < nd; j++) {
				m.sport = sm[i];
				k.sport = sv[i];
				m.dport = dm[j];
				k.dport = dv[j];
				err = fw_add_entry(b, &m, &k, rule);
				if (err)
					return err;
			}
		}
		if (!r->states)
			break;
	}
	return 0;
}

/* Links entries into their subtables' buckets, earliest rule first. */
static int fw_hash_entries(struct fw_builder *b)
{
	struct fw_cls *cls = b->cls;
	u32 i;

	for (i = 0; i < cls->nsubs; i++) {
		struct fw_sub *sub = &cls->subs[i];
		u32 nb = roundup_pow_of_two(max_t(u32, sub->n * 2, 2));

		sub->buckets = kvmalloc_array(nb, sizeof(u32), GFP_KERNEL);
		if (!sub->buckets)
			return -ENOMEM;
		memset(sub->buckets, 0xff, nb * sizeof(u32));
		sub->hmask = nb - 1;
	}
	/* Entries are in rule order: push them last to first. */
	for (i = cls->nentries; i-- > 0;) {
		struct fw_entry *e = &cls->entries[i];
		struct fw_sub *sub = &cls->subs[b->sub_of[i]];
		u32 w[FW_KEY_WORDS], *head;

		fw_sub_pack(sub, &e->key, w);
		head = &sub->buckets[fw_sub_hash(sub, w) & sub->hmask];

		e->next = *head;
		*head = i;
		if (!(i % 1024))
			cond_resched();
	}
	return 0;
}

void fw_cls_free(struct fw_cls *cls)
{
	u32 i;

	if (!cls)
		return;
	for (i = 0; i < cls->nsubs; i++)
		kvfree(cls->subs[i].buckets);
	kvfree(cls->subs);
	kvfree(cls->entries);
	kfree(cls);
}

static u32 fw_count_entries(const struct fw_rule *rules, u32 n)
{
	u64 total = 0;
	u32 i;

	for (i = 0; i < n; i++) {
		const struct fw_rule *r = &rules[i];
		u64 e = r->meter.kind ? 0 :
			(u64)fw_range_count(r->sport_lo, r->sport_hi) *
			fw_range_count(r->dport_lo, r->dport_hi) *
			(r->states ? hweight8(r->states) : 1);

		total += e;
		if (total > FW_MAX_ENTRIES)
			return FW_MAX_ENTRIES + 1;
		if (!(i % 1024))
			cond_resched();
	}
	return total;
}

struct fw_cls *fw_cls_build(const struct fw_rule *rules, u32 n, int *err)
{
	struct fw_builder b = { .maxsubs = 16 };
	struct fw_cls *cls;
	u32 i, total, nslots;

	*err = -E2BIG;
	if (n > FW_MAX_RULES)
		return NULL;
	total = fw_count_entries(rules, n);
	if (total > FW_MAX_ENTRIES)
		return NULL;
	*err = -ENOMEM;
	cls = kzalloc(sizeof(*cls), GFP_KERNEL);
	if (!cls)
		return NULL;
	b.cls = cls;
	/*
	 * Not zeroed: every entry and subtable is written whole as it is
	 * added, and zeroing costs the NF's start an instruction a byte on
	 * the bench's clock (14 KiB of entries for 100 rules).
	 */
	cls->subs = kvmalloc_array(b.maxsubs, sizeof(*cls->subs), GFP_KERNEL);
	cls->entries = kvmalloc_array(max_t(u32, total, 1),
				      sizeof(*cls->entries), GFP_KERNEL);
	b.sub_of = kvmalloc_array(max_t(u32, total, 1), sizeof(u32),
				  GFP_KERNEL);
	nslots = roundup_pow_of_two(max_t(u32, 2 * min_t(u32, total, FW_MAX_SUBS),
					  FW_MASK_SLOTS_MIN));
	b.slot_mask = nslots - 1;
	b.slots = kvmalloc_array(nslots, sizeof(u32), GFP_KERNEL);
	if (!cls->subs || !cls->entries || !b.sub_of || !b.slots)
		goto fail;
	memset(b.slots, 0xff, nslots * sizeof(u32));
	for (i = 0; i < n; i++) {
		*err = -EINVAL;
		if (!fw_rule_valid(&rules[i]))
			goto fail;
		/* Metered rules: fw_meters_classify() checks them. */
		if (rules[i].meter.kind)
			continue;
		*err = fw_expand_rule(&b, &rules[i], i);
		if (*err)
			goto fail;
		/* Under RTNL, and 65,536 rules take a while on a debug kernel. */
		cond_resched();
	}
	*err = fw_hash_entries(&b);
	if (*err)
		goto fail;
	kvfree(b.slots);
	kvfree(b.sub_of);
	return cls;
fail:
	kvfree(b.slots);
	kvfree(b.sub_of);
	fw_cls_free(cls);
	return NULL;
}

s32 fw_cls_lookup(const struct fw_cls *cls, const struct fw_key *key)
{
	u32 best = FW_NONE, i;
	u16 f[FW_FIELDS];

	fw_key_fields(key, f);
	for (i = 0; i < cls->nsubs; i++) {
		const struct fw_sub *sub = &cls->subs[i];
		u32 w[FW_KEY_WORDS], e;

		if (sub->best >= best)
			break;
		if (!fw_sub_spans(sub, f))
			continue;
		fw_sub_pack(sub, key, w);
		for (e = sub->buckets[fw_sub_hash(sub, w) & sub->hmask];
		     e != FW_NONE; e = cls->entries[e].next) {
			if (fw_sub_eq(sub, &cls->entries[e].key, w)) {
				best = min(best, cls->entries[e].rule);
				break;
			}
		}
	}
	return best == FW_NONE ? -1 : best;
}

unsigned int fw_cls_subtables(const struct fw_cls *cls)
{
	return cls->nsubs;
}
