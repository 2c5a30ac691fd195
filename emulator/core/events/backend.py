"""The EventBridge backend: the registry of resources plus PutEvents and its delivery pipeline.

PutEvents validates and accepts entries on the request path and hands each accepted event to
the dispatcher, which routes and delivers it off the request path (see :mod:`.delivery`).
Entries naming a bus that does not exist are accepted and dropped, as AWS does (its PutEvents
answers with an ``EventId`` and ``FailedEntryCount`` 0; aws/aws-cli#9186).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from emulator.core.clock import Clock
from emulator.core.events.archives import Archives
from emulator.core.events.arns import BusRef, bus_ref
from emulator.core.events.connections import Connections
from emulator.core.events.delivery import (
    BusSink,
    DeliveryFaults,
    DeliveryObserver,
    Dispatcher,
    MessageSink,
    SqsSink,
)
from emulator.core.events.envelope import (
    Entry,
    EntryError,
    check_entry,
    format_time,
    make_event,
    request_size_ok,
)
from emulator.core.events.errors import EVENT_NOT_VALID, REQUEST_TOO_LARGE, EventsValidationError
from emulator.core.events.limits import DEFAULT_LIMITS, EventsLimits
from emulator.core.events.registry import Registry
from emulator.core.events.rules import Rule
from emulator.core.events.scheduler import Scheduler
from emulator.core.events.schedules import ScheduleRunner
from emulator.core.ids import IdFactory
from emulator.core.patterns import compile_pattern

PutResult = tuple[str | None, EntryError | None]  # (EventId, or (ErrorCode, ErrorMessage))

# TestEventPattern: "the following fields are mandatory: id, account, source, time, region,
# resources, detail-type" (API reference, TestEventPattern).
TEST_EVENT_FIELDS = ("id", "account", "source", "time", "region", "resources", "detail-type")


class EventsBackend:
    """All EventBridge state of the emulator, and its delivery work."""

    name = "events"

    def __init__(
        self,
        clock: Clock,
        ids: IdFactory,
        sqs: MessageSink,
        limits: EventsLimits = DEFAULT_LIMITS,
        observer: DeliveryObserver | None = None,
        faults: DeliveryFaults | None = None,
    ) -> None:
        self.clock = clock
        self.ids = ids
        self.limits = limits
        self.registry = Registry(clock, limits)
        self.connections = Connections(clock, ids)
        self.scheduler = Scheduler(clock)
        self.dispatcher = Dispatcher(self.scheduler, self.registry, sqs, limits, observer)
        self.dispatcher.faults = faults
        self.dispatcher.sinks = {"sqs": SqsSink(sqs), "events": BusSink(self.dispatcher, limits)}
        self.schedules = ScheduleRunner(self.scheduler, self.registry, self.dispatcher, ids)
        self.registry.on_rule = self.schedules.arm
        self.archives = Archives(clock, self.scheduler, self.dispatcher, self.registry)
        self.dispatcher.archive = self.archives.capture

    # ------------------------------------------------------------------ lifecycle
    def reset(self) -> None:
        """Forget every bus, rule and pending delivery."""
        self.registry.clear()
        self.connections.clear()
        self.scheduler.clear()
        self.archives.clear()

    async def start(self) -> None:
        """Deliver from the running loop from now on."""
        self.scheduler.attach(asyncio.get_running_loop())

    async def stop(self) -> None:
        """Deliver what is ready, then stop driving deliveries."""
        self.scheduler.run_due()
        self.scheduler.detach()

    def run_due(self) -> int:
        """Run the deliveries that are due now (tests with a ManualClock call this)."""
        return self.scheduler.run_due()

    # ------------------------------------------------------------------ PutEvents
    def put_events(self, account: str, region: str, entries: Sequence[Entry]) -> list[PutResult]:
        """Accept the valid entries, report the others; one result per entry, in order."""
        if len(entries) > self.limits.max_entries:
            raise EventsValidationError(f"Too many entries: {len(entries)}")
        if not request_size_ok(entries, self.limits.max_request_bytes):
            raise EventsValidationError(REQUEST_TOO_LARGE)
        now = self.clock.now()
        request = _Request(account, region, now, format_time(int(now)))
        return [self._put_entry(request, entry) for entry in entries]

    def _put_entry(self, request: _Request, entry: Entry) -> PutResult:
        detail, error = check_entry(entry)
        if detail is None:
            return None, error
        event_id = self.ids.uuid()
        event = make_event(
            entry,
            detail,
            event_id=event_id,
            account=request.account,
            region=request.region,
            now=request.now,
            now_text=request.now_text,
        )
        self.dispatcher.ingest(event, request.bus(entry.get("EventBusName")))
        return event_id, None

    # ------------------------------------------------------------------ TestEventPattern
    def test_event_pattern(self, pattern: str, event_text: str) -> bool:
        """Whether the event matches; ``InvalidEventPatternException`` for a bad pattern."""
        compiled = compile_pattern(pattern)
        try:
            event = json.loads(event_text)
        except ValueError:
            raise EventsValidationError(EVENT_NOT_VALID) from None
        if not isinstance(event, dict) or any(f not in event for f in TEST_EVENT_FIELDS):
            raise EventsValidationError(EVENT_NOT_VALID)
        return compiled.matches(event)

    # ------------------------------------------------------------------ admin
    def state(self) -> dict[str, Any]:
        """Buses, rules and targets of every account and region, for ``/_emulator/state``."""
        buses: list[dict[str, Any]] = []
        rules: list[dict[str, Any]] = []
        targets: list[dict[str, Any]] = []
        for bus in self.registry.all_buses():
            where = {"account": bus.ref.account, "region": bus.ref.region}
            buses.append({**where, "name": bus.name, "arn": bus.arn, "rules": len(bus.rules)})
            for rule in bus.rules.values():
                rules.append(_rule_state(where, bus.name, rule))
                targets.extend(
                    {**where, "bus": bus.name, "rule": rule.name, "id": t.id, "arn": t.arn}
                    for t in rule.targets.values()
                )
        return {
            "buses": buses,
            "rules": rules,
            "targets": targets,
            "pending_deliveries": self.scheduler.pending,
            **self.archives.state(),
            **self.connections.state(),
        }


@dataclass(slots=True)
class _Request:
    """What the entries of one PutEvents request share."""

    account: str
    region: str
    now: float
    now_text: str  # ``now`` as an envelope's ``time``
    buses: dict[str | None, BusRef] = field(default_factory=dict)

    def bus(self, name: str | None) -> BusRef:
        """The bus an entry's ``EventBusName`` names (the entries mostly name one)."""
        ref = self.buses.get(name)
        if ref is None:
            ref = self.buses[name] = bus_ref(name, self.account, self.region)
        return ref


def _rule_state(where: dict[str, str], bus: str, rule: Rule) -> dict[str, Any]:
    return {
        **where,
        "bus": bus,
        "name": rule.name,
        "arn": rule.arn,
        "state": rule.state,
        "event_pattern": rule.event_pattern,
        "schedule": rule.schedule,
        "targets": list(rule.targets),
    }
