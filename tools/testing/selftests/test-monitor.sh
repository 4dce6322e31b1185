#!/bin/bash
# Configuration changes and flows are announced on the events group.
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

nfv_fw_load
netns_setup
# Not through rt(): $! must be nfvctl itself.
ip netns exec router "$NFVCTL" -j monitor > /tmp/events &
mon=$!
# Events sent before it joined the group are lost, and a loaded VM can take
# seconds to start it: wait until it waits in ppoll() (x86-64 syscall 271).
for _ in $(seq 150); do
	[ "$(cut -d' ' -f1 "/proc/$mon/syscall" 2>/dev/null)" = 271 ] && break
	sleep 0.1
done
nfvctl dp add dp0 timeout icmp 1
nfvctl port add dp0 dev r0
nfvctl port add dp0 dev r1
nfvctl fw add dp0 fw1 policy accept
nfvctl chain set dp0 dev r0 fw1 forward
cl ping -c1 -W2 10.0.2.2 >/dev/null || true
# The flow expires after a second; the event follows at the next GC pass.
expired() { grep -q '"expired"' /tmp/events; }
await 100 expired || true
kill $mon
wait $mon || true
ev() { jq -r "select(.object == \"$1\" and .event == \"$2\") | .object" /tmp/events | wc -l; }
check_eq "dp add event" "$(ev dp add)" 1
check_eq "port add events" "$(ev port add)" 2
check_eq "chain set event" "$(ev chain set)" 1
check_eq "flow new event" "$(ev flow new)" 1
check_eq "flow expired event" "$(ev flow expired)" 1
# Flow events are sized to the flow, its NFs' state included.
jq -s . /tmp/events > /tmp/events.json
check "the flow's firewall state in its events" jq_true \
	'[.[] | select(.object == "flow") | .nf[0].name == "fw1"] | length == 2 and all' \
	< /tmp/events.json

# Events name every flow's addresses: only CAP_NET_ADMIN may listen, as
# only it may send commands. (timeout: a listener that got in waits.)
expect_fail "multicast group" ip netns exec router timeout 20 \
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$NFVCTL" monitor
