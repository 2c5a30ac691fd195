"""Archives and replays on a manual clock: what is kept, what is replayed, and replay states."""

from __future__ import annotations

import pytest

from emulator.core.clock import ManualClock
from emulator.core.errors import DomainError
from emulator.core.events import EventsBackend
from emulator.core.events.archives import (
    REPLAY_BATCH,
    ReplaySpec,
)
from emulator.core.events.arns import BusRef
from tests.unit.events_fakes import (
    ACCOUNT,
    REGION,
    FakeSqs,
    add_rule,
    default_bus,
    entry,
    make_backend,
    queue_arn,
)

SCOPE = (ACCOUNT, REGION)
Q = queue_arn("q")
BUS_ARN = default_bus().arn
ORDERS = {"source": ["app.orders"]}


def archived_backend(
    count: int = 3, pattern: str | None = None
) -> tuple[EventsBackend, FakeSqs, ManualClock]:
    """A backend whose default bus has archive ``a``, a rule to Q, and ``count`` events put."""
    backend, sqs, clock = make_backend()
    backend.archives.create(SCOPE, "a", BUS_ARN, event_pattern=pattern)
    add_rule(backend, "r", ORDERS, [{"Id": "t", "Arn": Q}])
    for n in range(count):
        backend.put_events(ACCOUNT, REGION, [entry(detail={"n": n})])
        clock.advance(1)
    backend.run_due()
    sqs.sent.clear()
    return backend, sqs, clock


def spec(clock: ManualClock, name: str = "re", **destination: object) -> ReplaySpec:
    return ReplaySpec(
        name,
        f"arn:aws:events:{REGION}:{ACCOUNT}:archive/a",
        clock.now() - 3600,
        clock.now(),
        {"Arn": BUS_ARN, **destination},
    )


def test_archive_keeps_matching_events_with_count_and_size() -> None:
    backend, _, _ = archived_backend(2, pattern='{"detail": {"n": [1]}}')
    archive = backend.archives.archive(SCOPE, "a")
    assert len(archive.events) == 1
    assert archive.events[0].event.payload["detail"] == {"n": 1}
    assert archive.size_bytes == len(archive.events[0].event.json.encode())


def test_archive_forgets_events_past_retention() -> None:
    backend, _, clock = make_backend()
    backend.archives.create(SCOPE, "a", BUS_ARN, retention_days=1)
    backend.put_events(ACCOUNT, REGION, [entry()])
    backend.run_due()
    clock.advance(86401)
    assert backend.archives.archive(SCOPE, "a").events == []


def test_archive_of_another_bus_keeps_nothing_from_default() -> None:
    backend, _, _ = make_backend()
    backend.registry.create_bus(BusRef(ACCOUNT, REGION, "b"), {})
    backend.archives.create(SCOPE, "a", "b")
    backend.put_events(ACCOUNT, REGION, [entry()])
    backend.run_due()
    assert backend.archives.archive(SCOPE, "a").events == []


def test_archive_errors() -> None:
    backend, _, _ = make_backend()
    backend.archives.create(SCOPE, "a", BUS_ARN)
    with pytest.raises(DomainError, match=r"Archive a already exists\.") as exists:
        backend.archives.create(SCOPE, "a", BUS_ARN)
    assert exists.value.code == "ResourceAlreadyExistsException"
    with pytest.raises(DomainError, match=r"Event bus nope does not exist\."):
        backend.archives.create(SCOPE, "b", "nope")
    with pytest.raises(DomainError) as pattern:
        backend.archives.create(SCOPE, "c", BUS_ARN, event_pattern='{"source": "x"}')
    assert pattern.value.code == "InvalidEventPatternException"
    with pytest.raises(DomainError, match=r"Archive zz does not exist\.") as missing:
        backend.archives.delete(SCOPE, "zz")
    assert missing.value.code == "ResourceNotFoundException"
    with pytest.raises(DomainError, match="At most one filter is allowed for ListArchives"):
        backend.archives.list_archives(SCOPE, "a", BUS_ARN, None)


def test_replay_sends_window_with_replay_name_and_completes() -> None:
    backend, sqs, clock = archived_backend(3)
    replay = backend.archives.start_replay(SCOPE, spec(clock))
    assert replay.state == "STARTING"
    backend.run_due()
    assert replay.state == "COMPLETED"
    bodies = [s.json for s in sqs.to(Q)]
    assert [b["detail"]["n"] for b in bodies] == [0, 1, 2]
    assert {b["replay-name"] for b in bodies} == {"re"}
    assert list(bodies[0])[-1] == "replay-name"
    assert replay.ended == clock.now()
    assert replay.last_replayed is not None


def test_replayed_events_are_not_archived_again() -> None:
    backend, _, clock = archived_backend(2)
    backend.archives.start_replay(SCOPE, spec(clock))
    backend.run_due()
    assert len(backend.archives.archive(SCOPE, "a").events) == 2


def test_replay_window_excludes_its_end() -> None:
    backend, sqs, clock = archived_backend(3)
    first = backend.archives.archive(SCOPE, "a").events[0].time
    window = ReplaySpec("w", spec(clock).archive_arn, first, first + 1, {"Arn": BUS_ARN})
    backend.archives.start_replay(SCOPE, window)
    backend.run_due()
    assert [s.json["detail"]["n"] for s in sqs.to(Q)] == [0]


def test_replay_to_filter_arns_reaches_only_those_rules() -> None:
    backend, sqs, clock = archived_backend(1)
    other = queue_arn("other")
    add_rule(backend, "s", ORDERS, [{"Id": "t", "Arn": other}])
    rule_arn = backend.registry.rule(default_bus(), "s").arn
    backend.archives.start_replay(SCOPE, spec(clock, FilterArns=[rule_arn]))
    backend.run_due()
    assert sqs.to(Q) == []
    assert len(sqs.to(other)) == 1


def test_replay_runs_in_steps_and_a_cancel_stops_it() -> None:
    backend, sqs, clock = archived_backend(REPLAY_BATCH * 3)
    replay = backend.archives.start_replay(SCOPE, spec(clock))
    backend.run_due()
    assert replay.state == "RUNNING"
    assert len(sqs.to(Q)) == REPLAY_BATCH
    assert backend.archives.cancel_replay(SCOPE, "re").state == "CANCELLING"
    clock.advance(10)
    backend.run_due()
    assert replay.state == "CANCELLED"
    assert len(sqs.to(Q)) == REPLAY_BATCH
    with pytest.raises(DomainError, match="Replay re is not in a valid state") as illegal:
        backend.archives.cancel_replay(SCOPE, "re")
    assert illegal.value.code == "IllegalStatusException"


def test_replay_finishes_as_the_clock_moves() -> None:
    backend, sqs, clock = archived_backend(REPLAY_BATCH * 3)
    replay = backend.archives.start_replay(SCOPE, spec(clock))
    backend.run_due()
    clock.advance(1)
    backend.run_due()
    assert replay.state == "COMPLETED"
    assert len(sqs.to(Q)) == REPLAY_BATCH * 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"Arn": "arn:aws:sqs:us-east-1:111122223333:q"}, "Must contain an event bus ARN"),
        ({"Arn": BusRef(ACCOUNT, REGION, "b").arn}, "Cross event bus replay is not permitted"),
        ({"archive_arn": "arn:aws:events:us-east-1:111122223333:archive/x"}, "Archive x does"),
        ({"end": 0.0}, "EventStartTime must be before EventEndTime"),
    ],
)
def test_start_replay_validation(change: dict[str, object], message: str) -> None:
    backend, _, clock = archived_backend(0)
    backend.registry.create_bus(BusRef(ACCOUNT, REGION, "b"), {})
    base = spec(clock)
    fields = {
        "name": base.name,
        "archive_arn": change.get("archive_arn", base.archive_arn),
        "start": base.start,
        "end": change.get("end", base.end),
        "destination": {"Arn": change.get("Arn", BUS_ARN)},
    }
    with pytest.raises(DomainError, match=message) as caught:
        backend.archives.start_replay(SCOPE, ReplaySpec(**fields))  # type: ignore[arg-type]
    assert caught.value.code == "ValidationException"


def test_replay_name_is_unique() -> None:
    backend, _, clock = archived_backend(0)
    backend.archives.start_replay(SCOPE, spec(clock))
    with pytest.raises(DomainError, match=r"Replay re already exists\."):
        backend.archives.start_replay(SCOPE, spec(clock))


def test_reset_forgets_archives_and_replays() -> None:
    backend, _, clock = archived_backend(1)
    backend.archives.start_replay(SCOPE, spec(clock))
    backend.reset()
    with pytest.raises(DomainError, match=r"Archive a does not exist\."):
        backend.archives.archive(SCOPE, "a")
    with pytest.raises(DomainError, match=r"Replay re does not exist\."):
        backend.archives.replay(SCOPE, "re")


def test_replay_fails_when_its_bus_is_deleted_under_it() -> None:
    backend, _, clock = make_backend()
    ref = BusRef(ACCOUNT, REGION, "b")
    backend.registry.create_bus(ref, {})
    backend.archives.create(SCOPE, "a", "b")
    replay_spec = ReplaySpec("re", spec(clock).archive_arn, 0.0, clock.now(), {"Arn": ref.arn})
    replay = backend.archives.start_replay(SCOPE, replay_spec)
    backend.registry.delete_bus(ref)
    backend.run_due()
    assert replay.state == "FAILED"
    assert replay.state_reason == "Event bus b does not exist."


def test_filter_arn_that_is_not_a_rule_is_refused() -> None:
    backend, _, clock = archived_backend(0)
    with pytest.raises(DomainError, match=r"Destination\.FilterArns") as caught:
        backend.archives.start_replay(SCOPE, spec(clock, FilterArns=[Q]))
    assert caught.value.code == "ValidationException"
