#!/bin/sh
# Installs the daemon and plugin packages of DIR the way users do, with apt-get resolving their
# dependencies: install-packages.sh DIR. The container image (docker/Dockerfile) and the package
# install test (tests/packaging/install.sh) both run exactly this.
set -eu
dir=${1:?usage: install-packages.sh DIR}
cd "$dir"
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends \
    ./terrarium_*.deb ./terrarium-plugins_*.deb
