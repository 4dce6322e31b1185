/* SPDX-License-Identifier: GPL-2.0 */
/* fw rules: words into attributes and attributes into text (fwrule.c). */
#ifndef NFVCTL_FWRULE_H
#define NFVCTL_FWRULE_H

#include <stdbool.h>
#include <stdint.h>

#include "nfvctl.h"

extern const char *const action_name[__NFV_FW_ACTION_MAX];

/* The index of s in names[0..n), or -1. */
int lookup(const char *const *names, int n, const char *s);

/*
 * The instance rules go to: its datapath's ports (ports.dp names the
 * datapath) and the last rule attribute its module knows, both asked for
 * only when a rule needs them.
 */
struct fw_target {
	struct port_names ports;
	const char *name;
	int rule_maxattr;		/* 0: not asked yet */
};

struct fw_info_of {
	const char *name;
	int policy;
	int rule_maxattr;
};

/* The instance's policy and what its module knows (NF_GET dump). */
int fw_info(const char *dp, struct fw_info_of *p);
/* Does the instance's module take rule attribute type? */
bool fw_has_rule_attr(struct fw_target *t, int type);
/* One rule's keywords, argv[0..argc), as an NFV_FW_A_RULE nest. */
int put_rule(struct nl_msg *msg, const char *cmd,
	     struct fw_target *t, int argc, char **argv);

struct rule_list {
	struct list_out out;
	struct port_names ports;
};

/* An NF_ITEM_GET reply: one rule, as "fw rule add" takes it. */
int rule_reply(uint8_t cmd, struct nlattr **tb, void *arg);
/* " text V", or "key": V in JSON; width 8, 32 or 64 bits. */
void print_u(const char *key, const char *text, struct nlattr *a,
	     int width);

#endif /* NFVCTL_FWRULE_H */
