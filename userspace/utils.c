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
	unsigned long long v;
	char *end;

	if (*arg < '0' || *arg > '9')
		return usage_err(cmd, "invalid %s \"%s\"", what, arg);
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*end)
		return usage_err(cmd, "invalid %s \"%s\"", what, arg);
	if (errno == ERANGE || v < min || v > max)
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

/* Reply accessors. Lengths are checked, values copied: nothing is trusted. */

static bool attr_get(const struct nlattr *a, void *v, int len)
{
	if (!a || nla_len(a) < len)
		return false;
	memcpy(v, nla_data(a), len);
	return true;
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

	if (a && nla_len(a) == sizeof(v32) && attr_get(a, &v32, sizeof(v32))) {
		*v = v32;
		return true;
	}
	return attr_get(a, v, sizeof(*v));
}

/* A NUL-terminated string attribute, or NULL. */
const char *attr_str(const struct nlattr *a)
{
	if (!a || nla_len(a) < 1 || !memchr(nla_data(a), 0, nla_len(a)))
		return NULL;
	return nla_data(a);
}

/* Parses a nest into tb[0..maxtype]; all NULL when a is absent. */
int attr_nested(struct nlattr **tb, int maxtype, struct nlattr *a)
{
	if (!a) {
		memset(tb, 0, sizeof(*tb) * (maxtype + 1));
		return -1;
	}
	return nla_parse_nested(tb, maxtype, a, NULL);
}
