#!/bin/bash
# Host side: boots one VM on a kernel and runs the selftests in it.
# Usage: run.sh [-k KVER | -i BZIMAGE -m NFV_KO] [TEST...]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
args=()
module=""
while getopts "k:i:m:" opt; do
	case "$opt" in
	k) args+=(-k "$OPTARG") ;;
	i) args+=(-i "$OPTARG") ;;
	m) module=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))

for f in kmod/nfv.ko userspace/nfvctl; do
	[ -e "$top/$f" ] || { echo "selftests: $f is not built (make)" >&2; exit 1; }
done
log=$top/tools/testing/vm/out/selftests-$$.log
cd "$top"
rc=0
"$here/../vm/run.sh" "${args[@]}" -t "${NFV_VM_TIMEOUT:-2400}" -l "$log" -- \
	env ${NFV_USE_DKMS:+NFV_USE_DKMS=1} ${NFV_VERBOSE:+NFV_VERBOSE=1} \
	${module:+NFV_MODULE=$module} \
	bash "$here/run-in-vm.sh" "$@" || rc=$?
# A test that did not report (the VM died) is a failure too.
planned=$(tr -d '\r' < "$log" | sed -n 's/^1\.\.\([0-9]*\)$/\1/p' | tail -n 1)
reported=$(tr -d '\r' < "$log" | grep -cE '^(not )?ok [0-9]+ - ' || true)
if [ -n "$planned" ] && [ "$reported" -lt "$planned" ]; then
	echo "selftests: $((planned - reported)) tests did not report: the VM died" >&2
	rc=1
fi
exit $rc
