#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Noise check: the agent with the default rules for 60 s while a copy of
# saker is rebuilt from scratch (`make clean all`, over and over) on this
# machine. The build runs under a session leader named saker-noise-bld, and
# every rule's output is extended with ancestor names, so alerts from the
# build are told from other activity on the machine. Prints every alert and
# a count per rule; exits 0 only when the build raised none.
cd "$(dirname "$0")/../.." || exit 1
secs=${NOISE_SECONDS:-60}
leader=saker-noise-bld
tmp=$(mktemp -d /tmp/saker-noise.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

mkdir "$tmp/src" || exit 1
tar --exclude=./build --exclude=./saker --exclude=./.git -cf - . 2>/dev/null | tar -xf - -C "$tmp/src"
ln -s /bin/sh "$tmp/$leader"

# the same rules, their outputs extended with the first ten ancestors
anc=""
for n in 1 2 3 4 5 6 7 8 9 10; do anc="$anc %proc.aname[$n]"; done
sed -n 's/^- rule: \(.*\)$/\1/p' rules/saker_rules.yaml | while read -r name; do
	printf -- '- rule: "%s"\n  output: "ancestors:%s"\n  override:\n    output: append\n' "$name" "$anc"
done >"$tmp/ancestors.yaml"

./saker -r rules/saker_rules.yaml -r "$tmp/ancestors.yaml" -o json_output=true -U -M "$secs" \
	>"$tmp/alerts" 2>"$tmp/log" &
agent=$!
i=0
until grep -q "rules loaded" "$tmp/log" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $agent 2>/dev/null; then
		echo "noise: the agent did not start"; cat "$tmp/log"; exit 1
	fi
	sleep 0.1
done

# rebuild from scratch, again and again, while the agent runs
setsid "$tmp/$leader" -c "
	builds=0 failed=0
	while kill -0 $agent 2>/dev/null; do
		if (cd '$tmp/src' && make clean && make -j2 all) >'$tmp/build.log' 2>&1; then
			builds=\$((builds + 1))
		else
			failed=\$((failed + 1))
		fi
	done
	echo \"noise: ${secs} s, make clean all: \$builds builds done, \$failed failed or cut short\""
wait $agent

report() { # title, lines (1: every alert too); JSON alerts on stdin
	sed -E 's/.*"output":"([^"]*)".*"rule":"([^"]*)".*/\2\t\1/' >"$tmp/sel"
	echo "noise: $1: $(wc -l <"$tmp/sel")"
	[ "$2" = 1 ] && cut -f2 "$tmp/sel" | sed 's/^/    /'
	cut -f1 "$tmp/sel" | sort | uniq -c | sed 's/^/  /'
}
grep -F "\"$leader" "$tmp/alerts" | report "alerts from the build" 1
grep -vF "\"$leader" "$tmp/alerts" | grep '"rule"' | report "alerts from other activity on the machine (tests...)" 0
tail -n 1 "$tmp/log" | sed 's/^/noise: agent: /'
! grep -qF "\"$leader" "$tmp/alerts"
