#!/bin/bash
# kunit-modules.sh MODS: the KUnit modules kmod/tests/Kbuild builds, as
# built under MODS (scripts/debug-modules.sh's second line), in its
# order. make kunit and make check's debug boot load this one list.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
sed -n "s|^obj-m += \(.*\)\.o$|$1/tests/\1.ko|p" "$top/kmod/tests/Kbuild"
