# SPDX-License-Identifier: Apache-2.0
# saker: build, run, test, bench. `make help` lists the targets.

BUILD   := build
CC      ?= cc
CLANG   ?= clang
BPFTOOL ?= bpftool
ARCH    := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
HOME_DIR := $(abspath .)

PKGS     := luajit libbpf libcurl libmicrohttpd
CFLAGS   ?= -O2 -g
CFLAGS   += -Wall -Wextra -Wno-unused-parameter -fPIC -std=gnu11 \
            -I$(BUILD) -Icore $(shell pkg-config --cflags $(PKGS)) \
            -DSAKER_HOME='"$(HOME_DIR)"'
LDLIBS   := $(shell pkg-config --libs $(PKGS)) -ljansson -lelf -lz -lm -ldl

# The gRPC channel (core/out_grpc.cc, C++ behind the out_sink C interface)
# and the code protoc generates from core/proto/*.proto into build/proto/.
CXX      ?= g++
GRPC_PKGS := grpc++ protobuf
CXXFLAGS ?= -O2 -g
CXXFLAGS += -Wall -Wextra -Wno-unused-parameter -fPIC -std=c++17 -I$(BUILD)/proto -I$(BUILD) \
            -Icore $(shell pkg-config --cflags $(GRPC_PKGS))
# (pkg-config repeats abseil's libraries many times: each once is enough)
LDLIBS   += $(shell pkg-config --libs $(GRPC_PKGS) | tr ' ' '\n' | awk 'NF && !seen[$$0]++' | tr '\n' ' ') -lstdc++
PROTO    := $(wildcard core/proto/*.proto)
PROTO_OBJ := $(foreach p,$(PROTO:core/proto/%.proto=$(BUILD)/proto/%),$(p).pb.o $(p).grpc.pb.o)
GRPC_OBJ := $(BUILD)/core/out_grpc.o $(PROTO_OBJ)

BPF_SRC  := probe/saker.bpf.c
BPF_HDRS := $(wildcard probe/*.h)
CORE_SRC := $(filter-out core/main.c,$(wildcard core/*.c))
CORE_OBJ := $(patsubst core/%.c,$(BUILD)/core/%.o,$(CORE_SRC)) $(GRPC_OBJ)
CTEST_SRC := $(wildcard tests/c/test_*.c)
CTEST_BIN := $(patsubst tests/c/%.c,$(BUILD)/tests/%,$(CTEST_SRC))

.PHONY: all deps run test bench noise clean help vmlinux evtable fuzz
all: saker $(BUILD)/libsaker.so

help:
	@echo "make deps   install the Debian packages saker needs (idempotent)"
	@echo "make        build ./saker and build/libsaker.so"
	@echo "make run    deps, build, then run the agent with the default config and rules"
	@echo "make test   every suite; ends with 'N passed, N failed'"
	@echo "make bench  capture overhead and rule-evaluation benchmarks"
	@echo "make noise  the default rules during a rebuild of saker: alerts that fired (goal: none)"

# Every Debian package the build, the agent and the tests need.
# Recommends are left out: sysdig's would build a kernel module (DKMS and
# kernel headers) that saker never uses.
DEB_PKGS := make gcc libc6-dev clang llvm pkg-config libbpf-dev bpftool libelf-dev zlib1g-dev \
            luajit libluajit-5.1-dev libyaml-dev libjansson-dev lua-yaml lua-dkjson libcurl4-openssl-dev lua-busted \
            python3 runc busybox-static util-linux iproute2 procps sysdig \
            g++ libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc \
            python3-grpcio python3-grpc-tools python3-pkg-resources openssl libmicrohttpd-dev curl
deps:
	@missing=$$(dpkg-query -W -f='$${db:Status-Abbrev} $${Package}\n' $(DEB_PKGS) 2>/dev/null \
		| awk '$$1=="ii" {print $$2}' | sort > $(BUILD).have; \
		for p in $(DEB_PKGS); do grep -qx "$$p" $(BUILD).have || echo $$p; done); \
	rm -f $(BUILD).have; \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(BUILD)/saker.bpf.o: $(BPF_SRC) $(BPF_HDRS) | $(BUILD)
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Iprobe -c $< -o $@
	llvm-strip -g $@ 2>/dev/null || true

$(BUILD)/saker.skel.h: $(BUILD)/saker.bpf.o
	$(BPFTOOL) gen skeleton $< name saker_bpf > $@ || { rm -f $@; false; }

$(BUILD)/core/%.o: core/%.c core/*.h $(BUILD)/saker.skel.h | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/proto/.stamp: $(PROTO) | $(BUILD)
	@mkdir -p $(BUILD)/proto
	protoc -Icore/proto --cpp_out=$(BUILD)/proto --grpc_out=$(BUILD)/proto \
		--plugin=protoc-gen-grpc=$$(command -v grpc_cpp_plugin) $(PROTO)
	@touch $@

$(BUILD)/proto/%.o: $(BUILD)/proto/.stamp
	$(CXX) $(CXXFLAGS) -Wno-extra -c $(BUILD)/proto/$*.cc -o $@

$(BUILD)/core/%.o: core/%.cc core/*.h $(BUILD)/proto/.stamp | $(BUILD)
	$(CXX) $(CXXFLAGS) -c $< -o $@

$(BUILD)/libsaker.so: $(CORE_OBJ)
	$(CC) -shared -o $@ $^ $(LDLIBS)

saker: $(BUILD)/core/main.o $(CORE_OBJ)
	$(CC) -rdynamic -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/c/%.c tests/c/*.h $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/c -o $@ $< $(CORE_OBJ) $(LDLIBS)

# The capture reader under libFuzzer with ASan and UBSan (not part of make
# test): FUZZ_SECONDS of fuzzing from tests/fuzz/corpus/, which keeps the
# new inputs it finds; a crash leaves crash-* in the current directory.
FUZZ_SECONDS ?= 60
$(BUILD)/fuzz_scap: tests/fuzz/fuzz_scap.c $(CORE_SRC) core/*.h $(BUILD)/saker.skel.h $(GRPC_OBJ)
	$(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined $(filter-out -O2 -fPIC,$(CFLAGS)) -o $@ $< $(CORE_SRC) $(GRPC_OBJ) $(LDLIBS)

fuzz: $(BUILD)/fuzz_scap
	$(BUILD)/fuzz_scap -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 tests/fuzz/corpus

$(BUILD):
	@mkdir -p $(BUILD)/core $(BUILD)/tests

# Regenerate the pinned files (not part of a normal build).
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > probe/vmlinux.h
evtable:
	python3 core/gen_evtable.py ../shared/scap/event_table_full.tsv > core/evtable.c
	python3 core/gen_sysnames.py /usr/include/x86_64-linux-gnu/asm/unistd_64.h > core/sysnames.c

run: deps all
	./saker $(ARGS)

test: deps all $(CTEST_BIN)
	@sh tests/run.sh

bench: deps all
	@sh tests/bench/run.sh

# The default rules for 60 s during `make clean all` of a copy of saker: what fired.
noise: deps all
	@sh tests/noise/run.sh

clean:
	rm -rf $(BUILD) saker
