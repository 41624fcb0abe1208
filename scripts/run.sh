#!/usr/bin/env bash
# Runs the whole system locally: installs the system libraries if missing, builds in release mode, and
# starts the five services on Unix sockets under .run/ with embedded defaults (no Redis or PostgreSQL).
# Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/dependencies.sh

ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}"
echo "==> building (release)"
swift build -c release
BIN=$(swift build -c release --show-bin-path)
exec "$BIN/launcher" --run-dir "${WIRE_RUN_DIR:-.run}" --bin-dir "$BIN" "$@"
