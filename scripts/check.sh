#!/bin/bash
# What `make check` (and CI) runs: warning-free builds, nfvctl's own tests,
# a DKMS build and install, and the selftests in a VM loading the module
# DKMS built. Ends with the line "N passed, N failed".
# Usage: check.sh KVER
set -uo pipefail

kver=${1:?usage: $0 KVER}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
passed=0
failed=0
log=tools/testing/vm/out
mkdir -p "$log"

step() {
	local name=$1
	shift
	echo "=== $name"
	if "$@"; then
		passed=$((passed + 1))
		echo "=== $name: ok"
	else
		failed=$((failed + 1))
		echo "=== $name: FAILED"
	fi
}

# A build passes only with zero warnings.
no_warnings() {
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	echo "$out" | tail -n 5
	if echo "$out" | grep -E "warning:|error:"; then
		return 1
	fi
	return $rc
}

step "modules, W=1 C=2 (sparse)" no_warnings \
	make -s -C "/lib/modules/$kver/build" M="$top" W=1 C=2 modules
step "nfvctl, -Wall -Wextra" no_warnings make -s -C userspace
step "nfvctl unit and command-line tests" make -s -C userspace check
step "dkms build and install for $kver" scripts/dkms-install.sh "$kver"

echo "=== selftests on $kver (module from DKMS)"
out=$log/check-selftests.txt
NFV_USE_DKMS=1 tools/testing/selftests/run.sh -k "$kver" | tee "$out"
sp=$(sed -n 's/^selftests: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$out" | tail -n 1)
sf=$(sed -n 's/^selftests: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$out" | tail -n 1)
if [ -z "$sp" ]; then
	# The VM never got to report: count the run as one failure.
	sp=0
	sf=1
fi
passed=$((passed + sp))
failed=$((failed + sf))

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
