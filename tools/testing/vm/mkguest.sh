#!/bin/bash
# Builds (or finds in the cache) the nested guest's boot files, for the
# real guest that test-guest-vm.sh boots in QEMU inside the test VM on
# Debian's kernel KVER. Prints two paths, one a line:
#  - the kernel: vmlinux, uncompressed from /boot/vmlinuz-KVER, which QEMU
#    boots through its PVH entry (CONFIG_PVH): no decompression in the
#    guest, which under TCG inside TCG took tens of seconds;
#  - the initramfs, uncompressed for the same reason: busybox-static, the
#    modules virtio-net needs that are modules in KVER (from modules.dep,
#    in load order; built-in ones are left out), guest-init as /init.
#
# Cached in ~/.cache/nfv (NFV_CACHE) keyed by the kernel version, the
# modules' and busybox's contents and the files that build it (this one,
# modules.sh, guest-init). The test VM sees the
# host's cache read-only: where the cache cannot be written, the image is
# built in /tmp (the harness builds it on the host first, so the VM
# normally finds it).
# Usage: mkguest.sh KVER
set -euo pipefail

kver=${1:?usage: $0 KVER}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=modules.sh
. "$here/modules.sh"
cache=${NFV_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/nfv}
busybox=/bin/busybox
mods=(virtio_pci virtio_net)

list=$(mod_files "$kver" "${mods[@]}")
# A kernel without virtio_net as a module or built in boots no guest.
modprobe -S "$kver" --show-depends virtio_net > /dev/null 2>&1 ||
	{ echo "mkguest: no virtio_net in $kver" >&2; exit 1; }

vmlinuz=/boot/vmlinuz-$kver
# The kernel depends only on vmlinuz: its own key, so that a change of the
# initramfs does not copy 60 MB again.
vkey=$(sha256sum < "$vmlinuz" | cut -c1-16)
key=$( { echo "$kver"; echo "$list"; cat $list "$busybox" "$0" "$here/modules.sh" "$here/guest-init"; } |
	sha256sum | cut -c1-16)
kernel=guest-$kver-$vkey.vmlinux
initrd=guest-$kver-$key.cpio
found() {
	[ -s "$1/$kernel" ] && [ -s "$1/$initrd" ] || return 1
	echo "$1/$kernel"
	echo "$1/$initrd"
}
found "$cache" && exit 0
if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
	cache=/tmp/nfv-cache
	found "$cache" && exit 0
	mkdir -p "$cache"
fi

work=$(mktemp -d)
trap 'rm -rf "$work" "$cache/$kernel.tmp.$$" "$cache/$initrd.tmp.$$"' EXIT
mkdir -p "$work"/{bin,dev,proc,sys,run,lib/modules}
cp "$busybox" "$work/bin/busybox"
ln -s busybox "$work/bin/sh"
ln -s busybox "$work/bin/cat"
cp "$here/guest-init" "$work/init"
# TCP port 8's answer: what guest-init wrote of itself, and the IPv4
# counters (Ip: ... Forwarding ... ForwDatagrams ...), with builtins only.
printf '%s\n' '#!/bin/sh' 'read -r me < /run/nfv-guest' 'echo "$me"' \
	'while read -r l; do case "$l" in Ip:*) echo "$l" ;; esac; done < /proc/net/snmp' \
	> "$work/bin/nfv-info"
chmod +x "$work/init" "$work/bin/nfv-info"
# shellcheck disable=SC2086 # one file a word
mod_unpack "$work" $list
(cd "$work" && find . | cpio -o -H newc --quiet) > "$cache/$initrd.tmp.$$"

# vmlinux: the payload of the bzImage, from its compressor's magic on;
# the decompressor stops at the payload's end and complains about what
# follows it, so its status says nothing: the PVH note must be there.
unpack_kernel() {
	local magic unpack

	magic=$(LC_ALL=C grep -abo -m1 -e $'\x28\xb5\x2f\xfd' -e $'\xfd7zXZ\x00' \
		"$vmlinuz" | head -n1)
	case "$magic" in
	*7zXZ*) unpack=(xz -dcq) ;;
	?*) unpack=(zstd -dcq) ;;
	*) echo "mkguest: no zstd or xz payload in $vmlinuz" >&2; return 1 ;;
	esac
	tail -c +$(( ${magic%%:*} + 1 )) "$vmlinuz" | "${unpack[@]}" 2>/dev/null || true
}
if [ ! -s "$cache/$kernel" ]; then
	unpack_kernel > "$cache/$kernel.tmp.$$"
	readelf -n "$cache/$kernel.tmp.$$" 2>/dev/null |
		grep -Eq 'Xen .*(\(0x00000012\)|PHYS32_ENTRY)' || {
		echo "mkguest: $vmlinuz's vmlinux has no PVH entry (Xen note 18)" >&2
		exit 1
	}
	mv "$cache/$kernel.tmp.$$" "$cache/$kernel"
fi
mv "$cache/$initrd.tmp.$$" "$cache/$initrd"
found "$cache"
