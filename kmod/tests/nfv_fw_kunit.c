// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the firewall: the TCP state machine and window checks,
 * the UDP/ICMP trackers, the rule classifier, and the packet path that
 * feeds them (TCP options, fast-path slack, the state restored when the
 * rules drop a packet). The units are compiled into this module (static
 * functions included); what they call in the core and in the rest of
 * nfv_fw is stubbed, so the suites run without nfv.ko loaded.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/nfv.h>
#include <linux/tcp.h>

#include "../fw/conntrack.c"
#include "../fw/classify.c"
#include "../fw/meter.c"
#include "../fw/process.c"

#define SYN	FW_TH_SYN
#define ACK	FW_TH_ACK
#define FIN	FW_TH_FIN
#define RST	FW_TH_RST

static const u64 no_slack[2];

struct tcp_step {
	u8 dir;
	u8 flags;
	u32 seq;
	u32 ack;
	u32 len;
	int ctstate;	/* expected enum fw_ctstate */
	u8 state;	/* expected state afterwards */
};

/* Runs steps on ct; the first is the flow's first packet if first. */
static void __run_steps(struct kunit *test, struct fw_ct *ct,
			const struct tcp_step *steps, unsigned int n,
			bool first)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct tcp_step *st = &steps[i];
		struct fw_tcp_seg seg = {
			.seq = st->seq, .ack = st->ack, .len = st->len,
			.win = 1000, .flags = st->flags, .wscale = FW_NOSCALE,
		};

		KUNIT_EXPECT_EQ_MSG(test, fw_ct_tcp(ct, st->dir,
						    i == 0 && first ?
						    FW_CT_FIRST : 0,
						    &seg, no_slack),
				    st->ctstate, "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, ct->state, st->state, "step %u", i);
	}
}

static void run_steps(struct kunit *test, struct fw_ct *ct,
		      const struct tcp_step *steps, unsigned int n)
{
	__run_steps(test, ct, steps, n, true);
}

/* Steps on a flow already under way. */
static void more_steps(struct kunit *test, struct fw_ct *ct,
		       const struct tcp_step *steps, unsigned int n)
{
	__run_steps(test, ct, steps, n, false);
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
		{ FW_TCP_NONE,        0, ACK,       FW_TCP_ESTABLISHED },
		{ FW_TCP_NONE,        0, SYN | ACK, FW_TCP_INVALID },
		{ FW_TCP_NONE,        0, RST,       FW_TCP_INVALID },
		{ FW_TCP_NONE,        0, FIN,       FW_TCP_INVALID },
		{ FW_TCP_SYN_SENT,    0, SYN,       FW_TCP_SYN_SENT },
		{ FW_TCP_SYN_SENT,    1, SYN | ACK, FW_TCP_SYN_RECV },
		{ FW_TCP_SYN_SENT,    1, SYN,       FW_TCP_SYN_SENT2 },
		{ FW_TCP_SYN_SENT,    1, ACK,       FW_TCP_IGNORE },
		{ FW_TCP_SYN_SENT,    1, RST | ACK, FW_TCP_CLOSE },
		{ FW_TCP_SYN_SENT2,   0, SYN | ACK, FW_TCP_SYN_RECV },
		{ FW_TCP_SYN_RECV,    0, ACK,       FW_TCP_ESTABLISHED },
		{ FW_TCP_SYN_RECV,    1, SYN | ACK, FW_TCP_IGNORE },
		{ FW_TCP_ESTABLISHED, 0, FIN | ACK, FW_TCP_FIN_WAIT },
		{ FW_TCP_ESTABLISHED, 1, FIN | ACK, FW_TCP_FIN_WAIT },
		{ FW_TCP_ESTABLISHED, 1, RST,       FW_TCP_CLOSE },
		{ FW_TCP_ESTABLISHED, 0, SYN | FIN, FW_TCP_INVALID },
		{ FW_TCP_ESTABLISHED, 0, 0,         FW_TCP_INVALID },
		{ FW_TCP_ESTABLISHED, 0, FIN,       FW_TCP_INVALID },
		{ FW_TCP_ESTABLISHED, 1, FIN | RST, FW_TCP_INVALID },
		{ FW_TCP_ESTABLISHED, 1, FIN | RST | ACK, FW_TCP_INVALID },
		{ FW_TCP_ESTABLISHED, 1, RST | ACK, FW_TCP_CLOSE },
		{ FW_TCP_SYN_RECV,    0, 0x08,      FW_TCP_INVALID },	/* PSH */
		{ FW_TCP_FIN_WAIT,    1, ACK,       FW_TCP_CLOSE_WAIT },
		{ FW_TCP_FIN_WAIT,    1, FIN | ACK, FW_TCP_LAST_ACK },
		{ FW_TCP_CLOSE_WAIT,  1, FIN | ACK, FW_TCP_LAST_ACK },
		{ FW_TCP_LAST_ACK,    0, ACK,       FW_TCP_TIME_WAIT },
		{ FW_TCP_TIME_WAIT,   0, SYN,       FW_TCP_SYN_SENT },
		{ FW_TCP_TIME_WAIT,   1, SYN,       FW_TCP_SYN_SENT2 },
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

	open_flow(test, &ct);
	more_steps(test, &ct, close, ARRAY_SIZE(close));
}

/* A retransmitted SYN keeps the flow; a new ISN starts it over. */
static void tcp_syn_retransmit(struct kunit *test)
{
	static const struct tcp_step steps[] = {
		{ 0, SYN, 100, 0, 0, FW_CT_NEW, FW_TCP_SYN_SENT },
		{ 0, SYN, 100, 0, 0, FW_CT_NEW, FW_TCP_SYN_SENT },
		{ 0, SYN, 7000, 0, 0, FW_CT_NEW, FW_TCP_SYN_SENT },
		/* A SYN/ACK for the first ISN acknowledges nothing sent now. */
		{ 1, SYN | ACK, 5000, 101, 0, FW_CT_INVALID, FW_TCP_SYN_SENT },
		{ 1, SYN | ACK, 5000, 7001, 0, FW_CT_ESTABLISHED,
		  FW_TCP_SYN_RECV },
	};
	struct fw_ct ct = {};

	run_steps(test, &ct, steps, ARRAY_SIZE(steps));
	KUNIT_EXPECT_EQ(test, ct.dir[0].end, 7001);
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
		  u32 ack, const u64 slack[2])
{
	struct fw_tcp_seg seg = {
		.seq = seq, .ack = ack, .win = 1000, .flags = flags,
		.wscale = FW_NOSCALE,
	};

	return fw_ct_tcp(ct, dir, 0, &seg, slack);
}

static void tcp_synack_must_ack_syn(struct kunit *test)
{
	struct fw_ct ct = {};
	struct fw_tcp_seg syn = { .seq = 100, .win = 1000, .flags = SYN,
				  .wscale = FW_NOSCALE };

	KUNIT_ASSERT_EQ(test, fw_ct_tcp(&ct, 0, FW_CT_FIRST, &syn, no_slack),
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
	const u64 slack[2] = { 0, 50000 };
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

	fw_ct_tcp(&ct, 0, FW_CT_FIRST, &syn, no_slack);
	KUNIT_EXPECT_EQ(test, fw_ct_tcp(&ct, 1, 0, &synack, no_slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.scale[0], 7);
	KUNIT_EXPECT_EQ(test, ct.scale[1], 2);
	KUNIT_EXPECT_EQ(test, fw_ct_tcp(&ct, 0, 0, &ack, no_slack),
			FW_CT_ESTABLISHED);
	/* 100 << 7 lets the server send 12800 bytes. */
	KUNIT_EXPECT_EQ(test, ct.dir[1].maxend, 5001 + 12800);

	memset(&ct, 0, sizeof(ct));
	synack.wscale = FW_NOSCALE;
	fw_ct_tcp(&ct, 0, FW_CT_FIRST, &syn, no_slack);
	fw_ct_tcp(&ct, 1, 0, &synack, no_slack);
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

/* A segment with a payload, for the cases below. */
static int seg_len(struct fw_ct *ct, unsigned int dir, unsigned int how,
		   u8 flags, u32 seq, u32 ack, u32 len)
{
	struct fw_tcp_seg seg = {
		.seq = seq, .ack = ack, .len = len, .win = 1000,
		.flags = flags, .wscale = FW_NOSCALE,
	};

	return fw_ct_tcp(ct, dir, how, &seg, no_slack);
}

/*
 * tcp-loose: a connection under way is picked up from its first ACK, new
 * until the other side answers, then checked against what both sent.
 */
static void tcp_pickup(struct kunit *test)
{
	const unsigned int first = FW_CT_FIRST | FW_CT_LOOSE;
	struct fw_ct ct = {};

	KUNIT_EXPECT_EQ(test, seg_len(&ct, 0, FW_CT_FIRST, ACK, 1000, 9000,
				      100), FW_CT_INVALID);
	KUNIT_EXPECT_EQ(test, seg_len(&ct, 0, first, FIN | ACK, 1000, 9000,
				      0), FW_CT_INVALID);
	KUNIT_EXPECT_EQ(test, seg_len(&ct, 0, first, RST, 1000, 0, 0),
			FW_CT_INVALID);

	KUNIT_ASSERT_EQ(test, seg_len(&ct, 0, first, ACK, 1000, 9000, 100),
			FW_CT_NEW);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_ESTABLISHED);
	/* Unanswered: a retransmit and an ACK of earlier data are fine. */
	KUNIT_EXPECT_EQ(test, seg_len(&ct, 0, 0, ACK, 900, 9500, 100),
			FW_CT_NEW);
	/* The answer acknowledges data sent before the pickup. */
	KUNIT_EXPECT_EQ(test, seg_len(&ct, 1, 0, ACK, 9500, 1150, 50),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.dflags[1] & FW_DIR_INIT, FW_DIR_INIT);
	KUNIT_EXPECT_EQ(test, seg_len(&ct, 0, 0, ACK, 1100, 9550, 100),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg_len(&ct, 1, 0, ACK, 9550, 1200, 0),
			FW_CT_ESTABLISHED);
	/* Checked from now on: far off, or acknowledging the unsent. */
	KUNIT_EXPECT_EQ(test, seg_len(&ct, 1, 0, RST, 9550 + (1U << 31),
				      0, 0), FW_CT_INVALID);
	KUNIT_EXPECT_EQ(test, seg_len(&ct, 0, 0, ACK, 1200,
				      9550 + (1U << 31), 0), FW_CT_INVALID);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg_len(&ct, 1, 0, RST, 9550, 0, 0),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_CLOSE);

	/* The first answer an RST: only where the picker acknowledged. */
	memset(&ct, 0, sizeof(ct));
	seg_len(&ct, 0, first, ACK, 1000, 9000, 0);
	KUNIT_EXPECT_EQ(test, seg_len(&ct, 1, 0, RST, 9001, 0, 0),
			FW_CT_INVALID);
	KUNIT_EXPECT_EQ(test, seg_len(&ct, 1, 0, RST, 9000, 0, 0),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_CLOSE);
}

/*
 * Blind RSTs (RFC 5961, conntrack's td_maxack): an RST closes the flow
 * only where the receiver expects it; one before its last ACK or past
 * all the sender sent is invalid and changes nothing.
 */
static void tcp_rst_maxack(struct kunit *test)
{
	const u64 slack[2] = { 0, 300 };
	struct fw_ct ct, before;

	open_flow(test, &ct);
	/* The client acknowledges all 20 bytes the server sent. */
	KUNIT_ASSERT_EQ(test, seg_ct(&ct, 0, ACK, 111, 5021, no_slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.dir[0].maxack, 5021);
	before = ct;
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, RST, 5020, 0, no_slack),
			FW_CT_INVALID);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, RST, 5021 + 500, 0, no_slack),
			FW_CT_INVALID);
	/* Just outside the 1000-byte window the client granted. */
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, RST, 5021 + 1001, 0, no_slack),
			FW_CT_INVALID);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, RST, 5021 + 500, 0, slack),
			FW_CT_INVALID);
	KUNIT_EXPECT_EQ(test, memcmp(&ct, &before, sizeof(ct)), 0);

	/* Fast-path bytes: the endpoint judges, the flow waits. */
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, RST, 5021 + 200, 0, slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_ESTABLISHED);
	KUNIT_EXPECT_TRUE(test, ct.flags & FW_CT_RST_HELD);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 0, ACK, 111, 5021, no_slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_FALSE(test, ct.flags & FW_CT_RST_HELD);

	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, RST, 5021, 0, no_slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_CLOSE);
	/* The client's own, at its end. */
	open_flow(test, &ct);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 0, RST | ACK, 111, 5021, no_slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_CLOSE);
}

/* A new SYN on an established tuple passes; its SYN/ACK resyncs. */
static void tcp_syn_reuse(struct kunit *test)
{
	static const struct tcp_step reuse[] = {
		{ 0, SYN,	90000, 0,     0, FW_CT_ESTABLISHED,
		  FW_TCP_ESTABLISHED },
		{ 1, SYN | ACK,	70000, 90001, 0, FW_CT_ESTABLISHED,
		  FW_TCP_SYN_RECV },
		{ 0, ACK,	90001, 70001, 0, FW_CT_ESTABLISHED,
		  FW_TCP_ESTABLISHED },
		{ 1, ACK,	70001, 90001, 10, FW_CT_ESTABLISHED,
		  FW_TCP_ESTABLISHED },
	};
	struct fw_ct ct;

	open_flow(test, &ct);
	more_steps(test, &ct, reuse, ARRAY_SIZE(reuse));
	/* A late SYN/ACK of the old connection resyncs nothing. */
	open_flow(test, &ct);
	seg_ct(&ct, 0, SYN, 90000, 0, no_slack);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, SYN | ACK, 5000, 101, no_slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.dir[1].end, 5021);
	/* The server refuses it: closed. */
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, RST | ACK, 0, 90001, no_slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_CLOSE);
}

/* A challenge ACK answers a SYN in SYN_SENT; the client's RST to it. */
static void tcp_challenge_ack(struct kunit *test)
{
	struct fw_ct ct = {};

	KUNIT_ASSERT_EQ(test, seg_len(&ct, 0, FW_CT_FIRST, SYN, 100, 0, 0),
			FW_CT_NEW);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, ACK, 777, 4242, no_slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_SYN_SENT);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 0, RST, 4243, 0, no_slack),
			FW_CT_INVALID);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 0, RST, 4242, 0, no_slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 0, SYN, 100, 0, no_slack),
			FW_CT_NEW);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_SYN_SENT);
}

/* The server reopens a tuple in TIME_WAIT: new to the rules. */
static void tcp_reopen_reply(struct kunit *test)
{
	static const struct tcp_step steps[] = {
		{ 0, FIN | ACK, 111,  5021, 0, FW_CT_ESTABLISHED, FW_TCP_FIN_WAIT },
		{ 1, FIN | ACK, 5021, 112,  0, FW_CT_ESTABLISHED, FW_TCP_LAST_ACK },
		{ 0, ACK,	112,  5022, 0, FW_CT_ESTABLISHED, FW_TCP_TIME_WAIT },
		{ 1, SYN,	60000, 0,   0, FW_CT_NEW,	  FW_TCP_SYN_SENT2 },
		{ 0, SYN | ACK,	30000, 60001, 0, FW_CT_ESTABLISHED,
		  FW_TCP_SYN_RECV },
		{ 0, ACK,	30001, 60001, 0, FW_CT_ESTABLISHED,
		  FW_TCP_ESTABLISHED },
	};
	struct fw_ct ct;

	open_flow(test, &ct);
	more_steps(test, &ct, steps, ARRAY_SIZE(steps));
}

/* TCP Fast Open: the server may take the SYN's data or decline it. */
static void tcp_fastopen(struct kunit *test)
{
	static const u32 acks[] = { 151, 101, 152, 100 };
	static const int want[] = { FW_CT_ESTABLISHED, FW_CT_ESTABLISHED,
				    FW_CT_INVALID, FW_CT_INVALID };
	struct fw_ct ct;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(acks); i++) {
		memset(&ct, 0, sizeof(ct));
		KUNIT_ASSERT_EQ(test, seg_len(&ct, 0, FW_CT_FIRST, SYN, 100,
					      0, 50), FW_CT_NEW);
		KUNIT_EXPECT_EQ_MSG(test, seg_len(&ct, 1, 0, SYN | ACK, 5000,
						  acks[i], 0), want[i],
				    "ack %u", acks[i]);
	}
	/* Declined: the client sends the data again, in the window. */
	memset(&ct, 0, sizeof(ct));
	seg_len(&ct, 0, FW_CT_FIRST, SYN, 100, 0, 50);
	seg_len(&ct, 1, 0, SYN | ACK, 5000, 101, 0);
	KUNIT_EXPECT_EQ(test, seg_len(&ct, 0, 0, ACK, 101, 5001, 50),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg_len(&ct, 1, 0, ACK, 5001, 151, 0),
			FW_CT_ESTABLISHED);
}

static void gen_udp(struct kunit *test)
{
	struct fw_ct ct = {};

	KUNIT_EXPECT_EQ(test, fw_ct_gen(&ct, 0, true, FW_GEN_DATA), FW_CT_NEW);
	KUNIT_EXPECT_EQ(test, ct.state, FW_GEN_UNREPLIED);
	/* Still new until the first reply, as in conntrack. */
	KUNIT_EXPECT_EQ(test, fw_ct_gen(&ct, 0, false, FW_GEN_DATA),
			FW_CT_NEW);
	KUNIT_EXPECT_EQ(test, ct.state, FW_GEN_UNREPLIED);
	KUNIT_EXPECT_EQ(test, fw_ct_gen(&ct, 1, false, FW_GEN_DATA),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_GEN_REPLIED);
	KUNIT_EXPECT_EQ(test, fw_ct_gen(&ct, 0, false, FW_GEN_DATA),
			FW_CT_ESTABLISHED);
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

#define GIB	(1ULL << 30)

/*
 * A client sends gib GiB through the fast path, the server acks it unseen,
 * then both close: every closing segment is valid, and a segment beyond
 * what the client could have sent is not.
 */
static void long_transfer(struct kunit *test, u64 gib)
{
	u64 data = gib * GIB, slack[2] = { data + data / 20, data / 40 };
	int far = data > U32_MAX ? FW_CT_ESTABLISHED : FW_CT_INVALID;
	u32 fin = 111 + (u32)data, srv = 5021;
	struct fw_ct ct, before;

	open_flow(test, &ct);
	before = ct;
	/*
	 * Further than all the data and a window: invalid, unless more than
	 * 4 GiB went by, after which any number could be right.
	 */
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 0, FIN | ACK, fin + (u32)(data / 10),
				     srv, slack), far);
	ct = before;
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, ACK, srv, fin + (u32)(data / 10),
				     slack), far);
	ct = before;
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 0, FIN | ACK, fin, srv, slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_FIN_WAIT);
	/* The caller synced both counters: no slack from here on. */
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, ACK, srv, fin + 1, no_slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_CLOSE_WAIT);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, FIN | ACK, srv, fin + 1, no_slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 0, ACK, fin + 1, srv + 1, no_slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_TIME_WAIT);

	/* Or the server resets it after the transfer. */
	ct = before;
	KUNIT_EXPECT_EQ(test, seg_ct(&ct, 1, RST | ACK, srv, fin, slack),
			FW_CT_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, ct.state, FW_TCP_CLOSE);
}

/* 3 GiB: past the sequence space's half, where signed checks flip. */
static void tcp_long_transfer_3g(struct kunit *test)
{
	long_transfer(test, 3);
}

/* 5 GiB: past a 32-bit byte counter; the client could be anywhere. */
static void tcp_long_transfer_5g(struct kunit *test)
{
	long_transfer(test, 5);
}

/* The slack the caller computes from the core's 64-bit byte counters. */
static void ct_slack_counter(struct kunit *test)
{
	struct fw_ct ct = {};

	fw_ct_sync(&ct, 0, GIB);
	fw_ct_sync(&ct, 1, 7);
	/* Across 4 GiB: 32 bits of seen would say 1 GiB. */
	KUNIT_EXPECT_EQ(test, fw_ct_slack(&ct, 0, 6 * GIB), 5 * GIB);
	KUNIT_EXPECT_EQ(test, fw_ct_slack(&ct, 1, 7), 0);
	/* A refused packet moves the counter, never the slack. */
	fw_ct_skip(&ct, 0, 1500);
	KUNIT_EXPECT_EQ(test, fw_ct_slack(&ct, 0, GIB + 1500), 0);
	fw_ct_sync(&ct, 0, 4 * GIB - 100);
	fw_ct_skip(&ct, 0, 200);
	KUNIT_EXPECT_EQ(test, fw_ct_slack(&ct, 0, 4 * GIB + 100), 0);
	KUNIT_EXPECT_EQ(test, fw_ct_slack(&ct, 0, 4 * GIB + 160), 60);
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
	KUNIT_CASE(tcp_pickup),
	KUNIT_CASE(tcp_rst_maxack),
	KUNIT_CASE(tcp_syn_reuse),
	KUNIT_CASE(tcp_challenge_ack),
	KUNIT_CASE(tcp_reopen_reply),
	KUNIT_CASE(tcp_fastopen),
	KUNIT_CASE(gen_udp),
	KUNIT_CASE(gen_icmp_echo),
	KUNIT_CASE(tcp_long_transfer_3g),
	KUNIT_CASE(tcp_long_transfer_5g),
	KUNIT_CASE(ct_slack_counter),
	{}
};

static struct kunit_suite fw_conntrack_suite = {
	.name = "nfv_fw_conntrack",
	.test_cases = fw_conntrack_cases,
};

/* Classifier suite */

static void cls_range_prefixes(struct kunit *test)
{
	u16 v[32], m[32];

	KUNIT_EXPECT_EQ(test, fw_range_prefixes(0, 65535, v, m), 1);
	KUNIT_EXPECT_EQ(test, m[0], 0);
	KUNIT_EXPECT_EQ(test, fw_range_prefixes(80, 80, v, m), 1);
	KUNIT_EXPECT_EQ(test, v[0], 80);
	KUNIT_EXPECT_EQ(test, m[0], 0xffff);
	KUNIT_EXPECT_EQ(test, fw_range_prefixes(1024, 65535, v, m), 6);
	KUNIT_EXPECT_EQ(test, fw_range_prefixes(1, 65534, v, m), 30);
	KUNIT_EXPECT_EQ(test, v[0], 1);
	KUNIT_EXPECT_EQ(test, m[29], 0xffff);
}

static struct fw_rule any_rule(u8 action)
{
	struct fw_rule r = { .sport_hi = 65535, .dport_hi = 65535,
			     .action = action };

	return r;
}

static struct fw_key key4(u32 src, u32 dst, u8 proto, u16 sport, u16 dport,
			  u8 state)
{
	struct fw_key k = { .family = AF_INET, .proto = proto,
			    .sport = sport, .dport = dport,
			    .state = state + 1, .in_port = 1 };

	k.src[0] = htonl(src);
	k.dst[0] = htonl(dst);
	return k;
}

/* The reference: a linear scan of the rules as written. */
static bool rule_matches(const struct fw_rule *r, const struct fw_key *k)
{
	__be32 m[4];
	unsigned int i;

	if ((r->in_port && r->in_port != k->in_port) ||
	    (r->family && r->family != k->family) ||
	    (r->proto && r->proto != k->proto) ||
	    k->sport < r->sport_lo || k->sport > r->sport_hi ||
	    k->dport < r->dport_lo || k->dport > r->dport_hi ||
	    (r->states && !(r->states & (1 << (k->state - 1)))) ||
	    (k->tcp_flags & r->tcp_mask) != r->tcp_flags)
		return false;
	fw_prefix_mask(m, r->src_len);
	for (i = 0; i < 4; i++)
		if ((k->src[i] ^ r->src[i]) & m[i])
			return false;
	fw_prefix_mask(m, r->dst_len);
	for (i = 0; i < 4; i++)
		if ((k->dst[i] ^ r->dst[i]) & m[i])
			return false;
	return true;
}

static s32 linear_lookup(const struct fw_rule *rules, u32 n,
			 const struct fw_key *k)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (rule_matches(&rules[i], k))
			return i;
	return -1;
}

static struct fw_cls *build(struct kunit *test, const struct fw_rule *rules,
			    u32 n)
{
	struct fw_cls *cls;
	int err;

	cls = fw_cls_build(rules, n, &err);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cls);
	return cls;
}

static void cls_ct_firewall(struct kunit *test)
{
	struct fw_rule rules[4];
	struct fw_cls *cls;
	struct fw_key k;

	/* ct state established,related accept */
	rules[0] = any_rule(0);
	rules[0].states = 1 << FW_CT_ESTABLISHED | 1 << FW_CT_RELATED;
	/* ct state invalid drop */
	rules[1] = any_rule(1);
	rules[1].states = 1 << FW_CT_INVALID;
	/* ip saddr 10.1.0.0/16 tcp dport 22 accept */
	rules[2] = any_rule(2);
	rules[2].family = AF_INET;
	rules[2].src[0] = htonl(0x0a010000);
	rules[2].src_len = 16;
	rules[2].proto = IPPROTO_TCP;
	rules[2].dport_lo = rules[2].dport_hi = 22;
	/* tcp dport 1024-65535 from port 2 */
	rules[3] = any_rule(3);
	rules[3].in_port = 2;
	rules[3].proto = IPPROTO_TCP;
	rules[3].dport_lo = 1024;

	cls = build(test, rules, ARRAY_SIZE(rules));
	k = key4(0x0a010203, 0x0a020001, IPPROTO_TCP, 4000, 22, FW_CT_NEW);
	KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), 2);
	k.state = FW_CT_ESTABLISHED + 1;
	KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), 0);
	k.state = FW_CT_INVALID + 1;
	KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), 1);
	k = key4(0x0a030203, 0x0a020001, IPPROTO_TCP, 4000, 22, FW_CT_NEW);
	KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), -1);
	k.dport = 5000;
	KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), -1);
	k.in_port = 2;
	KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), 3);
	k.proto = IPPROTO_UDP;
	KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), -1);
	fw_cls_free(cls);
}

static void cls_ipv6_prefix(struct kunit *test)
{
	struct fw_rule r = any_rule(0);
	struct fw_key k = { .family = AF_INET6, .state = 1 };
	struct fw_cls *cls;

	r.family = AF_INET6;
	r.dst[0] = htonl(0x20010db8);
	r.dst[1] = htonl(0x00010000);
	r.dst_len = 48;
	cls = build(test, &r, 1);
	k.dst[0] = htonl(0x20010db8);
	k.dst[1] = htonl(0x0001ffff);
	k.dst[3] = htonl(1);
	KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), 0);
	k.dst[1] = htonl(0x0002ffff);
	KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), -1);
	k.dst[1] = htonl(0x0001ffff);
	k.family = AF_INET;
	KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), -1);
	fw_cls_free(cls);
}

static u32 lcg(u32 *s)
{
	*s = *s * 1103515245 + 12345;
	return *s >> 8;
}

/* Random rules over a small value space, checked against a linear scan. */
static void cls_random_vs_linear(struct kunit *test)
{
	const u32 n = 300;
	struct fw_rule *rules;
	struct fw_cls *cls;
	u32 seed = 42, i, hits = 0;

	rules = kunit_kcalloc(test, n, sizeof(*rules), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rules);
	for (i = 0; i < n; i++) {
		struct fw_rule *r = &rules[i];
		u16 a = lcg(&seed) % 64, b = lcg(&seed) % 64;

		*r = any_rule(i % 3);
		if (lcg(&seed) % 2) {
			r->family = AF_INET;
			r->src[0] = htonl(0x0a000000 | (lcg(&seed) % 4) << 8);
			r->src_len = 22 + lcg(&seed) % 11;
			r->dst[0] = htonl(0x0a000000 | (lcg(&seed) % 4) << 8);
			r->dst_len = lcg(&seed) % 33;
		}
		if (lcg(&seed) % 2)
			r->proto = lcg(&seed) % 2 ? IPPROTO_TCP : IPPROTO_UDP;
		if (lcg(&seed) % 2) {
			r->dport_lo = min(a, b);
			r->dport_hi = max(a, b);
		}
		if (lcg(&seed) % 3 == 0)
			r->sport_lo = r->sport_hi = lcg(&seed) % 64;
		if (lcg(&seed) % 2)
			r->states = lcg(&seed) % 16;
		if (lcg(&seed) % 4 == 0)
			r->in_port = 1 + lcg(&seed) % 2;
		if (r->proto == IPPROTO_TCP && lcg(&seed) % 4 == 0) {
			r->tcp_mask = lcg(&seed) % 64;
			r->tcp_flags = lcg(&seed) & r->tcp_mask;
		}
	}
	cls = build(test, rules, n);
	for (i = 0; i < 20000; i++) {
		struct fw_key k = key4(0x0a000000 | lcg(&seed) % 1024,
				       0x0a000000 | lcg(&seed) % 1024,
				       lcg(&seed) % 2 ? IPPROTO_TCP :
				       IPPROTO_UDP, lcg(&seed) % 64,
				       lcg(&seed) % 64, lcg(&seed) % 4);
		s32 want;

		k.in_port = 1 + lcg(&seed) % 3;
		if (k.proto == IPPROTO_TCP)
			k.tcp_flags = lcg(&seed) % 64;
		want = linear_lookup(rules, n, &k);
		hits += want >= 0;
		KUNIT_EXPECT_EQ_MSG(test, fw_cls_lookup(cls, &k), want,
				    "key %u", i);
		if (fw_cls_lookup(cls, &k) != want)
			break;
	}
	/* The space is small enough that most keys hit some rule. */
	KUNIT_EXPECT_GT(test, hits, 10000);
	fw_cls_free(cls);
}

/* 10,000 rules of one shape make one subtable, not 10,000 probes. */
static void cls_many_rules(struct kunit *test)
{
	const u32 n = 10000;
	struct fw_rule *rules;
	struct fw_cls *cls;
	struct fw_key k;
	u32 i;

	rules = kunit_kcalloc(test, n, sizeof(*rules), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rules);
	for (i = 0; i < n; i++) {
		rules[i] = any_rule(0);
		rules[i].family = AF_INET;
		rules[i].proto = IPPROTO_TCP;
		rules[i].dst[0] = htonl(0xc0000000 + i);
		rules[i].dst_len = 32;
		rules[i].dport_lo = rules[i].dport_hi = 443;
	}
	cls = build(test, rules, n);
	KUNIT_EXPECT_EQ(test, fw_cls_subtables(cls), 1);
	k = key4(0x0a000001, 0xc0000000 + 9999, IPPROTO_TCP, 1, 443, 0);
	KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), 9999);
	k.dport = 444;
	KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), -1);
	fw_cls_free(cls);
}

/*
 * Rules of many shapes: 10,000 rules over 1,089 prefix pairs and port
 * ranges make about 9,500 masks. The build must find each entry's mask by
 * hash (by a walk over all masks it took 0.8 s on an -O2 host, and ten
 * times that on a debug kernel, under RTNL), and lookups must still agree
 * with a linear scan. One mask more than FW_MAX_SUBS is refused.
 */
static void cls_many_masks(struct kunit *test)
{
	const u32 n = 10000, big = 33 * 33 * 17;
	struct fw_rule *rules;
	struct fw_cls *cls;
	u32 seed = 7, i;
	int err;

	rules = kunit_kcalloc(test, big, sizeof(*rules), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rules);
	for (i = 0; i < n; i++) {
		struct fw_rule *r = &rules[i];

		*r = any_rule(i % 3);
		r->family = AF_INET;
		r->proto = IPPROTO_TCP;
		r->src[0] = htonl(0x0a000000 | (i % 64) << 8);
		r->src_len = i % 33;
		r->dst[0] = htonl(0x0a000000 | (i % 16));
		r->dst_len = (i / 33) % 33;
		r->dport_lo = 1 + i % 1000;
		r->dport_hi = r->dport_lo + (i % 5) * 100;
	}
	cls = build(test, rules, n);
	KUNIT_EXPECT_GT(test, fw_cls_subtables(cls), 5000);
	for (i = 0; i < 2000; i++) {
		struct fw_key k = key4(0x0a000000 | lcg(&seed) % 0x4000,
				       0x0a000000 | lcg(&seed) % 32,
				       IPPROTO_TCP, 1, lcg(&seed) % 1500, 0);
		s32 want = linear_lookup(rules, n, &k);

		KUNIT_EXPECT_EQ_MSG(test, fw_cls_lookup(cls, &k), want,
				    "key %u", i);
		if (fw_cls_lookup(cls, &k) != want)
			break;
	}
	fw_cls_free(cls);

	/* 33 x 33 prefix pairs x 17 port masks: 18,513 masks. */
	for (i = 0; i < big; i++) {
		struct fw_rule *r = &rules[i];

		*r = any_rule(0);
		r->family = AF_INET;
		r->proto = IPPROTO_TCP;
		r->src_len = i % 33;
		r->dst_len = (i / 33) % 33;
		r->dport_hi = (1U << (i / (33 * 33))) - 1;
	}
	KUNIT_EXPECT_NULL(test, fw_cls_build(rules, big, &err));
	KUNIT_EXPECT_EQ(test, err, -E2BIG);
	KUNIT_EXPECT_GT(test, big, FW_MAX_SUBS);
}

static void cls_bad_rules(struct kunit *test)
{
	struct fw_rule r = any_rule(0);
	int err;

	r.src_len = 8;		/* a prefix without a family */
	KUNIT_EXPECT_NULL(test, fw_cls_build(&r, 1, &err));
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	r.family = AF_INET;
	r.src_len = 33;
	KUNIT_EXPECT_NULL(test, fw_cls_build(&r, 1, &err));
	r.src_len = 8;
	r.dport_lo = 10;
	r.dport_hi = 9;
	KUNIT_EXPECT_NULL(test, fw_cls_build(&r, 1, &err));
	KUNIT_EXPECT_NULL(test, fw_cls_build(&r, FW_MAX_RULES + 1, &err));
	KUNIT_EXPECT_EQ(test, err, -E2BIG);
}

/*
 * A rule by device name while the device is no port has FW_PORT_NONE:
 * it matches no packet, from any port, and the rules after it still do.
 */
static void cls_port_none(struct kunit *test)
{
	struct fw_rule rules[2] = { any_rule(1), any_rule(0) };
	struct fw_cls *cls;
	struct fw_key k;

	rules[0].in_port = FW_PORT_NONE;
	cls = build(test, rules, ARRAY_SIZE(rules));
	k = key4(0x0a010203, 0x0a020001, IPPROTO_TCP, 4000, 22, FW_CT_NEW);
	for (k.in_port = 1; k.in_port < 4; k.in_port++)
		KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), 1);
	k.in_port = NFV_PORT_NO_MAX;
	KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), 1);
	k.in_port = 0;
	KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), 1);
	fw_cls_free(cls);
}

/* nft's "tcp flags syn / syn,ack": SYN without ACK, whatever else. */
static void cls_tcp_flags(struct kunit *test)
{
	struct fw_rule rules[2] = { any_rule(1), any_rule(0) };
	struct fw_cls *cls;
	struct fw_key k;

	rules[0].proto = IPPROTO_TCP;
	rules[0].tcp_flags = SYN;
	rules[0].tcp_mask = SYN | ACK;
	cls = build(test, rules, ARRAY_SIZE(rules));
	k = key4(0x0a010203, 0x0a020001, IPPROTO_TCP, 4000, 22, FW_CT_NEW);
	k.tcp_flags = SYN;
	KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), 0);
	k.tcp_flags = SYN | 0xc0;	/* ECE, CWR: ECN setup */
	KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), 0);
	k.tcp_flags = SYN | ACK;
	KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), 1);
	k.tcp_flags = ACK;
	KUNIT_EXPECT_EQ(test, fw_cls_lookup(cls, &k), 1);
	fw_cls_free(cls);
}

static struct kunit_case fw_classify_cases[] = {
	KUNIT_CASE(cls_range_prefixes),
	KUNIT_CASE(cls_ct_firewall),
	KUNIT_CASE(cls_ipv6_prefix),
	KUNIT_CASE(cls_random_vs_linear),
	KUNIT_CASE(cls_many_rules),
	KUNIT_CASE(cls_many_masks),
	KUNIT_CASE(cls_bad_rules),
	KUNIT_CASE(cls_port_none),
	KUNIT_CASE(cls_tcp_flags),
	{}
};

static struct kunit_suite fw_classify_suite = {
	.name = "nfv_fw_classify",
	.test_cases = fw_classify_cases,
};

/* Per-source meters, with the time injected, ids from one table. */
static struct fw_meter_ids *meter_ids;

static int meter_suite_init(struct kunit_suite *suite)
{
	meter_ids = fw_meter_ids_new();
	return meter_ids ? 0 : -ENOMEM;
}

static void meter_suite_exit(struct kunit_suite *suite)
{
	rcu_barrier();
	fw_meter_ids_put(meter_ids);
}

static struct fw_meter *meter_new(struct kunit *test, u8 kind, u32 rate,
				  u32 period, u32 burst, u32 count, u32 size)
{
	struct fw_meter_cfg c = {
		.kind = kind, .rate = rate, .period = period, .burst = burst,
		.count_max = count, .size = size, .v6_prefix = 64,
	};
	struct fw_meter *m = fw_meter_create(meter_ids, &c);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	return m;
}

/* The rule sets' reference gone, the meter goes after a grace period. */
static void meter_free(struct fw_meter *m)
{
	fw_meter_drop(m);
	rcu_barrier();
}

static bool meter_new_flow(struct fw_meter *m, u32 src,
			   struct fw_meter_ref *ref, u32 now)
{
	struct fw_key k = key4(src, 0x0a020001, IPPROTO_TCP, 4000, 22,
			       FW_CT_NEW);

	return fw_meter_match(m, &k, 0, ref, now);
}

/* The entry a reference names, in meter m. */
static struct fw_meter_ent *ref_ent(struct fw_meter *m,
				    const struct fw_meter_ref *ref)
{
	return &m->ent[fw_meter_ref_slot(ref)];
}

static bool ref_eq(const struct fw_meter_ref *a, const struct fw_meter_ref *b)
{
	return a->id == b->id &&
	       fw_meter_ref_slot(a) == fw_meter_ref_slot(b);
}

static u64 meter_limited(struct fw_meter *m)
{
	u64 limited, full;

	fw_meter_read(m, &limited, &full);
	return limited;
}

static u64 meter_full(struct fw_meter *m)
{
	u64 limited, full;

	fw_meter_read(m, &limited, &full);
	return full;
}

/* A burst, then refusals; the rate refills with time, up to the burst. */
static void meter_bucket(struct kunit *test)
{
	struct fw_meter *m = meter_new(test, FW_METER_RATE, 10, 1, 20, 0, 64);
	u32 now = -5 * HZ;	/* across the wrap of 32-bit jiffies */
	int i;

	for (i = 0; i < 20; i++)
		KUNIT_EXPECT_TRUE_MSG(test, meter_new_flow(m, 1, NULL, now),
				      "flow %d", i);
	KUNIT_EXPECT_FALSE(test, meter_new_flow(m, 1, NULL, now));
	KUNIT_EXPECT_FALSE(test, meter_new_flow(m, 1, NULL, now + HZ / 20));
	KUNIT_EXPECT_EQ(test, meter_limited(m), 2);
	/* Another source has its own bucket. */
	KUNIT_EXPECT_TRUE(test, meter_new_flow(m, 2, NULL, now));
	/* One second: ten flows more, not eleven. */
	now += HZ;
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_TRUE_MSG(test, meter_new_flow(m, 1, NULL, now),
				      "flow %d", i);
	KUNIT_EXPECT_FALSE(test, meter_new_flow(m, 1, NULL, now));
	/* An hour idle refills to the burst, no more. */
	now += 3600 * HZ;
	for (i = 0; i < 20; i++)
		KUNIT_EXPECT_TRUE(test, meter_new_flow(m, 1, NULL, now));
	KUNIT_EXPECT_FALSE(test, meter_new_flow(m, 1, NULL, now));
	KUNIT_EXPECT_EQ(test, meter_limited(m), 4);
	KUNIT_EXPECT_EQ(test, meter_full(m), 0);
	meter_free(m);
}

/* A slow rate: the burst, then nothing for a minute; over inverts. */
static void meter_bucket_slow(struct kunit *test)
{
	struct fw_meter *m = meter_new(test, FW_METER_RATE, 1, 60, 3, 0, 8);
	u32 now = 1000;
	int i;

	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, meter_new_flow(m, 1, NULL, now + i));
	KUNIT_EXPECT_FALSE(test, meter_new_flow(m, 1, NULL, now + 59 * HZ));
	KUNIT_EXPECT_TRUE(test, meter_new_flow(m, 1, NULL, now + 61 * HZ));
	KUNIT_EXPECT_FALSE(test, meter_new_flow(m, 1, NULL, now + 62 * HZ));
	m->cfg.over = 1;
	KUNIT_EXPECT_TRUE(test, meter_new_flow(m, 1, NULL, now + 62 * HZ));
	KUNIT_EXPECT_FALSE(test, meter_new_flow(m, 2, NULL, now + 62 * HZ));
	meter_free(m);
}

/*
 * One group of 8: a ninth source is refused and counted while the others
 * are busy, and takes the slot of one whose bucket refilled.
 */
static void meter_full_reclaim(struct kunit *test)
{
	struct fw_meter *m = meter_new(test, FW_METER_RATE, 1, 60, 1, 0, 8);
	u32 now = 5000, src;

	for (src = 1; src <= 8; src++)
		KUNIT_EXPECT_TRUE(test, meter_new_flow(m, src, NULL, now));
	KUNIT_EXPECT_FALSE(test, meter_new_flow(m, 9, NULL, now + HZ));
	KUNIT_EXPECT_EQ(test, meter_full(m), 1);
	KUNIT_EXPECT_EQ(test, meter_limited(m), 0);
	/* Source 1 keeps its entry: over its rate, not full. */
	KUNIT_EXPECT_FALSE(test, meter_new_flow(m, 1, NULL, now + HZ));
	KUNIT_EXPECT_EQ(test, meter_limited(m), 1);
	/* A minute on, every bucket is full again: reclaimed. */
	KUNIT_EXPECT_TRUE(test, meter_new_flow(m, 9, NULL, now + 60 * HZ));
	KUNIT_EXPECT_FALSE(test, meter_new_flow(m, 9, NULL, now + 60 * HZ));
	KUNIT_EXPECT_EQ(test, meter_full(m), 1);
	meter_free(m);
}

/* Flows counted up, refused over the count, released down. */
static void meter_count(struct kunit *test)
{
	struct fw_meter *m = meter_new(test, FW_METER_COUNT, 0, 0, 0, 2, 8);
	struct fw_meter_ref a = {}, b = {}, c = {}, d = {};
	struct fw_meter_ent *e;

	/* A count rule matches the flows over the count. */
	KUNIT_EXPECT_FALSE(test, meter_new_flow(m, 1, &a, 0));
	KUNIT_EXPECT_FALSE(test, meter_new_flow(m, 1, &b, 0));
	KUNIT_ASSERT_EQ(test, a.id, m->id);
	KUNIT_EXPECT_TRUE(test, ref_eq(&a, &b));
	e = ref_ent(m, &a);
	KUNIT_EXPECT_EQ(test, atomic_read(&e->count), 2);
	KUNIT_EXPECT_TRUE(test, meter_new_flow(m, 1, &c, 0));
	KUNIT_EXPECT_EQ(test, c.id, 0);
	KUNIT_EXPECT_EQ(test, meter_limited(m), 1);
	/* A flow counted once is not counted again by another rule. */
	KUNIT_EXPECT_TRUE(test, meter_new_flow(m, 1, &a, 0));
	KUNIT_EXPECT_EQ(test, atomic_read(&e->count), 2);
	/* Another source has its own count. */
	KUNIT_EXPECT_FALSE(test, meter_new_flow(m, 2, &d, 0));
	KUNIT_EXPECT_FALSE(test, ref_eq(&a, &d));
	fw_meter_release(meter_ids, &b);
	KUNIT_EXPECT_EQ(test, b.id, 0);
	KUNIT_EXPECT_FALSE(test, meter_new_flow(m, 1, &c, 0));
	KUNIT_EXPECT_TRUE(test, ref_eq(&a, &c));
	fw_meter_release(meter_ids, &a);
	fw_meter_release(meter_ids, &c);
	fw_meter_release(meter_ids, &d);
	KUNIT_EXPECT_EQ(test, atomic_read(&e->count), 0);
	meter_free(m);
}

/* A full count meter: busy sources keep their slots, an idle one goes. */
static void meter_count_full(struct kunit *test)
{
	struct fw_meter *m = meter_new(test, FW_METER_COUNT, 0, 0, 0, 1, 8);
	struct fw_meter_ref e[9] = {}, three;
	u32 src;

	for (src = 1; src <= 8; src++)
		KUNIT_EXPECT_FALSE(test, meter_new_flow(m, src, &e[src], 0));
	KUNIT_EXPECT_TRUE(test, meter_new_flow(m, 9, &e[0], 0));
	KUNIT_EXPECT_EQ(test, e[0].id, 0);
	KUNIT_EXPECT_EQ(test, meter_full(m), 1);
	three = e[3];
	fw_meter_release(meter_ids, &e[3]);
	KUNIT_EXPECT_FALSE(test, meter_new_flow(m, 9, &e[0], 0));
	KUNIT_EXPECT_TRUE(test, ref_eq(&e[0], &three));
	/* Source 3 lost its slot to 9, and finds none now. */
	KUNIT_EXPECT_TRUE(test, meter_new_flow(m, 3, &e[3], 0));
	KUNIT_EXPECT_EQ(test, e[3].id, 0);
	KUNIT_EXPECT_EQ(test, meter_full(m), 2);
	for (src = 0; src <= 8; src++)
		if (e[src].id)
			fw_meter_release(meter_ids, &e[src]);
	meter_free(m);
}

/*
 * A meter keeps its id while a flow it counted lives, though no rule set
 * uses it any more; only once it is freed is its id given again.
 */
static void meter_id_reuse(struct kunit *test)
{
	struct fw_meter *a = meter_new(test, FW_METER_COUNT, 0, 0, 0, 1, 8);
	struct fw_meter *b = meter_new(test, FW_METER_COUNT, 0, 0, 0, 1, 8);
	struct fw_meter_ref r = {};
	struct fw_meter *c;
	u16 id = a->id;

	KUNIT_EXPECT_NE(test, id, 0);
	KUNIT_EXPECT_NE(test, b->id, id);
	KUNIT_EXPECT_FALSE(test, meter_new_flow(a, 1, &r, 0));
	KUNIT_EXPECT_EQ(test, r.id, id);
	/* Killed, its switch to atomic done: the flow holds it and its id. */
	fw_meter_drop(a);
	rcu_barrier();
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&meter_ids->xa, id), (void *)a);
	c = meter_new(test, FW_METER_COUNT, 0, 0, 0, 1, 8);
	KUNIT_EXPECT_NE(test, c->id, id);
	KUNIT_EXPECT_NE(test, c->id, b->id);
	meter_free(c);
	/* The flow gone, so are the meter and its id, which is free again. */
	fw_meter_release(meter_ids, &r);
	KUNIT_EXPECT_NULL(test, xa_load(&meter_ids->xa, id));
	c = meter_new(test, FW_METER_COUNT, 0, 0, 0, 1, 8);
	KUNIT_EXPECT_EQ(test, c->id, id);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&meter_ids->xa, id), (void *)c);
	meter_free(c);
	meter_free(b);
}

/*
 * A reload replaces a count meter by a new one of the same rule: a flow
 * the old one counted releases into the old one, found by its id, and
 * leaves the new one's count of the same source as it was.
 */
static void meter_release_killed(struct kunit *test)
{
	struct fw_meter *old = meter_new(test, FW_METER_COUNT, 0, 0, 0, 1, 8);
	struct fw_meter_ref r = {}, n = {}, x = {};
	struct fw_meter_ent *oe, *ne;
	struct fw_meter *new;
	u16 id = old->id;

	KUNIT_EXPECT_FALSE(test, meter_new_flow(old, 1, &r, 0));
	oe = ref_ent(old, &r);
	fw_meter_drop(old);
	rcu_barrier();
	new = meter_new(test, FW_METER_COUNT, 0, 0, 0, 1, 8);
	KUNIT_EXPECT_FALSE(test, meter_new_flow(new, 1, &n, 0));
	KUNIT_ASSERT_EQ(test, n.id, new->id);
	ne = ref_ent(new, &n);
	KUNIT_EXPECT_EQ(test, atomic_read(&oe->count), 1);
	/* Read under RCU: the release frees the old meter after a grace. */
	rcu_read_lock();
	fw_meter_release(meter_ids, &r);
	KUNIT_EXPECT_EQ(test, atomic_read(&oe->count), 0);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, r.id, 0);
	KUNIT_EXPECT_NULL(test, xa_load(&meter_ids->xa, id));
	KUNIT_EXPECT_EQ(test, atomic_read(&ne->count), 1);
	/* The source still holds its one flow in the new meter. */
	KUNIT_EXPECT_TRUE(test, meter_new_flow(new, 1, &x, 0));
	KUNIT_EXPECT_EQ(test, x.id, 0);
	fw_meter_release(meter_ids, &n);
	KUNIT_EXPECT_EQ(test, atomic_read(&ne->count), 0);
	meter_free(new);
}

/* An instance with FW_METER_ID_MAX meters live is refused another. */
static void meter_ids_full(struct kunit *test)
{
	struct fw_meter_ids *ids = fw_meter_ids_new();
	struct fw_meter_cfg c = {
		.kind = FW_METER_COUNT, .count_max = 1, .size = 8,
		.v6_prefix = 64,
	};
	struct fw_meter *m, *over;
	u32 id;

	KUNIT_ASSERT_NOT_NULL(test, ids);
	/* Stand-ins for the meters that hold every id but the last. */
	for (id = 1; id < FW_METER_ID_MAX; id++) {
		void *old = xa_store_bh(&ids->xa, id, xa_mk_value(id),
					GFP_KERNEL);

		KUNIT_ASSERT_EQ(test, xa_err(old), 0);
	}
	m = fw_meter_create(ids, &c);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	KUNIT_EXPECT_EQ(test, m->id, FW_METER_ID_MAX);
	over = fw_meter_create(ids, &c);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(over), -EBUSY);
	if (!IS_ERR(over))
		fw_meter_drop(over);
	fw_meter_drop(m);
	rcu_barrier();
	xa_destroy(&ids->xa);
	fw_meter_ids_put(ids);
}

/* IPv6 sources by their /64: one host's addresses share a bucket. */
static void meter_ipv6_prefix(struct kunit *test)
{
	struct fw_meter *m = meter_new(test, FW_METER_RATE, 1, 60, 1, 0, 64);
	struct fw_key k = { .family = AF_INET6, .proto = IPPROTO_TCP,
			    .state = FW_CT_NEW + 1 };

	k.src[0] = htonl(0x20010db8);
	k.src[3] = htonl(1);
	KUNIT_EXPECT_TRUE(test, fw_meter_match(m, &k, 0, NULL, 0));
	k.src[3] = htonl(2);
	KUNIT_EXPECT_FALSE(test, fw_meter_match(m, &k, 0, NULL, 0));
	/* The same address in another zone is another source. */
	KUNIT_EXPECT_TRUE(test, fw_meter_match(m, &k, 7, NULL, 0));
	k.src[1] = htonl(1);
	KUNIT_EXPECT_TRUE(test, fw_meter_match(m, &k, 0, NULL, 0));
	meter_free(m);
}

/*
 * The classifier leaves a metered rule out; a new flow meets it in its
 * place: within the rate it wins, over it the next rule does.
 */
static void meter_classify_order(struct kunit *test)
{
	struct fw_rule rules[3] = { any_rule(0), any_rule(1), any_rule(0) };
	struct fw_rs_meter ms;
	struct fw_cls *cls;
	struct fw_key k = key4(0x0a010203, 0x0a020001, IPPROTO_TCP, 4000, 22,
			       FW_CT_NEW);
	s32 idx;

	rules[0].proto = IPPROTO_TCP;
	rules[0].meter = (struct fw_meter_cfg){
		.kind = FW_METER_RATE, .rate = 1, .period = 60, .burst = 1,
		.size = 8, .v6_prefix = 64,
	};
	rules[1].proto = IPPROTO_TCP;
	cls = build(test, rules, ARRAY_SIZE(rules));
	ms.idx = 0;
	ms.m = meter_new(test, FW_METER_RATE, 1, 60, 1, 0, 8);
	idx = fw_cls_lookup(cls, &k);
	KUNIT_EXPECT_EQ(test, idx, 1);
	KUNIT_EXPECT_EQ(test, fw_meters_classify(&ms, 1, rules, &k, 0, idx,
						 NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, fw_meters_classify(&ms, 1, rules, &k, 0, idx,
						 NULL, 0), 1);
	/* A rule that does not match the key leaves the meter alone. */
	k.proto = IPPROTO_UDP;
	k.src[0] = htonl(0x0a010204);
	idx = fw_cls_lookup(cls, &k);
	KUNIT_EXPECT_EQ(test, idx, 2);
	KUNIT_EXPECT_EQ(test, fw_meters_classify(&ms, 1, rules, &k, 0, idx,
						 NULL, 0), 2);
	KUNIT_EXPECT_EQ(test, meter_limited(ms.m) + meter_full(ms.m), 1);
	meter_free(ms.m);
	fw_cls_free(cls);
}

/*
 * Random rules, one in eight metered with a count meter over 0 (it
 * matches every new flow): the classifier without them plus the meters
 * in their places must answer as a linear scan of all the rules.
 */
static void meter_random_vs_linear(struct kunit *test)
{
	const u32 n = 200;
	struct fw_rs_meter ms[FW_MAX_METERS];
	struct fw_rule *rules;
	struct fw_cls *cls;
	u32 seed = 7, i, nm = 0, metered = 0;

	rules = kunit_kcalloc(test, n, sizeof(*rules), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rules);
	for (i = 0; i < n; i++) {
		struct fw_rule *r = &rules[i];

		*r = any_rule(i % 3);
		if (lcg(&seed) % 2) {
			r->family = AF_INET;
			r->src[0] = htonl(0x0a000000 | (lcg(&seed) % 4) << 8);
			r->src_len = 22 + lcg(&seed) % 11;
		}
		if (lcg(&seed) % 2)
			r->proto = lcg(&seed) % 2 ? IPPROTO_TCP : IPPROTO_UDP;
		/* Every rule on one port: none hides all after it. */
		r->dport_lo = r->dport_hi = lcg(&seed) % 16;
		if (lcg(&seed) % 2)
			r->states = lcg(&seed) % 16;
		if (lcg(&seed) % 4 == 0)
			r->in_port = 1 + lcg(&seed) % 2;
		if (r->proto == IPPROTO_TCP && lcg(&seed) % 4 == 0) {
			r->tcp_mask = lcg(&seed) % 64;
			r->tcp_flags = lcg(&seed) & r->tcp_mask;
		}
		if (nm < FW_MAX_METERS && lcg(&seed) % 8 == 0) {
			r->meter.kind = FW_METER_COUNT;
			ms[nm].idx = i;
			ms[nm++].m = meter_new(test, FW_METER_COUNT, 0, 0, 0, 0,
					       8);
		}
	}
	cls = build(test, rules, n);
	for (i = 0; i < 5000; i++) {
		struct fw_key k = key4(0x0a000000 | lcg(&seed) % 1024,
				       0x0a020001, lcg(&seed) % 2 ?
				       IPPROTO_TCP : IPPROTO_UDP, 4000,
				       lcg(&seed) % 16, lcg(&seed) % 4);
		s32 want, got;

		k.in_port = 1 + lcg(&seed) % 3;
		if (k.proto == IPPROTO_TCP)
			k.tcp_flags = lcg(&seed) % 64;
		want = linear_lookup(rules, n, &k);
		got = fw_meters_classify(ms, nm, rules, &k, 0,
					 fw_cls_lookup(cls, &k), NULL, 0);
		metered += want >= 0 && rules[want].meter.kind;
		KUNIT_EXPECT_EQ_MSG(test, got, want, "key %u", i);
		if (got != want)
			break;
	}
	KUNIT_EXPECT_GT(test, nm, 10);
	KUNIT_EXPECT_GT(test, metered, 100);
	for (i = 0; i < nm; i++)
		fw_meter_drop(ms[i].m);
	rcu_barrier();
	fw_cls_free(cls);
}

static struct kunit_case fw_meter_cases[] = {
	KUNIT_CASE(meter_bucket),
	KUNIT_CASE(meter_bucket_slow),
	KUNIT_CASE(meter_full_reclaim),
	KUNIT_CASE(meter_count),
	KUNIT_CASE(meter_count_full),
	KUNIT_CASE(meter_id_reuse),
	KUNIT_CASE(meter_release_killed),
	KUNIT_CASE(meter_ids_full),
	KUNIT_CASE(meter_ipv6_prefix),
	KUNIT_CASE(meter_classify_order),
	KUNIT_CASE(meter_random_vs_linear),
	{}
};

static struct kunit_suite fw_meter_suite = {
	.name = "nfv_fw_meter",
	.suite_init = meter_suite_init,
	.suite_exit = meter_suite_exit,
	.test_cases = fw_meter_cases,
};

/* Packet path suite: process.c with the core stubbed */

/*
 * The core's flow as process.c sees it through the stubs below: the byte
 * counters the core keeps per direction, and what the firewall told it.
 */
struct nfv_flow {
	u64 bytes[2];
	struct nfv_key key;
	u8 trap;
	u8 tmo;
	bool assured;
};

u64 nfv_flow_bytes(const struct nfv_flow *flow, unsigned int dir)
{
	return flow->bytes[dir];
}

void nfv_flow_set_tcp_trap(struct nfv_flow *flow, u8 tcp_flags)
{
	flow->trap = tcp_flags;
}

void nfv_flow_set_assured(struct nfv_flow *flow, bool assured)
{
	flow->assured = assured;
}

void nfv_flow_set_timeout(struct nfv_flow *flow, enum nfv_timeout tmo)
{
	flow->tmo = tmo;
}

const struct nfv_key *nfv_flow_orig_key(struct nfv_flow *flow)
{
	return &flow->key;
}

u16 nfv_pkt_in_port(const struct nfv_pkt *pkt)
{
	return 1;
}

struct nfv_flow *nfv_flow_lookup_related(struct nfv_pkt *pkt,
					 unsigned int *dir)
{
	return NULL;
}

void fw_ruleset_count(struct fw_ruleset *rs, u32 idx, unsigned int len)
{
}

void fw_reject(struct fw_inst *fw, struct nfv_pkt *pkt, u8 type)
{
}

static struct tcphdr *tcp_hdr_at(struct sk_buff *skb)
{
	return (struct tcphdr *)(skb->data + sizeof(struct iphdr));
}

/* One instance, one TCP flow from 10.0.1.2:40000 to 10.0.2.2:80. */
struct fw_env {
	struct nfv_nf *nf;
	struct fw_ruleset *rs;
	struct nfv_flow flow;
	struct fw_ct ct;
	bool started;		/* the flow's first packet went */
};

/*
 * An inside-out rule set, with a drop that only the rules decide, after
 * the tracker took the packet: PSH drop; ct state established,related
 * accept; ct state invalid drop; ct state new accept; policy drop.
 */
static int env_init(struct kunit *test)
{
	struct fw_rule *rules;
	struct fw_inst *fw;
	struct fw_env *t;
	unsigned int i;
	int err;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	rules = kunit_kcalloc(test, 4, sizeof(*rules), GFP_KERNEL);
	if (!t || !rules)
		return -ENOMEM;
	for (i = 0; i < 4; i++)
		rules[i] = any_rule(NFV_FW_ACCEPT);
	rules[0].proto = IPPROTO_TCP;
	rules[0].tcp_flags = rules[0].tcp_mask = TCPHDR_PSH;
	rules[0].action = NFV_FW_DROP;
	rules[1].states = 1 << FW_CT_ESTABLISHED | 1 << FW_CT_RELATED;
	rules[2].states = 1 << FW_CT_INVALID;
	rules[2].action = NFV_FW_DROP;
	rules[3].states = 1 << FW_CT_NEW;

	t->nf = kunit_kzalloc(test, sizeof(*t->nf) + sizeof(*fw), GFP_KERNEL);
	t->rs = kunit_kzalloc(test, sizeof(*t->rs), GFP_KERNEL);
	if (!t->nf || !t->rs)
		return -ENOMEM;
	t->rs->rules = rules;
	t->rs->n = 4;
	t->rs->policy = NFV_FW_DROP;
	t->rs->cls = fw_cls_build(rules, 4, &err);
	if (!t->rs->cls)
		return err;
	fw = nfv_nf_priv(t->nf);
	fw->stats = alloc_percpu(struct fw_stats);
	if (!fw->stats) {
		fw_cls_free(t->rs->cls);
		return -ENOMEM;
	}
	for (i = 0; i < ARRAY_SIZE(fw->locks); i++)
		spin_lock_init(&fw->locks[i]);
	RCU_INIT_POINTER(fw->rs, t->rs);
	t->flow.key.proto = IPPROTO_TCP;
	test->priv = t;
	return 0;
}

static void env_exit(struct kunit *test)
{
	struct fw_env *t = test->priv;

	free_percpu(((struct fw_inst *)nfv_nf_priv(t->nf))->stats);
	fw_cls_free(t->rs->cls);
}

/*
 * A TCP segment behind a 20-byte IPv4 header (process.c reads addresses
 * from the key, not the header), with optlen bytes of options and len of
 * payload, each byte of it pay. Checksummed, as far as the firewall asks.
 */
static struct sk_buff *tcp_skb(struct kunit *test, u8 flags, u32 seq, u32 ack,
			       const u8 *opts, unsigned int optlen,
			       unsigned int len, u8 pay)
{
	struct sk_buff *skb = alloc_skb(64 + optlen + len, GFP_KERNEL);
	struct tcphdr *th;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_EQ(test, optlen % 4, 0);
	skb_put_zero(skb, sizeof(struct iphdr));
	th = skb_put_zero(skb, sizeof(*th));
	th->source = htons(40000);
	th->dest = htons(80);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff = (sizeof(*th) + optlen) / 4;
	tcp_flag_byte(th) = flags;
	th->window = htons(1000);
	skb_put_data(skb, opts, optlen);
	memset(skb_put(skb, len), pay, len);
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	return skb;
}

static struct nfv_pkt tcp_pkt(struct sk_buff *skb, struct nfv_flow *flow,
			      unsigned int dir)
{
	struct nfv_pkt pkt = {
		.skb = skb, .l4 = sizeof(struct iphdr), .flow = flow,
		.dir = dir, .tcp_flags = tcp_flag_byte(tcp_hdr_at(skb)),
	};

	pkt.key.proto = IPPROTO_TCP;
	pkt.key.addr.v4.src = htonl(dir ? 0x0a000202 : 0x0a000102);
	pkt.key.addr.v4.dst = htonl(dir ? 0x0a000102 : 0x0a000202);
	pkt.key.sport = htons(dir ? 80 : 40000);
	pkt.key.dport = htons(dir ? 40000 : 80);
	return pkt;
}

/*
 * One segment of the flow through fw_process(), as the core runs it: the
 * packet counted in its direction first, in softirq context under RCU.
 * Returns the verdict.
 */
static enum nfv_verdict env_seg(struct kunit *test, unsigned int dir,
				 u8 flags, u32 seq, u32 ack, unsigned int len)
{
	struct fw_env *t = test->priv;
	struct sk_buff *skb = tcp_skb(test, flags, seq, ack, NULL, 0, len, 0);
	struct nfv_pkt pkt = tcp_pkt(skb, &t->flow, dir);
	enum nfv_verdict v;

	pkt.new_flow = !t->started;
	t->started = true;
	t->flow.bytes[dir] += skb->len;
	local_bh_disable();
	rcu_read_lock();
	v = fw_process(t->nf, &pkt, &t->ct);
	rcu_read_unlock();
	local_bh_enable();
	kfree_skb(skb);
	return v;
}

/*
 * Client ISN 100, server ISN 5000, 1000-byte windows, no scaling: the
 * client may send up to 1101, the server up to 6001.
 */
static void env_open(struct kunit *test)
{
	struct fw_env *t = test->priv;

	KUNIT_ASSERT_EQ(test, env_seg(test, 0, TCPHDR_SYN, 100, 0, 0),
			NFV_CONTINUE);
	KUNIT_ASSERT_EQ(test, env_seg(test, 1, TCPHDR_SYN | TCPHDR_ACK, 5000,
				       101, 0), NFV_CONTINUE);
	KUNIT_ASSERT_EQ(test, env_seg(test, 0, TCPHDR_ACK, 101, 5001, 0),
			NFV_CONTINUE);
	KUNIT_ASSERT_EQ(test, t->ct.state, FW_TCP_ESTABLISHED);
	KUNIT_ASSERT_EQ(test, t->ct.dir[0].maxend, 1101);
	KUNIT_ASSERT_EQ(test, t->ct.dir[1].maxend, 6001);
}

/* fw_tcp_seg() on a segment with these options; false if truncated. */
static bool parse_opts(struct kunit *test, u8 flags, const u8 *opts,
		       unsigned int optlen, unsigned int len, u8 pay,
		       struct fw_tcp_seg *seg)
{
	struct sk_buff *skb = tcp_skb(test, flags, 100, 0, opts, optlen, len,
				      pay);
	struct nfv_pkt pkt = tcp_pkt(skb, NULL, 0);
	bool ok = fw_tcp_seg(&pkt, seg);

	kfree_skb(skb);
	return ok;
}

/* Option kinds and lengths, short enough for a table. */
#define EOL	TCPOPT_EOL
#define NOP	TCPOPT_NOP
#define WS	TCPOPT_WINDOW
#define MSS	TCPOPT_MSS
#define SACKP	TCPOPT_SACK_PERM
#define TS	TCPOPT_TIMESTAMP

/* A SYN's options: the window scale found among the others, or none. */
static void proc_tcp_options(struct kunit *test)
{
	/* Linux's SYN: MSS, SACK permitted, timestamps, NOP, scale. */
	static const u8 linux_syn[] = { MSS, 4, 0x05, 0xb4, SACKP, 2,
					TS, 10, 1, 2, 3, 4, 0, 0, 0, 0,
					NOP, WS, 3, 7 };
	/* SACK permitted right before the scale, no NOP between. */
	static const u8 sack_ws[] = { SACKP, 2, WS, 3, 9, NOP, NOP, NOP };
	static const u8 none[] = { MSS, 4, 0x05, 0xb4, SACKP, 2, NOP, NOP };
	/* After the end of the list: padding, whatever it holds. */
	static const u8 after_eol[] = { EOL, 2, WS, 3, 7, NOP, NOP, NOP };
	struct fw_tcp_seg seg;

	KUNIT_ASSERT_TRUE(test, parse_opts(test, TCPHDR_SYN, linux_syn,
					   sizeof(linux_syn), 0, 0, &seg));
	KUNIT_EXPECT_EQ(test, seg.wscale, 7);
	KUNIT_EXPECT_EQ(test, seg.seq, 100);
	KUNIT_EXPECT_EQ(test, seg.len, 0);
	KUNIT_EXPECT_EQ(test, seg.win, 1000);
	KUNIT_ASSERT_TRUE(test, parse_opts(test, TCPHDR_SYN | TCPHDR_ACK,
					   sack_ws, sizeof(sack_ws), 0, 0,
					   &seg));
	KUNIT_EXPECT_EQ(test, seg.wscale, 9);
	KUNIT_ASSERT_TRUE(test, parse_opts(test, TCPHDR_SYN, none,
					   sizeof(none), 0, 0, &seg));
	KUNIT_EXPECT_EQ(test, seg.wscale, FW_NOSCALE);
	KUNIT_ASSERT_TRUE(test, parse_opts(test, TCPHDR_SYN, after_eol,
					   sizeof(after_eol), 0, 0, &seg));
	KUNIT_EXPECT_EQ(test, seg.wscale, FW_NOSCALE);
	/* Only a SYN says the scale: an ACK's option means nothing. */
	KUNIT_ASSERT_TRUE(test, parse_opts(test, TCPHDR_ACK, linux_syn,
					   sizeof(linux_syn), 0, 0, &seg));
	KUNIT_EXPECT_EQ(test, seg.wscale, FW_NOSCALE);
}

/*
 * Options that lie: a length of 0 or 1 ends the walk (a walk that took
 * them would loop or read the next byte as an option), a scale option
 * cut by the header's end is not read from the payload, and a header
 * longer than the packet is refused.
 */
static void proc_tcp_bad_options(struct kunit *test)
{
	static const u8 len0[] = { 0x1e, 0, WS, 3, 7, NOP, NOP, NOP };
	static const u8 len1[] = { 0x1e, 1, WS, 3, 7, NOP, NOP, NOP };
	static const u8 cut[] = { NOP, NOP, WS, 3 };
	static const u8 past[] = { NOP, MSS, 40, 0 };
	struct fw_tcp_seg seg;
	struct sk_buff *skb;
	struct nfv_pkt pkt;

	KUNIT_ASSERT_TRUE(test, parse_opts(test, TCPHDR_SYN, len0,
					   sizeof(len0), 0, 0, &seg));
	KUNIT_EXPECT_EQ(test, seg.wscale, FW_NOSCALE);
	KUNIT_ASSERT_TRUE(test, parse_opts(test, TCPHDR_SYN, len1,
					   sizeof(len1), 0, 0, &seg));
	KUNIT_EXPECT_EQ(test, seg.wscale, FW_NOSCALE);
	/* The payload's first byte, 7, would be the scale. */
	KUNIT_ASSERT_TRUE(test, parse_opts(test, TCPHDR_SYN, cut, sizeof(cut),
					   10, 7, &seg));
	KUNIT_EXPECT_EQ(test, seg.wscale, FW_NOSCALE);
	KUNIT_EXPECT_EQ(test, seg.len, 10);
	/* An option running past the header, over a payload of 3s. */
	KUNIT_ASSERT_TRUE(test, parse_opts(test, TCPHDR_SYN, past,
					   sizeof(past), 50, WS, &seg));
	KUNIT_EXPECT_EQ(test, seg.wscale, FW_NOSCALE);
	KUNIT_EXPECT_EQ(test, seg.len, 50);

	/* A data offset of 60 bytes on a 20-byte header: truncated. */
	skb = tcp_skb(test, TCPHDR_SYN, 100, 0, NULL, 0, 0, 0);
	tcp_hdr_at(skb)->doff = 15;
	pkt = tcp_pkt(skb, NULL, 0);
	KUNIT_EXPECT_FALSE(test, fw_tcp_seg(&pkt, &seg));
	kfree_skb(skb);
}

/*
 * Bytes the fast path carried widen the window by as much, the segment
 * being judged (which the core counted already) not among them, and once
 * a segment was judged they are spent.
 */
static void proc_window_slack(struct kunit *test)
{
	struct fw_env *t = test->priv;

	env_open(test);
	/* Ten bytes past the 6001 the client allowed. */
	KUNIT_EXPECT_EQ(test, env_seg(test, 1, TCPHDR_ACK, 6011, 101, 10),
			NFV_DROP);
	KUNIT_EXPECT_EQ(test, t->ct.dir[1].maxend, 6001);
	/* 50,000 bytes from the server on the fast path. */
	t->flow.bytes[1] += 50000;
	KUNIT_EXPECT_EQ(test, env_seg(test, 1, TCPHDR_ACK, 5001 + 40000, 101,
				       10), NFV_CONTINUE);
	KUNIT_EXPECT_EQ(test, fw_ct_slack(&t->ct, 1, t->flow.bytes[1]), 0);
	KUNIT_EXPECT_EQ(test, t->ct.dir[1].maxend, 5001 + 40010);
	/* Spent: 20,000 past the new edge is too far. */
	KUNIT_EXPECT_EQ(test, env_seg(test, 1, TCPHDR_ACK, 5001 + 60010, 101,
				       10), NFV_DROP);
	KUNIT_EXPECT_EQ(test, env_seg(test, 1, TCPHDR_ACK, 5001 + 40010, 101,
				       10), NFV_CONTINUE);
}

/*
 * A segment the tracker took and the rules dropped leaves the flow as it
 * was: its FIN does not close it, and its bytes, which the core counted,
 * do not widen the window later.
 */
static void proc_restore_on_drop(struct kunit *test)
{
	struct fw_env *t = test->priv;
	struct fw_ct want;

	env_open(test);
	want = t->ct;
	/* A FIN with 100 bytes the tracker takes; the PSH rule drops it. */
	KUNIT_EXPECT_EQ(test, env_seg(test, 0, TCPHDR_FIN | TCPHDR_PSH |
				       TCPHDR_ACK, 101, 5001, 100), NFV_DROP);
	fw_ct_skip(&want, 0, 140);
	KUNIT_EXPECT_EQ(test, memcmp(&t->ct, &want, sizeof(want)), 0);
	KUNIT_EXPECT_EQ(test, t->ct.state, FW_TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, fw_ct_slack(&t->ct, 0, t->flow.bytes[0]), 0);
	KUNIT_EXPECT_EQ(test, t->flow.tmo, NFV_TMO_TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, t->flow.trap, FW_TRAP_ESTABLISHED);
	/* Ten bytes past the 1101 the server allowed: still too far. */
	KUNIT_EXPECT_EQ(test, env_seg(test, 0, TCPHDR_ACK, 1111, 5001, 10),
			NFV_DROP);
	/* The FIN again without PSH closes from the same state. */
	KUNIT_EXPECT_EQ(test, env_seg(test, 0, TCPHDR_FIN | TCPHDR_ACK, 101,
				       5001, 100), NFV_CONTINUE);
	KUNIT_EXPECT_EQ(test, t->ct.state, FW_TCP_FIN_WAIT);
	KUNIT_EXPECT_EQ(test, t->flow.tmo, NFV_TMO_TCP_FIN_WAIT);
}

/* A new flow the rules drop leaves nothing behind, not even its bytes. */
static void proc_restore_new_flow(struct kunit *test)
{
	struct fw_env *t = test->priv;
	static const struct fw_ct zero;

	KUNIT_EXPECT_EQ(test, env_seg(test, 0, TCPHDR_SYN | TCPHDR_PSH, 100,
				       0, 0), NFV_DROP);
	KUNIT_EXPECT_EQ(test, memcmp(&t->ct, &zero, sizeof(zero)), 0);
	KUNIT_EXPECT_FALSE(test, t->flow.assured);
}

static struct kunit_case fw_process_cases[] = {
	KUNIT_CASE(proc_tcp_options),
	KUNIT_CASE(proc_tcp_bad_options),
	KUNIT_CASE(proc_window_slack),
	KUNIT_CASE(proc_restore_on_drop),
	KUNIT_CASE(proc_restore_new_flow),
	{}
};

static struct kunit_suite fw_process_suite = {
	.name = "nfv_fw_process",
	.init = env_init,
	.exit = env_exit,
	.test_cases = fw_process_cases,
};

kunit_test_suites(&fw_conntrack_suite, &fw_classify_suite, &fw_meter_suite,
		  &fw_process_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for the nfv firewall");
