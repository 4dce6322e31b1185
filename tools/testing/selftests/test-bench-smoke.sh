#!/bin/bash
# The throughput smoke still runs (a figure, not a test of speed).
. "$(dirname "$0")/lib.sh"

check "pktgen smoke" "$top/tools/testing/bench/pktgen-smoke.sh" 100000 1000
