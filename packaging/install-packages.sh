#!/bin/sh
# Installs (or upgrades to) the daemon and plugin packages of DIR the way users do, with apt-get
# resolving their dependencies: install-packages.sh DIR. The container image (docker/Dockerfile)
# and the package install test (tests/packaging/install.sh) both run exactly this.
# Unattended: an edited /etc/terrarium/terrarium.json is kept when an upgrade ships a changed
# default (dpkg writes that one beside it as terrarium.json.dpkg-dist) instead of stopping at
# dpkg's conffile question.
set -eu
dir=${1:?usage: install-packages.sh DIR}
cd "$dir"
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    install -y --no-install-recommends ./terrarium_*.deb ./terrarium-plugins_*.deb
