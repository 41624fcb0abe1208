#!/usr/bin/env bash
# The built-in image understanding: Tesseract OCR of a 1-megapixel screenshot (1280×800, a clinic's web page
# drawn by ImageMagick), alone (media-bench, with the media service's TesseractOCR) and, in the same run, the
# peer a script would use: the `tesseract` command per image (spa+eng). Then POST /api/multimedia/process-image
# through the gateway, media, agent and RAG services (release builds): p50/p99 and images/s at 1 and 2
# concurrent clients, and the services' resident memory.
#
#   scripts/bench-media.sh [requests=40]
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-40}
command -v tesseract >/dev/null || { echo "tesseract is required (apt-get install tesseract-ocr tesseract-ocr-spa)" >&2; exit 1; }
[ -x /usr/bin/convert ] || { echo "ImageMagick is required (apt-get install imagemagick)" >&2; exit 1; }
source scripts/lib/release-workdir.sh media-bench
bench_environment

# A 1280×800 screenshot: a header bar, a title, a price table and a promotion.
SHOT="$WORK/screenshot.png"
/usr/bin/convert -size 1280x800 xc:'#fafafa' \
    -fill '#2d4a7a' -draw 'rectangle 0,0 1280,90' -fill white -font DejaVu-Sans-Bold -pointsize 34 -annotate +40+60 'Clínica Benova · Medicina estética' \
    -fill '#202020' -font DejaVu-Sans-Bold -pointsize 30 -annotate +40+160 'Tratamientos y precios 2026' \
    -font DejaVu-Sans -pointsize 24 \
    -annotate +40+220 'Toxina botulínica (botox), por zona ............ 250 €' \
    -annotate +40+265 'Ácido hialurónico, labios (1 ml) ................ 300 €' \
    -annotate +40+310 'Limpieza facial profunda ........................ 60 €' \
    -annotate +40+355 'Peeling químico medio ............................ 120 €' \
    -annotate +40+400 'Mesoterapia facial con vitaminas ............... 90 €' \
    -fill '#a02050' -draw 'rectangle 40,450 1240,560' -fill white -font DejaVu-Sans-Bold -pointsize 30 \
    -annotate +70+500 'Promoción de diciembre: 20% de descuento en botox' -font DejaVu-Sans -pointsize 22 \
    -annotate +70+538 'Válida hasta el 15 de diciembre. Reserva tu cita por WhatsApp.' \
    -fill '#404040' -pointsize 20 -annotate +40+620 'Horario: lunes a viernes de 8:00 a 18:00, sábados de 9:00 a 13:00.' \
    -annotate +40+655 'Calle 93 # 14-20, Bogotá · Teléfono +57 601 555 0101' "$SHOT"
echo "== screenshot: $(identify -format '%wx%h' "$SHOT"), $(( $(stat -c %s "$SHOT") / 1024 )) KB"

echo "== OCR alone (media-bench, TesseractOCR spa+eng)"
"$BIN/media-bench" ocr "$SHOT" --runs "$REQUESTS" --concurrency 1
"$BIN/media-bench" ocr "$SHOT" --runs "$REQUESTS" --concurrency 2

echo "== peer: the tesseract command per image (spa+eng), the same screenshot"
python3 - "$SHOT" "$REQUESTS" <<'PY'
import subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
shot, runs = sys.argv[1], int(sys.argv[2])
def once(_):
    start = time.perf_counter()
    subprocess.run(["tesseract", shot, "-", "-l", "spa+eng"], check=True, capture_output=True, env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})
    return (time.perf_counter() - start) * 1000
for workers in (1, 2):
    once(0)
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        latencies = sorted(pool.map(once, range(runs)))
    elapsed = time.perf_counter() - start
    pick = lambda p: latencies[min(len(latencies) - 1, max(0, int(len(latencies) * p + 0.999999) - 1))]
    print("tesseract command: %d reads, concurrency %d: p50 %.0f ms, p99 %.0f ms, %.2f images/s" % (runs, workers, pick(0.5), pick(0.99), runs / elapsed))
PY

"$BIN/config-service" 2>/dev/null & PIDS+=($!)
"$BIN/rag-service" 2>/dev/null & RAG_PID=$!; PIDS+=($RAG_PID)
"$BIN/agent-service" 2>/dev/null & AGENT_PID=$!; PIDS+=($AGENT_PID)
"$BIN/media-service" 2>/dev/null & MEDIA_PID=$!; PIDS+=($MEDIA_PID)
sleep 0.5
PORT=18197
start_gateway "$PORT"

echo "== POST /api/multimedia/process-image through the gateway (OCR + the agents' answer)"
python3 - "$PORT" "$KEY" "$SHOT" "$REQUESTS" <<'PY'
import http.client, json, sys, time, uuid
from concurrent.futures import ThreadPoolExecutor
port, key, shot, runs = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
image = open(shot, "rb").read()
boundary = "bench-" + uuid.uuid4().hex
def body(user):
    parts = []
    for name, value in (("user_id", user), ("question", "¿Sigue vigente la promoción del botox?")):
        parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, name, value)).encode())
    parts.append(("--%s\r\nContent-Disposition: form-data; name=\"image\"; filename=\"shot.png\"\r\nContent-Type: image/png\r\n\r\n" % boundary).encode())
    return b"".join(parts) + image + ("\r\n--%s--\r\n" % boundary).encode()
def worker(count, index):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies, failures, found = [], 0, 0
    for n in range(count):
        payload = body("bench-%d-%d" % (index, n))
        start = time.perf_counter()
        connection.request("POST", "/api/multimedia/process-image", payload,
                           {"X-API-Key": key, "X-Company-ID": "benova", "Content-Type": "multipart/form-data; boundary=" + boundary})
        response = connection.getresponse()
        data = response.read()
        latencies.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            failures += 1
        elif "20% de descuento" in json.loads(data).get("ocr_text", ""):
            found += 1
    return latencies, failures, found
for clients in (1, 2):
    worker(1, 99)
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda i: worker(runs // clients, i), range(clients)))
    elapsed = time.perf_counter() - start
    latencies = sorted(l for r in results for l in r[0])
    pick = lambda p: latencies[min(len(latencies) - 1, max(0, int(len(latencies) * p + 0.999999) - 1))]
    print("process-image: %d requests, %d clients: p50 %.0f ms, p99 %.0f ms, %.2f requests/s, %d failed, promotion read in %d" % (
        len(latencies), clients, pick(0.5), pick(0.99), len(latencies) / elapsed, sum(r[1] for r in results), sum(r[2] for r in results)))
PY
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
echo "resident memory: gateway $(rss_mb $GATEWAY_PID) MB, media $(rss_mb $MEDIA_PID) MB, agent $(rss_mb $AGENT_PID) MB, rag $(rss_mb $RAG_PID) MB"
