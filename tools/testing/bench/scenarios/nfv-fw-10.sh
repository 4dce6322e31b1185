# The firewall NF with 10 rules, the last one the match.
FW_RULES=10
. "$BENCH/scenarios/nfv-fw.sh"
