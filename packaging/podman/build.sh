#!/usr/bin/env bash
# Builds the Terrarium image (packaging/docker/Dockerfile) with podman on a machine that
# packaging/podman/prepare.sh sets up (it runs first; it does nothing when all is in place):
#
#   packaging/podman/build.sh                          # from the sources: compiles in the build stage
#   packaging/podman/build.sh --packages DIR           # from the .deb files build-packages.sh made in DIR
#   packaging/podman/build.sh --tag terrarium:dev ...  # another tag (default terrarium:<version>)
#
# It runs, from the repository root,
#   podman --runtime runc build --network host --format docker -f packaging/docker/Dockerfile -t TAG .
# (--format docker: the OCI image format, podman's default, has no HEALTHCHECK.)
# or, with --packages, the same on a small context of packages/ (DIR's terrarium and
# terrarium-plugins .deb files) and packaging/install-packages.sh with --build-arg PACKAGES=prebuilt:
# nothing is compiled again. Extra arguments after "--" go to podman build.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
version=$(sed -n 's/^project(Terrarium VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
tag=terrarium:$version
packages=""
extra=()
usage() { echo "usage: build.sh [--packages DIR] [--tag TAG] [-- podman build arguments]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --packages) [ $# -ge 2 ] || usage; packages=$2; shift 2;;
    --tag) [ $# -ge 2 ] || usage; tag=$2; shift 2;;
    --) shift; extra=("$@"); break;;
    *) usage;;
  esac
done

"$root/packaging/podman/prepare.sh"
build=(podman --runtime runc build --network host --format docker -f "$root/packaging/docker/Dockerfile" -t "$tag")
if [ -z "$packages" ]; then
  exec "${build[@]}" "${extra[@]}" "$root"
fi

one() {
  local found=("$packages"/$1)
  [ "${#found[@]}" -eq 1 ] && [ -f "${found[0]}" ] \
    || { echo "build: expected exactly one $1 in $packages, found: ${found[*]}" >&2; exit 1; }
  echo "${found[0]}"
}
daemon=$(one 'terrarium_*.deb')
plugins=$(one 'terrarium-plugins_*.deb')
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
mkdir -p "$context/packages" "$context/packaging"
cp "$daemon" "$plugins" "$context/packages/"
cp "$root/packaging/install-packages.sh" "$context/packaging/"
"${build[@]}" --build-arg PACKAGES=prebuilt "${extra[@]}" "$context"
