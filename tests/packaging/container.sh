#!/usr/bin/env bash
# The container files without a Docker engine (none runs on the build machines): the Dockerfile
# is checked against the package install steps the install test runs (same install script,
# ENTRYPOINT+CMD = the unit's ExecStart, non-root USER, volumes, HEALTHCHECK), the compose file's
# structure, and each compose host configuration starts the real terrariumd.
. "$(dirname "$0")/lib.sh"
python=$(python_yaml)
docker_dir=$src/packaging/docker
expect "Dockerfile and docker-compose.yml" "$python" "$src/tests/packaging/packaging_checks.py" container \
  "$docker_dir" "$src/packaging/systemd/terrarium.service" "$src/packaging/install-packages.sh" "terrarium:$version"
if command -v docker >/dev/null && docker compose version >/dev/null 2>&1; then
  expect "docker compose config" docker compose -f "$docker_dir/docker-compose.yml" config -q
else
  echo "note: no 'docker compose' here: the compose file is checked by packaging_checks.py only"
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
if can_unshare_net; then
  for host in host-a host-b; do
    "$python" "$src/tests/packaging/packaging_checks.py" compose-env "$docker_dir" "$host" >"$work/$host.env"
    expect "compose $host configuration starts terrariumd with the service's environment ($(echo $(cut -d= -f1 "$work/$host.env")))" \
      config_starts "$PKGTEST_TERRARIUMD" "$docker_dir/config/$host.json" "$work/$host.env" main admin
  done
else
  echo "note: not root or no network namespaces here: the compose configurations are not started"
fi
expect "move-plugin.sh is valid sh" sh -n "$src/packaging/move-plugin.sh"
finish "container files"
