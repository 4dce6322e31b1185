// SPDX-License-Identifier: GPL-2.0
/*
 * nfvctl fw: the stateful firewall NF (nfv_fw.ko): instances, their rules
 * with counters, atomic rule loads, and the connections they track.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "fwrule.h"
#include "fwsyntax.h"
#include "json.h"
#include "nfvctl.h"

/* Rules per message of a load: the rule list attribute holds 64 KiB. */
#define FW_LOAD_BATCH	256
#define FW_LOAD_MSG_SIZE	65536
/* A request's headers, DP and NF names and config nest around a batch. */
#define FW_MSG_ROOM		1024

static const char *const tcp_state_name[__NFV_FW_TCP_MAX] = {
	[NFV_FW_TCP_NONE]	 = "NONE",
	[NFV_FW_TCP_SYN_SENT]	 = "SYN_SENT",
	[NFV_FW_TCP_SYN_RECV]	 = "SYN_RECV",
	[NFV_FW_TCP_ESTABLISHED] = "ESTABLISHED",
	[NFV_FW_TCP_FIN_WAIT]	 = "FIN_WAIT",
	[NFV_FW_TCP_CLOSE_WAIT]	 = "CLOSE_WAIT",
	[NFV_FW_TCP_LAST_ACK]	 = "LAST_ACK",
	[NFV_FW_TCP_TIME_WAIT]	 = "TIME_WAIT",
	[NFV_FW_TCP_CLOSE]	 = "CLOSE",
	[NFV_FW_TCP_SYN_SENT2]	 = "SYN_SENT2",
};

static const struct nf_stat fw_stats[] = {
	{ NFV_FW_STAT_NEW, "new" },
	{ NFV_FW_STAT_ESTABLISHED, "established" },
	{ NFV_FW_STAT_RELATED, "related" },
	{ NFV_FW_STAT_INVALID, "invalid" },
	{ NFV_FW_STAT_ACCEPT, "accept" },
	{ NFV_FW_STAT_DROP, "drop" },
	{ NFV_FW_STAT_REJECT, "reject" },
	{ NFV_FW_STAT_POLICY, "policy" },
	{ NFV_FW_STAT_ZONE_FULL, "zone_full" },
	{ NFV_FW_STAT_HALF_OPEN_FULL, "half_open_full" },
	{ NFV_FW_STAT_REJECT_SUPPRESSED, "reject_suppressed" },
};

void usage_fw(FILE *f)
{
	fputs("  fw add DP NAME [policy accept|drop] [zone-max-flows N]\n"
	      "         [zone-max-half-open N] [tcp-loose on|off]\n"
	      "  fw set DP NAME [policy accept|drop] [zone-max-flows N]\n"
	      "         [zone-max-half-open N] [tcp-loose on|off]\n"
	      "  fw del DP NAME\n"
	      "  fw show DP\n"
	      "  fw rule add DP NAME [[before|after] pos N|handle H] RULE\n"
	      "  fw rule set DP NAME pos N|handle H RULE\n"
	      "  fw rule del DP NAME pos N|handle H\n"
	      "  fw rule list DP NAME\n"
	      "  fw load DP NAME FILE\n"
	      "  fw flows DP NAME\n"
	      "  RULE := [in-port N|IFNAME] [src PREFIX] [dst PREFIX] [proto PROTO]\n"
	      "          [sport N[-M]] [dport N[-M]] [icmp-type N] [icmp-code N]\n"
	      "          [tcp-flags FLAGS[/MASK]] [ct state STATE[,STATE]...]\n"
	      "          [reject-with TYPE]\n"
	      "          [limit-per-source N/UNIT [burst N] | count-per-source over N]\n"
	      "          [meter-size N] [meter-v6-prefix LEN]\n"
	      "          accept|drop|reject\n"
	      "  TYPE := tcp-reset|port-unreachable|host-unreachable|\n"
	      "          admin-prohibited|no-route\n"
	      "  UNIT := second|minute|hour|day\n"
	      "  nftables' spellings (iifname, ip saddr, tcp dport, icmp type NAME,\n"
	      "  { sets }, != on ports and a prefix, tcp flags F / M, counter,\n"
	      "  reject with tcp reset, reject with icmpx type admin-prohibited)\n"
	      "  become such rules; see nfvctl(8)\n", f);
}

/*
 * Attributes are built in a scratch message first, so that argument
 * errors are reported before anything is sent.
 */
static struct nl_msg *scratch_msg(void)
{
	struct nl_msg *m = nlmsg_alloc();

	if (!m)
		err_msg("out of memory");
	return m;
}

/* -1 for an error already reported, -2 for a message that overflowed. */
static int scratch_fail(struct nl_msg *scratch, int err)
{
	nlmsg_free(scratch);
	if (err == -2)
		err_msg("request does not fit in a netlink message");
	return -1;
}

/* Sends cmd (NF_NEW or NF_SET) for DP NAME with cfg as NF_CONFIG. */
static int fw_send(uint8_t cmd, const char *dp, const char *name,
		   struct nl_msg *cfg)
{
	struct nlmsghdr *h = nlmsg_hdr(cfg);
	struct nl_msg *msg = nfv_msg(cmd, false);
	struct nlattr *nest;

	if (!msg) {
		nlmsg_free(cfg);
		return -1;
	}
	nest = NULL;
	if (nla_put_string(msg, NFV_A_DP_NAME, dp) >= 0 &&
	    nla_put_string(msg, NFV_A_NF_NAME, name) >= 0 &&
	    (cmd != NFV_CMD_NF_NEW ||
	     nla_put_string(msg, NFV_A_NF_TYPE, "fw") >= 0))
		nest = nla_nest_start(msg, NFV_A_NF_CONFIG);
	if (!nest ||
	    nlmsg_append(msg, nlmsg_data(h), nlmsg_datalen(h), NLMSG_ALIGNTO)) {
		nlmsg_free(cfg);
		return nfv_msg_full(msg);
	}
	nlmsg_free(cfg);
	nla_nest_end(msg, nest);
	return nfv_talk(msg, NULL, NULL);
}

/*
 * fw add|set DP NAME [policy P] [zone-max-flows N] [zone-max-half-open N]
 *	[tcp-loose on|off]
 */
static int fw_add_set(const char *cmd, uint8_t nlcmd, int argc, char **argv)
{
	const char *dp, *name;
	bool loose = false;
	struct nl_msg *cfg;
	uint32_t v;
	int a, err = 0;

	if (parse_dp_nf(cmd, &argc, &argv, "firewall", &dp, &name))
		return -1;
	cfg = scratch_msg();
	if (!cfg)
		return -1;
	for (; argc > 0 && !err; argc--, argv++) {
		const char *kw = *argv;

		if (need_arg(cmd, &argc, &argv)) {
			err = -1;
		} else if (matches(kw, "policy")) {
			a = lookup(action_name, NFV_FW_REJECT, *argv);
			err = a < 0 ? usage_err(cmd, "policy is accept or drop") :
			      nla_put_u8(cfg, NFV_FW_A_POLICY, (uint8_t)a) < 0 ?
			      -2 : 0;
		} else if (matches(kw, "zone-max-flows") ||
			   matches(kw, "zone-max-half-open")) {
			a = matches(kw, "zone-max-flows") ?
			    NFV_FW_A_ZONE_MAX_FLOWS : NFV_FW_A_ZONE_MAX_HALF_OPEN;
			err = parse_u32(cmd, kw, *argv, 0, UINT32_MAX, &v) ?:
			      (nla_put_u32(cfg, a, v) < 0 ? -2 : 0);
		} else if (matches(kw, "tcp-loose")) {
			a = !strcmp(*argv, "on") ? 1 :
			    !strcmp(*argv, "off") ? 0 : -1;
			loose = true;
			err = a < 0 ? usage_err(cmd, "tcp-loose is on or off") :
			      nla_put_u8(cfg, NFV_FW_A_TCP_LOOSE, (uint8_t)a) < 0 ?
			      -2 : 0;
		} else {
			err = usage_err(cmd, "unknown argument \"%s\"", kw);
		}
	}
	if (err)
		return scratch_fail(cfg, err);
	err = fw_send(nlcmd, dp, name, cfg);
	if (err && loose && nl_unknown_attr())
		err_msg("the nfv_fw module lacks tcp-loose (NFV_FW_A_TCP_LOOSE): update the module");
	return err;
}

/* fw rule add|set|del DP NAME [[before|after] pos N|handle H] [RULE] */
/* The messages of one "fw rule add|set": one per rule its line makes. */
struct fw_edit {
	const char *cmd;
	uint8_t op;
	bool has_pos;
	bool after;
	uint32_t pos;
	uint32_t handle;		/* 0: none */
	struct fw_target *t;
	struct nl_msg *msg[64];
	unsigned int n;
};

/* Where a rule goes: by position (a set's in a row) or by handle. */
static int put_where(struct nl_msg *cfg, const struct fw_edit *e)
{
	if (e->has_pos &&
	    nla_put_u32(cfg, NFV_FW_A_POS, e->pos + e->after + e->n) < 0)
		return -2;
	if (!e->handle)
		return 0;
	if (!fw_has_rule_attr(e->t, NFV_FW_RULE_A_HANDLE)) {
		nl_lacks();
		err_msg("%s: the fw module has no rule handles: update it, or name rules by pos",
			e->cmd);
		return -1;
	}
	if (nla_put_u32(cfg, NFV_FW_A_HANDLE, e->handle) < 0 ||
	    (e->after && nla_put_flag(cfg, NFV_FW_A_AFTER) < 0))
		return -2;
	return 0;
}

static int fw_edit_msg(void *ctx, int argc, char **argv)
{
	struct fw_edit *e = ctx;
	struct nl_msg *cfg;
	int err = 0;

	if (e->n == ARRAY_SIZE(e->msg) || (e->n && e->op != NFV_FW_OP_INSERT))
		return usage_err(e->cmd, "the rule's sets make more than %s rules",
				 e->op == NFV_FW_OP_INSERT ? "64" : "one");
	cfg = scratch_msg();
	if (!cfg)
		return -1;
	/* A set's rules go in one after the other, in the order written. */
	err = nla_put_u8(cfg, NFV_FW_A_OP, e->op) < 0 ? -2 :
	      put_where(cfg, e) ?: put_rule(cfg, e->cmd, e->t, argc, argv);
	if (err)
		return scratch_fail(cfg, err);
	e->msg[e->n++] = cfg;
	return 0;
}

/* "[before|after] pos N|handle H" */
static int parse_where(struct fw_edit *e, int *argc, char ***argv)
{
	const char *cmd = e->cmd;

	if (*argc && (!strcmp(**argv, "before") || !strcmp(**argv, "after"))) {
		if (e->op != NFV_FW_OP_INSERT)
			return usage_err(cmd, "\"%s\" is for fw rule add", **argv);
		e->after = !strcmp(**argv, "after");
		(*argc)--, (*argv)++;
		if (!*argc || (!matches(**argv, "pos") &&
			       !matches(**argv, "handle")))
			return usage_err(cmd, "missing \"pos N\" or \"handle H\"");
	}
	if (*argc && matches(**argv, "pos")) {
		if (need_arg(cmd, argc, argv) ||
		    parse_u32(cmd, "position", **argv, 0, UINT32_MAX, &e->pos))
			return -1;
		e->has_pos = true;
		(*argc)--, (*argv)++;
	} else if (*argc && matches(**argv, "handle")) {
		if (need_arg(cmd, argc, argv) ||
		    parse_u32(cmd, "handle", **argv, 1, UINT32_MAX, &e->handle))
			return -1;
		(*argc)--, (*argv)++;
	}
	if (!e->has_pos && !e->handle && e->op != NFV_FW_OP_INSERT)
		return usage_err(cmd, "missing \"pos N\" or \"handle H\"");
	return 0;
}

static int fw_rule_edit(const char *cmd, uint8_t op, int argc, char **argv)
{
	struct fw_target t = { .rule_maxattr = 0 };
	struct fw_edit e = { .cmd = cmd, .op = op, .t = &t };
	const char *dp, *name;
	unsigned int i;
	int err = 0;

	if (parse_dp_nf(cmd, &argc, &argv, "firewall", &dp, &name))
		return -1;
	t.ports.dp = dp;
	t.name = name;
	if (parse_where(&e, &argc, &argv))
		return -1;
	if (op == NFV_FW_OP_DELETE && argc)
		return usage_err(cmd, "unknown argument \"%s\"", *argv);
	if (op != NFV_FW_OP_DELETE && !argc)
		return usage_err(cmd, "missing rule");
	if (op == NFV_FW_OP_DELETE) {
		e.msg[0] = scratch_msg();
		if (!e.msg[0])
			return -1;
		err = nla_put_u8(e.msg[0], NFV_FW_A_OP, op) < 0 ? -2 :
		      put_where(e.msg[0], &e);
		e.n = 1;
	} else {
		err = fw_expand_rule(cmd, argc, argv, fw_edit_msg, &e);
	}
	port_names_free(&t.ports);
	/*
	 * Each rule of a set inserted after a handle goes right after it:
	 * the last first keeps them in the order written.
	 */
	for (i = 0; i < e.n; i++) {
		unsigned int j = e.handle && e.after ? e.n - 1 - i : i;

		if (err)
			nlmsg_free(e.msg[j]);
		else
			err = fw_send(NFV_CMD_NF_SET, dp, name, e.msg[j]);
	}
	return err == -2 ? scratch_fail(NULL, err) : err;
}

/* A u8 switch; absent from an older module's replies. */
static void print_on_off(const char *key, const char *text, struct nlattr *a)
{
	uint8_t v;

	if (!attr_u8(a, &v))
		return;
	if (opts.json)
		jw_bool(key, v);
	else
		printf(" %s %s", text, v ? "on" : "off");
}

/* "fw COMMAND DP NAME": named_request() from the command line. */
static int fw_request(const char *cmd, uint8_t nlcmd, int argc, char **argv,
		      nfv_reply_fn reply)
{
	const char *dp, *name;

	if (parse_dp_nf(cmd, &argc, &argv, "firewall", &dp, &name))
		return -1;
	if (argc)
		return usage_err(cmd, "unknown argument \"%s\"", *argv);
	return named_request(nlcmd, dp, name, reply);
}

/*
 * fw rule list DP NAME: the ports first, for their device names (a dump
 * cannot be asked for while another runs on the socket).
 */
static int fw_rule_list(int argc, char **argv)
{
	const char *cmd = "fw rule list", *dp, *name;
	struct rule_list l = { .out = { 0 } };
	struct nl_msg *msg;
	int err;

	if (parse_dp_nf(cmd, &argc, &argv, "firewall", &dp, &name))
		return -1;
	if (argc)
		return usage_err(cmd, "unknown argument \"%s\"", *argv);
	l.ports.dp = dp;
	if (port_names_load(&l.ports))
		return -1;
	msg = nfv_msg(NFV_CMD_NF_ITEM_GET, true);
	if (!msg) {
		err = -1;
	} else if (nla_put_string(msg, NFV_A_DP_NAME, dp) < 0 ||
		   nla_put_string(msg, NFV_A_NF_NAME, name) < 0) {
		err = nfv_msg_full(msg);
	} else {
		err = nfv_talk(msg, rule_reply, &l);
		list_end(&l.out, err);
	}
	port_names_free(&l.ports);
	return err;
}

static int fw_rule(int argc, char **argv)
{
	if (!argc)
		return usage_err("fw rule", "missing command");
	if (matches(*argv, "add") || matches(*argv, "insert"))
		return fw_rule_edit("fw rule add", NFV_FW_OP_INSERT, argc - 1,
				    argv + 1);
	if (matches(*argv, "set") || matches(*argv, "replace"))
		return fw_rule_edit("fw rule set", NFV_FW_OP_SET, argc - 1,
				    argv + 1);
	if (matches(*argv, "del") || matches(*argv, "delete"))
		return fw_rule_edit("fw rule del", NFV_FW_OP_DELETE, argc - 1,
				    argv + 1);
	if (matches(*argv, "list") || matches(*argv, "show"))
		return fw_rule_list(argc - 1, argv + 1);
	return usage_err("fw rule", "unknown command \"%s\"", *argv);
}

struct fw_load {
	const char *cmd;
	struct nl_msg **batch;	/* each: NFV_FW_A_RULES, built before sending */
	size_t rules;		/* offset of the last batch's open nest */
	size_t size;		/* of the next batch's message, at first */
	unsigned int nbatch;
	unsigned int in_batch;
	int policy;
	struct fw_target t;		/* for in-port IFNAME */
};

static struct nlattr *load_rules_nest(struct fw_load *l)
{
	return (struct nlattr *)((char *)nlmsg_hdr(l->batch[l->nbatch - 1]) +
				 l->rules);
}

/*
 * A batch starts at l->size and grows, up to FW_LOAD_MSG_SIZE: libnl
 * zeroes a message when it allocates it, a byte an instruction on the
 * bench's clock, and 64 KiB each load cost 65,000 of them.
 */
static int load_batch(struct fw_load *l)
{
	struct nl_msg **more, *m;
	struct nlattr *nest;

	if (l->nbatch)
		nla_nest_end(l->batch[l->nbatch - 1], load_rules_nest(l));
	more = realloc(l->batch, (l->nbatch + 1) * sizeof(*more));
	if (!more)
		return -2;
	l->batch = more;
	m = nlmsg_alloc_size(l->size);
	if (!m)
		return -2;
	l->batch[l->nbatch++] = m;
	l->size = FW_LOAD_MSG_SIZE;
	nest = nla_nest_start(m, NFV_FW_A_RULES);
	l->rules = (char *)nest - (char *)nlmsg_hdr(m);
	l->in_batch = 0;
	return nest ? 0 : -2;
}

/* Twice the room for the open batch, up to FW_LOAD_MSG_SIZE; -2 if full. */
static int load_grow(struct fw_load *l)
{
	struct nl_msg *m = l->batch[l->nbatch - 1];
	size_t size = nlmsg_get_max_size(m);

	if (size >= FW_LOAD_MSG_SIZE)
		return -2;
	return nlmsg_expand(m, size * 2 < FW_LOAD_MSG_SIZE ? size * 2 :
			    FW_LOAD_MSG_SIZE) ? -2 : 0;
}

/* One rule of a line (a set makes several), into the open batch. */
static int load_rule(void *ctx, int argc, char **argv)
{
	struct fw_load *l = ctx;
	uint32_t len;
	int err;

	if (l->in_batch == FW_LOAD_BATCH) {
		err = load_batch(l);
		if (err)
			return err;
	}
	len = nlmsg_hdr(l->batch[l->nbatch - 1])->nlmsg_len;
	err = put_rule(l->batch[l->nbatch - 1], l->cmd, &l->t, argc, argv);
	/* Full: the rule again, from where it began, in a larger message. */
	while (err == -2 && !load_grow(l)) {
		nlmsg_hdr(l->batch[l->nbatch - 1])->nlmsg_len = len;
		err = put_rule(l->batch[l->nbatch - 1], l->cmd, &l->t, argc,
			       argv);
	}
	if (!err)
		l->in_batch++;
	return err;
}

static int load_line(struct fw_load *l, int n, char **words,
		     unsigned long lineno)
{
	int err;

	if (!n)
		return 0;
	if (matches(words[0], "policy")) {
		l->policy = n == 2 ? lookup(action_name, NFV_FW_REJECT,
					    words[1]) : -1;
		if (l->policy < 0)
			return usage_err(l->cmd,
					 "line %lu: policy is accept or drop",
					 lineno);
		return 0;
	}
	err = fw_expand_rule(l->cmd, n, words, load_rule, l);
	if (err == -2)
		return usage_err(l->cmd, "line %lu: rule too large", lineno);
	if (err)
		return usage_err(l->cmd, "line %lu: bad rule", lineno);
	return 0;
}

/* The file's lines, split as batch files are (cmd_read()). */
static int load_read(struct fw_load *l, const char *path)
{
	struct cmd_reader r = { .f = stdin };
	struct stat st;
	int n, err;

	if (strcmp(path, "-"))
		r.f = fopen(path, "r");
	if (!r.f) {
		err_msg("%s: %s", path, strerror(errno));
		return -1;
	}
	/*
	 * The first batch's room: a rule's attributes take about one and a
	 * half times its line (a set's elements more), and a batch grows.
	 */
	l->size = FW_LOAD_MSG_SIZE;
	if (!fstat(fileno(r.f), &st) && S_ISREG(st.st_mode) &&
	    st.st_size < FW_LOAD_MSG_SIZE / 2)
		l->size = st.st_size * 2 + FW_MSG_ROOM;
	err = load_batch(l);
	while (!err && (n = cmd_read(&r)) != -1)
		err = n < 0 ? usage_err(l->cmd, "line %lu: %s", r.lineno, r.err)
			    : load_line(l, n, r.argv, r.lineno);
	if (!err && r.err) {
		err_msg("%s: read error: %s", path, r.err);
		err = -1;
	}
	if (!err)
		nla_nest_end(l->batch[l->nbatch - 1], load_rules_nest(l));
	if (r.f != stdin)
		fclose(r.f);
	cmd_reader_free(&r);
	return err;
}

/*
 * Sends the batches: BEGIN, APPEND..., COMMIT, or REPLACE when one holds
 * everything. The last carries the policy; the kernel swaps at COMMIT.
 */
static int load_send(struct fw_load *l, const char *dp, const char *name)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < l->nbatch && !err; i++) {
		struct nl_msg *m = l->batch[i];
		bool last = i == l->nbatch - 1;
		uint8_t op = last ? (i ? NFV_FW_OP_COMMIT : NFV_FW_OP_REPLACE) :
				    (i ? NFV_FW_OP_APPEND : NFV_FW_OP_BEGIN);

		l->batch[i] = NULL;
		if (nla_put_u8(m, NFV_FW_A_OP, op) < 0 ||
		    (last && l->policy >= 0 &&
		     nla_put_u8(m, NFV_FW_A_POLICY, (uint8_t)l->policy) < 0))
			return scratch_fail(m, -2);
		/*
		 * The request: the batch and room for its headers and names,
		 * not 64 KiB, which libnl zeroes.
		 */
		nlmsg_set_default_size(nlmsg_hdr(m)->nlmsg_len + FW_MSG_ROOM);
		err = fw_send(NFV_CMD_NF_SET, dp, name, m);
		/*
		 * libnl's default is the process's: a batch file or nfstart
		 * runs more commands after this one.
		 */
		nlmsg_set_default_size(sysconf(_SC_PAGESIZE));
	}
	return err;
}

/* A file without a policy line leaves the policy: say which it is. */
static void load_note_policy(const char *dp, const char *name)
{
	struct fw_info_of p = { .name = name };

	if (!fw_info(dp, &p) && p.policy >= 0)
		fprintf(stderr, "fw load: no policy line: %s keeps policy %s\n",
			name, action_name[p.policy]);
}

/* fw load DP NAME FILE: the file's rules replace the instance's at once. */
static int fw_load(int argc, char **argv)
{
	struct fw_load l = { .cmd = "fw load", .policy = -1 };
	const char *dp, *name;
	unsigned int i;
	int err;

	if (parse_dp_nf(l.cmd, &argc, &argv, "firewall", &dp, &name))
		return -1;
	l.t.ports.dp = dp;
	l.t.name = name;
	if (!argc)
		return usage_err(l.cmd, "missing FILE");
	if (argc > 1)
		return usage_err(l.cmd, "unknown argument \"%s\"", argv[1]);
	err = load_read(&l, *argv);
	if (err == -2)
		err_msg("out of memory");
	if (!err)
		err = load_send(&l, dp, name);
	if (!err && l.policy < 0)
		load_note_policy(dp, name);
	for (i = 0; i < l.nbatch; i++)
		if (l.batch[i])
			nlmsg_free(l.batch[i]);
	free(l.batch);
	port_names_free(&l.t.ports);
	return err ? -1 : 0;
}

static int fw_show_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	const char *name = attr_str(tb[NFV_A_NF_NAME]);
	const char *type = attr_str(tb[NFV_A_NF_TYPE]);
	struct nlattr *info[NFV_FW_A_MAX + 1];
	uint8_t policy;

	(void)cmd;
	if (!name || !type || strcmp(type, "fw") ||
	    attr_nested(info, NFV_FW_A_MAX, tb[NFV_A_NF_INFO]) < 0)
		return 0;
	list_elem(arg);
	if (opts.json) {
		jw_obj_open(NULL);
		jw_str("name", name);
	} else {
		printf("%s:", name);
	}
	if (attr_u8(info[NFV_FW_A_POLICY], &policy) && policy <= NFV_FW_DROP) {
		if (opts.json)
			jw_str("policy", action_name[policy]);
		else
			printf(" policy %s", action_name[policy]);
	}
	print_u("rules", "rules", info[NFV_FW_A_NRULES], 32);
	print_u("subtables", "subtables", info[NFV_FW_A_SUBTABLES], 32);
	print_u("zone_max_flows", "zone-max-flows",
		info[NFV_FW_A_ZONE_MAX_FLOWS], 32);
	print_u("zone_max_half_open", "zone-max-half-open",
		info[NFV_FW_A_ZONE_MAX_HALF_OPEN], 32);
	print_on_off("tcp_loose", "tcp-loose", info[NFV_FW_A_TCP_LOOSE]);
	nf_stats_print(info[NFV_FW_A_STATS], NFV_FW_STAT_MAX, fw_stats,
		       ARRAY_SIZE(fw_stats));
	if (opts.json)
		jw_obj_close();
	else
		putchar('\n');
	return 0;
}

static const char *fw_state_name(uint8_t proto, uint8_t state)
{
	if (proto == IPPROTO_TCP)
		return state < __NFV_FW_TCP_MAX ? tcp_state_name[state] : NULL;
	if (state == NFV_FW_GEN_UNREPLIED)
		return "UNREPLIED";
	return state == NFV_FW_GEN_REPLIED ? "REPLIED" : NULL;
}

/* The per-NF state of a flow (NFV_FLOW_A_NF nests), for flow_print. */
void flow_print_nf(struct nlattr *flow, uint8_t proto)
{
	struct nlattr *a;
	bool open = false;
	int rem;

	nla_for_each_nested(a, flow, rem) {
		struct nlattr *tb[NFV_A_MAX + 1], *info[NFV_FW_A_MAX + 1];
		const char *name = NULL, *state;
		uint8_t v;

		if (nla_type(a) == NFV_FLOW_A_NF &&
		    attr_nested(tb, NFV_A_MAX, a) >= 0)
			name = attr_str(tb[NFV_A_NF_NAME]);
		if (!name ||
		    attr_nested(info, NFV_FW_A_MAX, tb[NFV_A_NF_INFO]) < 0 ||
		    !attr_u8(info[NFV_FW_A_STATE], &v))
			continue;
		state = fw_state_name(proto, v);
		if (!opts.json) {
			printf(" %s %s", name, state ? state : "?");
			continue;
		}
		if (!open)
			jw_arr_open("nf");
		open = true;
		jw_obj_open(NULL);
		jw_str("name", name);
		if (state)
			jw_str("state", state);
		else
			jw_u64("state", v);
		jw_obj_close();
	}
	if (open)
		jw_arr_close();
}

static bool flow_has_nf(struct nlattr *flow, const char *name)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, flow, rem) {
		struct nlattr *tb[NFV_A_MAX + 1];
		const char *n = NULL;

		if (nla_type(a) == NFV_FLOW_A_NF &&
		    attr_nested(tb, NFV_A_MAX, a) >= 0)
			n = attr_str(tb[NFV_A_NF_NAME]);
		if (n && !strcmp(n, name))
			return true;
	}
	return false;
}

struct fw_flows {
	struct list_out out;
	const char *name;
};

static int fw_flows_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct fw_flows *f = arg;

	if (!tb[NFV_A_FLOW] || !flow_has_nf(tb[NFV_A_FLOW], f->name))
		return 0;
	return flow_show_reply(cmd, tb, &f->out);
}

/* fw flows DP NAME: the flows the instance tracks, with their state. */
static int fw_flows(int argc, char **argv)
{
	const char *cmd = "fw flows", *dp;
	struct fw_flows f = { .out = { 0 } };
	struct nl_msg *msg;
	int err;

	if (parse_dp_nf(cmd, &argc, &argv, "firewall", &dp, &f.name))
		return -1;
	if (argc)
		return usage_err(cmd, "unknown argument \"%s\"", *argv);
	msg = nfv_msg(NFV_CMD_FLOW_GET, true);
	if (!msg)
		return -1;
	if (nla_put_string(msg, NFV_A_DP_NAME, dp) < 0)
		return nfv_msg_full(msg);
	err = nfv_talk(msg, fw_flows_reply, &f);
	list_end(&f.out, err);
	return err;
}

int do_fw(int argc, char **argv)
{
	if (!argc)
		return usage_err("fw", "missing command");
	if (matches(*argv, "add"))
		return fw_add_set("fw add", NFV_CMD_NF_NEW, argc - 1, argv + 1);
	if (matches(*argv, "set"))
		return fw_add_set("fw set", NFV_CMD_NF_SET, argc - 1, argv + 1);
	if (matches(*argv, "del") || matches(*argv, "delete"))
		return fw_request("fw del", NFV_CMD_NF_DEL, argc - 1, argv + 1,
				  NULL);
	if (matches(*argv, "show") || matches(*argv, "list"))
		return dp_request("fw show", NFV_CMD_NF_GET, argc - 1, argv + 1,
				  fw_show_reply);
	if (matches(*argv, "rule"))
		return fw_rule(argc - 1, argv + 1);
	if (matches(*argv, "load"))
		return fw_load(argc - 1, argv + 1);
	if (matches(*argv, "flows"))
		return fw_flows(argc - 1, argv + 1);
	if (matches(*argv, "help")) {
		usage_fw(stdout);
		return 0;
	}
	return usage_err("fw", "unknown command \"%s\"", *argv);
}
