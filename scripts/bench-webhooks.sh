#!/usr/bin/env bash
# Chatwoot webhooks under load: signed message_created deliveries at a fixed rate (open loop, timed from
# each delivery's due time) into POST /api/webhook/chatwoot, with the built-in providers and a knowledge
# base loaded; the agent service answers through a local fake Chatwoot (Tests/Tools/fake_chatwoot.py) that
# logs every call. Reports the acknowledgement latency (p50/p99/max), how long processing took to drain,
# and checks that every accepted message got exactly one reply; the CPU and resident memory of the gateway
# and the agent service. INBOX=redis runs the Redis Streams inbox (a throwaway redis-server on port 18197).
# With FLASK_PEER=/path/to/flask-hello (../shared/peers, gunicorn installed), the same deliveries go to the
# original stack's POST /api/echo in the same run, as the anchor (it only parses and echoes them; the
# original answered inside the webhook request, which is slower still).
#
#   scripts/bench-webhooks.sh [rate=500] [seconds=60]
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${1:-500}
SECONDS_PER_RUN=${2:-60}
source scripts/lib/release-workdir.sh webhook-bench
bench_environment
PORT=18195
CHATWOOT_PORT=18198
python3 - "$WORK" "$CHATWOOT_PORT" <<'PY'
import json, sys
work, port = sys.argv[1], sys.argv[2]
companies = json.load(open("config/companies_config.json", encoding="utf-8"))
for company, account in (("benova", "7"), ("medispa", "8")):
    companies[company]["chatwoot"] = {"base_url": f"http://127.0.0.1:{port}", "api_access_token": f"token-{account}",
                                      "webhook_secret": f"secret-{account}", "require_signature": True}
json.dump(companies, open(f"{work}/companies.json", "w", encoding="utf-8"), ensure_ascii=False)
PY
export COMPANIES_CONFIG_FILE="$WORK/companies.json"
python3 Tests/Tools/fake_chatwoot.py --port "$CHATWOOT_PORT" --calls "$WORK/calls.jsonl" --token 7=token-7 --token 8=token-8 --no-fsync \
    2>"$WORK/fake.log" & FAKE_PID=$!; PIDS+=($FAKE_PID)
if [ "${INBOX:-sqlite}" = "redis" ]; then
    redis-server --port 18197 --save "" --appendonly no >/dev/null & PIDS+=($!)
    export REDIS_URL=redis://127.0.0.1:18197 WEBHOOK_INBOX_STORE=redis
fi
"$BIN/config-service" 2>/dev/null & PIDS+=($!)
"$BIN/rag-service" 2>/dev/null & RAG_PID=$!; PIDS+=($RAG_PID)
"$BIN/agent-service" 2>"$WORK/agent.log" & AGENT_PID=$!; PIDS+=($AGENT_PID)
sleep 0.5
start_gateway "$PORT"
for company in benova medispa; do
    python3 - "$company" > "$WORK/bulk.json" <<'PY'
import json, sys
docs = [d for d in json.load(open("Tests/Fixtures/Retrieval/documents.json", encoding="utf-8")) if d["company_id"] == sys.argv[1]]
print(json.dumps({"documents": [{"id": d["id"], "title": d["title"], "content": d["content"]} for d in docs]}, ensure_ascii=False))
PY
    curl -sf -o /dev/null -X POST "http://127.0.0.1:$PORT/api/documents/bulk" -H "X-API-Key: $KEY" -H "X-Company-ID: $company" \
        -H "Content-Type: application/json" --data-binary "@$WORK/bulk.json"
done
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
G0=$(cpu_ticks $GATEWAY_PID); A0=$(cpu_ticks $AGENT_PID); R0=$(cpu_ticks $RAG_PID); F0=$(cpu_ticks $FAKE_PID)
echo "== inbox: ${INBOX:-sqlite}, $RATE deliveries/s for ${SECONDS_PER_RUN}s"
set +e
python3 scripts/lib/webhook_load.py --port "$PORT" --calls "$WORK/calls.jsonl" --admin-key "$KEY" --rate "$RATE" --seconds "$SECONDS_PER_RUN" \
    --secret 7=secret-7 --secret 8=secret-8
STATUS=$?
set -e
G1=$(cpu_ticks $GATEWAY_PID); A1=$(cpu_ticks $AGENT_PID); R1=$(cpu_ticks $RAG_PID); F1=$(cpu_ticks $FAKE_PID)
awk -v g="$((G1 - G0))" -v a="$((A1 - A0))" -v r="$((R1 - R0))" -v f="$((F1 - F0))" -v t="$(getconf CLK_TCK)" \
    'BEGIN { printf "CPU over the run: gateway %.1f s, agent %.1f s, rag %.1f s, fake Chatwoot %.1f s\n", g / t, a / t, r / t, f / t }'
echo "resident memory after: gateway $(rss_mb $GATEWAY_PID) MB, agent $(rss_mb $AGENT_PID) MB"
echo "agent log lines at warning or above: $(grep -c "warning\|error" "$WORK/agent.log" || true)"
if [ -n "${FLASK_PEER:-}" ]; then
    (cd "$FLASK_PEER" && exec gunicorn -w 2 -b 127.0.0.1:18196 app:app) >/dev/null 2>&1 & PIDS+=($!)
    for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:18196/api/health" >/dev/null && break; sleep 0.1; done
    echo "== peer: Flask + gunicorn (2 sync workers) POST /api/echo, the same deliveries"
    python3 scripts/lib/webhook_load.py --port 18196 --path /api/echo --calls /dev/null --admin-key none --rate "$RATE" \
        --seconds "$SECONDS_PER_RUN" --secret 7=secret-7 --secret 8=secret-8 | grep -E "acknowledgements|latency"
fi
exit $STATUS
