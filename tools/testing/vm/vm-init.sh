#!/bin/sh
# Runs as PID 1 in the VM on the host's read-only root: gives the tests the
# writable places they need, runs the command, reports its exit status on
# the console and powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
for d in /tmp /run /var/tmp /var/lib/dkms; do
	mount -t tmpfs tmpfs "$d" 2>/dev/null
done
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
hostname nfv-vm
ip link set lo up

arg() { sed -n "s/.*nfv\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }

# A checkout under a directory the VM mounts over (/tmp) comes in through
# its own share, at the same path.
top=$(arg top)
if [ ! -d "$top/tools/testing" ]; then
	mkdir -p "$top"
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro \
		nfvtop "$top"
fi
cd "$(arg cwd)" || cd /
sh "$(arg cmd)"
rc=$?
echo "NFV-VM-EXIT=$rc"
sync
exec busybox poweroff -f
