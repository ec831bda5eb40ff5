#!/usr/bin/env bash
# Installs the Debian 12 packages Terrarium needs to build, run and test (skips what is present).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates curl
  libpoco-dev libboost-dev libssl-dev catch2
  wrk binutils openssl
  rpm lintian file python3 python3-yaml
  systemd iproute2
  chromium chromium-driver
  podman runc debootstrap
  clang libclang-rt-dev
  devscripts
)
# patchelf: the RUNPATHs of the RPM's private libraries (packaging/rpm/private-libs.sh)
packages+=(patchelf)
# npm (for the browser tests' locked playwright-core) comes with Debian's nodejs/npm packages;
# a machine whose Node.js already ships npm keeps it.
command -v npm >/dev/null || packages+=(nodejs npm)
# The packaging tests also use kubectl (kustomize v5, kubectl 1.27 or later) where one is
# installed; Debian 12's kubernetes-client (1.20) is too old for the manifests' Kustomization
# fields, and without a kubectl the tests render with their own fallback renderer.

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
else
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Browser tests: playwright-core at the version tests/browser/package-lock.json locks, into
# tests/browser/node_modules (again only when the lock file changed since the last install).
browser_tests="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
if [ -f "$browser_tests/package-lock.json" ] &&
   ! cmp -s "$browser_tests/package-lock.json" "$browser_tests/node_modules/.terrarium-installed-lock"; then
  echo "install-deps: npm ci in tests/browser"
  (cd "$browser_tests" && npm ci --no-audit --no-fund)
  cp "$browser_tests/package-lock.json" "$browser_tests/node_modules/.terrarium-installed-lock"
fi
