#!/usr/bin/env python3
"""Open-loop Chatwoot webhook load: signed `message_created` deliveries at a fixed rate, over keep-alive
connections, each timed from the moment it was *due* (so a stalled server cannot hide its queue: no
coordinated omission). Conversations get their messages in order (one connection per conversation group).

At the end it waits until the inbox has processed everything, then checks the fake Chatwoot's call log:
every accepted message must have exactly one reply (`content_attributes.in_reply_to`), none twice.

    webhook_load.py --port P --calls FILE --admin-key K --rate 500 --seconds 60 --secret 7=s --secret 8=s
"""
import argparse
import asyncio
import hashlib
import hmac
import json
import random
import resource
import statistics
import sys
import time
import urllib.request

QUESTIONS = ["¿Cuánto cuesta un botox?", "¿qué horario tienen?", "¿dónde están ubicados?", "¿tienen promociones este mes?",
             "¿qué incluye la limpieza facial?", "¿cuánto dura el efecto del relleno?", "gracias", "¿aceptan tarjeta?"]


def payload(account, conversation, contact, message_id, text):
    return json.dumps({
        "account": {"id": account, "name": "Clínica"}, "additional_attributes": {}, "content_attributes": {"in_reply_to": None},
        "content_type": "text", "content": text,
        "conversation": {"id": conversation, "status": "open", "account": {"id": account, "name": "Clínica"}, "channel": "Channel::Whatsapp",
                         "contact_inbox": {"contact_id": contact, "inbox_id": 1, "source_id": f"src-{contact}"},
                         "meta": {"sender": {"id": contact, "name": f"Paciente {contact}", "type": "contact"}, "assignee": None}},
        "created_at": "2026-12-03T10:00:00.000Z", "id": message_id, "inbox": {"id": 1, "name": "WhatsApp"}, "message_type": "incoming",
        "private": False, "sender": {"id": contact, "name": f"Paciente {contact}", "email": None, "phone_number": f"+57300{contact}"},
        "source_id": f"wamid.{message_id}", "event": "message_created"}, ensure_ascii=False).encode()


PATH = "/api/webhook/chatwoot"


def request_bytes(body, secret):
    stamp = str(int(time.time()))
    signature = "sha256=" + hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    head = (f"POST {PATH} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"X-Chatwoot-Timestamp: {stamp}\r\nX-Chatwoot-Signature: {signature}\r\n\r\n")
    return head.encode() + body


async def read_response(reader):
    """Status, body, and whether the server closes the connection after it."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length, closes = 0, False
    for line in head.split(b"\r\n"):
        lower = line.lower()
        if lower.startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
        elif lower.startswith(b"connection:") and b"close" in lower:
            closes = True
    body = await reader.readexactly(length) if length else b""
    return status, body, closes


async def lane(port, schedule, start, latencies, outcomes, windows):
    """One connection: its deliveries in order, each sent when due (or at once when late). A server that
    closes after each response (gunicorn's sync workers) gets a new connection when the next one is due."""
    reader = writer = None
    for due, data, message_id in schedule:
        delay = start + due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        while True:
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(request_bytes(*data))
                await writer.drain()
                status, body, closes = await read_response(reader)
            except (ConnectionError, asyncio.IncompleteReadError):
                writer.close()
                reader = writer = None
                continue
            if closes:
                writer.close()
                reader = writer = None
            break
        latencies.append(time.perf_counter() - (start + due))
        windows.setdefault(int(due // 10), []).append(latencies[-1])
        answer = json.loads(body or b"{}")
        outcomes[message_id] = (status, answer.get("status") if isinstance(answer, dict) else None)
    if writer is not None:
        writer.close()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def admin(port, key, path):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"X-API-Key": key})
    return json.load(urllib.request.urlopen(request, timeout=10))


def main():
    global PATH
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--calls", required=True)
    parser.add_argument("--admin-key", required=True)
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--conversations", type=int, default=2000)
    parser.add_argument("--lanes", type=int, default=50)
    parser.add_argument("--secret", action="append", default=[], help="account=secret")
    parser.add_argument("--drain-timeout", type=float, default=600)
    parser.add_argument("--path", default=PATH, help="another target (a peer), acknowledgements only")
    arguments = parser.parse_args()
    PATH = arguments.path
    secrets = dict(item.split("=", 1) for item in arguments.secret)
    accounts = sorted(int(account) for account in secrets)
    companies = {7: "benova", 8: "medispa"}

    total = int(arguments.rate * arguments.seconds)
    base = random.randrange(1_000, 9_000) * 1_000_000
    # Conversation c belongs to lane c % lanes, so its messages go out in order on one connection.
    schedules = [[] for _ in range(arguments.lanes)]
    sent_per_conversation = {}
    for index in range(total):
        conversation = index % arguments.conversations
        account = accounts[conversation % len(accounts)]
        position = sent_per_conversation.get(conversation, 0)
        sent_per_conversation[conversation] = position + 1
        message_id = base + index
        body = payload(account, 10_000 + conversation, 50_000 + conversation, message_id, QUESTIONS[(index // 7) % len(QUESTIONS)])
        schedules[conversation % arguments.lanes].append((index / arguments.rate, (body, secrets[str(account)]), message_id))

    latencies, outcomes, windows = [], {}, {}

    async def run():
        start = time.perf_counter() + 0.2
        await asyncio.gather(*(lane(arguments.port, schedule, start, latencies, outcomes, windows) for schedule in schedules))
        return time.perf_counter() - start

    elapsed = asyncio.run(run())
    accepted = [mid for mid, (status, state) in outcomes.items() if status == 200 and state == "accepted"]
    refused = [mid for mid, (status, _) in outcomes.items() if status != 200]
    print(f"== webhook acknowledgements: {len(outcomes)} deliveries in {elapsed:.1f} s ({len(outcomes) / elapsed:.0f}/s offered {arguments.rate:.0f}/s)")
    print(f"   latency from due time: p50 {percentile(latencies, 0.5) * 1000:.2f} ms, p99 {percentile(latencies, 0.99) * 1000:.2f} ms, "
          f"p99.9 {percentile(latencies, 0.999) * 1000:.2f} ms, max {max(latencies) * 1000:.2f} ms, mean {statistics.mean(latencies) * 1000:.2f} ms")
    print("   p99 per 10 s: " + ", ".join(f"{percentile(values, 0.99) * 1000:.1f}" for _, values in sorted(windows.items())) + " ms")
    print(f"   accepted {len(accepted)}, refused {len(refused)}; this load generator used {resource.getrusage(resource.RUSAGE_SELF).ru_utime + resource.getrusage(resource.RUSAGE_SELF).ru_stime:.1f} s of CPU")
    if arguments.path != "/api/webhook/chatwoot":
        return 0
    # Drain: wait until no event is pending or being processed, then read the replies.
    drain_start = time.perf_counter()
    while True:
        busy = 0
        for company in {companies[a] for a in accounts}:
            counts = admin(arguments.port, arguments.admin_key, f"/api/admin/webhook/events?company_id={company}&page_size=1")["counts"]
            busy += counts.get("pending", 0) + counts.get("processing", 0)
        if busy == 0 or time.perf_counter() - drain_start > arguments.drain_timeout:
            break
        time.sleep(0.5)
    finished = time.perf_counter()
    replies = {}
    with open(arguments.calls, encoding="utf-8") as handle:
        for line in handle:
            call = json.loads(line)
            body = call.get("body", {})
            if call.get("action") == "messages" and not body.get("private"):
                target = (body.get("content_attributes") or {}).get("in_reply_to")
                parts = replies.setdefault(target, [])
                parts.append(body.get("content"))
    lost = [mid for mid in accepted if mid not in replies]
    duplicated = [mid for mid, parts in replies.items() if len(parts) != len(set(parts))]
    processing_seconds = finished - (drain_start - elapsed)
    print(f"== processing: all {len(accepted)} answered {finished - drain_start:.1f} s after the last delivery "
          f"({len(accepted) / processing_seconds:.0f} replies/s over the whole run); busy left {busy}")
    print(f"   lost {len(lost)}, duplicated {len(duplicated)}")
    return 0 if not lost and not duplicated and not refused and busy == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
