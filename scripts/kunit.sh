#!/bin/bash
# make kunit: the KUnit suites in the debug kernel, parsed by kunit.py.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
mapfile -t out < <("$top/scripts/debug-modules.sh")
kdir=${out[0]}
mods=${out[1]}
cd "$top"
tools/testing/vm/run.sh -i "$kdir/arch/x86/boot/bzImage" -t 600 -- \
	bash tools/testing/kunit/run-in-vm.sh "$kdir" "$mods/tests/nfv_kunit.ko" \
	"$mods/tests/nfv_fw_kunit.ko" \
	"$mods/tests/nfv_cgnat_kunit.ko" "$mods/tests/nfv_cgnat_det_kunit.ko" \
	"$mods/tests/nfv_cgnat_map_kunit.ko"
