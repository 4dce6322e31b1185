#!/bin/bash
# What `make check` (and CI) runs, kernel by kernel: for each Debian kernel
# a warning-free build (W=1, sparse), a DKMS build and install, and the
# selftests in a VM loading the module DKMS built; for the debug kernel its
# build, the KUnit suites and the selftests under the sanitizers; once,
# on the host: one version, the netlink spec against the uapi header and
# the kernel's policies, nfvctl's warning-free build and its own tests.
# The VMs run in two lanes at once, each taking the next job of one queue
# (longest first, so the lanes end together): the debug kernel's two boots
# (with kmemleak, without) and each Debian kernel's selftests, in two VMs
# of half the tests each (split_tests). A job
# starts once what it needs is built: this process builds the Debian
# kernels' modules meanwhile (DKMS for all of them at once: one
# registration, and no install under a VM that loads the module). Each
# lane's output goes to its own log (tools/testing/vm/out/check-lane-N.txt),
# each step's to tools/testing/vm/out/check/; the terminal gets the steps
# as they start and end, and the tail of each failed step at the end.
# NFV_CHECK_LANES=1 runs everything in one lane, in order, its output on
# the terminal. NFV_CHECK_TESTS="test-x.sh ...": only those selftests, on
# each kernel. NFV_CHECK_DRY=1 prints the queue of VM jobs, each with
# its tests, and runs nothing.
# Prints a table (kernel by suite: passed, failed, seconds, in the order
# of the arguments whichever lane ran them) and ends with the line
# "N passed, N failed". One deadline for the whole run
# (NFV_CHECK_DEADLINE seconds, 85 minutes: CI stops at 90): a step still
# running then is stopped and fails, the ones after it fail unrun, and
# the table is printed all the same.
# Usage: check.sh KERNEL...   (kinds of tools/testing/kver.sh, or debug)
set -uo pipefail

[ $# -gt 0 ] || { echo "usage: $0 KERNEL... (6.1 6.12 6.12-rt debug)" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
log=tools/testing/vm/out
# Each step's output, and what the table needs from each lane: rows/ROWS
# (the table's lines of one kernel, "PASSED FAILED<tab>LINE") and
# rows/ROWS.failed (its failed steps, "WHAT<tab>STEP-LOG").
steps=$log/check${NFV_CHECK_DRY:+-dry}
rm -rf "$steps"
mkdir -p "$steps/rows"
rows=""
lane=""
lanes=${NFV_CHECK_LANES:-2}
# The selftests every kernel runs: NFV_CHECK_TESTS (names, "test-x.sh
# test-y.sh"), to try this script on a few, or all of them.
read -ra check_tests <<<"${NFV_CHECK_TESTS:-}"
all_tests=("${check_tests[@]}")
[ ${#all_tests[@]} -gt 0 ] ||
	mapfile -t all_tests < <(cd tools/testing/selftests && LC_ALL=C ls test-*.sh)
deadline=$((SECONDS + ${NFV_CHECK_DEADLINE:-5100}))
# The terminal, for a lane whose output goes to its log.
exec 3>&1

# say LINE: a line of the lane's output, on the terminal too.
say() {
	echo "$*"
	[ -z "$lane" ] || echo "[$lane] $*" >&3
}

# limited COMMAND...: runs COMMAND (a function too) until the deadline.
# timeout kills the command's whole process group, the VM included.
limited() {
	local left=$((deadline - SECONDS))
	if [ "$left" -le 0 ]; then
		echo "check: the deadline passed before this step; not run"
		return 124
	fi
	timeout -k 30 "$left" bash -c '"$@"' limited "$@" 3>&-
	local rc=$?
	[ "$rc" -ne 124 ] || echo "check: stopped at the deadline (NFV_CHECK_DEADLINE)"
	return $rc
}

# record KERNEL SUITE PASSED FAILED SECONDS [STEP-LOG]
record() {
	printf '%s %s\t%-26s %-22s %6s %6s %6ss\n' "$3" "$4" "$1" "$2" "$3" "$4" "$5" \
		>> "$steps/rows/$rows"
	[ "$4" -eq 0 ] || printf '%s: %s\t%s\n' "$1" "$2" "${6:-}" >> "$steps/rows/$rows.failed"
}

# steplog KERNEL SUITE: the file for a step's output.
steplog() {
	echo "$steps/$rows-$(echo "$1-$2" | tr -c 'A-Za-z0-9.+\n-' '_').txt"
}

# step KERNEL SUITE COMMAND...: one check, passed if the command succeeds.
step() {
	local kernel=$1 suite=$2 t0=$SECONDS out
	shift 2
	out=$(steplog "$kernel" "$suite")
	say "=== $kernel: $suite"
	limited "$@" 2>&1 | tee "$out"
	if [ "${PIPESTATUS[0]}" -eq 0 ]; then
		say "=== $kernel: $suite: ok"
		record "$kernel" "$suite" 1 0 $((SECONDS - t0))
	else
		say "=== $kernel: $suite: FAILED"
		record "$kernel" "$suite" 0 1 $((SECONDS - t0)) "$out"
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
export -f no_warnings

# counted KERNEL SUITE PARSER COMMAND...: a suite that reports its own
# counts; PARSER reads its output and prints "PASSED FAILED". A suite that
# failed without a summary (the VM died) counts as one failure, and so does
# one that failed with nothing failed in its summary (a sanitizer report
# after the last case).
counted() {
	local kernel=$1 suite=$2 parser=$3 t0=$SECONDS rc out
	shift 3
	say "=== $kernel: $suite"
	out=$(steplog "$kernel" "$suite")
	limited "$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	tally "$kernel" "$suite" "$parser" "$out" "$rc" $((SECONDS - t0))
}

# tally KERNEL SUITE PARSER OUTPUT STATUS SECONDS: records what PARSER
# reads in OUTPUT, one failure more if STATUS failed and nothing did.
tally() {
	local counts p f
	counts=$("$3" "$4")
	p=${counts% *}
	f=${counts#* }
	[ -n "$counts" ] || { p=0; f=0; }
	[ "$5" -eq 0 ] || [ "$f" -gt 0 ] || f=$((f + 1))
	say "=== $1: $2: $p passed, $f failed"
	record "$1" "$2" "$p" "$f" "$6" "$4"
}

# "selftests: 11 passed, 0 failed", once a boot: summed.
selftests_counts() {
	sed -nE 's/^selftests: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/p' "$1" |
		awk '{ p += $1; f += $2 } END { if (NR) print p, f }'
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

# A debug kernel still to build (14 minutes, cold) starts building at
# once, niced, beside the other kernels' tests, whose VMs leave a core
# idle much of the time. NFV_DEBUG_EARLY=0: build it when its turn comes.
debug_pid=""
debug_early() {
	[ "${NFV_DEBUG_EARLY:-1}" = 1 ] || return 0
	tools/testing/kernel/build-debug.sh -n >/dev/null 2>&1 && return 0
	say "=== debug: building the kernel in the background ($log/build-debug.txt)"
	setsid tools/testing/kernel/build-debug.sh > "$log/build-debug.txt" 2>&1 3>&- &
	debug_pid=$!
}

# The debug kernel's checks come as two jobs, one boot each
# (scripts/selftests.sh): KUnit and the tests run with kmemleak, then the
# others with kmemleak off. Whichever starts first builds the modules.
debug_job() {
	local part=$1
	while [ -n "$debug_pid" ] && kill -0 "$debug_pid" 2>/dev/null; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			kill -- -"$debug_pid"
			break
		fi
		sleep 5
	done
	(
		flock 9
		[ -e "$steps/debug-built" ] && exit
		step debug "build (kernel, W=1)" no_warnings scripts/debug-modules.sh
		touch "$steps/debug-built"
	) 9> "$steps/debug.lock"
	case $part in
	leak) debug_suites leak "selftests (kmemleak)" NFV_KUNIT=1 ;;
	rest) debug_suites rest selftests ;;
	*) debug_suites "" selftests NFV_KUNIT=1 ;;
	esac
}
# debug_suites PART SUITE [ENV...]: one part of the debug kernel's tests,
# KUnit first in the same boot if ENV asks (its time is the selftests').
# KUnit's run ends with "kunit: exit STATUS".
debug_suites() {
	local part=$1 suite=$2 t0=$SECONDS rc out
	shift 2
	out=$(steplog debug "$suite")
	say "=== debug: ${*:+kunit, then }$suite"
	limited env "$@" NFV_DEBUG_PART="$part" scripts/selftests.sh debug \
		"${check_tests[@]}" 2>&1 |
		tee "$out"
	rc=${PIPESTATUS[0]}
	if [ $# -gt 0 ]; then
		grep -q '^kunit: exit 0' "$out"
		tally debug kunit kunit_counts "$out" $? 0
	fi
	tally debug "$suite" selftests_counts "$out" "$rc" $((SECONDS - t0))
}
# A Debian kernel's builds: warning-free, then the ABI baseline. DKMS
# builds and installs the module for every Debian kernel at once
# (debian_dkms), before any of their VMs starts: one registration serves
# them all, and a later install would remove the module under a VM
# loading it.
debian_build() {
	step "$1" "build W=1 C=2" no_warnings \
		scripts/build-modules.sh "$1" -- -s W=1 C=2
	step "$1" "ABI baseline build" scripts/abi-baseline.sh "$1"
}
debian_dkms() {
	local kvers=("$@") t0=$SECONDS out
	out=$(steplog dkms "build, install")
	say "=== ${kvers[*]}: dkms build, install"
	if limited scripts/dkms-install.sh "${kvers[@]}" > "$out" 2>&1; then
		say "=== ${kvers[*]}: dkms build, install: ok"
		dkms_ok=1
	else
		say "=== ${kvers[*]}: dkms build, install: FAILED"
		dkms_ok=0
	fi
	cat "$out"
	# One line each kernel, the time split between them.
	for k in "${deb_rows[@]}"; do
		rows=${k%%:*}
		record "${k#*:}" "dkms build, install" "$dkms_ok" $((1 - dkms_ok)) \
			$(((SECONDS - t0) / ${#kvers[@]})) "$out"
	done
}
# debian_tests KVER [PART]: the selftests in a VM loading the module DKMS
# built; with PART (1 or 2), the tests of that half (split_tests).
# The benchmark harness's smokes (test-bench-*) run on the first Debian
# kernel only: make bench runs on one, and they take minutes.
debian_tests() {
	local no_bench="" suite="selftests (DKMS)${2:+ $2/2}" tests=("${check_tests[@]}")
	[ "$1" = "$first_debian" ] || no_bench=1
	[ -z "${2:-}" ] || mapfile -t tests < <(cut -d " " -f 2 "$steps/tests-$rows")
	counted "$1" "$suite" selftests_counts \
		env NFV_USE_DKMS=1 ${no_bench:+NFV_NO_BENCH=1} \
		tools/testing/selftests/run.sh -k "$1" "${tests[@]}"
}
# run_job JOB: a job of the queue, "ROWS:WHAT" (WHAT: debug-leak,
# debug-rest, debug, a Debian kernel's version, or "KVER:PART" for half
# of its tests), its lines in the table under ROWS.
run_job() {
	local what=${1#*:}
	rows=${1%%:*}
	case $what in
	debug-leak) debug_job leak ;;
	debug-rest) debug_job rest ;;
	debug) debug_job "" ;;
	*:*) debian_tests "${what%:*}" "${what##*:}" ;;
	*) debian_tests "$what" ;;
	esac
}
# A Debian kernel's suite (20 to 27 minutes beside another VM) runs in
# two VMs, each about half its time, so that the lanes end within minutes
# of each other; a VM more costs about a minute (its boot, the kernel
# log's check after its last test). split_tests SKIPPED TEST... prints
# "PART SECONDS TEST" for each test, in the order given: the longest
# first, each to the half with fewer seconds so far. The seconds are
# what each test took in make check beside another VM (6.1; 6.12 for
# test-guest-vm, which boots its guest there only), rounded; one not
# listed counts 15 (most take 5 to 30), one whose name matches the
# regular expression SKIPPED (a skip on this kernel) nothing. Rough
# figures do: a test's time varies by a tenth or more from run to run.
# To update them from a step's log:
#   grep -oE '^ok [0-9]+ - test-[^ ]+ \([0-9]+s' LOG
expected_seconds() {
	cat <<-EOF
	test-guest 145
	test-cgnat 110
	test-bench-smoke 105
	test-guest-vm 100
	test-fw-stateful 95
	test-forward-multipath 75
	test-fw-tcp-open 75
	test-bench-fw 60
	test-abi-compat 55
	test-teardown-repeat 50
	test-cgnat-log 40
	test-forward-vrf 40
	test-fw-replace 40
	test-fw-frag 35
	test-fw-ipv6 35
	test-fw-nft 35
	test-fw-related 35
	EOF
}
split_tests() {
	local skipped=$1
	shift
	printf '%s\n' "$@" | awk -v skipped="$skipped" '
		NR == FNR { secs[$1] = $2; next }
		{ name = $1; sub(/.*\//, "", name); sub(/\.sh$/, "", name)
		  s = (name in secs) ? secs[name] : 15
		  if (skipped != "" && name ~ skipped) s = 0
		  print s, FNR, $1 }' <(expected_seconds) - |
		sort -k1,1nr -k2,2n |
		awk '{ part = (sum[1] <= sum[2]) ? 1 : 2; sum[part] += $1
		       print $2, part, $1, $3 }' |
		sort -k1,1n | cut -d " " -f 2-
}
# split_job ROWS KVER: the two halves' tests, "SECONDS TEST" a line, in
# $steps/tests-ROWSa and -ROWSb; fails if a half would be empty
# (NFV_CHECK_TESTS of one test): run.sh runs every test when given none.
# The tests that skip on KVER: the benchmark smokes but on the first
# Debian kernel (debian_tests), test-guest-vm but on 6.12 (the test).
split_job() {
	local skipped=()
	[ "$2" = "$first_debian" ] || skipped+=(test-bench-)
	[ "$2" = "$(tools/testing/kver.sh 6.12 2>/dev/null)" ] ||
		skipped+=(test-guest-vm)
	split_tests "$(IFS='|'; echo "${skipped[*]}")" "${all_tests[@]}" > "$steps/split-$1"
	sed -n 's/^1 //p' "$steps/split-$1" > "$steps/tests-${1}a"
	sed -n 's/^2 //p' "$steps/split-$1" > "$steps/tests-${1}b"
	[ -s "$steps/tests-${1}a" ] && [ -s "$steps/tests-${1}b" ]
}
# dry_run: the queue, each job with its tests (NFV_CHECK_DRY).
dry_run() {
	local job f
	while read -r job; do
		f=$steps/tests-${job%%:*}
		case ${job#*:} in
		debug-leak) echo "${job#*:}: KUnit, the tests marked '# debug: kmemleak'" ;;
		debug-rest) echo "${job#*:}: the other tests, kmemleak=off" ;;
		*)
			if [ -f "$f" ]; then
				echo "${job#*:}: about $(awk '{ s += $1 } END { print s }' "$f") s:" \
					"$(cut -d " " -f 2 "$f" | paste -sd " ")"
			else
				echo "${job#*:}: ${check_tests[*]:-every test}"
			fi
			;;
		esac
	done < "$queue"
}
# The queue: jobs in order, each line "ROWS:WHAT"; a job is ready once
# what it needs is built (ready JOB). A worker takes the first ready job.
queue=$steps/queue
ready() {
	case ${1#*:} in
	debug*) [ -z "$debug_pid" ] || ! kill -0 "$debug_pid" 2>/dev/null ;;
	*) [ -e "$steps/debian-built" ] ;;
	esac
}
# take: prints the first ready job and removes it from the queue; fails
# when the queue is empty; prints nothing when no job is ready yet.
take() {
	(
		flock 9
		mapfile -t left < "$queue"
		[ ${#left[@]} -gt 0 ] || exit 1
		for job in "${left[@]}"; do
			if ready "$job"; then
				printf '%s\n' "${left[@]}" | grep -vxF "$job" > "$queue"
				echo "$job"
				exit 0
			fi
		done
	) 9> "$queue.lock"
}
# worker NAME: takes jobs until the queue is empty, in the background,
# its output to its log.
worker_pids=()
worker() {
	say "=== lane $1 (its output: $log/check-lane-$1.txt)"
	(
		lane=$1
		while job=$(take); do
			if [ -z "$job" ]; then
				sleep 5
				continue
			fi
			say "=== lane $lane: ${job#*:}"
			run_job "$job"
		done
	) > "$log/check-lane-$1.txt" 2>&1 &
	worker_pids+=($!)
}
# The jobs, by kernel: a kernel's lines in the table go where its
# argument is. Debian kernels not installed fail at once. With two lanes
# each Debian kernel's suite is two jobs, ROWSa and ROWSb.
# failure_reports LOG: each failed test's report in a selftests log, the
# lines after its "not ok" (run-in-vm.sh): a test prints a line a check,
# and a long one hundreds, so what its failure says is picked out: the
# 10 lines before its first "FAIL:" and 40 from there (the failure, the
# evidence fail() prints after it, any later FAIL), or the last 10 lines
# of a test that failed without fail() (a timeout, a command that failed
# under set -e); then its times, the unload error and the kernel log
# from the first report in it (40 lines each at most). A result with no
# test behind it (the kernel log after the last test, kmemleak's scan):
# its first 40 lines.
failure_reports() {
	awk '
	function show(from, to,   i) {
		if (from > 1) print "#   [...]"
		for (i = from; i <= to; i++) print body[i]
	}
	function report(   i, f, k) {
		if (head == "") return
		print head
		for (i = 1; i <= nb && !f; i++) if (body[i] ~ /^#   FAIL: /) f = i
		if (f) {
			show(f > 10 ? f - 10 : 1, f + 39 < nb ? f + 39 : nb)
			for (i = f + 40; i <= nb; i++) if (body[i] ~ /^#   FAIL: /) print body[i]
		} else if (times != "") {
			show(nb > 10 ? nb - 9 : 1, nb)
		} else {
			show(1, nb < 40 ? nb : 40)
		}
		if (times != "") print times
		if (unload != "") print unload
		for (i = 1; i <= nk && !k; i++)
			if (kern[i] ~ /cut here|WARNING|BUG|Oops|KASAN|UBSAN|lockdep|circular|kmemleak|Call Trace|stall|leaked/) k = i
		k = k > 5 ? k - 5 : 1
		for (i = k; i <= nk && i < k + 40; i++) print kern[i]
		if (nk >= k + 40) print "#   kernel: [...]"
		head = ""
	}
	/^(not )?ok [0-9]+ - |^selftests: / { report() }
	/^not ok [0-9]+ - / { head = $0; nb = nk = 0; times = unload = ""; next }
	head == "" { next }
	/^#   kernel: / { kern[++nk] = $0; next }
	/^#   test [0-9.]+ s, then cleanup / { times = $0; next }
	/^#   unload: / { unload = $0; next }
	{ body[++nb] = $0 }
	END { report() }' "$1"
}
t_start=$SECONDS
i=0
jobs=()
deb_rows=()
deb_kvers=()
first_debian=""
for k in "$@"; do
	i=$((i + 1))
	r=$(printf 'k%02d' "$i")
	if [ "$k" = debug ]; then
		if [ "$lanes" -gt 1 ]; then
			jobs+=("${r}a:debug-leak" "${r}b:debug-rest")
		else
			jobs+=("$r:debug")
		fi
	elif kver=$(tools/testing/kver.sh "$k"); then
		[ -n "$first_debian" ] || first_debian=$kver
		deb_rows+=("$r:$kver")
		deb_kvers+=("$kver")
		if [ "$lanes" -gt 1 ] && split_job "$r" "$kver"; then
			jobs+=("${r}a:$kver:1" "${r}b:$kver:2")
		else
			jobs+=("$r:$kver")
		fi
	else
		rows=$r
		record "$k" "not installed" 0 1 0
	fi
done
# The order the jobs start in, longest first so the lanes end together:
# the debug kernel's kmemleak boot (about 25 minutes beside another VM),
# the Debian kernels' in order (13 and 10 each half), the debug kernel's
# other boot (7).
printf '%s\n' "${jobs[@]}" | grep -- '-leak$' > "$queue"
printf '%s\n' "${jobs[@]}" | grep -v -- '-leak$\|-rest$' >> "$queue"
printf '%s\n' "${jobs[@]}" | grep -- '-rest$' >> "$queue"
if [ -n "${NFV_CHECK_DRY:-}" ]; then
	dry_run
	exit 0
fi
case " $* " in *" debug "*) debug_early ;; esac
rows=host
step tree "one version (VERSION)" scripts/check-version.sh
step tree "spec vs uapi, policies" scripts/check-spec.py
step nfvctl "build -Wall -Wextra" no_warnings make -s -C userspace
step nfvctl "unit, command line" make -s -C userspace check
# Two lanes: a worker starts at once (the debug kernel, if cached, is
# ready), the other once the Debian kernels are built, which this
# process does meanwhile.
[ "$lanes" -le 1 ] || worker 1
for k in "${deb_rows[@]}"; do
	rows=${k%%:*}
	debian_build "${k#*:}"
done
[ ${#deb_kvers[@]} -eq 0 ] || debian_dkms "${deb_kvers[@]}"
touch "$steps/debian-built"
if [ "$lanes" -gt 1 ]; then
	worker 2
	wait "${worker_pids[@]}"
else
	while read -r job; do
		run_job "$job"
	done < "$queue"
fi

echo
printf '%-26s %-22s %6s %6s %7s\n' kernel suite passed failed time
lines=$(for f in "$steps/rows/host" "$steps"/rows/k*; do
	[ "${f%.failed}" != "$f" ] || cat "$f"
done 2>/dev/null)
printf '%s\n' "$lines" | cut -f 2-
counts=$(printf '%s\n' "$lines" | cut -f 1 |
	awk '{ p += $1; f += $2 } END { print p + 0, f + 0 }')
failed=${counts#* }
echo "total: $((SECONDS - t_start))s"
if [ "$failed" -gt 0 ]; then
	# The failed steps: each failed test's report, and the step's last
	# lines.
	cat "$steps"/rows/*.failed | while IFS=$'\t' read -r what out; do
		echo
		echo "--- $what failed${out:+: $out}"
		[ -f "$out" ] || continue
		failure_reports "$out"
		echo "--- its last lines:"
		tail -n 10 "$out"
	done
fi
echo "${counts% *} passed, $failed failed"
[ "$failed" -eq 0 ]
