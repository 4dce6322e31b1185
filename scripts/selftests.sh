#!/bin/bash
# make selftests KERNEL=stock|debug: the selftests on one kernel.
# Usage: selftests.sh stock KVER [TEST...] | selftests.sh debug [TEST...]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=$1
shift
case "$kernel" in
stock)
	kver=$1
	shift
	exec "$top/tools/testing/selftests/run.sh" -k "$kver" "$@"
	;;
debug)
	mapfile -t out < <("$top/scripts/debug-modules.sh")
	exec "$top/tools/testing/selftests/run.sh" \
		-i "${out[0]}/arch/x86/boot/bzImage" -m "${out[1]}/nfv.ko" "$@"
	;;
*)
	echo "selftests: KERNEL must be stock or debug" >&2
	exit 2
	;;
esac
