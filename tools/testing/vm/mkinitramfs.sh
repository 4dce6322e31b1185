#!/bin/bash
# Builds (or finds in the cache) the VM's initramfs for one kernel version:
# busybox plus the modules that mount the host root over 9p, in dependency
# order. Prints the image's path.
set -euo pipefail

kver=${1:?usage: $0 KVER}
here=$(cd "$(dirname "$0")" && pwd)
cache=${NFV_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/nfv}
mods=(virtio_pci 9pnet_virtio 9p)

# The module files, in load order, each once; built-in ones print nothing.
list=$(for m in "${mods[@]}"; do
	modprobe -S "$kver" --show-depends "$m" 2>/dev/null || true
done | awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++')

key=$( { echo "$kver"; echo "$list"; cat "$0" "$here/initramfs-init"; } |
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
: > "$work/modules"
for f in $list; do
	name=$(basename "$f")
	case "$name" in
	*.ko.xz) xz -dc "$f" > "$work/lib/modules/${name%.xz}"; name=${name%.xz} ;;
	*.ko.zst) zstd -qdc "$f" > "$work/lib/modules/${name%.zst}"; name=${name%.zst} ;;
	*) cp "$f" "$work/lib/modules/$name" ;;
	esac
	echo "$name" >> "$work/modules"
done
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) > "$img.tmp.$$"
mv "$img.tmp.$$" "$img"
echo "$img"
