// SPDX-License-Identifier: GPL-2.0
/*
 * rtt: UDP request/response latency through the bench's router, timed by
 * the kernel as close to the wire as veth allows.
 *
 *   rtt serve ADDR PORT
 *   rtt probe [-n SAMPLES] [-w WARMUP] [-i INTERVAL_US] [-t TTL]
 *             [-b SRC_ADDR:SRC_PORT] ADDR PORT
 *
 * Both ends ask for software timestamps (SO_TIMESTAMPING): RX stamps are
 * taken when the veth hands the frame to the receiving device
 * (netif_rx()), TX stamps when the veth transmits it (veth_xmit() calls
 * skb_tx_timestamp(), so SOF_TIMESTAMPING_TX_SOFTWARE works on veth and
 * SO_TIMESTAMPNS, RX only, is not needed); each TX stamp comes back on the
 * sender's error queue (OPT_TSONLY: the stamp without the payload, OPT_ID:
 * numbered by send). The server puts its RX stamp of a request in the
 * reply, and its TX stamp of a reply in the next one. Client and server
 * run in the same VM on the same clock, so each sample is four stamps:
 *
 *   path = (client rx - client tx) - (server tx - server rx)
 *
 * both directions through the router, from wire to wire, without the
 * server's turnaround (its wakeup and system calls). Requests are paced
 * (one every INTERVAL_US, on an absolute schedule, whether or not the
 * reply came back), after WARMUP unrecorded ones that create the flow.
 * Defaults: 1,000 samples, 20 warm-up requests, 200 us apart, TTL 32 both
 * ways (pktgen's: the OVS scenarios' flows match on it).
 *
 * The probe prints, all in nanoseconds of CLOCK_REALTIME as the kernel
 * stamps them (under QEMU's -icount shift=0: guest instructions):
 *
 *   stat,samples,lost,min,p50,p99,p999,max,jitter,fwd_p50,rev_p50,rtt_p50
 *   hist,LOW,HIGH,COUNT          (20 logarithmic bins a decade, non-empty)
 *
 * jitter is RFC 3550's interarrival jitter over the path figures of
 * consecutive requests (J += (|D| - J) / 16), fwd and rev the one-way
 * halves, rtt the round trip with the server's turnaround. Exit status 1
 * if no sample came back.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAGIC	0x6e667672u	/* "nfvr" */
#define BINS_PER_DECADE 20

struct msg {
	uint32_t magic;
	uint32_t token;		/* one probe run's, so stale stamps are ignored */
	uint32_t seq;
	uint32_t tx_seq;	/* the request whose reply tx_ns stamped */
	uint64_t rx_ns;		/* server's RX stamp of this request */
	uint64_t tx_ns;		/* server's TX stamp of tx_seq's reply, or 0 */
};

struct sample {
	uint64_t tx, rx, srv_rx, srv_tx;
};

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static uint64_t ts_ns(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000ull + t->tv_nsec;
}

static uint64_t now_mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ts_ns(&t);
}

static uint64_t now_real(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return ts_ns(&t);
}

static int udp_socket(const char *addr, int port, int ttl)
{
	int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_TX_SOFTWARE |
		    SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_OPT_TSONLY |
		    SOF_TIMESTAMPING_OPT_ID;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags)))
		die("setsockopt");
	if (ttl && setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)))
		die("IP_TTL");
	if (addr) {
		sa.sin_port = htons(port);
		if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
			fprintf(stderr, "rtt: bad address %s\n", addr);
			exit(2);
		}
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
			die("bind");
	}
	return fd;
}

/* The software stamp of a received message's SCM_TIMESTAMPING, or 0. */
static uint64_t cmsg_stamp(struct msghdr *mh, uint32_t *id)
{
	struct cmsghdr *c;
	uint64_t ns = 0;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SO_TIMESTAMPING) {
			struct scm_timestamping *t = (void *)CMSG_DATA(c);

			ns = ts_ns(&t->ts[0]);
		} else if (id && c->cmsg_level == SOL_IP &&
			   c->cmsg_type == IP_RECVERR) {
			struct sock_extended_err *e = (void *)CMSG_DATA(c);

			if (e->ee_errno == ENOMSG &&
			    e->ee_origin == SO_EE_ORIGIN_TIMESTAMPING)
				*id = e->ee_data;
		}
	}
	return ns;
}

/* recvmsg() with its stamp; from the error queue, the send's OPT_ID. */
static ssize_t recv_stamped(int fd, void *buf, size_t len, int flags,
			    struct sockaddr_in *from, uint64_t *ns, uint32_t *id)
{
	char ctl[512];
	struct iovec iov = { buf, len };
	struct msghdr mh = {
		.msg_name = from, .msg_namelen = from ? sizeof(*from) : 0,
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	ssize_t n = recvmsg(fd, &mh, flags | MSG_DONTWAIT);

	if (n >= 0)
		*ns = cmsg_stamp(&mh, id);
	return n;
}

/*
 * Reads the error queue dry, calling got(id, ns) for each TX stamp. Stamps
 * are matched by their send's number, never waited for: veth stamps
 * inside sendmsg(), so a stamp is there when it returns or never comes,
 * and a sender that waited would stop reading its replies.
 */
static void tx_stamps(int fd, void (*got)(void *, uint32_t, uint64_t),
		      void *arg)
{
	uint64_t ns;
	uint32_t id;
	char buf[64];

	for (;;) {
		id = ~0u;
		if (recv_stamped(fd, buf, sizeof(buf), MSG_ERRQUEUE, NULL,
				 &ns, &id) < 0)
			break;
		if (id != ~0u && ns)
			got(arg, id, ns);
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK)
		die("recvmsg errqueue");
}

struct server {
	uint32_t sent, last_seq, last_token;
	uint64_t last_tx;
};

/* The first stamp of a send wins: a frame whose skb still holds its
 * socket when the router transmits it (no IP stack in the scenario: OVS,
 * a bridge, tc) is stamped again there, later.
 */
static void server_stamp(void *arg, uint32_t id, uint64_t ns)
{
	struct server *sv = arg;

	if (id + 1 == sv->sent && !sv->last_tx)
		sv->last_tx = ns;
}

static int serve(const char *addr, int port)
{
	int fd = udp_socket(addr, port, 32);
	struct server sv = { 0 };
	struct sockaddr_in from;
	struct msg m;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		uint64_t rx;
		ssize_t n;

		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			die("poll");
		tx_stamps(fd, server_stamp, &sv);
		n = recv_stamped(fd, &m, sizeof(m), 0, &from, &rx, NULL);
		if (n != sizeof(m) || m.magic != htonl(MAGIC))
			continue;
		m.rx_ns = rx;
		m.tx_seq = sv.last_token == m.token ? sv.last_seq : ~0u;
		m.tx_ns = sv.last_token == m.token ? sv.last_tx : 0;
		if (sendto(fd, &m, sizeof(m), 0, (struct sockaddr *)&from,
			   sizeof(from)) != sizeof(m))
			continue;
		sv.sent++;
		sv.last_tx = 0;
		sv.last_seq = m.seq;
		sv.last_token = m.token;
		tx_stamps(fd, server_stamp, &sv);
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
static uint64_t pct(const uint64_t *v, size_t n, double q)
{
	size_t r = (size_t)ceil(q * n);

	return v[r ? r - 1 : 0];
}

static uint64_t median_of(const struct sample *s, size_t n, uint64_t *tmp,
			  int what)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		const struct sample *x = &s[i];

		if (!x->rx || !x->tx || !x->srv_tx)
			continue;
		tmp[k++] = what == 0 ? x->srv_rx - x->tx :
			   what == 1 ? x->rx - x->srv_tx : x->rx - x->tx;
	}
	if (!k)
		return 0;
	qsort(tmp, k, sizeof(*tmp), cmp_u64);
	return pct(tmp, k, 0.5);
}

static void report(const struct sample *s, size_t n)
{
	uint64_t *v = calloc(n, sizeof(*v)), *tmp = calloc(n, sizeof(*tmp));
	size_t i, k = 0, lost = 0, bins[200] = { 0 };
	double jitter = 0;
	int64_t prev = -1;

	if (!v || !tmp)
		die("calloc");
	for (i = 0; i < n; i++) {
		const struct sample *x = &s[i];
		int64_t path;

		if (!x->rx) {
			lost++;
			prev = -1;
			continue;
		}
		/* A stamp missing (the server's of the last request comes
		 * with the next one), or the clock stepped.
		 */
		if (!x->tx || !x->srv_tx || x->srv_tx < x->srv_rx) {
			prev = -1;
			continue;
		}
		path = (int64_t)(x->rx - x->tx) - (int64_t)(x->srv_tx - x->srv_rx);
		if (path <= 0) {
			prev = -1;
			continue;
		}
		if (prev >= 0)
			jitter += (llabs(path - prev) - jitter) / 16;
		prev = path;
		v[k++] = path;
		bins[(int)fmin(199, floor(log10(path) * BINS_PER_DECADE))]++;
	}
	if (!k) {
		printf("stat,0,%zu,0,0,0,0,0,0,0,0,0\n", lost);
		free(v);
		free(tmp);
		return;
	}
	qsort(v, k, sizeof(*v), cmp_u64);
	printf("stat,%zu,%zu,%llu,%llu,%llu,%llu,%llu,%.0f,%llu,%llu,%llu\n",
	       k, lost, (unsigned long long)v[0],
	       (unsigned long long)pct(v, k, 0.5),
	       (unsigned long long)pct(v, k, 0.99),
	       (unsigned long long)pct(v, k, 0.999),
	       (unsigned long long)v[k - 1], jitter,
	       (unsigned long long)median_of(s, n, tmp, 0),
	       (unsigned long long)median_of(s, n, tmp, 1),
	       (unsigned long long)median_of(s, n, tmp, 2));
	for (i = 0; i < 200; i++)
		if (bins[i])
			printf("hist,%.0f,%.0f,%zu\n",
			       pow(10, (double)i / BINS_PER_DECADE),
			       pow(10, (double)(i + 1) / BINS_PER_DECADE), bins[i]);
	free(v);
	free(tmp);
}

struct client {
	struct sample *s;
	uint32_t warm, total, token;
};

static void client_stamp(void *arg, uint32_t id, uint64_t ns)
{
	struct client *c = arg;

	if (id >= c->warm && id < c->total && !c->s[id - c->warm].tx)
		c->s[id - c->warm].tx = ns;
}

/* TX stamps, replies and the server's stamps into their samples. */
static void drain(int fd, struct client *c)
{
	struct msg m;
	uint64_t rx;

	tx_stamps(fd, client_stamp, c);
	while (recv_stamped(fd, &m, sizeof(m), 0, NULL, &rx, NULL) ==
	       sizeof(m)) {
		if (m.magic != htonl(MAGIC) || m.token != c->token ||
		    m.seq >= c->total)
			continue;
		if (m.seq >= c->warm) {
			c->s[m.seq - c->warm].rx = rx ? rx : 1;
			c->s[m.seq - c->warm].srv_rx = m.rx_ns;
		}
		if (m.tx_ns && m.tx_seq >= c->warm && m.tx_seq < c->total)
			c->s[m.tx_seq - c->warm].srv_tx = m.tx_ns;
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK)
		die("recvmsg");
}

static int probe(int argc, char **argv)
{
	uint32_t n = 1000, warm = 20, total, i, unstamped = 0;
	uint64_t interval = 200000, next, end;
	char *bind_to = NULL, *colon;
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct sample *s;
	struct client cl;
	int c, fd, ttl = 32, got = 0;

	while ((c = getopt(argc, argv, "n:w:i:t:b:")) != -1) {
		switch (c) {
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			warm = strtoul(optarg, NULL, 0);
			break;
		case 'i':
			interval = strtoull(optarg, NULL, 0) * 1000;
			break;
		case 't':
			ttl = atoi(optarg);
			break;
		case 'b':
			bind_to = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind + 2 != argc || !n || !interval)
		return 2;
	to.sin_port = htons(atoi(argv[optind + 1]));
	if (inet_pton(AF_INET, argv[optind], &to.sin_addr) != 1)
		return 2;
	colon = bind_to ? strchr(bind_to, ':') : NULL;
	if (colon)
		*colon++ = 0;
	fd = udp_socket(bind_to, colon ? atoi(colon) : 0, ttl);
	/* One more request than recorded: its reply brings the server's TX
	 * stamp of the last recorded one.
	 */
	total = warm + n + 1;
	s = calloc(n + 1, sizeof(*s));
	if (!s)
		die("calloc");
	cl = (struct client){ s, warm, total, (uint32_t)(now_real() ^ getpid()) };
	next = now_mono();
	for (i = 0; i < total; i++) {
		struct msg m = { htonl(MAGIC), cl.token, i, 0, 0, 0 };

		/* Behind the schedule, send at once, but read what came. */
		drain(fd, &cl);
		for (;;) {
			uint64_t now = now_mono(), left = next - now;
			struct pollfd p = { fd, POLLIN, 0 };
			struct timespec ts = { left / 1000000000,
					       left % 1000000000 };

			if (now >= next)
				break;
			if (ppoll(&p, 1, &ts, NULL) < 0 && errno != EINTR)
				die("ppoll");
			drain(fd, &cl);
		}
		if (sendto(fd, &m, sizeof(m), 0, (struct sockaddr *)&to,
			   sizeof(to)) != sizeof(m))
			die("sendto");
		drain(fd, &cl);
		next += interval;
	}
	/* The stragglers: 100 intervals, at least 200 ms. */
	end = now_mono() + (interval * 100 > 200000000 ? interval * 100 :
			    200000000);
	while (now_mono() < end && !s[n].rx) {
		struct pollfd p = { fd, POLLIN, 0 };

		if (poll(&p, 1, 10) > 0)
			drain(fd, &cl);
	}
	for (i = 0; i < n; i++) {
		got += !!s[i].rx;
		unstamped += s[i].rx && (!s[i].tx || !s[i].srv_tx);
	}
	if (unstamped)
		fprintf(stderr, "rtt: %u of %u replies without all four stamps\n",
			unstamped, got);
	report(s, n);
	free(s);
	return got ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "serve"))
		return serve(argv[2], atoi(argv[3]));
	if (argc > 1 && !strcmp(argv[1], "probe"))
		return probe(argc - 1, argv + 1);
	fputs("usage: rtt serve ADDR PORT\n", stderr);
	fputs("       rtt probe [-n SAMPLES] [-w WARMUP] [-i INTERVAL_US] [-t TTL] [-b ADDR:PORT] ADDR PORT\n",
	      stderr);
	return 2;
}
