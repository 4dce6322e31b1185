#!/bin/bash
# make selftests KERNEL=...: the selftests on one kernel, with the module
# make built for it (build/KVER), or with NFV_USE_DKMS=1 the one DKMS
# installed. KERNEL is a kind of tools/testing/kver.sh (6.1, 6.12, 6.12-rt;
# stock is 6.1), an installed version, or debug: the debug test kernel.
# NFV_KUNIT=1 with debug runs the KUnit suites first in the same boot;
# their result is their line "kunit: exit STATUS", not this one's status.
# Usage: selftests.sh KERNEL [TEST...]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=${1:?usage: $0 KERNEL [TEST...]}
shift
case "$kernel" in
debug)
	mapfile -t out < <("$top/scripts/debug-modules.sh")
	[ -z "${NFV_KUNIT:-}" ] || export NFV_KUNIT="${out[0]} ${out[1]}/tests/nfv_kunit.ko ${out[1]}/tests/nfv_fw_kunit.ko"
	exec "$top/tools/testing/selftests/run.sh" \
		-i "${out[0]}/arch/x86/boot/bzImage" -m "${out[1]}" "$@"
	;;
*)
	kver=$("$top/tools/testing/kver.sh" "$kernel")
	"$top/scripts/build-modules.sh" "$kver"
	exec "$top/tools/testing/selftests/run.sh" -k "$kver" "$@"
	;;
esac
