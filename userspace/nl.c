// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink plumbing: one socket for the whole run (batch mode reuses
 * it), the "nfv" family resolved and its ABI version checked before the
 * first request, what the module supports asked before a request it may
 * lack (abi.c), every request acknowledged, kernel errors reported with
 * their extended ack message.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "nfvctl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

static struct {
	struct nl_sock *sk;
	int family;
	uint32_t mcgrp;		/* id of NFV_MCGRP_EVENTS, 0 if none */
	bool refused;		/* the kernel refused a request since asked */
	bool unknown_attr;	/* the last refusal named an unknown attribute */
	struct nfv_abi abi;
} nl;

/*
 * Did the kernel refuse a request since the last call? The exit status
 * tells that apart from a usage error (nfvctl.c).
 */
bool nfv_refused(void)
{
	bool refused = nl.refused;

	nl.refused = false;
	return refused;
}

/* One request in flight: what to do with replies, and how it ended. */
struct talk {
	nfv_reply_fn fn;
	void *arg;
	int maxtype;
	bool done;
	bool intr;
	int fn_err;
	int err;		/* -errno from the kernel, 0 on success */
	char msg[256];		/* the kernel's extended ack message */
};

/* Talking to the kernel failed here, and that was reported already. */
#define TALK_LOCAL_ERR	1

/* Extended ack TLVs start off bytes into the payload of nlh. */
static void extack_msg(const struct nlmsghdr *nlh, size_t off, char *buf,
		       size_t size)
{
	size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN;	/* nlmsg_ok() */
	struct nlattr *tlv;
	const char *s;
	int rem;

	buf[0] = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= plen)
		return;
	off = NLMSG_ALIGN(off);
	if (off >= plen)
		return;
	tlv = (struct nlattr *)((char *)NLMSG_DATA(nlh) + off);
	nla_for_each_attr(tlv, tlv, (int)(plen - off), rem) {
		if (nla_type(tlv) != NLMSGERR_ATTR_MSG)
			continue;
		s = attr_str(tlv);
		if (s)
			snprintf(buf, size, "%s", s);
		return;
	}
}

static int talk_valid(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct talk *t = arg;
	struct nlattr *tb[t->maxtype + 1];
	struct genlmsghdr *ghdr;

	if (t->fn_err || !t->fn || !genlmsg_valid_hdr(nlh, 0))
		return NL_SKIP;
	ghdr = nlmsg_data(nlh);
	if (genlmsg_parse(nlh, 0, tb, t->maxtype, NULL) < 0)
		return NL_SKIP;
	t->fn_err = t->fn(ghdr->cmd, tb, t->arg);
	return NL_OK;
}

/* After an nlmsgerr: the echoed request, unless the kernel capped it. */
static size_t ack_tlv_off(const struct nlmsghdr *nlh, const struct nlmsgerr *e)
{
	if (nlh->nlmsg_flags & NLM_F_CAPPED)
		return sizeof(*e);
	if (e->msg.nlmsg_len > nlh->nlmsg_len)
		return SIZE_MAX;	/* bogus: no TLVs then */
	return sizeof(e->error) + e->msg.nlmsg_len;
}

/* NLMSG_DONE ends a dump; its payload is the dump's error, if any. */
static int talk_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct talk *t = arg;
	int err = 0;

	if (nlmsg_datalen(nlh) >= (int)sizeof(err))
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
	if (err < 0) {
		t->err = err;
		extack_msg(nlh, sizeof(err), t->msg, sizeof(t->msg));
	}
	t->done = true;
	return NL_STOP;
}

/* A successful ack may still carry a warning. */
static int talk_ack(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	const struct nlmsgerr *e = nlmsg_data(nlh);
	struct talk *t = arg;
	char warn[256];

	extack_msg(nlh, ack_tlv_off(nlh, e), warn, sizeof(warn));
	if (warn[0])
		warn_msg("%s", warn);
	t->done = true;
	return NL_STOP;
}

static int talk_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	/* libnl hands over the payload; the header sits right before it. */
	const struct nlmsghdr *nlh = (void *)((char *)e - NLMSG_HDRLEN);
	struct talk *t = arg;

	(void)nla;
	t->err = e->error < 0 ? e->error : -EPROTO;	/* never positive */
	extack_msg(nlh, ack_tlv_off(nlh, e), t->msg, sizeof(t->msg));
	t->done = true;
	return NL_STOP;
}

static int talk_intr(struct nl_msg *msg, void *arg)
{
	struct talk *t = arg;

	(void)msg;
	t->intr = true;
	return NL_OK;
}

/*
 * Sends msg (freed here) and receives until its ack, its NLMSG_DONE or an
 * error. Returns 0, the kernel's -errno with t->msg, or TALK_LOCAL_ERR
 * after reporting a failure on this side.
 */
static int talk(struct nl_msg *msg, struct talk *t)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int err;

	if (!cb) {
		nlmsg_free(msg);
		err_msg("out of memory");
		return TALK_LOCAL_ERR;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, talk_valid, t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, talk_finish, t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, talk_ack, t);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, talk_intr, t);
	nl_cb_err(cb, NL_CB_CUSTOM, talk_error, t);

	err = nl_send_auto(nl.sk, msg);
	nlmsg_free(msg);
	while (err >= 0 && !t->done)
		err = nl_recvmsgs(nl.sk, cb);
	nl_cb_put(cb);
	if (t->done)
		return t->err;
	err_msg("netlink: %s", nl_geterror(err));
	return TALK_LOCAL_ERR;
}

/* The netlink core's words for an attribute a policy does not list. */
#define UNKNOWN_ATTR	"Unknown attribute type"

static void talk_report(const struct talk *t)
{
	nl.refused = true;
	nl.unknown_attr = !strcmp(t->msg, UNKNOWN_ATTR);
	if (t->msg[0])
		err_msg("%s: %s", t->msg, strerror(-t->err));
	else
		err_msg("%s", strerror(-t->err));
	/* Nested attributes are not checked before sending (abi.c). */
	if (nl.abi.version < NFV_GENL_VERSION && !strcmp(t->msg, UNKNOWN_ATTR))
		err_msg("the nfv module (ABI version %u) is older than nfvctl (ABI version %u): update the module",
			nl.abi.version, (unsigned int)NFV_GENL_VERSION);
}

/*
 * Did the last refusal name an attribute the module does not know? An NF
 * module older than nfvctl lacks that NF's newest configuration attributes.
 */
bool nl_unknown_attr(void)
{
	return nl.unknown_attr;
}

/* Family resolution */

/*
 * The family asked for. The unit tests build a copy of nfvctl that asks
 * for one no module registers (tests/check.sh), so that they run the same
 * whether or not the nfv module is loaded where they run.
 */
#ifndef NFVCTL_FAMILY
#define NFVCTL_FAMILY NFV_GENL_NAME
#endif

struct family {
	int id;
	uint32_t mcgrp;
	struct nfv_abi *abi;
};

static void family_groups(struct family *f, struct nlattr *groups)
{
	struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	struct nlattr *grp;
	const char *name;
	int rem;

	nla_for_each_nested(grp, groups, rem) {
		if (attr_nested(tb, CTRL_ATTR_MCAST_GRP_MAX, grp) < 0)
			continue;
		name = attr_str(tb[CTRL_ATTR_MCAST_GRP_NAME]);
		if (name && !strcmp(name, NFV_MCGRP_EVENTS))
			attr_u32(tb[CTRL_ATTR_MCAST_GRP_ID], &f->mcgrp);
	}
}

static int family_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct family *f = arg;
	uint16_t id;

	(void)cmd;
	if (attr_u16(tb[CTRL_ATTR_FAMILY_ID], &id))
		f->id = id;
	abi_family(f->abi, tb);
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		family_groups(f, tb[CTRL_ATTR_MCAST_GROUPS]);
	return 0;
}

static int family_resolve(void)
{
	struct family f = { .id = -1, .abi = &nl.abi };
	struct talk t = {
		.fn = family_reply, .arg = &f, .maxtype = CTRL_ATTR_MAX,
	};
	struct nl_msg *msg = nlmsg_alloc();
	int err;

	if (!msg ||
	    !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
			 CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, NFVCTL_FAMILY) < 0) {
		nlmsg_free(msg);
		err_msg("out of memory");
		return -1;
	}
	err = talk(msg, &t);
	if (err == -ENOENT) {
		nl.refused = true;
		err_msg("nfv module not loaded (generic netlink family \"%s\" not found)",
			NFVCTL_FAMILY);
		return -1;
	}
	if (err) {
		if (err < 0)
			talk_report(&t);
		return -1;
	}
	if (f.id < 0) {
		err_msg("generic netlink family \"%s\" has no id", NFVCTL_FAMILY);
		return -1;
	}
	if (!abi_version_ok(&nl.abi)) {
		nl.refused = true;
		return -1;
	}
	nl.family = f.id;
	nl.mcgrp = f.mcgrp;
	return 0;
}

static void sock_opt(int opt)
{
	int one = 1;

	/* Older kernels lack these; errors are then plain errnos. */
	setsockopt(nl_socket_get_fd(nl.sk), SOL_NETLINK, opt, &one,
		   sizeof(one));
}

static int nfv_open(void)
{
	int err;

	if (nl.sk)
		return 0;
	nl.sk = nl_socket_alloc();
	if (!nl.sk) {
		err_msg("out of memory");
		return -1;
	}
	err = genl_connect(nl.sk);
	if (err < 0) {
		err_msg("cannot open generic netlink socket: %s",
			nl_geterror(err));
		nfv_close();
		return -1;
	}
	sock_opt(NETLINK_EXT_ACK);
	sock_opt(NETLINK_CAP_ACK);
	if (family_resolve()) {
		nfv_close();
		return -1;
	}
	return 0;
}

void nfv_close(void)
{
	if (nl.sk)
		nl_socket_free(nl.sk);
	nl.sk = NULL;
}

/* Does the module have cmd? From the op list, at no cost. */
bool nl_has_cmd(uint8_t cmd)
{
	return !nfv_open() && abi_has_cmd(&nl.abi, cmd);
}

static int policy_reply(uint8_t cmd, struct nlattr **tb, void *arg)
{
	(void)cmd;
	(void)arg;
	abi_policy_reply(&nl.abi, tb);
	return 0;
}

/*
 * cmd's policy, asked once a run and only before sending an attribute
 * that may be missing. Without it nothing is known, and the kernel's
 * policy decides.
 */
static void policy_load(uint8_t cmd)
{
	struct talk t = { .fn = policy_reply, .maxtype = CTRL_ATTR_MAX };
	struct nl_msg *msg;
	int err;

	if (abi_policy_asked(&nl.abi, cmd))
		return;
	abi_policy_begin(&nl.abi, cmd);
	msg = nlmsg_alloc();
	if (!msg ||
	    !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0,
			 NLM_F_DUMP, CTRL_CMD_GETPOLICY, 1) ||
	    nla_put_u16(msg, CTRL_ATTR_FAMILY_ID, (uint16_t)nl.family) < 0 ||
	    nla_put_u32(msg, CTRL_ATTR_OP, cmd) < 0) {
		nlmsg_free(msg);
		return;
	}
	err = talk(msg, &t);
	/* ENODATA: the command has no policy, so it takes no attributes. */
	abi_policy_end(&nl.abi, !err || err == -ENODATA);
}

/* Does cmd's request accept the top-level attribute type? */
bool nl_has_attr(uint8_t cmd, int type)
{
	if (nfv_open())
		return false;
	if (abi_has_cmd(&nl.abi, cmd))
		policy_load(cmd);
	return abi_has_attr(&nl.abi, cmd, type);
}

/*
 * What the module lacks, found by nfvctl before it sent anything, counts
 * as the kernel's refusal (exit status 2), as if the module had said so.
 */
void nl_lacks(void)
{
	nl.refused = true;
}

/* Refuses, as the kernel would, what the module does not have. */
static int no_support(const char *what, uint8_t cmd)
{
	nl.refused = true;
	err_msg("the nfv module does not support %s%s (module ABI version %u; update the module)",
		what, abi_cmd_name(cmd), nl.abi.version);
	return -1;
}

/*
 * What came with ABI version since inside a nest, whose policy nfvctl does
 * not read (a new timeout class): refused, as no_support() refuses a
 * command, when the module is older.
 */
int nl_need_version(uint32_t since, const char *what)
{
	if (nfv_open())
		return -1;
	if (nl.abi.version >= since)
		return 0;
	nl.refused = true;
	err_msg("the nfv module does not support %s (module ABI version %u, added in %u; update the module)",
		what, nl.abi.version, since);
	return -1;
}

/*
 * Attributes after version 3's go only to a module whose policy for the
 * command lists them: every module nfvctl talks to has the others, so a
 * request without new attributes costs no policy dump.
 */
static int msg_supported(struct nl_msg *msg)
{
	struct genlmsghdr *ghdr = nlmsg_data(nlmsg_hdr(msg));
	char what[48];
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, genlmsg_attrdata(ghdr, 0),
			  genlmsg_attrlen(ghdr, 0), rem) {
		if (nla_type(a) <= NFV_ABI_FROZEN_A_MAX ||
		    nl_has_attr(ghdr->cmd, nla_type(a)))
			continue;
		snprintf(what, sizeof(what), "attribute %d of ", nla_type(a));
		return no_support(what, ghdr->cmd);
	}
	return 0;
}

/* A request for cmd, with NLM_F_ACK, and NLM_F_DUMP if dump. */
struct nl_msg *nfv_msg(uint8_t cmd, bool dump)
{
	struct nl_msg *msg;
	int flags = NLM_F_ACK | (dump ? NLM_F_DUMP : 0);

	if (nfv_open())
		return NULL;
	if (!nl_has_cmd(cmd)) {
		no_support("", cmd);
		return NULL;
	}
	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl.family,
				 0, flags, cmd, NFV_GENL_VERSION)) {
		nlmsg_free(msg);
		err_msg("out of memory");
		return NULL;
	}
	return msg;
}

/* For a failed nla_put: the request cannot be built. */
int nfv_msg_full(struct nl_msg *msg)
{
	nlmsg_free(msg);
	err_msg("request does not fit in a netlink message");
	return -1;
}

/* Sends msg (freed here); fn sees each reply. 0, or -1 once reported. */
int nfv_talk(struct nl_msg *msg, nfv_reply_fn fn, void *arg)
{
	struct talk t = { .fn = fn, .arg = arg, .maxtype = NFV_A_MAX };
	int err;

	if (msg_supported(msg)) {
		nlmsg_free(msg);
		return -1;
	}
	err = talk(msg, &t);

	if (err) {
		if (err < 0)
			talk_report(&t);
		return -1;
	}
	if (t.intr)
		warn_msg("the dump was interrupted, its output may be inconsistent");
	return t.fn_err ? -1 : 0;
}

/* Events */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* Room for bursts of flow events (a flush sends one per flow). */
static void listen_rcvbuf(int fd)
{
	int size = 8 << 20;

	/* Beyond net.core.rmem_max with CAP_NET_ADMIN, else up to it. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static int listen_setup(sigset_t *orig)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;
	int err;

	if (!nl.mcgrp) {
		err_msg("the nfv family has no \"%s\" multicast group",
			NFV_MCGRP_EVENTS);
		return -1;
	}
	err = nl_socket_add_membership(nl.sk, nl.mcgrp);
	if (err < 0) {
		err_msg("cannot join the \"%s\" multicast group: %s",
			NFV_MCGRP_EVENTS, nl_geterror(err));
		return -1;
	}
	listen_rcvbuf(nl_socket_get_fd(nl.sk));

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, orig);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigdelset(orig, SIGINT);
	sigdelset(orig, SIGTERM);
	return 0;
}

static int listen_dispatch(char *buf, ssize_t len, nfv_reply_fn fn,
			   void *arg)
{
	struct nlattr *tb[NFV_A_MAX + 1];
	struct nlmsghdr *nlh;
	int n = (int)len;	/* at most sizeof(buf) */

	for (nlh = (void *)buf; nlmsg_ok(nlh, n); nlh = nlmsg_next(nlh, &n)) {
		if (nlh->nlmsg_type != nl.family ||
		    !genlmsg_valid_hdr(nlh, 0) ||
		    genlmsg_parse(nlh, 0, tb, NFV_A_MAX, NULL) < 0)
			continue;
		if (fn(((struct genlmsghdr *)nlmsg_data(nlh))->cmd, tb, arg))
			return -1;
	}
	return 0;
}

static int listen_recv_error(void)
{
	if (errno == ENOBUFS) {
		warn_msg("events lost: receive buffer overrun");
		return 0;
	}
	if (errno == EAGAIN || errno == EINTR)
		return 0;
	err_msg("recv: %s", strerror(errno));
	return -1;
}

/*
 * Receives events until SIGINT or SIGTERM; fn sees each one, and first
 * NFV_CMD_UNSPEC with tb NULL once the socket listens.
 */
int nfv_listen(nfv_reply_fn fn, void *arg)
{
	return nfv_listen_tick(fn, NULL, arg, 0);
}

/*
 * nfv_listen(), and tick(arg) once a second or so while it listens, events
 * or none (cgnat log's template refresh), if tick is not NULL.
 */
int nfv_listen_tick(nfv_reply_fn fn, void (*tick)(void *arg), void *arg,
		    unsigned int tick_s)
{
	static char buf[1 << 16];
	const struct timespec every = { .tv_sec = tick_s };
	int fd, n, err = 0;
	struct pollfd pfd;
	sigset_t orig;
	struct sockaddr_nl from;
	socklen_t alen;
	ssize_t len;

	if (nfv_open() || listen_setup(&orig))
		return -1;
	if (fn(NFV_CMD_UNSPEC, NULL, arg))	/* listening */
		return -1;
	fd = nl_socket_get_fd(nl.sk);
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (!stop_signal && !err) {
		n = ppoll(&pfd, 1, tick ? &every : NULL, &orig);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err_msg("poll: %s", strerror(errno));
			return -1;
		}
		if (n == 0) {
			tick(arg);
			continue;
		}
		alen = sizeof(from);
		len = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC,
			       (struct sockaddr *)&from, &alen);
		if (len < 0) {
			err = listen_recv_error();
			continue;
		}
		if (len > (ssize_t)sizeof(buf)) {
			warn_msg("event lost: message of %zd bytes truncated",
				 len);
			continue;
		}
		if (from.nl_pid == 0)	/* from the kernel only */
			err = listen_dispatch(buf, len, fn, arg);
	}
	return err;
}

/*
 * A request naming a datapath and, if nf is not NULL, an NF instance, and
 * nothing else. With a reply function it is a dump, printed as a list.
 */
int named_request(uint8_t nlcmd, const char *dp, const char *nf,
		  nfv_reply_fn reply)
{
	struct list_out out = { 0 };
	struct nl_msg *msg;
	int err;

	msg = nfv_msg(nlcmd, reply != NULL);
	if (!msg)
		return -1;
	if (nla_put_string(msg, NFV_A_DP_NAME, dp) < 0 ||
	    (nf && nla_put_string(msg, NFV_A_NF_NAME, nf) < 0))
		return nfv_msg_full(msg);
	if (!reply)
		return nfv_talk(msg, NULL, NULL);
	err = nfv_talk(msg, reply, &out);
	list_end(&out, err);
	return err;
}

/* "OBJECT show|flush DP": named_request() from the command line. */
int dp_request(const char *cmd, uint8_t nlcmd, int argc, char **argv,
	       nfv_reply_fn reply)
{
	const char *dp;

	if (parse_dp(cmd, &argc, &argv, &dp))
		return -1;
	if (argc)
		return usage_err(cmd, "unknown argument \"%s\"", *argv);
	return named_request(nlcmd, dp, NULL, reply);
}
