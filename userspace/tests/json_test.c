// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the JSON writer: exact output for compact and pretty mode,
 * escaping, invalid UTF-8.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static int failures;

static char *buf;
static size_t len;
static FILE *out;

static void begin(int pretty)
{
	free(buf);
	buf = NULL;
	out = open_memstream(&buf, &len);
	if (!out) {
		perror("open_memstream");
		exit(1);
	}
	jw_init(out, pretty);
}

static void expect(const char *name, const char *want)
{
	fclose(out);
	if (strcmp(buf, want)) {
		printf("FAIL %s\n  want: %s\n  got:  %s\n", name, want, buf);
		failures++;
	} else {
		printf("ok   %s\n", name);
	}
}

static void sample(void)
{
	jw_arr_open(NULL);
	jw_obj_open(NULL);
	jw_str("name", "dp0");
	jw_u64("flows", 3);
	jw_obj_open("timeouts");
	jw_u64("tcp", 7440);
	jw_obj_close();
	jw_arr_open("chain");
	jw_str(NULL, "forward");
	jw_str(NULL, "drop");
	jw_arr_close();
	jw_arr_open("empty");
	jw_arr_close();
	jw_obj_open("none");
	jw_obj_close();
	jw_obj_close();
	jw_arr_close();
}

int main(void)
{
	begin(0);
	sample();
	expect("compact",
	       "[{\"name\":\"dp0\",\"flows\":3,\"timeouts\":{\"tcp\":7440},"
	       "\"chain\":[\"forward\",\"drop\"],\"empty\":[],\"none\":{}}]\n");

	begin(1);
	sample();
	expect("pretty",
	       "[\n"
	       "    {\n"
	       "        \"name\": \"dp0\",\n"
	       "        \"flows\": 3,\n"
	       "        \"timeouts\": {\n"
	       "            \"tcp\": 7440\n"
	       "        },\n"
	       "        \"chain\": [\n"
	       "            \"forward\",\n"
	       "            \"drop\"\n"
	       "        ],\n"
	       "        \"empty\": [],\n"
	       "        \"none\": {}\n"
	       "    }\n"
	       "]\n");

	begin(0);
	jw_arr_open(NULL);
	jw_arr_close();
	expect("empty array", "[]\n");

	begin(0);
	jw_obj_open(NULL);
	jw_str("s", "a\"b\\c\n\t\x01\x1f/\x7f");
	jw_obj_close();
	expect("escapes", "{\"s\":\"a\\\"b\\\\c\\n\\t\\u0001\\u001f/\x7f\"}\n");

	begin(0);
	jw_obj_open(NULL);
	jw_str("ok", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	jw_str("bad", "a\xff" "b\xc3" "c\xed\xa0\x80" "d\xc0\xaf");
	jw_obj_close();
	expect("utf-8",
	       "{\"ok\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\","
	       "\"bad\":\"a\\ufffdb\\ufffdc\\ufffd\\ufffd\\ufffdd\\ufffd\\ufffd\"}\n");

	begin(0);
	jw_obj_open(NULL);
	jw_u64("max", UINT64_MAX);
	jw_s64("neg", -5);
	jw_bool("t", true);
	jw_null("n");
	jw_obj_close();
	jw_obj_open(NULL);
	jw_obj_close();
	expect("numbers, two top-level values",
	       "{\"max\":18446744073709551615,\"neg\":-5,\"t\":true,\"n\":null}\n{}\n");

	free(buf);
	if (failures)
		printf("%d json test(s) failed\n", failures);
	return failures ? 1 : 0;
}
