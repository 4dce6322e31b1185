#!/bin/bash
# Prints the newest installed kernel version of a kind, resolved by name:
# Debian's security updates rename kernel packages, so nothing here names
# an ABI number. A kind counts as installed with its image and headers.
#
# Usage: kver.sh KIND | kver.sh all | kver.sh -p KIND
#   KIND  6.1 (alias stock): Debian 12's kernel
#         6.12: the 6.12 LTS of Debian 13 and RHEL 10, from bookworm-security
#         6.12-rt (alias rt): its PREEMPT_RT flavour
#         or an installed version itself, e.g. 6.12.117+deb12-amd64
#   all   the newest of each kind that is installed, one a line
#   -p    the suffix of the kind's Debian packages (linux-image-SUFFIX and
#         linux-headers-SUFFIX): the newest the package lists know
set -euo pipefail

kinds=(6.1 6.12 6.12-rt)

# The version glob of a kind; flavours other than the kind's are excluded.
pattern() {
	case "$1" in
	stock|6.1)	echo '6.1.*-amd64' ;;
	6.12)		echo '6.12.*+deb12-amd64' ;;
	rt|6.12-rt)	echo '6.12.*+deb12-rt-amd64' ;;
	*)		return 1 ;;
	esac
}

# Versions of a kind from a list on stdin, newest last.
select_kind() {
	local glob
	glob=$(pattern "$1")
	while read -r v; do
		# shellcheck disable=SC2053 # a glob on purpose
		[[ $v == $glob ]] || continue
		case "$1:$v" in
		stock:*-rt-amd64|stock:*-cloud-amd64) continue ;;
		6.1:*-rt-amd64|6.1:*-cloud-amd64) continue ;;
		esac
		echo "$v"
	done | sort -V
}

installed() {
	local dir v
	for dir in /lib/modules/*; do
		v=${dir##*/}
		[ -e "/boot/vmlinuz-$v" ] && [ -e "$dir/build/Makefile" ] && echo "$v"
	done
	true
}

newest() {
	installed | select_kind "$1" | tail -n 1 | grep . || {
		echo "kver: no '$1' kernel with headers installed (make deps)" >&2
		return 1
	}
}

case "${1:-stock}" in
all)
	for k in "${kinds[@]}"; do
		newest "$k" 2>/dev/null || true
	done
	;;
-p)
	kind=${2:?usage: $0 -p KIND}
	pattern "$kind" >/dev/null || { echo "kver: unknown kernel kind '$kind'" >&2; exit 1; }
	apt-cache search --names-only '^linux-image-[0-9.]+[^ ]*-amd64$' 2>/dev/null |
		sed -n 's/^linux-image-\([^ ]*\) .*/\1/p' | select_kind "$kind" |
		tail -n 1 | grep . || {
		echo "kver: the package lists have no '$kind' kernel (apt-get update)" >&2
		exit 1
	}
	;;
*)
	if pattern "$1" >/dev/null; then
		newest "$1"
	elif [ -e "/boot/vmlinuz-$1" ] && [ -e "/lib/modules/$1/build/Makefile" ]; then
		echo "$1"
	else
		echo "kver: unknown kernel kind '$1' (6.1, 6.12, 6.12-rt or a version)" >&2
		exit 1
	fi
	;;
esac
