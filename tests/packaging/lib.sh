# Helpers of the packaging tests (sourced). The tests get their paths from the environment that
# tests/packaging/CMakeLists.txt sets: PKGTEST_SOURCE_DIR, PKGTEST_BUILD_DIR,
# PKGTEST_PACKAGES_DIR (current/ and upgrade/ package sets), PKGTEST_TERRARIUMD, PKGTEST_PACKAGE_RELEASE.
set -euo pipefail

SKIP_CODE=77
src=${PKGTEST_SOURCE_DIR:?}
build=${PKGTEST_BUILD_DIR:?}
packages=${PKGTEST_PACKAGES_DIR:?}
release=${PKGTEST_PACKAGE_RELEASE:-1}
version=$(sed -n 's/^project(Terrarium VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
upgrade_release=$((release + 1))
deb_arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
rpm_arch=$(uname -m)

failures=0
skip() { echo "SKIP: $*"; exit "$SKIP_CODE"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
die() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
# expect DESCRIPTION COMMAND...: runs the command, counts a failure when it fails
expect() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
finish() {
  if [ "$failures" -ne 0 ]; then echo "$1: $failures check(s) failed"; exit 1; fi
  echo "$1: all checks passed"
}
need() { for t in "$@"; do command -v "$t" >/dev/null || die "'$t' is not installed (scripts/install-deps.sh installs it)"; done; }

# The packaged plugins: every plugins/<name>/ folder with a CMakeLists.txt.
source_plugins() { for d in "$src"/plugins/*/; do [ -f "$d/CMakeLists.txt" ] && basename "$d"; done; }

# A python3 that has PyYAML.
python_yaml() {
  for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import yaml' 2>/dev/null; then command -v "$p"; return 0; fi
  done
  die "no python3 with PyYAML (python3-yaml; scripts/install-deps.sh installs it)"
}

# poll SECONDS COMMAND...: until the command succeeds or the deadline passes.
poll() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# json_get FILE KEY: a top-level string of a JSON file.
json_get() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# config_starts TERRARIUMD_BINARY CONFIG ENV_FILE LISTENER...: starts terrariumd on CONFIG, with only
# the environment of ENV_FILE (KEY=VALUE lines, as the container or unit sets it; /dev/null for
# none), in a network namespace of its own (fixed ports cannot collide with anything on this
# machine) with scratch state and plugins dirs, and checks that the loader accepts it, that it
# comes up with the named listeners and that it stops with exit code 0.
config_starts() {
  local bin=$1 config=$2 env_file=$3; shift 3
  local dir pid rc=0 name
  local -a environment=()
  mapfile -t environment < <(grep -v '^[[:space:]]*$' "$env_file")
  dir=$(mktemp -d)
  mkdir -p "$dir/plugins"
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${environment[@]}" \
    unshare --net sh -c 'exec "$0" --config "$1" --state-dir "$2/state" --plugins-dir "$2/plugins"' \
    "$bin" "$config" "$dir" >"$dir/log" 2>&1 &
  pid=$!
  if ! poll 30 test -s "$dir/state/listeners.json"; then
    kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    sed 's/^/    /' "$dir/log"; rm -rf "$dir"; return 1
  fi
  for name in "$@"; do
    grep -q "\"$name\":" "$dir/state/listeners.json" || { echo "    no listener '$name' in $(cat "$dir/state/listeners.json")"; rc=1; }
  done
  kill -TERM "$pid"
  wait "$pid" || { echo "    terrariumd exited with $?"; sed 's/^/    /' "$dir/log"; rc=1; }
  rm -rf "$dir"
  return $rc
}
can_unshare_net() { [ "$(id -u)" -eq 0 ] && unshare --net true 2>/dev/null; }
