// SPDX-License-Identifier: GPL-2.0
/*
 * nfvctl flow: the datapath's flow table.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include "json.h"
#include "nfvctl.h"

static const char *const result_name[__NFV_RES_MAX] = {
	[NFV_RES_NONE]		= "none",
	[NFV_RES_FORWARD]	= "forward",
	[NFV_RES_PASS]		= "pass",
	[NFV_RES_DROP]		= "drop",
	[NFV_RES_GUEST]		= "guest",
};

void usage_flow(FILE *f)
{
	fputs("  flow show DP\n"
	      "  flow flush DP\n", f);
}

static const char *family_name(uint8_t family)
{
	switch (family) {
	case AF_INET:
		return "ipv4";
	case AF_INET6:
		return "ipv6";
	}
	return NULL;
}

/* A name, or the number when there is none, as a JSON value or text. */
static void print_enum(const char *key, const char *name, unsigned int v)
{
	if (opts.json && name)
		jw_str(key, name);
	else if (opts.json)
		jw_u64(key, v);
	else if (name)
		printf(" %s", name);
	else
		printf(" %s %u", key, v);
}

/* The address in a4 (be32) or a6 (16 bytes), whichever is there. */
static const char *tuple_addr(struct nlattr *a4, struct nlattr *a6,
			      char *buf)
{
	const void *p;

	p = attr_bytes(a4, 4);
	if (p)
		return inet_ntop(AF_INET, p, buf, INET6_ADDRSTRLEN);
	p = attr_bytes(a6, 16);
	if (p)
		return inet_ntop(AF_INET6, p, buf, INET6_ADDRSTRLEN);
	return NULL;
}

static void tuple_print_str(const char *key, const char *s)
{
	if (!s)
		return;
	if (opts.json)
		jw_str(key, s);
	else
		printf(" %s %s", key, s);
}

static void print_num(const char *key, uint64_t v)
{
	if (opts.json)
		jw_u64(key, v);
	else
		printf(" %s %llu", key, (unsigned long long)v);
}

/*
 * Where a forwarded direction goes out: the gateway of its route, if it
 * has one (an older module sends none: nothing is shown), and the device:
 * JSON ifindex, text device name.
 */
static void tuple_print_out(struct nlattr **tb)
{
	char buf[IF_NAMESIZE], gw[INET6_ADDRSTRLEN];
	const char *name;
	uint32_t ifindex;

	if (!attr_u32(tb[NFV_TUPLE_A_OUT_IFINDEX], &ifindex))
		return;
	name = tuple_addr(tb[NFV_TUPLE_A_GATEWAY4], tb[NFV_TUPLE_A_GATEWAY6], gw);
	if (name && opts.json)
		jw_str("gateway", name);
	else if (name)
		printf(" via %s", name);
	if (opts.json) {
		jw_u64("out_ifindex", ifindex);
		return;
	}
	name = ifname_of(ifindex, buf);
	if (name)
		printf(" dev %s", name);
	else
		printf(" ifindex %u", ifindex);
}

static void tuple_print(const char *key, struct nlattr *nest, const char *sep)
{
	struct nlattr *tb[NFV_TUPLE_A_MAX + 1];
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	uint16_t port;
	uint64_t v;
	uint8_t res;

	if (attr_nested(tb, NFV_TUPLE_A_MAX, nest) < 0)
		return;
	if (opts.json)
		jw_obj_open(key);
	else
		printf("%s%s", sep, key);
	tuple_print_str("src", tuple_addr(tb[NFV_TUPLE_A_SRC4],
					  tb[NFV_TUPLE_A_SRC6], src));
	tuple_print_str("dst", tuple_addr(tb[NFV_TUPLE_A_DST4],
					  tb[NFV_TUPLE_A_DST6], dst));
	if (attr_u16(tb[NFV_TUPLE_A_SPORT], &port))
		print_num("sport", ntohs(port));
	if (attr_u16(tb[NFV_TUPLE_A_DPORT], &port))
		print_num("dport", ntohs(port));
	if (attr_u8(tb[NFV_TUPLE_A_ICMP_TYPE], &res))
		print_num("icmp_type", res);
	if (attr_u16(tb[NFV_TUPLE_A_ZONE], &port))
		print_num("zone", port);
	if (attr_u64(tb[NFV_TUPLE_A_PACKETS], &v))
		print_num("packets", v);
	if (attr_u64(tb[NFV_TUPLE_A_BYTES], &v))
		print_num("bytes", v);
	if (attr_u8(tb[NFV_TUPLE_A_RESULT], &res))
		print_enum("result", res < __NFV_RES_MAX ? result_name[res] :
			   NULL, res);
	tuple_print_out(tb);
	if (opts.json)
		jw_obj_close();
}

static void print_ms(const char *key, const char *label, struct nlattr *a)
{
	uint32_t ms;

	if (!attr_u32(a, &ms))
		return;
	if (opts.json)
		jw_u64(key, ms);
	else if (ms % 1000)
		printf(" %s %u.%03us", label, ms / 1000, ms % 1000);
	else
		printf(" %s %us", label, ms / 1000);
}

/* The family starts a text record: lead goes before it. */
static void print_family(struct nlattr *a, const char *lead)
{
	const char *name;
	uint8_t v;

	if (!attr_u8(a, &v))
		return;
	name = family_name(v);
	if (opts.json)
		print_enum("family", name, v);
	else if (name)
		printf("%s%s", lead, name);
	else
		printf("%sfamily %u", lead, v);
}

/*
 * A flow (the NFV_A_FLOW nest): JSON members of the open object, or one
 * text record without its final newline; lead goes before the text, sep
 * between its lines.
 */
void flow_print(struct nlattr *flow, const char *lead, const char *sep)
{
	struct nlattr *tb[NFV_FLOW_A_MAX + 1];
	uint32_t in_port;
	uint16_t zone;
	uint8_t v = 0;

	if (attr_nested(tb, NFV_FLOW_A_MAX, flow) < 0)
		return;
	print_family(tb[NFV_FLOW_A_FAMILY], lead);
	if (attr_u8(tb[NFV_FLOW_A_PROTO], &v))
		print_enum("proto", ip_proto_name(v), v);
	flow_print_nf(flow, v);
	if (attr_u16(tb[NFV_FLOW_A_ZONE], &zone))
		print_num("zone", zone);
	if (attr_u32(tb[NFV_FLOW_A_IN_PORT], &in_port)) {
		if (opts.json)
			jw_u64("in_port", in_port);
		else
			printf(" in-port %u", in_port);
	}
	print_ms("idle_ms", "idle", tb[NFV_FLOW_A_IDLE_MS]);
	print_ms("timeout_ms", "timeout", tb[NFV_FLOW_A_TIMEOUT_MS]);
	if (tb[NFV_FLOW_A_ORIG])
		tuple_print("orig", tb[NFV_FLOW_A_ORIG], sep);
	if (tb[NFV_FLOW_A_REPLY])
		tuple_print("reply", tb[NFV_FLOW_A_REPLY], sep);
}

int flow_show_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	(void)cmd;
	if (!tb[NFV_A_FLOW])
		return 0;
	list_elem(arg);
	if (opts.json)
		jw_obj_open(NULL);
	flow_print(tb[NFV_A_FLOW], "", "\n\t");
	if (opts.json)
		jw_obj_close();
	else
		putchar('\n');
	return 0;
}


int do_flow(int argc, char **argv)
{
	if (!argc)
		return usage_err("flow", "missing command");
	if (matches(*argv, "show") || matches(*argv, "list"))
		return dp_request("flow show", NFV_CMD_FLOW_GET, argc - 1,
				  argv + 1, flow_show_reply);
	if (matches(*argv, "flush"))
		return dp_request("flow flush", NFV_CMD_FLOW_FLUSH, argc - 1,
				  argv + 1, NULL);
	if (matches(*argv, "help")) {
		usage_flow(stdout);
		return 0;
	}
	return usage_err("flow", "unknown command \"%s\"", *argv);
}
