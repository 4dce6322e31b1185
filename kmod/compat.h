/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the supported kernels, one shim per feature.
 * Nothing outside this file tests LINUX_VERSION_CODE.
 */
#ifndef _NFV_COMPAT_H
#define _NFV_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>

/* skb_gso_validate_network_len(): 6.4 moved the GSO helpers to net/gso.h. */
#ifdef NFV_HAVE_NET_GSO_H
#include <net/gso.h>
#endif

/* genl_info_dump(): 6.7 replaced genl_dumpit_info()->attrs with ->info. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
#define NFV_HAVE_GENL_INFO_DUMP 1
static inline struct nlattr **nfv_dump_attrs(struct netlink_callback *cb)
{
	return genl_info_dump(cb)->attrs;
}
#else
static inline struct nlattr **nfv_dump_attrs(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb)->attrs;
}
#endif

/* genl_split_ops: 6.2 passes split ops to pre_doit/post_doit. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define nfv_genl_hook_ops struct genl_split_ops
#else
#define nfv_genl_hook_ops struct genl_ops
#endif

#endif /* _NFV_COMPAT_H */
