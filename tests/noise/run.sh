#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Noise check: the agent with the default rules for 60 s while a copy of
# saker is rebuilt from scratch (`make clean all`, over and over) on this machine. Prints
# every alert and a count per rule; exits 0 only when nothing fired.
cd "$(dirname "$0")/../.." || exit 1
secs=${NOISE_SECONDS:-60}
tmp=$(mktemp -d /tmp/saker-noise.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

mkdir "$tmp/src" || exit 1
tar --exclude=./build --exclude=./saker --exclude=./.git -cf - . | tar -xf - -C "$tmp/src" || exit 1

./saker -r rules/saker_rules.yaml -o json_output=true -U -M "$secs" >"$tmp/alerts" 2>"$tmp/log" &
agent=$!
i=0
until grep -q "rules loaded" "$tmp/log"; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $agent 2>/dev/null; then
		echo "noise: the agent did not start"; cat "$tmp/log"; exit 1
	fi
	sleep 0.1
done

# rebuild from scratch, again and again, while the agent runs
builds=0 failed=0
while kill -0 $agent 2>/dev/null; do
	if (cd "$tmp/src" && make clean && make -j2 all) >"$tmp/build.log" 2>&1; then
		builds=$((builds + 1))
	else
		failed=$((failed + 1))
	fi
done
wait $agent
echo "noise: ${secs} s, make clean all: $builds builds done, $failed failed or cut short"

n=$(grep -c '"rule"' "$tmp/alerts")
if [ "$n" -gt 0 ]; then
	echo "noise: alerts:"
	sed -E 's/.*"output":"([^"]*)".*/  \1/' "$tmp/alerts"
	echo "noise: per rule:"
	sed -E 's/.*"rule":"([^"]*)".*/\1/' "$tmp/alerts" | sort | uniq -c
fi
tail -n 1 "$tmp/log" | sed 's/^/noise: agent: /'
echo "noise: $n alerts"
[ "$n" -eq 0 ]
