#!/usr/bin/env bash
# The Kustomize manifests: packaging/k3s (one host) and every overlay render, and the rendered
# objects pass packaging_checks.py k8s-validate (required fields, namespace, selectors, probes,
# resources, non-root securityContext, volume references, Services resolving to the host whose
# configuration serves the plugin of the same name on the targeted port). Each host configuration
# from a ConfigMap starts the real terrariumd.
. "$(dirname "$0")/lib.sh"
python=$(python_yaml)
checks=$src/tests/packaging/packaging_checks.py
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
if command -v kubectl >/dev/null && kubectl kustomize --help >/dev/null 2>&1; then
  echo "renderer: $(command -v kubectl) kustomize ($(kubectl version --client 2>/dev/null | head -1)), compared with the fallback renderer"
  renderer=kubectl
else
  echo "renderer: no kubectl here (Debian: kubernetes-client): the fallback renderer of packaging_checks.py renders"
  renderer=fallback
fi
i=0
for dir in "$src/packaging/k3s" "$src"/packaging/k3s/overlays/*/; do
  dir=${dir%/}; i=$((i + 1)); name=${dir#"$src/"}
  out=$work/$i.yaml
  "$python" "$checks" k8s-render "$dir" >"$work/$i.fallback.yaml" || fail "$name: fallback render"
  if [ "$renderer" = kubectl ]; then
    if kubectl kustomize "$dir" >"$out" 2>"$work/$i.err"; then
      ok "$name: kubectl kustomize renders"
      expect "$name: fallback renderer agrees with kubectl" "$python" "$checks" k8s-compare "$out" "$work/$i.fallback.yaml"
    else
      cat "$work/$i.err"; fail "$name: kubectl kustomize"
      continue
    fi
  else
    cp "$work/$i.fallback.yaml" "$out"
  fi
  mkdir -p "$work/$i.configs"
  expect "$name: rendered objects validate" "$python" "$checks" k8s-validate "$out" "$work/$i.configs"
  if can_unshare_net; then
    for config in "$work/$i.configs"/*.json; do
      listeners=$(python3 -c 'import json,sys; print(" ".join(l["name"] for l in json.load(open(sys.argv[1])).get("listeners", [])))' "$config")
      expect "$name: configuration of $(basename "$config" .json) starts terrariumd (main admin $listeners)" \
        config_starts "$PKGTEST_TERRARIUMD" "$config" /dev/null main admin $listeners
    done
  fi
done
expect "an overlay splits the services over two Deployments" grep -q '^  name: terrarium-data$' "$work"/*.yaml
finish "k3s manifests"
