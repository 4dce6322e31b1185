#!/bin/bash
# Runs inside the test VM: each selftest in turn, from a clean state, with
# the kernel log checked after each. A WARN, BUG, Oops, KASAN, UBSAN or
# lockdep report fails the test that was running, or the one after it if
# the report came late (a namespace is destroyed in a workqueue); after
# the last test the log is read once more, when every namespace is gone.
# Usage: run-in-vm.sh [TEST...]   (default: every test-*.sh)

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
set +e

bad='WARNING:|BUG:|Oops|KASAN|UBSAN|circular locking|lockdep|kmemleak|general protection|Call Trace|RCU stall|stack-protector|unregister_netdevice: waiting|leaked reference'
# Lines that match $bad but report no kernel bug.
benign='pktgen: WARNING: trying to remove a running interface'
kmemleak=/sys/kernel/debug/kmemleak
# A test's time limit catches a hang; the debug kernel is five times slower.
timeout=${NFV_TEST_TIMEOUT:-300}
[[ $(uname -r) != *-nfv-debug ]] || timeout=${NFV_TEST_TIMEOUT:-600}

tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=("$here"/test-*.sh)

# NFV_KUNIT="KDIR MODULE.ko...": the KUnit suites first, in this boot.
# shellcheck disable=SC2086
[ -z "${NFV_KUNIT:-}" ] || bash "$here/../kunit/run-in-vm.sh" $NFV_KUNIT

# since T0 T1: seconds from one $EPOCHREALTIME to another, to 0.1 s.
since() {
	local a=${1/./} b=${2/./}
	local d=$(( (10#$b - 10#$a) / 100000 ))
	echo "$((d / 10)).$((d % 10))"
}

# Processes a test started in its namespaces, or left behind at all.
# A process is in a namespace if its ns/net is the same file (-ef) as the
# namespace's: no process started for the test (ip netns pids is three).
kill_leftovers() {
	local f p
	for f in /run/netns/*; do
		[ -e "$f" ] || continue
		for p in /proc/[0-9]*; do
			[[ $p/ns/net -ef $f ]] && kill -9 "${p#/proc/}" 2>/dev/null
		done
	done
	pkill -9 -P $$ 2>/dev/null
	true
}

# Objects kmemleak reports whose allocation backtrace is in the project's
# modules: named while a module is loaded, a bare address in the module
# area (0xffffffffa0000000 and up) once it is gone.
kmemleak_ours() {
	awk '/^unreferenced object/ { if (obj && ours) print obj; obj = $0; ours = 0; next }
	     /\[nfv[_a-z]*\]|nfv_| 0xffffffff[a-f][0-9a-f]{7}$/ { ours = 1 }
	     END { if (obj && ours) print obj }' "$kmemleak"
}

# A socket with timestamps on, for the whole suite: each ping turns the
# kernel's netstamp_needed_key on and off again, and QEMU's TCG can let
# another vCPU in the RX path run the int3 of that text patch after it is
# done ("Oops: int3" in __netif_receive_skb_core, seen once on 6.12; the
# same in mptcp's CI, multipath-tcp/mptcp_net-next#471). With one holder
# the key stays on and its sites are never patched again. setsid -f: not a
# child of this script, which kills its children after each test.
setsid -f python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 29, 1)  # SO_TIMESTAMP
time.sleep(1e9)' < /dev/null > /dev/null 2>&1

# The kernel log, read from /dev/kmsg from here on by one process that
# never clears it: each test's part of it runs from the mark put at the
# end of the test before it to its own end mark. EPIPE: records
# overwritten before they were read.
klog=/tmp/kmsg
: > "$klog"
setsid -f python3 -c 'import os, sys
fd = os.open("/dev/kmsg", os.O_RDONLY)
os.lseek(fd, 0, os.SEEK_END)
out = open(sys.argv[1], "a", buffering=1)
out.write("nfv-selftests: reader %d\n" % os.getpid())
while True:
    try:
        rec = os.read(fd, 8192)
    except BrokenPipeError:
        out.write("nfv-selftests: kernel log records lost\n")
        continue
    out.write(rec.decode(errors="replace").partition(";")[2].split("\n")[0] + "\n")' \
	"$klog" < /dev/null > /dev/null 2>&1
await 600 test -s "$klog"
klog_pid=$(sed -n 's/^nfv-selftests: reader //p' "$klog")

# klog_mark NAME: puts a mark in the kernel log and waits until the
# reader has it, so the file holds every line printed before it.
klog_seen() { grep -qxF "nfv-selftests: $1" "$klog" || [ ! -d "/proc/$klog_pid" ]; }
klog_mark() {
	echo "nfv-selftests: $1" > /dev/kmsg
	await 600 klog_seen "$1"
	grep -qxF "nfv-selftests: $1" "$klog"
}

# klog_since MARK: the kernel log after MARK; klog_bad: its reports.
klog_since() { sed -n "/^nfv-selftests: $1\$/,\$p" "$klog" | tail -n +2; }
klog_bad() { grep -E "$bad" | grep -vE "$benign"; }

# Waits until the namespaces deleted so far are destroyed: netns_wq
# destroys them one batch after the other, so once a namespace deleted
# last has taken its veth's peer with it, the earlier ones are gone.
netns_settled() {
	ip netns add settle && ip link add settle0 type veth peer settle1 netns settle &&
		ip netns del settle && await 3000 eval '! ip link show settle0 > /dev/null 2>&1'
}

plan=$(( ${#tests[@]} + 1 ))
# On a kernel with kmemleak, a scan after the suite is one more test;
# the debug kernel boots with kmemleak=off for the tests that do not ask
# for it (scripts/selftests.sh).
leakcheck=""
if [ -w "$kmemleak" ] && ! grep -qw 'kmemleak=off' /proc/cmdline; then
	leakcheck=1
	plan=$((plan + 1))
	echo clear > "$kmemleak"
fi

passed=0
failed=0
skipped=0
n=0
last="suite start"
klog_mark "$last"
echo "TAP version 13"
echo "1..$plan"
for t in "${tests[@]}"; do
	[ -f "$t" ] || t=$here/$t
	name=$(basename "$t" .sh)
	n=$((n + 1))
	# A test that says "# debug: skip WHY" runs on the Debian kernels
	# only. NFV_NO_BENCH=1: the harness's smokes ran on another kernel.
	why=""
	if [[ $(uname -r) == *-nfv-debug ]]; then
		why=$(sed -n 's/^# debug: skip //p' "$t")
	fi
	if [[ $name == test-bench-* && -n ${NFV_NO_BENCH:-} ]]; then
		why="benchmark smokes run on another kernel"
	fi
	if [ -n "$why" ]; then
		skipped=$((skipped + 1))
		echo "ok $n - $name # SKIP $why"
		continue
	fi
	cleanup
	from=$last
	t_start=$EPOCHREALTIME
	# Output to a file: a pipe would wait for whatever the test left running.
	# "# timeout: S" gives a test longer (test-guest-vm's nested boot).
	limit=$(sed -n 's/^# timeout: \([0-9]*\)$/\1/p' "$t")
	timeout -k 5 "${limit:-$timeout}" bash "$t" > /tmp/test.out 2>&1
	rc=$?
	t_body=$EPOCHREALTIME
	out=$(cat /tmp/test.out)
	kill_leftovers
	cleanup
	t_clean=$EPOCHREALTIME
	# A module that stays loaded would serve the next tests unseen.
	unload=$(nfv_unload 2>&1) && unload=""
	t_unload=$EPOCHREALTIME
	secs=$(( ${t_unload%.*} - ${t_start%.*} ))
	# With NFV_VERBOSE, where the harness's share of a test's time goes.
	times="test $(since "$t_start" "$t_body") s, then cleanup $(since "$t_body" "$t_clean") s, unload $(since "$t_clean" "$t_unload") s"
	last="end $n"
	if klog_mark "$last" && grep -qxF "nfv-selftests: $from" "$klog"; then
		log=$(klog_since "$from")
		reports=$(klog_bad <<<"$log")
	else
		log=""
		reports="the kernel log reader is gone: the log is unread"
	fi
	if [ $rc -eq 0 ] && [ -z "$reports" ] && [ -z "$unload" ]; then
		passed=$((passed + 1))
		echo "ok $n - $name (${secs}s)"
		[ -n "${NFV_VERBOSE:-}" ] && echo "$out" | sed 's/^/#   /' &&
			echo "#   $times"
	else
		failed=$((failed + 1))
		[ $rc -eq 124 ] && why="timed out" || why="exit $rc"
		[ -n "$reports" ] && why="$why, kernel log"
		[ -n "$unload" ] && why="$why, module not unloaded"
		echo "not ok $n - $name (${secs}s, $why)"
		echo "$out" | sed 's/^/#   /'
		echo "#   $times"
		[ -n "$unload" ] && echo "#   unload: $unload"
		[ -n "$reports" ] && sed 's/^/#   kernel: /' <<<"${log:-$reports}"
	fi
done

# Reports that came after the last test's end: namespace teardown and
# RCU callbacks run late.
n=$((n + 1))
netns_settled || echo "# the namespaces did not settle"
if ! klog_mark "after"; then
	failed=$((failed + 1))
	echo "not ok $n - kernel log after the last test (the reader is gone)"
elif log=$(klog_since "$last") && [ -z "$(klog_bad <<<"$log")" ]; then
	passed=$((passed + 1))
	echo "ok $n - kernel log after the last test"
else
	failed=$((failed + 1))
	echo "not ok $n - kernel log after the last test"
	sed 's/^/#   kernel: /' <<<"$log"
fi

if [ -n "$leakcheck" ]; then
	n=$((n + 1))
	nfv_unload 2>/dev/null || true
	# Two scans: an object must look unreferenced twice to be reported.
	# A scan fails if kmemleak turned itself off (out of memory for its
	# metadata): then nothing was checked.
	scanned=""
	echo scan > "$kmemleak" && sleep 5 && echo scan > "$kmemleak" && scanned=1
	leaks=$(kmemleak_ours)
	if [ -z "$scanned" ]; then
		failed=$((failed + 1))
		echo "not ok $n - kmemleak scan after the suite (kmemleak is off: $(head -n 3 "$kmemleak"))"
	elif [ -z "$leaks" ]; then
		passed=$((passed + 1))
		echo "ok $n - kmemleak scan after the suite"
	else
		failed=$((failed + 1))
		echo "not ok $n - kmemleak scan after the suite ($(echo "$leaks" | wc -l) objects)"
		sed 's/^/#   /' "$kmemleak"
	fi
fi
echo "selftests: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
