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
 *
 * Where conntrack bends these rules for connections that are already
 * under way, so does this: a connection is picked up from its first ACK
 * (tcp-loose), a new SYN on a stale tuple passes and resyncs on its
 * SYN/ACK, a SYN/ACK may decline a Fast Open SYN's data, and an RST
 * closes the flow only at the sequence number its receiver expects.
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
/* ACK: sNO, a connection under way, picked up (tcp-loose) */
		   { sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV },
/* RST */	   { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/* none */	   { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
	{	/* reply direction */
/*		     sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
/* SYN: sTW, the server reopens the tuple, as a simultaneous open */
		   { sIV, sS2, sIV, sIV, sIV, sIV, sIV, sS2, sIV, sS2 },
/* SYN/ACK */	   { sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR },
/* FIN */	   { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
/* ACK: sSS, maybe a challenge ACK to a SYN on a stale tuple */
		   { sIV, sIG, sIG, sES, sCW, sCW, sTW, sTW, sCL, sIG },
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

/* The highest ACK a side sent: where an RST to it must start. */
static void fw_note_ack(struct fw_ct *ct, unsigned int dir, u32 ack)
{
	struct fw_ct_dir *s = &ct->dir[dir];

	/* An ACK on the old connection: the SYN that reused it was not. */
	if ((ct->dflags[dir] & (FW_DIR_MAXACK | FW_DIR_SYN)) != FW_DIR_MAXACK ||
	    fw_after(ack, s->maxack))
		s->maxack = ack;
	ct->dflags[dir] = (ct->dflags[dir] & ~FW_DIR_SYN) | FW_DIR_MAXACK;
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
	u64 ackspan = (u64)maxackwin + slack[!dir];

	/* Picked up: the peer may acknowledge data sent before the pickup. */
	if (ct->flags & FW_CT_PICKUP)
		ackspan += maxackwin;

	if (!(seg->flags & FW_TH_SYN))
		win <<= ct->scale[dir];
	if (!(seg->flags & FW_TH_ACK))
		ack = r->end;

	/* Not older than any window, not beyond what the receiver allowed. */
	if (!fw_within(end, lo, span))
		return false;
	/* Acknowledges neither data long gone nor data never sent. */
	if (!fw_within(ack, acklo, ackspan))
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

		fw_note_ack(ct, dir, ack);

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

/*
 * A side not heard from yet: until its first segment, its end holds the
 * lowest ACK that may answer the other side's SYN (the ISN + 1: a Fast
 * Open server may decline the SYN's data and acknowledge only the SYN).
 */
static void fw_tcp_start(struct fw_ct *ct, unsigned int dir,
			 const struct fw_tcp_seg *seg)
{
	memset(ct->dir, 0, sizeof(ct->dir));
	ct->dflags[!dir] = 0;
	ct->scale[!dir] = 0;
	ct->flags &= ~(FW_CT_PICKUP | FW_CT_RST_HELD);
	fw_dir_init(ct, dir, seg);
	ct->dir[!dir].end = seg->seq + 1;
}

/* A SYN that opens the flow, or reopens one in TIME_WAIT or CLOSE. */
static int fw_tcp_open(struct fw_ct *ct, const struct fw_tcp_seg *seg)
{
	fw_tcp_start(ct, 0, seg);
	ct->state = FW_TCP_SYN_SENT;
	return FW_CT_NEW;
}

/*
 * The server reopens a tuple in TIME_WAIT (conntrack: "reopened
 * connection, but server may have switched role"): tracked as a
 * simultaneous open whose first SYN came from the reply side. New to the
 * rules, as conntrack's fresh entry would be.
 */
static int fw_tcp_reopen_reply(struct fw_ct *ct, const struct fw_tcp_seg *seg)
{
	fw_tcp_start(ct, 1, seg);
	ct->state = FW_TCP_SYN_SENT2;
	return FW_CT_NEW;
}

/*
 * A side's first segment in the middle of a connection (conntrack's
 * tcp_in_window with td_maxwin 0): its bounds come from the segment, with
 * the widest window scale, as the SYNs that said the real one are gone.
 */
static void fw_dir_pickup(struct fw_ct *ct, unsigned int dir,
			  const struct fw_tcp_seg *seg)
{
	struct fw_ct_dir *s = &ct->dir[dir], *r = &ct->dir[!dir];
	u32 win = max_t(u32, (u32)seg->win << FW_MAX_WSCALE, 1);

	s->end = fw_seg_end(seg);
	s->maxwin = win;
	s->maxend = s->end + win;
	s->maxack = seg->ack;
	ct->dflags[dir] = FW_DIR_INIT | FW_DIR_MAXACK;
	ct->scale[dir] = FW_MAX_WSCALE;
	/* The peer sent at least what this side acknowledges. */
	if (!(ct->dflags[!dir] & FW_DIR_INIT) || fw_after(seg->ack, r->end))
		r->end = seg->ack;
	if (!(ct->dflags[!dir] & FW_DIR_INIT) ||
	    fw_after(seg->ack + win, r->maxend))
		r->maxend = seg->ack + win;
}

/*
 * tcp-loose: the first segment seen of a connection is an ACK, as after a
 * flush, a restart or an idle timeout. ESTABLISHED, and new to the rules
 * until the other side answers, as conntrack's entry.
 */
static int fw_tcp_pickup(struct fw_ct *ct, const struct fw_tcp_seg *seg)
{
	memset(ct->dir, 0, sizeof(ct->dir));
	ct->dflags[1] = 0;
	ct->scale[1] = 0;
	ct->flags = (ct->flags & ~FW_CT_RST_HELD) | FW_CT_PICKUP;
	fw_dir_pickup(ct, 0, seg);
	ct->state = FW_TCP_ESTABLISHED;
	return FW_CT_NEW;
}

/*
 * The original side of a picked-up flow before any answer: nothing to
 * check against, so the bounds only learn (conntrack is liberal here).
 */
static void fw_pickup_learn(struct fw_ct *ct, const struct fw_tcp_seg *seg)
{
	struct fw_ct_dir *s = &ct->dir[0], *r = &ct->dir[1];
	u32 win = (u32)seg->win << FW_MAX_WSCALE;

	if (fw_after(fw_seg_end(seg), s->end))
		s->end = fw_seg_end(seg);
	s->maxwin = max(s->maxwin, win);
	if (!(seg->flags & FW_TH_ACK))
		return;
	fw_note_ack(ct, 0, seg->ack);
	if (fw_after(seg->ack, r->end))
		r->end = seg->ack;
	if (fw_after(seg->ack + win, r->maxend))
		r->maxend = seg->ack + win;
}

/*
 * The first segment of the side that did not open: it must acknowledge
 * the SYN, all of it or (Fast Open declined) the SYN alone.
 */
static bool fw_tcp_first_reply(struct fw_ct *ct, unsigned int dir,
			       const struct fw_tcp_seg *seg)
{
	struct fw_ct_dir *r = &ct->dir[!dir];
	u32 lowest = ct->dir[dir].end;

	if (seg->flags & FW_TH_ACK) {
		if (fw_before(seg->ack, lowest) || fw_after(seg->ack, r->end))
			return false;
	} else if (!(seg->flags & FW_TH_SYN)) {
		return false;
	}
	if (seg->flags & FW_TH_RST)
		return true;	/* refused: nothing to track */
	fw_dir_init(ct, dir, seg);
	fw_settle_scale(ct);
	if (seg->flags & FW_TH_ACK) {
		r->maxend = seg->ack + max_t(u32, seg->win, 1);
		fw_note_ack(ct, dir, seg->ack);
	}
	return true;
}

/*
 * A side's first segment: the answer to a SYN, a challenge ACK to a SYN
 * on a stale tuple (RFC 5961; its ACK kept for the RST that follows), or
 * the answer in a picked-up flow.
 */
static bool fw_tcp_first_seg(struct fw_ct *ct, unsigned int dir, u8 old,
			     const struct fw_tcp_seg *seg)
{
	if (ct->flags & FW_CT_PICKUP) {
		if (seg->flags & FW_TH_RST)	/* exactly where expected */
			return seg->seq == ct->dir[!dir].maxack;
		fw_dir_pickup(ct, dir, seg);
		return true;
	}
	if (old == FW_TCP_SYN_SENT && dir == 1 && seg->flags == FW_TH_ACK) {
		ct->dir[1].maxack = seg->ack;
		ct->dflags[1] |= FW_DIR_MAXACK;
		return true;
	}
	return fw_tcp_first_reply(ct, dir, seg);
}

/*
 * A SYN with a new ISN on a tuple still open here: the client gave up on
 * the old connection, or this entry is stale. It passes, as in conntrack,
 * its end kept in maxack (FW_DIR_SYN), and a SYN/ACK acknowledging it
 * restarts the tracking; any other answer leaves the old connection.
 */
static void fw_tcp_syn_reuse(struct fw_ct *ct, const struct fw_tcp_seg *seg)
{
	ct->dir[0].maxack = fw_seg_end(seg);
	ct->dflags[0] = (ct->dflags[0] & ~FW_DIR_MAXACK) | FW_DIR_SYN;
	if (seg->wscale != FW_NOSCALE)
		ct->dflags[0] |= FW_DIR_WSCALE;
	else
		ct->dflags[0] &= ~FW_DIR_WSCALE;
}

static bool fw_tcp_resyncs(const struct fw_ct *ct, unsigned int dir,
			   const struct fw_tcp_seg *seg)
{
	return dir == 1 && (ct->dflags[0] & FW_DIR_SYN) &&
	       (seg->flags & FW_TH_ACK) && seg->ack == ct->dir[0].maxack;
}

/* The SYN/ACK to a reusing SYN: both sides start over from it. */
static void fw_tcp_resync(struct fw_ct *ct, const struct fw_tcp_seg *seg)
{
	struct fw_ct_dir *c = &ct->dir[0];
	u32 maxwin = c->maxwin;

	memset(ct->dir, 0, sizeof(ct->dir));
	ct->flags &= ~(FW_CT_PICKUP | FW_CT_RST_HELD);
	c->end = seg->ack;
	c->maxend = seg->ack + max_t(u32, seg->win, 1);
	c->maxwin = maxwin;	/* the SYN's own went by unkept */
	/* The SYN's scale went by unkept too: assume the widest. */
	ct->dflags[0] &= FW_DIR_WSCALE;
	ct->dflags[0] |= FW_DIR_INIT;
	ct->scale[0] = FW_MAX_WSCALE;
	fw_dir_init(ct, 1, seg);
	fw_note_ack(ct, 1, seg->ack);
	fw_settle_scale(ct);
}

enum fw_rst_verdict { FW_RST_CLOSE, FW_RST_HOLD, FW_RST_INVALID };

/*
 * An in-window RST on an established flow (conntrack's td_maxack test,
 * RFC 5961). It closes the flow at the receiver's highest ACK or at the
 * sender's end; before that ACK the receiver discards it. Past anything
 * the sender can have sent it is blind: invalid. Between the two, data in
 * flight or bytes the fast path carried leave the firewall unsure: the
 * endpoint decides, and the flow keeps its state on a short timeout
 * (FW_CT_RST_HELD) until its next segment.
 */
static enum fw_rst_verdict fw_tcp_rst(const struct fw_ct *ct, unsigned int dir,
				      const struct fw_tcp_seg *seg,
				      const u64 slack[2])
{
	const struct fw_ct_dir *s = &ct->dir[dir], *r = &ct->dir[!dir];
	u32 seq = seg->seq;

	if (seq == s->end)
		return FW_RST_CLOSE;
	if (!(ct->dflags[!dir] & FW_DIR_MAXACK))
		return FW_RST_HOLD;
	if (seq == r->maxack)
		return FW_RST_CLOSE;
	if (fw_before(seq, r->maxack) ||
	    !fw_within(seq, r->maxack,
		       (u64)fw_past(r->maxack, s->end) + slack[dir]))
		return FW_RST_INVALID;
	return FW_RST_HOLD;
}

/* An RST that needs no window: it answers what the firewall let pass. */
static bool fw_tcp_rst_answers(const struct fw_ct *ct, unsigned int dir,
			       u8 old, const struct fw_tcp_seg *seg)
{
	if (!(seg->flags & FW_TH_RST))
		return false;
	/* The client's answer to a challenge ACK in SYN_SENT. */
	if (old == FW_TCP_SYN_SENT && dir == 0 &&
	    (ct->dflags[1] & FW_DIR_MAXACK) && !(ct->dflags[1] & FW_DIR_INIT))
		return seg->seq == ct->dir[1].maxack;
	/* The server's refusal of a SYN that reused the tuple. */
	return fw_tcp_resyncs(ct, dir, seg);
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

/* Checks a segment of a flow under way; false if invalid. */
static bool fw_tcp_check(struct fw_ct *ct, unsigned int dir, u8 old,
			 u8 *next, const struct fw_tcp_seg *seg,
			 const u64 slack[2])
{
	enum fw_rst_verdict rst = FW_RST_CLOSE;

	if (fw_tcp_rst_answers(ct, dir, old, seg))
		return true;
	if (!(ct->dflags[dir] & FW_DIR_INIT))
		return fw_tcp_first_seg(ct, dir, old, seg);
	if (dir == 0 && (ct->flags & FW_CT_PICKUP) &&
	    !(ct->dflags[1] & FW_DIR_INIT)) {
		fw_pickup_learn(ct, seg);
		return true;
	}
	if (dir == 0 && *next == FW_TCP_IGNORE && (seg->flags & FW_TH_SYN)) {
		fw_tcp_syn_reuse(ct, seg);
		return true;
	}
	if (*next == FW_TCP_IGNORE && (seg->flags & FW_TH_SYN) &&
	    fw_tcp_resyncs(ct, dir, seg)) {
		fw_tcp_resync(ct, seg);
		*next = FW_TCP_SYN_RECV;
		return true;
	}
	/* Judged on the bounds before this segment moves them. */
	if ((seg->flags & FW_TH_RST) &&
	    (old == FW_TCP_ESTABLISHED || old == FW_TCP_SYN_RECV))
		rst = fw_tcp_rst(ct, dir, seg, slack);
	if (rst == FW_RST_INVALID || !fw_in_window(ct, dir, seg, slack))
		return false;
	if (rst == FW_RST_HOLD) {
		ct->flags |= FW_CT_RST_HELD;
		*next = FW_TCP_IGNORE;
	}
	return true;
}

int fw_ct_tcp(struct fw_ct *ct, unsigned int dir, unsigned int how,
	      const struct fw_tcp_seg *seg, const u64 slack[2])
{
	u8 old = how & FW_CT_FIRST ? FW_TCP_NONE : ct->state;
	u8 next = fw_tcp_next(old, dir, seg->flags);
	struct fw_ct saved;

	if (next == FW_TCP_INVALID)
		return FW_CT_INVALID;
	if (old == FW_TCP_NONE)
		return next == FW_TCP_SYN_SENT ? fw_tcp_open(ct, seg) :
		       how & FW_CT_LOOSE ? fw_tcp_pickup(ct, seg) :
		       FW_CT_INVALID;
	/* A first SYN, its retransmit, or a new ISN on a closed tuple. */
	if (dir == 0 && next == FW_TCP_SYN_SENT)
		return fw_tcp_open(ct, seg);
	if (dir == 1 && old == FW_TCP_TIME_WAIT && next == FW_TCP_SYN_SENT2)
		return fw_tcp_reopen_reply(ct, seg);

	saved = *ct;
	if (!fw_tcp_check(ct, dir, old, &next, seg, slack)) {
		*ct = saved;
		return FW_CT_INVALID;
	}
	next = fw_tcp_refine(ct, dir, old, next, seg->flags);
	if (seg->flags & FW_TH_FIN)
		ct->dflags[dir] |= FW_DIR_FIN;
	/* A segment after a held RST: the connection lives on. */
	if (!(seg->flags & FW_TH_RST))
		ct->flags &= ~FW_CT_RST_HELD;
	if (next != FW_TCP_IGNORE)
		ct->state = next;
	/* As conntrack: new until the other side answered. */
	if (dir == 0 && (ct->flags & FW_CT_PICKUP) &&
	    !(ct->dflags[1] & FW_DIR_INIT))
		return FW_CT_NEW;
	return FW_CT_ESTABLISHED;
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
