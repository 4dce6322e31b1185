#!/bin/bash
# `make bench`: boots one VM on a kernel, runs every scenario in it
# (bench-in-vm.sh) and writes the results under tools/testing/results/:
# the console, summary.txt (the table also printed here), throughput.csv,
# connection-rate.csv, memory.csv, nfstart.csv, throughput.png,
# latency.csv and latency.png. Needs the packages `make bench` installs:
# openvswitch-switch, nftables, gnuplot-nox.
#
# Usage: bench.sh [-k KVER] [-o OUTDIR] [-c CLOCK] [SCENARIO...]
# Environment: BENCH_ARGS, extra bench-in-vm.sh options (-t SECONDS per run,
# -r RUNS, -f "FLOWS...", -s "SIZES...", -n NEW_FLOWS, -p SAMPLES,
# -b "LOADS...", -T, -R, -L, -S, -u STARTS, -w SWAPS); BENCH_TIMEOUT, the
# VM's time limit in seconds (below).
#
# CLOCK: icount (default) runs the VM on one vCPU with QEMU's -icount
# shift=0: its clock advances one nanosecond per guest instruction, so a
# rate is instructions per frame, the same from run to run and whatever
# else the host is doing; it models no cache or memory costs, and one vCPU
# none between CPUs. real: two vCPUs on the host's clock, as the tests
# run, with TCG's noise (spreads of 5% to 68% between runs here).
# BENCH_KERNEL_ARGS: the VM kernel's extra arguments (init_on_alloc=0,
# below; empty for the distribution's defaults).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
kver=""
out=""
clock=icount
while getopts "k:o:c:" opt; do
	case "$opt" in
	k) kver=$OPTARG ;;
	o) out=$OPTARG ;;
	c) clock=$OPTARG ;;
	*) echo "usage: $0 [-k KVER] [-o OUTDIR] [-c icount|real] [SCENARIO...]" >&2
	   exit 2 ;;
	esac
done
# init_on_alloc=0 (Debian's kernels zero every allocation by default):
# veth on 6.1 copies each frame into a page of its own for XDP (lib.sh),
# which a NIC's driver recycles from its page pool instead, and zeroing
# it is 4,096 instructions on the instruction clock (a `rep stosb`
# counts once a byte under TCG): 40% of the harness's own cost per frame,
# alike in every scenario. Objects the scenarios allocate (conntrack's
# and nfv's flows) are no longer zeroed by the allocator either: nfv's
# are still zeroed by its own code (kmem_cache_zalloc), conntrack's in
# part (what it initialises).
export NFV_KERNEL_ARGS="${NFV_KERNEL_ARGS:+$NFV_KERNEL_ARGS }${BENCH_KERNEL_ARGS-init_on_alloc=0}"
# The VM's time limit (BENCH_TIMEOUT, seconds) is set for a default run:
# on the instruction clock one emulation thread runs it at six to ten
# times the host's clock: 69 minutes on this project's 2-core host at
# load average 8, an estimated 112 at 10 (Documentation/performance.rst,
# Run time); 5,400 s, the real clock's, would stop a slow one.
case "$clock" in
icount) export NFV_VM_CPUS=1 NFV_QEMU_ARGS="-icount shift=0"
	limit=14400 ;;
real) limit=5400 ;;
*) echo "bench: clock $clock: icount or real" >&2; exit 2 ;;
esac
shift $((OPTIND - 1))
[ -n "$kver" ] || kver=$("$top/tools/testing/kver.sh" stock)
[ -n "$out" ] || out=$top/tools/testing/results/bench-$(date -u +%Y%m%d-%H%M%S)
for f in "build/$kver/kmod/nfv.ko" userspace/nfvctl; do
	[ -e "$top/$f" ] || { echo "bench: $f is not built (make)" >&2; exit 1; }
done
mkdir -p "$out"
# The latency prober (rtt.c), built here: gcc in the VM reads itself over
# 9p, tens of seconds.
cc -O2 -Wall -Wextra -Werror -o "$top/build/bench-rtt" "$here/rtt.c" -lm
# The guest of the guest-* scenarios, as run.sh builds it for the tests.
cc -O2 -Wall -Wextra -Werror -o "$top/build/guest-peer" \
	"$top/tools/testing/selftests/guest-peer.c" \
	"$top/tools/testing/selftests/guest-vhost.c"

start=$(date +%s)
{
	echo "host: $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
	echo "host load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/host.txt"
cd "$top"
# The console goes to the log; progress and trouble to the terminal.
{
	rc=0
	# BENCH_ARGS as a shell would split it: -f '1000 1000000' is one
	# argument.
	eval "args=(${BENCH_ARGS:-})"
	"$top/tools/testing/vm/run.sh" -k "$kver" -t "${BENCH_TIMEOUT:-$limit}" \
		-l "$out/console.log" -- \
		bash "$here/bench-in-vm.sh" -c "$clock" "${args[@]}" "$@" || rc=$?
	echo "$rc" > "$out/rc"
} 2>&1 | grep --line-buffered -E '^(bench:|BENCH-(FAIL|SKIP)|run.sh:)' || true
rc=$(cat "$out/rc")
{
	echo "host load after: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "duration: $(( $(date +%s) - start ))s"
} >> "$out/host.txt"
cat "$out/host.txt"
python3 "$here/report.py" "$out/console.log" "$out" || rc=1
echo "bench: results in $out"
exit "$rc"
