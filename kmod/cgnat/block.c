// SPDX-License-Identifier: GPL-2.0
/*
 * Port blocks of one public address (block.h). Blocks and ports inside a
 * block are chosen from a random start, then by probing the next ones
 * (RFC 6056's "random start, then search"): a subscriber's ports, and the
 * blocks subscribers get, are not predictable from one another.
 */
#include <linux/bitmap.h>
#include <linux/bug.h>
#include <linux/jiffies.h>
#include <linux/slab.h>

#include "block.h"

/* mem: CG_PORTS / size entries, zeroed; size divides CG_PORTS. */
void cg_blocks_init(struct cg_blocks *bs, struct cg_block *mem, u16 size)
{
	bs->b = mem;
	bs->size = size;
	bs->n = CG_PORTS / size;
	bs->used = 0;
	bs->quarantined = 0;
}

/* Frees what the blocks hold; they are all free afterwards. */
void cg_blocks_release(struct cg_blocks *bs)
{
	unsigned int i;

	for (i = 0; i < bs->n; i++) {
		kfree(bs->b[i].ports);
		bs->b[i] = (struct cg_block){};
	}
	bs->used = 0;
	bs->quarantined = 0;
}

static void cg_block_expire(struct cg_blocks *bs, struct cg_block *b,
			    unsigned long now)
{
	if (b->state == CG_BLOCK_QUARANTINE && time_after_eq(now, b->until)) {
		b->state = CG_BLOCK_FREE;
		bs->quarantined--;
	}
}

/* Ends the quarantines that are over, for counts that tell the truth. */
void cg_blocks_expire(struct cg_blocks *bs, unsigned long now)
{
	unsigned int i;

	for (i = 0; bs->quarantined && i < bs->n; i++)
		cg_block_expire(bs, &bs->b[i], now);
}

/* No block could be had, quarantines or not: skip the address at once. */
bool cg_blocks_full(const struct cg_blocks *bs)
{
	return bs->used == bs->n;
}

/*
 * A free block, from a random one on: its index, -ENOSPC if every block is
 * used or in quarantine, -ENOMEM.
 */
int cg_block_take(struct cg_blocks *bs, u32 rnd, unsigned long now, gfp_t gfp)
{
	unsigned int i, idx;
	struct cg_block *b;

	if (cg_blocks_full(bs))
		return -ENOSPC;
	for (i = 0; i < bs->n; i++) {
		idx = (rnd + i) % bs->n;
		b = &bs->b[idx];
		cg_block_expire(bs, b, now);
		if (b->state != CG_BLOCK_FREE)
			continue;
		b->ports = bitmap_zalloc(bs->size, gfp);
		if (!b->ports)
			return -ENOMEM;
		b->state = CG_BLOCK_USED;
		b->used = 0;
		b->held = false;
		bs->used++;
		return idx;
	}
	return -ENOSPC;
}

/* A free port of block blk, from a random one on; -ENOSPC if none. */
int cg_port_take(struct cg_blocks *bs, unsigned int blk, u32 rnd)
{
	struct cg_block *b = &bs->b[blk];
	unsigned int off;

	if (b->state != CG_BLOCK_USED || b->used >= bs->size)
		return -ENOSPC;
	off = find_next_zero_bit(b->ports, bs->size, rnd % bs->size);
	if (off >= bs->size)
		off = find_first_zero_bit(b->ports, bs->size);
	if (WARN_ON_ONCE(off >= bs->size))
		return -ENOSPC;
	__set_bit(off, b->ports);
	b->used++;
	return cg_block_first(bs, blk) + off;
}

/* The later of the block's owed quarantine end and now + quarantine. */
static void cg_block_hold(struct cg_block *b, unsigned long now,
			  unsigned long quarantine)
{
	if (!quarantine)
		return;
	if (!b->held || time_after(now + quarantine, b->until))
		b->until = now + quarantine;
	b->held = true;
}

/*
 * Gives a port back. Its block's last port takes the block out of use:
 * true. The block waits in quarantine until now + quarantine (jiffies), or
 * is free at once with quarantine 0 (a port nobody outside ever saw) --
 * unless a port given back before, while the block stayed in use, asked
 * for a quarantine that has not ended: the block waits for that one. So
 * no port the outside saw goes to another subscriber early, whatever
 * port of its block goes last.
 */
bool cg_port_put(struct cg_blocks *bs, u16 port, unsigned long now,
		 unsigned long quarantine)
{
	unsigned int blk = cg_block_of(bs, port);
	unsigned int off = port - cg_block_first(bs, blk);
	struct cg_block *b = &bs->b[blk];

	if (WARN_ON_ONCE(port < CG_PORT_FIRST || b->state != CG_BLOCK_USED ||
			 !test_bit(off, b->ports)))
		return false;
	__clear_bit(off, b->ports);
	if (--b->used) {
		cg_block_hold(b, now, quarantine);
		return false;
	}
	cg_block_put(bs, blk, now, quarantine);
	return true;
}

/* Takes block blk, with no port in use, out of use (as cg_port_put()). */
void cg_block_put(struct cg_blocks *bs, unsigned int blk, unsigned long now,
		  unsigned long quarantine)
{
	struct cg_block *b = &bs->b[blk];

	if (WARN_ON_ONCE(b->state != CG_BLOCK_USED || b->used))
		return;
	bitmap_free(b->ports);
	b->ports = NULL;
	bs->used--;
	cg_block_hold(b, now, quarantine);
	if (b->held && time_after(b->until, now)) {
		b->state = CG_BLOCK_QUARANTINE;
		bs->quarantined++;
	} else {
		b->state = CG_BLOCK_FREE;
	}
	b->held = false;
}
