#!/bin/bash
# The scale run (issue 12): the log at 100k, 1M and 10M events, then the table and the chart.
#
#   swift build -c release --product fabriek-bench
#   QUIET=tools/quiet.sh tools/fabriek-bench/scale-run/run.sh /path/with/room [SIZES...]
#
# For each size: generates the workload (gen_workload.py, not timed) unless SCRATCH holds it,
# runs `fabriek-bench --stores fabriek --phases batch,replay,load,size,open,scale` on it (each
# size its own run, prefixed with $QUIET when set: a command that quiets the machine), keeps the
# JSON and the printed report in SCRATCH, and removes the log (KEEP_LOGS=1 keeps it in
# SCRATCH/run-N/fabriek-batch, e.g. to probe it with another build's --probe-open). Then writes
# tools/fabriek-bench/scale-run/SCALE.md (the table) and scale.svg (rate and memory against log
# size) from every scale-*.json in SCRATCH. At 10M the workload file is 3.1 GB and the log ~0.8 GB,
# and the bench holds the parsed workload in memory (several GB).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
scratch=${1:?usage: run.sh SCRATCH_DIR [SIZES...]}
shift
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000 10000000)
bench=${BENCH:-$root/.build/release/fabriek-bench}
generator=${GENERATOR:-$root/../shared/bench/gen_workload.py}
mkdir -p "$scratch"
for n in "${sizes[@]}"; do
    workload=$scratch/workload-$n.jsonl
    if [ ! -f "$workload" ]; then
        echo "scale: generating $workload" >&2
        python3 "$generator" --events "$n" --out "$workload.part"
        mv "$workload.part" "$workload"
    fi
    echo "scale: $n events" >&2
    keep=()
    [ "${KEEP_LOGS:-0}" = 1 ] && keep=(--keep)
    ${QUIET:-} "$bench" --workload "$workload" --stores fabriek --phases batch,replay,load,size,open,scale \
        --dir "$scratch/run-$n" --json "$scratch/scale-$n.json" "${keep[@]}" | tee "$scratch/scale-$n.md"
    [ "${KEEP_LOGS:-0}" = 1 ] || rm -rf "$scratch/run-$n"
done
python3 "$here/report.py" --svg "$here/scale.svg" "$scratch"/scale-*.json > "$here/SCALE.md"
echo "scale: wrote $here/SCALE.md and $here/scale.svg" >&2
