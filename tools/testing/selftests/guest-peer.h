/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest-peer's two halves: the tiny stack (guest-peer.c) and its frames
 * through vhost-net (guest-vhost.c). A frame is always the tap's 12-byte
 * virtio-net header followed by the Ethernet frame.
 */
#ifndef GUEST_PEER_H
#define GUEST_PEER_H

#include <stddef.h>
#include <stdint.h>

/* A frame for the stack; @fd is the tap's, or -1 for the vrings. */
typedef void (*frame_fn)(int fd, uint8_t *buf, size_t n);

int vhost_start(int tapfd);
int vhost_send(const uint8_t *buf, size_t n);
int vhost_wait(int ms, frame_fn frame);
void vhost_stop(void);

#endif
