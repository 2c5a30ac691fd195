"""What the container smoke test asks of a running emulator: real boto3 calls over its published
port, from the host.

    python -m tests.container.probe image URL [SERVED]     the image run on its own
    python -m tests.container.probe compose URL [SERVED]   docker-compose.yml's emulator + consumer

Each check is a :class:`Check` in a table; it names the operations it needs (``service:Operation``)
or flags (``cli:--flag``). SERVED is a file listing what the image serves, as
``tests/container/served.py`` prints it when run inside the image (default: this source tree). A
check whose needs the build does not serve yet is printed as ``not yet`` and does not count; once
they land, it runs. To add one, write a
function taking a :class:`Probe` and returning a short detail line, and list it in a table, e.g.
once the rules loader and EventBridge exist: the queues the mounted rules name exist
(``needs=("cli:--rules",)``), and ``PutEvents`` reaches the queue its rule names
(``needs=("events:PutEvents", "sqs:ReceiveMessage")``).

Prints one line per check; exit status 0 when every runnable check passed, 1 otherwise. The
compose table prints ``TOKEN=<body>`` last when it sent a message, for the caller to find in
the consumer's log.
"""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import httpx
from botocore.config import Config

from tests.container.served import served

CONSUMER_QUEUE = "orders"  # docker-compose.yml's QUEUE_NAME
WAIT_S = 30.0


@dataclass
class Probe:
    """The emulator under test and what the checks learned on the way."""

    url: str
    sqs: Any = None
    facts: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        config = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30)
        self.sqs = boto3.client(
            "sqs",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=config,
        )


@dataclass(frozen=True)
class Check:
    """One named check and the operations (or CLI flags) it needs."""

    name: str
    run: Callable[[Probe], str]
    needs: tuple[str, ...] = ()


def health(probe: Probe) -> str:
    """``GET /_emulator/health`` answers ``ok``."""
    body = httpx.get(f"{probe.url}/_emulator/health", timeout=5).raise_for_status().json()
    assert body["status"] == "ok", body
    return f"version {body['version']}"


def queue_lifecycle(probe: Probe) -> str:
    """A created queue is found by GetQueueUrl and ListQueues."""
    name = f"smoke-{uuid.uuid4().hex[:8]}"
    url: str = probe.sqs.create_queue(QueueName=name)["QueueUrl"]
    assert probe.sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
    assert url in probe.sqs.list_queues(QueueNamePrefix=name).get("QueueUrls", [])
    probe.facts["queue_url"] = url
    return url


def send_receive(probe: Probe) -> str:
    """A message sent is received with its body, then deleted."""
    url = probe.facts.get("queue_url") or probe.sqs.create_queue(QueueName="smoke")["QueueUrl"]
    body = f"smoke {uuid.uuid4()}"
    sent = probe.sqs.send_message(QueueUrl=url, MessageBody=body)["MessageId"]
    got = probe.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5).get("Messages", [])
    assert [(m["MessageId"], m["Body"]) for m in got] == [(sent, body)], got
    probe.sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    return f"message {sent}"


def consumer_queue_exists(probe: Probe) -> str:
    """The compose consumer reached the emulator: the queue it polls exists."""
    deadline = time.monotonic() + WAIT_S
    while True:
        try:
            url: str = probe.sqs.get_queue_url(QueueName=CONSUMER_QUEUE)["QueueUrl"]
            return url
        except probe.sqs.exceptions.QueueDoesNotExist:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def send_to_consumer(probe: Probe) -> str:
    """Send the consumer a message; the caller looks for its body in the consumer's log."""
    url = probe.sqs.get_queue_url(QueueName=CONSUMER_QUEUE)["QueueUrl"]
    token = f"smoke-{uuid.uuid4()}"
    probe.sqs.send_message(QueueUrl=url, MessageBody=token)
    probe.facts["token"] = token
    return token


SQS_MESSAGES = ("sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage")

TABLES: dict[str, list[Check]] = {
    "image": [
        Check("health", health),
        Check("CreateQueue, GetQueueUrl, ListQueues", queue_lifecycle),
        Check("SendMessage, ReceiveMessage, DeleteMessage", send_receive, SQS_MESSAGES),
    ],
    "compose": [
        Check("health", health),
        Check("the consumer created its queue", consumer_queue_exists),
        Check("a message for the consumer", send_to_consumer, SQS_MESSAGES),
    ],
}


def run(check: Check, probe: Probe, available: set[str]) -> bool:
    """Run one check and print its line; False only when it ran and failed."""
    missing = [n for n in check.needs if n not in available]
    if missing:
        print(f"  not yet  {check.name} (needs {', '.join(missing)})")
        return True
    try:
        detail = check.run(probe)
    except Exception as exc:  # a failed check is reported, and the others still run
        print(f"  FAILED   {check.name}: {type(exc).__name__}: {exc}")
        return False
    print(f"  ok       {check.name}: {detail}")
    return True


def main(argv: list[str]) -> int:
    """Run the table named by ``argv[0]`` against ``argv[1]``."""
    if len(argv) not in (2, 3) or argv[0] not in TABLES:
        print(__doc__, file=sys.stderr)
        return 64
    probe = Probe(argv[1])
    available = set(Path(argv[2]).read_text().split()) if len(argv) == 3 else served()
    results = [run(check, probe, available) for check in TABLES[argv[0]]]
    if "token" in probe.facts:
        print(f"TOKEN={probe.facts['token']}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
