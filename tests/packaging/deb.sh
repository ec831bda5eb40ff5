#!/usr/bin/env bash
# Inspects the .deb packages: files and modes, config files, dependencies (from dpkg-shlibdeps),
# maintainer scripts; lintian must report no error.
. "$(dirname "$0")/lib.sh"
need dpkg-deb lintian
dir=$packages/current
deb() { echo "$dir/${1}_${version}-${release}_${deb_arch}.deb"; }
[ -f "$(deb terrarium)" ] || die "no packages in $dir (the build test makes them)"

# contents LIST PATTERN: a line of "dpkg-deb -c" matches (mode owner ... path)
has() { grep -Eq -- "$2" "$1"; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for p in terrarium terrarium-plugins terrarium-dev; do
  dpkg-deb -c "$(deb $p)" >"$work/$p.list"
  dpkg-deb -e "$(deb $p)" "$work/$p.control"
  echo "--- $p: $(dpkg-deb -f "$(deb $p)" Version) Depends: $(dpkg-deb -f "$(deb $p)" Depends)"
done

L=$work/terrarium.list
expect "terrarium: /usr/bin/terrariumd 0755 root" has "$L" '^-rwxr-xr-x root/root .* \./usr/bin/terrariumd$'
expect "terrarium: /etc/terrarium/terrarium.json" has "$L" '^-rw-r--r-- root/root .* \./etc/terrarium/terrarium\.json$'
expect "terrarium: systemd unit" has "$L" ' \./usr/lib/systemd/system/terrarium\.service$'
expect "terrarium: man page" has "$L" ' \./usr/share/man/man8/terrariumd\.8\.gz$'
expect "terrarium: state dir" has "$L" '^d.* \./var/lib/terrarium/$'
expect "terrarium: drop-in plugins dir" has "$L" '^d.* \./var/lib/terrarium/plugins/$'
expect "terrarium: copyright" has "$L" ' \./usr/share/doc/terrarium/copyright$'
expect "terrarium: the Edge-Terrarium platform configuration /usr/share/terrarium/edge-terrarium.json" \
  has "$L" '^-rw-r--r-- root/root .* \./usr/share/terrarium/edge-terrarium\.json$'
# terrariumctl (tools/terrariumctl)
expect "terrarium: /usr/bin/terrariumctl 0755 root" has "$L" '^-rwxr-xr-x root/root .* \./usr/bin/terrariumctl$'
expect "terrarium: terrariumctl man page" has "$L" ' \./usr/share/man/man1/terrariumctl\.1\.gz$'
expect "terrarium: terrariumctl bash completion" has "$L" ' \./usr/share/bash-completion/completions/terrariumctl$'
expect "terrarium: conffiles lists exactly the configuration" \
  test "$(cat "$work/terrarium.control/conffiles")" = "/etc/terrarium/terrarium.json"
packaged_config=$work/terrarium.json
dpkg-deb --fsys-tarfile "$(deb terrarium)" | tar -xO ./etc/terrarium/terrarium.json >"$packaged_config"
expect "terrarium: packaged config points at the packaged dirs" \
  grep -q '"plugins_dir": "/var/lib/terrarium/plugins"' "$packaged_config"
expect "terrarium: packaged config has the state dir" grep -q '"state_dir": "/var/lib/terrarium"' "$packaged_config"

depends=$(dpkg-deb -f "$(deb terrarium)" Depends)
expect "terrarium: depends on the Poco runtime (shlibdeps)" grep -Eq 'libpoconet[0-9]+ \(>= ' <<<"$depends"
expect "terrarium: depends on NetSSL (OpenSSL through Poco)" grep -Eq 'libpoconetssl[0-9]+' <<<"$depends"
expect "terrarium: depends on libc6 and libstdc++6 with versions" grep -Eq 'libc6 \(>= .*libstdc\+\+6 \(>= ' <<<"$depends"
expect "terrarium: depends on adduser (maintainer scripts)" grep -Eq '(^|, )adduser(,|$)' <<<"$depends"
ctl=$work/terrarium.control
for s in postinst prerm postrm; do expect "terrarium: $s is executable" test -x "$ctl/$s"; done
expect "postinst creates the system user" grep -q 'adduser --system' "$ctl/postinst"
expect "postinst enables the unit" grep -q "deb-systemd-helper enable 'terrarium.service'" "$ctl/postinst"
expect "postinst restarts on upgrade" grep -q '_dh_action=restart' "$ctl/postinst"
expect "prerm stops the service on removal" grep -q "deb-systemd-invoke stop 'terrarium.service'" "$ctl/prerm"
expect "postrm purge removes the state" grep -q 'rm -rf /var/lib/terrarium' "$ctl/postrm"
for s in postinst prerm postrm; do sh -n "$ctl/$s" || fail "$s: sh -n"; done

L=$work/terrarium-plugins.list
for name in $(source_plugins); do
  expect "terrarium-plugins: $name.so 0755 in /usr/lib/terrarium/plugins" \
    has "$L" "^-rwxr-xr-x root/root .* \./usr/lib/terrarium/plugins/$name\.so$"
  expect "terrarium-plugins: $name.so enabled by a link in /var/lib/terrarium/plugins" \
    has "$L" "^l.* \./var/lib/terrarium/plugins/$name\.so -> /usr/lib/terrarium/plugins/$name\.so$"
done
expect "terrarium-plugins: ships no test builds" bash -c "! grep -Eq 'plugins/[^ ]*-v[0-9]+\.so' '$L'"
expect "terrarium-plugins: depends on terrarium of the same version" \
  grep -q "terrarium (= ${version}-${release})" <<<"$(dpkg-deb -f "$(deb terrarium-plugins)" Depends)"

L=$work/terrarium-dev.list
for f in include/terrarium/plugin.h include/terrarium/plugin.hpp include/terrarium/testing/fake_host.hpp \
         'lib/(.*/)?cmake/Terrarium/TerrariumConfig.cmake' 'lib/(.*/)?cmake/Terrarium/TerrariumPlugin.cmake' \
         share/terrarium/examples/hello-plugin/Hello.cpp share/terrarium/examples/hello-plugin/CMakeLists.txt; do
  expect "terrarium-dev: /usr/$f" has "$L" " \./usr/$f$"
done

echo "--- hardening"
# The binaries are built with the distribution's hardening flags (TERRARIUM_HARDENING): PIE, stack
# protector, fortified functions, full RELRO, immediate binding, stack clash protection, CET.
# A plugin may call no function that can be fortified (hardening-check then finds only
# unprotected ones), so the fortify check applies to terrariumd only. The control-flow check
# looks for the GNU property note of IBT/SHSTK, which the linker drops because bookworm's own
# objects (crt files, libstdc++) lack it, although every function of ours starts with endbr64:
# it is not required (--nocfprotection).
need hardening-check
unpacked=$work/hardening
for p in terrarium terrarium-plugins; do dpkg-deb -x "$(deb "$p")" "$unpacked"; done
expect "terrariumd passes hardening-check" hardening-check --quiet --nocfprotection "$unpacked/usr/bin/terrariumd"
expect "terrariumctl passes hardening-check" hardening-check --quiet --nocfprotection "$unpacked/usr/bin/terrariumctl"
for so in "$unpacked"/usr/lib/terrarium/plugins/*.so; do
  expect "$(basename "$so") passes hardening-check (fortify not required)" hardening-check --quiet --nocfprotection --nofortify "$so"
done

echo "--- lintian"
# initial-upload-closes-no-bugs asks a first upload to the Debian archive to close its ITP bug;
# these packages are not uploaded there. Every other warning counts.
lintian --fail-on error,warning --suppress-tags initial-upload-closes-no-bugs --display-info "$dir"/*.deb 2>&1 \
  | grep -v 'running with root privileges' | tee "$work/lintian.txt" || true
expect "lintian reports no error and no warning" bash -c "! grep -Eq '^(E|W): ' '$work/lintian.txt'"
finish "deb packages"
