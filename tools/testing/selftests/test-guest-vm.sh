#!/bin/bash
# A real guest on a guest port (Documentation/guests.rst): QEMU inside the
# test VM (TCG inside TCG, no KVM) boots the VM's own Debian kernel with a
# busybox initramfs (tools/testing/vm/mkguest.sh), attached as QEMU
# attaches one: macvtap in passthru mode on the guest device vm1, -netdev
# tap,fd=3,vhost=on on its /dev/tapN, virtio-net-pci with vm1's MAC (as
# libvirt's passthrough mode gives it; a guest step addresses its frames
# to the device). One boot serves every check.
#
# The guest as an endpoint: the client pings it and talks TCP to it
# through the datapath; QEMU must really use vhost-net. Then as a guest
# step (ids, type guest): client and server talk through "ids forward",
# and the guest, a router with one leg, forwards every packet back; its
# own counters, read over TCP, and the step's must say so.
#
# The boot is the slow part (measured 506 s inside the test VM with a dozen
# other VMs on the two cores; guests.rst says where it goes),
# so the test runs on 6.12 only, whose suite is the quickest, and says it
# skipped elsewhere; NFV_GUEST_VM=1 runs it on any Debian kernel.
# timeout: 900
# debug: skip a boot inside the debug kernel takes far longer; test-guest.sh drives the guest port and the step under the sanitizers
. "$(dirname "$0")/lib.sh"

if [ "$(uname -r)" != "$("$top/tools/testing/kver.sh" 6.12 2>/dev/null)" ] &&
	[ -z "${NFV_GUEST_VM:-}" ]; then
	echo "skip: the nested guest boots on 6.12 only, not on $(uname -r)"
	exit 0
fi
need macvtap
need vhost_net

# The kernel and initramfs the harness built on the host (selftests/run.sh),
# else built here. No process substitution: the VM has no /dev/fd.
boot=${NFV_GUEST_BOOT:-$("$top/tools/testing/vm/mkguest.sh" "$(uname -r)")}
read -r kernel initrd _ <<<"${boot//$'\n'/ }"
check "no /dev/kvm: the guest runs under TCG" test ! -e /dev/kvm
check "vhost-net is here" test -c /dev/vhost-net

GIP=10.0.3.2 GW=10.0.3.1
CON=/tmp/guest-vm.console

router_setup
nfvctl -b - <<-EOF
port add dp0 guest vm1
chain set dp0 dev vm1 forward
nf add dp0 ids type guest port vm1 dead-after 10000
EOF
# A guest under TCG inside TCG may take seconds to forward a packet: the
# step waits 10 s of silence, not 1, before it declares the guest dead.
# The guest's gateway is the host's address on its link: the port answers
# the guest's ARP for it.
rt ip -b - <<-EOF
addr add $GW/24 dev vm1
link set vm1 up
link add link vm1 name mvt1 type macvtap mode passthru
link set mvt1 up
EOF
GMAC=$(mac router vm1)
idx=$(rt ip -j link show mvt1 | jq .[0].ifindex)
await 50 test -c "/dev/tap$idx" || fail "no /dev/tap$idx"

# QEMU in the router's namespace, so that the harness's cleanup finds it.
# qboot and the PVH entry: the least firmware and no decompressor. The
# guest's command line, measured under TCG (Documentation/guests.rst):
# tsc=reliable spares the TSC's calibration and the clocksource watchdog,
# which under TCG misjudge the clock and stretched the boot threefold; the
# initcalls blacklisted are the slowest that a guest without BPF, crypto
# users or module signatures needs not (BTF parsing for TCP congestion
# control's kfuncs alone took a sixth of the kernel's boot).
boot_args="console=ttyS0 quiet panic=-1 no_timer_check tsc=reliable"
boot_args+=" mitigations=off clk_ignore_unused pd_ignore_unused cryptomgr.notests"
boot_args+=" initcall_blacklist=bpf_tcp_ca_kfunc_init,crypto_kdf108_init,jent_mod_init,load_system_certificate_list"
t0=$SECONDS
: > "$CON"
nsenter --net=/run/netns/router qemu-system-x86_64 \
	-accel tcg -machine q35 -cpu max -m 256 -nodefaults -display none \
	-no-reboot -serial "file:$CON" -bios /usr/share/qemu/qboot.rom \
	-kernel "$kernel" -initrd "$initrd" \
	-append "$boot_args nfvg.addr=$GIP/24 nfvg.gw=$GW nfvg.forward=1" \
	-netdev tap,id=n0,fd=3,vhost=on \
	-device virtio-net-pci,netdev=n0,mac="$GMAC",romfile= \
	3<> "/dev/tap$idx" < /dev/null > /tmp/guest-vm.qemu 2>&1 &
qemu=$!
# What a failed check needs: QEMU's messages, the guest's console (its
# eth0 counters every 20 s), the devices' counters.
evidence_vm() {
	echo "# QEMU: $(cat /tmp/guest-vm.qemu)"
	tail -n 15 "$CON" | sed 's/^/# guest: /'
	rt ip -s link show vm1 | sed 's/^/# /'
	rt ip -s link show mvt1 | sed 's/^/# /'
	rt ip -s neigh show dev vm1 | sed 's/^/# /'
	nfvctl port show dp0 | sed 's/^/# /'
}
eval "evidence_dp() $(declare -f evidence | tail -n +2)"
evidence() { evidence_dp; evidence_vm; }
booted() { grep -q NFV-GUEST-READY "$CON" || ! kill -0 "$qemu"; }
# A generous bound: the test's own limit is the real one.
await 8000 booted
grep -q NFV-GUEST-READY "$CON" ||
	fail "the guest did not boot: $(cat /tmp/guest-vm.qemu; tail -n 20 "$CON")"
# The guest's own clock: when its kernel ran /init, and when it served.
up() { sed -n "s/^nfv-guest: \([0-9.]*\) $1\r*$/\1/p" "$CON" | head -n1; }
passed "the guest booted in $((SECONDS - t0)) s (its uptime at /init $(up init) s, serving $(up serving) s)"

vhost_fd() {
	local f
	for f in "/proc/$qemu"/fd/*; do
		[ "$(readlink "$f")" != /dev/vhost-net ] || return 0
	done
	return 1
}
check "QEMU holds /dev/vhost-net" vhost_fd
vhost_worker() { grep -q "^vhost-$qemu" /proc/$qemu/task/*/comm /proc/[0-9]*/comm; }
check "a vhost worker of QEMU runs" vhost_worker

# The guest as an endpoint. It answers slowly: a ping retried 20 times
# (an unresolved neighbour fails each after 3 s), then three more.
check "the guest answers a ping" await 20 cl ping -c1 -W5 $GIP
passed "the guest answered after $((SECONDS - t0)) s"
check "the client pings the guest" cl ping -c3 -i0.5 -w60 $GIP > /dev/null
resolved() { rt ip neigh show $GIP dev vm1 | grep -qi "lladdr $GMAC"; }
check "the host resolved the guest through the port" resolved
echoed=$(echo nfv-hello | cl socat -t20 -T30 - TCP:$GIP:7)
check_eq "the guest's TCP echo" "$echoed" nfv-hello
# guest_info: the guest's address and MAC, then its Ip counters.
# -t: its answer comes seconds after our EOF (a process spawned in it).
guest_info() { cl socat -t30 -T30 - TCP:$GIP:8 < /dev/null; }
info=$(guest_info)
check_eq "the guest names itself" "$(head -n1 <<<"$info")" "nfv-guest $GIP/24 $GMAC"
# forwarded TEXT: the guest's Ip ForwDatagrams in guest_info's TEXT.
forwarded() {
	awk '$1 == "Ip:" && !h++ { for (i = 2; i <= NF; i++) if ($i == "ForwDatagrams") c = i; next }
	     $1 == "Ip:" { print $c }' <<<"$1"
}
fwd0=$(forwarded "$info")
check_eq "the guest forwards (Ip Forwarding 1)" \
	"$(awk '$1 == "Ip:" && $2 ~ /^[0-9]+$/ { print $2 }' <<<"$info")" 1

# The guest as a chain step: client and server through ids.
nfvctl -b - <<-EOF
chain set dp0 dev r0 ids forward
chain set dp0 dev r1 ids forward
EOF
gstep_stat() { num "$(nfvctl -j nf show dp0)" "\"name\":\"ids\"[^}]*\"$1\":([0-9]+)"; }
check "the client pings the server through the guest" \
	cl ping -c3 -i0.5 -w60 10.0.2.2 > /dev/null
timeout 120 nsenter --net=/run/netns/server socat -T60 TCP-LISTEN:7100,reuseaddr \
	SYSTEM:'read -r l; echo "server: $l"' &
listening server -t 7100
answer=$(echo through-the-guest | cl socat -t30 -T60 - TCP:10.0.2.2:7100)
check_eq "a TCP exchange through the guest" "$answer" "server: through-the-guest"
sent=$(gstep_stat sent)
check_ge "packets the step sent to the guest" "$sent" 10
check_ge "every one came back into its flow" "$(gstep_stat returned)" "$sent"
check_eq "none dropped as the guest gone" "$(gstep_stat fail_closed)" 0

# Back to plain forwarding to ask the guest what it forwarded.
nfvctl -b - <<-EOF
chain set dp0 dev r0 forward
chain set dp0 dev r1 forward
EOF
fwd1=$(forwarded "$(guest_info)")
check_ge "datagrams the guest forwarded (Ip ForwDatagrams)" "$((fwd1 - fwd0))" "$sent"

kill "$qemu"
wait "$qemu" || true
cleanup
nfv_unload
