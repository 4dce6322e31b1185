// SPDX-License-Identifier: GPL-2.0
/*
 * Rule sets: parsed from netlink, compiled into a classifier, published
 * with RCU, counted per CPU. A set never changes once readers can see it;
 * every change builds a new one and swaps it in.
 */
#include <linux/in.h>
#include <linux/log2.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "fw.h"

static struct netlink_range_validation fw_port_no_range = {
	.min = 1,
	.max = NFV_PORT_NO_MAX,
};

static struct netlink_range_validation fw_period_range = {
	.min = 1,
	.max = 86400,	/* a day */
};

/* At least one probe's group; at most 32 MiB of entries. */
static struct netlink_range_validation fw_meter_size_range = {
	.min = 8,
	.max = 1 << 20,
};

static const struct nla_policy fw_rule_policy[NFV_FW_RULE_A_MAX + 1] = {
	[NFV_FW_RULE_A_IN_PORT]	  = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &fw_port_no_range),
	[NFV_FW_RULE_A_FAMILY]	  = { .type = NLA_U8 },
	[NFV_FW_RULE_A_SRC]	  = { .type = NLA_BINARY, .len = 16 },
	[NFV_FW_RULE_A_SRC_LEN]	  = NLA_POLICY_MAX(NLA_U8, 128),
	[NFV_FW_RULE_A_DST]	  = { .type = NLA_BINARY, .len = 16 },
	[NFV_FW_RULE_A_DST_LEN]	  = NLA_POLICY_MAX(NLA_U8, 128),
	[NFV_FW_RULE_A_PROTO]	  = { .type = NLA_U8 },
	[NFV_FW_RULE_A_SPORT_MIN] = { .type = NLA_BE16 },
	[NFV_FW_RULE_A_SPORT_MAX] = { .type = NLA_BE16 },
	[NFV_FW_RULE_A_DPORT_MIN] = { .type = NLA_BE16 },
	[NFV_FW_RULE_A_DPORT_MAX] = { .type = NLA_BE16 },
	[NFV_FW_RULE_A_ICMP_TYPE] = { .type = NLA_U8 },
	[NFV_FW_RULE_A_ICMP_CODE] = { .type = NLA_U8 },
	/* The core names the attribute when a bit is out of the mask. */
	[NFV_FW_RULE_A_CTSTATE]	  = NLA_POLICY_MASK(NLA_U32,
					(1 << __NFV_FW_CT_MAX) - 1),
	[NFV_FW_RULE_A_ACTION]	  = NLA_POLICY_MAX(NLA_U8, NFV_FW_REJECT),
	[NFV_FW_RULE_A_IN_IFNAME] = { .type = NLA_NUL_STRING,
				      .len = IFNAMSIZ - 1 },
	[NFV_FW_RULE_A_REJECT]	  = NLA_POLICY_MAX(NLA_U8, NFV_FW_REJECT_MAX),
	[NFV_FW_RULE_A_TCP_FLAGS] = { .type = NLA_U8 },
	[NFV_FW_RULE_A_TCP_FLAGS_MASK] = { .type = NLA_U8 },
	[NFV_FW_RULE_A_LIMIT_RATE] = NLA_POLICY_MIN(NLA_U32, 1),
	[NFV_FW_RULE_A_LIMIT_PERIOD] = NLA_POLICY_FULL_RANGE(NLA_U32,
							     &fw_period_range),
	[NFV_FW_RULE_A_LIMIT_BURST] = NLA_POLICY_MIN(NLA_U32, 1),
	[NFV_FW_RULE_A_LIMIT_OVER] = { .type = NLA_FLAG },
	[NFV_FW_RULE_A_COUNT_MAX] = { .type = NLA_U32 },
	[NFV_FW_RULE_A_METER_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&fw_meter_size_range),
	[NFV_FW_RULE_A_METER_V6_PREFIX] = NLA_POLICY_MAX(NLA_U8, 128),
};

/* The protocols whose ports the core's parser puts in the key. */
static bool fw_proto_has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP ||
	       proto == IPPROTO_DCCP;
}

static bool fw_proto_is_icmp(u8 proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

/*
 * [MIN, MAX] from two attributes in network byte order, as the packet's
 * ports; MAX defaults to MIN. Rules keep them in host order, to compare.
 */
static void fw_range(struct nlattr **tb, int min, int max, u16 *lo, u16 *hi)
{
	*lo = 0;
	*hi = 65535;
	if (tb[min])
		*lo = *hi = ntohs(nla_get_be16(tb[min]));
	if (tb[max])
		*hi = ntohs(nla_get_be16(tb[max]));
}

static int fw_parse_addr(struct nlattr **tb, int a, int l, __be32 *addr,
			 u8 *len, u8 family, struct netlink_ext_ack *extack)
{
	unsigned int alen = family == AF_INET ? 4 : 16;
	__be32 mask[4];
	int i;

	if (!tb[a]) {
		if (tb[l]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[l],
					    "prefix length without an address");
			return -EINVAL;
		}
		return 0;
	}
	if (!family || nla_len(tb[a]) != alen) {
		NL_SET_ERR_MSG_ATTR(extack, tb[a],
				    "address needs a family and its length");
		return -EINVAL;
	}
	memcpy(addr, nla_data(tb[a]), alen);
	*len = tb[l] ? nla_get_u8(tb[l]) : alen * 8;
	if (*len > alen * 8) {
		NL_SET_ERR_MSG_ATTR(extack, tb[l], "prefix longer than address");
		return -EINVAL;
	}
	/* Stored masked, so a listing shows what is matched. */
	for (i = 0; i < 4; i++) {
		u8 bits = clamp_t(int, *len - 32 * i, 0, 32);

		mask[i] = bits ? htonl(~0U << (32 - bits)) : 0;
		addr[i] &= mask[i];
	}
	return 0;
}

static int fw_parse_l4(struct nlattr **tb, struct fw_rule *r,
		       struct netlink_ext_ack *extack)
{
	struct nlattr *ports = tb[NFV_FW_RULE_A_SPORT_MIN] ?:
			       tb[NFV_FW_RULE_A_SPORT_MAX] ?:
			       tb[NFV_FW_RULE_A_DPORT_MIN] ?:
			       tb[NFV_FW_RULE_A_DPORT_MAX];
	bool icmp = tb[NFV_FW_RULE_A_ICMP_TYPE] || tb[NFV_FW_RULE_A_ICMP_CODE];

	if (ports && !fw_proto_has_ports(r->proto)) {
		NL_SET_ERR_MSG_ATTR(extack, ports,
				    "ports need tcp, udp, udplite, sctp or dccp");
		return -EINVAL;
	}
	if (icmp && !fw_proto_is_icmp(r->proto)) {
		NL_SET_ERR_MSG(extack, "ICMP type and code need icmp or icmpv6");
		return -EINVAL;
	}
	if (icmp) {
		/* The classifier keys ICMP type and code as the ports. */
		r->sport_hi = r->dport_hi = 65535;
		if (tb[NFV_FW_RULE_A_ICMP_TYPE])
			r->sport_lo = r->sport_hi =
				nla_get_u8(tb[NFV_FW_RULE_A_ICMP_TYPE]);
		if (tb[NFV_FW_RULE_A_ICMP_CODE])
			r->dport_lo = r->dport_hi =
				nla_get_u8(tb[NFV_FW_RULE_A_ICMP_CODE]);
		return 0;
	}
	fw_range(tb, NFV_FW_RULE_A_SPORT_MIN, NFV_FW_RULE_A_SPORT_MAX,
		 &r->sport_lo, &r->sport_hi);
	fw_range(tb, NFV_FW_RULE_A_DPORT_MIN, NFV_FW_RULE_A_DPORT_MAX,
		 &r->dport_lo, &r->dport_hi);
	if (r->sport_lo > r->sport_hi || r->dport_lo > r->dport_hi) {
		NL_SET_ERR_MSG(extack, "port range with min above max");
		return -EINVAL;
	}
	return 0;
}

/* The input port: a number, or a device's name resolved at each build. */
static int fw_parse_in(struct nlattr **tb, struct fw_rule *r,
		       struct netlink_ext_ack *extack)
{
	struct nlattr *name = tb[NFV_FW_RULE_A_IN_IFNAME];

	if (tb[NFV_FW_RULE_A_IN_PORT])
		r->in_port = nla_get_u32(tb[NFV_FW_RULE_A_IN_PORT]);
	if (!name)
		return 0;
	if (r->in_port) {
		NL_SET_ERR_MSG_ATTR(extack, name,
				    "a port number and a device name");
		return -EINVAL;
	}
	if (!nla_strscpy(r->ifname, name, IFNAMSIZ)) {
		NL_SET_ERR_MSG_ATTR(extack, name, "empty device name");
		return -EINVAL;
	}
	return 0;
}

static int fw_parse_reject(struct nlattr **tb, struct fw_rule *r,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *type = tb[NFV_FW_RULE_A_REJECT];

	if (!type)
		return 0;
	if (r->action != NFV_FW_REJECT) {
		NL_SET_ERR_MSG_ATTR(extack, type,
				    "a reject type needs the reject action");
		return -EINVAL;
	}
	r->reject = nla_get_u8(type);
	if (r->reject == NFV_FW_REJECT_TCP_RST && r->proto != IPPROTO_TCP) {
		NL_SET_ERR_MSG_ATTR(extack, type, "a TCP reset needs proto tcp");
		return -EINVAL;
	}
	return 0;
}

/* nft's "tcp flags & MASK == FLAGS"; MASK defaults to FLAGS. */
static int fw_parse_tcp_flags(struct nlattr **tb, struct fw_rule *r,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *flags = tb[NFV_FW_RULE_A_TCP_FLAGS];
	struct nlattr *mask = tb[NFV_FW_RULE_A_TCP_FLAGS_MASK];

	if (!flags) {
		if (mask) {
			NL_SET_ERR_MSG_ATTR(extack, mask,
					    "a TCP flags mask without the flags");
			return -EINVAL;
		}
		return 0;
	}
	if (r->proto != IPPROTO_TCP) {
		NL_SET_ERR_MSG_ATTR(extack, flags, "TCP flags need proto tcp");
		return -EINVAL;
	}
	r->tcp_flags = nla_get_u8(flags);
	r->tcp_mask = mask ? nla_get_u8(mask) : r->tcp_flags;
	if (r->tcp_flags & ~r->tcp_mask) {
		NL_SET_ERR_MSG_ATTR(extack, flags,
				    "TCP flags outside their mask: the rule would match nothing");
		return -EINVAL;
	}
	return 0;
}

/* A meter setting given, if any, to name when it has no meter. */
static struct nlattr *fw_meter_attr(struct nlattr **tb)
{
	static const int attrs[] = {
		NFV_FW_RULE_A_LIMIT_PERIOD, NFV_FW_RULE_A_LIMIT_BURST,
		NFV_FW_RULE_A_LIMIT_OVER, NFV_FW_RULE_A_METER_SIZE,
		NFV_FW_RULE_A_METER_V6_PREFIX,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		if (tb[attrs[i]])
			return tb[attrs[i]];
	return NULL;
}

/* limit-per-source or count-per-source, and the meter's table. */
static int fw_parse_meter(struct nlattr **tb, struct fw_rule *r,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *rate = tb[NFV_FW_RULE_A_LIMIT_RATE];
	struct nlattr *count = tb[NFV_FW_RULE_A_COUNT_MAX];
	struct nlattr *size = tb[NFV_FW_RULE_A_METER_SIZE];
	struct fw_meter_cfg *c = &r->meter;
	u32 cost, max;
	u8 shift;

	if (!rate && !count) {
		if (fw_meter_attr(tb)) {
			NL_SET_ERR_MSG_ATTR(extack, fw_meter_attr(tb),
					    "a meter setting without a per-source limit or count");
			return -EINVAL;
		}
		return 0;
	}
	if (rate && count) {
		NL_SET_ERR_MSG_ATTR(extack, count,
				    "a rule limits the rate or counts flows per source, not both");
		return -EINVAL;
	}
	if (count && (tb[NFV_FW_RULE_A_LIMIT_PERIOD] ||
		      tb[NFV_FW_RULE_A_LIMIT_BURST] ||
		      tb[NFV_FW_RULE_A_LIMIT_OVER])) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFV_FW_RULE_A_LIMIT_PERIOD] ?:
				    tb[NFV_FW_RULE_A_LIMIT_BURST] ?:
				    tb[NFV_FW_RULE_A_LIMIT_OVER],
				    "a period, burst or over needs a rate");
		return -EINVAL;
	}
	c->size = size ? nla_get_u32(size) : FW_METER_DEFAULT;
	if (!is_power_of_2(c->size)) {
		NL_SET_ERR_MSG_ATTR(extack, size,
				    "meter size must be a power of two");
		return -EINVAL;
	}
	c->v6_prefix = tb[NFV_FW_RULE_A_METER_V6_PREFIX] ?
		       nla_get_u8(tb[NFV_FW_RULE_A_METER_V6_PREFIX]) :
		       FW_METER_V6_PREFIX;
	if (count) {
		c->kind = FW_METER_COUNT;
		c->count_max = nla_get_u32(count);
		return 0;
	}
	c->kind = FW_METER_RATE;
	c->over = nla_get_flag(tb[NFV_FW_RULE_A_LIMIT_OVER]);
	c->rate = nla_get_u32(rate);
	c->period = tb[NFV_FW_RULE_A_LIMIT_PERIOD] ?
		    nla_get_u32(tb[NFV_FW_RULE_A_LIMIT_PERIOD]) : 1;
	c->burst = tb[NFV_FW_RULE_A_LIMIT_BURST] ?
		   nla_get_u32(tb[NFV_FW_RULE_A_LIMIT_BURST]) : c->rate;
	if (!fw_meter_scale(c, &shift, &cost, &max)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFV_FW_RULE_A_LIMIT_BURST] ?: rate,
				    "burst too large for the rate: it would take too long to refill");
		return -EINVAL;
	}
	return 0;
}

int fw_rule_parse(const struct nlattr *attr, struct fw_rule *r,
		  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFV_FW_RULE_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, NFV_FW_RULE_A_MAX, attr, fw_rule_policy,
			       extack);
	if (err)
		return err;
	memset(r, 0, sizeof(*r));
	if (!tb[NFV_FW_RULE_A_ACTION]) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "rule without an action (NFV_FW_RULE_A_ACTION)");
		return -EINVAL;
	}
	r->action = nla_get_u8(tb[NFV_FW_RULE_A_ACTION]);
	if (tb[NFV_FW_RULE_A_FAMILY]) {
		r->family = nla_get_u8(tb[NFV_FW_RULE_A_FAMILY]);
		if (r->family != AF_INET && r->family != AF_INET6) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFV_FW_RULE_A_FAMILY],
					    "family must be AF_INET or AF_INET6");
			return -EINVAL;
		}
	}
	if (tb[NFV_FW_RULE_A_PROTO])
		r->proto = nla_get_u8(tb[NFV_FW_RULE_A_PROTO]);
	if (tb[NFV_FW_RULE_A_CTSTATE])
		r->states = nla_get_u32(tb[NFV_FW_RULE_A_CTSTATE]);
	return fw_parse_in(tb, r, extack) ?:
	       fw_parse_reject(tb, r, extack) ?:
	       fw_parse_tcp_flags(tb, r, extack) ?:
	       fw_parse_meter(tb, r, extack) ?:
	       fw_parse_addr(tb, NFV_FW_RULE_A_SRC, NFV_FW_RULE_A_SRC_LEN,
			     r->src, &r->src_len, r->family, extack) ?:
	       fw_parse_addr(tb, NFV_FW_RULE_A_DST, NFV_FW_RULE_A_DST_LEN,
			     r->dst, &r->dst_len, r->family, extack) ?:
	       fw_parse_l4(tb, r, extack);
}

/* Appends the NFV_FW_A_RULE entries of list to *rules (kvmalloc'ed). */
int fw_rules_parse(const struct nlattr *list, struct fw_rule **rules,
		   u32 *n, u32 room, struct netlink_ext_ack *extack)
{
	struct fw_rule *more;
	struct nlattr *attr;
	u32 count = 0;
	int rem, err;

	nla_for_each_nested(attr, list, rem) {
		if (nla_type(attr) != NFV_FW_A_RULE) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "rule list elements must be rules");
			return -EINVAL;
		}
		count++;
	}
	if (count > room) {
		NL_SET_ERR_MSG_ATTR(extack, list, "too many rules");
		return -E2BIG;
	}
	if (!count)
		return 0;
	more = kvmalloc_array(*n + count, sizeof(*more), GFP_KERNEL);
	if (!more)
		return -ENOMEM;
	if (*n)
		memcpy(more, *rules, *n * sizeof(*more));
	count = *n;
	nla_for_each_nested(attr, list, rem) {
		err = fw_rule_parse(attr, &more[count++], extack);
		if (err) {
			kvfree(more);
			return err;
		}
		cond_resched();
	}
	kvfree(*rules);
	*rules = more;
	*n = count;
	return 0;
}

static struct fw_cnt *fw_cnt_ptr(struct fw_cnt __percpu *chunk, u32 idx,
				 int cpu)
{
	return per_cpu_ptr(chunk, cpu) + idx % FW_CNT_CHUNK;
}

void fw_ruleset_read(const struct fw_ruleset *rs, u32 idx, struct fw_cnt *c)
{
	struct fw_cnt __percpu *chunk = rs->cnt[idx / FW_CNT_CHUNK];
	int cpu;

	*c = rs->base ? rs->base[idx] : (struct fw_cnt){};
	for_each_possible_cpu(cpu) {
		const struct fw_cnt *p = fw_cnt_ptr(chunk, idx, cpu);

		c->packets += READ_ONCE(p->packets);
		c->bytes += READ_ONCE(p->bytes);
	}
}

/* Softirq, under RCU. */
void fw_ruleset_count(struct fw_ruleset *rs, u32 idx, unsigned int len)
{
	struct fw_cnt *c = this_cpu_ptr(rs->cnt[idx / FW_CNT_CHUNK]) +
			   idx % FW_CNT_CHUNK;

	c->packets++;
	c->bytes += len;
}

void fw_ruleset_free(struct fw_ruleset *rs)
{
	u32 i;

	if (!rs)
		return;
	for (i = 0; i < rs->n_meters; i++)
		if (rs->meters[i].m)
			fw_meter_drop(rs->meters[i].m);
	kfree(rs->meters);
	for (i = 0; i < DIV_ROUND_UP(rs->n, FW_CNT_CHUNK); i++)
		free_percpu(rs->cnt[i]);
	fw_cls_free(rs->cls);
	kvfree(rs->base);
	kvfree(rs->rules);
	kfree(rs);
}

static void fw_ruleset_free_rcu(struct rcu_head *head)
{
	fw_ruleset_free(container_of(head, struct fw_ruleset, rcu));
}

/*
 * Rules that name a device match its port as the datapath has it now;
 * while it is no port, nothing (FW_PORT_NONE). Every build resolves them
 * again, and a port event rebuilds a set that has any (main.c). Rules
 * without a handle (new ones) get the next. Returns the named rules.
 */
static u32 fw_rules_prepare(struct fw_inst *fw, struct fw_rule *rules, u32 n)
{
	u32 named = 0, i;

	for (i = 0; i < n; i++) {
		struct fw_rule *r = &rules[i];

		if (!r->handle)
			r->handle = ++fw->last_handle;
		if (!r->ifname[0])
			continue;
		r->in_port = nfv_port_no_by_name(fw->dp, r->ifname) ?:
			     FW_PORT_NONE;
		named++;
		if (!(named % 1024))
			cond_resched();
	}
	return named;
}

/* The meter of rule idx, or NULL. */
static struct fw_meter *fw_ruleset_meter(const struct fw_ruleset *rs, u32 idx)
{
	u32 i;

	for (i = 0; i < rs->n_meters; i++)
		if (rs->meters[i].idx == idx)
			return rs->meters[i].m;
	return NULL;
}

/*
 * A meter for each metered rule: the old set's, if the rule is carried
 * over unchanged (an edit elsewhere keeps limits and counts), else new.
 */
static int fw_ruleset_meters(struct fw_inst *fw, struct fw_ruleset *rs,
			     const struct fw_ruleset *old, const s32 *carry)
{
	u32 n = 0, total = 0, i;

	for (i = 0; i < rs->n; i++) {
		if (!rs->rules[i].meter.kind)
			continue;
		n++;
		total += rs->rules[i].meter.size;
		if (n > FW_MAX_METERS || total > FW_METER_TOTAL)
			return -EMLINK;
	}
	if (!n)
		return 0;
	rs->meters = kcalloc(n, sizeof(*rs->meters), GFP_KERNEL);
	if (!rs->meters)
		return -ENOMEM;
	for (i = 0; i < rs->n; i++) {
		const struct fw_meter_cfg *c = &rs->rules[i].meter;
		struct fw_rs_meter *rm = &rs->meters[rs->n_meters];

		if (!c->kind)
			continue;
		rm->idx = i;
		rm->m = old && carry && carry[i] >= 0 && carry[i] < old->n ?
			fw_ruleset_meter(old, carry[i]) : NULL;
		if (rm->m && !memcmp(&rm->m->cfg, c, sizeof(*c)))
			fw_meter_share(rm->m);
		else
			rm->m = fw_meter_create(fw->meter_ids, c);
		if (IS_ERR(rm->m)) {
			int err = PTR_ERR(rm->m);

			rm->m = NULL;
			return err;
		}
		rs->n_meters++;
	}
	return 0;
}

/*
 * Compiles rules (taking them over, even on failure) into a set. carry,
 * if given, names for each new rule the rule of old whose counters it
 * continues, or -1.
 */
struct fw_ruleset *fw_ruleset_build(struct fw_inst *fw, struct fw_rule *rules,
				    u32 n, u8 policy,
				    const struct fw_ruleset *old,
				    const s32 *carry, int *err)
{
	u32 chunks = DIV_ROUND_UP(n, FW_CNT_CHUNK), i;
	struct fw_ruleset *rs;

	/* Handles are u32 and never given twice: refuse past the last. */
	if (n > U32_MAX - fw->last_handle) {
		kvfree(rules);
		*err = -ENOSPC;
		return NULL;
	}

	*err = -ENOMEM;
	rs = kzalloc(struct_size(rs, cnt, chunks), GFP_KERNEL);
	if (!rs) {
		kvfree(rules);
		return NULL;
	}
	rs->rules = rules;
	rs->n = n;
	rs->policy = policy;
	rs->n_named = fw_rules_prepare(fw, rules, n);
	/*
	 * The last block holds only the rules left: 100 rules zero 1.6 KiB a
	 * CPU, not 16 (per-CPU memory is zeroed, and new pages too).
	 */
	for (i = 0; i < chunks; i++) {
		u32 len = min_t(u32, n - i * FW_CNT_CHUNK, FW_CNT_CHUNK);

		rs->cnt[i] = __alloc_percpu(len * sizeof(struct fw_cnt),
					    __alignof__(struct fw_cnt));
		if (!rs->cnt[i])
			goto fail;
	}
	if (old && carry && n) {
		rs->base = kvcalloc(n, sizeof(*rs->base), GFP_KERNEL);
		if (!rs->base)
			goto fail;
		for (i = 0; i < n; i++) {
			if (carry[i] >= 0 && carry[i] < old->n)
				fw_ruleset_read(old, carry[i], &rs->base[i]);
			cond_resched();
		}
	}
	*err = fw_ruleset_meters(fw, rs, old, carry);
	if (*err)
		goto fail;
	rs->cls = fw_cls_build(rules, n, err);
	if (rs->cls)
		return rs;
fail:
	fw_ruleset_free(rs);
	return NULL;
}

/* RTNL held. The old set goes after the readers that may hold it. */
void fw_ruleset_swap(struct fw_inst *fw, struct fw_ruleset *rs)
{
	struct fw_ruleset *old = rcu_replace_pointer(fw->rs, rs,
						     lockdep_rtnl_is_held());

	if (old)
		call_rcu(&old->rcu, fw_ruleset_free_rcu);
}

static int fw_put_addr(struct sk_buff *skb, int a, int l, const __be32 *addr,
		       u8 len, u8 family)
{
	if (!len)
		return 0;
	return nla_put(skb, a, family == AF_INET ? 4 : 16, addr) ||
	       nla_put_u8(skb, l, len);
}

static int fw_put_range(struct sk_buff *skb, int min, int max, u16 lo, u16 hi)
{
	if (lo == 0 && hi == 65535)
		return 0;
	return nla_put_be16(skb, min, htons(lo)) ||
	       nla_put_be16(skb, max, htons(hi));
}

static int fw_put_l4(struct sk_buff *skb, const struct fw_rule *r)
{
	if (!fw_proto_is_icmp(r->proto))
		return fw_put_range(skb, NFV_FW_RULE_A_SPORT_MIN,
				    NFV_FW_RULE_A_SPORT_MAX, r->sport_lo,
				    r->sport_hi) ||
		       fw_put_range(skb, NFV_FW_RULE_A_DPORT_MIN,
				    NFV_FW_RULE_A_DPORT_MAX, r->dport_lo,
				    r->dport_hi);
	if (r->sport_lo == r->sport_hi &&
	    nla_put_u8(skb, NFV_FW_RULE_A_ICMP_TYPE, r->sport_lo))
		return -EMSGSIZE;
	if (r->dport_lo == r->dport_hi &&
	    nla_put_u8(skb, NFV_FW_RULE_A_ICMP_CODE, r->dport_lo))
		return -EMSGSIZE;
	return 0;
}

/* A rule by device name shows the name only: its port may change. */
static int fw_put_in(struct sk_buff *skb, const struct fw_rule *r)
{
	if (r->ifname[0])
		return nla_put_string(skb, NFV_FW_RULE_A_IN_IFNAME, r->ifname);
	if (r->in_port)
		return nla_put_u32(skb, NFV_FW_RULE_A_IN_PORT, r->in_port);
	return 0;
}

static int fw_put_meter(struct sk_buff *skb, const struct fw_ruleset *rs,
			u32 idx)
{
	const struct fw_meter_cfg *c = &rs->rules[idx].meter;
	struct fw_meter *m = fw_ruleset_meter(rs, idx);
	u64 limited, full;

	if (!c->kind || !m)
		return 0;
	fw_meter_read(m, &limited, &full);
	if (c->kind == FW_METER_RATE &&
	    (nla_put_u32(skb, NFV_FW_RULE_A_LIMIT_RATE, c->rate) ||
	     nla_put_u32(skb, NFV_FW_RULE_A_LIMIT_PERIOD, c->period) ||
	     nla_put_u32(skb, NFV_FW_RULE_A_LIMIT_BURST, c->burst) ||
	     (c->over && nla_put_flag(skb, NFV_FW_RULE_A_LIMIT_OVER))))
		return -EMSGSIZE;
	if (c->kind == FW_METER_COUNT &&
	    nla_put_u32(skb, NFV_FW_RULE_A_COUNT_MAX, c->count_max))
		return -EMSGSIZE;
	return nla_put_u32(skb, NFV_FW_RULE_A_METER_SIZE, c->size) ||
	       nla_put_u8(skb, NFV_FW_RULE_A_METER_V6_PREFIX, c->v6_prefix) ||
	       nla_put_u64_64bit(skb, NFV_FW_RULE_A_METER_LIMITED, limited,
				 NFV_FW_RULE_A_PAD) ||
	       nla_put_u64_64bit(skb, NFV_FW_RULE_A_METER_FULL, full,
				 NFV_FW_RULE_A_PAD) ? -EMSGSIZE : 0;
}

/* The contents of one rule's NFV_A_NF_ITEM. */
int fw_rule_fill(struct sk_buff *skb, const struct fw_ruleset *rs, u32 idx)
{
	const struct fw_rule *r = &rs->rules[idx];
	struct fw_cnt c;

	fw_ruleset_read(rs, idx, &c);
	if (nla_put_u32(skb, NFV_FW_RULE_A_INDEX, idx) ||
	    nla_put_u8(skb, NFV_FW_RULE_A_ACTION, r->action) ||
	    nla_put_u64_64bit(skb, NFV_FW_RULE_A_PACKETS, c.packets,
			      NFV_FW_RULE_A_PAD) ||
	    nla_put_u64_64bit(skb, NFV_FW_RULE_A_BYTES, c.bytes,
			      NFV_FW_RULE_A_PAD) ||
	    nla_put_u32(skb, NFV_FW_RULE_A_HANDLE, r->handle) ||
	    fw_put_in(skb, r) ||
	    (r->reject && nla_put_u8(skb, NFV_FW_RULE_A_REJECT, r->reject)) ||
	    (r->tcp_mask &&
	     (nla_put_u8(skb, NFV_FW_RULE_A_TCP_FLAGS, r->tcp_flags) ||
	      nla_put_u8(skb, NFV_FW_RULE_A_TCP_FLAGS_MASK, r->tcp_mask))) ||
	    (r->family && nla_put_u8(skb, NFV_FW_RULE_A_FAMILY, r->family)) ||
	    (r->proto && nla_put_u8(skb, NFV_FW_RULE_A_PROTO, r->proto)) ||
	    (r->states && nla_put_u32(skb, NFV_FW_RULE_A_CTSTATE, r->states)) ||
	    fw_put_addr(skb, NFV_FW_RULE_A_SRC, NFV_FW_RULE_A_SRC_LEN, r->src,
			r->src_len, r->family) ||
	    fw_put_addr(skb, NFV_FW_RULE_A_DST, NFV_FW_RULE_A_DST_LEN, r->dst,
			r->dst_len, r->family) ||
	    fw_put_l4(skb, r) || fw_put_meter(skb, rs, idx))
		return -EMSGSIZE;
	return 0;
}
