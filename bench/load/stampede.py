"""The deadline stampede's client: N submissions from C keep-alive connections at once, in one thread.

    python bench/load/stampede.py --url http://127.0.0.1:8000 --slots submit.tsv --connections 200 -o out.json

SLOTS lines: ``cookie \t csrf token \t attempt id``. Each connection takes every C-th slot and
posts them one after another (keep-alive); all connections are opened first and start together.
Written for a server on the same 2-core machine: the old client (``requests`` from 200 threads)
spent a large share of the CPU the server needed and, fighting over the GIL, added its own waits
to the latencies it reported. Here the request bytes are prepared before the start, one event
loop does the raw HTTP/1.1, and per request it records latency, status and, for a 302 to
``/attempt/<id>/review``, the acknowledged attempt id (``run.py`` checks all of them were stored).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
from urllib.parse import urlsplit

_REVIEW = re.compile(rb"^location:[^\r\n]*/attempt/(\d+)/review", re.I | re.M)
_LENGTH = re.compile(rb"^content-length:\s*(\d+)", re.I | re.M)
_CLOSE = re.compile(rb"^connection:\s*close", re.I | re.M)
_CHUNKED = re.compile(rb"^transfer-encoding:\s*chunked", re.I | re.M)


def request_bytes(host: str, cookie: str, token: str, attempt: str) -> bytes:
    body = f"csrf_token={token}&submit_key=s{attempt}".encode()
    head = (f"POST /quizzes/attempt/{attempt}/submit HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
            f"Connection: keep-alive\r\n\r\n")
    return head.encode() + body


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Status and headers of one response; its body is read and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = _LENGTH.search(head)
    if length:
        await reader.readexactly(int(length.group(1)))
    elif _CHUNKED.search(head):
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")  # no trailers are sent
    return int(head[9:12]), head


async def _client(host: str, port: int, mine: list[tuple[str, bytes]], start: asyncio.Event, ready, out: list):
    reader, writer = await asyncio.open_connection(host, port)
    ready()
    await start.wait()
    for attempt, raw in mine:
        began = time.perf_counter()
        for retry in (False, True):
            try:
                writer.write(raw)
                await writer.drain()
                status, head = await _response(reader)
                break
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()
                if retry:  # a second failure is an error; the check still finds what was stored
                    status, head = 0, b""
                    break
                # The server dropped the idle connection before reading: send again on a new one
                # (harmless if it was read after all: the same submit key returns the first result).
                reader, writer = await asyncio.open_connection(host, port)
        elapsed = (time.perf_counter() - began) * 1000
        acked = _REVIEW.search(head) if status == 302 else None
        out.append((elapsed, status, acked.group(1).decode() if acked and acked.group(1).decode() == attempt else None))
        if _CLOSE.search(head):
            writer.close()
            reader, writer = await asyncio.open_connection(host, port)
    writer.close()


async def stampede(url: str, slots: list[tuple[str, str, str]], connections: int) -> dict:
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    prepared = [(attempt, request_bytes(parts.netloc, cookie, token, attempt)) for cookie, token, attempt in slots]
    per = [prepared[i::connections] for i in range(connections)]
    start, out = asyncio.Event(), []
    opened = 0
    all_open = asyncio.Event()

    def ready():
        nonlocal opened
        opened += 1
        if opened == len(per):
            all_open.set()

    tasks = [asyncio.create_task(_client(host, port, mine, start, ready, out)) for mine in per]
    await asyncio.wait_for(all_open.wait(), 60)
    began = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - began
    latencies = sorted(ms for ms, _, _ in out)
    statuses = [status for _, status, _ in out]
    def q(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))]
    return {"requests": len(out), "seconds": round(elapsed, 2), "rps": round(len(out) / elapsed, 1),
            "p50_ms": round(q(0.50), 1), "p95_ms": round(q(0.95), 1), "p99_ms": round(q(0.99), 1),
            "max_ms": round(latencies[-1], 1), "acked_ids": [a for _, _, a in out if a],
            "errors": len(statuses) - statuses.count(302)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--slots", required=True)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("-o", "--out", required=True)
    args = parser.parse_args()
    with open(args.slots, encoding="utf-8") as f:
        slots = [tuple(line.rstrip("\n").split("\t")[:3]) for line in f if line.strip()]
    result = asyncio.run(stampede(args.url, slots, args.connections))
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
