// SPDX-License-Identifier: GPL-2.0
/*
 * nfvctl fw rules: a rule's words into NFV_FW_RULE_A_* attributes, and a
 * rule's attributes back into those words (or JSON), for fw.c's commands.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "fwrule.h"
#include "fwsyntax.h"
#include "json.h"
#include "nfvctl.h"

const char *const action_name[__NFV_FW_ACTION_MAX] = {
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

static const struct {
	const char *name;
	uint8_t proto;
} protos[] = {
	{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP },
	{ "icmp", IPPROTO_ICMP }, { "icmpv6", IPPROTO_ICMPV6 },
	{ "udplite", IPPROTO_UDPLITE }, { "sctp", IPPROTO_SCTP },
	{ "dccp", IPPROTO_DCCP },
};

int lookup(const char *const *names, int n, const char *s)
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

/*
 * nla_put() for a rule's attributes, the same bytes: libnl's checks,
 * calls and debug hooks cost about 190 instructions an attribute, a sixth
 * of what nfvctl spends on a rule of a file (callgrind), this about 30.
 * -1 when the message is full.
 */
static int rule_put(struct nl_msg *msg, int type, const void *data,
		    size_t len)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	size_t at = NLMSG_ALIGN(h->nlmsg_len);
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);
	struct nlattr *a = (struct nlattr *)((char *)h + at);

	if (at + total > nlmsg_get_max_size(msg))
		return -1;
	a->nla_type = (uint16_t)type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, total - NLA_HDRLEN - len);
	h->nlmsg_len = (uint32_t)(at + total);
	return 0;
}

static int rule_put_u8(struct nl_msg *msg, int type, uint8_t v)
{
	return rule_put(msg, type, &v, sizeof(v));
}

static int rule_put_u16(struct nl_msg *msg, int type, uint16_t v)
{
	return rule_put(msg, type, &v, sizeof(v));
}

static int rule_put_u32(struct nl_msg *msg, int type, uint32_t v)
{
	return rule_put(msg, type, &v, sizeof(v));
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
	if (rule_put_u16(msg, amin, htons((uint16_t)lo)) < 0 ||
	    rule_put_u16(msg, amax, htons((uint16_t)hi)) < 0)
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
	if (rule_put(msg, aaddr, addr, fam == AF_INET ? 4 : 16) < 0 ||
	    rule_put_u8(msg, alen, (uint8_t)len) < 0)
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
	return rule_put_u32(msg, NFV_FW_RULE_A_CTSTATE, mask) < 0 ? -2 : 0;
}

static int put_u8_arg(struct nl_msg *msg, const char *cmd, const char *what,
		      const char *arg, int type)
{
	uint32_t v;

	if (parse_u32(cmd, what, arg, 0, 255, &v))
		return -1;
	return rule_put_u8(msg, type, (uint8_t)v) < 0 ? -2 : 0;
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
int fw_info(const char *dp, struct fw_info_of *p)
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
bool fw_has_rule_attr(struct fw_target *t, int type)
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
	return rule_put_u32(msg, NFV_FW_RULE_A_IN_PORT, port) < 0 ? -2 : 0;
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
		return rule_put_u8(msg, NFV_FW_RULE_A_REJECT, (uint8_t)type) < 0 ?
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
	return rule_put_u8(msg, NFV_FW_RULE_A_TCP_FLAGS, v & 0xff) < 0 ||
	       rule_put_u8(msg, NFV_FW_RULE_A_TCP_FLAGS_MASK, v >> 8) < 0 ?
	       -2 : 0;
}

/* What put_rule() keeps of a rule's words until they all parsed. */
struct rule_words {
	const char *in_dev;
	uint32_t port;
	uint8_t family, proto;
	int reject, tcp_flags;
};

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
	     (rule_put_u32(msg, NFV_FW_RULE_A_LIMIT_RATE, m->rate) < 0 ||
	      rule_put_u32(msg, NFV_FW_RULE_A_LIMIT_PERIOD, m->period) < 0)) ||
	    (m->has_burst &&
	     rule_put_u32(msg, NFV_FW_RULE_A_LIMIT_BURST, m->burst) < 0) ||
	    (m->over && nla_put_flag(msg, NFV_FW_RULE_A_LIMIT_OVER) < 0) ||
	    (m->has_count &&
	     rule_put_u32(msg, NFV_FW_RULE_A_COUNT_MAX, m->count) < 0) ||
	    (m->has_size &&
	     rule_put_u32(msg, NFV_FW_RULE_A_METER_SIZE, m->size) < 0) ||
	    (m->has_v6_prefix &&
	     rule_put_u8(msg, NFV_FW_RULE_A_METER_V6_PREFIX,
			(uint8_t)m->v6_prefix) < 0))
		return -2;
	return 0;
}

/* put_rule()'s keywords, but the meter's (parse_meter_word()). */
enum rule_word {
	W_OTHER, W_IN_PORT, W_SRC, W_DST, W_PROTO, W_SPORT, W_DPORT,
	W_ICMP_TYPE, W_ICMP_CODE, W_STATE, W_CT, W_TCP_FLAGS, W_REJECT_WITH,
};

/*
 * By the first letter, then one or two strcmp()s: every word of every
 * rule of a file asks, and a chain of strcmp()s cost as much as the rest
 * of the word's parse.
 */
static enum rule_word rule_word(const char *kw)
{
	switch (kw[0]) {
	case 'c':
		return !strcmp(kw, "ct") ? W_CT : W_OTHER;
	case 'd':
		return !strcmp(kw, "dst") ? W_DST :
		       !strcmp(kw, "dport") ? W_DPORT : W_OTHER;
	case 'i':
		return !strcmp(kw, "in-port") ? W_IN_PORT :
		       !strcmp(kw, "icmp-type") ? W_ICMP_TYPE :
		       !strcmp(kw, "icmp-code") ? W_ICMP_CODE : W_OTHER;
	case 'p':
		return !strcmp(kw, "proto") ? W_PROTO : W_OTHER;
	case 'r':
		return !strcmp(kw, "reject-with") ? W_REJECT_WITH : W_OTHER;
	case 's':
		return !strcmp(kw, "src") ? W_SRC :
		       !strcmp(kw, "sport") ? W_SPORT :
		       !strcmp(kw, "state") ? W_STATE : W_OTHER;
	case 't':
		return !strcmp(kw, "tcp-flags") ? W_TCP_FLAGS : W_OTHER;
	}
	return W_OTHER;
}

/* The action, if the word is one (the words that start as one do). */
static int rule_action(const char *kw)
{
	if (kw[0] != 'a' && kw[0] != 'd' && kw[0] != 'r')
		return -1;
	return lookup(action_name, __NFV_FW_ACTION_MAX, kw);
}

/* One keyword's value, arg: 1 if kw is none of put_rule()'s. */
static int rule_value(struct nl_msg *msg, const char *cmd, enum rule_word w,
		      const char *arg, struct rule_words *rw)
{
	switch (w) {
	case W_IN_PORT:
		return parse_in_port(cmd, arg, &rw->port, &rw->in_dev);
	case W_SRC:
		return put_prefix(msg, cmd, arg, NFV_FW_RULE_A_SRC,
				  NFV_FW_RULE_A_SRC_LEN, &rw->family);
	case W_DST:
		return put_prefix(msg, cmd, arg, NFV_FW_RULE_A_DST,
				  NFV_FW_RULE_A_DST_LEN, &rw->family);
	case W_PROTO:
		return parse_proto(cmd, arg, &rw->proto) ?:
		       (rule_put_u8(msg, NFV_FW_RULE_A_PROTO, rw->proto) < 0 ?
			-2 : 0);
	case W_SPORT:
		return put_range(msg, cmd, "port", arg, NFV_FW_RULE_A_SPORT_MIN,
				 NFV_FW_RULE_A_SPORT_MAX);
	case W_DPORT:
		return put_range(msg, cmd, "port", arg, NFV_FW_RULE_A_DPORT_MIN,
				 NFV_FW_RULE_A_DPORT_MAX);
	case W_ICMP_TYPE:
		return put_u8_arg(msg, cmd, "ICMP type", arg,
				  NFV_FW_RULE_A_ICMP_TYPE);
	case W_ICMP_CODE:
		return put_u8_arg(msg, cmd, "ICMP code", arg,
				  NFV_FW_RULE_A_ICMP_CODE);
	case W_STATE:
	case W_CT:
		return put_ctstate(msg, cmd, arg);
	case W_TCP_FLAGS:
		return parse_tcp_flags(cmd, arg, &rw->tcp_flags);
	case W_REJECT_WITH:
		rw->reject = lookup(reject_name, __NFV_FW_REJECT_MAX, arg);
		if (rw->reject < 0)
			return usage_err(cmd, "unknown reject type \"%s\"", arg);
		return 0;
	case W_OTHER:
		break;
	}
	return 1;
}

/*
 * One rule's keywords, argv[0..argc), as an NFV_FW_A_RULE nest. Device
 * names are looked up after the words all parsed, so that a bad word is
 * reported before anything is asked of the kernel.
 */
int put_rule(struct nl_msg *msg, const char *cmd,
	     struct fw_target *t, int argc, char **argv)
{
	struct nlattr *nest = nla_nest_start(msg, NFV_FW_A_RULE);
	struct rule_words rw = { .reject = -1, .tcp_flags = -1 };
	struct meter_args meter = { 0 };
	int action = -1, err = 0;

	if (!nest)
		return -2;
	for (; argc > 0 && !err; argc--, argv++) {
		const char *kw = *argv;
		enum rule_word w;

		action = rule_action(kw);
		if (action < 0 && argc == 1)
			return usage_err(cmd, "rule must end with accept, drop or reject (at \"%s\")",
					 kw);
		if (action >= 0 && argc > 1)
			return usage_err(cmd, "words after the action (at \"%s\")",
					 kw);
		if (action >= 0)
			break;
		w = rule_word(kw);
		if (w == W_CT) {
			if (argc < 3 || strcmp(argv[1], "state"))
				return usage_err(cmd, "\"ct\" needs \"state STATES\"");
			argc--, argv++;
		} else if (w == W_OTHER && !strcmp(kw, "count-per-source")) {
			if (argc < 3 || strcmp(argv[1], "over"))
				return usage_err(cmd, "\"count-per-source\" needs \"over N\"");
			argc--, argv++;
		} else if (w == W_OTHER && !strcmp(kw, "limit-per-source") &&
			   argc > 2 && !strcmp(argv[1], "over")) {
			meter.over = true;
			argc--, argv++;
		}
		if (need_arg(cmd, &argc, &argv))
			return -1;
		err = rule_value(msg, cmd, w, *argv, &rw);
		if (err == 1) {
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
	if (rw.reject >= 0 && action != NFV_FW_REJECT)
		return usage_err(cmd, "reject-with needs the reject action");
	err = (rw.in_dev ? put_in_dev(msg, cmd, t, rw.in_dev) : 0) ?:
	      (rw.reject >= 0 ?
	       put_reject(msg, cmd, t, rw.reject, rw.proto) : 0) ?:
	      (rw.tcp_flags >= 0 ?
	       put_tcp_flags(msg, cmd, t, rw.tcp_flags, rw.proto) : 0) ?:
	      put_meter(msg, cmd, t, &meter);
	if (err)
		return err;
	if ((rw.port &&
	     rule_put_u32(msg, NFV_FW_RULE_A_IN_PORT, rw.port) < 0) ||
	    (rw.family &&
	     rule_put_u8(msg, NFV_FW_RULE_A_FAMILY, rw.family) < 0) ||
	    rule_put_u8(msg, NFV_FW_RULE_A_ACTION, (uint8_t)action) < 0)
		return -2;
	nla_nest_end(msg, nest);
	return 0;
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

void print_u(const char *key, const char *text, struct nlattr *a,
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

/*
 * A rule, in the syntax "fw rule add" takes (with its port's device name
 * in parentheses), then its counters.
 */
int rule_reply(uint8_t cmd, struct nlattr **tb, void *arg)
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
