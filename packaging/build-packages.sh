#!/bin/sh
# Builds the .deb and .rpm packages (terrarium, terrarium-plugins, terrarium-dev) from a built
# Terrarium tree: build-packages.sh BUILD_DIR OUT_DIR [cpack arguments, e.g. -G DEB]
# The packages install under /usr whatever CMAKE_INSTALL_PREFIX the build has.
set -eu
build=${1:?usage: build-packages.sh BUILD_DIR OUT_DIR [cpack arguments]}
out=${2:?usage: build-packages.sh BUILD_DIR OUT_DIR [cpack arguments]}
shift 2
build=$(cd "$build" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
[ -f "$build/CPackConfig.cmake" ] || { echo "build-packages: $build/CPackConfig.cmake missing: configure and build first" >&2; exit 1; }
cpack --config "$build/CPackConfig.cmake" -B "$out" "$@"
rm -rf "$out/_CPack_Packages"
ls -1 "$out"/*.deb "$out"/*.rpm 2>/dev/null || true
