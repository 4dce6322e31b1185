// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for CGNAT's deterministic mode (kmod/cgnat/det.c), compiled
 * into this module: the RFC 7422 formula from inside address to public
 * address and port range, its inverse, the configurations it refuses,
 * and the ports of one range.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>

#include "../cgnat/det.c"
#include "../cgnat/cgnat.h"

#define IP(a, b, c, d)	((u32)(a) << 24 | (b) << 16 | (c) << 8 | (d))

/* The first and last subscriber of 100.64.0.0/10 onto 1024 addresses. */
static void cgnat_det_first_last(struct kunit *test)
{
	u32 first_in = IP(100, 64, 0, 0), last_in = IP(100, 127, 255, 255);
	struct cg_det d;
	u32 pub, in;
	u16 first;

	KUNIT_ASSERT_EQ(test, cg_det_init(&d, first_in, 10, 1024, 8), 0);
	KUNIT_EXPECT_EQ(test, d.per_addr, 4096);
	KUNIT_EXPECT_EQ(test, d.ports, 15);	/* 64512 / 4096, rounded down */

	cg_det_map(&d, first_in, &pub, &first);
	KUNIT_EXPECT_EQ(test, pub, 0);
	KUNIT_EXPECT_EQ(test, first, 1024);
	cg_det_map(&d, last_in, &pub, &first);
	KUNIT_EXPECT_EQ(test, pub, 1023);
	KUNIT_EXPECT_EQ(test, first, 1024 + 4095 * 15);

	KUNIT_ASSERT_TRUE(test, cg_det_owner(&d, 0, 1024 + 14, &in));
	KUNIT_EXPECT_EQ(test, in, first_in);
	KUNIT_ASSERT_TRUE(test, cg_det_owner(&d, 1023, 1024 + 4096 * 15 - 1,
					     &in));
	KUNIT_EXPECT_EQ(test, in, last_in);
	/* Ports under 1024, the rest past the last range, no such address. */
	KUNIT_EXPECT_FALSE(test, cg_det_owner(&d, 0, 1023, &in));
	KUNIT_EXPECT_FALSE(test, cg_det_owner(&d, 0, 1024 + 4096 * 15, &in));
	KUNIT_EXPECT_FALSE(test, cg_det_owner(&d, 0, 65535, &in));
	KUNIT_EXPECT_FALSE(test, cg_det_owner(&d, 1024, 2000, &in));
}

/* What the formula cannot do: refused, with the reason. */
static void cgnat_det_refused(struct kunit *test)
{
	struct cg_det d;

	/* 16 inside addresses onto 3, 5, 6, 0 and 32 public ones. */
	KUNIT_EXPECT_EQ(test, cg_det_init(&d, IP(10, 0, 0, 0), 28, 3, 8),
			-EDOM);
	KUNIT_EXPECT_EQ(test, cg_det_init(&d, IP(10, 0, 0, 0), 28, 5, 8),
			-EDOM);
	KUNIT_EXPECT_EQ(test, cg_det_init(&d, IP(10, 0, 0, 0), 28, 6, 8),
			-EDOM);
	KUNIT_EXPECT_EQ(test, cg_det_init(&d, IP(10, 0, 0, 0), 28, 0, 8),
			-EDOM);
	KUNIT_EXPECT_EQ(test, cg_det_init(&d, IP(10, 0, 0, 0), 28, 32, 8),
			-EDOM);
	/* 256 subscribers an address: 252 ports each, not 512. */
	KUNIT_EXPECT_EQ(test, cg_det_init(&d, IP(10, 0, 0, 0), 24, 1, 512),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, cg_det_init(&d, IP(10, 0, 0, 0), 24, 1, 252), 0);
	KUNIT_EXPECT_EQ(test, d.ports, 252);
	/* More subscribers an address than ports: none each. */
	KUNIT_EXPECT_EQ(test, cg_det_init(&d, IP(10, 0, 0, 0), 16, 1, 0),
			-ERANGE);
}

/* Several pools: the index the formula gives runs through them in order. */
static void cgnat_det_pools(struct kunit *test)
{
	struct cg_inst *cg = kunit_kzalloc(test, sizeof(*cg), GFP_KERNEL);
	struct cg_det d;
	u32 pub, in;
	u16 first;

	KUNIT_ASSERT_NOT_NULL(test, cg);
	cg->pools[0] = (struct cg_pool){ IP(198, 51, 100, 0), 2, 31 };
	cg->pools[1] = (struct cg_pool){ IP(203, 0, 113, 7), 1, 32 };
	cg->pools[2] = (struct cg_pool){ IP(192, 0, 2, 64), 1, 32 };
	cg->npools = 3;
	KUNIT_ASSERT_EQ(test, cg_det_init(&d, IP(10, 0, 0, 0), 28, 4, 512), 0);
	KUNIT_EXPECT_EQ(test, d.ports, 16128);	/* 64512 / 4 */

	cg_det_map(&d, IP(10, 0, 0, 9), &pub, &first);
	KUNIT_EXPECT_EQ(test, ntohl(cg_addr_of(cg, pub)), IP(203, 0, 113, 7));
	KUNIT_EXPECT_EQ(test, first, 1024 + 16128);
	cg_det_map(&d, IP(10, 0, 0, 15), &pub, &first);
	KUNIT_EXPECT_EQ(test, ntohl(cg_addr_of(cg, pub)), IP(192, 0, 2, 64));
	KUNIT_EXPECT_EQ(test, first, 1024 + 3 * 16128);
	KUNIT_EXPECT_EQ(test, first + d.ports - 1, 65535);
	cg_det_map(&d, IP(10, 0, 0, 2), &pub, &first);
	KUNIT_EXPECT_EQ(test, ntohl(cg_addr_of(cg, pub)), IP(198, 51, 100, 0));

	KUNIT_ASSERT_TRUE(test, cg_det_owner(&d, 3, 65535, &in));
	KUNIT_EXPECT_EQ(test, in, IP(10, 0, 0, 15));
	KUNIT_EXPECT_FALSE(test, cg_det_owner(&d, 4, 2000, &in));
}

/* The inverse gives back every subscriber, at both ends of its range. */
static void cgnat_det_inverse(struct kunit *test)
{
	struct cg_det d;
	u32 i, pub, in;
	u16 first;

	/* 256 onto 48 would not divide; onto 16: 16 each, 4032 ports. */
	KUNIT_ASSERT_EQ(test, cg_det_init(&d, IP(100, 64, 1, 0), 24, 16, 512),
			0);
	KUNIT_EXPECT_EQ(test, d.ports, 4032);
	for (i = 0; i < 256; i++) {
		cg_det_map(&d, IP(100, 64, 1, i), &pub, &first);
		KUNIT_ASSERT_LT(test, pub, 16);
		KUNIT_ASSERT_TRUE(test, cg_det_owner(&d, pub, first, &in));
		KUNIT_EXPECT_EQ(test, in, IP(100, 64, 1, i));
		KUNIT_ASSERT_TRUE(test, cg_det_owner(&d, pub,
						     first + d.ports - 1, &in));
		KUNIT_EXPECT_EQ(test, in, IP(100, 64, 1, i));
	}
}

/* The ports of one range: each once from a random start, then none. */
static void cgnat_det_ports(struct kunit *test)
{
	unsigned long used[BITS_TO_LONGS(16)] = {}, seen[1] = {};
	int port, i;

	KUNIT_EXPECT_EQ(test, cg_det_port_take(used, 16, 5000, 7), 5007);
	__set_bit(7, seen);
	for (i = 1; i < 16; i++) {
		port = cg_det_port_take(used, 16, 5000, 7);
		KUNIT_ASSERT_GE(test, port, 5000);
		KUNIT_ASSERT_LT(test, port, 5016);
		KUNIT_EXPECT_FALSE(test, test_bit(port - 5000, seen));
		__set_bit(port - 5000, seen);
	}
	KUNIT_EXPECT_EQ(test, cg_det_port_take(used, 16, 5000, 3), -ENOSPC);
	cg_det_port_put(used, 5000, 5003);
	KUNIT_EXPECT_EQ(test, cg_det_port_take(used, 16, 5000, 12), 5003);
}

static struct kunit_case cgnat_det_cases[] = {
	KUNIT_CASE(cgnat_det_first_last),
	KUNIT_CASE(cgnat_det_refused),
	KUNIT_CASE(cgnat_det_pools),
	KUNIT_CASE(cgnat_det_inverse),
	KUNIT_CASE(cgnat_det_ports),
	{}
};

static struct kunit_suite cgnat_det_suite = {
	.name = "nfv_cgnat_det",
	.test_cases = cgnat_det_cases,
};

kunit_test_suites(&cgnat_det_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite for the nfv CGNAT deterministic mode");
