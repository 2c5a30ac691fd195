"""Chaos decisions are a pure function of seed, fault, subject and attempt."""

from __future__ import annotations

from emulator.core.chaos import Chaos, Ledger, Subject, parse_chaos
from emulator.core.clock import ManualClock


def _chaos(seed: int, probability: float = 0.5, **extra: object) -> Chaos:
    body = {"probability": probability, **extra}
    return Chaos(parse_chaos({"seed": seed, "faults": [{"match": {"queue": "q"}, "drop": body}]}))


def _hits(chaos: Chaos, keys: list[str]) -> list[bool]:
    return [chaos.decide("drop", Subject(k, {"queue": "q"})) is not None for k in keys]


def test_same_seed_same_subjects_same_decisions_in_any_order() -> None:
    keys = [f"m{i}" for i in range(200)]
    forward = _hits(_chaos(7), keys)
    backward = list(reversed(_hits(_chaos(7), list(reversed(keys)))))
    assert forward == backward
    assert 60 < sum(forward) < 140


def test_different_seed_gives_different_decisions() -> None:
    keys = [f"m{i}" for i in range(200)]
    assert _hits(_chaos(7), keys) != _hits(_chaos(8), keys)


def test_probability_one_always_and_zero_never_hits() -> None:
    keys = [f"m{i}" for i in range(50)]
    assert all(_hits(_chaos(1, 1.0), keys))
    assert not any(_hits(_chaos(1, 0.0), keys))


def test_unmatched_selector_never_hits() -> None:
    chaos = _chaos(1, 1.0)
    assert chaos.decide("drop", Subject("m", {"queue": "other"})) is None
    assert chaos.decide("fail", Subject("m", {"queue": "q"})) is None


def test_times_caps_how_often_a_fault_fires() -> None:
    chaos = _chaos(1, 1.0, times=2)
    assert _hits(chaos, ["a", "b", "c", "d"]) == [True, True, False, False]


def test_attempt_is_part_of_the_subject() -> None:
    chaos = _chaos(3)
    rolls = {
        chaos.decide("drop", Subject("m", {"queue": "q"}, attempt=a)) is None for a in range(40)
    }
    assert rolls == {True, False}


def test_call_counters_number_calls_per_operation() -> None:
    chaos = Chaos()
    assert chaos.next_call("sqs:SendMessage") == "sqs:SendMessage#1"
    assert chaos.next_call("sqs:SendMessage") == "sqs:SendMessage#2"
    assert chaos.next_call("events:PutEvents") == "events:PutEvents#1"


def test_pick_ms_stays_within_bounds() -> None:
    chaos = _chaos(5, 1.0)
    fault = chaos.config.faults[0]
    values = {chaos.pick_ms(fault, Subject(f"m{i}"), [200, 400], "delay") for i in range(100)}
    assert min(values) >= 200
    assert max(values) <= 400
    assert len(values) > 20


def test_ledger_filters_and_summarises() -> None:
    clock = ManualClock()
    ledger = Ledger(clock, capacity=3)
    ledger.record("event.accepted", event_id="e1")
    ledger.record("delivery.attempt", event_id="e1", target="t")
    ledger.record("delivery.attempt", event_id="e2", target="t")
    ledger.record("message.enqueued", queue="q", message_id="m")
    assert [r.seq for r in ledger.records] == [2, 3, 4]
    assert [r.event_id for r in ledger.query(kind="delivery.attempt")] == ["e1", "e2"]
    assert [r.seq for r in ledger.query(since=3)] == [4]
    assert ledger.summary() == {"delivery.attempt": 2, "message.enqueued": 1}


def test_may_hit_says_whether_any_selector_holds() -> None:
    chaos = _chaos(1)
    assert chaos.may_hit(("drop",), {"queue": "q"})
    assert not chaos.may_hit(("drop",), {"queue": "other"})
    assert not chaos.may_hit(("delay", "duplicate"), {"queue": "q"})


def test_named_lists_selector_values_or_none_when_a_fault_lacks_it() -> None:
    chaos = Chaos(
        parse_chaos(
            {
                "faults": [
                    {"match": {"queue": ["a", "b"]}, "drop": {}},
                    {"match": {"queue": "c"}, "delay": {"ms": 5}},
                ]
            }
        )
    )
    assert chaos.named(("drop", "delay"), "queue") == frozenset({"a", "b", "c"})
    assert chaos.named(("drop",), "operation") is None
    assert chaos.named(("error",), "operation") == frozenset()
