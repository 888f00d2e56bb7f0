#!/usr/bin/env bash
# The load benchmark (not a test): builds the release `fabriek` and `fabriek-load-ceiling`,
# then runs tools/load/load.py: a plain Hummingbird route (the ceiling) and `fabriek serve` on a
# fresh copy of the demo store, on loopback, driven by wrk for a bounded time (default 10 s per
# run: the ceiling, four reads one by one, the reads mixed, the durable command mix).
#
#   tools/load/run.sh [--duration S] [--connections N] [--threads N] [--json FILE]
#                     [--only reads|commands] [--profile PERF_DATA] [--keep]
#   tools/load/run.sh --prepare      # build and seed the demo store only (nothing measured)
#
# Release builds go to .build-release (apart from the debug .build, so both can be built at
# once). The demo store is seeded once into .build-release/load-store (takes a minute or two)
# and copied for every run. --only runs the ceiling and then only the reads or only the command
# mix (quicker when working on one of them); --profile records the server with `perf record -g`
# during the command mix. On a machine shared with other work, prepare first and measure alone, e.g.
#   tools/load/run.sh --prepare && tools/quiet.sh tools/load/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
scratch=.build-release
swift build -c release --scratch-path "$scratch" --product fabriek >&2
swift build -c release --scratch-path "$scratch" --product fabriek-load-ceiling >&2
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
if [ "${1:-}" = "--prepare" ]; then
    shift
    python3 tools/load/load.py --bin "$bin" --template "$scratch/load-store" --prepare-only "$@"
else
    exec python3 tools/load/load.py --bin "$bin" --template "$scratch/load-store" "$@"
fi
