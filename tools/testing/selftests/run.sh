#!/bin/bash
# Host side: boots one VM on a kernel and runs the selftests in it.
# Usage: run.sh [-k KVER | -i BZIMAGE -m KMOD_DIR] [TEST...]
# The module comes from build/KVER/kmod (make), from DKMS with
# NFV_USE_DKMS=1, or for a built image from KMOD_DIR.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
args=()
kver=""
kmod=""
# The VM's time limit (NFV_VM_TIMEOUT): a Debian kernel's suite takes about
# 1000 s alone and 1700 s beside another VM (make check), the debug
# kernel's boots about 1600 and 600 s beside another; a loaded host takes
# twice that, and make check's own deadline bounds the whole run.
vm_timeout=3600
while getopts "k:i:m:" opt; do
	case "$opt" in
	k) args+=(-k "$OPTARG"); kver=$OPTARG ;;
	i) args+=(-i "$OPTARG") ;;
	m) kmod=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ -z "$kmod" ] && [ -z "${NFV_USE_DKMS:-}" ]; then
	[ -n "$kver" ] || kver=$("$here/../kver.sh" stock)
	kmod=$top/build/$kver/kmod
fi

# The tests' C helpers, built here for every kernel's run (make check
# comes here directly): gcc in the VM reads itself over 9p, which took
# 25 s on 6.1 and 100 s on the debug kernel.
# Each is built aside and renamed into place: make check's other lane may
# be starting a VM that runs it.
mkdir -p "$top/build"
cc -O2 -Wall -Wextra -Werror -o "$top/build/guest-peer.$$" \
	"$here/guest-peer.c" "$here/guest-vhost.c"
mv -f "$top/build/guest-peer.$$" "$top/build/guest-peer"
# test-bench-smoke's probers: NF start time, round trips.
"$top/tools/testing/bench/build-nfstart.sh"
cc -O2 -Wall -Wextra -Werror -o "$top/build/bench-rtt.$$" \
	"$top/tools/testing/bench/rtt.c" -lm
mv -f "$top/build/bench-rtt.$$" "$top/build/bench-rtt"

for f in ${kmod:+"$kmod/nfv.ko"} "$top/userspace/nfvctl"; do
	[ -e "$f" ] || { echo "selftests: $f is not built (make)" >&2; exit 1; }
done
# The module: from the directory named, else from DKMS.
env=(NFV_USE_DKMS=1)
[ -z "$kmod" ] || env=("NFV_KMOD=$kmod")
# test-guest-vm.sh's nested guest, built here where the cache is writable.
guest=""
[ -z "$kver" ] || guest=$("$here/../vm/mkguest.sh" "$kver" | tr '\n' ' ') || guest=""
log=$top/tools/testing/vm/out/selftests-$$.log
cd "$top"
rc=0
"$here/../vm/run.sh" "${args[@]}" -t "${NFV_VM_TIMEOUT:-$vm_timeout}" -l "$log" -- \
	env "${env[@]}" ${NFV_VERBOSE:+NFV_VERBOSE=1} ${NFV_NO_BENCH:+NFV_NO_BENCH=1} \
	${NFV_KUNIT:+"NFV_KUNIT=$NFV_KUNIT"} \
	${guest:+"NFV_GUEST_BOOT=$guest"} \
	${NFV_ABI_BASE:+NFV_ABI_BASE=$NFV_ABI_BASE} \
	bash "$here/run-in-vm.sh" "$@" || rc=$?
# A test that did not report (the VM died) is a failure too.
planned=$(tr -d '\r' < "$log" | sed -n 's/^1\.\.\([0-9]*\)$/\1/p' | tail -n 1)
reported=$(tr -d '\r' < "$log" | grep -cE '^(not )?ok [0-9]+ - ' || true)
if [ -n "$planned" ] && [ "$reported" -lt "$planned" ]; then
	echo "selftests: $((planned - reported)) tests did not report: the VM died" >&2
	rc=1
fi
exit $rc
