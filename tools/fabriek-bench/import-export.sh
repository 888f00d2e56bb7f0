#!/bin/sh
# Export and import of a ~1M-event log of Fabriek's own events with the release fabriek-admin:
# events/s and peak RSS of each, and whether the copy has the same head.
#
#   swift build -c release --product fabriek-admin [--product fabriek-bench]
#   tools/fabriek-bench/import-export.sh [DIR]        # DIR default /tmp/fabriek-import-export
#   SOURCE=domain tools/fabriek-bench/import-export.sh [DIR]
#
# The source (kept in DIR/source, or DIR/source-domain, between runs) is by default
# `fabriek-admin demo --scale large` (the demo history at 40x: ~100,000 members, issued as
# commands through the application service, so it keeps every invariant; ~0.76M events, one
# per commit). SOURCE=domain takes the bench's domain log instead (`fabriek-bench --phases
# domain`: 1,000,000 of Fabriek's own events, DOMAIN_EVENTS=N for another count, in commits of
# 1,000, plus the 1,000 records of its accepted invariant violations, see below).
set -eu
ADMIN=${ADMIN:-.build/release/fabriek-admin}
BENCH=${BENCH:-$(dirname "$ADMIN")/fabriek-bench}
DIR=${1:-/tmp/fabriek-import-export}
mkdir -p "$DIR"
if [ "${SOURCE:-demo}" = domain ]; then
    # The bench's domain log breaks the domain's invariants (bids on closed tenders, ...): it
    # is imported once with --accept-violations, which records them (ImportViolationsAccepted,
    # one per commit of 1,000), so an export of that copy imports anywhere with the same head.
    SRC="$DIR/source-domain"
    if [ ! -d "$SRC/log" ]; then
        rm -rf "$DIR/bench" "$SRC"
        "$BENCH" --phases domain --no-domain-rebuild --replay-runs 1 --events "${DOMAIN_EVENTS:-1000000}" \
            --keep --dir "$DIR/bench" >/dev/null
        mkdir -p "$DIR/bench/raw"
        mv "$DIR/bench/fabriek-domain" "$DIR/bench/raw/log"
        "$ADMIN" export "$DIR/bench/raw.jsonl" --data "$DIR/bench/raw" 2>/dev/null
        "$ADMIN" import "$DIR/bench/raw.jsonl" --accept-violations --data "$SRC" >/dev/null
        rm -rf "$DIR/bench"
    fi
else
    SRC="$DIR/source"
    if [ ! -d "$SRC/log" ]; then
        "$ADMIN" demo --scale large --data "$SRC" >/dev/null
    fi
fi
rm -rf "$DIR/copy" "$DIR/all.jsonl"
EVENTS=$("$ADMIN" log head --data "$SRC" | cut -d' ' -f1)
echo "source: $EVENTS events in $SRC"

measure() {  # LABEL COMMAND...: prints LABEL seconds, events/s, CPU µs/event, peak RSS
    label=$1; shift
    /usr/bin/time -f '%e %M %U %S' -o "$DIR/time.txt" "$@" >"$DIR/stdout.txt" 2>"$DIR/stderr.txt" || { cat "$DIR/stderr.txt"; exit 1; }
    read -r seconds kib user sys < "$DIR/time.txt"
    echo "$label: $EVENTS events in $seconds s = $(echo "$EVENTS / $seconds" | bc) events/s," \
         "CPU $(echo "($user + $sys) * 1000000 / $EVENTS" | bc -l | xargs printf '%.1f') µs/event, peak RSS $((kib / 1024)) MB"
    if [ -s "$DIR/stdout.txt" ]; then sed 's/^/    /' "$DIR/stdout.txt"; fi
}

measure export "$ADMIN" export "$DIR/all.jsonl" --data "$SRC"
# The same export written to /dev/null: its cost without the file system's (page cache) writes.
measure "export to /dev/null" sh -c "\"\$0\" export - --data \"\$1\" >/dev/null" "$ADMIN" "$SRC"
echo "file: $(($(stat -c %s "$DIR/all.jsonl") / 1048576)) MB"
measure import "$ADMIN" import "$DIR/all.jsonl" --data "$DIR/copy"
SOURCE_HEAD=$("$ADMIN" log head --data "$SRC")
COPY_HEAD=$("$ADMIN" log head --data "$DIR/copy")
if [ "$SOURCE_HEAD" = "$COPY_HEAD" ]; then echo "same head: $COPY_HEAD"; else echo "HEADS DIFFER: $SOURCE_HEAD vs $COPY_HEAD"; exit 1; fi
measure "re-import (all stored)" "$ADMIN" import "$DIR/all.jsonl" --data "$DIR/copy"
# An extended file: the copy holds the first half (up to a commit end), then the whole export.
rm -rf "$DIR/half" "$DIR/half.jsonl"
HALF=$((EVENTS / 2))
if ! "$ADMIN" export "$DIR/half.jsonl" --until "$HALF" --data "$SRC" 2>"$DIR/stderr.txt"; then
    # Inside a commit: the refusal names the commit's bounds ("use A or B").
    HALF=$(sed -n 's/.*; use \([0-9]*\) or.*/\1/p' "$DIR/stderr.txt")
    "$ADMIN" export "$DIR/half.jsonl" --until "$HALF" --data "$SRC" 2>/dev/null
fi
if [ -s "$DIR/half.jsonl" ]; then
    "$ADMIN" import "$DIR/half.jsonl" --data "$DIR/half" >/dev/null
    measure "import of the extended file (first $HALF stored)" "$ADMIN" import "$DIR/all.jsonl" --data "$DIR/half"
fi
rm -rf "$DIR/copy" "$DIR/half" "$DIR/half.jsonl"
