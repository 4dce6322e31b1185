// SPDX-License-Identifier: GPL-2.0
/*
 * nfvctl monitor: prints the events of the "events" multicast group, one
 * line each, flushed as it comes.
 */
#include <stdio.h>

#include "json.h"
#include "nfvctl.h"

static const struct {
	uint8_t cmd;
	const char *object;
	const char *event;
} config_events[] = {
	{ NFV_CMD_DP_NEW,	"dp",		"add" },
	{ NFV_CMD_DP_DEL,	"dp",		"del" },
	{ NFV_CMD_PORT_NEW,	"port",		"add" },
	{ NFV_CMD_PORT_DEL,	"port",		"del" },
	{ NFV_CMD_CHAIN_SET,	"chain",	"set" },
};

static const char *const flow_events[__NFV_EVENT_MAX] = {
	[NFV_EVENT_NEW]		= "new",
	[NFV_EVENT_DEL]		= "del",
	[NFV_EVENT_EXPIRED]	= "expired",
};

void usage_monitor(FILE *f)
{
	fputs("  monitor\n", f);
}

static void event_begin(const char *object, const char *event)
{
	if (opts.json) {
		jw_obj_open(NULL);
		jw_str("object", object);
		jw_str("event", event);
	} else {
		printf("%s %s", object, event);
	}
}

static void event_end(void)
{
	if (opts.json) {
		jw_obj_close();	/* ends the line and flushes */
		return;
	}
	putchar('\n');
	fflush(stdout);
}

static int flow_event(struct nlattr **tb)
{
	const char *dp = attr_str(tb[NFV_A_DP_NAME]);
	const char *event = NULL;
	char num[8];
	uint8_t ev;

	if (attr_u8(tb[NFV_A_EVENT], &ev)) {
		if (ev < __NFV_EVENT_MAX)
			event = flow_events[ev];
		if (!event) {
			snprintf(num, sizeof(num), "%u", ev);
			event = num;
		}
	}
	event_begin("flow", event ? event : "unknown");
	if (dp && opts.json)
		jw_str("dp", dp);
	else if (dp)
		printf(" dp %s", dp);
	if (tb[NFV_A_FLOW])
		flow_print(tb[NFV_A_FLOW], " ", " ");
	event_end();
	return 0;
}

static int monitor_event(uint8_t cmd, struct nlattr **tb, void *arg)
{
	size_t i;

	(void)arg;
	if (cmd == NFV_CMD_FLOW_EVENT)
		return flow_event(tb);
	if (cmd == NFV_CMD_NF_EVENT) {
		nf_event_print(tb);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(config_events); i++)
		if (config_events[i].cmd == cmd)
			break;
	if (i == ARRAY_SIZE(config_events))
		return 0;	/* an event this nfvctl does not know */
	event_begin(config_events[i].object, config_events[i].event);
	if (!opts.json)
		putchar(' ');
	if (cmd == NFV_CMD_DP_NEW || cmd == NFV_CMD_DP_DEL)
		dp_print(tb, " ");
	else
		port_print(tb, " ", true);
	event_end();
	return 0;
}

/* monitor: until SIGINT or SIGTERM */
int do_monitor(int argc, char **argv)
{
	if (argc && matches(*argv, "help")) {
		usage_monitor(stdout);
		return 0;
	}
	if (argc)
		return usage_err("monitor", "unknown argument \"%s\"", *argv);
	return nfv_listen(monitor_event, NULL);
}
