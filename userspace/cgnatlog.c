// SPDX-License-Identifier: GPL-2.0
/*
 * nfvctl cgnat log: a CGNAT instance's events (port blocks given and taken
 * back, limits reached, sessions if the instance reports them) exported as
 * IPFIX (RFC 7011) with the NAT event templates of RFC 8158, as syslog
 * lines, to a file, and printed one line each. The events never name an
 * outside host (RFC 6888 REQ-12); neither does anything here.
 *
 * Also the decoder of those events that nfvctl monitor prints with.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "nfvctl.h"

/* One event, decoded; addresses in network order. */
struct cgnat_ev {
	uint8_t type;
	uint64_t time;		/* ms since the epoch */
	uint32_t inside, pub;
	uint16_t zone, first, last;
	uint32_t limit;
	uint32_t pool_id;	/* natPoolId, 0 if the instance has none */
	uint8_t proto;
	uint16_t port, pub_port;
};

static const char *const ev_names[__NFV_CGNAT_EV_MAX] = {
	[NFV_CGNAT_EV_BLOCK_ALLOC]		= "block-alloc",
	[NFV_CGNAT_EV_BLOCK_FREE]		= "block-free",
	[NFV_CGNAT_EV_ADDRESS_EXHAUSTED]	= "address-exhausted",
	[NFV_CGNAT_EV_PORTS_EXHAUSTED]		= "ports-exhausted",
	[NFV_CGNAT_EV_QUOTA_PORTS]		= "quota-ports",
	[NFV_CGNAT_EV_QUOTA_SESSIONS]		= "quota-sessions",
	[NFV_CGNAT_EV_QUOTA_SUBSCRIBERS]	= "quota-subscribers",
	[NFV_CGNAT_EV_QUOTA_MAPPINGS]		= "quota-mappings",
	[NFV_CGNAT_EV_SESSION_NEW]		= "session-new",
	[NFV_CGNAT_EV_SESSION_DEL]		= "session-del",
};

static const char *ev_name(uint8_t type)
{
	return type < __NFV_CGNAT_EV_MAX && ev_names[type] ? ev_names[type] :
	       "unknown";
}

static uint32_t get_addr(struct nlattr *a)
{
	const void *p = attr_bytes(a, 4);
	uint32_t v = 0;

	if (p)
		memcpy(&v, p, 4);
	return v;
}

static uint16_t get_be16(struct nlattr *a)
{
	uint16_t v = 0;

	return attr_u16(a, &v) ? ntohs(v) : 0;
}

/* NFV_A_NF_EVENT of a cgnat instance: 0, or -1 if it is malformed. */
static int ev_parse(struct nlattr *nest, struct cgnat_ev *ev)
{
	struct nlattr *tb[NFV_CGNAT_EV_A_MAX + 1];

	memset(ev, 0, sizeof(*ev));
	if (attr_nested(tb, NFV_CGNAT_EV_A_MAX, nest) ||
	    !attr_u8(tb[NFV_CGNAT_EV_A_TYPE], &ev->type))
		return -1;
	attr_u64(tb[NFV_CGNAT_EV_A_TIME], &ev->time);
	ev->inside = get_addr(tb[NFV_CGNAT_EV_A_INSIDE]);
	ev->pub = get_addr(tb[NFV_CGNAT_EV_A_PUBLIC]);
	attr_u16(tb[NFV_CGNAT_EV_A_ZONE], &ev->zone);
	attr_u16(tb[NFV_CGNAT_EV_A_PORT_FIRST], &ev->first);
	attr_u16(tb[NFV_CGNAT_EV_A_PORT_LAST], &ev->last);
	attr_u32(tb[NFV_CGNAT_EV_A_LIMIT], &ev->limit);
	attr_u32(tb[NFV_CGNAT_EV_A_POOL_ID], &ev->pool_id);
	attr_u8(tb[NFV_CGNAT_EV_A_PROTO], &ev->proto);
	ev->port = get_be16(tb[NFV_CGNAT_EV_A_INSIDE_PORT]);
	ev->pub_port = get_be16(tb[NFV_CGNAT_EV_A_PUBLIC_PORT]);
	return 0;
}

static const char *addr_str(uint32_t a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/*
 * "inside A zone Z [public P] [ports F-L] [limit N] [PROTO PORT PPORT]
 * [pool-id ID]"
 */
static void ev_text(const struct cgnat_ev *ev, char *buf, size_t size)
{
	char a[INET_ADDRSTRLEN], p[INET_ADDRSTRLEN], num[4];
	const char *proto = ip_proto_name(ev->proto);
	size_t n;

	n = snprintf(buf, size, "inside %s zone %u", addr_str(ev->inside, a),
		     ev->zone);
	if (ev->pub && n < size)
		n += snprintf(buf + n, size - n, " public %s",
			      addr_str(ev->pub, p));
	if (ev->first && n < size)
		n += snprintf(buf + n, size - n, " ports %u-%u", ev->first,
			      ev->last);
	if (ev->limit && n < size)
		n += snprintf(buf + n, size - n, " limit %u", ev->limit);
	if (!proto) {
		snprintf(num, sizeof(num), "%u", ev->proto);
		proto = num;
	}
	if (ev->proto && n < size)
		n += snprintf(buf + n, size - n,
			      " proto %s port %u public-port %u",
			      proto, ev->port, ev->pub_port);
	if (ev->pool_id && n < size)
		snprintf(buf + n, size - n, " pool-id %u", ev->pool_id);
}

static void ev_json(const struct cgnat_ev *ev)
{
	char a[INET_ADDRSTRLEN];

	jw_u64("time_ms", ev->time);
	jw_str("inside", addr_str(ev->inside, a));
	jw_u64("zone", ev->zone);
	if (ev->pub)
		jw_str("public", addr_str(ev->pub, a));
	if (ev->first) {
		jw_u64("port_first", ev->first);
		jw_u64("port_last", ev->last);
	}
	if (ev->limit)
		jw_u64("limit", ev->limit);
	if (ev->proto) {
		if (ip_proto_name(ev->proto))
			jw_str("proto", ip_proto_name(ev->proto));
		else
			jw_u64("proto", ev->proto);
		jw_u64("inside_port", ev->port);
		jw_u64("public_port", ev->pub_port);
	}
	if (ev->pool_id)
		jw_u64("pool_id", ev->pool_id);
}

/*
 * nfvctl monitor: an NF event, one line, after "cgnat EVENT" or
 * "nf event" for a type this nfvctl does not know.
 */
void nf_event_print(struct nlattr **tb)
{
	const char *type = attr_str(tb[NFV_A_NF_TYPE]);
	const char *dp = attr_str(tb[NFV_A_DP_NAME]);
	const char *nf = attr_str(tb[NFV_A_NF_NAME]);
	bool cgnat = type && !strcmp(type, "cgnat");
	struct cgnat_ev ev;
	char text[256];

	if (cgnat && ev_parse(tb[NFV_A_NF_EVENT], &ev))
		cgnat = false;
	if (opts.json) {
		jw_obj_open(NULL);
		jw_str("object", cgnat ? "cgnat" : "nf");
		jw_str("event", cgnat ? ev_name(ev.type) : "event");
		jw_str("dp", dp ? dp : "");
		jw_str("nf", nf ? nf : "");
		if (cgnat)
			ev_json(&ev);
		else
			jw_str("type", type ? type : "");
		jw_obj_close();
		return;
	}
	if (cgnat) {
		ev_text(&ev, text, sizeof(text));
		printf("cgnat %s dp %s nf %s %s\n", ev_name(ev.type), dp, nf,
		       text);
	} else {
		printf("nf event dp %s nf %s type %s\n", dp ? dp : "?",
		       nf ? nf : "?", type ? type : "?");
	}
	fflush(stdout);
}

/*
 * IPFIX (RFC 7011) with RFC 8158's templates. Information Elements
 * (IANA's numbers) and the templates' fields, in order.
 */
enum {
	IE_PROTOCOL		= 4,	/* protocolIdentifier */
	IE_SRC_PORT		= 7,	/* sourceTransportPort */
	IE_SRC_IPV4		= 8,	/* sourceIPv4Address */
	IE_POST_NAT_SRC_IPV4	= 225,	/* postNATSourceIPv4Address */
	IE_POST_NAPT_SRC_PORT	= 227,	/* postNAPTSourceTransportPort */
	IE_NAT_EVENT		= 230,	/* natEvent */
	IE_INGRESS_VRF		= 234,	/* ingressVRFID */
	IE_NAT_POOL_ID		= 283,	/* natPoolId */
	IE_OBS_TIME_MS		= 323,	/* observationTimeMilliseconds */
	IE_PORT_RANGE_START	= 361,	/* portRangeStart */
	IE_PORT_RANGE_END	= 362,	/* portRangeEnd */
	IE_PORT_RANGE_STEP	= 363,	/* portRangeStepSize */
	IE_PORT_RANGE_NUM	= 364,	/* portRangeNumPorts */
	IE_NAT_QUOTA_EVENT	= 466,	/* natQuotaExceededEvent */
	IE_MAX_BIB_ENTRIES	= 472,	/* maxBIBEntries */
	IE_MAX_ENTRIES_USER	= 473,	/* maxEntriesPerUser */
	IE_MAX_SUBSCRIBERS	= 474,	/* maxSubscribers */
};

/* natEvent values (RFC 8158, section 2). */
enum {
	NAT_EV_ADDRESSES_EXHAUSTED	= 3,
	NAT_EV_NAT44_SESSION_CREATE	= 4,
	NAT_EV_NAT44_SESSION_DELETE	= 5,
	NAT_EV_PORTS_EXHAUSTED		= 12,
	NAT_EV_QUOTA_EXCEEDED		= 13,
	NAT_EV_PORT_BLOCK_ALLOC		= 16,
	NAT_EV_PORT_BLOCK_DEALLOC	= 17,
};

/* natQuotaExceededEvent values (RFC 8158, section 2). */
enum {
	NAT_QUOTA_BIB_ENTRIES		= 2,
	NAT_QUOTA_ENTRIES_PER_USER	= 3,
	NAT_QUOTA_SUBSCRIBERS		= 4,
};

struct ipfix_field {
	uint16_t ie, len;
};

#define TMPL_FIELDS	10
static const struct ipfix_tmpl {
	uint16_t id;
	uint8_t nat_event, quota;
	struct ipfix_field f[TMPL_FIELDS];	/* up to a zero ie */
} tmpls[] = {
	/* NAT44 port block allocation and de-allocation (section 4.7) */
	{ 256, 0, 0, { { IE_OBS_TIME_MS, 8 }, { IE_NAT_EVENT, 1 },
		       { IE_SRC_IPV4, 4 }, { IE_POST_NAT_SRC_IPV4, 4 },
		       { IE_PORT_RANGE_START, 2 }, { IE_PORT_RANGE_END, 2 },
		       { IE_PORT_RANGE_STEP, 2 }, { IE_PORT_RANGE_NUM, 2 },
		       { IE_INGRESS_VRF, 4 } } },
	/* NAT addresses exhausted */
	{ 257, NAT_EV_ADDRESSES_EXHAUSTED, 0,
	  { { IE_OBS_TIME_MS, 8 }, { IE_NAT_EVENT, 1 },
	    { IE_NAT_POOL_ID, 4 } } },
	/* NAT ports exhausted (of a public address) */
	{ 258, NAT_EV_PORTS_EXHAUSTED, 0,
	  { { IE_OBS_TIME_MS, 8 }, { IE_NAT_EVENT, 1 },
	    { IE_POST_NAT_SRC_IPV4, 4 } } },
	/* Quota exceeded: maximum entries per user */
	{ 259, NAT_EV_QUOTA_EXCEEDED, NAT_QUOTA_ENTRIES_PER_USER,
	  { { IE_OBS_TIME_MS, 8 }, { IE_NAT_EVENT, 1 },
	    { IE_NAT_QUOTA_EVENT, 4 }, { IE_MAX_ENTRIES_USER, 4 },
	    { IE_SRC_IPV4, 4 } } },
	/* Quota exceeded: maximum active subscribers */
	{ 260, NAT_EV_QUOTA_EXCEEDED, NAT_QUOTA_SUBSCRIBERS,
	  { { IE_OBS_TIME_MS, 8 }, { IE_NAT_EVENT, 1 },
	    { IE_NAT_QUOTA_EVENT, 4 }, { IE_MAX_SUBSCRIBERS, 4 } } },
	/* Quota exceeded: maximum BIB entries (mappings) */
	{ 261, NAT_EV_QUOTA_EXCEEDED, NAT_QUOTA_BIB_ENTRIES,
	  { { IE_OBS_TIME_MS, 8 }, { IE_NAT_EVENT, 1 },
	    { IE_NAT_QUOTA_EVENT, 4 }, { IE_MAX_BIB_ENTRIES, 4 } } },
	/* NAT44 session create and delete, without the destination */
	{ 262, 0, 0, { { IE_OBS_TIME_MS, 8 }, { IE_NAT_EVENT, 1 },
		       { IE_SRC_IPV4, 4 }, { IE_POST_NAT_SRC_IPV4, 4 },
		       { IE_PROTOCOL, 1 }, { IE_SRC_PORT, 2 },
		       { IE_POST_NAPT_SRC_PORT, 2 }, { IE_INGRESS_VRF, 4 } } },
};

/* The template of an event type, and its natEvent. */
static const struct ipfix_tmpl *ev_tmpl(uint8_t type, uint8_t *nat_event)
{
	static const struct {
		uint8_t tmpl, nat_event;
	} map[__NFV_CGNAT_EV_MAX] = {
		[NFV_CGNAT_EV_BLOCK_ALLOC] = { 0, NAT_EV_PORT_BLOCK_ALLOC },
		[NFV_CGNAT_EV_BLOCK_FREE] = { 0, NAT_EV_PORT_BLOCK_DEALLOC },
		[NFV_CGNAT_EV_ADDRESS_EXHAUSTED] = { 1, 0 },
		[NFV_CGNAT_EV_PORTS_EXHAUSTED] = { 2, 0 },
		[NFV_CGNAT_EV_QUOTA_PORTS] = { 3, 0 },
		[NFV_CGNAT_EV_QUOTA_SESSIONS] = { 3, 0 },
		[NFV_CGNAT_EV_QUOTA_SUBSCRIBERS] = { 4, 0 },
		[NFV_CGNAT_EV_QUOTA_MAPPINGS] = { 5, 0 },
		[NFV_CGNAT_EV_SESSION_NEW] = { 6, NAT_EV_NAT44_SESSION_CREATE },
		[NFV_CGNAT_EV_SESSION_DEL] = { 6, NAT_EV_NAT44_SESSION_DELETE },
	};
	const struct ipfix_tmpl *t;

	if (type == NFV_CGNAT_EV_UNSPEC || type >= __NFV_CGNAT_EV_MAX)
		return NULL;
	t = &tmpls[map[type].tmpl];
	*nat_event = t->nat_event ? t->nat_event : map[type].nat_event;
	return t;
}

static uint64_t ie_value(uint16_t ie, const struct cgnat_ev *ev,
			 const struct ipfix_tmpl *t, uint8_t nat_event)
{
	switch (ie) {
	case IE_OBS_TIME_MS:		return ev->time;
	case IE_NAT_EVENT:		return nat_event;
	case IE_SRC_IPV4:		return ntohl(ev->inside);
	case IE_POST_NAT_SRC_IPV4:	return ntohl(ev->pub);
	case IE_PORT_RANGE_START:	return ev->first;
	case IE_PORT_RANGE_END:		return ev->last;
	case IE_PORT_RANGE_STEP:	return 1;
	case IE_PORT_RANGE_NUM:		return ev->last - ev->first + 1;
	case IE_INGRESS_VRF:		return ev->zone;
	case IE_NAT_QUOTA_EVENT:	return t->quota;
	case IE_MAX_ENTRIES_USER:
	case IE_MAX_SUBSCRIBERS:
	case IE_MAX_BIB_ENTRIES:	return ev->limit;
	case IE_PROTOCOL:		return ev->proto;
	case IE_SRC_PORT:		return ev->port;
	case IE_POST_NAPT_SRC_PORT:	return ev->pub_port;
	case IE_NAT_POOL_ID:		return ev->pool_id;
	}
	return 0;
}

struct ipfix_msg {
	uint8_t b[1024];
	size_t len;
};

static void put_be(struct ipfix_msg *m, uint64_t v, unsigned int len)
{
	while (len--)
		m->b[m->len++] = (uint8_t)(v >> (8 * len));
}

static void set_be16(struct ipfix_msg *m, size_t at, uint16_t v)
{
	m->b[at] = v >> 8;
	m->b[at + 1] = v & 0xff;
}

struct cgnat_log {
	const char *dp, *nf;
	int ipfix;		/* UDP socket, or -1 */
	struct sockaddr_storage collector;
	socklen_t collector_len;
	uint32_t domain;	/* observation domain id */
	uint32_t seq;		/* data records sent */
	unsigned int refresh;	/* seconds between template sends */
	time_t tmpl_sent;
	bool syslog;
	FILE *file;
	bool send_err;		/* a send failed: said once */
};

static void ipfix_header(struct ipfix_msg *m, const struct cgnat_log *l)
{
	m->len = 0;
	put_be(m, 10, 2);			/* version */
	put_be(m, 0, 2);			/* length, at the end */
	put_be(m, (uint64_t)time(NULL), 4);	/* export time */
	put_be(m, l->seq, 4);
	put_be(m, l->domain, 4);
}

static void ipfix_send(struct cgnat_log *l, struct ipfix_msg *m)
{
	set_be16(m, 2, (uint16_t)m->len);
	if (sendto(l->ipfix, m->b, m->len, 0,
		   (struct sockaddr *)&l->collector, l->collector_len) < 0 &&
	    !l->send_err) {
		warn_msg("ipfix: %s", strerror(errno));
		l->send_err = true;
	}
}

/*
 * Every template, in one template set: at start and every refresh s,
 * events or none (RFC 7011, 8.4: over UDP the templates are sent again
 * periodically), so a collector that starts or restarts, or missed the
 * first, learns them within refresh s.
 */
static void ipfix_templates(struct cgnat_log *l)
{
	struct ipfix_msg m;
	size_t set, i, n;

	ipfix_header(&m, l);
	set = m.len;
	put_be(&m, 2, 2);			/* template set */
	put_be(&m, 0, 2);
	for (i = 0; i < ARRAY_SIZE(tmpls); i++) {
		for (n = 0; n < TMPL_FIELDS && tmpls[i].f[n].ie; n++)
			;
		put_be(&m, tmpls[i].id, 2);
		put_be(&m, n, 2);
		for (n = 0; n < TMPL_FIELDS && tmpls[i].f[n].ie; n++) {
			put_be(&m, tmpls[i].f[n].ie, 2);
			put_be(&m, tmpls[i].f[n].len, 2);
		}
	}
	set_be16(&m, set + 2, (uint16_t)(m.len - set));
	ipfix_send(l, &m);
	l->tmpl_sent = time(NULL);
}

/* The templates, if refresh s passed since they were last sent. */
static void ipfix_refresh(struct cgnat_log *l)
{
	if (time(NULL) - l->tmpl_sent >= (time_t)l->refresh)
		ipfix_templates(l);
}

/* cgnat log's tick, once a second while it listens. */
static void log_tick(void *arg)
{
	struct cgnat_log *l = arg;

	if (l->ipfix >= 0)
		ipfix_refresh(l);
}

/* One data record in its own message. */
static void ipfix_event(struct cgnat_log *l, const struct cgnat_ev *ev)
{
	const struct ipfix_tmpl *t;
	struct ipfix_msg m;
	uint8_t nat_event;
	size_t set, i;

	t = ev_tmpl(ev->type, &nat_event);
	if (!t)
		return;
	ipfix_refresh(l);
	ipfix_header(&m, l);
	set = m.len;
	put_be(&m, t->id, 2);
	put_be(&m, 0, 2);
	for (i = 0; i < TMPL_FIELDS && t->f[i].ie; i++)
		put_be(&m, ie_value(t->f[i].ie, ev, t, nat_event),
		       t->f[i].len);
	set_be16(&m, set + 2, (uint16_t)(m.len - set));
	ipfix_send(l, &m);
	l->seq++;
}

/* RFC 3339, UTC, milliseconds. */
static int log_event(uint8_t cmd, struct nlattr **tb, void *arg)
{
	struct cgnat_log *l = arg;
	const char *dp, *nf;
	struct cgnat_ev ev;
	char text[256], ts[40];

	if (cmd == NFV_CMD_UNSPEC) {	/* listening */
		if (l->ipfix >= 0)
			ipfix_templates(l);
		fputs("listening\n", stderr);
		return 0;
	}
	if (cmd != NFV_CMD_NF_EVENT)
		return 0;
	dp = attr_str(tb[NFV_A_DP_NAME]);
	nf = attr_str(tb[NFV_A_NF_NAME]);
	if (!dp || !nf || strcmp(dp, l->dp) || strcmp(nf, l->nf) ||
	    ev_parse(tb[NFV_A_NF_EVENT], &ev))
		return 0;
	if (l->ipfix >= 0)
		ipfix_event(l, &ev);
	ev_text(&ev, text, sizeof(text));
	cgnat_time_str(ev.time, ts, sizeof(ts));
	if (l->syslog)
		syslog(LOG_NOTICE, "cgnat %s %s %s %s", dp, nf,
		       ev_name(ev.type), text);
	if (l->file) {
		fprintf(l->file, "%s cgnat %s %s %s %s\n", ts, dp, nf,
			ev_name(ev.type), text);
		fflush(l->file);
	}
	if (opts.json) {
		jw_obj_open(NULL);
		jw_str("event", ev_name(ev.type));
		jw_str("dp", dp);
		jw_str("nf", nf);
		ev_json(&ev);
		jw_obj_close();
	} else {
		printf("%s cgnat %s %s %s %s\n", ts, dp, nf, ev_name(ev.type),
		       text);
		fflush(stdout);
	}
	return 0;
}

/*
 * "HOST:PORT" or "[V6]:PORT": a UDP socket, or -1. Not connected: a
 * collector down for a while must not make sends fail once it is back.
 */
static int ipfix_open(const char *cmd, const char *arg, struct cgnat_log *l)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	char host[256], *port;
	const char *h = host;
	int fd, err;

	if (strlen(arg) >= sizeof(host))
		return usage_err(cmd, "invalid collector \"%s\"", arg);
	strcpy(host, arg);
	port = strrchr(host, ':');
	if (!port)
		return usage_err(cmd, "collector \"%s\" needs :PORT", arg);
	*port++ = '\0';
	if (host[0] == '[' && port[-2] == ']') {
		port[-2] = '\0';
		h = host + 1;
	}
	err = getaddrinfo(h, port, &hints, &ai);
	if (err) {
		err_msg("%s: collector \"%s\": %s", cmd, arg,
			gai_strerror(err));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err_msg("%s: collector \"%s\": %s", cmd, arg, strerror(errno));
	} else {
		memcpy(&l->collector, ai->ai_addr, ai->ai_addrlen);
		l->collector_len = ai->ai_addrlen;
	}
	freeaddrinfo(ai);
	return fd;
}

/*
 * cgnat log DP NAME [ipfix HOST:PORT [domain ID] [template-refresh S]]
 *                   [syslog] [file PATH]
 */
int cgnat_log(int argc, char **argv)
{
	const char *cmd = "cgnat log", *path = NULL;
	struct cgnat_log l = { .ipfix = -1, .refresh = 60 };
	int err;

	if (parse_dp_nf(cmd, &argc, &argv, "cgnat", &l.dp, &l.nf))
		return -1;
	for (; argc; argc--, argv++) {
		if (!strcmp(*argv, "syslog")) {
			l.syslog = true;
			continue;
		}
		if (strcmp(*argv, "ipfix") && strcmp(*argv, "file") &&
		    strcmp(*argv, "domain") &&
		    strcmp(*argv, "template-refresh"))
			return usage_err(cmd, "unknown argument \"%s\"", *argv);
		if (argc < 2)
			return usage_err(cmd, "\"%s\" needs an argument",
					 *argv);
		if (!strcmp(*argv, "ipfix")) {
			if (l.ipfix >= 0)
				return usage_err(cmd, "duplicate \"ipfix\"");
			l.ipfix = ipfix_open(cmd, argv[1], &l);
			if (l.ipfix < 0)
				return -1;
		} else if (!strcmp(*argv, "file")) {
			path = argv[1];
		} else if (!strcmp(*argv, "domain")) {
			if (parse_u32(cmd, "domain", argv[1], 0, UINT32_MAX,
				      &l.domain))
				return -1;
		} else if (parse_u32(cmd, "template-refresh", argv[1], 1,
				     86400, &l.refresh)) {
			return -1;
		}
		argc--, argv++;
	}
	if (path) {
		l.file = fopen(path, "a");
		if (!l.file) {
			err_msg("%s: %s: %s", cmd, path, strerror(errno));
			return -1;
		}
	}
	if (l.syslog)
		openlog("nfvctl", LOG_PID, LOG_DAEMON);
	err = nfv_listen_tick(log_event, log_tick, &l, 1);
	if (l.file)
		fclose(l.file);
	if (l.ipfix >= 0)
		close(l.ipfix);
	return err;
}
