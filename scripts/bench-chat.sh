#!/usr/bin/env bash
# Chat through the gateway: POST /api/conversations/{user_id}/test with the built-in providers (router,
# grounded responder, built-in embedder) and a knowledge base loaded (Tests/Fixtures/Retrieval's clinic
# documents for benova, medispa and dental), with wrk (keep-alive, 2 threads, 32 connections). The messages
# are the router set's non-emergency ones (an emergency pauses the bot, which would make later turns
# trivial), spread over 500 users per company so memory windows fill and turn over as in production.
# Reports requests/s, p50/p99 and the CPU and resident memory of the gateway, agent and RAG services.
# With FLASK_PEER=/path/to/flask-hello (../shared/peers, gunicorn installed), the original stack's
# POST /api/echo is measured in the same run as the speed anchor.
#
#   scripts/bench-chat.sh [seconds=10] [connections=32]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
CONNECTIONS=${2:-32}
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
source scripts/lib/release-workdir.sh chat-bench
bench_environment
"$BIN/config-service" 2>/dev/null & PIDS+=($!)
"$BIN/rag-service" 2>/dev/null & RAG_PID=$!; PIDS+=($RAG_PID)
"$BIN/agent-service" 2>/dev/null & AGENT_PID=$!; PIDS+=($AGENT_PID)
sleep 0.5
PORT=18195
start_gateway "$PORT"

python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
docs = json.load(open("Tests/Fixtures/Retrieval/documents.json", encoding="utf-8"))
for company in sorted({d["company_id"] for d in docs}):
    body = {"documents": [{"id": d["id"], "title": d["title"], "content": d["content"], "metadata": d.get("metadata") or {}}
                          for d in docs if d["company_id"] == company]}
    open(f"{work}/bulk-{company}.json", "w", encoding="utf-8").write(json.dumps(body, ensure_ascii=False))
messages = [m["text"] for m in json.load(open("Tests/Fixtures/Router/messages.json", encoding="utf-8"))["messages"]
            if "emergency" not in m["intents"]]
lua = ["bodies = {"] + ["  %s," % json.dumps(json.dumps({"message": t}, ensure_ascii=False), ensure_ascii=False) for t in messages] + ["}"]
open(f"{work}/bodies.lua", "w", encoding="utf-8").write("\n".join(lua) + "\n")
print(f"{len(messages)} messages, documents for {len({d['company_id'] for d in docs})} companies")
PY
for file in "$WORK"/bulk-*.json; do
    company=$(basename "$file" .json); company=${company#bulk-}
    status=$(curl -s -o "$WORK/bulk-answer.json" -w "%{http_code}" -X POST "http://127.0.0.1:$PORT/api/documents/bulk" -H "X-API-Key: $KEY" \
        -H "X-Company-ID: $company" -H "Content-Type: application/json" --data-binary "@$file")
    [ "$status" = "201" ] || { echo "bulk load failed for $company: $status $(head -c 300 "$WORK/bulk-answer.json")" >&2; exit 1; }
done

cat > "$WORK/chat.lua" <<LUA
dofile("$WORK/bodies.lua")
companies = {"benova", "medispa", "dental"}
counter = 0
request = function()
  counter = counter + 1
  local company = companies[(counter % #companies) + 1]
  return wrk.format("POST", "/api/conversations/bench-" .. (counter % 500) .. "/test",
    {["X-API-Key"] = "$KEY", ["X-Company-ID"] = company, ["Content-Type"] = "application/json"},
    bodies[(counter % #bodies) + 1])
end
response = function(status, headers, body)
  if status ~= 200 then io.stderr:write("status " .. status .. ": " .. body:sub(1, 200) .. "\n") end
end
LUA
# Warm-up, then the measured run.
wrk -t2 -c"$CONNECTIONS" -d2s -s "$WORK/chat.lua" "http://127.0.0.1:$PORT" >/dev/null 2>"$WORK/warmup-errors"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
G0=$(cpu_ticks $GATEWAY_PID); A0=$(cpu_ticks $AGENT_PID); R0=$(cpu_ticks $RAG_PID)
OUT=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$WORK/chat.lua" "http://127.0.0.1:$PORT" 2>"$WORK/errors")
G1=$(cpu_ticks $GATEWAY_PID); A1=$(cpu_ticks $AGENT_PID); R1=$(cpu_ticks $RAG_PID)
echo "== chat through the gateway ($CONNECTIONS connections, ${SECONDS_PER_RUN}s)"
echo "$OUT" | grep -E "Requests/sec|Non-2xx|Socket errors|  50%|  90%|  99%"
[ -s "$WORK/errors" ] && { echo "errors:"; sort "$WORK/errors" | uniq -c | head -5; }
REQUESTS=$(echo "$OUT" | awk '/requests in/ {print $1}')
awk -v g="$((G1 - G0))" -v a="$((A1 - A0))" -v r="$((R1 - R0))" -v t="$(getconf CLK_TCK)" -v n="$REQUESTS" \
    'BEGIN { printf "CPU per chat: gateway %.0f µs, agent %.0f µs, rag %.0f µs\n", g / t / n * 1e6, a / t / n * 1e6, r / t / n * 1e6 }'
echo "resident memory: gateway $(rss_mb $GATEWAY_PID) MB, agent $(rss_mb $AGENT_PID) MB, rag $(rss_mb $RAG_PID) MB"
curl -s "http://127.0.0.1:$PORT/api/companies/benova/stats" -H "X-API-Key: $KEY" | python3 -c '
import json, sys; s = json.load(sys.stdin); p = s["performance"]
print("agent service per turn (its own log): avg %.2f ms, p95 %.2f ms, retrieval %.2f ms, classification %.3f ms over %d turns" % (
    p["avg_response_time_ms"], p["p95_response_time_ms"], p["rag_search_time_ms"], p["agent_classification_time_ms"], s["statistics"]["messages"]))'

if [ -n "${FLASK_PEER:-}" ]; then
    (cd "$FLASK_PEER" && exec gunicorn -w 2 -b 127.0.0.1:18196 app:app) >/dev/null 2>&1 & PIDS+=($!)
    for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:18196/api/health" >/dev/null && break; sleep 0.1; done
    cat > "$WORK/echo.lua" <<LUA
dofile("$WORK/bodies.lua")
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("POST", "/api/echo", {["Content-Type"] = "application/json"}, bodies[(counter % #bodies) + 1])
end
LUA
    echo "== peer: Flask + gunicorn (2 sync workers) POST /api/echo, the same bodies"
    wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$WORK/echo.lua" "http://127.0.0.1:18196" | grep -E "Requests/sec|Socket errors|  50%|  99%"
fi
