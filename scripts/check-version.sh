#!/bin/bash
# The version is VERSION's: the modules' MODULE_VERSION and nfvctl read it
# when they build. dkms.conf cannot (dkms sources it from wherever it
# runs), so it repeats it, and this says when the two differ.
# Usage: check-version.sh
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ver=$(cat "$top/VERSION")
dkms=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
if [ "$dkms" != "$ver" ]; then
	echo "check-version: dkms.conf has PACKAGE_VERSION=\"$dkms\", VERSION has \"$ver\"" >&2
	exit 1
fi
