#!/usr/bin/env bash
# Inspects the .rpm packages (files, modes, %config, automatic requires, scriptlets), installs,
# upgrades and erases them in a temporary root (rpm --root DIR --nodeps), and runs the scriptlets
# with stand-ins for useradd/groupadd/systemctl to check what they do.
# Self-contained: every requires of every package is in the allowlist
# (packaging/rpm/system-libraries.txt), the libraries beyond it are shipped in /usr/lib/terrarium/lib
# with RUNPATHs to them; the installed terrariumd runs from the temporary root with those copies
# (LD_DEBUG, ldd) and, as root, in a chroot holding only the allowlisted system libraries, where it
# loads every packaged plugin and serves their routes with Poco mapped from the private directory.
. "$(dirname "$0")/lib.sh"
need rpm rpm2archive readelf ldd curl
# Debian's rpm asks for --force-debian before it installs into any root
rpm_install_flags=(--nodeps --noscripts)
rpm --help 2>/dev/null | grep -q -- --force-debian && rpm_install_flags+=(--force-debian)
dir=$packages/current
rpmfile() { echo "$1/${2}-${version}-${3}.${rpm_arch}.rpm"; }
[ -f "$(rpmfile "$dir" terrarium "$release")" ] || die "no packages in $dir (the build test makes them)"
work=$(mktemp -d)
chroot_pid=""
stop_chroot() {
  [ -n "$chroot_pid" ] || return 0
  kill -TERM "$chroot_pid" 2>/dev/null || true
  local rc=0
  wait "$chroot_pid" || rc=$?
  chroot_pid=""
  return $rc
}
trap 'stop_chroot >/dev/null 2>&1; rm -rf "$work"' EXIT
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
expect "terrarium: automatic requires on libstdc++" grep -q '^libstdc++.so.6(GLIBCXX_' "$work/daemon.requires"
for name in $(source_plugins); do
  expect "terrarium-plugins: $name.so 0755" has "$work/plugins.list" "^-rwxr-xr-x .* /usr/lib/terrarium/plugins/$name\.so$"
  expect "terrarium-plugins: $name.so link" has "$work/plugins.list" "^l.* /var/lib/terrarium/plugins/$name\.so -> /usr/lib/terrarium/plugins/$name\.so$"
done
expect "terrarium-plugins: requires terrarium of the same version" \
  bash -c "rpm -qRp '$plugins' 2>/dev/null | grep -qx 'terrarium = ${version}-${release}'"
expect "terrarium-plugins: leaves the state dirs to terrarium" bash -c "! grep -Eq ' /var/lib/terrarium(/plugins)?$' '$work/plugins.list'"
expect "terrarium-dev: headers and CMake package" bash -c "grep -q '^/usr/include/terrarium/plugin.hpp$' '$work/dev.list' && grep -Eq '^/usr/lib/(.*/)?cmake/Terrarium/TerrariumConfig.cmake$' '$work/dev.list'"

echo "--- self-contained: requires, private libraries, RUNPATH"
private=/usr/lib/terrarium/lib
system_libraries=$src/packaging/rpm/system-libraries.txt
mapfile -t system < <(sed -e 's/#.*//' "$system_libraries" | awk 'NF { print $1 }')
is_system() { local s; for s in "${system[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }
# The requires a package may have: rpmlib features, the scriptlets' /bin/sh, its own config() and
# the plugins' terrarium of the same version, the loader's GNU hash, and the allowlisted sonames
# with the symbol versions that system-libraries.txt names for each.
allowed=$(sed -e 's/#.*//' "$system_libraries" | awk 'NF {
  soname = $1; gsub(/[.+]/, "[&]", soname); versions = ""
  for (i = 2; i <= NF; i++) versions = versions (versions == "" ? "" : "|") $i
  printf "%s(\\(\\)|\\((%s)[0-9.]+\\))(\\(64bit\\))?\n", soname, versions }')
allowed+=$'\n''rpmlib\([A-Za-z0-9]+\)( <= [0-9.-]+)?'$'\n''/bin/sh'$'\n''rtld\(GNU_HASH\)'
allowed+=$'\n'"config\\(terrarium(-plugins|-dev)?\\) = ${version//./[.]}-${release}"$'\n'"terrarium = ${version//./[.]}-${release}"
printf '%s\n' "$allowed" >"$work/allowed-requires"
for p in terrarium terrarium-plugins terrarium-dev; do
  rpm -qRp "$(rpmfile "$dir" "$p" "$release")" 2>/dev/null >"$work/$p.requires"
  others=$(grep -Evx -f "$work/allowed-requires" "$work/$p.requires" || true)
  expect "$p: every requires is in the allowlist (system-libraries.txt)${others:+; not: $(echo $others)}" test -z "$others"
done
expect "terrarium: requires OpenSSL 3 (libssl.so.3, libcrypto.so.3)" \
  bash -c "grep -q '^libssl[.]so[.]3()' '$work/terrarium.requires' && grep -q '^libcrypto[.]so[.]3(OPENSSL_3' '$work/terrarium.requires'"
expect "terrarium: provides no library (nothing of $private)" bash -c "! rpm -qPp '$daemon' 2>/dev/null | grep -q '[.]so'"
expect "terrarium: ships PocoFoundation, Net, NetSSL, Crypto, Util, JSON, XML in $private (0755)" bash -c "
  for lib in Foundation Net NetSSL Crypto Util JSON XML; do
    grep -Eq \"^-rwxr-xr-x .* $private/libPoco\$lib[.]so[.][0-9]+\$\" '$work/daemon.list' || { echo \"    no libPoco\$lib\"; exit 1; }
  done"

x=$work/extracted
mkdir -p "$x/rpm" "$x/deb"
rpm2archive - <"$daemon" | tar -xz -C "$x/rpm"
rpm2archive - <"$plugins" | tar -xz -C "$x/rpm"
runpath() { readelf -d "$1" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p'; }
has_rpath() { readelf -d "$1" | grep -q '(RPATH)'; }
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
runpath_is() { [ "$(runpath "$1")" = "$2" ] && ! has_rpath "$1"; }
expect "terrariumd: RUNPATH \$ORIGIN/../lib/terrarium/lib, no RPATH" runpath_is "$x/rpm/usr/bin/terrariumd" '$ORIGIN/../lib/terrarium/lib'
for name in $(source_plugins); do
  expect "$name.so: RUNPATH $private (it runs from a copy in the state directory), no RPATH" \
    runpath_is "$x/rpm/usr/lib/terrarium/plugins/$name.so" "$private"
done
bad=""
for f in "$x/rpm$private"/*; do runpath_is "$f" '$ORIGIN' || bad+=" ${f##*/}"; done
expect "private libraries: RUNPATH \$ORIGIN, no RPATH${bad:+; not:$bad}" test -z "$bad"
# patchelf rewrites the dynamic section: the hardening the deb test checks must survive it.
if command -v hardening-check >/dev/null; then
  expect "terrariumd with its RUNPATH passes hardening-check" hardening-check --quiet --nocfprotection "$x/rpm/usr/bin/terrariumd"
  for so in "$x/rpm/usr/lib/terrarium/plugins"/*.so; do
    expect "$(basename "$so") with its RUNPATH passes hardening-check (fortify not required)" hardening-check --quiet --nocfprotection --nofortify "$so"
  done
fi
mapfile -t shipped_elves < <(for f in "$x/rpm/usr/bin/terrariumd" "$x/rpm/usr/lib/terrarium/plugins"/*.so "$x/rpm$private"/*; do echo "$f"; done)
missing=""; declare -A used=()
for f in "${shipped_elves[@]}"; do
  for n in $(needed "$f"); do
    used[$n]=1
    is_system "$n" || [ -f "$x/rpm$private/$n" ] || missing+=" ${f#"$x/rpm"}:$n"
  done
done
expect "every library a shipped ELF file needs is allowlisted or in $private${missing:+; missing:$missing}" test -z "$missing"
unused=""
for f in "$x/rpm$private"/*; do [ -n "${used[${f##*/}]:-}" ] || unused+=" ${f##*/}"; done
expect "every private library is needed by a shipped file${unused:+; not:$unused}" test -z "$unused"
dpkg-deb -x "$packages/current/terrarium_${version}-${release}_${deb_arch}.deb" "$x/deb"
dpkg-deb -x "$packages/current/terrarium-plugins_${version}-${release}_${deb_arch}.deb" "$x/deb"
expect "the deb ships no private libraries" test ! -e "$x/deb$private"
bad=""
for f in "$x/deb/usr/bin/terrariumd" "$x/deb/usr/lib/terrarium/plugins"/*.so; do
  readelf -d "$f" | grep -Eq '\((RPATH|RUNPATH)\)' && bad+=" ${f##*/}"
done
expect "the deb's terrariumd and plugins carry no RUNPATH or RPATH${bad:+; not:$bad}" test -z "$bad"

# The minimum distribution: the highest symbol versions the packages require (packaging/README.md
# states them; a build that needs more must update it).
highest() { cat "$work/terrarium.requires" "$work/terrarium-plugins.requires" | grep -o "($1[0-9.]*)" | tr -d '()' | sort -V | tail -n 1; }
minimum=""
for v in GLIBC_ GLIBCXX_ CXXABI_ OPENSSL_; do
  h=$(highest "$v")
  [ -z "$h" ] && continue
  minimum+=" $h"
  expect "packaging/README.md states the highest $v version the packages need: $h" grep -q "\`$h\`" "$src/packaging/README.md"
done
echo "minimum symbol versions:$minimum"

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

echo "--- the installed terrariumd finds its private libraries through RUNPATH"
bin=$root/usr/bin/terrariumd
expect "terrariumd --version from the temporary root (no LD_LIBRARY_PATH)" env -u LD_LIBRARY_PATH "$bin" --version
env -u LD_LIBRARY_PATH LD_DEBUG=libs "$bin" --version >/dev/null 2>"$work/ld-debug" || true
sed -n 's/.*calling init: //p' "$work/ld-debug" | grep '/libPoco' | xargs -r realpath -m | sort -u >"$work/poco-loaded"
expect "LD_DEBUG: terrariumd loads PocoFoundation from $root$private" grep -qx "$root$private/libPocoFoundation[.]so[.][0-9]*" "$work/poco-loaded"
expect "LD_DEBUG: every Poco library terrariumd loads is a private copy" bash -c "! grep -v '^$root$private/' '$work/poco-loaded'"
ldd "$bin" | awk '/=>/ && $1 ~ /^libPoco/ { print $3 }' | xargs -r realpath -m >"$work/ldd"
expect "ldd: every Poco library of terrariumd resolves to $root$private, none to the system's" \
  bash -c "[ -s '$work/ldd' ] && ! grep -v '^$root$private/' '$work/ldd'"

echo "--- terrariumd and the packaged plugins in a root holding only the allowlisted system libraries (chroot)"
if [ "$(id -u)" -ne 0 ] || ! unshare --mount true 2>/dev/null; then
  echo "note: not root or no mount namespaces: the chroot run is skipped"
else
  # The allowlisted libraries of this machine, at their paths (the loader's default directories),
  # and the loader; Debian's Poco and everything else stays outside.
  libdir=$(dirname "$(ldd "$bin" | awk '$1 == "libc.so.6" { print $3 }')")
  for soname in "${system[@]}"; do
    [ -e "$libdir/$soname" ] || continue
    mkdir -p "$root$libdir"; cp -L "$libdir/$soname" "$root$libdir/$soname"
  done
  interpreter=$(readelf -l "$bin" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
  mkdir -p "$root$(dirname "$interpreter")"; cp -L "$interpreter" "$root$interpreter"
  mkdir -p "$root/dev" "$root/proc" "$root/tmp"; chmod 1777 "$root/tmp"
  for d in null zero random urandom; do touch "$root/dev/$d"; done
  state=$root/var/lib/terrarium
  rm -f "$state/listeners.json"
  # terrariumd as the terrarium user (10001), with the installed configuration and ephemeral ports
  unshare --mount sh -c 'for d in null zero random urandom; do mount --bind "/dev/$d" "$0/dev/$d"; done
    mount -t proc proc "$0/proc"
    exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot --userspec=10001:10001 --groups=10001 "$0" \
      /usr/bin/terrariumd --config /etc/terrarium/terrarium.json --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0' \
    "$root" >"$work/chroot.log" 2>&1 &
  chroot_pid=$!
  if poll 30 test -s "$state/listeners.json"; then
    ok "terrariumd starts in the chroot"
    main=$(json_get "$state/listeners.json" main); admin=$(json_get "$state/listeners.json" admin)
    token=$(cat "$state/admin.token")
    admin_get() { curl -fsS -H "Authorization: Bearer $token" "http://$admin$1"; }
    admin_get /admin/plugins >"$work/plugins.json" || fail "admin API with the generated token"
    for name in $(source_plugins); do
      route=$(python3 - "$work/plugins.json" "$name.so" <<'PY'
import json, sys
for p in json.load(open(sys.argv[1]))["plugins"]:
    if p["file"] == sys.argv[2]:
        print(p["name"], next((r["prefix"] for r in p["routes"] if r["listener"] == "main"), ""))
PY
)
      if [ -z "$route" ]; then fail "packaged plugin $name.so is not loaded in the chroot"; continue; fi
      plugin=${route%% *}; prefix=${route#* }
      code=$(curl -s -o "$work/body" -w '%{http_code}' "http://$main$prefix")
      served=$(admin_get "/admin/plugins/$plugin" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"]["total"])')
      expect "chroot: plugin $plugin ($name.so) serves GET $prefix ($code, requests.total $served)" test "$served" -ge 1
    done
    errors=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["errors"]))' "$work/plugins.json")
    expect "chroot: no plugin load errors" test "$errors" = 0
    awk '$6 ~ /\.so/ { print $6 }' "/proc/$chroot_pid/maps" | sort -u >"$work/maps"
    expect "chroot: PocoFoundation mapped from $private" grep -q "^$root$private/libPocoFoundation[.]so" "$work/maps"
    expect "chroot: every Poco library mapped is a private copy" bash -c "! grep '/libPoco' '$work/maps' | grep -v '^$root$private/'"
    plugin_maps=$(grep -c "^$state/" "$work/maps" || true)
    expect "chroot: the packaged plugins are mapped (from the state directory's cache: $plugin_maps)" test "$plugin_maps" -ge "$(source_plugins | wc -l)"
    expect "chroot: graceful stop (SIGTERM, exit code 0)" stop_chroot
  else
    stop_chroot || true
    sed 's/^/    /' "$work/chroot.log"; fail "terrariumd starts in the chroot"
  fi
fi

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
