#!/usr/bin/env python3
"""Checks of the packaging files that need a parser: Kubernetes manifests (rendered by kubectl
kustomize, or by the small fallback renderer below where no kubectl exists), docker-compose.yml
and the Dockerfile against the package install steps.

  packaging_checks.py k8s-render DIR                    fallback kustomize: YAML stream on stdout
  packaging_checks.py k8s-validate FILE CONFIG_DIR DOCKERFILE IMAGE
                                                        schema checks; writes each Deployment's
                                                        terrarium.json to CONFIG_DIR/<name>.json and
                                                        its container's environment (image ENV, pod
                                                        env, HOSTNAME) to CONFIG_DIR/<name>.env
  packaging_checks.py k8s-compare A B                   same objects (generator hashes aside)
  packaging_checks.py container DOCKER_DIR UNIT INSTALL_SCRIPT IMAGE
  packaging_checks.py compose-env DOCKER_DIR SERVICE    the environment a compose service's terrariumd
                                                        gets (image ENV, then the service's, with
                                                        ${VAR:-default} at its default): KEY=VALUE lines
  packaging_checks.py dockerfile-build DOCKERFILE       the build stage's cmake configure command (paths
                                                        /src and /build as in the image) and the
                                                        build context's exclusions, as bash arrays
  packaging_checks.py dockerfile-runtime DOCKERFILE     the final stage's user creation and runtime
                                                        (ENV, USER, WORKDIR, ENTRYPOINT+CMD,
                                                        HEALTHCHECK) as bash assignments, for the
                                                        install test to run them as the image does

Exit status 0 when every check passes; each failure is printed as "FAIL: <what>".
"""
import copy
import json
import os
import re
import shlex
import sys

import yaml

FAILURES = []
NAMESPACE = "edge-terrarium"
EDGE_SERVICES = ("custom-client", "service-sink", "file-storage", "logthon")
NAMESPACED_KINDS = {"ConfigMap", "Secret", "Service", "Deployment", "PersistentVolumeClaim", "ServiceAccount"}


def fail(message):
    FAILURES.append(message)
    print("FAIL: " + message)


def check(condition, message):
    if not condition:
        fail(message)
    return condition


def finish_quietly():
    if FAILURES:
        sys.exit(1)


def finish(what):
    if FAILURES:
        print(f"{what}: {len(FAILURES)} check(s) failed")
        sys.exit(1)
    print(f"{what}: all checks passed")


# ---- fallback kustomize ---------------------------------------------------------------------------

def strategic_merge(base, patch):
    """Strategic merge as kustomize applies it to the fields these manifests use: maps merge
    (a map with "$patch: replace" replaces instead), lists of maps with a "name" merge by name,
    other lists are replaced."""
    if isinstance(patch, dict) and patch.get("$patch") == "replace":
        return {key: copy.deepcopy(value) for key, value in patch.items() if key != "$patch"}
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            merged[key] = strategic_merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    if isinstance(base, list) and isinstance(patch, list) and all(isinstance(x, dict) and "name" in x for x in base + patch):
        merged = [copy.deepcopy(x) for x in base]
        for item in patch:
            for i, existing in enumerate(merged):
                if existing["name"] == item["name"]:
                    merged[i] = strategic_merge(existing, item)
                    break
            else:
                merged.append(copy.deepcopy(item))
        return merged
    return copy.deepcopy(patch)


def add_labels(obj, labels, selectors=True, templates=True):
    """commonLabels (selectors and templates too) or a "labels" entry (includeSelectors,
    includeTemplates)."""
    if not labels:
        return
    obj.setdefault("metadata", {}).setdefault("labels", {}).update(labels)
    spec = obj.get("spec", {})
    if obj["kind"] == "Service" and selectors:
        spec.setdefault("selector", {}).update(labels)
    if obj["kind"] == "Deployment":
        if selectors:
            spec.setdefault("selector", {}).setdefault("matchLabels", {}).update(labels)
        if selectors or templates:
            spec["template"].setdefault("metadata", {}).setdefault("labels", {}).update(labels)


def render(directory):
    with open(os.path.join(directory, "kustomization.yaml")) as f:
        k = yaml.safe_load(f)
    objects = []
    for entry in (k.get("bases") or []) + (k.get("resources") or []):
        path = os.path.join(directory, entry)
        if os.path.isdir(path):
            objects += render(path)
        else:
            with open(path) as f:
                objects += [d for d in yaml.safe_load_all(f) if d]
    for generator in k.get("configMapGenerator") or []:
        data = {}
        for spec in generator.get("files", []):
            key, _, source = spec.partition("=") if "=" in spec else (os.path.basename(spec), "", spec)
            with open(os.path.join(directory, source)) as f:
                data[key] = f.read()
        cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": generator["name"]}, "data": data}
        if generator.get("behavior") == "replace":
            objects = [o for o in objects if not (o["kind"] == "ConfigMap" and o["metadata"]["name"] == generator["name"])]
        objects.append(cm)
    patch_files = list(k.get("patchesStrategicMerge") or [])
    for entry in k.get("patches") or []:
        if "path" not in entry or "target" in entry:
            raise SystemExit(f"k8s-render: {directory}: only strategic-merge patches given by path are supported")
        patch_files.append(entry["path"])
    for patch_file in patch_files:
        with open(os.path.join(directory, patch_file)) as f:
            for patch in [d for d in yaml.safe_load_all(f) if d]:
                for i, o in enumerate(objects):
                    if o["kind"] == patch["kind"] and o["metadata"]["name"] == patch["metadata"]["name"]:
                        objects[i] = strategic_merge(o, patch)
                        break
                else:
                    raise SystemExit(f"k8s-render: patch {patch_file} targets no {patch['kind']} {patch['metadata']['name']}")
    for o in objects:
        if k.get("namespace") and o["kind"] != "Namespace":
            o["metadata"]["namespace"] = k["namespace"]
        if k.get("commonLabels"):
            add_labels(o, k["commonLabels"])
        for label in k.get("labels") or []:
            add_labels(o, label.get("pairs") or {}, label.get("includeSelectors", False), label.get("includeTemplates", False))
    for image in k.get("images") or []:
        for o in objects:
            if o["kind"] == "Deployment":
                pod = o["spec"]["template"]["spec"]
                for c in pod.get("containers", []) + pod.get("initContainers", []):
                    if c["image"] == image["name"]:
                        c["image"] = image["name"] + ":" + image["newTag"]
    return objects


# ---- Kubernetes object checks ----------------------------------------------------------------------

def pod_environment(name, container, image_environment):
    """The environment the terrarium container of Deployment name gets: the image's ENV, HOSTNAME
    (the pod name), then the container's env (fieldRef metadata.name is the pod name)."""
    pod = name + "-6d9c7b5f4-x2x7q"
    env = dict(image_environment)
    env["HOSTNAME"] = pod
    for e in container.get("env", []):
        if "value" in e:
            env[e["name"]] = str(e["value"])
        elif e.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "metadata.name":
            env[e["name"]] = pod
        else:
            fail(f"Deployment {name}: env {e['name']} comes from {e.get('valueFrom')}, which the test cannot reproduce")
    return env


def check_vault(where, config, service_accounts, pod):
    """The host reads its secrets from Vault with Kubernetes auth as its own ServiceAccount."""
    secrets = config.get("secrets", {})
    vault = secrets.get("vault", {})
    check(secrets.get("provider") == "vault", f"{where}: secrets.provider is not \"vault\"")
    check(re.match(r"https?://", vault.get("address", "")), f"{where}: secrets.vault.address is not an http(s) URL")
    check(vault.get("kubernetes", {}).get("role"), f"{where}: secrets.vault.kubernetes.role is not set")
    account = pod.get("serviceAccountName")
    if check(account in service_accounts, f"{where}: serviceAccountName {account} is not a rendered ServiceAccount"):
        check(service_accounts[account].get("automountServiceAccountToken") is not False
              and pod.get("automountServiceAccountToken") is not False,
              f"{where}: the ServiceAccount token Vault's Kubernetes login needs is not mounted")


def validate_k8s(path, config_dir, dockerfile, image):
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    check(docs, f"{path}: no objects rendered")
    by_kind = {}
    for d in docs:
        where = f"{d.get('kind', '?')} {d.get('metadata', {}).get('name', '?')}"
        for field in ("apiVersion", "kind", "metadata"):
            check(field in d, f"{where}: missing {field}")
        name = d.get("metadata", {}).get("name", "")
        check(re.fullmatch(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?", name or "") is not None and len(name) <= 253,
              f"{where}: metadata.name is not a DNS-1123 name")
        if d.get("kind") in NAMESPACED_KINDS:
            check(d["metadata"].get("namespace") == NAMESPACE, f"{where}: namespace is not {NAMESPACE}")
        by_kind.setdefault(d.get("kind"), {})[name] = d
    check(NAMESPACE in by_kind.get("Namespace", {}), f"the Namespace {NAMESPACE} is not rendered")

    for name, cm in by_kind.get("ConfigMap", {}).items():
        for key, text in cm.get("data", {}).items():
            if key.endswith(".json"):
                try:
                    json.loads(text)
                except ValueError as e:
                    fail(f"ConfigMap {name}: {key} is not JSON: {e}")
    secrets = by_kind.get("Secret", {})
    check(any("token" in (s.get("stringData") or {}) or "token" in (s.get("data") or {}) for s in secrets.values()),
          "no Secret holds the admin token (key \"token\")")
    for name, pvc in by_kind.get("PersistentVolumeClaim", {}).items():
        spec = pvc.get("spec", {})
        check(spec.get("accessModes"), f"PersistentVolumeClaim {name}: no accessModes")
        check(spec.get("resources", {}).get("requests", {}).get("storage"), f"PersistentVolumeClaim {name}: no storage request")

    deployments = by_kind.get("Deployment", {})
    check(deployments, "no Deployment rendered")
    pods = {}
    for name, dep in deployments.items():
        where = f"Deployment {name}"
        spec = dep.get("spec", {})
        selector = spec.get("selector", {}).get("matchLabels", {})
        template = spec.get("template", {})
        labels = template.get("metadata", {}).get("labels", {})
        check(selector and all(labels.get(k) == v for k, v in selector.items()),
              f"{where}: spec.selector.matchLabels do not match the pod template's labels")
        pod = template.get("spec", {})
        check(pod.get("containers"), f"{where}: no containers")
        check(pod.get("enableServiceLinks") is False,
              f"{where}: enableServiceLinks is not false (Kubernetes would set TERRARIUM_* variables terrariumd refuses)")
        security = pod.get("securityContext", {})
        check(security.get("runAsNonRoot") is True, f"{where}: pod securityContext.runAsNonRoot is not true")
        check(isinstance(security.get("runAsUser"), int) and security["runAsUser"] > 0, f"{where}: runAsUser is not a non-root uid")
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        for v in volumes.values():
            if "configMap" in v:
                check(v["configMap"]["name"] in by_kind.get("ConfigMap", {}), f"{where}: volume {v['name']} names a missing ConfigMap {v['configMap']['name']}")
            if "secret" in v:
                check(v["secret"]["secretName"] in secrets, f"{where}: volume {v['name']} names a missing Secret")
            if "persistentVolumeClaim" in v:
                check(v["persistentVolumeClaim"]["claimName"] in by_kind.get("PersistentVolumeClaim", {}),
                      f"{where}: volume {v['name']} names a missing PersistentVolumeClaim")
        ports = {}
        for c in pod.get("initContainers", []) + pod.get("containers", []):
            cw = f"{where} container {c.get('name')}"
            check(c.get("name") and c.get("image"), f"{cw}: name or image missing")
            res = c.get("resources", {})
            for kind in ("requests", "limits"):
                check(res.get(kind, {}).get("cpu") and res.get(kind, {}).get("memory"), f"{cw}: resources.{kind} cpu/memory missing")
            csec = c.get("securityContext", {})
            check(csec.get("allowPrivilegeEscalation") is False, f"{cw}: allowPrivilegeEscalation is not false")
            for m in c.get("volumeMounts", []):
                check(m["name"] in volumes, f"{cw}: volumeMount {m['name']} has no volume")
        for c in pod.get("containers", []):
            for p in c.get("ports", []):
                check(len(p.get("name", "")) <= 15, f"{where}: port name {p.get('name')} is longer than 15 characters")
                ports[p.get("name")] = p["containerPort"]
                ports[p["containerPort"]] = p["containerPort"]
            for probe, probe_path in (("livenessProbe", "/health"), ("readinessProbe", "/ready")):
                get = c.get(probe, {}).get("httpGet", {})
                check(get.get("path") == probe_path, f"{where}: {probe} is not an HTTP GET of {probe_path}")
                check(get.get("port") in ports, f"{where}: {probe} port {get.get('port')} is not a container port")
        config = None
        config_volume = [v for v in volumes.values() if "configMap" in v]
        for v in config_volume:
            cm = by_kind.get("ConfigMap", {}).get(v["configMap"]["name"], {})
            if "terrarium.json" in cm.get("data", {}):
                config = json.loads(cm["data"]["terrarium.json"])
        check(config is not None, f"{where}: no ConfigMap volume with terrarium.json")
        main_containers = [c for c in pod.get("containers", []) if c.get("name") == "terrarium"]
        check(main_containers, f"{where}: no container named terrarium (move-plugin.sh uses -c terrarium)")
        for c in pod.get("initContainers", []) + pod.get("containers", []):
            check(c.get("image") == image, f"{where} container {c.get('name')}: image {c.get('image')} is not {image}")
        if config is not None:
            check_vault(where, config, by_kind.get("ServiceAccount", {}), pod)
        if config is not None and config_dir and main_containers:
            with open(os.path.join(config_dir, name + ".json"), "w") as f:
                json.dump(config, f, indent=2)
            with open(os.path.join(config_dir, name + ".env"), "w") as f:
                for key, value in pod_environment(name, main_containers[0], image_env(final_stage(dockerfile))).items():
                    f.write(f"{key}={value}\n")
        pods[name] = (labels, ports, config or {})

    services = by_kind.get("Service", {})
    for wanted in EDGE_SERVICES + ("terrarium", "terrarium-admin"):
        check(wanted in services, f"no Service named {wanted}")
    for name, svc in services.items():
        where = f"Service {name}"
        selector = svc.get("spec", {}).get("selector", {})
        matched = [d for d, (labels, _, _) in pods.items() if selector and all(labels.get(k) == v for k, v in selector.items())]
        if not check(len(matched) == 1, f"{where}: selector {selector} matches {len(matched)} Deployments, expected 1"):
            continue
        labels, ports, config = pods[matched[0]]
        for p in svc["spec"].get("ports", []):
            target = p.get("targetPort", p.get("port"))
            if not check(target in ports, f"{where}: targetPort {target} is not a port of Deployment {matched[0]}"):
                continue
            number = ports[target]
            if name in EDGE_SERVICES:
                served = [l for l in config.get("listeners", []) if l.get("listen", "").endswith(":" + str(number))]
                check(served and served[0].get("plugin") == name,
                      f"{where}: Deployment {matched[0]} has no listener on port {number} serving plugin {name}")
            elif name == "terrarium":
                check(config.get("listen", "").endswith(":" + str(number)), f"{where}: port {number} is not the main listener")
            elif name == "terrarium-admin":
                check(config.get("admin", {}).get("listen", "").endswith(":" + str(number)), f"{where}: port {number} is not the admin listener")
    print(f"{path}: {len(docs)} objects, {len(deployments)} Deployment(s), Services: "
          + ", ".join(f"{n} -> {[d for d, (l, _, _) in pods.items() if all(l.get(k) == v for k, v in services[n]['spec'].get('selector', {}).items())]}" for n in sorted(services)))


# ---- container files ----------------------------------------------------------------------------

def dockerfile_instructions(path):
    text = open(path).read()
    text = re.sub(r"\\\n", " ", text)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        out.append((keyword.upper(), rest.strip()))
    return out


def exec_start(unit):
    for line in open(unit):
        if line.startswith("ExecStart="):
            return shlex.split(line[len("ExecStart="):].strip())
    raise SystemExit(f"{unit}: no ExecStart")


def final_stage(dockerfile):
    ins = dockerfile_instructions(dockerfile)
    return ins[max(i for i, (kw, _) in enumerate(ins) if kw == "FROM"):]


def image_env(final):
    """The ENV of the final stage as a dict (ENV KEY=VALUE ... and the legacy ENV KEY VALUE)."""
    env = {}
    for kw, rest in final:
        if kw != "ENV":
            continue
        words = shlex.split(rest)
        if words and "=" not in words[0]:
            env[words[0]] = " ".join(words[1:])
        else:
            env.update(w.split("=", 1) for w in words)
    return env


def image_runtime(dockerfile):
    """What the image runs, for the install test: the RUN that creates the user, ENV, USER,
    WORKDIR, ENTRYPOINT+CMD, HEALTHCHECK command, the install script's arguments."""
    final = final_stage(dockerfile)
    runs = [rest for kw, rest in final if kw == "RUN"]
    user_setup = [r for r in runs if "useradd" in r]
    install = [r for r in runs if "install-packages.sh" in r]
    entry = [json.loads(rest) for kw, rest in final if kw == "ENTRYPOINT"]
    cmd = [json.loads(rest) for kw, rest in final if kw == "CMD"]
    health = [rest for kw, rest in final if kw == "HEALTHCHECK"]
    health_cmd = ""
    if health:
        words = health[-1].split(" CMD ", 1)
        health_cmd = words[1].strip() if len(words) == 2 else ""
    workdirs = [rest for kw, rest in final if kw == "WORKDIR"]
    users = [rest for kw, rest in final if kw == "USER"]
    return {
        "user_setup": user_setup[-1] if user_setup else "",
        "install": install[-1] if install else "",
        "env": image_env(final),
        "user": users[-1] if users else "",
        "workdir": workdirs[-1] if workdirs else "/",
        "exec": (entry[-1] if entry else []) + (cmd[-1] if cmd else []),
        "healthcheck": health_cmd,
    }


def print_build(dockerfile):
    ins = dockerfile_instructions(dockerfile)
    last_from = max(i for i, (kw, _) in enumerate(ins) if kw == "FROM")
    build_stage = ins[:last_from]
    configure = []
    for kw, rest in build_stage:
        if kw == "RUN":
            for command in rest.split("&&"):
                words = shlex.split(command)
                if words[:2] == ["cmake", "-S"]:
                    configure = words
    check(configure, f"{dockerfile}: the build stage runs no 'cmake -S ... -B ...'")
    ignore = os.path.join(os.path.dirname(dockerfile), "Dockerfile.dockerignore")
    patterns = [l.strip() for l in open(ignore) if l.strip() and not l.startswith("#")] if os.path.exists(ignore) else []
    q = shlex.quote
    print("image_configure=(" + " ".join(q(w) for w in configure) + ")")
    # as tar --exclude patterns of "tar -C CONTEXT -cf - .": "**/x" at any depth, "x" at the top only
    excludes = [p[3:] if p.startswith("**/") else "./" + p for p in patterns]
    print("image_context_excludes=(" + " ".join(q(p) for p in excludes) + ")")


def compose_defaults(value):
    """A compose value with ${VAR:-default} / ${VAR-default} at their defaults and $$ unescaped."""
    value = re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}", r"\1", str(value))
    return value.replace("$$", "$")


def compose_environment(docker_dir, service):
    env = image_env(final_stage(os.path.join(docker_dir, "Dockerfile")))
    compose = yaml.safe_load(open(os.path.join(docker_dir, "docker-compose.yml")))
    if compose["services"][service].get("hostname"):
        env["HOSTNAME"] = compose["services"][service]["hostname"]   # as Docker sets it
    declared = compose["services"][service].get("environment") or {}
    if isinstance(declared, list):
        declared = dict(item.split("=", 1) for item in declared)
    env.update({k: compose_defaults(v) for k, v in declared.items()})
    return env


def print_runtime(dockerfile):
    r = image_runtime(dockerfile)
    q = shlex.quote
    print(f"image_user_setup={q(r['user_setup'])}")
    print(f"image_install={q(r['install'])}")
    print("image_env=(" + " ".join(q(f"{k}={v}") for k, v in r["env"].items()) + ")")
    print(f"image_user={q(r['user'])}")
    print(f"image_workdir={q(r['workdir'])}")
    print("image_exec=(" + " ".join(q(w) for w in r["exec"]) + ")")
    print(f"image_healthcheck={q(r['healthcheck'])}")


def validate_container(docker_dir, unit, install_script, image):
    dockerfile = os.path.join(docker_dir, "Dockerfile")
    ins = dockerfile_instructions(dockerfile)
    froms = [rest for kw, rest in ins if kw == "FROM"]
    args = dict(rest.split("=", 1) for kw, rest in ins if kw == "ARG" and "=" in rest)
    bases = [f.split()[0].replace("${DEBIAN_IMAGE}", args.get("DEBIAN_IMAGE", "")) for f in froms]
    check(len(froms) >= 2, "Dockerfile: not multi-stage")
    check(all(b == "debian:bookworm-slim" for b in bases), f"Dockerfile: stages not on debian:bookworm-slim: {bases}")
    runs = [rest for kw, rest in ins if kw == "RUN"]
    check(any("packaging/build-packages.sh" in r and "-G DEB" in r for r in runs),
          "Dockerfile: the build stage does not build the packages with packaging/build-packages.sh")
    final = ins[max(i for i, (kw, _) in enumerate(ins) if kw == "FROM"):]
    copies = [rest for kw, rest in final if kw == "COPY"]
    check(any(os.path.basename(install_script) in c for c in copies), "Dockerfile: the install script is not copied")
    final_runs = [rest for kw, rest in final if kw == "RUN"]
    check(any(re.search(r"install-packages\.sh /tmp/packages", r) for r in final_runs),
          "Dockerfile: the final stage does not install the packages with packaging/install-packages.sh")
    # The packages flow: cmake -B BUILD, build-packages.sh BUILD OUT, COPY --from=build OUT/ /tmp/packages/.
    commands = [shlex.split(c) for r in runs for c in r.split("&&")]
    configure = next((c for c in commands if c[:2] == ["cmake", "-S"]), [])
    package = next((c for c in commands if c and c[0].endswith("packaging/build-packages.sh")), [])
    build_dir = configure[configure.index("-B") + 1] if "-B" in configure else None
    check(package[1:2] == [build_dir], f"Dockerfile: build-packages.sh packages {package[1:2]}, not the configured tree {build_dir}")
    out = package[2] if len(package) > 2 else None
    check(any(re.fullmatch(rf"--from=build {re.escape(str(out))}/? /tmp/packages/?", c) for c in copies),
          f"Dockerfile: the final stage does not copy build-packages.sh's output {out} to /tmp/packages")
    # PACKAGES=prebuilt: the build stage skips its apt-get and compilation and takes the context's
    # packages/ as build-packages.sh's output; the default compiles.
    build_stage = ins[:max(i for i, (kw, _) in enumerate(ins) if kw == "FROM")]
    check(("ARG", "PACKAGES=build") in build_stage, "Dockerfile: the build stage has no ARG PACKAGES=build")
    prebuilt = [r for kw, r in build_stage if kw == "RUN" and '"$PACKAGES" = prebuilt' in r]
    check(any(re.search(rf"cp packages/terrarium\*\.deb {re.escape(str(out))}/?", r) for r in prebuilt),
          f"Dockerfile: with PACKAGES=prebuilt the build stage does not copy packages/terrarium*.deb to {out}")
    apt_runs = [r for kw, r in build_stage if kw == "RUN" and "apt-get install" in r]
    check(apt_runs and all(re.match(r'case "\$PACKAGES" in build\) ;; prebuilt\) exit 0;;', r) for r in apt_runs),
          "Dockerfile: with PACKAGES=prebuilt the build stage still installs the build dependencies")
    installs = [c for r in final_runs for c in r.split("&&") if "install-packages.sh" in shlex.split(c)[0]]
    check(len(installs) == 1 and shlex.split(installs[0]) == ["/tmp/install-packages.sh", "/tmp/packages"],
          f"Dockerfile: the package install is not exactly '/tmp/install-packages.sh /tmp/packages': {installs}")
    check(not any(re.search(r"dpkg -i|apt-get install[^&]*\.deb", r) for r in final_runs),
          "Dockerfile: installs .deb files by other means than the install script")
    users = [rest for kw, rest in final if kw == "USER"]
    check(users and users[-1].split(":")[0] not in ("0", "root"), f"Dockerfile: final USER is not a non-root user: {users}")
    check(any(kw == "HEALTHCHECK" and "/health" in rest for kw, rest in final), "Dockerfile: no HEALTHCHECK on /health")
    volumes = " ".join(rest for kw, rest in final if kw == "VOLUME")
    for v in ("/var/lib/terrarium", "/var/lib/terrarium/plugins"):
        check(f'"{v}"' in volumes, f"Dockerfile: {v} is not a VOLUME")
    exposed = " ".join(rest for kw, rest in final if kw == "EXPOSE").split()
    check("8080" in exposed and "8081" in exposed, f"Dockerfile: EXPOSE lacks 8080/8081: {exposed}")
    entry = [json.loads(rest) for kw, rest in final if kw == "ENTRYPOINT"]
    cmd = [json.loads(rest) for kw, rest in final if kw == "CMD"]
    check(entry and cmd and entry[-1] + cmd[-1] == exec_start(unit),
          f"Dockerfile: ENTRYPOINT+CMD {entry[-1:] + cmd[-1:]} differ from the unit's ExecStart {exec_start(unit)}")
    ignore = os.path.join(docker_dir, "Dockerfile.dockerignore")
    check(os.path.exists(ignore) and "build-*" in open(ignore).read(), "Dockerfile.dockerignore does not keep build dirs out")

    compose_path = os.path.join(docker_dir, "docker-compose.yml")
    compose = yaml.safe_load(open(compose_path))
    services = compose.get("services", {})
    for wanted in ("vault", "vault-init", "host-a", "host-b"):
        check(wanted in services, f"docker-compose.yml: no service {wanted}")
    declared_volumes = set((compose.get("volumes") or {}).keys())
    built = [s for s in services.values() if "build" in s]
    check(built, "docker-compose.yml: no service builds the image")
    for name, svc in services.items():
        if str(svc.get("image", "")).startswith("terrarium"):
            check(svc.get("image") == image, f"docker-compose.yml: {name} runs {svc.get('image')}, not {image}")
            check("build" in svc, f"docker-compose.yml: {name} runs {image} without building it (compose would try to pull it)")
    for b in built:
        context = os.path.normpath(os.path.join(docker_dir, b["build"]["context"]))
        check(os.path.exists(os.path.join(context, b["build"]["dockerfile"])), f"docker-compose.yml: build {b['build']} does not find the Dockerfile")
    for name, s in services.items():
        for dep in (s.get("depends_on") or {}):
            check(dep in services, f"docker-compose.yml: {name} depends on unknown service {dep}")
        for v in s.get("volumes") or []:
            source = v.split(":")[0]
            if source.startswith("."):
                check(os.path.exists(os.path.join(docker_dir, source)), f"docker-compose.yml: {name} mounts missing {source}")
            else:
                check(source in declared_volumes, f"docker-compose.yml: {name} mounts undeclared volume {source}")
    init = services.get("vault-init", {})
    seeded = " ".join(init.get("command") or [])
    for pair in ("secret/custom-client/config", "api_key=mock-api-key-12345", "database_url=postgresql://user:pass@db:5432/app",
                 "jwt_secret=mock-jwt-secret-67890", "encryption_key=mock-encryption-key-abcdef", "log_level=INFO",
                 "max_connections=100"):
        check(pair in seeded, f"docker-compose.yml: vault-init does not seed {pair}")
    check(init.get("depends_on", {}).get("vault", {}).get("condition") == "service_healthy", "docker-compose.yml: vault-init does not wait for a healthy vault")
    dirs = {}
    for host in ("host-a", "host-b"):
        s = services.get(host, {})
        mounts = {v.split(":")[1]: v.split(":")[0] for v in s.get("volumes") or []}
        source = mounts.get("/etc/terrarium/terrarium.json")
        if check(source, f"docker-compose.yml: {host} mounts no configuration"):
            config = json.load(open(os.path.join(docker_dir, source)))
            dirs[host] = config.get("plugins_dir", "")
            check(any(dirs[host].startswith(target + "/") and mounts[target] == "plugins" for target in mounts),
                  f"docker-compose.yml: {host}'s plugins_dir {dirs[host]} is not in the shared plugins volume")
            provider = config.get("secrets", {}).get("provider", "auto")
            check(provider in ("vault", "auto"), f"docker-compose.yml: {host}'s configuration reads secrets from {provider}, not Vault")
        env = compose_environment(docker_dir, host)
        vault_port = re.search(r"-dev-listen-address=[^ ]*:([0-9]+)", " ".join(services.get("vault", {}).get("command") or []))
        check(vault_port and env.get("VAULT_ADDR") == f"http://vault:{vault_port.group(1)}",
              f"docker-compose.yml: {host}'s VAULT_ADDR {env.get('VAULT_ADDR')} is not the vault service's listener")
        root_token = compose_defaults((services.get("vault", {}).get("environment") or {}).get("VAULT_DEV_ROOT_TOKEN_ID", ""))
        check(root_token and env.get("VAULT_TOKEN") == root_token, f"docker-compose.yml: {host}'s VAULT_TOKEN is not the dev server's root token")
        check(compose_defaults((init.get("environment") or {}).get("VAULT_TOKEN", "")) == root_token,
              "docker-compose.yml: vault-init does not use the dev server's root token")
        check(s.get("depends_on", {}).get("vault-init", {}).get("condition") == "service_completed_successfully",
              f"docker-compose.yml: {host} does not wait for vault-init")
    check(len(set(dirs.values())) == 2, f"docker-compose.yml: the hosts share one plugins directory: {dirs}")
    print(f"{dockerfile}: stages {bases}, USER {users[-1] if users else '?'}, ENTRYPOINT+CMD = ExecStart; "
          f"{compose_path}: services {sorted(services)}, plugins dirs {dirs}")


def normalised(path):
    """The objects of a rendered stream without generator hash suffixes, in a stable order."""
    text = re.sub(r"(terrarium(-data)?-config)-[a-z0-9]{10}", r"\1", open(path).read())
    docs = [d for d in yaml.safe_load_all(text) if d]

    def canonical(value):
        if isinstance(value, dict):
            return {k: canonical(v) for k, v in value.items() if not (k == "annotations" and not v)}
        if isinstance(value, list):
            items = [canonical(v) for v in value]
            if all(isinstance(v, dict) and "name" in v for v in items):
                items.sort(key=lambda v: v["name"])   # strategic merge may reorder named items
            return items
        return value
    return sorted(json.dumps(canonical(d), sort_keys=True) for d in docs)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "k8s-compare":
        a, b = normalised(sys.argv[2]), normalised(sys.argv[3])
        if a != b:
            import difflib
            print("\n".join(difflib.unified_diff(a, b, lineterm="")))
            fail(f"{sys.argv[2]} and {sys.argv[3]} render different objects")
        finish("k8s-compare")
        return
    if len(sys.argv) >= 3 and sys.argv[1] == "k8s-render":
        yaml.safe_dump_all(render(sys.argv[2]), sys.stdout, sort_keys=False)
        return
    if len(sys.argv) == 6 and sys.argv[1] == "k8s-validate":
        validate_k8s(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
        finish("k8s-validate " + sys.argv[2])
        return
    if len(sys.argv) == 4 and sys.argv[1] == "compose-env":
        for key, value in compose_environment(sys.argv[2], sys.argv[3]).items():
            print(f"{key}={value}")
        return
    if len(sys.argv) == 3 and sys.argv[1] == "dockerfile-build":
        print_build(sys.argv[2])
        finish_quietly()
        return
    if len(sys.argv) == 3 and sys.argv[1] == "dockerfile-runtime":
        print_runtime(sys.argv[2])
        return
    if len(sys.argv) == 6 and sys.argv[1] == "container":
        validate_container(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
        finish("container")
        return
    print(__doc__)
    sys.exit(2)


if __name__ == "__main__":
    main()
