#!/usr/bin/env bash
# Resilience and load run (scripts/lib/resilience.py): the whole system on Redis and PostgreSQL under a mixed
# workload of chats, searches, document writes, bookings and signed webhooks; each service is SIGKILLed and
# restarted in turn, then Redis and PostgreSQL are restarted; prints the error rates and recovery times and
# audits that no accepted write was lost or duplicated. Installs what it needs (redis-server, PostgreSQL).
#
#   scripts/resilience.sh [--outage 2] [--settle 5] [--workers 6] [--report FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/dependencies.sh
ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}" redis-server postgresql
swift build -c release 2>&1 | tail -n 1
WORK=$(mktemp -d /tmp/resilience.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
python3 scripts/lib/resilience.py --bin "$(swift build -c release --show-bin-path)" --work "$WORK" "$@"
