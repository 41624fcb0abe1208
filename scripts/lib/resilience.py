#!/usr/bin/env python3
"""Resilience and load run: the whole system on Redis and PostgreSQL under a mixed workload while each part
is killed and restarted, then an audit that no accepted write was lost or duplicated.

This script is its own supervisor (the role compose or Kubernetes has in production): it starts Redis
(AOF, fsync always), a PostgreSQL cluster, the fake Chatwoot (Tests/Tools/fake_chatwoot.py) and the five
services as separate processes on Unix sockets, with every store shared in Redis and the companies in
PostgreSQL. Workers send, all the time, a mix of chat tests (a new user each), searches, media calls, document writes
(fixed ids), bookings (idempotency keys, retried with the same key after a failure, as a client should) and
signed Chatwoot webhooks (one new message each). Meanwhile each service in turn gets SIGKILL and is
restarted after --outage seconds; then Redis and PostgreSQL are restarted. For every fault it records the
error rate while the part is down, the recovery time (from the restart until a request of every kind
succeeds again) and the error rate in the --settle seconds after that.

The audit, once webhooks have drained: every accepted document exists once; every accepted chat left its
user message and one reply in that user's history, exactly once; every accepted booking exists once and no
idempotency key booked twice; every accepted webhook message got exactly one reply in Chatwoot. Prints a
Markdown report (also written to --report) and exits 1 when anything was lost or duplicated or a part took
longer than --max-recovery seconds to recover.

Usage: resilience.py --bin .build/release --work /tmp/resilience [--outage 2] [--settle 5] [--report FILE]
"""
import argparse
import hashlib
import hmac
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

REPOSITORY = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.dirname(__file__))
from webhook_load import payload  # noqa: E402  (the same Chatwoot message_created shape as the load benchmark)

ADMIN_KEY = "adm_resilience_key_0123456789abcdef"
SECRET = "whsec-resilience-benova-0123456789"
TOKEN = "tok-resilience-benova"
KINDS = ["chat", "search", "document", "booking", "webhook", "media"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class System:
    """The processes, their environment and how to (re)start each of them."""

    def __init__(self, args):
        self.args = args
        self.work = args.work
        self.bin = os.path.abspath(args.bin)
        self.http_port = free_port()
        self.redis_port = free_port()
        self.pg_port = free_port()
        self.chatwoot_port = free_port()
        self.processes = {}
        self.logs = os.path.join(self.work, "logs")
        os.makedirs(self.logs, exist_ok=True)
        self.environment = dict(os.environ)
        self.environment.update({
            "WIRE_RUN_DIR": self.work, "DATA_DIR": os.path.join(self.work, "data"), "LOG_LEVEL": "warning", "GATEWAY_ACCESS_LOG_OFF": "1",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}",
            "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{self.pg_port}/postgres",
            "GATEWAY_HTTP_ADDRESS": f"tcp://127.0.0.1:{self.http_port}", "GATEWAY_ADMIN_API_KEYS": ADMIN_KEY,
            "RATE_LIMIT_BASIC": "100000", "RATE_LIMIT_PROFESSIONAL": "100000", "RATE_LIMIT_ENTERPRISE": "100000",
            "RATE_LIMIT_PER_KEY": "100000", "CHATWOOT_TIMEOUT": "2s", "WEBHOOK_RETRY_BACKOFF": "200ms",
            "OMP_THREAD_LIMIT": "1", "OMP_WAIT_POLICY": "PASSIVE",
        })

    # Redis and PostgreSQL

    def start_redis(self):
        directory = os.path.join(self.work, "redis")
        os.makedirs(directory, exist_ok=True)
        self.spawn("redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--dir", directory,
                             "--appendonly", "yes", "--appendfsync", "always", "--save", ""])
        self.wait(lambda: self.redis_ping(), "Redis")

    def redis_ping(self):
        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def postgres_command(self):
        candidates = sorted(d for d in os.listdir("/usr/lib/postgresql") if os.path.isdir(f"/usr/lib/postgresql/{d}/bin"))
        if not candidates:
            raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql)")
        binaries = f"/usr/lib/postgresql/{candidates[-1]}/bin"
        run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return binaries, run_as

    def start_postgres(self, initialise=False):
        binaries, run_as = self.postgres_command()
        data = os.path.join(self.work, "pg", "data")
        if initialise:
            os.makedirs(os.path.dirname(data), exist_ok=True)
            if os.geteuid() == 0:
                subprocess.run(["id", "postgres"], check=False, capture_output=True).returncode == 0 or \
                    subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
                shutil.chown(os.path.dirname(data), "postgres")
            subprocess.run(run_as + [f"{binaries}/initdb", "-D", data, "-U", "postgres", "-A", "trust", "--no-sync"], check=True,
                           capture_output=True)
        subprocess.run(run_as + [f"{binaries}/pg_ctl", "-D", data, "-l", os.path.join(self.work, "pg", "log"), "-w", "-t", "30",
                                 "-o", f"-p {self.pg_port} -k /tmp -c listen_addresses=127.0.0.1", "start"], check=True, capture_output=True)

    def stop_postgres(self, mode="fast"):
        binaries, run_as = self.postgres_command()
        subprocess.run(run_as + [f"{binaries}/pg_ctl", "-D", os.path.join(self.work, "pg", "data"), "-m", mode, "-w", "stop"],
                       check=False, capture_output=True)

    # The services

    def companies_file(self):
        companies = json.load(open(os.path.join(REPOSITORY, "config/companies_config.json"), encoding="utf-8"))
        companies["benova"]["chatwoot"] = {"base_url": f"http://127.0.0.1:{self.chatwoot_port}", "api_access_token": TOKEN,
                                           "webhook_secret": SECRET, "require_signature": True}
        path = os.path.join(self.work, "companies.json")
        json.dump(companies, open(path, "w", encoding="utf-8"), ensure_ascii=False)
        return path

    def start_chatwoot(self):
        self.spawn("chatwoot", [sys.executable, os.path.join(REPOSITORY, "Tests/Tools/fake_chatwoot.py"), "--port", str(self.chatwoot_port),
                                "--calls", os.path.join(self.work, "calls.jsonl"), "--token", f"7={TOKEN}"])
        self.wait(lambda: self.http_ok(self.chatwoot_port, "/__calls"), "the fake Chatwoot")

    def migrate(self):
        environment = dict(self.environment, COMPANIES_CONFIG_FILE=self.companies_file())
        subprocess.run([os.path.join(self.bin, "config-service"), "migrate"], env=environment, check=True, capture_output=True)

    SERVICES = {"config": "config-service", "rag": "rag-service", "agent": "agent-service", "media": "media-service", "gateway": "gateway"}

    def start_service(self, name):
        self.spawn(name, [os.path.join(self.bin, self.SERVICES[name])])
        if name == "gateway":
            self.wait(lambda: self.http_ok(self.http_port, "/readyz"), "the gateway")
        else:
            socket_path = os.path.join(self.work, f"{name}.sock")
            self.wait(lambda: os.path.exists(socket_path), name)

    def spawn(self, name, command):
        log = open(os.path.join(self.logs, f"{name}.log"), "a")
        self.processes[name] = subprocess.Popen(command, env=self.environment, stdout=log, stderr=log, start_new_session=True)

    def kill(self, name, sig=signal.SIGKILL):
        process = self.processes.get(name)
        if process and process.poll() is None:
            process.send_signal(sig)
            process.wait(timeout=30)

    def http_ok(self, port, path):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", path, headers={"X-API-Key": ADMIN_KEY})
            return connection.getresponse().status == 200
        except OSError:
            return False

    @staticmethod
    def wait(condition, what, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if condition():
                return
            time.sleep(0.05)
        raise SystemExit(f"{what} did not start within {timeout} s")

    def start_all(self):
        self.start_redis()
        self.start_postgres(initialise=True)
        self.start_chatwoot()
        self.migrate()
        for name in ["config", "rag", "agent", "media", "gateway"]:
            self.start_service(name)

    def stop_all(self):
        for name in list(self.processes):
            self.kill(name, signal.SIGTERM)
        self.stop_postgres("immediate")


class Client:
    """One worker's HTTP client: a kept-alive connection, reopened after any failure."""

    def __init__(self, port):
        self.port = port
        self.connection = None

    def request(self, method, path, body=None, headers=None, authenticated=True):
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        all_headers = {"X-API-Key": ADMIN_KEY, "X-Company-ID": "benova"} if authenticated else {}
        if data is not None:
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
            self.connection.request(method, path, body=data, headers=all_headers)
            response = self.connection.getresponse()
            text = response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            try:
                return response.status, json.loads(text or b"{}")
            except ValueError:
                return response.status, {}
        except (OSError, http.client.HTTPException):
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            return 0, {}


class Workload:
    """The mixed workload, what it got accepted, and every outcome with its time."""

    def __init__(self, port, slots):
        self.port = port
        self.slots = slots
        self.lock = threading.Lock()
        self.counter = 0
        self.outcomes = []  # (time, kind, ok)
        self.accepted = {kind: [] for kind in KINDS}
        self.stopping = threading.Event()

    def next_number(self):
        with self.lock:
            self.counter += 1
            return self.counter

    def record(self, kind, ok, accepted=None):
        with self.lock:
            self.outcomes.append((time.time(), kind, ok))
            if accepted is not None:
                self.accepted[kind].append(accepted)

    def chat(self, client):
        user = f"rz-chat-{self.next_number()}"
        message = random.choice(["¿Cuánto cuesta un botox?", "¿qué horario tienen?", "¿dónde están ubicados?", "¿tienen promociones?"])
        status, _ = client.request("POST", f"/api/conversations/{user}/test", {"message": message})
        self.record("chat", status == 200, (user, message) if status == 200 else None)

    def search(self, client):
        status, answer = client.request("POST", "/api/documents/search", {"query": random.choice(["botox precio", "horario", "relleno labios"]), "k": 5})
        self.record("search", status == 200)

    def media(self, client):
        status, _ = client.request("GET", "/api/multimedia/capabilities")
        self.record("media", status == 200)

    def document(self, client):
        number = self.next_number()
        document = {"id": f"rz-doc-{number}", "title": f"Nota {number}", "content": f"# Nota {number}\nEl tratamiento número {number} dura treinta minutos."}
        for _ in range(5):
            status, _ = client.request("POST", "/api/documents", document)
            self.record("document", status in (201, 202), document["id"] if status in (201, 202) else None)
            if status in (201, 202) or self.stopping.is_set():
                return
            time.sleep(0.2)

    def booking(self, client):
        with self.lock:
            if not self.slots:
                return
            start = self.slots.pop(0)
        number = self.next_number()
        request = {"treatment": "botox", "start": start, "idempotency_key": f"rz-apt-{number}",
                   "patient": {"full_name": f"Paciente {number}", "id_number": f"{10000000 + number}", "phone": f"+57 300 {1000000 + number}"}}
        for _ in range(5):
            status, answer = client.request("POST", "/api/appointments", request)
            ok = status in (200, 201)
            self.record("booking", ok or status == 409, (request["idempotency_key"], answer.get("appointment", {}).get("id")) if ok else None)
            if ok or status == 409 or self.stopping.is_set():
                return
            time.sleep(0.2)

    def webhook(self, client):
        number = self.next_number()
        message_id = 5_000_000 + number
        body = payload(7, 90_000 + number, 70_000 + number, message_id, "¿Cuánto cuesta un botox?")
        for _ in range(5):
            stamp = str(int(time.time()))
            signature = "sha256=" + hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
            status, answer = client.request("POST", "/api/webhook/chatwoot", body,
                                            {"X-Chatwoot-Timestamp": stamp, "X-Chatwoot-Signature": signature}, authenticated=False)
            ok = status == 200 and answer.get("status") in ("accepted", "ignored")
            self.record("webhook", ok, message_id if ok else None)
            if ok or self.stopping.is_set():
                return
            time.sleep(0.2)

    def worker(self, kinds):
        client = Client(self.port)
        while not self.stopping.is_set():
            getattr(self, random.choice(kinds))(client)
            time.sleep(0.01)

    def probe(self):
        """One request of every kind, through a fresh connection each: all must succeed."""
        checks = [
            ("GET", "/api/documents/stats", None, (200,)),
            ("POST", "/api/documents/search", {"query": "botox", "k": 1}, (200,)),
            ("POST", f"/api/conversations/rz-probe-{self.next_number()}/test", {"message": "hola"}, (200,)),
            ("GET", "/api/appointments/availability?treatment=botox&limit=1", None, (200,)),
            ("GET", "/api/multimedia/capabilities", None, (200,)),
            ("GET", "/api/admin/companies/benova", None, (200,)),
        ]
        for method, path, body, good in checks:
            status, _ = Client(self.port).request(method, path, body)
            if status not in good:
                return False
        return True


def audit(workload, system):
    client = Client(system.http_port)
    report = {}
    # Documents: each accepted id exists, and appears once in the listing.
    documents = sorted(set(workload.accepted["document"]))
    missing = [d for d in documents if client.request("GET", f"/api/documents/{d}")[0] != 200]
    listed = []
    page = 1
    while True:
        status, answer = client.request("GET", f"/api/documents?page={page}&page_size=100")
        batch = [d["id"] for d in answer.get("documents", [])]
        listed += batch
        if status != 200 or len(batch) < 100:
            break
        page += 1
    duplicated = [d for d in set(listed) if listed.count(d) > 1]
    report["document"] = (len(documents), len(missing), len(duplicated))
    # Conversations: every accepted chat's message and one reply, once.
    lost = duplicated_chats = 0
    for user, message in workload.accepted["chat"]:
        status, history = client.request("GET", f"/api/conversations/{user}/history")
        messages = history.get("messages", []) if status == 200 else []
        users = [m for m in messages if m.get("role") == "user" and m.get("content") == message]
        replies = [m for m in messages if m.get("role") == "assistant"]
        if not users or not replies:
            lost += 1
        elif len(users) > 1 or len(replies) > 1:
            duplicated_chats += 1
    report["chat"] = (len(workload.accepted["chat"]), lost, duplicated_chats)
    # Bookings: every accepted key booked exactly one appointment.
    by_key = {}
    for day in range(0, 70):
        start = time.strftime("%Y-%m-%dT00:00:00Z", time.gmtime(time.time() + (day - 1) * 86400))
        end = time.strftime("%Y-%m-%dT00:00:00Z", time.gmtime(time.time() + day * 86400))
        status, answer = client.request("GET", f"/api/appointments?from={start}&to={end}&limit=1000&include_cancelled=true")
        for appointment in answer.get("appointments", []):
            by_key.setdefault(appointment.get("idempotency_key"), []).append(appointment["id"])
    keys = {key for key, _ in workload.accepted["booking"]}
    report["booking"] = (len(keys), len([k for k in keys if k not in by_key]), len([k for k in keys if len(by_key.get(k, [])) > 1]))
    # Webhooks: every accepted message got exactly one reply.
    replies = {}
    with open(os.path.join(system.work, "calls.jsonl"), encoding="utf-8") as calls:
        for line in calls:
            call = json.loads(line)
            body = call.get("body", {})
            if call.get("action") == "messages" and not body.get("private"):
                replies.setdefault((body.get("content_attributes") or {}).get("in_reply_to"), []).append(body.get("content"))
    messages = set(workload.accepted["webhook"])
    report["webhook"] = (len(messages), len([m for m in messages if m not in replies]),
                         len([m for m in messages if len(replies.get(m, [])) > 1]))
    return report


def rate(outcomes, start, end):
    window = [ok for at, _, ok in outcomes if start <= at < end]
    return (len(window), sum(1 for ok in window if not ok))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--outage", type=float, default=2.0)
    parser.add_argument("--settle", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=6)
    parser.add_argument("--max-recovery", type=float, default=5.0)
    parser.add_argument("--report")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    system = System(args)
    try:
        system.start_all()
        setup = Client(system.http_port)
        seed = [{"id": "rz-precios", "title": "Precios", "content": "# Precios\nEl botox cuesta 220 € por zona. El relleno de labios cuesta 350 €."},
                {"id": "rz-horario", "title": "Horario", "content": "# Horario\nAtendemos de lunes a sábado de 8:00 a 19:00."}]
        for document in seed:
            setup.request("POST", "/api/documents", document)
        slots = []
        for day in range(1, 40):
            status, answer = setup.request("GET", f"/api/appointments/availability?treatment=botox&limit=500&from="
                                                  f"{time.strftime('%Y-%m-%d', time.gmtime(time.time() + day * 86400))}T00:00:00Z")
            slots += [slot["start"] for slot in answer.get("slots", []) if slot["start"] not in slots]
            if len(slots) > 3000:
                break
        workload = Workload(system.http_port, slots)
        mixes = [["chat", "search"], ["document", "search", "media"], ["booking"], ["webhook"], ["chat", "webhook"], ["search", "document", "booking", "media"]]
        threads = [threading.Thread(target=workload.worker, args=(mixes[i % len(mixes)],), daemon=True) for i in range(args.workers)]
        began = time.time()
        for thread in threads:
            thread.start()
        time.sleep(args.settle)
        faults = []
        for part in ["gateway", "config", "rag", "agent", "media", "redis", "postgres"]:
            down = time.time()
            if part == "redis":
                system.kill("redis", signal.SIGTERM)
                time.sleep(args.outage)
                restarted = time.time()
                system.start_redis()
            elif part == "postgres":
                system.stop_postgres("fast")
                time.sleep(args.outage)
                restarted = time.time()
                system.start_postgres()
            else:
                system.kill(part)
                time.sleep(args.outage)
                restarted = time.time()
                system.start_service(part)
            while not workload.probe():
                if time.time() - restarted > 60:
                    break
                time.sleep(0.05)
            recovered = time.time()
            time.sleep(args.settle)
            faults.append((part, "SIGKILL" if part not in ("redis", "postgres") else "restart", down, restarted, recovered, time.time()))
        workload.stopping.set()
        for thread in threads:
            thread.join(timeout=30)
        ended = time.time()
        # Drain the webhook inbox before the audit.
        deadline = time.time() + 120
        while time.time() < deadline:
            status, answer = Client(system.http_port).request("GET", "/api/admin/webhook/events?company_id=benova&page_size=1")
            counts = answer.get("counts", {})
            if status == 200 and counts.get("pending", 1) == 0 and counts.get("processing", 1) == 0:
                break
            time.sleep(0.5)
        results = audit(workload, system)
    finally:
        system.stop_all()

    total, failed = rate(workload.outcomes, began, ended)
    lines = [f"Mixed workload for {ended - began:.0f} s: {total} requests ({total / (ended - began):.0f}/s), {failed} failed; "
             f"{args.workers} workers; outage {args.outage:.0f} s per fault.", "",
             "| fault | requests while down → recovered | failed | recovery after restart | requests in the next " + f"{args.settle:.0f} s | failed |",
             "|---|---|---|---|---|---|"]
    worst = 0.0
    for part, how, down, restarted, recovered, settled in faults:
        during = rate(workload.outcomes, down, recovered)
        after = rate(workload.outcomes, recovered, settled)
        worst = max(worst, recovered - restarted)
        lines.append(f"| {part} ({how}) | {during[0]} | {during[1]} ({100 * during[1] / max(1, during[0]):.0f} %) | {recovered - restarted:.2f} s "
                     f"| {after[0]} | {after[1]} |")
    lines += ["", "| accepted writes | accepted | lost | duplicated |", "|---|---|---|---|"]
    clean = True
    for kind, label in [("document", "documents"), ("chat", "chat messages (with their reply)"), ("booking", "bookings (idempotency keys)"),
                        ("webhook", "webhook messages (one reply each)")]:
        accepted, lost, duplicated = results[kind]
        clean = clean and lost == 0 and duplicated == 0
        lines.append(f"| {label} | {accepted} | {lost} | {duplicated} |")
    verdict = clean and worst <= args.max_recovery
    lines += ["", f"Verdict: {'passed' if verdict else 'FAILED'} (slowest recovery {worst:.2f} s, at most {args.max_recovery:.0f} s allowed; "
                  f"{'nothing' if clean else 'something'} lost or duplicated)."]
    text = "\n".join(lines)
    print(text)
    if args.report:
        open(args.report, "w").write(text + "\n")
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
