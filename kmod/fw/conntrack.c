// SPDX-License-Identifier: GPL-2.0
/*
 * Connection tracking state machines. No skbs and no locks here: the caller
 * summarises the packet and serialises the calls for one flow.
 *
 * TCP follows the states of RFC 793 as a middlebox sees them from both
 * sides, and checks every segment it sees against the window each side
 * announced (Rooij's "Real stateful TCP packet filtering"): a segment must
 * lie in the window the receiver allowed and acknowledge only data that
 * was sent. The established fast path hides segments from the firewall, so
 * the caller passes, per direction, how many bytes went by unseen; the
 * bounds that move with data widen by that much and no more.
 */
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "conntrack.h"

/* Largest ACK window assumed before a side announced one. */
#define FW_MAXACKWIN		66000

enum fw_seg_type { FW_SEG_SYN, FW_SEG_SYNACK, FW_SEG_FIN, FW_SEG_ACK,
		   FW_SEG_RST, FW_SEG_NONE, FW_SEG_NTYPES };

#define sNO FW_TCP_NONE
#define sSS FW_TCP_SYN_SENT
#define sSR FW_TCP_SYN_RECV
#define sES FW_TCP_ESTABLISHED
#define sFW FW_TCP_FIN_WAIT
#define sCW FW_TCP_CLOSE_WAIT
#define sLA FW_TCP_LAST_ACK
#define sTW FW_TCP_TIME_WAIT
#define sCL FW_TCP_CLOSE
#define sS2 FW_TCP_SYN_SENT2
#define sIG FW_TCP_IGNORE
#define sIV FW_TCP_INVALID

/* [direction][segment type][state]: the next state. */
static const u8 fw_tcp_table[2][FW_SEG_NTYPES][FW_TCP_NSTATES] = {
	{	/* original direction: the side that sent the first SYN */
/*		     sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
/* SYN */	   { sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2 },
/* SYN/ACK */	   { sIV, sIV, sIG, sIV, sIV, sIV, sIV, sIV, sIV, sSR },
/* FIN */	   { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
/* ACK */	   { sIV, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV },
/* RST */	   { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/* none */	   { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
	{	/* reply direction */
/*		     sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
/* SYN */	   { sIV, sS2, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sS2 },
/* SYN/ACK */	   { sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR },
/* FIN */	   { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
/* ACK */	   { sIV, sIV, sIG, sES, sCW, sCW, sTW, sTW, sCL, sIG },
/* RST */	   { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/* none */	   { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
};

static const char *const fw_tcp_names[FW_TCP_NSTATES] = {
	[FW_TCP_NONE]		= "NONE",
	[FW_TCP_SYN_SENT]	= "SYN_SENT",
	[FW_TCP_SYN_RECV]	= "SYN_RECV",
	[FW_TCP_ESTABLISHED]	= "ESTABLISHED",
	[FW_TCP_FIN_WAIT]	= "FIN_WAIT",
	[FW_TCP_CLOSE_WAIT]	= "CLOSE_WAIT",
	[FW_TCP_LAST_ACK]	= "LAST_ACK",
	[FW_TCP_TIME_WAIT]	= "TIME_WAIT",
	[FW_TCP_CLOSE]		= "CLOSE",
	[FW_TCP_SYN_SENT2]	= "SYN_SENT2",
};

const char *fw_tcp_state_name(u8 state)
{
	return state < FW_TCP_NSTATES ? fw_tcp_names[state] : "?";
}

static enum fw_seg_type fw_seg_type(u8 flags)
{
	if (flags & FW_TH_RST)
		return FW_SEG_RST;
	if (flags & FW_TH_SYN)
		return flags & FW_TH_ACK ? FW_SEG_SYNACK : FW_SEG_SYN;
	if (flags & FW_TH_FIN)
		return FW_SEG_FIN;
	if (flags & FW_TH_ACK)
		return FW_SEG_ACK;
	return FW_SEG_NONE;
}

u8 fw_tcp_next(u8 state, unsigned int dir, u8 tcp_flags)
{
	/*
	 * As conntrack's tcp_valid_flags: SYN with FIN or RST, FIN with RST,
	 * and FIN without ACK are nonsense in any state.
	 */
	if ((tcp_flags & FW_TH_SYN) && (tcp_flags & (FW_TH_FIN | FW_TH_RST)))
		return FW_TCP_INVALID;
	if ((tcp_flags & FW_TH_FIN) &&
	    (tcp_flags & (FW_TH_RST | FW_TH_ACK)) != FW_TH_ACK)
		return FW_TCP_INVALID;
	if (state >= FW_TCP_NSTATES || dir > 1)
		return FW_TCP_INVALID;
	return fw_tcp_table[dir][fw_seg_type(tcp_flags)][state];
}

static bool fw_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static bool fw_after(u32 a, u32 b)
{
	return fw_before(b, a);
}

/* Sequence space a segment occupies: payload plus SYN and FIN. */
static u32 fw_seg_end(const struct fw_tcp_seg *seg)
{
	return seg->seq + seg->len + !!(seg->flags & FW_TH_SYN) +
	       !!(seg->flags & FW_TH_FIN);
}

/* A SYN or SYN/ACK starts a side's sequence space. */
static void fw_dir_init(struct fw_ct *ct, unsigned int dir,
			const struct fw_tcp_seg *seg)
{
	struct fw_ct_dir *d = &ct->dir[dir];

	d->end = fw_seg_end(seg);
	d->maxend = d->end;
	d->maxwin = max_t(u32, seg->win, 1);	/* SYN windows are unscaled */
	ct->dflags[dir] = FW_DIR_INIT;
	ct->scale[dir] = 0;
	if (seg->wscale != FW_NOSCALE) {
		ct->dflags[dir] |= FW_DIR_WSCALE;
		ct->scale[dir] = min_t(u8, seg->wscale, FW_MAX_WSCALE);
	}
}

/* Scaling applies only if both sides offered it. */
static void fw_settle_scale(struct fw_ct *ct)
{
	if (!(ct->dflags[0] & ct->dflags[1] & FW_DIR_WSCALE))
		ct->scale[0] = ct->scale[1] = 0;
}

/*
 * Is x within [lo, lo + span]? A span of 2^32 or more holds every number:
 * so many bytes went by unseen that the sender could be anywhere.
 */
static bool fw_within(u32 x, u32 lo, u64 span)
{
	return span > U32_MAX || (u32)(x - lo) <= span;
}

/* How far b lies past a, or 0 if before it (b is a stale edge of a's). */
static u32 fw_past(u32 a, u32 b)
{
	return fw_before(b, a) ? 0 : b - a;
}

/*
 * Bounds as ranges from the lowest edge, not signed comparisons: the edges
 * lag the traffic by the slack, which may exceed 2 GiB (the sequence
 * space's half) on a long transfer through the fast path.
 */
static bool fw_in_window(struct fw_ct *ct, unsigned int dir,
			 const struct fw_tcp_seg *seg, const u64 slack[2])
{
	struct fw_ct_dir *s = &ct->dir[dir], *r = &ct->dir[!dir];
	u32 end = fw_seg_end(seg), ack = seg->ack, win = seg->win;
	u32 maxackwin = s->maxwin ? s->maxwin : FW_MAXACKWIN;
	u32 lo = s->end - r->maxwin, acklo = r->end - maxackwin;
	u64 span = (u64)fw_past(lo, s->maxend) + slack[dir] + (end - seg->seq);

	if (!(seg->flags & FW_TH_SYN))
		win <<= ct->scale[dir];
	if (!(seg->flags & FW_TH_ACK))
		ack = r->end;

	/* Not older than any window, not beyond what the receiver allowed. */
	if (!fw_within(end, lo, span))
		return false;
	/* Acknowledges neither data long gone nor data never sent. */
	if (!fw_within(ack, acklo, (u64)maxackwin + slack[!dir]))
		return false;

	if (s->maxwin < win)
		s->maxwin = win;
	if ((u32)(end - lo) > r->maxwin || slack[dir] > U32_MAX)
		s->end = end;
	/* What passed unseen, the receiver allowed. */
	if (slack[dir] && fw_after(s->end, s->maxend))
		s->maxend = s->end;
	if (seg->flags & FW_TH_ACK) {
		u64 edge = (u64)(u32)(ack - acklo) + max_t(u32, win, 1);

		/* The ACK proves the peer sent this much. */
		if ((u32)(ack - acklo) > maxackwin || slack[!dir] > U32_MAX)
			r->end = ack;
		if (edge > fw_past(acklo, r->maxend) ||
		    slack[!dir] > U32_MAX)
			r->maxend = ack + max_t(u32, win, 1);
	}
	return true;
}

u64 fw_ct_slack(const struct fw_ct *ct, unsigned int d, u64 bytes)
{
	u64 seen = (u64)ct->seen_hi[d] << 32 | ct->dir[d].seen;

	return (bytes - seen) & (BIT_ULL(40) - 1);
}

void fw_ct_sync(struct fw_ct *ct, unsigned int d, u64 bytes)
{
	ct->dir[d].seen = (u32)bytes;
	ct->seen_hi[d] = (u8)(bytes >> 32);
}

void fw_ct_skip(struct fw_ct *ct, unsigned int d, u32 len)
{
	fw_ct_sync(ct, d, ((u64)ct->seen_hi[d] << 32 | ct->dir[d].seen) + len);
}

/* A SYN that opens the flow, or reopens one in TIME_WAIT or CLOSE. */
static int fw_tcp_open(struct fw_ct *ct, const struct fw_tcp_seg *seg)
{
	memset(ct->dir, 0, sizeof(ct->dir));
	ct->dflags[1] = 0;
	ct->scale[1] = 0;
	fw_dir_init(ct, 0, seg);
	ct->state = FW_TCP_SYN_SENT;
	return FW_CT_NEW;
}

/* The responder's first segment: it must acknowledge the SYN exactly. */
static bool fw_tcp_first_reply(struct fw_ct *ct, const struct fw_tcp_seg *seg)
{
	if (seg->flags & FW_TH_ACK) {
		if (seg->ack != ct->dir[0].end)
			return false;
	} else if (!(seg->flags & FW_TH_SYN)) {
		return false;
	}
	if (seg->flags & FW_TH_RST)
		return true;	/* refused: nothing to track */
	fw_dir_init(ct, 1, seg);
	fw_settle_scale(ct);
	if (seg->flags & FW_TH_ACK)
		ct->dir[0].maxend = seg->ack + max_t(u32, seg->win, 1);
	return true;
}

/* FIN_WAIT and friends care who sent the FIN. */
static u8 fw_tcp_refine(const struct fw_ct *ct, unsigned int dir, u8 old,
			u8 next, u8 flags)
{
	bool mine = ct->dflags[dir] & FW_DIR_FIN;

	if (old == FW_TCP_FIN_WAIT && next == FW_TCP_CLOSE_WAIT && mine)
		return FW_TCP_IGNORE;	/* the FIN's sender, not its ACK */
	if (old == FW_TCP_FIN_WAIT && next == FW_TCP_LAST_ACK && mine &&
	    !(ct->dflags[!dir] & FW_DIR_FIN))
		return FW_TCP_IGNORE;	/* a retransmitted FIN */
	return next;
}

int fw_ct_tcp(struct fw_ct *ct, unsigned int dir, bool new_flow,
	      const struct fw_tcp_seg *seg, const u64 slack[2])
{
	u8 old = new_flow ? FW_TCP_NONE : ct->state;
	u8 next = fw_tcp_next(old, dir, seg->flags);
	struct fw_ct saved;

	if (next == FW_TCP_INVALID)
		return FW_CT_INVALID;
	/* A first SYN, its retransmit, or a new ISN on a closed tuple. */
	if (dir == 0 && next == FW_TCP_SYN_SENT)
		return fw_tcp_open(ct, seg);

	saved = *ct;
	if (dir == 1 && !(ct->dflags[1] & FW_DIR_INIT)) {
		if (!fw_tcp_first_reply(ct, seg))
			goto invalid;
	} else if (!(ct->dflags[dir] & FW_DIR_INIT)) {
		goto invalid;
	} else if (!fw_in_window(ct, dir, seg, slack)) {
		goto invalid;
	}

	next = fw_tcp_refine(ct, dir, old, next, seg->flags);
	if (seg->flags & FW_TH_FIN)
		ct->dflags[dir] |= FW_DIR_FIN;
	if (next != FW_TCP_IGNORE)
		ct->state = next;
	return FW_CT_ESTABLISHED;

invalid:
	*ct = saved;
	return FW_CT_INVALID;
}

int fw_ct_gen(struct fw_ct *ct, unsigned int dir, bool new_flow,
	      enum fw_gen_kind kind)
{
	/* An echo reply travels against its request, never with it. */
	if (kind != FW_GEN_DATA && (kind == FW_GEN_REPLY) != (dir == 1))
		return FW_CT_INVALID;
	if (new_flow) {
		ct->state = FW_GEN_UNREPLIED;
		return FW_CT_NEW;
	}
	if (dir == 1)
		ct->state = FW_GEN_REPLIED;
	/* As conntrack: new until the other side answered. */
	return ct->state == FW_GEN_REPLIED ? FW_CT_ESTABLISHED : FW_CT_NEW;
}
