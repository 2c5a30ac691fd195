"""Archives and replays (EventBridge user guide, "Archiving and replaying events").

An **archive** keeps the events its source bus receives that match its event pattern (all of
them without one) for ``RetentionDays`` days (0: forever). Like AWS, which archives through a
managed rule whose pattern adds ``"replay-name": [{"exists": false}]``, replayed events are not
archived again.

A **replay** sends the archived events whose ``time`` falls in ``[EventStartTime,
EventEndTime)`` back to the archive's own bus (``Destination.Arn`` must be that bus), to every
rule or only to the rules of ``Destination.FilterArns``; each replayed event keeps its id and
envelope and gains ``"replay-name"``. It runs off the request path, on the scheduler, in steps of
:data:`REPLAY_BATCH` events :data:`REPLAY_STEP_SECONDS` of clock time apart, so ``CancelReplay``
stops one in progress. States: ``STARTING`` → ``RUNNING`` → ``COMPLETED``, or ``CANCELLING`` →
``CANCELLED`` after a cancel, or ``FAILED`` when the bus is deleted under it (API reference,
``ReplayState``).
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from emulator.core.clock import Clock
from emulator.core.errors import DomainError, ResourceNotFound
from emulator.core.events.arns import BusRef, RuleRef, bus_ref, resource_ref, split_arn
from emulator.core.events.delivery import Dispatcher
from emulator.core.events.envelope import Event
from emulator.core.events.errors import (
    BUS_NOT_FOUND,
    EventsValidationError,
    ResourceAlreadyExists,
)
from emulator.core.events.registry import Registry
from emulator.core.events.scheduler import Scheduler
from emulator.core.patterns import CompiledPattern, compile_pattern

# Messages as AWS answers them (moto's and LocalStack's AWS-validated tests agree); the ones
# marked unverified follow AWS's wording for the neighbouring cases.
ARCHIVE_EXISTS = "Archive {name} already exists."
ARCHIVE_NOT_FOUND = "Archive {name} does not exist."
REPLAY_EXISTS = "Replay {name} already exists."
REPLAY_NOT_FOUND = "Replay {name} does not exist."
REPLAY_NOT_CANCELLABLE = "Replay {name} is not in a valid state for this operation."
REPLAY_ARCHIVE_MISSING = (
    "Parameter EventSourceArn is not valid. Reason: Archive {name} does not exist."
)
DESTINATION_NOT_BUS = (
    "Parameter Destination.Arn is not valid. Reason: Must contain an event bus ARN."
)
CROSS_BUS_REPLAY = (
    "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted."
)
END_BEFORE_START = (
    "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime."
)
ONE_FILTER = (
    "At most one filter is allowed for {operation}. Use either : State, EventSourceArn, or "
    "NamePrefix."
)
FILTER_ARN_INVALID = "Parameter Destination.FilterArns is not valid."  # unverified

ENABLED = "ENABLED"
STARTING, RUNNING, COMPLETED = "STARTING", "RUNNING", "COMPLETED"
CANCELLING, CANCELLED, FAILED = "CANCELLING", "CANCELLED", "FAILED"
CANCELLABLE = frozenset({STARTING, RUNNING})
REPLAY_BATCH = 10
REPLAY_STEP_SECONDS = 0.1
DAY = 86400.0
REPLAY_NAME = "replay-name"

Scope = tuple[str, str]


class IllegalStatus(DomainError):
    """``CancelReplay`` of a replay that already ended."""

    code = "IllegalStatusException"


@dataclass(frozen=True, slots=True)
class Archived:
    """One archived event: its ``time`` and when the archive received it."""

    time: float
    received: float
    size: int
    event: Event


@dataclass(eq=False, slots=True)
class Archive:
    """One archive of one bus."""

    name: str
    arn: str
    source: BusRef
    description: str | None
    event_pattern: str | None
    compiled: CompiledPattern | None
    retention_days: int
    created: float
    state: str = ENABLED
    events: list[Archived] = field(default_factory=list)
    size_bytes: int = 0

    def accepts(self, event: Event, bus: BusRef) -> bool:
        """Whether this archive keeps ``event`` arriving on ``bus``."""
        if bus != self.source or REPLAY_NAME in event.payload:
            return False
        return self.compiled is None or self.compiled.matches(event.payload)

    def add(self, event: Event, now: float) -> None:
        """Keep ``event``."""
        size = len(event.json.encode())
        self.events.append(Archived(event_time(event), now, size, event))
        self.size_bytes += size

    def expire(self, now: float) -> None:
        """Forget events older than the retention period."""
        if not self.retention_days or not self.events:
            return
        oldest = now - self.retention_days * DAY
        kept = [a for a in self.events if a.received >= oldest]
        if len(kept) != len(self.events):
            self.events = kept
            self.size_bytes = sum(a.size for a in kept)


def event_time(event: Event) -> float:
    """The envelope's ``time`` (``2024-01-02T03:04:05Z``) as epoch seconds."""
    try:
        return float(calendar.timegm(time.strptime(event.payload["time"], "%Y-%m-%dT%H:%M:%SZ")))
    except (KeyError, ValueError):
        return event.ingested_at


@dataclass(eq=False, slots=True)
class Replay:
    """One replay, and the events it has still to send."""

    name: str
    arn: str
    scope: Scope
    description: str | None
    archive: Archive
    destination: dict[str, Any]
    bus: BusRef
    rules: frozenset[str] | None
    start: float
    end: float
    started: float
    state: str = STARTING
    state_reason: str | None = None
    ended: float | None = None
    last_replayed: float | None = None
    pending: list[Archived] = field(default_factory=list)
    next_step: float = 0.0

    @property
    def archive_arn(self) -> str:
        """The ARN of the archive replayed from."""
        return self.archive.arn


@dataclass(frozen=True, slots=True)
class ReplaySpec:
    """What StartReplay asks for."""

    name: str
    archive_arn: str
    start: float
    end: float
    destination: dict[str, Any]
    description: str | None = None


class Archives:
    """Every archive and replay, by (account, region)."""

    def __init__(
        self, clock: Clock, scheduler: Scheduler, dispatcher: Dispatcher, registry: Registry
    ) -> None:
        self.clock = clock
        self.scheduler = scheduler
        self.dispatcher = dispatcher
        self.registry = registry
        self.archives: dict[Scope, dict[str, Archive]] = {}
        self.replays: dict[Scope, dict[str, Replay]] = {}

    def clear(self) -> None:
        """Forget every archive and replay."""
        self.archives.clear()
        self.replays.clear()

    def state(self) -> dict[str, list[dict[str, Any]]]:
        """Archives and replays of every scope, for ``/_emulator/state``."""
        archives = [
            {"name": a.name, "bus": a.source.arn, "event_count": len(a.events)}
            for scope in self.archives.values()
            for a in scope.values()
        ]
        replays = [
            {"name": r.name, "archive": r.archive_arn, "state": r.state}
            for scope in self.replays.values()
            for r in scope.values()
        ]
        return {"archives": archives, "replays": replays}

    # ------------------------------------------------------------------ capture
    def capture(self, event: Event, bus: BusRef) -> None:
        """Keep ``event`` in every archive of ``bus`` that accepts it (the dispatcher's hook)."""
        scope = self.archives.get((bus.account, bus.region))
        if not scope:
            return
        now = self.clock.now()
        for archive in scope.values():
            if archive.accepts(event, bus):
                archive.expire(now)
                archive.add(event, now)

    # ------------------------------------------------------------------ archives
    def create(
        self,
        scope: Scope,
        name: str,
        source_arn: str,
        *,
        description: str | None = None,
        event_pattern: str | None = None,
        retention_days: int = 0,
    ) -> Archive:
        """A new archive of an existing bus."""
        account, region = scope
        archives = self.archives.setdefault(scope, {})
        source = self.registry.bus(bus_ref(source_arn, account, region)).ref
        if name in archives:
            raise ResourceAlreadyExists(ARCHIVE_EXISTS.format(name=name))
        compiled = compile_pattern(event_pattern) if event_pattern else None
        arn = f"arn:aws:events:{region}:{account}:archive/{name}"
        archive = Archive(
            name,
            arn,
            source,
            description,
            event_pattern,
            compiled,
            retention_days,
            self.clock.now(),
        )
        archives[name] = archive
        return archive

    def archive(self, scope: Scope, name: str) -> Archive:
        """The archive (its expired events forgotten), or ``ResourceNotFoundException``."""
        archive = self.archives.get(scope, {}).get(name)
        if archive is None:
            raise ResourceNotFound(ARCHIVE_NOT_FOUND.format(name=name))
        archive.expire(self.clock.now())
        return archive

    def update(
        self,
        scope: Scope,
        name: str,
        *,
        description: str | None = None,
        event_pattern: str | None = None,
        retention_days: int | None = None,
    ) -> Archive:
        """Change an archive's description, pattern or retention."""
        archive = self.archive(scope, name)
        if event_pattern is not None:
            archive.compiled = compile_pattern(event_pattern) if event_pattern else None
            archive.event_pattern = event_pattern or None
        if description is not None:
            archive.description = description
        if retention_days is not None:
            archive.retention_days = retention_days
            archive.expire(self.clock.now())
        return archive

    def delete(self, scope: Scope, name: str) -> None:
        """Delete an archive and its events."""
        self.archive(scope, name)
        del self.archives[scope][name]

    def list_archives(
        self, scope: Scope, prefix: str | None, source_arn: str | None, state: str | None
    ) -> list[Archive]:
        """Archives by name, filtered by at most one of prefix, source and state."""
        _one_filter("ListArchives", prefix, source_arn, state)
        archives = self.archives.get(scope, {})
        found = [self.archive(scope, n) for n in sorted(archives)]
        return [
            a
            for a in found
            if a.name.startswith(prefix or "")
            and source_arn in (None, a.source.arn)
            and state in (None, a.state)
        ]

    # ------------------------------------------------------------------ replays
    def start_replay(self, scope: Scope, spec: ReplaySpec) -> Replay:
        """Check a replay, register it as ``STARTING`` and run its first step soon."""
        account, region = scope
        destination = self._destination(scope, spec.destination.get("Arn", ""))
        archive = self._replay_archive(scope, spec.archive_arn)
        if destination != archive.source:
            raise EventsValidationError(CROSS_BUS_REPLAY)
        if spec.start >= spec.end:
            raise EventsValidationError(END_BEFORE_START)
        replays = self.replays.setdefault(scope, {})
        if spec.name in replays:
            raise ResourceAlreadyExists(REPLAY_EXISTS.format(name=spec.name))
        rules = self._filter(destination, spec.destination.get("FilterArns"))
        now = self.clock.now()
        replay = Replay(
            name=spec.name,
            arn=f"arn:aws:events:{region}:{account}:replay/{spec.name}",
            scope=scope,
            description=spec.description,
            archive=archive,
            destination=dict(spec.destination),
            bus=destination,
            rules=rules,
            start=spec.start,
            end=spec.end,
            started=now,
            next_step=now,
        )
        replays[spec.name] = replay
        self.scheduler.soon(self._step, replay)
        return replay

    def _destination(self, scope: Scope, arn: str) -> BusRef:
        parsed = split_arn(arn)
        if parsed is None or parsed[0] != "events" or not parsed[3].startswith("event-bus/"):
            raise EventsValidationError(DESTINATION_NOT_BUS)
        return self.registry.bus(bus_ref(arn, *scope)).ref

    def _replay_archive(self, scope: Scope, arn: str) -> Archive:
        parsed = split_arn(arn)
        name = arn.rsplit("/", 1)[-1]
        archive = self.archives.get(scope, {}).get(name)
        if parsed is None or archive is None or archive.arn != arn:
            raise EventsValidationError(REPLAY_ARCHIVE_MISSING.format(name=name))
        return archive

    def _filter(self, bus: BusRef, arns: Sequence[str] | None) -> frozenset[str] | None:
        """The rule names a replay is limited to (None: every rule)."""
        if not arns:
            return None
        names: set[str] = set()
        for arn in arns:
            try:
                ref = resource_ref(arn)
            except EventsValidationError:
                raise EventsValidationError(FILTER_ARN_INVALID) from None
            if not isinstance(ref, RuleRef) or ref.bus != bus:
                raise EventsValidationError(FILTER_ARN_INVALID)
            names.add(self.registry.rule(bus, ref.name).name)
        return frozenset(names)

    def replay(self, scope: Scope, name: str) -> Replay:
        """The replay, or ``ResourceNotFoundException``."""
        replay = self.replays.get(scope, {}).get(name)
        if replay is None:
            raise ResourceNotFound(REPLAY_NOT_FOUND.format(name=name))
        return replay

    def list_replays(
        self, scope: Scope, prefix: str | None, source_arn: str | None, state: str | None
    ) -> list[Replay]:
        """Replays by name, filtered by at most one of prefix, archive and state."""
        _one_filter("ListReplays", prefix, source_arn, state)
        replays = self.replays.get(scope, {})
        return [
            r
            for r in (replays[n] for n in sorted(replays))
            if r.name.startswith(prefix or "")
            and source_arn in (None, r.archive_arn)
            and state in (None, r.state)
        ]

    def cancel_replay(self, scope: Scope, name: str) -> Replay:
        """Ask a starting or running replay to stop: ``CANCELLING`` until its next step."""
        replay = self.replay(scope, name)
        if replay.state not in CANCELLABLE:
            raise IllegalStatus(REPLAY_NOT_CANCELLABLE.format(name=name))
        replay.state = CANCELLING
        return replay

    # ------------------------------------------------------------------ running
    def _step(self, replay: Replay) -> None:
        """Send the next batch, or finish; runs on the scheduler."""
        if self.replays.get(replay.scope, {}).get(replay.name) is not replay:
            return  # forgotten by a reset
        if replay.state == CANCELLING:
            self._finish(replay, CANCELLED)
            return
        if self.registry.find_bus(replay.bus) is None:
            replay.state_reason = BUS_NOT_FOUND.format(name=replay.bus.name)
            self._finish(replay, FAILED)
            return
        if replay.state == STARTING:
            replay.state = RUNNING
            replay.pending = self._window(replay)
        batch, replay.pending = replay.pending[:REPLAY_BATCH], replay.pending[REPLAY_BATCH:]
        for archived in batch:
            self._send(replay, archived)
        if not replay.pending:
            self._finish(replay, COMPLETED)
            return
        replay.next_step += REPLAY_STEP_SECONDS
        self.scheduler.at(replay.next_step, self._step, replay)

    def _window(self, replay: Replay) -> list[Archived]:
        archive = replay.archive
        archive.expire(self.clock.now())
        found = [a for a in archive.events if replay.start <= a.time < replay.end]
        return sorted(found, key=lambda a: a.time)

    def _send(self, replay: Replay, archived: Archived) -> None:
        event = archived.event
        payload = {**event.payload, REPLAY_NAME: replay.name}
        copy = Event(event.id, payload, self.clock.now(), event.trace_header)
        self.dispatcher.ingest(copy, replay.bus, 0, replay.rules)
        replay.last_replayed = archived.time

    def _finish(self, replay: Replay, state: str) -> None:
        replay.state = state
        replay.ended = self.clock.now()
        replay.pending = []


def _one_filter(operation: str, *filters: str | None) -> None:
    if sum(f is not None for f in filters) > 1:
        raise EventsValidationError(ONE_FILTER.format(operation=operation))
