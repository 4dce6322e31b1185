// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of cgnat.c's "cgnat add" arguments: the prefixes it takes and
 * the NF_CONFIG it builds (pools nested first, then static mappings, then
 * the options), and the arguments it refuses before anything is sent.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfvctl.h"

struct nfvctl_opts opts;	/* nfvctl.c's, for the message prefix */

static int failures;

/* nfvctl.c's list output, which no test here prints. */
void list_elem(struct list_out *l)
{
	l->n++;
}

void list_end(struct list_out *l, int err)
{
	(void)l;
	(void)err;
}

static void check(const char *name, bool ok)
{
	printf("%s %s\n", ok ? "ok  " : "FAIL", name);
	failures += !ok;
}

/* cgnat_config() on the words of head and tail; its attributes in tb. */
static int config2(const char *head, const char *tail, struct nl_msg **msg,
		   struct nlattr **tb)
{
	char buf[256], *argv[32], *w;
	int argc = 0, err;

	snprintf(buf, sizeof(buf), "%s %s", head, tail);
	for (w = strtok(buf, " "); w && argc < 32; w = strtok(NULL, " "))
		argv[argc++] = w;
	*msg = nlmsg_alloc();
	if (!*msg)
		exit(1);
	err = cgnat_config(*msg, "cgnat add", argc, argv);
	if (!err)
		nla_parse(tb, NFV_CGNAT_A_MAX, nlmsg_attrdata(nlmsg_hdr(*msg), 0),
			  nlmsg_attrlen(nlmsg_hdr(*msg), 0), NULL);
	return err;
}

static int config(const char *line, struct nl_msg **msg, struct nlattr **tb)
{
	return config2(line, "", msg, tb);
}

static void test_prefix(void)
{
	uint32_t a;
	uint8_t l;

	check("a prefix", !cgnat_parse_prefix("t", "198.51.100.0/30", &a, &l) &&
	      a == inet_addr("198.51.100.0") && l == 30);
	check("an address is a /32",
	      !cgnat_parse_prefix("t", "192.0.2.1", &a, &l) && l == 32);
	check("IPv6 refused", cgnat_parse_prefix("t", "2001:db8::/64", &a, &l));
	check("length over 32 refused",
	      cgnat_parse_prefix("t", "192.0.2.0/33", &a, &l));
	check("junk refused", cgnat_parse_prefix("t", "pool", &a, &l));
}

static void test_config(void)
{
	const char *head = "block-size 8 pool 198.51.100.0/30 max-blocks 2";
	const char *tail = "pool 203.0.113.8/29 inside 10.64.0.0/10";
	struct nlattr *tb[NFV_CGNAT_A_MAX + 1] = {}, *p;
	struct nl_msg *m;
	const char *line;
	int n = 0, rem;
	uint32_t v;

	check("pools and options", !config2(head, tail, &m, tb));
	nla_for_each_nested(p, tb[NFV_CGNAT_A_POOLS], rem)
		n += nla_type(p) == NFV_CGNAT_A_POOL;
	check("two pools in one nest", n == 2);
	check("block-size", attr_u32(tb[NFV_CGNAT_A_BLOCK_SIZE], &v) && v == 8);
	check("max-blocks", attr_u32(tb[NFV_CGNAT_A_MAX_BLOCKS], &v) && v == 2);
	check("inside", tb[NFV_CGNAT_A_INSIDE] && tb[NFV_CGNAT_A_INSIDE_LEN] &&
	      nla_get_u8(tb[NFV_CGNAT_A_INSIDE_LEN]) == 10);
	nlmsg_free(m);
	check("quarantine 0 and outside-zone",
	      !config2("pool 192.0.2.0/24", "quarantine 0 outside-zone 3",
		       &m, tb) &&
	      attr_u32(tb[NFV_CGNAT_A_QUARANTINE], &v) && !v &&
	      tb[NFV_CGNAT_A_OUTSIDE_ZONE] &&
	      nla_get_u16(tb[NFV_CGNAT_A_OUTSIDE_ZONE]) == 3);
	nlmsg_free(m);

	check("filtering address",
	      !config("pool 192.0.2.0/24 filtering address", &m, tb) &&
	      tb[NFV_CGNAT_A_FILTERING] &&
	      nla_get_u8(tb[NFV_CGNAT_A_FILTERING]) == NFV_CGNAT_FILTER_ADDRESS);
	nlmsg_free(m);
	check("filtering port refused",
	      config("pool 192.0.2.0/24 filtering port", &m, tb));
	nlmsg_free(m);
	check("no pool refused", config("block-size 8", &m, tb));
	nlmsg_free(m);
	check("block-size 4 refused",
	      config("pool 192.0.2.0/24 block-size 4", &m, tb));
	nlmsg_free(m);
	check("max-blocks 0 refused",
	      config("pool 192.0.2.0/24 max-blocks 0", &m, tb));
	nlmsg_free(m);
	check("a keyword without a value refused",
	      config("pool 192.0.2.0/24 quarantine", &m, tb));
	nlmsg_free(m);
	check("an unknown keyword refused",
	      config("pool 192.0.2.0/24 colour blue", &m, tb));
	nlmsg_free(m);
	check("timeouts",
	      !config2("pool 192.0.2.0/24 timeout udp 150",
		       "tcp-transitory 300 icmp 90 max-blocks 3", &m, tb) &&
	      attr_u32(tb[NFV_CGNAT_A_TIMEOUT_UDP], &v) && v == 150 &&
	      attr_u32(tb[NFV_CGNAT_A_TIMEOUT_TCP_TRANSITORY], &v) &&
	      v == 300 && attr_u32(tb[NFV_CGNAT_A_TIMEOUT_ICMP], &v) &&
	      v == 90 && !tb[NFV_CGNAT_A_TIMEOUT_TCP_ESTABLISHED] &&
	      attr_u32(tb[NFV_CGNAT_A_MAX_BLOCKS], &v) && v == 3);
	nlmsg_free(m);
	check("timeout tcp-established last",
	      !config("pool 192.0.2.0/24 timeout tcp-established 8000", &m,
		      tb) &&
	      attr_u32(tb[NFV_CGNAT_A_TIMEOUT_TCP_ESTABLISHED], &v) &&
	      v == 8000);
	nlmsg_free(m);
	check("timeout without a class refused",
	      config("pool 192.0.2.0/24 timeout", &m, tb));
	nlmsg_free(m);
	check("timeout of an unknown class refused",
	      config("pool 192.0.2.0/24 timeout tcp 300", &m, tb));
	nlmsg_free(m);
	check("timeout class without seconds refused",
	      config("pool 192.0.2.0/24 timeout udp", &m, tb));
	nlmsg_free(m);
	check("timeout 0 refused",
	      config("pool 192.0.2.0/24 timeout udp 0", &m, tb));
	nlmsg_free(m);
	check("a class twice refused",
	      config("pool 192.0.2.0/24 timeout udp 150 udp 200", &m, tb));
	nlmsg_free(m);
	line = "pool 192.0.2.0/24 inside 10.0.0.0/8 inside 10.0.0.0/8";
	check("two insides refused", config(line, &m, tb));
	nlmsg_free(m);
	check("mode deterministic",
	      !config("pool 192.0.2.0/24 mode deterministic", &m, tb) &&
	      tb[NFV_CGNAT_A_MODE] &&
	      nla_get_u8(tb[NFV_CGNAT_A_MODE]) ==
	      NFV_CGNAT_MODE_DETERMINISTIC);
	nlmsg_free(m);
	check("mode block",
	      !config("pool 192.0.2.0/24 mode block", &m, tb) &&
	      tb[NFV_CGNAT_A_MODE] &&
	      nla_get_u8(tb[NFV_CGNAT_A_MODE]) == NFV_CGNAT_MODE_BLOCK);
	nlmsg_free(m);
	check("mode static refused",
	      config("pool 192.0.2.0/24 mode static", &m, tb));
	nlmsg_free(m);
}

/* cgnat_lookup_filter() on line's words; its attributes in tb. */
static int lookup(const char *line, struct nl_msg **msg, struct nlattr **tb)
{
	char buf[128], *argv[8], *w;
	int argc = 0, err;

	snprintf(buf, sizeof(buf), "%s", line);
	for (w = strtok(buf, " "); w && argc < 8; w = strtok(NULL, " "))
		argv[argc++] = w;
	*msg = nlmsg_alloc();
	if (!*msg)
		exit(1);
	memset(tb, 0, sizeof(*tb) * (NFV_CGNAT_MAP_A_MAX + 1));
	err = cgnat_lookup_filter(*msg, "cgnat lookup", argc, argv);
	if (!err)
		nla_parse(tb, NFV_CGNAT_MAP_A_MAX,
			  nlmsg_attrdata(nlmsg_hdr(*msg), 0),
			  nlmsg_attrlen(nlmsg_hdr(*msg), 0), NULL);
	return err;
}

static void test_lookup(void)
{
	struct nlattr *tb[NFV_CGNAT_MAP_A_MAX + 1];
	struct nl_msg *m;

	check("lookup ADDRESS:PORT",
	      !lookup("198.51.100.1:17500", &m, tb) &&
	      tb[NFV_CGNAT_MAP_A_PUBLIC] &&
	      nla_get_u32(tb[NFV_CGNAT_MAP_A_PUBLIC]) ==
	      inet_addr("198.51.100.1") &&
	      tb[NFV_CGNAT_MAP_A_PUBLIC_PORT] &&
	      ntohs(nla_get_u16(tb[NFV_CGNAT_MAP_A_PUBLIC_PORT])) == 17500 &&
	      !tb[NFV_CGNAT_MAP_A_PROTO]);
	nlmsg_free(m);
	check("lookup with proto udp",
	      !lookup("198.51.100.1:80 proto udp", &m, tb) &&
	      tb[NFV_CGNAT_MAP_A_PROTO] &&
	      nla_get_u8(tb[NFV_CGNAT_MAP_A_PROTO]) == IPPROTO_UDP);
	nlmsg_free(m);
	check("lookup without a port refused",
	      lookup("198.51.100.1", &m, tb));
	nlmsg_free(m);
	check("lookup of port 65536 refused",
	      lookup("198.51.100.1:65536", &m, tb));
	nlmsg_free(m);
	check("lookup of an IPv6 address refused",
	      lookup("2001:db8::1:80", &m, tb));
	nlmsg_free(m);
	check("lookup proto sctp refused",
	      lookup("198.51.100.1:80 proto sctp", &m, tb));
	nlmsg_free(m);
	check("lookup proto without a value refused",
	      lookup("198.51.100.1:80 proto", &m, tb));
	nlmsg_free(m);
	check("lookup with junk after it refused",
	      lookup("198.51.100.1:80 proto tcp now", &m, tb));
	nlmsg_free(m);
	check("lookup of nothing refused", lookup("", &m, tb));
	nlmsg_free(m);
}

/* The n-th nest's attribute of type in a list (statics, excludes). */
static struct nlattr *static_attr(struct nlattr *statics, int n, int type)
{
	struct nlattr *st, *a;
	int rem, rem2;

	nla_for_each_nested(st, statics, rem) {
		if (n--)
			continue;
		nla_for_each_nested(a, st, rem2)
			if (nla_type(a) == type)
				return a;
	}
	return NULL;
}

static void test_statics(void)
{
	const char *head = "pool 198.51.100.0/30 static tcp 100.64.0.5:8080";
	const char *tail = "198.51.100.1:80 max-blocks 2 static udp 100.64.0.6:53 198.51.100.2:53";
	struct nlattr *tb[NFV_CGNAT_A_MAX + 1] = {}, *a;
	struct nl_msg *m;
	int n = 0, rem;

	check("two static mappings", !config2(head, tail, &m, tb) &&
	      tb[NFV_CGNAT_A_STATICS] && tb[NFV_CGNAT_A_MAX_BLOCKS]);
	nla_for_each_nested(a, tb[NFV_CGNAT_A_STATICS], rem)
		n += nla_type(a) == NFV_CGNAT_A_STATIC;
	check("in one nest", n == 2);
	a = static_attr(tb[NFV_CGNAT_A_STATICS], 0, NFV_CGNAT_MAP_A_PROTO);
	check("the first is tcp", a && nla_get_u8(a) == IPPROTO_TCP);
	a = static_attr(tb[NFV_CGNAT_A_STATICS], 0,
			NFV_CGNAT_MAP_A_INSIDE_PORT);
	check("from inside port 8080", a && ntohs(nla_get_u16(a)) == 8080);
	a = static_attr(tb[NFV_CGNAT_A_STATICS], 1, NFV_CGNAT_MAP_A_PUBLIC);
	check("the second to 198.51.100.2",
	      a && nla_get_u32(a) == inet_addr("198.51.100.2"));
	a = static_attr(tb[NFV_CGNAT_A_STATICS], 1,
			NFV_CGNAT_MAP_A_PUBLIC_PORT);
	check("port 53", a && ntohs(nla_get_u16(a)) == 53);
	nlmsg_free(m);
	check("no static, no nest",
	      !config("pool 192.0.2.0/24", &m, tb) && !tb[NFV_CGNAT_A_STATICS]);
	nlmsg_free(m);
	check("static icmp refused",
	      config("pool 192.0.2.0/24 static icmp 100.64.0.5:1 192.0.2.1:1",
		     &m, tb));
	nlmsg_free(m);
	check("static without a port refused",
	      config("pool 192.0.2.0/24 static tcp 100.64.0.5 192.0.2.1:80",
		     &m, tb));
	nlmsg_free(m);
	check("static port 0 refused",
	      config("pool 192.0.2.0/24 static tcp 100.64.0.5:0 192.0.2.1:80",
		     &m, tb));
	nlmsg_free(m);
	check("static short of words refused",
	      config("pool 192.0.2.0/24 static tcp 100.64.0.5:80", &m, tb));
	nlmsg_free(m);
}

static void test_excludes(void)
{
	struct nlattr *tb[NFV_CGNAT_A_MAX + 1] = {}, *a;
	struct nl_msg *m;
	int n = 0, rem;

	check("two excludes",
	      !config("pool 192.0.2.0/24 exclude 203.0.113.0/24 exclude 10.1.2.3",
		      &m, tb) && tb[NFV_CGNAT_A_EXCLUDES]);
	nla_for_each_nested(a, tb[NFV_CGNAT_A_EXCLUDES], rem)
		n += nla_type(a) == NFV_CGNAT_A_EXCLUDE;
	check("in one nest", n == 2);
	a = static_attr(tb[NFV_CGNAT_A_EXCLUDES], 1, NFV_CGNAT_EXCLUDE_A_LEN);
	check("an address is a /32", a && nla_get_u8(a) == 32);
	nlmsg_free(m);
	check("exclude of junk refused",
	      config("pool 192.0.2.0/24 exclude here", &m, tb));
	nlmsg_free(m);
}


/*
 * Lookup in the past (cgnatpast.c): a crafted log of cg1 in dp0, both of
 * the formats cgnat log writes. Block 1024-1031 of 198.51.100.1 goes to A
 * at 01:00, back at 01:05, after the quarantine to B at 01:07, back at
 * 01:20; another instance's record of the same block, a session event and
 * lines that are no records are passed over.
 */
#define T0	1796432400000ULL	/* 2026-12-05T01:00:00Z */
#define MIN	60000ULL

static const char past_log[] =
	"{\"event\":\"block-alloc\",\"dp\":\"dp0\",\"nf\":\"cg1\",\"time_ms\":1796432400000,\"inside\":\"100.64.0.2\",\"zone\":0,\"public\":\"198.51.100.1\",\"port_first\":1024,\"port_last\":1031}\n"
	"2026-12-05T01:00:30.000Z cgnat dp0 cg2 block-alloc inside 100.64.0.9 zone 0 public 198.51.100.1 ports 1024-1031\n"
	"2026-12-05T01:01:00.000Z cgnat dp0 cg1 session-new inside 100.64.0.2 zone 0 public 198.51.100.1 proto udp port 5000 public-port 1030\n"
	"listening\n"
	"not a record at all\n"
	"2026-12-05T01:05:00.000Z cgnat dp0 cg1 block-free inside 100.64.0.2 zone 0 public 198.51.100.1 ports 1024-1031\n"
	"{\"event\":\"block-alloc\",\"dp\":\"dp0\",\"nf\":\"cg1\",\"time_ms\":1796432820000,\"inside\":\"100.64.0.3\",\"zone\":2,\"public\":\"198.51.100.1\",\"port_first\":1024,\"port_last\":1031}\n"
	"{\"event\":\"block-alloc\",\"dp\":\"dp0\",\"nf\":\"cg1\",\"time_ms\":1796432880000,\"inside\":\"100.64.0.4\",\"zone\":0,\"public\":\"198.51.100.1\",\"port_first\":1032,\"port_last\":1039}\n"
	"2026-12-05T01:20:00.000Z cgnat dp0 cg1 block-free inside 100.64.0.3 zone 2 public 198.51.100.1 ports 1024-1031\n";

/* Who held 198.51.100.1:port at t in log: the inside address, or 0. */
static uint32_t past(const char *log, uint16_t port, uint64_t t,
		     struct cgnat_past *a)
{
	FILE *f = fmemopen((void *)log, strlen(log), "r");
	int held;

	if (!f)
		exit(1);
	held = cgnat_past_find(f, "dp0", "cg1", inet_addr("198.51.100.1"),
			       port, t, a);
	fclose(f);
	return held ? a->rec.inside : 0;
}

static void test_past(void)
{
	uint32_t A = inet_addr("100.64.0.2"), B = inet_addr("100.64.0.3");
	struct cgnat_past a;
	struct cgnat_rec r;
	uint64_t ms;

	check("time: ISO 8601 with milliseconds",
	      !cgnat_parse_time("2026-12-05T01:00:00.250Z", &ms) &&
	      ms == T0 + 250);
	check("time: without Z or milliseconds, UTC",
	      !cgnat_parse_time("2026-12-05T01:00:00", &ms) && ms == T0);
	check("time: @SECONDS",
	      !cgnat_parse_time("@1796432400.5", &ms) && ms == T0 + 500);
	check("time: junk refused", cgnat_parse_time("yesterday", &ms) &&
	      cgnat_parse_time("2026-12-05T01:00:00Zx", &ms) &&
	      cgnat_parse_time("@", &ms));
	check("record: a JSON line",
	      cgnat_log_rec(past_log, &r) && r.alloc && r.time == T0 &&
	      r.inside == A && r.first == 1024 && r.last == 1031 &&
	      !strcmp(r.dp, "dp0") && !strcmp(r.nf, "cg1"));
	check("record: a file line, block-free",
	      cgnat_log_rec("2026-12-05T01:05:00.000Z cgnat dp0 cg1 block-free inside 100.64.0.2 zone 0 public 198.51.100.1 ports 1024-1031\n",
			    &r) && !r.alloc && r.time == T0 + 5 * MIN &&
	      r.pub == inet_addr("198.51.100.1"));
	check("record: a file line with the instance's pool-id",
	      cgnat_log_rec("2026-12-05T01:05:00.000Z cgnat dp0 cg1 block-alloc inside 100.64.0.2 zone 0 public 198.51.100.1 ports 1024-1031 pool-id 42\n",
			    &r) && r.alloc && r.first == 1024 && r.last == 1031);
	check("record: anything else after the ports is none",
	      !cgnat_log_rec("2026-12-05T01:05:00.000Z cgnat dp0 cg1 block-alloc inside 100.64.0.2 zone 0 public 198.51.100.1 ports 1024-1031 junk\n",
			     &r));
	check("record: a session event is none",
	      !cgnat_log_rec("2026-12-05T01:01:00.000Z cgnat dp0 cg1 session-new inside 100.64.0.2 zone 0 public 198.51.100.1 proto udp port 5000 public-port 1030",
			     &r));

	check("past: A at its allocation's instant",
	      past(past_log, 1030, T0, &a) == A);
	check("past: A at 01:02, allocated 01:00, released 01:05",
	      past(past_log, 1030, T0 + 2 * MIN, &a) == A &&
	      a.allocated == T0 && a.released == T0 + 5 * MIN &&
	      a.rec.first == 1024 && a.rec.last == 1031);
	check("past: nobody at the release's instant",
	      !past(past_log, 1030, T0 + 5 * MIN, &a));
	check("past: nobody in the quarantine (01:06)",
	      !past(past_log, 1030, T0 + 6 * MIN, &a));
	check("past: B at 01:10, zone 2, released 01:20",
	      past(past_log, 1030, T0 + 10 * MIN, &a) == B &&
	      a.rec.zone == 2 && a.allocated == T0 + 7 * MIN &&
	      a.released == T0 + 20 * MIN);
	check("past: B's first port, 1024, at 01:19",
	      past(past_log, 1024, T0 + 19 * MIN, &a) == B);
	check("past: nobody after B's release",
	      !past(past_log, 1030, T0 + 30 * MIN, &a) &&
	      a.log_first == T0 && a.log_last == T0 + 20 * MIN);
	check("past: the next block is another's",
	      past(past_log, 1032, T0 + 10 * MIN, &a) == inet_addr("100.64.0.4") &&
	      !a.released);
	check("past: nobody before the log began",
	      !past(past_log, 1030, T0 - 1, &a) && a.log_first == T0);
	/* A log begun at 01:06 sees B's block given back, never given. */
	check("past: a holder from before the log began",
	      past(strstr(past_log, "{\"event\":\"block-alloc\",\"dp\":\"dp0\",\"nf\":\"cg1\",\"time_ms\":1796432880000"),
		   1030, T0 + 10 * MIN, &a) == B && !a.allocated &&
	      a.released == T0 + 20 * MIN);
	check("past: ... but not before the log's first record",
	      !past(strstr(past_log, "{\"event\":\"block-alloc\",\"dp\":\"dp0\",\"nf\":\"cg1\",\"time_ms\":1796432880000"),
		    1030, T0 + 7 * MIN, &a));
}

int main(void)
{
	test_prefix();
	test_config();
	test_lookup();
	test_statics();
	test_excludes();
	test_past();
	return failures ? 1 : 0;
}
