#!/bin/sh
# Brings a plugin (.so) to a running Terrarium host, or moves one between hosts. A plugin file is
# always written under a temporary dot-name and then renamed, so that the host's watcher never
# sees half a file (files starting with '.' are ignored). A plugin's signature FILE.so.sig, when
# present, travels with it and goes first, so that a host requiring signatures finds it when the
# plugin appears (docs/plugins.md, "Signed plugins").
#
#   move-plugin.sh install FILE.so [DIR]               packaged host: into DIR (/var/lib/terrarium/plugins)
#   move-plugin.sh compose-copy FILE.so HOST           docker compose: into HOST's drop-in directory
#   move-plugin.sh compose-move NAME FROM TO           docker compose: one rename in the shared volume
#   move-plugin.sh k8s-copy FILE.so DEPLOYMENT         k3s: kubectl cp into the pod's plugins directory
#   move-plugin.sh k8s-move NAME FROM TO               k3s: from one Deployment's pod to another's
#   move-plugin.sh admin-load URL NAME.so [CONFIG]     admin API: load a file of the host's plugins directory
#   move-plugin.sh admin-unload URL NAME               admin API: unload a plugin (its file stays)
#
# Environment: COMPOSE_FILE (default packaging/docker/docker-compose.yml next to this script),
# NAMESPACE (default edge-terrarium), TOKEN (admin bearer token; admin-* read it from
# TOKEN_FILE, default /var/lib/terrarium/admin.token, when unset).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
compose_file=${COMPOSE_FILE:-$here/docker/docker-compose.yml}
namespace=${NAMESPACE:-edge-terrarium}

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 64; }
compose() { docker compose -f "$compose_file" "$@"; }
# The running pod of a Deployment (the manifests label pods app.kubernetes.io/instance=<Deployment>).
pod_of() {
    kubectl -n "$namespace" get pods -l "app.kubernetes.io/instance=$1" --field-selector=status.phase=Running \
        -o jsonpath='{.items[0].metadata.name}'
}
k8s_dir=/var/lib/terrarium/plugins
token() { if [ -n "${TOKEN:-}" ]; then printf '%s' "$TOKEN"; else cat "${TOKEN_FILE:-/var/lib/terrarium/admin.token}"; fi; }

[ $# -ge 1 ] || usage
command=$1; shift
case "$command" in
install)
    [ $# -ge 1 ] || usage
    file=$1; dir=${2:-/var/lib/terrarium/plugins}; name=$(basename "$file")
    put() {  # SOURCE MODE TARGET-NAME
        install -m "$2" "$1" "$dir/.$3.tmp"
        if [ "$(id -u)" -eq 0 ] && getent passwd terrarium >/dev/null; then chown terrarium:terrarium "$dir/.$3.tmp"; fi
        mv -f "$dir/.$3.tmp" "$dir/$3"
    }
    if [ -f "$file.sig" ]; then put "$file.sig" 0644 "$name.sig"; fi
    put "$file" 0755 "$name"
    echo "installed $dir/$name"
    ;;
compose-copy)
    [ $# -eq 2 ] || usage
    file=$1; host=$2; name=$(basename "$file")
    if [ -f "$file.sig" ]; then
        compose cp "$file.sig" "$host:/srv/plugins/$host/.$name.sig.tmp"
        compose exec -T -u 0 "$host" sh -c "chown terrarium:terrarium /srv/plugins/$host/.$name.sig.tmp && chmod 0644 /srv/plugins/$host/.$name.sig.tmp && mv -f /srv/plugins/$host/.$name.sig.tmp /srv/plugins/$host/$name.sig"
    fi
    compose cp "$file" "$host:/srv/plugins/$host/.$name.tmp"
    compose exec -T -u 0 "$host" sh -c "chown terrarium:terrarium /srv/plugins/$host/.$name.tmp && chmod 0755 /srv/plugins/$host/.$name.tmp && mv -f /srv/plugins/$host/.$name.tmp /srv/plugins/$host/$name"
    echo "copied $name into $host"
    ;;
compose-move)
    [ $# -eq 3 ] || usage
    name=${1%.so}; from=$2; to=$3
    # Both drop-in directories are in the shared volume "plugins": the rename is atomic, FROM's
    # watcher unloads the plugin and TO's loads it.
    compose exec -T "$from" sh -c "if [ -e /srv/plugins/$from/$name.so.sig ]; then mv /srv/plugins/$from/$name.so.sig /srv/plugins/$to/$name.so.sig; fi; mv /srv/plugins/$from/$name.so /srv/plugins/$to/$name.so"
    echo "moved $name from $from to $to"
    ;;
k8s-copy)
    [ $# -eq 2 ] || usage
    file=$1; deployment=$2; name=$(basename "$file")
    pod=$(pod_of "$deployment")
    if [ -f "$file.sig" ]; then
        kubectl -n "$namespace" cp "$file.sig" "$pod:$k8s_dir/.$name.sig.tmp" -c terrarium
        kubectl -n "$namespace" exec "$pod" -c terrarium -- sh -c "chmod 0644 '$k8s_dir/.$name.sig.tmp' && mv -f '$k8s_dir/.$name.sig.tmp' '$k8s_dir/$name.sig'"
    fi
    kubectl -n "$namespace" cp "$file" "$pod:$k8s_dir/.$name.tmp" -c terrarium
    kubectl -n "$namespace" exec "$pod" -c terrarium -- sh -c "chmod 0755 '$k8s_dir/.$name.tmp' && mv -f '$k8s_dir/.$name.tmp' '$k8s_dir/$name'"
    echo "copied $name into $deployment ($pod)"
    ;;
k8s-move)
    [ $# -eq 3 ] || usage
    name=${1%.so}.so; from=$2; to=$3
    source_pod=$(pod_of "$from"); target_pod=$(pod_of "$to")
    # Through a local copy: "cat" follows the link a seeded plugin is (kubectl cp would skip it),
    # and the source's file goes only once the target has the whole plugin.
    tmp=$(mktemp); sig=$(mktemp)
    trap 'rm -f "$tmp" "$sig"' EXIT
    if kubectl -n "$namespace" exec "$source_pod" -c terrarium -- sh -c "test -e '$k8s_dir/$name.sig' && cat '$k8s_dir/$name.sig'" >"$sig" && [ -s "$sig" ]; then
        kubectl -n "$namespace" exec -i "$target_pod" -c terrarium -- \
            sh -c "cat >'$k8s_dir/.$name.sig.tmp' && chmod 0644 '$k8s_dir/.$name.sig.tmp' && mv -f '$k8s_dir/.$name.sig.tmp' '$k8s_dir/$name.sig'" <"$sig"
    fi
    kubectl -n "$namespace" exec "$source_pod" -c terrarium -- cat "$k8s_dir/$name" >"$tmp"
    [ -s "$tmp" ] || { echo "move-plugin: $k8s_dir/$name of $from ($source_pod) is empty" >&2; exit 1; }
    kubectl -n "$namespace" exec -i "$target_pod" -c terrarium -- \
        sh -c "cat >'$k8s_dir/.$name.tmp' && chmod 0755 '$k8s_dir/.$name.tmp' && mv -f '$k8s_dir/.$name.tmp' '$k8s_dir/$name'" <"$tmp"
    kubectl -n "$namespace" exec "$source_pod" -c terrarium -- rm -f "$k8s_dir/$name" "$k8s_dir/$name.sig"
    echo "moved ${name%.so} from $from ($source_pod) to $to ($target_pod)"
    ;;
admin-load)
    [ $# -ge 2 ] || usage
    url=$1; file=$2; config=${3:-}
    body="{\"file\":\"$file\"}"
    [ -z "$config" ] || body="{\"file\":\"$file\",\"config\":$config}"
    curl -fsS -X POST -H "Authorization: Bearer $(token)" -H 'Content-Type: application/json' -d "$body" "$url/admin/plugins"
    echo
    ;;
admin-unload)
    [ $# -eq 2 ] || usage
    curl -fsS -X DELETE -H "Authorization: Bearer $(token)" "$1/admin/plugins/$2"
    echo
    ;;
*)
    usage
    ;;
esac
