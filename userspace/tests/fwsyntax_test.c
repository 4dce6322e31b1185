// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of fwsyntax.c: nftables' rule habits become the rule words
 * fw.c sends, one line per rule, in the order written; what cannot be
 * expressed is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwsyntax.h"
#include "nfvctl.h"

struct nfvctl_opts opts;	/* nfvctl.c's, for the message prefix */

static int failures;

static int collect(void *ctx, int argc, char **argv)
{
	char *out = ctx;
	int i;

	for (i = 0; i < argc; i++) {
		strcat(out, argv[i]);
		strcat(out, i == argc - 1 ? "\n" : " ");
	}
	return 0;
}

/* line (words split at blanks) must expand to want, or fail if want is NULL. */
static void expect(const char *line, const char *want)
{
	char buf[2048], *argv[256], *save = NULL, *w;
	static char out[1 << 20];
	int argc = 0, err;
	bool ok;

	snprintf(buf, sizeof(buf), "%s", line);
	for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	out[0] = '\0';
	err = fw_expand_rule("test", argc, argv, collect, out);
	ok = want ? !err && !strcmp(out, want) : err != 0;
	printf("%s %s\n", ok ? "ok  " : "FAIL", line);
	if (!ok)
		printf("     got (%d):\n%s     want:\n%s\n", err, out,
		       want ? want : "an error\n");
	failures += !ok;
}

int main(void)
{
	static char big[1024];
	int i, p;

	/* nfvctl's own words pass through. */
	expect("in-port 2 src 10.0.0.0/8 proto tcp dport 22 ct state new accept",
	       "proto tcp in-port 2 src 10.0.0.0/8 dport 22 state new accept\n");
	expect("drop", "drop\n");
	/* nf-fw.rst's nftables example, line by line. */
	expect("ct state established,related accept",
	       "state established,related accept\n");
	expect("iifname lan0 ct state new accept",
	       "in-port lan0 state new accept\n");
	expect("iifname wan0 ip daddr 192.0.2.10 tcp dport { 22, 443 } ct state new accept",
	       "proto tcp in-port wan0 dst 192.0.2.10 dport 22 state new accept\n"
	       "proto tcp in-port wan0 dst 192.0.2.10 dport 443 state new accept\n");
	expect("iifname wan0 icmp type echo-request accept",
	       "proto icmp in-port wan0 icmp-type 8 accept\n");
	expect("iifname wan0 tcp dport 25 reject with tcp reset",
	       "proto tcp in-port wan0 dport 25 reject-with tcp-reset reject\n");
	expect("meta l4proto udp counter reject with icmpx type port-unreachable",
	       "proto udp reject-with port-unreachable reject\n");
	expect("tcp dport 22 reject with icmp type admin-prohibited",
	       "proto tcp dport 22 reject-with admin-prohibited reject\n");
	expect("reject with icmpv6 type addr-unreachable",
	       "reject-with host-unreachable reject\n");
	expect("reject with icmp type net-unreachable",
	       "reject-with no-route reject\n");
	expect("icmpv6 type { echo-request, 1 } accept",
	       "proto icmpv6 icmp-type 128 accept\n"
	       "proto icmpv6 icmp-type 1 accept\n");
	/* Sets: every combination, the last field varying fastest. */
	expect("ip saddr { 10.0.0.1, 10.1.0.0/16 } tcp dport {22,443} accept",
	       "proto tcp src 10.0.0.1 dport 22 accept\n"
	       "proto tcp src 10.0.0.1 dport 443 accept\n"
	       "proto tcp src 10.1.0.0/16 dport 22 accept\n"
	       "proto tcp src 10.1.0.0/16 dport 443 accept\n");
	expect("ct state { established, related } accept",
	       "state established,related accept\n");
	/* !=: the complement, as ranges or prefixes. */
	expect("tcp dport != 22 drop",
	       "proto tcp dport 0-21 drop\nproto tcp dport 23-65535 drop\n");
	expect("tcp dport != { 0-1023, 8080 } accept",
	       "proto tcp dport 1024-8079 accept\n"
	       "proto tcp dport 8081-65535 accept\n");
	expect("ip saddr != 10.0.0.0/7 drop",
	       "src 128.0.0.0/1 drop\nsrc 64.0.0.0/2 drop\n"
	       "src 32.0.0.0/3 drop\nsrc 16.0.0.0/4 drop\n"
	       "src 0.0.0.0/5 drop\nsrc 12.0.0.0/6 drop\n"
	       "src 8.0.0.0/7 drop\n");
	expect("ip6 saddr != fd00::/2 accept",
	       "src ::/1 accept\nsrc 8000::/2 accept\n");
	expect("tcp dport == 80 accept", "proto tcp dport 80 accept\n");
	/* Refused. */
	expect("tcp dport 22 udp sport 53 accept", NULL);
	expect("tcp dport { 22, 443 accept", NULL);
	expect("tcp dport {} accept", NULL);
	expect("tcp dport 22 dport 23 accept", NULL);
	expect("ip saddr != { 10.0.0.1, 10.0.0.2 } drop", NULL);
	expect("ip saddr != 0.0.0.0/0 drop", NULL);
	expect("iifname != lan0 drop", NULL);
	expect("tcp flags syn / syn,ack ct state new accept",
	       "proto tcp state new tcp-flags 2/18 accept\n");
	expect("tcp flags & (syn | ack) == syn drop",
	       "proto tcp tcp-flags 2/18 drop\n");
	expect("tcp flags & (fin|syn) == (fin|syn) drop",
	       "proto tcp tcp-flags 3/3 drop\n");
	expect("tcp dport 22 tcp flags syn accept",
	       "proto tcp dport 22 tcp-flags 2/2 accept\n");
	expect("tcp flags == syn,ecn,cwr drop",
	       "proto tcp tcp-flags 194/255 drop\n");
	expect("proto tcp tcp-flags syn/syn,ack reject-with admin-prohibited reject",
	       "proto tcp tcp-flags syn/syn,ack reject-with admin-prohibited reject\n");
	expect("tcp flags syn,ack drop", NULL);
	expect("tcp flags syn / ack drop", NULL);
	expect("tcp flags bogus / syn drop", NULL);
	expect("udp flags syn drop", NULL);
	expect("reject with icmp type prot-unreachable", NULL);
	expect("reject with icmpx type addr-unreachable", NULL);
	expect("udp dport 53 reject with tcp reset", NULL);
	expect("tcp dport 22 accept drop", NULL);
	expect("tcp dport 22", NULL);
	/* Per-source meters: nfvctl's words and nft's. */
	expect("proto tcp dport 22 ct state new limit-per-source 10/second burst 20 accept",
	       "proto tcp dport 22 state new limit-per-source 10/second burst 20 accept\n");
	expect("proto tcp count-per-source over 20 meter-size 1024 drop",
	       "proto tcp count-per-source over 20 meter-size 1024 drop\n");
	expect("limit-per-source over 5/minute drop",
	       "limit-per-source over 5/minute drop\n");
	expect("tcp dport 22 ct state new meter ssh { ip saddr limit rate 10/second burst 20 packets } accept",
	       "proto tcp dport 22 state new limit-per-source 10/second burst 20 accept\n");
	expect("tcp dport 22 meter ssh size 65535 { ip6 saddr and ffff:ffff:ffff:ff00:: limit rate over 3/minute } drop",
	       "proto tcp dport 22 meter-size 65536 meter-v6-prefix 56 limit-per-source over 3/minute drop\n");
	expect("tcp dport 22 ct state new ct count over 20 drop",
	       "proto tcp dport 22 state new count-per-source over 20 drop\n");
	expect("meter c { ip saddr ct count over 4 } drop",
	       "count-per-source over 4 drop\n");
	expect("tcp dport 22 limit rate 10/second accept", NULL);
	expect("ct count 20 drop", NULL);
	expect("meter m { ip daddr limit rate 1/second } accept", NULL);
	expect("meter m { ip saddr and 255.255.255.0 limit rate 1/second } accept",
	       NULL);
	expect("meter m { ip saddr limit rate 10/week } accept", NULL);
	expect("meter m { ip saddr limit rate 1/second burst 5 bytes } accept",
	       NULL);
	expect("meter m { ip saddr limit rate 1/second accept", NULL);
	expect("tcp dport { 22, 443 } meter m { ip saddr limit rate 1/second } accept",
	       NULL);
	/* 5 x 33 x 33 rules: more than a line may make. */
	strcpy(big, "ip saddr { 1.0.0.0/8, 2.0.0.0/8, 3.0.0.0/8, 4.0.0.0/8, 5.0.0.0/8 }");
	for (i = 0; i < 2; i++) {
		strcat(big, i ? " tcp dport != {" : " tcp sport != {");
		for (p = 1; p < 64; p += 2)
			sprintf(big + strlen(big), " %d,", p);
		strcat(big, " }");
	}
	strcat(big, " accept");
	expect(big, NULL);
	printf("%d failure%s\n", failures, failures == 1 ? "" : "s");
	return failures ? 1 : 0;
}
