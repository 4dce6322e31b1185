#!/bin/bash
# Installs this checkout's modules through DKMS for kernel versions: copies
# the sources DKMS needs to /usr/src/nfv-VERSION, then dkms build + install
# for each. Run as root. Usage: dkms-install.sh [KVER...]
# (default: the newest installed of each supported kind, kver.sh all)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kvers=("$@")
[ ${#kvers[@]} -gt 0 ] || mapfile -t kvers < <("$top/tools/testing/kver.sh" all)
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$top/dkms.conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
src=/usr/src/$name-$ver

# A stale registration from an earlier checkout would shadow this one.
# (Not `dkms status | grep -q`: grep's early exit is a SIGPIPE that
# pipefail turns into "nothing registered".)
if [ -n "$(dkms status -m "$name" -v "$ver" 2>/dev/null)" ] ||
   [ -d "/var/lib/dkms/$name/$ver" ]; then
	dkms remove -m "$name" -v "$ver" --all >/dev/null
fi
rm -rf "$src"
mkdir -p "$src"
"$top/scripts/check-version.sh"
cp -r "$top/dkms.conf" "$top/Kbuild" "$top/VERSION" "$top/kmod" "$top/uapi" "$src/"
find "$src" \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o -name '.*.cmd' \
	-o -name modules.order -o -name Module.symvers \) -delete

dkms add -m "$name" -v "$ver" >/dev/null
for kver in "${kvers[@]}"; do
	dkms build -m "$name" -v "$ver" -k "$kver"
	dkms install -m "$name" -v "$ver" -k "$kver" --force
done
