// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of utils.c: the reply attribute accessors on attributes of
 * every length (built with libnl), and cmd_read() on batch lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfvctl.h"

struct nfvctl_opts opts;	/* nfvctl.c's, for the message prefix */

static int failures;

static void check(const char *name, bool ok)
{
	printf("%s %s\n", ok ? "ok  " : "FAIL", name);
	failures += !ok;
}

/* An attribute of type 1 holding len bytes of data, in its own message. */
static struct nlattr *attr(struct nl_msg **msg, const void *data, int len)
{
	*msg = nlmsg_alloc();
	if (!*msg || nla_put(*msg, 1, len, data) < 0) {
		fprintf(stderr, "cannot build an attribute\n");
		exit(1);
	}
	return nlmsg_attrdata(nlmsg_hdr(*msg), 0);
}

/* Fixed-size values: only their exact length reads. */
static void test_ints(void)
{
	static const uint8_t data[16] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct nl_msg *m;
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;
	uint8_t v8;
	char name[64];
	int len;

	check("absent u32", !attr_u32(NULL, &v32));
	for (len = 0; len <= 16; len++) {
		struct nlattr *a = attr(&m, data, len);

		snprintf(name, sizeof(name), "u8 of %d bytes", len);
		check(name, attr_u8(a, &v8) == (len == 1));
		snprintf(name, sizeof(name), "u16 of %d bytes", len);
		check(name, attr_u16(a, &v16) == (len == 2));
		snprintf(name, sizeof(name), "u32 of %d bytes", len);
		check(name, attr_u32(a, &v32) == (len == 4));
		snprintf(name, sizeof(name), "u64 of %d bytes", len);
		check(name, attr_u64(a, &v64) == (len == 4 || len == 8));
		snprintf(name, sizeof(name), "16-byte address of %d bytes", len);
		check(name, !attr_bytes(a, 16) == (len != 16));
		nlmsg_free(m);
	}
	memcpy(&v32, data, 4);
	check("u64 from a u32", attr_u64(attr(&m, data, 4), &v64) && v64 == v32);
	nlmsg_free(m);
}

static void test_strings(void)
{
	struct nl_msg *m;
	const char *s;

	check("absent string", !attr_str(NULL));
	check("empty attribute as string", !attr_str(attr(&m, "", 0)));
	nlmsg_free(m);
	s = attr_str(attr(&m, "dp0", 4));
	check("string", s && !strcmp(s, "dp0"));
	nlmsg_free(m);
	check("string without its NUL", !attr_str(attr(&m, "dp0x", 4)));
	nlmsg_free(m);
	s = attr_str(attr(&m, "dp\0x", 4));
	check("string ends at its first NUL", s && !strcmp(s, "dp"));
	nlmsg_free(m);
}

/* A nest whose last attribute claims more bytes than the nest holds. */
static void test_nested(void)
{
	struct nlattr *tb[3], *nest;
	uint8_t buf[2 * NLA_HDRLEN + 8] = { 0 };
	struct nlattr *in = (struct nlattr *)buf;
	struct nl_msg *m;
	uint32_t v;

	in->nla_type = 1;
	in->nla_len = NLA_HDRLEN + 2;		/* a u32 of 2 bytes */
	in = (struct nlattr *)(buf + NLA_HDRLEN + 4);
	in->nla_type = 2;
	in->nla_len = NLA_HDRLEN + 64;		/* past the nest */
	nest = attr(&m, buf, sizeof(buf));
	check("nest parses", attr_nested(tb, 2, nest) >= 0);
	check("short u32 in a nest", tb[1] && !attr_u32(tb[1], &v));
	check("attribute past its nest", !tb[2]);
	check("absent nest", attr_nested(tb, 2, NULL) < 0 && !tb[1]);
	nlmsg_free(m);
}

/* The words of each command in text, joined by "|", commands by "\n". */
#define words(name, text, want) words_n(name, text, sizeof(text) - 1, want)
static void words_n(const char *name, const char *text, size_t len,
		    const char *want)
{
	struct cmd_reader r = { 0 };
	char *got = NULL;
	size_t size = 0;
	FILE *out;
	int n, i;

	r.f = fmemopen((void *)text, len, "r");
	out = open_memstream(&got, &size);
	if (!r.f || !out) {
		perror("fmemopen");
		exit(1);
	}
	while ((n = cmd_read(&r)) != -1) {
		fprintf(out, "%lu:", r.lineno);
		if (n < 0)
			fprintf(out, "error %s", r.err);
		for (i = 0; i < n; i++)
			fprintf(out, "%s%s", i ? "|" : "", r.argv[i]);
		fputc('\n', out);
	}
	fclose(out);
	fclose(r.f);
	cmd_reader_free(&r);
	if (strcmp(got, want))
		printf("  want: %s\n  got:  %s\n", want, got);
	check(name, !strcmp(got, want));
	free(got);
}

static void test_cmd_read(void)
{
	struct cmd_reader r = { 0 };
	char *line;
	int i;

	words("blanks", " a\tb  c \r\n\n", "1:a|b|c\n2:\n");
	words("comments", "# x\na b#c d\na \"#\" b\n",
	      "1:\n2:a|b\n3:error unterminated quoted string\n");
	words("quotes", "\"a b\" 'c \"d' \"\" e\"f\" \"g\"h\n",
	      "1:a b|c \"d||e\"f\"|g|h\n");
	words("no escapes", "a\\ b \"c\\\"\n", "1:a\\|b|c\\\n");
	words("unclosed quote", "a 'b\nc\n",
	      "1:error unterminated quoted string\n2:c\n");
	words("joined lines", "a \\\nb\\\n\\\nc\nd\n", "1:a|bc\n5:d\n");
	words("comment before a backslash", "a # \\\nb\n", "1:a\n2:b\n");
	words("backslash at the end", "a \\\n", "1:a\n");
	words("no newline at the end", "a b", "1:a|b\n");
	words("NUL byte", "a\0b\nc\n", "1:error NUL byte in line\n2:c\n");
	words("empty file", "", "");

	line = malloc(100 * 1024 + 8);
	memset(line, ' ', 100 * 1024);
	memcpy(line, "a", 1);
	strcpy(line + 100 * 1024, "b\nc\n");
	words_n("100 KB line", line, strlen(line), "1:a|b\n2:c\n");
	for (i = 0; i < 100 * 1024; i += 2)
		line[i] = 'w';
	r.f = fmemopen(line, strlen(line), "r");
	check("51201 words", r.f && cmd_read(&r) == 51201 &&
	      !strcmp(r.argv[51200], "b") && !r.argv[51201]);
	if (r.f)
		fclose(r.f);
	cmd_reader_free(&r);
	free(line);
}

int main(void)
{
	test_ints();
	test_strings();
	test_nested();
	test_cmd_read();
	if (failures)
		printf("%d utils test(s) failed\n", failures);
	return failures ? 1 : 0;
}
