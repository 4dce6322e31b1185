// SPDX-License-Identifier: GPL-2.0
/*
 * A small streaming JSON writer. The output is valid JSON whatever the
 * strings hold: control characters are escaped and bytes that are not
 * UTF-8 become U+FFFD. A top-level value ends with a newline and a flush,
 * so one value per line can be read through a pipe as it comes.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "json.h"

#define JW_MAX_DEPTH	32

struct jw_level {
	bool array;
	unsigned int count;
};

static struct {
	FILE *f;
	bool pretty;
	unsigned int depth;
	struct jw_level stack[JW_MAX_DEPTH];
} jw;

void jw_init(FILE *f, bool pretty)
{
	jw.f = f;
	jw.pretty = pretty;
	jw.depth = 0;
}

unsigned int jw_depth(void)
{
	return jw.depth;
}

static void jw_indent(void)
{
	unsigned int i;

	fputc('\n', jw.f);
	for (i = 0; i < jw.depth; i++)
		fputs("    ", jw.f);
}

/* Length of the valid UTF-8 sequence at p, 0 if it is not one. */
static unsigned int utf8_len(const unsigned char *p)
{
	unsigned int n, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (*p >= 0xc2 && *p <= 0xdf) {
		n = 2;
	} else if (*p >= 0xe0 && *p <= 0xef) {
		n = 3;
		if (*p == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (*p == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (*p >= 0xf0 && *p <= 0xf4) {
		n = 4;
		if (*p == 0xf0)
			lo = 0x90;	/* overlong */
		else if (*p == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		return 0;
	}
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

static void jw_escape(unsigned char c)
{
	switch (c) {
	case '\b':
		fputs("\\b", jw.f);
		break;
	case '\f':
		fputs("\\f", jw.f);
		break;
	case '\n':
		fputs("\\n", jw.f);
		break;
	case '\r':
		fputs("\\r", jw.f);
		break;
	case '\t':
		fputs("\\t", jw.f);
		break;
	default:
		fprintf(jw.f, "\\u%04x", c);
	}
}

/* Bytes that are not UTF-8 become U+FFFD. */
static const unsigned char *jw_utf8(const unsigned char *p)
{
	unsigned int n = utf8_len(p);

	if (!n) {
		fputs("\\ufffd", jw.f);
		return p + 1;
	}
	fwrite(p, 1, n, jw.f);
	return p + n;
}

static void jw_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', jw.f);
	while (*p) {
		if (*p >= 0x80) {
			p = jw_utf8(p);
			continue;
		}
		if (*p == '"' || *p == '\\')
			fputc('\\', jw.f);
		if (*p < 0x20)
			jw_escape(*p);
		else
			fputc(*p, jw.f);
		p++;
	}
	fputc('"', jw.f);
}

/* Separator, indentation and key before a value. */
static void jw_elem(const char *key)
{
	struct jw_level *l;

	if (!jw.depth)
		return;
	l = &jw.stack[jw.depth - 1];
	if (l->count++)
		fputc(',', jw.f);
	if (jw.pretty)
		jw_indent();
	if (!l->array) {
		jw_string(key ? key : "");
		fputs(jw.pretty ? ": " : ":", jw.f);
	}
}

/* After a value: a complete top-level value ends its line. */
static void jw_done(void)
{
	if (jw.depth)
		return;
	fputc('\n', jw.f);
	fflush(jw.f);
}

static void jw_open(const char *key, bool array)
{
	if (jw.depth == JW_MAX_DEPTH)
		abort();	/* a bug in the caller, not in the data */
	jw_elem(key);
	fputc(array ? '[' : '{', jw.f);
	jw.stack[jw.depth].array = array;
	jw.stack[jw.depth].count = 0;
	jw.depth++;
}

static void jw_close(bool array)
{
	if (!jw.depth || jw.stack[jw.depth - 1].array != array)
		abort();
	jw.depth--;
	if (jw.pretty && jw.stack[jw.depth].count)
		jw_indent();
	fputc(array ? ']' : '}', jw.f);
	jw_done();
}

void jw_obj_open(const char *key)
{
	jw_open(key, false);
}

void jw_obj_close(void)
{
	jw_close(false);
}

void jw_arr_open(const char *key)
{
	jw_open(key, true);
}

void jw_arr_close(void)
{
	jw_close(true);
}

void jw_str(const char *key, const char *s)
{
	jw_elem(key);
	jw_string(s);
	jw_done();
}

void jw_u64(const char *key, uint64_t v)
{
	jw_elem(key);
	fprintf(jw.f, "%" PRIu64, v);
	jw_done();
}

void jw_s64(const char *key, int64_t v)
{
	jw_elem(key);
	fprintf(jw.f, "%" PRId64, v);
	jw_done();
}

void jw_bool(const char *key, bool v)
{
	jw_elem(key);
	fputs(v ? "true" : "false", jw.f);
	jw_done();
}

void jw_null(const char *key)
{
	jw_elem(key);
	fputs("null", jw.f);
	jw_done();
}
