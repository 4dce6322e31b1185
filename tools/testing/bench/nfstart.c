// SPDX-License-Identifier: GPL-2.0
/*
 * nfstart: how long an NF takes to start, and what a chain swap under
 * traffic loses, for `make bench` (Documentation/performance.rst, NF start
 * time). Runs in the router namespace of the bench topology (lib.sh) and
 * reaches into the tester's (bench-sv) for its packet sockets: one process,
 * nfvctl's own code (linked in, its netlink socket kept for the run), no
 * process start inside the measurement.
 *
 *   nfstart start [-n STARTS] [-w WARM] [-k KIND] [-t TEARDOWN]... CMD...
 *
 * Each start: T0, the command lines CMD (nfvctl's syntax, "{}" replaced by
 * the start's number; normally an NF add, its configuration and a chain
 * set on r0), T_ack when the last is acknowledged, then one frame of a
 * flow the datapath has never seen, sent on x0 to r0 (AF_PACKET, as
 * pktgen's frames enter); T1 is the receive timestamp (SO_TIMESTAMPNS) of
 * that frame on s0, where only a chain on r0 can forward it (the router
 * does not forward: ip_forward is 0). Prints
 *   BENCH-NFSTART,KIND,start,ack_ns,first_ns,CMD_NS[:CMD_NS...]
 * ack_ns = T_ack - T0, first_ns = T1 - T0, -1 if the frame never came
 * (within a second); CMD_NS, each command's time to its ack. The
 * TEARDOWN commands run after each start, untimed. The first WARM starts
 * (1) are not printed: nfvctl resolves the family and asks the module's
 * policies once per run.
 *
 *   nfstart swap [-n SWAPS] [-p PERIOD_US] [-f FLOWS] -A CMDS -B CMDS
 *                [-c CLEANUP]
 *
 * Traffic in both directions at one frame each way per PERIOD_US (100)
 * on average, over FLOWS flows (16), each frame with a sequence number:
 * forward on x0 into r0, replies on s0 into r1 to the same flows, half
 * the flows apart (a flow's reply does not follow its own forward frame),
 * from the second round of flows on. After 20 ms of it, SWAPS swaps: odd
 * ones run the ';'-separated commands of -A, even ones those of -B, "{}"
 * replaced by the swap's number; the last command of a group is the swap
 * itself (chain set), timed apart. 20 ms after the last swap the traffic
 * stops; CLEANUP runs once per A swap. Prints
 *   BENCH-NFSWAP,swap,group,prep_ns,swap_ns
 *   BENCH-NFLOSS,dir,sent,send_errors,received,lost,socket_drops
 *   BENCH-NFLOST,dir,swap,lost    (frames lost that were sent after
 *                                  that swap began, 0: before any)
 * A frame the sender's socket refused is not sent; one the receiving
 * socket dropped is counted apart (socket_drops) and is in "lost".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nfvctl.h"

/* nfvctl.c's, which is not linked in. */
struct nfvctl_opts opts;
void list_elem(struct list_out *l) { l->n++; }
void list_end(struct list_out *l, int err) { (void)l; (void)err; }

#define __packed	__attribute__((packed))
#define SV_NS		"/run/netns/bench-sv"
#define MAGIC		0x4e465354	/* "NFST" */
#define MAX_SEQ		(1u << 20)	/* 100 s at one frame per 100 us */
#define MAX_CMDS	16

struct probe {
	uint32_t magic;
	uint32_t id;		/* start number, or the frame's sequence */
	uint8_t dir;
} __packed;

struct frame {
	struct ether_header eth;
	struct iphdr ip;
	struct udphdr udp;
	struct probe p;
	uint8_t pad[9];		/* 60 bytes, 64 on a wire with the FCS */
} __packed;

enum { FWD, REPLY, NDIR };
static const char *const dir_name[NDIR] = { "forward", "reply" };

/* The tester's side: x0 sends forward and receives replies, s0 the reverse. */
static struct side {
	const char *dev, *peer;	/* in bench-sv; its peer in bench-rt */
	int tx, rx, ifindex;
	uint8_t mac[6], peer_mac[6];
} side[NDIR] = {
	[FWD]	= { .dev = "x0", .peer = "r0" },
	[REPLY]	= { .dev = "s0", .peer = "r1" },
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void get_mac(const char *dev, uint8_t *mac)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		die("socket");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		die(dev);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
}

static int packet_socket(int ifindex, int proto)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(proto),
		.sll_ifindex = ifindex,
	};
	int one = 1, buf = 8 << 20;
	int fd = socket(AF_PACKET, SOCK_RAW, htons(proto));

	if (fd < 0)
		die("AF_PACKET socket");
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind AF_PACKET");
	if (proto) {
		setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
		/* x0 also sees the forward frames it sends. */
		setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
			   sizeof(one));
	}
	return fd;
}

/* The peers' MACs here, then the packet sockets in the tester's netns. */
static void sockets_open(void)
{
	int here, sv, d;

	for (d = 0; d < NDIR; d++)
		get_mac(side[d].peer, side[d].peer_mac);
	here = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	sv = open(SV_NS, O_RDONLY | O_CLOEXEC);
	if (here < 0 || sv < 0 || setns(sv, CLONE_NEWNET))
		die(SV_NS);
	for (d = 0; d < NDIR; d++) {
		struct side *s = &side[d];

		s->ifindex = if_nametoindex(s->dev);
		if (!s->ifindex)
			die(s->dev);
		get_mac(s->dev, s->mac);
		s->tx = packet_socket(s->ifindex, 0);
		/*
		 * ETH_P_ALL: a tap, which sees a frame before the tc rule
		 * that drops it on s0 and x0 (lib.sh's sink); a socket of
		 * ETH_P_IP would come after it.
		 */
		s->rx = packet_socket(s->ifindex, ETH_P_ALL);
	}
	if (setns(here, CLONE_NEWNET))
		die("setns back");
	close(here);
	close(sv);
}

static uint16_t ip_csum(const void *data, size_t len)
{
	const uint16_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/*
 * Flow f of direction d: forward 10.10.1.2:(10000 + f) -> 10.20.0.1:9,
 * as lib.sh's traffic; a reply the reverse.
 */
static void frame_build(struct frame *fr, int d, uint32_t flow, uint32_t id)
{
	const struct side *s = &side[d];
	uint32_t a = inet_addr("10.10.1.2"), b = inet_addr("10.20.0.1");
	uint16_t port = htons(10000 + flow), nine = htons(9);

	memset(fr, 0, sizeof(*fr));
	memcpy(fr->eth.ether_dhost, s->peer_mac, 6);
	memcpy(fr->eth.ether_shost, s->mac, 6);
	fr->eth.ether_type = htons(ETHERTYPE_IP);
	fr->ip.version = 4;
	fr->ip.ihl = 5;
	fr->ip.tot_len = htons(sizeof(*fr) - sizeof(fr->eth));
	fr->ip.ttl = 64;
	fr->ip.protocol = IPPROTO_UDP;
	fr->ip.saddr = d == FWD ? a : b;
	fr->ip.daddr = d == FWD ? b : a;
	fr->ip.check = ip_csum(&fr->ip, sizeof(fr->ip));
	fr->udp.source = d == FWD ? port : nine;
	fr->udp.dest = d == FWD ? nine : port;
	fr->udp.len = htons(sizeof(*fr) - sizeof(fr->eth) - sizeof(fr->ip));
	fr->p.magic = htonl(MAGIC);
	fr->p.id = htonl(id);
	fr->p.dir = d;
}

static int frame_send(int d, uint32_t flow, uint32_t id)
{
	struct frame fr;

	frame_build(&fr, d, flow, id);
	return send(side[d].tx, &fr, sizeof(fr), 0) == sizeof(fr) ? 0 : -1;
}

/*
 * One frame from the receiving socket of side sd within timeout_ms: its
 * probe if it carries one of direction d, with its receive timestamp. 1
 * for a probe, 0 for another frame, -1 for none.
 */
static int frame_recv(int sd, int d, int timeout_ms, struct probe *p,
		      uint64_t *ts)
{
	struct pollfd pfd = { .fd = side[sd].rx, .events = POLLIN };
	char buf[256], ctl[256];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	const struct iphdr *ip = (void *)(buf + sizeof(struct ether_header));
	struct cmsghdr *c;
	ssize_t n;
	size_t off;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return -1;
	n = recvmsg(side[sd].rx, &msg, MSG_DONTWAIT);
	if (n < 0)
		return -1;
	*ts = 0;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec t;

			memcpy(&t, CMSG_DATA(c), sizeof(t));
			*ts = t.tv_sec * 1000000000ull + t.tv_nsec;
		}
	if (!*ts)
		*ts = now_ns();
	off = sizeof(struct ether_header);
	if ((size_t)n < off + sizeof(*ip) ||
	    ((struct ether_header *)buf)->ether_type != htons(ETHERTYPE_IP) ||
	    ip->protocol != IPPROTO_UDP)
		return 0;
	off += ip->ihl * 4 + sizeof(struct udphdr);
	if ((size_t)n < off + sizeof(*p))
		return 0;
	memcpy(p, buf + off, sizeof(*p));
	if (ntohl(p->magic) != MAGIC || p->dir != d)
		return 0;
	p->id = ntohl(p->id);
	return 1;
}

static void drain(int sd)
{
	struct probe p;
	uint64_t ts;

	while (frame_recv(sd, FWD, 0, &p, &ts) >= 0)
		;
}

/* Runs one nfvctl command line, "{}" replaced by n. */
static int run_cmd(const char *line, unsigned int n)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} objs[] = {
		{ "dp", do_dp }, { "port", do_port }, { "chain", do_chain },
		{ "nf", do_nf }, { "fw", do_fw }, { "cgnat", do_cgnat },
	};
	char buf[512], *argv[64], *tok, *save;
	int argc = 0, err;
	const char *at;
	size_t i, len = 0;

	for (at = line; *at && len < sizeof(buf) - 12; at++) {
		if (at[0] == '{' && at[1] == '}') {
			len += snprintf(buf + len, sizeof(buf) - len, "%u", n);
			at++;
		} else {
			buf[len++] = *at;
		}
	}
	buf[len] = 0;
	for (tok = strtok_r(buf, " \t", &save); tok && argc < 63;
	     tok = strtok_r(NULL, " \t", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	if (!argc)
		return 0;
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		if (!strcmp(argv[0], objs[i].name))
			break;
	if (i == ARRAY_SIZE(objs)) {
		fprintf(stderr, "nfstart: unknown object in \"%s\"\n", line);
		return -1;
	}
	err = objs[i].run(argc - 1, argv + 1);
	nfv_refused();
	if (err)
		fprintf(stderr, "nfstart: \"%s\" failed\n", line);
	return err;
}

/* at[i]: when command i ended, if at is not NULL. */
static int run_cmds(char *const *cmds, int n, unsigned int num, uint64_t *at)
{
	int i;

	for (i = 0; i < n; i++) {
		if (run_cmd(cmds[i], num))
			return -1;
		if (at)
			at[i] = now_ns();
	}
	return 0;
}

/* One start: the commands, then the first frame of a new flow. */
static int start_one(char *const *cmds, int ncmds, unsigned int num,
		     uint64_t *at, int64_t *ack, int64_t *first)
{
	struct probe p;
	uint64_t t0, ts;
	int r;

	drain(FWD);
	drain(REPLY);
	t0 = now_ns();
	if (run_cmds(cmds, ncmds, num, at))
		return -1;
	*ack = at[ncmds - 1] - t0;
	for (r = ncmds - 1; r > 0; r--)
		at[r] -= at[r - 1];
	at[0] -= t0;
	*first = -1;
	/* A source port per start: a flow the table cannot hold yet. */
	if (frame_send(FWD, 1000 + num % 50000, num))
		return -1;
	for (;;) {
		r = frame_recv(REPLY, FWD, 1000, &p, &ts);
		if (r < 0)
			return 0;
		if (r > 0 && p.id == num) {
			*first = ts - t0;
			return 0;
		}
	}
}

static int do_start(int argc, char **argv)
{
	const char *kind = "nf";
	char *teardown[MAX_CMDS];
	int nteardown = 0, starts = 100, warm = 1, c, i, failed = 0;

	while ((c = getopt(argc, argv, "n:w:k:t:")) != -1) {
		switch (c) {
		case 'n':
			starts = atoi(optarg);
			break;
		case 'w':
			warm = atoi(optarg);
			break;
		case 'k':
			kind = optarg;
			break;
		case 't':
			if (nteardown == MAX_CMDS)
				return 2;
			teardown[nteardown++] = optarg;
			break;
		default: return 2;
		}
	}
	if (optind == argc)
		return 2;
	sockets_open();
	if (argc - optind > MAX_CMDS)
		return 2;
	for (i = 0; i < warm + starts; i++) {
		int ncmds = argc - optind, k;
		uint64_t at[MAX_CMDS];
		int64_t ack, first;

		if (start_one(argv + optind, ncmds, i, at, &ack, &first))
			return 1;
		if (i >= warm) {
			printf("BENCH-NFSTART,%s,%d,%lld,%lld,", kind,
			       i - warm + 1, (long long)ack, (long long)first);
			for (k = 0; k < ncmds; k++)
				printf("%s%llu", k ? ":" : "",
				       (unsigned long long)at[k]);
			printf("\n");
		}
		failed |= first < 0;
		if (run_cmds(teardown, nteardown, i, NULL))
			return 1;
	}
	return failed;
}

/* The swap's traffic: its sender, its receivers, what they counted. */
static struct traffic {
	atomic_bool stop, stop_rx;
	unsigned int period_us, flows;
	atomic_uint swap;		/* the last swap begun */
	uint32_t sent[NDIR], errors[NDIR], received[NDIR];
	uint32_t next[NDIR];
	uint8_t seen[NDIR][MAX_SEQ / 8];	/* the receivers' */
	uint8_t unsent[NDIR][MAX_SEQ / 8];	/* the sender's */
	uint16_t swap_of[NDIR][MAX_SEQ];	/* swap before each sequence */
} tr;

/* Frame n of direction d, with its sequence number. */
static void send_seq(int d, uint32_t n)
{
	/* Replies half the flows behind the forward frames. */
	uint32_t flow = (n + (d == REPLY ? tr.flows / 2 : 0)) % tr.flows;

	tr.swap_of[d][n] = atomic_load(&tr.swap);
	if (frame_send(d, flow, n)) {
		tr.errors[d]++;		/* not sent: not lost */
		tr.unsent[d][n / 8] |= 1 << n % 8;
	} else {
		tr.next[d] = n + 1;
		tr.sent[d]++;
	}
}

/*
 * One frame each way per period on average: a sleep may last a timer
 * tick (4 ms where the guest has no high-resolution timer), so each
 * wake-up sends what fell due since the last, up to 256 frames. Replies
 * start once every flow has sent its first forward frame: one before
 * would open a flow from r1, which r1's chain drops.
 */
static void *sender(void *arg)
{
	struct timespec t = { 0, tr.period_us * 1000L };
	uint64_t t0 = now_ns(), due;
	uint32_t n = 0, burst;

	(void)arg;
	prctl(PR_SET_TIMERSLACK, 1);
	while (!atomic_load(&tr.stop) && n < MAX_SEQ) {
		due = (now_ns() - t0) / (tr.period_us * 1000ull) + 1;
		for (burst = 0; n < due && n < MAX_SEQ && burst < 256;
		     burst++, n++) {
			send_seq(FWD, n);
			if (n >= tr.flows)
				send_seq(REPLY, n);
			else
				tr.unsent[REPLY][n / 8] |= 1 << n % 8;
		}
		nanosleep(&t, NULL);
	}
	return NULL;
}

/* Replies arrive on x0, forward frames on s0. */
static void *receiver(void *arg)
{
	int d = (long)arg, on = d == FWD ? REPLY : FWD;
	struct probe p;
	uint64_t ts;

	for (;;) {
		int r = frame_recv(on, d, 50, &p, &ts);

		/* Once the sender stopped, until 50 ms bring nothing. */
		if (r < 0 && atomic_load(&tr.stop_rx))
			break;
		if (r <= 0)
			continue;
		if (p.id >= MAX_SEQ || (tr.seen[d][p.id / 8] & (1 << p.id % 8)))
			continue;
		tr.seen[d][p.id / 8] |= 1 << p.id % 8;
		tr.received[d]++;
	}
	return NULL;
}

/* Splits a ';'-separated group of commands in place. */
static int split_group(char *s, char **cmds)
{
	int n = 0;
	char *save, *tok;

	for (tok = strtok_r(s, ";", &save); tok && n < MAX_CMDS;
	     tok = strtok_r(NULL, ";", &save))
		cmds[n++] = tok;
	return n;
}

static void nap_ms(unsigned int ms)
{
	struct timespec t = { ms / 1000, ms % 1000 * 1000000L };

	nanosleep(&t, NULL);
}

/* Frames lost, by the swap last begun when they were sent. */
static void swap_report(unsigned int swaps)
{
	unsigned int lost[swaps + 1];
	struct tpacket_stats st;
	socklen_t len;
	unsigned int i;
	uint32_t seq;
	int d;

	for (d = 0; d < NDIR; d++) {
		int on = d == FWD ? REPLY : FWD;

		len = sizeof(st);
		memset(&st, 0, sizeof(st));
		getsockopt(side[on].rx, SOL_PACKET, PACKET_STATISTICS, &st, &len);
		printf("BENCH-NFLOSS,%s,%u,%u,%u,%u,%u\n", dir_name[d],
		       tr.sent[d], tr.errors[d], tr.received[d],
		       tr.sent[d] - tr.received[d], st.tp_drops);
		memset(lost, 0, sizeof(lost));
		for (seq = 0; seq < tr.next[d]; seq++)
			if (!((tr.seen[d][seq / 8] | tr.unsent[d][seq / 8]) &
			      (1 << seq % 8)))
				lost[tr.swap_of[d][seq]]++;
		for (i = 0; i <= swaps; i++)
			if (lost[i])
				printf("BENCH-NFLOST,%s,%u,%u\n", dir_name[d], i,
				       lost[i]);
	}
}

static int do_swap(int argc, char **argv)
{
	char *a = NULL, *b = NULL, *cleanup = NULL;
	char *ga[MAX_CMDS], *gb[MAX_CMDS], *gc[MAX_CMDS];
	int na, nb, nc = 0, swaps = 100, c, i, err = 0;
	pthread_t th[3];

	tr.period_us = 100;
	tr.flows = 16;
	while ((c = getopt(argc, argv, "n:p:f:A:B:c:")) != -1) {
		switch (c) {
		case 'n':
			swaps = atoi(optarg);
			break;
		case 'p':
			tr.period_us = atoi(optarg);
			break;
		case 'f':
			tr.flows = atoi(optarg);
			break;
		case 'A':
			a = optarg;
			break;
		case 'B':
			b = optarg;
			break;
		case 'c':
			cleanup = optarg;
			break;
		default: return 2;
		}
	}
	if (!a || !b || !tr.flows || swaps < 1 || swaps > 60000)
		return 2;
	na = split_group(a, ga);
	nb = split_group(b, gb);
	if (cleanup)
		nc = split_group(cleanup, gc);
	sockets_open();
	drain(FWD);
	drain(REPLY);
	pthread_create(&th[0], NULL, receiver, (void *)(long)FWD);
	pthread_create(&th[1], NULL, receiver, (void *)(long)REPLY);
	pthread_create(&th[2], NULL, sender, NULL);
	nap_ms(20);
	for (i = 1; i <= swaps && !err; i++) {
		char **g = i % 2 ? ga : gb;
		int n = i % 2 ? na : nb;
		uint64_t t0, t1, t2;

		t0 = now_ns();
		if (run_cmds(g, n - 1, i, NULL)) {
			err = 1;
			break;
		}
		t1 = now_ns();
		atomic_store(&tr.swap, i);
		if (run_cmd(g[n - 1], i))
			err = 1;
		t2 = now_ns();
		printf("BENCH-NFSWAP,%d,%c,%llu,%llu\n", i, i % 2 ? 'A' : 'B',
		       (unsigned long long)(t1 - t0),
		       (unsigned long long)(t2 - t1));
	}
	nap_ms(20);
	atomic_store(&tr.stop, true);
	pthread_join(th[2], NULL);
	atomic_store(&tr.stop_rx, true);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	swap_report(swaps);
	for (i = 1; i <= swaps; i += 2)
		run_cmds(gc, nc, i, NULL);
	return err;
}

int main(int argc, char **argv)
{
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		rc = 2;
	else if (!strcmp(argv[1], "start"))
		rc = do_start(argc - 1, argv + 1);
	else if (!strcmp(argv[1], "swap"))
		rc = do_swap(argc - 1, argv + 1);
	else
		rc = 2;
	if (rc == 2)
		fputs("usage: nfstart start [-n N] [-w N] [-k KIND] [-t CMD]... CMD...\n"
		      "       nfstart swap [-n N] [-p US] [-f FLOWS] -A CMDS -B CMDS\n"
		      "                    [-c CMDS]\n", stderr);
	nfv_close();
	return rc;
}
