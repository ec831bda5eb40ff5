#!/usr/bin/env bash
# Installs the .deb packages into this machine with apt-get (packaging/install-packages.sh, the
# container image's install step), starts terrariumd the way systemd would (the unit's ExecStart
# as the terrarium user, clean environment, NoNewPrivileges, UMask; ephemeral ports added), checks
# /health, /ready, a route of every packaged plugin and the admin API with the generated token,
# reloads an edited configuration with the unit's ExecReload signal, upgrades to the rebuilt
# packages (new release, changed default configuration) and checks that the edited configuration
# and the token survive, builds the example plugin against the installed terrarium-dev and brings
# it to the running host with packaging/move-plugin.sh (drop-in + ExecReload rescan, admin API),
# then removes and purges. Last, the container image's final stage is replayed on this machine:
# its user creation, the same install script, and its ENV/USER/WORKDIR/ENTRYPOINT+CMD in a network
# namespace where its HEALTHCHECK must pass. Whatever happens, the machine is left as it was (trap).
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || skip "the install test installs packages into this machine: it needs root"
need apt-get dpkg-query curl setpriv python3 cmake c++
[ -f "$packages/current/terrarium_${version}-${release}_${deb_arch}.deb" ] || die "no packages in $packages/current (the build test makes them)"
if dpkg-query -W -f='${Status}' terrarium terrarium-plugins terrarium-dev 2>/dev/null | grep -q 'installed\|config-files'; then
  skip "a terrarium package is already installed on this machine; the test does not touch it"
fi
for path in /etc/terrarium /var/lib/terrarium /usr/lib/terrarium /usr/share/terrarium; do
  [ ! -e "$path" ] || skip "$path already exists on this machine; the test does not touch it"
done

work=$(mktemp -d)
had_user=$(getent passwd terrarium >/dev/null && echo yes || echo no)
had_group=$(getent group terrarium >/dev/null && echo yes || echo no)
policy_rc=/usr/sbin/policy-rc.d
made_policy=no
daemon_pid=""
unit_links=(/etc/systemd/system/multi-user.target.wants/terrarium.service /etc/systemd/system/terrarium.service
            /var/lib/systemd/deb-systemd-helper-enabled/terrarium.service.dsh-also
            /var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/terrarium.service
            /var/lib/systemd/deb-systemd-helper-masked/terrarium.service)
apt() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -y "$@" </dev/null; }
move_plugin=$src/packaging/move-plugin.sh

stop_daemon() {
  [ -n "$daemon_pid" ] || return 0
  kill -TERM "$daemon_pid" 2>/dev/null || true
  local rc=0
  wait "$daemon_pid" || rc=$?
  daemon_pid=""
  return $rc
}
remove_user() {
  [ "$had_user" = yes ] || { getent passwd terrarium >/dev/null && userdel terrarium; }
  [ "$had_group" = yes ] || { getent group terrarium >/dev/null && groupdel terrarium; }
  return 0
}
cleanup() {
  local rc=$?
  set +e
  [ "$rc" -eq 0 ] || echo "FAIL: stopped early (exit code $rc); restoring the machine"
  stop_daemon >/dev/null 2>&1
  if dpkg-query -W -f='${Status}' terrarium-plugins terrarium-dev terrarium 2>/dev/null | grep -q .; then
    apt purge terrarium-plugins terrarium-dev terrarium >/dev/null 2>&1 || dpkg --purge terrarium-plugins terrarium-dev terrarium >/dev/null 2>&1
  fi
  remove_user
  [ "$made_policy" = no ] || rm -f "$policy_rc"
  rm -rf /etc/terrarium /var/lib/terrarium /usr/lib/terrarium /usr/share/terrarium "${unit_links[@]}"
  rm -rf "$work"
}
trap cleanup EXIT

# No service start from the maintainer scripts, should this machine run systemd.
if [ ! -e "$policy_rc" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy_rc"; chmod 0755 "$policy_rc"; made_policy=yes
fi

exec_start=""
log=$work/terrariumd.log
start_daemon() {  # as systemd runs the unit (ExecStart, User/Group, NoNewPrivileges, UMask), on ephemeral ports
  exec_start=$(sed -n 's/^ExecStart=//p' /usr/lib/systemd/system/terrarium.service)
  rm -f /var/lib/terrarium/listeners.json
  # shellcheck disable=SC2086
  ( umask 0027; cd /; exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      setpriv --reuid=terrarium --regid=terrarium --init-groups --no-new-privs -- \
      $exec_start --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 ) >>"$log" 2>&1 &
  daemon_pid=$!
  if ! poll 30 test -s /var/lib/terrarium/listeners.json; then
    sed 's/^/    /' "$log"; die "terrariumd did not start"
  fi
  main=$(json_get /var/lib/terrarium/listeners.json main)
  admin=$(json_get /var/lib/terrarium/listeners.json admin)
  echo "started: $exec_start --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 as $(ps -o user= -p "$daemon_pid" 2>/dev/null || echo '?'): main $main, admin $admin"
}
status() { curl -s -o "$work/body" -w '%{http_code}' "$@"; }
ready() { [ "$(status "http://$main/ready")" = 200 ]; }
token() { cat /var/lib/terrarium/admin.token; }
admin_get() { curl -fsS -H "Authorization: Bearer $(token)" "http://$admin$1"; }
packaged_plugins() { for f in /usr/lib/terrarium/plugins/*.so; do basename "$f" .so; done; }
reload_daemon() {  # the unit's ExecReload, with $MAINPID as systemd sets it
  local reload
  reload=$(sed -n 's/^ExecReload=//p' /usr/lib/systemd/system/terrarium.service)
  MAINPID=$daemon_pid
  eval "$reload"
}

check_serving() {  # WHAT: health, readiness, admin API with the token, a route of every packaged plugin
  expect "$1: /health answers 200" test "$(status "http://$main/health")" = 200
  expect "$1: /ready turns 200" poll 30 ready
  expect "$1: admin API refuses a request without the token (401)" test "$(status "http://$admin/admin/plugins")" = 401
  admin_get /admin/plugins >"$work/plugins.json" || fail "$1: admin API with the generated token"
  for name in $(packaged_plugins); do
    prefix=$(python3 - "$work/plugins.json" "$name.so" <<'PY'
import json, sys
for p in json.load(open(sys.argv[1]))["plugins"]:
    if p["file"] == sys.argv[2]:
        print(p["name"], next((r["prefix"] for r in p["routes"] if r["listener"] == "main"), ""))
PY
)
    if [ -z "$prefix" ]; then fail "$1: packaged plugin $name.so is not loaded"; continue; fi
    plugin=${prefix%% *}; prefix=${prefix#* }
    code=$(status "http://$main$prefix")
    if grep -q '"error":"\(no_route\|plugin_unavailable\)"' "$work/body"; then
      fail "$1: GET $prefix was not routed to $plugin ($code $(cat "$work/body"))"
    else
      served=$(admin_get "/admin/plugins/$plugin" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"]["total"])')
      expect "$1: plugin $plugin ($name.so) serves GET $prefix ($code, requests.total $served)" test "$served" -ge 1
    fi
  done
  errors=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["errors"]))' "$work/plugins.json")
  expect "$1: no plugin load errors" test "$errors" = 0
}

echo "--- install: packaging/install-packages.sh $packages/current"
"$src/packaging/install-packages.sh" "$packages/current" >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; die "apt-get install"; }
expect "installed ${version}-${release}" test "$(dpkg-query -W -f='${Version}' terrarium)" = "${version}-${release}"
expect "terrarium-plugins installed" test "$(dpkg-query -W -f='${Status}' terrarium-plugins)" = "install ok installed"
expect "system user terrarium (uid < 1000, no login shell)" \
  bash -c '[ "$(id -u terrarium)" -lt 1000 ] && getent passwd terrarium | grep -q ":/usr/sbin/nologin$"'
expect "/var/lib/terrarium 750 terrarium:terrarium" test "$(stat -c '%a %U:%G' /var/lib/terrarium)" = "750 terrarium:terrarium"
expect "/var/lib/terrarium/plugins 750 terrarium:terrarium" test "$(stat -c '%a %U:%G' /var/lib/terrarium/plugins)" = "750 terrarium:terrarium"
expect "/usr/lib/terrarium/plugins 755 root:root" test "$(stat -c '%a %U:%G' /usr/lib/terrarium/plugins)" = "755 root:root"
expect "/etc/terrarium/terrarium.json 640 root:terrarium" test "$(stat -c '%a %U:%G' /etc/terrarium/terrarium.json)" = "640 root:terrarium"
expect "dpkg knows the configuration as a conffile" bash -c "dpkg-query -W -f='\${Conffiles}' terrarium | grep -q '/etc/terrarium/terrarium.json'"
expect "the unit is enabled (deb-systemd-helper)" test -L /etc/systemd/system/multi-user.target.wants/terrarium.service
if command -v man >/dev/null; then
  expect "systemd-analyze verify on the installed unit (man page found)" \
    bash -c 'out=$(systemd-analyze verify /usr/lib/systemd/system/terrarium.service 2>&1) && [ -z "$out" ] || { echo "$out"; false; }'
else
  expect "systemd-analyze verify on the installed unit (no man here: --man=no)" \
    bash -c 'out=$(systemd-analyze verify --man=no /usr/lib/systemd/system/terrarium.service 2>&1) && [ -z "$out" ] || { echo "$out"; false; }'
fi
apt install "$packages/current/terrarium-dev_${version}-${release}_${deb_arch}.deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; die "apt-get install terrarium-dev"; }
expect "terrarium-dev installed" test "$(dpkg-query -W -f='${Status}' terrarium-dev)" = "install ok installed"

echo "--- maintainer scripts with systemd present (stand-ins for systemctl and deb-systemd-invoke)"
if unshare --mount true 2>/dev/null; then
  stubs=$work/stubs; mkdir -p "$stubs"
  for t in systemctl deb-systemd-invoke deb-systemd-helper; do
    printf '#!/bin/sh\necho "%s $*" >>"%s"\n' "$t" "$work/calls" >"$stubs/$t"
  done
  chmod +x "$stubs"/*
  as_systemd() {  # SCRIPT ARGS...: runs an installed maintainer script as if systemd were running
    : >"$work/calls"
    unshare --mount sh -c 'mount -t tmpfs none /run && mkdir -p /run/systemd/system && PATH="$0:$PATH" exec sh "$@"' "$stubs" "$@"
  }
  as_systemd /var/lib/dpkg/info/terrarium.postinst configure
  expect "postinst starts the service on installation" grep -qx "deb-systemd-invoke start terrarium.service" "$work/calls"
  as_systemd /var/lib/dpkg/info/terrarium.postinst configure "${version}-${release}"
  expect "postinst restarts the service on upgrade" grep -qx "deb-systemd-invoke restart terrarium.service" "$work/calls"
  as_systemd /var/lib/dpkg/info/terrarium.prerm remove
  expect "prerm stops the service on removal" grep -qx "deb-systemd-invoke stop terrarium.service" "$work/calls"
  as_systemd /var/lib/dpkg/info/terrarium.prerm upgrade "${version}-${upgrade_release}"
  expect "prerm leaves the service running on upgrade" test ! -s "$work/calls"
else
  echo "note: no mount namespaces here: the systemd branches of the maintainer scripts are not run"
fi

echo "--- run"
start_daemon
expect "runs as the terrarium user" test "$(ps -o user= -p "$daemon_pid")" = terrarium
expect "generated admin token 0600 terrarium" test "$(stat -c '%a %U' /var/lib/terrarium/admin.token)" = "600 terrarium"
check_serving "installed"
# terrariumctl: installed with the daemon; as root it finds the packaged host by itself
# (/var/lib/terrarium/listeners.json and admin.token).
expect "terrariumctl, its man page and bash completion installed" \
  test -x /usr/bin/terrariumctl -a -f /usr/share/man/man1/terrariumctl.1.gz -a -f /usr/share/bash-completion/completions/terrariumctl
expect "terrariumctl status against the installed host" bash -c "terrariumctl status | grep -q 'serving (ready)'"
token_before=$(sha256sum /var/lib/terrarium/admin.token | cut -d' ' -f1)

echo "--- edited configuration, ExecReload (SIGHUP)"
# The edit also turns the directory watcher off: after the upgrade only ExecReload's rescan and
# the admin API bring plugins in, which the plugin move below relies on.
python3 - <<'PY'
import json
path = "/etc/terrarium/terrarium.json"
config = json.load(open(path))
config.setdefault("plugins", {}).setdefault("echo", {}).setdefault("config", {})["greeting"] = "edited by the packaging test"
config.setdefault("log", {})["level"] = "notice"
config.setdefault("watch", {})["enabled"] = False
json.dump(config, open(path, "w"), indent=2)
PY
reload_daemon
edited() { curl -s "http://$main/echo/" | grep -q 'edited by the packaging test'; }
if [ -f /usr/lib/terrarium/plugins/echo.so ]; then
  expect "ExecReload applies the edited plugin settings" poll 30 edited
fi
expect "graceful stop (SIGTERM, exit code 0)" stop_daemon

echo "--- upgrade: packaging/install-packages.sh $packages/upgrade (new release, changed default configuration)"
"$src/packaging/install-packages.sh" "$packages/upgrade" >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; die "apt-get upgrade"; }
expect "upgraded to ${version}-${upgrade_release}" test "$(dpkg-query -W -f='${Version}' terrarium)" = "${version}-${upgrade_release}"
expect "upgrade keeps the edited configuration" grep -q 'edited by the packaging test' /etc/terrarium/terrarium.json
drain() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("drain_timeout_ms"))' "$1"; }
expect "upgrade puts the changed default beside it as terrarium.json.dpkg-dist" \
  test "$(drain /etc/terrarium/terrarium.json.dpkg-dist 2>/dev/null)" = 29999
expect "the edited configuration is not the new default" test "$(drain /etc/terrarium/terrarium.json)" != 29999
expect "upgrade keeps the configuration's owner and mode (640 root:terrarium)" \
  test "$(stat -c '%a %U:%G' /etc/terrarium/terrarium.json)" = "640 root:terrarium"
expect "upgrade keeps the admin token" test "$(sha256sum /var/lib/terrarium/admin.token | cut -d' ' -f1)" = "$token_before"
start_daemon
check_serving "upgraded"
if [ -f /usr/lib/terrarium/plugins/echo.so ]; then expect "upgraded host runs the edited configuration" edited; fi

echo "--- a plugin built elsewhere: the terrarium-dev example, brought to the running host with move-plugin.sh"
example=/usr/share/terrarium/examples/hello-plugin
if cmake -S "$example" -B "$work/hello" -DCMAKE_BUILD_TYPE=Release >"$work/hello.log" 2>&1 \
   && cmake --build "$work/hello" >>"$work/hello.log" 2>&1; then
  ok "the example plugin builds against the installed SDK (find_package(Terrarium))"
else
  sed 's/^/    /' "$work/hello.log"; fail "the example plugin builds against the installed SDK"
fi
hello_loaded() { admin_get /admin/plugins/hello >/dev/null 2>&1; }
# (the packaged configuration's gateway sends every path no plugin claims to service-sink, when installed)
hello_gone() { status "http://$main/hello/x" >/dev/null; ! grep -q '"plugin":"hello"' "$work/body"; }
not() { ! "$@"; }
hello_served() { [ "$(status "http://$main/hello/x")" = 200 ] && grep -q '"plugin":"hello"' "$work/body"; }
if [ -f "$work/hello/hello.so" ]; then
  # The packaged configuration requires signatures: an unsigned plugin is refused; the operator's
  # own key (terrarium-sign from terrarium-dev) goes into the trusted keys directory.
  expect "the packaged configuration requires signatures" \
    python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["plugins"]["signatures"] == "require"' /etc/terrarium/terrarium.json
  expect "terrarium-sign keygen (terrarium-dev)" terrarium-sign keygen "$work/operator.key" "$work/operator.pub"
  expect "terrarium-sign refuses to overwrite a key" not terrarium-sign keygen "$work/operator.key" "$work/other.pub"
  install -m 0644 "$work/operator.pub" /etc/terrarium/trusted-keys/pkgtest-operator.pub
  expect "terrarium-sign sign hello.so" terrarium-sign sign --key "$work/operator.key" "$work/hello/hello.so"
  expect "terrarium-sign verify hello.so with the trusted keys directory" \
    terrarium-sign verify --keys-dir /etc/terrarium/trusted-keys "$work/hello/hello.so"
  expect "the packaged plugins' signatures verify" bash -c \
    'for f in /usr/lib/terrarium/plugins/*.so; do terrarium-sign verify --keys-dir /etc/terrarium/trusted-keys "$f" >/dev/null || exit 1; done'
  expect "move-plugin.sh install hello.so" "$move_plugin" install "$work/hello/hello.so"
  expect "move-plugin.sh brings the signature along" test -f /var/lib/terrarium/plugins/hello.so.sig
  expect "dropped-in plugin is the terrarium user's, mode 755" \
    test "$(stat -c '%a %U:%G' /var/lib/terrarium/plugins/hello.so)" = "755 terrarium:terrarium"
  expect "no temporary file left in the plugins directory" bash -c '! ls -A /var/lib/terrarium/plugins | grep -q "^\."'
  sleep 1   # five watcher intervals: the watcher is off, so nothing may load it
  expect "with the watcher off the dropped-in plugin waits for a reload" not hello_loaded
  reload_daemon
  expect "ExecReload rescans the plugins directory: hello loaded" poll 30 hello_loaded
  expect "hello serves GET /hello/x" hello_served
  expect "move-plugin.sh admin-unload (token from the state dir)" "$move_plugin" admin-unload "http://$admin" hello
  expect "unloaded: GET /hello/x is no longer served by hello" hello_gone
  expect "move-plugin.sh admin-load hello.so with settings" \
    env TOKEN="$(token)" "$move_plugin" admin-load "http://$admin" hello.so '{"note":"loaded through the admin API"}'
  expect "loaded through the admin API: GET /hello/x served again" hello_served
fi
expect "graceful stop (SIGTERM, exit code 0)" stop_daemon

rm -f /etc/terrarium/trusted-keys/pkgtest-operator.pub   # the operator's key: not the packages' to remove
echo "--- remove, purge"
apt remove terrarium-plugins terrarium-dev terrarium >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get remove"; }
expect "removed: configuration files remain" test "$(dpkg-query -W -f='${Status}' terrarium)" = "deinstall ok config-files"
expect "removed: terrariumd gone" test ! -e /usr/bin/terrariumd
expect "removed: plugins gone" test ! -e /usr/lib/terrarium/plugins
expect "removed: SDK gone" test ! -e /usr/share/terrarium
expect "removed: edited configuration kept" grep -q 'edited by the packaging test' /etc/terrarium/terrarium.json
expect "removed: state (admin token, dropped-in plugin) kept" test -f /var/lib/terrarium/admin.token -a -f /var/lib/terrarium/plugins/hello.so
# terrarium-plugins keeps its conffile (the build's trusted key) until it is purged too.
expect "removed: terrarium-plugins keeps its trusted key (a conffile)" \
  test "$(dpkg-query -W -f='${Status}' terrarium-plugins)" = "deinstall ok config-files" -a -f /etc/terrarium/trusted-keys/terrarium-plugins.pub
apt purge terrarium-plugins terrarium >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get purge"; }
expect "purged: package unknown to dpkg" bash -c "! dpkg-query -W -f='\${Status}' terrarium 2>/dev/null | grep -q ."
expect "purged: /etc/terrarium gone (with the .dpkg-dist)" test ! -e /etc/terrarium
expect "purged: state /var/lib/terrarium gone" test ! -e /var/lib/terrarium
leftovers=$(ls -d "${unit_links[@]}" 2>/dev/null || true)
expect "purged: no unit links or deb-systemd-helper state left ${leftovers}" test -z "$leftovers"
expect "the package keeps its system user (Debian practice); the test removes it" bash -c "getent passwd terrarium >/dev/null"
remove_user

echo "--- the container image's final stage (packaging/docker/Dockerfile) replayed on this machine"
eval "$(python3 "$src/tests/packaging/packaging_checks.py" dockerfile-runtime "$src/packaging/docker/Dockerfile")"
image_uid=${image_user%%:*}; image_gid=${image_user#*:}
if [ "$had_user" = yes ] || [ "$had_group" = yes ]; then
  echo "note: a terrarium user or group exists on this machine: the image's user creation is not replayed"
elif getent passwd "$image_uid" >/dev/null || getent group "$image_gid" >/dev/null; then
  echo "note: uid/gid $image_user is taken on this machine: the image's user creation is not replayed"
elif ! can_unshare_net; then
  echo "note: no network namespaces here: the image's listeners and HEALTHCHECK are not replayed"
else
  expect "image install step is packaging/install-packages.sh /tmp/packages" grep -q '/tmp/install-packages.sh /tmp/packages' <<<"$image_install"
  expect "image user creation: $image_user_setup" bash -c "$image_user_setup"
  "$src/packaging/install-packages.sh" "$packages/current" >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; die "apt-get install (image)"; }
  expect "image: the package keeps the image's user ($image_user)" test "$(id -u terrarium):$(id -g terrarium)" = "$image_user"
  expect "image: /var/lib/terrarium and plugins/ belong to $image_user" \
    test "$(stat -c '%u:%g' /var/lib/terrarium /var/lib/terrarium/plugins | sort -u)" = "$image_user"
  # As "docker run" starts the image: USER, WORKDIR, ENV (and Docker's PATH/HOSTNAME/HOME), ENTRYPOINT+CMD,
  # in a network namespace of its own, so that the image's fixed ports are free.
  ( cd "$image_workdir" && exec unshare --net sh -c 'ip link set lo up && exec "$@"' sh \
      setpriv --reuid="$image_uid" --regid="$image_gid" --clear-groups -- \
      env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOSTNAME=terrarium-image-test \
      HOME=/var/lib/terrarium "${image_env[@]}" "${image_exec[@]}" ) >"$work/image.log" 2>&1 &
  daemon_pid=$!
  in_image() { nsenter --net="/proc/$daemon_pid/ns/net" "$@"; }
  healthy() { in_image sh -c "$image_healthcheck"; }
  if poll 30 healthy; then ok "image: HEALTHCHECK passes ($image_healthcheck)"; else sed 's/^/    /' "$work/image.log"; fail "image: HEALTHCHECK"; fi
  expect "image: runs as uid $image_uid" test "$(ps -o uid= -p "$daemon_pid" | tr -d ' ')" = "$image_uid"
  expect "image: ENV ${image_env[*]} applied (admin listener)" grep -q '"admin":"0.0.0.0:8081"' /var/lib/terrarium/listeners.json
  expect "image: admin API with the generated token" \
    in_image curl -fsS -o /dev/null -H "Authorization: Bearer $(cat /var/lib/terrarium/admin.token)" http://127.0.0.1:8081/admin/plugins
  if [ -f /usr/lib/terrarium/plugins/echo.so ]; then
    expect "image: the packaged echo plugin serves /echo/" in_image curl -fsS -o /dev/null http://127.0.0.1:8080/echo/
  fi
  expect "image: STOPSIGNAL SIGTERM stops it gracefully (exit code 0)" stop_daemon
  apt purge terrarium-plugins terrarium >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get purge (image)"; }
  remove_user
fi

cleanup
trap - EXIT
after_user=$(getent passwd terrarium >/dev/null && echo yes || echo no)
after_group=$(getent group terrarium >/dev/null && echo yes || echo no)
expect "machine as before: terrarium user $had_user, group $had_group" test "$after_user:$after_group" = "$had_user:$had_group"
expect "machine as before: no terrarium package installed or half-removed (dpkg -l)" \
  bash -c "! dpkg -l 'terrarium*' 2>/dev/null | grep -E '^[a-z]{2} ' | grep -vqE '^(un|pn) '"
expect "machine as before: no terrarium paths" \
  bash -c '! ls -d /etc/terrarium /var/lib/terrarium /usr/lib/terrarium /usr/share/terrarium /usr/bin/terrariumd /usr/lib/systemd/system/terrarium.service 2>/dev/null | grep -q .'
finish "deb install, upgrade, remove, purge"
