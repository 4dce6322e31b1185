// SPDX-License-Identifier: GPL-2.0
/*
 * Ports: existing netdevs whose RX path the datapath takes over with
 * netdev_rx_handler_register(), and guest devices the datapath creates,
 * which receive through their xmit instead (guest.c). A device that goes
 * away takes its port with it; a guest port takes its device with it.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "core.h"

/* Under RCU or RTNL: the port of @dev in any datapath, or NULL. */
static struct nfv_port *nfv_dev_port(const struct net_device *dev)
{
	if (nfv_is_guest(dev))
		return nfv_guest_port(dev);
	if (rcu_access_pointer(dev->rx_handler) != nfv_rx_handler)
		return NULL;
	return rcu_dereference_rtnl(dev->rx_handler_data);
}

static int nfv_port_check_dev(struct net_device *dev,
			      struct netlink_ext_ack *extack)
{
	if (nfv_dev_port(dev)) {
		NL_SET_ERR_MSG(extack, "device is already a port of a datapath");
		return -EEXIST;
	}
	if (nfv_is_guest(dev))
		return 0;	/* just created for this port */
	if (rtnl_dereference(dev->rx_handler)) {
		NL_SET_ERR_MSG(extack,
			       "device already has an rx handler (bridge or bond member, macvlan lower device, ...)");
		return -EBUSY;
	}
	if (dev->flags & IFF_LOOPBACK || dev->type != ARPHRD_ETHER ||
	    dev->addr_len != ETH_ALEN) {
		NL_SET_ERR_MSG(extack, "only Ethernet devices can be ports");
		return -EOPNOTSUPP;
	}
	return 0;
}

/* Tells the datapath's NFs that ask (nf-api.rst, port_event). */
static void nfv_port_notify(struct nfv_port *port, enum nfv_port_event event)
{
	struct nfv_nf *nf;

	list_for_each_entry(nf, &port->dp->nfs, node)
		if (nf->type->port_event)
			nf->type->port_event(nf, port->port_no, event);
}

struct nfv_port *nfv_port_add(struct nfv_dp *dp, struct net_device *dev,
			      u16 zone, struct netlink_ext_ack *extack)
{
	struct nfv_port *port;
	int err;

	ASSERT_RTNL();
	err = nfv_port_check_dev(dev, extack);
	if (err)
		return ERR_PTR(err);
	if (dp->n_ports >= NFV_MAX_PORTS) {
		NL_SET_ERR_MSG(extack, "datapath has the most ports it may have");
		return ERR_PTR(-ENOSPC);
	}

	port = kzalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);
	if (!port)
		return ERR_PTR(-ENOMEM);
	port->stats = alloc_percpu_gfp(struct nfv_port_stats,
				       GFP_KERNEL_ACCOUNT);
	if (!port->stats) {
		err = -ENOMEM;
		goto err_port;
	}
	/*
	 * Numbers go round, not lowest first: a rule or a flow that names a
	 * deleted port must not move to the next port added.
	 */
	err = idr_alloc_cyclic(&dp->port_ids, port, 1, NFV_PORT_NO_MAX + 1,
			       GFP_KERNEL_ACCOUNT);
	if (err < 0)
		goto err_stats;
	port->port_no = err;
	port->dp = dp;
	port->dev = dev;
	port->zone = zone;

	/* Forwarding merged LRO super-packets would be wrong. */
	dev_disable_lro(dev);
	if (nfv_is_guest(dev)) {
		nfv_guest_attach(dev, port);
	} else {
		err = netdev_rx_handler_register(dev, nfv_rx_handler, port);
		if (err) {
			NL_SET_ERR_MSG(extack, "device refused the rx handler");
			goto err_idr;
		}
	}
	netdev_hold(dev, &port->dev_tracker, GFP_KERNEL);
	list_add_tail(&port->node, &dp->ports);
	dp->n_ports++;
	nfv_port_notify(port, NFV_PORT_ADDED);
	return port;

err_idr:
	idr_remove(&dp->port_ids, port->port_no);
err_stats:
	free_percpu(port->stats);
err_port:
	kfree(port);
	return ERR_PTR(err);
}

static void nfv_port_free_rcu(struct rcu_head *head)
{
	struct nfv_port *port = container_of(head, struct nfv_port, rcu);

	free_percpu(port->stats);
	kfree(port);
}

/*
 * @flush: remove the port's flows too. A datapath going away flushes its
 * whole table once after its last port instead: a walk of every bucket
 * per port, under RTNL, took seconds with many ports and a large table.
 *
 * A guest port's device is unregistered with it, unless that is what
 * the port is deleted for.
 */
void nfv_port_del(struct nfv_port *port, bool flush)
{
	struct net_device *dev = port->dev;
	struct nfv_dp *dp = port->dp;
	bool guest = nfv_is_guest(dev);

	ASSERT_RTNL();
	/* Waits for packets already in the handler. */
	if (guest)
		nfv_guest_detach(dev);
	else
		netdev_rx_handler_unregister(dev);
	list_del(&port->node);
	dp->n_ports--;
	if (flush)
		nfv_flow_flush(&dp->table, port->port_no);
	nfv_chain_release(rcu_replace_pointer(port->chain, NULL, true));
	idr_remove(&dp->port_ids, port->port_no);
	/* A datapath going away takes its NFs along: nothing to tell. */
	if (flush)
		nfv_port_notify(port, NFV_PORT_DELETED);
	if (guest && dev->reg_state == NETREG_REGISTERED)
		unregister_netdevice(dev);
	netdev_put(dev, &port->dev_tracker);
	call_rcu(&port->rcu, nfv_port_free_rcu);
}

/* Under RCU: the port of @dev in @dp, or NULL. */
struct nfv_port *nfv_port_rcu(const struct nfv_dp *dp,
			      const struct net_device *dev)
{
	struct nfv_port *port = nfv_dev_port(dev);

	return port && port->dp == dp ? port : NULL;
}

struct nfv_port *nfv_port_find_dev(struct nfv_dp *dp,
				   const struct net_device *dev)
{
	struct nfv_port *port = nfv_dev_port(dev);

	return port && port->dp == dp ? port : NULL;
}

/*
 * Make before break: the flows decided by the old chain are not flushed
 * but superseded, so every connection is decided again by the new chain
 * without losing a packet. A flow's next packet in its original direction
 * runs the new chain, and the flow that makes replaces the old one in one
 * step (nfv_flow_link2()); until then its replies keep the old chain's
 * result. One whose original side stays silent goes at the GC's second
 * visit (nfv_flow_drain()), as the flush would have deleted it.
 *
 * A CPU in the slow path may still hold the old chain: it could insert a
 * flow behind the walk, or take a reference on the chain as it is freed.
 * Wait for it first. Each flow holds the chain that made it until it
 * goes, so a reply runs the old chain even before its flow cached one.
 */
int nfv_port_set_chain(struct nfv_port *port, struct nfv_chain *chain)
{
	struct nfv_chain *old;

	ASSERT_RTNL();
	old = rcu_replace_pointer(port->chain, chain, true);
	if (!old)
		return 0;	/* no chain, no flows from this port */
	synchronize_net();
	nfv_flow_supersede(&port->dp->table, port->port_no);
	nfv_chain_release(old);
	return 0;
}

void nfv_port_read_stats(struct nfv_port *port, struct nfv_port_stats *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct nfv_port_stats *s = per_cpu_ptr(port->stats, cpu);

		for (i = 0; i < __NFV_PSTAT_MAX; i++)
			sum->stat[i] += READ_ONCE(s->stat[i]);
	}
}

/*
 * A port enslaved to a VRF or released routes in another table from now
 * on. IPv4 routes of the old table fail their dst_check() (the FIB
 * flushes its cache on the change), IPv6 routes only where the port's
 * own routes went: forget every cached route, after the packets already
 * in the handler, which may have routed in the old table.
 */
static void nfv_port_changeupper(struct nfv_port *port, void *ptr)
{
	struct netdev_notifier_changeupper_info *info = ptr;

	if (!info->upper_dev || !netif_is_l3_master(info->upper_dev))
		return;
	synchronize_net();
	nfv_flow_forget_routes(&port->dp->table);
}

static int nfv_netdev_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct nfv_port *port;

	if (event != NETDEV_UNREGISTER && event != NETDEV_CHANGENAME &&
	    event != NETDEV_CHANGEUPPER)
		return NOTIFY_DONE;
	port = nfv_dev_port(dev);
	if (!port)
		return NOTIFY_DONE;
	if (event == NETDEV_CHANGENAME) {
		nfv_port_notify(port, NFV_PORT_RENAMED);
		return NOTIFY_DONE;
	}
	if (event == NETDEV_CHANGEUPPER) {
		nfv_port_changeupper(port, ptr);
		return NOTIFY_DONE;
	}
	nfv_notify_port_gone(port);
	nfv_port_del(port, true);
	return NOTIFY_DONE;
}

static struct notifier_block nfv_netdev_notifier = {
	.notifier_call = nfv_netdev_event,
};

int nfv_port_init(void)
{
	return register_netdevice_notifier(&nfv_netdev_notifier);
}

void nfv_port_exit(void)
{
	unregister_netdevice_notifier(&nfv_netdev_notifier);
}

u16 nfv_pkt_in_port(const struct nfv_pkt *pkt)
{
	return pkt->in->port_no;
}
EXPORT_SYMBOL_GPL(nfv_pkt_in_port);

u16 nfv_port_no_by_name(struct nfv_dp *dp, const char *name)
{
	struct nfv_port *port;

	ASSERT_RTNL();
	list_for_each_entry(port, &dp->ports, node)
		if (!strncmp(port->dev->name, name, IFNAMSIZ))
			return port->port_no;
	return 0;
}
EXPORT_SYMBOL_GPL(nfv_port_no_by_name);
