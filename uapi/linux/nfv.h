/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * nfv: in-kernel NFV datapath, generic netlink ABI.
 *
 * Shared by the kernel modules and by nfvctl. Every command carries
 * NFV_A_DP_NAME except where noted; a command's reply uses the same
 * attribute space. Documentation/netlink.rst describes each command.
 *
 * ABI rule: version 3 is frozen. From it on, commands, attributes and enum
 * values are only appended, never renumbered, re-typed or removed, and
 * NFV_GENL_VERSION grows with each addition. The kernel accepts requests of
 * any genlmsghdr version; userspace refuses a family older than 3 and
 * detects newer commands and attributes from the family's ops and policies
 * (CTRL_CMD_GETFAMILY, CTRL_CMD_GETPOLICY).
 */
#ifndef _UAPI_LINUX_NFV_H
#define _UAPI_LINUX_NFV_H

#include <linux/types.h>

#define NFV_GENL_NAME		"nfv"
#define NFV_GENL_VERSION	5
#define NFV_MCGRP_EVENTS	"events"

/* Names of datapaths and NF instances, including the terminating NUL. */
#define NFV_NAME_MAX		16
/* Most NF instances one chain may hold. */
#define NFV_CHAIN_MAX		8
/* Port numbers, 1 .. NFV_PORT_NO_MAX. */
#define NFV_PORT_NO_MAX		65534

enum nfv_cmd {
	NFV_CMD_UNSPEC,
	NFV_CMD_DP_NEW,		/* DP_NAME [MAX_FLOWS] [TIMEOUTS] */
	NFV_CMD_DP_DEL,		/* DP_NAME */
	NFV_CMD_DP_GET,		/* doit: DP_NAME; dumpit: all in the netns */
	NFV_CMD_DP_SET,		/* DP_NAME [MAX_FLOWS] [TIMEOUTS] */
	NFV_CMD_PORT_NEW,	/* DP_NAME IFNAME|IFINDEX [ZONE] [KIND] */
	NFV_CMD_PORT_DEL,	/* DP_NAME IFNAME|IFINDEX */
	NFV_CMD_PORT_GET,	/* dumpit: DP_NAME */
	NFV_CMD_CHAIN_SET,	/* DP_NAME IFNAME|IFINDEX CHAIN */
	NFV_CMD_NF_NEW,		/* DP_NAME NF_NAME NF_TYPE [NF_CONFIG] */
	NFV_CMD_NF_DEL,		/* DP_NAME NF_NAME */
	NFV_CMD_NF_GET,		/* dumpit: DP_NAME */
	NFV_CMD_FLOW_GET,	/* dumpit: DP_NAME */
	NFV_CMD_FLOW_FLUSH,	/* DP_NAME */
	NFV_CMD_FLOW_EVENT,	/* multicast only: DP_NAME EVENT FLOW */
	NFV_CMD_NF_SET,		/* DP_NAME NF_NAME NF_CONFIG */
	NFV_CMD_NF_ITEM_GET,	/* dumpit: DP_NAME NF_NAME; replies NF_ITEM */
	NFV_CMD_NF_EVENT,	/* multicast only: DP_NAME NF_NAME NF_TYPE
				 * NF_EVENT
				 */
	__NFV_CMD_MAX
};
#define NFV_CMD_MAX (__NFV_CMD_MAX - 1)

enum nfv_attr {
	NFV_A_UNSPEC,
	NFV_A_PAD,
	NFV_A_DP_NAME,		/* string, < NFV_NAME_MAX */
	NFV_A_DP_MAX_FLOWS,	/* u32, 1 .. NFV_MAX_FLOWS_LIMIT */
	NFV_A_DP_FLOWS,		/* u32, flows in the table (reply) */
	NFV_A_DP_TIMEOUTS,	/* nested enum nfv_timeout, u32 seconds */
	NFV_A_DP_STATS,		/* nested enum nfv_stat, u64 (reply) */
	NFV_A_DP_DROPS,		/* nested enum nfv_drop, u64 (reply) */
	NFV_A_IFINDEX,		/* u32 */
	NFV_A_IFNAME,		/* string, < IFNAMSIZ */
	NFV_A_PORT_NO,		/* u32 (reply) */
	NFV_A_PORT_ZONE,	/* u16 */
	NFV_A_PORT_STATS,	/* nested enum nfv_port_stat, u64 (reply) */
	NFV_A_CHAIN,		/* nested: NFV_A_NF_NAME, repeated, in order */
	NFV_A_NF_NAME,		/* string, < NFV_NAME_MAX */
	NFV_A_NF_TYPE,		/* string, < NFV_NAME_MAX */
	NFV_A_NF_CONFIG,	/* nested, defined by the NF type */
	NFV_A_NF_INFO,		/* nested, defined by the NF type (reply) */
	NFV_A_FLOW,		/* nested enum nfv_flow_attr */
	NFV_A_EVENT,		/* u8 enum nfv_event */
	NFV_A_NF_ITEM,		/* nested, defined by the NF type (reply) */
	NFV_A_DP_BUCKETS,	/* u32, flow table buckets (reply) */
	NFV_A_NF_FILTER,	/* nested, defined by the NF type: NF_ITEM_GET
				 * lists the items that match (a lookup)
				 */
	NFV_A_NF_EVENT,		/* nested, defined by the NF type (event) */
	NFV_A_PORT_KIND,	/* u8 enum nfv_port_kind (version 5): PORT_NEW
				 * with GUEST creates the device IFNAME
				 */
	__NFV_A_MAX
};
#define NFV_A_MAX (__NFV_A_MAX - 1)

#define NFV_MAX_FLOWS_DEFAULT	65536
#define NFV_MAX_FLOWS_LIMIT	(1U << 24)

/* Idle timeouts in seconds, 1 .. NFV_TIMEOUT_MAX, one per class of flow;
 * NF modules may move a flow between classes. The core puts a TCP flow in
 * TCP_OPENING, TCP once answered, TCP_CLOSING after a FIN or RST; the
 * firewall's tracked states have classes of their own (version 4), with
 * conntrack's defaults.
 */
#define NFV_TIMEOUT_MAX		(7 * 24 * 3600)

enum nfv_timeout {
	NFV_TMO_UNSPEC,
	NFV_TMO_TCP,		/* TCP, established or untracked */
	NFV_TMO_TCP_OPENING,	/* TCP before the handshake completed */
	NFV_TMO_TCP_CLOSING,	/* TCP after FIN or RST */
	NFV_TMO_UDP,
	NFV_TMO_ICMP,
	NFV_TMO_OTHER,
	NFV_TMO_TCP_CLOSE,	/* TCP after RST */
	NFV_TMO_UDP_UNREPLIED,	/* UDP before the first reply */
	NFV_TMO_TCP_ESTABLISHED,	/* tracked TCP states, from version 4 */
	NFV_TMO_TCP_SYN_SENT,
	NFV_TMO_TCP_SYN_RECV,
	NFV_TMO_TCP_FIN_WAIT,
	NFV_TMO_TCP_CLOSE_WAIT,
	NFV_TMO_TCP_LAST_ACK,
	NFV_TMO_TCP_TIME_WAIT,
	__NFV_TMO_MAX
};
#define NFV_TMO_MAX (__NFV_TMO_MAX - 1)

/* Datapath counters, u64, summed over CPUs. */
enum nfv_stat {
	NFV_STAT_UNSPEC,
	NFV_STAT_PAD,
	NFV_STAT_RX_PACKETS,	/* seen by the RX hook */
	NFV_STAT_RX_BYTES,
	NFV_STAT_FAST_PACKETS,	/* forwarded from a cached flow result */
	NFV_STAT_SLOW_PACKETS,	/* ran the ingress port's chain */
	NFV_STAT_TX_PACKETS,	/* handed to an output device */
	NFV_STAT_TX_BYTES,
	NFV_STAT_PASS_PACKETS,	/* handed to the host stack */
	NFV_STAT_DROP_PACKETS,	/* sum of enum nfv_drop */
	NFV_STAT_FLOWS_CREATED,
	NFV_STAT_FLOWS_EXPIRED,
	NFV_STAT_FLOWS_DELETED,	/* flushed or removed with a port */
	NFV_STAT_ICMP_SENT,	/* ICMP errors given to the stack to send */
	NFV_STAT_FRAGS_SENT,	/* IPv4 fragments made for a smaller MTU */
	NFV_STAT_FLOWS_EVICTED,	/* unreplied flows evicted from a full table */
	NFV_STAT_FRAGS_FOLLOWED, /* non-first fragments given their flow */
	NFV_STAT_FRAGS_UNKNOWN,	/* non-first fragments of no known datagram */
	NFV_STAT_FRAGS_EVICTED,	/* datagrams forgotten early: bucket full */
	NFV_STAT_VLAN_PASSED,	/* tagged frames no port terminates: to the stack */
	NFV_STAT_GSO_SEGMENTED,	/* GSO packets segmented to fit a smaller MTU */
	__NFV_STAT_MAX
};
#define NFV_STAT_MAX (__NFV_STAT_MAX - 1)

/* Why a packet was dropped; each has a counter. */
enum nfv_drop {
	NFV_DROP_UNSPEC,
	NFV_DROP_PAD,
	NFV_DROP_MALFORMED,	/* truncated or inconsistent headers */
	NFV_DROP_TABLE_FULL,	/* new flow with max_flows reached */
	NFV_DROP_NO_ROUTE,	/* no FIB route for the destination */
	NFV_DROP_TTL,		/* TTL / hop limit exhausted */
	NFV_DROP_MTU,		/* too big and not fragmentable */
	NFV_DROP_CHAIN,		/* an NF decided drop */
	NFV_DROP_NO_CHAIN,	/* every NF in the chain said continue */
	NFV_DROP_NOMEM,
	NFV_DROP_TX_ERROR,	/* output device refused the packet */
	NFV_DROP_BAD_ADDR,	/* martian, multicast or link-local to forward */
	NFV_DROP_PENDING,	/* a flow another CPU claimed, not committed yet */
	NFV_DROP_GUEST_DOWN,	/* a fail-closed guest step's guest is gone */
	__NFV_DROP_MAX
};
#define NFV_DROP_MAX (__NFV_DROP_MAX - 1)

/*
 * What a port is. A guest port's device is created and owned by the
 * datapath (Documentation/guests.rst): PORT_DEL, or the datapath going,
 * deletes it.
 */
enum nfv_port_kind {
	NFV_PORT_KIND_NETDEV,	/* an existing device of the namespace */
	NFV_PORT_KIND_GUEST,	/* an "nfvguest" device a KVM guest attaches
				 * to, through macvtap
				 */
	__NFV_PORT_KIND_MAX
};
#define NFV_PORT_KIND_MAX (__NFV_PORT_KIND_MAX - 1)

/* Port counters, u64. */
enum nfv_port_stat {
	NFV_PSTAT_UNSPEC,
	NFV_PSTAT_PAD,
	NFV_PSTAT_RX_PACKETS,
	NFV_PSTAT_RX_BYTES,
	NFV_PSTAT_TX_PACKETS,	/* sent out of this port by the datapath */
	NFV_PSTAT_TX_BYTES,
	NFV_PSTAT_DROP_PACKETS,	/* dropped after arriving on this port */
	NFV_PSTAT_PASS_PACKETS,
	__NFV_PSTAT_MAX
};
#define NFV_PSTAT_MAX (__NFV_PSTAT_MAX - 1)

/* Cached result of one flow direction. */
enum nfv_result {
	NFV_RES_NONE,		/* not decided yet: next packet runs the chain */
	NFV_RES_FORWARD,	/* routed out of a device */
	NFV_RES_PASS,		/* to the host stack */
	NFV_RES_DROP,
	NFV_RES_GUEST,		/* to the guest of the chain's guest step */
	__NFV_RES_MAX
};

enum nfv_flow_attr {
	NFV_FLOW_A_UNSPEC,
	NFV_FLOW_A_PAD,
	NFV_FLOW_A_FAMILY,	/* u8, AF_INET or AF_INET6 */
	NFV_FLOW_A_PROTO,	/* u8, IP protocol number */
	NFV_FLOW_A_ZONE,	/* u16 */
	NFV_FLOW_A_ORIG,	/* nested enum nfv_tuple_attr */
	NFV_FLOW_A_REPLY,	/* nested enum nfv_tuple_attr */
	NFV_FLOW_A_IN_PORT,	/* u32 port number the flow came in on */
	NFV_FLOW_A_IDLE_MS,	/* u32 since the last packet */
	NFV_FLOW_A_TIMEOUT_MS,	/* u32 idle time after which it expires */
	NFV_FLOW_A_NF,		/* nested, repeated: NFV_A_NF_NAME, NFV_A_NF_INFO
				 * with the state an NF keeps for the flow
				 */
	__NFV_FLOW_A_MAX
};
#define NFV_FLOW_A_MAX (__NFV_FLOW_A_MAX - 1)

enum nfv_tuple_attr {
	NFV_TUPLE_A_UNSPEC,
	NFV_TUPLE_A_PAD,
	NFV_TUPLE_A_SRC4,	/* be32 */
	NFV_TUPLE_A_DST4,	/* be32 */
	NFV_TUPLE_A_SRC6,	/* binary, 16 bytes */
	NFV_TUPLE_A_DST6,	/* binary, 16 bytes */
	NFV_TUPLE_A_SPORT,	/* be16; ICMP/ICMPv6 query: the id */
	NFV_TUPLE_A_DPORT,	/* be16; ICMP/ICMPv6: 0 */
	NFV_TUPLE_A_PACKETS,	/* u64 */
	NFV_TUPLE_A_BYTES,	/* u64 */
	NFV_TUPLE_A_RESULT,	/* u8 enum nfv_result */
	NFV_TUPLE_A_OUT_IFINDEX, /* u32, with NFV_RES_FORWARD */
	NFV_TUPLE_A_ICMP_TYPE,	/* u8, ICMP/ICMPv6: the direction's type */
	NFV_TUPLE_A_ZONE,	/* u16, the zone of the direction's key */
	NFV_TUPLE_A_GATEWAY4,	/* be32, with OUT_IFINDEX: the route's IPv4 gateway */
	NFV_TUPLE_A_GATEWAY6,	/* binary, 16 bytes: its IPv6 gateway */
	__NFV_TUPLE_A_MAX
};
#define NFV_TUPLE_A_MAX (__NFV_TUPLE_A_MAX - 1)

enum nfv_event {
	NFV_EVENT_UNSPEC,
	NFV_EVENT_NEW,
	NFV_EVENT_DEL,		/* flushed, port gone, datapath gone */
	NFV_EVENT_EXPIRED,	/* idle timeout */
	__NFV_EVENT_MAX
};

/*
 * Events on NFV_MCGRP_EVENTS: NFV_CMD_DP_NEW/DEL, NFV_CMD_PORT_NEW/DEL and
 * NFV_CMD_CHAIN_SET are sent with the attributes of their GET replies;
 * NFV_CMD_FLOW_EVENT carries NFV_A_DP_NAME, NFV_A_EVENT and NFV_A_FLOW;
 * NFV_CMD_NF_EVENT, an NF instance's own event, NFV_A_DP_NAME,
 * NFV_A_NF_NAME, NFV_A_NF_TYPE and NFV_A_NF_EVENT (defined by the type).
 */

/*
 * The "fw" NF type (nfv_fw.ko): NFV_A_NF_CONFIG of NF_NEW and NF_SET,
 * NFV_A_NF_INFO of NF_GET, NFV_A_NF_ITEM of NF_ITEM_GET (one rule each).
 */
enum nfv_fw_attr {
	NFV_FW_A_UNSPEC,
	NFV_FW_A_PAD,
	NFV_FW_A_POLICY,	/* u8 enum nfv_fw_action: accept or drop */
	NFV_FW_A_OP,		/* u8 enum nfv_fw_op (NF_SET) */
	NFV_FW_A_RULES,		/* nested: NFV_FW_A_RULE, repeated, in order */
	NFV_FW_A_RULE,		/* nested enum nfv_fw_rule_attr */
	NFV_FW_A_POS,		/* u32 rule index: insert, set, delete */
	NFV_FW_A_ZONE_MAX_FLOWS,	/* u32 flows per zone, 0: no limit */
	NFV_FW_A_ZONE_MAX_HALF_OPEN,	/* u32 SYN_SENT flows per zone */
	NFV_FW_A_NRULES,	/* u32 (reply) */
	NFV_FW_A_STATS,		/* nested enum nfv_fw_stat, u64 (reply) */
	NFV_FW_A_STATE,		/* u8 (flow): enum nfv_fw_tcp_state for
				 * TCP, else enum nfv_fw_gen_state
				 */
	NFV_FW_A_SUBTABLES,	/* u32 (reply): hash subtables the rule
				 * lookup of a new flow may probe
				 */
	NFV_FW_A_TCP_LOOSE,	/* u8 bool: pick up TCP connections under
				 * way from their first ACK (default 1)
				 */
	NFV_FW_A_HANDLE,	/* u32 rule handle: insert, set, delete
				 * name a rule by it instead of POS
				 */
	NFV_FW_A_AFTER,		/* flag: insert after the rule named */
	NFV_FW_A_RULE_MAXATTR,	/* u32 (reply): the last enum
				 * nfv_fw_rule_attr the module knows
				 */
	__NFV_FW_A_MAX
};
#define NFV_FW_A_MAX (__NFV_FW_A_MAX - 1)

/*
 * How NF_SET changes the rules. REPLACE swaps in NFV_FW_A_RULES at once.
 * A set too large for one message (an attribute holds 64 KiB) is sent as
 * BEGIN, APPEND..., COMMIT: the instance stages the rules and swaps them
 * in at COMMIT, so a reader never sees a partial set.
 */
enum nfv_fw_op {
	NFV_FW_OP_REPLACE,
	NFV_FW_OP_BEGIN,	/* start staging, with the first rules */
	NFV_FW_OP_APPEND,	/* more staged rules */
	NFV_FW_OP_COMMIT,	/* the staged rules become the rule set */
	NFV_FW_OP_INSERT,	/* one rule before NFV_FW_A_POS or HANDLE
				 * (after it with AFTER; default: end)
				 */
	NFV_FW_OP_DELETE,	/* the rule at NFV_FW_A_POS or of HANDLE */
	NFV_FW_OP_SET,		/* NFV_FW_A_RULE replaces the one at POS or
				 * of HANDLE, which keeps its handle
				 */
	__NFV_FW_OP_MAX
};
#define NFV_FW_OP_MAX (__NFV_FW_OP_MAX - 1)

enum nfv_fw_action {
	NFV_FW_ACCEPT,
	NFV_FW_DROP,
	NFV_FW_REJECT,		/* TCP RST, else ICMP port unreachable; or
				 * NFV_FW_RULE_A_REJECT's answer
				 */
	__NFV_FW_ACTION_MAX
};

/*
 * What a reject answers. AUTO: a TCP RST to TCP, an ICMP or ICMPv6 port
 * unreachable otherwise. The ICMP ones answer with the packet's family's
 * code (ICMPv6: NO_ROUTE is code 0, ADMIN_PROHIBITED 1, HOST_UNREACH the
 * address unreachable 3, PORT_UNREACH 4).
 */
enum nfv_fw_reject {
	NFV_FW_REJECT_AUTO,
	NFV_FW_REJECT_TCP_RST,		/* rules of proto tcp only */
	NFV_FW_REJECT_PORT_UNREACH,
	NFV_FW_REJECT_HOST_UNREACH,
	NFV_FW_REJECT_ADMIN_PROHIBITED,
	NFV_FW_REJECT_NO_ROUTE,		/* ICMP net unreachable */
	__NFV_FW_REJECT_MAX
};
#define NFV_FW_REJECT_MAX (__NFV_FW_REJECT_MAX - 1)

/* Connection states; rules match a set of them (1 << state). */
enum nfv_fw_ctstate {
	NFV_FW_CT_NEW,
	NFV_FW_CT_ESTABLISHED,
	NFV_FW_CT_RELATED,
	NFV_FW_CT_INVALID,
	__NFV_FW_CT_MAX
};

/* Every field absent matches anything. Ports are network byte order. */
enum nfv_fw_rule_attr {
	NFV_FW_RULE_A_UNSPEC,
	NFV_FW_RULE_A_PAD,
	NFV_FW_RULE_A_IN_PORT,	/* u32 port number, 1 .. NFV_PORT_NO_MAX */
	NFV_FW_RULE_A_FAMILY,	/* u8 AF_INET, AF_INET6; needed by SRC, DST */
	NFV_FW_RULE_A_SRC,	/* binary, 4 or 16 bytes by family */
	NFV_FW_RULE_A_SRC_LEN,	/* u8 prefix length (default: all) */
	NFV_FW_RULE_A_DST,
	NFV_FW_RULE_A_DST_LEN,
	NFV_FW_RULE_A_PROTO,	/* u8 IP protocol */
	NFV_FW_RULE_A_SPORT_MIN, /* be16; MAX defaults to MIN */
	NFV_FW_RULE_A_SPORT_MAX, /* be16 */
	NFV_FW_RULE_A_DPORT_MIN, /* be16 */
	NFV_FW_RULE_A_DPORT_MAX, /* be16 */
	NFV_FW_RULE_A_ICMP_TYPE, /* u8, ICMP and ICMPv6 */
	NFV_FW_RULE_A_ICMP_CODE, /* u8 */
	NFV_FW_RULE_A_CTSTATE,	/* u32 mask of 1 << enum nfv_fw_ctstate */
	NFV_FW_RULE_A_ACTION,	/* u8 enum nfv_fw_action (required) */
	NFV_FW_RULE_A_INDEX,	/* u32 (reply) */
	NFV_FW_RULE_A_PACKETS,	/* u64 (reply) */
	NFV_FW_RULE_A_BYTES,	/* u64 (reply) */
	NFV_FW_RULE_A_IN_IFNAME, /* string, < IFNAMSIZ: the port of that
				  * device, now and after it is added again
				  */
	NFV_FW_RULE_A_HANDLE,	/* u32 (reply): never reused by the instance */
	NFV_FW_RULE_A_REJECT,	/* u8 enum nfv_fw_reject, with REJECT */
	NFV_FW_RULE_A_TCP_FLAGS, /* u8: the TCP flags under MASK, proto tcp */
	NFV_FW_RULE_A_TCP_FLAGS_MASK, /* u8, with TCP_FLAGS (default: them) */
	/*
	 * Per-source meters: a rule with LIMIT_RATE or COUNT_MAX (not both)
	 * sees new flows only, and keeps a table of sources of METER_SIZE
	 * entries (a power of two, 8 .. 1 << 20, default 65536).
	 */
	NFV_FW_RULE_A_LIMIT_RATE,	/* u32 new flows per LIMIT_PERIOD per
					 * source: the rule matches within it
					 */
	NFV_FW_RULE_A_LIMIT_PERIOD,	/* u32 seconds, 1 .. 86400 (default 1) */
	NFV_FW_RULE_A_LIMIT_BURST,	/* u32 flows (default: LIMIT_RATE) */
	NFV_FW_RULE_A_LIMIT_OVER,	/* flag: the rule matches the new flows
					 * over the rate instead (nft's "limit
					 * rate over")
					 */
	NFV_FW_RULE_A_COUNT_MAX,	/* u32: the rule matches a new flow of a
					 * source holding this many already
					 */
	NFV_FW_RULE_A_METER_SIZE,	/* u32 sources the meter holds */
	NFV_FW_RULE_A_METER_V6_PREFIX,	/* u8 IPv6 source prefix that is one
					 * source, 0 .. 128 (default 64)
					 */
	NFV_FW_RULE_A_METER_LIMITED,	/* u64 (reply): new flows over the rate
					 * or the count
					 */
	NFV_FW_RULE_A_METER_FULL,	/* u64 (reply): new flows of a source
					 * the full meter had no room for
					 */
	__NFV_FW_RULE_A_MAX
};
#define NFV_FW_RULE_A_MAX (__NFV_FW_RULE_A_MAX - 1)

/* Instance counters, u64. */
enum nfv_fw_stat {
	NFV_FW_STAT_UNSPEC,
	NFV_FW_STAT_PAD,
	NFV_FW_STAT_NEW,	/* packets per state */
	NFV_FW_STAT_ESTABLISHED,
	NFV_FW_STAT_RELATED,
	NFV_FW_STAT_INVALID,
	NFV_FW_STAT_ACCEPT,	/* verdicts */
	NFV_FW_STAT_DROP,
	NFV_FW_STAT_REJECT,
	NFV_FW_STAT_POLICY,	/* packets no rule matched */
	NFV_FW_STAT_ZONE_FULL,	/* new flows over a zone's flow limit */
	NFV_FW_STAT_HALF_OPEN_FULL, /* SYNs over a zone's half-open limit */
	NFV_FW_STAT_REJECT_SUPPRESSED, /* rejects answered by nothing: over
					* the rate, or a source not to answer
					*/
	__NFV_FW_STAT_MAX
};
#define NFV_FW_STAT_MAX (__NFV_FW_STAT_MAX - 1)

/* NFV_FW_A_STATE of a TCP flow. */
enum nfv_fw_tcp_state {
	NFV_FW_TCP_NONE,
	NFV_FW_TCP_SYN_SENT,
	NFV_FW_TCP_SYN_RECV,
	NFV_FW_TCP_ESTABLISHED,
	NFV_FW_TCP_FIN_WAIT,
	NFV_FW_TCP_CLOSE_WAIT,
	NFV_FW_TCP_LAST_ACK,
	NFV_FW_TCP_TIME_WAIT,
	NFV_FW_TCP_CLOSE,
	NFV_FW_TCP_SYN_SENT2,
	__NFV_FW_TCP_MAX
};

/* NFV_FW_A_STATE of a flow of any other protocol. */
enum nfv_fw_gen_state {
	NFV_FW_GEN_NONE,
	NFV_FW_GEN_UNREPLIED,	/* seen in its original direction only */
	NFV_FW_GEN_REPLIED,
	__NFV_FW_GEN_MAX
};

/*
 * The "cgnat" NF type (nfv_cgnat.ko), NAT44 for subscribers of an inside
 * prefix over public pools: NFV_A_NF_CONFIG of NF_NEW, NFV_A_NF_INFO of
 * NF_GET, NFV_A_NF_ITEM of NF_ITEM_GET (one mapping each).
 */
enum nfv_cgnat_attr {
	NFV_CGNAT_A_UNSPEC,
	NFV_CGNAT_A_PAD,
	NFV_CGNAT_A_POOLS,	/* nested: NFV_CGNAT_A_POOL, repeated */
	NFV_CGNAT_A_POOL,	/* nested enum nfv_cgnat_pool_attr */
	NFV_CGNAT_A_INSIDE,	/* be32 prefix (default 100.64.0.0) */
	NFV_CGNAT_A_INSIDE_LEN,	/* u8 (default 10) */
	NFV_CGNAT_A_BLOCK_SIZE,	/* u32 ports per block, >= 8, divides
				 * 64512 (ports 1024-65535; default 512)
				 */
	NFV_CGNAT_A_MAX_BLOCKS,	/* u32 blocks per subscriber (default 4) */
	NFV_CGNAT_A_MAX_SESSIONS, /* u32 flows per subscriber (default 4096) */
	NFV_CGNAT_A_QUARANTINE,	/* u32 seconds a released block waits
				 * before another subscriber gets it (120)
				 */
	NFV_CGNAT_A_MAX_SUBSCRIBERS, /* u32 (default 65536) */
	NFV_CGNAT_A_MAX_MAPPINGS, /* u32 (default 262144) */
	NFV_CGNAT_A_OUTSIDE_ZONE, /* u16: the zone replies arrive in (0) */
	NFV_CGNAT_A_SUBSCRIBERS, /* u32 (reply) */
	NFV_CGNAT_A_MAPPINGS,	/* u32 (reply) */
	NFV_CGNAT_A_STATS,	/* nested enum nfv_cgnat_stat, u64 (reply) */
	NFV_CGNAT_A_FILTERING,	/* u8 enum nfv_cgnat_filtering (default
				 * endpoint-independent)
				 */
	/* Idle timeouts, u32 seconds, each at least its RFC's floor. */
	NFV_CGNAT_A_TIMEOUT_UDP, /* >= 120, RFC 4787 REQ-5 (default 300) */
	NFV_CGNAT_A_TIMEOUT_TCP_ESTABLISHED, /* >= 7440, RFC 5382 REQ-5
					      * (default 7440)
					      */
	NFV_CGNAT_A_TIMEOUT_TCP_TRANSITORY, /* >= 240, RFC 5382 REQ-5:
					     * opening or closing (240)
					     */
	NFV_CGNAT_A_TIMEOUT_ICMP, /* >= 60, RFC 5508 REQ-1 (default 60) */
	NFV_CGNAT_A_MODE,	/* u8 enum nfv_cgnat_mode (default block) */
	NFV_CGNAT_A_DET_PORTS,	/* u32 (reply, deterministic): ports per
				 * subscriber
				 */
	NFV_CGNAT_A_DET_SUBSCRIBERS, /* u32 (reply, deterministic): inside
				      * addresses per public address
				      */
	NFV_CGNAT_A_SESSION_EVENTS, /* u8 0|1: session events too (0) */
	NFV_CGNAT_A_STATICS,	/* nested: NFV_CGNAT_A_STATIC, repeated */
	NFV_CGNAT_A_STATIC,	/* nested enum nfv_cgnat_map_attr: proto,
				 * zone, inside, inside port, public, public
				 * port 1-1023
				 */
	NFV_CGNAT_A_EXCLUDES,	/* nested: NFV_CGNAT_A_EXCLUDE, repeated */
	NFV_CGNAT_A_EXCLUDE,	/* nested enum nfv_cgnat_exclude_attr */
	NFV_CGNAT_A_POOL_ID,	/* u32 the pools' id in the events and
				 * IPFIX records (natPoolId, RFC 8158; 0)
				 */
	__NFV_CGNAT_A_MAX
};
#define NFV_CGNAT_A_MAX (__NFV_CGNAT_A_MAX - 1)

/* Which outside hosts reach a mapping (RFC 4787, section 5). */
enum nfv_cgnat_filtering {
	NFV_CGNAT_FILTER_ENDPOINT,	/* any host */
	NFV_CGNAT_FILTER_ADDRESS,	/* hosts the mapping has sent to */
	__NFV_CGNAT_FILTER_MAX
};
#define NFV_CGNAT_FILTER_MAX (__NFV_CGNAT_FILTER_MAX - 1)

/*
 * How subscribers get public ports: port blocks on demand, or a range
 * computed from the inside address (RFC 7422), the same at any time.
 */
enum nfv_cgnat_mode {
	NFV_CGNAT_MODE_BLOCK,
	NFV_CGNAT_MODE_DETERMINISTIC,
	__NFV_CGNAT_MODE_MAX
};
#define NFV_CGNAT_MODE_MAX (__NFV_CGNAT_MODE_MAX - 1)

/* A public pool: its prefix, then its use (reply). */
enum nfv_cgnat_pool_attr {
	NFV_CGNAT_POOL_A_UNSPEC,
	NFV_CGNAT_POOL_A_PAD,
	NFV_CGNAT_POOL_A_ADDR,	/* be32 prefix */
	NFV_CGNAT_POOL_A_LEN,	/* u8, 16 .. 32 */
	NFV_CGNAT_POOL_A_ADDRESSES, /* u32 (reply) */
	NFV_CGNAT_POOL_A_BLOCKS, /* u32 (reply): of all its addresses */
	NFV_CGNAT_POOL_A_BLOCKS_USED, /* u32 (reply) */
	NFV_CGNAT_POOL_A_BLOCKS_QUARANTINED, /* u32 (reply) */
	NFV_CGNAT_POOL_A_SUBSCRIBERS, /* u32 (reply): paired to its addresses */
	__NFV_CGNAT_POOL_A_MAX
};
#define NFV_CGNAT_POOL_A_MAX (__NFV_CGNAT_POOL_A_MAX - 1)

/* A mapping (NFV_A_NF_ITEM): inside address and port -> public. */
enum nfv_cgnat_map_attr {
	NFV_CGNAT_MAP_A_UNSPEC,
	NFV_CGNAT_MAP_A_PAD,
	NFV_CGNAT_MAP_A_PROTO,	/* u8 IP protocol */
	NFV_CGNAT_MAP_A_ZONE,	/* u16, of the inside */
	NFV_CGNAT_MAP_A_INSIDE,	/* be32 */
	NFV_CGNAT_MAP_A_INSIDE_PORT, /* be16; ICMP: the query id */
	NFV_CGNAT_MAP_A_PUBLIC,	/* be32 */
	NFV_CGNAT_MAP_A_PUBLIC_PORT, /* be16 */
	NFV_CGNAT_MAP_A_FLOWS,	/* u32 flows using it */
	NFV_CGNAT_MAP_A_MODE,	/* u8 enum nfv_cgnat_mode: a lookup's answer
				 * (NFV_A_NF_FILTER of PUBLIC, PUBLIC_PORT,
				 * PROTO): by the formula, valid at any
				 * time, or from the live blocks
				 */
	NFV_CGNAT_MAP_A_STATIC,	/* flag (reply): a static mapping */
	__NFV_CGNAT_MAP_A_MAX
};
#define NFV_CGNAT_MAP_A_MAX (__NFV_CGNAT_MAP_A_MAX - 1)

/* Instance counters, u64. Drops are counted once, by their reason. */
enum nfv_cgnat_stat {
	NFV_CGNAT_STAT_UNSPEC,
	NFV_CGNAT_STAT_PAD,
	NFV_CGNAT_STAT_OUT,	/* outbound flows translated */
	NFV_CGNAT_STAT_IN,	/* inbound flows to a mapping */
	NFV_CGNAT_STAT_NO_MAPPING, /* inbound flows to no mapping */
	NFV_CGNAT_STAT_NO_PORT,	/* a subscriber's blocks full, max-blocks
				 * reached
				 */
	NFV_CGNAT_STAT_NO_BLOCK, /* its address has no free block */
	NFV_CGNAT_STAT_NO_ADDRESS, /* a new subscriber: no address has */
	NFV_CGNAT_STAT_SESSION_LIMIT, /* over max-sessions */
	NFV_CGNAT_STAT_SUBSCRIBER_LIMIT, /* over max-subscribers */
	NFV_CGNAT_STAT_MAPPING_LIMIT, /* over max-mappings */
	NFV_CGNAT_STAT_CLASH,	/* the mapping's public tuple taken */
	NFV_CGNAT_STAT_UNSUPPORTED, /* from the inside, not translatable:
				     * untracked, or a protocol the core
				     * cannot translate
				     */
	NFV_CGNAT_STAT_NOMEM,
	NFV_CGNAT_STAT_REJECT_SUPPRESSED, /* ICMP not sent: over the rate */
	NFV_CGNAT_STAT_FILTERED, /* inbound flows from a host the mapping
				  * has not sent to (filtering address)
				  */
	NFV_CGNAT_STAT_EVENTS_LOST, /* events not sent: no memory */
	NFV_CGNAT_STAT_HAIRPIN,	/* flows from the inside to a mapping */
	NFV_CGNAT_STAT_EXCLUDED, /* from the inside to an excluded
				  * destination, passed untranslated
				  */
	__NFV_CGNAT_STAT_MAX
};
#define NFV_CGNAT_STAT_MAX (__NFV_CGNAT_STAT_MAX - 1)

/*
 * The instance's events (NFV_A_NF_EVENT of NFV_CMD_NF_EVENT), for the
 * logging RFC 6888 asks for: never an outside host's address (REQ-12).
 */
enum nfv_cgnat_event {
	NFV_CGNAT_EV_UNSPEC,
	NFV_CGNAT_EV_BLOCK_ALLOC,	/* a subscriber got a port block */
	NFV_CGNAT_EV_BLOCK_FREE,	/* and gave it back (into quarantine) */
	NFV_CGNAT_EV_ADDRESS_EXHAUSTED,	/* a new subscriber: no address has
					 * a free block
					 */
	NFV_CGNAT_EV_PORTS_EXHAUSTED,	/* its public address has no free
					 * block for a subscriber
					 */
	NFV_CGNAT_EV_QUOTA_PORTS,	/* a subscriber at max-blocks, full */
	NFV_CGNAT_EV_QUOTA_SESSIONS,	/* a subscriber at max-sessions */
	NFV_CGNAT_EV_QUOTA_SUBSCRIBERS,	/* the instance at max-subscribers */
	NFV_CGNAT_EV_QUOTA_MAPPINGS,	/* the instance at max-mappings */
	NFV_CGNAT_EV_SESSION_NEW,	/* a flow of a mapping (SESSION_EVENTS) */
	NFV_CGNAT_EV_SESSION_DEL,
	__NFV_CGNAT_EV_MAX
};
#define NFV_CGNAT_EV_MAX (__NFV_CGNAT_EV_MAX - 1)

enum nfv_cgnat_event_attr {
	NFV_CGNAT_EV_A_UNSPEC,
	NFV_CGNAT_EV_A_PAD,
	NFV_CGNAT_EV_A_TYPE,	/* u8 enum nfv_cgnat_event */
	NFV_CGNAT_EV_A_TIME,	/* u64 ms since the epoch (CLOCK_REALTIME) */
	NFV_CGNAT_EV_A_INSIDE,	/* be32 the subscriber's address */
	NFV_CGNAT_EV_A_ZONE,	/* u16 its zone */
	NFV_CGNAT_EV_A_PUBLIC,	/* be32 the public address */
	NFV_CGNAT_EV_A_PORT_FIRST, /* u16 a block's first port */
	NFV_CGNAT_EV_A_PORT_LAST, /* u16 and its last */
	NFV_CGNAT_EV_A_LIMIT,	/* u32 the limit reached (QUOTA_*) */
	NFV_CGNAT_EV_A_PROTO,	/* u8 (SESSION_*) */
	NFV_CGNAT_EV_A_INSIDE_PORT, /* be16, ICMP the query id (SESSION_*) */
	NFV_CGNAT_EV_A_PUBLIC_PORT, /* be16 (SESSION_*) */
	NFV_CGNAT_EV_A_POOL_ID,	/* u32 the instance's pool-id, if not 0 */
	__NFV_CGNAT_EV_A_MAX
};
#define NFV_CGNAT_EV_A_MAX (__NFV_CGNAT_EV_A_MAX - 1)

/* A destination prefix the instance does not translate. */
enum nfv_cgnat_exclude_attr {
	NFV_CGNAT_EXCLUDE_A_UNSPEC,
	NFV_CGNAT_EXCLUDE_A_PAD,
	NFV_CGNAT_EXCLUDE_A_ADDR,	/* be32 prefix */
	NFV_CGNAT_EXCLUDE_A_LEN,	/* u8, 0 .. 32 (default 32) */
	__NFV_CGNAT_EXCLUDE_A_MAX
};
#define NFV_CGNAT_EXCLUDE_A_MAX (__NFV_CGNAT_EXCLUDE_A_MAX - 1)

/*
 * The "guest" NF type (a guest step, built into nfv.ko): sends a flow's
 * packets to a guest and continues the chain with what the guest sends
 * back (Documentation/guests.rst). NFV_A_NF_CONFIG of NF_NEW and NF_SET,
 * NFV_A_NF_INFO of NF_GET.
 */
enum nfv_gstep_attr {
	NFV_GSTEP_A_UNSPEC,
	NFV_GSTEP_A_PAD,
	NFV_GSTEP_A_PORT,	/* string: the device of a guest port or a
				 * tap port of the datapath (NF_NEW: required)
				 */
	NFV_GSTEP_A_FAIL,	/* u8 enum nfv_gstep_fail (default closed) */
	NFV_GSTEP_A_UP,		/* u8 bool (reply): the guest is there, by
				 * its device and not NFV_GSTEP_A_DEAD
				 */
	NFV_GSTEP_A_STATS,	/* nested enum nfv_gstep_stat, u64 (reply) */
	NFV_GSTEP_A_DEAD_MS,	/* u32 ms, 0 .. NFV_GSTEP_DEAD_MS_MAX: frames
				 * sent and none back this long, the guest is
				 * dead (default 1000; 0: never)
				 */
	NFV_GSTEP_A_DEAD,	/* u8 bool (reply): declared dead, from its
				 * traffic
				 */
	__NFV_GSTEP_A_MAX
};
#define NFV_GSTEP_A_MAX (__NFV_GSTEP_A_MAX - 1)

/* Longest NFV_GSTEP_A_DEAD_MS (an hour), and its default. */
#define NFV_GSTEP_DEAD_MS_MAX		3600000
#define NFV_GSTEP_DEAD_MS_DEFAULT	1000

/* What a guest step does while its guest is gone. */
enum nfv_gstep_fail {
	NFV_GSTEP_FAIL_CLOSED,	/* drop (NFV_DROP_GUEST_DOWN) */
	NFV_GSTEP_FAIL_OPEN,	/* skip the step: the chain goes on */
	__NFV_GSTEP_FAIL_MAX
};
#define NFV_GSTEP_FAIL_MAX (__NFV_GSTEP_FAIL_MAX - 1)

/* Guest step counters, u64. */
enum nfv_gstep_stat {
	NFV_GSTEP_STAT_UNSPEC,
	NFV_GSTEP_STAT_PAD,
	NFV_GSTEP_STAT_SENT,		/* packets handed to the guest */
	NFV_GSTEP_STAT_RETURNED,	/* packets it sent back into its flow */
	NFV_GSTEP_STAT_FAIL_OPEN,	/* guest gone: the step skipped */
	NFV_GSTEP_STAT_FAIL_CLOSED,	/* guest gone: dropped */
	NFV_GSTEP_STAT_DEATHS,		/* times it was declared dead */
	__NFV_GSTEP_STAT_MAX
};
#define NFV_GSTEP_STAT_MAX (__NFV_GSTEP_STAT_MAX - 1)

#endif /* _UAPI_LINUX_NFV_H */
