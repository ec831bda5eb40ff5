#!/usr/bin/env bash
# Installs what is missing, builds terrariumd and the plugins of plugins/ (only those targets: no
# tests, no benchmarks), and runs terrariumd with those plugins on the default configuration
# (config/terrarium.json), main listener on 127.0.0.1:8080, admin API on 127.0.0.1:8081. Once the
# host answers, prints what to try next.
#
# The default configuration is the whole Edge-Terrarium platform: custom-client, service-sink,
# file-storage and logthon behind the gateway's route table on the main listener (logthon's web UI
# at /api/logthon/). Secrets come from Vault when VAULT_ADDR is set (and VAULT_TOKEN), else from the
# files provider: build/run/state/secrets, which this script links to config/demo-secrets (the
# platform's demo values) unless it already exists.
#
# Extra arguments go to terrariumd (e.g. --listen 0.0.0.0:8080 to listen on every interface, or
# --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 for free ports); TERRARIUM_LISTEN (and the other
# TERRARIUM_* variables) work too. The build directory is build/ (or $TERRARIUM_BUILD_DIR); a
# later ./scripts/test.sh builds everything else in the same directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TERRARIUM_BUILD_DIR:-$root/build}
say() { echo "run: $*"; }

say "checking the build dependencies"
"$root/scripts/install-deps.sh" | sed 's/^/run:   /'

plugins=()
for dir in "$root"/plugins/*/; do
  [ -f "$dir/CMakeLists.txt" ] && plugins+=("$(basename "$dir")")
done
say "building terrariumd and the plugins (${plugins[*]:-none}) in $build"
mkdir -p "$build"
buildlog=$build/run-build.log
# Every tenth step of the build as a progress line; the whole output goes to $buildlog.
progress() {
  local line step built total
  while IFS= read -r line; do
    printf '%s\n' "$line" >>"$buildlog"
    case $line in
      "["[0-9]*/[0-9]*"]"*)
        step=${line%%]*} step=${step#[} built=${step%/*} total=${step#*/}
        if [ "$built" -gt 0 ] && { [ $((built % 10)) -eq 0 ] || [ "$built" = "$total" ]; }; then say "  built $built of $total"; fi ;;
    esac
  done
}
: >"$buildlog"
if ! TERRARIUM_TARGETS="terrariumd ${plugins[*]}" "$root/scripts/build.sh" 2>&1 | progress; then
  tail -n 40 "$buildlog"
  say "the build failed; its whole output is in $buildlog"
  exit 1
fi
say "build done (output in $buildlog)"

run=$build/run
mkdir -p "$run/plugins" "$run/state"
# The service plugins keep their files under the run's state unless told otherwise.
export FILE_STORAGE_PATH=${FILE_STORAGE_PATH:-$run/state/file-storage}
# Without Vault, the files provider reads <state>/secrets: the platform's demo secrets.
if [ -z "${VAULT_ADDR:-}" ]; then
  if [ ! -e "$run/state/secrets" ] && [ ! -L "$run/state/secrets" ]; then
    ln -s "$root/config/demo-secrets" "$run/state/secrets"
  fi
  say "secrets: files under $run/state/secrets ($(readlink -f "$run/state/secrets" 2>/dev/null || echo missing)); set VAULT_ADDR and VAULT_TOKEN to use Vault"
else
  say "secrets: Vault at $VAULT_ADDR"
fi
for name in "${plugins[@]}"; do
  lib=$build/plugins/$name/$name.so
  [ -f "$lib" ] || continue
  # copy under a temporary name, then rename: the host never sees half a file
  cp "$lib" "$run/plugins/.$name.so.tmp" && mv -f "$run/plugins/.$name.so.tmp" "$run/plugins/$name.so"
done

# The main listener stays on the loopback unless the caller chose an address.
listen=()
chosen=${TERRARIUM_LISTEN:-}
for arg in "$@"; do
  case $arg in --listen|--listen=*) chosen=yes ;; esac
done
[ -n "$chosen" ] || listen=(--listen 127.0.0.1:8080)

listeners=$run/state/listeners.json
rm -f "$listeners"
say "starting terrariumd (plugins in $run/plugins, state in $run/state)"
# (terrariumd refuses TERRARIUM_* variables it does not know, such as this script's own)
env -u TERRARIUM_BUILD_DIR -u TERRARIUM_TARGETS "$build/host/terrariumd" --config "$root/config/terrarium.json" \
  --plugins-dir "$run/plugins" --state-dir "$run/state" "${listen[@]}" "$@" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' INT TERM
trap 'kill -HUP "$pid" 2>/dev/null || true' HUP

# Waits for listeners.json, then for GET /health on the main listener (60 s at most).
address() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$listeners" 2>/dev/null | sed 's/^0\.0\.0\.0:/127.0.0.1:/; s/^\[::\]:/[::1]:/'; }
answers() { curl -sfk -o /dev/null --max-time 2 "$1/health" 2>/dev/null; }
main="" admin="" scheme=""
for _ in $(seq 1 600); do
  kill -0 "$pid" 2>/dev/null || break
  if [ -s "$listeners" ]; then
    main=$(address main) admin=$(address admin)
    for s in http https; do
      if [ -n "$main" ] && answers "$s://$main"; then scheme=$s; break 2; fi
    done
  fi
  sleep 0.1
done

if [ -n "$scheme" ]; then
  token=$run/state/admin.token
  admin_scheme=http
  curl -sfk -o /dev/null --max-time 2 "http://$admin/metrics" 2>/dev/null || admin_scheme=https
  M=$scheme://$main A=$admin_scheme://$admin
  say "terrariumd is up (pid $pid): main listener $M, admin API $A"
  echo "run: the Edge-Terrarium platform:"
  echo "  open $M/api/logthon/ in a browser: every service's logs, live (custom-client creates a file every 15 s)"
  echo "  curl -s $M/api/custom-client/health"
  echo "  curl -s $M/api/file-storage/files"
  echo "  curl -s '$M/api/logthon/logs?service=custom-client&limit=5'"
  echo "  curl -s $M/api/anything        # service-sink takes every other path"
  echo "run: try:"
  echo "  curl -s $M/health"
  echo "  curl -s $M/ready"
  [ -f "$run/plugins/echo.so" ] && echo "  curl -s '$M/echo/hello?x=1' -d hi"
  echo "  TOKEN=\$(cat $token)"
  echo "  curl -s -H \"Authorization: Bearer \$TOKEN\" $A/admin/plugins"
  echo "  curl -s $A/metrics"
  echo "run: stop with Ctrl-C (or kill $pid); kill -HUP $pid reads the configuration again"
elif kill -0 "$pid" 2>/dev/null; then
  say "terrariumd (pid $pid) did not answer /health within 60 s; still waiting for it"
fi

# Waits for terrariumd; a signal to this script (forwarded above) interrupts wait while it shuts down.
status=0
while :; do
  if wait "$pid"; then status=0; else status=$?; fi
  if [ "$status" -gt 128 ] && kill -0 "$pid" 2>/dev/null; then continue; fi
  break
done
[ "$status" -eq 0 ] || say "terrariumd exited with status $status"
exit "$status"
