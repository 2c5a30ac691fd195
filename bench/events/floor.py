"""The latency floor for ``loadgen.py eb-fanout``: the least work an EventBridge → SQS server does.

A raw asyncio protocol on uvloop (one write per response) that serves exactly the calls eb-fanout
makes, with none of the work EventBridge and SQS really require: no validation, no signatures,
no event-pattern engine (a rule is the ``detail.shard`` number it matches), no ledger, no ids
worth the name. PutEvents answers first and routes on the loop's next turn, as the emulator does.
Whatever latency loadgen measures against this server is the client's, the kernel's and the
machine's, not the server's: the emulator's figure divided by this one, measured in the same run,
is the ratio to quote (``bench/events/run.py`` does both).

    python bench/events/floor.py --port 5199
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import uvloop

JsonObject = dict[str, Any]
OPERATIONS = {
    "CreateQueue": "create_queue",
    "GetQueueAttributes": "get_queue_attributes",
    "PutRule": "put_rule",
    "PutTargets": "put_targets",
    "PutEvents": "put_events",
    "ReceiveMessage": "receive_message",
    "DeleteMessageBatch": "delete_message_batch",
}


@dataclass
class MiniQueue:
    """Messages, in-flight receipts and the long polls waiting on one queue."""

    arn: str
    messages: deque[str] = field(default_factory=deque)
    in_flight: dict[str, str] = field(default_factory=dict)
    waiters: deque[asyncio.Future[bool]] = field(default_factory=deque)

    def put(self, body: str) -> None:
        """Enqueue and wake one long poll."""
        self.messages.append(body)
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(True)
                return


class Floor:
    """The state and the operations, by ``X-Amz-Target`` operation name."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.queues: dict[str, MiniQueue] = {}
        self.by_arn: dict[str, MiniQueue] = {}
        self.rules: dict[tuple[str, str], list[Any]] = {}  # (bus, rule) -> [shard, target arn]

    async def call(self, operation: str, p: JsonObject) -> JsonObject:
        """One operation's answer (unknown operations answer ``{}``)."""
        handler = getattr(self, OPERATIONS.get(operation, ""), None)
        if handler is None:
            return {}
        result: JsonObject = await handler(p)
        return result

    async def create_queue(self, p: JsonObject) -> JsonObject:
        name = p["QueueName"]
        url = f"http://127.0.0.1:{self.port}/000000000000/{name}"
        if url not in self.queues:
            queue = MiniQueue(f"arn:aws:sqs:us-east-1:000000000000:{name}")
            self.queues[url] = queue
            self.by_arn[queue.arn] = queue
        return {"QueueUrl": url}

    async def get_queue_attributes(self, p: JsonObject) -> JsonObject:
        return {"Attributes": {"QueueArn": self.queues[p["QueueUrl"]].arn}}

    async def put_rule(self, p: JsonObject) -> JsonObject:
        shard = json.loads(p["EventPattern"])["detail"]["shard"][0]
        self.rules[(p.get("EventBusName", "default"), p["Name"])] = [shard, None]
        return {"RuleArn": f"arn:aws:events:us-east-1:000000000000:rule/{p['Name']}"}

    async def put_targets(self, p: JsonObject) -> JsonObject:
        self.rules[(p.get("EventBusName", "default"), p["Rule"])][1] = p["Targets"][0]["Arn"]
        return {"FailedEntryCount": 0, "FailedEntries": []}

    async def put_events(self, p: JsonObject) -> JsonObject:
        accepted = [(entry, str(uuid.uuid4())) for entry in p["Entries"]]
        asyncio.get_running_loop().call_soon(self.route, accepted)
        return {"FailedEntryCount": 0, "Entries": [{"EventId": i} for _, i in accepted]}

    def route(self, accepted: list[tuple[JsonObject, str]]) -> None:
        """Deliver each event to the queue of every rule whose shard it carries."""
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        for entry, event_id in accepted:
            detail = json.loads(entry["Detail"])
            bus = entry.get("EventBusName", "default")
            for (rule_bus, _), (shard, arn) in self.rules.items():
                if rule_bus == bus and shard == detail.get("shard") and arn in self.by_arn:
                    envelope = {
                        "version": "0",
                        "id": event_id,
                        "detail-type": entry["DetailType"],
                        "source": entry["Source"],
                        "account": "000000000000",
                        "time": now,
                        "region": "us-east-1",
                        "resources": [],
                        "detail": detail,
                    }
                    self.by_arn[arn].put(json.dumps(envelope))

    async def receive_message(self, p: JsonObject) -> JsonObject:
        queue = self.queues[p["QueueUrl"]]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + p.get("WaitTimeSeconds", 0)
        while not queue.messages:
            left = deadline - loop.time()
            if left <= 0:
                return {}
            waiter: asyncio.Future[bool] = loop.create_future()
            queue.waiters.append(waiter)
            timer = loop.call_later(left, lambda w=waiter: w.done() or w.set_result(False))
            await waiter
            timer.cancel()
        messages = []
        while queue.messages and len(messages) < p.get("MaxNumberOfMessages", 1):
            body = queue.messages.popleft()
            handle = uuid.uuid4().hex
            queue.in_flight[handle] = body
            md5 = hashlib.md5(body.encode()).hexdigest()
            messages.append(
                {"MessageId": handle, "ReceiptHandle": handle, "MD5OfBody": md5, "Body": body}
            )
        return {"Messages": messages}

    async def delete_message_batch(self, p: JsonObject) -> JsonObject:
        queue = self.queues[p["QueueUrl"]]
        for entry in p["Entries"]:
            queue.in_flight.pop(entry["ReceiptHandle"], None)
        return {"Successful": [{"Id": e["Id"]} for e in p["Entries"]], "Failed": []}


class Http(asyncio.Protocol):
    """Keep-alive HTTP/1.1 with Content-Length bodies; each answer is a single write."""

    def __init__(self, floor: Floor) -> None:
        self.floor = floor
        self.buffer = b""
        self.transport: Any = None  # uvloop's transports are not asyncio.Transport subclasses
        self.tasks: set[asyncio.Task[None]] = set()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            length, target = 0, ""
            for line in self.buffer[:end].decode("latin-1").split("\r\n")[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "x-amz-target":
                    target = value.strip()
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            operation = target.rpartition(".")[2]
            task = asyncio.ensure_future(self.answer(operation, json.loads(body or b"{}")))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def answer(self, operation: str, params: JsonObject) -> None:
        body = json.dumps(await self.floor.call(operation, params)).encode()
        head = b"HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\n"
        head += b"content-length: %d\r\n\r\n" % len(body)
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(head + body)


async def serve(port: int) -> None:
    """Serve on 127.0.0.1:port until killed."""
    floor = Floor(port)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Http(floor), "127.0.0.1", port)
    print(f"floor listening on http://127.0.0.1:{port}", flush=True)
    await server.serve_forever()


def main() -> None:
    """``--port``: where to listen (loopback only)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    uvloop.run(serve(parser.parse_args().port))


if __name__ == "__main__":
    main()
