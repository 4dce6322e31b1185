// SPDX-License-Identifier: GPL-2.0
/*
 * nftables' rule habits, rewritten into the rule words the kernel's rules
 * hold (fwrule.c's put_rule()): "iifname", "ip saddr", "tcp dport",
 * "icmp type echo-request", anonymous sets ("dport { 22, 443 }"), "!="
 * on ports and prefixes, "counter", "reject with icmpx type
 * admin-prohibited". A set or a
 * "!=" makes several rules, one per element or per piece of the
 * complement, in the order written; they are sent as separate rules.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fwsyntax.h"
#include "nfvctl.h"

#define FW_MAX_VALUES	64	/* elements of one field, complements included */
#define FW_MAX_EXPAND	4096	/* rules one line may become */
#define FW_METER_WORDS	12

/* A field's values after sets and "!=" are undone: each a word for fw.c. */
struct fw_field {
	const char *kw;			/* fw.c's keyword */
	char *val[FW_MAX_VALUES];
	uint64_t owned;			/* 1 << i: val[i] is a copy, to free */
	unsigned int n;
};

enum {
	F_IN, F_SRC, F_DST, F_SPORT, F_DPORT, F_ITYPE, F_ICODE, F_STATE,
	F_NUM
};

/* fw.c's keyword of each field. */
static const char *const field_kw[F_NUM] = {
	[F_IN] = "in-port", [F_SRC] = "src", [F_DST] = "dst",
	[F_SPORT] = "sport", [F_DPORT] = "dport",
	[F_ITYPE] = "icmp-type", [F_ICODE] = "icmp-code",
	[F_STATE] = "state",
};

struct fw_line {
	const char *cmd;
	struct fw_field f[F_NUM];
	const char *proto;
	const char *action;
	const char *reject;		/* fw.c's reject-with value */
	char tcp_flags[64];		/* fw.c's tcp-flags value, F/M */
	char *meter[FW_METER_WORDS];	/* fw.c's meter words */
	unsigned int nmeter;
	char count[16], size[16], prefix[8];
	char meter_buf[512];		/* meter's words, split */
};

static const struct {
	const char *name;
	uint8_t type;
} icmp_types[] = {
	{ "echo-reply", 0 }, { "destination-unreachable", 3 },
	{ "source-quench", 4 }, { "redirect", 5 }, { "echo-request", 8 },
	{ "router-advertisement", 9 }, { "router-solicitation", 10 },
	{ "time-exceeded", 11 }, { "parameter-problem", 12 },
	{ "timestamp-request", 13 }, { "timestamp-reply", 14 },
	{ "info-request", 15 }, { "info-reply", 16 },
	{ "address-mask-request", 17 }, { "address-mask-reply", 18 },
}, icmpv6_types[] = {
	{ "destination-unreachable", 1 }, { "packet-too-big", 2 },
	{ "time-exceeded", 3 }, { "parameter-problem", 4 },
	{ "echo-request", 128 }, { "echo-reply", 129 },
	{ "mld-listener-query", 130 }, { "mld-listener-report", 131 },
	{ "mld-listener-done", 132 }, { "nd-router-solicit", 133 },
	{ "nd-router-advert", 134 }, { "nd-neighbor-solicit", 135 },
	{ "nd-neighbor-advert", 136 }, { "nd-redirect", 137 },
	{ "mld2-listener-report", 143 },
};

int fw_icmp_type(const char *name, bool v6)
{
	size_t i, n = v6 ? ARRAY_SIZE(icmpv6_types) : ARRAY_SIZE(icmp_types);

	for (i = 0; i < n; i++) {
		if (!strcmp(name, v6 ? icmpv6_types[i].name :
				       icmp_types[i].name))
			return v6 ? icmpv6_types[i].type : icmp_types[i].type;
	}
	return -1;
}

static const char *const tcp_flag_names[8] = {
	"fin", "syn", "rst", "psh", "ack", "urg", "ecn", "cwr",
};

/* One flag by nft's name (ECE is "ecn"; "ece" too), or -1. */
static int tcp_flag(const char *s, size_t len)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		if (strlen(tcp_flag_names[i]) == len &&
		    !strncmp(s, tcp_flag_names[i], len))
			return 1 << i;
	return len == 3 && !strncmp(s, "ece", 3) ? 0x40 : -1;
}

/*
 * "syn,ack", "syn|ack", "(syn|ack)", a number, or "0": the flags' bits;
 * -1 if it is none of these.
 */
int fw_tcp_flags_parse(const char *s, size_t len)
{
	int v = 0, f;
	char *end;

	if (len > 1 && s[0] == '(' && s[len - 1] == ')') {
		s++;
		len -= 2;
	}
	if (len && s[0] >= '0' && s[0] <= '9') {
		long n = strtol(s, &end, 0);

		return (size_t)(end - s) == len && n >= 0 && n <= 255 ? (int)n : -1;
	}
	while (len) {
		size_t n = strcspn(s, ",|");

		if (n > len)
			n = len;
		f = tcp_flag(s, n);
		if (f < 0)
			return -1;
		v |= f;
		s += n;
		len -= n;
		if (len) {		/* the separator */
			s++;
			len--;
			if (!len)
				return -1;
		}
	}
	return v;
}

/* The flags' names, "syn,ack", or "0" for none. */
void fw_tcp_flags_str(uint8_t v, char *buf, size_t size)
{
	unsigned int i;

	snprintf(buf, size, "%s", v ? "" : "0");
	for (i = 0; i < 8; i++)
		if (v & (1 << i))
			snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
				 buf[0] ? "," : "", tcp_flag_names[i]);
}

static const struct {
	const char *name;
	uint32_t seconds;
} periods[] = {
	{ "second", 1 }, { "minute", 60 }, { "hour", 3600 }, { "day", 86400 },
	{ "s", 1 }, { "min", 60 }, { "m", 60 }, { "h", 3600 }, { "d", 86400 },
};

int fw_rate_parse(const char *arg, uint32_t *rate, uint32_t *period)
{
	const char *slash = strchr(arg, '/');
	unsigned long v;
	char *end;
	size_t i;

	if (!slash || slash == arg ||
	    strspn(arg, "0123456789") != (size_t)(slash - arg))
		return -1;
	v = strtoul(arg, NULL, 10);
	if (!v || v > UINT32_MAX)
		return -1;
	*rate = (uint32_t)v;
	for (i = 0; i < ARRAY_SIZE(periods); i++) {
		if (!strcmp(slash + 1, periods[i].name)) {
			*period = periods[i].seconds;
			return 0;
		}
	}
	if (slash[1] < '1' || slash[1] > '9')
		return -1;
	v = strtoul(slash + 1, &end, 10);
	if (strcmp(end, "s") || v > 86400)
		return -1;
	*period = (uint32_t)v;
	return 0;
}

void fw_rate_str(uint32_t rate, uint32_t period, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(periods); i++) {
		if (periods[i].seconds == period) {
			snprintf(buf, size, "%u/%s", rate, periods[i].name);
			return;
		}
	}
	snprintf(buf, size, "%u/%us", rate, period);
}

/* Could the word be part of a "tcp flags" expression? */
static bool flags_word(const char *w)
{
	while (*w) {
		size_t n = strcspn(w, ",|&()/=!");

		if (n && fw_tcp_flags_parse(w, n) < 0)
			return false;
		w += n;
		w += strspn(w, ",|&()/=!");
	}
	return true;
}

/*
 * nft's "tcp flags" forms that say what they mean: "F / M" and
 * "& M == F" (the flags F under the mask M), "== F" (exactly F) and one
 * flag alone ("syn": SYN set). Several flags alone mean "any of them"
 * to some nft versions and "exactly these" to others: refused.
 */
static int tcp_flags(struct fw_line *l, int argc, char **argv)
{
	char e[128] = "", *op;
	int used = 0, f, m;

	if (!l->proto || strcmp(l->proto, "tcp"))
		return usage_err(l->cmd, "\"flags\" needs tcp");
	for (; used < argc && flags_word(argv[used]); used++) {
		if (strlen(e) + strlen(argv[used]) + 1 > sizeof(e))
			return usage_err(l->cmd, "tcp flags too long");
		strcat(e, argv[used]);
	}
	if (e[0] == '&' && (op = strstr(e, "=="))) {
		m = fw_tcp_flags_parse(e + 1, op - e - 1);
		f = fw_tcp_flags_parse(op + 2, strlen(op + 2));
	} else if (!strncmp(e, "==", 2)) {
		f = fw_tcp_flags_parse(e + 2, strlen(e + 2));
		m = 0xff;
	} else if ((op = strchr(e, '/'))) {
		f = fw_tcp_flags_parse(e, op - e);
		m = fw_tcp_flags_parse(op + 1, strlen(op + 1));
	} else {
		f = m = fw_tcp_flags_parse(e, strlen(e));
		if (f > 0 && (f & (f - 1)))
			return usage_err(l->cmd, "\"tcp flags %s\": write \"%s / %s\" for all of them set",
					 e, e, e);
	}
	if (f < 0 || m <= 0 || (f & ~m))
		return usage_err(l->cmd, "tcp flags \"%s\": write F / M, & M == F, == F or one flag",
				 e);
	snprintf(l->tcp_flags, sizeof(l->tcp_flags), "%u/%u", f & 0xff,
		 m & 0xff);
	return used;
}

/*
 * What a line starts with. Not an initializer: that would zero the whole
 * struct, 5 KiB of value slots, for each line of a rule file, where only
 * the counts need to be.
 */
static void line_init(struct fw_line *l, const char *cmd)
{
	unsigned int i;

	l->cmd = cmd;
	for (i = 0; i < F_NUM; i++) {
		l->f[i].kw = field_kw[i];
		l->f[i].n = 0;
		l->f[i].owned = 0;
	}
	l->proto = NULL;
	l->action = NULL;
	l->reject = NULL;
	l->tcp_flags[0] = 0;
	l->nmeter = 0;
}

static void line_free(struct fw_line *l)
{
	unsigned int i, j;

	for (i = 0; i < F_NUM; i++)
		for (j = 0; j < l->f[i].n; j++)
			if (l->f[i].owned & (1ULL << j))
				free(l->f[i].val[j]);
}

static int add_value(struct fw_line *l, int f, const char *v)
{
	struct fw_field *fd = &l->f[f];

	if (fd->n == FW_MAX_VALUES)
		return usage_err(l->cmd, "more than %d values for \"%s\"",
				 FW_MAX_VALUES, fd->kw);
	fd->val[fd->n] = strdup(v);
	if (!fd->val[fd->n])
		return usage_err(l->cmd, "out of memory");
	fd->owned |= 1ULL << fd->n++;
	return 0;
}

/* A value that is a word of the line as it stands: no copy. */
static void add_word(struct fw_line *l, int f, char *w)
{
	l->f[f].val[l->f[f].n++] = w;
}

/*
 * The value at argv[0]: one word, or a set "{ a, b }" over as many words
 * as it takes, split into elements. Returns the words used, or -1.
 */
static int take_set(struct fw_line *l, int argc, char **argv,
		    char *out[], unsigned int *n, char *buf, size_t size)
{
	int used = 0;
	char *p, *save = NULL;

	*n = 0;
	buf[0] = '\0';
	if (argv[0][0] != '{') {
		if (strlen(argv[0]) >= size)
			return usage_err(l->cmd, "value too long");
		strcpy(buf, argv[0]);
		out[(*n)++] = buf;
		return 1;
	}
	for (; used < argc; used++) {
		if (strlen(buf) + strlen(argv[used]) + 2 > size)
			return usage_err(l->cmd, "set too long");
		strcat(buf, argv[used]);
		strcat(buf, " ");
		if (strchr(argv[used], '}'))
			break;
	}
	if (used == argc)
		return usage_err(l->cmd, "set without a closing \"}\"");
	p = strchr(buf, '}');
	if (p[1] != ' ' || p[2])
		return usage_err(l->cmd, "words after \"}\" in \"%s\"", buf);
	*p = '\0';
	for (p = strtok_r(buf + 1, ", \t", &save); p;
	     p = strtok_r(NULL, ", \t", &save)) {
		if (*n == FW_MAX_VALUES)
			return usage_err(l->cmd, "set of more than %d elements",
					 FW_MAX_VALUES);
		out[(*n)++] = p;
	}
	if (!*n)
		return usage_err(l->cmd, "empty set");
	return used + 1;
}

static int parse_port(const char *cmd, const char *s, uint32_t *lo,
		      uint32_t *hi)
{
	char buf[32], *dash;

	if (strlen(s) >= sizeof(buf))
		return usage_err(cmd, "invalid port \"%s\"", s);
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (parse_u32(cmd, "port", buf, 0, 65535, lo) ||
	    parse_u32(cmd, "port", dash ? dash : buf, 0, 65535, hi))
		return -1;
	if (*lo > *hi)
		return usage_err(cmd, "port range \"%s\" is backwards", s);
	return 0;
}

/* The ports outside the union of v[0..n), as ranges. */
static int ports_not(struct fw_line *l, int f, char *v[], unsigned int n)
{
	static uint8_t in[65536];
	uint32_t lo, hi, p, start;
	char buf[16];
	unsigned int i;

	memset(in, 0, sizeof(in));
	for (i = 0; i < n; i++) {
		if (parse_port(l->cmd, v[i], &lo, &hi))
			return -1;
		memset(in + lo, 1, hi - lo + 1);
	}
	for (p = 0; p < 65536; p++) {
		if (in[p])
			continue;
		for (start = p; p + 1 < 65536 && !in[p + 1]; p++)
			;
		if (start == p)
			snprintf(buf, sizeof(buf), "%u", start);
		else
			snprintf(buf, sizeof(buf), "%u-%u", start, p);
		if (add_value(l, f, buf))
			return -1;
	}
	return 0;
}

/*
 * The addresses outside one prefix: for each of its bits, the prefix
 * that agrees up to that bit and differs in it.
 */
static int prefix_not(struct fw_line *l, int f, const char *s)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, out[INET6_ADDRSTRLEN + 8];
	int fam = strchr(s, ':') ? AF_INET6 : AF_INET;
	unsigned int len = fam == AF_INET ? 32 : 128, k;
	unsigned char addr[16], flip[16];

	if (strlen(s) >= sizeof(buf))
		return usage_err(l->cmd, "invalid prefix \"%s\"", s);
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash++ = '\0';
		if (parse_u32(l->cmd, "prefix length", slash, 0, len, &k))
			return -1;
		len = k;
	}
	if (inet_pton(fam, buf, addr) != 1)
		return usage_err(l->cmd, "invalid address \"%s\"", buf);
	if (!len)
		return usage_err(l->cmd, "\"!= %s\" matches nothing", s);
	for (k = 1; k <= len; k++) {
		size_t at;

		unsigned int i;

		/* The first k bits of the prefix, the last of them flipped. */
		memcpy(flip, addr, sizeof(flip));
		for (i = k; i < 128; i++)
			flip[i / 8] &= ~(0x80 >> (i % 8));
		flip[(k - 1) / 8] ^= 0x80 >> ((k - 1) % 8);
		inet_ntop(fam, flip, out, sizeof(out));
		at = strlen(out);
		snprintf(out + at, sizeof(out) - at, "/%u", k);
		if (add_value(l, f, out))
			return -1;
	}
	return 0;
}

static int set_proto(struct fw_line *l, const char *p)
{
	if (l->proto && strcmp(l->proto, p))
		return usage_err(l->cmd, "protocols %s and %s in one rule",
				 l->proto, p);
	l->proto = p;
	return 0;
}

/* A field's value (or set), with "!=" or "==" before it. */
static int field(struct fw_line *l, int f, int argc, char **argv)
{
	char buf[4096], *v[FW_MAX_VALUES];
	unsigned int n, i;
	bool neg = false;
	int used, skip = 0;

	if (argc && (!strcmp(argv[0], "!=") || !strcmp(argv[0], "=="))) {
		neg = argv[0][0] == '!';
		skip = 1;
	}
	if (argc <= skip)
		return usage_err(l->cmd, "missing value after \"%s\"",
				 l->f[f].kw);
	used = take_set(l, argc - skip, argv + skip, v, &n, buf, sizeof(buf));
	if (used < 0)
		return -1;
	if (l->f[f].n)
		return usage_err(l->cmd, "\"%s\" twice in one rule",
				 l->f[f].kw);
	if (neg && (f == F_SPORT || f == F_DPORT)) {
		if (ports_not(l, f, v, n))
			return -1;
	} else if (neg && (f == F_SRC || f == F_DST) && n == 1) {
		if (prefix_not(l, f, v[0]))
			return -1;
	} else if (neg) {
		return usage_err(l->cmd, "\"!=\" works on ports and on one prefix, not on \"%s\"",
				 l->f[f].kw);
	} else if (n == 1 && v[0] == buf && !(f == F_ITYPE && l->proto &&
						 (buf[0] < '0' || buf[0] > '9'))) {
		/* One word, as it is (take_set() copied it whole). */
		add_word(l, f, argv[skip]);
	} else {
		for (i = 0; i < n; i++) {
			int t = -1;

			if (f == F_ITYPE && l->proto)
				t = fw_icmp_type(v[i],
						 !strcmp(l->proto, "icmpv6"));
			if (t >= 0) {
				char num[12];

				snprintf(num, sizeof(num), "%d", t);
				if (add_value(l, f, num))
					return -1;
			} else if (add_value(l, f, v[i])) {
				return -1;
			}
		}
	}
	return skip + used;
}

/*
 * By the first letter, then a strcmp() or two: every word of a rule asks,
 * and a walk over every name cost a rule file's parse more than any other
 * step but the attributes' (callgrind).
 */
static int field_of(const char *kw)
{
	switch (kw[0]) {
	case 'c':
		return !strcmp(kw, "code") ? F_ICODE : -1;
	case 'd':
		return !strcmp(kw, "dst") ? F_DST :
		       !strcmp(kw, "dport") ? F_DPORT :
		       !strcmp(kw, "daddr") ? F_DST : -1;
	case 'i':
		return !strcmp(kw, "in-port") || !strcmp(kw, "iifname") ||
		       !strcmp(kw, "iif") ? F_IN :
		       !strcmp(kw, "icmp-type") ? F_ITYPE :
		       !strcmp(kw, "icmp-code") ? F_ICODE : -1;
	case 's':
		return !strcmp(kw, "src") ? F_SRC :
		       !strcmp(kw, "sport") ? F_SPORT :
		       !strcmp(kw, "state") ? F_STATE :
		       !strcmp(kw, "saddr") ? F_SRC : -1;
	case 't':
		return !strcmp(kw, "type") ? F_ITYPE : -1;
	}
	return -1;
}

static bool is_l4(const char *w)
{
	return !strcmp(w, "tcp") || !strcmp(w, "udp") || !strcmp(w, "sctp") ||
	       !strcmp(w, "udplite") || !strcmp(w, "icmp") ||
	       !strcmp(w, "icmpv6");
}

/*
 * nftables' reject types and the answer nfv_fw gives for each, in the
 * packet's family: "icmp type" and "icmpv6 type" name the same four.
 */
static const struct {
	const char *kind;
	const char *name;
	const char *with;		/* fw.c's reject-with value */
} reject_types[] = {
	{ "icmp", "port-unreachable", "port-unreachable" },
	{ "icmp", "host-unreachable", "host-unreachable" },
	{ "icmp", "admin-prohibited", "admin-prohibited" },
	{ "icmp", "net-unreachable", "no-route" },
	{ "icmpv6", "port-unreachable", "port-unreachable" },
	{ "icmpv6", "addr-unreachable", "host-unreachable" },
	{ "icmpv6", "admin-prohibited", "admin-prohibited" },
	{ "icmpv6", "no-route", "no-route" },
	{ "icmpx", "port-unreachable", "port-unreachable" },
	{ "icmpx", "host-unreachable", "host-unreachable" },
	{ "icmpx", "admin-prohibited", "admin-prohibited" },
	{ "icmpx", "no-route", "no-route" },
};

/* "reject [with tcp reset | with icmp[x|v6] type TYPE]" */
static int action(struct fw_line *l, int argc, char **argv)
{
	size_t i;

	l->action = argv[0];
	if (argc == 1)
		return 1;
	if (strcmp(argv[0], "reject") || strcmp(argv[1], "with"))
		return 1;
	if (argc == 4 && !strcmp(argv[2], "tcp") && !strcmp(argv[3], "reset")) {
		if (!l->proto || strcmp(l->proto, "tcp"))
			return usage_err(l->cmd, "\"reject with tcp reset\" needs tcp");
		l->reject = "tcp-reset";
		return 4;
	}
	if (argc != 5 || strcmp(argv[3], "type"))
		return usage_err(l->cmd, "unknown reject \"with %s\"", argv[2]);
	for (i = 0; i < ARRAY_SIZE(reject_types); i++) {
		if (!strcmp(argv[2], reject_types[i].kind) &&
		    !strcmp(argv[4], reject_types[i].name)) {
			l->reject = reject_types[i].with;
			return 5;
		}
	}
	return usage_err(l->cmd, "reject sends no %s type \"%s\" (port-unreachable, host-unreachable, admin-prohibited, no-route)",
			 argv[2], argv[4]);
}

static int meter_word(struct fw_line *l, const char *w)
{
	if (l->nmeter == FW_METER_WORDS)
		return usage_err(l->cmd, "a per-source limit said twice");
	l->meter[l->nmeter++] = (char *)w;
	return 0;
}

/* fw.c's own meter words, as fw rule list shows them; or 0. */
static int meter_own(struct fw_line *l, int argc, char **argv)
{
	static const char *const own[] = {
		"limit-per-source", "count-per-source", "burst", "meter-size",
		"meter-v6-prefix",
	};
	int i, n;

	for (i = 0; i < (int)ARRAY_SIZE(own); i++)
		if (!strcmp(argv[0], own[i]))
			break;
	if (i == (int)ARRAY_SIZE(own))
		return 0;
	n = argc > 2 && !strcmp(argv[1], "over") && i < 2 ? 3 : 2;
	if (argc < n)
		return usage_err(l->cmd, "missing value after \"%s\"", argv[0]);
	for (i = 0; i < n; i++)
		if (meter_word(l, argv[i]))
			return -1;
	return n;
}

/* "over N" of nft's "ct count": count-per-source. */
static int ct_count(struct fw_line *l, int argc, char **argv)
{
	uint32_t n;

	if (argc < 2 || strcmp(argv[0], "over"))
		return usage_err(l->cmd, "\"ct count\" needs \"over N\" (the rule matches a source's new flow over N)");
	if (parse_u32(l->cmd, "count", argv[1], 0, UINT32_MAX, &n))
		return -1;
	snprintf(l->count, sizeof(l->count), "%u", n);
	return meter_word(l, "count-per-source") ?: meter_word(l, "over") ?:
	       meter_word(l, l->count) ?: 2;
}

/* "rate [over] R/UNIT [burst N [packets]]" of nft's "limit". */
static int limit_rate(struct fw_line *l, int argc, char **argv)
{
	uint32_t rate, period, burst;
	int i = 1;

	if (argc < 2 || strcmp(argv[0], "rate"))
		return usage_err(l->cmd, "\"limit\" needs \"rate R/UNIT\"");
	if (meter_word(l, "limit-per-source"))
		return -1;
	if (!strcmp(argv[1], "over")) {
		if (meter_word(l, "over"))
			return -1;
		i++;
	}
	if (i >= argc || fw_rate_parse(argv[i], &rate, &period))
		return usage_err(l->cmd, "bad rate \"%s\" (N/second, N/minute, N/hour, N/day; flows, not bytes)",
				 i < argc ? argv[i] : "");
	if (meter_word(l, argv[i++]))
		return -1;
	if (i + 1 < argc && !strcmp(argv[i], "burst")) {
		if (parse_u32(l->cmd, "burst", argv[i + 1], 0, UINT32_MAX,
			      &burst))
			return -1;
		if (meter_word(l, "burst") || meter_word(l, argv[i + 1]))
			return -1;
		i += 2;
		if (i < argc && !strcmp(argv[i], "bytes"))
			return usage_err(l->cmd, "a burst counts new flows, not bytes");
		if (i < argc && !strcmp(argv[i], "packets"))
			i++;
	}
	return i;
}

/* "and MASK" after "ip6 saddr": the prefix length of a contiguous mask. */
static int v6_mask(struct fw_line *l, const char *mask)
{
	unsigned char m[16];
	unsigned int len = 0, i;

	if (inet_pton(AF_INET6, mask, m) != 1)
		return usage_err(l->cmd, "bad IPv6 mask \"%s\"", mask);
	while (len < 128 && (m[len / 8] & (0x80 >> (len % 8))))
		len++;
	for (i = len; i < 128; i++)
		if (m[i / 8] & (0x80 >> (i % 8)))
			return usage_err(l->cmd, "IPv6 mask \"%s\" is no prefix", mask);
	snprintf(l->prefix, sizeof(l->prefix), "%u", len);
	return meter_word(l, "meter-v6-prefix") ?: meter_word(l, l->prefix);
}

/* The statement of nft's meter: "ip saddr limit rate ..." or "... ct count over N". */
static int meter_body(struct fw_line *l, int n, char **w)
{
	bool v6 = n && !strcmp(w[0], "ip6");
	int i = 0, used;

	if (i < n && (!strcmp(w[i], "ip") || v6))
		i++;
	if (i >= n || strcmp(w[i], "saddr"))
		return usage_err(l->cmd, "a meter is keyed by the source address only (ip saddr, ip6 saddr)");
	i++;
	if (i + 1 < n && !strcmp(w[i], "and")) {
		if (!v6)
			return usage_err(l->cmd, "only an IPv6 source takes a mask (ip6 saddr and MASK)");
		if (v6_mask(l, w[i + 1]))
			return -1;
		i += 2;
	}
	if (i + 1 < n && !strcmp(w[i], "limit"))
		used = limit_rate(l, n - i - 1, w + i + 1);
	else if (i + 2 < n && !strcmp(w[i], "ct") && !strcmp(w[i + 1], "count"))
		used = ct_count(l, n - i - 2, w + i + 2) < 0 ? -1 : 2 + 1;
	else
		return usage_err(l->cmd, "a meter holds \"limit rate\" or \"ct count over\"");
	if (used < 0)
		return -1;
	i += 1 + used;
	if (i < n)
		return usage_err(l->cmd, "unknown word \"%s\" in a meter", w[i]);
	return 0;
}

/*
 * nft's "meter NAME [size N] { ip saddr STATEMENT }": a per-source limit
 * of this rule (the name is nft's; each rule has its own meter). Returns
 * the words used.
 */
static int nft_meter(struct fw_line *l, int argc, char **argv)
{
	char *w[16], *p, *save = NULL, *buf = l->meter_buf;
	size_t size = sizeof(l->meter_buf);
	int used = 2, n = 0;
	uint32_t v, pow = 8;

	if (argc < 3)
		return usage_err(l->cmd, "\"meter\" needs \"NAME { ip saddr ... }\"");
	if (!strcmp(argv[2], "size") && argc > 4) {
		if (parse_u32(l->cmd, "meter size", argv[3], 1, 1 << 20, &v))
			return -1;
		while (pow < v)
			pow <<= 1;	/* nft's 65535 is 65536 entries here */
		snprintf(l->size, sizeof(l->size), "%u", pow);
		if (meter_word(l, "meter-size") || meter_word(l, l->size))
			return -1;
		used += 2;
	}
	if (argv[used][0] != '{')
		return usage_err(l->cmd, "\"meter %s\" needs \"{ ip saddr ... }\"",
				 argv[1]);
	buf[0] = '\0';
	for (; used < argc; used++) {
		if (strlen(buf) + strlen(argv[used]) + 2 > size)
			return usage_err(l->cmd, "meter too long");
		strcat(buf, argv[used]);
		strcat(buf, " ");
		if (strchr(argv[used], '}'))
			break;
	}
	if (used == argc)
		return usage_err(l->cmd, "meter without a closing \"}\"");
	p = strchr(buf, '}');
	if (p[1] != ' ' || p[2])
		return usage_err(l->cmd, "words after \"}\" in \"%s\"", buf);
	*p = '\0';
	for (p = strtok_r(buf + 1, " \t", &save); p && n < 16;
	     p = strtok_r(NULL, " \t", &save))
		w[n++] = p;
	if (meter_body(l, n, w))
		return -1;
	return used + 1;
}

/* parse_line()'s words after the fields'. */
enum line_word { K_OTHER, K_ACTION, K_PREFIX, K_PROTO };

/* By the first letter, as field_of(). */
static enum line_word line_word(const char *kw)
{
	switch (kw[0]) {
	case 'a':
		return !strcmp(kw, "accept") ? K_ACTION : K_OTHER;
	case 'c':
		return !strcmp(kw, "ct") || !strcmp(kw, "counter") ?
		       K_PREFIX : K_OTHER;
	case 'd':
		return !strcmp(kw, "drop") ? K_ACTION : K_OTHER;
	case 'i':
		return !strcmp(kw, "ip") || !strcmp(kw, "ip6") ?
		       K_PREFIX : K_OTHER;
	case 'l':
		return !strcmp(kw, "l4proto") ? K_PROTO : K_OTHER;
	case 'm':
		return !strcmp(kw, "meta") ? K_PREFIX : K_OTHER;
	case 'n':
		return !strcmp(kw, "nexthdr") ? K_PROTO : K_OTHER;
	case 'p':
		return !strcmp(kw, "proto") || !strcmp(kw, "protocol") ?
		       K_PROTO : K_OTHER;
	case 'r':
		return !strcmp(kw, "reject") ? K_ACTION : K_OTHER;
	}
	return K_OTHER;
}

static int parse_line(struct fw_line *l, int argc, char **argv)
{
	enum line_word k;
	int used, f;

	while (argc > 0) {
		const char *kw = argv[0];

		/*
		 * A field's keyword first: the commonest, and none of the
		 * words below, so a rule file's lines skip their tests.
		 */
		f = field_of(kw);
		if (f >= 0) {
			used = field(l, f, argc - 1, argv + 1);
			if (used < 0)
				return -1;
			argc -= 1 + used;
			argv += 1 + used;
			continue;
		}
		k = line_word(kw);
		if (k == K_ACTION) {
			used = action(l, argc, argv);
			if (used > 0 && used < argc)
				return usage_err(l->cmd, "words after the action (at \"%s\")",
						 kw);
			return used < 0 ? -1 : 0;
		}
		if (k == K_PREFIX) {
			/* Prefixes the kernel's fields need not. */
			argc--;
			argv++;
			continue;
		}
		if (k == K_PROTO) {
			if (argc < 2)
				return usage_err(l->cmd, "missing value after \"%s\"",
						 kw);
			if (set_proto(l, argv[1]))
				return -1;
			argc -= 2;
			argv += 2;
			continue;
		}
		if ((!strcmp(kw, "tcp-flags") || !strcmp(kw, "reject-with")) &&
		    argc > 1) {
			/* fw.c's own words, as fw rule list shows them */
			if (kw[0] == 't')
				snprintf(l->tcp_flags, sizeof(l->tcp_flags),
					 "%s", argv[1]);
			else
				l->reject = argv[1];
			argc -= 2;
			argv += 2;
			continue;
		}
		used = meter_own(l, argc, argv);
		if (!used && !strcmp(kw, "meter"))
			used = nft_meter(l, argc, argv);
		else if (!used && !strcmp(kw, "count"))
			used = ct_count(l, argc - 1, argv + 1) < 0 ? -1 : 3;
		else if (!used && !strcmp(kw, "limit"))
			return usage_err(l->cmd, "nfv_fw limits the rate per source only: meter NAME { ip saddr limit rate R/UNIT }");
		if (used < 0)
			return -1;
		if (used) {
			argc -= used;
			argv += used;
			continue;
		}
		if (!strcmp(kw, "flags")) {
			used = tcp_flags(l, argc - 1, argv + 1);
			if (used < 0)
				return -1;
			argc -= 1 + used;
			argv += 1 + used;
			continue;
		}
		if (is_l4(kw) && argc > 1 &&
		    (field_of(argv[1]) >= 0 || !strcmp(argv[1], "flags"))) {
			/* "tcp dport", "icmp type": a protocol and a field */
			if (set_proto(l, kw))
				return -1;
			argc--;
			argv++;
			continue;
		}
		return usage_err(l->cmd, "unknown rule keyword \"%s\"", kw);
	}
	return 1;	/* no action */
}

/* Rule words for one element of each field, then cb. */
static int emit(struct fw_line *l, unsigned int *pick, fw_rule_cb cb,
		void *ctx)
{
	char *w[2 * F_NUM + 7 + FW_METER_WORDS];
	unsigned int i;
	int n = 0, f;

	if (l->proto) {
		w[n++] = "proto";
		w[n++] = (char *)l->proto;
	}
	for (f = 0; f < F_NUM; f++) {
		if (!l->f[f].n)
			continue;
		w[n++] = (char *)l->f[f].kw;
		w[n++] = l->f[f].val[pick[f]];
	}
	if (l->tcp_flags[0]) {
		w[n++] = "tcp-flags";
		w[n++] = l->tcp_flags;
	}
	if (l->reject) {
		w[n++] = "reject-with";
		w[n++] = (char *)l->reject;
	}
	for (i = 0; i < l->nmeter; i++)
		w[n++] = l->meter[i];
	w[n++] = (char *)l->action;
	return cb(ctx, n, w);
}

/* A one-word value as parse_line() takes it unchanged. */
static bool plain_value(int f, const char *v)
{
	if (v[0] == '{' || !strcmp(v, "!=") || !strcmp(v, "=="))
		return false;
	/* An ICMP type by name becomes its number. */
	return f != F_ITYPE || (v[0] >= '0' && v[0] <= '9');
}

/*
 * A line with no set, no "!=", no name to translate and no word but a
 * field's, a protocol's, a prefix parse_line() skips and the action,
 * last: the words emit() would give, in its order, without the line's
 * parse and copies (a rule file's lines are mostly such). 0 and the
 * words in w, or 1: the line needs parse_line().
 */
static int plain_line(int argc, char **argv, char **w, int *nw)
{
	int at[F_NUM], proto = -1, f, i, n = 0;

	for (f = 0; f < F_NUM; f++)
		at[f] = -1;
	for (i = 0; i < argc - 1; i++) {
		enum line_word k;

		f = field_of(argv[i]);
		if (f >= 0 && at[f] < 0 && plain_value(f, argv[i + 1])) {
			at[f] = ++i;
			continue;
		}
		if (f >= 0)
			return 1;
		k = line_word(argv[i]);
		if (k == K_PREFIX)
			continue;
		if (k != K_PROTO || proto >= 0)
			return 1;
		proto = ++i;
	}
	if (i != argc - 1 || line_word(argv[i]) != K_ACTION)
		return 1;
	if (proto >= 0) {
		w[n++] = "proto";
		w[n++] = argv[proto];
	}
	for (f = 0; f < F_NUM; f++) {
		if (at[f] < 0)
			continue;
		w[n++] = (char *)field_kw[f];
		w[n++] = argv[at[f]];
	}
	w[n++] = argv[i];
	*nw = n;
	return 0;
}

int fw_expand_rule(const char *cmd, int argc, char **argv, fw_rule_cb cb,
		   void *ctx)
{
	char *w[2 * F_NUM + 3];
	struct fw_line l;
	unsigned int pick[F_NUM] = { 0 }, total = 1;
	int f, err, n;

	if (!plain_line(argc, argv, w, &n))
		return cb(ctx, n, w);
	line_init(&l, cmd);
	err = parse_line(&l, argc, argv);
	if (err == 1) {
		/* fw.c names a bad value before the missing action. */
		err = cb(ctx, argc, argv) ?:
		      usage_err(cmd, "rule must end with accept, drop or reject");
		goto out;
	}
	if (err)
		goto out;
	/* ct state { established, related }: one rule, states OR'ed. */
	if (l.f[F_STATE].n > 1) {
		char buf[128] = "";
		unsigned int i;

		for (i = 0; i < l.f[F_STATE].n; i++) {
			if (strlen(buf) + strlen(l.f[F_STATE].val[i]) + 2 >
			    sizeof(buf))
				break;
			strcat(buf, i ? "," : "");
			strcat(buf, l.f[F_STATE].val[i]);
			if (l.f[F_STATE].owned & (1ULL << i))
				free(l.f[F_STATE].val[i]);
		}
		l.f[F_STATE].n = 0;
		l.f[F_STATE].owned = 0;
		err = add_value(&l, F_STATE, buf);
		if (err)
			goto out;
	}
	for (f = 0; f < F_NUM; f++)
		if (l.f[f].n)
			total *= l.f[f].n;
	if (total > 1 && l.nmeter) {
		err = usage_err(cmd, "a per-source limit needs a rule of its own, and the sets make %u: each would have its own meter",
				total);
		goto out;
	}
	if (total > FW_MAX_EXPAND) {
		err = usage_err(cmd, "the sets make %u rules, more than %d",
				total, FW_MAX_EXPAND);
		goto out;
	}
	/* Every combination, the last field varying fastest. */
	for (;;) {
		err = emit(&l, pick, cb, ctx);
		if (err)
			break;
		for (f = F_NUM - 1; f >= 0; f--) {
			if (++pick[f] < l.f[f].n)
				break;
			pick[f] = 0;
		}
		if (f < 0)
			break;
	}
out:
	line_free(&l);
	return err;
}
