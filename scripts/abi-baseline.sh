#!/bin/bash
# Builds nfvctl and the modules of the ABI baseline, the commit that
# tools/testing/abi/baseline names, for test-abi-compat.sh: its tree from
# git (git archive, so the clone needs that commit: a shallow clone fails
# here, saying so), in build/abi-base/HASH/src; its nfvctl in
# build/abi-base/HASH/nfvctl; its modules for each kernel given in
# build/abi-base/HASH/KVER/kmod. Each is built once, keyed by the hash
# and the kernel: a warm run builds nothing.
# A kernel is an installed version or the path of a kernel build tree (the
# debug kernel), as for scripts/build-modules.sh. Prints the directory.
# Usage: abi-baseline.sh [KVER|KDIR...]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
file=$top/tools/testing/abi/baseline
die() { echo "abi-baseline: $*" >&2; exit 1; }

hash=$(awk '$1 == "commit" { print $2 }' "$file")
[[ $hash =~ ^[0-9a-f]{40}$ ]] ||
	die "$file: the 'commit' line must give a full 40-digit hash, not '$hash'"
if ! git -C "$top" cat-file -e "$hash^{commit}" 2>/dev/null; then
	why="this clone does not have it"
	[ "$(git -C "$top" rev-parse --is-shallow-repository 2>/dev/null)" != true ] ||
		why="this clone is shallow (git fetch --unshallow)"
	die "the ABI baseline $hash ($file) cannot be built: $why"
fi
tag=$(awk '$1 == "tag" { print $2 }' "$file")
if [ -n "$tag" ] && tagged=$(git -C "$top" rev-parse -q --verify "refs/tags/$tag^{commit}"); then
	[ "$tagged" = "$hash" ] ||
		echo "abi-baseline: warning: tag $tag is $tagged, $file says $hash" >&2
fi

out=$top/build/abi-base/$hash
mkdir -p "$out"
# Each piece is built in a scratch directory and renamed into place: an
# interrupted build leaves nothing that looks done.
tmp=$(mktemp -d "$out/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ ! -d "$out/src" ]; then
	echo "abi-baseline: $hash${tag:+ ($tag)} -> build/abi-base/$hash/src" >&2
	mkdir "$tmp/src"
	git -C "$top" archive "$hash" | tar -x -C "$tmp/src"
	mv "$tmp/src" "$out/src"
fi

if [ ! -x "$out/nfvctl" ]; then
	echo "abi-baseline: its nfvctl" >&2
	cp -a "$out/src/userspace" "$tmp/userspace"
	ln -s "$out/src/uapi" "$tmp/uapi"
	ln -s "$out/src/VERSION" "$tmp/VERSION"
	make -s -C "$tmp/userspace" nfvctl >&2
	mv "$tmp/userspace/nfvctl" "$out/nfvctl"
fi

for kver in "$@"; do
	kdir=/lib/modules/$kver/build
	case "$kver" in
	*/*) kdir=$kver; kver=$(cat "$kdir/include/config/kernel.release") ;;
	esac
	[ -e "$kdir/Makefile" ] || die "no kernel build tree for $kver ($kdir)"
	[ ! -e "$out/$kver/kmod/nfv.ko" ] || continue
	echo "abi-baseline: its modules for $kver -> build/abi-base/$hash/$kver" >&2
	dir=$tmp/$kver
	mkdir -p "$dir"
	(cd "$out/src" && cp -a Kbuild VERSION kmod uapi "$dir/")
	make -s -C "$kdir" M="$dir" modules >&2
	rm -rf "${out:?}/$kver"
	mv "$dir" "$out/$kver"
done
echo "$out"
