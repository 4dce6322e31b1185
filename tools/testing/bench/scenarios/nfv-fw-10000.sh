# The firewall NF with 10,000 rules, the last one the match. Up to 100,000
# flows: established flows never see the rules, so a million of them
# measure what nfv-fw-10 does, and warming them up through 10,000 rules
# costs minutes of the run.
FW_RULES=10000
. "$BENCH/scenarios/nfv-fw.sh"
max_flows=${BENCH_FW10000_MAX:-100000}
