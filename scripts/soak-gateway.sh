#!/usr/bin/env bash
# Soak run of the gateway under attack (not a unit test): for SOAK_SECONDS (120 by default) the gateway serves
# a wrk load on GET /livez while 1,000 idle TLS connections and 200 CRLF/garbage/slow-body attackers keep
# reconnecting. Reports legitimate throughput and latency before, during and after the attack, and the
# gateway's peak resident memory during it. Targets: RSS < 200 MB, p99 < 50 ms, throughput back after.
#
#   scripts/soak-gateway.sh [attack seconds=120] [baseline seconds=15]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/dependencies.sh
ATTACK_SECONDS=${1:-120}
BASELINE_SECONDS=${2:-15}
[ "$ATTACK_SECONDS" -ge 20 ] || { echo "the attack must last at least 20 s (the load under attack skips its first 5 s and last 5 s)" >&2; exit 2; }
ensure_packages wrk curl openssl python3
source scripts/lib/release-workdir.sh gateway-soak
ulimit -n 65536 2>/dev/null || ulimit -n 16384 2>/dev/null || true
export WIRE_RUN_DIR="$WORK" LOG_LEVEL=error GATEWAY_ACCESS_LOG_OFF=1
export COMPANIES_CONFIG_FILE="$PWD/config/companies_config.json"
"$BIN/config-service" 2>/dev/null & PIDS+=($!)
for _ in $(seq 1 50); do [ -S "$WORK/config.sock" ] && break; sleep 0.1; done
HTTP_PORT=18280; HTTPS_PORT=18643
GATEWAY_HTTP_ADDRESS="tcp://127.0.0.1:$HTTP_PORT" GATEWAY_HTTPS_ADDRESS="tcp://127.0.0.1:$HTTPS_PORT" \
    GATEWAY_TLS_CERT="$WORK/cert.pem" GATEWAY_TLS_KEY="$WORK/key.pem" \
    GATEWAY_ADMIN_API_KEYS="adm_soak_key_0123456789abcdefghij" "$BIN/gateway" 2>"$WORK/gateway.log" & GATEWAY_PID=$!
PIDS+=($GATEWAY_PID)
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null && break; sleep 0.1; done

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$GATEWAY_PID/status"; }
# load NAME SECONDS → "NAME rps p50 p99" (wrk: 1 thread, 16 keep-alive connections, latency distribution)
load() {
    local out
    out=$(wrk -t1 -c16 -d"$2s" --latency "http://127.0.0.1:$HTTP_PORT/livez")
    echo "$1 $(echo "$out" | awk '/Requests\/sec/ {print $2}') $(echo "$out" | awk '$1 == "50%" {print $2}') \
$(echo "$out" | awk '$1 == "99%" {print $2}') $(echo "$out" | awk '/Non-2xx/ {print $4}')"
}

echo "==> baseline ($BASELINE_SECONDS s), gateway RSS $(rss_kib) KiB"
BASELINE=$(load baseline "$BASELINE_SECONDS")
echo "$BASELINE"

echo "==> attack ($ATTACK_SECONDS s): 1,000 idle TLS connections, 200 CRLF/garbage/slow-body attackers, wrk on /livez"
python3 scripts/lib/soak_attackers.py --http-port "$HTTP_PORT" --https-port "$HTTPS_PORT" --seconds "$ATTACK_SECONDS" \
    > "$WORK/attackers.json" & ATTACKERS=$!
PIDS+=($ATTACKERS)
PEAK=0
( while kill -0 "$ATTACKERS" 2>/dev/null; do r=$(rss_kib); echo "$r"; sleep 1; done ) > "$WORK/rss" &
sleep 5  # let the 1,000 TLS connections ramp up before measuring
UNDER=$(load under-attack "$((ATTACK_SECONDS - 10))")
echo "$UNDER"
wait "$ATTACKERS" || true
PEAK=$(sort -n "$WORK/rss" | tail -n 1)
echo "attackers: $(cat "$WORK/attackers.json")"
echo "gateway peak RSS during the attack: $PEAK KiB"

sleep 2
echo "==> recovery ($BASELINE_SECONDS s)"
AFTER=$(load recovery "$BASELINE_SECONDS")
echo "$AFTER"
kill -0 "$GATEWAY_PID" || { echo "the gateway died" >&2; exit 1; }

echo
echo "| phase | requests/s | p50 | p99 | gateway RSS |"
echo "|---|---|---|---|---|"
printf '| before the attack | %s | %s | %s | — |\n' $(echo "$BASELINE" | awk '{print $2, $3, $4}')
printf '| during the attack | %s | %s | %s | peak %s MiB |\n' $(echo "$UNDER" | awk '{print $2, $3, $4}') "$((PEAK / 1024))"
printf '| after the attack | %s | %s | %s | %s MiB |\n' $(echo "$AFTER" | awk '{print $2, $3, $4}') "$(( $(rss_kib) / 1024 ))"
