/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface between the nfv core and network-function (NF) modules.
 *
 * An NF module registers a struct nfv_nf_type. Operators create instances
 * of it in a datapath (NFV_CMD_NF_NEW) and put instances into the chain of
 * an ingress port. A packet that misses the flow table runs that chain: each
 * instance's ->process() sees it in order and returns a verdict. The verdict
 * that ends the chain becomes the flow's cached result for the packet's
 * direction, so later packets of the flow skip the chain (fast path) until
 * the result goes stale or an NF asks to see them (struct nfv_flow tcp_trap).
 *
 * Documentation/nf-api.rst describes the contract in full.
 */
#ifndef _NFV_NF_H
#define _NFV_NF_H

#include <linux/list.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/refcount.h>
#include <linux/skbuff.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <net/netlink.h>
#include <linux/nfv.h>

struct nfv_dp;
struct nfv_port;
struct nfv_flow;
struct nfv_chain;

/*
 * Flow key: zone + L3/L4 tuple. IPv4 keys use the first 16 bytes (through
 * addr.v4), IPv6 keys all 40; only that many bytes exist in a flow entry.
 * For ICMP and ICMPv6 other than errors, dport holds the type (an ICMP
 * query's reply key has the reply type) and sport the query's id.
 */
struct nfv_key {
	__be16 sport;
	__be16 dport;
	u16 zone;
	u8 proto;
	u8 flags;		/* NFV_KEY_* */
	union {
		struct {
			__be32 src;
			__be32 dst;
		} v4;
		struct {
			struct in6_addr src;
			struct in6_addr dst;
		} v6;
	} addr;
};

#define NFV_KEY_V6		0x01

#define NFV_KEY_LEN4		offsetofend(struct nfv_key, addr.v4)
#define NFV_KEY_LEN6		sizeof(struct nfv_key)

static inline unsigned int nfv_key_len(const struct nfv_key *key)
{
	return key->flags & NFV_KEY_V6 ? NFV_KEY_LEN6 : NFV_KEY_LEN4;
}

/* What the parser found, besides the key. Offsets are from skb->data. */
#define NFV_PKT_TRACK		0x01	/* key has the full L4 tuple */
#define NFV_PKT_FRAG		0x02	/* a fragment */
#define NFV_PKT_ICMP_ERR	0x04	/* ICMP/ICMPv6 error: untracked */
#define NFV_PKT_HOST		0x08	/* for the host stack (ND, MLD, link-local) */
/*
 * A fragment other than the first: no L4 header (l4 is 0). When the core
 * saw its datagram's first fragment go through, the key has that
 * fragment's ports and the packet is tracked; see kmod/frag.c.
 */
#define NFV_PKT_FRAG_TAIL	0x10
/* Tagged with a VLAN id: no port terminates it (parse.c). */
#define NFV_PKT_VLAN		0x20
/*
 * Translated by a NAT flow: the headers and the key are as the packet
 * leaves (nfv_flow_nat_claim(), or the core for a NAT flow's later packets).
 */
#define NFV_PKT_NAT		0x40

/*
 * pkt->gstep: the packet came back from one of its chain's guest steps
 * and runs the chain after it (counted in its flow when it went); or it
 * is a NAT flow's first packet, which reached a guest step before the NAT
 * claimed the flow and goes to that step's guest once the walk is done
 * (gstep.c).
 */
#define NFV_PKT_GSTEP_RESUMED	1
#define NFV_PKT_GSTEP_DEFER	2
#define NFV_PKT_GSTEP_NONE	0xff	/* pkt->gstep_to: no step */

/*
 * A flow's directions: the one its first packet went, and the other. Not
 * ABI: replies name them by attribute (NFV_FLOW_A_ORIG, NFV_FLOW_A_REPLY).
 */
enum nfv_dir {
	NFV_DIR_ORIG,
	NFV_DIR_REPLY,
	NFV_DIR_COUNT
};

/* Chain verdicts. */
enum nfv_verdict {
	NFV_CONTINUE,		/* next NF in the chain */
	NFV_FORWARD,		/* route it; pkt->dst holds the route */
	NFV_PASS,		/* to the host stack */
	NFV_DROP,
	NFV_STOLEN,		/* the NF consumed the skb */
	NFV_GUEST,		/* the core's guest step: to its guest */
};

/* One packet in the slow path. */
struct nfv_pkt {
	struct sk_buff *skb;
	struct nfv_dp *dp;
	struct nfv_port *in;
	struct nfv_key key;	/* as seen on the wire */
	u16 l3;			/* L3 header offset */
	u16 l4;			/* L4 header offset, 0 if none */
	u8 flags;		/* NFV_PKT_* */
	u8 tcp_flags;
	u8 ttl;			/* TTL or hop limit */
	u8 drop_reason;		/* enum nfv_drop, with NFV_DROP */
	u32 frag_id;		/* NFV_PKT_FRAG: the datagram's IP id */
	u32 hash;		/* core: the key's flow table hash */
	u8 gstep;		/* core: NFV_PKT_GSTEP_* */
	u8 gstep_to;		/* core: the step whose guest it goes to */
	u8 gstep_passed;	/* core: chain indices of steps it went past */

	/* Slow path only. */
	struct nfv_flow *flow;	/* NULL if untracked */
	u8 dir;			/* enum nfv_dir */
	bool new_flow;		/* not in the table yet, unless NAT-claimed */
	bool nocache;		/* do not cache this verdict */
	struct dst_entry *dst;	/* NFV_FORWARD: route, reference held */
	u32 cookie;		/* dst_check() cookie (IPv6) */
	/*
	 * NFV_PKT_ICMP_ERR: the flow the quoted header belongs to, as the
	 * core found it before the chain; use nfv_flow_lookup_related().
	 */
	struct nfv_flow *related;
	u8 related_dir;
};

struct nfv_nf;

enum nfv_port_event {
	NFV_PORT_ADDED,
	NFV_PORT_DELETED,
	NFV_PORT_RENAMED,
};

struct nfv_nf_type {
	const char *name;
	struct module *owner;
	size_t priv_size;		/* per instance, nfv_nf_priv() */
	size_t flow_priv_size;		/* per flow, nfv_flow_priv() */
	size_t flow_priv_size_tcp;	/* per TCP flow, if more is needed */
	/*
	 * May translate (nfv_flow_nat_claim()): the flows of chains with
	 * an instance of the type store their reply key.
	 */
	bool nat;
	const struct nla_policy *policy; /* for NFV_A_NF_CONFIG */
	unsigned int maxattr;

	int (*create)(struct nfv_nf *nf, struct nlattr **cfg,
		      struct netlink_ext_ack *extack);
	void (*destroy)(struct nfv_nf *nf);
	/* Runs in softirq context under RCU. */
	enum nfv_verdict (*process)(struct nfv_nf *nf, struct nfv_pkt *pkt,
				    void *flow_priv);
	/*
	 * A flow this instance saw left the table: its RCU callback, after
	 * every process() on it ended. Softirq context.
	 */
	void (*flow_destroy)(struct nfv_nf *nf, struct nfv_flow *flow,
			     void *flow_priv);
	/* Adds NFV_A_NF_INFO contents to a NF_GET reply. */
	int (*fill_info)(struct nfv_nf *nf, struct sk_buff *skb);
	/*
	 * NF_SET: cfg parsed with the type's policy, from the netlink
	 * socket portid (state kept across requests is the requester's).
	 * RTNL held.
	 */
	int (*configure)(struct nfv_nf *nf, struct nlattr **cfg, u32 portid,
			 struct netlink_ext_ack *extack);
	/*
	 * NF_ITEM_GET dump: adds the contents of NFV_A_NF_ITEM for item idx
	 * (a rule, a mapping). -ENOENT past the last one. RTNL held.
	 */
	int (*fill_item)(struct nfv_nf *nf, struct sk_buff *skb,
			 unsigned long idx);
	/*
	 * NF_ITEM_GET dump with NFV_A_NF_FILTER, parsed with filter_policy:
	 * as fill_item, over the items that match (a lookup, which may
	 * answer with what no item list holds). Optional.
	 */
	const struct nla_policy *filter_policy;
	unsigned int filter_maxattr;
	int (*fill_item_filter)(struct nfv_nf *nf, struct nlattr **filter,
				struct sk_buff *skb, unsigned long idx,
				struct netlink_ext_ack *extack);
	/*
	 * Adds the flow's state to NFV_A_NF_INFO in flow dumps and events,
	 * flow_info_size bytes at most (attribute headers included: events
	 * are sized from it).
	 */
	int (*fill_flow)(struct nfv_nf *nf, struct nfv_flow *flow,
			 void *flow_priv, struct sk_buff *skb);
	size_t flow_info_size;
	/*
	 * A port of the instance's datapath was added or deleted, or its
	 * device renamed (enum nfv_port_event): for NFs that name ports by
	 * device. RTNL held, off the fast path; the port list already
	 * shows the change. Optional.
	 */
	void (*port_event)(struct nfv_nf *nf, u16 port_no,
			   enum nfv_port_event event);

	struct list_head list;
};

struct nfv_nf {
	const struct nfv_nf_type *type;
	struct nfv_dp *dp;
	/*
	 * The datapath's namespace and name, for events: the instance's
	 * flow_destroy() calls may come after the datapath is freed.
	 */
	struct net *net;
	char dp_name[NFV_NAME_MAX];
	struct list_head node;		/* in dp->nfs, RTNL */
	refcount_t ref;			/* the dp's, plus one per chain */
	struct rcu_work free_work;
	char name[NFV_NAME_MAX];
	u8 priv[] __aligned(8);
};

static inline void *nfv_nf_priv(struct nfv_nf *nf)
{
	return nf->priv;
}

/*
 * An NF module declares the type it registers with MODULE_ALIAS_NFV_NF(),
 * so that creating an instance of a type not registered yet loads it, as
 * MODULE_ALIAS_RTNL_LINK() does for link kinds. Its init runs while the
 * netlink request that asked for it waits: it must not register a genl
 * family (genl's cb_lock is held for reading across the wait).
 */
#define NFV_NF_ALIAS_PREFIX	"nfv-nf-"
#define MODULE_ALIAS_NFV_NF(name)	MODULE_ALIAS(NFV_NF_ALIAS_PREFIX name)

int nfv_nf_type_register(struct nfv_nf_type *type);
void nfv_nf_type_unregister(struct nfv_nf_type *type);
struct net *nfv_nf_net(const struct nfv_nf *nf);

/*
 * Moves a flow to another idle-timeout class: the core's (enum
 * nfv_timeout) or one of the instance's own (nfv_nf_timeout_class()).
 */
void nfv_flow_set_timeout(struct nfv_flow *flow, enum nfv_timeout tmo);
/*
 * A timeout class of the instance's own, of @secs seconds (1 ..
 * NFV_TIMEOUT_MAX): its number, for nfv_flow_set_timeout(), or -ENOSPC
 * (128 per datapath). It is the instance's until the instance leaves its
 * datapath. RTNL held: create() or configure().
 */
int nfv_nf_timeout_class(struct nfv_nf *nf, unsigned int secs);
/* Changes one of the instance's classes, for every flow in it. RTNL held. */
int nfv_nf_timeout_set(struct nfv_nf *nf, int cls, unsigned int secs);
/*
 * Says whether early drop must spare the flow when the table is full: an
 * NF that keeps per-flow state assures a flow once it validated a reply
 * (conntrack's ASSURED). A flow without NF state is assured by its first
 * reply packet.
 */
void nfv_flow_set_assured(struct nfv_flow *flow, bool assured);
/*
 * Makes packets with any of these TCP flags take the slow path;
 * NFV_TCP_TRAP_ALL, every segment, also those without a flag.
 */
#define NFV_TCP_TRAP_ALL	0xff
void nfv_flow_set_tcp_trap(struct nfv_flow *flow, u8 tcp_flags);
/* The number of the port the packet came in on. */
u16 nfv_pkt_in_port(const struct nfv_pkt *pkt);
/* The number of the datapath's port on device name, or 0. RTNL held. */
u16 nfv_port_no_by_name(struct nfv_dp *dp, const char *name);
/* Sends an ICMP or ICMPv6 port unreachable back to the packet's source. */
void nfv_icmp_reject(struct nfv_pkt *pkt);
/* The same with another destination unreachable code (ICMPv6: code6). */
void nfv_icmp_reject_code(struct nfv_pkt *pkt, u8 code, u8 code6);
/*
 * The type that answers ICMP or ICMPv6 (proto) query type @type, as the
 * flow table pairs them: an echo request's is an echo reply and the other
 * way round; a type that is no query answers itself. A NAT's reply key
 * for a query takes it, so NF and table agree.
 */
__be16 nfv_icmp_reply_type(u8 proto, __be16 type);
/* The flow's original tuple (its zone, protocol, addresses). */
const struct nfv_key *nfv_flow_orig_key(struct nfv_flow *flow);
/*
 * A NAT flow's reply key, as its NF claimed it (nfv_flow_nat_claim()):
 * the key replies arrive with. NULL for a flow that is not a NAT flow.
 */
const struct nfv_key *nfv_flow_nat_reply_key(struct nfv_flow *flow);
/*
 * The area of instance @nf in a flow its chain made (the first, should
 * the chain hold it twice), as process() and flow_destroy() get it; NULL
 * if the flow has none of @nf's. For an NF whose tables link flows (a
 * NAT's mappings living in the flow that made them), valid while the
 * flow is: until the instance's flow_destroy() for it returns.
 */
void *nfv_flow_nf_priv(struct nfv_flow *flow, const struct nfv_nf *nf);
/* Bytes a direction carried so far, fast path included. */
u64 nfv_flow_bytes(const struct nfv_flow *flow, unsigned int dir);
/*
 * NAT: for a new flow (pkt->new_flow) of a chain with a .nat type, stores
 * @reply as the reply key (the key replies arrive with, zone included)
 * and inserts the flow into the table, then translates the packet to the
 * inversion of @reply (pkt->key too, NFV_PKT_NAT set). Later packets of
 * either direction are translated by the core, before the chain or on the
 * fast path. Returns -EEXIST if a flow holds @reply (pick another port and
 * claim again), -EBUSY if another CPU inserted this connection first
 * (drop the packet), -EOPNOTSUPP for a protocol whose translation the
 * core cannot do, -ENOMEM, -EINVAL. On an error nothing changed.
 */
int nfv_flow_nat_claim(struct nfv_pkt *pkt, const struct nfv_key *reply);
/*
 * For an NFV_PKT_ICMP_ERR packet: the flow its quoted header belongs to,
 * if the error travels back to the quoted packet's sender, and the
 * direction the quoted packet had. Under RCU; NULL if none.
 */
struct nfv_flow *nfv_flow_lookup_related(struct nfv_pkt *pkt,
					 unsigned int *dir);

/*
 * NF events: an instance's own events (a NAT's port blocks, say) on its
 * datapath's "events" group, as NFV_CMD_NF_EVENT with the datapath, the
 * instance and its type; fill() adds the contents of NFV_A_NF_EVENT, at
 * most size bytes (attribute headers included). Softirq or process
 * context, gfp to match (GFP_ATOMIC in softirq or under a lock); never
 * blocks for memory. Returns 0 when sent or nobody listens, -ENOBUFS when
 * the message could not be allocated (count it: the event is lost),
 * -EMSGSIZE if fill() needed more than size.
 */
typedef int (*nfv_nf_event_fill_t)(struct sk_buff *skb, const void *arg);
int nfv_nf_event(struct nfv_nf *nf, size_t size, nfv_nf_event_fill_t fill,
		 const void *arg, gfp_t gfp);
/* Whether anybody listens: an NF may skip gathering what it would send. */
bool nfv_nf_event_wanted(const struct nfv_nf *nf);

#endif /* _NFV_NF_H */
