"""The delivery pipeline on a manual clock: routing, retries with backoff, DLQ, hops."""

from __future__ import annotations

import pytest

from emulator.core.errors import DomainError
from emulator.core.events.arns import BusRef
from emulator.core.events.delivery import retry_delay, sqs_failure
from emulator.core.events.limits import DEFAULT_LIMITS
from emulator.core.events.rules import DISABLED
from tests.unit.events_fakes import (
    ACCOUNT,
    REGION,
    add_rule,
    default_bus,
    entry,
    make_backend,
    queue_arn,
    transient,
)

ORDERS = {"source": ["app.orders"]}
Q = queue_arn("q")
DLQ = queue_arn("dlq")


def test_delivery_waits_for_the_scheduler_not_the_request() -> None:
    backend, sqs, _ = make_backend()
    add_rule(backend, "r", ORDERS, [{"Id": "t", "Arn": Q}])
    backend.put_events(ACCOUNT, REGION, [entry()])
    assert sqs.sent == []
    assert backend.run_due() == 1
    assert len(sqs.to(Q)) == 1


def test_event_reaches_each_target_of_each_matching_rule_exactly_once() -> None:
    backend, sqs, _ = make_backend()
    add_rule(backend, "a", ORDERS, [{"Id": "1", "Arn": Q}, {"Id": "2", "Arn": queue_arn("q2")}])
    add_rule(backend, "b", {"detail-type": ["OrderPlaced"]}, [{"Id": "1", "Arn": Q}])
    add_rule(backend, "c", {"source": ["other"]}, [{"Id": "1", "Arn": queue_arn("q3")}])
    backend.put_events(ACCOUNT, REGION, [entry()])
    backend.run_due()
    assert [s.arn for s in sqs.sent] == [Q, queue_arn("q2"), Q]


def test_disabled_rule_does_not_route_until_enabled() -> None:
    backend, sqs, _ = make_backend()
    add_rule(backend, "r", ORDERS, [{"Id": "t", "Arn": Q}])
    backend.registry.set_state(default_bus(), "r", DISABLED)
    backend.put_events(ACCOUNT, REGION, [entry()])
    backend.run_due()
    assert sqs.sent == []
    backend.registry.set_state(default_bus(), "r", "ENABLED")
    backend.put_events(ACCOUNT, REGION, [entry()])
    backend.run_due()
    assert len(sqs.sent) == 1


def test_event_on_missing_bus_is_accepted_and_dropped() -> None:
    backend, sqs, _ = make_backend()
    add_rule(backend, "r", ORDERS, [{"Id": "t", "Arn": Q}])
    results = backend.put_events(ACCOUNT, REGION, [entry(EventBusName="nope")])
    backend.run_due()
    assert results[0][0] is not None
    assert results[0][1] is None
    assert sqs.sent == []


def test_deleted_queue_goes_to_dlq_without_retries() -> None:
    backend, sqs, _ = make_backend()
    sqs.missing.add(Q)
    add_rule(backend, "r", ORDERS, [{"Id": "t", "Arn": Q, "DeadLetterConfig": {"Arn": DLQ}}])
    event_id = backend.put_events(ACCOUNT, REGION, [entry()])[0][0]
    backend.run_due()
    [dead] = sqs.to(DLQ)
    assert dead.json["id"] == event_id
    assert dead.attribute("ERROR_CODE") == "NO_RESOURCE"
    assert dead.attribute("RETRY_ATTEMPTS") == "0"
    assert dead.attribute("EXHAUSTED_RETRY_CONDITION") is None
    assert dead.attribute("RULE_ARN") == f"arn:aws:events:{REGION}:{ACCOUNT}:rule/r"
    assert dead.attribute("TARGET_ARN") == Q
    assert backend.scheduler.pending == 0


def test_dlq_receives_the_original_event_not_the_shaped_input() -> None:
    backend, sqs, _ = make_backend()
    sqs.missing.add(Q)
    target = {"Id": "t", "Arn": Q, "Input": '{"fixed": 1}', "DeadLetterConfig": {"Arn": DLQ}}
    add_rule(backend, "r", ORDERS, [target])
    backend.put_events(ACCOUNT, REGION, [entry()])
    backend.run_due()
    assert sqs.to(DLQ)[0].json["source"] == "app.orders"


def test_transient_failure_is_retried_after_backoff_on_the_clock() -> None:
    backend, sqs, clock = make_backend()
    sqs.failures[Q] = transient(2)
    add_rule(backend, "r", ORDERS, [{"Id": "t", "Arn": Q}])
    backend.put_events(ACCOUNT, REGION, [entry()])
    backend.run_due()
    assert sqs.sent == []
    first = backend.scheduler.next_due()
    assert first is not None
    assert 0.5 <= first - clock.now() < 1.0
    clock.advance(first - clock.now())
    backend.run_due()
    second = backend.scheduler.next_due()
    assert second is not None
    assert 1.0 <= second - clock.now() < 2.0
    clock.advance(second - clock.now())
    backend.run_due()
    assert len(sqs.to(Q)) == 1
    assert backend.scheduler.pending == 0


def test_retry_is_not_attempted_before_it_is_due() -> None:
    backend, sqs, clock = make_backend()
    sqs.failures[Q] = transient(1)
    add_rule(backend, "r", ORDERS, [{"Id": "t", "Arn": Q}])
    backend.put_events(ACCOUNT, REGION, [entry()])
    backend.run_due()
    clock.advance(0.49)
    backend.run_due()
    assert sqs.sent == []
    clock.advance(0.51)
    backend.run_due()
    assert len(sqs.sent) == 1


def test_exhausted_retry_attempts_go_to_dlq_with_condition() -> None:
    backend, sqs, clock = make_backend()
    sqs.failures[Q] = transient(10)
    target = {
        "Id": "t",
        "Arn": Q,
        "RetryPolicy": {"MaximumRetryAttempts": 2},
        "DeadLetterConfig": {"Arn": DLQ},
    }
    add_rule(backend, "r", ORDERS, [target])
    backend.put_events(ACCOUNT, REGION, [entry()])
    for _ in range(5):
        backend.run_due()
        clock.advance(10)
    [dead] = sqs.to(DLQ)
    assert dead.attribute("EXHAUSTED_RETRY_CONDITION") == "MaximumRetryAttempts"
    assert dead.attribute("RETRY_ATTEMPTS") == "2"
    assert dead.attribute("ERROR_CODE") == "INTERNAL_ERROR"
    assert dead.attribute("ERROR_MESSAGE") == "Service unavailable"


def test_maximum_retry_attempts_zero_dead_letters_the_first_failure() -> None:
    backend, sqs, _ = make_backend()
    sqs.failures[Q] = transient(1)
    target = {
        "Id": "t",
        "Arn": Q,
        "RetryPolicy": {"MaximumRetryAttempts": 0},
        "DeadLetterConfig": {"Arn": DLQ},
    }
    add_rule(backend, "r", ORDERS, [target])
    backend.put_events(ACCOUNT, REGION, [entry()])
    backend.run_due()
    assert sqs.to(DLQ)[0].attribute("RETRY_ATTEMPTS") == "0"
    assert sqs.to(DLQ)[0].attribute("EXHAUSTED_RETRY_CONDITION") == "MaximumRetryAttempts"


def test_event_age_limit_stops_retries() -> None:
    backend, sqs, clock = make_backend()
    sqs.failures[Q] = transient(100)
    target = {
        "Id": "t",
        "Arn": Q,
        "RetryPolicy": {"MaximumEventAgeInSeconds": 60},
        "DeadLetterConfig": {"Arn": DLQ},
    }
    add_rule(backend, "r", ORDERS, [target])
    backend.put_events(ACCOUNT, REGION, [entry()])
    while not sqs.to(DLQ):
        backend.run_due()
        due = backend.scheduler.next_due()
        if due is not None:
            clock.advance(due - clock.now())
    dead = sqs.to(DLQ)[0]
    assert dead.attribute("EXHAUSTED_RETRY_CONDITION") == "MaximumEventAgeInSeconds"
    assert clock.now() - 1_700_000_000.0 <= 60
    assert int(dead.attribute("RETRY_ATTEMPTS") or 0) >= 4


def test_failed_event_without_dlq_is_dropped() -> None:
    backend, sqs, _ = make_backend()
    sqs.missing.add(Q)
    add_rule(backend, "r", ORDERS, [{"Id": "t", "Arn": Q}])
    backend.put_events(ACCOUNT, REGION, [entry()])
    backend.run_due()
    assert sqs.sent == []
    assert backend.scheduler.pending == 0


def test_backoff_doubles_up_to_the_cap_with_bounded_jitter() -> None:
    delays = [retry_delay(DEFAULT_LIMITS, n, f"e|r|t|{n}") for n in range(1, 20)]
    for n, delay in enumerate(delays, start=1):
        base = min(600.0, 2.0 ** (n - 1))
        assert 0.5 * base <= delay < base
    assert retry_delay(DEFAULT_LIMITS, 3, "k") == retry_delay(DEFAULT_LIMITS, 3, "k")


def test_default_policy_spreads_185_retries_over_less_than_a_day() -> None:
    total = sum(retry_delay(DEFAULT_LIMITS, n, f"x|{n}") for n in range(1, 186))
    assert 15 * 3600 < total < 24 * 3600


def test_fifo_target_sends_group_and_event_id_as_dedup_id() -> None:
    backend, sqs, _ = make_backend()
    fifo = queue_arn("orders.fifo")
    add_rule(
        backend,
        "r",
        ORDERS,
        [{"Id": "t", "Arn": fifo, "SqsParameters": {"MessageGroupId": "g1"}}],
    )
    event_id = backend.put_events(ACCOUNT, REGION, [entry()])[0][0]
    backend.run_due()
    [sent] = sqs.to(fifo)
    assert (sent.group, sent.dedup) == ("g1", event_id)


def test_standard_queue_gets_no_dedup_id() -> None:
    backend, sqs, _ = make_backend()
    add_rule(backend, "r", ORDERS, [{"Id": "t", "Arn": Q}])
    backend.put_events(ACCOUNT, REGION, [entry()])
    backend.run_due()
    assert sqs.sent[0].dedup is None
    assert sqs.sent[0].group is None


def _bus(name: str, account: str = ACCOUNT, region: str = REGION) -> BusRef:
    return BusRef(account, region, name)


def test_bus_target_forwards_same_event_id_across_accounts_and_regions() -> None:
    backend, sqs, _ = make_backend()
    remote = _bus("central", "444455556666", "eu-west-1")
    backend.registry.create_bus(remote, {})
    add_rule(backend, "fwd", ORDERS, [{"Id": "b", "Arn": remote.arn}])
    add_rule(
        backend,
        "in",
        ORDERS,
        [{"Id": "q", "Arn": queue_arn("r", remote.account, remote.region)}],
        remote,
    )
    event_id = backend.put_events(ACCOUNT, REGION, [entry()])[0][0]
    backend.run_due()
    [got] = sqs.sent
    assert got.json["id"] == event_id
    assert (got.json["account"], got.json["region"]) == (ACCOUNT, REGION)


def test_second_bus_hop_is_refused_and_dead_lettered() -> None:
    backend, sqs, _ = make_backend()
    central = _bus("central")
    backend.registry.create_bus(central, {})
    add_rule(backend, "out", ORDERS, [{"Id": "t", "Arn": central.arn}])
    back = [{"Id": "t", "Arn": default_bus().arn, "DeadLetterConfig": {"Arn": DLQ}}]
    add_rule(backend, "back", ORDERS, back, central)
    backend.put_events(ACCOUNT, REGION, [entry()])
    assert backend.run_due() == 2
    [dead] = sqs.to(DLQ)
    assert dead.attribute("ERROR_CODE") == "THIRD_ACCOUNT_HOP_DETECTED"
    assert backend.scheduler.pending == 0


def test_second_hop_into_another_region_is_a_region_hop() -> None:
    backend, sqs, _ = make_backend()
    a, far = _bus("a"), _bus("far", ACCOUNT, "eu-west-1")
    for ref in (a, far):
        backend.registry.create_bus(ref, {})
    add_rule(backend, "fwd", ORDERS, [{"Id": "t", "Arn": a.arn}])
    add_rule(
        backend, "on", ORDERS, [{"Id": "t", "Arn": far.arn, "DeadLetterConfig": {"Arn": DLQ}}], a
    )
    backend.put_events(ACCOUNT, REGION, [entry()])
    backend.run_due()
    assert sqs.to(DLQ)[0].attribute("ERROR_CODE") == "THIRD_REGION_HOP_DETECTED"


def test_unsupported_target_kind_is_skipped_without_failure() -> None:
    backend, sqs, _ = make_backend()
    fn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f"
    add_rule(backend, "r", ORDERS, [{"Id": "f", "Arn": fn}, {"Id": "q", "Arn": Q}])
    backend.put_events(ACCOUNT, REGION, [entry()])
    backend.run_due()
    assert [s.arn for s in sqs.sent] == [Q]


@pytest.mark.parametrize("count", [1, 10])
def test_each_accepted_event_gets_a_distinct_id(count: int) -> None:
    backend, sqs, _ = make_backend()
    add_rule(backend, "r", ORDERS, [{"Id": "t", "Arn": Q}])
    ids = [r[0] for r in backend.put_events(ACCOUNT, REGION, [entry()] * count)]
    backend.run_due()
    assert len(set(ids)) == count
    assert sorted(s.json["id"] for s in sqs.sent) == sorted(ids)


@pytest.mark.parametrize(
    ("error", "code", "retryable"),
    [
        (DomainError("gone", code="QueueDoesNotExist"), "NO_RESOURCE", False),
        (DomainError("too big", code="InvalidParameterValue"), "INVALID_PARAMETER", False),
        (DomainError("slow down", code="RequestThrottled"), "THROTTLING", True),
        (DomainError("oops", code="InternalError", status=500), "INTERNAL_ERROR", True),
    ],
)
def test_sqs_errors_map_to_dead_letter_codes(
    error: DomainError, code: str, retryable: bool
) -> None:
    failure = sqs_failure(error)
    assert (failure.code, failure.retryable, failure.message) == (code, retryable, error.message)
