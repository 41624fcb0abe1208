#!/usr/bin/env python3
"""Attack traffic for scripts/soak-gateway.sh: idle TLS connections and misbehaving HTTP clients.

Every attacker reconnects as soon as the gateway drops it, for the whole run:
  * idle TLS: completes the handshake, then sends nothing (the gateway's idle timeout closes it);
  * CRLF: streams empty lines (counted against the head limit: 431);
  * garbage: sends bytes that can never be a request (400 at once);
  * slow body: declares a large body and sends 10 bytes every half second (bounded by the total body time).
Prints one JSON line with what each kind did.
"""
import argparse
import asyncio
import json
import os
import random
import ssl
import time

STATS = {"tls_handshakes": 0, "tls_closed": 0, "crlf_rounds": 0, "garbage_rounds": 0, "slow_rounds": 0, "errors": 0}


async def drain_until_closed(reader, limit=1 << 20):
    try:
        while await reader.read(65536):
            limit -= 1
            if limit <= 0:
                return
    except (ConnectionError, OSError):
        pass


async def keep_attacking(stop, attempt, rounds_stat, errors=(ConnectionError, OSError)):
    """Runs `attempt` (one connection's worth of attack) again and again until `stop`, counting rounds
    under `rounds_stat` and connection failures under "errors" (then backing off a little)."""
    while not stop.is_set():
        try:
            await attempt()
            STATS[rounds_stat] += 1
            await asyncio.sleep(0.05)
        except errors:
            STATS["errors"] += 1
            await asyncio.sleep(0.2)


async def idle_tls(host, port, stop):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE

    async def attempt():
        reader, writer = await asyncio.open_connection(host, port, ssl=context)
        STATS["tls_handshakes"] += 1
        await drain_until_closed(reader)
        writer.close()

    await keep_attacking(stop, attempt, "tls_closed", errors=(ConnectionError, OSError, ssl.SSLError))


async def crlf(host, port, stop):
    chunk = b"\r\n" * 512

    async def attempt():
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for _ in range(64):
                writer.write(chunk)
                await writer.drain()
                await asyncio.sleep(0.01)
        except (ConnectionError, OSError):
            pass
        await drain_until_closed(reader)
        writer.close()

    await keep_attacking(stop, attempt, "crlf_rounds")


async def garbage(host, port, stop):
    async def attempt():
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(os.urandom(random.randint(16, 512)))
        await writer.drain()
        await drain_until_closed(reader)
        writer.close()

    await keep_attacking(stop, attempt, "garbage_rounds")


async def slow_body(host, port, stop):
    async def attempt():
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(b"POST /api/company HTTP/1.1\r\nHost: soak\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000000\r\n\r\n")
        await writer.drain()
        closed = asyncio.ensure_future(drain_until_closed(reader))
        while not closed.done() and not stop.is_set():
            writer.write(b"x" * 10)
            await writer.drain()
            await asyncio.sleep(0.5)
        closed.cancel()
        writer.close()

    await keep_attacking(stop, attempt, "slow_rounds")


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--https-port", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--idle-tls", type=int, default=1000)
    parser.add_argument("--attackers", type=int, default=200)
    args = parser.parse_args()
    stop = asyncio.Event()
    tasks = []
    for index in range(args.idle_tls):
        tasks.append(asyncio.ensure_future(idle_tls(args.host, args.https_port, stop)))
        if index % 50 == 49:
            await asyncio.sleep(0.05)  # ramp the handshakes up instead of firing 1,000 at once
    kinds = [crlf, garbage, slow_body]
    for index in range(args.attackers):
        tasks.append(asyncio.ensure_future(kinds[index % 3](args.host, args.http_port, stop)))
    started = time.time()
    await asyncio.sleep(args.seconds)
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    STATS["seconds"] = round(time.time() - started, 1)
    print(json.dumps(STATS))


if __name__ == "__main__":
    asyncio.run(main())
