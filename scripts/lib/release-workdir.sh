# Shared setup of the benchmark and soak scripts (sourced): builds the release binaries, sets BIN to their
# folder, makes a throwaway WORK folder with a self-signed certificate (cert.pem, key.pem), and kills
# every process whose pid is added to PIDS, then removes WORK, when the script exits. bench_environment and
# start_gateway are the benchmarks' shared set-up.
#
#   source scripts/lib/release-workdir.sh NAME     (WORK is /tmp/NAME.XXXXXX)
swift build -c release 2>&1 | tail -n 1
BIN=$(swift build -c release --show-bin-path)
WORK=$(mktemp -d "/tmp/$1.XXXXXX")
export DATA_DIR="$WORK/data"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj '/CN=localhost' -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null

# The benchmarks' service environment: quiet logs, the shipped companies, rate limits out of the way, and
# one admin key (KEY).
bench_environment() {
    export WIRE_RUN_DIR="$WORK" LOG_LEVEL=warning GATEWAY_ACCESS_LOG_OFF=1
    export COMPANIES_CONFIG_FILE="$PWD/config/companies_config.json"
    export RATE_LIMIT_BASIC=100000 RATE_LIMIT_PROFESSIONAL=100000 RATE_LIMIT_ENTERPRISE=100000 RATE_LIMIT_PER_KEY=100000
    KEY="adm_benchmark_key_0123456789abcdef"
}

# start_gateway PORT: the gateway on 127.0.0.1:PORT (its pid in GATEWAY_PID), waited for until it is ready.
start_gateway() {
    GATEWAY_HTTP_ADDRESS="tcp://127.0.0.1:$1" GATEWAY_ADMIN_API_KEYS="$KEY" "$BIN/gateway" 2>/dev/null & GATEWAY_PID=$!
    PIDS+=($GATEWAY_PID)
    for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$1/readyz" >/dev/null && break; sleep 0.1; done
}
