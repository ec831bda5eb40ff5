#!/usr/bin/env bash
# The Kustomize manifests: packaging/k3s (one host) and every overlay render with kubectl kustomize
# (no warning either), and the rendered objects pass packaging_checks.py k8s-validate (required
# fields, namespace, selectors, probes, resources, non-root securityContext, volume references,
# Services resolving to the host whose configuration serves the plugin of the same name on the
# targeted port, Vault with Kubernetes auth as a rendered ServiceAccount, the image of this
# version). Each host configuration from a ConfigMap starts the real terrariumd with the
# environment its container gets (image ENV, pod env, HOSTNAME).
. "$(dirname "$0")/lib.sh"
python=$(python_yaml)
checks=$src/tests/packaging/packaging_checks.py
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# The manifests use today's Kustomization fields (resources, labels, patches), which kustomize v5
# (kubectl 1.27 and later, k3s's kubectl) renders without deprecation warnings.
renderer=fallback
if command -v kubectl >/dev/null && kubectl kustomize --help >/dev/null 2>&1; then
  kustomize_version=$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9][0-9]*\).*/\1/p')
  if [ -n "$kustomize_version" ] && [ "$kustomize_version" -ge 5 ]; then
    renderer=kubectl
    echo "renderer: $(command -v kubectl) kustomize ($(kubectl version --client 2>/dev/null | tr '\n' ' ')), compared with the fallback renderer"
  else
    echo "note: $(command -v kubectl)'s kustomize is older than v5 ($(kubectl version --client 2>&1 | head -1)): the fallback renderer of packaging_checks.py renders"
  fi
else
  echo "note: no kubectl here: the fallback renderer of packaging_checks.py renders"
fi
i=0
for dir in "$src/packaging/k3s" "$src"/packaging/k3s/overlays/*/; do
  dir=${dir%/}; i=$((i + 1)); name=${dir#"$src/"}
  out=$work/$i.yaml
  "$python" "$checks" k8s-render "$dir" >"$work/$i.fallback.yaml" || fail "$name: fallback render"
  if [ "$renderer" = kubectl ]; then
    if kubectl kustomize "$dir" >"$out" 2>"$work/$i.err"; then
      ok "$name: kubectl kustomize renders"
      expect "$name: kubectl kustomize prints no warning" test ! -s "$work/$i.err"
      [ ! -s "$work/$i.err" ] || sed 's/^/    /' "$work/$i.err"
      expect "$name: fallback renderer agrees with kubectl" "$python" "$checks" k8s-compare "$out" "$work/$i.fallback.yaml"
    else
      cat "$work/$i.err"; fail "$name: kubectl kustomize"
      continue
    fi
  else
    cp "$work/$i.fallback.yaml" "$out"
  fi
  mkdir -p "$work/$i.configs"
  expect "$name: rendered objects validate" "$python" "$checks" k8s-validate "$out" "$work/$i.configs" \
    "$src/packaging/docker/Dockerfile" "terrarium:$version"
  if can_unshare_net; then
    for config in "$work/$i.configs"/*.json; do
      [ -e "$config" ] || continue
      listeners=$(python3 -c 'import json,sys; print(" ".join(l["name"] for l in json.load(open(sys.argv[1])).get("listeners", [])))' "$config")
      expect "$name: configuration of $(basename "$config" .json) starts terrariumd with its pod's environment (main admin $listeners)" \
        config_starts "$PKGTEST_TERRARIUMD" "$config" "${config%.json}.env" main admin $listeners
    done
  else
    echo "note: not root or no network namespaces here: the ConfigMaps' configurations are not started"
  fi
done
expect "an overlay splits the services over two Deployments" grep -q '^  name: terrarium-data$' "$work"/*.yaml
finish "k3s manifests"
