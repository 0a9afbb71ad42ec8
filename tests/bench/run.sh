#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Capture overhead: two syscall loops timed without the probe, then with the
# probe attached (selecting what the state tables need) and drained by
# tests/bench/drainer, in the same run. Then BPF time per captured syscall
# from kernel.bpf_stats_enabled and bpftool. Needs root and `make` first.
cd "$(dirname "$0")/../.." || exit 1
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root"; exit 1; }

OUT=build/bench
mkdir -p "$OUT"
CFLAGS="-O2 -g -Wall -Wextra -Wno-unused-parameter -std=gnu11 -Ibuild -Icore"
cc $CFLAGS -o $OUT/loadgen tests/bench/loadgen.c || exit 1
cc $CFLAGS -o $OUT/drainer tests/bench/drainer.c build/core/probe.o build/core/syscalls.o \
	$(pkg-config --libs libbpf) -lelf -lz || exit 1
clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -Iprobe -c tests/bench/floor.bpf.c -o $OUT/floor.bpf.o &&
	bpftool gen skeleton $OUT/floor.bpf.o name floor_bpf > $OUT/floor.skel.h &&
	cc $CFLAGS -I$OUT -o $OUT/floor tests/bench/floor.c $(pkg-config --libs libbpf) -lelf -lz || exit 1

TMP=$(mktemp -d /tmp/saker-bench-XXXXXX)
DRAINER=
cleanup() {
	[ -n "$DRAINER" ] && kill "$DRAINER" 2>/dev/null
	[ -n "$STATS_WAS" ] && sysctl -q kernel.bpf_stats_enabled="$STATS_WAS"
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
head -c 4096 /dev/urandom > "$TMP/file"
STATS_WAS=$(sysctl -n kernel.bpf_stats_enabled)
N_OPEN=${N_OPEN:-200000}
N_GETPPID=${N_GETPPID:-5000000}

now() { date +%s%N; }

# the smaller of two numbers (baselines are taken before and after, so
# that a burst of unrelated load on the machine does not flatter the probe)
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? a : b) }'; }

drainer_start() {
	rm -f "$TMP/ready"
	$OUT/drainer "$TMP/ready" > "$TMP/drainer.out" &
	DRAINER=$!
	i=0
	while [ ! -f "$TMP/ready" ]; do
		sleep 0.1; i=$((i + 1))
		[ $i -gt 100 ] && { echo "bench: drainer did not start"; exit 1; }
	done
}

# Not in a subshell: wait only works on our own children.
drainer_stop() {
	kill -INT "$DRAINER"; wait "$DRAINER"; DRAINER=
}

# floor_loop NAME LOADGEN-ARGS...: the same loop under an empty sys_exit program
floor_loop() {
	name=$1; shift
	base=$($OUT/loadgen "$@")
	with=$($OUT/floor $OUT/loadgen "$@")
	base=$(min "$base" "$($OUT/loadgen "$@")")
	awk -v n="$name" -v b="$base" -v w="$with" 'BEGIN {
		printf "%-8s %10.1f %10.1f %8.3fx   (empty sys_exit program: the kernel floor)\n", n, b, w, w / b }'
}

# run_loop NAME LOADGEN-ARGS...
run_loop() {
	name=$1; shift
	base=$($OUT/loadgen "$@")
	drainer_start
	t0=$(now)
	with=$($OUT/loadgen "$@")
	t1=$(now)
	drainer_stop
	set -- $(cat "$TMP/drainer.out") "$@"
	events=$1; drops=$2; cpu=$3; rss=$4
	shift 5
	base=$(min "$base" "$($OUT/loadgen "$@")")
	awk -v n="$name" -v b="$base" -v w="$with" -v e="$events" -v d="$drops" -v c="$cpu" \
	    -v r="$rss" -v dt=$(( (t1 - t0) )) 'BEGIN {
		printf "%-8s %10.1f %10.1f %8.3fx %12.0f %6d %8.1f%% %8d\n", n, b, w, w / b,
		       e / (dt / 1e9), d, 100 * c / (dt / 1e9), r }'
}

# agent_loop NAME RULES LOADGEN-ARGS...: the loop with the whole agent
# (./saker with these rules, alerts discarded) instead of the drainer.
agent_loop() {
	name=$1; rules=$2; shift 2
	base=$($OUT/loadgen "$@")
	./saker -r "$rules" -o stdout_output.enabled=false > /dev/null 2> "$TMP/agent.err" &
	agent=$!
	i=0
	until grep -q "rules loaded" "$TMP/agent.err"; do
		sleep 0.1; i=$((i + 1))
		[ $i -gt 300 ] && { echo "bench: saker did not start"; cat "$TMP/agent.err"; exit 1; }
	done
	ticks0=$(awk '{print $14 + $15}' /proc/$agent/stat)
	t0=$(now)
	with=$($OUT/loadgen "$@")
	t1=$(now)
	ticks1=$(awk '{print $14 + $15}' /proc/$agent/stat)
	rss=$(awk '/^VmRSS/ {print $2}' /proc/$agent/status)
	kill -INT $agent; wait $agent
	set -- $(sed -n 's/.*events: \([0-9]*\), drops: \([0-9]*\).*/\1 \2/p' "$TMP/agent.err") "$@"
	events=$1; drops=$2
	shift 2
	base=$(min "$base" "$($OUT/loadgen "$@")")
	hz=$(getconf CLK_TCK)
	awk -v n="$name" -v b="$base" -v w="$with" -v d="$drops" -v c=$((ticks1 - ticks0)) -v hz="$hz" \
	    -v r="$rss" -v dt=$(( (t1 - t0) )) 'BEGIN {
		printf "%-8s %10.1f %10.1f %8.3fx %12s %6d %8.1f%% %8d   (whole agent)\n", n, b, w, w / b,
		       "-", d, 100 * (c / hz) / (dt / 1e9), r }'
}

# bpf_time LOADGEN-ARGS...: ns per sys_exit run and per captured event
bpf_time() {
	drainer_start
	sysctl -q kernel.bpf_stats_enabled=1
	$OUT/loadgen "$@" > /dev/null
	ids=$(grep -h '^prog_id:' /proc/$DRAINER/fdinfo/* 2>/dev/null | awk '{print $2}' | tr '\n' ' ')
	stats=$(bpftool -j prog show | python3 -c '
import json, sys
ids = set(int(x) for x in sys.argv[1].split())
for p in json.load(sys.stdin):
    if p.get("name") == "sys_exit" and p.get("id") in ids:
        print(p.get("run_cnt", 0), p.get("run_time_ns", 0))
' "$ids")
	sysctl -q kernel.bpf_stats_enabled=0
	drainer_stop
	set -- $(cat "$TMP/drainer.out")
	events=$1
	set -- $stats
	awk -v c="$1" -v t="$2" -v e="$events" 'BEGIN {
		printf "  sys_exit runs %d, %.1f ns/run (all syscalls); %d events captured", c, c ? t / c : 0, e
		if (e * 10 > c) printf ", %.1f ns BPF per captured syscall", t / e
		printf "\n" }'
}

# Another agent on sys_exit (a saker or a test running beside us) slows
# the baselines too: say so rather than print figures that look clean.
others() {
	n=$(bpftool -j prog show | python3 -c '
import json, sys
print(sum(1 for p in json.load(sys.stdin) if p.get("name") in ("sys_exit", "floor_exit")))')
	[ "$n" -gt 0 ] && echo "warning: $n other sys_exit program(s) attached $1: the figures are not clean"
}

others "before the run"
echo "loop     ns/op base  ns/op probe  slowdown  events/s   drops  drainer CPU  RSS KiB"
run_loop open open "$TMP/file" "$N_OPEN"
run_loop getppid getppid "$N_GETPPID"
agent_loop open rules open "$TMP/file" "$N_OPEN"
agent_loop getppid rules getppid "$N_GETPPID"
agent_loop open ../shared/upstream-rules/falco_rules.yaml open "$TMP/file" "$N_OPEN"
floor_loop open open "$TMP/file" "$N_OPEN"
floor_loop getppid getppid "$N_GETPPID"
others "after the loops"
echo "BPF time (kernel.bpf_stats_enabled=1, bpftool prog show):"
echo " open loop:";    bpf_time open "$TMP/file" "$N_OPEN"
echo " getppid loop:"; bpf_time getppid "$N_GETPPID"
echo "Rule evaluation, all upstream rules (tests/bench/rules_bench.lua):"; luajit tests/bench/rules_bench.lua
echo "Hot reload, all upstream rules (tests/bench/reload_bench.lua):"; luajit tests/bench/reload_bench.lua
echo "Replay, a trace replicated to ~1M events (tests/bench/replay_bench.sh):"; sh tests/bench/replay_bench.sh
