#!/usr/bin/env bash
# Installs what is missing, builds, and runs terrariumd with every plugin of plugins/ on the
# default configuration (config/terrarium.json): main listener 0.0.0.0:8080, admin 127.0.0.1:8081.
# Extra arguments are passed to terrariumd (e.g. --listen 127.0.0.1:9090).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TERRARIUM_BUILD_DIR:-$root/build}
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"

run=$build/run
mkdir -p "$run/plugins" "$run/state"
for dir in "$root"/plugins/*/; do
  name=$(basename "$dir")
  lib=$build/plugins/$name/$name.so
  [ -f "$lib" ] || continue
  # copy under a temporary name, then rename: the host never sees half a file
  cp "$lib" "$run/plugins/.$name.so.tmp" && mv -f "$run/plugins/.$name.so.tmp" "$run/plugins/$name.so"
done
echo "run: plugins in $run/plugins, state in $run/state, admin token in $run/state/admin.token"
exec "$build/host/terrariumd" --config "$root/config/terrarium.json" \
  --plugins-dir "$run/plugins" --state-dir "$run/state" "$@"
