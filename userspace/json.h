/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer: values go straight to a FILE, commas and
 * indentation follow from a stack of open containers. Keys are used inside
 * objects and ignored inside arrays.
 */
#ifndef NFVCTL_JSON_H
#define NFVCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

void jw_init(FILE *f, bool pretty);
void jw_obj_open(const char *key);
void jw_obj_close(void);
void jw_arr_open(const char *key);
void jw_arr_close(void);
void jw_str(const char *key, const char *s);
void jw_u64(const char *key, uint64_t v);
void jw_s64(const char *key, int64_t v);
void jw_bool(const char *key, bool v);
void jw_null(const char *key);
unsigned int jw_depth(void);

#endif /* NFVCTL_JSON_H */
