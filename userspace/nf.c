// SPDX-License-Identifier: GPL-2.0
/*
 * nfvctl nf: network function instances of a datapath.
 */
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "nfvctl.h"

void usage_nf(FILE *f)
{
	fputs("  nf add DP NAME type TYPE\n"
	      "  nf add DP NAME type guest port DEV [fail { open | closed }]\n"
	      "                                     [dead-after MS]\n"
	      "  nf set DP NAME [port DEV] [fail { open | closed }] [dead-after MS]\n"
	      "                                                     (guest steps)\n"
	      "  nf del DP NAME\n"
	      "  nf show DP\n", f);
}

/* A guest step's configuration (NFV_GSTEP_A_*), given or not. */
struct gstep_cfg {
	const char *port;
	int fail;		/* enum nfv_gstep_fail, -1: not given */
	int64_t dead_ms;	/* NFV_GSTEP_A_DEAD_MS, -1: not given */
};

/* "dead-after MS": the guest's silence that declares it dead, 0: never. */
static int gstep_dead_arg(const char *cmd, int *argc, char ***argv,
			  struct gstep_cfg *cfg)
{
	uint32_t ms;

	if (cfg->dead_ms >= 0)
		return usage_err(cmd, "duplicate \"dead-after\"");
	if (need_arg(cmd, argc, argv) ||
	    parse_u32(cmd, "dead-after", **argv, 0, NFV_GSTEP_DEAD_MS_MAX, &ms))
		return -1;
	cfg->dead_ms = ms;
	return 1;
}

/*
 * One "port DEV", "fail open|closed" or "dead-after MS" at *argv: 1 if it
 * was one, 0 if not, -1 on an error.
 */
static int gstep_arg(const char *cmd, int *argc, char ***argv,
		     struct gstep_cfg *cfg)
{
	const char *word = **argv;

	if (matches(word, "port")) {
		if (cfg->port)
			return usage_err(cmd, "duplicate \"port\"");
		if (need_arg(cmd, argc, argv) ||
		    parse_name(cmd, "port device", **argv, IFNAMSIZ))
			return -1;
		cfg->port = **argv;
		return 1;
	}
	if (matches(word, "dead-after"))
		return gstep_dead_arg(cmd, argc, argv, cfg);
	if (!matches(word, "fail"))
		return 0;
	if (cfg->fail >= 0)
		return usage_err(cmd, "duplicate \"fail\"");
	if (need_arg(cmd, argc, argv))
		return -1;
	if (matches(**argv, "open"))
		cfg->fail = NFV_GSTEP_FAIL_OPEN;
	else if (matches(**argv, "closed"))
		cfg->fail = NFV_GSTEP_FAIL_CLOSED;
	else
		return usage_err(cmd, "\"fail\" takes open or closed, not \"%s\"",
				 **argv);
	return 1;
}

static int gstep_put(struct nl_msg *msg, const struct gstep_cfg *cfg)
{
	struct nlattr *nest = nla_nest_start(msg, NFV_A_NF_CONFIG);

	if (!nest || (cfg->port &&
		      nla_put_string(msg, NFV_GSTEP_A_PORT, cfg->port) < 0) ||
	    (cfg->fail >= 0 && nla_put_u8(msg, NFV_GSTEP_A_FAIL, cfg->fail) < 0) ||
	    (cfg->dead_ms >= 0 &&
	     nla_put_u32(msg, NFV_GSTEP_A_DEAD_MS, (uint32_t)cfg->dead_ms) < 0))
		return -1;
	nla_nest_end(msg, nest);
	return 0;
}

/* A module older than dead-after refuses it as an unknown attribute. */
static int gstep_talk(struct nl_msg *msg, const struct gstep_cfg *cfg)
{
	int err = nfv_talk(msg, NULL, NULL);

	if (err && cfg->dead_ms >= 0 && nl_unknown_attr())
		err_msg("the nfv module lacks dead-after (NFV_GSTEP_A_DEAD_MS): update the module");
	return err;
}

/* nf add DP NAME type TYPE [port DEV] [fail open|closed] [dead-after MS] */
static int nf_add(int argc, char **argv)
{
	const char *cmd = "nf add", *dp, *name, *type = NULL;
	struct gstep_cfg cfg = { .fail = -1, .dead_ms = -1 };
	struct nl_msg *msg;
	int r;

	if (parse_dp(cmd, &argc, &argv, &dp))
		return -1;
	if (!argc)
		return usage_err(cmd, "missing NF instance name");
	if (parse_name(cmd, "NF instance name", *argv, NFV_NAME_MAX))
		return -1;
	name = *argv;
	for (argc--, argv++; argc > 0; argc--, argv++) {
		r = gstep_arg(cmd, &argc, &argv, &cfg);
		if (r < 0)
			return -1;
		if (r)
			continue;
		if (!matches(*argv, "type"))
			return usage_err(cmd, "unknown argument \"%s\"", *argv);
		if (type)
			return usage_err(cmd, "duplicate \"type\"");
		if (need_arg(cmd, &argc, &argv) ||
		    parse_name(cmd, "NF type", *argv, NFV_NAME_MAX))
			return -1;
		type = *argv;
	}
	if (!type)
		return usage_err(cmd, "missing \"type TYPE\"");
	if (strcmp(type, "guest") && (cfg.port || cfg.fail >= 0 || cfg.dead_ms >= 0))
		return usage_err(cmd, "\"port\", \"fail\" and \"dead-after\" are a guest step's (type guest)");
	if (!strcmp(type, "guest") && !cfg.port)
		return usage_err(cmd, "a guest step needs \"port DEV\"");

	msg = nfv_msg(NFV_CMD_NF_NEW, false);
	if (!msg)
		return -1;
	if (nla_put_string(msg, NFV_A_DP_NAME, dp) < 0 ||
	    nla_put_string(msg, NFV_A_NF_NAME, name) < 0 ||
	    nla_put_string(msg, NFV_A_NF_TYPE, type) < 0 ||
	    (cfg.port && gstep_put(msg, &cfg)))
		return nfv_msg_full(msg);
	return gstep_talk(msg, &cfg);
}

/* nf set DP NAME [port DEV] [fail open|closed] [dead-after MS]: a guest step's */
static int nf_set(int argc, char **argv)
{
	const char *cmd = "nf set", *dp, *name;
	struct gstep_cfg cfg = { .fail = -1, .dead_ms = -1 };
	struct nl_msg *msg;

	if (parse_dp(cmd, &argc, &argv, &dp))
		return -1;
	if (!argc)
		return usage_err(cmd, "missing NF instance name");
	if (parse_name(cmd, "NF instance name", *argv, NFV_NAME_MAX))
		return -1;
	name = *argv;
	for (argc--, argv++; argc > 0; argc--, argv++) {
		int r = gstep_arg(cmd, &argc, &argv, &cfg);

		if (r < 0)
			return -1;
		if (!r)
			return usage_err(cmd, "unknown argument \"%s\"", *argv);
	}
	if (!cfg.port && cfg.fail < 0 && cfg.dead_ms < 0)
		return usage_err(cmd, "nothing to set: \"port DEV\", \"fail open|closed\" or \"dead-after MS\"");

	msg = nfv_msg(NFV_CMD_NF_SET, false);
	if (!msg)
		return -1;
	if (nla_put_string(msg, NFV_A_DP_NAME, dp) < 0 ||
	    nla_put_string(msg, NFV_A_NF_NAME, name) < 0 ||
	    gstep_put(msg, &cfg))
		return nfv_msg_full(msg);
	return gstep_talk(msg, &cfg);
}

/* nf del DP NAME */
static int nf_del(int argc, char **argv)
{
	const char *cmd = "nf del", *dp, *name;
	struct nl_msg *msg;

	if (parse_dp(cmd, &argc, &argv, &dp))
		return -1;
	if (!argc)
		return usage_err(cmd, "missing NF instance name");
	if (parse_name(cmd, "NF instance name", *argv, NFV_NAME_MAX))
		return -1;
	name = *argv;
	if (argc > 1)
		return usage_err(cmd, "unknown argument \"%s\"", argv[1]);

	msg = nfv_msg(NFV_CMD_NF_DEL, false);
	if (!msg)
		return -1;
	if (nla_put_string(msg, NFV_A_DP_NAME, dp) < 0 ||
	    nla_put_string(msg, NFV_A_NF_NAME, name) < 0)
		return nfv_msg_full(msg);
	return nfv_talk(msg, NULL, NULL);
}

static const struct nf_stat gstep_stats[] = {
	{ NFV_GSTEP_STAT_SENT,		"sent" },
	{ NFV_GSTEP_STAT_RETURNED,	"returned" },
	{ NFV_GSTEP_STAT_FAIL_OPEN,	"fail_open" },
	{ NFV_GSTEP_STAT_FAIL_CLOSED,	"fail_closed" },
	{ NFV_GSTEP_STAT_DEATHS,	"deaths" },
};

/*
 * up, down (its port's device says it is gone) or dead (its traffic says
 * so, NFV_GSTEP_A_DEAD; a module older than that sends no such attribute).
 */
static const char *gstep_state(uint8_t up, uint8_t dead)
{
	return up ? "up" : dead ? "dead" : "down";
}

/* A guest step's NFV_A_NF_INFO: its port, whether its guest is there. */
static void gstep_print(struct nlattr *a)
{
	struct nlattr *tb[NFV_GSTEP_A_MAX + 1];
	const char *port;
	uint8_t up = 0, fail = 0, dead = 0;
	uint32_t dead_ms;
	bool has_dead_ms;

	if (attr_nested(tb, NFV_GSTEP_A_MAX, a) < 0)
		return;
	port = attr_str(tb[NFV_GSTEP_A_PORT]);
	attr_u8(tb[NFV_GSTEP_A_UP], &up);
	attr_u8(tb[NFV_GSTEP_A_FAIL], &fail);
	attr_u8(tb[NFV_GSTEP_A_DEAD], &dead);
	has_dead_ms = attr_u32(tb[NFV_GSTEP_A_DEAD_MS], &dead_ms);
	if (opts.json) {
		if (port)
			jw_str("port", port);
		jw_bool("up", up);
		if (tb[NFV_GSTEP_A_DEAD])
			jw_bool("dead", dead);
		jw_str("fail", fail == NFV_GSTEP_FAIL_OPEN ? "open" : "closed");
		if (has_dead_ms)
			jw_u64("dead_after", dead_ms);
	} else {
		printf(" port %s %s fail %s", port ? port : "(deleted)",
		       gstep_state(up, dead),
		       fail == NFV_GSTEP_FAIL_OPEN ? "open" : "closed");
		if (has_dead_ms)
			printf(" dead-after %u", dead_ms);
	}
	nf_stats_print(tb[NFV_GSTEP_A_STATS], NFV_GSTEP_STAT_MAX, gstep_stats,
		       sizeof(gstep_stats) / sizeof(gstep_stats[0]));
}

static int nf_show_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	const char *name = attr_str(tb[NFV_A_NF_NAME]);
	const char *type = attr_str(tb[NFV_A_NF_TYPE]);
	bool gstep = type && !strcmp(type, "guest") && tb[NFV_A_NF_INFO];

	(void)cmd;
	list_elem(arg);
	if (opts.json) {
		jw_obj_open(NULL);
		if (name)
			jw_str("name", name);
		if (type)
			jw_str("type", type);
		if (gstep)
			gstep_print(tb[NFV_A_NF_INFO]);
		jw_obj_close();
		return 0;
	}
	printf("%s:", name ? name : "?");
	if (type)
		printf(" type %s", type);
	if (gstep)
		gstep_print(tb[NFV_A_NF_INFO]);
	putchar('\n');
	return 0;
}

/* nf show DP */
static int nf_show(int argc, char **argv)
{
	return dp_request("nf show", NFV_CMD_NF_GET, argc, argv,
			  nf_show_reply);
}

int do_nf(int argc, char **argv)
{
	if (!argc)
		return usage_err("nf", "missing command");
	if (matches(*argv, "add"))
		return nf_add(argc - 1, argv + 1);
	if (matches(*argv, "set"))
		return nf_set(argc - 1, argv + 1);
	if (matches(*argv, "del") || matches(*argv, "delete"))
		return nf_del(argc - 1, argv + 1);
	if (matches(*argv, "show") || matches(*argv, "list"))
		return nf_show(argc - 1, argv + 1);
	if (matches(*argv, "help")) {
		usage_nf(stdout);
		return 0;
	}
	return usage_err("nf", "unknown command \"%s\"", *argv);
}
