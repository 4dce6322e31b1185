// SPDX-License-Identifier: GPL-2.0
/*
 * nfvctl stats: a datapath's counters and drop reasons.
 */
#include <stdio.h>

#include "json.h"
#include "nfvctl.h"

struct counter {
	const char *key;	/* JSON */
	const char *text;
	bool line;		/* starts a text line */
};

static const struct counter stat_names[NFV_STAT_MAX + 1] = {
	[NFV_STAT_RX_PACKETS]	 = { "rx_packets", "rx packets", true },
	[NFV_STAT_RX_BYTES]	 = { "rx_bytes", "bytes", false },
	[NFV_STAT_FAST_PACKETS]	 = { "fast_packets", "fast packets", true },
	[NFV_STAT_SLOW_PACKETS]	 = { "slow_packets", "slow packets", false },
	[NFV_STAT_TX_PACKETS]	 = { "tx_packets", "tx packets", true },
	[NFV_STAT_TX_BYTES]	 = { "tx_bytes", "bytes", false },
	[NFV_STAT_PASS_PACKETS]	 = { "pass_packets", "pass packets", true },
	[NFV_STAT_DROP_PACKETS]	 = { "drop_packets", "drop packets", false },
	[NFV_STAT_FLOWS_CREATED] = { "flows_created", "flows created", true },
	[NFV_STAT_FLOWS_EXPIRED] = { "flows_expired", "expired", false },
	[NFV_STAT_FLOWS_DELETED] = { "flows_deleted", "deleted", false },
	[NFV_STAT_ICMP_SENT]	 = { "icmp_sent", "icmp-sent", true },
	[NFV_STAT_FRAGS_SENT]	 = { "frags_sent", "frags-sent", false },
	[NFV_STAT_FLOWS_EVICTED] = { "flows_evicted", "evicted", false },
	[NFV_STAT_FRAGS_FOLLOWED] = { "frags_followed", "frags followed", true },
	[NFV_STAT_FRAGS_UNKNOWN] = { "frags_unknown", "unknown", false },
	[NFV_STAT_FRAGS_EVICTED] = { "frags_evicted", "evicted", false },
	[NFV_STAT_VLAN_PASSED]	 = { "vlan_passed", "vlan passed", true },
	[NFV_STAT_GSO_SEGMENTED] = { "gso_segmented", "gso segmented", false },
};

static const struct counter drop_names[NFV_DROP_MAX + 1] = {
	[NFV_DROP_MALFORMED]	= { "malformed", "drops malformed", true },
	[NFV_DROP_TABLE_FULL]	= { "table_full", "table-full", false },
	[NFV_DROP_NO_ROUTE]	= { "no_route", "no-route", false },
	[NFV_DROP_TTL]		= { "ttl", "ttl", false },
	[NFV_DROP_MTU]		= { "mtu", "mtu", false },
	[NFV_DROP_CHAIN]	= { "chain", "chain", false },
	[NFV_DROP_NO_CHAIN]	= { "no_chain", "no-chain", false },
	[NFV_DROP_NOMEM]	= { "nomem", "nomem", false },
	[NFV_DROP_TX_ERROR]	= { "tx_error", "tx-error", false },
	[NFV_DROP_BAD_ADDR]	= { "bad_addr", "bad-addr", false },
	[NFV_DROP_PENDING]	= { "pending", "pending", false },
	[NFV_DROP_GUEST_DOWN]	= { "guest_down", "guest-down", false },
};

/* An NF's counters, by its table: a JSON "stats" object, or a text line. */
void nf_stats_print(struct nlattr *a, int max, const struct nf_stat *stats,
		    size_t n)
{
	struct nlattr *tb[max + 1];
	uint64_t v;
	size_t i;

	if (attr_nested(tb, max, a) < 0)
		return;
	if (opts.json)
		jw_obj_open("stats");
	else
		printf("\n\t");
	for (i = 0; i < n; i++) {
		if (!attr_u64(tb[stats[i].stat], &v))
			continue;
		if (opts.json)
			jw_u64(stats[i].key, v);
		else
			printf("%s%s %llu", i ? " " : "", stats[i].key,
			       (unsigned long long)v);
	}
	if (opts.json)
		jw_obj_close();
}

void usage_stats(FILE *f)
{
	fputs("  stats DP\n", f);
}

/* A nest of u64 counters: a JSON object, or text lines. */
static void counters_print(const char *key, struct nlattr *nest,
			   const struct counter *names, int max)
{
	struct nlattr *tb[max + 1];
	bool newline = true;
	uint64_t v;
	int i;

	if (attr_nested(tb, max, nest) < 0)
		return;
	if (opts.json)
		jw_obj_open(key);
	for (i = 1; i <= max; i++) {
		if (!names[i].key)	/* the nest's pad */
			continue;
		newline |= names[i].line;
		if (!attr_u64(tb[i], &v))
			continue;
		if (opts.json) {
			jw_u64(names[i].key, v);
			continue;
		}
		printf("%s%s %llu", newline ? "\n\t" : " ", names[i].text,
		       (unsigned long long)v);
		newline = false;
	}
	if (opts.json)
		jw_obj_close();
}

static int stats_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	const char *name = attr_str(tb[NFV_A_DP_NAME]);

	(void)cmd;
	(void)arg;
	if (opts.json) {
		jw_obj_open(NULL);
		if (name)
			jw_str("name", name);
	} else {
		printf("%s:", name ? name : "?");
	}
	counters_print("stats", tb[NFV_A_DP_STATS], stat_names, NFV_STAT_MAX);
	counters_print("drops", tb[NFV_A_DP_DROPS], drop_names, NFV_DROP_MAX);
	if (opts.json)
		jw_obj_close();
	else
		putchar('\n');
	return 0;
}

/* stats DP */
int do_stats(int argc, char **argv)
{
	const char *cmd = "stats";
	struct nl_msg *msg;
	const char *dp;

	if (argc && matches(*argv, "help")) {
		usage_stats(stdout);
		return 0;
	}
	if (parse_dp(cmd, &argc, &argv, &dp))
		return -1;
	if (argc)
		return usage_err(cmd, "unknown argument \"%s\"", *argv);
	msg = nfv_msg(NFV_CMD_DP_GET, false);
	if (!msg)
		return -1;
	if (nla_put_string(msg, NFV_A_DP_NAME, dp) < 0)
		return nfv_msg_full(msg);
	return nfv_talk(msg, stats_reply, NULL);
}
