/* SPDX-License-Identifier: GPL-2.0 */
/* What netlink.c and netlink_flow.c share of the nfv genl family. */
#ifndef _NFV_NETLINK_H
#define _NFV_NETLINK_H

#include <net/genetlink.h>

struct nfv_dp;

extern struct genl_family nfv_genl_family;

#define NFV_DUMP_STARTED	5	/* cb->args[] slot */

typedef int (*nfv_dump_fn)(struct sk_buff *skb, struct netlink_callback *cb,
			   struct nfv_dp *dp);

void nfv_multicast(struct net *net, struct sk_buff *skb, gfp_t gfp);
bool nfv_has_listeners(struct net *net);
void *nfv_dump_hdr(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd);
int nfv_dump_dp(struct sk_buff *skb, struct netlink_callback *cb,
		nfv_dump_fn fn);
struct nfv_dp *nfv_dp_from_info(struct genl_info *info);

/* netlink_flow.c */
int nfv_cmd_flow_dump(struct sk_buff *skb, struct netlink_callback *cb);
int nfv_cmd_flow_flush(struct sk_buff *skb, struct genl_info *info);

#endif /* _NFV_NETLINK_H */
