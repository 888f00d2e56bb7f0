#!/bin/bash
# usage: tools/fabriek-bench/callgrind-replay.sh [BENCH_BINARY] [EVENTS]
# Instructions per event of the domain typed replay (`--phases domain --no-domain-rebuild`),
# counted by callgrind: the bench runs twice under it, with 1 and with 3 replays of a log of
# EVENTS events (default 100,000), and the difference over 2 × EVENTS is the replay's own count
# (writing the log is left out). Noise-free, unlike the events/s figure.
#
# Valgrind 3.19 (Debian 12) cannot run this toolchain's binaries as they are: it stops on their
# DWARF 5 debug info ("unhandled dwarf2 abbrev form"), and it writes into the signal mask that
# libdispatch passes to sigsuspend, which libdispatch keeps in read-only data (valgrind then dies
# of SIGSEGV). So the bench and the Swift runtime libraries are copied without debug info into
# a scratch directory put first on LD_LIBRARY_PATH, and that copy of libdispatch has its first
# (read-only) load segment marked writable. Nothing outside the scratch directory changes.
set -euo pipefail
bin=${1:-.build/release/fabriek-bench}
events=${2:-100000}
scratch=${TMPDIR:-/tmp}/fabriek-callgrind
mkdir -p "$scratch/lib"
swiftlib=$(dirname "$(readlink -f "$(command -v swift)")")/../lib/swift/linux
for f in "$swiftlib"/*.so; do strip --strip-debug -o "$scratch/lib/$(basename "$f")" "$f"; done
python3 - "$scratch/lib/libdispatch.so" <<'PY'
import struct, sys
path = sys.argv[1]
b = bytearray(open(path, 'rb').read())
phoff, = struct.unpack_from('<Q', b, 32)
phentsize, phnum = struct.unpack_from('<HH', b, 54)
for i in range(phnum):
    off = phoff + i * phentsize
    ptype, flags = struct.unpack_from('<II', b, off)
    if ptype == 1 and not flags & 2:  # the first PT_LOAD without PF_W
        struct.pack_into('<I', b, off + 4, flags | 2)
        break
open(path, 'wb').write(b)
PY
cp "$bin" "$scratch/fabriek-bench" && strip --strip-debug "$scratch/fabriek-bench"
declare -A total
for runs in 1 3; do
  LD_LIBRARY_PATH="$scratch/lib" valgrind --tool=callgrind --callgrind-out-file="$scratch/callgrind.$runs.out" \
    "$scratch/fabriek-bench" --events "$events" --phases domain --no-domain-rebuild --replay-runs "$runs" --stores fabriek \
    > "$scratch/callgrind.$runs.log" 2>&1
  total[$runs]=$(grep -o "Collected : [0-9]*" "$scratch/callgrind.$runs.log" | awk '{print $3}')
done
python3 -c "print(f'typed replay: {(${total[3]} - ${total[1]}) / (2 * $events):.0f} instructions per event "\
"(callgrind, {$events} events; profiles in $scratch/callgrind.{{1,3}}.out)')"
