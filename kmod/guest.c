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
 * - what the guest writes to /dev/tapN, which macvtap transmits, is
 *   received on the port: a netfilter egress hook on the macvtap takes it
 *   before macvtap's qdisc and xmit, and the datapath's RX path runs on it
 *   there.
 *
 * The hook is what tells the guest's frames from the host's, which reach
 * the device's ndo_start_xmit. Nothing in the skb does: vhost-net batches
 * the frames of a tap whose sndbuf is unlimited, as QEMU sets it, and
 * macvtap builds their skbs without a socket (tap_get_user_xdp()), as
 * the host stack builds its ARP requests. Every macvlan stacked on the
 * device has one hook, registered when it links and unregistered when it
 * unlinks, or leaves its namespace.
 *
 * Egress hooks run with BH off (__dev_queue_xmit()), as the RX handler
 * runs in softirq; a packet the datapath sends back to the guest (or to
 * another guest port) goes through netif_rx(), and the stack bounds the
 * nesting of transmits (dev_xmit_recursion()).
 *
 * The host stack never receives from the device: a packet the datapath
 * would pass to the host is dropped, except ARP, which the port answers
 * for the host's addresses and learns from, so that the host's neighbour
 * table resolves the guest. Nor does it receive what goes to the guest:
 * macvtap passes a frame up its own stack when nobody holds /dev/tapN
 * open (tap_handle_frame()), and macvlan passes up the device's what it
 * hands no macvlan (broadcasts, a unicast frame in another mode than
 * passthru). A guest step's packets would then be routed or delivered by
 * the host, past the rest of their chain. So what enters the device's
 * receive path is for another host (PACKET_OTHERHOST), which the IP and
 * ARP layers drop, and so is what enters a macvlan's, which macvlan has
 * made PACKET_HOST: an ingress hook on each macvlan, beside its egress
 * hook, says so again before macvtap's RX handler runs.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_macvlan.h>
#include <linux/inetdevice.h>
#include <linux/netfilter.h>
#include <linux/rtnetlink.h>
#include <net/arp.h>
#include <net/neighbour.h>
#include <net/route.h>

#include "compat.h"
#include "core.h"

/* Macvlans on one guest device: one guest each, a few at most. */
#define NFV_GUEST_MAX_TAPS	16

struct nfv_guest {
	struct nfv_port __rcu *port;	/* RTNL writes */
	struct list_head taps;		/* RTNL */
	unsigned int n_taps;
};

/*
 * The hooks of a macvlan (macvtap) stacked on a guest device: egress and
 * ingress. They may run until a grace period after they are unregistered:
 * they hold the guest device, which the egress hook hands the frames to,
 * until then.
 */
struct nfv_guest_tap {
	struct list_head node;
	struct net_device *upper;	/* the macvlan */
	struct net *net;		/* its namespace when hooked */
	struct net_device *dev;		/* the guest device */
	netdevice_tracker dev_tracker;
	struct nf_hook_ops ops[2];	/* egress, ingress */
	struct rcu_head rcu;
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
	/* Not the host's, should macvlan pass it up: see the file's head. */
	skb->pkt_type = PACKET_OTHERHOST;
	netif_rx(skb);
}

/* The host's frames: the guest's are taken before, by the hook. */
static netdev_tx_t nfv_guest_xmit(struct sk_buff *skb, struct net_device *dev)
{
	nfv_guest_send(dev, skb);
	return NETDEV_TX_OK;
}

/*
 * A frame a macvlan on the device transmits: the guest's. Taken here, it
 * skips the macvlan's qdisc and xmit; captures on both devices see it, as
 * they would have on its way through their xmit.
 */
static unsigned int nfv_guest_tap_hook(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	struct nfv_guest_tap *tap = priv;

	/* skb->dev: the macvlan transmitting, which holds the frame. */
	if (unlikely(dev_nit_active(skb->dev)))
		dev_queue_xmit_nit(skb, skb->dev);
	if (unlikely(dev_nit_active(tap->dev)))
		dev_queue_xmit_nit(skb, tap->dev);
	nfv_guest_rx(tap->dev, skb);
	return NF_STOLEN;
}

/*
 * A frame a macvlan on the device receives: the guest's, which macvlan
 * made PACKET_HOST. Should macvtap pass it up the macvlan's stack (nobody
 * holds /dev/tapN open), the host drops it there.
 */
static unsigned int nfv_guest_tap_in_hook(void *priv, struct sk_buff *skb,
					  const struct nf_hook_state *state)
{
	skb->pkt_type = PACKET_OTHERHOST;
	return NF_ACCEPT;
}

static struct nfv_guest_tap *nfv_guest_tap_find(struct net_device *dev,
						struct net_device *upper)
{
	struct nfv_guest *g = netdev_priv(dev);
	struct nfv_guest_tap *tap;

	list_for_each_entry(tap, &g->taps, node)
		if (tap->upper == upper)
			return tap;
	return NULL;
}

/* Hooks @upper, a macvlan on the guest device @dev, once, both ways. */
static int nfv_guest_tap_add(struct net_device *dev, struct net_device *upper)
{
	struct nfv_guest *g = netdev_priv(dev);
	struct nfv_guest_tap *tap;
	unsigned int i;
	int err;

	ASSERT_RTNL();
	if (nfv_guest_tap_find(dev, upper))
		return 0;
	if (g->n_taps >= NFV_GUEST_MAX_TAPS)
		return -ENOSPC;
	tap = kzalloc(sizeof(*tap), GFP_KERNEL);
	if (!tap)
		return -ENOMEM;
	tap->upper = upper;
	tap->net = dev_net(upper);
	tap->dev = dev;
	for (i = 0; i < ARRAY_SIZE(tap->ops); i++) {
		tap->ops[i].priv = tap;
		tap->ops[i].dev = upper;
		tap->ops[i].pf = NFPROTO_NETDEV;
		/* Last: an nftables chain on the macvlan still runs first. */
		tap->ops[i].priority = INT_MAX;
	}
	tap->ops[0].hook = nfv_guest_tap_hook;
	tap->ops[0].hooknum = NF_NETDEV_EGRESS;
	tap->ops[1].hook = nfv_guest_tap_in_hook;
	tap->ops[1].hooknum = NF_NETDEV_INGRESS;
	err = nf_register_net_hooks(tap->net, tap->ops, ARRAY_SIZE(tap->ops));
	if (err) {
		kfree(tap);
		return err;
	}
	netdev_hold(dev, &tap->dev_tracker, GFP_KERNEL);
	list_add(&tap->node, &g->taps);
	g->n_taps++;
	return 0;
}

static void nfv_guest_tap_free_rcu(struct rcu_head *head)
{
	struct nfv_guest_tap *tap = container_of(head, struct nfv_guest_tap,
						 rcu);

	netdev_put(tap->dev, &tap->dev_tracker);
	kfree(tap);
}

static void nfv_guest_tap_del(struct net_device *dev, struct net_device *upper)
{
	struct nfv_guest *g = netdev_priv(dev);
	struct nfv_guest_tap *tap = nfv_guest_tap_find(dev, upper);

	ASSERT_RTNL();
	if (!tap)
		return;
	nf_unregister_net_hooks(tap->net, tap->ops, ARRAY_SIZE(tap->ops));
	list_del(&tap->node);
	g->n_taps--;
	call_rcu(&tap->rcu, nfv_guest_tap_free_rcu);
}

/*
 * A macvlan links to a guest device or unlinks (created or deleted), or
 * leaves a namespace for another (unregistered there, registered here):
 * its hook follows. A hook that cannot be had refuses the link.
 */
static int nfv_guest_netdev_event(struct notifier_block *nb,
				  unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct netdev_notifier_changeupper_info *info = ptr;
	struct net_device *lower;
	int err = 0;

	switch (event) {
	case NETDEV_CHANGEUPPER:
		if (!nfv_is_guest(dev) || !netif_is_macvlan(info->upper_dev))
			break;
		if (info->linking)
			err = nfv_guest_tap_add(dev, info->upper_dev);
		else
			nfv_guest_tap_del(dev, info->upper_dev);
		break;
	case NETDEV_REGISTER:
	case NETDEV_UNREGISTER:
		if (!netif_is_macvlan(dev))
			break;
		lower = macvlan_dev_real_dev(dev);
		if (!nfv_is_guest(lower))
			break;
		if (event == NETDEV_REGISTER)
			err = nfv_guest_tap_add(lower, dev);
		else
			nfv_guest_tap_del(lower, dev);
		break;
	}
	return notifier_from_errno(err);
}

static struct notifier_block nfv_guest_notifier = {
	.notifier_call = nfv_guest_netdev_event,
};

/* Its macvlans unlinked first: none is left hooked. */
static void nfv_guest_uninit(struct net_device *dev)
{
	struct nfv_guest *g = netdev_priv(dev);

	WARN_ON_ONCE(!list_empty(&g->taps));
}

static const struct net_device_ops nfv_guest_netdev_ops = {
	.ndo_uninit		= nfv_guest_uninit,
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
	struct nfv_guest *g = netdev_priv(dev);

	ether_setup(dev);
	INIT_LIST_HEAD(&g->taps);
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
	int err;

	err = register_netdevice_notifier(&nfv_guest_notifier);
	if (err)
		return err;
	err = rtnl_link_register(&nfv_guest_link_ops);
	if (err)
		unregister_netdevice_notifier(&nfv_guest_notifier);
	return err;
}

/*
 * Deletes the guest devices left (none: their datapaths went first),
 * and their macvlans with them, whose hooks go while the notifier is
 * still there.
 */
void nfv_guest_exit(void)
{
	rtnl_link_unregister(&nfv_guest_link_ops);
	unregister_netdevice_notifier(&nfv_guest_notifier);
}
