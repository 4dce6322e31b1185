/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the supported kernels, one shim per feature, each
 * decided by a probe of the kernel built against (kmod/Kbuild: NFV_HAVE_*)
 * rather than by a version number, which distribution backports defeat.
 * Documentation/kernels.rst says how to add one.
 */
#ifndef _NFV_COMPAT_H
#define _NFV_COMPAT_H

#include <linux/ip.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>

/* skb_gso_validate_network_len(): 6.4 moved the GSO helpers to net/gso.h. */
#ifdef NFV_HAVE_NET_GSO_H
#include <net/gso.h>
#endif

/*
 * iph_totlen(): 6.3 (BIG TCP for IPv4) lets a GSO TCP packet over 64 KiB
 * carry tot_len 0, its length being the skb's. Before, the stack built
 * none; the parser reads them alike on every kernel, as 6.3 does.
 */
#ifndef NFV_HAVE_IPH_TOTLEN
static inline unsigned int iph_totlen(const struct sk_buff *skb,
				      const struct iphdr *iph)
{
	u32 len = ntohs(iph->tot_len);

	return (len || !skb_is_gso(skb) || !skb_is_gso_tcp(skb)) ?
	       len : skb->len - skb_network_offset(skb);
}
#endif

/* genl_info_dump(): 6.7 replaced genl_dumpit_info()->attrs with ->info. */
static inline struct nlattr **nfv_dump_attrs(struct netlink_callback *cb)
{
#ifdef NFV_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * NL_SET_ERR_MSG_FMT: 6.2. Before, an extended ack message is a constant:
 * the words without the values.
 */
#ifdef NL_SET_ERR_MSG_ATTR_FMT
#define nfv_err_msg_attr_fmt(extack, attr, plain, fmt, args...)	\
	NL_SET_ERR_MSG_ATTR_FMT(extack, attr, fmt, ##args)
#else
#define nfv_err_msg_attr_fmt(extack, attr, plain, fmt, args...)	\
	NL_SET_ERR_MSG_ATTR(extack, attr, plain)
#endif

/* genl_split_ops: 6.2 passes split ops to pre_doit/post_doit. */
#ifdef NFV_HAVE_GENL_SPLIT_OPS
#define nfv_genl_hook_ops struct genl_split_ops
#else
#define nfv_genl_hook_ops struct genl_ops
#endif

/*
 * GENL_MCAST_CAP_NET_ADMIN: 6.7, and Debian's 6.1 from 6.1.66 on. Without
 * it a multicast group cannot ask for a capability, and anyone in the
 * namespace may listen to the events (nfv_genl_init() says so).
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define NFV_MCAST_NET_ADMIN	GENL_MCAST_CAP_NET_ADMIN
#else
#define NFV_MCAST_NET_ADMIN	0
#endif

/*
 * dev->lltx: 6.12 moved NETIF_F_LLTX out of the feature bits, a device
 * that takes no TX lock (guest.c).
 */
static inline void nfv_dev_set_lltx(struct net_device *dev)
{
#ifdef NFV_HAVE_DEV_LLTX
	dev->lltx = true;
#else
	dev->features |= NETIF_F_LLTX;
#endif
}

/*
 * A device that never leaves its namespace: NETIF_F_NETNS_LOCAL, a bit of
 * its own from 6.12 (dev->netns_local), renamed dev->netns_immutable in
 * 6.15 and in Debian's 6.12.
 */
static inline void nfv_dev_set_netns_local(struct net_device *dev)
{
#if defined(NFV_HAVE_DEV_NETNS_IMMUTABLE)
	dev->netns_immutable = true;
#elif defined(NFV_HAVE_DEV_NETNS_LOCAL)
	dev->netns_local = true;
#else
	dev->features |= NETIF_F_NETNS_LOCAL;
#endif
}

#endif /* _NFV_COMPAT_H */
