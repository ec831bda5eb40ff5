#!/usr/bin/env bash
# Inspects the .rpm packages (files, modes, %config, automatic requires, scriptlets), installs,
# upgrades and erases them in a temporary root (rpm --root DIR --nodeps), and runs the scriptlets
# with stand-ins for useradd/groupadd/systemctl to check what they do.
. "$(dirname "$0")/lib.sh"
need rpm
# Debian's rpm asks for --force-debian before it installs into any root
rpm_install_flags=(--nodeps --noscripts)
rpm --help 2>/dev/null | grep -q -- --force-debian && rpm_install_flags+=(--force-debian)
dir=$packages/current
rpmfile() { echo "$1/${2}-${version}-${3}.${rpm_arch}.rpm"; }
[ -f "$(rpmfile "$dir" terrarium "$release")" ] || die "no packages in $dir (the build test makes them)"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
daemon=$(rpmfile "$dir" terrarium "$release")
plugins=$(rpmfile "$dir" terrarium-plugins "$release")
dev=$(rpmfile "$dir" terrarium-dev "$release")

rpm -qlvp "$daemon" >"$work/daemon.list" 2>/dev/null
rpm -qlvp "$plugins" >"$work/plugins.list" 2>/dev/null
rpm -qlp "$dev" >"$work/dev.list" 2>/dev/null
has() { grep -Eq -- "$2" "$1"; }
expect "terrarium: /usr/bin/terrariumd 0755" has "$work/daemon.list" '^-rwxr-xr-x .* /usr/bin/terrariumd$'
expect "terrarium: %config(noreplace) /etc/terrarium/terrarium.json 0640 root:terrarium" \
  has "$work/daemon.list" '^-rw-r----- +1 root +terrariu.* /etc/terrarium/terrarium\.json$'
expect "terrarium: rpm -qc lists the configuration" test "$(rpm -qcp "$daemon" 2>/dev/null)" = "/etc/terrarium/terrarium.json"
expect "terrarium: the configuration is %config(noreplace) (file flags cn)" \
  bash -c "rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' '$daemon' 2>/dev/null | grep -qx 'cn /etc/terrarium/terrarium.json'"
expect "terrarium: state dir 0750 terrarium" has "$work/daemon.list" '^drwxr-x--- .* terrariu +terrariu .* /var/lib/terrarium$'
expect "terrarium: plugins dir 0750 terrarium" has "$work/daemon.list" '^drwxr-x--- .* terrariu +terrariu .* /var/lib/terrarium/plugins$'
expect "terrarium: systemd unit in /usr/lib/systemd/system" has "$work/daemon.list" ' /usr/lib/systemd/system/terrarium\.service$'
expect "terrarium: owns no system directory" bash -c "! grep -Eq ' (/usr|/usr/bin|/usr/lib|/usr/lib/systemd(/system)?|/usr/share/man(/man8)?|/etc|/var|/var/lib)$' '$work/daemon.list'"
expect "terrarium: not relocatable (no Prefix)" test -z "$(rpm -qp --qf '[%{PREFIXES}]' "$daemon" 2>/dev/null)"
rpm -qRp "$daemon" >"$work/daemon.requires" 2>/dev/null
expect "terrarium: automatic requires on the Poco libraries" grep -q '^libPocoNet.so.[0-9]*()(64bit)' "$work/daemon.requires"
expect "terrarium: automatic requires on libstdc++" grep -q '^libstdc++.so.6(GLIBCXX_' "$work/daemon.requires"
for name in $(source_plugins); do
  expect "terrarium-plugins: $name.so 0755" has "$work/plugins.list" "^-rwxr-xr-x .* /usr/lib/terrarium/plugins/$name\.so$"
  expect "terrarium-plugins: $name.so link" has "$work/plugins.list" "^l.* /var/lib/terrarium/plugins/$name\.so -> /usr/lib/terrarium/plugins/$name\.so$"
done
expect "terrarium-plugins: requires terrarium of the same version" \
  bash -c "rpm -qRp '$plugins' 2>/dev/null | grep -qx 'terrarium = ${version}-${release}'"
expect "terrarium-plugins: leaves the state dirs to terrarium" bash -c "! grep -Eq ' /var/lib/terrarium(/plugins)?$' '$work/plugins.list'"
expect "terrarium-dev: headers and CMake package" bash -c "grep -q '^/usr/include/terrarium/plugin.hpp$' '$work/dev.list' && grep -Eq '^/usr/lib/(.*/)?cmake/Terrarium/TerrariumConfig.cmake$' '$work/dev.list'"

echo "--- temporary root"
root=$work/root
mkdir -p "$root/etc"
printf 'root:x:0:0:root:/root:/bin/sh\nterrarium:x:10001:10001::/var/lib/terrarium:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nterrarium:x:10001:\n' >"$root/etc/group"
rpm --root "$root" --initdb
expect "rpm -i into the temporary root" rpm --root "$root" -i "${rpm_install_flags[@]}" "$daemon" "$plugins" "$dev"
mode() { stat -c '%a %u:%g' "$root$1"; }
expect "installed: terrariumd executable" test -x "$root/usr/bin/terrariumd"
expect "installed: state dir 750 terrarium" test "$(mode /var/lib/terrarium)" = "750 10001:10001"
expect "installed: config 640 root:terrarium" test "$(mode /etc/terrarium/terrarium.json)" = "640 0:10001"
for name in $(source_plugins); do
  expect "installed: $name.so enabled" test "$(readlink "$root/var/lib/terrarium/plugins/$name.so")" = "/usr/lib/terrarium/plugins/$name.so"
done
expect "rpm -V finds the installed files intact" rpm --root "$root" -V --nodeps terrarium terrarium-plugins terrarium-dev

# An admin's edit (log level "notice"), made through a JSON parser whatever the file's layout.
python3 - "$root/etc/terrarium/terrarium.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config.setdefault("log", {})["level"] = "notice"
json.dump(config, open(sys.argv[1], "w"), indent=2)
PY
edited() { python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["log"]["level"] != "notice")' "$1" 2>/dev/null; }
echo "0123456789abcdef" >"$root/var/lib/terrarium/admin.token"
up=$packages/upgrade
expect "rpm -U to release $upgrade_release" rpm --root "$root" -U "${rpm_install_flags[@]}" \
  "$(rpmfile "$up" terrarium "$upgrade_release")" "$(rpmfile "$up" terrarium-plugins "$upgrade_release")"
expect "upgraded to ${version}-${upgrade_release}" test "$(rpm --root "$root" -q --qf '%{VERSION}-%{RELEASE}' terrarium)" = "${version}-${upgrade_release}"
expect "upgrade keeps the edited configuration" edited "$root/etc/terrarium/terrarium.json"
drain() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("drain_timeout_ms"))' "$1"; }
expect "upgrade puts the changed default beside it as terrarium.json.rpmnew" \
  test "$(drain "$root/etc/terrarium/terrarium.json.rpmnew" 2>/dev/null)" = 29999
expect "the edited configuration is not the new default" test "$(drain "$root/etc/terrarium/terrarium.json")" != 29999
expect "upgrade keeps the admin token" test "$(cat "$root/var/lib/terrarium/admin.token")" = "0123456789abcdef"
expect "rpm -e" rpm --root "$root" -e "${rpm_install_flags[@]}" terrarium-plugins terrarium terrarium-dev
expect "erase removes the files" test ! -e "$root/usr/bin/terrariumd"
expect "erase saves the edited configuration as .rpmsave" edited "$root/etc/terrarium/terrarium.json.rpmsave"

echo "--- scriptlets"
stubs=$work/stubs
mkdir -p "$stubs" "$root/var/lib/terrarium"
for t in groupadd useradd systemctl; do
  printf '#!/bin/sh\necho "%s $*" >>"%s"\n' "$t" "$work/calls" >"$stubs/$t"
done
printf '#!/bin/sh\nexit 2\n' >"$stubs/getent"     # no such user or group yet
chmod +x "$stubs"/*
scriptlet() {  # TAG ARG: runs the daemon package's scriptlet, its state dir moved into the temporary root
  rpm -qp --qf "%{$1}" "$daemon" 2>/dev/null | sed "s|rm -rf /var/lib/terrarium|rm -rf $root/var/lib/terrarium|" >"$work/$1.sh"
  : >"$work/calls"
  PATH=$stubs:$PATH sh "$work/$1.sh" "$2"
}
scriptlet PREIN 1
expect "%pre creates the group" grep -qx 'groupadd -r terrarium' "$work/calls"
expect "%pre creates the system user with home /var/lib/terrarium" grep -q '^useradd -r -g terrarium -d /var/lib/terrarium -s /sbin/nologin' "$work/calls"
scriptlet POSTIN 1
expect "%post presets the unit on first installation" grep -qx 'systemctl --no-reload preset terrarium.service' "$work/calls"
scriptlet PREUN 1
expect "%preun on upgrade leaves the service alone" test ! -s "$work/calls"
scriptlet PREUN 0
expect "%preun on removal stops and disables the service" grep -qx 'systemctl --no-reload disable --now terrarium.service' "$work/calls"
touch "$root/var/lib/terrarium/admin.token"
scriptlet POSTUN 1
expect "%postun on upgrade restarts the service and keeps the state" \
  bash -c "grep -qx 'systemctl try-restart terrarium.service' '$work/calls' && test -e '$root/var/lib/terrarium/admin.token'"
scriptlet POSTUN 0
expect "%postun on removal removes the state" test ! -e "$root/var/lib/terrarium"
finish "rpm packages"
