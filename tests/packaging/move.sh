#!/usr/bin/env bash
# packaging/move-plugin.sh against two running hosts: every way it moves a plugin (docker compose
# copy and move through the shared volume, k3s copy and move between Deployments, admin API
# unload and load) must end with the plugin served by the target host, with the target's
# settings, and gone from the source.
#
# No Docker engine or Kubernetes cluster runs on the build machines, so "docker" and "kubectl" are
# stand-ins that do to these two hosts what the real commands do to the containers: the compose
# hosts host-a and host-b run terrariumd with packaging/docker/config/host-{a,b}.json and the
# compose file's environment, their drop-in directories in one shared directory as in the
# "plugins" volume (/srv/plugins/host-a, /srv/plugins/host-b); the k3s Deployments "terrarium" and
# "terrarium-data" (overlays/split) are the same two hosts, their pods' /var/lib/terrarium/plugins
# the same two directories. The stand-ins accept only the argument shapes of the real CLIs that
# move-plugin.sh uses, and log each call.
. "$(dirname "$0")/lib.sh"
need curl python3 cmake
python=$(python_yaml)
checks=$src/tests/packaging/packaging_checks.py
docker_dir=$src/packaging/docker
move_plugin=$src/packaging/move-plugin.sh
echo_so=$build/plugins/echo/echo.so
[ -f "$echo_so" ] || die "$echo_so is not built"

work=$(mktemp -d)
declare -A pid main admin
cleanup() {
  for h in "${!pid[@]}"; do kill -TERM "${pid[$h]}" 2>/dev/null; wait "${pid[$h]}" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
volume=$work/volume                # the compose volume "plugins", mounted at /srv/plugins
mkdir -p "$volume/host-a" "$volume/host-b" "$work/bin" "$work/container-bin"
cp "$echo_so" "$volume/host-a/"    # what plugins-init seeds: every packaged plugin on host-a, with its signature
[ -f "$echo_so.sig" ] || die "$echo_so.sig: the build signs its plugins"
cp "$echo_so.sig" "$volume/host-a/"
sign_tool=$build/tools/terrarium-sign/terrarium-sign
signing_key=$build/signing/terrarium-plugins.key

# ---- stand-ins ------------------------------------------------------------------------------
cat >"$work/container-bin/chown" <<'EOF'
#!/bin/sh
# chown inside the image, where the terrarium user exists: only that owner is expected.
[ "$1" = terrarium:terrarium ] || { echo "container chown: unexpected owner $1" >&2; exit 1; }
EOF
cat >"$work/bin/docker" <<'EOF'
#!/usr/bin/env bash
# docker stand-in: "docker compose -f FILE cp SRC SERVICE:DEST" and
# "docker compose -f FILE exec -T [-u USER] SERVICE COMMAND..." on the hosts of move.sh.
set -euo pipefail
echo "docker $*" >>"$STANDIN_LOG"
[ "$1" = compose ] && [ "$2" = -f ] || { echo "docker stand-in: expected 'compose -f FILE'" >&2; exit 2; }
[ "$3" = "$STANDIN_COMPOSE_FILE" ] || { echo "docker stand-in: compose file $3 is not $STANDIN_COMPOSE_FILE" >&2; exit 2; }
shift 3
service_known() { grep -q "^  $1:\$" "$STANDIN_COMPOSE_FILE" || { echo "docker stand-in: no service $1" >&2; exit 2; }; }
map() { local a; for a in "$@"; do printf '%s\0' "${a//\/srv\/plugins/$STANDIN_VOLUME}"; done; }
case "$1" in
cp)
  [ $# -eq 3 ] && [[ "$3" == *:/* ]] || { echo "docker stand-in: cp SRC SERVICE:/PATH" >&2; exit 2; }
  service_known "${3%%:*}"
  cp "$2" "$(map "${3#*:}" | tr -d '\0')"
  ;;
exec)
  shift
  [ "$1" = -T ] || { echo "docker stand-in: exec without -T needs a terminal" >&2; exit 2; }
  shift
  if [ "$1" = -u ]; then shift 2; fi
  service_known "$1"; shift
  mapfile -d '' -t command < <(map "$@")
  PATH=$STANDIN_CONTAINER_BIN:$PATH "${command[@]}"
  ;;
*) echo "docker stand-in: compose $1 is not used by move-plugin.sh" >&2; exit 2 ;;
esac
EOF
cat >"$work/bin/kubectl" <<'EOF'
#!/usr/bin/env bash
# kubectl stand-in: "-n NS get pods -l app.kubernetes.io/instance=DEPLOYMENT ... -o jsonpath=...",
# "-n NS cp SRC POD:DEST -c terrarium", "-n NS exec [-i] POD -c terrarium -- COMMAND..."; the pods
# of the Deployments terrarium and terrarium-data are host-a and host-b of move.sh.
set -euo pipefail
echo "kubectl $*" >>"$STANDIN_LOG"
[ "$1" = -n ] && [ "$2" = edge-terrarium ] || { echo "kubectl stand-in: expected -n edge-terrarium" >&2; exit 2; }
shift 2
pod_dir() {
  case "$1" in
    terrarium-6d9c7b5f4-x2x7q) echo "$STANDIN_VOLUME/host-a" ;;
    terrarium-data-58f7d9c6b-k9w4m) echo "$STANDIN_VOLUME/host-b" ;;
    *) echo "kubectl stand-in: no pod $1" >&2; exit 2 ;;
  esac
}
map() {  # POD ARG...: the pod's /var/lib/terrarium/plugins in the arguments
  local dir a; dir=$(pod_dir "$1"); shift
  for a in "$@"; do printf '%s\0' "${a//\/var\/lib\/terrarium\/plugins/$dir}"; done
}
case "$1" in
get)
  [ "$2" = pods ] && [ "$3" = -l ] || { echo "kubectl stand-in: get pods -l SELECTOR" >&2; exit 2; }
  case "$4" in
    app.kubernetes.io/instance=terrarium) pod=terrarium-6d9c7b5f4-x2x7q ;;
    app.kubernetes.io/instance=terrarium-data) pod=terrarium-data-58f7d9c6b-k9w4m ;;
    *) echo "kubectl stand-in: no pod matches $4" >&2; exit 2 ;;
  esac
  [[ " ${*:5} " == *" -o jsonpath={.items[0].metadata.name} "* ]] || { echo "kubectl stand-in: expected -o jsonpath={.items[0].metadata.name}" >&2; exit 2; }
  printf '%s' "$pod"
  ;;
cp)
  [ $# -eq 5 ] && [ "$4" = -c ] && [ "$5" = terrarium ] || { echo "kubectl stand-in: cp SRC DEST -c terrarium" >&2; exit 2; }
  [[ "$3" == *:/* ]] || { echo "kubectl stand-in: cp into a pod only" >&2; exit 2; }
  cp "$2" "$(map "${3%%:*}" "${3#*:}" | tr -d '\0')"
  ;;
exec)
  shift
  [ "$1" = -i ] && shift
  pod=$1; shift
  [ "$1" = -c ] && [ "$2" = terrarium ] && [ "$3" = -- ] || { echo "kubectl stand-in: exec POD -c terrarium -- COMMAND" >&2; exit 2; }
  shift 3
  mapfile -d '' -t command < <(map "$pod" "$@")
  "${command[@]}"
  ;;
*) echo "kubectl stand-in: $1 is not used by move-plugin.sh" >&2; exit 2 ;;
esac
EOF
chmod +x "$work/bin/"* "$work/container-bin/"*
export STANDIN_LOG=$work/standins.log STANDIN_VOLUME=$volume STANDIN_CONTAINER_BIN=$work/container-bin
export STANDIN_COMPOSE_FILE=$docker_dir/docker-compose.yml
: >"$STANDIN_LOG"
standin_path=$work/bin:$PATH

# ---- the two hosts ----------------------------------------------------------------------------
for h in host-a host-b; do
  "$python" "$checks" compose-env "$docker_dir" "$h" >"$work/$h.env"
  mapfile -t environment <"$work/$h.env"
  mkdir -p "$work/state-$h"
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${environment[@]}" "$PKGTEST_TERRARIUMD" \
    --config "$docker_dir/config/$h.json" --plugins-dir "$volume/$h" --state-dir "$work/state-$h" \
    --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 >"$work/$h.log" 2>&1 &
  pid[$h]=$!
  poll 30 test -s "$work/state-$h/listeners.json" || { sed 's/^/    /' "$work/$h.log"; die "$h did not start"; }
  main[$h]=$(json_get "$work/state-$h/listeners.json" main)
  admin[$h]=$(json_get "$work/state-$h/listeners.json" admin)
  echo "$h: $(basename "$PKGTEST_TERRARIUMD") --config packaging/docker/config/$h.json, drop-in $volume/$h, main ${main[$h]}, admin ${admin[$h]}"
done

loaded() { curl -fsS -o /dev/null -H "Authorization: Bearer $(cat "$work/state-$1/admin.token")" "http://${admin[$1]}/admin/plugins/$2"; }
unloaded() { ! loaded "$@" 2>/dev/null; }
serves() { curl -fsS "http://${main[$1]}$2" 2>/dev/null | grep -q "$3"; }
no_temporaries() { ! ls -A "$volume/host-a" "$volume/host-b" | grep -q '^\.'; }
move() { PATH=$standin_path "$move_plugin" "$@" >>"$work/move.log" 2>&1 || { sed 's/^/    /' "$work/move.log"; return 1; }; }

expect "host-a serves the seeded echo with its settings" poll 30 serves host-a /echo/ 'hello from host-a'
expect "host-b starts without it" unloaded host-b echo

echo "--- docker compose: one rename in the shared volume"
expect "move-plugin.sh compose-move echo host-a host-b" move compose-move echo host-a host-b
expect "host-a unloads echo" poll 30 unloaded host-a echo
expect "host-b loads echo and serves it with host-b's settings" poll 30 serves host-b /echo/ 'hello from host-b'
expect "its signature moved with it" test -f "$volume/host-b/echo.so.sig" -a ! -e "$volume/host-a/echo.so.sig"

echo "--- docker compose: a plugin built elsewhere"
cmake --install "$build" --component dev --prefix "$work/sdk" >"$work/sdk.log" 2>&1 || { cat "$work/sdk.log"; die "installing the SDK component"; }
if cmake -S "$src/examples/hello-plugin" -B "$work/hello" -DCMAKE_PREFIX_PATH="$work/sdk" -DCMAKE_BUILD_TYPE=Release >>"$work/sdk.log" 2>&1 \
   && cmake --build "$work/hello" >>"$work/sdk.log" 2>&1; then
  ok "the example plugin builds against the SDK component"
else
  sed 's/^/    /' "$work/sdk.log"; die "the example plugin does not build"
fi
hello=$work/hello/hello.so
expect "terrarium-sign signs hello.so with the build's key" "$sign_tool" sign --key "$signing_key" "$hello"
expect "move-plugin.sh compose-copy hello.so host-a" move compose-copy "$hello" host-a
expect "host-a loads hello" poll 30 serves host-a /hello/x '"plugin":"hello"'
expect "compose-copy brought hello.so.sig along" cmp -s "$hello.sig" "$volume/host-a/hello.so.sig"

echo "--- k3s: between the Deployments of overlays/split, and from outside"
expect "move-plugin.sh k8s-move hello terrarium terrarium-data" move k8s-move hello terrarium terrarium-data
expect "terrarium (host-a) unloads hello" poll 30 unloaded host-a hello
expect "terrarium-data (host-b) loads hello" poll 30 serves host-b /hello/x '"plugin":"hello"'
expect "k8s-move moved hello.so.sig along" bash -c "cmp -s '$hello.sig' '$volume/host-b/hello.so.sig' && test ! -e '$volume/host-a/hello.so.sig'"
expect "move-plugin.sh k8s-copy hello.so terrarium" move k8s-copy "$hello" terrarium
expect "terrarium (host-a) loads hello again" poll 30 serves host-a /hello/x '"plugin":"hello"'
expect "k8s-copy brought hello.so.sig along" cmp -s "$hello.sig" "$volume/host-a/hello.so.sig"
expect "the copies are mode 755" test "$(stat -c '%a' "$volume/host-a/hello.so" "$volume/host-b/hello.so" | sort -u)" = 755

echo "--- admin API"
token_b=$(cat "$work/state-host-b/admin.token")
expect "move-plugin.sh admin-unload host-b echo" env TOKEN="$token_b" PATH="$standin_path" "$move_plugin" admin-unload "http://${admin[host-b]}" echo
expect "host-b no longer serves echo" poll 30 unloaded host-b echo
expect "move-plugin.sh admin-load host-b echo.so with settings" \
  env TOKEN_FILE="$work/state-host-b/admin.token" PATH="$standin_path" "$move_plugin" admin-load "http://${admin[host-b]}" echo.so '{"greeting":"loaded through the admin API"}'
expect "host-b serves echo with the settings given to the admin API" poll 30 serves host-b /echo/ 'loaded through the admin API'

expect "no temporary dot-files left in the drop-in directories" no_temporaries
expect "move-plugin.sh with no arguments prints its usage and exits 64" bash -c "'$move_plugin' >/dev/null 2>&1; [ \$? -eq 64 ]"
echo "stand-in calls:"; sed 's/^/    /' "$STANDIN_LOG"
finish "move-plugin.sh"
