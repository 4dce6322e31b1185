#!/bin/bash
# Installs the Debian packages the project builds and tests with; run as
# root on a fresh machine. Idempotent: installs only what is missing.
set -euo pipefail

pkgs=(
	make gcc pkg-config libnl-3-dev libnl-genl-3-dev	# build
	linux-image-amd64 linux-headers-amd64 dkms openssl	# kernel, DKMS
	qemu-system-x86 busybox-static cpio gzip xz-utils kmod	# the VM
	iproute2 iputils-ping socat jq python3 ethtool procps util-linux # tests
	sparse							# C=1
)
pkgs+=("$@")	# a target's own, e.g. make bench's peers and plot

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "setup-deps: missing Debian packages (run as root to install): ${missing[*]}" >&2
	exit 1
fi
echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
