// SPDX-License-Identifier: GPL-2.0
/*
 * nfvctl cgnat lookup DP NAME PUBLIC_IP:PORT at TIME log FILE: who held a
 * public port at a time in the past, in block mode, from the records that
 * nfvctl cgnat log wrote. The kernel keeps no history: a block it gave
 * back and gave again to someone else is known only from the log, which
 * the operator keeps for as long as requests may come.
 *
 * The records read are the block allocations and releases, as JSON lines
 * (nfvctl -j cgnat log, one object a line) or as the lines of its file
 * (file PATH) and text output; other lines are skipped. The answer is the
 * last allocation of a block holding PORT at or before TIME, if no release
 * of it came at or before TIME; or, when the log's first record of the
 * block is a release after TIME and the log began at or before TIME, its
 * holder from before the log began.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "nfvctl.h"

/* "YYYY-MM-DDTHH:MM:SS[.mmm][Z]" (UTC) or "@SECONDS[.mmm]": 0, or -1. */
int cgnat_parse_time(const char *s, uint64_t *ms)
{
	unsigned int frac = 0, digits = 0;
	struct tm tm = { 0 };
	const char *p;
	char *end;
	time_t t;

	if (*s == '@') {
		unsigned long long sec;

		if (s[1] < '0' || s[1] > '9')
			return -1;
		errno = 0;
		sec = strtoull(s + 1, &end, 10);
		if (errno || sec > UINT64_MAX / 1000 - 1)
			return -1;
		p = end;
		t = (time_t)sec;
	} else {
		p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
		if (!p)
			return -1;
		t = timegm(&tm);
		if (t == (time_t)-1 || t < 0)
			return -1;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 3)
				frac = frac * 10 + (unsigned int)(*p - '0');
		if (!digits)
			return -1;
		for (; digits < 3; digits++)
			frac *= 10;
	}
	if (*s != '@' && *p == 'Z')
		p++;
	if (*p)
		return -1;
	*ms = (uint64_t)t * 1000 + frac;
	return 0;
}

void cgnat_time_str(uint64_t ms, char *buf, size_t size)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	size_t n;

	gmtime_r(&s, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%03uZ", (unsigned int)(ms % 1000));
}

/* The value of "key" in a flat JSON object's line, copied; NULL if none. */
static const char *json_field(const char *line, const char *key, char *buf,
			      size_t size)
{
	char pat[32];
	const char *p;
	size_t n;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	if (*p == '"') {
		p++;
		n = strcspn(p, "\"\\");
		if (p[n] != '"')
			return NULL;	/* escaped: no name or address is */
	} else {
		n = strspn(p, "0123456789");
	}
	if (!n || n >= size)
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

static bool json_u64(const char *line, const char *key, uint64_t max,
		     uint64_t *v)
{
	char buf[24], *end;

	if (!json_field(line, key, buf, sizeof(buf)))
		return false;
	errno = 0;
	*v = strtoull(buf, &end, 10);
	return !errno && !*end && *v <= max;
}

/* A record's fields, as either format spells them; false if bad. */
static bool rec_fill(struct cgnat_rec *r, const char *ev, const char *in,
		     unsigned int zone, const char *pub, unsigned int first,
		     unsigned int last)
{
	if (!strcmp(ev, "block-alloc"))
		r->alloc = true;
	else if (!strcmp(ev, "block-free"))
		r->alloc = false;
	else
		return false;
	r->zone = (uint16_t)zone;
	r->first = (uint16_t)first;
	r->last = (uint16_t)last;
	return inet_pton(AF_INET, in, &r->inside) == 1 &&
	       inet_pton(AF_INET, pub, &r->pub) == 1;
}

static bool json_rec(const char *line, struct cgnat_rec *r)
{
	char ev[32], in[INET_ADDRSTRLEN], pub[INET_ADDRSTRLEN];
	uint64_t zone, first, last;

	if (!json_field(line, "event", ev, sizeof(ev)) ||
	    !json_field(line, "dp", r->dp, sizeof(r->dp)) ||
	    !json_field(line, "nf", r->nf, sizeof(r->nf)) ||
	    !json_u64(line, "time_ms", UINT64_MAX, &r->time) ||
	    !json_field(line, "inside", in, sizeof(in)) ||
	    !json_u64(line, "zone", UINT16_MAX, &zone) ||
	    !json_field(line, "public", pub, sizeof(pub)) ||
	    !json_u64(line, "port_first", UINT16_MAX, &first) ||
	    !json_u64(line, "port_last", UINT16_MAX, &last))
		return false;
	return rec_fill(r, ev, in, zone, pub, first, last);
}

/*
 * "TIME cgnat DP NF block-alloc inside A zone Z public P ports F-L", then
 * " pool-id ID" if the instance has one.
 */
static bool text_rec(const char *line, struct cgnat_rec *r)
{
	char ts[40], ev[32], in[INET_ADDRSTRLEN], pub[INET_ADDRSTRLEN];
	unsigned int zone, first, last;
	int end = 0;

	if (sscanf(line, "%39s cgnat %31s %31s %31s inside %15s zone %u public %15s ports %u-%u%n",
		   ts, r->dp, r->nf, ev, in, &zone, pub, &first, &last,
		   &end) != 9 ||
	    (line[end] && line[end] != '\n' &&
	     strncmp(line + end, " pool-id ", 9)) ||
	    zone > UINT16_MAX || first > UINT16_MAX || last > UINT16_MAX ||
	    cgnat_parse_time(ts, &r->time))
		return false;
	return rec_fill(r, ev, in, zone, pub, first, last);
}

/* A line of the log: true if it is a block allocation or release. */
bool cgnat_log_rec(const char *line, struct cgnat_rec *r)
{
	memset(r, 0, sizeof(*r));
	line += strspn(line, " \t");
	if (*line == '{')
		return json_rec(line, r);
	return text_rec(line, r);
}

static bool same_block(const struct cgnat_rec *a, const struct cgnat_rec *b)
{
	return a->inside == b->inside && a->zone == b->zone &&
	       a->pub == b->pub && a->first == b->first;
}

/*
 * Reads the log @f for the holder of @pub:@port at @t (ms) of instance
 * @dp @nf: 1 and *ans if there was one, 0 if not; a->log_first and
 * log_last bound the records read (0 if none).
 */
int cgnat_past_find(FILE *f, const char *dp, const char *nf, uint32_t pub,
		    uint16_t port, uint64_t t, struct cgnat_past *a)
{
	bool seen = false, held = false, done = false;
	struct cgnat_rec r;
	char line[512];

	memset(a, 0, sizeof(*a));
	while (fgets(line, sizeof(line), f)) {
		if (!cgnat_log_rec(line, &r) || strcmp(r.dp, dp) ||
		    strcmp(r.nf, nf))
			continue;
		if (!a->log_first || r.time < a->log_first)
			a->log_first = r.time;
		if (r.time > a->log_last)
			a->log_last = r.time;
		if (done || r.pub != pub || port < r.first || port > r.last)
			continue;
		if (r.time <= t) {
			seen = true;
			if (r.alloc) {
				held = true;
				a->rec = r;
				a->allocated = r.time;
			} else if (held && same_block(&r, &a->rec)) {
				held = false;
			}
			continue;
		}
		/* After t: the holder's release, or one from before the log. */
		if (held && !r.alloc && same_block(&r, &a->rec)) {
			a->released = r.time;
			done = true;
		} else if (!seen && !r.alloc) {
			a->rec = r;
			a->released = r.time;
			held = true;
			done = true;
		}
		seen = true;
	}
	/* Held from before the log only if the log was there at t. */
	if (held && !a->allocated && a->log_first > t)
		held = false;
	return held;
}

static void print_past(const struct cgnat_past *a, uint16_t port,
		       uint64_t t)
{
	char in[INET_ADDRSTRLEN], pub[INET_ADDRSTRLEN], ts[40];

	inet_ntop(AF_INET, &a->rec.inside, in, sizeof(in));
	inet_ntop(AF_INET, &a->rec.pub, pub, sizeof(pub));
	if (opts.json) {
		jw_obj_open(NULL);
		jw_str("public", pub);
		jw_u64("public_port", port);
		jw_u64("time_ms", t);
		jw_str("inside", in);
		jw_u64("zone", a->rec.zone);
		jw_u64("port_first", a->rec.first);
		jw_u64("port_last", a->rec.last);
		if (a->allocated)
			jw_u64("allocated_ms", a->allocated);
		if (a->released)
			jw_u64("released_ms", a->released);
		jw_obj_close();
		return;
	}
	cgnat_time_str(t, ts, sizeof(ts));
	printf("%s:%u at %s: inside %s zone %u ports %u-%u", pub, port, ts,
	       in, a->rec.zone, a->rec.first, a->rec.last);
	if (a->allocated) {
		cgnat_time_str(a->allocated, ts, sizeof(ts));
		printf(" allocated %s", ts);
	} else {
		printf(" allocated before the log began");
	}
	if (a->released) {
		cgnat_time_str(a->released, ts, sizeof(ts));
		printf(" released %s\n", ts);
	} else {
		printf(" not released by the log's end\n");
	}
}

/* cgnat lookup DP NAME PUBLIC_IP:PORT at TIME log FILE */
int cgnat_lookup_past(const char *cmd, const char *dp, const char *nf,
		      int argc, char **argv)
{
	const char *addr = argv[0], *at = NULL, *path = NULL;
	char buf[INET_ADDRSTRLEN + 8], first[40], last[40], *colon;
	struct list_out out = { 0 };
	struct cgnat_past a;
	uint32_t pub, port;
	uint64_t t;
	FILE *f;
	int held;

	for (argc--, argv++; argc; argc -= 2, argv += 2) {
		if (!strcmp(argv[0], "proto"))
			return usage_err(cmd, "no proto with at: a block holds its ports for every protocol");
		if (strcmp(argv[0], "at") && strcmp(argv[0], "log"))
			return usage_err(cmd, "unknown argument \"%s\"",
					 argv[0]);
		if (argc < 2)
			return usage_err(cmd, "\"%s\" needs an argument",
					 argv[0]);
		if (!strcmp(argv[0], "at"))
			at = argv[1];
		else
			path = argv[1];
	}
	if (!at || !path)
		return usage_err(cmd, "a lookup in the past needs at TIME and log FILE (what nfvctl cgnat log wrote)");
	if (strlen(addr) >= sizeof(buf) || !strchr(addr, ':'))
		return usage_err(cmd, "\"%s\" is not PUBLIC_IP:PORT", addr);
	strcpy(buf, addr);
	colon = strchr(buf, ':');
	*colon++ = '\0';
	if (inet_pton(AF_INET, buf, &pub) != 1)
		return usage_err(cmd, "invalid IPv4 address \"%s\"", buf);
	if (parse_u32(cmd, "port", colon, 0, UINT16_MAX, &port))
		return -1;
	if (cgnat_parse_time(at, &t))
		return usage_err(cmd, "invalid time \"%s\" (YYYY-MM-DDTHH:MM:SS[.mmm]Z, UTC, or @SECONDS)",
				 at);
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (f == stdin)
		path = "standard input";
	if (!f) {
		err_msg("%s: %s: %s", cmd, path, strerror(errno));
		return -1;
	}
	held = cgnat_past_find(f, dp, nf, pub, (uint16_t)port, t, &a);
	if (f != stdin)
		fclose(f);
	if (held) {
		list_elem(&out);
		print_past(&a, (uint16_t)port, t);
	} else if (!opts.json) {
		cgnat_time_str(t, first, sizeof(first));
		cgnat_time_str(a.log_first, last, sizeof(last));
		if (!a.log_first)
			printf("%s has no block records of %s %s\n", path, dp,
			       nf);
		else if (a.log_first > t)
			printf("%s cannot say who held %s at %s: its records of %s %s begin at %s\n",
			       path, addr, first, dp, nf, last);
		else
			printf("nobody held %s at %s (%s's records of %s %s begin at %s)\n",
			       addr, first, path, dp, nf, last);
	}
	list_end(&out, 0);
	return 0;
}
