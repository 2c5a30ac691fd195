"""Rules files on a real server: applied at start, and hot-reloaded while it runs.

A change is observed by polling ``GET /_emulator/state`` (its ``rules`` part counts reloads and
refusals) until the new state shows, within a deadline; file events take a few tens of ms.
"""

from __future__ import annotations

import json
import logging
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.settings import Settings
from tests.conftest import make_events_client, make_sqs_client
from tests.servers import RunningServer, start_server

SQS = "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}"
DEADLINE_S = 15.0

FLOW = f"""\
queues:
  - QueueName: keep
    Attributes: {{VisibilityTimeout: 30}}
buses:
  - Name: orders
rules:
  - Name: to-keep
    EventBusName: orders
    EventPattern: {{source: [shop]}}
    Targets:
      - {{Id: keep, Arn: "{SQS}:keep"}}
"""


@dataclass
class RulesServer:
    """A server started on a folder of rules files, with clients for it."""

    server: RunningServer
    folder: Path
    sqs: Any
    events: Any

    def write(self, name: str, text: str) -> None:
        (self.folder / name).write_text(textwrap.dedent(text))

    def rules_state(self) -> dict[str, Any]:
        state: dict[str, Any] = httpx.get(f"{self.server.url}/_emulator/state").json()["rules"]
        return state

    def wait_for(self, condition: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """Poll the rules state until ``condition`` holds (or fail at the deadline)."""
        deadline = time.monotonic() + DEADLINE_S
        while True:
            state = self.rules_state()
            if condition(state):
                return state
            assert time.monotonic() < deadline, f"rules state never matched: {state}"
            time.sleep(0.05)

    def put(self, source: str = "shop", detail: dict[str, Any] | None = None) -> None:
        entry = {
            "Source": source,
            "DetailType": "OrderCreated",
            "Detail": json.dumps(detail or {}),
            "EventBusName": "orders",
        }
        assert self.events.put_events(Entries=[entry])["FailedEntryCount"] == 0

    def url(self, queue: str) -> str:
        url: str = self.sqs.get_queue_url(QueueName=queue)["QueueUrl"]
        return url

    def drain(self, queue: str, expected: int) -> list[str]:
        """Receive until ``expected`` messages came (bodies), waiting at most the deadline."""
        bodies: list[str] = []
        deadline = time.monotonic() + DEADLINE_S
        while len(bodies) < expected and time.monotonic() < deadline:
            got = self.sqs.receive_message(
                QueueUrl=self.url(queue), MaxNumberOfMessages=10, WaitTimeSeconds=1
            ).get("Messages", [])
            bodies += [m["Body"] for m in got]
        return bodies


@pytest.fixture
def rules_server(tmp_path: Path) -> Iterator[RulesServer]:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "flow.yaml").write_text(FLOW)
    server = start_server(Settings(rules=(str(folder),)))
    try:
        yield RulesServer(
            server,
            folder,
            make_sqs_client(server.url, "json"),
            make_events_client(server.url),
        )
    finally:
        server.stop()


def test_files_are_applied_at_start(rules_server: RulesServer) -> None:
    rules_server.put()
    assert len(rules_server.drain("keep", 1)) == 1
    assert rules_server.rules_state()["rules"] == ["orders/to-keep"]


def test_change_adds_a_queue_and_rule_and_updates_a_queue_keeping_its_messages(
    rules_server: RulesServer,
) -> None:
    keep = rules_server.url("keep")
    for i in range(3):
        rules_server.sqs.send_message(QueueUrl=keep, MessageBody=f"before-{i}")
    rules_server.put(detail={"n": "event-before"})
    changed = FLOW.replace("VisibilityTimeout: 30", "VisibilityTimeout: 5")
    changed = changed.replace("queues:\n", "queues:\n  - QueueName: added\n")
    changed += (
        "  - Name: to-added\n    EventBusName: orders\n    EventPattern: {source: [shop]}\n"
        f'    Targets:\n      - {{Id: added, Arn: "{SQS}:added"}}\n'
    )
    rules_server.write("flow.yaml", changed)

    state = rules_server.wait_for(lambda s: "added" in s["queues"])
    assert state["rules"] == ["orders/to-added", "orders/to-keep"]
    attributes = rules_server.sqs.get_queue_attributes(
        QueueUrl=keep, AttributeNames=["VisibilityTimeout"]
    )["Attributes"]
    assert attributes == {"VisibilityTimeout": "5"}
    bodies = rules_server.drain("keep", 4)
    assert sorted(b for b in bodies if b.startswith("before-")) == [
        "before-0",
        "before-1",
        "before-2",
    ]
    assert any("event-before" in b for b in bodies)
    rules_server.put(detail={"n": "event-after"})
    assert "event-after" in rules_server.drain("added", 1)[0]


def test_removing_items_deletes_them(rules_server: RulesServer) -> None:
    rules_server.write("flow.yaml", "queues: [{QueueName: keep}]\n")
    state = rules_server.wait_for(lambda s: s["rules"] == [])
    assert state["buses"] == []
    buses = rules_server.events.list_event_buses()["EventBuses"]
    assert [b["Name"] for b in buses] == ["default"]
    rules_server.write("flow.yaml", "{}\n")
    rules_server.wait_for(lambda s: s["queues"] == [])
    assert rules_server.sqs.list_queues().get("QueueUrls", []) == []


def test_a_new_file_in_the_folder_is_merged_in(rules_server: RulesServer) -> None:
    rules_server.write("more.json", json.dumps({"queues": [{"QueueName": "from-json"}]}))
    state = rules_server.wait_for(lambda s: "from-json" in s["queues"])
    assert state["files"][-1].endswith("more.json")
    assert rules_server.url("from-json").endswith("/from-json")


def test_invalid_change_is_refused_logged_and_the_running_state_stays(
    rules_server: RulesServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="emulator.rules")
    keep = rules_server.url("keep")
    rules_server.sqs.send_message(QueueUrl=keep, MessageBody="stays")
    broken = FLOW.replace(f"{SQS}:keep", f"{SQS}:kep") + "  - QueueName: never\n"
    rules_server.write("flow.yaml", broken)

    state = rules_server.wait_for(lambda s: s["refused"] >= 1)
    assert 'Targets[0].Arn: no queue named "kep" exists in any rules file' in state["last_error"]
    assert "flow.yaml:11: rules[0] (to-keep).Targets[0].Arn" in state["last_error"]
    assert state["queues"] == ["keep"]
    refusals = [r.getMessage() for r in caplog.records if r.name == "emulator.rules"]
    assert any("refused" in m and 'no queue named "kep"' in m for m in refusals)
    rules_server.put(detail={"n": "still-routed"})
    bodies = rules_server.drain("keep", 2)
    assert "stays" in bodies
    assert any("still-routed" in b for b in bodies)

    rules_server.write("flow.yaml", FLOW.replace("VisibilityTimeout: 30", "VisibilityTimeout: 7"))
    state = rules_server.wait_for(lambda s: s["last_error"] is None and s["reloads"] >= 1)
    assert state["refused"] >= 1


def test_chaos_section_change_replaces_the_chaos_in_force(rules_server: RulesServer) -> None:
    chaos = "chaos:\n  seed: 9\n  faults:\n    - {match: {target: keep}, drop: {probability: 1}}\n"
    rules_server.write("chaos.yaml", chaos)
    rules_server.wait_for(lambda s: s["chaos_faults"] == 1)
    in_force = httpx.get(f"{rules_server.server.url}/_emulator/chaos").json()
    assert in_force["seed"] == 9
    assert in_force["faults"] == [{"match": {"target": "keep"}, "drop": {"probability": 1.0}}]


def test_a_single_rules_file_is_watched_through_atomic_saves(tmp_path: Path) -> None:
    path = tmp_path / "only.yaml"
    path.write_text("queues: [{QueueName: first}]\n")
    (tmp_path / "unrelated.yaml").write_text("not: [a rules file\n")
    server = start_server(Settings(rules=(str(path),)))
    try:
        watched = RulesServer(server, tmp_path, make_sqs_client(server.url, "json"), None)
        temporary = tmp_path / ".only.yaml.swp"
        temporary.write_text("queues: [{QueueName: first}, {QueueName: second}]\n")
        temporary.replace(path)  # how many editors save: write aside, then rename over
        state = watched.wait_for(lambda s: s["queues"] == ["first", "second"])
        assert state["files"] == [str(path)]
        assert state["refused"] == 0
    finally:
        server.stop()
