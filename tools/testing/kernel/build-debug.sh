#!/bin/bash
# Builds (or finds in the cache) the debug test kernel: Debian's
# linux-source-6.1 on `make tinyconfig` plus debug.config (KASAN, UBSAN,
# lockdep, kmemleak, debugobjects, KUnit), with everything the VM needs
# built in. Prints the build directory on the last line of stdout; all else
# goes to stderr.
#
#   KDIR=$(tools/testing/kernel/build-debug.sh | tail -n 1)
#   $KDIR/arch/x86/boot/bzImage                the kernel to boot
#   make -C $KDIR M=$PWD/kmod modules          out-of-tree modules
#   $KDIR/modroot/lib/modules/$(cat $KDIR/include/config/kernel.release)
#                                              the kernel's own modules
#                                              (modprobe -d $KDIR/modroot)
#
# The tree lives outside the repository, in
# ${NFV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nfv}/kernel-debug-KEY, KEY
# being a hash of the linux-source-6.1 package version, debug.config and
# this script, comments left out. A finished tree carries a stamp; with
# it, a run prints the path and exits at once. An interrupted build
# resumes where it stopped.
# Trees of other keys unused for NFV_KERNEL_KEEP_DAYS (7) days are removed.
#
# Usage: build-debug.sh [-v] [-c] [-n] [-j JOBS]
#   -v  stream the build's output to stderr (it always goes to KDIR/build.log)
#   -c  unpack and configure only (check debug.config); no build, no stamp
#   -n  build nothing: print the path and exit 0 if it is built, 1 if not
#   -j  parallel jobs (default: nproc); the build runs under nice -n 10
set -euo pipefail

self=$(readlink -f "${BASH_SOURCE[0]}")
here=$(dirname "$self")
frag=$here/debug.config
tarball=/usr/src/linux-source-6.1.tar.xz
cache=${NFV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nfv}

verbose=0 config_only=0 query=0 jobs=""
while getopts "vcnj:" opt; do
	case "$opt" in
	v) verbose=1 ;;
	c) config_only=1 ;;
	n) query=1 ;;
	j) jobs=$OPTARG ;;
	*) sed -n 's/^# \{0,1\}//; /^Usage:/,/^set /p' "$self" | sed '$d' >&2; exit 2 ;;
	esac
done
[ -n "$jobs" ] || jobs=$(nproc)

say() { echo "build-debug: $*" >&2; }
die() { say "$*"; exit 1; }

# Empty, not an error, when the package is not installed (a fresh machine).
srcver() {
	{ dpkg-query -W -f='${db:Status-Abbrev}${Version}' linux-source-6.1 2>/dev/null ||
		true; } | sed -n 's/^ii *//p'
}
# The key: the package version, the fragment's settings and this
# script's code, without comments and blank lines, so that rewording one
# does not cost a 14-minute build ("# CONFIG_X is not set" is a setting).
keyof() {
	{
		printf '%s\n' "$1"
		grep -E '^CONFIG_|^# CONFIG_[A-Za-z0-9_]+ is not set$' "$frag"
		grep -vE '^[[:space:]]*(#|$)' "$self"
	} | sha256sum | cut -c1-16
}

# The fast path: a finished tree for these inputs.
ver=$(srcver)
if [ -n "$ver" ]; then
	key=$(keyof "$ver")
	dir=$cache/kernel-debug-$key
	if [ -e "$dir/.nfv-build-ok" ] && [ "$config_only" -eq 0 ]; then
		# Marks the tree as used, for the pruning below (best effort).
		touch "$dir/.nfv-build-ok" 2>/dev/null || true
		echo "$dir"
		exit 0
	fi
fi
if [ "$query" -eq 1 ]; then
	[ -n "$ver" ] && echo "$dir"
	exit 1
fi

# Build dependencies, installed when missing (as root).
pkgs=(build-essential bc bison flex libelf-dev libssl-dev xz-utils cpio kmod
	linux-source-6.1)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] ||
		die "missing Debian packages (run as root to install): ${missing[*]}"
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# apt-get update only when the package lists can't serve the install.
	if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; then
		apt-get update -q >&2
		apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
	fi
	ver=$(srcver)
	[ -n "$ver" ] || die "linux-source-6.1 did not install"
	key=$(keyof "$ver")
	dir=$cache/kernel-debug-$key
fi
[ -r "$tarball" ] || die "$tarball is missing (linux-source-6.1 $ver)"

# One build per key at a time; a second caller waits and then finds it done.
mkdir -p "$cache"
exec 9>"$dir.lock"
if ! flock -n 9; then
	say "waiting for another build of $dir"
	flock 9
fi
if [ -e "$dir/.nfv-build-ok" ] && [ "$config_only" -eq 0 ]; then
	echo "$dir"
	exit 0
fi

# Nothing from the caller's environment steers the kernel's make (a parent
# make's M= or O= would come in through MAKEFLAGS).
unset ARCH SUBARCH CROSS_COMPILE O KBUILD_OUTPUT M KBUILD_EXTMOD LOCALVERSION \
	KCFLAGS KCPPFLAGS KAFLAGS KBUILD_KCONFIG KCONFIG_CONFIG INSTALL_MOD_PATH \
	MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL
log=$dir/build.log
t0=$(date +%s)
now() { echo $(( $(date +%s) - t0 )); }
kmake() {
	local rc=0
	if [ "$verbose" -eq 1 ]; then
		nice -n 10 make -C "$dir" "$@" 2>&1 | tee -a "$log" >&2 || rc=$?
	else
		nice -n 10 make -C "$dir" "$@" >>"$log" 2>&1 || rc=$?
	fi
	if [ "$rc" -ne 0 ]; then
		[ "$verbose" -eq 1 ] || tail -n 60 "$log" >&2
		die "make $* failed (log: $log)"
	fi
}

# Every line of debug.config must hold in the final .config: Kconfig drops
# a symbol whose dependencies are unmet without a word.
check_config() {
	local bad=() line sym
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF -- "$line" "$dir/.config" ||
				bad+=("$line (got: $(grep -E "^(# )?${line%%=*}[= ]" \
					"$dir/.config" || echo "no such symbol"))")
			;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			! grep -q "^$sym=" "$dir/.config" ||
				bad+=("$line (got: $(grep "^$sym=" "$dir/.config"))")
			;;
		esac
	done < "$frag"
	if [ ${#bad[@]} -gt 0 ]; then
		say "debug.config asks for what olddefconfig did not keep:"
		printf '  %s\n' "${bad[@]}" >&2
		return 1
	fi
}

if [ ! -e "$dir/.nfv-unpacked" ]; then
	say "unpacking linux-source-6.1 $ver into $dir"
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -xJf "$tarball" -C "$dir" --strip-components=1
	touch "$dir/.nfv-unpacked"
fi
t_unpack=$(now)

if [ ! -e "$dir/.nfv-configured" ] || [ "$config_only" -eq 1 ]; then
	say "configuring: tinyconfig + debug.config"
	: > "$log"
	# ARCH=x86_64, or allnoconfig starts from a 32-bit kernel whose leftovers
	# (FRAME_WARN=1024, ...) would outlive the switch to 64BIT.
	kmake ARCH=x86_64 tinyconfig
	(cd "$dir" && scripts/kconfig/merge_config.sh -m .config "$frag") >>"$log" 2>&1 ||
		die "merge_config.sh failed (log: $log)"
	kmake olddefconfig
	check_config || exit 1
	touch "$dir/.nfv-configured"
fi
t_config=$(now)
if [ "$config_only" -eq 1 ]; then
	say "configured in ${t_config}s: $dir/.config"
	echo "$dir"
	exit 0
fi

say "building bzImage and modules with -j$jobs (log: $log)"
kmake -j"$jobs" bzImage modules
kmake -j"$jobs" modules_prepare
t_build=$(now)
rm -rf "$dir/modroot"
kmake INSTALL_MOD_PATH="$dir/modroot" modules_install
t_install=$(now)

release=$(cat "$dir/include/config/kernel.release")
{
	echo "key=$key"
	echo "linux-source-6.1=$ver"
	echo "release=$release"
	echo "seconds=$t_install"
} > "$dir/.nfv-build-ok"
say "built $release in ${t_install}s (unpack ${t_unpack}s," \
	"config $((t_config - t_unpack))s, make $((t_build - t_config))s," \
	"modules_install $((t_install - t_build))s)"

# Trees of other keys that nobody used for a while (a warm run touches the
# stamp), and that no build holds, go: each is a few GiB.
keep_days=${NFV_KERNEL_KEEP_DAYS:-7}
for old in "$cache"/kernel-debug-*/; do
	old=${old%/}
	[ "$old" != "$dir" ] || continue
	stamp=$old/.nfv-build-ok
	[ -e "$stamp" ] || stamp=$old
	[ -n "$(find "$stamp" -maxdepth 0 -mtime +"$keep_days" 2>/dev/null)" ] || continue
	(
		flock -n 8 || exit 0
		say "removing $old, unused for over $keep_days days"
		rm -rf "$old" "$old.lock"
	) 8>"$old.lock"
done

echo "$dir"
