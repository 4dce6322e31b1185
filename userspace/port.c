// SPDX-License-Identifier: GPL-2.0
/*
 * nfvctl port: devices attached to a datapath.
 */
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "nfvctl.h"

static const char *const pstat_key[NFV_PSTAT_MAX + 1] = {
	[NFV_PSTAT_RX_PACKETS]		= "rx_packets",
	[NFV_PSTAT_RX_BYTES]		= "rx_bytes",
	[NFV_PSTAT_TX_PACKETS]		= "tx_packets",
	[NFV_PSTAT_TX_BYTES]		= "tx_bytes",
	[NFV_PSTAT_DROP_PACKETS]	= "drop_packets",
	[NFV_PSTAT_PASS_PACKETS]	= "pass_packets",
};

static const char *const pstat_text[NFV_PSTAT_MAX + 1] = {
	[NFV_PSTAT_RX_PACKETS]		= "rx packets",
	[NFV_PSTAT_RX_BYTES]		= "bytes",
	[NFV_PSTAT_TX_PACKETS]		= "tx packets",
	[NFV_PSTAT_TX_BYTES]		= "bytes",
	[NFV_PSTAT_DROP_PACKETS]	= "drop",
	[NFV_PSTAT_PASS_PACKETS]	= "pass",
};

void usage_port(FILE *f)
{
	fputs("  port add DP dev IFNAME [zone N]\n"
	      "  port add DP guest IFNAME [zone N]\n"
	      "  port del DP dev IFNAME\n"
	      "  port show DP\n", f);
}

/*
 * port add DP { dev IFNAME | guest IFNAME } [zone N]: "guest" creates the
 * device, for a KVM guest to attach to through macvtap.
 */
static int port_add(int argc, char **argv)
{
	const char *cmd = "port add", *dp, *dev = NULL;
	bool has_zone = false, guest = false;
	struct nl_msg *msg;
	uint32_t zone;

	if (parse_dp(cmd, &argc, &argv, &dp))
		return -1;
	for (; argc > 0; argc--, argv++) {
		if (matches(*argv, "dev") || matches(*argv, "guest")) {
			guest = matches(*argv, "guest");
			if (parse_dev(cmd, &argc, &argv, &dev))
				return -1;
		} else if (matches(*argv, "zone")) {
			if (has_zone)
				return usage_err(cmd, "duplicate \"zone\"");
			if (need_arg(cmd, &argc, &argv) ||
			    parse_u32(cmd, "zone", *argv, 0, UINT16_MAX, &zone))
				return -1;
			has_zone = true;
		} else {
			return usage_err(cmd, "unknown argument \"%s\"", *argv);
		}
	}
	if (!dev)
		return usage_err(cmd, "missing \"dev IFNAME\" or \"guest IFNAME\"");
	if (guest && !nl_has_attr(NFV_CMD_PORT_NEW, NFV_A_PORT_KIND)) {
		nl_lacks();
		err_msg("the nfv module does not support guest ports (added in ABI version 5; update the module)");
		return -1;
	}

	msg = nfv_msg(NFV_CMD_PORT_NEW, false);
	if (!msg)
		return -1;
	if (nla_put_string(msg, NFV_A_DP_NAME, dp) < 0 ||
	    nla_put_string(msg, NFV_A_IFNAME, dev) < 0 ||
	    (guest && nla_put_u8(msg, NFV_A_PORT_KIND, NFV_PORT_KIND_GUEST) < 0) ||
	    (has_zone && nla_put_u16(msg, NFV_A_PORT_ZONE, (uint16_t)zone) < 0))
		return nfv_msg_full(msg);
	return nfv_talk(msg, NULL, NULL);
}

/* port del DP dev IFNAME */
static int port_del(int argc, char **argv)
{
	const char *cmd = "port del", *dp, *dev = NULL;
	struct nl_msg *msg;

	if (parse_dp(cmd, &argc, &argv, &dp))
		return -1;
	for (; argc > 0; argc--, argv++) {
		if (!matches(*argv, "dev"))
			return usage_err(cmd, "unknown argument \"%s\"", *argv);
		if (parse_dev(cmd, &argc, &argv, &dev))
			return -1;
	}
	if (!dev)
		return usage_err(cmd, "missing \"dev IFNAME\"");

	msg = nfv_msg(NFV_CMD_PORT_DEL, false);
	if (!msg)
		return -1;
	if (nla_put_string(msg, NFV_A_DP_NAME, dp) < 0 ||
	    nla_put_string(msg, NFV_A_IFNAME, dev) < 0)
		return nfv_msg_full(msg);
	return nfv_talk(msg, NULL, NULL);
}

/* The chain is always printed: no NFV_A_CHAIN means an empty chain. */
static void port_print_chain(struct nlattr *chain)
{
	struct nlattr *nf;
	const char *name;
	unsigned int n = 0;
	int rem;

	if (opts.json)
		jw_arr_open("chain");
	else
		printf(" chain");
	if (chain) {
		nla_for_each_nested(nf, chain, rem) {
			name = attr_str(nf);
			if (nla_type(nf) != NFV_A_NF_NAME || !name)
				continue;
			if (opts.json)
				jw_str(NULL, name);
			else
				printf(" %s", name);
			n++;
		}
	}
	if (opts.json)
		jw_arr_close();
	else if (!n)
		printf(" (empty)");
}

static void port_print_stats(struct nlattr *nest, const char *sep)
{
	struct nlattr *tb[NFV_PSTAT_MAX + 1];
	const char *pre = sep;
	uint64_t v;
	int i;

	if (attr_nested(tb, NFV_PSTAT_MAX, nest) < 0)
		return;
	if (opts.json)
		jw_obj_open("stats");
	for (i = NFV_PSTAT_PAD + 1; i <= NFV_PSTAT_MAX; i++) {
		if (!attr_u64(tb[i], &v))
			continue;
		if (opts.json) {
			jw_u64(pstat_key[i], v);
		} else {
			printf("%s%s %llu", pre, pstat_text[i],
			       (unsigned long long)v);
			pre = " ";
		}
	}
	if (opts.json)
		jw_obj_close();
}

/*
 * A port: JSON members of the open object, or one text record without its
 * final newline; sep goes between text lines. with_dp adds the datapath
 * name (for events; "port show" names it on the command line).
 */
void port_print(struct nlattr **tb, const char *sep, bool with_dp)
{
	const char *dp = attr_str(tb[NFV_A_DP_NAME]);
	const char *ifname = attr_str(tb[NFV_A_IFNAME]);
	bool has_no, has_ifindex, has_zone, guest;
	uint32_t port_no, ifindex;
	char buf[IF_NAMESIZE];
	uint16_t zone;
	uint8_t kind;

	has_no = attr_u32(tb[NFV_A_PORT_NO], &port_no);
	has_ifindex = attr_u32(tb[NFV_A_IFINDEX], &ifindex);
	has_zone = attr_u16(tb[NFV_A_PORT_ZONE], &zone);
	guest = attr_u8(tb[NFV_A_PORT_KIND], &kind) &&
		kind == NFV_PORT_KIND_GUEST;
	if (opts.json) {
		if (with_dp && dp)
			jw_str("dp", dp);
		if (has_no)
			jw_u64("port", port_no);
		if (ifname)
			jw_str("ifname", ifname);
		if (has_ifindex)
			jw_u64("ifindex", ifindex);
		if (has_zone)
			jw_u64("zone", zone);
		jw_str("kind", guest ? "guest" : "dev");
	} else {
		if (!ifname && has_ifindex)
			ifname = ifname_of(ifindex, buf);
		if (with_dp)
			printf("dp %s ", dp ? dp : "?");
		printf("%s:", ifname ? ifname : "?");
		if (has_no)
			printf(" port %u", port_no);
		if (has_ifindex)
			printf(" ifindex %u", ifindex);
		if (has_zone)
			printf(" zone %u", zone);
		if (guest)
			printf(" guest");
	}
	port_print_chain(tb[NFV_A_CHAIN]);
	port_print_stats(tb[NFV_A_PORT_STATS], sep);
}

static int port_show_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	(void)cmd;
	list_elem(arg);
	if (opts.json)
		jw_obj_open(NULL);
	port_print(tb, "\n\t", false);
	if (opts.json)
		jw_obj_close();
	else
		putchar('\n');
	return 0;
}

/* port show DP */
static int port_show(int argc, char **argv)
{
	return dp_request("port show", NFV_CMD_PORT_GET, argc, argv,
			  port_show_reply);
}

_Static_assert(sizeof(((struct port_name *)0)->dev) == IF_NAMESIZE,
	       "a port's device name holds IF_NAMESIZE bytes");

static int port_names_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	const char *ifname = attr_str(tb[NFV_A_IFNAME]);
	struct port_names *p = arg;
	struct port_name *more;
	uint32_t no;

	(void)cmd;
	if (!attr_u32(tb[NFV_A_PORT_NO], &no) || !ifname ||
	    strlen(ifname) >= sizeof(p->v->dev))
		return 0;
	more = realloc(p->v, (p->n + 1) * sizeof(*more));
	if (!more) {
		err_msg("out of memory");
		return -1;
	}
	p->v = more;
	p->v[p->n].no = no;
	strcpy(p->v[p->n].dev, ifname);
	p->n++;
	return 0;
}

/*
 * The ports of p->dp as they are now, from one dump, the first time this
 * is called for p (a command that looks up several names dumps once).
 * 0, or -1 once reported.
 */
int port_names_load(struct port_names *p)
{
	struct nl_msg *msg;

	if (p->loaded)
		return 0;
	msg = nfv_msg(NFV_CMD_PORT_GET, true);
	if (!msg)
		return -1;
	if (nla_put_string(msg, NFV_A_DP_NAME, p->dp) < 0)
		return nfv_msg_full(msg);
	if (nfv_talk(msg, port_names_reply, p))
		return -1;
	p->loaded = true;
	return 0;
}

/* The device of port no, or NULL when the datapath has no such port. */
const char *port_names_dev(const struct port_names *p, uint32_t no)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if (p->v[i].no == no)
			return p->v[i].dev;
	return NULL;
}

/* The port of device dev: true and *no, or false when none is. */
bool port_names_find(const struct port_names *p, const char *dev,
		     uint32_t *no)
{
	unsigned int i;

	for (i = 0; i < p->n; i++) {
		if (!strcmp(p->v[i].dev, dev)) {
			*no = p->v[i].no;
			return true;
		}
	}
	return false;
}

void port_names_free(struct port_names *p)
{
	free(p->v);
	p->v = NULL;
	p->n = 0;
	p->loaded = false;
}

int do_port(int argc, char **argv)
{
	if (!argc)
		return usage_err("port", "missing command");
	if (matches(*argv, "add"))
		return port_add(argc - 1, argv + 1);
	if (matches(*argv, "del") || matches(*argv, "delete"))
		return port_del(argc - 1, argv + 1);
	if (matches(*argv, "show") || matches(*argv, "list"))
		return port_show(argc - 1, argv + 1);
	if (matches(*argv, "help")) {
		usage_port(stdout);
		return 0;
	}
	return usage_err("port", "unknown command \"%s\"", *argv);
}
