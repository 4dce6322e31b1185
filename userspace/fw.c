// SPDX-License-Identifier: GPL-2.0
/*
 * nfvctl fw: the stateful firewall NF (nfv_fw.ko): instances, their rules
 * with counters, atomic rule loads, and the connections they track.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fwsyntax.h"
#include "json.h"
#include "nfvctl.h"

/* Rules per message of a load: the rule list attribute holds 64 KiB. */
#define FW_LOAD_BATCH	256
#define FW_LOAD_MSG_SIZE	65536

static const char *const action_name[__NFV_FW_ACTION_MAX] = {
	[NFV_FW_ACCEPT]	= "accept",
	[NFV_FW_DROP]	= "drop",
	[NFV_FW_REJECT]	= "reject",
};

static const char *const reject_name[__NFV_FW_REJECT_MAX] = {
	[NFV_FW_REJECT_TCP_RST]		 = "tcp-reset",
	[NFV_FW_REJECT_PORT_UNREACH]	 = "port-unreachable",
	[NFV_FW_REJECT_HOST_UNREACH]	 = "host-unreachable",
	[NFV_FW_REJECT_ADMIN_PROHIBITED] = "admin-prohibited",
	[NFV_FW_REJECT_NO_ROUTE]	 = "no-route",
};

static const char *const ctstate_name[__NFV_FW_CT_MAX] = {
	[NFV_FW_CT_NEW]		= "new",
	[NFV_FW_CT_ESTABLISHED]	= "established",
	[NFV_FW_CT_RELATED]	= "related",
	[NFV_FW_CT_INVALID]	= "invalid",
};

static const char *const tcp_state_name[__NFV_FW_TCP_MAX] = {
	[NFV_FW_TCP_NONE]	 = "NONE",
	[NFV_FW_TCP_SYN_SENT]	 = "SYN_SENT",
	[NFV_FW_TCP_SYN_RECV]	 = "SYN_RECV",
	[NFV_FW_TCP_ESTABLISHED] = "ESTABLISHED",
	[NFV_FW_TCP_FIN_WAIT]	 = "FIN_WAIT",
	[NFV_FW_TCP_CLOSE_WAIT]	 = "CLOSE_WAIT",
	[NFV_FW_TCP_LAST_ACK]	 = "LAST_ACK",
	[NFV_FW_TCP_TIME_WAIT]	 = "TIME_WAIT",
	[NFV_FW_TCP_CLOSE]	 = "CLOSE",
	[NFV_FW_TCP_SYN_SENT2]	 = "SYN_SENT2",
};

static const struct nf_stat fw_stats[] = {
	{ NFV_FW_STAT_NEW, "new" },
	{ NFV_FW_STAT_ESTABLISHED, "established" },
	{ NFV_FW_STAT_RELATED, "related" },
	{ NFV_FW_STAT_INVALID, "invalid" },
	{ NFV_FW_STAT_ACCEPT, "accept" },
	{ NFV_FW_STAT_DROP, "drop" },
	{ NFV_FW_STAT_REJECT, "reject" },
	{ NFV_FW_STAT_POLICY, "policy" },
	{ NFV_FW_STAT_ZONE_FULL, "zone_full" },
	{ NFV_FW_STAT_HALF_OPEN_FULL, "half_open_full" },
	{ NFV_FW_STAT_REJECT_SUPPRESSED, "reject_suppressed" },
};

static const struct {
	const char *name;
	uint8_t proto;
} protos[] = {
	{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP },
	{ "icmp", IPPROTO_ICMP }, { "icmpv6", IPPROTO_ICMPV6 },
	{ "udplite", IPPROTO_UDPLITE }, { "sctp", IPPROTO_SCTP },
	{ "dccp", IPPROTO_DCCP },
};

void usage_fw(FILE *f)
{
	fputs("  fw add DP NAME [policy accept|drop] [zone-max-flows N]\n"
	      "         [zone-max-half-open N] [tcp-loose on|off]\n"
	      "  fw set DP NAME [policy accept|drop] [zone-max-flows N]\n"
	      "         [zone-max-half-open N] [tcp-loose on|off]\n"
	      "  fw del DP NAME\n"
	      "  fw show DP\n"
	      "  fw rule add DP NAME [[before|after] pos N|handle H] RULE\n"
	      "  fw rule set DP NAME pos N|handle H RULE\n"
	      "  fw rule del DP NAME pos N|handle H\n"
	      "  fw rule list DP NAME\n"
	      "  fw load DP NAME FILE\n"
	      "  fw flows DP NAME\n"
	      "  RULE := [in-port N|IFNAME] [src PREFIX] [dst PREFIX] [proto PROTO]\n"
	      "          [sport N[-M]] [dport N[-M]] [icmp-type N] [icmp-code N]\n"
	      "          [tcp-flags FLAGS[/MASK]] [ct state STATE[,STATE]...]\n"
	      "          [reject-with TYPE]\n"
	      "          [limit-per-source N/UNIT [burst N] | count-per-source over N]\n"
	      "          [meter-size N] [meter-v6-prefix LEN]\n"
	      "          accept|drop|reject\n"
	      "  TYPE := tcp-reset|port-unreachable|host-unreachable|\n"
	      "          admin-prohibited|no-route\n"
	      "  UNIT := second|minute|hour|day\n"
	      "  nftables' spellings (iifname, ip saddr, tcp dport, icmp type NAME,\n"
	      "  { sets }, != on ports and a prefix, tcp flags F / M, counter,\n"
	      "  reject with tcp reset, reject with icmpx type admin-prohibited)\n"
	      "  become such rules; see nfvctl(8)\n", f);
}

static int lookup(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return i;
	return -1;
}

static int parse_proto(const char *cmd, const char *arg, uint8_t *proto)
{
	uint32_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		if (!strcmp(arg, protos[i].name)) {
			*proto = protos[i].proto;
			return 0;
		}
	}
	if (parse_u32(cmd, "protocol", arg, 1, 255, &v))
		return -1;
	*proto = (uint8_t)v;
	return 0;
}

static const char *proto_str(uint8_t proto)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(protos); i++)
		if (protos[i].proto == proto)
			return protos[i].name;
	return NULL;
}

/* "N" or "N-M" into two u16 attributes. */
static int put_range(struct nl_msg *msg, const char *cmd, const char *what,
		     const char *arg, int amin, int amax)
{
	char buf[32], *dash;
	uint32_t lo, hi;

	if (strlen(arg) >= sizeof(buf))
		return usage_err(cmd, "invalid %s \"%s\"", what, arg);
	strcpy(buf, arg);
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (parse_u32(cmd, what, buf, 0, 65535, &lo) ||
	    parse_u32(cmd, what, dash ? dash : buf, 0, 65535, &hi))
		return -1;
	if (lo > hi)
		return usage_err(cmd, "%s range \"%s\" is backwards", what, arg);
	/* Network byte order, as the packet's ports. */
	if (nla_put_u16(msg, amin, htons((uint16_t)lo)) < 0 ||
	    nla_put_u16(msg, amax, htons((uint16_t)hi)) < 0)
		return -2;
	return 0;
}

/* "ADDR[/LEN]": family, address and prefix length attributes. */
static int put_prefix(struct nl_msg *msg, const char *cmd, const char *arg,
		      int aaddr, int alen, uint8_t *family)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	unsigned char addr[16];
	uint8_t fam = strchr(arg, ':') ? AF_INET6 : AF_INET;
	uint32_t len = fam == AF_INET ? 32 : 128;

	if (strlen(arg) >= sizeof(buf))
		return usage_err(cmd, "invalid prefix \"%s\"", arg);
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	if (slash) {
		*slash++ = '\0';
		if (parse_u32(cmd, "prefix length", slash, 0, len, &len))
			return -1;
	}
	if (inet_pton(fam, buf, addr) != 1)
		return usage_err(cmd, "invalid address \"%s\"", buf);
	if (*family && *family != fam)
		return usage_err(cmd, "addresses of two families in one rule");
	*family = fam;
	if (nla_put(msg, aaddr, fam == AF_INET ? 4 : 16, addr) < 0 ||
	    nla_put_u8(msg, alen, (uint8_t)len) < 0)
		return -2;
	return 0;
}

static int put_ctstate(struct nl_msg *msg, const char *cmd, const char *arg)
{
	char buf[128], *tok, *save = NULL;
	uint32_t mask = 0;

	if (strlen(arg) >= sizeof(buf))
		return usage_err(cmd, "invalid state \"%s\"", arg);
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int s = lookup(ctstate_name, __NFV_FW_CT_MAX, tok);

		if (s < 0)
			return usage_err(cmd, "unknown state \"%s\"", tok);
		mask |= 1U << s;
	}
	return nla_put_u32(msg, NFV_FW_RULE_A_CTSTATE, mask) < 0 ? -2 : 0;
}

static int put_u8_arg(struct nl_msg *msg, const char *cmd, const char *what,
		      const char *arg, int type)
{
	uint32_t v;

	if (parse_u32(cmd, what, arg, 0, 255, &v))
		return -1;
	return nla_put_u8(msg, type, (uint8_t)v) < 0 ? -2 : 0;
}

/*
 * "in-port N|IFNAME": a port number, or a device name (anything that is
 * not all digits) looked up once the whole rule has parsed.
 */
static int parse_in_port(const char *cmd, const char *arg, uint32_t *port,
			 const char **dev)
{
	*dev = NULL;
	if (*arg && strspn(arg, "0123456789") == strlen(arg))
		return parse_u32(cmd, "port", arg, 1, NFV_PORT_NO_MAX, port);
	if (parse_name(cmd, "device name", arg, IF_NAMESIZE))
		return -1;
	*dev = arg;
	return 0;
}

/*
 * The instance rules go to: its datapath's ports (ports.dp names the
 * datapath) and the last rule attribute its module knows, both asked for
 * only when a rule needs them.
 */
struct fw_target {
	struct port_names ports;
	const char *name;
	int rule_maxattr;		/* 0: not asked yet */
};

struct fw_info_of {
	const char *name;
	int policy;
	int rule_maxattr;
};

static int fw_info_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct fw_info_of *p = arg;
	struct nlattr *info[NFV_FW_A_MAX + 1];
	const char *name = attr_str(tb[NFV_A_NF_NAME]);
	uint32_t max;
	uint8_t v;

	(void)cmd;
	if (!name || strcmp(name, p->name) ||
	    attr_nested(info, NFV_FW_A_MAX, tb[NFV_A_NF_INFO]) < 0)
		return 0;
	if (attr_u8(info[NFV_FW_A_POLICY], &v) && v <= NFV_FW_DROP)
		p->policy = v;
	/* Modules before rule handles do not say: they end at BYTES. */
	p->rule_maxattr = NFV_FW_RULE_A_BYTES;
	if (attr_u32(info[NFV_FW_A_RULE_MAXATTR], &max) && max < INT32_MAX)
		p->rule_maxattr = (int)max;
	return 0;
}

/* The instance's policy and what its module knows (NF_GET dump). */
static int fw_info(const char *dp, struct fw_info_of *p)
{
	struct nl_msg *msg = nfv_msg(NFV_CMD_NF_GET, true);

	p->policy = -1;
	p->rule_maxattr = 0;
	if (!msg)
		return -1;
	if (nla_put_string(msg, NFV_A_DP_NAME, dp) < 0)
		return nfv_msg_full(msg);
	return nfv_talk(msg, fw_info_reply, p);
}

/*
 * Does the instance's module take rule attribute type? An instance not
 * found is left to the request that follows to report.
 */
static bool fw_has_rule_attr(struct fw_target *t, int type)
{
	struct fw_info_of p = { .name = t->name };

	if (!t->rule_maxattr) {
		t->rule_maxattr = NFV_FW_RULE_A_MAX;
		if (!fw_info(t->ports.dp, &p) && p.rule_maxattr)
			t->rule_maxattr = p.rule_maxattr;
	}
	return type <= t->rule_maxattr;
}

/*
 * The port of device dev in the datapath, now, once: what a module
 * without NFV_FW_RULE_A_IN_IFNAME gets. Port numbers are not given again
 * while the datapath lives, so if the port goes, the rule matches
 * nothing rather than whatever device is added next.
 */
static int resolve_in_port(const char *cmd, struct port_names *ports,
			   const char *dev, uint32_t *port)
{
	if (port_names_load(ports))
		return -1;
	if (port_names_find(ports, dev, port)) {
		fprintf(stderr, "%s: warning: the fw module does not follow devices by name (update it): \"%s\" is port %u for good\n",
			cmd, dev, *port);
		return 0;
	}
	err_msg("%s: device \"%s\" is not a port of datapath %s", cmd, dev,
		ports->dp);
	return -1;
}

/*
 * A device by name: the module resolves it whenever its ports change,
 * as nftables' iifname matches whatever device has the name.
 */
static int put_in_dev(struct nl_msg *msg, const char *cmd,
		      struct fw_target *t, const char *dev)
{
	uint32_t port;

	if (fw_has_rule_attr(t, NFV_FW_RULE_A_IN_IFNAME))
		return nla_put_string(msg, NFV_FW_RULE_A_IN_IFNAME, dev) < 0 ?
		       -2 : 0;
	if (resolve_in_port(cmd, &t->ports, dev, &port))
		return -1;
	return nla_put_u32(msg, NFV_FW_RULE_A_IN_PORT, port) < 0 ? -2 : 0;
}

/*
 * What a reject answers. A module without reject types sends a TCP RST
 * to TCP and a port unreachable to the rest: that much needs no type.
 */
static int put_reject(struct nl_msg *msg, const char *cmd,
		      struct fw_target *t, int type, uint8_t proto)
{
	if (type == NFV_FW_REJECT_TCP_RST && proto != IPPROTO_TCP)
		return usage_err(cmd, "reject-with tcp-reset needs proto tcp");
	if (fw_has_rule_attr(t, NFV_FW_RULE_A_REJECT))
		return nla_put_u8(msg, NFV_FW_RULE_A_REJECT, (uint8_t)type) < 0 ?
		       -2 : 0;
	if (type == NFV_FW_REJECT_TCP_RST ||
	    (type == NFV_FW_REJECT_PORT_UNREACH && proto &&
	     proto != IPPROTO_TCP))
		return 0;
	nl_lacks();
	err_msg("%s: the fw module sends no reject but a TCP reset or a port unreachable: update it for %s",
		cmd, reject_name[type]);
	return -1;
}

/* "F[/M]": flags F under mask M (default F), as (M << 8) | F. */
static int parse_tcp_flags(const char *cmd, const char *arg, int *out)
{
	const char *slash = strchr(arg, '/');
	int f, m;

	f = fw_tcp_flags_parse(arg, slash ? (size_t)(slash - arg) : strlen(arg));
	m = slash ? fw_tcp_flags_parse(slash + 1, strlen(slash + 1)) : f;
	if (f < 0 || m <= 0 || (f & ~m))
		return usage_err(cmd, "bad TCP flags \"%s\" (FLAGS[/MASK], flags within the mask)",
				 arg);
	*out = m << 8 | f;
	return 0;
}

static int put_tcp_flags(struct nl_msg *msg, const char *cmd,
			 struct fw_target *t, int v, uint8_t proto)
{
	if (proto != IPPROTO_TCP)
		return usage_err(cmd, "tcp-flags needs proto tcp");
	if (!fw_has_rule_attr(t, NFV_FW_RULE_A_TCP_FLAGS_MASK)) {
		nl_lacks();
		err_msg("%s: the fw module does not match TCP flags: update it",
			cmd);
		return -1;
	}
	return nla_put_u8(msg, NFV_FW_RULE_A_TCP_FLAGS, v & 0xff) < 0 ||
	       nla_put_u8(msg, NFV_FW_RULE_A_TCP_FLAGS_MASK, v >> 8) < 0 ?
	       -2 : 0;
}

/* A per-source meter's words; 0 in a field: not given. */
struct meter_args {
	uint32_t rate, period, burst, count, size, v6_prefix;
	bool has_rate, has_count, has_size, has_v6_prefix, has_burst, over;
};

/* The meter words of put_rule(); 1: kw is none of them. */
static int parse_meter_word(const char *cmd, const char *kw, const char *arg,
			    struct meter_args *m)
{
	if (!strcmp(kw, "limit-per-source")) {
		m->has_rate = true;
		if (fw_rate_parse(arg, &m->rate, &m->period))
			return usage_err(cmd, "bad rate \"%s\" (N/second, N/minute, N/hour, N/day)",
					 arg);
		return 0;
	}
	if (!strcmp(kw, "burst")) {
		m->has_burst = true;
		return parse_u32(cmd, "burst", arg, 0, UINT32_MAX, &m->burst);
	}
	if (!strcmp(kw, "count-per-source")) {
		m->has_count = true;
		return parse_u32(cmd, "count", arg, 0, UINT32_MAX, &m->count);
	}
	if (!strcmp(kw, "meter-size")) {
		m->has_size = true;
		return parse_u32(cmd, "meter size", arg, 0, UINT32_MAX,
				 &m->size);
	}
	if (!strcmp(kw, "meter-v6-prefix")) {
		m->has_v6_prefix = true;
		return parse_u32(cmd, "prefix length", arg, 0, 255,
				 &m->v6_prefix);
	}
	return 1;
}

/*
 * The meter's attributes. The module judges the values (a rate or burst
 * of 0, a size that is no power of two) and names the attribute.
 */
static int put_meter(struct nl_msg *msg, const char *cmd,
		     struct fw_target *t, const struct meter_args *m)
{
	if (!m->has_rate && !m->has_count) {
		if (m->has_burst || m->has_size || m->has_v6_prefix)
			return usage_err(cmd, "burst, meter-size and meter-v6-prefix need limit-per-source or count-per-source");
		return 0;
	}
	if (m->has_rate && m->has_count)
		return usage_err(cmd, "limit-per-source and count-per-source are two rules");
	if (m->has_burst && !m->has_rate)
		return usage_err(cmd, "burst needs limit-per-source");
	if (!fw_has_rule_attr(t, NFV_FW_RULE_A_METER_FULL)) {
		nl_lacks();
		err_msg("%s: the fw module has no per-source limits (limit-per-source, count-per-source): update it",
			cmd);
		return -1;
	}
	if ((m->has_rate &&
	     (nla_put_u32(msg, NFV_FW_RULE_A_LIMIT_RATE, m->rate) < 0 ||
	      nla_put_u32(msg, NFV_FW_RULE_A_LIMIT_PERIOD, m->period) < 0)) ||
	    (m->has_burst &&
	     nla_put_u32(msg, NFV_FW_RULE_A_LIMIT_BURST, m->burst) < 0) ||
	    (m->over && nla_put_flag(msg, NFV_FW_RULE_A_LIMIT_OVER) < 0) ||
	    (m->has_count &&
	     nla_put_u32(msg, NFV_FW_RULE_A_COUNT_MAX, m->count) < 0) ||
	    (m->has_size &&
	     nla_put_u32(msg, NFV_FW_RULE_A_METER_SIZE, m->size) < 0) ||
	    (m->has_v6_prefix &&
	     nla_put_u8(msg, NFV_FW_RULE_A_METER_V6_PREFIX,
			(uint8_t)m->v6_prefix) < 0))
		return -2;
	return 0;
}

/*
 * One rule's keywords, argv[0..argc), as an NFV_FW_A_RULE nest. Device
 * names are looked up after the words all parsed, so that a bad word is
 * reported before anything is asked of the kernel.
 */
static int put_rule(struct nl_msg *msg, const char *cmd,
		    struct fw_target *t, int argc, char **argv)
{
	struct nlattr *nest = nla_nest_start(msg, NFV_FW_A_RULE);
	int action = -1, reject = -1, tcp_flags = -1, err = 0;
	struct meter_args meter = { 0 };
	uint8_t family = 0, proto = 0;
	const char *in_dev = NULL;
	uint32_t port = 0;

	if (!nest)
		return -2;
	for (; argc > 0 && !err; argc--, argv++) {
		const char *kw = *argv;

		action = lookup(action_name, __NFV_FW_ACTION_MAX, kw);
		if (action < 0 && argc == 1)
			return usage_err(cmd, "rule must end with accept, drop or reject (at \"%s\")",
					 kw);
		if (action >= 0 && argc > 1)
			return usage_err(cmd, "words after the action (at \"%s\")",
					 kw);
		if (action >= 0)
			break;
		if (matches(kw, "ct")) {
			if (argc < 3 || !matches(argv[1], "state"))
				return usage_err(cmd, "\"ct\" needs \"state STATES\"");
			argc--, argv++;
			kw = "state";
		}
		if (!strcmp(kw, "count-per-source")) {
			if (argc < 3 || strcmp(argv[1], "over"))
				return usage_err(cmd, "\"count-per-source\" needs \"over N\"");
			argc--, argv++;
		}
		if (!strcmp(kw, "limit-per-source") && argc > 2 &&
		    !strcmp(argv[1], "over")) {
			meter.over = true;
			argc--, argv++;
		}
		if (need_arg(cmd, &argc, &argv))
			return -1;
		if (matches(kw, "in-port")) {
			err = parse_in_port(cmd, *argv, &port, &in_dev);
		} else if (matches(kw, "src")) {
			err = put_prefix(msg, cmd, *argv, NFV_FW_RULE_A_SRC,
					 NFV_FW_RULE_A_SRC_LEN, &family);
		} else if (matches(kw, "dst")) {
			err = put_prefix(msg, cmd, *argv, NFV_FW_RULE_A_DST,
					 NFV_FW_RULE_A_DST_LEN, &family);
		} else if (matches(kw, "proto")) {
			err = parse_proto(cmd, *argv, &proto) ?:
			      (nla_put_u8(msg, NFV_FW_RULE_A_PROTO, proto) < 0 ?
			       -2 : 0);
		} else if (matches(kw, "sport")) {
			err = put_range(msg, cmd, "port", *argv,
					NFV_FW_RULE_A_SPORT_MIN,
					NFV_FW_RULE_A_SPORT_MAX);
		} else if (matches(kw, "dport")) {
			err = put_range(msg, cmd, "port", *argv,
					NFV_FW_RULE_A_DPORT_MIN,
					NFV_FW_RULE_A_DPORT_MAX);
		} else if (matches(kw, "icmp-type")) {
			err = put_u8_arg(msg, cmd, "ICMP type", *argv,
					 NFV_FW_RULE_A_ICMP_TYPE);
		} else if (matches(kw, "icmp-code")) {
			err = put_u8_arg(msg, cmd, "ICMP code", *argv,
					 NFV_FW_RULE_A_ICMP_CODE);
		} else if (matches(kw, "state")) {
			err = put_ctstate(msg, cmd, *argv);
		} else if (!strcmp(kw, "tcp-flags")) {
			err = parse_tcp_flags(cmd, *argv, &tcp_flags);
		} else if (!strcmp(kw, "reject-with")) {
			reject = lookup(reject_name, __NFV_FW_REJECT_MAX, *argv);
			if (reject < 0)
				return usage_err(cmd, "unknown reject type \"%s\"",
						 *argv);
		} else {
			err = parse_meter_word(cmd, kw, *argv, &meter);
			if (err > 0)
				return usage_err(cmd, "unknown rule keyword \"%s\"",
						 kw);
		}
	}
	if (err)
		return err;
	if (action < 0)
		return usage_err(cmd, "rule must end with accept, drop or reject");
	if (reject >= 0 && action != NFV_FW_REJECT)
		return usage_err(cmd, "reject-with needs the reject action");
	err = (in_dev ? put_in_dev(msg, cmd, t, in_dev) : 0) ?:
	      (reject >= 0 ? put_reject(msg, cmd, t, reject, proto) : 0) ?:
	      (tcp_flags >= 0 ? put_tcp_flags(msg, cmd, t, tcp_flags, proto) :
	       0) ?:
	      put_meter(msg, cmd, t, &meter);
	if (err)
		return err;
	if ((port && nla_put_u32(msg, NFV_FW_RULE_A_IN_PORT, port) < 0) ||
	    (family && nla_put_u8(msg, NFV_FW_RULE_A_FAMILY, family) < 0) ||
	    nla_put_u8(msg, NFV_FW_RULE_A_ACTION, (uint8_t)action) < 0)
		return -2;
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * Attributes are built in a scratch message first, so that argument
 * errors are reported before anything is sent.
 */
static struct nl_msg *scratch_msg(void)
{
	struct nl_msg *m = nlmsg_alloc();

	if (!m)
		err_msg("out of memory");
	return m;
}

/* -1 for an error already reported, -2 for a message that overflowed. */
static int scratch_fail(struct nl_msg *scratch, int err)
{
	nlmsg_free(scratch);
	if (err == -2)
		err_msg("request does not fit in a netlink message");
	return -1;
}

/* Sends cmd (NF_NEW or NF_SET) for DP NAME with cfg as NF_CONFIG. */
static int fw_send(uint8_t cmd, const char *dp, const char *name,
		   struct nl_msg *cfg)
{
	struct nlmsghdr *h = nlmsg_hdr(cfg);
	struct nl_msg *msg = nfv_msg(cmd, false);
	struct nlattr *nest;

	if (!msg) {
		nlmsg_free(cfg);
		return -1;
	}
	nest = NULL;
	if (nla_put_string(msg, NFV_A_DP_NAME, dp) >= 0 &&
	    nla_put_string(msg, NFV_A_NF_NAME, name) >= 0 &&
	    (cmd != NFV_CMD_NF_NEW ||
	     nla_put_string(msg, NFV_A_NF_TYPE, "fw") >= 0))
		nest = nla_nest_start(msg, NFV_A_NF_CONFIG);
	if (!nest ||
	    nlmsg_append(msg, nlmsg_data(h), nlmsg_datalen(h), NLMSG_ALIGNTO)) {
		nlmsg_free(cfg);
		return nfv_msg_full(msg);
	}
	nlmsg_free(cfg);
	nla_nest_end(msg, nest);
	return nfv_talk(msg, NULL, NULL);
}

/*
 * fw add|set DP NAME [policy P] [zone-max-flows N] [zone-max-half-open N]
 *	[tcp-loose on|off]
 */
static int fw_add_set(const char *cmd, uint8_t nlcmd, int argc, char **argv)
{
	const char *dp, *name;
	bool loose = false;
	struct nl_msg *cfg;
	uint32_t v;
	int a, err = 0;

	if (parse_dp_nf(cmd, &argc, &argv, "firewall", &dp, &name))
		return -1;
	cfg = scratch_msg();
	if (!cfg)
		return -1;
	for (; argc > 0 && !err; argc--, argv++) {
		const char *kw = *argv;

		if (need_arg(cmd, &argc, &argv)) {
			err = -1;
		} else if (matches(kw, "policy")) {
			a = lookup(action_name, NFV_FW_REJECT, *argv);
			err = a < 0 ? usage_err(cmd, "policy is accept or drop") :
			      nla_put_u8(cfg, NFV_FW_A_POLICY, (uint8_t)a) < 0 ?
			      -2 : 0;
		} else if (matches(kw, "zone-max-flows") ||
			   matches(kw, "zone-max-half-open")) {
			a = matches(kw, "zone-max-flows") ?
			    NFV_FW_A_ZONE_MAX_FLOWS : NFV_FW_A_ZONE_MAX_HALF_OPEN;
			err = parse_u32(cmd, kw, *argv, 0, UINT32_MAX, &v) ?:
			      (nla_put_u32(cfg, a, v) < 0 ? -2 : 0);
		} else if (matches(kw, "tcp-loose")) {
			a = !strcmp(*argv, "on") ? 1 :
			    !strcmp(*argv, "off") ? 0 : -1;
			loose = true;
			err = a < 0 ? usage_err(cmd, "tcp-loose is on or off") :
			      nla_put_u8(cfg, NFV_FW_A_TCP_LOOSE, (uint8_t)a) < 0 ?
			      -2 : 0;
		} else {
			err = usage_err(cmd, "unknown argument \"%s\"", kw);
		}
	}
	if (err)
		return scratch_fail(cfg, err);
	err = fw_send(nlcmd, dp, name, cfg);
	if (err && loose && nl_unknown_attr())
		err_msg("the nfv_fw module lacks tcp-loose (NFV_FW_A_TCP_LOOSE): update the module");
	return err;
}

/* fw rule add|set|del DP NAME [[before|after] pos N|handle H] [RULE] */
/* The messages of one "fw rule add|set": one per rule its line makes. */
struct fw_edit {
	const char *cmd;
	uint8_t op;
	bool has_pos;
	bool after;
	uint32_t pos;
	uint32_t handle;		/* 0: none */
	struct fw_target *t;
	struct nl_msg *msg[64];
	unsigned int n;
};

/* Where a rule goes: by position (a set's in a row) or by handle. */
static int put_where(struct nl_msg *cfg, const struct fw_edit *e)
{
	if (e->has_pos &&
	    nla_put_u32(cfg, NFV_FW_A_POS, e->pos + e->after + e->n) < 0)
		return -2;
	if (!e->handle)
		return 0;
	if (!fw_has_rule_attr(e->t, NFV_FW_RULE_A_HANDLE)) {
		nl_lacks();
		err_msg("%s: the fw module has no rule handles: update it, or name rules by pos",
			e->cmd);
		return -1;
	}
	if (nla_put_u32(cfg, NFV_FW_A_HANDLE, e->handle) < 0 ||
	    (e->after && nla_put_flag(cfg, NFV_FW_A_AFTER) < 0))
		return -2;
	return 0;
}

static int fw_edit_msg(void *ctx, int argc, char **argv)
{
	struct fw_edit *e = ctx;
	struct nl_msg *cfg;
	int err = 0;

	if (e->n == ARRAY_SIZE(e->msg) || (e->n && e->op != NFV_FW_OP_INSERT))
		return usage_err(e->cmd, "the rule's sets make more than %s rules",
				 e->op == NFV_FW_OP_INSERT ? "64" : "one");
	cfg = scratch_msg();
	if (!cfg)
		return -1;
	/* A set's rules go in one after the other, in the order written. */
	err = nla_put_u8(cfg, NFV_FW_A_OP, e->op) < 0 ? -2 :
	      put_where(cfg, e) ?: put_rule(cfg, e->cmd, e->t, argc, argv);
	if (err)
		return scratch_fail(cfg, err);
	e->msg[e->n++] = cfg;
	return 0;
}

/* "[before|after] pos N|handle H" */
static int parse_where(struct fw_edit *e, int *argc, char ***argv)
{
	const char *cmd = e->cmd;

	if (*argc && (!strcmp(**argv, "before") || !strcmp(**argv, "after"))) {
		if (e->op != NFV_FW_OP_INSERT)
			return usage_err(cmd, "\"%s\" is for fw rule add", **argv);
		e->after = !strcmp(**argv, "after");
		(*argc)--, (*argv)++;
		if (!*argc || (!matches(**argv, "pos") &&
			       !matches(**argv, "handle")))
			return usage_err(cmd, "missing \"pos N\" or \"handle H\"");
	}
	if (*argc && matches(**argv, "pos")) {
		if (need_arg(cmd, argc, argv) ||
		    parse_u32(cmd, "position", **argv, 0, UINT32_MAX, &e->pos))
			return -1;
		e->has_pos = true;
		(*argc)--, (*argv)++;
	} else if (*argc && matches(**argv, "handle")) {
		if (need_arg(cmd, argc, argv) ||
		    parse_u32(cmd, "handle", **argv, 1, UINT32_MAX, &e->handle))
			return -1;
		(*argc)--, (*argv)++;
	}
	if (!e->has_pos && !e->handle && e->op != NFV_FW_OP_INSERT)
		return usage_err(cmd, "missing \"pos N\" or \"handle H\"");
	return 0;
}

static int fw_rule_edit(const char *cmd, uint8_t op, int argc, char **argv)
{
	struct fw_target t = { .rule_maxattr = 0 };
	struct fw_edit e = { .cmd = cmd, .op = op, .t = &t };
	const char *dp, *name;
	unsigned int i;
	int err = 0;

	if (parse_dp_nf(cmd, &argc, &argv, "firewall", &dp, &name))
		return -1;
	t.ports.dp = dp;
	t.name = name;
	if (parse_where(&e, &argc, &argv))
		return -1;
	if (op == NFV_FW_OP_DELETE && argc)
		return usage_err(cmd, "unknown argument \"%s\"", *argv);
	if (op != NFV_FW_OP_DELETE && !argc)
		return usage_err(cmd, "missing rule");
	if (op == NFV_FW_OP_DELETE) {
		e.msg[0] = scratch_msg();
		if (!e.msg[0])
			return -1;
		err = nla_put_u8(e.msg[0], NFV_FW_A_OP, op) < 0 ? -2 :
		      put_where(e.msg[0], &e);
		e.n = 1;
	} else {
		err = fw_expand_rule(cmd, argc, argv, fw_edit_msg, &e);
	}
	port_names_free(&t.ports);
	/*
	 * Each rule of a set inserted after a handle goes right after it:
	 * the last first keeps them in the order written.
	 */
	for (i = 0; i < e.n; i++) {
		unsigned int j = e.handle && e.after ? e.n - 1 - i : i;

		if (err)
			nlmsg_free(e.msg[j]);
		else
			err = fw_send(NFV_CMD_NF_SET, dp, name, e.msg[j]);
	}
	return err == -2 ? scratch_fail(NULL, err) : err;
}

static void print_prefix(const char *key, struct nlattr *addr,
			 struct nlattr *len)
{
	char buf[INET6_ADDRSTRLEN], out[INET6_ADDRSTRLEN + 8];
	int af = addr && nla_len(addr) == 4 ? AF_INET : AF_INET6;
	const void *p = attr_bytes(addr, af == AF_INET ? 4 : 16);
	uint8_t l = 0;

	if (!p)
		return;
	attr_u8(len, &l);
	if (!inet_ntop(af, p, buf, sizeof(buf)))
		return;
	snprintf(out, sizeof(out), "%s/%u", buf, l);
	if (opts.json)
		jw_str(key, out);
	else
		printf(" %s %s", key, out);
}

static void print_range(const char *key, struct nlattr *lo, struct nlattr *hi)
{
	uint16_t a, b;
	char buf[16];

	if (!attr_u16(lo, &a) || !attr_u16(hi, &b))
		return;
	a = ntohs(a);
	b = ntohs(b);
	if (a == b)
		snprintf(buf, sizeof(buf), "%u", a);
	else
		snprintf(buf, sizeof(buf), "%u-%u", a, b);
	if (opts.json)
		jw_str(key, buf);
	else
		printf(" %s %s", key, buf);
}

static void print_u(const char *key, const char *text, struct nlattr *a,
		    int width)
{
	uint64_t v = 0;
	uint32_t v32;
	uint8_t v8;

	if (width == 8 && attr_u8(a, &v8))
		v = v8;
	else if (width == 32 && attr_u32(a, &v32))
		v = v32;
	else if (width != 64 || !attr_u64(a, &v))
		return;
	if (opts.json)
		jw_u64(key, v);
	else
		printf(" %s %llu", text, (unsigned long long)v);
}

/* A u8 switch; absent from an older module's replies. */
static void print_on_off(const char *key, const char *text, struct nlattr *a)
{
	uint8_t v;

	if (!attr_u8(a, &v))
		return;
	if (opts.json)
		jw_bool(key, v);
	else
		printf(" %s %s", text, v ? "on" : "off");
}

static void print_ctstate(struct nlattr *a)
{
	uint32_t mask;
	int s, n = 0;

	if (!attr_u32(a, &mask))
		return;
	if (opts.json)
		jw_arr_open("ct_state");
	else
		printf(" ct state ");
	for (s = 0; s < __NFV_FW_CT_MAX; s++) {
		if (!(mask & (1U << s)))
			continue;
		if (opts.json)
			jw_str(NULL, ctstate_name[s]);
		else
			printf("%s%s", n ? "," : "", ctstate_name[s]);
		n++;
	}
	if (opts.json)
		jw_arr_close();
}

/*
 * "in-port N (IFNAME)" while port N is in the datapath. A port that went
 * is not named: its number is not given again while the datapath lives,
 * so the rule now matches nothing, and the device it had may be another
 * port now.
 */
static void print_in_port(struct nlattr *a, const struct port_names *ports)
{
	const char *dev;
	uint32_t port;

	if (!attr_u32(a, &port))
		return;
	dev = port_names_dev(ports, port);
	if (opts.json) {
		jw_u64("in_port", port);
		if (dev)
			jw_str("in_dev", dev);
	} else if (dev) {
		printf(" in-port %u (%s)", port, dev);
	} else {
		printf(" in-port %u", port);
	}
}

/* "tcp-flags syn/syn,ack", or "tcp-flags syn" when the mask is the flags. */
static void print_tcp_flags(struct nlattr *fa, struct nlattr *ma)
{
	char f[64], m[64], out[140];
	uint8_t fv, mv;

	if (!attr_u8(fa, &fv) || !attr_u8(ma, &mv))
		return;
	fw_tcp_flags_str(fv, f, sizeof(f));
	fw_tcp_flags_str(mv, m, sizeof(m));
	snprintf(out, sizeof(out), "%s%s%s", f, fv == mv ? "" : "/",
		 fv == mv ? "" : m);
	if (opts.json)
		jw_str("tcp_flags", out);
	else
		printf(" tcp-flags %s", out);
}

static void print_reject(struct nlattr *a)
{
	uint8_t v;

	if (!attr_u8(a, &v) || v >= __NFV_FW_REJECT_MAX || !reject_name[v])
		return;
	if (opts.json)
		jw_str("reject_with", reject_name[v]);
	else
		printf(" reject-with %s", reject_name[v]);
}

/* "limit-per-source 10/second burst 10", "count-per-source over 20". */
static void print_meter(struct nlattr **r)
{
	uint32_t rate, period = 1, burst = 0, count, size;
	uint8_t prefix;
	char buf[32];
	bool over;

	if (attr_u32(r[NFV_FW_RULE_A_LIMIT_RATE], &rate)) {
		attr_u32(r[NFV_FW_RULE_A_LIMIT_PERIOD], &period);
		attr_u32(r[NFV_FW_RULE_A_LIMIT_BURST], &burst);
		over = r[NFV_FW_RULE_A_LIMIT_OVER] != NULL;
		if (opts.json) {
			jw_u64("limit_rate", rate);
			jw_u64("limit_period", period);
			jw_u64("limit_burst", burst);
			jw_bool("limit_over", over);
		} else {
			fw_rate_str(rate, period, buf, sizeof(buf));
			printf(" limit-per-source%s %s burst %u",
			       over ? " over" : "", buf, burst);
		}
	} else if (attr_u32(r[NFV_FW_RULE_A_COUNT_MAX], &count)) {
		if (opts.json)
			jw_u64("count_over", count);
		else
			printf(" count-per-source over %u", count);
	} else {
		return;
	}
	if (attr_u32(r[NFV_FW_RULE_A_METER_SIZE], &size) &&
	    (opts.json || size != 65536))
		print_u("meter_size", "meter-size", r[NFV_FW_RULE_A_METER_SIZE],
			32);
	if (attr_u8(r[NFV_FW_RULE_A_METER_V6_PREFIX], &prefix) &&
	    (opts.json || prefix != 64))
		print_u("meter_v6_prefix", "meter-v6-prefix",
			r[NFV_FW_RULE_A_METER_V6_PREFIX], 8);
}

struct rule_list {
	struct list_out out;
	struct port_names ports;
};

/*
 * A rule, in the syntax "fw rule add" takes (with its port's device name
 * in parentheses), then its counters.
 */
static int rule_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct nlattr *r[NFV_FW_RULE_A_MAX + 1];
	struct rule_list *l = arg;
	uint32_t idx = 0;
	uint8_t v;

	(void)cmd;
	if (attr_nested(r, NFV_FW_RULE_A_MAX, tb[NFV_A_NF_ITEM]) < 0)
		return 0;
	list_elem(&l->out);
	attr_u32(r[NFV_FW_RULE_A_INDEX], &idx);
	if (opts.json) {
		jw_obj_open(NULL);
		jw_u64("pos", idx);
	} else {
		printf("%u:", idx);
	}
	print_in_port(r[NFV_FW_RULE_A_IN_PORT], &l->ports);
	if (attr_str(r[NFV_FW_RULE_A_IN_IFNAME])) {
		if (opts.json)
			jw_str("iifname", attr_str(r[NFV_FW_RULE_A_IN_IFNAME]));
		else
			printf(" iifname %s",
			       attr_str(r[NFV_FW_RULE_A_IN_IFNAME]));
	}
	print_prefix("src", r[NFV_FW_RULE_A_SRC], r[NFV_FW_RULE_A_SRC_LEN]);
	print_prefix("dst", r[NFV_FW_RULE_A_DST], r[NFV_FW_RULE_A_DST_LEN]);
	if (attr_u8(r[NFV_FW_RULE_A_PROTO], &v)) {
		if (opts.json && proto_str(v))
			jw_str("proto", proto_str(v));
		else if (opts.json)
			jw_u64("proto", v);
		else if (proto_str(v))
			printf(" proto %s", proto_str(v));
		else
			printf(" proto %u", v);
	}
	print_range("sport", r[NFV_FW_RULE_A_SPORT_MIN],
		    r[NFV_FW_RULE_A_SPORT_MAX]);
	print_range("dport", r[NFV_FW_RULE_A_DPORT_MIN],
		    r[NFV_FW_RULE_A_DPORT_MAX]);
	print_u("icmp_type", "icmp-type", r[NFV_FW_RULE_A_ICMP_TYPE], 8);
	print_u("icmp_code", "icmp-code", r[NFV_FW_RULE_A_ICMP_CODE], 8);
	print_tcp_flags(r[NFV_FW_RULE_A_TCP_FLAGS],
			r[NFV_FW_RULE_A_TCP_FLAGS_MASK]);
	print_ctstate(r[NFV_FW_RULE_A_CTSTATE]);
	print_meter(r);
	if (attr_u8(r[NFV_FW_RULE_A_ACTION], &v) && v < __NFV_FW_ACTION_MAX) {
		print_reject(r[NFV_FW_RULE_A_REJECT]);
		if (opts.json)
			jw_str("action", action_name[v]);
		else
			printf(" %s", action_name[v]);
	}
	if (!opts.json)
		printf("  #");
	print_u("handle", "handle", r[NFV_FW_RULE_A_HANDLE], 32);
	print_u("packets", "packets", r[NFV_FW_RULE_A_PACKETS], 64);
	print_u("bytes", "bytes", r[NFV_FW_RULE_A_BYTES], 64);
	print_u("meter_limited", "limited", r[NFV_FW_RULE_A_METER_LIMITED], 64);
	print_u("meter_full", "meter-full", r[NFV_FW_RULE_A_METER_FULL], 64);
	if (opts.json)
		jw_obj_close();
	else
		putchar('\n');
	return 0;
}

/* "fw COMMAND DP NAME": named_request() from the command line. */
static int fw_request(const char *cmd, uint8_t nlcmd, int argc, char **argv,
		      nfv_reply_fn reply)
{
	const char *dp, *name;

	if (parse_dp_nf(cmd, &argc, &argv, "firewall", &dp, &name))
		return -1;
	if (argc)
		return usage_err(cmd, "unknown argument \"%s\"", *argv);
	return named_request(nlcmd, dp, name, reply);
}

/*
 * fw rule list DP NAME: the ports first, for their device names (a dump
 * cannot be asked for while another runs on the socket).
 */
static int fw_rule_list(int argc, char **argv)
{
	const char *cmd = "fw rule list", *dp, *name;
	struct rule_list l = { .out = { 0 } };
	struct nl_msg *msg;
	int err;

	if (parse_dp_nf(cmd, &argc, &argv, "firewall", &dp, &name))
		return -1;
	if (argc)
		return usage_err(cmd, "unknown argument \"%s\"", *argv);
	l.ports.dp = dp;
	if (port_names_load(&l.ports))
		return -1;
	msg = nfv_msg(NFV_CMD_NF_ITEM_GET, true);
	if (!msg) {
		err = -1;
	} else if (nla_put_string(msg, NFV_A_DP_NAME, dp) < 0 ||
		   nla_put_string(msg, NFV_A_NF_NAME, name) < 0) {
		err = nfv_msg_full(msg);
	} else {
		err = nfv_talk(msg, rule_reply, &l);
		list_end(&l.out, err);
	}
	port_names_free(&l.ports);
	return err;
}

static int fw_rule(int argc, char **argv)
{
	if (!argc)
		return usage_err("fw rule", "missing command");
	if (matches(*argv, "add") || matches(*argv, "insert"))
		return fw_rule_edit("fw rule add", NFV_FW_OP_INSERT, argc - 1,
				    argv + 1);
	if (matches(*argv, "set") || matches(*argv, "replace"))
		return fw_rule_edit("fw rule set", NFV_FW_OP_SET, argc - 1,
				    argv + 1);
	if (matches(*argv, "del") || matches(*argv, "delete"))
		return fw_rule_edit("fw rule del", NFV_FW_OP_DELETE, argc - 1,
				    argv + 1);
	if (matches(*argv, "list") || matches(*argv, "show"))
		return fw_rule_list(argc - 1, argv + 1);
	return usage_err("fw rule", "unknown command \"%s\"", *argv);
}

struct fw_load {
	const char *cmd;
	struct nl_msg **batch;	/* each: NFV_FW_A_RULES, built before sending */
	struct nlattr *rules;	/* open in the last batch */
	unsigned int nbatch;
	unsigned int in_batch;
	int policy;
	struct fw_target t;		/* for in-port IFNAME */
};

static int load_batch(struct fw_load *l)
{
	struct nl_msg **more, *m;

	if (l->nbatch)
		nla_nest_end(l->batch[l->nbatch - 1], l->rules);
	more = realloc(l->batch, (l->nbatch + 1) * sizeof(*more));
	if (!more)
		return -2;
	l->batch = more;
	m = scratch_msg();
	if (!m)
		return -1;
	l->batch[l->nbatch++] = m;
	l->rules = nla_nest_start(m, NFV_FW_A_RULES);
	l->in_batch = 0;
	return l->rules ? 0 : -2;
}

/* One rule of a line (a set makes several), into the open batch. */
static int load_rule(void *ctx, int argc, char **argv)
{
	struct fw_load *l = ctx;
	int err;

	if (l->in_batch == FW_LOAD_BATCH) {
		err = load_batch(l);
		if (err)
			return err;
	}
	err = put_rule(l->batch[l->nbatch - 1], l->cmd, &l->t, argc, argv);
	if (!err)
		l->in_batch++;
	return err;
}

static int load_line(struct fw_load *l, int n, char **words,
		     unsigned long lineno)
{
	int err;

	if (!n)
		return 0;
	if (matches(words[0], "policy")) {
		l->policy = n == 2 ? lookup(action_name, NFV_FW_REJECT,
					    words[1]) : -1;
		if (l->policy < 0)
			return usage_err(l->cmd,
					 "line %lu: policy is accept or drop",
					 lineno);
		return 0;
	}
	err = fw_expand_rule(l->cmd, n, words, load_rule, l);
	if (err == -2)
		return usage_err(l->cmd, "line %lu: rule too large", lineno);
	if (err)
		return usage_err(l->cmd, "line %lu: bad rule", lineno);
	return 0;
}

/* The file's lines, split as batch files are (cmd_read()). */
static int load_read(struct fw_load *l, const char *path)
{
	struct cmd_reader r = { .f = stdin };
	int n, err;

	if (strcmp(path, "-"))
		r.f = fopen(path, "r");
	if (!r.f) {
		err_msg("%s: %s", path, strerror(errno));
		return -1;
	}
	err = load_batch(l);
	while (!err && (n = cmd_read(&r)) != -1)
		err = n < 0 ? usage_err(l->cmd, "line %lu: %s", r.lineno, r.err)
			    : load_line(l, n, r.argv, r.lineno);
	if (!err && r.err) {
		err_msg("%s: read error: %s", path, r.err);
		err = -1;
	}
	if (!err)
		nla_nest_end(l->batch[l->nbatch - 1], l->rules);
	if (r.f != stdin)
		fclose(r.f);
	cmd_reader_free(&r);
	return err;
}

/*
 * Sends the batches: BEGIN, APPEND..., COMMIT, or REPLACE when one holds
 * everything. The last carries the policy; the kernel swaps at COMMIT.
 */
static int load_send(struct fw_load *l, const char *dp, const char *name)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < l->nbatch && !err; i++) {
		struct nl_msg *m = l->batch[i];
		bool last = i == l->nbatch - 1;
		uint8_t op = last ? (i ? NFV_FW_OP_COMMIT : NFV_FW_OP_REPLACE) :
				    (i ? NFV_FW_OP_APPEND : NFV_FW_OP_BEGIN);

		l->batch[i] = NULL;
		if (nla_put_u8(m, NFV_FW_A_OP, op) < 0 ||
		    (last && l->policy >= 0 &&
		     nla_put_u8(m, NFV_FW_A_POLICY, (uint8_t)l->policy) < 0))
			return scratch_fail(m, -2);
		err = fw_send(NFV_CMD_NF_SET, dp, name, m);
	}
	return err;
}

/* A file without a policy line leaves the policy: say which it is. */
static void load_note_policy(const char *dp, const char *name)
{
	struct fw_info_of p = { .name = name };

	if (!fw_info(dp, &p) && p.policy >= 0)
		fprintf(stderr, "fw load: no policy line: %s keeps policy %s\n",
			name, action_name[p.policy]);
}

/* fw load DP NAME FILE: the file's rules replace the instance's at once. */
static int fw_load(int argc, char **argv)
{
	struct fw_load l = { .cmd = "fw load", .policy = -1 };
	const char *dp, *name;
	unsigned int i;
	int err;

	if (parse_dp_nf(l.cmd, &argc, &argv, "firewall", &dp, &name))
		return -1;
	l.t.ports.dp = dp;
	l.t.name = name;
	if (!argc)
		return usage_err(l.cmd, "missing FILE");
	if (argc > 1)
		return usage_err(l.cmd, "unknown argument \"%s\"", argv[1]);
	/* Room for a batch; the netlink message may be larger than a page. */
	nlmsg_set_default_size(FW_LOAD_MSG_SIZE);
	err = load_read(&l, *argv);
	if (err == -2)
		err_msg("out of memory");
	if (!err)
		err = load_send(&l, dp, name);
	if (!err && l.policy < 0)
		load_note_policy(dp, name);
	for (i = 0; i < l.nbatch; i++)
		if (l.batch[i])
			nlmsg_free(l.batch[i]);
	free(l.batch);
	port_names_free(&l.t.ports);
	return err ? -1 : 0;
}

static int fw_show_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	const char *name = attr_str(tb[NFV_A_NF_NAME]);
	const char *type = attr_str(tb[NFV_A_NF_TYPE]);
	struct nlattr *info[NFV_FW_A_MAX + 1];
	uint8_t policy;

	(void)cmd;
	if (!name || !type || strcmp(type, "fw") ||
	    attr_nested(info, NFV_FW_A_MAX, tb[NFV_A_NF_INFO]) < 0)
		return 0;
	list_elem(arg);
	if (opts.json) {
		jw_obj_open(NULL);
		jw_str("name", name);
	} else {
		printf("%s:", name);
	}
	if (attr_u8(info[NFV_FW_A_POLICY], &policy) && policy <= NFV_FW_DROP) {
		if (opts.json)
			jw_str("policy", action_name[policy]);
		else
			printf(" policy %s", action_name[policy]);
	}
	print_u("rules", "rules", info[NFV_FW_A_NRULES], 32);
	print_u("subtables", "subtables", info[NFV_FW_A_SUBTABLES], 32);
	print_u("zone_max_flows", "zone-max-flows",
		info[NFV_FW_A_ZONE_MAX_FLOWS], 32);
	print_u("zone_max_half_open", "zone-max-half-open",
		info[NFV_FW_A_ZONE_MAX_HALF_OPEN], 32);
	print_on_off("tcp_loose", "tcp-loose", info[NFV_FW_A_TCP_LOOSE]);
	nf_stats_print(info[NFV_FW_A_STATS], NFV_FW_STAT_MAX, fw_stats,
		       ARRAY_SIZE(fw_stats));
	if (opts.json)
		jw_obj_close();
	else
		putchar('\n');
	return 0;
}

static const char *fw_state_name(uint8_t proto, uint8_t state)
{
	if (proto == IPPROTO_TCP)
		return state < __NFV_FW_TCP_MAX ? tcp_state_name[state] : NULL;
	if (state == NFV_FW_GEN_UNREPLIED)
		return "UNREPLIED";
	return state == NFV_FW_GEN_REPLIED ? "REPLIED" : NULL;
}

/* The per-NF state of a flow (NFV_FLOW_A_NF nests), for flow_print. */
void flow_print_nf(struct nlattr *flow, uint8_t proto)
{
	struct nlattr *a;
	bool open = false;
	int rem;

	nla_for_each_nested(a, flow, rem) {
		struct nlattr *tb[NFV_A_MAX + 1], *info[NFV_FW_A_MAX + 1];
		const char *name = NULL, *state;
		uint8_t v;

		if (nla_type(a) == NFV_FLOW_A_NF &&
		    attr_nested(tb, NFV_A_MAX, a) >= 0)
			name = attr_str(tb[NFV_A_NF_NAME]);
		if (!name ||
		    attr_nested(info, NFV_FW_A_MAX, tb[NFV_A_NF_INFO]) < 0 ||
		    !attr_u8(info[NFV_FW_A_STATE], &v))
			continue;
		state = fw_state_name(proto, v);
		if (!opts.json) {
			printf(" %s %s", name, state ? state : "?");
			continue;
		}
		if (!open)
			jw_arr_open("nf");
		open = true;
		jw_obj_open(NULL);
		jw_str("name", name);
		if (state)
			jw_str("state", state);
		else
			jw_u64("state", v);
		jw_obj_close();
	}
	if (open)
		jw_arr_close();
}

static bool flow_has_nf(struct nlattr *flow, const char *name)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, flow, rem) {
		struct nlattr *tb[NFV_A_MAX + 1];
		const char *n = NULL;

		if (nla_type(a) == NFV_FLOW_A_NF &&
		    attr_nested(tb, NFV_A_MAX, a) >= 0)
			n = attr_str(tb[NFV_A_NF_NAME]);
		if (n && !strcmp(n, name))
			return true;
	}
	return false;
}

struct fw_flows {
	struct list_out out;
	const char *name;
};

static int fw_flows_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct fw_flows *f = arg;

	if (!tb[NFV_A_FLOW] || !flow_has_nf(tb[NFV_A_FLOW], f->name))
		return 0;
	return flow_show_reply(cmd, tb, &f->out);
}

/* fw flows DP NAME: the flows the instance tracks, with their state. */
static int fw_flows(int argc, char **argv)
{
	const char *cmd = "fw flows", *dp;
	struct fw_flows f = { .out = { 0 } };
	struct nl_msg *msg;
	int err;

	if (parse_dp_nf(cmd, &argc, &argv, "firewall", &dp, &f.name))
		return -1;
	if (argc)
		return usage_err(cmd, "unknown argument \"%s\"", *argv);
	msg = nfv_msg(NFV_CMD_FLOW_GET, true);
	if (!msg)
		return -1;
	if (nla_put_string(msg, NFV_A_DP_NAME, dp) < 0)
		return nfv_msg_full(msg);
	err = nfv_talk(msg, fw_flows_reply, &f);
	list_end(&f.out, err);
	return err;
}

int do_fw(int argc, char **argv)
{
	if (!argc)
		return usage_err("fw", "missing command");
	if (matches(*argv, "add"))
		return fw_add_set("fw add", NFV_CMD_NF_NEW, argc - 1, argv + 1);
	if (matches(*argv, "set"))
		return fw_add_set("fw set", NFV_CMD_NF_SET, argc - 1, argv + 1);
	if (matches(*argv, "del") || matches(*argv, "delete"))
		return fw_request("fw del", NFV_CMD_NF_DEL, argc - 1, argv + 1,
				  NULL);
	if (matches(*argv, "show") || matches(*argv, "list"))
		return dp_request("fw show", NFV_CMD_NF_GET, argc - 1, argv + 1,
				  fw_show_reply);
	if (matches(*argv, "rule"))
		return fw_rule(argc - 1, argv + 1);
	if (matches(*argv, "load"))
		return fw_load(argc - 1, argv + 1);
	if (matches(*argv, "flows"))
		return fw_flows(argc - 1, argv + 1);
	if (matches(*argv, "help")) {
		usage_fw(stdout);
		return 0;
	}
	return usage_err("fw", "unknown command \"%s\"", *argv);
}
