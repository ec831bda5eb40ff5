#!/usr/bin/env bash
# A new plugins/<name>/ folder is packaged without any edit to the packaging: a scratch copy of
# the sources (the container image's build context: Dockerfile.dockerignore applied) gets a
# throwaway plugin folder, is configured with the container image's build-stage cmake command,
# its plugins built, and terrarium-plugins made with cpack: the new plugin must be in it (0755,
# enabled by its link in /var/lib/terrarium/plugins, named in the description), beside every
# plugin of plugins/, and so must it be in the plugins component's install (what the RPM stages).
# Only the plugins and the packaging docs are built, not the daemon: the daemon package is the
# main build tree's business (build.sh).
. "$(dirname "$0")/lib.sh"
need cmake cpack dpkg-deb dpkg-shlibdeps tar python3
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
dockerfile=$src/packaging/docker/Dockerfile
eval "$(python3 "$src/tests/packaging/packaging_checks.py" dockerfile-build "$dockerfile")"
[ ${#image_configure[@]} -gt 0 ] || die "no cmake configure command in the build stage of $dockerfile"

# COPY . . of the image's build stage
mkdir -p "$work/src"
excludes=()
for p in "${image_context_excludes[@]}"; do excludes+=("--exclude=$p"); done
tar -C "$src" "${excludes[@]}" -cf - . | tar -C "$work/src" -xf -
expect "the build context leaves out the build trees and .git" test ! -e "$work/src/.git" -a ! -e "$work/src/build"

probe=packaging-probe
mkdir -p "$work/src/plugins/$probe"
cat >"$work/src/plugins/$probe/CMakeLists.txt" <<EOF
# Throwaway plugin of tests/packaging/newplugin.sh.
terrarium_add_plugin($probe SOURCES Probe.cpp)
target_compile_options($probe PRIVATE \${TERRARIUM_WARNINGS})
EOF
cat >"$work/src/plugins/$probe/Probe.cpp" <<EOF
// Throwaway plugin of tests/packaging/newplugin.sh.
#include <terrarium/plugin.hpp>

namespace {

class Probe {
public:
    explicit Probe(terrarium::Host&) {}
    void handle(const terrarium::Request&, terrarium::Response& response) { response.status(200).body("probe\\n"); }
};

} // namespace

TERRARIUM_PLUGIN(Probe, "$probe", "0.0.1", terrarium::route("/$probe"))
EOF

# The build stage's configure command, its /src and /build in the scratch copy; compiled at -O1
# without debug information (what is packaged does not depend on it, and it halves the compile).
configure=()
for w in "${image_configure[@]}"; do
  case "$w" in /src) w=$work/src ;; /build) w=$work/build ;; esac
  configure+=("$w")
done
configure+=("-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -DNDEBUG")
echo "configure: ${image_configure[*]}  (/src, /build: scratch copies; -O1, no debug information)"
if "${configure[@]}" >"$work/configure.log" 2>&1; then
  ok "the image's configure command configures the sources here"
else
  sed 's/^/    /' "$work/configure.log"; die "configure"
fi
expect "configure prints no CMake warning" bash -c "! grep -q 'CMake Warning' '$work/configure.log'"
expect "the configured package list has $probe" grep -qx "$probe" "$work/build/packaging/packaged-plugins.txt"
if cmake --build "$work/build" --target plugins/all packaging/all >"$work/build.log" 2>&1; then
  ok "the plugins and the packaging docs build"
else
  sed 's/^/    /' "$work/build.log"; die "build"
fi

# cpack of the plugins component (CPack still writes an empty package for the daemon component it
# depends on; only terrarium-plugins is looked at).
cpack --config "$work/build/CPackConfig.cmake" -B "$work/out" -G DEB -D CPACK_COMPONENTS_ALL=plugins >"$work/cpack.log" 2>&1 \
  || { sed 's/^/    /' "$work/cpack.log"; die "cpack"; }
deb=$(ls "$work/out"/terrarium-plugins_"${version}"-*_"${deb_arch}".deb 2>/dev/null | head -1)
[ -n "$deb" ] || die "cpack made no terrarium-plugins_${version}-*_${deb_arch}.deb"
dpkg-deb -c "$deb" >"$work/list"
for name in $(source_plugins) $probe; do
  expect "terrarium-plugins: $name.so 0755 in /usr/lib/terrarium/plugins" \
    grep -Eq "^-rwxr-xr-x root/root .* \./usr/lib/terrarium/plugins/$name\.so$" "$work/list"
  expect "terrarium-plugins: $name.so enabled by its link" \
    grep -Eq "^l.* \./var/lib/terrarium/plugins/$name\.so -> /usr/lib/terrarium/plugins/$name\.so$" "$work/list"
done
expect "terrarium-plugins: the description names $probe" bash -c "dpkg-deb -f '$deb' Description | grep -q '$probe'"
expect "terrarium-plugins: description lines fit 80 columns" bash -c "! dpkg-deb -f '$deb' Description | grep -q '.\{81\}'"

# The component's install, which both generators stage (DESTDIR: nothing reaches this machine).
DESTDIR=$work/stage cmake --install "$work/build" --component plugins --prefix /usr >"$work/install.log" 2>&1 \
  || { sed 's/^/    /' "$work/install.log"; die "cmake --install --component plugins"; }
expect "plugins component installs $probe.so" test -x "$work/stage/usr/lib/terrarium/plugins/$probe.so"
expect "plugins component links it into the drop-in directory" \
  test "$(readlink "$work/stage/var/lib/terrarium/plugins/$probe.so")" = "/usr/lib/terrarium/plugins/$probe.so"
finish "a new plugin folder is packaged"
