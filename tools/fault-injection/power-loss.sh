#!/usr/bin/env bash
# Every disk state a power cut could leave during the append workload of PowerLossTests (the CI
# run checks a spread of them), each opened and checked. Prints how many states were checked.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build --build-tests
FABRIEK_POWER_LOSS=all swift test --skip-build --filter PowerLossTests 2>&1 | grep -E "power loss|passed|failed|error" || true
