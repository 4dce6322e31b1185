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
# The debug kernel boots twice: kmemleak on for the tests that carry the
# line "# debug: kmemleak" (those that create and destroy the datapath's
# objects, and exercise its drop and output paths; KUnit with them), and
# off (kmemleak=off) for the others, which run a quarter faster so.
# NFV_DEBUG_PART=leak or rest: only that boot (make check runs each in a
# lane of its own).
debug_suites() {
	local here=$top/tools/testing/selftests t leak=() rest=() rc=0 out run

	mapfile -t out < <("$top/scripts/debug-modules.sh")
	run=("$here/run.sh" -i "${out[0]}/arch/x86/boot/bzImage" -m "${out[1]}")
	[ $# -gt 0 ] || set -- $(cd "$here" && echo test-*.sh)
	for t in "$@"; do
		if grep -q '^# debug: kmemleak$' "$here/$(basename "$t")"; then
			leak+=("$t")
		else
			rest+=("$t")
		fi
	done
	[ -z "${NFV_KUNIT:-}" ] ||
		export NFV_KUNIT="${out[0]} $("$top/scripts/kunit-modules.sh" "${out[1]}" | xargs)"
	case ${NFV_DEBUG_PART:-} in
	leak) rest=() ;;
	rest) leak=(); NFV_KUNIT="" ;;
	esac
	if [ ${#leak[@]} -gt 0 ]; then
		"${run[@]}" "${leak[@]}" || rc=$?
	elif [ -n "${NFV_KUNIT:-}" ]; then
		"$top/scripts/kunit.sh" || rc=$?
	fi
	if [ ${#rest[@]} -gt 0 ]; then
		NFV_KUNIT="" NFV_KERNEL_ARGS="kmemleak=off${NFV_KERNEL_ARGS:+ $NFV_KERNEL_ARGS}" \
			"${run[@]}" "${rest[@]}" || rc=$?
	fi
	return $rc
}

case "$kernel" in
debug)
	debug_suites "$@"
	;;
*)
	kver=$("$top/tools/testing/kver.sh" "$kernel")
	"$top/scripts/build-modules.sh" "$kver"
	# test-abi-compat.sh needs the ABI baseline's nfvctl and modules.
	if [ $# -eq 0 ] || printf '%s\n' "$@" | grep -q 'test-abi-compat'; then
		"$top/scripts/abi-baseline.sh" "$kver" > /dev/null
	fi
	exec "$top/tools/testing/selftests/run.sh" -k "$kver" "$@"
	;;
esac
