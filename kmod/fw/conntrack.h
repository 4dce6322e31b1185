/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection tracking state machines of the firewall: TCP with sequence and
 * window tracking, UDP, ICMP echo and "other". Pure functions of the state
 * and one packet's summary, so KUnit drives them without skbs.
 */
#ifndef _NFV_FW_CONNTRACK_H
#define _NFV_FW_CONNTRACK_H

#include <linux/in.h>
#include <linux/types.h>

#include "meter.h"

enum fw_tcp_state {
	FW_TCP_NONE,
	FW_TCP_SYN_SENT,
	FW_TCP_SYN_RECV,
	FW_TCP_ESTABLISHED,
	FW_TCP_FIN_WAIT,
	FW_TCP_CLOSE_WAIT,
	FW_TCP_LAST_ACK,
	FW_TCP_TIME_WAIT,
	FW_TCP_CLOSE,
	FW_TCP_SYN_SENT2,	/* simultaneous open: both sides sent SYN */
	FW_TCP_NSTATES,
	FW_TCP_IGNORE = FW_TCP_NSTATES,	/* keep the state, packet is fine */
	FW_TCP_INVALID,
};

/* UDP, ICMP and other protocols. */
enum fw_gen_state {
	FW_GEN_UNREPLIED = 1,
	FW_GEN_REPLIED,
};

/* What the rules see: conntrack's state of the packet. */
enum fw_ctstate {
	FW_CT_NEW,
	FW_CT_ESTABLISHED,
	FW_CT_RELATED,
	FW_CT_INVALID,
	FW_CT_NSTATES
};

/* fw_ct.dflags[] */
#define FW_DIR_WSCALE		0x01	/* sent the window scale option */
#define FW_DIR_FIN		0x02	/* sent a FIN */
#define FW_DIR_INIT		0x04	/* end/maxend/maxwin are valid */
#define FW_DIR_MAXACK		0x08	/* maxack is valid */
#define FW_DIR_SYN		0x10	/* a SYN reusing the tuple passed:
					 * maxack holds its end until the
					 * SYN/ACK that resyncs (as conntrack's
					 * last_end)
					 */

/* Per direction TCP window state, as the sender of that direction. */
struct fw_ct_dir {
	u32 end;	/* highest seq + len sent */
	u32 maxend;	/* highest ack + window the peer allowed */
	u32 maxwin;	/* largest window the sender advertised */
	u32 seen;	/* the core's byte counter when last synced, bits 0-31 */
	u32 maxack;	/* highest ACK the sender sent (conntrack's td_maxack) */
};

/*
 * The firewall's per-flow state, in the core's NF area: FW_CT_GEN_SIZE (8)
 * for UDP, ICMP and other flows, 56 bytes for TCP. maxack takes TCP from
 * 40 to 48: an RST closes the flow only at the sequence number the
 * receiver acknowledged, so a blind RST anywhere else in the window
 * cannot (RFC 5961, and conntrack's check). mref refers to a count meter's
 * entry by id in 6 bytes, not by a pointer in 8: it fills what the other
 * protocols' 8 bytes left unused, so their flows keep their kmalloc class
 * (IPv4: kmalloc-128). TCP's window state used those bytes and moved
 * after dir[], 48 to 56, within its class (IPv4: kmalloc-192).
 */
struct fw_ct {
	u8 state;	/* enum fw_tcp_state or enum fw_gen_state */
	u8 flags;	/* FW_CT_* */
	struct fw_meter_ref mref;	/* the entry that counts the flow */
	/* TCP flows only from here. */
	struct fw_ct_dir dir[2];
	u8 scale[2];	/* window scale, once both sides agreed */
	u8 dflags[2];	/* FW_DIR_* */
	u8 seen_hi[2];	/* bits 32-39 of fw_ct_dir.seen */
};

#define FW_CT_GEN_SIZE		offsetofend(struct fw_ct, mref)

static inline size_t fw_ct_size(u8 proto)
{
	return proto == IPPROTO_TCP ? sizeof(struct fw_ct) : FW_CT_GEN_SIZE;
}

/* fw_ct.flags */
#define FW_CT_COUNTED		0x01	/* counted in its zone's flow limit */
#define FW_CT_HALF_OPEN		0x02	/* counted as half-open */
#define FW_CT_PICKUP		0x04	/* picked up mid-stream: window scale
					 * unknown, checked as the widest
					 */
#define FW_CT_RST_HELD		0x08	/* an RST passed that the firewall could
					 * not judge: the endpoint decides, the
					 * flow waits on a short timeout
					 */

#define FW_NOSCALE		0xff
#define FW_MAX_WSCALE		14

/* TCP flag bits as in the header's flag byte (TCPHDR_*). */
#define FW_TH_FIN		0x01
#define FW_TH_SYN		0x02
#define FW_TH_RST		0x04
#define FW_TH_ACK		0x10

/* A TCP segment's summary; wscale is FW_NOSCALE without the option. */
struct fw_tcp_seg {
	u32 seq;
	u32 ack;
	u32 len;	/* payload bytes */
	u16 win;
	u8 flags;	/* TCPHDR_* */
	u8 wscale;
};

/* fw_ct_tcp()'s how */
#define FW_CT_FIRST		0x01	/* the flow's first packet */
#define FW_CT_LOOSE		0x02	/* may pick up a connection under way
					 * from its first ACK (tcp-loose)
					 */

/*
 * Runs one TCP segment through flow ct, seen in direction dir (0 original,
 * 1 reply); how holds FW_CT_FIRST and FW_CT_LOOSE. slack[d] bounds the
 * bytes of direction d that passed in the fast path since the state was
 * last updated (0 when none could have); any amount is fine, the bounds
 * stay exact modulo 2^32.
 * Returns the packet's enum fw_ctstate; on FW_CT_INVALID ct is unchanged.
 */
int fw_ct_tcp(struct fw_ct *ct, unsigned int dir, unsigned int how,
	      const struct fw_tcp_seg *seg, const u64 slack[2]);

/*
 * The bytes direction d carried since fw_ct_sync() last recorded its
 * counter: bytes is the core's counter of the direction. Exact below 2^40
 * (1 TiB) between two segments the firewall sees.
 */
u64 fw_ct_slack(const struct fw_ct *ct, unsigned int d, u64 bytes);
/* Records the core's counter of direction d as seen. */
void fw_ct_sync(struct fw_ct *ct, unsigned int d, u64 bytes);
/* A refused packet of len bytes: counted by the core, never slack. */
void fw_ct_skip(struct fw_ct *ct, unsigned int d, u32 len);

/* What a UDP, ICMP or other packet is, for fw_ct_gen(). */
enum fw_gen_kind {
	FW_GEN_DATA,		/* UDP and others: either side may start */
	FW_GEN_REQUEST,		/* ICMP echo request and the like */
	FW_GEN_REPLY,		/* ICMP echo reply */
};

int fw_ct_gen(struct fw_ct *ct, unsigned int dir, bool new_flow,
	      enum fw_gen_kind kind);

/* Next TCP state for one packet (exported for the transition tests). */
u8 fw_tcp_next(u8 state, unsigned int dir, u8 tcp_flags);

const char *fw_tcp_state_name(u8 state);

#endif /* _NFV_FW_CONNTRACK_H */
