// SPDX-License-Identifier: GPL-2.0
/*
 * nfvctl chain: the ordered NF instances a port's packets run through.
 */
#include <stdio.h>

#include "nfvctl.h"

void usage_chain(FILE *f)
{
	fputs("  chain set DP dev IFNAME NF [NF...]\n"
	      "     NF := an NF instance name; built-in: forward | pass | drop\n",
	      f);
}

static int chain_put(struct nl_msg *msg, int argc, char **argv)
{
	struct nlattr *nest = nla_nest_start(msg, NFV_A_CHAIN);

	if (!nest)
		return -1;
	for (; argc > 0; argc--, argv++)
		if (nla_put_string(msg, NFV_A_NF_NAME, *argv) < 0)
			return -1;
	return nla_nest_end(msg, nest) < 0 ? -1 : 0;
}

/* chain set DP dev IFNAME NF [NF...] */
static int chain_set(int argc, char **argv)
{
	const char *cmd = "chain set", *dp, *dev = NULL;
	struct nl_msg *msg;
	int i;

	if (parse_dp(cmd, &argc, &argv, &dp))
		return -1;
	if (!argc || !matches(*argv, "dev"))
		return usage_err(cmd, "missing \"dev IFNAME\"");
	if (parse_dev(cmd, &argc, &argv, &dev))
		return -1;
	argc--;
	argv++;
	if (!argc)
		return usage_err(cmd, "missing NF instance names");
	if (argc > NFV_CHAIN_MAX)
		return usage_err(cmd, "chain of %d NF instances is too long (at most %d)",
				 argc, NFV_CHAIN_MAX);
	for (i = 0; i < argc; i++)
		if (parse_name(cmd, "NF instance name", argv[i], NFV_NAME_MAX))
			return -1;

	msg = nfv_msg(NFV_CMD_CHAIN_SET, false);
	if (!msg)
		return -1;
	if (nla_put_string(msg, NFV_A_DP_NAME, dp) < 0 ||
	    nla_put_string(msg, NFV_A_IFNAME, dev) < 0 ||
	    chain_put(msg, argc, argv))
		return nfv_msg_full(msg);
	return nfv_talk(msg, NULL, NULL);
}

int do_chain(int argc, char **argv)
{
	if (!argc)
		return usage_err("chain", "missing command");
	if (matches(*argv, "set"))
		return chain_set(argc - 1, argv + 1);
	if (matches(*argv, "help")) {
		usage_chain(stdout);
		return 0;
	}
	return usage_err("chain", "unknown command \"%s\"", *argv);
}
