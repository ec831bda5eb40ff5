#!/usr/bin/env bash
# Makes the staged terrarium RPMs self-contained where their libraries are concerned (run by
# private-libs.cmake, the RPM generator's CPack pre-build script; the deb is not touched):
#
#   private-libs.sh DAEMON_STAGE PLUGINS_STAGE PRIVATE_DIR SYSTEM_LIBRARIES [SIGN_COMMAND]
#
# DAEMON_STAGE, PLUGINS_STAGE: the staged roots of the terrarium and terrarium-plugins packages;
# PRIVATE_DIR: the private library directory (absolute, e.g. /usr/lib/terrarium/lib);
# SYSTEM_LIBRARIES: packaging/rpm/system-libraries.txt (the sonames the distribution provides);
# SIGN_COMMAND: a command that signs the plugin file given as its last argument again, for the
# plugins staged with a signature beside them (<name>.so.sig), which the new RUNPATH invalidates.
#
# 1. The closure: every library that an ELF file of either package needs, directly or through
#    another library (ldd: the loader's own resolution on this machine), except the system
#    libraries, is copied into DAEMON_STAGE/PRIVATE_DIR under its soname (when the terrarium
#    package is made in the same run).
# 2. RUNPATH: the daemon package's programs get $ORIGIN/<relative path to PRIVATE_DIR> (they run
#    in place: an installation under another root still finds its own copies); the plugins get
#    PRIVATE_DIR itself (terrariumd loads a plugin from a copy in its state directory's cache, where
#    $ORIGIN leads nowhere); the private libraries get $ORIGIN, since a RUNPATH is not inherited by
#    the libraries a binary loads.
# Prints the private sonames, one a line.
set -euo pipefail
daemon=${1:?usage: private-libs.sh DAEMON_STAGE PLUGINS_STAGE PRIVATE_DIR SYSTEM_LIBRARIES}
plugins=${2:?}
private=${3:?}
system_list=${4:?}
sign_command=${5:-}
for tool in ldd patchelf readelf realpath; do
  command -v "$tool" >/dev/null || { echo "private-libs: '$tool' is not installed (scripts/install-deps.sh installs it)" >&2; exit 1; }
done

mapfile -t system < <(sed -e 's/#.*//' "$system_list" | awk 'NF { print $1 }')
is_system() { local s; for s in "${system[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }
is_elf() { [ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; }
elf_files() {  # STAGE: the ELF regular files of a staged package, outside the private directory
  local f
  [ -d "$1" ] || return 0
  while IFS= read -r -d '' f; do
    case "$f" in "$daemon$private"/*) continue ;; esac
    if is_elf "$f"; then printf '%s\n' "$f"; fi
  done < <(find "$1" -type f -print0 | sort -z)
}

mapfile -t daemon_elves < <(elf_files "$daemon")
mapfile -t plugin_elves < <(elf_files "$plugins")
[ ! -d "$daemon" ] || [ ${#daemon_elves[@]} -gt 0 ] || { echo "private-libs: no ELF file staged in $daemon" >&2; exit 1; }

declare -A closure=()
for f in "${daemon_elves[@]}" "${plugin_elves[@]}"; do
  out=$(ldd "$f") || { echo "private-libs: ldd $f failed" >&2; exit 1; }
  while read -r soname arrow path _; do
    [ "$arrow" = "=>" ] || continue
    if [ "$path" = "not" ]; then
      echo "private-libs: $f needs $soname, not found on this machine" >&2; exit 1
    fi
    is_system "$soname" || closure[$soname]=$path
  done <<<"$out"
done

if [ -d "$daemon" ]; then
  mkdir -p "$daemon$private"
  for soname in "${!closure[@]}"; do
    install -m 0755 "$(realpath "${closure[$soname]}")" "$daemon$private/$soname"
    patchelf --set-rpath '$ORIGIN' "$daemon$private/$soname"
  done
fi
for f in "${daemon_elves[@]}"; do
  relative=$(realpath -m --relative-to="$(dirname "${f#"$daemon"}")" "$private")
  patchelf --set-rpath "\$ORIGIN/$relative" "$f"
done
for f in "${plugin_elves[@]}"; do
  patchelf --set-rpath "$private" "$f"
  [ -f "$f.sig" ] || continue
  if [ -z "$sign_command" ]; then
    echo "private-libs: $f.sig no longer matches the plugin with its RUNPATH, and no signing command was given (CPACK_TERRARIUM_RPM_SIGN_COMMAND)" >&2; exit 1
  fi
  # shellcheck disable=SC2086
  $sign_command "$f" >/dev/null || { echo "private-libs: signing $f again failed: $sign_command" >&2; exit 1; }
done

# Every library a shipped file needs is now either a system library or a private copy.
[ -d "$daemon" ] || { printf '%s\n' "${!closure[@]}" | sort; exit 0; }
for f in "${daemon_elves[@]}" "${plugin_elves[@]}" "$daemon$private"/*; do
  [ -e "$f" ] || continue
  for needed in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    if ! is_system "$needed" && [ ! -f "$daemon$private/$needed" ]; then
      echo "private-libs: $f needs $needed, neither a system library nor shipped" >&2; exit 1
    fi
  done
done
printf '%s\n' "${!closure[@]}" | sort
