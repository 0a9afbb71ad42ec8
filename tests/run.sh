#!/bin/sh
# Runs every suite and sums them: C tests, busted specs (LuaJIT), live tests
# (root and BPF), compatibility tests, then a check that no test left an agent
# running. Failures are listed again at the end, so
# the tail of a CI log names them; the last line is "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
total_pass=0
total_fail=0
log=$(mktemp)
recap=$(mktemp)
trap 'rm -f "$log" "$recap"' EXIT

add() { # suite-name passed failed
	printf '%-12s %5d passed, %d failed\n' "$1" "$2" "$3"
	total_pass=$((total_pass + $2))
	total_fail=$((total_fail + $3))
}

for t in build/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	"$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	grep -E ': (check failed|.*got .*, want )' "$log" | sed "s|^|c/$name: |" >>"$recap"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | cut -d' ' -f1); f=$(echo "$line" | cut -d' ' -f3)
		[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	else
		p=0; f=1
	fi
	add "c/$name" "$p" "$f"
done

for suite in lua live compat; do
	ls tests/$suite/*_spec.lua >/dev/null 2>&1 || continue
	busted --lua=luajit -o plainTerminal tests/$suite >"$log" 2>&1
	cat "$log"
	# busted prints "Failure -> file @ line" (or "Error ->"), the test's name
	# and the assertion's message up to a blank line: keep 8 lines of each
	awk -v s="$suite: " '/^(Failure|Error) -> / { n = 8 } /^$/ { n = 0 } n > 0 { print s $0; n-- }' \
		"$log" >>"$recap"
	line=$(grep -E '[0-9]+ successes? / [0-9]+ failures? / [0-9]+ errors?' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/^[^0-9]*([0-9]+) success.*/\1/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failures? \/ ([0-9]+) errors?.*/\1 \2/' | awk '{print $1 + $2}')
	else
		p=0; f=1
	fi
	add "$suite" "$p" "$f"
done

# An agent a test started and never stopped skews every later test and
# benchmark: an orphaned saker running from this tree (its starter gone,
# unlike one run from a terminal) is a failure; it is stopped here.
leaked=0
for d in /proc/[0-9]*; do
	[ "$(cat "$d/comm" 2>/dev/null)" = saker ] || continue
	[ "$(readlink "$d/cwd" 2>/dev/null)" = "$PWD" ] || continue
	awk '$1 == "PPid:" && $2 != 1 { exit 1 } $1 == "State:" && $2 == "Z" { exit 1 }' "$d/status" || continue
	leaked=$((leaked + 1))
	echo "leaked agent: $(tr '\0' ' ' <"$d/cmdline")" >>"$recap"
	kill -INT "${d#/proc/}" 2>/dev/null
done
if [ "$leaked" -eq 0 ]; then add leaks 1 0; else add leaks 0 "$leaked"; fi

if [ -s "$recap" ]; then
	echo "--- what failed ---"
	cat "$recap"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
