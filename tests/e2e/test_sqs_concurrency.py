"""8 producers and 8 consumers move 20,000 messages through one queue over real HTTP.

The server runs as its own process (``python -m emulator``, as users run it): sharing the test's
interpreter, server and client would hand the GIL back and forth on every request and spend most
of the time waiting on each other. Each worker speaks raw AWS JSON 1.0 over its own keep-alive
HTTP/1.1 connection: a general HTTP client costs milliseconds of CPU per request, which would make
the client, not the server, the bottleneck. Producers send batches of 10; consumers long-poll
(``WaitTimeSeconds``), check ``MD5OfBody`` and delete in batches. The queue's visibility timeout
outlasts the test, so any message seen twice is a duplicate delivery, not a timeout redelivery.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.servers import free_port

PRODUCERS = 8
CONSUMERS = 8
MESSAGES = 20_000
BATCH = 10
DEADLINE_S = 50.0
AUTH = (
    "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sqs/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=0"
)


@pytest.fixture(scope="module")
def server_process() -> Iterator[str]:
    """``python -m emulator`` on a free loopback port; its URL once healthy."""
    port = free_port()
    command = [sys.executable, "-m", "emulator", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr.decode()


def wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    """Poll ``/_emulator/health`` until it answers 200 (10 s at most)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        assert process.poll() is None, f"emulator exited with {process.returncode}"
        try:
            if httpx.get(f"{url}/_emulator/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.02)
    raise AssertionError("the emulator did not become healthy within 10 s")


@dataclass
class Tally:
    """What the consumers saw."""

    received: Counter[str] = field(default_factory=Counter)
    bad_md5: list[str] = field(default_factory=list)
    failed_deletes: list[Any] = field(default_factory=list)


class Connection:
    """One keep-alive HTTP/1.1 connection speaking AWS JSON 1.0 to SQS."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, url: str) -> Connection:
        """Connect to ``http://host:port``."""
        parts = urlsplit(url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        return cls(reader, writer)

    async def call(self, operation: str, params: dict[str, Any]) -> Any:
        """One SQS call; fails the test on a non-200 answer."""
        body = json.dumps(params).encode()
        head = (
            f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
            f"X-Amz-Target: AmazonSQS.{operation}\r\nAuthorization: {AUTH}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        status, payload = await self.read_response()
        assert status == 200, f"{operation}: {status} {payload!r}"
        return json.loads(payload)

    async def read_response(self) -> tuple[int, bytes]:
        """Status and body of the next response (the server always sends Content-Length)."""
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        """Close the connection."""
        self.writer.close()
        await self.writer.wait_closed()


async def produce(base_url: str, url: str, producer: int) -> int:
    """Send this producer's share in batches of 10; return how many were accepted."""
    connection = await Connection.open(base_url)
    share = MESSAGES // PRODUCERS
    accepted = 0
    for start in range(0, share, BATCH):
        entries = [{"Id": f"m{i}", "MessageBody": f"p{producer}-{start + i}"} for i in range(BATCH)]
        reply = await connection.call("SendMessageBatch", {"QueueUrl": url, "Entries": entries})
        assert not reply.get("Failed"), reply["Failed"]
        accepted += len(reply["Successful"])
    await connection.close()
    return accepted


async def consume(base_url: str, url: str, tally: Tally, done: asyncio.Event) -> None:
    """Receive, verify and delete until every message has been seen (or the deadline)."""
    connection = await Connection.open(base_url)
    deadline = time.monotonic() + DEADLINE_S
    while not done.is_set() and time.monotonic() < deadline:
        params = {"QueueUrl": url, "MaxNumberOfMessages": 10, "WaitTimeSeconds": 1}
        messages = (await connection.call("ReceiveMessage", params)).get("Messages", [])
        if not messages:
            continue
        for message in messages:
            tally.received[message["Body"]] += 1
            if hashlib.md5(message["Body"].encode()).hexdigest() != message["MD5OfBody"]:
                tally.bad_md5.append(message["MessageId"])
        if sum(tally.received.values()) >= MESSAGES:
            done.set()
        await delete(connection, url, messages, tally)
    await connection.close()


async def delete(
    connection: Connection, url: str, messages: list[dict[str, Any]], tally: Tally
) -> None:
    """Delete received messages with one DeleteMessageBatch."""
    entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
    reply = await connection.call("DeleteMessageBatch", {"QueueUrl": url, "Entries": entries})
    tally.failed_deletes += reply.get("Failed", [])


async def move_messages(base_url: str) -> tuple[list[int], Tally, dict[str, str]]:
    """Run producers and consumers concurrently; return sent counts, tally, final counts."""
    admin = await Connection.open(base_url)
    attributes = {"VisibilityTimeout": "600"}
    created = await admin.call("CreateQueue", {"QueueName": "load", "Attributes": attributes})
    await admin.close()
    url = created["QueueUrl"]
    tally, done = Tally(), asyncio.Event()
    consumers = [asyncio.create_task(consume(base_url, url, tally, done)) for _ in range(CONSUMERS)]
    sent = await asyncio.gather(*(produce(base_url, url, p) for p in range(PRODUCERS)))
    await asyncio.gather(*consumers)
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    admin = await Connection.open(base_url)  # a fresh one: the server closes idle connections
    final = await admin.call("GetQueueAttributes", {"QueueUrl": url, "AttributeNames": names})
    await admin.close()
    return sent, tally, final["Attributes"]


def test_eight_producers_and_eight_consumers_move_20000_messages_exactly_once(
    server_process: str,
) -> None:
    started = time.monotonic()
    sent, tally, final = asyncio.run(move_messages(server_process))
    elapsed = time.monotonic() - started
    expected = {f"p{p}-{i}" for p in range(PRODUCERS) for i in range(MESSAGES // PRODUCERS)}

    assert sum(sent) == MESSAGES
    assert set(tally.received) == expected, f"lost: {len(expected - set(tally.received))}"
    duplicates = {body: n for body, n in tally.received.items() if n > 1}
    assert duplicates == {}
    assert tally.bad_md5 == []
    assert tally.failed_deletes == []
    assert final == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
    }
    assert elapsed < DEADLINE_S
