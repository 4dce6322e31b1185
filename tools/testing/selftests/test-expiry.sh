#!/bin/bash
# Idle flows expire after their class's timeout and are counted.
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

# Timeouts long enough for the checks below on a slow (debug, loaded) VM:
# there a process takes a second.
router_setup timeout udp 15 timeout icmp 15
cl ping -c1 -W2 10.0.2.2 >/dev/null
echo x | cl socat -u - UDP:10.0.2.2:9,sourceport=4444
check_eq "flows after traffic" "$(nflows)" 2
check_eq "udp timeout reported" \
	"$(nfvctl -j flow show dp0 | jq -r '.[] | select(.proto == "udp") | .timeout_ms')" 15000
no_flows() { [ "$(nflows)" = 0 ]; }
await 400 no_flows || fail "flows still there 40 s after their 15 s timeout"
check_eq "flows after the timeout" "$(nflows)" 0
check_eq "flows_expired counter" "$(stat flows_expired)" 2
