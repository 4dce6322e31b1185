# SPDX-License-Identifier: GPL-2.0
# nfv: the kernel modules, nfvctl, and the tests that run them in QEMU.
#
#   make            modules + nfvctl for the newest Debian 6.1 kernel
#   make check      everything a commit must pass (README)
#   make demo       boot a VM and show traffic through the datapath
#   make selftests  the netns selftests alone: KERNEL=stock (default) or debug
#   make kunit      the KUnit suites in the debug kernel

KVER ?= $(shell tools/testing/kver.sh stock 2>/dev/null)
KDIR ?= /lib/modules/$(KVER)/build
KERNEL ?= stock

.PHONY: all modules nfvctl clean deps dkms selftests kunit check demo

all: modules nfvctl

modules:
	@test -n "$(KVER)" || { echo "no kernel headers found: make deps"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

nfvctl:
	$(MAKE) -C userspace

clean:
	@test -z "$(KVER)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	rm -rf tools/testing/vm/out

deps:
	tools/testing/setup-deps.sh

dkms: deps
	scripts/dkms-install.sh $(KVER)

selftests: deps all
	scripts/selftests.sh $(KERNEL) $(if $(filter stock,$(KERNEL)),$(KVER)) $(TESTS)

kunit: deps nfvctl
	scripts/kunit.sh

check: deps
	scripts/check.sh $(KVER)

demo: deps all
	tools/testing/vm/run.sh -k $(KVER) -t 600 -- bash tools/testing/selftests/demo.sh

# The datapath against its peers (Documentation/performance.rst); about
# 25 minutes. BENCH_ARGS: per-run seconds, runs, flow counts, scenarios.
.PHONY: bench
bench: deps all
	tools/testing/setup-deps.sh openvswitch-switch nftables gnuplot-nox
	BENCH_ARGS="$(BENCH_ARGS)" tools/testing/bench/bench.sh -k $(KVER) $(SCENARIOS)
