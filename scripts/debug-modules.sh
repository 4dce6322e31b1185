#!/bin/bash
# Builds the debug test kernel if needed (cached), then this checkout's
# modules against it, in build/RELEASE (scripts/build-modules.sh). Prints
# two lines: the kernel build directory and the directory holding nfv.ko
# and tests/nfv_kunit.ko.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kdir=$("$top/tools/testing/kernel/build-debug.sh" | tail -n 1)
"$top/scripts/build-modules.sh" "$kdir" -- -s W=1 >&2
echo "$kdir"
echo "$top/build/$(cat "$kdir/include/config/kernel.release")/kmod"
