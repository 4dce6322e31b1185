# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Sourced by mkinitramfs.sh and mkguest.sh: the kernel modules an image
# loads at boot, found and unpacked the same way for both. Part of both
# images' cache keys.

# mod_files KVER MODULE...: the module files of KVER that the MODULEs need,
# in load order, each once; built-in ones print nothing.
mod_files() {
	local kver=$1 m

	shift
	for m in "$@"; do
		modprobe -S "$kver" --show-depends "$m" 2>/dev/null || true
	done | awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++'
}

# mod_unpack DIR FILE...: each module file, uncompressed, into
# DIR/lib/modules, and its name into DIR/modules, the order the image's
# init loads them in.
mod_unpack() {
	local dir=$1 f m

	shift
	mkdir -p "$dir/lib/modules"
	: > "$dir/modules"
	for f in "$@"; do
		m=$(basename "$f")
		case "$m" in
		*.ko.xz) xz -dc "$f" > "$dir/lib/modules/${m%.xz}"; m=${m%.xz} ;;
		*.ko.zst) zstd -qdc "$f" > "$dir/lib/modules/${m%.zst}"; m=${m%.zst} ;;
		*) cp "$f" "$dir/lib/modules/$m" ;;
		esac
		echo "$m" >> "$dir/modules"
	done
}
