#!/usr/bin/env bash
# Installs the .deb packages into this machine with apt-get (packaging/install-packages.sh, the
# container image's install step), starts terrariumd the way systemd would (the unit's ExecStart
# as the terrarium user, clean environment, NoNewPrivileges, UMask; ephemeral ports added), checks
# /health, /ready, a route of every packaged plugin and the admin API with the generated token,
# reloads an edited configuration with the unit's ExecReload signal, upgrades to the rebuilt
# packages and checks that the edited configuration and the token survive, then removes and
# purges. Whatever happens, the machine is left as it was (trap).
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || skip "the install test installs packages into this machine: it needs root"
need apt-get dpkg-query curl setpriv python3
[ -f "$packages/current/terrarium_${version}-${release}_${deb_arch}.deb" ] || die "no packages in $packages/current (the build test makes them)"
if dpkg-query -W -f='${Status}' terrarium 2>/dev/null | grep -q 'installed\|config-files'; then
  skip "a terrarium package is already installed on this machine; the test does not touch it"
fi
for path in /etc/terrarium /var/lib/terrarium /usr/lib/terrarium; do
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

stop_daemon() {
  [ -n "$daemon_pid" ] || return 0
  kill -TERM "$daemon_pid" 2>/dev/null || true
  local rc=0
  wait "$daemon_pid" || rc=$?
  daemon_pid=""
  return $rc
}
cleanup() {
  local rc=$?
  set +e
  [ "$rc" -eq 0 ] || echo "FAIL: stopped early (exit code $rc); restoring the machine"
  stop_daemon >/dev/null 2>&1
  if dpkg-query -W -f='${Status}' terrarium-plugins terrarium 2>/dev/null | grep -q .; then
    apt purge terrarium-plugins terrarium >/dev/null 2>&1 || dpkg --purge terrarium-plugins terrarium >/dev/null 2>&1
  fi
  [ "$had_user" = yes ] || { getent passwd terrarium >/dev/null && userdel terrarium; }
  [ "$had_group" = yes ] || { getent group terrarium >/dev/null && groupdel terrarium; }
  [ "$made_policy" = no ] || rm -f "$policy_rc"
  rm -rf /etc/terrarium /var/lib/terrarium /usr/lib/terrarium "${unit_links[@]}"
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
token_before=$(sha256sum /var/lib/terrarium/admin.token | cut -d' ' -f1)

echo "--- edited configuration, ExecReload (SIGHUP)"
python3 - <<'PY'
import json
path = "/etc/terrarium/terrarium.json"
config = json.load(open(path))
config.setdefault("plugins", {}).setdefault("echo", {}).setdefault("config", {})["greeting"] = "edited by the packaging test"
config.setdefault("log", {})["level"] = "notice"
json.dump(config, open(path, "w"), indent=2)
PY
reload=$(sed -n 's/^ExecReload=//p' /usr/lib/systemd/system/terrarium.service)
MAINPID=$daemon_pid
eval "$reload"
edited() { curl -s "http://$main/echo/" | grep -q 'edited by the packaging test'; }
if [ -f /usr/lib/terrarium/plugins/echo.so ]; then
  expect "ExecReload ($reload) applies the edited plugin settings" poll 30 edited
fi
expect "graceful stop (SIGTERM, exit code 0)" stop_daemon

echo "--- upgrade: packaging/install-packages.sh $packages/upgrade"
"$src/packaging/install-packages.sh" "$packages/upgrade" >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; die "apt-get upgrade"; }
expect "upgraded to ${version}-${upgrade_release}" test "$(dpkg-query -W -f='${Version}' terrarium)" = "${version}-${upgrade_release}"
expect "upgrade keeps the edited configuration" grep -q 'edited by the packaging test' /etc/terrarium/terrarium.json
expect "upgrade leaves no .dpkg-dist/.dpkg-new beside it" bash -c '! ls /etc/terrarium/*.dpkg-* 2>/dev/null | grep -q .'
expect "upgrade keeps the admin token" test "$(sha256sum /var/lib/terrarium/admin.token | cut -d' ' -f1)" = "$token_before"
start_daemon
check_serving "upgraded"
if [ -f /usr/lib/terrarium/plugins/echo.so ]; then expect "upgraded host runs the edited configuration" edited; fi
expect "graceful stop (SIGTERM, exit code 0)" stop_daemon

echo "--- remove, purge"
apt remove terrarium-plugins terrarium >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get remove"; }
expect "removed: configuration files remain" test "$(dpkg-query -W -f='${Status}' terrarium)" = "deinstall ok config-files"
expect "removed: terrariumd gone" test ! -e /usr/bin/terrariumd
expect "removed: plugins gone" test ! -e /usr/lib/terrarium/plugins
expect "removed: edited configuration kept" grep -q 'edited by the packaging test' /etc/terrarium/terrarium.json
expect "removed: state (admin token) kept" test -f /var/lib/terrarium/admin.token
apt purge terrarium >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get purge"; }
expect "purged: package unknown to dpkg" bash -c "! dpkg-query -W -f='\${Status}' terrarium 2>/dev/null | grep -q ."
expect "purged: /etc/terrarium gone" test ! -e /etc/terrarium
expect "purged: state /var/lib/terrarium gone" test ! -e /var/lib/terrarium
leftovers=$(ls -d "${unit_links[@]}" 2>/dev/null || true)
expect "purged: no unit links or deb-systemd-helper state left ${leftovers}" test -z "$leftovers"
expect "the package keeps its system user (Debian practice); the test removes it" bash -c "getent passwd terrarium >/dev/null"

cleanup
trap - EXIT
after_user=$(getent passwd terrarium >/dev/null && echo yes || echo no)
expect "machine as before: terrarium user $had_user" test "$after_user" = "$had_user"
expect "machine as before: no terrarium paths" bash -c '! ls -d /etc/terrarium /var/lib/terrarium /usr/lib/terrarium /usr/bin/terrariumd 2>/dev/null | grep -q .'
finish "deb install, upgrade, remove, purge"
