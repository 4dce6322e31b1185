#!/bin/bash
# Builds the modules for each kernel given (default: the newest installed
# of each supported kind, tools/testing/kver.sh all), each in its own
# directory build/KVER: out-of-tree builds write next to their sources, so
# each kernel gets a copy of them, refreshed file by file (what did not
# change is not rebuilt). A kernel is an installed version or the path of a
# kernel build tree (the debug kernel). Arguments after -- go to the
# kernel's make.
# Usage: build-modules.sh [KVER|KDIR...] [-- MAKE_ARGS...]  (e.g. -- W=1 C=2)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kvers=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	kvers+=("$1")
	shift
done
[ $# -eq 0 ] || shift
[ ${#kvers[@]} -gt 0 ] || mapfile -t kvers < <("$top/tools/testing/kver.sh" all)
[ ${#kvers[@]} -gt 0 ] || { echo "build-modules: no kernel headers installed (make deps)" >&2; exit 1; }

# Source files only: not the *.mod.c a build generates (an old in-tree
# build's, copied, would link another kernel's version magic in).
sources() {
	(cd "$1" && find Kbuild VERSION kmod uapi -type f ! -name '*.mod.c' \
		\( -name '*.[ch]' -o -name Kbuild -o -name Makefile \
		   -o -name VERSION \) | sort)
}

# Makes DIR's copy of the sources equal to the checkout's.
sync_sources() {
	local dir=$1 f
	while read -r f; do
		mkdir -p "$dir/$(dirname "$f")"
		cmp -s "$top/$f" "$dir/$f" || cp "$top/$f" "$dir/$f"
	done < <(sources "$top")
	[ -e "$dir/kmod" ] || return 0
	comm -13 <(sources "$top") <(sources "$dir") | while read -r f; do
		rm -f "$dir/$f"
	done
}

for kver in "${kvers[@]}"; do
	kdir=/lib/modules/$kver/build
	case "$kver" in
	*/*) kdir=$kver; kver=$(cat "$kdir/include/config/kernel.release") ;;
	esac
	dir=$top/build/$kver
	mkdir -p "$dir"
	sync_sources "$dir"
	echo "build-modules: $kver -> build/$kver" >&2
	make -C "$kdir" M="$dir" "$@" modules
done
