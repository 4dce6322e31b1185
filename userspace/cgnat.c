// SPDX-License-Identifier: GPL-2.0
/*
 * nfvctl cgnat: instances of the "cgnat" NF type (nfv_cgnat.ko), their
 * pools' use and their mappings.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "nfvctl.h"

void usage_cgnat(FILE *f)
{
	fputs("  cgnat add DP NAME pool PREFIX [pool PREFIX]... [inside PREFIX]\n"
	      "         [block-size N] [max-blocks N] [max-sessions N]\n"
	      "         [quarantine SECONDS] [max-subscribers N]\n"
	      "         [max-mappings N] [outside-zone Z]\n"
	      "         [filtering endpoint|address] [mode block|deterministic]\n"
	      "         [session-events on|off] [pool-id ID]\n"
	      "         [timeout {udp|tcp-established|tcp-transitory|icmp} SECONDS...]\n"
	      "         [static {tcp|udp} INSIDE:PORT PUBLIC:PORT]...\n"
	      "         [exclude PREFIX]...\n"
	      "  cgnat del DP NAME\n"
	      "  cgnat show DP [NAME]\n"
	      "  cgnat mappings DP NAME\n"
	      "  cgnat lookup DP NAME PUBLIC_IP:PORT [proto tcp|udp|icmp]\n"
	      "  cgnat lookup DP NAME PUBLIC_IP:PORT at TIME log FILE\n"
	      "  cgnat log DP NAME [ipfix HOST:PORT] [domain ID]\n"
	      "         [template-refresh SECONDS] [syslog] [file PATH]\n", f);
}

/* "A.B.C.D[/LEN]", IPv4 only: 0, or -1 with the error reported. */
int cgnat_parse_prefix(const char *cmd, const char *arg, uint32_t *addr,
		       uint8_t *len)
{
	char buf[INET_ADDRSTRLEN + 4], *slash;
	uint32_t l = 32;
	struct in_addr a;

	if (strlen(arg) >= sizeof(buf))
		return usage_err(cmd, "invalid prefix \"%s\"", arg);
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	if (slash) {
		*slash++ = '\0';
		if (parse_u32(cmd, "prefix length", slash, 0, 32, &l))
			return -1;
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		return usage_err(cmd, "invalid IPv4 address \"%s\"", buf);
	*addr = a.s_addr;
	*len = (uint8_t)l;
	return 0;
}

/* A prefix in a nest of attribute type (pool, exclude): its ADDR, LEN. */
static int put_prefix(struct nl_msg *cfg, const char *cmd, const char *arg,
		      int type, int addr_attr, int len_attr)
{
	struct nlattr *nest;
	uint32_t addr;
	uint8_t len;

	if (cgnat_parse_prefix(cmd, arg, &addr, &len))
		return -1;
	nest = nla_nest_start(cfg, type);
	if (!nest || nla_put_u32(cfg, addr_attr, addr) < 0 ||
	    nla_put_u8(cfg, len_attr, len) < 0)
		return -2;
	nla_nest_end(cfg, nest);
	return 0;
}

/* "A.B.C.D:PORT", port 1-65535: 0, or -1 with the error reported. */
static int parse_addr_port(const char *cmd, const char *arg, uint32_t *addr,
			   uint16_t *port)
{
	char buf[INET_ADDRSTRLEN + 6], *colon;
	struct in_addr a;
	uint32_t p;

	if (strlen(arg) >= sizeof(buf) || !strchr(arg, ':'))
		return usage_err(cmd, "expected ADDRESS:PORT, not \"%s\"", arg);
	strcpy(buf, arg);
	colon = strchr(buf, ':');
	*colon++ = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return usage_err(cmd, "invalid IPv4 address \"%s\"", buf);
	if (parse_u32(cmd, "port", colon, 1, UINT16_MAX, &p))
		return -1;
	*addr = a.s_addr;
	*port = htons((uint16_t)p);
	return 0;
}

/* "static PROTO INSIDE:PORT PUBLIC:PORT": a mapping's attributes. */
static int put_static(struct nl_msg *cfg, const char *cmd, char **argv)
{
	uint32_t in, pub;
	uint16_t inp, pubp;
	struct nlattr *nest;
	uint8_t proto;

	if (!strcmp(argv[1], "tcp"))
		proto = IPPROTO_TCP;
	else if (!strcmp(argv[1], "udp"))
		proto = IPPROTO_UDP;
	else
		return usage_err(cmd, "static mapping protocol is tcp or udp, not \"%s\"",
				 argv[1]);
	if (parse_addr_port(cmd, argv[2], &in, &inp) ||
	    parse_addr_port(cmd, argv[3], &pub, &pubp))
		return -1;
	nest = nla_nest_start(cfg, NFV_CGNAT_A_STATIC);
	if (!nest || nla_put_u8(cfg, NFV_CGNAT_MAP_A_PROTO, proto) < 0 ||
	    nla_put_u32(cfg, NFV_CGNAT_MAP_A_INSIDE, in) < 0 ||
	    nla_put_u16(cfg, NFV_CGNAT_MAP_A_INSIDE_PORT, inp) < 0 ||
	    nla_put_u32(cfg, NFV_CGNAT_MAP_A_PUBLIC, pub) < 0 ||
	    nla_put_u16(cfg, NFV_CGNAT_MAP_A_PUBLIC_PORT, pubp) < 0)
		return -2;
	nla_nest_end(cfg, nest);
	return 0;
}

/* Keywords that may come more than once, each in its own nest. */
static bool repeated(const char *kw)
{
	return !strcmp(kw, "pool") || !strcmp(kw, "static") ||
	       !strcmp(kw, "exclude");
}

static int put_inside(struct nl_msg *cfg, const char *cmd, const char *arg)
{
	uint32_t addr;
	uint8_t len;

	if (cgnat_parse_prefix(cmd, arg, &addr, &len))
		return -1;
	if (nla_put_u32(cfg, NFV_CGNAT_A_INSIDE, addr) < 0 ||
	    nla_put_u8(cfg, NFV_CGNAT_A_INSIDE_LEN, len) < 0)
		return -2;
	return 0;
}

static const struct {
	const char *word;
	int attr;
	uint32_t min, max;
} cgnat_nums[] = {
	{ "block-size",		NFV_CGNAT_A_BLOCK_SIZE,		8, 64512 },
	{ "max-blocks",		NFV_CGNAT_A_MAX_BLOCKS,		1, 64 },
	{ "max-sessions",	NFV_CGNAT_A_MAX_SESSIONS,	1, UINT32_MAX },
	{ "quarantine",		NFV_CGNAT_A_QUARANTINE,		0, 86400 },
	{ "max-subscribers",	NFV_CGNAT_A_MAX_SUBSCRIBERS,	1, 1U << 24 },
	{ "max-mappings",	NFV_CGNAT_A_MAX_MAPPINGS,	1, 1U << 24 },
	{ "pool-id",		NFV_CGNAT_A_POOL_ID,		0, UINT32_MAX },
};

static int put_num(struct nl_msg *cfg, const char *cmd, const char *kw,
		   const char *arg, bool *known)
{
	uint32_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cgnat_nums); i++) {
		if (strcmp(kw, cgnat_nums[i].word))
			continue;
		*known = true;
		if (parse_u32(cmd, kw, arg, cgnat_nums[i].min,
			      cgnat_nums[i].max, &v))
			return -1;
		return nla_put_u32(cfg, cgnat_nums[i].attr, v) < 0 ? -2 : 0;
	}
	*known = false;
	return 0;
}

/* The classes of "timeout CLASS SECONDS...": floors are the module's. */
static const struct {
	const char *word, *key;	/* key: -j's */
	int attr;
} cgnat_timeouts[] = {
	{ "udp", "udp",	NFV_CGNAT_A_TIMEOUT_UDP },
	{ "tcp-established", "tcp_established",
	  NFV_CGNAT_A_TIMEOUT_TCP_ESTABLISHED },
	{ "tcp-transitory", "tcp_transitory",
	  NFV_CGNAT_A_TIMEOUT_TCP_TRANSITORY },
	{ "icmp", "icmp", NFV_CGNAT_A_TIMEOUT_ICMP },
};

static int timeout_attr(const char *word)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cgnat_timeouts); i++)
		if (!strcmp(word, cgnat_timeouts[i].word))
			return cgnat_timeouts[i].attr;
	return 0;
}

/*
 * The words argv[i] takes: "KEYWORD VALUE", or "timeout" with its
 * "CLASS SECONDS" pairs; 0 if a value is missing.
 */
static int arg_words(int argc, char **argv, int i)
{
	int n = 1;

	if (!strcmp(argv[i], "static"))
		return i + 3 < argc ? 4 : 0;
	if (strcmp(argv[i], "timeout"))
		return i + 1 < argc ? 2 : 0;
	while (i + n < argc && timeout_attr(argv[i + n])) {
		if (i + n + 1 >= argc)
			return 0;
		n += 2;
	}
	return n > 1 ? n : 0;
}

/* "timeout CLASS SECONDS...", n words from argv. */
static int put_timeouts(struct nl_msg *cfg, const char *cmd, int n,
			char **argv)
{
	int i, j, attr;
	uint32_t v;

	for (i = 1; i < n; i += 2) {
		for (j = 1; j < i; j += 2)
			if (!strcmp(argv[i], argv[j]))
				return usage_err(cmd, "duplicate timeout \"%s\"",
						 argv[i]);
		attr = timeout_attr(argv[i]);
		if (parse_u32(cmd, argv[i], argv[i + 1], 1, NFV_TIMEOUT_MAX,
			      &v))
			return -1;
		if (nla_put_u32(cfg, attr, v) < 0)
			return -2;
	}
	return 0;
}

/* One "KEYWORD VALUE" of "cgnat add" other than pool and timeout. */
static int put_option(struct nl_msg *cfg, const char *cmd, const char *kw,
		      const char *arg)
{
	bool known;
	uint32_t v;
	int err;

	if (!strcmp(kw, "inside"))
		return put_inside(cfg, cmd, arg);
	if (!strcmp(kw, "filtering")) {
		v = !strcmp(arg, "endpoint") ? NFV_CGNAT_FILTER_ENDPOINT :
		    !strcmp(arg, "address") ? NFV_CGNAT_FILTER_ADDRESS :
		    UINT32_MAX;
		if (v == UINT32_MAX)
			return usage_err(cmd, "filtering is endpoint or address");
		return nla_put_u8(cfg, NFV_CGNAT_A_FILTERING, (uint8_t)v) < 0 ?
		       -2 : 0;
	}
	if (!strcmp(kw, "mode")) {
		v = !strcmp(arg, "block") ? NFV_CGNAT_MODE_BLOCK :
		    !strcmp(arg, "deterministic") ?
		    NFV_CGNAT_MODE_DETERMINISTIC : UINT32_MAX;
		if (v == UINT32_MAX)
			return usage_err(cmd, "mode is block or deterministic");
		return nla_put_u8(cfg, NFV_CGNAT_A_MODE, (uint8_t)v) < 0 ?
		       -2 : 0;
	}
	if (!strcmp(kw, "session-events")) {
		v = !strcmp(arg, "on") ? 1 : !strcmp(arg, "off") ? 0 : 2;
		if (v > 1)
			return usage_err(cmd, "session-events is on or off");
		return nla_put_u8(cfg, NFV_CGNAT_A_SESSION_EVENTS,
				  (uint8_t)v) < 0 ? -2 : 0;
	}
	if (!strcmp(kw, "outside-zone")) {
		if (parse_u32(cmd, kw, arg, 0, UINT16_MAX, &v))
			return -1;
		return nla_put_u16(cfg, NFV_CGNAT_A_OUTSIDE_ZONE,
				   (uint16_t)v) < 0 ? -2 : 0;
	}
	err = put_num(cfg, cmd, kw, arg, &known);
	if (!known)
		return usage_err(cmd, "unknown argument \"%s\"", kw);
	return err;
}

/* The nest of every "KW ..." of argv (pools, statics, excludes). */
static int put_list(struct nl_msg *cfg, const char *cmd, int argc,
		    char **argv, const char *kw, int attr, int *n)
{
	struct nlattr *nest;
	int i, err = 0;

	*n = 0;
	for (i = 0; i < argc; i += arg_words(argc, argv, i))
		*n += !strcmp(argv[i], kw);
	if (!*n)
		return 0;
	nest = nla_nest_start(cfg, attr);
	if (!nest)
		return -2;
	for (i = 0; i < argc && !err; i += arg_words(argc, argv, i)) {
		if (strcmp(argv[i], kw))
			continue;
		if (attr == NFV_CGNAT_A_STATICS)
			err = put_static(cfg, cmd, argv + i);
		else if (attr == NFV_CGNAT_A_POOLS)
			err = put_prefix(cfg, cmd, argv[i + 1],
					 NFV_CGNAT_A_POOL,
					 NFV_CGNAT_POOL_A_ADDR,
					 NFV_CGNAT_POOL_A_LEN);
		else
			err = put_prefix(cfg, cmd, argv[i + 1],
					 NFV_CGNAT_A_EXCLUDE,
					 NFV_CGNAT_EXCLUDE_A_ADDR,
					 NFV_CGNAT_EXCLUDE_A_LEN);
	}
	if (!err)
		nla_nest_end(cfg, nest);
	return err;
}

/*
 * The NF_CONFIG of "cgnat add" in cfg: the pools in their nest first,
 * the static mappings and the excludes in theirs, then the rest. 0, -1 (reported) or -2 (the message is full).
 */
int cgnat_config(struct nl_msg *cfg, const char *cmd, int argc, char **argv)
{
	int i, j, n, err = 0, npools = 0;

	for (i = 0; i < argc; i += n) {
		n = arg_words(argc, argv, i);
		if (!n && !strcmp(argv[i], "timeout") && i + 1 < argc &&
		    !timeout_attr(argv[i + 1]))
			return usage_err(cmd, "unknown timeout \"%s\" (udp, tcp-established, tcp-transitory, icmp)",
					 argv[i + 1]);
		if (!n)
			return usage_err(cmd, "\"%s\" needs an argument",
					 argv[i]);
	}
	err = put_list(cfg, cmd, argc, argv, "pool", NFV_CGNAT_A_POOLS,
		       &npools);
	if (err)
		return err;
	if (!npools)
		return usage_err(cmd, "missing pool");
	err = put_list(cfg, cmd, argc, argv, "static", NFV_CGNAT_A_STATICS,
		       &n) ?:
	      put_list(cfg, cmd, argc, argv, "exclude", NFV_CGNAT_A_EXCLUDES,
		       &n);
	for (i = 0; i < argc && !err; i += n) {
		n = arg_words(argc, argv, i);
		if (repeated(argv[i]))
			continue;
		for (j = 0; j < i; j += arg_words(argc, argv, j))
			if (!strcmp(argv[i], argv[j]))
				return usage_err(cmd, "duplicate \"%s\"",
						 argv[i]);
		if (!strcmp(argv[i], "timeout"))
			err = put_timeouts(cfg, cmd, n, argv + i);
		else
			err = put_option(cfg, cmd, argv[i], argv[i + 1]);
	}
	return err;
}

static int cgnat_add(int argc, char **argv)
{
	const char *cmd = "cgnat add", *dp, *name;
	struct nl_msg *cfg, *msg;
	bool filtering = false, timeouts = false, mode = false;
	bool statics = false, excludes = false, pool_id = false;
	struct nlmsghdr *h;
	struct nlattr *nest;
	int i, err;

	if (parse_dp_nf(cmd, &argc, &argv, "cgnat", &dp, &name))
		return -1;
	for (i = 0; i < argc; i++) {
		filtering |= !strcmp(argv[i], "filtering");
		timeouts |= !strcmp(argv[i], "timeout");
		mode |= !strcmp(argv[i], "mode");
		statics |= !strcmp(argv[i], "static");
		excludes |= !strcmp(argv[i], "exclude");
		pool_id |= !strcmp(argv[i], "pool-id");
	}
	cfg = nlmsg_alloc();
	if (!cfg) {
		err_msg("out of memory");
		return -1;
	}
	err = cgnat_config(cfg, cmd, argc, argv);
	if (err) {
		nlmsg_free(cfg);
		if (err == -2)
			err_msg("request does not fit in a netlink message");
		return -1;
	}
	msg = nfv_msg(NFV_CMD_NF_NEW, false);
	if (!msg) {
		nlmsg_free(cfg);
		return -1;
	}
	h = nlmsg_hdr(cfg);
	nest = NULL;
	if (nla_put_string(msg, NFV_A_DP_NAME, dp) >= 0 &&
	    nla_put_string(msg, NFV_A_NF_NAME, name) >= 0 &&
	    nla_put_string(msg, NFV_A_NF_TYPE, "cgnat") >= 0)
		nest = nla_nest_start(msg, NFV_A_NF_CONFIG);
	if (!nest ||
	    nlmsg_append(msg, nlmsg_data(h), nlmsg_datalen(h), NLMSG_ALIGNTO)) {
		nlmsg_free(cfg);
		return nfv_msg_full(msg);
	}
	nlmsg_free(cfg);
	nla_nest_end(msg, nest);
	err = nfv_talk(msg, NULL, NULL);
	/* The newest first: a module without it may lack the others too. */
	if (err && pool_id && nl_unknown_attr())
		err_msg("the nfv_cgnat module lacks pool-id (NFV_CGNAT_A_POOL_ID): update the module");
	else if (err && mode && nl_unknown_attr())
		err_msg("the nfv_cgnat module lacks modes (NFV_CGNAT_A_MODE)%s: update the module",
			timeouts || filtering ? ", or timeouts or filtering" : "");
	else if (err && timeouts && nl_unknown_attr())
		err_msg("the nfv_cgnat module lacks timeouts (NFV_CGNAT_A_TIMEOUT_*)%s: update the module",
			filtering ? " or filtering" : "");
	else if (err && (statics || excludes) && nl_unknown_attr())
		err_msg("the nfv_cgnat module lacks %s: update the module",
			statics && excludes ? "static mappings (NFV_CGNAT_A_STATICS) or excludes (NFV_CGNAT_A_EXCLUDES)" :
			statics ? "static mappings (NFV_CGNAT_A_STATICS)" :
			"excludes (NFV_CGNAT_A_EXCLUDES)");
	else if (err && filtering && nl_unknown_attr())
		err_msg("the nfv_cgnat module lacks filtering (NFV_CGNAT_A_FILTERING): update the module");
	return err;
}

static void print_u32(const char *key, const char *text, struct nlattr *a)
{
	uint32_t v;

	if (!attr_u32(a, &v))
		return;
	if (opts.json)
		jw_u64(key, v);
	else
		printf(" %s %u", text, v);
}

/* "KEY A.B.C.D/LEN", or the prefix alone (an array's) with key NULL. */
static void print_prefix(const char *key, struct nlattr *addr,
			 struct nlattr *len)
{
	char buf[INET_ADDRSTRLEN + 4];
	const void *a = attr_bytes(addr, 4);
	uint8_t l = 32;

	if (!a || !inet_ntop(AF_INET, a, buf, INET_ADDRSTRLEN))
		return;
	attr_u8(len, &l);
	sprintf(buf + strlen(buf), "/%u", l);
	if (opts.json)
		jw_str(key, buf);
	else if (key)
		printf(" %s %s", key, buf);
	else
		printf(" %s", buf);
}

static void print_pool(struct nlattr *a)
{
	struct nlattr *tb[NFV_CGNAT_POOL_A_MAX + 1];
	uint32_t blocks = 0, used = 0, quar = 0;

	if (attr_nested(tb, NFV_CGNAT_POOL_A_MAX, a) < 0)
		return;
	attr_u32(tb[NFV_CGNAT_POOL_A_BLOCKS], &blocks);
	attr_u32(tb[NFV_CGNAT_POOL_A_BLOCKS_USED], &used);
	attr_u32(tb[NFV_CGNAT_POOL_A_BLOCKS_QUARANTINED], &quar);
	if (opts.json)
		jw_obj_open(NULL);
	else
		printf("\n\t");
	print_prefix("pool", tb[NFV_CGNAT_POOL_A_ADDR],
		     tb[NFV_CGNAT_POOL_A_LEN]);
	print_u32("addresses", "addresses", tb[NFV_CGNAT_POOL_A_ADDRESSES]);
	print_u32("blocks", "blocks", tb[NFV_CGNAT_POOL_A_BLOCKS]);
	print_u32("blocks_used", "used", tb[NFV_CGNAT_POOL_A_BLOCKS_USED]);
	print_u32("blocks_quarantined", "quarantined",
		  tb[NFV_CGNAT_POOL_A_BLOCKS_QUARANTINED]);
	/* Deterministic mode has no blocks. */
	if (tb[NFV_CGNAT_POOL_A_BLOCKS] && opts.json)
		jw_u64("blocks_free", blocks - used - quar);
	else if (tb[NFV_CGNAT_POOL_A_BLOCKS])
		printf(" free %u", blocks - used - quar);
	print_u32("subscribers", "subscribers",
		  tb[NFV_CGNAT_POOL_A_SUBSCRIBERS]);
	if (opts.json)
		jw_obj_close();
}

static const struct nf_stat cgnat_stats[] = {
	{ NFV_CGNAT_STAT_OUT,			"out" },
	{ NFV_CGNAT_STAT_IN,			"in" },
	{ NFV_CGNAT_STAT_NO_MAPPING,		"no_mapping" },
	{ NFV_CGNAT_STAT_NO_PORT,		"no_port" },
	{ NFV_CGNAT_STAT_NO_BLOCK,		"no_block" },
	{ NFV_CGNAT_STAT_NO_ADDRESS,		"no_address" },
	{ NFV_CGNAT_STAT_SESSION_LIMIT,		"session_limit" },
	{ NFV_CGNAT_STAT_SUBSCRIBER_LIMIT,	"subscriber_limit" },
	{ NFV_CGNAT_STAT_MAPPING_LIMIT,		"mapping_limit" },
	{ NFV_CGNAT_STAT_CLASH,			"clash" },
	{ NFV_CGNAT_STAT_UNSUPPORTED,		"unsupported" },
	{ NFV_CGNAT_STAT_NOMEM,			"nomem" },
	{ NFV_CGNAT_STAT_REJECT_SUPPRESSED,	"reject_suppressed" },
	{ NFV_CGNAT_STAT_FILTERED,		"filtered" },
	{ NFV_CGNAT_STAT_EVENTS_LOST,		"events_lost" },
	{ NFV_CGNAT_STAT_HAIRPIN,		"hairpin" },
	{ NFV_CGNAT_STAT_EXCLUDED,		"excluded" },
};

static void print_pools(struct nlattr *pools)
{
	struct nlattr *a;
	int rem;

	if (!pools)
		return;
	if (opts.json)
		jw_arr_open("pools");
	nla_for_each_nested(a, pools, rem)
		if (nla_type(a) == NFV_CGNAT_A_POOL)
			print_pool(a);
	if (opts.json)
		jw_arr_close();
}

/* "timeouts": {"udp": S, ...}; nothing from a module without them. */
static void print_timeouts(struct nlattr **info)
{
	bool any = false;
	uint32_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cgnat_timeouts); i++) {
		if (!attr_u32(info[cgnat_timeouts[i].attr], &v))
			continue;
		if (!any) {
			if (opts.json)
				jw_obj_open("timeouts");
			else
				printf("\n\ttimeout");
			any = true;
		}
		if (opts.json)
			jw_u64(cgnat_timeouts[i].key, v);
		else
			printf(" %s %u", cgnat_timeouts[i].word, v);
	}
	if (any && opts.json)
		jw_obj_close();
}

static const char *mode_name(uint8_t mode)
{
	return mode == NFV_CGNAT_MODE_DETERMINISTIC ? "deterministic" :
	       "block";
}

/* The mode, and deterministic mode's sizes; nothing from an old module. */
static void print_mode(struct nlattr **info)
{
	uint8_t mode;

	if (!attr_u8(info[NFV_CGNAT_A_MODE], &mode))
		return;
	if (opts.json)
		jw_str("mode", mode_name(mode));
	else
		printf(" mode %s", mode_name(mode));
	print_u32("ports_per_subscriber", "ports-per-subscriber",
		  info[NFV_CGNAT_A_DET_PORTS]);
	print_u32("subscribers_per_address", "subscribers-per-address",
		  info[NFV_CGNAT_A_DET_SUBSCRIBERS]);
}

static void print_addr_port(const char *akey, const char *pkey,
			    struct nlattr *addr, struct nlattr *port)
{
	char buf[INET_ADDRSTRLEN] = "?";
	const void *a = attr_bytes(addr, 4);
	uint16_t p = 0;

	if (a)
		inet_ntop(AF_INET, a, buf, sizeof(buf));
	if (attr_u16(port, &p))
		p = ntohs(p);
	if (opts.json) {
		jw_str(akey, buf);
		jw_u64(pkey, p);
	} else {
		printf("%s:%u", buf, p);
	}
}

/*
 * A mapping (an item of "cgnat mappings", or a static one of "cgnat
 * show"): "PROTO INSIDE:PORT -> PUBLIC:PORT zone Z [flows N] [static]"
 * or its JSON object.
 */
static void print_mapping(struct nlattr *nest)
{
	struct nlattr *m[NFV_CGNAT_MAP_A_MAX + 1];
	bool stat, counted;
	uint32_t flows = 0;
	uint16_t zone = 0;
	uint8_t proto = 0;

	if (attr_nested(m, NFV_CGNAT_MAP_A_MAX, nest) < 0)
		return;
	stat = m[NFV_CGNAT_MAP_A_STATIC];
	counted = attr_u32(m[NFV_CGNAT_MAP_A_FLOWS], &flows);
	attr_u8(m[NFV_CGNAT_MAP_A_PROTO], &proto);
	attr_u16(m[NFV_CGNAT_MAP_A_ZONE], &zone);
	if (opts.json) {
		jw_obj_open(NULL);
		if (ip_proto_name(proto))
			jw_str("proto", ip_proto_name(proto));
		else
			jw_u64("proto", proto);
		jw_u64("zone", zone);
	} else if (ip_proto_name(proto)) {
		printf("%s ", ip_proto_name(proto));
	} else {
		printf("proto %u ", proto);
	}
	print_addr_port("inside", "inside_port", m[NFV_CGNAT_MAP_A_INSIDE],
			m[NFV_CGNAT_MAP_A_INSIDE_PORT]);
	if (!opts.json)
		printf(" -> ");
	print_addr_port("public", "public_port", m[NFV_CGNAT_MAP_A_PUBLIC],
			m[NFV_CGNAT_MAP_A_PUBLIC_PORT]);
	if (opts.json) {
		if (counted)
			jw_u64("flows", flows);
		jw_bool("static", stat);
		jw_obj_close();
	} else {
		printf(" zone %u", zone);
		if (counted)
			printf(" flows %u", flows);
		if (stat)
			printf(" static");
	}
}

/* "excludes": the prefixes not translated; nothing if there are none. */
static void print_excludes(struct nlattr *excludes)
{
	struct nlattr *tb[NFV_CGNAT_EXCLUDE_A_MAX + 1], *a;
	int rem;

	if (!excludes)
		return;
	if (opts.json)
		jw_arr_open("excludes");
	else
		printf("\n\texclude");
	nla_for_each_nested(a, excludes, rem) {
		if (nla_type(a) != NFV_CGNAT_A_EXCLUDE ||
		    attr_nested(tb, NFV_CGNAT_EXCLUDE_A_MAX, a) < 0)
			continue;
		print_prefix(NULL, tb[NFV_CGNAT_EXCLUDE_A_ADDR],
			     tb[NFV_CGNAT_EXCLUDE_A_LEN]);
	}
	if (opts.json)
		jw_arr_close();
}

/* "statics": the static mappings of show; nothing if there are none. */
static void print_statics(struct nlattr *statics)
{
	struct nlattr *a;
	int rem;

	if (!statics)
		return;
	if (opts.json)
		jw_arr_open("statics");
	nla_for_each_nested(a, statics, rem) {
		if (nla_type(a) != NFV_CGNAT_A_STATIC)
			continue;
		if (!opts.json)
			printf("\n\t");
		print_mapping(a);
	}
	if (opts.json)
		jw_arr_close();
}

struct cgnat_show {
	struct list_out out;
	const char *name;		/* NULL: every instance */
	bool found;			/* the one named was shown */
};

static int cgnat_show_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	const char *name = attr_str(tb[NFV_A_NF_NAME]);
	const char *type = attr_str(tb[NFV_A_NF_TYPE]);
	struct nlattr *info[NFV_CGNAT_A_MAX + 1];
	struct cgnat_show *s = arg;
	uint16_t zone;
	uint8_t filt;

	(void)cmd;
	if (!name || !type || strcmp(type, "cgnat") ||
	    (s->name && strcmp(s->name, name)) ||
	    attr_nested(info, NFV_CGNAT_A_MAX, tb[NFV_A_NF_INFO]) < 0)
		return 0;
	s->found = true;
	list_elem(&s->out);
	if (opts.json) {
		jw_obj_open(NULL);
		jw_str("name", name);
	} else {
		printf("%s:", name);
	}
	print_prefix("inside", info[NFV_CGNAT_A_INSIDE],
		     info[NFV_CGNAT_A_INSIDE_LEN]);
	print_u32("block_size", "block-size", info[NFV_CGNAT_A_BLOCK_SIZE]);
	print_u32("max_blocks", "max-blocks", info[NFV_CGNAT_A_MAX_BLOCKS]);
	print_u32("max_sessions", "max-sessions",
		  info[NFV_CGNAT_A_MAX_SESSIONS]);
	print_u32("quarantine", "quarantine", info[NFV_CGNAT_A_QUARANTINE]);
	print_u32("max_subscribers", "max-subscribers",
		  info[NFV_CGNAT_A_MAX_SUBSCRIBERS]);
	print_u32("max_mappings", "max-mappings",
		  info[NFV_CGNAT_A_MAX_MAPPINGS]);
	print_u32("pool_id", "pool-id", info[NFV_CGNAT_A_POOL_ID]);
	if (attr_u16(info[NFV_CGNAT_A_OUTSIDE_ZONE], &zone)) {
		if (opts.json)
			jw_u64("outside_zone", zone);
		else
			printf(" outside-zone %u", zone);
	}
	if (attr_u8(info[NFV_CGNAT_A_FILTERING], &filt)) {
		const char *f = filt == NFV_CGNAT_FILTER_ADDRESS ? "address" :
				"endpoint";

		if (opts.json)
			jw_str("filtering", f);
		else
			printf(" filtering %s", f);
	}
	print_mode(info);
	if (!opts.json)
		printf("\n\t");
	print_u32("subscribers", "subscribers", info[NFV_CGNAT_A_SUBSCRIBERS]);
	print_u32("mappings", "mappings", info[NFV_CGNAT_A_MAPPINGS]);
	print_timeouts(info);
	print_pools(info[NFV_CGNAT_A_POOLS]);
	print_statics(info[NFV_CGNAT_A_STATICS]);
	print_excludes(info[NFV_CGNAT_A_EXCLUDES]);
	nf_stats_print(info[NFV_CGNAT_A_STATS], NFV_CGNAT_STAT_MAX,
		       cgnat_stats, ARRAY_SIZE(cgnat_stats));
	if (opts.json)
		jw_obj_close();
	else
		putchar('\n');
	return 0;
}

/* cgnat show DP [NAME] */
static int cgnat_show(int argc, char **argv)
{
	const char *cmd = "cgnat show", *dp;
	struct cgnat_show s = { .out = { 0 } };
	struct nl_msg *msg;
	int err;

	if (parse_dp(cmd, &argc, &argv, &dp))
		return -1;
	if (argc) {
		if (parse_name(cmd, "instance name", *argv, NFV_NAME_MAX))
			return -1;
		s.name = *argv;
		argc--, argv++;
	}
	if (argc)
		return usage_err(cmd, "unknown argument \"%s\"", *argv);
	msg = nfv_msg(NFV_CMD_NF_GET, true);
	if (!msg)
		return -1;
	if (nla_put_string(msg, NFV_A_DP_NAME, dp) < 0)
		return nfv_msg_full(msg);
	err = nfv_talk(msg, cgnat_show_reply, &s);
	list_end(&s.out, err);
	if (!err && s.name && !s.found) {
		err_msg("%s: no CGNAT instance \"%s\" in datapath %s", cmd,
			s.name, dp);
		return -1;
	}
	return err;
}

static void print_u16(const char *key, struct nlattr *a)
{
	uint16_t v;

	if (!attr_u16(a, &v))
		return;
	if (opts.json)
		jw_u64(key, v);
	else
		printf(" %s %u", key, v);
}

static void print_u16_be(const char *key, const char *text,
			 struct nlattr *a)
{
	uint16_t v;

	if (!attr_u16(a, &v))
		return;
	if (opts.json)
		jw_u64(key, ntohs(v));
	else
		printf(" %s %u", text, ntohs(v));
}

static int mapping_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	(void)cmd;
	if (!tb[NFV_A_NF_ITEM])
		return 0;
	list_elem(arg);
	print_mapping(tb[NFV_A_NF_ITEM]);
	if (!opts.json)
		putchar('\n');
	return 0;
}

/* cgnat mappings DP NAME */
static int cgnat_mappings(int argc, char **argv)
{
	const char *cmd = "cgnat mappings", *dp, *name;

	if (parse_dp_nf(cmd, &argc, &argv, "cgnat", &dp, &name))
		return -1;
	if (argc)
		return usage_err(cmd, "unknown argument \"%s\"", *argv);
	return named_request(NFV_CMD_NF_ITEM_GET, dp, name, mapping_reply);
}

/*
 * The NFV_A_NF_FILTER contents of "lookup PUBLIC_IP:PORT [proto P]".
 * 0, -1 (reported) or -2 (the message is full).
 */
int cgnat_lookup_filter(struct nl_msg *f, const char *cmd, int argc,
			char **argv)
{
	char buf[INET_ADDRSTRLEN + 8], *colon;
	uint32_t port, proto = 0;
	struct in_addr a;

	if (!argc)
		return usage_err(cmd, "missing PUBLIC_IP:PORT");
	if (strlen(argv[0]) >= sizeof(buf))
		return usage_err(cmd, "invalid address and port \"%s\"",
				 argv[0]);
	strcpy(buf, argv[0]);
	colon = strchr(buf, ':');
	if (!colon)
		return usage_err(cmd, "\"%s\" is not PUBLIC_IP:PORT", argv[0]);
	*colon++ = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return usage_err(cmd, "invalid IPv4 address \"%s\"", buf);
	if (parse_u32(cmd, "port", colon, 0, UINT16_MAX, &port))
		return -1;
	if (argc > 1 && strcmp(argv[1], "proto"))
		return usage_err(cmd, "unknown argument \"%s\"", argv[1]);
	if (argc == 2)
		return usage_err(cmd, "\"proto\" needs an argument");
	if (argc > 3)
		return usage_err(cmd, "unknown argument \"%s\"", argv[3]);
	if (argc == 3) {
		proto = !strcmp(argv[2], "tcp") ? IPPROTO_TCP :
			!strcmp(argv[2], "udp") ? IPPROTO_UDP :
			!strcmp(argv[2], "icmp") ? IPPROTO_ICMP : 0;
		if (!proto)
			return usage_err(cmd, "proto is tcp, udp or icmp");
	}
	if (nla_put_u32(f, NFV_CGNAT_MAP_A_PUBLIC, a.s_addr) < 0 ||
	    nla_put_u16(f, NFV_CGNAT_MAP_A_PUBLIC_PORT,
			htons((uint16_t)port)) < 0 ||
	    (proto && nla_put_u8(f, NFV_CGNAT_MAP_A_PROTO,
				 (uint8_t)proto) < 0))
		return -2;
	return 0;
}

/*
 * One answer: the inside address holding the public port, with the live
 * mapping's protocol, zone and inside port when one holds it.
 */
static int lookup_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct nlattr *m[NFV_CGNAT_MAP_A_MAX + 1];
	char in[INET_ADDRSTRLEN] = "?";
	uint8_t proto, mode = NFV_CGNAT_MODE_BLOCK;
	const void *a;

	(void)cmd;
	if (attr_nested(m, NFV_CGNAT_MAP_A_MAX, tb[NFV_A_NF_ITEM]) < 0)
		return 0;
	list_elem(arg);
	a = attr_bytes(m[NFV_CGNAT_MAP_A_INSIDE], 4);
	if (a)
		inet_ntop(AF_INET, a, in, sizeof(in));
	attr_u8(m[NFV_CGNAT_MAP_A_MODE], &mode);
	if (opts.json) {
		jw_obj_open(NULL);
		print_addr_port("public", "public_port",
				m[NFV_CGNAT_MAP_A_PUBLIC],
				m[NFV_CGNAT_MAP_A_PUBLIC_PORT]);
		jw_str("inside", in);
	} else {
		print_addr_port("public", "public_port",
				m[NFV_CGNAT_MAP_A_PUBLIC],
				m[NFV_CGNAT_MAP_A_PUBLIC_PORT]);
		printf(" inside %s", in);
	}
	print_u16("zone", m[NFV_CGNAT_MAP_A_ZONE]);
	if (attr_u8(m[NFV_CGNAT_MAP_A_PROTO], &proto)) {
		const char *p = ip_proto_name(proto);

		if (opts.json)
			jw_str("proto", p ? p : "?");
		else
			printf(" proto %s", p ? p : "?");
		print_u16_be("inside_port", "inside-port",
			     m[NFV_CGNAT_MAP_A_INSIDE_PORT]);
	}
	print_u32("flows", "flows", m[NFV_CGNAT_MAP_A_FLOWS]);
	/* The formula's answer holds at any time; a block's, only now. */
	if (opts.json) {
		jw_str("mode", mode_name(mode));
		jw_str("valid", mode == NFV_CGNAT_MODE_DETERMINISTIC ?
				"always" : "now");
		jw_obj_close();
	} else {
		printf(" (%s)\n", mode == NFV_CGNAT_MODE_DETERMINISTIC ?
		       "deterministic: at any time" : "now");
	}
	return 0;
}

/*
 * cgnat lookup DP NAME PUBLIC_IP:PORT [proto P], or, from cgnat log's
 * records, ... at TIME log FILE (cgnatpast.c).
 */
static int cgnat_lookup(int argc, char **argv)
{
	const char *cmd = "cgnat lookup", *dp, *name;
	struct list_out out = { 0 };
	struct nl_msg *msg;
	struct nlattr *nest;
	int i, err;

	if (parse_dp_nf(cmd, &argc, &argv, "cgnat", &dp, &name))
		return -1;
	for (i = 1; i < argc; i += 2)
		if (!strcmp(argv[i], "at") || !strcmp(argv[i], "log"))
			return cgnat_lookup_past(cmd, dp, name, argc, argv);
	msg = nfv_msg(NFV_CMD_NF_ITEM_GET, true);
	if (!msg)
		return -1;
	if (!nl_has_attr(NFV_CMD_NF_ITEM_GET, NFV_A_NF_FILTER)) {
		nlmsg_free(msg);
		nl_lacks();
		err_msg("the nfv module lacks item filters (NFV_A_NF_FILTER), which lookup needs: update the module");
		return -1;
	}
	nest = NULL;
	if (nla_put_string(msg, NFV_A_DP_NAME, dp) >= 0 &&
	    nla_put_string(msg, NFV_A_NF_NAME, name) >= 0)
		nest = nla_nest_start(msg, NFV_A_NF_FILTER);
	if (!nest)
		return nfv_msg_full(msg);
	err = cgnat_lookup_filter(msg, cmd, argc, argv);
	if (err) {
		nlmsg_free(msg);
		if (err == -2)
			err_msg("request does not fit in a netlink message");
		return -1;
	}
	nla_nest_end(msg, nest);
	err = nfv_talk(msg, lookup_reply, &out);
	if (!err && !out.n && !opts.json)
		printf("nobody holds %s now\n", argv[0]);
	list_end(&out, err);
	return err;
}

int do_cgnat(int argc, char **argv)
{
	const char *dp, *name;

	if (!argc)
		return usage_err("cgnat", "missing command");
	if (matches(*argv, "add"))
		return cgnat_add(argc - 1, argv + 1);
	if (matches(*argv, "del") || matches(*argv, "delete")) {
		argc--, argv++;
		if (parse_dp_nf("cgnat del", &argc, &argv, "cgnat", &dp, &name))
			return -1;
		if (argc)
			return usage_err("cgnat del", "unknown argument \"%s\"",
					 *argv);
		return named_request(NFV_CMD_NF_DEL, dp, name, NULL);
	}
	if (matches(*argv, "show") || matches(*argv, "list"))
		return cgnat_show(argc - 1, argv + 1);
	if (matches(*argv, "mappings"))
		return cgnat_mappings(argc - 1, argv + 1);
	if (matches(*argv, "lookup"))
		return cgnat_lookup(argc - 1, argv + 1);
	if (matches(*argv, "log"))
		return cgnat_log(argc - 1, argv + 1);
	if (matches(*argv, "help")) {
		usage_cgnat(stdout);
		return 0;
	}
	return usage_err("cgnat", "unknown command \"%s\"", *argv);
}
