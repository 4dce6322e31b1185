#!/bin/bash
# What `make check` (and CI) runs: nfvctl's warning-free build and its own
# tests; the debug kernel's build and its KUnit suites; each Debian
# kernel's warning-free build (W=1, sparse); one DKMS build and install
# for all of them; then the VMs' suites: the selftests under the debug
# kernel's sanitizers, and on each Debian kernel with the module DKMS
# built. Prints a table (kernel by suite: passed, failed, seconds) and ends
# with the line "N passed, N failed".
# Usage: check.sh KERNEL...   (kinds of tools/testing/kver.sh, or debug)
set -uo pipefail

[ $# -gt 0 ] || { echo "usage: $0 KERNEL... (6.1 6.12 6.12-rt debug)" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
log=tools/testing/vm/out
mkdir -p "$log"

# record KERNEL SUITE PASSED FAILED SECONDS: one row of the table. Rows
# go to a file, keyed by $order, as suites in the lanes finish at random.
rows=$log/check-rows-$$.txt
: > "$rows"
order=0
record() {
	order=$((order + 1))
	printf '%03d %s %s %s\n' "$order" "$3" "$4" \
		"$(printf '%-26s %-22s %6s %6s %6ss' "$@")" >> "$rows"
}

# step KERNEL SUITE COMMAND...: one check, passed if the command succeeds.
step() {
	local kernel=$1 suite=$2 t0=$SECONDS
	shift 2
	echo "=== $kernel: $suite"
	if "$@"; then
		echo "=== $kernel: $suite: ok"
		record "$kernel" "$suite" 1 0 $((SECONDS - t0))
	else
		echo "=== $kernel: $suite: FAILED"
		record "$kernel" "$suite" 0 1 $((SECONDS - t0))
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

# counted KERNEL SUITE PARSER COMMAND...: a suite that reports its own
# counts; PARSER reads its output and prints "PASSED FAILED". A suite that
# failed without a summary (the VM died) counts as one failure, and so does
# one that failed with nothing failed in its summary (a sanitizer report
# after the last case).
counted() {
	local kernel=$1 suite=$2 parser=$3 t0=$SECONDS rc out counts p f
	shift 3
	say "=== $kernel: $suite"
	out=$log/check-$BASHPID.txt
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	counts=$("$parser" "$out")
	rm -f "$out"
	p=${counts% *}
	f=${counts#* }
	[ -n "$counts" ] || { p=0; f=0; }
	[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=$((f + 1))
	say "=== $kernel: $suite: $p passed, $f failed ($((SECONDS - t0))s)"
	record "$kernel" "$suite" "$p" "$f" $((SECONDS - t0))
}

# "selftests: 11 passed, 0 failed"
selftests_counts() {
	sed -nE 's/^selftests: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/p' "$1" | tail -n 1
}

# kunit.py: "Ran 25 tests: passed: 23, failed: 1, crashed: 1"; a failed,
# crashed or erroneous case counts as failed.
kunit_counts() {
	grep -oE 'Ran [0-9]+ tests: .*' "$1" | tail -n 1 | tr -c 'a-z0-9\n' ' ' |
		awk 'NF { p = f = 0
			for (i = 1; i < NF; i++) {
				if ($i == "passed") p = $(i + 1)
				if ($i ~ /^(failed|crashed|errors)$/) f += $(i + 1)
			}
			print p, f }'
}

# The VMs' suites wait in a queue, longest first, and run one at a time,
# or in NFV_CHECK_JOBS lanes side by side, each suite's output then going
# to a file of its own, printed whole when all are done. One lane by
# default: on the project's 2 cores two TCG VMs ran each test 1.85 times
# slower than one alone, a gain of 8% that cost timing margins.
jobs=${NFV_CHECK_JOBS:-1}
queue=()
enqueue() { queue+=("$(printf '%q ' "$@")"); }
# say LINE: a suite's start or end, on the terminal too from a lane.
exec 3>&1
in_lane=""
say() {
	echo "$*"
	[ -z "$in_lane" ] || echo "$*" >&3
}

# lanes: lane L of J takes the queue's entries L, L+J, ...
lanes() {
	local l i pids=() n=${#queue[@]}
	if [ "$jobs" -le 1 ]; then
		for ((i = 0; i < n; i++)); do
			eval "${queue[$i]}"
		done
		return
	fi
	for ((l = 0; l < jobs; l++)); do
		(
			in_lane=$l
			for ((i = l; i < n; i += jobs)); do
				order=$((100 + 10 * i))
				eval "${queue[$i]}" > "$log/check-$$-$i.txt" 2>&1
			done
		) &
		pids+=($!)
	done
	wait "${pids[@]}"
	for ((i = 0; i < n; i++)); do
		cat "$log/check-$$-$i.txt"
		rm -f "$log/check-$$-$i.txt"
	done
}

# The debug kernel: its build and the KUnit suites now, its selftests
# into the queue, in as many shares as there are lanes. They boot with the
# directories debug-modules.sh printed: a build of their own in a lane
# would race.
debug_kernel() {
	local f=$log/check-debug-$$.txt dirs i suite
	step debug "build (kernel, W=1)" \
		no_warnings sh -c 'scripts/debug-modules.sh > "$1"' - "$f"
	counted debug kunit kunit_counts scripts/kunit.sh
	mapfile -t dirs < "$f"
	rm -f "$f"
	[ ${#dirs[@]} -eq 2 ] || return 0
	for ((i = 1; i <= jobs; i++)); do
		suite=selftests
		[ "$jobs" -le 1 ] || suite="selftests $i/$jobs"
		enqueue counted debug "$suite" selftests_counts \
			env NFV_SHARD="$i/$jobs" tools/testing/selftests/run.sh \
			-i "${dirs[0]}/arch/x86/boot/bzImage" -m "${dirs[1]}"
	done
}

# A Debian kernel: its warning-free build now; DKMS and the selftests
# after all of them, since dkms-install.sh replaces every kernel's module.
dkms_kvers=()
debian_kernel() {
	local kind=$1 kver
	if ! kver=$(tools/testing/kver.sh "$kind"); then
		record "$kind" "not installed" 0 1 0
		return
	fi
	step "$kver" "build W=1 C=2" no_warnings \
		scripts/build-modules.sh "$kver" -- -s W=1 C=2
	dkms_kvers+=("$kver")
	# The VM's initramfs now, not by two lanes at once.
	tools/testing/vm/mkinitramfs.sh "$kver" > /dev/null
	enqueue counted "$kver" "selftests (DKMS)" selftests_counts \
		env NFV_USE_DKMS=1 tools/testing/selftests/run.sh -k "$kver"
}

t_start=$SECONDS
step nfvctl "build -Wall -Wextra" no_warnings make -s -C userspace
step nfvctl "unit, command line" make -s -C userspace check
# The debug kernel first: its shares of the selftests are the longest.
for kernel in "$@"; do
	[ "$kernel" != debug ] || debug_kernel
done
for kernel in "$@"; do
	[ "$kernel" = debug ] || debian_kernel "$kernel"
done
[ ${#dkms_kvers[@]} -eq 0 ] ||
	step "${#dkms_kvers[@]} Debian kernels" "dkms build, install" \
		scripts/dkms-install.sh "${dkms_kvers[@]}"
[ "$jobs" -le 1 ] || echo "=== the VMs' suites, ${#queue[@]} in $jobs lanes"
lanes

echo
printf '%-26s %-22s %6s %6s %7s\n' kernel suite passed failed time
sort -n "$rows" | cut -d' ' -f4-
passed=$(awk '{ p += $2 } END { print p + 0 }' "$rows")
failed=$(awk '{ f += $3 } END { print f + 0 }' "$rows")
rm -f "$rows"
echo "total: $((SECONDS - t_start))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
