#!/usr/bin/env bash
# Search through the gateway: POST /api/documents/search (built-in embedder, hybrid mode) against one
# tenant (medispa, or COMPANY) holding a synthetic corpus written by ../shared/peers/rag/make_corpus.py, with wrk (keep-alive,
# 2 threads, 32 connections), plus the resident memory of the gateway and the RAG service.
#
#   python3 ../shared/peers/rag/make_corpus.py --chunks 10000 --out /tmp/corpus-10000   (needs numpy)
#   scripts/bench-search.sh [corpus=/tmp/corpus-10000] [seconds=10] [mode=hybrid]
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-/tmp/corpus-10000}
SECONDS_PER_RUN=${2:-10}
MODE=${3:-hybrid}
# medispa: its max_documents (20,000) holds the 10,000-chunk corpus.
COMPANY=${COMPANY:-medispa}
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
[ -f "$CORPUS/chunks.jsonl" ] || { echo "no corpus at $CORPUS (see the header of this script)" >&2; exit 1; }
source scripts/lib/release-workdir.sh search-bench
bench_environment
"$BIN/config-service" 2>/dev/null & PIDS+=($!)
"$BIN/rag-service" 2>/dev/null & RAG_PID=$!; PIDS+=($RAG_PID)
sleep 0.5
PORT=18190
start_gateway "$PORT"

# Load the corpus into benova, 1,000 documents per bulk call.
python3 - "$CORPUS" "$WORK" "$MODE" <<'PY'
import json, sys
corpus, work, mode = sys.argv[1], sys.argv[2], sys.argv[3]
docs = [json.loads(line) for line in open(f"{corpus}/chunks.jsonl", encoding="utf-8")]
for batch in range(0, len(docs), 1000):
    body = {"documents": [{"id": d["id"], "title": d["title"], "content": d["text"]} for d in docs[batch:batch + 1000]]}
    open(f"{work}/bulk-{batch // 1000:04d}.json", "w", encoding="utf-8").write(json.dumps(body, ensure_ascii=False))
queries = [json.loads(line)["text"] for line in open(f"{corpus}/queries.jsonl", encoding="utf-8")][:200]
lua = ["bodies = {"] + ["  %s," % json.dumps(json.dumps({"query": q, "k": 10, "mode": mode}, ensure_ascii=False), ensure_ascii=False) for q in queries] + ["}"]
open(f"{work}/bodies.lua", "w", encoding="utf-8").write("\n".join(lua) + "\n")
PY
START=$(date +%s.%N)
for file in "$WORK"/bulk-*.json; do
    status=$(curl -s -o "$WORK/bulk-answer.json" -w "%{http_code}" -X POST "http://127.0.0.1:$PORT/api/documents/bulk" -H "X-API-Key: $KEY" \
        -H "X-Company-ID: $COMPANY" -H "Content-Type: application/json" --data-binary "@$file")
    [ "$status" = "201" ] || { echo "bulk load failed: $status $(head -c 300 "$WORK/bulk-answer.json")" >&2; exit 1; }
done
END=$(date +%s.%N)
CHUNKS=$(curl -s "http://127.0.0.1:$PORT/api/documents/stats" -H "X-API-Key: $KEY" -H "X-Company-ID: $COMPANY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total_chunks"])')
awk -v c="$CHUNKS" -v s="$START" -v e="$END" 'BEGIN { printf "loaded %d chunks through the gateway in %.1f s (%.0f chunks/s)\n", c, e - s, c / (e - s) }'

cat > "$WORK/search.lua" <<LUA
dofile("$WORK/bodies.lua")
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("POST", "/api/documents/search",
    {["X-API-Key"] = "$KEY", ["X-Company-ID"] = "$COMPANY", ["Content-Type"] = "application/json"},
    bodies[(counter % #bodies) + 1])
end
LUA
# Warm-up, then the measured run.
wrk -t2 -c32 -d2s -s "$WORK/search.lua" "http://127.0.0.1:$PORT" >/dev/null
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
GATEWAY_BEFORE=$(cpu_ticks $GATEWAY_PID); RAG_BEFORE=$(cpu_ticks $RAG_PID)
OUT=$(wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --latency -s "$WORK/search.lua" "http://127.0.0.1:$PORT")
GATEWAY_AFTER=$(cpu_ticks $GATEWAY_PID); RAG_AFTER=$(cpu_ticks $RAG_PID)
echo "$OUT" | grep -E "Requests/sec|Non-2xx|Socket errors|  50%|  99%"
REQUESTS=$(echo "$OUT" | awk '/requests in/ {print $1}')
awk -v g="$((GATEWAY_AFTER - GATEWAY_BEFORE))" -v r="$((RAG_AFTER - RAG_BEFORE))" -v t="$(getconf CLK_TCK)" -v n="$REQUESTS" \
    'BEGIN { printf "CPU per search: gateway %.0f µs, rag-service %.0f µs\n", g / t / n * 1e6, r / t / n * 1e6 }'
rss() { awk '/VmRSS/ {printf "%.1f MiB", $2 / 1024}' "/proc/$1/status"; }
echo "resident memory: gateway $(rss $GATEWAY_PID), rag-service $(rss $RAG_PID)"
