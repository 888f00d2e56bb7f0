#!/bin/sh
# Export and import of a ~1M-event log of Fabriek's own events with the release fabriek-admin:
# events/s and peak RSS of each, and whether the copy has the same head.
#
#   swift build -c release --product fabriek-admin
#   tools/fabriek-bench/import-export.sh [DIR]        # DIR default /tmp/fabriek-import-export
#
# The source is `fabriek-admin demo --scale large` (the demo history at 40x: ~100,000 members,
# issued as commands through the application service, so it keeps every invariant); it is kept
# in DIR/source between runs.
set -eu
ADMIN=${ADMIN:-.build/release/fabriek-admin}
DIR=${1:-/tmp/fabriek-import-export}
mkdir -p "$DIR"
if [ ! -d "$DIR/source/log" ]; then
    "$ADMIN" demo --scale large --data "$DIR/source" >/dev/null
fi
rm -rf "$DIR/copy" "$DIR/all.jsonl"
EVENTS=$("$ADMIN" log head --data "$DIR/source" | cut -d' ' -f1)
echo "source: $EVENTS events in $DIR/source"

measure() {  # LABEL COMMAND...: prints LABEL seconds, events/s, CPU µs/event, peak RSS
    label=$1; shift
    /usr/bin/time -f '%e %M %U %S' -o "$DIR/time.txt" "$@" >"$DIR/stdout.txt" 2>"$DIR/stderr.txt" || { cat "$DIR/stderr.txt"; exit 1; }
    read -r seconds kib user sys < "$DIR/time.txt"
    echo "$label: $EVENTS events in $seconds s = $(echo "$EVENTS / $seconds" | bc) events/s," \
         "CPU $(echo "($user + $sys) * 1000000 / $EVENTS" | bc -l | xargs printf '%.1f') µs/event, peak RSS $((kib / 1024)) MB"
    if [ -s "$DIR/stdout.txt" ]; then sed 's/^/    /' "$DIR/stdout.txt"; fi
}

measure export "$ADMIN" export "$DIR/all.jsonl" --data "$DIR/source"
# The same export written to /dev/null: its cost without the file system's (page cache) writes.
measure "export to /dev/null" sh -c "\"\$0\" export - --data \"\$1\" >/dev/null" "$ADMIN" "$DIR/source"
echo "file: $(($(stat -c %s "$DIR/all.jsonl") / 1048576)) MB"
measure import "$ADMIN" import "$DIR/all.jsonl" --data "$DIR/copy"
SOURCE_HEAD=$("$ADMIN" log head --data "$DIR/source")
COPY_HEAD=$("$ADMIN" log head --data "$DIR/copy")
if [ "$SOURCE_HEAD" = "$COPY_HEAD" ]; then echo "same head: $COPY_HEAD"; else echo "HEADS DIFFER: $SOURCE_HEAD vs $COPY_HEAD"; exit 1; fi
measure "re-import (all stored)" "$ADMIN" import "$DIR/all.jsonl" --data "$DIR/copy"
# An extended file: the copy holds the first half (up to a commit end), then the whole export.
rm -rf "$DIR/half" "$DIR/half.jsonl"
HALF=$((EVENTS / 2))
if ! "$ADMIN" export "$DIR/half.jsonl" --until "$HALF" --data "$DIR/source" 2>"$DIR/stderr.txt"; then
    # Inside a commit: the refusal names the commit's bounds ("use A or B").
    HALF=$(sed -n 's/.*; use \([0-9]*\) or.*/\1/p' "$DIR/stderr.txt")
    "$ADMIN" export "$DIR/half.jsonl" --until "$HALF" --data "$DIR/source" 2>/dev/null
fi
if [ -s "$DIR/half.jsonl" ]; then
    "$ADMIN" import "$DIR/half.jsonl" --data "$DIR/half" >/dev/null
    measure "import of the extended file (first $HALF stored)" "$ADMIN" import "$DIR/all.jsonl" --data "$DIR/half"
fi
rm -rf "$DIR/copy" "$DIR/half" "$DIR/half.jsonl"
