// SPDX-License-Identifier: GPL-2.0
/*
 * guest-peer --vhost: the guest's frames through vhost-net, set up as
 * QEMU sets it up for -netdev tap,fd=N,vhost=on (hw/virtio/vhost.c,
 * hw/net/vhost_net.c), in the same order:
 *
 *   open /dev/vhost-net, VHOST_SET_OWNER, VHOST_GET_FEATURES,
 *   VHOST_SET_FEATURES, VHOST_SET_MEM_TABLE; per vring (rx 0, tx 1):
 *   VHOST_SET_VRING_NUM, _BASE, _ADDR, _KICK, _CALL; then
 *   VHOST_NET_SET_BACKEND with the tap's fd for each vring.
 *
 * Guest memory is one anonymous mapping, "guest-physical" address 0 at
 * its start: the memory table's one region. It holds both split
 * virtqueues (descriptor table, avail ring, used ring) and their buffers,
 * QSZ of BUF bytes each. Descriptors carry guest-physical addresses (an
 * offset into the mapping), the vring addresses are this process's, as
 * QEMU passes its own mapping of guest RAM.
 *
 * Features: VIRTIO_F_VERSION_1 only. The virtio-net header is the tap's
 * own (IFF_VNET_HDR, 12 bytes with TUNSETVNETHDRSZ), not one vhost adds
 * (VHOST_NET_F_VIRTIO_NET_HDR): QEMU does the same whenever the tap has a
 * vnet header, which a macvtap always has, and the header's GSO and
 * checksum fields then cross vhost untouched, as on the tap path.
 * VIRTIO_NET_F_MRG_RXBUF stays off: the guest offers the tap no TSO, so
 * no frame for it exceeds a 2 KiB buffer, and each takes one descriptor
 * (vhost discards a frame larger than its buffer). A frame the guest
 * sends may be larger (a GSO frame): it takes a chain of descriptors.
 * No EVENT_IDX nor indirect descriptors: notification by the rings'
 * flags, which is what virtio falls back to.
 *
 * rx: every buffer is posted at the start and posted again once its
 * frame was read; tx: descriptors are handed out in ring order and come
 * back in the same order (vhost-net without zerocopy completes in order).
 * The call eventfds are polled; the kick eventfds written unless vhost
 * asked not to be notified (VRING_USED_F_NO_NOTIFY).
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest-peer.h"

#define QSZ		256	/* descriptors per vring */
#define BUF		2048	/* bytes per buffer */
#define RING_BYTES	(3 * 4096)	/* desc, avail, used: a page each */
#define Q_BYTES		(RING_BYTES + QSZ * BUF)
#define MEM_BYTES	(2 * Q_BYTES)
#define RXQ		0
#define TXQ		1

struct vq {
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint8_t *buf;		/* QSZ buffers of BUF bytes */
	uint64_t buf_gpa;	/* their guest-physical address */
	int kick, call;
	uint16_t avail_idx;	/* next avail slot to fill */
	uint16_t used_idx;	/* next used slot to read */
	uint16_t next, nfree;	/* tx: next free descriptor, how many */
	uint16_t chain[QSZ];	/* tx: length of the chain at each head */
};

static struct {
	int fd;			/* /dev/vhost-net */
	uint8_t *mem;
	struct vq q[2];
} vh = { .fd = -1 };

static int vhost_ioctl(unsigned long req, const char *name, void *arg)
{
	if (ioctl(vh.fd, req, arg) == 0)
		return 0;
	fprintf(stderr, "guest-peer: %s: %s\n", name, strerror(errno));
	return -1;
}
#define VHOST(req, arg)	vhost_ioctl(req, #req, arg)

/* The guest's memory, and each vring's place in it. */
static int vhost_layout(void)
{
	int i;

	vh.mem = mmap(NULL, MEM_BYTES, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vh.mem == MAP_FAILED) {
		perror("guest-peer: mmap");
		return -1;
	}
	for (i = 0; i < 2; i++) {
		struct vq *q = &vh.q[i];
		uint8_t *base = vh.mem + i * Q_BYTES;

		q->desc = (struct vring_desc *)base;
		q->avail = (struct vring_avail *)(base + 4096);
		q->used = (struct vring_used *)(base + 2 * 4096);
		q->buf = base + RING_BYTES;
		q->buf_gpa = (uint64_t)(i * Q_BYTES + RING_BYTES);
		q->nfree = QSZ;
	}
	return 0;
}

static int vhost_owner(void)
{
	vh.fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
	if (vh.fd < 0) {
		perror("guest-peer: /dev/vhost-net");
		return -1;
	}
	return VHOST(VHOST_SET_OWNER, NULL);
}

static int vhost_features(void)
{
	uint64_t f;

	if (VHOST(VHOST_GET_FEATURES, &f))
		return -1;
	if (!(f & (1ULL << VIRTIO_F_VERSION_1))) {
		fprintf(stderr, "guest-peer: vhost-net lacks VIRTIO_F_VERSION_1\n");
		return -1;
	}
	f = 1ULL << VIRTIO_F_VERSION_1;
	return VHOST(VHOST_SET_FEATURES, &f);
}

static int vhost_mem_table(void)
{
	struct {
		struct vhost_memory m;
		struct vhost_memory_region r;
	} t = {
		.m.nregions = 1,
		.r = {
			.guest_phys_addr = 0,
			.memory_size = MEM_BYTES,
			.userspace_addr = (uintptr_t)vh.mem,
		},
	};

	return VHOST(VHOST_SET_MEM_TABLE, &t);
}

static int vhost_vring(unsigned int i)
{
	struct vq *q = &vh.q[i];
	struct vhost_vring_state num = { .index = i, .num = QSZ };
	struct vhost_vring_state base = { .index = i, .num = 0 };
	struct vhost_vring_addr addr = {
		.index = i,
		.desc_user_addr = (uintptr_t)q->desc,
		.avail_user_addr = (uintptr_t)q->avail,
		.used_user_addr = (uintptr_t)q->used,
	};
	struct vhost_vring_file kick = { .index = i }, call = { .index = i };

	q->kick = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	q->call = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->kick < 0 || q->call < 0) {
		perror("guest-peer: eventfd");
		return -1;
	}
	kick.fd = q->kick;
	call.fd = q->call;
	if (VHOST(VHOST_SET_VRING_NUM, &num) ||
	    VHOST(VHOST_SET_VRING_BASE, &base) ||
	    VHOST(VHOST_SET_VRING_ADDR, &addr) ||
	    VHOST(VHOST_SET_VRING_KICK, &kick) ||
	    VHOST(VHOST_SET_VRING_CALL, &call))
		return -1;
	return 0;
}

/* @tapfd to both vrings; -1 detaches them, as QEMU does when it stops. */
static int vhost_backend(int tapfd)
{
	struct vhost_vring_file b = { .fd = tapfd };

	for (b.index = 0; b.index < 2; b.index++)
		if (VHOST(VHOST_NET_SET_BACKEND, &b))
			return -1;
	return 0;
}

static void vhost_kick(struct vq *q)
{
	/* The avail index out before the used flags are read. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!(le16toh(q->used->flags) & VRING_USED_F_NO_NOTIFY) &&
	    eventfd_write(q->kick, 1))
		perror("guest-peer: kick");
}

/* Puts descriptor chain @head into the avail ring; publish with the next. */
static void vhost_offer(struct vq *q, uint16_t head)
{
	q->avail->ring[q->avail_idx % QSZ] = htole16(head);
	q->avail_idx++;
}

static void vhost_publish(struct vq *q)
{
	__atomic_store_n(&q->avail->idx, htole16(q->avail_idx),
			 __ATOMIC_RELEASE);
	vhost_kick(q);
}

/* rx buffer @id, writable by vhost, into the avail ring. */
static void vhost_rx_post(uint16_t id)
{
	struct vq *q = &vh.q[RXQ];

	q->desc[id].addr = htole64(q->buf_gpa + (uint64_t)id * BUF);
	q->desc[id].len = htole32(BUF);
	q->desc[id].flags = htole16(VRING_DESC_F_WRITE);
	vhost_offer(q, id);
}

int vhost_start(int tapfd)
{
	uint16_t id;

	if (vhost_layout() || vhost_owner() || vhost_features() ||
	    vhost_mem_table() || vhost_vring(RXQ) || vhost_vring(TXQ))
		return -1;
	for (id = 0; id < QSZ; id++)
		vhost_rx_post(id);
	vhost_publish(&vh.q[RXQ]);
	return vhost_backend(tapfd);
}

/* Gets back the tx descriptors vhost has sent. */
static void vhost_reclaim(void)
{
	struct vq *q = &vh.q[TXQ];
	uint16_t end = le16toh(__atomic_load_n(&q->used->idx,
					       __ATOMIC_ACQUIRE));

	for (; q->used_idx != end; q->used_idx++) {
		uint32_t id = le32toh(q->used->ring[q->used_idx % QSZ].id);

		if (id < QSZ)
			q->nfree += q->chain[id];
	}
}

/* A frame (header and all) into the tx vring, chained over buffers. */
int vhost_send(const uint8_t *buf, size_t n)
{
	struct vq *q = &vh.q[TXQ];
	uint16_t need = (uint16_t)((n + BUF - 1) / BUF), head = q->next, i;

	vhost_reclaim();
	if (!n || n > (size_t)QSZ * BUF || need > q->nfree)
		return -1;
	for (i = 0; i < need; i++) {
		uint16_t d = (uint16_t)((head + i) % QSZ);
		size_t off = (size_t)i * BUF, len = n - off < BUF ? n - off : BUF;

		memcpy(q->buf + (size_t)d * BUF, buf + off, len);
		q->desc[d].addr = htole64(q->buf_gpa + (uint64_t)d * BUF);
		q->desc[d].len = htole32((uint32_t)len);
		q->desc[d].flags = htole16(i + 1 < need ? VRING_DESC_F_NEXT : 0);
		q->desc[d].next = htole16((uint16_t)((d + 1) % QSZ));
	}
	q->chain[head] = need;
	q->next = (uint16_t)((head + need) % QSZ);
	q->nfree -= need;
	vhost_offer(q, head);
	vhost_publish(q);
	return 0;
}

/* The frames vhost wrote into rx buffers, each posted again after. */
static void vhost_rx(frame_fn frame)
{
	struct vq *q = &vh.q[RXQ];
	uint16_t end = le16toh(__atomic_load_n(&q->used->idx,
					       __ATOMIC_ACQUIRE));
	int n = 0;

	for (; q->used_idx != end; q->used_idx++, n++) {
		struct vring_used_elem *e = &q->used->ring[q->used_idx % QSZ];
		uint32_t id = le32toh(e->id), len = le32toh(e->len);

		if (id >= QSZ)
			continue;
		if (len > sizeof(struct virtio_net_hdr_mrg_rxbuf) && len <= BUF)
			frame(-1, q->buf + (size_t)id * BUF, len);
		vhost_rx_post((uint16_t)id);
	}
	if (n)
		vhost_publish(q);
}

/* Waits up to @ms for vhost's calls: frames for @frame, tx completions. */
int vhost_wait(int ms, frame_fn frame)
{
	struct pollfd p[2] = {
		{ .fd = vh.q[RXQ].call, .events = POLLIN },
		{ .fd = vh.q[TXQ].call, .events = POLLIN },
	};
	eventfd_t v;

	if (poll(p, 2, ms) < 0)
		return errno == EINTR ? 0 : -1;
	/* Cleared before the ring is read: a call after it is not lost. */
	if (p[0].revents & POLLIN) {
		eventfd_read(p[0].fd, &v);
		vhost_rx(frame);
	}
	if (p[1].revents & POLLIN) {
		eventfd_read(p[1].fd, &v);
		vhost_reclaim();
	}
	return 0;
}

void vhost_stop(void)
{
	int i;

	if (vh.fd < 0)
		return;
	vhost_backend(-1);
	close(vh.fd);
	for (i = 0; i < 2; i++) {
		close(vh.q[i].kick);
		close(vh.q[i].call);
	}
	munmap(vh.mem, MEM_BYTES);
	vh.fd = -1;
}
