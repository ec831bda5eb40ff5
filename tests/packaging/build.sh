#!/usr/bin/env bash
# Builds the .deb and .rpm packages of the build tree twice: the current release, and a rebuild
# with the release raised by one and a changed default configuration (upgrade-default-config.cmake)
# for the upgrade tests.
. "$(dirname "$0")/lib.sh"
need cpack dpkg-deb dpkg-shlibdeps file rpmbuild
rm -rf "$packages"
"$src/packaging/build-packages.sh" "$build" "$packages/current" -G "DEB;RPM" >/dev/null
"$src/packaging/build-packages.sh" "$build" "$packages/upgrade" -G "DEB;RPM" \
  -D CPACK_DEBIAN_PACKAGE_RELEASE="$upgrade_release" -D CPACK_RPM_PACKAGE_RELEASE="$upgrade_release" \
  -D CPACK_PRE_BUILD_SCRIPTS="$src/tests/packaging/upgrade-default-config.cmake" >/dev/null
for set in current:$release upgrade:$upgrade_release; do
  dir=$packages/${set%%:*}; r=${set#*:}
  for p in terrarium terrarium-plugins terrarium-dev; do
    expect "$dir/${p}_${version}-${r}_${deb_arch}.deb" test -f "$dir/${p}_${version}-${r}_${deb_arch}.deb"
    expect "$dir/${p}-${version}-${r}.${rpm_arch}.rpm" test -f "$dir/${p}-${version}-${r}.${rpm_arch}.rpm"
  done
done
# The default configuration each set ships: unchanged in current/, changed in upgrade/.
drain() { python3 -c 'import json,sys; print(json.load(sys.stdin).get("drain_timeout_ms"))'; }
deb_config() { dpkg-deb --fsys-tarfile "$1" | tar -xO ./etc/terrarium/terrarium.json; }
rpm_config() { rpm2archive - <"$1" | tar -xzO ./etc/terrarium/terrarium.json; }
expect "current deb ships the default configuration unchanged" \
  test "$(deb_config "$packages/current/terrarium_${version}-${release}_${deb_arch}.deb" | drain)" != 29999
expect "upgrade deb ships a changed default configuration (drain_timeout_ms 29999)" \
  test "$(deb_config "$packages/upgrade/terrarium_${version}-${upgrade_release}_${deb_arch}.deb" | drain)" = 29999
expect "current rpm ships the default configuration unchanged" \
  test "$(rpm_config "$packages/current/terrarium-${version}-${release}.${rpm_arch}.rpm" | drain)" != 29999
expect "upgrade rpm ships a changed default configuration (drain_timeout_ms 29999)" \
  test "$(rpm_config "$packages/upgrade/terrarium-${version}-${upgrade_release}.${rpm_arch}.rpm" | drain)" = 29999
# The packaged plugins' signatures verify in both formats with the packaged key: no step after
# signing (cpack's strip, rpmbuild's brp scripts) may change a plugin's bytes.
sign_tool=$build/tools/terrarium-sign/terrarium-sign
verify_unpacked() {
  local root=$1 f
  [ -f "$root/etc/terrarium/trusted-keys/terrarium-plugins.pub" ] || { echo "no packaged trusted key in $root" >&2; return 1; }
  for f in "$root"/usr/lib/terrarium/plugins/*.so; do
    "$sign_tool" verify --keys-dir "$root/etc/terrarium/trusted-keys" "$f" >/dev/null || return 1
  done
}
unpacked=$(mktemp -d); trap 'rm -rf "$unpacked"' EXIT
mkdir -p "$unpacked/deb" "$unpacked/rpm"
dpkg-deb -x "$packages/current/terrarium-plugins_${version}-${release}_${deb_arch}.deb" "$unpacked/deb"
rpm2archive - <"$packages/current/terrarium-plugins-${version}-${release}.${rpm_arch}.rpm" | tar -xz -C "$unpacked/rpm"
expect "deb: every packaged plugin's signature verifies with the packaged key" verify_unpacked "$unpacked/deb"
expect "rpm: every packaged plugin's signature verifies with the packaged key" verify_unpacked "$unpacked/rpm"
finish "build packages"
