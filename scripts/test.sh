#!/usr/bin/env bash
# Sets up (dependencies + build, see setup.sh) and runs the whole test suite with CTest.
# Extra arguments go to ctest, e.g. scripts/test.sh -R Gradcheck
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir "${XGRAD_BUILD_DIR:-build}" --output-on-failure -j"$(nproc)" "$@"
