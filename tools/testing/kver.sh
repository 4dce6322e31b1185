#!/bin/bash
# Prints the newest installed kernel version of a kind, resolved by name:
# Debian's security updates rename kernel packages, so nothing here names
# an ABI number. Kinds: stock (Debian 12's 6.1).
set -euo pipefail

kind=${1:-stock}
case "$kind" in
stock)	pattern='6.1.*-amd64' ;;
*)	echo "kver: unknown kernel kind '$kind'" >&2; exit 1 ;;
esac

for dir in /lib/modules/$pattern; do
	v=${dir##*/}
	[ -e "/boot/vmlinuz-$v" ] && [ -d "$dir/build" ] && echo "$v"
done | sort -V | tail -n 1 | grep . || {
	echo "kver: no '$kind' kernel with headers installed (make deps)" >&2
	exit 1
}
