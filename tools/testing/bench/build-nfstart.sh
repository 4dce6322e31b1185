#!/bin/bash
# Builds nfstart (NF start time and chain swap prober) into OUT (default
# build/nfstart): nfstart.c with nfvctl's sources but its main (nfvctl.c),
# so the prober sends nfvctl's exact requests through one netlink socket.
# Built on the host: gcc in the VM reads itself over 9p (25 s on 6.1).
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
out=${1:-$top/build/nfstart}
us=$top/userspace
srcs=()
for f in "$us"/*.c; do
	[ "${f##*/}" = nfvctl.c ] || srcs+=("$f")
done
# Up to date: nothing it is built from is newer.
if [ -x "$out" ] && [ -z "$(find "$here/nfstart.c" "$here/build-nfstart.sh" \
	"$us" "$top/uapi" "$top/VERSION" -newer "$out" \( -name '*.[ch]' -o \
	-name '*.sh' -o -name VERSION \) -print -quit)" ]; then
	exit 0
fi
mkdir -p "$(dirname "$out")"
# shellcheck disable=SC2046
cc -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE \
	-DNFVCTL_VERSION="\"$(cat "$top/VERSION")\"" -I"$top/uapi" -I"$us" \
	$(pkg-config --cflags libnl-genl-3.0) -o "$out.$$" "$here/nfstart.c" \
	"${srcs[@]}" $(pkg-config --libs libnl-genl-3.0) -lpthread
# Renamed into place: a VM of make check's other lane may be running it.
mv -f "$out.$$" "$out"
