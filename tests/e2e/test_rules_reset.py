"""``POST /_emulator/reset`` returns a server started on rules files to the files' state."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.settings import Settings
from tests.conftest import make_events_client, make_sqs_client
from tests.servers import RunningServer, start_server

SQS = "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}"
FLOW = f"""\
queues:
  - QueueName: keep
    Attributes: {{DelaySeconds: 0, VisibilityTimeout: 40}}
buses:
  - Name: orders
rules:
  - Name: to-keep
    EventBusName: orders
    EventPattern: {{source: [shop]}}
    Targets:
      - {{Id: keep, Arn: "{SQS}:keep"}}
chaos:
  seed: 11
  faults:
    - {{name: files-fault, match: {{queue: nothing}}, drop: {{probability: 0.5}}}}
"""


@pytest.fixture
def started(tmp_path: Path) -> Iterator[tuple[RunningServer, Path, Any, Any]]:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "flow.yaml").write_text(FLOW)
    server = start_server(Settings(rules=(str(folder),)))
    try:
        yield server, folder, make_sqs_client(server.url, "json"), make_events_client(server.url)
    finally:
        server.stop()


def _queues(sqs: Any) -> list[str]:
    return sorted(url.rsplit("/", 1)[1] for url in sqs.list_queues().get("QueueUrls", []))


def _chaos(server: RunningServer) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{server.url}/_emulator/chaos").json()
    return body


def test_reset_returns_queues_rules_and_targets_to_the_files(
    started: tuple[RunningServer, Path, Any, Any],
) -> None:
    server, _, sqs, events = started
    keep = sqs.get_queue_url(QueueName="keep")["QueueUrl"]
    sqs.send_message(QueueUrl=keep, MessageBody="cleared by reset")
    sqs.set_queue_attributes(QueueUrl=keep, Attributes={"VisibilityTimeout": "5"})
    sqs.create_queue(QueueName="extra")
    events.remove_targets(Rule="to-keep", EventBusName="orders", Ids=["keep"])
    events.put_rule(Name="by-api", EventBusName="orders", EventPattern='{"source": ["x"]}')

    server.reset()

    assert _queues(sqs) == ["keep"]
    keep = sqs.get_queue_url(QueueName="keep")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=keep, AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "40"
    assert attributes["ApproximateNumberOfMessages"] == "0"
    rules = events.list_rules(EventBusName="orders")["Rules"]
    assert [r["Name"] for r in rules] == ["to-keep"]
    targets = events.list_targets_by_rule(Rule="to-keep", EventBusName="orders")["Targets"]
    assert [t["Id"] for t in targets] == ["keep"]
    entry = {"Source": "shop", "DetailType": "t", "Detail": "{}", "EventBusName": "orders"}
    events.put_events(Entries=[entry])
    got = sqs.receive_message(QueueUrl=keep, WaitTimeSeconds=5).get("Messages", [])
    assert len(got) == 1


def test_reset_returns_chaos_to_the_files(started: tuple[RunningServer, Path, Any, Any]) -> None:
    server, _, _, _ = started
    assert [f["name"] for f in _chaos(server)["faults"]] == ["files-fault"]
    body = {"seed": 1, "faults": [{"match": {"queue": "keep"}, "duplicate": {}}]}
    httpx.put(f"{server.url}/_emulator/chaos", json=body).raise_for_status()
    assert _chaos(server)["seed"] == 1

    server.reset()

    chaos = _chaos(server)
    assert (chaos["seed"], [f["name"] for f in chaos["faults"]]) == (11, ["files-fault"])


def test_reset_after_a_reload_returns_to_the_reloaded_files(
    started: tuple[RunningServer, Path, Any, Any],
) -> None:
    server, folder, sqs, _ = started
    (folder / "later.json").write_text(json.dumps({"queues": [{"QueueName": "later"}]}))
    deadline = time.monotonic() + 15
    while "later" not in _queues(sqs):
        assert time.monotonic() < deadline, "the new file was never applied"
        time.sleep(0.05)
    sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName="later")["QueueUrl"])

    server.reset()

    assert _queues(sqs) == ["keep", "later"]
