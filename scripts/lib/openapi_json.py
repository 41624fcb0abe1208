#!/usr/bin/env python3
"""Writes panel/docs/openapi.json from docs/openapi.yaml (the panel's /docs page reads JSON: a browser has no YAML
parser, and the panel has no build step). With --check, fails when the committed JSON is not the YAML's.

  openapi_json.py [--check]
"""
import json
import os
import sys

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
source = os.path.join(ROOT, "docs", "openapi.yaml")
target = os.path.join(ROOT, "panel", "docs", "openapi.json")
with open(source, encoding="utf-8") as handle:
    text = json.dumps(yaml.safe_load(handle), ensure_ascii=False, indent=1, sort_keys=False) + "\n"
if "--check" in sys.argv:
    current = open(target, encoding="utf-8").read() if os.path.exists(target) else ""
    if current != text:
        print("panel/docs/openapi.json is not docs/openapi.yaml's: run scripts/lib/openapi_json.py", file=sys.stderr)
        sys.exit(1)
    print("panel/docs/openapi.json matches docs/openapi.yaml")
else:
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(text)
    print("wrote " + os.path.relpath(target, ROOT))
