// SPDX-License-Identifier: GPL-2.0
/*
 * Fragments. Only the first fragment of a datagram carries its ports. When
 * one goes through (forwarded, passed up, or to a guest step's guest, and
 * back from it), the datagram is remembered with its protocol and ports;
 * the later fragments, found by addresses and IP id (and, for IPv4,
 * protocol), take them and follow the flow's cached result. So every
 * fragment gets the verdict of its first one, and none gets past the chain
 * on its own. A fragment whose first fragment was not seen (lost, refused,
 * or overtaken) stays untracked, and the chain decides it without ports.
 *
 * The table is a fixed array of small buckets: no allocation per
 * datagram, a fixed size, and entries that lapse on their own, so there
 * is nothing to collect. A full bucket gives up its oldest datagram, and
 * that is counted. Writers take the bucket's lock; readers retry on its
 * sequence count.
 */
#include <linux/siphash.h>
#include <linux/slab.h>

#include "core.h"

/*
 * Fragments of one datagram leave their sender back to back: a few
 * seconds is long for them and short for an id to come round again.
 */
#define NFV_FRAG_TIMEOUT	(3 * HZ)

/*
 * The datagram: its key with the IP id where the ports go. IPv4 names a
 * datagram by addresses, protocol and id (RFC 791); IPv6 by addresses and
 * id alone (RFC 8200), and a later fragment cannot tell the protocol: its
 * Fragment header names the first header of the fragmentable part, which
 * is an extension header (destination options, say) as often as not.
 */
static void nfv_frag_dkey(const struct nfv_pkt *pkt, struct nfv_key *dkey)
{
	*dkey = pkt->key;
	dkey->sport = (__force __be16)(pkt->frag_id >> 16);
	dkey->dport = (__force __be16)pkt->frag_id;
	if (dkey->flags & NFV_KEY_V6)
		dkey->proto = 0;
}

static struct nfv_frag_bucket *nfv_frag_bucket(struct nfv_frag_table *t,
					       const struct nfv_key *dkey)
{
	u64 h = siphash(dkey, nfv_key_len(dkey), &t->seed);

	return &t->buckets[h & (NFV_FRAG_BUCKETS - 1)];
}

static bool nfv_frag_live(const struct nfv_frag_entry *e, u32 now)
{
	return e->expires && (s32)(e->expires - now) > 0;
}

static bool nfv_frag_match(const struct nfv_frag_entry *e,
			   const struct nfv_key *dkey, u32 now)
{
	return nfv_frag_live(e, now) &&
	       !memcmp(&e->dkey, dkey, nfv_key_len(dkey));
}

/* A first fragment went through: its datagram's others will follow it. */
void nfv_frag_note(struct nfv_dp *dp, const struct nfv_pkt *pkt)
{
	struct nfv_frag_table *t = &dp->frags;
	struct nfv_frag_entry *e, *slot = NULL, *free = NULL, *oldest = NULL;
	struct nfv_frag_bucket *b;
	struct nfv_key dkey;
	u32 now = jiffies;
	int i;

	nfv_frag_dkey(pkt, &dkey);
	b = nfv_frag_bucket(t, &dkey);
	spin_lock(&b->lock);
	for (i = 0; i < NFV_FRAG_WAYS && !slot; i++) {
		e = &b->e[i];
		if (nfv_frag_match(e, &dkey, now))
			slot = e;	/* the first fragment, again */
		else if (!nfv_frag_live(e, now))
			free = free ?: e;
		else if (!oldest || (s32)(e->expires - oldest->expires) < 0)
			oldest = e;
	}
	if (!slot) {
		slot = free ?: oldest;
		if (!free)
			nfv_count(dp, NFV_STAT_FRAGS_EVICTED, 1);
	}

	write_seqcount_begin(&b->seq);
	slot->dkey = dkey;
	slot->proto = pkt->key.proto;
	slot->sport = pkt->key.sport;
	slot->dport = pkt->key.dport;
	slot->expires = (now + NFV_FRAG_TIMEOUT) | 1;
	write_seqcount_end(&b->seq);
	spin_unlock(&b->lock);
}

/*
 * For a non-first fragment: if its datagram's first fragment went
 * through, gives the packet that fragment's protocol and ports and makes
 * it tracked.
 */
bool nfv_frag_follow(struct nfv_dp *dp, struct nfv_pkt *pkt)
{
	struct nfv_frag_table *t = &dp->frags;
	struct nfv_frag_bucket *b;
	struct nfv_key dkey;
	__be16 sport = 0, dport = 0;
	u32 now = jiffies;
	u8 proto = 0;
	unsigned int seq;
	bool found;
	int i;

	nfv_frag_dkey(pkt, &dkey);
	b = nfv_frag_bucket(t, &dkey);
	do {
		seq = read_seqcount_begin(&b->seq);
		found = false;
		for (i = 0; i < NFV_FRAG_WAYS; i++) {
			const struct nfv_frag_entry *e = &b->e[i];

			if (nfv_frag_match(e, &dkey, now)) {
				proto = e->proto;
				sport = e->sport;
				dport = e->dport;
				found = true;
				break;
			}
		}
	} while (read_seqcount_retry(&b->seq, seq));

	if (!found) {
		nfv_count(dp, NFV_STAT_FRAGS_UNKNOWN, 1);
		return false;
	}
	pkt->key.proto = proto;
	pkt->key.sport = sport;
	pkt->key.dport = dport;
	pkt->flags |= NFV_PKT_TRACK;
	return true;
}

int nfv_frag_table_init(struct nfv_frag_table *t)
{
	int i;

	t->buckets = kvcalloc(NFV_FRAG_BUCKETS, sizeof(*t->buckets),
			      GFP_KERNEL);
	if (!t->buckets)
		return -ENOMEM;
	for (i = 0; i < NFV_FRAG_BUCKETS; i++) {
		spin_lock_init(&t->buckets[i].lock);
		seqcount_spinlock_init(&t->buckets[i].seq,
				       &t->buckets[i].lock);
	}
	get_random_bytes(&t->seed, sizeof(t->seed));
	return 0;
}

/* After the datapath's ports are gone and a grace period has passed. */
void nfv_frag_table_destroy(struct nfv_frag_table *t)
{
	kvfree(t->buckets);
}
