"""What the container smoke test asks of a running emulator: real boto3 calls over its published
port, from the host.

    python -m tests.container.probe image URL [--served FILE] [--rules DIR]...
    python -m tests.container.probe compose URL [--served FILE] [--rules DIR]...

``image`` is the image run on its own, ``compose`` docker-compose.yml's emulator and consumer.
``--rules`` names the host folders mounted as the emulator's rules (what it should have loaded).

Each check is a :class:`Check` in a table and names what it needs: operations
(``sqs:SendMessage``), command-line flags (``cli:--rules``) or admin routes
(``admin:DELETE_/_emulator/chaos``). ``--served`` is the list of what the image serves, as
``tests/container/served.py`` prints it run inside the image (default: this source tree). A check
whose needs the build does not serve is printed as ``not yet`` and does not count; once they
land, it runs. To add a check, write a function taking a :class:`Probe` and returning a short
detail line, and list it in a table.

Prints one line per check; exit status 0 when every runnable check passed, 1 otherwise. The
compose table prints ``TOKEN=<body>`` last when it sent a message, for the caller to find in
the consumer's log.
"""

from __future__ import annotations

import argparse
import json
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

from emulator.config import Scope, load_rules
from emulator.settings import Settings
from tests.container.served import served

CONSUMER_QUEUE = "orders"  # docker-compose.yml's QUEUE_NAME
SMOKE_SOURCE = "smoke.test"  # tests/container/rules/smoke.yaml: this source goes to that queue
SMOKE_QUEUE = "smoke-events"
WAIT_S = 30.0


@dataclass
class Probe:
    """The emulator under test, the rules folders it was given, and what checks learned."""

    url: str
    rules: list[Path] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        """A boto3 client for the emulator; no retries, so each answer is the server's own."""
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=Settings().region,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30),
        )


@dataclass(frozen=True)
class Check:
    """One named check and what it needs the build to serve."""

    name: str
    run: Callable[[Probe], str]
    needs: tuple[str, ...] = ()


def health(probe: Probe) -> str:
    """``GET /_emulator/health`` answers ``ok``."""
    body = httpx.get(f"{probe.url}/_emulator/health", timeout=5).raise_for_status().json()
    assert body["status"] == "ok", body
    return f"version {body['version']}"


def chaos_off(probe: Probe) -> str:
    """Clear the faults the rules files start with, so that the checks below are exact."""
    httpx.delete(f"{probe.url}/_emulator/chaos", timeout=5).raise_for_status()
    return "DELETE /_emulator/chaos"


def rules_queues_exist(probe: Probe) -> str:
    """Every queue the mounted rules files name exists (read here with the project's loader)."""
    assert probe.rules, "no --rules folders given"
    settings = Settings()
    state = load_rules(probe.rules, Scope(settings.account_id, settings.region))
    listed = probe.client("sqs").list_queues().get("QueueUrls", [])
    names = {url.rsplit("/", 1)[-1] for url in listed}
    missing = sorted(set(state.queues) - names)
    assert not missing, f"queues of the rules files missing: {missing}"
    return f"{len(state.queues)} queue(s): {', '.join(sorted(state.queues))}"


def queue_lifecycle(probe: Probe) -> str:
    """A created queue is found by GetQueueUrl and ListQueues."""
    sqs = probe.client("sqs")
    name = f"smoke-{uuid.uuid4().hex[:8]}"
    url: str = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
    assert url in sqs.list_queues(QueueNamePrefix=name).get("QueueUrls", [])
    probe.facts["queue_url"] = url
    return url


def send_receive(probe: Probe) -> str:
    """A message sent is received with its body, then deleted."""
    sqs = probe.client("sqs")
    url = probe.facts.get("queue_url") or sqs.create_queue(QueueName="smoke")["QueueUrl"]
    body = f"smoke {uuid.uuid4()}"
    sent = sqs.send_message(QueueUrl=url, MessageBody=body)["MessageId"]
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5).get("Messages", [])
    assert [(m["MessageId"], m["Body"]) for m in got] == [(sent, body)], got
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    return f"message {sent}"


def put_events_reaches_rule_queue(probe: Probe) -> str:
    """An event PutEvents accepts arrives, as the event itself, in the queue its rule names."""
    token = str(uuid.uuid4())
    entry = {"Source": SMOKE_SOURCE, "DetailType": "Smoke", "Detail": json.dumps({"token": token})}
    reply = probe.client("events").put_events(Entries=[entry])
    assert reply["FailedEntryCount"] == 0, reply["Entries"]
    event_id = reply["Entries"][0]["EventId"]
    sqs = probe.client("sqs")
    url = sqs.get_queue_url(QueueName=SMOKE_QUEUE)["QueueUrl"]
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10).get("Messages", [])
    events = [json.loads(m["Body"]) for m in got]
    assert [(e["id"], e["detail"]["token"]) for e in events] == [(event_id, token)], got
    return f"event {event_id} -> {SMOKE_QUEUE}"


def consumer_queue_exists(probe: Probe) -> str:
    """The compose consumer reached the emulator: the queue it polls exists."""
    sqs = probe.client("sqs")
    deadline = time.monotonic() + WAIT_S
    while True:
        try:
            url: str = sqs.get_queue_url(QueueName=CONSUMER_QUEUE)["QueueUrl"]
            return url
        except sqs.exceptions.QueueDoesNotExist:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def send_to_consumer(probe: Probe) -> str:
    """Send the consumer a message; the caller looks for its body in the consumer's log."""
    sqs = probe.client("sqs")
    url = sqs.get_queue_url(QueueName=CONSUMER_QUEUE)["QueueUrl"]
    token = f"smoke-{uuid.uuid4()}"
    sqs.send_message(QueueUrl=url, MessageBody=token)
    probe.facts["token"] = token
    return token


SQS_MESSAGES = ("sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage")
RULES = ("cli:--rules",)
CHAOS_OFF = ("admin:DELETE_/_emulator/chaos",)

TABLES: dict[str, list[Check]] = {
    "image": [
        Check("health", health),
        Check("the rules files' queues exist", rules_queues_exist, RULES),
        Check("no chaos for the checks below", chaos_off, CHAOS_OFF),
        Check("CreateQueue, GetQueueUrl, ListQueues", queue_lifecycle),
        Check("SendMessage, ReceiveMessage, DeleteMessage", send_receive, SQS_MESSAGES),
        Check(
            "PutEvents reaches the queue its rule names",
            put_events_reaches_rule_queue,
            ("events:PutEvents", *RULES, *SQS_MESSAGES),
        ),
    ],
    "compose": [
        Check("health", health),
        Check("the rules files' queues exist", rules_queues_exist, RULES),
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


def arguments(argv: list[str]) -> argparse.Namespace:
    """The command line (see the module's docstring)."""
    parser = argparse.ArgumentParser(prog="python -m tests.container.probe")
    parser.add_argument("table", choices=sorted(TABLES))
    parser.add_argument("url")
    parser.add_argument("--served", type=Path, help="what the image serves (served.py's output)")
    parser.add_argument("--rules", type=Path, action="append", default=[], metavar="DIR")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    """Run one table of checks against one emulator."""
    args = arguments(argv)
    probe = Probe(args.url, args.rules)
    available = set(args.served.read_text().split()) if args.served else served()
    results = [run(check, probe, available) for check in TABLES[args.table]]
    if "token" in probe.facts:
        print(f"TOKEN={probe.facts['token']}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
