#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test (unit, ABI, SDK, integration),
# then builds the fuzz targets and runs each briefly over its corpus (tests/fuzz/run.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TERRARIUM_BUILD_DIR:-$root/build}
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
(cd "$build" && ctest --output-on-failure --timeout 600 -j "$(nproc)")
"$root/tests/fuzz/run.sh" --seconds "${TERRARIUM_FUZZ_SECONDS:-5}" --seed 1 --build-dir "$build-fuzz"
