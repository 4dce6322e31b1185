// SPDX-License-Identifier: GPL-2.0
/*
 * Guest ports: an "nfvguest" netdev the datapath creates for one KVM
 * guest, which attaches as QEMU and libvirt attach one, through macvtap in
 * passthru mode stacked on it (Documentation/guests.rst).
 *
 * macvtap owns the device's RX handler, so the device is a port without
 * one, and works as the two ends of a veth pair folded into one device:
 *
 * - what the host transmits on it (the datapath's forwarded packets, the
 *   neighbour code's ARP requests) is for the guest: it enters the
 *   device's own receive path, where macvtap takes it to /dev/tapN;
 * - what the guest writes to /dev/tapN comes down macvtap into the
 *   device's ndo_start_xmit, and is received on the port: the datapath's
 *   RX path runs on it there.
 *
 * The device has no qdisc and takes no TX lock (LLTX), so its xmit runs
 * with BH off and no lock held, as the RX handler runs in softirq; a
 * packet the datapath sends back to the guest (or to another guest port)
 * goes through netif_rx(), and the stack bounds the nesting of transmits
 * (dev_xmit_recursion()).
 *
 * The host stack never receives from the device (macvtap takes all of
 * it): a packet the datapath would pass to the host is dropped, except
 * ARP, which the port answers for the host's addresses and learns from,
 * so that the host's neighbour table resolves the guest.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/rtnetlink.h>
#include <net/arp.h>
#include <net/neighbour.h>
#include <net/route.h>
#include <net/sock.h>

#include "compat.h"
#include "core.h"

struct nfv_guest {
	struct nfv_port __rcu *port;	/* RTNL writes */
};

#define NFV_GUEST_FEATURES	(NETIF_F_SG | NETIF_F_HW_CSUM |		\
				 NETIF_F_RXCSUM | NETIF_F_HIGHDMA |	\
				 NETIF_F_GSO_SOFTWARE)

static const struct net_device_ops nfv_guest_netdev_ops;

bool nfv_is_guest(const struct net_device *dev)
{
	return dev->netdev_ops == &nfv_guest_netdev_ops;
}

/* Under RCU or RTNL: the port of a guest device, NULL while it has none. */
struct nfv_port *nfv_guest_port(const struct net_device *dev)
{
	const struct nfv_guest *g = netdev_priv(dev);

	return rcu_dereference_rtnl(g->port);
}

void nfv_guest_attach(struct net_device *dev, struct nfv_port *port)
{
	struct nfv_guest *g = netdev_priv(dev);

	rcu_assign_pointer(g->port, port);
}

/* Waits for packets already on their way in, as rx_handler_unregister. */
void nfv_guest_detach(struct net_device *dev)
{
	struct nfv_guest *g = netdev_priv(dev);

	RCU_INIT_POINTER(g->port, NULL);
	synchronize_net();
}

/*
 * A frame a tap queue wrote: the guest's, through macvtap. Its skb is
 * charged to the queue's socket, of family AF_UNSPEC; what the host sends
 * has no socket or an inet or packet one.
 */
static bool nfv_guest_from_tap(const struct sk_buff *skb)
{
	return skb->sk && skb->sk->sk_family == AF_UNSPEC;
}

/*
 * ARP from the guest: its address goes into the host's neighbour table
 * (creating the entry only for a request to the host, as arp_process()
 * does), and a request for one of the host's addresses is answered with
 * the device's address.
 */
static void nfv_guest_arp(struct net_device *dev, struct sk_buff *skb)
{
	const struct arphdr *arp;
	struct neighbour *n;
	__be32 sip, tip;
	const u8 *sha;
	bool req;

	if (!pskb_may_pull(skb, arp_hdr_len(dev)))
		return;
	arp = arp_hdr(skb);
	if (arp->ar_hrd != htons(ARPHRD_ETHER) ||
	    arp->ar_pro != htons(ETH_P_IP) || arp->ar_hln != ETH_ALEN ||
	    arp->ar_pln != 4)
		return;
	sha = (const u8 *)(arp + 1);
	memcpy(&sip, sha + ETH_ALEN, 4);
	memcpy(&tip, sha + 2 * ETH_ALEN + 4, 4);
	if (ipv4_is_multicast(sip) || ipv4_is_zeronet(sip) ||
	    ipv4_is_loopback(sip) || !is_valid_ether_addr(sha))
		return;
	req = arp->ar_op == htons(ARPOP_REQUEST) &&
	      inet_addr_type_dev_table(dev_net(dev), dev, tip) == RTN_LOCAL;
	n = __neigh_lookup(&arp_tbl, &sip, dev, req);
	if (n) {
		neigh_update(n, sha, NUD_STALE, NEIGH_UPDATE_F_OVERRIDE, 0);
		neigh_release(n);
	}
	if (req)
		arp_send(ARPOP_REPLY, ETH_P_ARP, sip, dev, tip, sha,
			 dev->dev_addr, sha);
}

/* A frame from the guest, received on its port. */
static void nfv_guest_rx(struct net_device *dev, struct sk_buff *skb)
{
	struct nfv_port *port;

	skb_orphan(skb);	/* the guest may write more meanwhile */
	skb_scrub_packet(skb, false);
	skb->skb_iif = dev->ifindex;
	skb->protocol = eth_type_trans(skb, dev);
	skb_reset_network_header(skb);
	if (!skb_transport_header_was_set(skb))
		skb_reset_transport_header(skb);
	skb_reset_mac_len(skb);

	rcu_read_lock();
	port = rcu_dereference(((struct nfv_guest *)netdev_priv(dev))->port);
	if (unlikely(!port)) {
		dev_core_stats_rx_dropped_inc(dev);
		kfree_skb(skb);
	} else if (nfv_port_receive(port, &skb) == RX_HANDLER_PASS) {
		if (skb->protocol == htons(ETH_P_ARP))
			nfv_guest_arp(dev, skb);
		consume_skb(skb);
	}
	rcu_read_unlock();
}

/*
 * A frame for the guest: into the device's receive path, to macvtap. The
 * host's, or a guest step's (gstep.c).
 */
void nfv_guest_send(struct net_device *dev, struct sk_buff *skb)
{
	/* No macvtap: nobody to hand it to, and not the host's. */
	if (unlikely(!rcu_access_pointer(dev->rx_handler))) {
		dev_core_stats_tx_dropped_inc(dev);
		kfree_skb(skb);
		return;
	}
	if (__dev_forward_skb(dev, skb))
		return;		/* freed and counted */
	netif_rx(skb);
}

static netdev_tx_t nfv_guest_xmit(struct sk_buff *skb, struct net_device *dev)
{
	if (nfv_guest_from_tap(skb))
		nfv_guest_rx(dev, skb);
	else
		nfv_guest_send(dev, skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops nfv_guest_netdev_ops = {
	.ndo_start_xmit		= nfv_guest_xmit,
	.ndo_set_mac_address	= eth_mac_addr,	/* macvtap passthru sets it */
	.ndo_validate_addr	= eth_validate_addr,
};

/* No .setup: created by the datapath only, deleted by anyone. */
static struct rtnl_link_ops nfv_guest_link_ops __read_mostly = {
	.kind		= "nfvguest",
	.priv_size	= sizeof(struct nfv_guest),
	.dellink	= unregister_netdevice_queue,
};

static void nfv_guest_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &nfv_guest_netdev_ops;
	dev->rtnl_link_ops = &nfv_guest_link_ops;
	dev->needs_free_netdev = true;
	dev->priv_flags |= IFF_NO_QUEUE | IFF_LIVE_ADDR_CHANGE;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	nfv_dev_set_lltx(dev);
	/* Its port is in a datapath of this namespace. */
	nfv_dev_set_netns_local(dev);
	dev->features |= NFV_GUEST_FEATURES;
	dev->hw_features |= NFV_GUEST_FEATURES;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	eth_hw_addr_random(dev);
}

/*
 * Creates the device @name in @dp's namespace and makes it a port. The
 * device stays down until the operator sets it up, as any port's.
 */
struct nfv_port *nfv_guest_add(struct nfv_dp *dp, const char *name,
			       u16 zone, struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	struct nfv_port *port;
	int err;

	ASSERT_RTNL();
	dev = alloc_netdev(sizeof(struct nfv_guest), name, NET_NAME_USER,
			   nfv_guest_setup);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev_net_set(dev, dp->net);
	err = register_netdevice(dev);
	if (err) {
		free_netdev(dev);
		NL_SET_ERR_MSG(extack,
			       "cannot create the guest device: name taken or invalid");
		return ERR_PTR(err);
	}
	port = nfv_port_add(dp, dev, zone, extack);
	if (IS_ERR(port))
		unregister_netdevice(dev);
	return port;
}

int nfv_guest_init(void)
{
	return rtnl_link_register(&nfv_guest_link_ops);
}

/* Deletes the guest devices left (none: their datapaths went first). */
void nfv_guest_exit(void)
{
	rtnl_link_unregister(&nfv_guest_link_ops);
}
