# SPDX-License-Identifier: GPL-2.0
# Shared by the selftests; sourced, runs inside the test VM as root.
#
# The usual topology, three network namespaces:
#
#   client c0 ──── r0 router r1 ──── s0 server
#   10.0.1.2/24    10.0.1.1  10.0.2.1    10.0.2.2/24
#   fd00:1::2/64   fd00:1::1 fd00:2::1   fd00:2::2/64
#
# The router's stack does not forward (ip_forward=0): the datapath does.

set -eu
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
NFVCTL=$top/userspace/nfvctl
FUZZ=$top/tools/testing/fuzz

# in_ns NS COMMAND...: COMMAND in the namespace's network stack. Not ip
# netns exec, which also gives it a mount namespace with the namespace's
# /sys (for /sys/class/net: use mac below) and costs 0.4 s more a process
# on the debug kernel. /proc/net and /proc/sys/net follow the process's
# network namespace by themselves. In the background, $! of a function
# is a shell around the command: where the command's pid counts (a signal
# for it), run nsenter itself.
in_ns() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}
cl() { in_ns client "$@"; }
rt() { in_ns router "$@"; }
sv() { in_ns server "$@"; }

# mac NS DEV: the device's MAC address.
mac() {
	local out
	out=$(ip -n "$1" link show "$2") || return 1
	num "$out" 'link/ether ([0-9a-f:]+)'
}
# -n: nfvctl needs only the namespace, not ip netns exec's mounts, and a
# process less costs a second on the debug kernel.
nfvctl() { "$NFVCTL" -n router "$@"; }

fail() {
	echo "FAIL: $* (${SECONDS}s into the test)" >&2
	evidence >&2
	exit 1
}

# What the datapath counted, for the log of a failed test.
evidence() {
	[ -e /sys/module/nfv ] && [ -e /run/netns/router ] || return 0
	echo "# the datapath's counters at the failure:"
	nfvctl stats "${DP:-dp0}" 2>&1 | sed 's/^/#  /'
	nfvctl flow show "${DP:-dp0}" 2>&1 | head -20 | sed 's/^/#  /'
}

# passed TEXT: one check's line; with NFV_VERBOSE, the seconds since the
# test began, to see where its time goes.
passed() { echo "ok: $*${NFV_VERBOSE:+ [${SECONDS}s]}"; }

# check DESCRIPTION [!] COMMAND...: the command must succeed (with !, fail).
check() {
	local what=$1
	shift
	if [ "$1" = "!" ]; then
		shift
		! "$@" || fail "$what"
	else
		"$@" || fail "$what"
	fi
	passed "$what"
}

check_eq() { [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"; passed "$1 ($2)"; }
check_ge() { [ "$2" -ge "$3" ] || fail "$1: got $2, expected at least $3"; passed "$1 ($2 >= $3)"; }
check_gt() { [ "$2" -gt "$3" ] || fail "$1: got $2, expected more than $3"; passed "$1 ($2 > $3)"; }

# no_reply NS ping ARGS...: ping from NS gets no answer. ping exits 1
# when no reply came and 2 on any other error (a bad address, a missing
# namespace), so a check with this cannot pass by a mistake of the test.
no_reply() {
	local ns=$1 rc=0
	shift
	in_ns "$ns" "$@" > /dev/null 2>&1 || rc=$?
	[ "$rc" -eq 1 ] || { echo "no_reply: $* exited $rc, expected 1 (no reply)" >&2; return 1; }
}

# gone NS DEV: waits until DEV has left NS, as a device does when its
# veth peer's namespace is destroyed (in a workqueue, after ip netns del).
no_link() { ! ip -n "$1" link show "$2" > /dev/null 2>&1; }
gone() { await 600 no_link "$@"; }

# tcp_unanswered NS ADDRESS: a TCP connection from NS to ADDRESS
# (socat's TCP:host:port or TCP6:[host]:port) times out: its SYN was
# dropped, not refused or reset.
tcp_unanswered() {
	local err
	err=$(in_ns "$1" socat -T2 - "$2,connect-timeout=2" < /dev/null 2>&1) && {
		echo "tcp_unanswered: $2 answered" >&2
		return 1
	}
	grep -q "timed out" <<<"$err" || { echo "tcp_unanswered: $2: $err" >&2; return 1; }
}

# expect_fail TEXT COMMAND...: the command must fail and say TEXT on stderr.
expect_fail() {
	local text=$1 err
	shift
	if err=$("$@" 2>&1 >/dev/null); then
		fail "'$*' succeeded, expected an error mentioning '$text'"
	fi
	echo "$err" | grep -qi -- "$text" ||
		fail "'$*' said '$err', expected it to mention '$text'"
	passed "refused: $* -> $err"
}

# nap SECONDS: sleep(1) without a process, which costs a third of a
# second on the debug kernel: a read that times out on a FIFO nobody
# writes to (opened read-write, so the open does not wait for a writer).
[ -p /tmp/nfv-nap ] || mkfifo /tmp/nfv-nap
exec {nap_fd}<> /tmp/nfv-nap
nap() { read -r -t "$1" -u "$nap_fd" || true; }

# await TENTHS COMMAND...: retries the command every 0.1 s until it
# succeeds, at most TENTHS times; a loaded VM can take seconds to start a
# process, so tests wait for what they need instead of sleeping.
await() {
	local n=$1
	shift
	until "$@" 2>/dev/null; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		nap 0.1
	done
}

# tcp_send BYTES: BYTES of random data from the client to the server over
# TCP (port 5001); check_received then compares what arrived.
tcp_send() {
	local srv

	head -c "$1" /dev/urandom > /tmp/payload
	nsenter --net=/run/netns/server \
		socat -u TCP-LISTEN:5001,reuseaddr OPEN:/tmp/received,creat,trunc &
	srv=$!
	listening server -t 5001
	if ! cl socat -u OPEN:/tmp/payload TCP:10.0.2.2:5001; then
		kill "$srv" 2>/dev/null
		return 1
	fi
	wait "$srv"
}
check_received() { check "TCP payload intact" cmp /tmp/payload /tmp/received; }

# listening NS -t|-u|-tu PORT: waits until a TCP or UDP socket of the namespace
# listens on PORT.
has_listener() { [ -n "$(in_ns "$1" ss -Hln "$2" "sport = :$3")" ]; }
listening() {
	await 150 has_listener "$@" || fail "nothing listens on $3 ($2) in $1"
}

# The tests' jq is gojq where it is installed (setup-deps.sh): jq 1.6
# compiles its builtins at every start, 185 million instructions against
# gojq's 12 to 19 (measured in the VM on the instruction clock), 0.5 s a
# call in the VM, 1.2 s on the debug kernel, and the tests call it
# hundreds of times. The filters the tests use mean the same in both;
# gojq prints an object's keys sorted.
if command -v gojq > /dev/null; then
	jq() { gojq "$@"; }
fi

# num TEXT REGEX: the number REGEX's group holds in TEXT, with bash alone.
# The counters below are what the tests read most, often in a loop, from
# nfvctl's one-line JSON, with no process at all; elsewhere the tests use
# jq.
num() {
	[[ $1 =~ $2 ]] || return 1
	echo "${BASH_REMATCH[1]}"
}

# jq_true FILTER: the JSON on stdin makes FILTER true. Not plain jq -e,
# which jq 1.6 lets succeed on empty input (nfvctl failed, say).
jq_true() {
	local in
	IFS= read -r -d '' in || true
	[ -n "$in" ] && jq -e "$1" <<<"$in" >/dev/null
}

# icmp_stat NS NAME: an ICMP counter of the namespace, from /proc/net/snmp
# (InEchos, InDestUnreachs, ...) or /proc/net/snmp6 (Icmp6InEchos, ...).
icmp_stat() {
	in_ns "$1" awk -v k="$2" '$1 == "Icmp:" && !h++ { split($0, c); next }
		$1 == "Icmp:" { for (i = 2; i <= NF; i++) if (c[i] == k) print $i }
		$1 == k { print $2 }' /proc/net/snmp /proc/net/snmp6
}

# ip_stat NS NAME: an IP counter of the namespace, from /proc/net/snmp
# (InAddrErrors, ForwDatagrams, ...) or /proc/net/snmp6 (Ip6InAddrErrors).
ip_stat() {
	in_ns "$1" awk -v k="$2" '$1 == "Ip:" && !h++ { split($0, c); next }
		$1 == "Ip:" { for (i = 2; i <= NF; i++) if (c[i] == k) print $i }
		$1 == k { print $2 }' /proc/net/snmp /proc/net/snmp6
}

# udp_burst NS DST N: N datagrams from NS to DST, one flow (4009 to 5009).
udp_burst() {
	in_ns "$1" python3 -c 'import socket, sys
dst, n = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET6 if ":" in dst else socket.AF_INET,
                  socket.SOCK_DGRAM)
s.bind(("", 4009))
for i in range(n):
    s.sendto(b"x", (dst, 5009))' "$2" "$3"
}

# iif_routes DST COUNTER EXPECTED: policy routing by input device
# (test-forward-ipv4, -ipv6). The rules route DST, unreachable in the main
# table, from the client's port to the server and from the server's to
# the client; neither host forwards, so each counts what it got for DST
# in its IP COUNTER (InAddrErrors, Ip6InAddrErrors). Both send 3
# datagrams: all arrive, from the flow cache after the first, and flow
# show gives each flow's next hop as EXPECTED ("src>gateway", sorted).
iif_routes() {
	local dst=$1 counter=$2 fast sender xc xs
	iif_got() { echo "$(ip_stat client "$counter") $(ip_stat server "$counter")"; }
	iif_got_is() { [ "$(iif_got)" = "$1" ]; }
	read -r xc xs <<<"$(iif_got)"
	fast=$(stat fast_packets)
	udp_burst client "$dst" 3 &
	sender=$!
	udp_burst server "$dst" 3
	wait "$sender"
	await 50 iif_got_is "$((xc + 3)) $((xs + 3))" || true
	check_eq "iif r0 to the server, iif r1 to the client" "$(iif_got)" \
		"$((xc + 3)) $((xs + 3))"
	check_ge "from the flow cache" "$(($(stat fast_packets) - fast))" 4
	check_eq "flow show: each flow's next hop" "$(nfvctl -j flow show dp0 |
		jq -r --arg d "$dst" '[.[].orig | select(.dst == $d) |
		"\(.src)>\(.gateway)"] | sort | join(" ")')" "$3"
}

# A counter from `nfvctl -j stats DP`: stat NAME or drop NAME.
stat() { num "$(nfvctl -j stats "${DP:-dp0}")" "\"stats\":\\{[^{}]*\"$1\":([0-9]+)"; }
drop() { num "$(nfvctl -j stats "${DP:-dp0}")" "\"drops\":\\{[^{}]*\"$1\":([0-9]+)"; }
nflows() { num "$(nfvctl -j dp show "${DP:-dp0}")" '"flows":([0-9]+)'; }

# The modules built for the running kernel (scripts/build-modules.sh), or
# the directory the harness names (the debug kernel's).
NFV_KMOD=${NFV_KMOD:-$top/build/$(uname -r)/kmod}

nfv_load() {
	if [ -n "${NFV_USE_DKMS:-}" ]; then
		modprobe nfv
	else
		insmod "$NFV_KMOD/nfv.ko"
	fi
}

# nfv_fw.ko: from DKMS, or beside nfv.ko.
nfv_fw_load() {
	[ ! -e /sys/module/nfv_fw ] || return 0
	[ -e /sys/module/nfv ] || nfv_load
	if [ -n "${NFV_USE_DKMS:-}" ]; then
		modprobe nfv_fw
	else
		insmod "$NFV_KMOD/fw/nfv_fw.ko"
	fi
}

# nfv_cgnat.ko: from DKMS, or beside nfv.ko.
nfv_cgnat_load() {
	[ ! -e /sys/module/nfv_cgnat ] || return 0
	[ -e /sys/module/nfv ] || nfv_load
	if [ -n "${NFV_USE_DKMS:-}" ]; then
		modprobe nfv_cgnat
	else
		insmod "$NFV_KMOD/cgnat/nfv_cgnat.ko"
	fi
}

# nfv_modprobe_setup: lets modprobe, and so the kernel's request_module(),
# find the modules built in $NFV_KMOD. DKMS installed its modules where
# depmod maps their aliases; the build directory's are known to no
# modules.alias, and the host's /lib/modules is read-only here. So an
# "install" line in /run/modprobe.d (a tmpfs kmod reads) for each name and
# each alias a module declares itself (modinfo): a module without its alias
# still cannot be found. nfv_modprobe_clear removes them.
NFV_MODPROBE_CONF=/run/modprobe.d/nfv-build.conf
nfv_modprobe_setup() {
	local ko name
	[ -z "${NFV_USE_DKMS:-}" ] || return 0
	mkdir -p "$(dirname "$NFV_MODPROBE_CONF")"
	for ko in "$NFV_KMOD/nfv.ko" "$NFV_KMOD"/fw/*.ko "$NFV_KMOD"/cgnat/*.ko; do
		for name in "$(basename "$ko" .ko)" $(modinfo -F alias "$ko"); do
			echo "install $name /sbin/insmod $ko"
		done
	done > "$NFV_MODPROBE_CONF"
}
nfv_modprobe_clear() { rm -f "$NFV_MODPROBE_CONF"; }

# Unloads the modules; fails if one is still loaded after 30 s each.
nfv_unload() {
	local i m
	# Instances pin their NF module until their last flow is freed after
	# a grace period, and a deleted namespace goes in a workqueue: a
	# moment after the namespaces went it is free.
	for m in nfv_fw nfv_cgnat; do
		for ((i = 0; i < 60; i++)); do
			[ -e "/sys/module/$m" ] || break
			rmmod "$m" 2>/dev/null && break
			nap 0.5
		done
	done
	for ((i = 0; i < 60; i++)); do
		[ -e /sys/module/nfv ] || return 0
		rmmod nfv 2>/dev/null && return 0
		nap 0.5
	done
	rmmod nfv	# says why
}

# Loads a driver if it is a module; the debug kernel has them built in,
# which modprobe cannot tell from absent. The first use fails loudly anyway.
need() {
	modprobe -q "$1" 2>/dev/null || true
}

# cgnat_netns ROUTE INSIDE... -- OUTSIDE...: the CGNAT tests' topology,
#   inside i0 ──── r0 router r1 ──── o0 outside
#   INSIDE/24      100.64.0.1 203.0.113.1   OUTSIDE/24
# the inside hosts routed through the router, the outside ones to the
# pool prefix ROUTE; the router's own stack forwards nothing.
cgnat_netns() {
	local route=$1 a in=() out=() side=in
	shift
	for a in "$@"; do
		if [ "$a" = -- ]; then
			side=out
		elif [ $side = in ]; then
			in+=("addr add $a/24 dev i0")
		else
			out+=("addr add $a/24 dev o0")
		fi
	done
	ip -b - <<-EOF
	netns add inside
	netns add router
	netns add outside
	link add i0 netns inside type veth peer r0 netns router
	link add r1 netns router type veth peer o0 netns outside
	EOF
	printf '%s\n' "${in[@]}" "link set lo up" "link set i0 up" \
		"route add default via 100.64.0.1" | ip -n inside -b -
	printf '%s\n' "${out[@]}" "link set lo up" "link set o0 up" \
		"route add $route via 203.0.113.1" | ip -n outside -b -
	ip -n router -b - <<-EOF
	addr add 100.64.0.1/24 dev r0
	addr add 203.0.113.1/24 dev r1
	link set lo up
	link set r0 up
	link set r1 up
	EOF
	rt sysctl -qw net.ipv4.ip_forward=0
}

# host_setup NS DEV ADDR4 ADDR6 GW4 GW6: an end host's side of a veth.
host_setup() {
	ip -n "$1" -b - <<-EOF
	addr add $3 dev $2
	addr add $4 dev $2 nodad
	link set lo up
	link set $2 up
	route add default via $5
	route add ::/0 via $6
	EOF
}

# One `ip -b` per namespace: a process costs a third of a second on the
# debug kernel, and the setup would take twenty.
netns_setup() {
	need veth
	[ -e /sys/module/nfv ] || nfv_load
	ip -b - <<-EOF
	netns add client
	netns add router
	netns add server
	link add c0 netns client type veth peer r0 netns router
	link add r1 netns router type veth peer s0 netns server
	EOF
	host_setup client c0 10.0.1.2/24 fd00:1::2/64 10.0.1.1 fd00:1::1
	host_setup server s0 10.0.2.2/24 fd00:2::2/64 10.0.2.1 fd00:2::1
	ip -n router -b - <<-EOF
	addr add 10.0.1.1/24 dev r0
	addr add fd00:1::1/64 dev r0 nodad
	addr add 10.0.2.1/24 dev r1
	addr add fd00:2::1/64 dev r1 nodad
	link set lo up
	link set r0 up
	link set r1 up
	EOF
	rt sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
}

# The router runs datapath dp0 with both veths as ports, chains: forward.
# One nfvctl batch: a process is a second on the debug kernel. R0_ZONE and
# R1_ZONE put the ports in zones.
router_setup() {
	netns_setup
	nfvctl -b - <<-EOF
	dp add dp0 $*
	port add dp0 dev r0${R0_ZONE:+ zone $R0_ZONE}
	port add dp0 dev r1${R1_ZONE:+ zone $R1_ZONE}
	chain set dp0 dev r0 forward
	chain set dp0 dev r1 forward
	EOF
}

# The router with firewall fw1 in front of forward on both ports. The
# client side (r0, port 1) is inside: the rules let it open connections,
# and let nothing new in from the server side (r1, port 2). Rule 2 names
# r0, which nfvctl resolves to port 1.
fw_setup() {
	nfv_fw_load
	router_setup
	nfvctl -b - <<-EOF
	fw add dp0 fw1 policy drop $*
	fw rule add dp0 fw1 ct state established,related accept
	fw rule add dp0 fw1 ct state invalid drop
	fw rule add dp0 fw1 in-port r0 ct state new accept
	chain set dp0 dev r0 fw1 forward
	chain set dp0 dev r1 fw1 forward
	EOF
}

# fw_stat NAME: an instance counter of fw1.
fw_stat() {
	num "$(nfvctl -j fw show dp0)" \
		"\"name\":\"fw1\",[^{}]*\"stats\":\\{[^{}]*\"$1\":([0-9]+)"
}
# rule_packets POS: packets rule POS of fw1 matched.
rule_packets() { nfvctl -j fw rule list dp0 fw1 | jq -r ".[$1].packets"; }

# The firewall tests' packet crafter and sniffer, in a namespace.
CRAFT=$top/tools/testing/selftests/fw-craft.py
craft() {
	local ns=$1
	shift
	in_ns "$ns" python3 "$CRAFT" "$@"
}

# sniff_start TAG NS DEV KIND PORT: counts KIND arriving on DEV
# (fw-craft.py sniff) in the background, for 10 minutes at most; returns
# once it listens. After the packets were sent, sniff_count TAG gives
# them a second to cross the veths and prints the count so far;
# sniff_stop TAG does the same and ends the capture.
sniff_start() {
	local tag=$1 ns=$2 dev=$3 kind=$4 port=$5

	rm -f "/tmp/sniff.$tag" "/tmp/sniff.$tag.err"
	nsenter --net="/run/netns/$ns" python3 "$CRAFT" sniff "$dev" 600 "$kind" "$port" \
		> "/tmp/sniff.$tag" 2> "/tmp/sniff.$tag.err" &
	echo $! > "/tmp/sniff.$tag.pid"
	await 100 grep -q ready "/tmp/sniff.$tag.err" ||
		fail "capture $tag did not start"
}
lines_over() { [ "$(wc -l < "$1")" -gt "$2" ]; }
sniff_signal() {
	local lines

	nap 1
	lines=$(wc -l < "/tmp/sniff.$1")
	kill "-$2" "$(cat "/tmp/sniff.$1.pid")" ||
		fail "capture $1 ended early"
	await 100 lines_over "/tmp/sniff.$1" "$lines" ||
		fail "capture $1 did not answer"
	tail -n1 "/tmp/sniff.$1"
}
sniff_count() { sniff_signal "$1" USR1; }
sniff_stop() { sniff_signal "$1" TERM; }

# fw_rst_window SADDR CADDR LISTEN CONNECT: a connection from the client
# to the server's port 7200 (socat addresses LISTEN and CONNECT), held
# open for minutes (the debug kernel is slow) and watched from the
# client's side for the sequence number a genuine reset would carry. A
# reset from the server far outside the window must be dropped as invalid
# and leave the flow ESTABLISHED, and so must blind ones just before that
# number (the client acknowledged past it) and well inside the window
# (past anything the server sent: the connection carried only the
# client's line); one at that sequence number arrives and closes the flow.
fw_rst_window() {
	local saddr=$1 caddr=$2 cport seq invalid

	craft client seq c0 7200 300 > /tmp/seq 2> /tmp/seq.err &
	await 100 grep -q ready /tmp/seq.err || fail "capture did not start"
	timeout 300 nsenter --net=/run/netns/server socat -T300 "$3",reuseaddr \
		SYSTEM:'cat > /dev/null' &
	listening server -tu 7200
	cl timeout 300 socat -T300 SYSTEM:'echo a; sleep 290' "$4" &
	await 100 test -s /tmp/seq || fail "no segment from the server"
	cport=$(nfvctl -j fw flows dp0 fw1 |
		jq -r '.[] | select(.orig.dport == 7200) | .orig.sport')
	check "the connection is tracked" test -n "$cport"
	seq=$(cat /tmp/seq)
	echo "server's next sequence number: $seq"

	invalid=$(fw_stat invalid)
	sniff_start rst client c0 rst "$cport"
	craft server rst "$saddr" "$caddr" 7200 "$cport" \
		$(( (seq + 2000000000) % 4294967296 ))
	check_eq "out-of-window RST: none arrived" "$(sniff_count rst)" 0
	check_gt "and it was invalid" "$(fw_stat invalid)" "$invalid"
	check_eq "the connection stays ESTABLISHED" "$(fw_tcp_state "$cport")" \
		ESTABLISHED

	invalid=$(fw_stat invalid)
	craft server rst "$saddr" "$caddr" 7200 "$cport" \
		$(( (seq + 4294967295) % 4294967296 ))
	craft server rst "$saddr" "$caddr" 7200 "$cport" \
		$(( (seq + 1000) % 4294967296 ))
	check_eq "blind RSTs at seq - 1 and seq + 1000: none arrived" \
		"$(sniff_count rst)" 0
	check_eq "both were invalid" "$(( $(fw_stat invalid) - invalid ))" 2
	check_eq "the connection is still ESTABLISHED" \
		"$(fw_tcp_state "$cport")" ESTABLISHED

	craft server rst "$saddr" "$caddr" 7200 "$cport" "$seq"
	check_eq "in-window RST: it arrived" "$(sniff_stop rst)" 1
	check_eq "the connection is CLOSE" "$(fw_tcp_state "$cport")" CLOSE
}
# fw_tcp_state PORT: the state fw1 tracks for the flow from client PORT.
fw_tcp_state() {
	nfvctl -j fw flows dp0 fw1 |
		jq -r ".[] | select(.orig.sport == $1) | .nf[0].state"
}

# Deletes every named namespace, in one process: the harness runs this
# after every test, and on the debug kernel a process costs a third of a
# second.
cleanup() {
	local f cmds=""
	for f in /run/netns/*; do
		[ -e "$f" ] && cmds+="netns del ${f##*/}"$'\n'
	done
	[ -z "$cmds" ] || ip -force -b - <<<"$cmds" >/dev/null 2>&1 || true
}
