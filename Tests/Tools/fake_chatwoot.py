#!/usr/bin/env python3
"""A local stand-in for Chatwoot, for the integration and crash tests and the webhook load script.

It speaks the Application API calls the bot makes (../shared/notes/chatwoot-and-openai-wire.md §B):
create message, toggle_status, toggle_priority, labels; checks `api_access_token` per account (401 with
Chatwoot's body otherwise) and answers in Chatwoot's shapes. Every call is appended to a JSON-lines file
and flushed *before* it is answered, so a test that SIGKILLs this process mid-request still knows that
Chatwoot "has" the call (as the real one would after a lost response).

Like the real Chatwoot, after a reply is created it can send the bot its own message back as a signed
`message_created` webhook (`--webhook-url`), so tests see that the bot does not answer itself.

Failures on demand, through `POST /__faults` `{"account": "7", "mode": "429"|"500"|"hang"|"drop", "count": 2}`:
`429` is rack-attack's `text/plain` "Retry later" with no Retry-After; `500` Chatwoot's error JSON; `hang`
records the call and never answers (for client timeouts, or to be killed mid-request); `drop` records it
and closes the connection without a response. `GET /__calls` lists the recorded calls, and
`GET …/conversations/{id}/messages` (the messages index, readable with the account's token) the messages the
bot created, as Chatwoot lists them (rebuilt from the calls file after a restart).

Attachments: `POST /__files` (the file's bytes; `X-File-Name` and `Content-Type` headers) stores a file in
memory and answers its `data_url`, shaped like ActiveStorage's: `GET /rails/active_storage/blobs/redirect/<key>/<name>`
answers 302 to `/rails/active_storage/disk/<key>/<name>`, which serves the bytes. Each download is recorded as
a call with action `download`.
"""
import argparse
import hashlib
import hmac
import json
import os
import re
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = re.compile(r"^/api/v1/accounts/(\d+)/conversations/(\d+)/(messages|toggle_status|toggle_priority|labels)$")
FILE = re.compile(r"^/rails/active_storage/(blobs/redirect|disk)/([0-9a-f]+)/([^/]+)$")
HISTORY = re.compile(r"^/api/v1/accounts/(\d+)/conversations/(\d+)/messages$")


class State:
    def __init__(self, calls_path, tokens, webhook_url, webhook_secrets, durable=True):
        self.durable = durable
        self.files = {}
        self.lock = threading.Lock()
        self.calls_path = calls_path
        self.calls_file = open(calls_path, "a", encoding="utf-8")
        self.tokens = tokens
        self.faults = []  # [{"account", "mode", "count"}]
        self.next_id = int(time.time() * 1000) % 1_000_000_000
        self.messages = {}  # (account, conversation) -> [message], rebuilt from the calls file after a restart
        with open(calls_path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    self.remember(json.loads(line))
        self.webhook_url = webhook_url
        self.webhook_secrets = webhook_secrets

    def remember(self, call):
        if call.get("action") == "messages" and "id" in call:
            body = call.get("body", {})
            self.messages.setdefault((call["account"], call["conversation"]), []).append({
                "id": call["id"], "content": body.get("content"), "inbox_id": 1, "conversation_id": call["conversation"],
                "message_type": 1, "content_type": "text", "status": "sent", "content_attributes": body.get("content_attributes", {}),
                "created_at": int(call.get("at", 0)), "private": bool(body.get("private")), "source_id": None,
                "sender": {"id": 1, "name": "Bot", "type": "agent_bot"}})

    def record(self, call):
        with self.lock:
            self.remember(call)
            self.calls_file.write(json.dumps(call, ensure_ascii=False) + "\n")
            self.calls_file.flush()
            if self.durable:
                os.fsync(self.calls_file.fileno())

    def fault_for(self, account):
        with self.lock:
            for fault in self.faults:
                if fault.get("account") in (None, account) and fault.get("count", 0) > 0:
                    fault["count"] -= 1
                    return fault["mode"]
        return None

    def message_id(self):
        with self.lock:
            self.next_id += 1
            return self.next_id


def echo_webhook(state, account, conversation, message_id, content, private):
    """Chatwoot sends the bot its own message back (message_created, outgoing, sender agent_bot)."""
    payload = {
        "account": {"id": int(account), "name": "Fake"},
        "content": content, "content_type": "text", "content_attributes": {},
        "conversation": {"id": int(conversation), "status": "open", "account_id": int(account)},
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        "id": message_id, "inbox": {"id": 1, "name": "Fake"}, "message_type": "outgoing", "private": private,
        "sender": {"id": 1, "name": "Bot", "type": "agent_bot"}, "source_id": None, "event": "message_created",
    }
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    secret = state.webhook_secrets.get(account)
    if secret:
        stamp = str(int(time.time()))
        digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        headers.update({"X-Chatwoot-Timestamp": stamp, "X-Chatwoot-Signature": "sha256=" + digest})
    try:
        urllib.request.urlopen(urllib.request.Request(state.webhook_url, data=body, headers=headers), timeout=5).read()
    except Exception as error:  # the test only needs the attempt; a refusal is the bot's business
        print(f"echo webhook failed: {error}", file=sys.stderr)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeChatwoot/1"
    # Headers and body are written separately: without TCP_NODELAY, Nagle's algorithm and the client's delayed
    # ACK would hold every response for 40 ms.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json; charset=utf-8"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        state = self.server.state
        blob = FILE.match(self.path)
        if blob:
            stage, key, name = blob.groups()
            with state.lock:
                stored = state.files.get(key)
            if stored is None:
                return self.reply(404, {"error": "Resource could not be found"})
            if stage == "blobs/redirect":
                self.send_response(302)
                self.send_header("Location", "/rails/active_storage/disk/%s/%s" % (key, name))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            state.record({"account": "files", "conversation": 0, "action": "download", "key": key, "at": time.time()})
            return self.reply(200, stored[1], stored[0])
        if self.path == "/__calls":
            with state.lock:
                with open(state.calls_path, encoding="utf-8") as handle:
                    calls = [json.loads(line) for line in handle if line.strip()]
            return self.reply(200, calls)
        match = HISTORY.match(self.path)
        if match:
            account, conversation = match.groups()
            token = self.headers.get("api_access_token") or self.headers.get("Api-Access-Token")
            if token is None or state.tokens.get(account) != token:
                return self.reply(401, {"error": "Invalid Access Token"})
            if state.fault_for(account) == "500":
                return self.reply(500, {"status": 500, "error": "Internal Server Error"})
            with state.lock:
                messages = list(state.messages.get((account, int(conversation)), []))[-20:]
            return self.reply(200, {"meta": {"labels": [], "additional_attributes": {}}, "payload": messages})
        return self.reply(404, {"error": "Resource could not be found"})

    def do_POST(self):
        state = self.server.state
        raw = self.read_body()
        if self.path == "/__files":
            key = hashlib.sha256(raw + str(time.time()).encode()).hexdigest()[:24]
            name = re.sub(r"[^A-Za-z0-9._-]", "_", self.headers.get("X-File-Name") or "file")
            with state.lock:
                state.files[key] = (self.headers.get("Content-Type") or "application/octet-stream", raw)
            host = self.headers.get("Host") or "127.0.0.1"
            return self.reply(200, {"data_url": "http://%s/rails/active_storage/blobs/redirect/%s/%s" % (host, key, name)})
        if self.path == "/__faults":
            fault = json.loads(raw or b"{}")
            with state.lock:
                state.faults.append(fault)
            return self.reply(200, {"ok": True})
        match = PATH.match(self.path)
        if not match:
            return self.reply(404, {"error": "Resource could not be found"})
        account, conversation, action = match.groups()
        token = self.headers.get("api_access_token") or self.headers.get("Api-Access-Token")
        if token is None or state.tokens.get(account) != token:
            return self.reply(401, {"error": "Invalid Access Token"})
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return self.reply(422, {"message": "invalid JSON"})
        mode = state.fault_for(account)
        if mode == "429":
            return self.reply(429, b"Retry later\n", "text/plain")
        if mode == "500":
            return self.reply(500, {"status": 500, "error": "Internal Server Error"})
        call = {"account": account, "conversation": int(conversation), "action": action, "token": token, "body": body,
                "at": time.time()}
        if action == "messages":
            call["id"] = state.message_id()
        state.record(call)
        if mode == "hang":
            time.sleep(3600)
            return
        if mode == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if action == "messages":
            message_id = call["id"]
            self.reply(200, {"id": message_id, "content": body.get("content"), "inbox_id": 1, "conversation_id": int(conversation),
                             "message_type": 1, "content_type": "text", "status": "sent", "content_attributes": {},
                             "created_at": int(time.time()), "private": bool(body.get("private")), "source_id": None,
                             "sender": {"id": 1, "name": "Bot", "avatar_url": None, "type": "agent_bot"}})
            if state.webhook_url:
                threading.Thread(target=echo_webhook, daemon=True,
                                 args=(state, account, conversation, message_id, body.get("content"), bool(body.get("private")))).start()
        elif action == "toggle_status":
            self.reply(200, {"meta": {}, "payload": {"success": True, "conversation_id": int(conversation),
                                                       "current_status": body.get("status"), "snoozed_until": None}})
        elif action == "toggle_priority":
            self.reply(200, b"", "text/plain")
        else:
            self.reply(200, {"payload": body.get("labels", [])})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--calls", required=True, help="JSON-lines file the calls are appended to")
    parser.add_argument("--token", action="append", default=[], help="account=token (repeatable)")
    parser.add_argument("--no-fsync", action="store_true", help="flush the call log without fsync (load runs)")
    parser.add_argument("--webhook-url")
    parser.add_argument("--webhook-secret", action="append", default=[], help="account=secret the echoed webhooks are signed with")
    arguments = parser.parse_args()
    tokens = dict(item.split("=", 1) for item in arguments.token)
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Handler)
    server.daemon_threads = True
    secrets = dict(item.split("=", 1) for item in arguments.webhook_secret)
    server.state = State(arguments.calls, tokens, arguments.webhook_url, secrets, durable=not arguments.no_fsync)
    server.serve_forever()


if __name__ == "__main__":
    main()
