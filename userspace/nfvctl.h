/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfvctl: configuration tool for the nfv datapath. Shared declarations.
 */
#ifndef NFVCTL_H
#define NFVCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <linux/nfv.h>

#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define ARRAY_SIZE(x)	(sizeof(x) / sizeof((x)[0]))

/* Global options and the batch position, for error messages. */
struct nfvctl_opts {
	bool json;
	bool pretty;
	bool force;		/* batch: go on after a failed command */
	const char *batch_file;	/* NULL outside batch mode */
	unsigned long batch_line;
};
extern struct nfvctl_opts opts;

/* utils.c: messages and argument parsing */
void err_msg(const char *fmt, ...) __printf(1, 2);
void warn_msg(const char *fmt, ...) __printf(1, 2);
int usage_err(const char *cmd, const char *fmt, ...) __printf(2, 3);
bool matches(const char *arg, const char *word);
int need_arg(const char *cmd, int *argc, char ***argv);
int parse_u32(const char *cmd, const char *what, const char *arg,
	      uint32_t min, uint32_t max, uint32_t *val);
int parse_name(const char *cmd, const char *what, const char *arg,
	       size_t size);
int parse_dp(const char *cmd, int *argc, char ***argv, const char **name);
int parse_dp_nf(const char *cmd, int *argc, char ***argv, const char *what,
		const char **dp, const char **name);
int parse_dev(const char *cmd, int *argc, char ***argv, const char **dev);
const char *ifname_of(uint32_t ifindex, char *buf);

/* utils.c: the lines of a batch or rule file, split into words. */
struct cmd_reader {
	FILE *f;
	unsigned long lineno;	/* where the last command read starts */
	const char *err;	/* why it did not read or split */
	char **argv;
	char *line, *part;
	size_t size, part_size, cap;
	unsigned long next;	/* lines read so far */
};
int cmd_read(struct cmd_reader *r);
void cmd_reader_free(struct cmd_reader *r);

/* Reply attribute accessors: false or NULL when absent or malformed. */
const void *attr_bytes(const struct nlattr *a, int len);
bool attr_u8(const struct nlattr *a, uint8_t *v);
bool attr_u16(const struct nlattr *a, uint16_t *v);
bool attr_u32(const struct nlattr *a, uint32_t *v);
bool attr_u64(const struct nlattr *a, uint64_t *v);
const char *attr_str(const struct nlattr *a);
int attr_nested(struct nlattr **tb, int maxtype, struct nlattr *a);

/*
 * abi.c: what the loaded module supports. Version 3 froze the ABI; later
 * versions only append commands and attributes (uapi/linux/nfv.h).
 */
#define NFV_ABI_FROZEN		3	/* the oldest module nfvctl talks to */
#define NFV_ABI_FROZEN_A_MAX	NFV_A_DP_BUCKETS /* its last attribute */
#define ABI_CMDS		256	/* commands are u8 */
#define ABI_POLICIES		32	/* policy indexes kept from one dump */
#define ABI_ATTRS		256	/* attribute types kept per policy */

struct nfv_abi {
	uint32_t version;		/* the family's, CTRL_ATTR_VERSION */
	bool ops_known;			/* the family listed its ops */
	uint32_t cmds[ABI_CMDS / 32];
	uint32_t policy_asked[ABI_CMDS / 32];
	uint32_t policy_known[ABI_CMDS / 32];
	/* The attributes each command's request accepts, once known. */
	uint32_t cmd_attrs[NFV_CMD_MAX + 1][ABI_ATTRS / 32];
	struct abi_dump {		/* the policy dump being read */
		uint8_t cmd;
		int32_t do_idx, dump_idx;	/* -1: none */
		uint32_t attrs[ABI_POLICIES][ABI_ATTRS / 32];
	} dump;
};

const char *abi_cmd_name(uint8_t cmd);
void abi_family(struct nfv_abi *abi, struct nlattr **tb);
bool abi_version_ok(const struct nfv_abi *abi);
bool abi_has_cmd(const struct nfv_abi *abi, uint8_t cmd);
void abi_policy_begin(struct nfv_abi *abi, uint8_t cmd);
void abi_policy_reply(struct nfv_abi *abi, struct nlattr **tb);
void abi_policy_end(struct nfv_abi *abi, bool ok);
bool abi_policy_asked(const struct nfv_abi *abi, uint8_t cmd);
bool abi_has_attr(const struct nfv_abi *abi, uint8_t cmd, int type);

/* nl.c: generic netlink plumbing */
typedef int (*nfv_reply_fn)(uint8_t cmd, struct nlattr **tb, void *arg);

struct nl_msg *nfv_msg(uint8_t cmd, bool dump);
int nfv_talk(struct nl_msg *msg, nfv_reply_fn fn, void *arg);
int named_request(uint8_t nlcmd, const char *dp, const char *nf,
		  nfv_reply_fn reply);
int dp_request(const char *cmd, uint8_t nlcmd, int argc, char **argv,
	       nfv_reply_fn reply);
int nfv_listen(nfv_reply_fn fn, void *arg);
int nfv_listen_tick(nfv_reply_fn fn, void (*tick)(void *arg), void *arg,
		    unsigned int tick_s);
bool nl_has_cmd(uint8_t cmd);
bool nl_has_attr(uint8_t cmd, int type);
int nl_need_version(uint32_t since, const char *what);
bool nl_unknown_attr(void);
void nl_lacks(void);
void nfv_close(void);
bool nfv_refused(void);

int nfv_msg_full(struct nl_msg *msg);

/* Per-object commands (dp.c, port.c, ...) */
int do_dp(int argc, char **argv);
int do_port(int argc, char **argv);
int do_chain(int argc, char **argv);
int do_nf(int argc, char **argv);
int do_fw(int argc, char **argv);
int do_cgnat(int argc, char **argv);
int do_flow(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_monitor(int argc, char **argv);

void usage_dp(FILE *f);
void usage_port(FILE *f);
void usage_chain(FILE *f);
void usage_nf(FILE *f);
void usage_fw(FILE *f);
void usage_cgnat(FILE *f);
void usage_flow(FILE *f);
void usage_stats(FILE *f);
void usage_monitor(FILE *f);

/* cgnat.c: parts its unit test drives */
int cgnat_parse_prefix(const char *cmd, const char *arg, uint32_t *addr,
		       uint8_t *len);
int cgnat_config(struct nl_msg *cfg, const char *cmd, int argc, char **argv);
int cgnat_lookup_filter(struct nl_msg *f, const char *cmd, int argc,
			char **argv);

/* cgnatlog.c: cgnat log, and the NF events monitor prints */
int cgnat_log(int argc, char **argv);
void nf_event_print(struct nlattr **tb);

/* cgnatpast.c: lookup in the past, from cgnat log's records */
struct cgnat_rec {		/* a block allocation or release */
	bool alloc;
	char dp[32], nf[32];
	uint64_t time;		/* ms since the epoch */
	uint32_t inside, pub;	/* network order */
	uint16_t zone, first, last;
};

struct cgnat_past {		/* who held a port, and when */
	struct cgnat_rec rec;	/* the holder's block */
	uint64_t allocated;	/* 0: before the log began */
	uint64_t released;	/* 0: not by the log's end */
	uint64_t log_first, log_last;	/* the instance's records */
};

int cgnat_parse_time(const char *s, uint64_t *ms);
void cgnat_time_str(uint64_t ms, char *buf, size_t size);
bool cgnat_log_rec(const char *line, struct cgnat_rec *r);
int cgnat_past_find(FILE *f, const char *dp, const char *nf, uint32_t pub,
		    uint16_t port, uint64_t t, struct cgnat_past *a);
int cgnat_lookup_past(const char *cmd, const char *dp, const char *nf,
		      int argc, char **argv);

/* Printers shared by the show commands and monitor. */
struct nf_stat {
	int stat;		/* attribute type in the NF's stats nest */
	const char *key;
};

void nf_stats_print(struct nlattr *a, int max, const struct nf_stat *stats,
		    size_t n);
const char *ip_proto_name(uint8_t proto);
void dp_print(struct nlattr **tb, const char *sep);
void port_print(struct nlattr **tb, const char *sep, bool with_dp);
void flow_print(struct nlattr *flow, const char *lead, const char *sep);
void flow_print_nf(struct nlattr *flow, uint8_t proto);
int flow_show_reply(uint8_t cmd, struct nlattr **tb, void *arg);

/*
 * port.c: a datapath's ports by number and device name, for commands that
 * take a device where the kernel wants a port number, and print it back.
 */
struct port_names {
	const char *dp;
	bool loaded;
	unsigned int n;
	struct port_name {
		uint32_t no;
		char dev[16];		/* IFNAMSIZ */
	} *v;
};
int port_names_load(struct port_names *p);
const char *port_names_dev(const struct port_names *p, uint32_t no);
bool port_names_find(const struct port_names *p, const char *dev,
		     uint32_t *no);
void port_names_free(struct port_names *p);

/* Names of enum values, for text output and JSON keys. */
extern const char *const tmo_name[NFV_TMO_MAX + 1];
extern const char *const tmo_key[NFV_TMO_MAX + 1];

/* A list command's output: JSON array opened lazily on the first element. */
struct list_out {
	unsigned int n;
};
void list_elem(struct list_out *l);
void list_end(struct list_out *l, int err);

#endif /* NFVCTL_H */
