#!/bin/bash
# make kunit: the KUnit suites in the debug kernel, parsed by kunit.py.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
mapfile -t out < <("$top/scripts/debug-modules.sh")
kdir=${out[0]}
mods=${out[1]}
mapfile -t suites < <("$top/scripts/kunit-modules.sh" "$mods")
cd "$top"
tools/testing/vm/run.sh -i "$kdir/arch/x86/boot/bzImage" -t 600 -- \
	bash tools/testing/kunit/run-in-vm.sh "$kdir" "${suites[@]}"
