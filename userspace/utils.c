// SPDX-License-Identifier: GPL-2.0
/*
 * Messages, argument parsing and reply attribute accessors.
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfvctl.h"

static void msg_prefix(void)
{
	fflush(stdout);
	fputs("nfvctl: ", stderr);
	if (opts.batch_file)
		fprintf(stderr, "%s:%lu: ", opts.batch_file, opts.batch_line);
}

void err_msg(const char *fmt, ...)
{
	va_list ap;

	msg_prefix();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void warn_msg(const char *fmt, ...)
{
	va_list ap;

	msg_prefix();
	fputs("warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* "nfvctl: dp add: <message> (try "nfvctl dp help")"; returns -1. */
int usage_err(const char *cmd, const char *fmt, ...)
{
	size_t obj = strcspn(cmd, " ");
	va_list ap;

	msg_prefix();
	fprintf(stderr, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try \"nfvctl %.*s help\")\n", (int)obj, cmd);
	return -1;
}

bool matches(const char *arg, const char *word)
{
	return !strcmp(arg, word);
}

/* Steps to the value of the keyword at **argv; -1 when there is none. */
int need_arg(const char *cmd, int *argc, char ***argv)
{
	if (*argc < 2)
		return usage_err(cmd, "missing value after \"%s\"", **argv);
	(*argc)--;
	(*argv)++;
	return 0;
}

/* Decimal only: no sign, no blanks, no base prefixes. */
int parse_u32(const char *cmd, const char *what, const char *arg,
	      uint32_t min, uint32_t max, uint32_t *val)
{
	const char *p = arg;
	uint64_t v = 0;
	bool big = false;

	if (*arg < '0' || *arg > '9')
		return usage_err(cmd, "invalid %s \"%s\"", what, arg);
	/* By hand: strtoull() costs ten times as much, per number of a rule. */
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX) {
			big = true;
			v = UINT32_MAX;
		}
	}
	if (*p)
		return usage_err(cmd, "invalid %s \"%s\"", what, arg);
	if (big || v < min || v > max)
		return usage_err(cmd, "%s %s out of range (%u-%u)", what, arg,
				 min, max);
	*val = (uint32_t)v;
	return 0;
}

/* A name that must fit in size bytes with its NUL. */
int parse_name(const char *cmd, const char *what, const char *arg,
	       size_t size)
{
	if (!*arg)
		return usage_err(cmd, "empty %s", what);
	if (strlen(arg) >= size)
		return usage_err(cmd, "%s \"%s\" too long (at most %zu characters)",
				 what, arg, size - 1);
	return 0;
}

/* The datapath name that starts the arguments of most commands. */
int parse_dp(const char *cmd, int *argc, char ***argv, const char **name)
{
	if (*argc < 1)
		return usage_err(cmd, "missing datapath name");
	if (parse_name(cmd, "datapath name", **argv, NFV_NAME_MAX))
		return -1;
	*name = **argv;
	(*argc)--;
	(*argv)++;
	return 0;
}

/* "DP NAME" that starts the commands of an NF's instance (@what: "cgnat"). */
int parse_dp_nf(const char *cmd, int *argc, char ***argv, const char *what,
		const char **dp, const char **name)
{
	if (parse_dp(cmd, argc, argv, dp))
		return -1;
	if (!*argc)
		return usage_err(cmd, "missing %s instance name", what);
	if (parse_name(cmd, "instance name", **argv, NFV_NAME_MAX))
		return -1;
	*name = **argv;
	(*argc)--;
	(*argv)++;
	return 0;
}

/* "dev IFNAME", with *argv at "dev". */
int parse_dev(const char *cmd, int *argc, char ***argv, const char **dev)
{
	if (*dev)
		return usage_err(cmd, "duplicate \"dev\"");
	if (need_arg(cmd, argc, argv) ||
	    parse_name(cmd, "device name", **argv, IFNAMSIZ))
		return -1;
	*dev = **argv;
	return 0;
}

/* The device's name, or NULL if it has none here; buf holds IF_NAMESIZE. */
const char *ifname_of(uint32_t ifindex, char *buf)
{
	if (!ifindex)
		return NULL;
	return if_indextoname(ifindex, buf);
}

/*
 * Batch and rule files are read as "ip -batch" reads its file (iproute2's
 * getcmdline() and makeargs()): a '#' anywhere ends the line, a backslash
 * right before the newline joins the next line to it, and words are
 * separated by blanks. A word that starts with ' or " runs to the next
 * such quote, blanks and all, with no escapes inside. No limit on the
 * length of a line or on its number of words.
 */

/* Appends the file's next line to r->line at len; its length, or -1. */
static ssize_t cmd_append(struct cmd_reader *r, size_t len)
{
	ssize_t n = getline(&r->part, &r->part_size, r->f);
	char *more, *hash;

	if (n < 0)
		return -1;
	r->next++;
	if (memchr(r->part, 0, n))
		r->err = "NUL byte in line";
	hash = strchr(r->part, '#');
	if (hash) {
		*hash = 0;
		n = hash - r->part;
	}
	if (len + n >= r->size) {
		more = realloc(r->line, len + n + 1);
		if (!more)
			return -1;
		r->line = more;
		r->size = len + n + 1;
	}
	memcpy(r->line + len, r->part, n + 1);
	return n;
}

/* " \t\r\n", by hand: strspn() and strcspn() cost more a word. */
static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int cmd_split(struct cmd_reader *r)
{
	char *p = r->line, **more, quote;
	size_t argc = 0, cap;

	for (;;) {
		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		if (argc + 2 > r->cap) {	/* room for a NULL after it */
			cap = r->cap ? r->cap * 2 : 16;
			more = realloc(r->argv, cap * sizeof(*more));
			if (!more) {
				r->err = "out of memory";
				return -1;
			}
			r->argv = more;
			r->cap = cap;
		}
		if (*p == '"' || *p == '\'') {
			quote = *p++;
			r->argv[argc++] = p;
			p = strchr(p, quote);
			if (!p) {
				r->err = "unterminated quoted string";
				return -2;
			}
		} else {
			r->argv[argc++] = p;
			while (*p && !is_blank(*p))
				p++;
			if (!*p)
				break;
		}
		*p++ = 0;
	}
	if (r->cap)
		r->argv[argc] = NULL;
	return (int)argc;
}

/*
 * Reads the next command into r->argv: its number of words, 0 for a blank
 * line; -2 when the line is bad (r->err says why; the next may be good);
 * -1 at the end of the file, or with r->err set when reading failed.
 */
int cmd_read(struct cmd_reader *r)
{
	size_t len = 0;
	ssize_t n;

	r->err = NULL;
	r->lineno = r->next + 1;
	while ((n = cmd_append(r, len)) >= 0) {
		len += n;
		if (len < 2 || strcmp(r->line + len - 2, "\\\n"))
			break;
		len -= 2;	/* the line goes on */
		r->line[len] = 0;
	}
	if (n < 0 && (!feof(r->f) || ferror(r->f))) {
		r->err = strerror(errno ? errno : EIO);
		return -1;
	}
	if (n < 0 && !len && r->lineno > r->next)
		return -1;	/* end of file */
	if (r->err)
		return -2;
	return cmd_split(r);
}

void cmd_reader_free(struct cmd_reader *r)
{
	free(r->line);
	free(r->part);
	free(r->argv);
}

/*
 * Reply accessors: every read of an attribute from the kernel goes through
 * one, which checks its length (exact for fixed-size values, a NUL within
 * it for strings) and copies the value. A malformed attribute reads as an
 * absent one, and is reported once.
 */

static void attr_bad(const struct nlattr *a)
{
	static bool told;

	if (!told)
		warn_msg("ignored a malformed attribute (type %d, %d bytes)",
			 nla_type(a), nla_len(a));
	told = true;
}

/* The payload of a, when it holds exactly len bytes; else NULL. */
const void *attr_bytes(const struct nlattr *a, int len)
{
	if (!a)
		return NULL;
	if (nla_len(a) != len) {
		attr_bad(a);
		return NULL;
	}
	return nla_data(a);
}

static bool attr_get(const struct nlattr *a, void *v, int len)
{
	const void *p = attr_bytes(a, len);

	if (p)
		memcpy(v, p, len);
	return p;
}

bool attr_u8(const struct nlattr *a, uint8_t *v)
{
	return attr_get(a, v, sizeof(*v));
}

bool attr_u16(const struct nlattr *a, uint16_t *v)
{
	return attr_get(a, v, sizeof(*v));
}

bool attr_u32(const struct nlattr *a, uint32_t *v)
{
	return attr_get(a, v, sizeof(*v));
}

/* Counters are u64; a u32 is taken too should a kernel ever shorten one. */
bool attr_u64(const struct nlattr *a, uint64_t *v)
{
	uint32_t v32;

	if (a && nla_len(a) == sizeof(v32)) {
		attr_get(a, &v32, sizeof(v32));
		*v = v32;
		return true;
	}
	return attr_get(a, v, sizeof(*v));
}

/* A string attribute with its NUL within it, or NULL. */
const char *attr_str(const struct nlattr *a)
{
	if (!a)
		return NULL;
	if (nla_len(a) < 1 || !memchr(nla_data(a), 0, nla_len(a))) {
		attr_bad(a);
		return NULL;
	}
	return nla_data(a);
}

/*
 * Parses a nest into tb[0..maxtype]; all NULL when a is absent. No policy:
 * nla_parse() checks that each attribute fits in the nest, and the values
 * are read with the accessors above.
 */
int attr_nested(struct nlattr **tb, int maxtype, struct nlattr *a)
{
	memset(tb, 0, sizeof(*tb) * (maxtype + 1));
	if (!a)
		return -1;
	return nla_parse_nested(tb, maxtype, a, NULL);
}

/* The protocols the core tracks; NULL for the others. */
const char *ip_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	}
	return NULL;
}
