#!/usr/bin/env bash
# Gateway HTTP benchmark with wrk: GET /livez and GET /api/health (which fans out to the four services
# over Wire), 64 connections, over plain HTTP and over TLS (keep-alive), plus the gateway's CPU time per
# request. With HUMMINGBIRD_HELLO=/path/to/HummingbirdHello (../shared/peers/hummingbird-hello, built
# outside this repository) the peer's GET /api/health is measured in the same rounds, alternating. With
# BASELINE_BIN=/path/to/another/build/release, that build's gateway (and config service) is measured on
# GET /livez in the same rounds too, to compare two versions of the code on the same machine at the same time.
#
#   scripts/bench-gateway.sh [rounds=3] [seconds=10]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECONDS_PER_RUN=${2:-10}
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
source scripts/lib/release-workdir.sh gateway-bench
export WIRE_RUN_DIR="$WORK" LOG_LEVEL=warning GATEWAY_ACCESS_LOG_OFF=1
export COMPANIES_CONFIG_FILE="$PWD/config/companies_config.json"
for service in config rag media agent; do
    "$BIN/$service-service" 2>/dev/null & PIDS+=($!)
done
sleep 0.5
HTTP_PORT=18180; HTTPS_PORT=18543; PEER_PORT=18181
GATEWAY_HTTP_ADDRESS="tcp://127.0.0.1:$HTTP_PORT" GATEWAY_HTTPS_ADDRESS="tcp://127.0.0.1:$HTTPS_PORT" \
    GATEWAY_TLS_CERT="$WORK/cert.pem" GATEWAY_TLS_KEY="$WORK/key.pem" \
    GATEWAY_ADMIN_API_KEYS="adm_benchmark_key_0123456789abcdef" "$BIN/gateway" 2>/dev/null & GATEWAY_PID=$!
PIDS+=($GATEWAY_PID)
BASELINE_PID=""
if [ -n "${BASELINE_BIN:-}" ]; then
    mkdir -p "$WORK/baseline"
    WIRE_RUN_DIR="$WORK/baseline" "$BASELINE_BIN/config-service" 2>/dev/null & PIDS+=($!)
    sleep 0.5
    WIRE_RUN_DIR="$WORK/baseline" GATEWAY_HTTP_ADDRESS="tcp://127.0.0.1:18182" \
        GATEWAY_ADMIN_API_KEYS="adm_benchmark_key_0123456789abcdef" "$BASELINE_BIN/gateway" 2>/dev/null & BASELINE_PID=$!
    PIDS+=($BASELINE_PID)
    for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:18182/readyz" >/dev/null && break; sleep 0.1; done
fi
PEER_PID=""
if [ -n "${HUMMINGBIRD_HELLO:-}" ]; then
    "$HUMMINGBIRD_HELLO" "$PEER_PORT" >/dev/null 2>&1 & PEER_PID=$!
    PIDS+=($PEER_PID)
fi
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null && break; sleep 0.1; done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICKS=$(getconf CLK_TCK)

# run NAME PID URL → appends "NAME rps p50 p99 cpu_us" to $WORK/results
run() {
    local name=$1 pid=$2 url=$3 before after out requests rps p50 p99 cpu
    before=$(cpu_ticks "$pid")
    out=$(wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency "$url")
    after=$(cpu_ticks "$pid")
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    cpu=$(awk -v d="$((after - before))" -v t="$TICKS" -v n="$requests" 'BEGIN { printf "%.1f", d / t / n * 1e6 }')
    echo "$name $rps $p50 $p99 $cpu" | tee -a "$WORK/results"
}

for round in $(seq 1 "$ROUNDS"); do
    echo "== round $round"
    run "gateway-livez-http" "$GATEWAY_PID" "http://127.0.0.1:$HTTP_PORT/livez"
    [ -n "$PEER_PID" ] && run "hummingbird-health-http" "$PEER_PID" "http://127.0.0.1:$PEER_PORT/api/health"
    [ -n "$BASELINE_PID" ] && run "baseline-livez-http" "$BASELINE_PID" "http://127.0.0.1:18182/livez"
    run "gateway-livez-tls" "$GATEWAY_PID" "https://127.0.0.1:$HTTPS_PORT/livez"
    run "gateway-health-http" "$GATEWAY_PID" "http://127.0.0.1:$HTTP_PORT/api/health"
    run "gateway-health-tls" "$GATEWAY_PID" "https://127.0.0.1:$HTTPS_PORT/api/health"
done

echo
echo "| run | requests/s (median) | p50 | p99 | gateway/peer CPU per request |"
echo "|---|---|---|---|---|"
for name in gateway-livez-http hummingbird-health-http baseline-livez-http gateway-livez-tls gateway-health-http gateway-health-tls; do
    grep "^$name " "$WORK/results" >/dev/null 2>&1 || continue
    grep "^$name " "$WORK/results" | sort -k2 -n | awk -v n="$name" '
        { rows[NR] = $0 } END { split(rows[int((NR + 1) / 2)], f, " ");
          printf "| %s | %s | %s | %s | %s µs |\n", n, f[2], f[3], f[4], f[5] }'
done
