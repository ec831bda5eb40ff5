#!/usr/bin/env bash
# Prepares podman on a Debian 12 machine without a Docker engine or a reachable image registry to
# build and run the Terrarium image (packaging/docker/Dockerfile). Idempotent; run as root:
#
#   packaging/podman/prepare.sh            # both steps below
#   packaging/podman/prepare.sh config     # only /etc/containers/containers.conf
#   packaging/podman/prepare.sh base       # only the base image
#
# 1. /etc/containers/containers.conf: [containers] default_ulimits = [] (the kernel here refuses
#    podman's default rlimits). Other settings of an existing file are kept; a default_ulimits
#    already set to something else is commented out (the original is saved as
#    containers.conf.terrarium-bak).
# 2. The base image debian:bookworm / debian:bookworm-slim (docker.io/library/... and localhost/...):
#    debootstrap --variant=minbase bookworm from the Debian mirror apt already uses, imported with
#    podman import. Skipped when the image exists (it is the machine's cache: debootstrap runs once).
#
# Needs the Debian packages podman, runc and debootstrap (scripts/install-deps.sh). Build the image
# afterwards with packaging/podman/build.sh, which runs
#   podman --runtime runc build --network host --format docker -f packaging/docker/Dockerfile -t terrarium:VERSION .
# (crun, podman's default runtime, refuses this kernel's cgroup mode; apt in the build needs the
# host's network; the OCI image format, podman's default, would drop the HEALTHCHECK).
set -euo pipefail

conf=${TERRARIUM_CONTAINERS_CONF:-/etc/containers/containers.conf}
base_tags=(docker.io/library/debian:bookworm docker.io/library/debian:bookworm-slim
           localhost/debian:bookworm localhost/debian:bookworm-slim)
lock=${TERRARIUM_PODMAN_LOCK:-/run/lock/terrarium-podman-prepare.lock}

say() { echo "prepare: $*"; }
die() { echo "prepare: $*" >&2; exit 1; }

prepare_config() {
  mkdir -p "$(dirname "$conf")"
  python3 - "$conf" <<'EOF'
import os, re, shutil, sys, tomllib

path = sys.argv[1]
lines = open(path).read().splitlines() if os.path.exists(path) else []

def current():
    try:
        return tomllib.loads("\n".join(lines) + "\n").get("containers", {}).get("default_ulimits")
    except tomllib.TOMLDecodeError as error:
        sys.exit(f"prepare: {path} is not valid TOML: {error}")

if current() == []:
    print(f"prepare: {path}: default_ulimits = [] already set")
    sys.exit(0)
header = re.compile(r"^\s*\[([^\]]+)\]\s*(#.*)?$")
section, start, key_line = None, None, None
for i, line in enumerate(lines):
    m = header.match(line)
    if m:
        section = m.group(1).strip()
        if section == "containers" and start is None:
            start = i
    elif section == "containers" and re.match(r"^\s*default_ulimits\s*=", line):
        key_line = i
out = list(lines)
if key_line is not None:
    # comment out the old value, a multi-line array up to its closing bracket included
    end, depth = key_line, 0
    for j in range(key_line, len(lines)):
        depth += lines[j].split("#")[0].count("[") - lines[j].split("#")[0].count("]")
        end = j
        if depth <= 0:
            break
    for j in range(key_line, end + 1):
        out[j] = "# " + lines[j] + "    # replaced by Terrarium's packaging/podman/prepare.sh"
    out.insert(end + 1, "default_ulimits = []")
elif start is not None:
    out.insert(start + 1, "default_ulimits = []")
else:
    out += ([""] if out else []) + ["[containers]", "default_ulimits = []"]
if os.path.exists(path):
    shutil.copy2(path, path + ".terrarium-bak")
open(path, "w").write("\n".join(out) + "\n")
lines = out
if current() != []:
    sys.exit(f"prepare: {path}: could not set default_ulimits = []")
print(f"prepare: {path}: default_ulimits = [] set" + (" (original saved as .terrarium-bak)" if os.path.exists(path + ".terrarium-bak") else ""))
EOF
}

# The deb822 paragraphs (or one-line entries) of apt's sources for bookworm*, as
# "URI SUITE..." lines: the mirror of the base image and its apt sources.
debian_sources() {
  python3 - <<'EOF'
import glob, re
entries = []
for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    for para in re.split(r"\n\s*\n", open(path).read()):
        fields = {}
        for line in para.splitlines():
            if line.startswith("#") or ":" not in line or line[0].isspace():
                continue
            k, v = line.split(":", 1)
            fields[k.strip().lower()] = v.split()
        if "deb" not in fields.get("types", []) or fields.get("enabled", ["yes"])[0] == "no":
            continue
        suites = [s for s in fields.get("suites", []) if s.startswith("bookworm")]
        if suites and "main" in fields.get("components", []):
            entries += [(uri, suites) for uri in fields.get("uris", [])]
for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
    try:
        text = open(path).read()
    except OSError:
        continue
    for line in text.splitlines():
        words = re.sub(r"\[[^\]]*\]", "", line.split("#")[0]).split()
        if len(words) >= 4 and words[0] == "deb" and words[2].startswith("bookworm") and "main" in words[3:]:
            entries.append((words[1], [words[2]]))
merged = {}
for uri, suites in entries:
    merged.setdefault(uri.rstrip("/"), [])
    merged[uri.rstrip("/")] += [s for s in suites if s not in merged[uri.rstrip("/")]]
for uri, suites in merged.items():
    print(uri, *suites)
EOF
}

prepare_base() {
  local tag missing=() present=""
  for tag in "${base_tags[@]}"; do
    if podman image exists "$tag"; then present=${present:-$tag}; else missing+=("$tag"); fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then say "base image ${base_tags[0]} exists"; return 0; fi
  if [ -z "$present" ]; then
    local sources mirror started
    sources=$(debian_sources)
    mirror=$(awk '$0 ~ / bookworm( |$)/ { print $1; exit }' <<<"$sources")
    [ -n "$mirror" ] || die "no Debian mirror for bookworm in apt's sources (/etc/apt/sources.list{,.d})"
    rootfs=$(mktemp -d /var/tmp/terrarium-debootstrap.XXXXXX)
    trap 'rm -rf "$rootfs" "$rootfs.log"' EXIT
    say "debootstrap --variant=minbase bookworm from $mirror (once per machine)"
    started=$(date +%s)
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
      || { tail -n 30 "$rootfs.log" >&2; rm -f "$rootfs.log"; die "debootstrap failed"; }
    rm -f "$rootfs.log"
    # apt in the image uses the same mirrors as this machine (updates and security included)
    rm -f "$rootfs/etc/apt/sources.list"
    while read -r uri suites; do
      printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n' "$uri" "$suites"
    done <<<"$sources" >"$rootfs/etc/apt/sources.list.d/debian.sources"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/* "$rootfs"/tmp/*
    tar --numeric-owner -C "$rootfs" -c . | podman import --quiet \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["bash"]' --message "debootstrap --variant=minbase bookworm $mirror" \
      - "${base_tags[0]}" >/dev/null
    rm -rf "$rootfs"
    say "base image ${base_tags[0]} made in $(( $(date +%s) - started )) s"
    present=${base_tags[0]}
  fi
  for tag in "${base_tags[@]}"; do
    [ "$tag" = "$present" ] || podman tag "$present" "$tag"
  done
  say "base image tagged ${base_tags[*]}"
}

[ "$(id -u)" -eq 0 ] || die "run as root (podman runs rootful here)"
for tool in podman runc debootstrap python3; do
  command -v "$tool" >/dev/null || die "'$tool' is not installed (scripts/install-deps.sh installs podman, runc and debootstrap)"
done
what=${1:-all}
case $what in all|config|base) ;; *) die "usage: prepare.sh [all|config|base]";; esac
mkdir -p "$(dirname "$lock")"
exec 9>"$lock"
flock 9
if [ "$what" != base ]; then prepare_config; fi
if [ "$what" != config ]; then prepare_base; fi
