#!/usr/bin/env python3
"""Generated-input run of the HTTP API against a running system: schemathesis from docs/openapi.yaml.

Seeds a little real data (a tenant API key, a document, a conversation, an appointment) so that generated
requests also reach existing resources, then runs schemathesis twice: with the tenant key (its own company's
endpoints, and every admin endpoint refused) and with the admin key (everything, deletions included, last).
Every response is checked: no 5xx, every status code documented, the documented content type and the
response schema where one is given. Prints one summary line per phase and a total; exits non-zero on any
failure, on a schemathesis error, or when fewer than --min-requests requests were sent (counted by the
gateway itself, from its /metrics).

Usage: api_fuzz.py --base http://127.0.0.1:8080 --admin-key adm_... --spec docs/openapi.yaml
                   --schemathesis ~/.cache/.../api-venv/bin/schemathesis --artefacts .build/test-artefacts/api-fuzz
"""
import argparse
import json
import os
import re
import subprocess
import sys
import urllib.request

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def call(base, method, path, key, body=None, company=None):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("X-API-Key", key)
    if company:
        request.add_header("X-Company-ID", company)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def requests_served(base, admin_key):
    """The gateway's own count of answered HTTP requests (every route and status)."""
    status, body = call(base, "GET", "/metrics", admin_key)
    if status != 200:
        raise SystemExit(f"cannot read /metrics: {status} {body[:200]!r}")
    total = 0.0
    for line in body.decode().splitlines():
        match = re.match(r"^gateway_http_(requests|rejected)_total(\{[^}]*\})? ([0-9.e+]+)$", line)
        if match:
            total += float(match.group(3))
    return int(total)


def seed(base, admin_key):
    status, body = call(base, "POST", "/api/admin/companies/benova/api-keys", admin_key, {"name": "api-fuzz"})
    if status not in (200, 201):
        raise SystemExit(f"cannot create a tenant key: {status} {body[:300]!r}")
    tenant_key = json.loads(body)["api_key"]
    steps = [
        ("POST", "/api/documents", {"title": "Precios", "content": "# Precios\nEl botox cuesta 220 € por zona.", "id": "precios"}),
        ("POST", "/api/conversations/fuzz-user/test", {"message": "¿Cuánto cuesta el botox?"}),
    ]
    for method, path, payload in steps:
        status, body = call(base, method, path, tenant_key, payload)
        if status >= 300:
            raise SystemExit(f"seeding {method} {path}: {status} {body[:300]!r}")
    status, body = call(base, "GET", "/api/appointments/availability?treatment=botox&limit=1", tenant_key)
    slots = json.loads(body).get("slots", []) if status == 200 else []
    if slots:
        call(base, "POST", "/api/appointments", tenant_key, {
            "treatment": "botox", "start": slots[0]["start"], "idempotency_key": "api-fuzz-1",
            "patient": {"full_name": "Ana Ruiz", "id_number": "12345678", "phone": "+34 600 111 222"}})
    return tenant_key


def run_phase(name, args, key):
    report = os.path.join(args.artefacts, f"{name}.xml")
    log = os.path.join(args.artefacts, f"{name}.log")
    command = [args.schemathesis, "run", args.spec, "--url", args.base, "-H", f"X-API-Key: {key}", "--checks", CHECKS,
               "--phases", "examples,coverage,fuzzing", "--max-examples", str(args.max_examples), "--workers", "1",
               "--seed", str(args.seed), "--no-color", "--report", "junit", "--report-junit-path", report,
               "--suppress-health-check", "all", "--request-timeout", "40"]
    with open(log, "w") as output:
        status = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT).returncode
    text = open(log).read()
    generated = sum(int(n) for n in re.findall(r"(\d+) generated", text))
    failures = re.findall(r"^\s*❌ (ST\d+ [^:]+): (\d+)", text, re.M)
    errors = re.findall(r"^\s*🚫 ([^:]+): (\d+)", text, re.M)
    print(f"{name}: schemathesis exit {status}, {generated} test cases, failures {failures or 'none'}, errors {errors or 'none'} (log {log})")
    return status, generated, text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--admin-key", required=True)
    parser.add_argument("--spec", required=True)
    parser.add_argument("--schemathesis", required=True)
    parser.add_argument("--artefacts", required=True)
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--min-requests", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args()
    os.makedirs(args.artefacts, exist_ok=True)

    tenant_key = seed(args.base, args.admin_key)
    before = requests_served(args.base, args.admin_key)
    results = [run_phase("tenant", args, tenant_key), run_phase("admin", args, args.admin_key)]
    sent = requests_served(args.base, args.admin_key) - before
    ok = all(status == 0 for status, _, _ in results) and sent >= args.min_requests
    print(f"total: {sum(g for _, g, _ in results)} test cases, {sent} requests answered by the gateway (at least {args.min_requests} needed): "
          + ("passed" if ok else "FAILED"))
    if not ok:
        for status, _, text in results:
            if status != 0:
                print(text[-20000:])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
