#!/usr/bin/env bash
# Builds the .deb and .rpm packages of the build tree twice: the current release, and a rebuild
# with the release raised by one for the upgrade tests.
. "$(dirname "$0")/lib.sh"
need cpack dpkg-deb dpkg-shlibdeps file rpmbuild
rm -rf "$packages"
"$src/packaging/build-packages.sh" "$build" "$packages/current" -G "DEB;RPM" >/dev/null
"$src/packaging/build-packages.sh" "$build" "$packages/upgrade" -G "DEB;RPM" \
  -D CPACK_DEBIAN_PACKAGE_RELEASE="$upgrade_release" -D CPACK_RPM_PACKAGE_RELEASE="$upgrade_release" >/dev/null
for set in current:$release upgrade:$upgrade_release; do
  dir=$packages/${set%%:*}; r=${set#*:}
  for p in terrarium terrarium-plugins terrarium-dev; do
    expect "$dir/${p}_${version}-${r}_${deb_arch}.deb" test -f "$dir/${p}_${version}-${r}_${deb_arch}.deb"
    expect "$dir/${p}-${version}-${r}.${rpm_arch}.rpm" test -f "$dir/${p}-${version}-${r}.${rpm_arch}.rpm"
  done
done
finish "build packages"
