#!/bin/bash
# Runs inside the debug VM: loads KUnit and the project's KUnit modules,
# collects the KTAP they print and parses it with the kernel's own
# kunit.py. Fails on a failed case, a sanitizer report, a kmemleak
# finding in the project's code, or fewer or more cases run than the
# suites' sources define (a suite that did not load runs none).
# Usage: run-in-vm.sh KDIR MODULE.ko...
set -uo pipefail

kdir=$1
shift
kver=$(uname -r)
dmesg -C
insmod "$kdir/modroot/lib/modules/$kver/kernel/lib/kunit/kunit.ko" || exit 1
rc=0
for m in "$@"; do
	insmod "$m" || rc=1
	rmmod "$(basename "$m" .ko)" || rc=1
done
# Suites loaded as modules print nested KTAP without the top-level header
# kunit.py expects: give it one, over the log without time stamps.
# Each module numbers its suites from 1: number them across modules.
dmesg | sed -n 's/^\[ *[0-9.]*\] //p' | sed -n '/KTAP version/,$p' |
	awk '/^(not )?ok [0-9]+ / { sub(/ok [0-9]+ /, "ok " ++n " ") } { print }' \
	> /tmp/suites
{
	echo "KTAP version 1"
	echo "1..$(grep -cE '^(not )?ok [0-9]+ ' /tmp/suites)"
	cat /tmp/suites
} > /tmp/ktap
python3 "$kdir/tools/testing/kunit/kunit.py" parse /tmp/ktap > /tmp/kunit.out || rc=1
cat /tmp/kunit.out
src=$(cd "$(dirname "$0")/../../../kmod/tests" && pwd)
defined=$(cat "$src"/*.c | grep -c 'KUNIT_CASE(')
ran=$(sed -nE 's/.*Ran ([0-9]+) tests.*/\1/p' /tmp/kunit.out | tail -n 1)
if [ "${ran:-0}" -ne "$defined" ]; then
	echo "kunit: ran ${ran:-no} cases, the suites in $src define $defined"
	rc=1
fi

bad='BUG:|KASAN|UBSAN|WARNING:|circular locking|general protection'
if dmesg | grep -A30 -E "$bad"; then
	echo "kunit: sanitizer or warning in the kernel log"
	rc=1
fi
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	sleep 1
	echo scan > /sys/kernel/debug/kmemleak
	if grep -A20 "unreferenced object" /sys/kernel/debug/kmemleak | grep -E "nfv"; then
		echo "kunit: kmemleak found leaks in nfv code"
		cat /sys/kernel/debug/kmemleak
		rc=1
	fi
fi
echo "kunit: exit $rc"
exit $rc
