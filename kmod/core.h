/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfv core: datapaths, ports, chains. Configuration is serialised by RTNL;
 * the packet path reads everything under RCU.
 */
#ifndef _NFV_CORE_H
#define _NFV_CORE_H

#include <linux/idr.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/percpu-refcount.h>
#include <linux/rcupdate.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "nfv_nf.h"
#include "flow.h"

#define NFV_MAX_DPS		64	/* per netns */
#define NFV_MAX_PORTS		1024	/* per datapath */
#define NFV_MAX_NFS		256	/* NF instances per datapath */

struct nfv_dp_stats {
	u64 stat[__NFV_STAT_MAX];
	u64 drop[__NFV_DROP_MAX];
};

struct nfv_port_stats {
	u64 stat[__NFV_PSTAT_MAX];
};

/* TCP flows may carry more NF state than the others (see nfv_nf_type). */
enum nfv_area_kind {
	NFV_AREA_OTHER,
	NFV_AREA_TCP,
	NFV_AREA_KINDS
};

static inline unsigned int nfv_area_kind(u8 proto)
{
	return proto == IPPROTO_TCP ? NFV_AREA_TCP : NFV_AREA_OTHER;
}

static inline size_t nfv_nf_area_size(const struct nfv_nf_type *type,
				      unsigned int kind)
{
	if (kind == NFV_AREA_TCP)
		return max(type->flow_priv_size, type->flow_priv_size_tcp);
	return type->flow_priv_size;
}

struct nfv_chain {
	struct rcu_head rcu;
	/*
	 * The port's (dropped by nfv_chain_release()), plus one per flow
	 * it made. Per-CPU: new flows take it at the connection rates
	 * CGNAT needs, on every CPU at once.
	 */
	struct percpu_ref ref;
	unsigned int len;
	bool nat;		/* an NF may translate: flows store reply keys */
	int gstep;		/* index of the first guest step (gstep.c), or -1 */
	u8 gsteps;		/* indices of all its guest steps, one bit each */
	/* Per enum nfv_area_kind; 0: those flows carry no NF state. */
	size_t flow_priv_size[NFV_AREA_KINDS];
	struct {
		struct nfv_nf *nf;
		unsigned int priv_off[NFV_AREA_KINDS];	/* in the NF area */
	} nf[];
};

/* Whether @chain holds the NF instance @nf. */
static inline bool nfv_chain_holds(const struct nfv_chain *chain,
				   const struct nfv_nf *nf)
{
	unsigned int i;

	for (i = 0; i < chain->len; i++)
		if (chain->nf[i].nf == nf)
			return true;
	return false;
}

struct nfv_port {
	struct nfv_dp *dp;
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	struct list_head node;		/* in dp->ports, RTNL */
	struct nfv_chain __rcu *chain;
	struct nfv_port_stats __percpu *stats;
	struct rcu_head rcu;
	u16 port_no;
	u16 zone;
};

/* Datagrams whose first fragment went through (frag.c). */
#define NFV_FRAG_BUCKETS	256
#define NFV_FRAG_WAYS		4

struct nfv_frag_entry {
	struct nfv_key dkey;		/* ports hold the IP id; IPv6: no proto */
	__be16 sport;			/* the datagram's ports */
	__be16 dport;
	u8 proto;			/* and its transport protocol */
	u32 expires;			/* jiffies; 0: empty */
};

struct nfv_frag_bucket {
	spinlock_t lock;		/* writers */
	seqcount_spinlock_t seq;	/* readers */
	struct nfv_frag_entry e[NFV_FRAG_WAYS];
};

struct nfv_frag_table {
	struct nfv_frag_bucket *buckets;
	siphash_key_t seed;
};

struct nfv_dp {
	struct list_head node;		/* in nfv_net->dps, RTNL */
	struct net *net;
	char name[NFV_NAME_MAX];
	struct nfv_flow_table table;
	struct nfv_frag_table frags;
	struct list_head ports;		/* RTNL */
	struct idr port_ids;		/* port_no -> port, RCU lookups */
	unsigned int n_ports;
	struct list_head nfs;		/* RTNL */
	unsigned int n_nfs;
	struct nfv_dp_stats __percpu *stats;
	struct rcu_head rcu;
};

struct nfv_net {
	struct list_head dps;		/* RTNL */
	unsigned int n_dps;
};

extern unsigned int nfv_net_id;

static inline struct nfv_net *nfv_pernet(struct net *net)
{
	return net_generic(net, nfv_net_id);
}

static inline void nfv_count(struct nfv_dp *dp, enum nfv_stat s, u64 n)
{
	this_cpu_add(dp->stats->stat[s], n);
}

static inline void nfv_port_count(struct nfv_port *port,
				  enum nfv_port_stat s, u64 n)
{
	this_cpu_add(port->stats->stat[s], n);
}

/* datapath.c */
struct nfv_dp *nfv_dp_find(struct net *net, const char *name);
struct nfv_dp *nfv_dp_create(struct net *net, const char *name,
			     u32 max_flows, const struct nlattr *max_attr,
			     struct netlink_ext_ack *extack);
int nfv_dp_set_max_flows(struct nfv_dp *dp, u32 max_flows,
			 const struct nlattr *attr,
			 struct netlink_ext_ack *extack);
void nfv_dp_destroy(struct nfv_dp *dp);
void nfv_dp_destroy_all(struct net *net);
void nfv_dp_read_stats(struct nfv_dp *dp, struct nfv_dp_stats *sum);

/* port.c */
struct nfv_port *nfv_port_add(struct nfv_dp *dp, struct net_device *dev,
			      u16 zone, struct netlink_ext_ack *extack);
void nfv_port_del(struct nfv_port *port, bool flush);
struct nfv_port *nfv_port_find_dev(struct nfv_dp *dp,
				   const struct net_device *dev);
struct nfv_port *nfv_port_rcu(const struct nfv_dp *dp,
			      const struct net_device *dev);
void nfv_port_read_stats(struct nfv_port *port, struct nfv_port_stats *sum);
int nfv_port_set_chain(struct nfv_port *port, struct nfv_chain *chain);
int nfv_port_init(void);
void nfv_port_exit(void);

/* chain.c */
int nfv_nf_builtin_create(struct nfv_dp *dp);
struct nfv_nf *nfv_nf_find(struct nfv_dp *dp, const char *name);
struct nfv_nf_type *nfv_nf_type_get(const struct nlattr *name,
				    struct netlink_ext_ack *extack);
void nfv_nf_type_put(struct nfv_nf_type *type);
struct nfv_nf *nfv_nf_create(struct nfv_dp *dp, const char *name,
			     struct nfv_nf_type *type, struct nlattr *cfg,
			     struct netlink_ext_ack *extack);
int nfv_nf_configure(struct nfv_nf *nf, struct nlattr *cfg, u32 portid,
		     struct netlink_ext_ack *extack);
int nfv_nf_delete(struct nfv_nf *nf, struct netlink_ext_ack *extack);
void nfv_nf_delete_all(struct nfv_dp *dp);
struct nfv_chain *nfv_chain_create(struct nfv_dp *dp, struct nlattr *list,
				   struct netlink_ext_ack *extack);
void nfv_chain_get(struct nfv_chain *chain);
void nfv_chain_put(struct nfv_chain *chain);
void nfv_chain_release(struct nfv_chain *chain);
enum nfv_verdict nfv_chain_run(struct nfv_chain *chain, struct nfv_pkt *pkt,
			       unsigned int start);

/* timeout.c: one packet's walk of a chain, for the NFs' flow settings. */
struct nfv_walk {
	struct nfv_flow *flow;		/* NULL: no walk */
	const struct nfv_nf *nf;	/* whose process() runs */
	bool nat;			/* the chain has an NF that translates */
	bool trap_set;
	u8 trap;			/* the union of the traps set */
};
void nfv_walk_begin(struct nfv_walk *saved, struct nfv_flow *flow,
		    bool nat);
void nfv_walk_nf(const struct nfv_nf *nf);
void nfv_walk_end(const struct nfv_walk *saved);
int nfv_chain_init(void);
void nfv_chain_exit(void);

/* packet.c */
rx_handler_result_t nfv_rx_handler(struct sk_buff **pskb);
rx_handler_result_t nfv_port_receive(struct nfv_port *port,
				     struct sk_buff **pskb);

/* guest.c */
bool nfv_is_guest(const struct net_device *dev);
struct nfv_port *nfv_guest_port(const struct net_device *dev);
void nfv_guest_attach(struct net_device *dev, struct nfv_port *port);
void nfv_guest_detach(struct net_device *dev);
void nfv_guest_send(struct net_device *dev, struct sk_buff *skb);
struct nfv_port *nfv_guest_add(struct nfv_dp *dp, const char *name,
			       u16 zone, struct netlink_ext_ack *extack);
int nfv_guest_init(void);
void nfv_guest_exit(void);

/* gstep.c */
extern struct nfv_nf_type nfv_gstep_type;

/*
 * A guest step's area in a flow: the result of the chain after the step,
 * per direction, which the packets the guest sends back take; the result
 * NFV_RES_GUEST sends them on to the chain's next guest step.
 */
struct nfv_gstep_flow {
	struct dst_entry *dst[NFV_DIR_COUNT];	/* NFV_RES_FORWARD routes */
	u32 cookie[NFV_DIR_COUNT];		/* their dst_check() cookies */
	u8 res[NFV_DIR_COUNT];			/* enum nfv_result */
};

enum nfv_gstep_way {
	NFV_GSTEP_SEND,		/* to the guest */
	NFV_GSTEP_RETURNED,	/* it came from the guest */
	NFV_GSTEP_OPEN,		/* guest gone: skip the step */
	NFV_GSTEP_CLOSED,	/* guest gone: drop */
};

enum nfv_gstep_way nfv_gstep_way(struct nfv_nf *nf, const struct nfv_pkt *pkt);
bool nfv_gstep_send(struct nfv_nf *nf, struct nfv_pkt *pkt);
void nfv_gstep_returned(struct nfv_nf *nf);
void nfv_gstep_failed(struct nfv_nf *nf, enum nfv_gstep_way way);
bool nfv_gstep_set_result(struct nfv_gstep_flow *gf, unsigned int dir,
			  u8 res, struct dst_entry *dst, u32 cookie);
void nfv_gstep_invalidate(struct nfv_gstep_flow *gf, unsigned int dir,
			  struct dst_entry *dst);
void nfv_gstep_forget_routes(struct nfv_flow *flow);
bool nfv_gstep_on_port(const struct nfv_nf *nf, const struct nfv_port *port);
u16 nfv_gstep_port_no(const struct nfv_nf *nf);
bool nfv_gstep_capable(const struct net_device *dev);
void nfv_gstep_walked(struct nfv_pkt *pkt, unsigned int i,
		      enum nfv_verdict v);

/* The chain's guest step after step @i (-1: the first), or -1. */
static inline int nfv_gstep_next(const struct nfv_chain *chain, int i)
{
	unsigned long steps = chain->gsteps;
	unsigned int next = find_next_bit(&steps, NFV_CHAIN_MAX, i + 1);

	return next < NFV_CHAIN_MAX ? next : -1;
}

/*
 * The step of @chain a packet received on @port came back from: the last
 * one on that port, so that a packet never goes back to a step before it
 * (two steps of a chain on one port are refused; "nf set" may still make
 * them). -1 if none.
 */
static inline int nfv_gstep_back(const struct nfv_chain *chain,
				 const struct nfv_port *port)
{
	int i, back = -1;

	for (i = chain->gstep; i >= 0; i = nfv_gstep_next(chain, i))
		if (nfv_gstep_on_port(chain->nf[i].nf, port))
			back = i;
	return back;
}

/* frag.c */
int nfv_frag_table_init(struct nfv_frag_table *t);
void nfv_frag_table_destroy(struct nfv_frag_table *t);
void nfv_frag_note(struct nfv_dp *dp, const struct nfv_pkt *pkt);
bool nfv_frag_follow(struct nfv_dp *dp, struct nfv_pkt *pkt);

/* parse.c */
int nfv_parse(struct sk_buff *skb, struct nfv_pkt *pkt, u16 zone);
int nfv_parse_icmp_inner(const struct nfv_pkt *pkt, struct nfv_key *key);
int __nfv_parse_icmp_inner(const struct nfv_pkt *pkt, struct nfv_key *key,
			   unsigned int *l4);

/* nat.c */
u8 nfv_nat_diff(const struct nfv_key *from, const struct nfv_key *to);
bool nfv_nat_supported(u8 proto, u8 fields);
int nfv_nat_prepare(struct sk_buff *skb, unsigned int l3, unsigned int l4,
		    const struct nfv_key *key);
void __nfv_nat_rewrite(struct sk_buff *skb, unsigned int l3, unsigned int l4,
		       u8 fields, const struct nfv_key *to);
int nfv_nat_rewrite(struct sk_buff *skb, unsigned int l3, unsigned int l4,
		    u8 fields, const struct nfv_key *to);

/* icmp.c */
int nfv_icmp_nat_error(struct nfv_pkt *pkt);
struct sk_buff *nfv_icmp_quote(struct nfv_pkt *pkt);
void nfv_icmp_quote_done(struct nfv_pkt *pkt, struct sk_buff *skb);

/* forward.c */
extern const struct nfv_nf_type nfv_forward_type;
int nfv_forward_xmit(struct nfv_pkt *pkt, struct dst_entry *dst);
int nfv_forward_init(void);
void nfv_forward_exit(void);

/* netlink.c */
int nfv_genl_init(void);
void nfv_genl_exit(void);
void nfv_notify_flow(struct nfv_dp *dp, struct nfv_flow *flow, u8 event);
void nfv_notify_port_gone(struct nfv_port *port);

#endif /* _NFV_CORE_H */
