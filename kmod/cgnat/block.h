/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The port blocks of one public address: ports 1024-65535 cut into blocks
 * of a fixed size. A block is free, owned by one subscriber (a bitmap of
 * its ports in use), or in quarantine after its last port went, until a
 * time. A pure unit: no locking (the caller's), time and randomness given,
 * so KUnit drives it directly (kmod/tests/nfv_cgnat_kunit.c).
 */
#ifndef _NFV_CGNAT_BLOCK_H
#define _NFV_CGNAT_BLOCK_H

#include <linux/types.h>

#define CG_PORT_FIRST	1024
#define CG_PORTS	(65536 - CG_PORT_FIRST)	/* 64512 */
#define CG_BLOCK_MIN	8

enum cg_block_state {
	CG_BLOCK_FREE,
	CG_BLOCK_USED,
	CG_BLOCK_QUARANTINE,
};

struct cg_block {
	unsigned long *ports;	/* CG_BLOCK_USED: the ports taken */
	/*
	 * CG_BLOCK_QUARANTINE: free from then. CG_BLOCK_USED with held:
	 * the end of the quarantine a port given back earlier asked for,
	 * which the block owes when it leaves use.
	 */
	unsigned long until;
	u16 used;		/* ports taken */
	u8 state;		/* enum cg_block_state */
	bool held;
};

struct cg_blocks {
	struct cg_block *b;	/* n of them, the caller's memory */
	u16 n;
	u16 size;		/* ports per block */
	u16 used;		/* blocks CG_BLOCK_USED */
	u16 quarantined;	/* blocks CG_BLOCK_QUARANTINE */
};

void cg_blocks_init(struct cg_blocks *bs, struct cg_block *mem, u16 size);
void cg_blocks_release(struct cg_blocks *bs);
void cg_blocks_expire(struct cg_blocks *bs, unsigned long now);
bool cg_blocks_full(const struct cg_blocks *bs);
int cg_block_take(struct cg_blocks *bs, u32 rnd, unsigned long now,
		  gfp_t gfp);
int cg_port_take(struct cg_blocks *bs, unsigned int blk, u32 rnd);
bool cg_port_put(struct cg_blocks *bs, u16 port, unsigned long now,
		 unsigned long quarantine);
void cg_block_put(struct cg_blocks *bs, unsigned int blk, unsigned long now,
		  unsigned long quarantine);

static inline unsigned int cg_block_of(const struct cg_blocks *bs, u16 port)
{
	return (port - CG_PORT_FIRST) / bs->size;
}

static inline u16 cg_block_first(const struct cg_blocks *bs, unsigned int blk)
{
	return CG_PORT_FIRST + blk * bs->size;
}

#endif /* _NFV_CGNAT_BLOCK_H */
