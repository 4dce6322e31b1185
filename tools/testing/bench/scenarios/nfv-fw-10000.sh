# The firewall NF with 10,000 rules, the last one the match.
FW_RULES=10000
. "$BENCH/scenarios/nfv-fw.sh"
