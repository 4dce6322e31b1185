// SPDX-License-Identifier: GPL-2.0
/*
 * nfvctl nf: network function instances of a datapath.
 */
#include <stdio.h>

#include "json.h"
#include "nfvctl.h"

void usage_nf(FILE *f)
{
	fputs("  nf add DP NAME type TYPE\n"
	      "  nf del DP NAME\n"
	      "  nf show DP\n", f);
}

/* nf add DP NAME type TYPE */
static int nf_add(int argc, char **argv)
{
	const char *cmd = "nf add", *dp, *name, *type = NULL;
	struct nl_msg *msg;

	if (parse_dp(cmd, &argc, &argv, &dp))
		return -1;
	if (!argc)
		return usage_err(cmd, "missing NF instance name");
	if (parse_name(cmd, "NF instance name", *argv, NFV_NAME_MAX))
		return -1;
	name = *argv;
	for (argc--, argv++; argc > 0; argc--, argv++) {
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

	msg = nfv_msg(NFV_CMD_NF_NEW, false);
	if (!msg)
		return -1;
	if (nla_put_string(msg, NFV_A_DP_NAME, dp) < 0 ||
	    nla_put_string(msg, NFV_A_NF_NAME, name) < 0 ||
	    nla_put_string(msg, NFV_A_NF_TYPE, type) < 0)
		return nfv_msg_full(msg);
	return nfv_talk(msg, NULL, NULL);
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

static int nf_show_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	const char *name = attr_str(tb[NFV_A_NF_NAME]);
	const char *type = attr_str(tb[NFV_A_NF_TYPE]);

	(void)cmd;
	list_elem(arg);
	if (opts.json) {
		jw_obj_open(NULL);
		if (name)
			jw_str("name", name);
		if (type)
			jw_str("type", type);
		jw_obj_close();
		return 0;
	}
	printf("%s:", name ? name : "?");
	if (type)
		printf(" type %s", type);
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
