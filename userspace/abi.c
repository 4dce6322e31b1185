// SPDX-License-Identifier: GPL-2.0
/*
 * What the loaded module supports. From ABI version 3 on, commands and
 * attributes are only appended (uapi/linux/nfv.h), so a module older than
 * nfvctl lacks the newest of them and nothing else: nfvctl reads the
 * family's op list (in the CTRL_CMD_GETFAMILY reply it needs anyway) and,
 * only before sending an attribute newer than version 3, that command's
 * policy (CTRL_CMD_GETPOLICY). This file reads those replies; nl.c asks.
 */
#include <string.h>

#include <linux/genetlink.h>

#include "nfvctl.h"

static const char *const cmd_name[NFV_CMD_MAX + 1] = {
	[NFV_CMD_DP_NEW]	= "DP_NEW",
	[NFV_CMD_DP_DEL]	= "DP_DEL",
	[NFV_CMD_DP_GET]	= "DP_GET",
	[NFV_CMD_DP_SET]	= "DP_SET",
	[NFV_CMD_PORT_NEW]	= "PORT_NEW",
	[NFV_CMD_PORT_DEL]	= "PORT_DEL",
	[NFV_CMD_PORT_GET]	= "PORT_GET",
	[NFV_CMD_CHAIN_SET]	= "CHAIN_SET",
	[NFV_CMD_NF_NEW]	= "NF_NEW",
	[NFV_CMD_NF_DEL]	= "NF_DEL",
	[NFV_CMD_NF_GET]	= "NF_GET",
	[NFV_CMD_FLOW_GET]	= "FLOW_GET",
	[NFV_CMD_FLOW_FLUSH]	= "FLOW_FLUSH",
	[NFV_CMD_FLOW_EVENT]	= "FLOW_EVENT",
	[NFV_CMD_NF_SET]	= "NF_SET",
	[NFV_CMD_NF_ITEM_GET]	= "NF_ITEM_GET",
	[NFV_CMD_NF_EVENT]	= "NF_EVENT",
};

/* The command's name in Documentation/netlink.rst, for messages. */
const char *abi_cmd_name(uint8_t cmd)
{
	static char num[16];

	if (cmd <= NFV_CMD_MAX && cmd_name[cmd])
		return cmd_name[cmd];
	snprintf(num, sizeof(num), "command %u", cmd);
	return num;
}

static void bit_set(uint32_t *map, unsigned int bit)
{
	map[bit / 32] |= 1U << (bit % 32);
}

static bool bit_test(const uint32_t *map, unsigned int bit)
{
	return map[bit / 32] & (1U << (bit % 32));
}

/* The version and the ops of a CTRL_CMD_GETFAMILY reply. */
void abi_family(struct nfv_abi *abi, struct nlattr **tb)
{
	struct nlattr *op, *otb[CTRL_ATTR_OP_MAX + 1];
	uint32_t id;
	int rem;

	memset(abi, 0, sizeof(*abi));
	attr_u32(tb[CTRL_ATTR_VERSION], &abi->version);
	if (!tb[CTRL_ATTR_OPS])
		return;
	abi->ops_known = true;
	nla_for_each_nested(op, tb[CTRL_ATTR_OPS], rem) {
		if (attr_nested(otb, CTRL_ATTR_OP_MAX, op) >= 0 &&
		    attr_u32(otb[CTRL_ATTR_OP_ID], &id) && id < ABI_CMDS)
			bit_set(abi->cmds, id);
	}
}

/*
 * A module of a later version only added to the ABI, and nfvctl skips
 * what it does not know; one older than 3 numbered things otherwise.
 */
bool abi_version_ok(const struct nfv_abi *abi)
{
	if (abi->version >= NFV_ABI_FROZEN)
		return true;
	err_msg("nfv module netlink ABI version %u is older than %u, the oldest nfvctl (ABI version %u) talks to: update the module",
		abi->version, NFV_ABI_FROZEN, (unsigned int)NFV_GENL_VERSION);
	return false;
}

/* Without an op list (no module does that), assume the command is there. */
bool abi_has_cmd(const struct nfv_abi *abi, uint8_t cmd)
{
	return !abi->ops_known || bit_test(abi->cmds, cmd);
}

/*
 * A policy dump asks for one command (CTRL_ATTR_OP): in a dump of the whole
 * family, kernels since 6.2 list a command without a doit under 0.
 */
void abi_policy_begin(struct nfv_abi *abi, uint8_t cmd)
{
	struct abi_dump *d = &abi->dump;

	memset(d, 0, sizeof(*d));
	d->cmd = cmd;
	d->do_idx = -1;
	d->dump_idx = -1;
	bit_set(abi->policy_asked, cmd);
}

static int32_t policy_idx(struct nlattr *a)
{
	uint32_t idx;

	return attr_u32(a, &idx) && idx <= INT32_MAX ? (int32_t)idx : -1;
}

/* CTRL_ATTR_OP_POLICY: [cmd] = { DO: policy index, DUMP: policy index } */
static void abi_op_policy(struct abi_dump *d, struct nlattr *nest)
{
	struct nlattr *op, *tb[CTRL_ATTR_POLICY_DUMP_MAX + 1];
	int rem;

	nla_for_each_nested(op, nest, rem) {
		if ((nla_type(op) != d->cmd && nla_type(op) != 0) ||
		    attr_nested(tb, CTRL_ATTR_POLICY_DUMP_MAX, op) < 0)
			continue;
		d->do_idx = policy_idx(tb[CTRL_ATTR_POLICY_DO]);
		d->dump_idx = policy_idx(tb[CTRL_ATTR_POLICY_DUMP]);
	}
}

/*
 * CTRL_ATTR_POLICY: [policy index] = { [attribute type] = its checks }.
 * The kernel lists only the attributes a policy accepts.
 */
static void abi_policy_attrs(struct abi_dump *d, struct nlattr *nest)
{
	struct nlattr *pol, *a;
	int rem, arem;

	nla_for_each_nested(pol, nest, rem) {
		if (nla_type(pol) >= ABI_POLICIES)
			continue;
		nla_for_each_nested(a, pol, arem)
			if (nla_type(a) < ABI_ATTRS)
				bit_set(d->attrs[nla_type(pol)], nla_type(a));
	}
}

/* One message of the policy dump. */
void abi_policy_reply(struct nfv_abi *abi, struct nlattr **tb)
{
	if (tb[CTRL_ATTR_OP_POLICY])
		abi_op_policy(&abi->dump, tb[CTRL_ATTR_OP_POLICY]);
	if (tb[CTRL_ATTR_POLICY])
		abi_policy_attrs(&abi->dump, tb[CTRL_ATTR_POLICY]);
}

/*
 * The dump ended, read whole or not (then nothing is known of the
 * command). Its request policy is the do one, or the dump one for a
 * dump-only command; none means it takes no attributes.
 */
void abi_policy_end(struct nfv_abi *abi, bool ok)
{
	struct abi_dump *d = &abi->dump;
	int32_t idx = d->do_idx >= 0 ? d->do_idx : d->dump_idx;
	uint32_t *attrs;

	if (!ok || d->cmd > NFV_CMD_MAX)
		return;
	attrs = abi->cmd_attrs[d->cmd];
	if (idx >= ABI_POLICIES)
		memset(attrs, 0xff, sizeof(abi->cmd_attrs[0]));	/* unknown */
	else if (idx >= 0)
		memcpy(attrs, d->attrs[idx], sizeof(abi->cmd_attrs[0]));
	bit_set(abi->policy_known, d->cmd);
}

/* Was cmd's policy asked for already (well or not)? */
bool abi_policy_asked(const struct nfv_abi *abi, uint8_t cmd)
{
	return bit_test(abi->policy_asked, cmd);
}

/*
 * Does cmd's request accept attribute type? What cannot be known (no policy
 * read, a type beyond those kept) counts as yes: the kernel's strict policy
 * refuses it then.
 */
bool abi_has_attr(const struct nfv_abi *abi, uint8_t cmd, int type)
{
	if (!abi_has_cmd(abi, cmd))
		return false;
	if (cmd > NFV_CMD_MAX || !bit_test(abi->policy_known, cmd) ||
	    type < 0 || type >= ABI_ATTRS)
		return true;
	return bit_test(abi->cmd_attrs[cmd], type);
}
