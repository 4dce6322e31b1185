// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the CGNAT port-block allocator (kmod/cgnat/block.c),
 * compiled into this module: blocks and ports from a random start, every
 * block and port given once, quarantine before a block is given again.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>

#include "../cgnat/block.c"

/* An address's blocks of size, in memory the test frees. */
static void blocks_new(struct kunit *test, struct cg_blocks *bs, u16 size)
{
	struct cg_block *mem = kunit_kcalloc(test, CG_PORTS / size,
					     sizeof(*mem), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, mem);
	cg_blocks_init(bs, mem, size);
	KUNIT_ASSERT_EQ(test, bs->n, CG_PORTS / size);
}

/* Every block is given once, from the random start on, then none. */
static void cgnat_block_take_all(struct kunit *test)
{
	unsigned long seen[BITS_TO_LONGS(16)] = {};
	struct cg_blocks bs;
	int blk, i;

	blocks_new(test, &bs, CG_PORTS / 16);
	KUNIT_EXPECT_EQ(test, cg_block_take(&bs, 5, 0, GFP_KERNEL), 5);
	__set_bit(5, seen);
	for (i = 1; i < 16; i++) {
		blk = cg_block_take(&bs, 5, 0, GFP_KERNEL);
		KUNIT_ASSERT_GE(test, blk, 0);
		KUNIT_ASSERT_LT(test, blk, 16);
		KUNIT_EXPECT_FALSE(test, test_bit(blk, seen));
		__set_bit(blk, seen);
	}
	KUNIT_EXPECT_TRUE(test, cg_blocks_full(&bs));
	KUNIT_EXPECT_EQ(test, cg_block_take(&bs, 0, 0, GFP_KERNEL), -ENOSPC);
	KUNIT_EXPECT_EQ(test, bs.used, 16);
	cg_blocks_release(&bs);
	KUNIT_EXPECT_EQ(test, bs.used, 0);
}

/* A block's ports, each once, inside the block, from the random start. */
static void cgnat_port_take_block(struct kunit *test)
{
	unsigned long seen[BITS_TO_LONGS(8)] = {};
	struct cg_blocks bs;
	int blk, port, i;

	blocks_new(test, &bs, 8);
	blk = cg_block_take(&bs, 100, 0, GFP_KERNEL);
	KUNIT_ASSERT_EQ(test, blk, 100);
	KUNIT_EXPECT_EQ(test, cg_port_take(&bs, blk, 3),
			CG_PORT_FIRST + 100 * 8 + 3);
	__set_bit(3, seen);
	for (i = 1; i < 8; i++) {
		port = cg_port_take(&bs, blk, 3);
		KUNIT_ASSERT_GE(test, port, CG_PORT_FIRST + 800);
		KUNIT_ASSERT_LT(test, port, CG_PORT_FIRST + 808);
		KUNIT_EXPECT_EQ(test, cg_block_of(&bs, port), 100U);
		KUNIT_EXPECT_FALSE(test, test_bit(port - 1824, seen));
		__set_bit(port - 1824, seen);
	}
	KUNIT_EXPECT_EQ(test, cg_port_take(&bs, blk, 0), -ENOSPC);
	/* A port given back is the one given next. */
	KUNIT_EXPECT_FALSE(test, cg_port_put(&bs, 1826, 0, HZ));
	KUNIT_EXPECT_EQ(test, cg_port_take(&bs, blk, 7), 1826);
	/* A block not taken gives no port. */
	KUNIT_EXPECT_EQ(test, cg_port_take(&bs, 101, 0), -ENOSPC);
	cg_blocks_release(&bs);
}

/*
 * The last port of a block takes it out of use; it waits in quarantine
 * and is given again only once that is over, or at once without one.
 */
static void cgnat_block_quarantine(struct kunit *test)
{
	unsigned long now = 1000, q = 120 * HZ;
	struct cg_blocks bs;
	int blk, port;

	blocks_new(test, &bs, CG_PORTS / 2);
	blk = cg_block_take(&bs, 0, now, GFP_KERNEL);
	KUNIT_ASSERT_EQ(test, blk, 0);
	KUNIT_ASSERT_EQ(test, cg_block_take(&bs, 0, now, GFP_KERNEL), 1);
	port = cg_port_take(&bs, blk, 0);
	KUNIT_EXPECT_EQ(test, port, CG_PORT_FIRST);
	KUNIT_EXPECT_TRUE(test, cg_port_put(&bs, port, now, q));
	KUNIT_EXPECT_EQ(test, bs.used, 1);
	KUNIT_EXPECT_EQ(test, bs.quarantined, 1);
	KUNIT_EXPECT_EQ(test, cg_block_take(&bs, 0, now + q - 1, GFP_KERNEL),
			-ENOSPC);
	cg_blocks_expire(&bs, now + q - 1);
	KUNIT_EXPECT_EQ(test, bs.quarantined, 1);
	cg_blocks_expire(&bs, now + q);
	KUNIT_EXPECT_EQ(test, bs.quarantined, 0);
	KUNIT_EXPECT_EQ(test, cg_block_take(&bs, 0, now + q, GFP_KERNEL), 0);
	/* A port nobody saw: its block is free again at once. */
	port = cg_port_take(&bs, 0, 1);
	KUNIT_EXPECT_TRUE(test, cg_port_put(&bs, port, now, 0));
	KUNIT_EXPECT_EQ(test, bs.quarantined, 0);
	KUNIT_EXPECT_EQ(test, cg_block_take(&bs, 0, now, GFP_KERNEL), 0);
	/* An empty block given back (a subscriber that never used it). */
	cg_block_put(&bs, 0, now, q);
	KUNIT_EXPECT_EQ(test, bs.quarantined, 1);
	cg_blocks_release(&bs);
	KUNIT_EXPECT_EQ(test, bs.quarantined, 0);
}

/*
 * A port the outside saw holds its block back even when another port,
 * one nobody saw (a claim that clashed), is the last to go: the block
 * waits for the first port's quarantine, the later of the two.
 */
static void cgnat_quarantine_owed(struct kunit *test)
{
	unsigned long now = 1000, q = 120 * HZ;
	struct cg_blocks bs;
	int seen, unseen;

	blocks_new(test, &bs, CG_PORTS / 2);
	KUNIT_ASSERT_EQ(test, cg_block_take(&bs, 0, now, GFP_KERNEL), 0);
	seen = cg_port_take(&bs, 0, 0);
	unseen = cg_port_take(&bs, 0, 1);
	KUNIT_EXPECT_FALSE(test, cg_port_put(&bs, seen, now, q));
	KUNIT_EXPECT_TRUE(test, cg_port_put(&bs, unseen, now + 10, 0));
	KUNIT_EXPECT_EQ(test, bs.quarantined, 1);
	KUNIT_EXPECT_EQ(test, cg_block_take(&bs, 0, now + q - 1, GFP_KERNEL),
			1);
	cg_blocks_expire(&bs, now + q - 1);
	KUNIT_EXPECT_EQ(test, bs.quarantined, 1);
	cg_blocks_expire(&bs, now + q);
	KUNIT_EXPECT_EQ(test, bs.quarantined, 0);
	/* Taken again, the block owes nothing: an unseen port frees it. */
	KUNIT_ASSERT_EQ(test, cg_block_take(&bs, 0, now + q, GFP_KERNEL), 0);
	seen = cg_port_take(&bs, 0, 0);
	KUNIT_EXPECT_TRUE(test, cg_port_put(&bs, seen, now + q, 0));
	KUNIT_EXPECT_EQ(test, bs.quarantined, 0);
	cg_blocks_release(&bs);
}

/* Quarantine spans the wrap of jiffies. */
static void cgnat_quarantine_wrap(struct kunit *test)
{
	unsigned long now = ULONG_MAX - 10, q = 100;
	struct cg_blocks bs;
	int port;

	blocks_new(test, &bs, CG_PORTS);
	KUNIT_ASSERT_EQ(test, cg_block_take(&bs, 0, now, GFP_KERNEL), 0);
	port = cg_port_take(&bs, 0, 0);
	KUNIT_EXPECT_TRUE(test, cg_port_put(&bs, port, now, q));
	KUNIT_EXPECT_EQ(test, cg_block_take(&bs, 0, now + 50, GFP_KERNEL),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, cg_block_take(&bs, 0, now + q, GFP_KERNEL), 0);
	cg_blocks_release(&bs);
}

static struct kunit_case cgnat_block_cases[] = {
	KUNIT_CASE(cgnat_block_take_all),
	KUNIT_CASE(cgnat_port_take_block),
	KUNIT_CASE(cgnat_block_quarantine),
	KUNIT_CASE(cgnat_quarantine_owed),
	KUNIT_CASE(cgnat_quarantine_wrap),
	{}
};

static struct kunit_suite cgnat_block_suite = {
	.name = "nfv_cgnat_block",
	.test_cases = cgnat_block_cases,
};

kunit_test_suites(&cgnat_block_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite for the nfv CGNAT port-block allocator");
