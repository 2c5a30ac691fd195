"""Target-level chaos on EventBridge deliveries, and the ledger, over real HTTP with boto3."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from emulator.settings import Settings
from tests.e2e.events_helpers import clients, make_queue, put, receive, route_to_queue
from tests.servers import RunningServer, start_server


def _chaos(url: str, *faults: dict[str, Any], seed: int = 1) -> None:
    reply = httpx.put(f"{url}/_emulator/chaos", json={"seed": seed, "faults": list(faults)})
    assert reply.status_code == 200, reply.text


def _ledger(url: str, **filters: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = httpx.get(f"{url}/_emulator/ledger", params=filters).json()[
        "records"
    ]
    return records


def _two_targets(events: Any, sqs: Any) -> tuple[str, str]:
    billing_url, billing_arn = make_queue(sqs, "billing")
    audit_url, audit_arn = make_queue(sqs, "audit")
    events.put_rule(Name="orders", EventPattern=json.dumps({"source": ["app"]}))
    events.put_targets(
        Rule="orders",
        Targets=[{"Id": "billing", "Arn": billing_arn}, {"Id": "audit", "Arn": audit_arn}],
    )
    return billing_url, audit_url


def test_duplicate_on_a_target_delivers_the_same_event_id_twice(emulator: RunningServer) -> None:
    events, sqs = clients(emulator.url)
    url, arn = make_queue(sqs, "orders")
    route_to_queue(events, arn, rule="order-created")
    _chaos(emulator.url, {"match": {"rule": "order-created"}, "duplicate": {"probability": 1.0}})
    event_id = put(events, {"order": 1})
    got = receive(sqs, url, count=2)
    assert [json.loads(m["Body"])["id"] for m in got] == [event_id, event_id]
    assert len({m["MessageId"] for m in got}) == 2
    delivered = _ledger(emulator.url, kind="delivery.succeeded", event_id=event_id)
    assert [r["detail"]["duplicate"] for r in delivered] == [False, True]
    assert _ledger(emulator.url, kind="delivery.duplicated")[0]["fault"] == "duplicate#0"


def test_delayed_target_arrives_after_an_undelayed_one(emulator: RunningServer) -> None:
    events, sqs = clients(emulator.url)
    billing_url, audit_url = _two_targets(events, sqs)
    _chaos(emulator.url, {"match": {"target": "billing"}, "delay": {"ms": 300}})
    event_id = put(events, {"order": 2})
    assert len(receive(sqs, audit_url, count=1, timeout=2)) == 1
    assert len(receive(sqs, billing_url, count=1, timeout=3)) == 1
    delivered = _ledger(emulator.url, kind="delivery.succeeded", event_id=event_id)
    assert [r["target"] for r in delivered] == ["audit", "billing"]
    assert delivered[1]["time"] - delivered[0]["time"] >= 0.29
    delayed = _ledger(emulator.url, kind="delivery.delayed")
    assert delayed[0]["detail"]["ms"] == 300


def test_fail_exhausts_retries_into_the_dead_letter_queue(emulator: RunningServer) -> None:
    events, sqs = clients(emulator.url)
    url, arn = make_queue(sqs, "billing")
    dlq_url, dlq_arn = make_queue(sqs, "billing-dlq")
    route_to_queue(
        events,
        arn,
        rule="pay",
        DeadLetterConfig={"Arn": dlq_arn},
        RetryPolicy={"MaximumRetryAttempts": 0},
    )
    _chaos(emulator.url, {"match": {"rule": "pay"}, "fail": {}})
    event_id = put(events, {"order": 3})
    dead = receive(sqs, dlq_url, count=1)
    assert json.loads(dead[0]["Body"])["id"] == event_id
    attributes = dead[0]["MessageAttributes"]
    assert attributes["EXHAUSTED_RETRY_CONDITION"]["StringValue"] == "MaximumRetryAttempts"
    assert attributes["RETRY_ATTEMPTS"]["StringValue"] == "0"
    assert receive(sqs, url, count=1, timeout=0.5) == []
    kinds = [r["kind"] for r in _ledger(emulator.url, event_id=event_id)]
    assert kinds == [
        "event.accepted",
        "rule.matched",
        "delivery.attempt",
        "delivery.fail_injected",
        "delivery.failed",
        "delivery.dead_lettered",
    ]


def test_fail_once_is_retried_and_then_delivered(emulator: RunningServer) -> None:
    events, sqs = clients(emulator.url)
    url, arn = make_queue(sqs, "billing")
    route_to_queue(events, arn, rule="pay", RetryPolicy={"MaximumRetryAttempts": 3})
    _chaos(emulator.url, {"match": {"target": "q"}, "fail": {"times": 1}})
    event_id = put(events, {"order": 4})
    assert len(receive(sqs, url, count=1, timeout=4)) == 1
    failed = _ledger(emulator.url, kind="delivery.failed", event_id=event_id)
    assert failed[0]["detail"]["retry_at"] is not None
    assert [r["attempt"] for r in _ledger(emulator.url, kind="delivery.succeeded")] == [2]


def test_drop_loses_the_delivery_but_the_ledger_knows(emulator: RunningServer) -> None:
    events, sqs = clients(emulator.url)
    url, arn = make_queue(sqs, "audit")
    route_to_queue(events, arn)
    _chaos(emulator.url, {"match": {"source": "app"}, "drop": {}})
    event_id = put(events, {"order": 5})
    assert receive(sqs, url, count=1, timeout=0.5) == []
    assert _ledger(emulator.url, kind="delivery.dropped")[0]["event_id"] == event_id


@pytest.mark.parametrize("selector", [{"bus": "default"}, {"detail-type": "Thing Happened"}])
def test_bus_and_detail_type_selectors_hit_deliveries(
    emulator: RunningServer, selector: dict[str, str]
) -> None:
    events, sqs = clients(emulator.url)
    url, arn = make_queue(sqs, "q1")
    route_to_queue(events, arn)
    _chaos(emulator.url, {"match": selector, "duplicate": {}})
    put(events, {"n": 1})
    assert len(receive(sqs, url, count=2)) == 2


def test_unmatched_selector_leaves_deliveries_alone(emulator: RunningServer) -> None:
    events, sqs = clients(emulator.url)
    url, arn = make_queue(sqs, "q1")
    route_to_queue(events, arn)
    _chaos(
        emulator.url,
        {"match": {"source": "other"}, "duplicate": {}},
        {"match": {"queue": "elsewhere"}, "drop": {}},
    )
    put(events, {"n": 1})
    assert len(receive(sqs, url, count=2, timeout=0.7)) == 1


def test_global_duplicate_flag_hits_each_delivery_once_not_twice() -> None:
    server = start_server(Settings(duplicate_rate=1.0, seed=5))
    try:
        events, sqs = clients(server.url)
        url, arn = make_queue(sqs, "orders")
        route_to_queue(events, arn)
        put(events, {"n": 1})
        assert len(receive(sqs, url, count=3, timeout=1.0)) == 2
    finally:
        server.stop()


def test_put_events_error_fault_is_a_throttling_exception(emulator: RunningServer) -> None:
    events, _ = clients(emulator.url)
    _chaos(
        emulator.url,
        {"match": {"operation": "events:PutEvents"}, "error": {"code": "ThrottlingException"}},
    )
    with pytest.raises(events.exceptions.ClientError) as caught:
        put(events, {"n": 1})
    assert caught.value.response["Error"]["Code"] == "ThrottlingException"
    assert _ledger(emulator.url, kind="event.accepted") == []


def test_put_events_partial_batch_fails_entries_in_place(emulator: RunningServer) -> None:
    events, _ = clients(emulator.url)
    _chaos(
        emulator.url,
        {"match": {"operation": "events:PutEvents"}, "partial_batch": {"probability": 0.5}},
        seed=4,
    )
    entries = [
        {"Source": "app", "DetailType": "t", "Detail": json.dumps({"i": i})} for i in range(10)
    ]
    reply = events.put_events(Entries=entries)
    failed = [i for i, e in enumerate(reply["Entries"]) if "ErrorCode" in e]
    assert 0 < len(failed) < 10
    assert reply["FailedEntryCount"] == len(failed)
    assert len(reply["Entries"]) == 10
    assert len(_ledger(emulator.url, kind="event.accepted")) == 10 - len(failed)
