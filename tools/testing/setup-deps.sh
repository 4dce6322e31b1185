#!/bin/bash
# Installs the Debian packages the project builds and tests with; run as
# root on a fresh machine. Idempotent: installs only what is missing.
# Usage: setup-deps.sh [-k KIND]... [PACKAGE...]
#   -k  an extra kernel (a tools/testing/kver.sh kind, e.g. 6.12-rt) besides
#       6.1 and 6.12; PACKAGEs: a target's own
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
pkgs=(
	make gcc pkg-config libnl-3-dev libnl-genl-3-dev	# build
	linux-image-amd64 linux-headers-amd64 dkms openssl	# kernel, DKMS
	qemu-system-x86 busybox-static cpio gzip xz-utils kmod	# the VM
	iproute2 iputils-ping socat jq python3 ethtool procps util-linux # tests
	python3-yaml				# check-spec.py, the fuzzers (nfvnl.py)
	gojq			# the tests' jq (lib.sh): a tenth of jq's start
	nftables						# test-fw-tcp-open
	coturn				# test-cgnat-stun: turnserver, turnutils_natdiscovery
	tshark					# test-cgnat-log (IPFIX decoder)
	sparse							# C=1
)
kinds=(6.12)
while getopts "k:" opt; do
	case "$opt" in
	k) kinds+=("$OPTARG") ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
pkgs+=("$@")	# a target's own, e.g. make bench's peers and plot

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			echo "$p"
	done
}

# The newest image and headers of each extra kernel, by name (security
# updates rename them): what the package lists know, as they are.
kernel_pkgs() {
	local kind suffix
	for kind in "${kinds[@]}"; do
		suffix=$("$here/kver.sh" -p "$kind") || return 1
		echo "linux-image-$suffix" "linux-headers-$suffix"
	done
}

root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup-deps: missing Debian packages (run as root to install): $*" >&2
		exit 1
	fi
}

export DEBIAN_FRONTEND=noninteractive
apt_install() {
	echo "setup-deps: installing $*"
	apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "$@" >/dev/null
}

updated=0
if ! kpkgs=$(kernel_pkgs 2>/dev/null); then
	# Package lists that predate the 6.12 backport: refresh them once.
	root "the package lists for linux-image-6.12"
	apt-get update -q >/dev/null
	updated=1
	kpkgs=$(kernel_pkgs)
fi
# shellcheck disable=SC2086 # one package a word
mapfile -t todo < <(missing "${pkgs[@]}" $kpkgs)
[ ${#todo[@]} -eq 0 ] && exit 0
root "${todo[*]}"
if ! apt_install "${todo[@]}"; then
	[ "$updated" -eq 0 ] || exit 1
	apt-get update -q >/dev/null
	apt_install "${todo[@]}"
fi
# Servers the tests start in their own namespaces, never on the host: a
# package that just enabled and started its daemon gets it stopped again.
for p in coturn; do
	[[ " ${todo[*]} " == *" $p "* ]] || continue
	systemctl disable --now "$p" >/dev/null 2>&1 || true
done
