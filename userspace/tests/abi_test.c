// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of abi.c, what nfvctl learns of the module: the op list of a
 * CTRL_CMD_GETFAMILY reply and the per-op policies of a CTRL_CMD_GETPOLICY
 * dump, built here with libnl; that replies parse whatever attributes they
 * carry beyond nfvctl's; and the same code on the running kernel's own
 * "nlctrl" family, when there is a generic netlink socket to ask it on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/genl/genl.h>

#include "nfvctl.h"

struct nfvctl_opts opts;	/* nfvctl.c's, for the message prefix */

/* Multicast only: no op of the family's. */
static bool is_event(int cmd)
{
	return cmd == NFV_CMD_FLOW_EVENT || cmd == NFV_CMD_NF_EVENT;
}

static int failures;

static void check(const char *name, bool ok)
{
	printf("%s %s\n", ok ? "ok  " : "FAIL", name);
	failures += !ok;
}

static void *must(void *p)
{
	if (!p) {
		fprintf(stderr, "cannot build a message\n");
		exit(1);
	}
	return p;
}

/* A generic netlink message of cmd with room for attributes. */
static struct nl_msg *genl_msg(uint8_t cmd)
{
	struct nl_msg *msg = must(nlmsg_alloc());

	must(genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
			 cmd, 1));
	return msg;
}

/* Parses msg's attributes as nl.c's talk() does. */
static bool parse(struct nl_msg *msg, struct nlattr **tb, int maxtype)
{
	return genlmsg_parse(nlmsg_hdr(msg), 0, tb, maxtype, NULL) >= 0;
}

/* A GETFAMILY reply of version, listing the n commands of cmds. */
static struct nl_msg *family_msg(uint32_t version, const uint32_t *cmds,
				 int n)
{
	struct nl_msg *msg = genl_msg(CTRL_CMD_NEWFAMILY);
	struct nlattr *ops, *op;
	int i;

	if (nla_put_u16(msg, CTRL_ATTR_FAMILY_ID, 42) < 0 ||
	    nla_put_u32(msg, CTRL_ATTR_VERSION, version) < 0)
		must(NULL);
	if (n < 0)
		return msg;
	ops = must(nla_nest_start(msg, CTRL_ATTR_OPS));
	for (i = 0; i < n; i++) {
		op = must(nla_nest_start(msg, i + 1));
		if (nla_put_u32(msg, CTRL_ATTR_OP_ID, cmds[i]) < 0 ||
		    nla_put_u32(msg, CTRL_ATTR_OP_FLAGS, 0) < 0)
			must(NULL);
		nla_nest_end(msg, op);
	}
	nla_nest_end(msg, ops);
	return msg;
}

typedef void (*reader_fn)(struct nfv_abi *abi, struct nlattr **tb);

/* Hands msg (freed here) to an abi.c reader, as nl.c does a reply. */
static void feed(struct nfv_abi *abi, struct nl_msg *msg, reader_fn fn)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (!parse(msg, tb, CTRL_ATTR_MAX))
		must(NULL);
	fn(abi, tb);
	nlmsg_free(msg);
}

static void family(struct nfv_abi *abi, struct nl_msg *msg)
{
	feed(abi, msg, abi_family);
}

static void test_ops(void)
{
	static const uint32_t v3[] = { NFV_CMD_DP_NEW, NFV_CMD_DP_GET,
				       NFV_CMD_NF_SET, 300 };
	struct nfv_abi abi;

	family(&abi, family_msg(3, v3, ARRAY_SIZE(v3)));
	check("version read", abi.version == 3);
	check("version 3 is talked to", abi_version_ok(&abi));
	abi.version = 9;
	check("a later version is talked to", abi_version_ok(&abi));
	abi.version = 2;
	check("version 2 is refused (stderr names 2 and 3)",
	      !abi_version_ok(&abi));
	abi.version = 0;
	check("no version is refused", !abi_version_ok(&abi));
	check("listed command", abi_has_cmd(&abi, NFV_CMD_NF_SET));
	check("unlisted command", !abi_has_cmd(&abi, NFV_CMD_NF_ITEM_GET));
	check("command 0", !abi_has_cmd(&abi, 0));
	check("a command id beyond u8 is ignored", !abi_has_cmd(&abi, 44));
	family(&abi, family_msg(2, NULL, -1));
	check("no op list: assume every command",
	      abi.version == 2 && abi_has_cmd(&abi, NFV_CMD_NF_ITEM_GET));
	check("missing command is named",
	      !strcmp(abi_cmd_name(NFV_CMD_NF_ITEM_GET), "NF_ITEM_GET"));
	check("unknown command is numbered",
	      !strcmp(abi_cmd_name(200), "command 200"));
}

/* CTRL_ATTR_OP_POLICY: cmd's do and dump policy indexes (-1: none). */
static struct nl_msg *op_policy_msg(int cmd, int do_idx, int dump_idx)
{
	struct nl_msg *msg = genl_msg(CTRL_CMD_GETPOLICY);
	struct nlattr *nest = must(nla_nest_start(msg, CTRL_ATTR_OP_POLICY));
	struct nlattr *op = must(nla_nest_start(msg, cmd));

	if ((do_idx >= 0 &&
	     nla_put_u32(msg, CTRL_ATTR_POLICY_DO, do_idx) < 0) ||
	    (dump_idx >= 0 &&
	     nla_put_u32(msg, CTRL_ATTR_POLICY_DUMP, dump_idx) < 0))
		must(NULL);
	nla_nest_end(msg, op);
	nla_nest_end(msg, nest);
	return msg;
}

/* CTRL_ATTR_POLICY: attribute type of policy idx, as the kernel words it. */
static struct nl_msg *policy_msg(int idx, int type)
{
	struct nl_msg *msg = genl_msg(CTRL_CMD_GETPOLICY);
	struct nlattr *nest = must(nla_nest_start(msg, CTRL_ATTR_POLICY));
	struct nlattr *pol = must(nla_nest_start(msg, idx));
	struct nlattr *attr = must(nla_nest_start(msg, type));

	if (nla_put_u32(msg, NL_POLICY_TYPE_ATTR_TYPE, NL_ATTR_TYPE_U32) < 0)
		must(NULL);
	nla_nest_end(msg, attr);
	nla_nest_end(msg, pol);
	nla_nest_end(msg, nest);
	return msg;
}

static void policy(struct nfv_abi *abi, struct nl_msg *msg)
{
	feed(abi, msg, abi_policy_reply);
}

/* A dump for cmd of: its op's policy indexes, and each (index, type). */
static void dump(struct nfv_abi *abi, uint8_t cmd, int nest, int do_idx,
		 int dump_idx, const int (*attrs)[2], int n, bool ok)
{
	int i;

	abi_policy_begin(abi, cmd);
	policy(abi, op_policy_msg(nest, do_idx, dump_idx));
	for (i = 0; i < n; i++)
		policy(abi, policy_msg(attrs[i][0], attrs[i][1]));
	abi_policy_end(abi, ok);
}

static void test_policies(void)
{
	static const uint32_t cmds[] = { NFV_CMD_DP_SET, NFV_CMD_PORT_GET,
					 NFV_CMD_NF_SET, NFV_CMD_FLOW_FLUSH,
					 NFV_CMD_NF_DEL };
	static const int dp_set[][2] = {
		{ 0, NFV_A_DP_NAME }, { 0, NFV_A_DP_MAX_FLOWS },
		{ 0, NFV_A_DP_BUCKETS + 1 }, { 1, NFV_A_DP_TIMEOUTS },
	};
	static const int port_get[][2] = { { 0, NFV_A_DP_NAME } };
	struct nfv_abi abi;

	family(&abi, family_msg(4, cmds, ARRAY_SIZE(cmds)));
	check("policy not read: assume every attribute",
	      abi_has_attr(&abi, NFV_CMD_DP_SET, 99) &&
	      !abi_policy_asked(&abi, NFV_CMD_DP_SET));
	dump(&abi, NFV_CMD_DP_SET, NFV_CMD_DP_SET, 0, 0, dp_set,
	     ARRAY_SIZE(dp_set), true);
	check("asked once", abi_policy_asked(&abi, NFV_CMD_DP_SET));
	check("policy lists it",
	      abi_has_attr(&abi, NFV_CMD_DP_SET, NFV_A_DP_BUCKETS + 1));
	check("policy lacks it",
	      !abi_has_attr(&abi, NFV_CMD_DP_SET, NFV_A_IFNAME));
	check("a nested policy's attribute is not the command's",
	      !abi_has_attr(&abi, NFV_CMD_DP_SET, NFV_A_DP_TIMEOUTS));
	check("attribute type beyond those kept: assume yes",
	      abi_has_attr(&abi, NFV_CMD_DP_SET, ABI_ATTRS));
	/* 6.2 and later list a command without a doit under 0. */
	dump(&abi, NFV_CMD_PORT_GET, 0, -1, 0, port_get, 1, true);
	check("dump-only command's policy",
	      abi_has_attr(&abi, NFV_CMD_PORT_GET, NFV_A_DP_NAME) &&
	      !abi_has_attr(&abi, NFV_CMD_PORT_GET, NFV_A_DP_MAX_FLOWS));
	dump(&abi, NFV_CMD_FLOW_FLUSH, NFV_CMD_FLOW_FLUSH, -1, -1, NULL, 0,
	     true);
	check("command without a policy takes nothing",
	      !abi_has_attr(&abi, NFV_CMD_FLOW_FLUSH, NFV_A_DP_NAME));
	dump(&abi, NFV_CMD_NF_SET, NFV_CMD_NF_SET, 40, -1, NULL, 0, true);
	check("policy index beyond those kept: assume yes",
	      abi_has_attr(&abi, NFV_CMD_NF_SET, NFV_A_NF_CONFIG));
	dump(&abi, NFV_CMD_NF_DEL, NFV_CMD_NF_DEL, 0, -1, port_get, 1, false);
	check("failed dump: assume yes, and do not ask again",
	      abi_has_attr(&abi, NFV_CMD_NF_DEL, NFV_A_IFNAME) &&
	      abi_policy_asked(&abi, NFV_CMD_NF_DEL));
	dump(&abi, NFV_CMD_DP_NEW, NFV_CMD_DP_NEW, 0, -1, port_get, 1, true);
	check("missing command takes nothing",
	      !abi_has_attr(&abi, NFV_CMD_DP_NEW, NFV_A_DP_NAME));
}

/*
 * Replies of a newer module: attributes beyond nfvctl's MAX, at the top
 * level and nested, are skipped and the others read.
 */
static void test_unknown_attrs(void)
{
	struct nl_msg *msg = genl_msg(NFV_CMD_FLOW_GET);
	struct nlattr *tb[NFV_A_MAX + 1], *ftb[NFV_FLOW_A_MAX + 1];
	struct nlattr *flow;
	uint32_t v = 0;
	const char *s;

	if (nla_put_u32(msg, NFV_A_MAX + 1, 7) < 0 ||
	    nla_put_string(msg, NFV_A_DP_NAME, "dp0") < 0 ||
	    nla_put(msg, 0x3fff, 3, "abc") < 0)
		must(NULL);
	flow = must(nla_nest_start(msg, NFV_A_FLOW));
	if (nla_put_u64(msg, NFV_FLOW_A_MAX + 4, 1) < 0 ||
	    nla_put_u32(msg, NFV_FLOW_A_IN_PORT, 3) < 0)
		must(NULL);
	nla_nest_end(msg, flow);
	check("reply with unknown attributes parses",
	      parse(msg, tb, NFV_A_MAX));
	s = attr_str(tb[NFV_A_DP_NAME]);
	check("known attribute beside unknown ones", s && !strcmp(s, "dp0"));
	check("nest with unknown attributes parses",
	      attr_nested(ftb, NFV_FLOW_A_MAX, tb[NFV_A_FLOW]) >= 0 &&
	      attr_u32(ftb[NFV_FLOW_A_IN_PORT], &v) && v == 3);
	nlmsg_free(msg);
}

/* Sends msg (freed here) and hands each reply's attributes to fn. */
static int ask(struct nl_sock *sk, struct nl_msg *msg, nl_recvmsg_msg_cb_t fn,
	       void *arg)
{
	int err = nl_send_auto(sk, msg);

	nlmsg_free(msg);
	if (err < 0)
		return err;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, fn, arg);
	return nl_recvmsgs_default(sk);
}

static int family_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (parse(msg, tb, CTRL_ATTR_MAX))
		abi_family(arg, tb);
	return NL_OK;
}

static int policy_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (parse(msg, tb, CTRL_ATTR_MAX))
		abi_policy_reply(arg, tb);
	return NL_OK;
}

/* A generic netlink family of the running kernel, read as nl.c does. */
struct live {
	struct nl_sock *sk;
	const char *family;
	struct nfv_abi abi;
};

/* Its CTRL_CMD_GETFAMILY reply; why not, if not. */
static const char *live_open(struct live *l, const char *family)
{
	struct nl_msg *msg;

	memset(&l->abi, 0, sizeof(l->abi));
	l->family = family;
	l->sk = nl_socket_alloc();
	if (!l->sk || genl_connect(l->sk) < 0)
		return "no generic netlink socket";
	/* A reply, or a dump's NLMSG_DONE, ends each exchange here. */
	nl_socket_disable_auto_ack(l->sk);
	msg = genl_msg(CTRL_CMD_GETFAMILY);
	if (nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, family) < 0 ||
	    ask(l->sk, msg, family_cb, &l->abi) < 0 || !l->abi.ops_known)
		return "no reply to CTRL_CMD_GETFAMILY";
	return NULL;
}

/* One command's policy dump, as nl.c asks for it; false if it failed. */
static bool live_policy(struct live *l, uint8_t cmd)
{
	struct nl_msg *msg = genl_msg(CTRL_CMD_GETPOLICY);
	int err;

	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_DUMP;
	abi_policy_begin(&l->abi, cmd);
	if (nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, l->family) < 0 ||
	    nla_put_u32(msg, CTRL_ATTR_OP, cmd) < 0)
		must(NULL);
	err = ask(l->sk, msg, policy_cb, &l->abi);
	abi_policy_end(&l->abi, err >= 0);
	return err >= 0;
}

/* The kernel's generic netlink controller, on the host: no module needed. */
static void test_nlctrl(void)
{
	struct live l;
	const char *why = live_open(&l, "nlctrl");

	if (!why && (!live_policy(&l, CTRL_CMD_GETFAMILY) ||
		     !live_policy(&l, CTRL_CMD_GETPOLICY)))
		why = "no policy dump";
	if (why) {
		printf("skip live nlctrl: %s\n", why);
		goto out;
	}
	check("nlctrl: GETFAMILY listed",
	      abi_has_cmd(&l.abi, CTRL_CMD_GETFAMILY));
	check("nlctrl: NEWFAMILY not listed",
	      !abi_has_cmd(&l.abi, CTRL_CMD_NEWFAMILY));
	check("nlctrl: GETFAMILY takes a family name",
	      abi_has_attr(&l.abi, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME));
	check("nlctrl: GETFAMILY takes no op",
	      !abi_has_attr(&l.abi, CTRL_CMD_GETFAMILY, CTRL_ATTR_OP));
	check("nlctrl: GETPOLICY (dump only) takes an op",
	      abi_has_attr(&l.abi, CTRL_CMD_GETPOLICY, CTRL_ATTR_OP));
	check("nlctrl: GETPOLICY takes no version",
	      !abi_has_attr(&l.abi, CTRL_CMD_GETPOLICY, CTRL_ATTR_VERSION));
out:
	nl_socket_free(l.sk);
}

/*
 * What some commands' requests take and do not, as the kernel's policies
 * say. PORT_GET and NF_ITEM_GET are dump-only: 6.2 and later list them
 * under command 0 in a dump of the whole family.
 */
static const struct takes {
	uint8_t cmd;
	int type;
	bool takes;
	const char *name;
} nfv_takes[] = {
	{ NFV_CMD_DP_SET, NFV_A_DP_MAX_FLOWS, true, "DP_SET: DP_MAX_FLOWS" },
	{ NFV_CMD_DP_SET, NFV_A_DP_BUCKETS, false, "DP_SET: no DP_BUCKETS" },
	{ NFV_CMD_DP_GET, NFV_A_DP_NAME, true, "DP_GET: DP_NAME" },
	{ NFV_CMD_PORT_NEW, NFV_A_PORT_ZONE, true, "PORT_NEW: PORT_ZONE" },
	{ NFV_CMD_PORT_DEL, NFV_A_PORT_ZONE, false, "PORT_DEL: no PORT_ZONE" },
	{ NFV_CMD_PORT_GET, NFV_A_DP_NAME, true, "PORT_GET: DP_NAME" },
	{ NFV_CMD_PORT_GET, NFV_A_IFNAME, false, "PORT_GET: no IFNAME" },
	{ NFV_CMD_NF_ITEM_GET, NFV_A_NF_NAME, true, "NF_ITEM_GET: NF_NAME" },
	{ NFV_CMD_NF_SET, NFV_A_NF_CONFIG, true, "NF_SET: NF_CONFIG" },
};

/* The loaded nfv module (a selftest runs this in the VM). */
static void test_nfv(void)
{
	const struct takes *t;
	struct live l;
	const char *why = live_open(&l, NFV_GENL_NAME);
	char name[64];
	int cmd;

	check(why ? why : "nfv: the family answers", !why);
	if (why)
		goto out;
	check("nfv: version 3 or later", abi_version_ok(&l.abi));
	for (cmd = 1; cmd <= NFV_CMD_MAX; cmd++)
		if (!is_event(cmd) && !abi_has_cmd(&l.abi, cmd))
			check(abi_cmd_name(cmd), false);
	check("nfv: every command listed but the events",
	      !abi_has_cmd(&l.abi, NFV_CMD_FLOW_EVENT) &&
	      !abi_has_cmd(&l.abi, NFV_CMD_NF_EVENT));
	for (t = nfv_takes; t < nfv_takes + ARRAY_SIZE(nfv_takes); t++) {
		snprintf(name, sizeof(name), "nfv: %s", t->name);
		check(name, live_policy(&l, t->cmd) &&
		      abi_has_attr(&l.abi, t->cmd, t->type) == t->takes);
	}
out:
	nl_socket_free(l.sk);
}

/* "abi_test": the unit tests and nlctrl; "abi_test nfv": the module. */
int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "nfv")) {
		test_nfv();
	} else {
		test_ops();
		test_policies();
		test_unknown_attrs();
		test_nlctrl();
	}
	if (failures)
		printf("%d abi test(s) failed\n", failures);
	return failures ? 1 : 0;
}
