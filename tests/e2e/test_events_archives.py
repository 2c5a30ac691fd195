"""Archives and replays over real HTTP, on a server whose clock moves only when told to: an
archive replays into a queue with ``replay-name``, and a cancelled replay stops."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.e2e.events_helpers import make_queue, put, route_to_queue
from tests.servers import RunningServer

BUS = "arn:aws:events:us-east-1:000000000000:event-bus/default"


def advance(server: RunningServer, seconds: float) -> float:
    reply = httpx.post(f"{server.url}/_emulator/clock/advance", json={"seconds": seconds})
    reply.raise_for_status()
    now: float = reply.json()["now"]
    return now


def drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    """Every message in the queue now (no long poll: a manual clock would hold it forever)."""
    got: list[dict[str, Any]] = []
    while True:
        reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        messages = reply.get("Messages", [])
        if not messages:
            return got
        for message in messages:
            got.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def archived(server: RunningServer, aws: tuple[Any, Any], count: int) -> tuple[str, str, str]:
    """(queue url, archive arn, rule arn): ``count`` events put, archived and delivered once."""
    events, sqs = aws
    url, queue_arn = make_queue(sqs, "q")
    rule_arn = route_to_queue(events, queue_arn)
    archive_arn: str = events.create_archive(ArchiveName="a", EventSourceArn=BUS)["ArchiveArn"]
    for n in range(count):
        put(events, {"n": n})
    assert len(drain(sqs, url)) == count
    advance(server, 1)
    return url, archive_arn, rule_arn


def window(server: RunningServer) -> dict[str, datetime]:
    now = advance(server, 0)
    return {
        "EventStartTime": datetime.fromtimestamp(now - 3600, UTC),
        "EventEndTime": datetime.fromtimestamp(now, UTC),
    }


def test_archive_replays_its_events_into_the_queue_with_replay_name(
    manual: RunningServer, aws: tuple[Any, Any]
) -> None:
    events, sqs = aws
    url, archive_arn, _ = archived(manual, aws, 3)
    described = events.describe_archive(ArchiveName="a")
    assert described["EventCount"] == 3
    assert described["SizeBytes"] > 0
    started = events.start_replay(
        ReplayName="again", EventSourceArn=archive_arn, Destination={"Arn": BUS}, **window(manual)
    )
    assert started["State"] == "STARTING"
    replayed = drain(sqs, url)
    assert sorted(e["detail"]["n"] for e in replayed) == [0, 1, 2]
    assert {e["replay-name"] for e in replayed} == {"again"}
    replay = events.describe_replay(ReplayName="again")
    assert replay["State"] == "COMPLETED"
    assert "ReplayEndTime" in replay
    assert "EventLastReplayedTime" in replay
    assert replay["Destination"] == {"Arn": BUS}
    assert events.describe_archive(ArchiveName="a")["EventCount"] == 3
    state = httpx.get(f"{manual.url}/_emulator/state").json()["events"]
    assert state["replays"] == [{"name": "again", "archive": archive_arn, "state": "COMPLETED"}]
    assert state["archives"] == [{"name": "a", "bus": BUS, "event_count": 3}]


def test_cancelled_replay_stops_sending(manual: RunningServer, aws: tuple[Any, Any]) -> None:
    events, sqs = aws
    url, archive_arn, _ = archived(manual, aws, 35)
    events.start_replay(
        ReplayName="stop", EventSourceArn=archive_arn, Destination={"Arn": BUS}, **window(manual)
    )
    first_step = len(drain(sqs, url))
    assert 0 < first_step < 35
    assert events.cancel_replay(ReplayName="stop")["State"] == "CANCELLING"
    advance(manual, 60)
    assert drain(sqs, url) == []
    assert events.describe_replay(ReplayName="stop")["State"] == "CANCELLED"
    with pytest.raises(ClientError) as caught:
        events.cancel_replay(ReplayName="stop")
    assert caught.value.response["Error"]["Code"] == "IllegalStatusException"


def test_running_replay_completes_as_the_clock_moves(
    manual: RunningServer, aws: tuple[Any, Any]
) -> None:
    events, sqs = aws
    url, archive_arn, _ = archived(manual, aws, 25)
    events.start_replay(
        ReplayName="slow", EventSourceArn=archive_arn, Destination={"Arn": BUS}, **window(manual)
    )
    assert events.describe_replay(ReplayName="slow")["State"] == "RUNNING"
    advance(manual, 60)
    assert len(drain(sqs, url)) == 25
    assert events.list_replays(State="COMPLETED")["Replays"][0]["ReplayName"] == "slow"


def test_replay_to_filter_arns_skips_other_rules(
    manual: RunningServer, aws: tuple[Any, Any]
) -> None:
    events, sqs = aws
    url, archive_arn, _ = archived(manual, aws, 1)
    other_url, other_arn = make_queue(sqs, "other")
    other_rule = route_to_queue(events, other_arn, rule="other")
    events.start_replay(
        ReplayName="only",
        EventSourceArn=archive_arn,
        Destination={"Arn": BUS, "FilterArns": [other_rule]},
        **window(manual),
    )
    assert drain(sqs, url) == []
    assert [e["replay-name"] for e in drain(sqs, other_url)] == ["only"]


def test_archive_lifecycle_and_errors(aws: tuple[Any, Any]) -> None:
    events, _ = aws
    created = events.create_archive(
        ArchiveName="a", EventSourceArn=BUS, EventPattern='{"source": ["x"]}', RetentionDays=7
    )
    assert created["State"] == "ENABLED"
    events.update_archive(ArchiveName="a", Description="d", RetentionDays=0)
    described = events.describe_archive(ArchiveName="a")
    assert described["Description"] == "d"
    assert described["RetentionDays"] == 0
    assert described["EventPattern"] == '{"source": ["x"]}'
    assert [a["ArchiveName"] for a in events.list_archives(NamePrefix="a")["Archives"]] == ["a"]
    for call, code in [
        (
            lambda: events.create_archive(ArchiveName="a", EventSourceArn=BUS),
            "ResourceAlreadyExists",
        ),
        (lambda: events.describe_archive(ArchiveName="zz"), "ResourceNotFound"),
        (
            lambda: events.create_archive(
                ArchiveName="b", EventSourceArn=BUS, EventPattern='{"source": "x"}'
            ),
            "InvalidEventPattern",
        ),
        (lambda: events.list_archives(NamePrefix="a", State="ENABLED"), "Validation"),
    ]:
        with pytest.raises(ClientError) as caught:
            call()
        assert caught.value.response["Error"]["Code"] == f"{code}Exception"
    events.delete_archive(ArchiveName="a")
    assert events.list_archives()["Archives"] == []


def test_replay_into_another_bus_is_refused(manual: RunningServer, aws: tuple[Any, Any]) -> None:
    events, _ = aws
    archive_arn = events.create_archive(ArchiveName="a", EventSourceArn=BUS)["ArchiveArn"]
    other = events.create_event_bus(Name="other")["EventBusArn"]
    with pytest.raises(ClientError) as caught:
        events.start_replay(
            ReplayName="x", EventSourceArn=archive_arn, Destination={"Arn": other}, **window(manual)
        )
    assert caught.value.response["Error"]["Message"] == (
        "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted."
    )
