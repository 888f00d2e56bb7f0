#!/usr/bin/env bash
# The system-call fault walk of ImportAndRebuildFaultTests over every call of the rebuild too
# (CI walks every call of the import and a spread of the rebuild's calls).
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build --build-tests
FABRIEK_FAULT_WALK=all swift test --skip-build --filter ImportAndRebuildFaultTests
