"""Schedule expressions: AWS's validation, next firings, and Scheduled Events on a manual clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from emulator.core.clock import ManualClock
from emulator.core.errors import DomainError
from emulator.core.events import EventsBackend
from emulator.core.events.registry import RuleSpec
from emulator.core.events.rules import DISABLED, ENABLED, Rule
from emulator.core.events.schedules import parse_schedule
from tests.unit.events_fakes import ACCOUNT, FakeSqs, default_bus, make_backend, queue_arn

Q = queue_arn("q")


def at(text: str) -> float:
    """``2024-01-02T03:04`` (UTC) as epoch seconds."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def iso(seconds: float | None) -> str:
    assert seconds is not None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M")


def firings(expression: str, start: str, count: int) -> list[str]:
    schedule = parse_schedule(expression)
    moment, out = at(start), []
    for _ in range(count):
        nxt = schedule.next_after(moment)
        out.append(iso(nxt))
        assert nxt is not None
        moment = nxt
    return out


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0/15 * ? * MON-FRI *)",
        "cron(0 8 1 * ? *)",
        "cron(15 10 ? * 6L 2022-2030)",
        "cron(0 9 ? * 2#1 *)",
        "cron(0 0 L * ? *)",
        "cron(0 0 LW * ? *)",
        "cron(0 0 15W * ? *)",
        "cron(5,35 14 * JAN,FEB ? *)",
        "cron(*/5 10-20/2 ? * SUN *)",
        "rate(7 days)",
    ],
)
def test_expressions_aws_accepts(expression: str) -> None:
    parse_schedule(expression)


@pytest.mark.parametrize(
    "expression",
    [
        "cron(60 * * * ? *)",
        "cron(0 24 * * ? *)",
        "cron(0 0 32 * ? *)",
        "cron(0 0 * 13 ? *)",
        "cron(0 0 ? * 8 *)",
        "cron(0 0 * * ? 1969)",
        "cron(0 0 ? * ? *)",
        "cron(0 0 1 * MON *)",
        "cron(0 0 * * ?)",
        "cron(0 0 * FOO ? *)",
        "cron(0 0 ? * 2#6 *)",
        "cron(20-10 * * * ? *)",
        "cron(0/0 * * * ? *)",
        "cron(a * * * ? *)",
        "rate(1 hours)",
        "every(5 minutes)",
    ],
)
def test_expressions_aws_refuses(expression: str) -> None:
    with pytest.raises(DomainError, match=r"Parameter ScheduleExpression is not valid\."):
        parse_schedule(expression)


def test_rate_fires_one_period_after_its_anchor() -> None:
    schedule = parse_schedule("rate(5 minutes)")
    assert schedule.next_after(0) == 300
    assert schedule.next_after(300) == 600
    assert schedule.next_after(301) == 600


def test_cron_increments_on_weekdays_only() -> None:
    # 2024-01-05 is a Friday
    got = firings("cron(0/20 * ? * MON-FRI *)", "2024-01-05T23:30", 3)
    assert got == ["2024-01-05T23:40", "2024-01-08T00:00", "2024-01-08T00:20"]


def test_cron_last_day_of_month_and_leap_february() -> None:
    assert firings("cron(0 12 L * ? *)", "2024-01-31T12:00", 2) == [
        "2024-02-29T12:00",
        "2024-03-31T12:00",
    ]


def test_cron_nearest_weekday_stays_in_the_month() -> None:
    # 2024-06-01 is a Saturday: 1W is Monday the 3rd; 2024-06-30 a Sunday: LW is Friday the 28th
    assert firings("cron(0 0 1W * ? 2024)", "2024-05-31T00:00", 1) == ["2024-06-03T00:00"]
    assert firings("cron(0 0 LW * ? 2024)", "2024-06-01T00:00", 1) == ["2024-06-28T00:00"]


def test_cron_nth_and_last_weekday_of_month() -> None:
    # second Tuesday (3#2) and last Friday (6L) of January 2024
    assert firings("cron(0 9 ? * 3#2 *)", "2024-01-01T00:00", 1) == ["2024-01-09T09:00"]
    assert firings("cron(0 9 ? * FRIL *)", "2024-01-01T00:00", 1) == ["2024-01-26T09:00"]


def test_cron_month_names_and_years_end() -> None:
    assert firings("cron(30 6 1 MAR ? 2025-2026)", "2024-01-01T00:00", 2) == [
        "2025-03-01T06:30",
        "2026-03-01T06:30",
    ]
    assert parse_schedule("cron(0 0 1 1 ? 2024)").next_after(at("2024-06-01T00:00")) is None


# --------------------------------------------------------------------------- firing
def scheduled(
    expression: str, state: str = ENABLED
) -> tuple[EventsBackend, FakeSqs, ManualClock, Rule]:
    backend, sqs, clock = make_backend()
    spec = RuleSpec("tick", schedule=expression, state=state)
    rule = backend.registry.put_rule(default_bus(), spec, ACCOUNT)
    backend.registry.put_targets(default_bus(), "tick", [{"Id": "q", "Arn": Q}])
    return backend, sqs, clock, rule


def test_rate_rule_fires_scheduled_events_to_its_targets() -> None:
    backend, sqs, clock, rule = scheduled("rate(1 minute)")
    clock.advance(59)
    backend.run_due()
    assert sqs.sent == []
    clock.advance(1)
    backend.run_due()
    (sent,) = sqs.sent
    event = sent.json
    assert event["source"] == "aws.events"
    assert event["detail-type"] == "Scheduled Event"
    assert event["detail"] == {}
    assert event["resources"] == [rule.arn]
    assert event["account"] == ACCOUNT
    assert event["time"] == datetime.fromtimestamp(clock.now(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_clock_moved_past_several_firings_fires_each_with_its_time() -> None:
    backend, sqs, clock, _ = scheduled("rate(1 minute)")
    clock.advance(180)
    backend.run_due()
    times = [s.json["time"] for s in sqs.sent]
    assert len(times) == 3
    assert times == sorted(times)
    assert len(set(times)) == 3


def test_cron_rule_fires_at_its_minute() -> None:
    backend, sqs, clock, _ = scheduled("cron(0 * * * ? *)")  # every hour on the hour
    clock.advance(at("2023-11-14T23:00") - clock.now() - 1)
    backend.run_due()
    assert sqs.sent == []
    clock.advance(1)
    backend.run_due()
    assert [s.json["time"] for s in sqs.sent] == ["2023-11-14T23:00:00Z"]


def test_disabled_schedule_does_not_fire_until_enabled() -> None:
    backend, sqs, clock, _ = scheduled("rate(1 minute)", state=DISABLED)
    clock.advance(120)
    backend.run_due()
    assert sqs.sent == []
    backend.registry.set_state(default_bus(), "tick", ENABLED)
    clock.advance(60)
    backend.run_due()
    assert len(sqs.sent) == 1


def test_deleted_or_replaced_rule_stops_its_old_schedule() -> None:
    backend, sqs, clock, _ = scheduled("rate(1 minute)")
    spec = RuleSpec("tick", schedule="rate(10 minutes)")
    backend.registry.put_rule(default_bus(), spec, ACCOUNT)
    clock.advance(300)
    backend.run_due()
    assert sqs.sent == []
    backend.registry.remove_targets(default_bus(), "tick", ["q"])
    backend.registry.delete_rule(default_bus(), "tick")
    clock.advance(600)
    backend.run_due()
    assert sqs.sent == []


def test_scheduled_events_do_not_reach_pattern_rules() -> None:
    backend, sqs, clock, _ = scheduled("rate(1 minute)")
    other = queue_arn("other")
    spec = RuleSpec("all", event_pattern='{"source": ["aws.events"]}')
    backend.registry.put_rule(default_bus(), spec, ACCOUNT)
    backend.registry.put_targets(default_bus(), "all", [{"Id": "o", "Arn": other}])
    clock.advance(60)
    backend.run_due()
    assert sqs.to(other) == []
    assert len(sqs.to(Q)) == 1
