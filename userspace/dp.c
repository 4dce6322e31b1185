// SPDX-License-Identifier: GPL-2.0
/*
 * nfvctl dp: datapath instances.
 */
#include <stdio.h>

#include "json.h"
#include "nfvctl.h"

const char *const tmo_name[NFV_TMO_MAX + 1] = {
	[NFV_TMO_TCP]		= "tcp",
	[NFV_TMO_TCP_OPENING]	= "tcp-opening",
	[NFV_TMO_TCP_CLOSING]	= "tcp-closing",
	[NFV_TMO_UDP]		= "udp",
	[NFV_TMO_ICMP]		= "icmp",
	[NFV_TMO_OTHER]		= "other",
	[NFV_TMO_TCP_CLOSE]	= "tcp-close",
	[NFV_TMO_UDP_UNREPLIED]	= "udp-unreplied",
	[NFV_TMO_TCP_ESTABLISHED] = "tcp-established",
	[NFV_TMO_TCP_SYN_SENT]	= "tcp-syn-sent",
	[NFV_TMO_TCP_SYN_RECV]	= "tcp-syn-recv",
	[NFV_TMO_TCP_FIN_WAIT]	= "tcp-fin-wait",
	[NFV_TMO_TCP_CLOSE_WAIT] = "tcp-close-wait",
	[NFV_TMO_TCP_LAST_ACK]	= "tcp-last-ack",
	[NFV_TMO_TCP_TIME_WAIT]	= "tcp-time-wait",
};

const char *const tmo_key[NFV_TMO_MAX + 1] = {
	[NFV_TMO_TCP]		= "tcp",
	[NFV_TMO_TCP_OPENING]	= "tcp_opening",
	[NFV_TMO_TCP_CLOSING]	= "tcp_closing",
	[NFV_TMO_UDP]		= "udp",
	[NFV_TMO_ICMP]		= "icmp",
	[NFV_TMO_OTHER]		= "other",
	[NFV_TMO_TCP_CLOSE]	= "tcp_close",
	[NFV_TMO_UDP_UNREPLIED]	= "udp_unreplied",
	[NFV_TMO_TCP_ESTABLISHED] = "tcp_established",
	[NFV_TMO_TCP_SYN_SENT]	= "tcp_syn_sent",
	[NFV_TMO_TCP_SYN_RECV]	= "tcp_syn_recv",
	[NFV_TMO_TCP_FIN_WAIT]	= "tcp_fin_wait",
	[NFV_TMO_TCP_CLOSE_WAIT] = "tcp_close_wait",
	[NFV_TMO_TCP_LAST_ACK]	= "tcp_last_ack",
	[NFV_TMO_TCP_TIME_WAIT]	= "tcp_time_wait",
};

void usage_dp(FILE *f)
{
	fputs("  dp add NAME [max-flows N] [timeout CLASS SECONDS]...\n"
	      "  dp set NAME [max-flows N] [timeout CLASS SECONDS]...\n"
	      "  dp del NAME\n"
	      "  dp show [NAME]\n"
	      "     CLASS := tcp-established | tcp-syn-sent | tcp-syn-recv |\n"
	      "              tcp-fin-wait | tcp-close-wait | tcp-last-ack |\n"
	      "              tcp-time-wait | tcp-close | udp | udp-unreplied |\n"
	      "              icmp | other | tcp | tcp-opening | tcp-closing\n",
	      f);
}

struct dp_cfg {
	bool has_max_flows;
	uint32_t max_flows;
	bool has_tmo[NFV_TMO_MAX + 1];
	uint32_t tmo[NFV_TMO_MAX + 1];
};

static int tmo_class(const char *arg)
{
	int i;

	for (i = 1; i <= NFV_TMO_MAX; i++)
		if (matches(arg, tmo_name[i]))
			return i;
	return -1;
}

/* "timeout CLASS SECONDS", with *argv at "timeout". */
static int dp_parse_tmo(const char *cmd, int *argc, char ***argv,
			struct dp_cfg *c)
{
	char what[32];
	int i;

	if (need_arg(cmd, argc, argv))
		return -1;
	i = tmo_class(**argv);
	if (i < 0)
		return usage_err(cmd, "unknown timeout class \"%s\"", **argv);
	if (c->has_tmo[i])
		return usage_err(cmd, "duplicate \"timeout %s\"", tmo_name[i]);
	snprintf(what, sizeof(what), "%s timeout", tmo_name[i]);
	if (need_arg(cmd, argc, argv) ||
	    parse_u32(cmd, what, **argv, 1, UINT32_MAX, &c->tmo[i]))
		return -1;
	c->has_tmo[i] = true;
	return 0;
}

static int dp_parse_cfg(const char *cmd, int argc, char **argv,
			struct dp_cfg *c)
{
	for (; argc > 0; argc--, argv++) {
		if (matches(*argv, "max-flows")) {
			if (c->has_max_flows)
				return usage_err(cmd, "duplicate \"max-flows\"");
			if (need_arg(cmd, &argc, &argv) ||
			    parse_u32(cmd, "max-flows", *argv, 1,
				      NFV_MAX_FLOWS_LIMIT, &c->max_flows))
				return -1;
			c->has_max_flows = true;
		} else if (matches(*argv, "timeout")) {
			if (dp_parse_tmo(cmd, &argc, &argv, c))
				return -1;
		} else {
			return usage_err(cmd, "unknown argument \"%s\"", *argv);
		}
	}
	return 0;
}

static int dp_put_cfg(struct nl_msg *msg, const struct dp_cfg *c)
{
	struct nlattr *nest;
	int i;

	if (c->has_max_flows &&
	    nla_put_u32(msg, NFV_A_DP_MAX_FLOWS, c->max_flows) < 0)
		return -1;
	nest = nla_nest_start(msg, NFV_A_DP_TIMEOUTS);
	if (!nest)
		return -1;
	for (i = 1; i <= NFV_TMO_MAX; i++)
		if (c->has_tmo[i] && nla_put_u32(msg, i, c->tmo[i]) < 0)
			return -1;
	/* An empty nest is dropped again. */
	return nla_nest_end(msg, nest) < 0 ? -1 : 0;
}

/* The timeout classes ABI version 4 added: the firewall's TCP states. */
#define TMO_V4_FIRST	NFV_TMO_TCP_ESTABLISHED

static int dp_tmo_supported(const struct dp_cfg *c)
{
	char what[48];
	int i;

	for (i = TMO_V4_FIRST; i <= NFV_TMO_MAX; i++) {
		if (!c->has_tmo[i])
			continue;
		snprintf(what, sizeof(what), "timeout class %s", tmo_name[i]);
		if (nl_need_version(4, what))
			return -1;
	}
	return 0;
}

/* dp add|set NAME [max-flows N] [timeout CLASS SECONDS]... */
static int dp_modify(const char *cmd, uint8_t nlcmd, int argc, char **argv)
{
	struct dp_cfg cfg = { 0 };
	struct nl_msg *msg;
	const char *name;

	if (parse_dp(cmd, &argc, &argv, &name) ||
	    dp_parse_cfg(cmd, argc, argv, &cfg) || dp_tmo_supported(&cfg))
		return -1;
	msg = nfv_msg(nlcmd, false);
	if (!msg)
		return -1;
	if (nla_put_string(msg, NFV_A_DP_NAME, name) < 0 ||
	    dp_put_cfg(msg, &cfg))
		return nfv_msg_full(msg);
	return nfv_talk(msg, NULL, NULL);
}

static int dp_del(int argc, char **argv)
{
	const char *cmd = "dp del";
	struct nl_msg *msg;
	const char *name;

	if (parse_dp(cmd, &argc, &argv, &name))
		return -1;
	if (argc)
		return usage_err(cmd, "unknown argument \"%s\"", *argv);
	msg = nfv_msg(NFV_CMD_DP_DEL, false);
	if (!msg)
		return -1;
	if (nla_put_string(msg, NFV_A_DP_NAME, name) < 0)
		return nfv_msg_full(msg);
	return nfv_talk(msg, NULL, NULL);
}

static void dp_print_tmo_json(struct nlattr *nest)
{
	struct nlattr *tb[NFV_TMO_MAX + 1];
	uint32_t v;
	int i;

	if (attr_nested(tb, NFV_TMO_MAX, nest) < 0)
		return;
	jw_obj_open("timeouts");
	for (i = 1; i <= NFV_TMO_MAX; i++)
		if (attr_u32(tb[i], &v))
			jw_u64(tmo_key[i], v);
	jw_obj_close();
}

static void dp_print_tmo_text(struct nlattr *nest, const char *sep)
{
	struct nlattr *tb[NFV_TMO_MAX + 1];
	uint32_t v;
	int i;

	if (attr_nested(tb, NFV_TMO_MAX, nest) < 0)
		return;
	printf("%stimeouts", sep);
	for (i = 1; i <= NFV_TMO_MAX; i++)
		if (attr_u32(tb[i], &v))
			printf(" %s %u", tmo_name[i], v);
}

/*
 * A datapath's settings: JSON members of the open object, or one text
 * record without its final newline; sep goes between text lines.
 */
void dp_print(struct nlattr **tb, const char *sep)
{
	const char *name = attr_str(tb[NFV_A_DP_NAME]);
	bool has_flows, has_max, has_buckets;
	uint32_t flows, max, buckets;

	has_flows = attr_u32(tb[NFV_A_DP_FLOWS], &flows);
	has_max = attr_u32(tb[NFV_A_DP_MAX_FLOWS], &max);
	has_buckets = attr_u32(tb[NFV_A_DP_BUCKETS], &buckets);
	if (opts.json) {
		if (name)
			jw_str("name", name);
		if (has_flows)
			jw_u64("flows", flows);
		if (has_max)
			jw_u64("max_flows", max);
		if (has_buckets)
			jw_u64("buckets", buckets);
		dp_print_tmo_json(tb[NFV_A_DP_TIMEOUTS]);
		return;
	}
	printf("%s:", name ? name : "?");
	if (has_flows && has_max)
		printf(" flows %u/%u", flows, max);
	else if (has_flows)
		printf(" flows %u", flows);
	else if (has_max)
		printf(" max-flows %u", max);
	if (has_buckets)
		printf(" buckets %u", buckets);
	dp_print_tmo_text(tb[NFV_A_DP_TIMEOUTS], sep);
}

static int dp_show_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	(void)cmd;
	list_elem(arg);
	if (opts.json)
		jw_obj_open(NULL);
	dp_print(tb, "\n\t");
	if (opts.json)
		jw_obj_close();
	else
		putchar('\n');
	return 0;
}

/* dp show [NAME]: a dump, or the one datapath. */
static int dp_show(int argc, char **argv)
{
	const char *cmd = "dp show", *name = NULL;
	struct list_out out = { 0 };
	struct nl_msg *msg;
	int err;

	if (argc && parse_dp(cmd, &argc, &argv, &name))
		return -1;
	if (argc)
		return usage_err(cmd, "unknown argument \"%s\"", *argv);
	msg = nfv_msg(NFV_CMD_DP_GET, !name);
	if (!msg)
		return -1;
	if (name && nla_put_string(msg, NFV_A_DP_NAME, name) < 0)
		return nfv_msg_full(msg);
	err = nfv_talk(msg, dp_show_reply, &out);
	list_end(&out, err);
	return err;
}

int do_dp(int argc, char **argv)
{
	if (!argc)
		return usage_err("dp", "missing command");
	if (matches(*argv, "add"))
		return dp_modify("dp add", NFV_CMD_DP_NEW, argc - 1, argv + 1);
	if (matches(*argv, "set"))
		return dp_modify("dp set", NFV_CMD_DP_SET, argc - 1, argv + 1);
	if (matches(*argv, "del") || matches(*argv, "delete"))
		return dp_del(argc - 1, argv + 1);
	if (matches(*argv, "show") || matches(*argv, "list"))
		return dp_show(argc - 1, argv + 1);
	if (matches(*argv, "help")) {
		usage_dp(stdout);
		return 0;
	}
	return usage_err("dp", "unknown command \"%s\"", *argv);
}
