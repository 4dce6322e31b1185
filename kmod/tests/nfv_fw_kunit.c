// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the firewall: the TCP state machine and window checks,
 * the UDP/ICMP trackers. The units are compiled into this module.
 */
#include <kunit/test.h>

#include "../fw/conntrack.c"

#define SYN	FW_TH_SYN
#define ACK	FW_TH_ACK
#define FIN	FW_TH_FIN
#define RST	FW_TH_RST

static const u32 no_slack[2];

struct tcp_step {
	u8 dir;
	u8 flags;
	u32 seq;
	u32 ack;
	u32 len;
	int ctstate;	/* expected enum fw_ctstate */
	u8 state;	/* expected state afterwards */
};

static void run_steps(struct kunit *test, struct fw_ct *ct,
		      const struct tcp_step *steps, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct tcp_step *st = &steps[i];
		struct fw_tcp_seg seg = {
			.seq = st->seq, .ack = st->ack, .len = st->len,
			.win = 1000, .flags = st->flags, .wscale = FW_NOSCALE,
		};

		KUNIT_EXPECT_EQ_MSG(test, fw_ct_tcp(ct, st->dir, i == 0, &seg,
						    no_slack),
				    st->ctstate, "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, ct->state, st->state, "step %u", i);
	}
}

/* Client ISN 100, server ISN 5000; 1000-byte windows, no scaling. */
static const struct tcp_step handshake[] = {
	{ 0, SYN,	100,  0,    0, FW_CT_NEW,	  FW_TCP_SYN_SENT },
	{ 1, SYN | ACK,	5000, 101,  0, FW_CT_ESTABLISHED, FW_TCP_SYN_RECV },
	{ 0, ACK,	101,  5001, 0, FW_CT_ESTABLISHED, FW_TCP_ESTABLISHED },
	{ 0, ACK,	101,  5001, 10, FW_CT_ESTABLISHED, FW_TCP_ESTABLISHED },
	{ 1, ACK,	5001, 111,  20, FW_CT_ESTABLISHED, FW_TCP_ESTABLISHED },
};

static void open_flow(struct kunit *test, struct fw_ct *ct)
{
	memset(ct, 0, sizeof(*ct));
	run_steps(test, ct, handshake, ARRAY_SIZE(handshake));
}

static void tcp_table(struct kunit *test)
{
	static const struct {
		u8 state, dir, flags, next;
	} cases[] = {
		{ FW_TCP_NONE,        0, SYN,       FW_TCP_SYN_SENT },
		{ FW_TCP_NONE,        0, ACK,       FW_TCP_INVALID },
		{ FW_TCP_NONE,        0, SYN | ACK, FW_TCP_INVALID },
		{ FW_TCP_NONE,        0, RST,       FW_TCP_INVALID },
		{ FW_TCP_NONE,        0, FIN,       FW_TCP_INVALID },
		{ FW_TCP_SYN_SENT,    0, SYN,       FW_TCP_SYN_SENT },
		{ FW_TCP_SYN_SENT,    1, SYN | ACK, FW_TCP_SYN_RECV },
		{ FW_TCP_SYN_SENT,    1, SYN,       FW_TCP_SYN_SENT2 },
		{ FW_TCP_SYN_SENT,    1, ACK,       FW_TCP_INVALID },
		{ FW_TCP_SYN_SENT,    1, RST | ACK, FW_TCP_CLOSE },
		{ FW_TCP_SYN_SENT2,   0, SYN | ACK, FW_TCP_SYN_RECV },
		{ FW_TCP_SYN_RECV,    0, ACK,       FW_TCP_ESTABLISHED },
		{ FW_TCP_SYN_RECV,    1, SYN | ACK, FW_TCP_IGNORE },
		{ FW_TCP_ESTABLISHED, 0, FIN | ACK, FW_TCP_FIN_WAIT },
		{ FW_TCP_ESTABLISHED, 1, FIN | ACK, FW_TCP_FIN_WAIT },
		{ FW_TCP_ESTABLISHED, 1, RST,       FW_TCP_CLOSE },
		{ FW_TCP_ESTABLISHED, 0, SYN | FIN, FW_TCP_INVALID },
		{ FW_TCP_ESTABLISHED, 0, 0,         FW_TCP_INVALID },
		{ FW_TCP_FIN_WAIT,    1, ACK,       FW_TCP_CLOSE_WAIT },
		{ FW_TCP_FIN_WAIT,    1, FIN | ACK, FW_TCP_LAST_ACK },
		{ FW_TCP_CLOSE_WAIT,  1, FIN | ACK, FW_TCP_LAST_ACK },
		{ FW_TCP_LAST_ACK,    0, ACK,       FW_TCP_TIME_WAIT },
		{ FW_TCP_TIME_WAIT,   0, SYN,       FW_TCP_SYN_SENT },
		{ FW_TCP_TIME_WAIT,   1, SYN,       FW_TCP_INVALID },
		{ FW_TCP_CLOSE,       0, SYN,       FW_TCP_SYN_SENT },
		{ FW_TCP_CLOSE,       0, ACK,       FW_TCP_CLOSE },
		{ FW_TCP_NSTATES,     0, SYN,       FW_TCP_INVALID },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test, fw_tcp_next(cases[i].state,
						      cases[i].dir,
						      cases[i].flags),
				    cases[i].next, "case %u (%s)", i,
				    fw_tcp_state_name(cases[i].state));
}

static void tcp_handshake_and_close(struct kunit *test)
{
	static const struct tcp_step close[] = {
		{ 0, FIN | ACK, 111,  5021, 0, FW_CT_ESTABLISHED, FW_TCP_FIN_WAIT },
		/* The FIN's sender acking more data: still FIN_WAIT. */
		{ 0, ACK,	112,  5021, 0, FW_CT_ESTABLISHED, FW_TCP_FIN_WAIT },
		{ 1, ACK,	5021, 112,  0, FW_CT_ESTABLISHED, FW_TCP_CLOSE_WAIT },
		{ 1, FIN | ACK, 5021, 112,  0, FW_CT_ESTABLISHED, FW_TCP_LAST_ACK },
		{ 0, ACK,	112,  5022, 0, FW_CT_ESTABLISHED, FW_TCP_TIME_WAIT },
	};
	struct fw_ct ct;
	unsigned int i;

	open_flow(test, &ct);
	for (i = 0; i < ARRAY_SIZE(close); i++) {
		struct fw_tcp_seg seg = {
			.seq = close[i].seq, .ack = close[i].ack,
			.win = 1000, .flags = close[i].flags,
			.wscale = FW_NOSCALE,
		};

		KUNIT_EXPECT_EQ_MSG(test, fw_ct_tcp(&ct, close[i].dir, false,
						    &seg, no_slack),
				    close[i].ctstate, "close step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, ct.state, close[i].state,
				    "close step %u", i);
	}
}

static void tcp_syn_retransmit(struct kunit *test)
{
	static const struct tcp_step steps[] = {
		{ 0, SYN, 100, 0, 0, FW_CT_NEW, FW_TCP_SYN_SENT },
		{ 0, SYN, 100, 0, 0, FW_CT_NEW, FW_TCP_SYN_SENT },
		{ 0, SYN, 100, 0, 0, FW_CT_NEW, FW_TCP_SYN_SENT },
	};
	struct fw_ct ct = {};

	run_steps(test, &ct, steps, ARRAY_SIZE(steps));
	KUNIT_EXPECT_EQ(test, ct.retrans, 2);
}

static void tcp_simultaneous_open(struct kunit *test)
{
	static const struct tcp_step steps[] = {
		{ 0, SYN,	100,  0,    0, FW_CT_NEW,	  FW_TCP_SYN_SENT },
		{ 1, SYN,	5000, 0,    0, FW_CT_ESTABLISHED, FW_TCP_SYN_SENT2 },
		{ 0, SYN | ACK,	100,  5001, 0, FW_CT_ESTABLISHED, FW_TCP_SYN_RECV },
		{ 1, SYN | ACK,	5000, 101,  0, FW_CT_ESTABLISHED, FW_TCP_SYN_RECV },
		{ 0, ACK,	101,  5001, 0, FW_CT_ESTABLISHED, FW_TCP_ESTABLISHED },
	};
	struct fw_ct ct = {};

	run_steps(test, &ct, steps, ARRAY_SIZE(steps));
}

static int seg_ct(struct fw_ct *ct, unsigned int dir, u8 flags, u32 seq,
		  u32 ack, const u32 slack[2])
{
	struct fw_tcp_seg seg = {
		.seq = seq, .ack = ack, .win = 1000, .flags = flags,
		.wscale = FW_NOSCALE,
	};

	return fw_ct_tcp(ct, dir, false, &seg, slack);
}

static void tcp_synack_must_ack_syn(struct kunit *test)
{
	struct fw_ct ct = {};
	struct fw_tcp_seg syn = { .seq = 100, .win = 1000, .flags = SYN,
				  .wscale = FW_NOSCALE };

	KUNIT_ASSERT_EQ(test, fw_ct_tcp(&ct, 0, true, &syn, no_slack),
			FW_CT_NEW);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, SYN | ACK, 5000, 4242, no_slack),
			FW_CT_INVALID);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_SYN_SENT);
	/* A refusal that does not acknowledge the SYN is forged. */
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, RST | ACK, 0, 4242, no_slack),
			FW_CT_INVALID);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, RST | ACK, 0, 101, no_slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_CLOSE);
}

static void tcp_rst_window(struct kunit *test)
{
	struct fw_ct ct, before;

	open_flow(test, &ct);
	before = ct;
	/* Server's next byte is 5021; far outside its window. */
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, RST, 5021 + 100000, 0, no_slack),
			FW_CT_INVALID);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, RST, 5021 - 100000, 0, no_slack),
			FW_CT_INVALID);
	KUNIT_EXPECT_EQ(test, memcmp(&ct, &before, sizeof(ct)), 0);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, RST, 5021, 0, no_slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_CLOSE);
}

static void tcp_data_window(struct kunit *test)
{
	struct fw_ct ct;

	open_flow(test, &ct);
	/* Beyond the 1000-byte window the server granted the client. */
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 0, ACK, 111 + 5000, 5021, no_slack),
			FW_CT_INVALID);
	/* Acknowledging server bytes that were never sent. */
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 0, ACK, 111, 5021 + 3000, no_slack),
			FW_CT_INVALID);
	/* Acknowledging bytes far behind anything in flight. */
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 0, ACK, 111, 5021 - 100000,
				     no_slack), FW_CT_INVALID);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 0, ACK, 111, 5021, no_slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_ESTABLISHED);
}

/* Bytes the fast path carried widen the bounds by as much, no more. */
static void tcp_window_slack(struct kunit *test)
{
	const u32 slack[2] = { 0, 50000 };
	struct fw_ct ct;

	open_flow(test, &ct);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, RST, 5021 + 40000, 0, no_slack),
			FW_CT_INVALID);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, RST, 5021 + 80000, 0, slack),
			FW_CT_INVALID);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, RST, 5021 + 40000, 0, slack),
			FW_CT_ESTABLISHED);
}

static void tcp_window_scale(struct kunit *test)
{
	struct fw_tcp_seg syn = { .seq = 100, .win = 1000, .flags = SYN,
				  .wscale = 7 };
	struct fw_tcp_seg synack = { .seq = 5000, .ack = 101, .win = 1000,
				     .flags = SYN | ACK, .wscale = 2 };
	struct fw_tcp_seg ack = { .seq = 101, .ack = 5001, .win = 100,
				  .flags = ACK };
	struct fw_ct ct = {};

	fw_ct_tcp(&ct, 0, true, &syn, no_slack);
	KUNIT_EXPECT_EQ(test, fw_ct_tcp(&ct, 1, false, &synack, no_slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.scale[0], 7);
	KUNIT_EXPECT_EQ(test, ct.scale[1], 2);
	KUNIT_EXPECT_EQ(test, fw_ct_tcp(&ct, 0, false, &ack, no_slack),
			FW_CT_ESTABLISHED);
	/* 100 << 7 lets the server send 12800 bytes. */
	KUNIT_EXPECT_EQ(test, ct.dir[1].maxend, 5001 + 12800);

	memset(&ct, 0, sizeof(ct));
	synack.wscale = FW_NOSCALE;
	fw_ct_tcp(&ct, 0, true, &syn, no_slack);
	fw_ct_tcp(&ct, 1, false, &synack, no_slack);
	KUNIT_EXPECT_EQ(test, ct.scale[0], 0);
	KUNIT_EXPECT_EQ(test, ct.scale[1], 0);
}

static void tcp_reopen(struct kunit *test)
{
	struct fw_ct ct;

	open_flow(test, &ct);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 0, RST, 111, 0, no_slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 0, SYN, 90000, 0, no_slack),
			FW_CT_NEW);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_SYN_SENT);
	KUNIT_EXPECT_EQ(test, ct.dir[0].end, 90001);
	KUNIT_EXPECT_EQ(test, ct.dflags[1], 0);
}

static void gen_udp(struct kunit *test)
{
	struct fw_ct ct = {};

	KUNIT_EXPECT_EQ(test, fw_ct_gen(&ct, 0, true, FW_GEN_DATA), FW_CT_NEW);
	KUNIT_EXPECT_EQ(test, ct.state, FW_GEN_UNREPLIED);
	KUNIT_EXPECT_EQ(test, fw_ct_gen(&ct, 0, false, FW_GEN_DATA),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_GEN_UNREPLIED);
	KUNIT_EXPECT_EQ(test, fw_ct_gen(&ct, 1, false, FW_GEN_DATA),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_GEN_REPLIED);
}

static void gen_icmp_echo(struct kunit *test)
{
	struct fw_ct ct = {};

	KUNIT_EXPECT_EQ(test, fw_ct_gen(&ct, 0, true, FW_GEN_REPLY),
			FW_CT_INVALID);
	KUNIT_EXPECT_EQ(test, fw_ct_gen(&ct, 0, true, FW_GEN_REQUEST),
			FW_CT_NEW);
	KUNIT_EXPECT_EQ(test, fw_ct_gen(&ct, 1, false, FW_GEN_REQUEST),
			FW_CT_INVALID);
	KUNIT_EXPECT_EQ(test, ct.state, FW_GEN_UNREPLIED);
	KUNIT_EXPECT_EQ(test, fw_ct_gen(&ct, 1, false, FW_GEN_REPLY),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_GEN_REPLIED);
}

static void ct_size(struct kunit *test)
{
	KUNIT_EXPECT_LE(test, sizeof(struct fw_ct), 40);
}

static struct kunit_case fw_conntrack_cases[] = {
	KUNIT_CASE(tcp_table),
	KUNIT_CASE(tcp_handshake_and_close),
	KUNIT_CASE(tcp_syn_retransmit),
	KUNIT_CASE(tcp_simultaneous_open),
	KUNIT_CASE(tcp_synack_must_ack_syn),
	KUNIT_CASE(tcp_rst_window),
	KUNIT_CASE(tcp_data_window),
	KUNIT_CASE(tcp_window_slack),
	KUNIT_CASE(tcp_window_scale),
	KUNIT_CASE(tcp_reopen),
	KUNIT_CASE(gen_udp),
	KUNIT_CASE(gen_icmp_echo),
	KUNIT_CASE(ct_size),
	{}
};

static struct kunit_suite fw_conntrack_suite = {
	.name = "nfv_fw_conntrack",
	.test_cases = fw_conntrack_cases,
};

kunit_test_suites(&fw_conntrack_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for the nfv firewall");
