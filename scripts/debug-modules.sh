#!/bin/bash
# Builds the debug test kernel if needed (cached), then this checkout's
# modules against it, in a copy of the sources next to it (out-of-tree
# builds write into the source tree). Prints two lines: the kernel build
# directory and the directory holding nfv.ko and tests/nfv_kunit.ko.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kdir=$("$top/tools/testing/kernel/build-debug.sh" | tail -n 1)
src=$kdir/nfv-src
rm -rf "$src"
mkdir -p "$src"
cp -r "$top/Kbuild" "$top/kmod" "$top/uapi" "$src/"
find "$src" \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o -name '.*.cmd' \) -delete
make -s -C "$kdir" M="$src" W=1 modules >&2
echo "$kdir"
echo "$src/kmod"
