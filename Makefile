# SPDX-License-Identifier: GPL-2.0
# nfv: the kernel modules, nfvctl, and the tests that run them in QEMU.
#
#   make            modules for every supported kernel installed, in
#                   build/KVER (6.1, 6.12, 6.12-rt), and nfvctl
#   make check      everything a commit must pass, on 6.1, 6.12 and the
#                   debug kernel (README)
#   make matrix     make check plus 6.12 PREEMPT_RT, and a table of results
#   make demo       boot a VM and show traffic through the datapath
#   make selftests  the netns selftests alone, on KERNEL=6.1 (default),
#                   6.12, 6.12-rt, debug, or an installed version
#   make kunit      the KUnit suites in the debug kernel
#   make spec-check the netlink spec (Documentation/netlink/specs/nfv.yaml)
#                   against uapi/linux/nfv.h and the kernel's policies
#
# Kernel versions are resolved by name (tools/testing/kver.sh), never
# written down: Debian's security updates rename them.

KERNEL ?= 6.1
# The installed version of KERNEL, for targets that boot one.
KVER = $(shell tools/testing/kver.sh $(KERNEL) 2>/dev/null)
# Kernels `make deps` installs besides 6.1 and 6.12.
DEPS_KERNELS = $(addprefix -k ,$(filter 6.12-rt rt,$(KERNEL)))

.PHONY: all modules nfvctl clean deps dkms selftests kunit check matrix demo \
	spec-check

all: modules nfvctl

modules:
	+scripts/build-modules.sh

# With the unit test test-abi.sh runs in the VM against the module, and
# make bench's NF start prober (nfvctl's code, tools/testing/bench).
nfvctl:
	$(MAKE) -C userspace all tests/abi_test
	tools/testing/bench/build-nfstart.sh

clean:
	rm -rf build tools/testing/vm/out
	$(MAKE) -C userspace clean

deps:
	tools/testing/setup-deps.sh $(DEPS_KERNELS)

dkms: deps
	scripts/dkms-install.sh

selftests: deps nfvctl
	+scripts/selftests.sh $(KERNEL) $(TESTS)

kunit: deps nfvctl
	scripts/kunit.sh

spec-check:
	scripts/check-spec.py

check: deps
	scripts/check.sh 6.1 6.12 debug

matrix:
	tools/testing/setup-deps.sh -k 6.12-rt
	scripts/check.sh 6.1 6.12 6.12-rt debug

demo: deps nfvctl
	+scripts/build-modules.sh $(KVER)
	tools/testing/vm/run.sh -k $(KVER) -t 600 -- bash tools/testing/selftests/demo.sh

# The datapath against its peers (Documentation/performance.rst).
# BENCH_ARGS: bench-in-vm.sh's options (per-run seconds, runs, flow counts,
# sizes); SCENARIOS; BENCH_CLOCK: bench.sh's -c, icount (default: one vCPU,
# a nanosecond per guest instruction, repeatable) or real (the host's clock).
.PHONY: bench
bench: deps all
	tools/testing/setup-deps.sh openvswitch-switch nftables gnuplot-nox
	BENCH_ARGS="$(BENCH_ARGS)" tools/testing/bench/bench.sh -k $(KVER) \
		$(if $(BENCH_CLOCK),-c $(BENCH_CLOCK)) $(SCENARIOS)
