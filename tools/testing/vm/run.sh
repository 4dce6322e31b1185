#!/bin/bash
# Boots a kernel in QEMU (software emulation) with this machine's root
# filesystem shared read-only over 9p, runs one command in it from the
# current directory, and exits with the command's status.
#
# Usage: run.sh [-k KVER | -i BZIMAGE] [-t TIMEOUT_S] [-l LOG] -- COMMAND [ARGS...]
# -k boots an installed Debian kernel, -i a kernel image built here (whose
# drivers for the boot are built in). Environment: NFV_VM_CPUS, the vCPUs
# (2); NFV_QEMU_ARGS, more QEMU options (make bench's -icount);
# NFV_KERNEL_ARGS, more of the kernel's command line.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
kver=""
image=""
timeout=600
log=""
while getopts "k:i:t:l:" opt; do
	case "$opt" in
	k) kver=$OPTARG ;;
	i) image=$OPTARG ;;
	t) timeout=$OPTARG ;;
	l) log=$OPTARG ;;
	*) echo "usage: $0 [-k KVER] [-t TIMEOUT] [-l LOG] -- CMD..." >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "run.sh: no command" >&2; exit 2; }
if [ -n "$image" ]; then
	kver=$(basename "$(dirname "$(dirname "$(dirname "$(dirname "$image")")")")")
else
	[ -n "$kver" ] || kver=$("$here/../kver.sh" stock)
	image=/boot/vmlinuz-$kver
fi

out=$here/out
mkdir -p "$out"
[ -n "$log" ] || log=$out/console-$$.log
# The VM's /tmp is its own: the command goes through a file in the checkout.
cmd=$out/cmd-$$.sh
trap 'rm -f "$cmd"' EXIT
printf '%q ' "$@" > "$cmd"
echo >> "$cmd"

initrd=$("$here/mkinitramfs.sh" "$kver")
# no_timer_check: on a loaded host, TCG can miss the boot-time check of
# the IO-APIC timer, and the kernel panics ("IO-APIC + timer doesn't
# work!") before anything runs; seen here with four VMs on two cores.
append="console=ttyS0 panic=-1 oops=panic quiet loglevel=4 no_timer_check"
append+=" nfv.init=$here/vm-init.sh nfv.cmd=$cmd nfv.cwd=$PWD nfv.top=$top"
append+=${NFV_KERNEL_ARGS:+ $NFV_KERNEL_ARGS}

start=$(date +%s)
: > "$log"
timeout --foreground "$timeout" qemu-system-x86_64 \
	-machine q35 -cpu max -smp "${NFV_VM_CPUS:-2}" -m 2048 \
	-display none -monitor none -serial "file:$log" -no-reboot \
	-kernel "$image" -initrd "$initrd" -append "$append" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$top",mount_tag=nfvtop,security_model=none,readonly=on,multidevs=remap \
	-nic none ${NFV_QEMU_ARGS:-} </dev/null &
qemu=$!
# The console as it comes, without the terminal control sequences.
tail -n +1 -f --pid=$qemu "$log" |
	sed -u -e 's/\r$//' -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1bc//g' || true
rc=0
wait $qemu || rc=$?
status=$(tr -d '\r' < "$log" | sed -n 's/^NFV-VM-EXIT=\([0-9]*\).*/\1/p' | tail -n 1)
if [ -z "$status" ]; then
	[ "$rc" -eq 124 ] && reason="timed out after ${timeout}s" || reason="crashed"
	echo "run.sh: the VM $reason before the command finished; console: $log" >&2
	tail -n 40 "$log" >&2
	exit 125
fi
echo "run.sh: VM ($kver) ran for $(( $(date +%s) - start ))s, exit $status; console: $log" >&2
exit "$status"
