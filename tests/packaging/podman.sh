#!/usr/bin/env bash
# The container image built and run for real with podman: packaging/podman/prepare.sh (containers.conf,
# the debootstrap base image, made once per machine and kept), packaging/podman/build.sh --packages
# with the .deb files the build test made (nothing is compiled again), then containers of the image
# on this machine's loopback (--network host, every listener on port 0, the addresses read from the
# state volume's listeners.json): the Edge-Terrarium platform (/usr/share/terrarium/edge-terrarium.json
# from the image) with the files secrets provider, requests through the gateway and the direct
# listeners, hot reloads under traffic (admin API; a new file renamed into the plugins volume), a
# graceful stop; then the two-host split as two containers (host-a: custom-client + service-sink,
# host-b: file-storage + logthon; configurations from packaging/docker/config/host-{a,b}.json) where
# custom-client's files arrive in host-b's file-storage, both hosts requiring signed plugins as the
# packaged configuration does; then logthon moves from host-b to host-a with the one-call move
# (tests/packaging/podman-move.sh, run in the same containers). The containers and the image are removed
# at the end; the base image stays. Skipped (exit 77, the reason printed) where podman cannot run
# containers.
. "$(dirname "$0")/lib.sh"

started=$(date +%s)
[ "$(id -u)" -eq 0 ] || skip "podman runs its containers as root on these machines: run the packaging tests as root"
for tool in podman runc; do
  command -v "$tool" >/dev/null || skip "'$tool' is not installed: no container engine here (scripts/install-deps.sh installs podman, runc and debootstrap)"
done
need curl python3 objcopy
[ -f "$packages/current/terrarium_${version}-${release}_${deb_arch}.deb" ] || die "no packages in $packages/current (the build test makes them)"

run_id=terrarium-pkgtest-$$-$RANDOM
image=localhost/$run_id:$version
work=$(mktemp -d)
containers=()
traffic=""
P() { podman --runtime runc "$@"; }
cleanup() {
  local c
  if [ -n "$traffic" ]; then kill "$traffic" 2>/dev/null || true; wait "$traffic" 2>/dev/null || true; fi
  for c in "${containers[@]}"; do P rm -f -v -t 5 "$c" >/dev/null 2>&1 || true; done
  P rmi -f "$image" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "--- podman on this machine: packaging/podman/prepare.sh"
"$src/packaging/podman/prepare.sh" config || die "packaging/podman/prepare.sh config"
base_started=$(date +%s)
if ! "$src/packaging/podman/prepare.sh" base >"$work/prepare.log" 2>&1; then
  cat "$work/prepare.log"
  skip "no base image: packaging/podman/prepare.sh base failed (above; debootstrap needs the Debian mirror apt uses)"
fi
cat "$work/prepare.log"
echo "time: base image ready in $(( $(date +%s) - base_started )) s"
if ! P run --rm --network host docker.io/library/debian:bookworm-slim true >"$work/probe.log" 2>&1; then
  cat "$work/probe.log"
  skip "podman cannot run a container here (podman --runtime runc run --network host debian:bookworm-slim true failed, above)"
fi

echo "--- packaging/podman/build.sh --packages $packages/current --tag $image"
build_started=$(date +%s)
if ! "$src/packaging/podman/build.sh" --packages "$packages/current" --tag "$image" -- --layers=false >"$work/build.log" 2>&1; then
  tail -n 40 "$work/build.log"
  die "the image build failed"
fi
echo "time: image built from the packages in $(( $(date +%s) - build_started )) s"
expect "image $image exists" P image exists "$image"
expect "image runs as 10001:10001" test "$(P image inspect --format '{{.Config.User}}' "$image")" = "10001:10001"

# in_image COMMAND: a shell command in a throwaway container of the image, as root
in_image() { P run --rm --network host --no-healthcheck --user 0 --entrypoint /bin/sh "$image" -c "$1"; }
in_image 'ls /usr/lib/terrarium/plugins' >"$work/image-plugins.txt"
echo "image plugins: $(echo $(cat "$work/image-plugins.txt"))"
built_plugins=$build/packaging/packaged-plugins.txt
[ -f "$built_plugins" ] || die "$built_plugins missing"
for name in $(cat "$built_plugins"); do
  expect "image carries the built plugin $name.so" grep -qx "$name.so" "$work/image-plugins.txt"
done
platform=()
for name in custom-client service-sink file-storage logthon; do
  if [ -d "$src/plugins/$name" ]; then
    platform+=("$name")
    expect "image carries the platform plugin $name" grep -qx "$name.so" "$work/image-plugins.txt"
  else
    echo "note: plugins/$name is not in this source tree: the image has no $name.so and its routes answer 503"
  fi
done
has_plugin() { grep -qx "$1.so" "$work/image-plugins.txt"; }
in_image 'cat /usr/share/terrarium/edge-terrarium.json' >"$work/edge-terrarium.json" \
  || die "the image has no /usr/share/terrarium/edge-terrarium.json"
expect "image's edge-terrarium.json is config/edge-terrarium.json with the packaged directories, signatures required" python3 - \
  "$work/edge-terrarium.json" "$src/config/edge-terrarium.json" <<'EOF'
import json, sys
packaged, source = (json.load(open(p)) for p in sys.argv[1:3])
assert packaged.pop("plugins_dir") == "/var/lib/terrarium/plugins" and packaged.pop("state_dir") == "/var/lib/terrarium"
plugins = packaged.pop("plugins")
assert plugins.pop("signatures") == "require" and plugins.pop("trusted_keys_dir") == "/etc/terrarium/trusted-keys", "no signature policy"
if plugins or "plugins" in source: packaged["plugins"] = plugins
assert packaged == source, "differs from the source"
EOF

# ---- helpers ------------------------------------------------------------------------------------

secrets=$work/secrets
api_key=podman-test-key-$RANDOM$RANDOM
mkdir -p "$secrets/custom-client/config"
for pair in api_key=$api_key database_url=postgresql://user:pass@db:5432/app jwt_secret=podman-jwt \
            encryption_key=podman-encryption log_level=INFO max_connections=100; do
  printf '%s' "${pair#*=}" >"$secrets/custom-client/config/${pair%%=*}"
done
chmod -R a+rX "$secrets"

# host_dirs NAME PLUGIN...: the state and plugins directories of a container (owned by the image's
# user), the plugins and their signatures copied from the image as docker-compose's plugins-init does.
host_dirs() {
  local name=$1; shift
  mkdir -p "$work/$name/state" "$work/$name/plugins"
  local list="" sigs="" p
  for p in "$@"; do list+=" /usr/lib/terrarium/plugins/$p.so"; sigs+=" /usr/lib/terrarium/plugins/$p.so.sig"; done
  P run --rm --network host --no-healthcheck --user 0 --entrypoint /bin/sh -v "$work/$name/plugins:/seed" "$image" \
    -c "install -o terrarium -g terrarium -m 0644 $sigs /seed/ && install -o terrarium -g terrarium -m 0755 $list /seed/" \
    || die "$name: seeding plugins $*"
  chown -R 10001:10001 "$work/$name/state" "$work/$name/plugins"
}
# start_host NAME CONFIG PLUGINS_MOUNT: runs the image's ENTRYPOINT+CMD on CONFIG (mounted as
# /etc/terrarium/terrarium.json), every listener on this machine's loopback, and waits for its
# listeners.json.
start_host() {
  local name=$1 config=$2 mount=$3 ctr=$run_id-$1
  P run -d --name "$ctr" --network host --no-healthcheck -e TERRARIUM_ADMIN_LISTEN=127.0.0.1:0 -e SERVICE_NAME="$name" \
    -v "$config:/etc/terrarium/terrarium.json:ro" -v "$work/$name/state:/var/lib/terrarium" \
    -v "$work/$name/plugins:$mount" -v "$secrets:/run/terrarium-secrets:ro" "$image" >/dev/null \
    || die "$name: podman run"
  containers+=("$ctr")
  if ! poll 60 test -s "$work/$name/state/listeners.json"; then
    P logs "$ctr" 2>&1 | tail -n 30; die "$name: no listeners.json within 60 s"
  fi
}
listener() { json_get "$work/$1/state/listeners.json" "$2"; }
token() { cat "$work/$1/state/admin.token"; }
# http URL [curl args]: prints "STATUS BODY"
http() { local url=$1; shift; curl -sS -m 10 -o "$work/body" -w '%{http_code}' "$@" "$url" 2>/dev/null || true; printf ' '; cat "$work/body" 2>/dev/null; }
# answers URL STATUS TEXT [curl args]: the answer has the status and contains TEXT
answers() {
  local url=$1 status=$2 text=$3 got; shift 3
  got=$(http "$url" "$@")
  [ "${got%% *}" = "$status" ] && grep -qF -- "$text" <<<"${got#* }" && return 0
  echo "    $url: $got"; return 1
}
admin_get() { curl -fsS -m 10 -H "Authorization: Bearer $(token "$1")" "http://$(listener "$1" admin)$2"; }
generation() { admin_get "$1" "/admin/plugins/$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["generation"])'; }
loaded() { admin_get "$1" /admin/plugins | python3 -c 'import json,sys; print(" ".join(sorted(p["name"] for p in json.load(sys.stdin)["plugins"])))'; }
has_loaded() { loaded "$1" | grep -qw -- "$2"; }
loads_exactly() { local got; got=$(loaded "$1"); [ "$got" = "$2" ] || { echo "    $1 loaded: $got"; return 1; }; }
generation_above() { [ "$(generation "$1" "$2")" -gt "$3" ]; }
files_contain() { grep -rlq -- "$2" "$1" 2>/dev/null; }
secrets_from_store() { P logs "$run_id-$1" 2>&1 | grep 'Secrets loaded' | grep -q 'secret store'; }
stops_cleanly() { P stop -t 30 "$run_id-$1" >/dev/null 2>&1 && [ "$(P inspect --format '{{.State.ExitCode}}' "$run_id-$1")" = 0 ]; }
logs_have() { P logs "$run_id-$1" 2>&1 | grep -qF -- "$2"; }
# eventually SECONDS COMMAND...: polls the command quietly until it succeeds; after the deadline runs
# it once more with its output (what it saw last)
eventually() { local seconds=$1; shift; poll "$seconds" quietly "$@" || "$@"; }
quietly() { "$@" >/dev/null 2>&1; }
# make_config OUT BASE PYTHON: BASE (JSON) changed by the python statements on "config"
make_config() {
  python3 - "$1" "$2" "$3" <<'EOF'
import json, sys
out, base, code = sys.argv[1:4]
config = json.load(open(base))
exec(code)
json.dump(config, open(out, "w"), indent=2)
EOF
  chmod a+r "$1"
}
common_settings='
config["listen"] = "127.0.0.1:0"
for l in config.get("listeners", []): l["listen"] = "127.0.0.1:0"
config.setdefault("admin", {})["listen"] = "127.0.0.1:0"
config["secrets"] = {"provider": "files", "files": {"dir": "/run/terrarium-secrets"}}
config["watch"] = {"enabled": True, "interval_ms": 200}
'

# ---- the image as shipped -------------------------------------------------------------------------

echo "--- the image as shipped: its ENTRYPOINT+CMD, ENV and configuration, in a network namespace of its own"
shipped=$run_id-shipped
healthy() { P healthcheck run "$shipped" >/dev/null 2>&1; }
if P run -d --name "$shipped" --network none "$image" >/dev/null 2>"$work/shipped.err"; then
  containers+=("$shipped")
  expect "image's HEALTHCHECK kept (--format docker)" test -n "$(P image inspect --format '{{.Config.Healthcheck}}' "$image" | grep -F /health)"
  expect "podman healthcheck run: healthy (curl on the admin listener's /health)" eventually 60 healthy
  expect "the host is ready (admin /ready)" P exec "$shipped" curl -fsS -o /dev/null http://127.0.0.1:8081/ready
  expect "admin API with the generated token" P exec "$shipped" sh -c \
    'curl -fsS -o /dev/null -H "Authorization: Bearer $(cat /var/lib/terrarium/admin.token)" http://127.0.0.1:8081/admin/plugins'
  expect "podman stop: exit code 0" stops_cleanly shipped
else
  cat "$work/shipped.err"; fail "podman run --network none $image"
fi

# ---- the platform in one container ----------------------------------------------------------------

echo "--- the Edge-Terrarium platform in one container (image's edge-terrarium.json, files secrets)"
host_dirs platform "${platform[@]}"
make_config "$work/platform.json" "$work/edge-terrarium.json" "$common_settings"'
config["plugins"] = {
  "custom-client": {"config": {"request_log_dir": "/var/lib/terrarium/requests", "show_secrets": True, "file_interval_ms": 300}},
  "service-sink": {"config": {"request_log_dir": "/var/lib/terrarium/requests"}},
  "file-storage": {"config": {"path": "/var/lib/terrarium/file-storage"}},
  "signatures": "require", "trusted_keys_dir": "/etc/terrarium/trusted-keys",
}'
start_host platform "$work/platform.json" /var/lib/terrarium/plugins
G=http://$(listener platform main)
A=http://$(listener platform admin)
echo "gateway $G, admin $A, listeners $(cat "$work/platform/state/listeners.json")"
for name in "${platform[@]}"; do
  expect "platform: $name loaded" eventually 30 has_loaded platform "$name"
done
expect "platform: runs as the image's user (uid 10001)" \
  test "$(P top "$run_id-platform" huser 2>/dev/null | tail -n +2 | sort -u | tr -d ' ')" = 10001
expect "gateway /nginx-health" answers "$G/nginx-health" 200 healthy
expect "gateway /api/custom-client/health -> custom-client" answers "$G/api/custom-client/health" 200 '"Custom Client is healthy"'
expect "gateway /api/custom-client/x -> custom-client" answers "$G/api/custom-client/x?q=1" 200 '"Custom Client received request"'
expect "gateway /api/fake-provider/x -> custom-client" answers "$G/api/fake-provider/x" 200 '"Custom Client processed request successfully"'
expect "gateway Host: mycoolwebsite.company.com -> custom-client" \
  answers "$G/anything" 200 '"Custom Client received request"' -H 'Host: mycoolwebsite.company.com'
expect "gateway /api/orders/7 -> service-sink" answers "$G/api/orders/7" 200 "Service Sink processed request to path '/orders/7'"
expect "gateway /health -> service-sink (probes off on the gateway)" answers "$G/health" 200 '"Service Sink is healthy"'
expect "gateway /api/file-storage/health -> file-storage" answers "$G/api/file-storage/health" 200 '"service":"file-storage"'
expect "direct listener custom-client" answers "http://$(listener platform custom-client)/health" 200 '"Custom Client is healthy"'
expect "direct listener service-sink" answers "http://$(listener platform service-sink)/x" 200 "Service Sink processed request to path '/x'"
expect "direct listener file-storage (/api/storage/files)" answers "http://$(listener platform file-storage)/api/storage/files" 200 '"files"'
if has_plugin logthon; then
  expect "gateway /api/logthon/health -> logthon" answers "$G/api/logthon/health" 200 '"service":"logthon"'
  expect "direct listener logthon" answers "http://$(listener platform logthon)/health" 200 '"service":"logthon"'
else
  expect "gateway /api/logthon/ answers 503 plugin_unavailable (no logthon.so)" answers "$G/api/logthon/health" 503 plugin_unavailable
fi
expect "admin listener /health without a token" answers "$A/health" 200 ""
expect "admin listener /ready without a token" answers "$A/ready" 200 ""
expect "admin API refuses a request without the token" answers "$A/admin/plugins" 401 ""
expect "admin API with the generated token" answers "$A/admin/plugins" 200 '"plugins"' -H "Authorization: Bearer $(token platform)"
expect "custom-client read its secrets from the files provider (API Key: $api_key)" eventually 30 logs_have platform "API Key: $api_key"
expect "custom-client: Secrets loaded from the secret store" eventually 30 secrets_from_store platform
expect "custom-client's periodic file stored by file-storage (in-process)" eventually 30 \
  answers "$G/api/file-storage/files" 200 '"filename":"'
expect "file-storage wrote it to the state volume" eventually 10 files_contain "$work/platform/state/file-storage" 'Custom Client generated file at'

echo "--- hot reloads inside the container under traffic"
# traffic: sequential requests through the gateway to both plugins until told to stop
( while [ ! -e "$work/stop-traffic" ]; do
    for path in /api/custom-client/x /api/orders/1; do
      curl -s -m 10 -o /dev/null -w '%{http_code}\n' "$G$path" || echo failed
    done
  done >"$work/traffic.txt" ) &
traffic=$!
poll 10 test -s "$work/traffic.txt" || true   # traffic flows before the first reload
client_gen=$(generation platform custom-client)
expect "admin API: POST /admin/plugins/custom-client/reload" \
  answers "$A/admin/plugins/custom-client/reload" 200 "" -X POST -H "Authorization: Bearer $(token platform)"
expect "custom-client's generation went up ($client_gen -> $(generation platform custom-client))" \
  test "$(generation platform custom-client)" -gt "$client_gen"
sink_gen=$(generation platform service-sink)
plugins_dir=$work/platform/plugins
# A new build of service-sink (the packaged one with a section added: the watcher reloads a file
# whose content changed, a mere touch does nothing), copied under a dot-name and renamed.
printf 'service-sink rebuilt for %s\n' "$run_id" >"$work/rebuilt-note"
objcopy --add-section .terrarium_pkgtest="$work/rebuilt-note" "$plugins_dir/service-sink.so" "$plugins_dir/.service-sink.so.new"
# The platform requires signatures: the new build is signed with the build's key, and its
# signature goes in before the file.
"$build/tools/terrarium-sign/terrarium-sign" sign --key "$build/signing/terrarium-plugins.key" "$plugins_dir/.service-sink.so.new" >/dev/null \
  || die "signing the rebuilt service-sink.so"
chown 10001:10001 "$plugins_dir/.service-sink.so.new" "$plugins_dir/.service-sink.so.new.sig"
chmod 0755 "$plugins_dir/.service-sink.so.new"; chmod 0644 "$plugins_dir/.service-sink.so.new.sig"
mv -f "$plugins_dir/.service-sink.so.new.sig" "$plugins_dir/service-sink.so.sig"
mv -f "$plugins_dir/.service-sink.so.new" "$plugins_dir/service-sink.so"
expect "service-sink reloaded from its new file in the plugins volume (generation > $sink_gen)" \
  eventually 30 generation_above platform service-sink "$sink_gen"
before=$(wc -l <"$work/traffic.txt")
traffic_beyond() { [ "$(wc -l <"$work/traffic.txt")" -ge "$1" ]; }
poll 10 traffic_beyond $((before + 20)) || true
touch "$work/stop-traffic"; wait "$traffic" || true; traffic=""
total=$(wc -l <"$work/traffic.txt"); bad=$(grep -cvx 200 "$work/traffic.txt" || true)
echo "traffic during the reloads: $total requests, $bad not 200"
expect "every request during the reloads succeeded ($total requests)" test "$total" -gt 20 -a "$bad" -eq 0
expect "the gateway serves after the reloads" answers "$G/api/orders/8" 200 "Service Sink processed request to path '/orders/8'"
expect "podman stop: terrariumd stops gracefully (exit code 0)" stops_cleanly platform

# ---- the two-host split in two containers --------------------------------------------------------

echo "--- the two-host split: host-a (custom-client, service-sink), host-b (file-storage, logthon), signatures required"
b_plugins=(file-storage); has_plugin logthon && b_plugins+=(logthon)
host_dirs host-b "${b_plugins[@]}"
host_dirs host-a custom-client service-sink
b_dir=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["plugins_dir"])' "$src/packaging/docker/config/host-b.json")
a_dir=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["plugins_dir"])' "$src/packaging/docker/config/host-a.json")
make_config "$work/host-b.json" "$src/packaging/docker/config/host-b.json" "$common_settings"'
config["plugins"] = {"file-storage": {"config": {"path": "/var/lib/terrarium/file-storage"}},
                     "signatures": "require", "trusted_keys_dir": "/etc/terrarium/trusted-keys"}'
start_host host-b "$work/host-b.json" "$b_dir"
B=$(listener host-b main)
make_config "$work/host-a.json" "$src/packaging/docker/config/host-a.json" "$common_settings"'
for name, url in config["services"].items():
    config["services"][name] = url.replace("host-b:8080", "'"$B"'")
config["plugins"] = {"custom-client": {"config": {"request_log_dir": "/var/lib/terrarium/requests", "file_interval_ms": 300}},
                     "signatures": "require", "trusted_keys_dir": "/etc/terrarium/trusted-keys"}'
start_host host-a "$work/host-a.json" "$a_dir"
echo "host-a $(cat "$work/host-a/state/listeners.json"), host-b $(cat "$work/host-b/state/listeners.json")"
expect "host-a loads custom-client and service-sink only" eventually 30 loads_exactly host-a 'custom-client service-sink'
expect "host-b loads ${b_plugins[*]} only" eventually 30 loads_exactly host-b "${b_plugins[*]}"
expect "host-a's directory sends file-storage calls to host-b's gateway" \
  bash -c "curl -fsS -H 'Authorization: Bearer $(token host-a)' http://$(listener host-a admin)/admin/services | grep -qF 'http://$B/api/file-storage'"
expect "host-a serves custom-client" answers "http://$(listener host-a main)/api/custom-client/health" 200 '"Custom Client is healthy"'
expect "host-b serves file-storage" answers "http://$B/api/file-storage/health" 200 '"service":"file-storage"'
expect "custom-client's files (host-a) arrive in file-storage on host-b" \
  eventually 30 files_contain "$work/host-b/state/file-storage" 'Custom Client generated file at'
expect "host-b lists them" answers "http://$B/api/file-storage/files" 200 '"filename":"'
expect "host-a logged the successful creation" eventually 10 logs_have host-a "Successfully created file via file storage API"
if has_plugin logthon; then
  expect "host-a's logs arrive in logthon on host-b" eventually 30 \
    answers "http://$B/api/logthon/logs?service=custom-client&limit=5" 200 '"service":"custom-client"'
  . "$(dirname "$0")/podman-move.sh"
else
  echo "note: no logthon.so: the move between the containers (podman-move.sh) is not run"
fi
for h in host-a host-b; do
  expect "$h: podman stop, exit code 0" stops_cleanly "$h"
done

echo "time: podman test $(( $(date +%s) - started )) s"
finish "podman image and containers"
