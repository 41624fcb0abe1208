#!/usr/bin/env python3
"""Validates the container and Kubernetes files offline (no Docker engine, no cluster), for the test command.

* compose.yaml against the Compose Specification's JSON schema (Tests/Fixtures/Deploy/compose-spec.json, a copy of
  the compose-spec project's schema);
* the Dockerfile with hadolint (rules in .hadolint.yaml) and its stages against compose.yaml's build targets;
* every reference against the code: each environment variable our containers set is one a service reads (or its
  `_FILE` form), each Wire address names a service listening on that port, each health check probes the port its
  service listens on with a binary the image has, each secret and volume is declared and each secret file is one
  scripts/compose-secrets.sh writes, each COPY source exists, each ENTRYPOINT is a product of Package.swift;
* deploy/kubernetes with kubernetes-validate (every manifest, strict), its kustomization's resources, and the same
  variable, port and probe checks.
Prints every problem and exits 1 when there is one.
"""
import json
import os
import re
import subprocess
import sys

import jsonschema
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
problems = []


def problem(message):
    problems.append(message)
    print("  ✘ " + message)


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
        return handle.read()


def variables_read_by_the_code():
    """Quoted upper-case names in Sources (the options' environment names) and the services' address variables."""
    names = set()
    for folder, _, files in os.walk(os.path.join(ROOT, "Sources")):
        for name in files:
            if name.endswith(".swift"):
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    names.update(re.findall(r'"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"', handle.read()))
    services = re.findall(r'case (\w+)(?: = "[^"]*")?', read("Sources/Wire/Services/ServiceNames.swift"))
    names.update("%s_SERVICE_ADDRESS" % s.upper() for s in services)
    return names


def is_read(variable, known):
    return variable in known or (variable.endswith("_FILE") and variable[:-5] in known)


def port_of(address):
    match = re.match(r"^tcp://([^:/]+):(\d+)$", address.strip())
    return (match.group(1), int(match.group(2))) if match else None


def products():
    return set(re.findall(r'\.executable\(name: "([\w-]+)"', read("Package.swift")))


def dockerfile_stages(text):
    stages, current = {}, None
    for line in text.splitlines():
        match = re.match(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", line, re.IGNORECASE)
        if match:
            current = match.group(2) or match.group(1)
            stages[current] = {"from": match.group(1), "expose": set(), "entrypoint": None, "copy": [], "env": {}}
            if match.group(1) in stages:
                stages[current]["expose"] |= stages[match.group(1)]["expose"]
                stages[current]["env"].update(stages[match.group(1)]["env"])
            continue
        if current is None:
            continue
        stage = stages[current]
        if line.startswith("EXPOSE"):
            stage["expose"] |= {int(p) for p in line.split()[1:]}
        elif line.startswith("ENTRYPOINT"):
            stage["entrypoint"] = json.loads(line[len("ENTRYPOINT"):].strip())
        elif line.startswith("COPY") and "--from=" not in line:
            stage["copy"].append(line.split()[1])
        elif line.startswith("ENV"):
            stage["env"].update(dict(re.findall(r"(\w+)=(\S+)", line)))
    return stages


def check_compose(known):
    print("== compose.yaml")
    compose = yaml.safe_load(read("compose.yaml"))
    schema = json.loads(read("Tests/Fixtures/Deploy/compose-spec.json"))
    for error in jsonschema.Draft7Validator(schema).iter_errors(compose):
        problem("compose.yaml does not follow the Compose Specification at %s: %s" % ("/".join(map(str, error.path)), error.message))
    dockerfile = read("Dockerfile")
    stages = dockerfile_stages(dockerfile)
    secrets_script = read("scripts/compose-secrets.sh")
    services = compose.get("services", {})
    declared_secrets = compose.get("secrets", {})
    declared_volumes = compose.get("volumes", {})
    listening = {}
    for name, service in services.items():
        environment = service.get("environment", {}) or {}
        target = (service.get("build") or {}).get("target")
        if target:
            listen = environment.get("WIRE_LISTEN") or environment.get("GATEWAY_WIRE_ADDRESS") or stages.get(target, {}).get("env", {}).get("WIRE_LISTEN")
            if listen and port_of(listen):
                listening[name] = port_of(listen)[1]
    for name, service in services.items():
        environment = service.get("environment", {}) or {}
        build = service.get("build")
        target = build.get("target") if isinstance(build, dict) else None
        ours = target is not None and target != "embeddings"
        if target and target not in stages:
            problem("%s builds target %s, which the Dockerfile does not have" % (name, target))
        if "healthcheck" not in service:
            problem("%s has no health check" % name)
        for dependency in (service.get("depends_on") or {}):
            if dependency not in services:
                problem("%s depends on %s, which is not a service" % (name, dependency))
        for secret in service.get("secrets", []) or []:
            secret_name = secret if isinstance(secret, str) else secret.get("source")
            if secret_name not in declared_secrets:
                problem("%s uses secret %s, which is not declared" % (name, secret_name))
        for volume in service.get("volumes", []) or []:
            source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source")
            if not source.startswith((".", "/")) and source not in declared_volumes:
                problem("%s mounts volume %s, which is not declared" % (name, source))
        for value in environment.values():
            for secret in re.findall(r"/run/secrets/(\w+)", str(value)):
                if secret not in (service.get("secrets") or []):
                    problem("%s reads /run/secrets/%s but does not mount that secret" % (name, secret))
        if not ours:
            continue
        for variable in environment:
            if not is_read(variable, known):
                problem("%s sets %s, which no service reads" % (name, variable))
        for variable, value in environment.items():
            if variable.endswith("_SERVICE_ADDRESS"):
                for address in str(value).split(","):
                    parsed = port_of(address)
                    if not parsed or parsed[0] not in services:
                        problem("%s: %s names %s, not a compose service" % (name, variable, address))
                    elif listening.get(parsed[0]) != parsed[1]:
                        problem("%s: %s names port %d but %s listens on %s" % (name, variable, parsed[1], parsed[0], listening.get(parsed[0])))
        stage = stages.get(target, {})
        port = listening.get(name)
        if port is not None and port not in stage.get("expose", set()):
            problem("%s listens on %d but its image does not EXPOSE it" % (name, port))
        test = (service.get("healthcheck") or {}).get("test", [])
        if test[:2] == ["CMD", "wire-cli"]:
            if "wire-cli" not in products():
                problem("%s's health check runs wire-cli, which Package.swift does not build" % name)
            if port_of(test[-1]) is None or port_of(test[-1])[1] != port:
                problem("%s's health check probes %s but the service listens on %s" % (name, test[-1], port))
        entry = stage.get("entrypoint") or []
        if entry and entry[0] not in products():
            problem("the %s image runs %s, which is not a product of Package.swift" % (target, entry[0]))
    for secret, spec in declared_secrets.items():
        path = (spec or {}).get("file", "")
        if not path.startswith("./deploy/secrets/") or os.path.basename(path) not in secrets_script:
            problem("secret %s comes from %s, which scripts/compose-secrets.sh does not write" % (secret, path))
    for stage in stages.values():
        for source in stage["copy"]:
            if not os.path.exists(os.path.join(ROOT, source)):
                problem("the Dockerfile copies %s, which does not exist" % source)
    for product in re.findall(r"--product ([\w-]+)", dockerfile):
        if product not in products():
            problem("the Dockerfile builds --product %s, which Package.swift does not define" % product)
    print("   %d services, %d secrets, %d volumes checked" % (len(services), len(declared_secrets), len(declared_volumes)))


def check_dockerfile(hadolint):
    print("== Dockerfile (hadolint)")
    result = subprocess.run([hadolint, "--config", os.path.join(ROOT, ".hadolint.yaml"), os.path.join(ROOT, "Dockerfile")],
                            capture_output=True, text=True)
    if result.returncode != 0:
        for line in (result.stdout + result.stderr).strip().splitlines():
            problem("hadolint: " + line)
    else:
        print("   no findings")


def check_kubernetes(known):
    folder = os.path.join(ROOT, "deploy", "kubernetes")
    if not os.path.isdir(folder):
        problem("deploy/kubernetes is missing")
        return
    print("== deploy/kubernetes")
    kustomization = yaml.safe_load(read("deploy/kubernetes/kustomization.yaml"))
    documents = []
    for resource in kustomization.get("resources", []):
        path = os.path.join(folder, resource)
        if not os.path.exists(path):
            problem("kustomization.yaml lists %s, which does not exist" % resource)
            continue
        with open(path, encoding="utf-8") as handle:
            documents += [(resource, d) for d in yaml.safe_load_all(handle) if d]
    version = kustomization.get("x-kubernetes-version") or "1.30.0"
    manifests = [os.path.join(folder, r) for r in kustomization.get("resources", []) if os.path.exists(os.path.join(folder, r))]
    result = subprocess.run([os.path.join(os.path.dirname(sys.executable), "kubernetes-validate"), "--strict", "-k", version, *manifests],
                            capture_output=True, text=True)
    lines = (result.stdout + result.stderr).strip().splitlines()
    for line in lines:
        if "ERROR" in line or (result.returncode != 0 and "INFO" not in line):
            problem("kubernetes-validate: " + line)
    print("   kubernetes-validate (Kubernetes %s, strict): %d documents valid" % (version, sum("INFO" in line for line in lines)))
    kinds = {}
    for resource, document in documents:
        kinds.setdefault(document.get("kind"), []).append(document["metadata"]["name"])
        if document.get("kind") != "Deployment":
            continue
        name = document["metadata"]["name"]
        for container in document["spec"]["template"]["spec"]["containers"]:
            for variable in container.get("env", []):
                if not is_read(variable["name"], known):
                    problem("%s sets %s, which no service reads" % (name, variable["name"]))
                if "value" in variable and re.search(r"(?i)(secret|password|key)$", variable["name"]) and not str(variable["value"]).startswith("/"):
                    problem("%s puts %s in the manifest instead of a secret reference" % (name, variable["name"]))
            for probe in ("readinessProbe", "livenessProbe"):
                if probe not in container:
                    problem("%s has no %s" % (name, probe))
    for needed in ("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"):
        if needed not in kinds:
            problem("deploy/kubernetes has no %s" % needed)
    if "StatefulSet" in kinds:
        problem("deploy/kubernetes has a StatefulSet: Redis and PostgreSQL are external")
    print("   %s" % ", ".join("%d %s" % (len(v), k) for k, v in sorted(kinds.items())))


def main():
    hadolint = os.path.join(os.path.dirname(sys.executable), "hadolint")
    known = variables_read_by_the_code()
    check_compose(known)
    check_dockerfile(hadolint)
    check_kubernetes(known)
    if problems:
        print("%d problem(s)" % len(problems))
        sys.exit(1)
    print("container and Kubernetes files: valid")


if __name__ == "__main__":
    main()
