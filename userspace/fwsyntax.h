/* SPDX-License-Identifier: GPL-2.0 */
/* nftables' rule habits into nfvctl's rule words (fwsyntax.c). */
#ifndef NFVCTL_FWSYNTAX_H
#define NFVCTL_FWSYNTAX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Called once per rule a line makes; a nonzero return stops the rest. */
typedef int (*fw_rule_cb)(void *ctx, int argc, char **argv);

int fw_expand_rule(const char *cmd, int argc, char **argv, fw_rule_cb cb,
		   void *ctx);
/* An ICMP (v6: ICMPv6) type by its nftables name, or -1. */
int fw_icmp_type(const char *name, bool v6);
/* TCP flags, "syn,ack", "(syn|ack)" or a number, len bytes of s; or -1. */
int fw_tcp_flags_parse(const char *s, size_t len);
/* The flags as "syn,ack" ("0" for none). */
void fw_tcp_flags_str(uint8_t v, char *buf, size_t size);

/* "R/UNIT" (second, minute, hour, day, or Ns): 0, or -1 if malformed. */
int fw_rate_parse(const char *arg, uint32_t *rate, uint32_t *period);
/* The rate as fw_rate_parse() reads it. */
void fw_rate_str(uint32_t rate, uint32_t period, char *buf, size_t size);

#endif /* NFVCTL_FWSYNTAX_H */
