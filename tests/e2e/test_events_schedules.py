"""Schedules over real HTTP on a manual clock: Scheduled Events reach a queue as the clock moves
(``POST /_emulator/clock/advance``), only while the rule is enabled; no test waits a minute."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from emulator.settings import Settings
from tests.e2e.events_helpers import make_queue
from tests.servers import RunningServer, start_server


def advance(server: RunningServer, seconds: float) -> dict[str, Any]:
    reply = httpx.post(f"{server.url}/_emulator/clock/advance", json={"seconds": seconds})
    reply.raise_for_status()
    answer: dict[str, Any] = reply.json()
    return answer


def epoch(text: str) -> float:
    """An envelope ``time`` as epoch seconds."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()


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


def scheduled_rule(events: Any, sqs: Any, expression: str) -> tuple[str, str]:
    """(queue url, rule arn) of rule ``tick`` with the schedule and a queue target."""
    url, arn = make_queue(sqs, "ticks")
    rule_arn: str = events.put_rule(Name="tick", ScheduleExpression=expression)["RuleArn"]
    events.put_targets(Rule="tick", Targets=[{"Id": "q", "Arn": arn}])
    return url, rule_arn


def test_rate_schedule_fires_scheduled_events_as_the_clock_moves(
    manual: RunningServer, aws: tuple[Any, Any]
) -> None:
    events, sqs = aws
    url, rule_arn = scheduled_rule(events, sqs, "rate(5 minutes)")
    advance(manual, 299)
    assert drain(sqs, url) == []
    advance(manual, 301)
    got = drain(sqs, url)
    assert len(got) == 2
    first = got[0]
    assert first["source"] == "aws.events"
    assert first["detail-type"] == "Scheduled Event"
    assert first["detail"] == {}
    assert first["resources"] == [rule_arn]
    first_time, second_time = (epoch(e["time"]) for e in got)
    assert second_time - first_time == 300
    ledger = httpx.get(f"{manual.url}/_emulator/ledger", params={"event_id": first["id"]}).json()
    kinds = {r["kind"] for r in ledger["records"]}
    assert {"event.accepted", "rule.matched", "delivery.succeeded"} <= kinds


def test_cron_schedule_fires_at_its_utc_minutes(
    manual: RunningServer, aws: tuple[Any, Any]
) -> None:
    events, sqs = aws
    now = advance(manual, 0)["now"]
    url, _ = scheduled_rule(events, sqs, "cron(0/30 * * * ? *)")
    to_next_half_hour = 1800 - now % 1800
    advance(manual, to_next_half_hour + 1800)
    times = [e["time"] for e in drain(sqs, url)]
    assert len(times) == 2
    assert all(t.endswith(("00:00Z", "30:00Z")) for t in times)


def test_disabled_schedule_stays_silent_until_enabled(
    manual: RunningServer, aws: tuple[Any, Any]
) -> None:
    events, sqs = aws
    url, _ = scheduled_rule(events, sqs, "rate(1 minute)")
    events.disable_rule(Name="tick")
    advance(manual, 180)
    assert drain(sqs, url) == []
    events.enable_rule(Name="tick")
    advance(manual, 60)
    assert len(drain(sqs, url)) == 1


@pytest.mark.parametrize(
    "expression", ["rate(1 minutes)", "cron(0 12 * * * *)", "cron(0 25 * * ? *)"]
)
def test_invalid_schedule_is_refused(aws: tuple[Any, Any], expression: str) -> None:
    events, _ = aws
    with pytest.raises(ClientError) as caught:
        events.put_rule(Name="bad", ScheduleExpression=expression)
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert caught.value.response["Error"]["Message"] == "Parameter ScheduleExpression is not valid."


def test_schedule_on_a_custom_bus_is_refused(aws: tuple[Any, Any]) -> None:
    events, _ = aws
    events.create_event_bus(Name="custom")
    with pytest.raises(ClientError) as caught:
        events.put_rule(Name="t", ScheduleExpression="rate(1 hour)", EventBusName="custom")
    assert caught.value.response["Error"]["Code"] == "ValidationException"


def test_clock_advance_is_refused_on_the_system_clock(emulator: RunningServer) -> None:
    reply = httpx.post(f"{emulator.url}/_emulator/clock/advance", json={"seconds": 60})
    assert reply.status_code == 409


def test_manual_clock_setting_starts_a_clock_that_advances_on_request() -> None:
    server = start_server(Settings(clock="manual"))
    try:
        before = advance(server, 0)["now"]
        assert advance(server, 3600)["now"] == before + 3600
        bad = httpx.post(f"{server.url}/_emulator/clock/advance", json={"seconds": -1})
        assert bad.status_code == 400
    finally:
        server.stop()
