"""The ledger's records as readers see them, whether written eagerly or lazily."""

from __future__ import annotations

import json
from pathlib import Path

from emulator.core.chaos import Chaos, Ledger, parse_chaos
from emulator.core.clock import ManualClock
from emulator.core.events import EventsBackend
from emulator.core.events.observe import EventsObserver
from emulator.core.ids import IdFactory
from tests.unit.events_fakes import ACCOUNT, REGION, FakeSqs, add_rule, entry, queue_arn, transient


def _fields(event_id: str, target: str) -> dict[str, object]:
    return {"event_id": event_id, "target": target, "detail": {"n": 1}}


def test_lazy_record_reads_like_the_eager_record_with_the_same_fields() -> None:
    clock = ManualClock()
    ledger = Ledger(clock)
    ledger.record("delivery.attempt", **_fields("e1", "t"))
    clock.advance(1)
    ledger.record_lazy("delivery.attempt", _fields, "e1", "t")
    eager, lazy = ledger.records
    assert (eager.seq, lazy.seq) == (1, 2)
    assert lazy.time == eager.time + 1
    assert lazy.to_json() == {**eager.to_json(), "seq": 2, "time": eager.time + 1}


def test_lazy_records_count_filter_and_fall_off_like_eager_ones() -> None:
    ledger = Ledger(ManualClock(), capacity=2)
    ledger.record_lazy("delivery.attempt", _fields, "e1", "t")
    ledger.record("message.enqueued", queue="q", message_id="m")
    ledger.record_lazy("delivery.attempt", _fields, "e2", "t")
    assert [r.seq for r in ledger.records] == [2, 3]
    assert [r.event_id for r in ledger.query(kind="delivery.attempt")] == ["e2"]
    assert [r.seq for r in ledger.query(since=2, target="t")] == [3]
    assert ledger.summary() == {"message.enqueued": 1, "delivery.attempt": 1}


def test_lazy_record_goes_to_the_jsonl_file_as_it_is_written(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    ledger = Ledger(ManualClock(), path=str(path))
    ledger.record_lazy("delivery.attempt", _fields, "e1", "t")
    ledger.close()
    [line] = path.read_text().splitlines()
    assert json.loads(line) == ledger.records[0].to_json()


def test_delivery_records_keep_the_attempt_number_they_were_written_with() -> None:
    clock = ManualClock()
    ledger = Ledger(clock)
    observer = EventsObserver(Chaos(parse_chaos({})), ledger)
    sqs = FakeSqs(failures={queue_arn("q"): transient(1)})
    backend = EventsBackend(clock, IdFactory(7), sqs, observer=observer, faults=observer)
    add_rule(backend, "r", {"source": ["app.orders"]}, [{"Id": "t", "Arn": queue_arn("q")}])
    [(event_id, _)] = backend.put_events(ACCOUNT, REGION, [entry()])
    backend.run_due()
    clock.advance(600)
    backend.run_due()
    attempts = ledger.query(kind="delivery.attempt")
    assert [r.attempt for r in attempts] == [0, 1]
    [succeeded] = ledger.query(kind="delivery.succeeded")
    assert succeeded.to_json() | {"seq": 0, "time": 0} == {
        "seq": 0,
        "time": 0,
        "kind": "delivery.succeeded",
        "fault": None,
        "bus": "default",
        "rule": "r",
        "target": "t",
        "queue": None,
        "event_id": event_id,
        "message_id": None,
        "attempt": 2,
        "detail": {"target_arn": queue_arn("q"), "message_id": "msg-1", "duplicate": False},
    }
    [accepted] = ledger.query(kind="event.accepted")
    assert accepted.detail == {
        "source": "app.orders",
        "detail-type": "OrderPlaced",
        "hops": 0,
        "account": ACCOUNT,
        "region": REGION,
    }
    [matched] = ledger.query(kind="rule.matched")
    assert (matched.bus, matched.rule, matched.event_id) == ("default", "r", event_id)
