// SPDX-License-Identifier: GPL-2.0
/*
 * nfv_cgnat's mapping hashes, by inside tuple (maps_in) and by public
 * tuple (maps_pub), under cg->lock. A mapping is in both, in one of two
 * forms (cgnat.h): in the area of the one flow that uses it, its fields
 * read from that flow's keys, or a struct cg_map once a second flow
 * uses it, or a static one. With a mapping per session, as a socket per
 * source port makes, a session costs its flow entry and 16 bytes of it,
 * not another 64-byte allocation; a mapping many flows share costs a
 * struct cg_map among them all.
 */
#include <linux/in.h>
#include <linux/jhash.h>
#include <linux/slab.h>

#include "cgnat.h"

static u32 cg_in_hash(const struct cg_inst *cg, __be32 addr, __be16 port,
		      u16 zone, u8 proto)
{
	return jhash_3words((__force u32)addr,
			    (__force u32)port << 16 | zone, proto,
			    cg->seed) & cg->map_mask;
}

static u32 cg_pub_hash(const struct cg_inst *cg, u32 pub, __be16 port,
		       u8 proto)
{
	return jhash_3words(pub, (__force u32)port, proto, ~cg->seed) &
	       cg->map_mask;
}

static struct nfv_flow *cg_link_flow(unsigned long link)
{
	return (struct nfv_flow *)(link & ~CG_LINK_FLOW);
}

/* The public port of a mapping in a flow: the reply key's. */
static __be16 cg_flow_pub_port(const struct nfv_key *k,
			       const struct nfv_key *r)
{
	return k->proto == IPPROTO_ICMP ? r->sport : r->dport;
}

/* The word that holds the link after @link in maps_pub (@pub) or maps_in. */
static unsigned long *cg_link_slot(struct cg_inst *cg, unsigned long link,
				   bool pub)
{
	struct cg_flow *cf;
	struct cg_map *map;

	if (link & CG_LINK_FLOW) {
		cf = nfv_flow_nf_priv(cg_link_flow(link), cg->nf);
		return pub ? &cf->pub_next : &cf->ref;
	}
	map = (struct cg_map *)link;
	return pub ? &map->pub_next : &map->in_next;
}

/* A link word's link; a flow's @ref carries flags besides. */
static unsigned long cg_link_get(const unsigned long *w)
{
	return *w & ~CG_FLOW_BITS;
}

static void cg_link_set(unsigned long *w, unsigned long link)
{
	*w = (*w & CG_FLOW_BITS) | link;
}

unsigned long cg_link_next(struct cg_inst *cg, unsigned long link)
{
	return cg_link_get(cg_link_slot(cg, link, false));
}

/* A mapping's buckets in both hashes. */
static void cg_link_hashes(struct cg_inst *cg, unsigned long link, u32 *hi,
			   u32 *hp)
{
	const struct nfv_key *k, *r;
	struct cg_map *map;

	if (link & CG_LINK_FLOW) {
		k = nfv_flow_orig_key(cg_link_flow(link));
		r = nfv_flow_nat_reply_key(cg_link_flow(link));
		*hi = cg_in_hash(cg, k->addr.v4.src, k->sport, k->zone,
				 k->proto);
		*hp = cg_pub_hash(cg, cg_pub_index(cg, r->addr.v4.dst),
				  cg_flow_pub_port(k, r), k->proto);
		return;
	}
	map = (struct cg_map *)link;
	*hi = cg_in_hash(cg, map->addr, map->port, map->zone, map->proto);
	*hp = cg_pub_hash(cg, cg_map_pub(map), map->pub_port, map->proto);
}

static bool cg_link_in_eq(const struct nfv_key *k, unsigned long link)
{
	const struct cg_map *map = (const struct cg_map *)link;
	const struct nfv_key *fk;

	if (link & CG_LINK_FLOW) {
		fk = nfv_flow_orig_key(cg_link_flow(link));
		return fk->addr.v4.src == k->addr.v4.src &&
		       fk->sport == k->sport && fk->zone == k->zone &&
		       fk->proto == k->proto;
	}
	return map->addr == k->addr.v4.src && map->port == k->sport &&
	       map->zone == k->zone && map->proto == k->proto;
}

static bool cg_link_pub_eq(struct cg_inst *cg, unsigned long link, u32 pub,
			   __be16 port, u8 proto)
{
	const struct cg_map *map = (const struct cg_map *)link;
	const struct nfv_key *k, *r;

	if (link & CG_LINK_FLOW) {
		k = nfv_flow_orig_key(cg_link_flow(link));
		r = nfv_flow_nat_reply_key(cg_link_flow(link));
		return k->proto == proto && cg_flow_pub_port(k, r) == port &&
		       r->addr.v4.dst == cg_addr_of(cg, pub);
	}
	return cg_map_pub(map) == pub && map->pub_port == port &&
	       map->proto == proto;
}

unsigned long cg_map_find_in(struct cg_inst *cg, const struct nfv_key *k)
{
	u32 h = cg_in_hash(cg, k->addr.v4.src, k->sport, k->zone, k->proto);
	unsigned long link;

	for (link = cg->maps_in[h]; link; link = cg_link_next(cg, link))
		if (cg_link_in_eq(k, link))
			return link;
	return 0;
}

unsigned long cg_map_find_pub(struct cg_inst *cg, u32 pub, __be16 port,
			      u8 proto)
{
	unsigned long link = cg->maps_pub[cg_pub_hash(cg, pub, port, proto)];

	for (; link; link = cg_link_get(cg_link_slot(cg, link, true)))
		if (cg_link_pub_eq(cg, link, pub, port, proto))
			return link;
	return 0;
}

/*
 * The mapping of a flow's area, as a struct cg_map would hold it (in
 * @m, unhashed): for the checks, events and dumps made on both forms.
 */
void cg_flow_map(struct cg_inst *cg, struct nfv_flow *flow, struct cg_map *m)
{
	const struct nfv_key *k = nfv_flow_orig_key(flow);
	const struct nfv_key *r = nfv_flow_nat_reply_key(flow);

	memset(m, 0, sizeof(*m));
	m->addr = k->addr.v4.src;
	m->port = k->sport;
	m->zone = k->zone;
	m->proto = k->proto;
	m->pub_port = cg_flow_pub_port(k, r);
	m->sub = cg_sub_find(cg, k->addr.v4.src, cg_sub_zone(cg, k->zone));
	m->flows = 1;
}

const struct cg_map *cg_link_map(struct cg_inst *cg, unsigned long link,
				 struct cg_map *buf)
{
	if (!(link & CG_LINK_FLOW))
		return (const struct cg_map *)link;
	cg_flow_map(cg, cg_link_flow(link), buf);
	return buf;
}

/* The subscriber of a mapping (NULL: a static one). */
struct cg_sub *cg_link_sub(struct cg_inst *cg, unsigned long link)
{
	const struct nfv_key *k;

	if (!(link & CG_LINK_FLOW))
		return ((struct cg_map *)link)->sub;
	k = nfv_flow_orig_key(cg_link_flow(link));
	return cg_sub_find(cg, k->addr.v4.src, cg_sub_zone(cg, k->zone));
}

/* The one remote of a mapping in a flow: where that flow goes. */
__be32 cg_link_remote(unsigned long link)
{
	return nfv_flow_orig_key(cg_link_flow(link))->addr.v4.dst;
}

static void cg_push(struct cg_inst *cg, unsigned long *in,
		    unsigned long *pub, unsigned long link)
{
	u32 hi, hp;

	cg_link_hashes(cg, link, &hi, &hp);
	cg_link_set(cg_link_slot(cg, link, false), in[hi]);
	in[hi] = link;
	cg_link_set(cg_link_slot(cg, link, true), pub[hp]);
	pub[hp] = link;
}

/* Past the load the hashes are sized for: main.c grows them. */
static void cg_map_count(struct cg_inst *cg)
{
	if (unlikely(++cg->nmaps > cg->map_grow_at))
		schedule_work(&cg->map_grow);
}

void cg_map_hash(struct cg_inst *cg, struct cg_map *map)
{
	cg_push(cg, cg->maps_in, cg->maps_pub, (unsigned long)map);
	cg_map_count(cg);
}

/* A new flow's mapping, in its area from now on (the flow claimed). */
void cg_map_embed(struct cg_inst *cg, struct nfv_flow *flow,
		  struct cg_flow *cf)
{
	cf->ref = CG_FLOW_OWN;
	cg_push(cg, cg->maps_in, cg->maps_pub,
		(unsigned long)flow | CG_LINK_FLOW);
	cg_map_count(cg);
}

/* The word of a bucket, from @w on, that links to @link. */
static unsigned long *cg_slot_of(struct cg_inst *cg, unsigned long *w,
				 unsigned long link, bool pub)
{
	unsigned long cur;

	while ((cur = cg_link_get(w)) && cur != link)
		w = cg_link_slot(cg, cur, pub);
	return WARN_ON_ONCE(!cur) ? NULL : w;
}

/* Puts @new in @old's place in one hash (@new NULL: takes @old out). */
static void cg_replace(struct cg_inst *cg, unsigned long *head,
		       unsigned long old, unsigned long new, bool pub)
{
	unsigned long *w = cg_slot_of(cg, head, old, pub);
	unsigned long next = cg_link_get(cg_link_slot(cg, old, pub));

	if (!w)
		return;
	if (new) {
		cg_link_set(cg_link_slot(cg, new, pub), next);
		next = new;
	}
	cg_link_set(w, next);
}

static void cg_replace2(struct cg_inst *cg, unsigned long old,
			unsigned long new)
{
	u32 hi, hp;

	cg_link_hashes(cg, old, &hi, &hp);
	cg_replace(cg, &cg->maps_in[hi], old, new, false);
	cg_replace(cg, &cg->maps_pub[hp], old, new, true);
}

void cg_map_unhash(struct cg_inst *cg, unsigned long link)
{
	cg_replace2(cg, link, 0);
	cg->nmaps--;
}

/*
 * A mapping a second flow is to use: one in a flow's area moves to a
 * struct cg_map of its own (with filtering address, with its one flow's
 * remote), in its place in both hashes. NULL if out of memory.
 */
struct cg_map *cg_map_spill(struct cg_inst *cg, unsigned long link,
			    int *reason)
{
	struct nfv_flow *flow = cg_link_flow(link);
	struct cg_remotes *rs = NULL;
	struct cg_map *map;
	struct cg_flow *cf;

	if (!(link & CG_LINK_FLOW))
		return (struct cg_map *)link;
	map = kmalloc(sizeof(*map), GFP_ATOMIC);
	if (map && cg->filtering == NFV_CGNAT_FILTER_ADDRESS) {
		rs = kmalloc(struct_size(rs, r, 4), GFP_ATOMIC);
		if (!rs) {
			kfree(map);
			map = NULL;
		}
	}
	if (!map) {
		*reason = NFV_CGNAT_STAT_NOMEM;
		return NULL;
	}
	cg_flow_map(cg, flow, map);
	if (rs) {
		rs->n = 1;
		rs->cap = 4;
		rs->r[0] = (struct cg_remote){ .addr = cg_link_remote(link),
					       .flows = 1 };
		map->remotes = rs;
	}
	cg_replace2(cg, link, (unsigned long)map);
	cf = nfv_flow_nf_priv(flow, cg->nf);
	cf->ref = (unsigned long)map | (cf->ref & CG_FLOW_HAIRPIN);
	cf->pub_next = 0;
	return map;
}

/* Moves every mapping into the hashes in and pub of mask + 1 buckets. */
void cg_maps_rehash(struct cg_inst *cg, unsigned long *in,
		    unsigned long *pub, u32 mask)
{
	unsigned long *old = cg->maps_in, link, next;
	u32 old_mask = cg->map_mask, i;

	lockdep_assert_held(&cg->lock);
	cg->maps_in = in;
	cg->maps_pub = pub;
	cg->map_mask = mask;
	for (i = 0; i <= old_mask; i++)
		for (link = old[i]; link; link = next) {
			next = cg_link_next(cg, link);
			cg_push(cg, in, pub, link);
		}
}
