#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Replay speed: the largest trace in ../shared/scap/traces/, replicated to
# about a million events, replayed in the same run by saker (every upstream
# rule loaded, alerts to /dev/null) and by `sysdig -r` with a ten-condition
# filter; events/s for both and the ratio. Run from the repository root.
set -e
TRACES=../shared/scap/traces
RULES=../shared/upstream-rules
TOOLS=../shared/scap/tools
TARGET=${REPLAY_EVENTS:-1000000}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

command -v sysdig >/dev/null || { echo "replay: sysdig not installed (make deps)"; exit 0; }
# the largest trace by the events sysdig shows (MANIFEST column 11): the
# largest by bytes is mostly procinfo events, which say little about speed
big=$TRACES/$(awk -F'\t' 'NR > 1 && $11 > n { n = $11; f = $1 } END { print f }' "$TRACES/MANIFEST.tsv")
blocks=$(python3 "$TOOLS"/scapwalk.py "$big" | sed -n 's/^  events: \([0-9]*\).*/\1/p')
[ -n "$blocks" ] || { echo "replay: cannot count the events of $big"; exit 1; }
copies=$(( (TARGET + blocks - 1) / blocks ))
python3 "$TOOLS"/scap_replicate.py "$big" "$TMP/big.scap" "$copies" >/dev/null
events=$(( blocks * copies ))

now() { date +%s%N; }
cat >"$TMP/saker.yaml" <<YAML
json_output: true
stdout_output:
  enabled: true
YAML

t0=$(now)
./saker -c "$TMP/saker.yaml" -e "$TMP/big.scap" -r "$RULES/falco_rules.yaml" \
	-r "$RULES/falco-incubating_rules.yaml" -r "$RULES/falco-sandbox_rules.yaml" \
	>"$TMP/alerts" 2>"$TMP/saker.log"
t1=$(now)
sysdig -r "$TMP/big.scap" -p '%evt.num' \
	"evt.type in (open, openat, execve, connect, rename, unlink) and proc.name != sshd and \
	 fd.name != /etc/hosts and user.uid != 12345 and evt.dir = < and proc.pid > 1 and \
	 not fd.name startswith /proc and proc.cmdline != none and evt.res = SUCCESS and \
	 not proc.name in (dockerd, containerd)" >"$TMP/sysdig.out" 2>/dev/null
t2=$(now)

saker_ms=$(( (t1 - t0) / 1000000 ))
sysdig_ms=$(( (t2 - t1) / 1000000 ))
[ "$saker_ms" -gt 0 ] || saker_ms=1
[ "$sysdig_ms" -gt 0 ] || sysdig_ms=1
echo "Replay of $(basename "$big") x $copies = $events event blocks ($(wc -l <"$TMP/alerts") alerts, $(wc -l <"$TMP/sysdig.out") sysdig matches):"
printf '  saker (all upstream rules): %8d ms  %9d events/s\n' "$saker_ms" $(( events * 1000 / saker_ms ))
printf '  sysdig -r (10 conditions):  %8d ms  %9d events/s\n' "$sysdig_ms" $(( events * 1000 / sysdig_ms ))
awk -v a="$saker_ms" -v b="$sysdig_ms" 'BEGIN { printf "  saker/sysdig speed ratio: %.2f\n", b / a }'
grep -E "events:|error" "$TMP/saker.log" | sed 's/^/  saker: /' | tail -n 2
