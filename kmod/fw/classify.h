/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rule classifier: a tuple space search over the rules of one rule
 * set. Built once in process context, then read-only: lookups need no lock.
 */
#ifndef _NFV_FW_CLASSIFY_H
#define _NFV_FW_CLASSIFY_H

#include <linux/if.h>
#include <linux/types.h>

/*
 * What a rule can match, and what a packet presents. Ports are in host
 * order; for ICMP and ICMPv6, sport is the type and dport the code.
 * state is 1 + enum fw_ctstate, so 0 never matches a real packet.
 */
struct fw_key {
	u16 in_port;
	u16 sport;
	u16 dport;
	u8 family;		/* AF_INET, AF_INET6 */
	u8 proto;
	u8 state;
	u8 tcp_flags;		/* TCP only */
	u8 pad[2];
	__be32 src[4];		/* IPv4 in src[0] */
	__be32 dst[4];
};

#define FW_KEY_WORDS	(sizeof(struct fw_key) / sizeof(u32))

/* A rule's per-source meter (meter.h); kind FW_METER_NONE: none. */
struct fw_meter_cfg {
	u32 rate;		/* new flows per period, per source */
	u32 period;		/* seconds */
	u32 burst;		/* flows */
	u32 count_max;		/* flows a source may hold */
	u32 size;		/* entries, a power of two */
	u8 kind;
	u8 v6_prefix;		/* IPv6 sources are keyed by this prefix */
	u8 over;		/* a rate rule matches over the rate */
	u8 pad;
};

#define FW_METER_NONE		0
#define FW_METER_RATE		1	/* limit-per-source */
#define FW_METER_COUNT		2	/* count-per-source */

/*
 * A rule as configured; any field at its "any" value matches all. The
 * classifier reads the match fields only; handle, ifname and reject ride
 * along with the rule through edits.
 */
struct fw_rule {
	__be32 src[4];
	__be32 dst[4];
	u32 handle;		/* unique in the instance, never reused */
	char ifname[IFNAMSIZ];	/* "": in_port as given; else resolved */
	u16 in_port;		/* 0: any; FW_PORT_NONE: no port */
	u16 sport_lo, sport_hi;	/* 0..65535: any */
	u16 dport_lo, dport_hi;
	u8 family;		/* 0: any; required with addresses */
	u8 proto;		/* 0: any */
	u8 src_len, dst_len;	/* prefix lengths; 0: any */
	u8 states;		/* 1 << enum fw_ctstate, OR'ed; 0: any */
	u8 action;		/* enum nfv_fw_action */
	u8 reject;		/* enum nfv_fw_reject, with REJECT */
	u8 tcp_flags;		/* (flags & tcp_mask) == tcp_flags */
	u8 tcp_mask;		/* 0: any flags */
	u8 pad[3];
	struct fw_meter_cfg meter;	/* the classifier leaves such rules
					 * out: only new flows check them
					 */
};

/* The in_port of a rule whose device is not a port: no packet has it. */
#define FW_PORT_NONE		0xffff

#define FW_MAX_RULES		65536
#define FW_MAX_ENTRIES		(1U << 20)	/* after range expansion */
#define FW_MAX_SUBS		16384		/* distinct masks */

struct fw_cls;

struct fw_cls *fw_cls_build(const struct fw_rule *rules, u32 n, int *err);
void fw_cls_free(struct fw_cls *cls);
/* Index of the first rule that matches, or -1. */
s32 fw_cls_lookup(const struct fw_cls *cls, const struct fw_key *key);
unsigned int fw_cls_subtables(const struct fw_cls *cls);

/* Splits [lo, hi] into at most 30 value/mask prefixes; returns how many. */
unsigned int fw_range_prefixes(u16 lo, u16 hi, u16 *val, u16 *mask);
bool fw_rule_valid(const struct fw_rule *r);
/* Does r's match (its meter aside) take k? One rule, linearly. */
bool fw_rule_match(const struct fw_rule *r, const struct fw_key *k);

#endif /* _NFV_FW_CLASSIFY_H */
