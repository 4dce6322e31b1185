#!/bin/bash
# Builds (or finds in the cache) the VM's initramfs for one kernel version:
# busybox plus the modules that mount the host root over 9p, in dependency
# order. Prints the image's path.
set -euo pipefail

kver=${1:?usage: $0 KVER}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=modules.sh
. "$here/modules.sh"
cache=${NFV_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/nfv}
mods=(virtio_pci 9pnet_virtio 9p)

list=$(mod_files "$kver" "${mods[@]}")

key=$( { echo "$kver"; echo "$list"; cat "$0" "$here/modules.sh" "$here/initramfs-init"; } |
	sha256sum | cut -c1-16)
img=$cache/initramfs-$kver-$key.gz
if [ -s "$img" ]; then
	echo "$img"
	exit 0
fi

mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,dev,proc,sys,newroot,lib/modules}
cp /bin/busybox "$work/bin/busybox"
cp "$here/initramfs-init" "$work/init"
chmod +x "$work/init"
# shellcheck disable=SC2086 # one file a word
mod_unpack "$work" $list
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) > "$img.tmp.$$"
mv "$img.tmp.$$" "$img"
echo "$img"
