#!/bin/bash
# Rule loads staged over several messages are the requesting socket's:
# two loads interleaved message by message each commit their own rules,
# whole; a load from one socket cannot be appended to or committed from
# another; at most four are staged at once per instance, and a socket's
# loads go when it closes.
# debug: kmemleak
. "$(dirname "$0")/lib.sh"

fw_setup
STAGE=$top/tools/testing/selftests/fw-stage.py

check_eq "interleaved loads: every message accepted" \
	"$(rt python3 "$STAGE" race dp0 fw1)" "0 0 0 0 0 0"
check_eq "the rules are B's, the last committed, whole and in order" \
	"$(nfvctl -j fw rule list dp0 fw1 | jq -c '[.[].dport] | join(",")')" \
	"\"$(seq -s, 2000 2019)\""

# Five sockets begin: the fifth is refused; the first commits its own
# empty load; the other three stay staged until their sockets close, when
# the process exits.
check_eq "a fifth load in progress is refused" \
	"$(rt python3 "$STAGE" crowd dp0 fw1 5 2> /dev/null)" \
	"0 0 0 0 -16 0"	# EBUSY
check_eq "the first socket's empty load emptied the rules" \
	"$(nfvctl -j fw rule list dp0 fw1 | jq length)" 0
check_eq "the closed sockets' loads went with them: four begin again" \
	"$(rt python3 "$STAGE" crowd dp0 fw1 4 2> /dev/null)" "0 0 0 0 0"

# A rule file without a policy line leaves the policy, and says which.
echo "ct state established,related accept" > /tmp/fw.rules
check_eq "fw load without a policy line names the policy that stays" \
	"$(nfvctl fw load dp0 fw1 /tmp/fw.rules 2>&1)" \
	"fw load: no policy line: fw1 keeps policy drop"
echo "policy accept" >> /tmp/fw.rules
check_eq "and with one says nothing" \
	"$(nfvctl fw load dp0 fw1 /tmp/fw.rules 2>&1)" ""
