#!/usr/bin/env bash
# Configures and builds Terrarium into build/ (or $TERRARIUM_BUILD_DIR). Extra arguments go to
# CMake's configure step; TERRARIUM_TARGETS (space-separated) builds only those targets.
# ccache, when installed, caches compilations across builds and build directories.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TERRARIUM_BUILD_DIR:-$root/build}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" "$@"
# shellcheck disable=SC2086
cmake --build "$build" --parallel "$(nproc)" ${TERRARIUM_TARGETS:+--target $TERRARIUM_TARGETS}
